"""Divide and rule: instigation that frames encounters as hostile.

Muto (2009/2018): the dominant system perpetuates itself by organising internal division
and setting one people's group against another. Uniform instigation presses on every
encounter, mediated or not (whether mediation can hold it off is for the runs to show, not
for a rule to grant); targeted instigation spends the same budget on the largest nascent
alliance, pressing on encounters that involve its members.
"""

from __future__ import annotations

import numpy as np


def instigation_pressure(i: np.ndarray, j: np.ndarray, alliance: np.ndarray, sizes: np.ndarray,
                         instigation: float, instigation_mode: str) -> np.ndarray:
    """Instigation felt by each encounter, in [0, 1].

    Targeted: the largest alliance (by population share) is the target. Encounters
    touching it get min(1, instigation / q), others none, where q = 1 - (1 - f)^2 is the chance
    that an encounter between two uniformly drawn groups touches the target's f share of
    the groups. The pressure summed over encounters then stays what uniform instigation
    spends (until it saturates at 1). Without an alliance, targeted acts as uniform.
    """
    if instigation_mode == "uniform" or not np.any(alliance >= 0):
        return np.full(len(i), instigation)
    inside = alliance >= 0
    share = np.bincount(alliance[inside], weights=sizes[inside])
    target = int(np.argmax(share))
    members = np.count_nonzero(alliance == target)
    touched = 1.0 - (1.0 - members / len(alliance)) ** 2
    hit = (alliance[i] == target) | (alliance[j] == target)
    return np.where(hit, min(1.0, instigation / touched), 0.0)
