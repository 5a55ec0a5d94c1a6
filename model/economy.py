"""Economic articulation: allies with complementary positions build a shared economy.

Muto (2009/2018) recalls the worker-peasant alliance as also an articulation of industry
and agriculture, and argues that people's alliances are embryos of a new economy rather
than partnerships that collapse once their political goal is reached. Contracted groups
that differ on economic axes (industry-agriculture, North-South) gain resources, and the
interdependence they build makes renewal easier.
"""

from __future__ import annotations

import numpy as np



def interdependence(current: np.ndarray, complementarity: np.ndarray, rate: float) -> np.ndarray:
    """I' = I + rate * complementarity * (1 - I): complementary allies grow interdependent."""
    return current + rate * complementarity * (1.0 - current)


def gains(n: int, a: np.ndarray, b: np.ndarray, complementarity: np.ndarray,
          gain: float) -> np.ndarray:
    """Resource gain of each group: ``gain`` times complementarity, per active contract."""
    parties = np.concatenate([a, b])
    per_contract = gain * complementarity
    return np.bincount(parties, weights=np.concatenate([per_contract, per_contract]), minlength=n)


def consume(resources: np.ndarray, decay: float) -> np.ndarray:
    """A share of resources is used up each step, so gains must be renewed to last."""
    return resources * (1.0 - decay)
