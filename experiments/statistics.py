"""Statistics of a sweep's runs table (no model runs here).

* :func:`wilson_interval` and :func:`probability_grid`: probability of an event (a stable
  alliance) over a 2-D parameter grid, per cell or binned, with Wilson score intervals, ready
  for a phase diagram;
* :func:`bootstrap_difference` and :func:`effect_sizes`: differences between two conditions in
  the probability of a stable alliance and in the median contract lifetime, with bootstrap
  confidence intervals (scipy.stats.bootstrap);
* :func:`sobol_indices` and :func:`morris_indices`: SALib's analysers on the per-point means
  of an outcome, in the sample order of experiments.design (sample/analyze symmetry);
* :func:`crossing` and :func:`bootstrap_crossing`: where a probability curve crosses a level
  (the phase boundary), with a bootstrap interval;
* :func:`mean_band`: the mean of a per-step series over runs, with a t interval, per step;
* :func:`hazard_ratio`: the log-rank (Mantel-Haenszel) hazard ratio of two groups of
  censored durations, with its interval, and :func:`cluster_bootstrap_hazard_ratio`, its
  interval from resampling whole runs (alliances of one run are not independent);
* :func:`elementary_effects` and :func:`sobol_resamples`: per-trajectory Morris effects and
  bootstrap resamples of Sobol' indices (to compare parameters with a dummy's noise floor),
  and :func:`dummy_screen`: mu* of every parameter against the noise floor of several dummies;
* :func:`bootstrap_interval`, :func:`bootstrap_correlation` and
  :func:`stratified_bootstrap_difference`: intervals of a statistic, of a rank correlation,
  and of a difference between two arms resampled within the cells of a design.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import stats

from model.numerics import libm


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


def crossing(x, p, level: float = 0.5) -> float:
    """The first x where the piecewise-linear curve p(x) rises through ``level``.

    -inf when p starts at or above the level, +inf when it never reaches it (the boundary lies
    outside the range studied).
    """
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    if p[0] >= level:
        return float("-inf")
    above = np.nonzero(p >= level)[0]
    if not len(above):
        return float("inf")
    j = above[0]
    return float(x[j - 1] + (level - p[j - 1]) * (x[j] - x[j - 1]) / (p[j] - p[j - 1]))


def bootstrap_crossing(x, k, n, level: float = 0.5, confidence: float = 0.95,
                       n_resamples: int = 2000, seed: int = 0) -> dict[str, float]:
    """:func:`crossing` of k/n over x, with a percentile interval from resampling the runs
    of every cell (k* ~ Binomial(n, k/n), the nonparametric bootstrap of Bernoulli runs)."""
    x, k, n = (np.asarray(v, dtype=float) for v in (x, k, n))
    estimate = crossing(x, k / n, level)
    rng = np.random.default_rng(seed)
    draws = rng.binomial(n.astype(int), k / n, size=(n_resamples, len(x))) / n
    values = np.array([crossing(x, row, level) for row in draws])
    alpha = (1 - confidence) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha], method="inverted_cdf")
    return {"estimate": estimate, "low": float(low), "high": float(high)}


def mean_band(df: pd.DataFrame, value: str, by: str | list[str] = "step",
              confidence: float = 0.95) -> pd.DataFrame:
    """Mean of ``value`` over rows (runs) per ``by``, with a Student-t interval of the mean.

    Columns: the ``by`` keys, n, mean, sd, low, high.
    """
    g = df.groupby(by, sort=True)[value].agg(n="count", mean="mean", sd="std").reset_index()
    t = stats.t.ppf(0.5 + confidence / 2, np.maximum(g["n"] - 1, 1))
    half = t * g["sd"].fillna(0.0) / np.sqrt(g["n"])
    g["low"], g["high"] = g["mean"] - half, g["mean"] + half
    return g


def hazard_ratio(durations_a, events_a, durations_b, events_b,
                 confidence: float = 0.95) -> dict[str, float]:
    """Hazard of group b relative to group a, by the log-rank (Mantel-Haenszel) estimator.

    HR = (O_b / E_b) / (O_a / E_a) with log HR ~ Normal(., 1 / V), V the log-rank variance
    (Berry, Kitchin and Mock 1991; Collett 2015, section 3.9). ``events`` is 1 for an observed
    end and 0 for a censored duration. Also returns the log-rank chi-square p-value.
    """
    da, ea = np.asarray(durations_a, float), np.asarray(events_a, bool)
    db, eb = np.asarray(durations_b, float), np.asarray(events_b, bool)
    times = np.unique(np.r_[da[ea], db[eb]])
    if not len(times):
        nan = float("nan")
        return {"estimate": nan, "low": nan, "high": nan, "p_value": nan,
                "events_a": 0, "events_b": 0}
    # at risk just before t: durations >= t; events at t
    at_a = len(da) - np.searchsorted(np.sort(da), times, side="left")
    at_b = len(db) - np.searchsorted(np.sort(db), times, side="left")
    d_a = np.searchsorted(np.sort(da[ea]), times, side="right") - \
        np.searchsorted(np.sort(da[ea]), times, side="left")
    d_b = np.searchsorted(np.sort(db[eb]), times, side="right") - \
        np.searchsorted(np.sort(db[eb]), times, side="left")
    n, d = at_a + at_b, d_a + d_b
    e_b = d * at_b / n
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(n > 1, d * (at_a / n) * (at_b / n) * (n - d) / (n - 1), 0.0).sum()
        o_b, e_b_sum = d_b.sum(), e_b.sum()
        o_a, e_a_sum = d_a.sum(), (d - e_b).sum()
        hr = (o_b / e_b_sum) / (o_a / e_a_sum)
        z = stats.norm.ppf(0.5 + confidence / 2)
        se = 1 / np.sqrt(v)
        chi2 = (o_b - e_b_sum) ** 2 / v
    if o_a == 0 or o_b == 0:  # no events on one side: the ratio is 0 or inf, its interval open
        return {"estimate": float(hr), "low": float("nan"), "high": float("nan"),
                "p_value": float(stats.chi2.sf(chi2, 1)) if v > 0 else float("nan"),
                "events_a": int(o_a), "events_b": int(o_b)}
    return {"estimate": float(hr), "low": math.exp(libm.log(hr) - z * se),
            "high": math.exp(libm.log(hr) + z * se),
            "p_value": float(stats.chi2.sf(chi2, 1)), "events_a": int(o_a), "events_b": int(o_b)}


def cluster_bootstrap_hazard_ratio(durations, events, in_b, cluster, confidence: float = 0.95,
                                   n_resamples: int = 2000, seed: int = 0) -> dict[str, float]:
    """:func:`hazard_ratio` of group b against group a with a percentile interval that
    resamples whole clusters (runs) instead of single durations.

    Units from one run share its history, so they are not independent and the log-rank
    interval is too narrow when they are positively correlated. Resampling clusters with
    replacement within each group (the cluster bootstrap, Davison and Hinkley 1997, section
    3.8) keeps the dependence inside a run. ``in_b`` marks the units of group b; clusters
    are taken within each group. Resamples without an event in either group are skipped;
    ``n_valid`` says how many were used. Returns the pooled estimate, ``low``, ``high``,
    ``n_valid`` and the cluster counts of each group.
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    in_b = np.asarray(in_b, dtype=bool)
    cluster = np.asarray(cluster)
    est = hazard_ratio(durations[~in_b], events[~in_b], durations[in_b], events[in_b])["estimate"]
    nan = float("nan")
    out = {"estimate": est, "low": nan, "high": nan, "n_valid": 0}
    members = {}
    for side in (False, True):
        ids, inverse = np.unique(cluster[in_b == side], return_inverse=True)
        rows = np.flatnonzero(in_b == side)
        members[side] = [rows[inverse == k] for k in range(len(ids))]
    out["clusters_a"], out["clusters_b"] = len(members[False]), len(members[True])
    if min(out["clusters_a"], out["clusters_b"]) < 2:
        return out
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_resamples):
        pick = {side: np.concatenate([members[side][k] for k in
                                      rng.integers(0, len(members[side]), len(members[side]))])
                for side in (False, True)}
        a, b = pick[False], pick[True]
        if not events[a].any() or not events[b].any():
            continue
        hr = hazard_ratio(durations[a], events[a], durations[b], events[b], confidence)["estimate"]
        if np.isfinite(hr) and hr > 0:
            values.append(hr)
    out["n_valid"] = len(values)
    if values:
        alpha = (1 - confidence) / 2
        out["low"], out["high"] = (float(v) for v in np.quantile(values, [alpha, 1 - alpha]))
    return out


