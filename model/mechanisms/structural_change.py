"""Structural change: mitigation of domination inside contracts, or lip service.

Muto (2009/2018): alliance building cannot continue if the dominating / dominated relation
between the parties is left intact; it must mitigate structural inequality toward its
abolition, or it remains lip service and is discredited. Inside an active contract the
dominant party chooses each step whether to mitigate: its open faction weighs what the
alliance brings against the resources it must hand over, and its hardliners weigh the cost.
Lip service is the cheap choice now and the expensive one later: domination left
unmitigated erodes the dominated party's trust.

Each kernel makes one pass over the live columns of the active contracts (``a < b`` are
the parties, ``dom_ab`` the domination of a over b, ``mit_ab`` its mitigation in [0, 1]).
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import PREFETCH_AHEAD, kernel, prefetch


@kernel
def worth(trust_in_partner: float, interdependence: float, enemy_bond: float) -> float:
    """What a contract brings its dominant party: its trust in the partner mapped to [0, 1],
    the economic interdependence built, and protection from a salient common enemy."""
    return 0.5 * (1.0 + trust_in_partner) + interdependence + enemy_bond


@kernel
def chooses_to_mitigate(openness_dominant: float, value: float, domination: float,
                        mitigation_cost: float) -> bool:
    """The dominant party's choice, its factions weighted by their power: the open faction
    weighs what the alliance brings (``value``), the hardliners the price of sharing power
    (``mitigation_cost`` times the domination at stake)."""
    return openness_dominant * value >= (1.0 - openness_dominant) * mitigation_cost * domination


@kernel
def mitigate(a: np.ndarray, b: np.ndarray, dom_ab: np.ndarray, dom_ba: np.ndarray,
             mit_ab: np.ndarray, mit_ba: np.ndarray, interdependence: np.ndarray,
             shares_enemy: np.ndarray, enemy: float, openness: np.ndarray, trust: np.ndarray,
             resources: np.ndarray, mitigation_rate: float, mitigation_cost: float) -> None:
    """One step of structural change in both directions of every active contract (in place).

    Where the dominant party chooses to (:func:`chooses_to_mitigate`) and can pay, mitigation
    moves ``mitigation_rate * openness`` of the remaining way to 1 and the dominant party
    transfers ``mitigation_cost * domination`` resources per unit mitigated to its partner
    (power sharing as resource transfer). Contracts are taken in id order, a's side first,
    because payments draw on the same resources.
    """
    for x in range(len(a)):
        p, q = a[x], b[x]
        bond = enemy if shares_enemy[x] else 0.0
        mit_ab[x] = _share_power(p, q, dom_ab[x], mit_ab[x], interdependence[x], bond, openness,
                                 trust, resources, mitigation_rate, mitigation_cost)
        mit_ba[x] = _share_power(q, p, dom_ba[x], mit_ba[x], interdependence[x], bond, openness,
                                 trust, resources, mitigation_rate, mitigation_cost)


@kernel
def _share_power(giver, taker, domination, mitigation, interdependence, bond, openness, trust,
                 resources, mitigation_rate, mitigation_cost):
    """One direction of :func:`mitigate`: the new mitigation of ``giver``'s domination over
    ``taker``, paying for it out of ``resources`` (in place) when it is chosen and affordable."""
    if domination <= 0:
        return mitigation
    step = mitigation_rate * openness[giver] * (1.0 - mitigation)
    price = mitigation_cost * domination * step
    value = worth(trust[giver, taker], interdependence, bond)
    if not (chooses_to_mitigate(openness[giver], value, domination, mitigation_cost)
            and resources[giver] >= price):
        return mitigation
    resources[giver] -= price
    resources[taker] += price
    return mitigation + step


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
