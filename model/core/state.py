"""The model's state: plain numpy arrays, one row per group or movement.

Mechanisms read and write these arrays whole; the Mesa agents expose rows of them as
properties. Keeping state here, apart from the agents, is what lets the step be vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.core.contract_store import Contracts


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
    wariness: np.ndarray       # (N,) wariness left by hostile contact, [0, 1]
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
        """Number of groups, read off the arrays so it never disagrees with them."""
        return len(self.sizes)

    @property
    def k(self) -> int:
        """Number of domination axes (columns of ``sides``)."""
        return self.sides.shape[1]

    @property
    def m(self) -> int:
        """Number of movements (entries of ``capacity``)."""
        return len(self.capacity)

    def axis_index(self, name: str) -> int:
        """Index of a named axis, or -1 when the population has no such axis."""
        return self.axis_names.index(name) if name in self.axis_names else -1

    def copy(self) -> "State":
        """A deep copy, contract store included, that a second run (the tests' oracle) can step."""
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
