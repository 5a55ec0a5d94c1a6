"""Mediation: movements turn encounters into mediated ones.

For Muto (2009/2018) virtuous interaction needs mediation, and movements rooted in their
constituencies are its agents; movements do not represent groups. An encounter between
groups i and j is mediated through a movement rooted in both (constituencies intersect),
or through two movements, one rooted in each, that are tied in the movement of movements.
"""

from __future__ import annotations

import numpy as np


def mediation_strength(rooted: np.ndarray, capacity: np.ndarray, ties: np.ndarray,
                       i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Movement presence in each encounter (i, j).

    S = sum_m c_m r_mi r_mj + sum_{m,n} c_m r_mi W_mn c_n r_nj: the direct term counts
    movements rooted in both groups, the tied term pairs of tied movements. ``rooted`` is
    the (N, M) rootedness, group-major so that an encounter's rows are contiguous.
    """
    ri, rj = rooted[i], rooted[j]
    ci = ri * capacity
    direct = np.sum(ci * rj, axis=1)
    tied = np.sum((ci @ ties) * (rj * capacity), axis=1)
    return direct + tied


def mediation_probability(strength: np.ndarray, reach: float) -> np.ndarray:
    """P(mediated) = 1 - exp(-reach * S): independent chances add up and saturate at 1."""
    return -np.expm1(-reach * strength)
