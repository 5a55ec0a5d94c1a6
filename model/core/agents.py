"""The agents: people's groups and the movements that mediate between them.

Their state lives in the model's arrays (model.state), one row per agent, so the step can
work on whole arrays; an agent is a named view of its row, the way Mesa users expect.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.mechanisms.trust import pair_trust


class Group(mesa.Agent):
    """A people's collective with an identity on each domination axis (Muto 2009/2018)."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        """The name shown for the group: its scenario file's, else "group i"."""
        return self.model.state.group_names[self.index]

    @property
    def identity(self) -> dict[str, str]:
        """Side on each axis, e.g. {'gender': 'dominated', ...}."""
        s = self.model.state
        return {axis: ("dominated" if s.sides[self.index, k] == 1.0 else "dominant")
                for k, axis in enumerate(s.axis_names)}

    @property
    def size(self) -> float:
        """The group's share of the population (the shares sum to 1)."""
        return float(self.model.state.sizes[self.index])

    @property
    def resources(self) -> float:
        """The group's material resources, added to by economy and commons, used up by decay."""
        return float(self.model.state.resources[self.index])

    @property
    def openness(self) -> float:
        """Share of the group's power held by its open faction, in [0, 1]."""
        return float(self.model.state.openness[self.index])

    @property
    def wariness(self) -> float:
        """How wary hostile encounters have left the group, in [0, 1]: virtuous contact builds
        its trust only up to 1 - wariness."""
        return float(self.model.state.wariness[self.index])

    @property
    def alliance(self) -> int:
        """Label of the alliance the group belongs to, -1 when it is in none."""
        return int(self.model.state.alliance[self.index])

    @property
    def allies(self) -> list[int]:
        """Indices of groups with an active contract with this one."""
        c = self.model.state.contracts
        active = c.active
        a, b = c.a[active], c.b[active]
        return sorted(np.concatenate([b[a == self.index], a[b == self.index]]).tolist())

    def trust_in(self, other: "Group") -> float:
        """Trust in another group: remembered if met, expected from attitudes otherwise."""
        s = self.model.state
        i, j = np.array([self.index]), np.array([other.index])
        return float(pair_trust(s.trust, s.met, s.attitudes, s.categories, i, j)[0])


class Movement(mesa.Agent):
    """A movement rooted in an identity constituency; it mediates, it does not represent."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        """The name shown for the movement: its scenario file's, else "movement i"."""
        return self.model.state.movement_names[self.index]

    @property
    def constituency(self) -> tuple[str, str]:
        """The axis and side (dominated or dominant) the movement is rooted in."""
        s = self.model.state
        side = "dominated" if s.movement_side[self.index] == 1.0 else "dominant"
        return s.axis_names[s.movement_axis[self.index]], side

    @property
    def capacity(self) -> float:
        """How much the movement weighs in mediating encounters of groups it is rooted in."""
        return float(self.model.state.capacity[self.index])

    @property
    def rootedness(self) -> np.ndarray:
        """The movement's rootedness in each group, in [0, 1]: where it can mediate."""
        return self.model.state.rootedness[self.index]

    @property
    def ties(self) -> np.ndarray:
        """Tie strength to every other movement: tied movements mediate encounters together."""
        return self.model.state.ties[self.index]
