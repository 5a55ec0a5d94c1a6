"""Encounters: who meets whom in a step.

Muto (2009/2018) stresses that groups are bound together by imposed hierarchical ties
("antagonistic closeness"): they meet along lines of domination whether they chose to or
not. Encounters are therefore drawn more often along domination ties and among groups
already in contact, and otherwise uniformly. Larger groups start more encounters: a group's
intergroup contacts grow with its membership (Blau 1977), here sublinearly, as
size ** size_activity.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc

UNIFORM, DOMINATION, CONTACT = 0, 1, 2


def side_index(sides: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per axis, groups ordered by side, with each side's offset and count.

    Lets an encounter pick a random group on the other side of an axis in O(1).
    """
    k = sides.shape[1]
    order = np.argsort(sides.T, axis=1, kind="stable")
    dominated = sides.sum(axis=0).astype(np.int64)
    counts = np.stack([sides.shape[0] - dominated, dominated], axis=1)
    offsets = np.stack([np.zeros(k, dtype=np.int64), counts[:, 0]], axis=1)
    return order, offsets, counts


def activity_cdf(sizes: np.ndarray, size_activity: float) -> np.ndarray:
    """Cumulative shares of the encounters each group starts, activity proportional to
    size ** size_activity (empty at 0: every group equally active, drawn as floor(u N))."""
    if size_activity == 0:
        return np.zeros(0)
    w = np.asarray(sizes, dtype=np.float64) ** size_activity
    cdf = np.cumsum(w) / w.sum()
    cdf[-1] = 1.0
    return cdf


@ufunc("int64(float64, float64, float64)")
def encounter_modes(u_mode, domination_bias, contact_bias):
    """How each encounter's partner is chosen: along a domination tie, a contact, or anyone."""
    if u_mode < domination_bias:
        return DOMINATION
    return CONTACT if u_mode < domination_bias + contact_bias else UNIFORM


def sample_encounters(n: int, sides: np.ndarray, side_order: np.ndarray, offsets: np.ndarray,
                      counts: np.ndarray, contacts: np.ndarray, u_init: np.ndarray,
                      modes: np.ndarray, u_axis: np.ndarray, u_pick: np.ndarray,
                      activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Initiators I and partners J (never I == J) of a step's encounters.

    The initiator is drawn by ``activity`` (cumulative shares from :func:`activity_cdf`:
    the first group whose share exceeds the draw), or uniformly when it is empty. A
    domination-tie partner is a random group on the other side of a random axis; a
    contact partner is the one remembered in a random slot of the initiator's contact
    memory. When no group is on the other side of the drawn axis, or the drawn slot is
    still empty, the partner is drawn uniformly instead, with the same draw.
    """
    return _sample(n, sides, side_order, offsets, counts, contacts, u_init, modes, u_axis, u_pick,
                   activity)


@kernel
def _sample(n, sides, side_order, offsets, counts, contacts, u_init, modes, u_axis, u_pick,
            activity):
    k = sides.shape[1]
    slots = contacts.shape[1]
    e = len(u_init)
    i = np.empty(e, dtype=np.int64)
    j = np.empty(e, dtype=np.int64)
    for x in range(e):
        if len(activity):
            g = min(int(np.searchsorted(activity, u_init[x], side="right")), n - 1)
        else:
            g = min(int(u_init[x] * n), n - 1)
        i[x] = g
        pick = u_pick[x]
        partner = g + 1 + min(int(pick * (n - 1)), n - 2)  # any group but g, wrapping round
        if partner >= n:
            partner -= n
        if modes[x] == DOMINATION:
            axis = min(int(u_axis[x] * k), k - 1)
            other = 1 - int(sides[g, axis])
            cnt = counts[axis, other]
            if cnt > 0:
                pos = offsets[axis, other] + min(int(pick * cnt), cnt - 1)
                partner = side_order[axis, min(pos, n - 1)]
        elif modes[x] == CONTACT:
            c = contacts[g, min(int(pick * slots), slots - 1)]
            if c >= 0:
                partner = c
        j[x] = partner
    return i, j


@kernel
def remember_contacts(contacts: np.ndarray, contact_next: np.ndarray,
                      i: np.ndarray, j: np.ndarray) -> None:
    """Write each group's last partner of the step into its ring of recent contacts.

    Only the last encounter of a step counts (initiator before partner within an
    encounter), so the memory does not depend on how many encounters a step holds.
    """
    last = np.full(len(contact_next), -1, dtype=np.int64)
    for x in range(len(i)):
        last[i[x]] = j[x]
        last[j[x]] = i[x]
    slots = contacts.shape[1]
    for g in range(len(last)):
        if last[g] >= 0:
            slot = contact_next[g]
            contacts[g, slot] = last[g]
            contact_next[g] = slot + 1 if slot + 1 < slots else 0
