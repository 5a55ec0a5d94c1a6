"""Trust between groups and attitudes toward categories.

Virtuous contact raises trust and hostile contact lowers it, with a negativity bias:
negative contact moves attitudes further than positive contact (Barlow et al. 2012; Graf,
Paolini and Rubin 2014), default ratio 2.5. Contact with one group spills over to its
categories (secondary transfer, Pettigrew 2009), which shapes what a group expects of
groups it has never met.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc
from model.mechanisms.encounter_outcomes import HOSTILE, VIRTUOUS


@ufunc("float64(float64, int64, float64, float64)")
def trust_changes(t_ij, outcome, gain, negativity_ratio):
    """Change of trust per encounter: a share of the distance to +1 or -1.

    A virtuous encounter moves trust ``gain`` of the way to +1; a hostile one
    ``min(1, ratio * gain)`` of the way to -1. Bounded steps keep trust in [-1, 1].
    """
    if outcome == VIRTUOUS:
        return gain * (1.0 - t_ij)
    if outcome == HOSTILE:
        return -min(1.0, negativity_ratio * gain) * (1.0 + t_ij)
    return 0.0


@kernel
def apply_trust(trust: np.ndarray, met: np.ndarray, i: np.ndarray, j: np.ndarray,
                t_ij: np.ndarray, t_ji: np.ndarray, d_ij: np.ndarray, d_ji: np.ndarray) -> None:
    """Synchronous update: every encounter read the start-of-step trust; changes add up.

    A first meeting fixes trust at the expectation it started from; the summed changes
    are then clipped to [-1, 1] (several encounters of one pair in a step can overshoot).
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
                          j: np.ndarray, d_ij: np.ndarray, rate: float) -> None:
    """Secondary transfer: i's attitude to each category of j that i does not share moves
    by ``rate`` times i's trust change toward j; attitudes stay in [-1, 1].

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
        w = rate * d_ij[x]
        for y in range(categories.shape[1]):
            cat = categories[h, y]
            change[g, cat] += w if cat != categories[g, y] else 0.0
    for g in range(n):
        if touched[g]:  # the other rows add nothing
            for cat in range(c):
                attitudes[g, cat] = min(max(attitudes[g, cat] + change[g, cat], -1.0), 1.0)
