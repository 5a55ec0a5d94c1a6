"""The parameter space and outcomes of the sensitivity analyses (experiments 8 and 8b).

The Morris screen (``e8_sensitivity``) and the Sobol' analysis of its leading parameters
(``e8b_sobol``) describe one parameter space and read the same outcomes, so both take them from
here rather than one experiment importing the other: the ranges of the screened parameters
(``RANGES``), the inert dummies that measure the noise floor (``DUMMIES``; ``DUMMY`` is the one
the Sobol' analysis keeps), the population and run
length (``N_GROUPS``, ``STEPS``), and the analysed outcomes (``OUTCOMES``) with the lifetime
score and the per-point means they are computed from.

Ranges: shares and proportions that live on the unit interval span their whole schema range;
per-step rates, weights and scales span from off (0) to twice the calibrated default, so the
default sits in the middle; log-odds intercepts span default +/- 1.25, trust thresholds default
+/- 0.2, and a few counts a documented neighbourhood of the default. ``domination_bias`` in
[0, 0.6] and ``contact_bias`` in [0, 0.4] keep their sum at most 1 on the whole box, and
``encounter_rate`` starts at 0.25 (the reasons, and what is left out, are in the docstring of
``experiments/e8_sensitivity.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.numerics.libm import log1p

from . import statistics as st
from .analysis import ExperimentData
from .design import plan as make_plan

N_GROUPS = 30
"""Groups per run: held small for the budget (structure parameters vary instead)."""
STEPS = 200
"""Steps per run."""

CORE_SECONDS_PER_RUN = 0.135
"""Cost of one run of this size (30 groups, 200 steps) on one core, in seconds: 24 committed
sensitivity runs timed again took 0.125 to 0.136 s of CPU each (0.15 s of wall time was
recorded when they were committed); a little pool overhead is added."""
BUDGET_MINUTES = 20.0
"""Both sensitivity experiments together must finish within this on two idle cores."""


def projected_minutes(runs: int, cores: int = 2) -> float:
    """Wall-clock minutes that ``runs`` runs of this size take on ``cores`` idle cores."""
    return runs * CORE_SECONDS_PER_RUN / cores / 60


DUMMIES = ("enemy_onset", "enemy_fade_time", "enemy_duration")
"""The inert dummy parameters: under the default constant enemy (``enemy_schedule =
"constant"``) the enemy's salience is ``enemy_salience`` at every step and these three timing
parameters are never read (``model.mechanisms.common_enemy.salience_at``), nor do they draw
random numbers. Every design point has its own seed (``experiments.design``), so two points
of a trajectory that differ only in a dummy differ in their seeds, and the dummy's elementary
effect is pure run-to-run noise: the floor against which the others are read. Inertness is
tested (tests/test_sensitivity_dummies.py): the same seed at two values gives the same run."""

DUMMY = DUMMIES[0]
"""The dummy the Sobol' analysis (e8b) keeps beside its parameters: one noise column is
enough there, where the dummy's total index measures the noise share of the variance."""

