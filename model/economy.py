"""Economic articulation: allies with complementary positions build a shared economy.

Muto (2009/2018) recalls the worker-peasant alliance as also an articulation of industry
and agriculture, and argues that people's alliances are embryos of a new economy rather
than partnerships that collapse once their political goal is reached. Contracted groups
that differ on economic axes (industry-agriculture, North-South) gain resources, and the
interdependence they build makes renewal easier.
"""

from __future__ import annotations

import numpy as np

from .state import Contracts


def articulate(contracts: Contracts, active: np.ndarray, n: int, gain: float,
               rate: float) -> np.ndarray:
    """Grow interdependence of active contracts; return each group's resource gain."""
    c = contracts
    comp = c.complementarity[active]
    c.interdependence[active] += rate * comp * (1.0 - c.interdependence[active])
    parties = np.concatenate([c.a[active], c.b[active]])
    return np.bincount(parties, weights=np.concatenate([gain * comp, gain * comp]), minlength=n)


def consume(resources: np.ndarray, decay: float) -> np.ndarray:
    """A share of resources is used up each step, so gains must be renewed to last."""
    return resources * (1.0 - decay)
