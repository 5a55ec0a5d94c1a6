"""Economic articulation: allies with complementary positions build a shared economy.

Muto (2009/2018) recalls the worker-peasant alliance as also an articulation of industry
and agriculture, and argues that people's alliances are embryos of a new economy rather
than partnerships that collapse once their political goal is reached. Contracted groups
that differ on economic axes (industry-agriculture, North-South) gain resources, and the
interdependence they build makes renewal easier.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc


@kernel
def interdependence_after(current, complementarity, rate):
    """One contract's interdependence after a step (the scalar form of ``interdependence``)."""
    return current + rate * complementarity * (1.0 - current)


@ufunc("float64(float64, float64, float64)")
def interdependence(current, complementarity, rate):
    """I' = I + rate * complementarity * (1 - I): complementary allies grow interdependent."""
    return interdependence_after(current, complementarity, rate)


@kernel
def gains(n: int, a: np.ndarray, b: np.ndarray, complementarity: np.ndarray,
          gain: float) -> np.ndarray:
    """Resource gain of each group: ``gain`` times complementarity, per active contract."""
    out = np.zeros(n)
    for x in range(len(a)):
        out[a[x]] += gain * complementarity[x]
    for x in range(len(b)):
        out[b[x]] += gain * complementarity[x]
    return out


@kernel
def consume(resources: np.ndarray, decay: float) -> np.ndarray:
    """A share of resources is used up each step, so gains must be renewed to last."""
    return resources * (1.0 - decay)
