"""Which parameters, and which combinations of them, the patterns pin down, and the defaults
the posterior sets.

A posterior can be as wide as the prior in every parameter and still be narrow: where two
parameters trade off (a higher virtuous cutpoint with a lower hostile one gives the same
ratio of positive to negative encounters), the patterns fix a combination and neither alone.
So the posterior is also read along its principal directions, with each prior's range scaled
to [0, 1]: there the uniform prior has the same spread in every direction, and a direction in
which the posterior is narrow is a combination the patterns pin down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

PINNED, NARROWED = 0.5, 0.8
"""Verdicts by the width of a posterior 95% interval over the prior's central 95%: below 0.5
the patterns pin it down, below 0.8 they narrow it, else they leave it open."""

SHOWN = 0.25
"""A parameter appears in a combination's formula when its loading is at least this (of 1)."""

PRIOR_DRAWS = 200_000
"""Draws of the uniform prior from which a combination's prior interval is computed."""

NULL_DRAWS = 4000
"""Samples from the prior behind the noise floor of the principal directions."""


def weighted_quantiles(values, weights, qs) -> np.ndarray:
    """Weighted quantiles (pyabc's interpolation: each point at the middle of its weight; a
    point of weight 0 is no point)."""
    x, w = np.asarray(values, float), np.asarray(weights, float)
    x, w = x[w > 0], w[w > 0]
    order = np.argsort(x)
    x, w = x[order], w[order] / w.sum()
    return np.interp(qs, np.cumsum(w) - 0.5 * w, x)


def verdict(ratio: float) -> str:
    """The verdict on a width ratio (PINNED, NARROWED)."""
    return "pinned down" if ratio < PINNED else "narrowed" if ratio < NARROWED else "left open"