def elementary_effects(problem: dict, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The Morris elementary effects, one row per trajectory and one column per parameter.

    ``X`` and ``Y`` are in the order of SALib's Morris sampler: trajectories of k + 1 points,
    each step moving exactly one parameter. An effect is the change in Y per change of the
    parameter in units of its range (as :func:`morris_indices` reports mu*), so effects of
    parameters with different units compare. Keeping the matrix (rather than SALib's summary)
    lets an analysis bootstrap over trajectories any statistic of the effects, for example
    the difference of two parameters' mu* with the same resamples.
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    k = int(problem["num_vars"])
    if X.shape[0] % (k + 1) or X.shape[1] != k or len(Y) != len(X):
        raise ValueError(f"X has shape {X.shape} and Y length {len(Y)}: expected whole "
                         f"trajectories of {k + 1} points and {k} columns")
    span = np.diff(np.asarray(problem["bounds"], dtype=float), axis=1).ravel()
    r = X.shape[0] // (k + 1)
    Xt = X.reshape(r, k + 1, k)
    Yt = Y.reshape(r, k + 1)
    dX = np.diff(Xt, axis=1) / span
    moved = np.abs(dX) > 1e-12
    if not (moved.sum(axis=2) == 1).all():
        raise ValueError("every step of a Morris trajectory must move exactly one parameter")
    step_of = np.argmax(moved, axis=2)
    delta = dX[np.arange(r)[:, None], np.arange(k)[None, :], step_of]
    ee = np.empty((r, k))
    ee[np.arange(r)[:, None], step_of] = np.diff(Yt, axis=1) / delta
    return ee


def dummy_screen(effects: np.ndarray, names: list[str], dummies: tuple[str, ...],
                 confidence: float = 0.95, n_resamples: int = 2000,
                 seed: int = 0) -> tuple[pd.DataFrame, dict[str, float]]:
    """mu* of every parameter against a noise floor set by several inert dummies, all from one
    bootstrap over trajectories, so that a parameter is read against noise, not against luck.

    ``effects`` is the (trajectories, parameters) matrix of :func:`elementary_effects`;
    ``dummies`` name the columns of inert parameters, whose effects are run-to-run noise. One
    dummy's mu* is itself a noisy estimate of the floor (with a 0/1 outcome it is often exactly
    0), so the floor is the largest of the dummies' mu*: in the estimate and in every resample.
    The rule: a parameter is influential when the lower end of the paired percentile interval
    (same resampled trajectories) of its mu* minus the floor is above zero. Dummies are never
    influential.

    Returns the table (parameter, dummy, mu_star with low and high, excess over the floor with
    excess_low and excess_high, sigma, influential), sorted by mu*, and the floor (estimate,
    low, high, and the dummy that sets it).
    """
    ee = np.asarray(effects, dtype=float)
    names = list(names)
    if ee.ndim != 2 or ee.shape[1] != len(names):
        raise ValueError(f"effects has shape {ee.shape}: expected (trajectories, {len(names)}), "
                         "one column per name")
    missing = [d for d in dummies if d not in names]
    if not dummies or missing:
        raise ValueError(f"dummies = {list(dummies)!r} is not allowed: expected one or more of "
                         f"the screened names {names}")
    r = ee.shape[0]
    if r < 2:
        raise ValueError(f"effects has {r} trajectory: expected at least 2 to resample")
    cols = [names.index(d) for d in dummies]
    mags = np.abs(ee)
    rng = np.random.default_rng(seed)
    boot = mags[rng.integers(0, r, size=(n_resamples, r))].mean(axis=1)  # (resamples, k)
    floor_boot = boot[:, cols].max(axis=1)
    mu = mags.mean(axis=0)
    floor = float(mu[cols].max())
    alpha = (1 - confidence) / 2
    q = lambda a: np.quantile(a, [alpha, 1 - alpha], axis=0)  # noqa: E731
    (low, high), (ex_low, ex_high) = q(boot), q(boot - floor_boot[:, None])
    is_dummy = np.isin(names, dummies)
    table = pd.DataFrame({
        "parameter": names, "dummy": is_dummy, "mu_star": mu, "low": low, "high": high,
        "excess": mu - floor, "excess_low": ex_low, "excess_high": ex_high,
        "sigma": ee.std(axis=0, ddof=1), "influential": (ex_low > 0) & ~is_dummy})
    f_low, f_high = q(floor_boot)
    floor_info = {"estimate": floor, "low": float(f_low), "high": float(f_high),
                  "set_by": dummies[int(np.argmax(mu[cols]))]}
    return table.sort_values("mu_star", ascending=False, ignore_index=True), floor_info


def bootstrap_interval(x, statistic: Callable = np.mean, confidence: float = 0.95,
                       n_resamples: int = 2000, seed: int = 0, method: str = "inverted_cdf",
                       levels: tuple[float, float] | None = None) -> dict[str, float]:
    """statistic(x) with a percentile bootstrap interval over the runs (NaN values dropped).

    For one condition's summary across runs (a mean dip, a median time) where the t interval
    of :func:`mean_band` would assume symmetry. Infinite values are kept, so a median of
    partly unreached times is inf when more than half are unreached; fewer than two values
    give a NaN interval, and identical values a zero-width one.

    The interval's ends are the quantiles ``levels`` of the resampled statistics, by numpy's
    quantile ``method``: by default "inverted_cdf" (each end is one of the resampled values)
    at (1 - confidence) / 2 and its complement. ``method="linear"`` (numpy's default, which
    interpolates) with ``levels=(0.025, 0.975)`` gives the intervals experiment 9 has always
    reported; the levels are then given exactly, as (1 - 0.95) / 2 is 0.025 plus a rounding
    error that moves an interpolated end in its last digits.
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    nan = float("nan")
    if not len(x):
        return {"estimate": nan, "low": nan, "high": nan, "n": 0}
    estimate = float(statistic(x))
    if len(x) < 2 or np.ptp(x) == 0 and np.isfinite(x[0]):
        same = estimate if len(x) >= 2 else nan
        return {"estimate": estimate, "low": same, "high": same, "n": len(x)}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_resamples, len(x)))
    with np.errstate(invalid="ignore"):
        values = statistic(x[idx], axis=1)
    if levels is None:
        alpha = (1 - confidence) / 2
        levels = (alpha, 1 - alpha)
    low, high = np.quantile(values, list(levels), method=method)
    return {"estimate": estimate, "low": float(low), "high": float(high), "n": len(x)}


def bootstrap_correlation(x, y, method: str = "spearman", confidence: float = 0.95,
                          n_resamples: int = 2000, seed: int = 0) -> dict[str, float]:
    """Pearson or Spearman correlation of paired values with a percentile bootstrap interval
    (pairs resampled together; pairs with a NaN dropped).

    Resamples in which either variable is constant have no correlation and are left out;
    ``n`` is the number of pairs and the interval is NaN with fewer than three.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    nan = float("nan")
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method = {method!r} is not allowed: expected 'pearson' or 'spearman'")
    if method == "spearman":
        x, y = stats.rankdata(x), stats.rankdata(y)

    def corr(a, b):
        a = a - a.mean(axis=-1, keepdims=True)
        b = b - b.mean(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (a * b).sum(axis=-1) / np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))

    out = {"estimate": nan, "low": nan, "high": nan, "n": len(x)}
    if len(x) < 3:
        return out
    out["estimate"] = float(corr(x, y))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_resamples, len(x)))
    if method == "spearman":
        rx = stats.rankdata(x[idx], axis=1)
        ry = stats.rankdata(y[idx], axis=1)
    else:
        rx, ry = x[idx], y[idx]
    values = corr(rx, ry)
    values = values[~np.isnan(values)]
    if len(values):
        alpha = (1 - confidence) / 2
        out["low"], out["high"] = (float(v) for v in np.quantile(values, [alpha, 1 - alpha],
                                                                  method="inverted_cdf"))
    return out


