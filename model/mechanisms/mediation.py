"""Mediation: movements turn encounters into mediated ones.

For Muto (2009/2018) virtuous interaction needs mediation, and movements rooted in their
constituencies are its agents; movements do not represent groups. An encounter between
groups i and j is mediated through a movement rooted in both (constituencies intersect),
or through two movements, one rooted in each, that are tied in the movement of movements.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import LEAF, kernel, leaf_sum, pairwise_sum, ufunc


def mediation_strength(rooted: np.ndarray, capacity: np.ndarray, ties: np.ndarray,
                       i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Movement presence in each encounter (i, j).

    S = sum_m c_m r_mi r_mj + sum_{m,n} c_m r_mi W_mn c_n r_nj: the direct term counts
    movements rooted in both groups, the tied term pairs of tied movements. ``rooted`` is
    the (N, M) rootedness, group-major so that an encounter's rows are contiguous.
    """
    ci = presence(rooted, capacity, i)
    return _strength(ci, ci @ ties, rooted, capacity, j)


@kernel
def presence(rooted: np.ndarray, capacity: np.ndarray, i: np.ndarray) -> np.ndarray:
    """rooted[i] * capacity: each movement's capacity where it is rooted in group i_e."""
    m = len(capacity)
    out = np.empty((len(i), m))
    for e in range(len(i)):
        for x in range(m):
            out[e, x] = rooted[i[e], x] * capacity[x]
    return out


@kernel
def _strength(ci, ci_ties, rooted, capacity, j):
    """direct + tied, each summed over movements in numpy's order (the product stays numpy's)."""
    m = len(capacity)
    out = np.empty(len(j))
    terms = np.empty(2 * m)  # direct terms, then tied terms
    for e in range(len(j)):
        for x in range(m):
            r = rooted[j[e], x]
            terms[x] = ci[e, x] * r
            terms[m + x] = ci_ties[e, x] * (r * capacity[x])
        if m <= LEAF:
            out[e] = leaf_sum(terms, 0, m) + leaf_sum(terms, m, m)
        else:
            out[e] = pairwise_sum(terms, 0, m) + pairwise_sum(terms, m, m)
    return out


@ufunc("float64(float64, float64)")
def mediation_probability(strength, mediation_reach):
    """P(mediated) = 1 - exp(-mediation_reach * S): independent chances add up and saturate at 1."""
    return -np.expm1(-mediation_reach * strength)
