"""Contracts: agreements signed by trusting pairs, renewed or lapsed at punctuation points.

Muto (2009/2018): alliance building is a fluid process that needs times of punctuation,
when the parties negotiate terms; the resulting social contracts are renewable, and their
accumulation is a people's charter. Here a pair that just met, however the encounter went,
and trusts each other enough signs a contract for a fixed term; at the term's end it is
renewed if trust holds, else it lapses, and a lapse costs trust.

These are the rules; the contracts themselves are kept in ``model.core.contract_store``,
and ``AllianceModel.update_contracts`` applies the rules to them in order.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms.identities import domination
from model.numerics.jit import kernel


@kernel
def met_pairs(i: np.ndarray, j: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs (a < b) that met this step, once each, sorted by a * n + b."""
    keys = np.empty(len(i), dtype=np.int64)
    for e in range(len(i)):
        keys[e] = min(i[e], j[e]) * n + max(i[e], j[e])
    keys = np.sort(keys)
    m = len(keys)
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


@kernel
def due(due_step: np.ndarray, t: int) -> np.ndarray:
    """Rows of the active contracts whose punctuation point (renewal or lapse) is step t,
    in id order."""
    rows = np.empty(len(due_step), dtype=np.int64)
    n_due = 0
    for x in range(len(due_step)):
        if due_step[x] == t:
            rows[n_due] = x
            n_due += 1
    return rows[:n_due]


@kernel
def renewal_ok(rows, a, b, interdependence, shares_enemy, trust, renewal_threshold,
               interdependence_weight, enemy_relief):
    """Which contracts (rows of the live columns) renew at their punctuation point.

    A contract renews when the parties' mutual trust reaches the renewal threshold, lowered
    by their interdependence and, if both are its targets, by the common enemy
    (``enemy_relief``, from model.mechanisms.common_enemy.threshold_relief). Domination
    left unmitigated counts only through what it did to trust (lip service, imposition,
    hostile encounters), never as a separate bar.
    """
    ok = np.empty(len(rows), dtype=np.bool_)
    for k in range(len(rows)):
        x = rows[k]
        relief = enemy_relief * (1.0 if shares_enemy[x] else 0.0)
        threshold = renewal_threshold - interdependence_weight * interdependence[x] - relief
        ok[k] = min(trust[a[x], b[x]], trust[b[x], a[x]]) >= threshold
    return ok


@kernel
def lapse_penalty(trust: np.ndarray, a: np.ndarray, b: np.ndarray, lapse_cost: float) -> None:
    """A lapse costs trust: both parties' trust in each other moves ``lapse_cost`` of the
    way to -1 (in place; ``a``, ``b`` are the parties of the lapsed contracts)."""
    for x in range(len(a)):
        trust[a[x], b[x]] -= lapse_cost * (1.0 + trust[a[x], b[x]])
        trust[b[x], a[x]] -= lapse_cost * (1.0 + trust[b[x], a[x]])
