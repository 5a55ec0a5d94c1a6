"""Mediation: movements turn encounters into mediated ones.

For Muto (2009/2018) virtuous interaction needs mediation, and movements rooted in their
constituencies are its agents; movements do not represent groups. An encounter between
groups i and j is mediated through a movement rooted in both (constituencies intersect),
or through two movements, one rooted in each, that are tied in the movement of movements.
"""

from __future__ import annotations

import numpy as np


def mediation_strength(rootedness: np.ndarray, capacity: np.ndarray, ties: np.ndarray,
                       i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Movement presence in each encounter (i, j).

    S = sum_m c_m r_mi r_mj + sum_{m,n} c_m r_mi W_mn c_n r_nj: the direct term counts
    movements rooted in both groups, the tied term pairs of tied movements.
    """
    ci = capacity[:, None] * rootedness[:, i]
    cj = capacity[:, None] * rootedness[:, j]
    direct = np.sum(ci * rootedness[:, j], axis=0)
    tied = np.sum(ci * (ties @ cj), axis=0)
    return direct + tied


def mediation_probability(strength: np.ndarray, reach: float) -> np.ndarray:
    """P(mediated) = 1 - exp(-reach * S): independent chances add up and saturate at 1."""
    return -np.expm1(-reach * strength)
