"""The model's state: plain numpy arrays, one row per group or movement.

Mechanisms read and write these arrays whole; the Mesa agents expose rows of them as
properties. Keeping state here, apart from the agents, is what lets the step be vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

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


class Contracts:
    """Every contract ever signed, active or lapsed, as growable column arrays.

    The full history stays, so alliance lifetimes can be read off after a run. The active
    ones are also indexed, in id order (``active_ids``) and by pair key a * N + b
    (``active_keys``, ``active_index``); ``add`` and ``end`` keep both up to date.
    """

    def __init__(self, n_groups: int, capacity: int = 64):
        self.n_groups = n_groups
        self.size = 0
        self.version = 0
        self.renewed_version = 0
        self._cols = {k: np.zeros(capacity, dtype=t) for k, t in _CONTRACT_FIELDS.items()}
        self.active_ids = np.zeros(0, dtype=np.int64)
        self.active_keys = np.zeros(0, dtype=np.int64)
        self.active_index = np.zeros(0, dtype=np.int64)

    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append contracts given as equal-length columns; return their indices."""
        n = len(columns["a"])
        need = self.size + n
        if need > len(self._cols["a"]):
            cap = max(need, 2 * len(self._cols["a"]))
            for k, col in self._cols.items():
                grown = np.zeros(cap, dtype=col.dtype)
                grown[: self.size] = col[: self.size]
                self._cols[k] = grown
        for k in self._cols:
            self._cols[k][self.size: need] = columns.get(k, 0)
        idx = np.arange(self.size, need)
        self.size = need
        new = idx[self.ended[idx] < 0]
        self.active_ids = np.concatenate([self.active_ids, new])
        keys = self.a[new] * self.n_groups + self.b[new]
        order = np.argsort(keys, kind="stable")
        pos = np.searchsorted(self.active_keys, keys[order])
        self.active_keys = np.insert(self.active_keys, pos, keys[order])
        self.active_index = np.insert(self.active_index, pos, new[order])
        self.version += 1
        return idx

    def end(self, idx: np.ndarray, t: int) -> None:
        """Mark active contracts as ended at step t and drop them from the active index."""
        if len(idx) == 0:
            return
        self.ended[idx] = t
        if np.any(self.renewals[idx] > 0):
            self.renewed_version += 1
        self.active_ids = np.delete(self.active_ids, np.searchsorted(self.active_ids, np.sort(idx)))
        keys = np.sort(self.a[idx] * self.n_groups + self.b[idx])
        pos = np.searchsorted(self.active_keys, keys)
        self.active_keys = np.delete(self.active_keys, pos)
        self.active_index = np.delete(self.active_index, pos)
        self.version += 1

    @property
    def active(self) -> np.ndarray:
        """Boolean mask over all contracts so far: still active."""
        return self.ended < 0

    def reindex(self) -> None:
        """Rebuild the active index from the columns (after editing ``ended`` directly)."""
        self.active_ids = np.flatnonzero(self.active)
        keys = self.a[self.active_ids] * self.n_groups + self.b[self.active_ids]
        order = np.argsort(keys, kind="stable")
        self.active_keys = keys[order]
        self.active_index = self.active_ids[order]
        self.version += 1
        self.renewed_version += 1

    def lookup(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Index of the active contract between each pair (i, j), or -1."""
        keys = np.minimum(i, j) * self.n_groups + np.maximum(i, j)
        if len(self.active_keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.active_keys, keys), len(self.active_keys) - 1)
        return np.where(self.active_keys[pos] == keys, self.active_index[pos], -1)

    def copy(self) -> "Contracts":
        new = Contracts(self.n_groups, capacity=max(1, len(self._cols["a"])))
        new.size = self.size
        new.version = self.version
        new.renewed_version = self.renewed_version
        new._cols = {k: v.copy() for k, v in self._cols.items()}
        new.active_ids = self.active_ids.copy()
        new.active_keys = self.active_keys.copy()
        new.active_index = self.active_index.copy()
        return new

    def as_dict(self) -> dict[str, np.ndarray]:
        return {k: v[: self.size].copy() for k, v in self._cols.items()}


def _column(name: str) -> property:
    return property(lambda self: self._cols[name][: self.size],
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
