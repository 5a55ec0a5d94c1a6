"""Trust between groups and attitudes toward categories.

A group trusts a group it has met as far as their encounters taught it, and expects of a
group it never met what its attitudes toward that group's categories suggest. Virtuous
contact raises trust and hostile contact lowers it, with a negativity bias: negative
contact moves attitudes further than positive contact (Barlow et al. 2012; Graf, Paolini
and Rubin 2014), default ratio 2.0. Hostile contact also leaves a group wary of outsiders in
general, which caps the trust later virtuous contact can build with anyone: trust is lost
faster than it is built (Slovic 1993), and negative contact makes the outgroup category salient
so that its effect generalises (Paolini, Harwood and Rubin 2010). Contact with one group spills
over to its categories (secondary transfer, Pettigrew 2009), which shapes what a group expects
of groups it has never met.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms.encounter_outcomes import HOSTILE, VIRTUOUS
from model.numerics.jit import LEAF, PREFETCH_AHEAD, kernel, leaf_sum, pairwise_sum, prefetch, ufunc


def expected_trust(attitudes: np.ndarray, categories: np.ndarray, i: np.ndarray,
                   j: np.ndarray) -> np.ndarray:
    """What i expects of a group j it never met: its mean attitude toward j's categories."""
    return _expected(attitudes, categories, np.asarray(i, dtype=np.int64),
                     np.asarray(j, dtype=np.int64))


@kernel
def _expected(attitudes, categories, i, j):
    out = np.empty(len(i))
    row = np.empty(categories.shape[1])
    for e in range(len(i)):
        out[e] = _expectation(attitudes, categories, i[e], j[e], row)
    return out


@kernel
def _expectation(attitudes, categories, a, b, row):
    """a's mean attitude toward b's categories, summed in numpy's order (``row``: scratch)."""
    c = len(row)
    for x in range(c):
        row[x] = attitudes[a, categories[b, x]]
    return (leaf_sum(row, 0, c) if c <= LEAF else pairwise_sum(row, 0, c)) / c


