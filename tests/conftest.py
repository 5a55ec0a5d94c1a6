"""Shared helpers for the test suite."""

import numpy as np
import pytest

from model.core.draws import FIELDS, StepDraws


def no_encounters() -> StepDraws:
    """Draws for a step without encounters: only the per-step mechanisms act."""
    return StepDraws(*(np.zeros(0) for _ in FIELDS))


@pytest.fixture
def quiet_step():
    return no_encounters


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels():
    """Compile (or load) the model's kernels once, before any test starts a subprocess.

    On a fresh clone the first run compiles for about 15 s; servers and worker processes
    started by later tests then load the cached kernels instead of compiling in parallel.
    """
    from model.run import compile_kernels

    compile_kernels()
