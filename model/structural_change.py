"""Structural change: mitigation of domination inside contracts, or lip service.

Muto (2009/2018): alliance building cannot continue if the dominating / dominated relation
between the parties is left intact; it must mitigate structural inequality toward its
abolition, or it remains lip service and is discredited. Inside an active contract the
dominant party's open faction drives mitigation; domination left unmitigated erodes the
dominated party's trust.
"""

from __future__ import annotations

import numpy as np



def mitigate(mitigation: np.ndarray, domination: np.ndarray, openness_dominant: np.ndarray,
             rate: float) -> np.ndarray:
    """mu' = mu + rate * o_dominant * (1 - mu), only where there is domination to mitigate.

    One direction of each contract: the dominant party's open faction shares power.
    """
    return mitigation + np.where(domination > 0, rate * openness_dominant, 0.0) * (1.0 - mitigation)


def lip_service(domination: np.ndarray, mitigation: np.ndarray, rate: float) -> np.ndarray:
    """Per-step loss of the dominated party's trust: rate * unmitigated domination."""
    return rate * domination * (1.0 - mitigation)
