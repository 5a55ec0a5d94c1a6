"""Internal impacts: power shifts between a group's open faction and its hardliners.

Muto (2009/2018): contact may first make a community defensive, but properly mediated
interaction lets people inside the group take up emancipatory ideas and change its internal
power structure. Hostile contact strengthens hardliners (rally round the flag, Mueller
1970). Openness relaxes slowly toward the group's baseline (entrenched structures).
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc
from model.mechanisms.encounter_outcomes import HOSTILE, NEUTRAL, VIRTUOUS

HARDLINER_LED = 0.5
"""A group is hardliner-led when its open faction holds less than half the power."""


@kernel
def openness_changes(openness: np.ndarray, i: np.ndarray, j: np.ndarray, outcome: np.ndarray,
                     first: np.ndarray, opening_rate: float, rally_rate: float,
                     backlash_rate: float) -> np.ndarray:
    """Summed change of each group's openness from the step's encounters.

    Virtuous: + opening_rate * (1 - o). Hostile: - rally_rate * o. A neutral first meeting
    of a hardliner-led group: - backlash_rate * o (a defensive backlash to the unfamiliar,
    which fades as a group comes to know the others). A rate of zero turns its effect off.
    """
    change = np.zeros(len(openness))
    for side in (i, j):
        for x in range(len(side)):
            g = side[x]
            o = openness[g]
            c = 0.0
            c += opening_rate * (1.0 - o) if outcome[x] == VIRTUOUS else 0.0
            c -= rally_rate * o if outcome[x] == HOSTILE else 0.0
            c -= backlash_rate * o if outcome[x] == NEUTRAL and first[x] and o < HARDLINER_LED else 0.0
            change[g] += c
    return change


@ufunc("float64(float64, float64)")
def apply_openness(openness, change):
    """Add the summed changes; several encounters in a step can overshoot, so clip to [0, 1]."""
    return min(max(openness + change, 0.0), 1.0)


@ufunc("float64(float64, float64, float64)")
def entrench(openness, baseline, entrenchment_rate):
    """Relax openness toward the group's baseline at ``entrenchment_rate`` per step."""
    return openness + entrenchment_rate * (baseline - openness)
