"""Structural change: mitigation of domination inside contracts, or lip service.

Muto (2009/2018): alliance building cannot continue if the dominating / dominated relation
between the parties is left intact; it must mitigate structural inequality toward its
abolition, or it remains lip service and is discredited. Inside an active contract the
dominant party's open faction drives mitigation; domination left unmitigated erodes the
dominated party's trust.
"""

from __future__ import annotations

import numpy as np

from .state import Contracts
from .trust import erode


def mitigate(contracts: Contracts, active: np.ndarray, openness: np.ndarray, rate: float) -> None:
    """mu += rate * openness_of_dominant * (1 - mu), for each direction with domination."""
    c = contracts
    a, b = c.a[active], c.b[active]
    grow_ab = np.where(c.dom_ab[active] > 0, rate * openness[a], 0.0)
    grow_ba = np.where(c.dom_ba[active] > 0, rate * openness[b], 0.0)
    c.mit_ab[active] += grow_ab * (1.0 - c.mit_ab[active])
    c.mit_ba[active] += grow_ba * (1.0 - c.mit_ba[active])


def lip_service(contracts: Contracts, active: np.ndarray, trust: np.ndarray, rate: float) -> None:
    """Dominated party's trust falls by rate * unmitigated domination, each step."""
    c = contracts
    a, b = c.a[active], c.b[active]
    erode(trust, b, a, rate * c.dom_ab[active] * (1.0 - c.mit_ab[active]))
    erode(trust, a, b, rate * c.dom_ba[active] * (1.0 - c.mit_ba[active]))
