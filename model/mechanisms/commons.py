"""Dialogue with nature: a shared commons that regrows, is extracted, and can run short.

Muto (2009/2018) asks alliances to enter into dialogue with nature, learning from
indigenous peoples and questioning development's arrogance toward nature. The commons
regrows logistically (Schaefer 1954 / Gordon 1954 harvest model: harvest proportional to
stock); groups on the dominated side of the development-nature axis extract less, and
alliances that give them voice (mitigated domination on that axis) lower the dominant
partner's extraction. Scarcity feeds hostility, less among groups with resources to
fall back on (the resource-scarcity-conflict link is conditional on coping capacity,
Homer-Dixon 1999).
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc


@kernel
def voice(n: int, a: np.ndarray, b: np.ndarray, mit_ab: np.ndarray, mit_ba: np.ndarray,
          voice_ab: np.ndarray, voice_ba: np.ndarray) -> np.ndarray:
    """Each group's largest mitigation toward a nature-side partner in an active contract.

    ``voice_ab`` marks contracts where a is dominant and b dominated on the nature axis.
    """
    v = np.zeros(n)
    for x in range(len(a)):
        if voice_ab[x]:
            v[a[x]] = max(v[a[x]], mit_ab[x])
        if voice_ba[x]:
            v[b[x]] = max(v[b[x]], mit_ba[x])
    return v


@ufunc("float64(float64, boolean, float64, float64, float64, float64)")
def extraction(size, nature_side, group_voice, extraction_rate, nature_side_extraction,
               voice_effect):
    """Per-group extraction rate: size times ``extraction_rate``, less on the nature side
    (``nature_side_extraction``) and with voice.

    Shares sum to at most ``extraction_rate`` <= 1, so the harvest never exceeds the stock.
    """
    return (extraction_rate * size * (nature_side_extraction if nature_side else 1.0)
            * (1.0 - voice_effect * group_voice))


def harvest(resources: np.ndarray, take: np.ndarray, sizes: np.ndarray, commons: float,
            harvest_value: float) -> np.ndarray:
    """Resources per head after each group's harvest: ``harvest_value`` per unit of commons
    taken per head (its extraction rate over its size, times the level of the commons: the
    Schaefer harvest). Resources are per head so that they compare across group sizes."""
    return resources + harvest_value * (take / sizes) * commons


def regrow(commons: float, commons_regrowth: float, total_extraction: float) -> float:
    """R' = R + g R (1 - R) - h R, which stays in [0, 1] for g, h in [0, 1]."""
    return commons + commons_regrowth * commons * (1.0 - commons) - total_extraction * commons


def scarcity(commons: float) -> float:
    """Scarcity is the commons' shortfall from its carrying capacity (1)."""
    return 1.0 - commons


@kernel
def felt_scarcity(scarcity: float, resources: np.ndarray, i: np.ndarray,
                  j: np.ndarray) -> np.ndarray:
    """Scarcity as an encounter feels it: buffered by the pair's mean resources per head r,
    scarcity / (1 + r), so one unit of resources halves it."""
    out = np.zeros(len(i))
    if scarcity == 0.0:
        return out
    for e in range(len(i)):
        out[e] = scarcity / (1.0 + 0.5 * (resources[i[e]] + resources[j[e]]))
    return out
