"""Contracts: agreements signed by trusting pairs, renewed or lapsed at punctuation points.

Muto (2009/2018): alliance building is a fluid process that needs times of punctuation,
when the parties negotiate terms; the resulting social contracts are renewable, and their
accumulation is a people's charter. Here a pair that just had a virtuous encounter and
trusts each other enough signs a contract for a fixed term; at the term's end it is renewed
if trust holds and domination inside the pair has been mitigated enough, else it lapses,
and a lapse costs trust.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms.economy import consume, gains, interdependence_after
from model.mechanisms.identities import domination
from model.numerics.jit import PREFETCH_AHEAD, kernel, prefetch
from model.mechanisms.encounter_outcomes import VIRTUOUS
from model.core.state import Contracts
from model.mechanisms.structural_change import mitigated, trust_loss


@kernel
def virtuous_pairs(i: np.ndarray, j: np.ndarray, outcome: np.ndarray,
                   n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs (a < b) with at least one virtuous encounter, sorted by a * n + b."""
    keys = np.empty(len(i), dtype=np.int64)
    m = 0
    for e in range(len(i)):
        if outcome[e] == VIRTUOUS:
            keys[m] = min(i[e], j[e]) * n + max(i[e], j[e])
            m += 1
    keys = np.sort(keys[:m])
    a = np.empty(m, dtype=np.int64)
    b = np.empty(m, dtype=np.int64)
    u = 0
    for x in range(m):
        if x == 0 or keys[x] != keys[x - 1]:
            a[u] = keys[x] // n
            b[u] = keys[x] % n
            u += 1
    return a[:u], b[:u]


