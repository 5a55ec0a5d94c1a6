"""Statistics of a sweep's runs table (no model runs here).

* :func:`wilson_interval` and :func:`probability_grid`: probability of an event (a stable
  alliance) over a 2-D parameter grid, per cell or binned, with Wilson score intervals, ready
  for a phase diagram;
* :func:`bootstrap_difference` and :func:`effect_sizes`: differences between two conditions in
  the probability of a stable alliance and in the median contract lifetime, with bootstrap
  confidence intervals (scipy.stats.bootstrap);
* :func:`sobol_indices` and :func:`morris_indices`: SALib's analysers on the per-point means
  of an outcome, in the sample order of experiments.design (sample/analyze symmetry).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import stats


def wilson_interval(k, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes in n trials (NaN where n = 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low, high = centre - half, centre + half
    low = np.where(n > 0, np.clip(low, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(high, 0.0, 1.0), np.nan)
    return low, high


def successful(df: pd.DataFrame) -> pd.DataFrame:
    """Runs that finished without error."""
    return df[df["error"].isna()] if "error" in df else df


def probability_grid(df: pd.DataFrame, x: str, y: str, outcome: str = "stable_alliance_formed",
                     bins: int | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """P(outcome) per cell of the (x, y) plane with Wilson intervals.

    ``bins=None`` uses the distinct values of x and y (a grid design); an integer bins both
    into that many equal-width bins (sampled designs), labelled by bin centre. Columns: x, y,
    n, k, p, low, high. Failed runs are left out.
    """
    d = successful(df)[[x, y, outcome]].copy()
    if bins is not None:
        for c in (x, y):
            edges = np.linspace(d[c].min(), d[c].max(), bins + 1)
            idx = np.clip(np.searchsorted(edges, d[c], side="right") - 1, 0, bins - 1)
            d[c] = ((edges[:-1] + edges[1:]) / 2)[idx]
    g = d.groupby([x, y], sort=True)[outcome].agg(n="count", k="sum").reset_index()
    g["k"] = g["k"].astype(float)
    g["p"] = g["k"] / g["n"]
    g["low"], g["high"] = wilson_interval(g["k"], g["n"], confidence)
    return g


def bootstrap_difference(a, b, statistic: Callable = np.mean, confidence: float = 0.95,
                         n_resamples: int = 2000, seed: int = 0,
                         method: str = "percentile") -> dict[str, float]:
    """statistic(b) - statistic(a) with a bootstrap CI (independent resampling of a and b).

    Infinite values are kept (a Kaplan-Meier median not reached is inf): where resamples
    differ by inf - inf the interval is undefined and reported as NaN, without a warning.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    estimate = float(statistic(b) - statistic(a)) if len(a) and len(b) else float("nan")
    out = {"estimate": estimate, "low": float("nan"), "high": float("nan"),
           "n_a": len(a), "n_b": len(b)}
    if len(a) < 2 or len(b) < 2:
        return out

    def diff(x, y, axis=-1):
        return statistic(y, axis=axis) - statistic(x, axis=axis)

    with np.errstate(invalid="ignore"):
        res = stats.bootstrap((a, b), diff, confidence_level=confidence, n_resamples=n_resamples,
                              method=method, vectorized=True, rng=np.random.default_rng(seed))
    out["low"], out["high"] = float(res.confidence_interval.low), float(res.confidence_interval.high)
    if np.isnan(out["low"]) and estimate == estimate and np.ptp(np.r_[a, b]) == 0:
        out["low"] = out["high"] = estimate  # every resample gives the same value
    return out


EFFECTS = (("P(stable alliance)", "stable_alliance_formed", np.mean),
           ("median alliance lifetime", "median_alliance_lifetime", np.median),
           ("median contract lifetime", "mean_contract_lifetime", np.median))
"""Effect sizes reported between conditions: (label, outcome column, statistic)."""


def effect_sizes(df: pd.DataFrame, column: str, a: Any, b: Any, confidence: float = 0.95,
                 n_resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Differences (condition ``column == b`` minus ``column == a``) in the probability of a
    stable alliance, the median over runs of each run's Kaplan-Meier median alliance lifetime
    (inf where more than half a run's alliances outlive it) and the median contract lifetime,
    with bootstrap CIs. Outcomes the table does not hold are skipped."""
    d = successful(df)
    rows = []
    for label, outcome, stat in EFFECTS:
        if outcome not in d:
            continue
        r = bootstrap_difference(d.loc[d[column] == a, outcome], d.loc[d[column] == b, outcome],
                                 stat, confidence, n_resamples, seed)
        rows.append({"effect": label, "parameter": column, "from": a, "to": b, **r})
    return pd.DataFrame(rows)


def point_means(df: pd.DataFrame, outcome: str, n_points: int) -> np.ndarray:
    """Mean of ``outcome`` over the successful replicates of each design point, in order."""
    means = successful(df).groupby("point")[outcome].mean().reindex(range(n_points))
    if means.isna().any():
        missing = list(means.index[means.isna()][:10])
        raise ValueError(f"no successful run at design point(s) {missing}: cannot analyse "
                         f"{outcome!r} (SALib needs every point)")
    return means.to_numpy(dtype=float)


def sobol_indices(problem: dict, Y: np.ndarray, confidence: float = 0.95,
                  n_resamples: int = 200, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol' indices with CIs (SALib, Saltelli/Jansen estimators);
    Y in the order of SALib's sobol sampler with calc_second_order=False."""
    from SALib.analyze import sobol

    res = sobol.analyze(problem, np.asarray(Y, dtype=float), calc_second_order=False,
                        num_resamples=n_resamples, conf_level=confidence, seed=seed)
    return pd.DataFrame({"parameter": problem["names"], "S1": res["S1"],
                         "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]})


def morris_indices(problem: dict, X: np.ndarray, Y: np.ndarray, confidence: float = 0.95,
                   n_resamples: int = 200, seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects: mu, mu* (with CI) and sigma (SALib)."""
    from SALib.analyze import morris

    res = morris.analyze(problem, np.asarray(X, dtype=float), np.asarray(Y, dtype=float),
                         num_resamples=n_resamples, conf_level=confidence, num_levels=4,
                         seed=seed)
    return pd.DataFrame({"parameter": problem["names"], "mu": res["mu"],
                         "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                         "sigma": res["sigma"]})
