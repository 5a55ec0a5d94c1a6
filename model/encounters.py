"""Encounters: who meets whom in a step.

Muto (2009/2018) stresses that groups are bound together by imposed hierarchical ties
("antagonistic closeness"): they meet along lines of domination whether they chose to or
not. Encounters are therefore drawn more often along domination ties and among groups
already in contact, and otherwise uniformly.
"""

from __future__ import annotations

import numpy as np

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


def encounter_modes(u_mode: np.ndarray, domination_bias: float, contact_bias: float) -> np.ndarray:
    """How each encounter's partner is chosen: along a domination tie, a contact, or anyone."""
    return np.where(u_mode < domination_bias, DOMINATION,
                    np.where(u_mode < domination_bias + contact_bias, CONTACT, UNIFORM))


def sample_encounters(n: int, sides: np.ndarray, side_order: np.ndarray, offsets: np.ndarray,
                      counts: np.ndarray, contacts: np.ndarray, u_init: np.ndarray,
                      modes: np.ndarray, u_axis: np.ndarray, u_pick: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Initiators I and partners J (never I == J) of a step's encounters.

    A domination-tie partner is a random group on the other side of a random axis; a
    contact partner is the one remembered in a random slot of the initiator's contact
    memory. When no group is on the other side of the drawn axis, or the drawn slot is
    still empty, the partner is drawn uniformly instead, with the same draw.
    """
    k = sides.shape[1]
    i = np.minimum((u_init * n).astype(np.int64), n - 1)
    uniform = (i + 1 + np.minimum((u_pick * (n - 1)).astype(np.int64), n - 2)) % n
    axis = np.minimum((u_axis * k).astype(np.int64), k - 1)
    other = 1 - sides[i, axis].astype(np.int64)
    cnt = counts[axis, other]
    pos = offsets[axis, other] + np.minimum((u_pick * cnt).astype(np.int64), np.maximum(cnt - 1, 0))
    tie = side_order[axis, np.minimum(pos, n - 1)]
    slots = contacts.shape[1]
    slot = np.minimum((u_pick * slots).astype(np.int64), slots - 1)
    contact = contacts[i, slot]
    j = np.where((modes == DOMINATION) & (cnt > 0), tie,
                 np.where((modes == CONTACT) & (contact >= 0), contact, uniform))
    return i, j


def remember_contacts(contacts: np.ndarray, contact_next: np.ndarray,
                      i: np.ndarray, j: np.ndarray) -> None:
    """Write each group's last partner of the step into its ring of recent contacts.

    Only the last encounter of a step counts (initiator before partner within an
    encounter), so the memory does not depend on how many encounters a step holds.
    """
    if len(i) == 0:
        return
    who = np.column_stack([i, j]).ravel()
    partner = np.column_stack([j, i]).ravel()
    last = np.full(len(contact_next), -1)
    np.maximum.at(last, who, np.arange(len(who)))  # position of each group's last encounter
    groups = np.flatnonzero(last >= 0)
    last_partner = partner[last[groups]]
    slot = contact_next[groups]
    contacts[groups, slot] = last_partner
    contact_next[groups] = (slot + 1) % contacts.shape[1]
