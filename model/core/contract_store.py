"""The contract store: every contract ever signed, as growable columns, with the active ones
kept apart for the step.

A contract's identity terms (parties, domination, complementarity, ...) are fixed at
signing; its punctuation point, renewals, mitigation and interdependence change while it is
active. The rules that change them are in ``model.mechanisms``; this module only keeps the
numbers, finds a pair's active contract fast, and tells the alliance tracker
(``model.core.alliances``) what changed since it last looked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.numerics.jit import kernel

_CONTRACT_FIELDS = {
    "a": np.int64, "b": np.int64,          # the two parties, a < b
    "start": np.int64,                     # step at which it was signed
    "due": np.int64,                       # next punctuation point (renewal or lapse)
    "renewals": np.int64,                  # times renewed
    "first_renewal": np.int64,             # step of the first renewal, -1 if never
    "qualified": np.int64,                 # step it reached ``milestone`` renewals, -1 if never
    "ended": np.int64,                     # step at which it lapsed, -1 while active
    "dom_ab": np.float64, "dom_ba": np.float64,   # domination of a over b and of b over a
    "mit_ab": np.float64, "mit_ba": np.float64,   # mitigation of each, in [0, 1]
    "complementarity": np.float64,         # share of economic axes on which a and b differ
    "interdependence": np.float64,         # economic interdependence built up, in [0, 1]
    "shares_enemy": np.bool_,              # both dominated on the common enemy's axis
    "nature_voice_ab": np.bool_,           # a dominant and b dominated on the nature axis
    "nature_voice_ba": np.bool_,
}


_LIVE_FIELDS = ("a", "b", "due", "renewals", "dom_ab", "dom_ba", "mit_ab", "mit_ba",
                "complementarity", "interdependence", "shares_enemy", "nature_voice_ab",
                "nature_voice_ba")
"""Columns the step reads or writes while a contract is active; the rest (start,
first_renewal, qualified, ended) are written once and live only in the history."""
_LIVE_MUTABLE = ("due", "renewals", "mit_ab", "mit_ba", "interdependence")


_DENSE_INDEX_MAX = 2048
"""Up to this many groups, a pair's active contract is found in an N x N table of 32-bit
ids (16 MB at most) rather than by binary search in sorted keys."""


class Contracts:
    """Every contract ever signed, active or lapsed, as growable column arrays.

    The full history stays, so alliance lifetimes can be read off after a run. The active
    contracts are also kept apart, contiguous and in id order (``live(name)``, ids in
    ``active_ids``), so that the step updates them without gathering from the history; a
    lapsed contract is written back and compacted out. An index by pair key a * N + b
    (``lookup``) finds a pair's active contract. ``add`` and ``end`` keep all of this up
    to date.

    A history column (``c.mit_ab``) is a read-only view with the live values written back
    first; reading it changes nothing. To change history columns by hand (a test's oracle
    does), ask for writable views with ``edit``: the live columns are then rebuilt from the
    history before the step next uses them.

    What changed since the alliance tracker last looked is kept in a journal
    (``take_changes``), so alliances are updated from the changes alone.
    """

    def __init__(self, n_groups: int, capacity: int = 64, milestone: int = 1):
        self.n_groups = n_groups
        self.milestone = milestone
        """Renewals after which a contract counts toward a stable alliance (``qualified``)."""
        self.size = 0
        self._journal = _Journal()
        self._cols = {k: np.zeros(capacity, dtype=t) for k, t in _CONTRACT_FIELDS.items()}
        self._live = {k: np.zeros(capacity, dtype=_CONTRACT_FIELDS[k]) for k in _LIVE_FIELDS}
        self._live["id"] = np.zeros(capacity, dtype=np.int64)
        self.n_active = 0
        self._views = None  # live columns cut to n_active, made once per change
        self._history_current = True  # history columns hold the live values
        self._live_current = True     # live columns hold the history's values
        # Pair index: a dense table of ids by key for small populations, else sorted keys.
        self._table = np.full(n_groups * n_groups, -1, dtype=np.int32) \
            if n_groups <= _DENSE_INDEX_MAX else None
        self._keys = np.zeros(0, dtype=np.int64)
        self._key_ids = np.zeros(0, dtype=np.int64)

    # -- the live (active) columns ------------------------------------------------------
    def live(self, name: str) -> np.ndarray:
        """Column ``name`` of the active contracts, in id order (a writable view)."""
        return self.live_columns(name)[0]

    def live_columns(self, *names: str) -> tuple[np.ndarray, ...]:
        """Several columns of the active contracts at once, each as ``live`` gives it."""
        views = self._live_views()
        self._history_current = False
        return tuple([views[name] for name in names])

    @property
    def active_ids(self) -> np.ndarray:
        """Ids of the active contracts, ascending (read-only by convention)."""
        return self._live_views()["id"]

    def _live_views(self) -> dict[str, np.ndarray]:
        """The live columns cut to the active contracts; kept until contracts are added,
        ended or rebuilt, since the step asks for them several times."""
        if not self._live_current:
            self._rebuild()
        if self._views is None:
            n = self.n_active
            self._views = {k: col[:n] for k, col in self._live.items()}
        return self._views

    def __getstate__(self) -> dict:
        """Copies and pickles leave the views out: a copied view would not share memory
        with the copied columns."""
        state = self.__dict__.copy()
        state["_views"] = None
        return state

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """Rows in the live columns of the given active contract ids."""
        return np.searchsorted(self.active_ids, ids)

    def _ensure_live(self) -> None:
        if not self._live_current:
            self._rebuild()

    def _sync_history(self) -> None:
        """Write the live values of the active contracts back into the history columns."""
        if self._history_current:
            return
        ids = self._live["id"][: self.n_active]
        for k in _LIVE_MUTABLE:
            self._cols[k][ids] = self._live[k][: self.n_active]
        self._history_current = True

    def _history(self, name: str) -> np.ndarray:
        """A read-only view of a history column, with the live values written back first."""
        self._sync_history()
        view = self._cols[name][: self.size].view()
        view.flags.writeable = False
        return view

    def edit(self, *names: str) -> tuple[np.ndarray, ...]:
        """Writable views of history columns, for changing contracts by hand; the live
        columns and the pair index are rebuilt from the history before they are next used
        (views taken before an ``add`` may no longer be the store's columns)."""
        self._sync_history()
        self._live_current = False
        return tuple(self._cols[name][: self.size] for name in names)

    def _rebuild(self) -> None:
        self._views = None
        ids = np.flatnonzero(self._cols["ended"][: self.size] < 0)
        self._reserve_live(len(ids))
        self.n_active = len(ids)
        self._live["id"][: len(ids)] = ids
        for k in _LIVE_FIELDS:
            self._live[k][: len(ids)] = self._cols[k][ids]
        keys = self._cols["a"][ids] * self.n_groups + self._cols["b"][ids]
        if self._table is not None:
            self._table.fill(-1)
            self._table[keys] = ids
        else:
            order = np.argsort(keys, kind="stable")
            self._keys = keys[order]
            self._key_ids = ids[order]
        self._live_current = True
        self._history_current = True
        self._journal.rebuilt()

    def _reserve_live(self, n: int) -> None:
        _reserve(self._live, n, self.n_active)

    # -- changes ------------------------------------------------------------------------
    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append contracts given as equal-length columns (columns not given are zero);
        return their indices."""
        self._ensure_live()
        n = len(columns["a"])
        need = self.size + n
        _reserve(self._cols, need, self.size)
        old = self.size
        for k, value in columns.items():  # slots past ``size`` are still zero
            self._cols[k][old: need] = value
        idx = np.arange(old, need)
        self.size = need
        ended = self._cols["ended"][old: need]
        # New ids are the largest, so appending keeps the live columns in id order.
        if np.all(ended < 0):
            new, taken = idx, slice(old, need)
        else:
            new = taken = idx[ended < 0]
        lo, hi = self.n_active, self.n_active + len(new)
        self._views = None
        self._reserve_live(hi)
        self._live["id"][lo:hi] = new
        for k in _LIVE_FIELDS:
            self._live[k][lo:hi] = self._cols[k][taken]
        self.n_active = hi
        keys = self._cols["a"][taken] * self.n_groups + self._cols["b"][taken]
        if self._table is not None:
            self._table[keys] = new
        else:
            order = np.argsort(keys, kind="stable")
            pos = np.searchsorted(self._keys, keys[order])
            self._keys = np.insert(self._keys, pos, keys[order])
            self._key_ids = np.insert(self._key_ids, pos, new[order])
        self._journal.changed = True
        return idx

    def end(self, idx: np.ndarray, t: int) -> None:
        """Mark active contracts (ids) as ended at step t, write them back to the history
        and drop them from the live columns and the key index."""
        if len(idx) == 0:
            return
        self._ensure_live()
        n = self.n_active
        rows = self.positions(np.sort(idx))
        self._views = None
        ids = self._live["id"][rows]
        for k in _LIVE_MUTABLE:
            self._cols[k][ids] = self._live[k][rows]
        self._cols["ended"][ids] = t
        self._journal.ended(ids, renewed=bool(np.any(self._live["renewals"][rows] >= self.milestone)))
        for col in self._live.values():
            _drop_rows(col, rows, n)
        self.n_active = n - len(rows)
        keys = np.sort(self._cols["a"][ids] * self.n_groups + self._cols["b"][ids])
        if self._table is not None:
            self._table[keys] = -1
        else:
            pos = np.searchsorted(self._keys, keys)
            self._keys = np.delete(self._keys, pos)
            self._key_ids = np.delete(self._key_ids, pos)

    def renew(self, rows: np.ndarray, t: int, due: int) -> None:
        """Renew active contracts (rows of the live columns) at step t until ``due``: one more
        renewal, a new punctuation point, the first renewal dated where still unset, and
        the step dated at which a contract reaches ``milestone`` renewals."""
        if len(rows) == 0:
            return
        ids, renewals, due_step = self.live_columns("id", "renewals", "due")
        self._journal.qualified(
            _renew(rows, ids, self._cols["first_renewal"], self._cols["qualified"], renewals,
                   due_step, t, due, self.milestone))

    def take_changes(self) -> "ContractChanges":
        """What changed since the last call (for incremental alliances), and a fresh journal."""
        changes = self._journal.taken()
        self._journal = _Journal()
        return changes

    @property
    def active(self) -> np.ndarray:
        """Boolean mask over all contracts so far: still active."""
        return self._cols["ended"][: self.size] < 0

    def reindex(self) -> None:
        """Rebuild the live columns and the key index from the history (after editing
        history columns such as ``ended`` directly)."""
        self._sync_history()
        self._rebuild()

    def lookup(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Index of the active contract between each pair (i, j), or -1."""
        self._ensure_live()
        if self._table is not None:
            return _lookup_dense(self._table, self.n_groups, i, j)
        keys = np.minimum(i, j) * self.n_groups + np.maximum(i, j)
        if len(self._keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return np.where(self._keys[pos] == keys, self._key_ids[pos], -1)

    def copy(self) -> "Contracts":
        """An independent copy, live values written back first, so a copied state runs on alone."""
        self._sync_history()
        new = Contracts(self.n_groups, capacity=max(1, len(self._cols["a"])),
                        milestone=self.milestone)
        new.size = self.size
        new._cols = {k: v.copy() for k, v in self._cols.items()}
        new._rebuild()
        new._journal = self._journal.copy()
        return new

    def as_dict(self) -> dict[str, np.ndarray]:
        """Every contract ever signed, as up-to-date copied columns, for tables and analyses."""
        self._sync_history()
        return {k: v[: self.size].copy() for k, v in self._cols.items()}


@dataclass(frozen=True)
class ContractChanges:
    """What changed in a contract store between two looks (``Contracts.take_changes``)."""

    any: bool
    """Contracts were signed or ended, or the store was rebuilt."""
    renewed: bool
    """The set of active contracts renewed at least ``milestone`` times changed."""
    ended: np.ndarray | None
    """Ids of the contracts that ended; None when the store was rebuilt (unknown)."""
    qualified: np.ndarray
    """Ids of the contracts that reached ``milestone`` renewals."""


class _Journal:
    """The changes collected since the store was last asked (see ContractChanges)."""

    def __init__(self):
        self.changed = False
        self.renewed_changed = False
        self._ended: list[np.ndarray] | None = []
        self._first: list[np.ndarray] = []

    def ended(self, ids: np.ndarray, renewed: bool) -> None:
        """Contracts ended; ``renewed`` if any of them had qualified."""
        self.changed = True
        self.renewed_changed |= renewed
        if self._ended is not None:
            self._ended.append(ids)

    def qualified(self, ids: np.ndarray) -> None:
        """Contracts that reached the milestone of renewals."""
        if len(ids):
            self.renewed_changed = True
            self._first.append(ids)

    def rebuilt(self) -> None:
        """Every column was rebuilt from the history: what ended is no longer known."""
        self.changed = self.renewed_changed = True
        self._ended = None
        self._first = []

    def taken(self) -> ContractChanges:
        """The changes so far, as one record."""
        ended = None if self._ended is None else _joined(self._ended)
        return ContractChanges(self.changed, self.renewed_changed, ended, _joined(self._first))

    def copy(self) -> "_Journal":
        """An independent journal with the same changes."""
        new = _Journal()
        new.changed, new.renewed_changed = self.changed, self.renewed_changed
        new._ended = None if self._ended is None else list(self._ended)
        new._first = list(self._first)
        return new


_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_IDS.flags.writeable = False


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The id arrays of a journal as one (no copy for one part, a read-only empty for none)."""
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else _NO_IDS


def _reserve(columns: dict[str, np.ndarray], n: int, used: int) -> None:
    """Make room for n rows in every column (at least doubling), keeping the first ``used``;
    new slots are zero."""
    have = len(next(iter(columns.values())))
    if n > have:
        cap = max(n, 2 * have)
        for k, col in columns.items():
            grown = np.zeros(cap, dtype=col.dtype)
            grown[:used] = col[:used]
            columns[k] = grown


@kernel
def _drop_rows(col, rows, n):
    """Remove the given ascending rows from col[:n], shifting the rest up in order."""
    w = rows[0]
    r = 0
    for x in range(rows[0], n):
        if r < len(rows) and x == rows[r]:
            r += 1
        else:
            col[w] = col[x]
            w += 1


@kernel
def _renew(rows, ids, first_renewal, qualified, renewals, due_step, t, due, milestone):
    """One more renewal and a new punctuation point for the given live rows; the first
    renewal dated at t where still unset, and the qualification where this renewal is the
    ``milestone``-th. Returns the ids that qualified now."""
    now = np.empty(len(rows), dtype=np.int64)
    m = 0
    for k in range(len(rows)):
        r = rows[k]
        if first_renewal[ids[r]] < 0:
            first_renewal[ids[r]] = t
        renewals[r] += 1
        due_step[r] = due
        if renewals[r] == milestone:
            qualified[ids[r]] = t
            now[m] = ids[r]
            m += 1
    return now[:m]


@kernel
def _lookup_dense(table, n, i, j):
    out = np.empty(len(i), dtype=np.int64)
    for e in range(len(i)):
        out[e] = table[min(i[e], j[e]) * n + max(i[e], j[e])]
    return out


def _column(name: str) -> property:
    return property(lambda self: self._history(name),
                    doc=f"Column '{name}' of every contract so far (a read-only view).")


for _name in _CONTRACT_FIELDS:
    setattr(Contracts, _name, _column(_name))
