"""Shared helpers for the test suite."""

import numpy as np
import pytest

from model.draws import FIELDS, StepDraws


def no_encounters() -> StepDraws:
    """Draws for a step without encounters: only the per-step mechanisms act."""
    return StepDraws(*(np.zeros(0) for _ in FIELDS))


@pytest.fixture
def quiet_step():
    return no_encounters
