"""The movement of movements: ties between movements that mediate together.

Muto (2009/2018) and Beaudet (2021) call for inter-movement politics: movements in silos
fail, convergence comes from working together across constituencies. A tie strengthens
when the two movements jointly mediate a virtuous encounter and decays all the time; the
convergence-space parameter sets how readily a new tie forms (a forum as a space that
invites ties, after Whitaker's 'open space').
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from model.numerics.jit import ufunc
from model.mechanisms.mediation import presence

TIE_PRESENT = 0.2
"""A tie counts as present (for new-tie formation and density) above this strength."""


def joint_mediation(rooted: np.ndarray, capacity: np.ndarray, i: np.ndarray,
                    j: np.ndarray) -> np.ndarray:
    """Credit of each movement pair (m, n) for virtuous encounters (i, j), symmetric.

    X_mn = sum_e c_m r_m,i_e c_n r_n,j_e, plus its transpose; self-pairs excluded.
    ``rooted`` is the (N, M) group-major rootedness.
    """
    x = presence(rooted, capacity, i).T @ presence(rooted, capacity, j)
    x = x + x.T
    np.fill_diagonal(x, 0.0)
    return x


@ufunc("float64(float64, float64, float64, float64, float64)")
def update_ties(ties, credit, tie_reinforcement, convergence_space, tie_decay):
    """W' = W (1 - tie_decay) + (1 - W)(1 - exp(-rate * credit)).

    Every tie decays; joint mediation moves it 1 - exp(-rate * credit) of the remaining way
    to 1, so a tie lasts only while the two movements keep mediating together. The rate is
    ``tie_reinforcement`` for a present tie and ``convergence_space`` for a new one. W stays
    in [0, 1].
    """
    rate = tie_reinforcement if ties > TIE_PRESENT else convergence_space
    return ties * (1.0 - tie_decay) + (1.0 - ties) * (-np.expm1(-rate * credit))


def tie_density(ties: np.ndarray) -> float:
    """Share of movement pairs with a present tie."""
    m = len(ties)
    if m < 2:
        return 0.0
    return float(np.count_nonzero((ties > TIE_PRESENT)[_upper(m)]) / (m * (m - 1) / 2))


@lru_cache(maxsize=8)
def _upper(m: int) -> np.ndarray:
    """Mask of the pairs above the diagonal of an (m, m) array (what np.triu keeps)."""
    return np.triu(np.ones((m, m), dtype=bool), 1)
