"""The model's state: plain numpy arrays, one row per group or movement.

Mechanisms read and write these arrays whole; the Mesa agents expose rows of them as
properties. Keeping state here, apart from the agents, is what lets the step be vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.numerics.jit import kernel

_CONTRACT_FIELDS = {
    "a": np.int64, "b": np.int64,          # the two parties, a < b
    "start": np.int64,                     # step at which it was signed
    "due": np.int64,                       # next punctuation point (renewal or lapse)
    "renewals": np.int64,                  # times renewed
    "first_renewal": np.int64,             # step of the first renewal, -1 if never
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
first_renewal, ended) are written once and live only in the history."""
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

    Whichever side was handed out last is authoritative: reading a history column
    (``c.mit_ab``) first writes the live values back, and the next ``live`` call rebuilds
    the live columns from the history (as ``reindex`` does), so direct edits of history
    columns are seen by the step.
    """

    def __init__(self, n_groups: int, capacity: int = 64):
        self.n_groups = n_groups
        self.size = 0
        self.version = 0
        self.renewed_version = 0
        self._first_renewed: list[np.ndarray] = []  # ids renewed for the first time, not yet taken
        self._ended: list[np.ndarray] | None = []  # ids ended, not yet taken (None: unknown, after a rebuild)
        self._cols = {k: np.zeros(capacity, dtype=t) for k, t in _CONTRACT_FIELDS.items()}
        self._live = {k: np.zeros(capacity, dtype=_CONTRACT_FIELDS[k]) for k in _LIVE_FIELDS}
        self._live["id"] = np.zeros(capacity, dtype=np.int64)
        self.n_active = 0
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
        self._ensure_live()
        self._history_current = False
        n = self.n_active
        return tuple(self._live[name][:n] for name in names)

    @property
    def active_ids(self) -> np.ndarray:
        """Ids of the active contracts, ascending (read-only by convention)."""
        self._ensure_live()
        return self._live["id"][: self.n_active]

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
        """A writable view of a history column; the live columns are rebuilt before next use."""
        self._sync_history()
        self._live_current = False
        return self._cols[name][: self.size]

    def _rebuild(self) -> None:
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
        self.version += 1
        self.renewed_version += 1
        self._first_renewed = []
        self._ended = None

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
        self.version += 1
        return idx

    def end(self, idx: np.ndarray, t: int) -> None:
        """Mark active contracts (ids) as ended at step t, write them back to the history
        and drop them from the live columns and the key index."""
        if len(idx) == 0:
            return
        self._ensure_live()
        n = self.n_active
        rows = self.positions(np.sort(idx))
        ids = self._live["id"][rows]
        for k in _LIVE_MUTABLE:
            self._cols[k][ids] = self._live[k][rows]
        self._cols["ended"][ids] = t
        if self._ended is not None:
            self._ended.append(ids)
        if np.any(self._live["renewals"][rows] > 0):
            self.renewed_version += 1
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
        self.version += 1

    def date_first_renewal(self, rows: np.ndarray, t: int) -> bool:
        """Set ``first_renewal = t`` where still unset (rows of the live columns); any set?"""
        ids = self.active_ids[rows]
        first = self._cols["first_renewal"]
        new = ids[first[ids] < 0]
        first[new] = t
        if len(new):
            self._first_renewed.append(new)
        return len(new) > 0

    def take_ended(self) -> np.ndarray | None:
        """Ids ended since the last call (for incremental alliances); None when the live
        columns were rebuilt in between, so that what ended is not known."""
        out = self._ended
        self._ended = []
        if out is None:
            return None
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def take_first_renewed(self) -> np.ndarray:
        """Ids renewed for the first time since the last call (for incremental alliances)."""
        out = np.concatenate(self._first_renewed) if self._first_renewed else np.zeros(0, dtype=np.int64)
        self._first_renewed = []
        return out

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
        self._sync_history()
        new = Contracts(self.n_groups, capacity=max(1, len(self._cols["a"])))
        new.size = self.size
        new._cols = {k: v.copy() for k, v in self._cols.items()}
        new._rebuild()
        new.version = self.version
        new.renewed_version = self.renewed_version
        new._first_renewed = list(self._first_renewed)
        new._ended = None if self._ended is None else list(self._ended)
        return new

    def as_dict(self) -> dict[str, np.ndarray]:
        self._sync_history()
        return {k: v[: self.size].copy() for k, v in self._cols.items()}


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
def _lookup_dense(table, n, i, j):
    out = np.empty(len(i), dtype=np.int64)
    for e in range(len(i)):
        out[e] = table[min(i[e], j[e]) * n + max(i[e], j[e])]
    return out


def _column(name: str) -> property:
    return property(lambda self: self._history(name),
                    doc=f"Column '{name}' of every contract so far (a writable view).")


for _name in _CONTRACT_FIELDS:
    setattr(Contracts, _name, _column(_name))


@dataclass
class State:
    """Every state variable of the model (see docs/ODD.md, Entities and state variables)."""

    axis_names: tuple[str, ...]
    sides: np.ndarray          # (N, K) float, 1.0 = dominated side of the axis
    traits: np.ndarray         # (N, T) int, cultural trait values
    categories: np.ndarray     # (N, K + T) int, category index of each group per axis/trait
    n_categories: int
    salience: np.ndarray       # (K,) axis weights, summing to 1
    sizes: np.ndarray          # (N,) population shares, summing to 1
    resources: np.ndarray      # (N,)
    openness: np.ndarray       # (N,) share of power held by the open faction
    openness_base: np.ndarray  # (N,) the baseline openness relaxes toward
    trust: np.ndarray          # (N, N) trust of row in column, [-1, 1]; meaningful where met
    met: np.ndarray            # (N, N) bool, pair has met at least once
    attitudes: np.ndarray      # (N, C) attitude of each group toward each category, [-1, 1]
    contacts: np.ndarray       # (N, L) int, recent partners (-1 = empty slot)
    contact_next: np.ndarray   # (N,) int, next slot to overwrite in the contact ring
    movement_axis: np.ndarray  # (M,) int, axis of each movement's constituency
    movement_side: np.ndarray  # (M,) float, side of that axis (1.0 = dominated)
    capacity: np.ndarray       # (M,) mediation capacity
    rootedness: np.ndarray     # (M, N) rootedness of each movement in each group, [0, 1]
    ties: np.ndarray           # (M, M) symmetric tie strengths in [0, 1], zero diagonal
    commons: float             # level of the shared commons, [0, 1]
    contracts: Contracts
    alliance: np.ndarray       # (N,) alliance label, -1 = unallied
    stable_alliance: np.ndarray  # (N,) label among renewed contracts, -1 = none
    enemy: float = 0.0         # salience of the common enemy this step
    group_names: tuple[str, ...] = ()
    movement_names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.sizes)

    @property
    def k(self) -> int:
        return self.sides.shape[1]

    @property
    def m(self) -> int:
        return len(self.capacity)

    def axis_index(self, name: str) -> int:
        """Index of a named axis, or -1 when the population has no such axis."""
        return self.axis_names.index(name) if name in self.axis_names else -1

    def copy(self) -> "State":
        values = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v.copy()
            elif isinstance(v, Contracts):
                v = v.copy()
            values[f.name] = v
        return State(**values)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every numeric state variable, flat, for comparisons (oracle, determinism)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                out[f.name] = v
            elif isinstance(v, Contracts):
                out.update({f"contract_{k}": c for k, c in v.as_dict().items()})
            elif isinstance(v, float):
                out[f.name] = np.array([v])
        return out
