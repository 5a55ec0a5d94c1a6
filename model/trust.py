"""Trust between groups and attitudes toward categories.

Virtuous contact raises trust and hostile contact lowers it, with a negativity bias:
negative contact moves attitudes further than positive contact (Barlow et al. 2012; Graf,
Paolini and Rubin 2014), default ratio 2.5. Contact with one group spills over to its
categories (secondary transfer, Pettigrew 2009), which shapes what a group expects of
groups it has never met.
"""

from __future__ import annotations

import numpy as np

from .outcomes import HOSTILE, VIRTUOUS


def trust_changes(t_ij: np.ndarray, outcome: np.ndarray, gain: float,
                  negativity_ratio: float) -> np.ndarray:
    """Change of trust per encounter: a share of the distance to +1 or -1.

    A virtuous encounter moves trust ``gain`` of the way to +1; a hostile one
    ``min(1, ratio * gain)`` of the way to -1. Bounded steps keep trust in [-1, 1].
    """
    up = gain * (1.0 - t_ij)
    down = -min(1.0, negativity_ratio * gain) * (1.0 + t_ij)
    return np.where(outcome == VIRTUOUS, up, np.where(outcome == HOSTILE, down, 0.0))


def apply_trust(trust: np.ndarray, met: np.ndarray, i: np.ndarray, j: np.ndarray,
                t_ij: np.ndarray, t_ji: np.ndarray, d_ij: np.ndarray, d_ji: np.ndarray) -> None:
    """Synchronous update: every encounter read the start-of-step trust; changes add up.

    A first meeting fixes trust at the expectation it started from; the summed changes
    are then clipped to [-1, 1] (several encounters of one pair in a step can overshoot).
    """
    n = trust.shape[1]
    ij, ji = i * n + j, j * n + i
    flat, seen = trust.reshape(-1), met.reshape(-1)
    flat[ij] = t_ij
    flat[ji] = t_ji
    seen[ij] = True
    seen[ji] = True
    np.add.at(flat, ij, d_ij)
    np.add.at(flat, ji, d_ji)
    flat[ij] = np.clip(flat[ij], -1.0, 1.0)
    flat[ji] = np.clip(flat[ji], -1.0, 1.0)


def transfer_to_attitudes(attitudes: np.ndarray, categories: np.ndarray, i: np.ndarray,
                          j: np.ndarray, d_ij: np.ndarray, rate: float) -> None:
    """Secondary transfer: i's attitude to each category of j that i does not share moves
    by ``rate`` times i's trust change toward j; attitudes stay in [-1, 1].

    The change is the one computed per encounter, before trust is clipped, so an encounter
    that pushes trust against its bound still generalises in full.
    """
    cats_j = categories[j]
    weight = np.where(cats_j != categories[i], (rate * d_ij)[:, None], 0.0)
    n, c = attitudes.shape
    change = np.bincount((i[:, None] * c + cats_j).ravel(), weights=weight.ravel(), minlength=n * c)
    np.clip(attitudes + change.reshape(n, c), -1.0, 1.0, out=attitudes)


def erode(trust: np.ndarray, who: np.ndarray, whom: np.ndarray, amount: np.ndarray) -> None:
    """Lower trust of ``who`` in ``whom`` by ``amount`` (pairs unique), staying >= -1."""
    flat = trust.reshape(-1)
    key = who * trust.shape[1] + whom
    flat[key] = np.maximum(flat[key] - amount, -1.0)
