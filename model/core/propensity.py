"""The model's own propensities, for landscape analysis of its alliances.

Landscape theory (model.analysis.landscape) needs a symmetric propensity between every pair of
groups. The model's is read off its state: mutual trust (remembered where a pair met,
expected from attitudes where it did not, read exactly as the step reads it) minus the
effective domination left between them, so experiments can ask whether the model's alliances
sit at a landscape minimum.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms.trust import pair_trust
from model.mechanisms.identities import domination_matrix
from model.analysis.landscape import propensity_from_trust_and_domination
from model.core.state import State

_PAIRS_PER_BLOCK = 1 << 20


def full_trust(state: State) -> np.ndarray:
    """(N, N) trust of every group in every other: remembered if met, expected otherwise.

    Read with the step's own function (``model.mechanisms.trust.pair_trust``:
    the expectation is i's mean attitude toward j's categories, summed in numpy's order), so
    every entry is bit for bit the trust the step would use for that pair. The diagonal is 0.
    """
    n = state.n
    trust = np.empty((n, n))
    rows = max(1, _PAIRS_PER_BLOCK // max(n, 1))  # index arrays of about a million pairs
    columns = np.arange(n, dtype=np.int64)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        i = np.repeat(np.arange(start, stop, dtype=np.int64), n)
        j = np.tile(columns, stop - start)
        trust[start:stop] = pair_trust(state.trust, state.met, state.attitudes,
                                       state.categories, i, j).reshape(stop - start, n)
    np.fill_diagonal(trust, 0.0)
    return trust


def effective_domination(state: State) -> np.ndarray:
    """(N, N) domination D[i, j], reduced by the mitigation of active contracts."""
    d = domination_matrix(state.sides, state.salience)
    c = state.contracts
    ids = c.active_ids
    a, b = c.a[ids], c.b[ids]
    d[a, b] *= 1.0 - c.mit_ab[ids]
    d[b, a] *= 1.0 - c.mit_ba[ids]
    return d


def model_propensity(state: State, weight: float = 1.0) -> np.ndarray:
    """p_ij = (t_ij + t_ji) / 2 - weight * (D_ij + D_ji) / 2 from the current state."""
    return propensity_from_trust_and_domination(full_trust(state), effective_domination(state),
                                                weight=weight)