def marginals(priors, posterior: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior range, hand-set value, posterior median and 95% interval, and the width
    of that interval over the prior's central 95% (1: no narrower than the prior)."""
    rows = []
    for p in priors:
        low, median, high = weighted_quantiles(posterior[p.name], posterior["weight"],
                                               [0.025, 0.5, 0.975])
        ratio = (high - low) / (0.95 * (p.high - p.low))
        rows.append({"parameter": p.name, "prior_low": p.low, "prior_high": p.high,
                     "hand_set": p.hand_set, "median": median, "low": low, "high": high,
                     "width_ratio": ratio, "verdict": verdict(ratio),
                     "hand_set_inside": bool(low <= p.hand_set <= high)})
    return pd.DataFrame(rows)


def scaled(priors, table: pd.DataFrame) -> np.ndarray:
    """Each parameter's values on its prior's range scaled to [0, 1] (one column each)."""
    return np.column_stack([(table[p.name].to_numpy(float) - p.low) / (p.high - p.low)
                            for p in priors])


@dataclass(frozen=True)
class Combination:
    """A principal direction of the posterior as a formula in the parameters' own units.

    ``direction`` is the unit vector on the scaled ranges; ``coefficients`` the formula
    (the parameters with a loading of at least SHOWN, the largest coefficient 1); ``median``,
    ``low`` and ``high`` the formula's posterior median and 95% interval, ``prior_low`` and
    ``prior_high`` its prior's central 95%, and ``width_ratio`` the ratio of the two widths.
    ``spread`` is the posterior's standard deviation along the direction over the prior's, and
    ``noise_floor`` the spread below which a sample from the prior itself, as large as the
    posterior's effective sample, puts its direction of the same rank only rarely: the
    narrowest directions of a small sample are narrow by chance (``noise_floors``).
    """

    direction: tuple[float, ...]
    coefficients: dict[str, float]
    median: float
    low: float
    high: float
    prior_low: float
    prior_high: float
    spread: float = 1.0
    noise_floor: float = 0.0

    @property
    def width_ratio(self) -> float:
        """The posterior interval's width over the prior's."""
        return (self.high - self.low) / (self.prior_high - self.prior_low)

    @property
    def verdict(self) -> str:
        """pinned down, narrowed or left open (always open when within sampling noise)."""
        return "left open" if self.spread >= self.noise_floor else verdict(self.width_ratio)

    @property
    def informed(self) -> bool:
        """Whether the patterns pin down or narrow this combination."""
        return self.verdict != "left open"

    @property
    def formula(self) -> str:
        """The combination as a reader writes it: `a - 0.75 b`."""
        text = ""
        for i, (name, c) in enumerate(self.coefficients.items()):
            size = "" if math.isclose(abs(c), 1.0) else f"{abs(c):.2g} "
            sign = ("-" if c < 0 else "") if i == 0 else (" - " if c < 0 else " + ")
            text += f"{sign}{size}`{name}`"
        return text


def combinations(priors, posterior: pd.DataFrame) -> list[Combination]:
    """The posterior's principal directions on the scaled ranges, narrowest first, each as a
    formula with its posterior and prior intervals."""
    z = scaled(priors, posterior)
    w = posterior["weight"].to_numpy(float)
    w = w / w.sum()
    mean = w @ z
    cov = (z - mean).T @ ((z - mean) * w[:, None])
    values, vectors = np.linalg.eigh(cov)
    floors = noise_floors(len(priors), 1.0 / np.sum(w ** 2))
    prior_z = np.random.default_rng(0).uniform(size=(PRIOR_DRAWS, len(priors)))
    out = []
    for rank, v in enumerate(vectors.T):
        v = v if v[np.argmax(np.abs(v))] > 0 else -v
        ranges = np.array([p.high - p.low for p in priors])
        coef = np.where(np.abs(v) >= SHOWN, v / ranges, 0.0)
        coef = coef / np.max(np.abs(coef))
        lows = np.array([p.low for p in priors])
        value = (lows + z * ranges) @ coef
        prior_value = (lows + prior_z * ranges) @ coef
        low, median, high = weighted_quantiles(value, w, [0.025, 0.5, 0.975])
        plow, phigh = np.quantile(prior_value, [0.025, 0.975])
        order = np.argsort(-np.abs(coef))
        out.append(Combination(
            direction=tuple(float(x) for x in v),
            coefficients={priors[i].name: float(coef[i]) for i in order if coef[i] != 0.0},
            median=float(median), low=float(low), high=float(high),
            prior_low=float(plow), prior_high=float(phigh),
            spread=float(np.sqrt(12.0 * max(values[rank], 0.0))),
            noise_floor=float(floors[rank])))
    return sorted(out, key=lambda c: c.spread)


def noise_floors(k: int, effective_size: float, seed: int = 0) -> np.ndarray:
    """Per rank (narrowest first), the (5 / k)% quantile of the spread of the principal
    directions of NULL_DRAWS uniform samples of ``effective_size`` points in ``k`` scaled
    parameters: a direction of the posterior counts only when it is narrower than the prior's
    own sampling noise would make it (Marchenko and Pastur: at 43 points in 12 dimensions the
    narrowest direction of a sample of the prior has half the prior's spread), with the k
    directions tested as one family (Bonferroni), so that a posterior no narrower than the
    prior shows a combination by chance in at most 5% of calibrations."""
    n = max(int(round(effective_size)), k + 1)
    u = np.random.default_rng(seed).uniform(size=(NULL_DRAWS, n, k))
    u = u - u.mean(axis=1, keepdims=True)
    cov = np.einsum("dni,dnj->dij", u, u) / n
    spreads = np.sqrt(12.0 * np.clip(np.linalg.eigvalsh(cov), 0, None))
    return np.quantile(spreads, 0.05 / k, axis=0)


def point_on(priors, informed: list[Combination], values) -> dict[str, float]:
    """The point nearest the hand-set values (on the scaled ranges) at which each informed
    combination takes the given value: the hand-set point moved only along the directions
    the patterns pin down, so a parameter in none of them keeps its hand-set value."""
    names = [p.name for p in priors]
    ranges = np.array([p.high - p.low for p in priors])
    lows = np.array([p.low for p in priors])
    z = (np.array([p.hand_set for p in priors]) - lows) / ranges
    if informed:
        coef = np.array([[c.coefficients.get(n, 0.0) for n in names] for c in informed])
        a = coef * ranges
        b = np.asarray(values, float) - coef @ lows
        z = z + a.T @ np.linalg.solve(a @ a.T, b - a @ z)
    return dict(zip(names, (lows + z * ranges).tolist()))


def calibrated_defaults(priors, chosen: dict[str, float]) -> pd.DataFrame:
    """The new defaults beside the hand-set ones: the chosen point (``point.choose``) rounded
    to three significant figures."""
    rows = []
    for p in priors:
        new = float(f"{chosen[p.name]:.3g}")
        rows.append({"parameter": p.name, "hand_set": p.hand_set, "exact": chosen[p.name],
                     "from_posterior": new, "prior_low": p.low, "prior_high": p.high,
                     "changed": not math.isclose(new, p.hand_set, rel_tol=1e-9,
                                                 abs_tol=1e-12)})
    return pd.DataFrame(rows)