RANGES: dict[str, tuple[float, float]] = {
    # population structure: shares over the unit interval, counts over the schema range
    "n_axes": (1, 7),
    "faultline_alignment": (0.0, 1.0),
    "dominated_share": (0.05, 0.95),
    "n_traits": (0, 5),
    "trait_values": (2, 10),
    "size_inequality": (0.0, 2.0),
    "salience_spread": (0.0, 3.0),
    "resource_gap": (0.0, 2.0),
    "openness_mean": (0.01, 0.99),
    "openness_spread": (0.0, 1.0),
    "initial_prejudice": (0.0, 1.0),
    # movements
    "n_movements": (0, 20),
    "mediation_capacity": (0.0, 1.0),
    "rootedness": (0.0, 1.0),
    "dominant_rootedness": (0.0, 0.5),
    "mediation_reach": (0.0, 2.0),
    "initial_tie_density": (0.0, 1.0),
    "convergence_space": (0.0, 0.1),
    "tie_reinforcement": (0.0, 0.2),
    "tie_decay": (0.0, 0.04),
    # encounters (domination_bias + contact_bias <= 1 on the whole box)
    "encounter_rate": (0.25, 1.75),
    "size_activity": (0.0, 0.5),
    "domination_bias": (0.0, 0.6),
    "contact_bias": (0.0, 0.4),
    "contact_memory": (1, 7),
    # outcomes of encounters: log-odds intercepts default +/- 1.25, weights 0 to twice default
    "virtuous_base": (0.08, 2.58),
    "hostility_base": (-5.4, -2.9),
    "openness_weight": (0.0, 6.0),
    "trust_weight": (0.0, 2.0),
    "domination_weight": (0.0, 3.0),
    "bond": (0.0, 1.0),
    "cultural_similarity_weight": (0.0, 1.0),
    "mediation_effect": (0.0, 2.0),
    "imposition_weight": (0.0, 3.0),
    "enemy_solidarity": (0.0, 2.0),
    # trust
    "trust_gain": (0.0, 0.2),
    "negativity_bias": (1.0, 3.0),
    "wariness_gain": (0.0, 0.025),
    "wariness_heal": (0.0, 0.02),
    "secondary_transfer": (0.0, 1.0),
    # internal power
    "opening_rate": (0.0, 0.02),
    "rally_rate": (0.0, 0.04),
    "backlash_rate": (0.0, 0.04),
    "entrenchment_rate": (0.0, 0.04),
    # contracts: trust thresholds default +/- 0.2, term from a quarter to 1.75 times default
    "contract_threshold": (0.5, 0.9),
    "renewal_threshold": (0.35, 0.75),
    "contract_term": (5, 35),
    "lapse_cost": (0.0, 0.2),
    # structural change, economy
    "mitigation_rate": (0.0, 0.2),
    "lip_service_rate": (0.0, 0.04),
    "mitigation_cost": (0.0, 2.0),
    "economic_gain": (0.0, 0.1),
    "interdependence_rate": (0.0, 0.1),
    "interdependence_weight": (0.0, 0.6),
    "resource_decay": (0.0, 0.04),
    # common enemy (constant schedule), commons, divide and rule
    "enemy_salience": (0.0, 1.0),
    "enemy_effect": (0.0, 0.6),
    "commons_regrowth": (0.0, 0.2),
    "extraction_rate": (0.0, 0.06),
    "nature_side_extraction": (0.0, 1.0),
    "voice_effect": (0.0, 1.0),
    "scarcity_weight": (0.0, 4.0),
    "harvest_value": (0.0, 2.0),
    "instigation": (0.0, 1.0),
    "instigation_weight": (0.0, 6.0),
    # the inert dummies (timing of a fading or pulsed enemy, unread under a constant one)
    "enemy_onset": (0, 200),
    "enemy_fade_time": (1.0, 200.0),
    "enemy_duration": (1, 200),
}
"""The sampled range of every numeric parameter (the rules are in the module docstring)."""


OUTCOMES = {"stable_alliance_formed": "P(stable alliance)",
            "log_lifetime": "log(1 + median alliance lifetime)"}
"""The analysed outcomes (per design point means) and their labels."""


def lifetime_score(median, steps: int) -> np.ndarray:
    """log(1 + median lifetime capped at the run length); 0 for a run without alliances (NaN
    median) and log(1 + steps) for a median not reached (inf)."""
    m = np.asarray(median, dtype=float)
    m = np.where(np.isnan(m), 0.0, np.minimum(m, steps))
    return log1p(m)


def point_outcomes(data: ExperimentData) -> pd.DataFrame:
    """Per design point means of the analysed outcomes, in the sampler's order."""
    runs = data.runs.copy()
    runs["log_lifetime"] = lifetime_score(runs["median_alliance_lifetime"], data.spec.steps)
    n_points = len(make_plan(data.spec).points)
    return pd.DataFrame({o: st.point_means(runs, o, n_points) for o in OUTCOMES})