def pair_trust(trust: np.ndarray, met: np.ndarray, attitudes: np.ndarray,
               categories: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Trust of i in j: remembered if they met, expected from attitudes otherwise."""
    return pair_trusts(trust, met, attitudes, categories, i, j)[0]


def pair_trusts(trust: np.ndarray, met: np.ndarray, attitudes: np.ndarray,
                categories: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trust of i in j and of j in i (see :func:`pair_trust`), in one pass over the pairs."""
    return _pair_trusts(trust, met, attitudes, categories, np.asarray(i, dtype=np.int64),
                        np.asarray(j, dtype=np.int64))


@kernel
def _pair_trusts(trust, met, attitudes, categories, i, j):
    t_ij = np.empty(len(i))
    t_ji = np.empty(len(i))
    row = np.empty(categories.shape[1])
    for e in range(len(i)):
        if e + PREFETCH_AHEAD < len(i):
            p, q = i[e + PREFETCH_AHEAD], j[e + PREFETCH_AHEAD]
            prefetch(met, p, q)
            prefetch(met, q, p)
            prefetch(trust, p, q)
            prefetch(trust, q, p)
        a, b = i[e], j[e]
        t_ij[e] = trust[a, b] if met[a, b] else _expectation(attitudes, categories, a, b, row)
        t_ji[e] = trust[b, a] if met[b, a] else _expectation(attitudes, categories, b, a, row)
    return t_ij, t_ji


@ufunc("float64(float64, boolean)")
def learned(trust, first):
    """Where learning starts: the remembered trust, or a neutral 0 at a first meeting
    (the prior, an expectation from attitudes, shaped the encounter's odds, not memory)."""
    return 0.0 if first else trust


@ufunc("float64(float64, int64, float64, float64, float64)")
def trust_changes(trust, outcome, trust_gain, negativity_bias, ceiling):
    """Change of trust per encounter: a share of the distance to a bound.

    A virtuous encounter moves trust ``trust_gain`` of the way up to ``ceiling`` (1 - the
    group's wariness; 1 without wariness) and never lowers it; a hostile one
    ``min(1, negativity_bias * trust_gain)`` of the way to -1 (without the bias, the step
    passes a ratio of 1). Bounded steps keep trust in [-1, 1].
    """
    if outcome == VIRTUOUS:
        return trust_gain * max(0.0, ceiling - trust)
    if outcome == HOSTILE:
        return -min(1.0, negativity_bias * trust_gain) * (1.0 + trust)
    return 0.0


@kernel
def wariness_after(wariness: np.ndarray, i: np.ndarray, j: np.ndarray, outcome: np.ndarray,
                   wariness_gain: float, wariness_heal: float) -> np.ndarray:
    """A step's wariness: each hostile encounter moves both parties ``wariness_gain`` of the
    way to full wariness, in encounter order; then every group's wariness fades by
    ``wariness_heal``.

    Wariness is the group's, not the pair's: it is what generalises from bad encounters to
    outsiders in general, so that one hostile meeting weighs on trust built with others.
    """
    w = wariness.copy()
    for x in range(len(i)):
        if outcome[x] == HOSTILE:
            w[i[x]] += wariness_gain * (1.0 - w[i[x]])
            w[j[x]] += wariness_gain * (1.0 - w[j[x]])
    for g in range(len(w)):
        w[g] = (1.0 - wariness_heal) * w[g]
    return w


@kernel
def apply_trust(trust: np.ndarray, met: np.ndarray, i: np.ndarray, j: np.ndarray,
                t_ij: np.ndarray, t_ji: np.ndarray, d_ij: np.ndarray, d_ji: np.ndarray) -> None:
    """Synchronous update: every encounter read the start-of-step trust; changes add up.

    Trust is first set to where each encounter's learning started (``t_ij``, ``t_ji``: the
    remembered trust, or 0 at a first meeting); the summed changes are then clipped to
    [-1, 1] (several encounters of one pair in a step can overshoot).
    """
    e = len(i)
    for x in range(e):
        trust[i[x], j[x]] = t_ij[x]
    for x in range(e):
        trust[j[x], i[x]] = t_ji[x]
    for x in range(e):
        met[i[x], j[x]] = True
        met[j[x], i[x]] = True
    for x in range(e):
        trust[i[x], j[x]] += d_ij[x]
    for x in range(e):
        trust[j[x], i[x]] += d_ji[x]
    for x in range(e):
        trust[i[x], j[x]] = min(max(trust[i[x], j[x]], -1.0), 1.0)
        trust[j[x], i[x]] = min(max(trust[j[x], i[x]], -1.0), 1.0)


@kernel
def transfer_to_attitudes(attitudes: np.ndarray, categories: np.ndarray, i: np.ndarray,
                          j: np.ndarray, d_ij: np.ndarray, secondary_transfer: float) -> None:
    """Secondary transfer: i's attitude to each category of j that i does not share moves
    by ``secondary_transfer`` times i's trust change toward j; attitudes stay in [-1, 1].

    The change is the one computed per encounter, before trust is clipped, so an encounter
    that pushes trust against its bound still generalises in full. A step's changes are
    summed first, then added.
    """
    n, c = attitudes.shape
    change = np.zeros((n, c))
    touched = np.zeros(n, dtype=np.bool_)
    for x in range(len(i)):
        g, h = i[x], j[x]
        touched[g] = True
        w = secondary_transfer * d_ij[x]
        for y in range(categories.shape[1]):
            cat = categories[h, y]
            change[g, cat] += w if cat != categories[g, y] else 0.0
    for g in range(n):
        if touched[g]:  # the other rows add nothing
            for cat in range(c):
                attitudes[g, cat] = min(max(attitudes[g, cat] + change[g, cat], -1.0), 1.0)
