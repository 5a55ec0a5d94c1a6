"""Divide and rule: instigation that frames unmediated encounters as hostile.

Muto (2009/2018): the dominant system perpetuates itself by organising internal division
and setting one people's group against another. Uniform instigation presses on every
unmediated encounter; targeted instigation spends the same budget on the largest nascent
alliance, pressing on encounters that involve its members.
"""

from __future__ import annotations

import numpy as np


def instigation_pressure(i: np.ndarray, j: np.ndarray, alliance: np.ndarray, sizes: np.ndarray,
                         level: float, mode: str) -> np.ndarray:
    """Instigation felt by each encounter, in [0, 1].

    Targeted: encounters touching the largest alliance (by population share s_L) get
    min(1, level / s_L), others none, so the pressure summed over the population stays
    ``level`` until it saturates. Without an alliance, targeted acts as uniform.
    """
    if mode == "uniform" or not np.any(alliance >= 0):
        return np.full(len(i), level)
    labels = alliance[alliance >= 0]
    share = np.bincount(labels, weights=sizes[alliance >= 0])
    target = int(np.argmax(share))
    hit = (alliance[i] == target) | (alliance[j] == target)
    return np.where(hit, min(1.0, level / share[target]), 0.0)
