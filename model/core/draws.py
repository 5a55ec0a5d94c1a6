"""The random numbers of one step, drawn up front and passed into the mechanisms.

Drawing every uniform of a step in one call, in a fixed layout, keeps the mechanisms pure
(state and draws in, state out), lets the per-encounter oracle in tests consume the very
same numbers, and makes a run's numbers depend only on its seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIELDS = ("initiator", "mode", "axis", "pick", "mediate", "outcome")


@dataclass(frozen=True)
class StepDraws:
    """Uniform [0, 1) draws for each of a step's encounters, one array per use."""

    initiator: np.ndarray  # which group starts the encounter
    mode: np.ndarray       # along a domination tie, among contacts, or anyone
    axis: np.ndarray       # which axis a domination tie runs along
    pick: np.ndarray       # which partner within the chosen pool
    mediate: np.ndarray    # whether movements mediate it
    outcome: np.ndarray    # virtuous / hostile / neutral

    @property
    def n(self) -> int:
        """How many encounters the step has draws for."""
        return len(self.initiator)


def draw_step(rng: np.random.Generator, n_encounters: int) -> StepDraws:
    """All draws of one step, from one generator call."""
    u = rng.random((len(FIELDS), n_encounters))
    return StepDraws(*u)
