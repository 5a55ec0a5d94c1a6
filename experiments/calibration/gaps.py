"""How far a run's contact statistics lie from the targets, and how the distance weighs them.

Each target gives the distance one component, its *gap*: for a target the source reports as a
number, the signed difference from the centre; for a target it reports only as a direction,
the shortfall on the wrong side of the bound, 0 however far the run lies on the right side (a
one-sided constraint: the source says nothing about how far beyond). pyabc's adaptive p-norm
distance (Prangle 2017) divides each gap by a scale refitted every generation; here the scale
is the spread (median absolute deviation) of the statistic itself over the generation's
simulations, and for a two-sided target never less than the source's own uncertainty, so the
distance never asks for more precision than the source has. The raw statistics travel with
the gaps (with weight 0) so that the scales can be computed from them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from model.analysis.contact_patterns import Target

from .settings import CalibrationError

GAP = ".gap"
"""Suffix of a target's gap in the summary statistics; the raw statistic has the bare name."""

UNMEASURED_GAP = 1e6
"""The gap of a statistic a run cannot measure (a correlation when trust does not vary, a
ratio without hostile encounters): the run misses that target by far and is never accepted."""


def check_targets(targets: tuple[Target, ...], path: Path | str) -> tuple[Target, ...]:
    """The targets, if each is either a number with its uncertainty or a one-sided bound."""
    for t in targets:
        if t.one_sided and math.isfinite(t.low) and math.isfinite(t.high):
            raise CalibrationError(
                f"{path}: [{t.name}] has both low and high but no centre: for the calibration a "
                "target is either a number (give centre, scale and scale_basis) or a direction "
                "(give only low or only high)")
    return targets


def bound(target: Target) -> float:
    """What a run is compared with: the centre, or the one bound of a one-sided target."""
    if not target.one_sided:
        return target.centre
    return target.low if math.isfinite(target.low) else target.high


def gap(target: Target, value: float) -> float:
    """How far a statistic lies from its target (0 on the right side of a one-sided bound)."""
    if not math.isfinite(value):
        return UNMEASURED_GAP
    if not target.one_sided:
        return value - target.centre
    if math.isfinite(target.low):
        return max(0.0, target.low - value)
    return max(0.0, value - target.high)


def mean_over_runs(values) -> float:
    """A statistic's mean over a simulation's runs, as ``contact_patterns.evaluate`` takes it:
    runs where it is undefined (NaN) left out, NaN if it is undefined in all."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    return float(x.mean()) if len(x) else math.nan


def summary(targets: tuple[Target, ...], per_run: list[dict]) -> dict[str, float]:
    """The summary statistics of one simulation: each target's statistic (the mean over its
    runs) and its gap. A statistic that cannot be measured is stored as the target's own
    value, so that it adds nothing through its weight 0, and its gap is UNMEASURED_GAP."""
    out = {}
    for t in targets:
        value = mean_over_runs([s[t.statistic] for s in per_run])
        out[t.name] = value if math.isfinite(value) else bound(t)
        out[t.name + GAP] = gap(t, value)
    return out


def observed(targets: tuple[Target, ...]) -> dict[str, float]:
    """The 'data' pyabc compares with: each target's value and a gap of 0."""
    out = {}
    for t in targets:
        out[t.name] = bound(t)
        out[t.name + GAP] = 0.0
    return out


def fixed_weights(targets: tuple[Target, ...]) -> dict[str, float]:
    """Weight 1 for every gap and 0 for the raw statistics, which only feed the scales."""
    out = {}
    for t in targets:
        out[t.name] = 0.0
        out[t.name + GAP] = 1.0
    return out


def spread(values: np.ndarray) -> float:
    """Median absolute deviation from the median (pyabc's default scale); the standard
    deviation if that is 0, and 0 if the values do not vary at all."""
    if len(values) == 0:
        return 0.0
    mad = float(np.median(np.abs(values - np.median(values))))
    return mad if mad > 0 else float(np.std(values))


class GapScales:
    """The scale function of the adaptive distance: for each gap, the spread of its raw
    statistic over the simulations (runs that could not measure it left out), floored at the
    target's scale for a two-sided target; 1 for the raw statistics (their weight is 0).

    A class rather than a closure so that it pickles; ``__name__`` because pyabc records the
    scale function by name.
    """

    __name__ = "gap_scales"

    def __init__(self, targets: tuple[Target, ...]):
        self.targets = {t.name: t for t in targets}

    def __call__(self, *, samples: np.ndarray, s_ids: list[str], **_) -> np.ndarray:
        """Scales for the columns ``s_ids`` of ``samples`` (one row per simulation)."""
        samples = np.atleast_2d(np.asarray(samples, dtype=float))
        column = {name: k for k, name in enumerate(s_ids)}
        scales = np.ones(len(s_ids))
        for name, target in self.targets.items():
            raw, gaps = samples[:, column[name]], samples[:, column[name + GAP]]
            s = spread(raw[gaps != UNMEASURED_GAP])
            if not target.one_sided:
                s = max(s, target.scale)
            scales[column[name + GAP]] = s
        return scales
