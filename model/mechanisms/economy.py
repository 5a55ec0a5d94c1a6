"""Economic articulation: allies with complementary positions build a shared economy.

Muto (2009/2018) recalls the worker-peasant alliance as also an articulation of industry
and agriculture, and argues that people's alliances are embryos of a new economy rather
than partnerships that collapse once their political goal is reached. Contracted groups
that differ on economic axes (industry-agriculture, North-South) gain resources, and the
interdependence they build makes renewal easier. Every group consumes a share of its
resources each step, so gains must be renewed to last.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel


@kernel
def grow_interdependence(interdependence: np.ndarray, complementarity: np.ndarray,
                         interdependence_rate: float) -> None:
    """I' = I + rate * complementarity * (1 - I) for every active contract (in place):
    complementary allies grow interdependent."""
    for x in range(len(interdependence)):
        interdependence[x] = (interdependence[x]
                              + interdependence_rate * complementarity[x] * (1.0 - interdependence[x]))


@kernel
def gains(n: int, a: np.ndarray, b: np.ndarray, complementarity: np.ndarray,
          economic_gain: float) -> np.ndarray:
    """Resource gain of each group: ``economic_gain`` times complementarity, per active contract."""
    out = np.zeros(n)
    for x in range(len(a)):
        out[a[x]] += economic_gain * complementarity[x]
    for x in range(len(b)):
        out[b[x]] += economic_gain * complementarity[x]
    return out


@kernel
def consume(resources: np.ndarray, resource_decay: float) -> np.ndarray:
    """A share of resources is used up each step, so gains must be renewed to last."""
    return resources * (1.0 - resource_decay)
