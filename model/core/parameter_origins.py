"""Where each parameter's default comes from: calibrated, literature, assumption or setting.

A researcher must be able to tell grounded defaults from guesses, so every parameter of the
schema has one entry here and the ODD's parameter table shows it (``parameters.odd_table``).
The kinds: *calibrated*, set by scans against the contact patterns or the regime demand of
docs/ODD.md 8.1 (by hand until the ABC-SMC posterior of 8.2 pins a parameter down);
*literature*, taken from a published source; *assumption*, a modelling choice no data fixes
yet (the experiments vary many of them); *setting*, a control of the run (a switch for
ablation, the collection interval, the population's scale or a schedule the user picks).
"""

from __future__ import annotations

KINDS = ("calibrated", "literature", "assumption", "setting")

_PATTERNS = "by hand against the contact patterns {} (ODD 8.1)"
_REGIME = ("by hand for a regime in which a stable alliance is neither certain nor impossible "
           "(ODD 8.1), not against data")

ORIGINS: dict[str, tuple[str, str]] = {
    "n_groups": ("setting", "the population's scale"),
    "n_axes": ("literature", "the seven historic axes of domination in Muto (2009)"),
    "size_activity": ("calibrated", _PATTERNS.format("P1")),
    "virtuous_base": ("calibrated", _PATTERNS.format("P1, P2")),
    "hostility_base": ("calibrated", _PATTERNS.format("P2, P3")),
    "trust_weight": ("calibrated", _PATTERNS.format("P1")),
    "negativity_bias": ("literature", "the design note's ratio of 2 to 3 after Barlow et al. "
                                      "(2012) and Graf, Paolini and Rubin (2014); its low end "
                                      "kept by the scans of ODD 8.1"),
    "wariness_gain": ("calibrated", _PATTERNS.format("P1, P3") + "; its form after Paolini, "
                                    "Harwood and Rubin (2010)"),
    "wariness_heal": ("calibrated", _PATTERNS.format("P1, P3")),
    "opening_rate": ("calibrated", _REGIME),
    "contract_threshold": ("calibrated", _REGIME),
    "renewal_threshold": ("calibrated", _REGIME),
    "enemy_schedule": ("setting", "the scenario of experiment 5 picks it"),
    "enemy_axis": ("setting", "which axis the common enemy stands on"),
    "enemy_onset": ("setting", "when a pulse or fading enemy starts"),
    "enemy_fade_time": ("setting", "the scenario of experiment 5 picks it"),
    "enemy_duration": ("setting", "the scenario of experiment 5 picks it"),
    "instigation_mode": ("setting", "uniform or targeted divide and rule (ODD 7.11)"),
    "collect_every": ("setting", "what is recorded, not how the model behaves"),
    **{name: ("setting", "a switch for ablation (on in the model as described)")
       for name in ("enable_encounter_bias", "enable_mediation", "enable_negativity_bias",
                    "enable_wariness", "enable_secondary_transfer", "enable_internal_impacts",
                    "enable_backlash", "enable_entrenchment", "enable_contracts",
                    "enable_structural_change", "enable_lip_service",
                    "enable_economic_articulation", "enable_common_enemy", "enable_commons",
                    "enable_instigation", "enable_movement_dynamics")},
}
"""Parameters whose default is not a plain assumption, by name: (kind, where it comes from)."""

ASSUMPTION = ("assumption", "a modelling choice no data fixes yet")


def origin(name: str) -> tuple[str, str]:
    """The kind and source of a parameter's default (an assumption unless listed)."""
    return ORIGINS.get(name, ASSUMPTION)