def sobol_resamples(Y: np.ndarray, k: int, n_resamples: int = 1000,
                    seed: int = 0) -> dict[str, np.ndarray]:
    """First-order and total Sobol' indices with their bootstrap replicates.

    ``Y`` is in the order of SALib's Sobol' sampler without second order (blocks of
    A, AB_1..AB_k, B per base row); the estimators are SALib's (Saltelli et al. 2010, first
    order; Jansen 1999, total) on centred outputs, so the point estimates equal
    :func:`sobol_indices`. The bootstrap resamples base rows, keeping each row's A, AB and B
    together, and returns the replicates so an analysis can put intervals on any function of
    the indices with the same resamples: the sum of first-order indices (the additive share of
    the variance), or a parameter's total index minus a dummy's.

    Returns ``S1`` and ``ST`` (shape (k,)) and ``S1_boot`` and ``ST_boot`` (shape
    (n_resamples, k)).
    """
    Y = np.asarray(Y, dtype=float)
    if Y.size % (k + 2):
        raise ValueError(f"Y has {Y.size} values: expected whole blocks of k + 2 = {k + 2}")
    Y = (Y - Y.mean()).reshape(-1, k + 2)
    A, AB, B = Y[:, 0], Y[:, 1:k + 1], Y[:, k + 1]

    def indices(rows):
        a, ab, b = A[rows], AB[rows], B[rows]
        var = np.var(np.concatenate([a, b], axis=-1), axis=-1)[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            s1 = np.mean(b[..., None] * (ab - a[..., None]), axis=-2) / var
            st = 0.5 * np.mean((a[..., None] - ab) ** 2, axis=-2) / var
        zero = var <= np.finfo(float).eps
        return np.where(zero, 0.0, s1), np.where(zero, 0.0, st)

    n = len(A)
    s1, st = indices(np.arange(n))
    rows = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))
    s1_boot, st_boot = indices(rows)
    return {"S1": s1, "ST": st, "S1_boot": s1_boot, "ST_boot": st_boot}


