"""The alliance tracker: alliances and stable alliances of the model, kept up to date.

Muto (2009/2018): contracts renewed as relations change accumulate into a people's charter;
an alliance is the set of groups linked, directly or through others, by active contracts.
A *stable alliance* (the run's headline outcome, defined in ``model.analysis.components``
and docs/ODD.md) is a component of active contracts renewed at least
``stable_alliance_min_renewals`` times (they outlived that many terms), with at least
``stable_alliance_min_size`` groups and ``stable_alliance_min_share`` of the population.

Recomputing components every step would cost a union over every active contract. The
tracker instead reads what changed in the contract store since its last look
(``Contracts.take_changes``) and keeps a spanning forest of each contract graph: a contract
ending outside the forest changes no component, so unless a forest contract ended, the
components are updated from the previous roots with the new contracts alone (the same
result); otherwise the union starts again from the surviving forest.
"""

from __future__ import annotations

import numpy as np

from model.analysis.components import (alliance_shares, big_enough, forest_intact,
                                       labels_from_roots, roots_after_removal, spanning_forest)
from model.core.state import State

_NO_IDS = np.zeros(0, dtype=np.int64)


class AllianceTracker:
    """Alliance labels of a model's groups, updated incrementally once per step.

    Also keeps the headline record: the largest stable alliance seen so far, in groups and
    in population share.
    """

    def __init__(self):
        self.largest_stable_size = 0
        self.largest_stable_share = 0.0
        self._size_seen = 0  # contracts signed when alliances were last updated
        self._roots = self._stable_roots = None  # component roots the labels were made from
        self._forest = self._stable_forest = _NO_IDS  # their spanning forests' contract ids

    def update(self, state: State, min_size: int, min_share: float) -> None:
        """Bring ``state.alliance`` and ``state.stable_alliance`` up to date with the
        contracts (``min_size`` and ``min_share``: what a stable alliance needs; the renewals
        it needs are the store's ``milestone``)."""
        c = state.contracts
        a, b = c.live_columns("a", "b")  # first: a pending rebuild shows in the changes
        changes = c.take_changes()
        size, self._size_seen = self._size_seen, c.size
        if changes.any:
            self._update_alliances(state, a, b, changes.ended, size)
        if changes.renewed:
            self._update_stable(state, a, b, changes.ended, changes.qualified, min_size,
                                min_share)

    def _update_alliances(self, state, a, b, ended, size) -> None:
        """Components of every active contract; labels are relabelled only when roots moved."""
        c = state.contracts
        if self._roots is None or not forest_intact(self._forest, ended):
            roots, self._forest = roots_after_removal(state.n, a, b, c.active_ids, self._forest)
        else:
            new = slice(c.positions(size), None)  # live ids are ascending: the newest last
            roots, joined = spanning_forest(state.n, a[new], b[new], self._roots)
            self._forest = np.concatenate([self._forest, c.active_ids[new][joined]])
        if self._roots is None or not np.array_equal(roots, self._roots):
            state.alliance = labels_from_roots(roots)
        self._roots = roots

    def _update_stable(self, state, a, b, ended, fresh, min_size, min_share) -> None:
        """Components of the renewed contracts, big enough to count, and the record."""
        c = state.contracts
        if self._stable_roots is None or not forest_intact(self._stable_forest, ended):
            renewed = c.live("renewals") >= c.milestone
            roots, self._stable_forest = roots_after_removal(
                state.n, a[renewed], b[renewed], c.active_ids[renewed], self._stable_forest)
        elif len(fresh) == 0:
            return  # only renewed contracts outside the forest ended: the same components
        else:
            new = c.positions(fresh)
            roots, joined = spanning_forest(state.n, a[new], b[new], self._stable_roots)
            self._stable_forest = np.sort(np.concatenate([self._stable_forest, fresh[joined]]))
        if self._stable_roots is not None and np.array_equal(roots, self._stable_roots):
            return
        self._stable_roots = roots
        state.stable_alliance = big_enough(labels_from_roots(roots, min_size), state.sizes,
                                           min_share)
        if np.any(state.stable_alliance >= 0):
            labels = state.stable_alliance
            largest = int(np.bincount(labels[labels >= 0]).max())
            self.largest_stable_size = max(self.largest_stable_size, largest)
            share = float(alliance_shares(labels, state.sizes).max())
            self.largest_stable_share = max(self.largest_stable_share, share)
