"""Structural change: mitigation of domination inside contracts, or lip service.

Muto (2009/2018): alliance building cannot continue if the dominating / dominated relation
between the parties is left intact; it must mitigate structural inequality toward its
abolition, or it remains lip service and is discredited. Inside an active contract the
dominant party's open faction drives mitigation; domination left unmitigated erodes the
dominated party's trust.

Each kernel makes one pass over the live columns of the active contracts (``a < b`` are
the parties, ``dom_ab`` the domination of a over b, ``mit_ab`` its mitigation in [0, 1]).
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import PREFETCH_AHEAD, kernel, prefetch


@kernel
def mitigated(mitigation: float, domination: float, openness_dominant: float,
              mitigation_rate: float) -> float:
    """mu' = mu + mitigation_rate * o_dominant * (1 - mu), only where there is domination to
    mitigate: the dominant party's open faction shares power."""
    return mitigation + (mitigation_rate * openness_dominant if domination > 0 else 0.0) * (1.0 - mitigation)


@kernel
def mitigate(a: np.ndarray, b: np.ndarray, dom_ab: np.ndarray, dom_ba: np.ndarray,
             mit_ab: np.ndarray, mit_ba: np.ndarray, openness: np.ndarray,
             mitigation_rate: float) -> None:
    """One step of mitigation in both directions of every active contract (in place)."""
    for x in range(len(a)):
        mit_ab[x] = mitigated(mit_ab[x], dom_ab[x], openness[a[x]], mitigation_rate)
        mit_ba[x] = mitigated(mit_ba[x], dom_ba[x], openness[b[x]], mitigation_rate)


@kernel
def trust_loss(domination: float, mitigation: float, lip_service_rate: float) -> float:
    """Per-step loss of the dominated party's trust: the rate times unmitigated domination."""
    return lip_service_rate * domination * (1.0 - mitigation)


@kernel
def lip_service(trust: np.ndarray, a: np.ndarray, b: np.ndarray, dom_ab: np.ndarray,
                dom_ba: np.ndarray, mit_ab: np.ndarray, mit_ba: np.ndarray,
                lip_service_rate: float) -> None:
    """Each dominated party's trust in its dominant partner loses :func:`trust_loss`, never
    below -1 (in place). Pairs are unique, so no two contracts touch the same entry; the
    scattered trust entries are prefetched a few contracts ahead."""
    for x in range(len(a)):
        if x + PREFETCH_AHEAD < len(a):
            prefetch(trust, a[x + PREFETCH_AHEAD], b[x + PREFETCH_AHEAD])
            prefetch(trust, b[x + PREFETCH_AHEAD], a[x + PREFETCH_AHEAD])
        p, q = a[x], b[x]
        trust[q, p] = max(trust[q, p] - trust_loss(dom_ab[x], mit_ab[x], lip_service_rate), -1.0)
        trust[p, q] = max(trust[p, q] - trust_loss(dom_ba[x], mit_ba[x], lip_service_rate), -1.0)


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
