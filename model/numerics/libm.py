"""Elementary functions that give the same bits on processors with or without AVX-512.

numpy computes exp, log1p and their kin with its own vectorised code on processors with
AVX-512, and that code rounds some values (about one in twenty, for exp) differently from the
C library, which numpy uses elsewhere. Results of the model and of the experiments' analyses
must not depend on the processor they were computed on, so the few places that apply these
functions to arrays call the C library element by element through Python's ``math`` (the
arrays are small: one value per group, axis or run). Scalars use ``math`` directly.
"""

from __future__ import annotations

import math

import numpy as np


def _each(f, x) -> np.ndarray:
    values = np.asarray(x, dtype=float)
    return np.array([f(v) for v in values.ravel().tolist()], dtype=float).reshape(values.shape)


def exp(x) -> np.ndarray:
    """e**x of each element, as the C library computes it."""
    return _each(math.exp, x)


def log1p(x) -> np.ndarray:
    """log(1 + x) of each element, as the C library computes it."""
    return _each(math.log1p, x)


def log(x: float) -> float:
    """log of a scalar, as the C library computes it; -inf at 0 and nan below, as numpy gives."""
    x = float(x)
    if x > 0.0 or math.isnan(x):
        return math.log(x)
    return -math.inf if x == 0.0 else math.nan