def stratified_bootstrap_difference(a, b, strata_a, strata_b, confidence: float = 0.95,
                                    n_resamples: int = 2000, seed: int = 0) -> dict[str, float]:
    """Mean over strata of (mean of b - mean of a) in each stratum, with a percentile interval
    from resampling within every stratum and arm (the stratified bootstrap, Davison and Hinkley
    1997, chapter 3).

    In a designed experiment the strata (the cells of a grid) are fixed, not drawn: pooling the
    runs and resampling them together lets the mix of cells vary between resamples and, where
    cells differ a lot, widens the interval for no reason. Strata are weighted equally; only
    strata with at least one value in both arms count (``strata`` says how many). NaN values
    are dropped. With equal numbers of runs per stratum and arm the estimate equals the pooled
    difference of means.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    sa, sb = np.asarray(strata_a), np.asarray(strata_b)
    keep_a, keep_b = ~np.isnan(a), ~np.isnan(b)
    a, sa, b, sb = a[keep_a], sa[keep_a], b[keep_b], sb[keep_b]
    levels = [s for s in dict.fromkeys(sa.tolist()) if np.any(sb == s)]
    nan = float("nan")
    out = {"estimate": nan, "low": nan, "high": nan, "strata": len(levels)}
    if not levels:
        return out
    rng = np.random.default_rng(seed)
    diffs = np.zeros(n_resamples)
    estimate = 0.0
    for s in levels:
        xa, xb = a[sa == s], b[sb == s]
        estimate += xb.mean() - xa.mean()
        ra = xa[rng.integers(0, len(xa), (n_resamples, len(xa)))].mean(axis=1)
        rb = xb[rng.integers(0, len(xb), (n_resamples, len(xb)))].mean(axis=1)
        diffs += rb - ra
    out["estimate"] = float(estimate / len(levels))
    alpha = (1 - confidence) / 2
    low, high = np.quantile(diffs / len(levels), [alpha, 1 - alpha])
    out["low"], out["high"] = float(low), float(high)
    return out
