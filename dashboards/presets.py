"""Scenario presets an educator picks from a list: one place for their parameters.

Each preset says, in two sentences, what the room should watch for. Parameters not named
keep the model's defaults, so a preset reads as "the default world, except ...".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Preset:
    """A named starting point: parameters, an optional scenario file, and what to watch."""

    name: str
    watch: str
    params: dict[str, Any] = field(default_factory=dict)
    scenario: str | None = None
    seed: int = 7


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Default world",
        "Most meetings go well and a few go badly. Watch whether contracts renewed twice grow "
        "into an alliance of most of the population, and how long that takes (try another "
        "seed).",
        {"n_groups": 60},
    ),
    Preset(
        "Divide and rule",
        "Strong outside pressure frames every meeting as hostile. Watch hostility "
        "climb and alliances stay smaller than in the default world; then set "
        "instigation_mode to targeted and compare.",
        {"n_groups": 60, "instigation": 0.8},
    ),
    Preset(
        "Mediated convergence",
        "Capable, well-connected movements mediate most encounters and readily tie up. "
        "Watch virtuous encounters overtake vicious ones and trust blocs appear in the heatmap.",
        {"n_groups": 60, "mediation_capacity": 0.7, "initial_tie_density": 0.5,
         "convergence_space": 0.3, "instigation": 0.1},
    ),
    Preset(
        "Alliances without movements",
        "No movement mediates anything, but the groups are open, bound by a strong ethic of "
        "respect and left alone by divide and rule. Watch a stable alliance of the whole "
        "population form all the same: mediation helps, it is not the only door.",
        {"n_groups": 60, "mediation_capacity": 0.0, "openness_mean": 0.6, "bond": 1.5,
         "instigation": 0.0},
    ),
    Preset(
        "Mediation that imposes",
        "One deep divide runs through the population, nobody mitigates domination, and "
        "movements still mediate across it, so mediation feels like imposition. Watch "
        "hostility climb to about half the pairs; then set mediation_capacity to 0 and see it "
        "stay near zero.",
        {"n_groups": 60, "faultline_alignment": 1.0, "imposition_weight": 4.0,
         "enable_structural_change": False, "instigation": 0.0, "mediation_capacity": 0.5},
    ),
    Preset(
        "Lip service",
        "Dominant partners sign contracts but share no power, so domination inside them stays "
        "intact. Watch contracts lapse at their renewal dates: alliances form and fall apart "
        "instead of settling.",
        {"n_groups": 60, "mitigation_rate": 0.0, "lip_service_rate": 0.1},
    ),
    Preset(
        "A fading common enemy",
        "A strong common enemy lowers the bar for contracts among the groups it dominates, then "
        "fades from step 80. Watch whether alliances formed against it outlive it.",
        {"n_groups": 60, "enemy_schedule": "fading", "enemy_salience": 1.0, "enemy_effect": 0.6,
         "enemy_onset": 80, "enemy_fade_time": 30.0},
    ),
    Preset(
        "Scarce commons",
        "The population extracts the shared commons faster than it regrows. Watch the commons "
        "level fall and hostility climb as scarcity breeds conflict.",
        {"n_groups": 60, "extraction_rate": 0.12, "commons_regrowth": 0.05,
         "scarcity_weight": 4.0},
    ),
    Preset(
        "River valley (hand-made)",
        "The named groups and movements of model/scenarios/river_valley.toml, as a workshop "
        "might describe its own valley. Click a group to see who it is and whom it trusts.",
        scenario="river_valley",
    ),
)

PRESETS_BY_NAME: dict[str, Preset] = {p.name: p for p in PRESETS}
DEFAULT_PRESET = PRESETS[0]
