"""Where each parameter's default comes from: calibrated, literature, assumption or setting.

A researcher must be able to tell grounded defaults from guesses, so every parameter of the
schema has one entry here and the ODD's parameter table shows it (``parameters.odd_table``).
The kinds: *calibrated*, set from the ABC-SMC posterior against the contact patterns
(docs/ODD.md 8.2, results/calibration) or by the hand scans of 8.1 against the patterns and
the regime demand;
*literature*, taken from a published source; *assumption*, a modelling choice no data fixes
yet (the experiments vary many of them); *setting*, a control of the run (a switch for
ablation, the collection interval, the population's scale or a schedule the user picks).
"""

from __future__ import annotations

KINDS = ("calibrated", "literature", "assumption", "setting")

_PATTERNS = ("by hand against the contact patterns {} (ODD 8.1); the ABC-SMC posterior (8.2) "
             "leaves it open")
_OPEN = ("assumption", "a modelling choice; the ABC-SMC calibration against the contact "
                       "patterns (ODD 8.2) leaves it open")
_ABC = ("ABC-SMC against the contact patterns P1-P4 (ODD 8.2): the posterior pins down two "
        "combinations of the four log-odds parameters of an encounter's outcome, and the default "
        "is the best of the candidates in that plane (results/calibration/summary.md)")
_REGIME = ("by hand for a regime in which a stable alliance is neither certain nor impossible "
           "(ODD 8.1), not against data")

ORIGINS: dict[str, tuple[str, str]] = {
    "n_groups": ("setting", "the population's scale"),
    "n_axes": ("literature", "the seven historic axes of domination in Muto (2009)"),
    "size_activity": ("calibrated", _PATTERNS.format("P1")),
    "virtuous_base": ("calibrated", _ABC),
    "hostility_base": ("calibrated", _ABC),
    "mediation_effect": ("calibrated", _ABC),
    "imposition_weight": ("calibrated", _ABC),
    "trust_gain": _OPEN,
    "initial_prejudice": _OPEN,
    "secondary_transfer": _OPEN,
    "trust_weight": ("calibrated", _PATTERNS.format("P1")),
    "negativity_bias": ("literature", "the design note's ratio of 2 to 3 after Barlow et al. "
                                      "(2012) and Graf, Paolini and Rubin (2014); its low end "
                                      "kept by the scans of ODD 8.1 and left open by the "
                                      "ABC-SMC posterior (8.2)"),
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