@kernel
def not_in(keys: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Mask of the keys not among ``excluded`` (any order)."""
    ex = np.sort(excluded)
    out = np.empty(len(keys), dtype=np.bool_)
    for x in range(len(keys)):
        p = np.searchsorted(ex, keys[x])
        out[x] = not (p < len(ex) and ex[p] == keys[x])
    return out


@kernel
def mutual_trust(trust: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A contract needs both parties: the lower of the two directed trusts."""
    out = np.empty(len(a))
    for x in range(len(a)):
        out[x] = min(trust[a[x], b[x]], trust[b[x], a[x]])
    return out


def pair_terms(a: np.ndarray, b: np.ndarray, sides: np.ndarray, salience: np.ndarray,
               economic_axes: np.ndarray, enemy_axis: int, nature_axis: int) -> dict:
    """The fixed terms of a pair's contract, read off their identities."""
    sa, sb = sides[a], sides[b]
    complementarity, shares_enemy, voice_ab, voice_ba = _identity_terms(
        a, b, sides, economic_axes, enemy_axis, nature_axis)
    return dict(
        dom_ab=domination(sa, sb, salience), dom_ba=domination(sb, sa, salience),
        complementarity=complementarity, shares_enemy=shares_enemy,
        nature_voice_ab=voice_ab, nature_voice_ba=voice_ba,
    )


@kernel
def _identity_terms(a, b, sides, economic_axes, enemy_axis, nature_axis):
    """Share of economic axes on which a and b differ; both dominated on the enemy's axis;
    a dominant and b dominated on the nature axis, and the reverse (False without one)."""
    n = len(a)
    complementarity = np.zeros(n)
    shares_enemy = np.zeros(n, dtype=np.bool_)
    voice_ab = np.zeros(n, dtype=np.bool_)
    voice_ba = np.zeros(n, dtype=np.bool_)
    k = len(economic_axes)
    for x in range(n):
        p, q = a[x], b[x]
        if k:
            differ = 0
            for y in economic_axes:
                differ += sides[p, y] != sides[q, y]
            complementarity[x] = differ / k
        shares_enemy[x] = sides[p, enemy_axis] == 1.0 and sides[q, enemy_axis] == 1.0
        if nature_axis >= 0:
            voice_ab[x] = sides[p, nature_axis] == 0.0 and sides[q, nature_axis] == 1.0
            voice_ba[x] = sides[q, nature_axis] == 0.0 and sides[p, nature_axis] == 1.0
    return complementarity, shares_enemy, voice_ab, voice_ba


def sign(contracts: Contracts, a: np.ndarray, b: np.ndarray, t: int, term: int,
         terms: dict) -> np.ndarray:
    """Add new active contracts (renewals, mitigation and interdependence start at zero)."""
    return contracts.add(a=a, b=b, start=t, due=t + term, first_renewal=-1, ended=-1, **terms)


@kernel
def upkeep(a, b, dom_ab, dom_ba, mit_ab, mit_ba, complementarity, interdependence, due,
           openness, trust, resources, t, structural, lip, economic, mitigation_rate,
           lip_service_rate, interdependence_rate, economic_gain, resource_decay):
    """One step of every active contract, in one pass over the live columns.

    Structural change (``mitigated``), then lip service (``trust_loss`` from each party's
    trust in the other, never below -1), then economic articulation
    (``interdependence_after``, and each party gains ``economic_gain`` times
    complementarity); every group then consumes ``resource_decay`` of its resources.
    Updates the live columns and ``trust`` in place; returns the new resources and the
    rows of the contracts due at step t (punctuation points, in id order). Pairs are
    unique, so contracts never touch the same trust entry and the order of the pass does
    not matter.
    """
    rows = np.empty(len(a), dtype=np.int64)
    n_due = 0
    for x in range(len(a)):
        if lip and x + PREFETCH_AHEAD < len(a):
            prefetch(trust, a[x + PREFETCH_AHEAD], b[x + PREFETCH_AHEAD])
            prefetch(trust, b[x + PREFETCH_AHEAD], a[x + PREFETCH_AHEAD])
        if structural:
            mit_ab[x] = mitigated(mit_ab[x], dom_ab[x], openness[a[x]], mitigation_rate)
            mit_ba[x] = mitigated(mit_ba[x], dom_ba[x], openness[b[x]], mitigation_rate)
        if lip:
            trust[b[x], a[x]] = max(trust[b[x], a[x]] - trust_loss(dom_ab[x], mit_ab[x], lip_service_rate), -1.0)
            trust[a[x], b[x]] = max(trust[a[x], b[x]] - trust_loss(dom_ba[x], mit_ba[x], lip_service_rate), -1.0)
        if economic:
            interdependence[x] = interdependence_after(interdependence[x], complementarity[x],
                                                       interdependence_rate)
        if due[x] == t:
            rows[n_due] = x
            n_due += 1
    if economic:
        resources = resources + gains(len(resources), a, b, complementarity, economic_gain)
    return consume(resources, resource_decay), rows[:n_due]


@kernel
def renewal_ok(rows, a, b, dom_ab, dom_ba, mit_ab, mit_ba, interdependence, shares_enemy,
               trust, renewal_threshold, interdependence_weight, enemy_relief, max_residual):
    """Which contracts (rows of the live columns) renew at their punctuation point.

    A contract renews when the parties' mutual trust reaches the renewal threshold, lowered
    by their interdependence and, if both are its targets, by the common enemy
    (``enemy_relief``), and the domination left unmitigated inside the pair, both
    directions, is at most ``max_residual``.
    """
    ok = np.empty(len(rows), dtype=np.bool_)
    for k in range(len(rows)):
        x = rows[k]
        relief = enemy_relief * (1.0 if shares_enemy[x] else 0.0)
        threshold = renewal_threshold - interdependence_weight * interdependence[x] - relief
        mutual = min(trust[a[x], b[x]], trust[b[x], a[x]])
        residual = dom_ab[x] * (1.0 - mit_ab[x]) + dom_ba[x] * (1.0 - mit_ba[x])
        ok[k] = mutual >= threshold and residual <= max_residual
    return ok


def renew(contracts: Contracts, rows: np.ndarray, t: int, term: int) -> None:
    """Extend contracts (rows of the live columns) by a term; a first renewal is dated."""
    if contracts.date_first_renewal(rows, t):
        contracts.renewed_version += 1
    contracts.live("renewals")[rows] += 1
    contracts.live("due")[rows] = t + term


def lapse(contracts: Contracts, rows: np.ndarray, t: int, trust: np.ndarray, cost: float) -> None:
    """End contracts (rows of the live columns); each party loses ``cost`` of the way to
    full distrust of the other."""
    if len(rows) == 0:
        return
    _lapse_cost(trust, contracts.live("a")[rows], contracts.live("b")[rows], cost)
    contracts.end(contracts.active_ids[rows], t)


@kernel
def _lapse_cost(trust, a, b, cost):
    for x in range(len(a)):
        trust[a[x], b[x]] -= cost * (1.0 + trust[a[x], b[x]])
        trust[b[x], a[x]] -= cost * (1.0 + trust[b[x], a[x]])
