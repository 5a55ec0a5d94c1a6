"""The movement of movements: ties between movements that mediate together.

Muto (2009/2018) and Beaudet (2021) call for inter-movement politics: movements in silos
fail, convergence comes from working together across constituencies. A tie strengthens
when the two movements jointly mediate a virtuous encounter and decays otherwise; the
convergence-space parameter sets how readily a new tie forms (a forum as a space that
invites ties, after Whitaker's 'open space').
"""

from __future__ import annotations

import numpy as np

TIE_PRESENT = 0.05
"""A tie counts as present (for new-tie formation and density) above this strength."""


def joint_mediation(rootedness: np.ndarray, capacity: np.ndarray, i: np.ndarray,
                    j: np.ndarray) -> np.ndarray:
    """Credit of each movement pair (m, n) for virtuous encounters (i, j), symmetric.

    X_mn = sum_e c_m r_m,i_e c_n r_n,j_e, plus its transpose; self-pairs excluded.
    """
    ci = capacity[:, None] * rootedness[:, i]
    cj = capacity[:, None] * rootedness[:, j]
    x = ci @ cj.T
    x = x + x.T
    np.fill_diagonal(x, 0.0)
    return x


def update_ties(ties: np.ndarray, credit: np.ndarray, reinforcement: float,
                convergence: float, decay: float) -> np.ndarray:
    """Credited ties move 1 - exp(-rate * credit) of the way to 1; the rest decay.

    The rate is ``reinforcement`` for a present tie and ``convergence`` for a new one.
    """
    rate = np.where(ties > TIE_PRESENT, reinforcement, convergence)
    grown = ties + (1.0 - ties) * (-np.expm1(-rate * credit))
    return np.where(credit > 0, grown, ties * (1.0 - decay))


def tie_density(ties: np.ndarray) -> float:
    """Share of movement pairs with a present tie."""
    m = len(ties)
    if m < 2:
        return 0.0
    return float(np.count_nonzero(np.triu(ties > TIE_PRESENT, 1)) / (m * (m - 1) / 2))
