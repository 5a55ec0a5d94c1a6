"""Structural change: mitigation of domination inside contracts, or lip service.

Muto (2009/2018): alliance building cannot continue if the dominating / dominated relation
between the parties is left intact; it must mitigate structural inequality toward its
abolition, or it remains lip service and is discredited. Inside an active contract the
dominant party's open faction drives mitigation; domination left unmitigated erodes the
dominated party's trust.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc


@kernel
def mitigated(mitigation, domination, openness_dominant, rate):
    """One contract direction's mitigation after a step (the scalar form of ``mitigate``)."""
    return mitigation + (rate * openness_dominant if domination > 0 else 0.0) * (1.0 - mitigation)


@ufunc("float64(float64, float64, float64, float64)")
def mitigate(mitigation, domination, openness_dominant, rate):
    """mu' = mu + rate * o_dominant * (1 - mu), only where there is domination to mitigate.

    One direction of each contract: the dominant party's open faction shares power.
    """
    return mitigated(mitigation, domination, openness_dominant, rate)


@kernel
def trust_loss(domination, mitigation, rate):
    """One contract direction's lip-service trust loss (the scalar form of ``lip_service``)."""
    return rate * domination * (1.0 - mitigation)


@ufunc("float64(float64, float64, float64)")
def lip_service(domination, mitigation, rate):
    """Per-step loss of the dominated party's trust: rate * unmitigated domination."""
    return trust_loss(domination, mitigation, rate)


@kernel
def effective_domination(i: np.ndarray, j: np.ndarray, codes: np.ndarray, table: np.ndarray,
                         contract: np.ndarray, active_ids: np.ndarray, party_a: np.ndarray,
                         mit_ab: np.ndarray, mit_ba: np.ndarray) -> np.ndarray:
    """D_ij + D_ji of each encounter, each reduced by the mitigation inside the pair's
    active contract (``contract`` = its id, or -1; the other arrays are the live columns).

    ``table[code_i, code_j]`` is D_ij (model.mechanisms.identities.domination_table)."""
    out = np.empty(len(i))
    for e in range(len(i)):
        ci, cj = codes[i[e]], codes[j[e]]
        d_ij = table[ci, cj]
        d_ji = table[cj, ci]
        if contract[e] >= 0:
            row = np.searchsorted(active_ids, contract[e])
            if i[e] == party_a[row]:
                d_ij *= 1.0 - mit_ab[row]
                d_ji *= 1.0 - mit_ba[row]
            else:
                d_ij *= 1.0 - mit_ba[row]
                d_ji *= 1.0 - mit_ab[row]
        out[e] = d_ij + d_ji
    return out
