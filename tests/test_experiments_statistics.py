"""Statistics of the experiment engine against known values (no model runs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.statistics import (bootstrap_difference, effect_sizes, morris_indices,
                                    point_means, probability_grid, sobol_indices,
                                    wilson_interval)


def test_wilson_interval_textbook_values():
    # Newcombe (1998), Stat Med 17:857, Table I, method 3 (score interval without correction)
    low, high = wilson_interval([81, 15, 0, 1], [263, 148, 20, 29])
    assert np.round(low, 4).tolist() == [0.2553, 0.0624, 0.0, 0.0061]
    assert np.round(high, 4).tolist() == [0.3662, 0.1605, 0.1611, 0.1718]
    low, high = wilson_interval(3, 0)
    assert np.isnan(low) and np.isnan(high)


def test_probability_grid_counts_cells_and_skips_failed_runs():
    df = pd.DataFrame({"a": [0, 0, 0, 1, 1, 1, 1], "b": [0, 0, 0, 0, 0, 0, 0],
                       "stable_alliance_formed": [1.0, 0.0, 1.0, 1.0, 1.0, np.nan, 0.0],
                       "error": [None, None, None, None, None, "boom", None]})
    g = probability_grid(df, "a", "b")
    assert g[["n", "k"]].to_numpy().tolist() == [[3, 2], [3, 2]]
    low, high = wilson_interval(2, 3)
    assert g["low"].iloc[0] == pytest.approx(float(low))
    assert g["high"].iloc[1] == pytest.approx(float(high))
    rng = np.random.default_rng(0)
    sampled = pd.DataFrame({"a": rng.uniform(0, 1, 500), "b": rng.uniform(0, 1, 500)})
    sampled["stable_alliance_formed"] = (sampled["a"] > 0.5).astype(float)
    binned = probability_grid(sampled, "a", "b", bins=4)
    assert len(binned) == 16 and binned["n"].sum() == 500
    assert sorted(binned["a"].unique()) == pytest.approx([0.125, 0.375, 0.625, 0.875], abs=0.01)
    assert (binned.loc[binned["a"] > 0.7, "p"] == 1).all()
    assert (binned.loc[binned["a"] < 0.3, "p"] == 0).all()


def test_bootstrap_ci_covers_the_true_difference():
    rng = np.random.default_rng(42)
    covered = []
    for i in range(100):  # coverage of the 95% interval on synthetic Bernoulli data
        a = rng.random(200) < 0.3
        b = rng.random(200) < 0.6
        r = bootstrap_difference(a, b, n_resamples=500, seed=i)
        covered.append(r["low"] < 0.3 < r["high"])
    assert 0.88 <= np.mean(covered) <= 0.99
    a = rng.random(400) < 0.3
    b = rng.random(400) < 0.6
    r = bootstrap_difference(a, b)
    assert r["low"] < 0.3 < r["high"] and r["high"] - r["low"] < 0.2
    x = rng.normal(10.0, 2.0, 400)
    y = rng.normal(15.0, 2.0, 400)  # medians differ by exactly 5
    r = bootstrap_difference(x, y, statistic=np.median)
    assert r["low"] < 5.0 < r["high"] and r["high"] - r["low"] < 1.0
    df = pd.DataFrame({"cond": ["a"] * 400 + ["b"] * 400,
                       "stable_alliance_formed": np.r_[a, b].astype(float),
                       "mean_contract_lifetime": np.r_[x, y],
                       "error": [None] * 800})
    eff = effect_sizes(df, "cond", "a", "b").set_index("effect")
    assert eff.loc["P(stable alliance)", "low"] < 0.3 < eff.loc["P(stable alliance)", "high"]
    assert eff.loc["median contract lifetime", "low"] < 5 < \
        eff.loc["median contract lifetime", "high"]


def test_sobol_indices_of_the_ishigami_function():
    from SALib.sample import sobol
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sobol.sample(problem, 1024, calc_second_order=False, seed=1)
    t = sobol_indices(problem, Ishigami.evaluate(X), seed=1).set_index("parameter")
    # analytic values for a = 7, b = 0.1
    assert t["S1"].to_numpy() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.05)
    assert t["ST"].to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.05)
    assert (t["S1_conf"] > 0).all() and (t["ST_conf"] < 0.15).all()


def test_morris_of_a_linear_function():
    from SALib.sample import morris

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 2], [-1, 1]]}
    X = morris.sample(problem, 10, num_levels=4, seed=3)
    Y = 3 * X[:, 0] - 1 * X[:, 1] + 0 * X[:, 2]
    t = morris_indices(problem, X, Y).set_index("parameter")
    # elementary effects in units of the range: coefficient * (high - low), no interaction
    assert t["mu_star"].to_numpy() == pytest.approx([3.0, 2.0, 0.0], abs=1e-9)
    assert t["mu"].to_numpy() == pytest.approx([3.0, -2.0, 0.0], abs=1e-9)
    assert t["sigma"].to_numpy() == pytest.approx([0, 0, 0], abs=1e-9)


def test_point_means_average_replicates_and_need_every_point():
    df = pd.DataFrame({"point": [0, 0, 1, 1], "y": [1.0, 3.0, 5.0, np.nan],
                       "error": [None, None, None, "boom"]})
    assert point_means(df, "y", 2).tolist() == [2.0, 5.0]
    with pytest.raises(ValueError, match=r"design point\(s\) \[2\]"):
        point_means(df, "y", 3)


def test_cluster_bootstrap_hazard_ratio_widens_for_clustered_units():
    from experiments.statistics import cluster_bootstrap_hazard_ratio, hazard_ratio

    rng = np.random.default_rng(3)
    n = 60
    d_a, d_b = rng.exponential(10.0, n), rng.exponential(20.0, n)  # true HR(b vs a) = 0.5
    durations = np.r_[d_a, d_b]
    events = np.ones(2 * n, dtype=bool)
    in_b = np.r_[np.zeros(n, bool), np.ones(n, bool)]
    alone = cluster_bootstrap_hazard_ratio(durations, events, in_b, np.arange(2 * n),
                                           n_resamples=400, seed=1)
    plain = hazard_ratio(d_a, events[:n], d_b, events[n:])
    assert alone["estimate"] == plain["estimate"]
    assert alone["low"] < 0.5 < alone["high"]
    # one cluster per unit: a little narrower than the log-rank interval, whose null
    # variance overstates the spread of log HR away from HR = 1 (here by about 1.35)
    ratio = np.log(alone["high"] / alone["low"]) / np.log(plain["high"] / plain["low"])
    assert 0.55 < ratio < 1.1
    # every unit copied 5 times into one cluster: same estimate, the log-rank interval
    # shrinks by about sqrt(5) but the cluster bootstrap interval keeps its width
    rep = np.repeat(np.arange(2 * n), 5)
    copied = cluster_bootstrap_hazard_ratio(durations[rep], events[rep], in_b[rep], rep,
                                            n_resamples=400, seed=1)
    naive = hazard_ratio(durations[rep][~in_b[rep]], events[rep][~in_b[rep]],
                         durations[rep][in_b[rep]], events[rep][in_b[rep]])
    assert np.isclose(copied["estimate"], plain["estimate"], rtol=0.05)
    wide, narrow = np.log(copied["high"] / copied["low"]), np.log(naive["high"] / naive["low"])
    assert 0.75 < wide / np.log(alone["high"] / alone["low"]) < 1.33
    assert wide > 1.5 * narrow
    assert copied["n_valid"] == 400 and copied["clusters_a"] == copied["clusters_b"] == n


def test_cluster_bootstrap_hazard_ratio_needs_two_clusters_a_side():
    from experiments.statistics import cluster_bootstrap_hazard_ratio

    out = cluster_bootstrap_hazard_ratio([1, 2, 3], [1, 1, 1], [False, True, True], [0, 1, 1])
    assert np.isnan(out["low"]) and out["clusters_a"] == 1 and out["clusters_b"] == 1


def test_elementary_effects_agree_with_salib_and_recover_coefficients():
    from SALib.sample import morris

    from experiments.statistics import elementary_effects

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 2], [-1, 1]]}
    X = morris.sample(problem, 12, num_levels=4, seed=5)
    Y = 3 * X[:, 0] - X[:, 1] + X[:, 0] * X[:, 2]
    ee = elementary_effects(problem, X, Y)
    assert ee.shape == (12, 3)
    t = morris_indices(problem, X, Y).set_index("parameter")
    assert np.abs(ee).mean(axis=0) == pytest.approx(t["mu_star"].to_numpy(), abs=1e-9)
    assert ee.mean(axis=0) == pytest.approx(t["mu"].to_numpy(), abs=1e-9)
    assert ee[:, 1] == pytest.approx(np.full(12, -2.0))  # linear: coefficient x range
    with pytest.raises(ValueError, match="whole trajectories"):
        elementary_effects(problem, X[:-1], Y[:-1])


def test_bootstrap_interval_covers_the_mean_and_handles_degenerate_input():
    from experiments.statistics import bootstrap_interval

    x = np.random.default_rng(3).normal(2.0, 1.0, 400)
    r = bootstrap_interval(x, seed=1)
    assert r["estimate"] == pytest.approx(x.mean())
    half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))  # the normal-theory half-width
    assert r["high"] - r["low"] == pytest.approx(2 * half, rel=0.15)
    assert r["low"] < x.mean() < r["high"]
    assert bootstrap_interval(x, seed=1) == r  # fixed seed: reproducible
    same = bootstrap_interval([0.5, 0.5, 0.5])
    assert (same["low"], same["high"]) == (0.5, 0.5)
    one = bootstrap_interval([1.0, np.nan])
    assert one["estimate"] == 1.0 and np.isnan(one["low"]) and one["n"] == 1
    assert np.isnan(bootstrap_interval([])["estimate"])
    # a median over partly unreached (infinite) times
    assert bootstrap_interval([3.0, np.inf, np.inf], np.median)["estimate"] == np.inf


def test_bootstrap_interval_reads_linear_quantiles_at_exact_levels():
    """Experiment 9's intervals: numpy's linear quantiles of the same resamples at exactly
    2.5% and 97.5% (not at (1 - 0.95) / 2, which is off by a rounding error)."""
    from experiments.statistics import bootstrap_interval

    x = np.random.default_rng(4).normal(0.3, 1.0, 57)
    boot = x[np.random.default_rng(9).integers(0, len(x), size=(2000, len(x)))]
    for stat in (np.mean, np.median):
        r = bootstrap_interval(x, stat, seed=9, method="linear", levels=(0.025, 0.975))
        values = stat(boot, axis=1)
        assert (r["estimate"], r["low"], r["high"]) == (
            float(stat(x)), float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975)))
    default = bootstrap_interval(x, seed=9)
    values = boot.mean(axis=1)
    assert (default["low"], default["high"]) == tuple(
        float(v) for v in np.quantile(values, [(1 - 0.95) / 2, 1 - (1 - 0.95) / 2],
                                      method="inverted_cdf"))


def test_bootstrap_correlation_matches_scipy_and_brackets_the_truth():
    from scipy import stats as sps

    from experiments.statistics import bootstrap_correlation

    rng = np.random.default_rng(5)
    x = rng.normal(size=500)
    y = 0.6 * x + 0.8 * rng.normal(size=500)  # population Pearson correlation 0.6
    p = bootstrap_correlation(x, y, method="pearson", seed=2)
    s = bootstrap_correlation(x, y, seed=2)
    assert p["estimate"] == pytest.approx(sps.pearsonr(x, y)[0])
    assert s["estimate"] == pytest.approx(sps.spearmanr(x, y)[0])
    assert p["low"] < 0.6 < p["high"] and p["high"] - p["low"] < 0.15
    assert bootstrap_correlation(-x, y, seed=2)["high"] < 0
    assert np.isnan(bootstrap_correlation([1, 2], [2, 1])["estimate"])
    with pytest.raises(ValueError):
        bootstrap_correlation(x, y, method="kendall")


def test_sobol_resamples_match_salib_and_cover_the_ishigami_indices():
    from SALib.sample import sobol
    from SALib.test_functions import Ishigami

    from experiments.statistics import sobol_resamples

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sobol.sample(problem, 1024, calc_second_order=False, seed=1)
    Y = Ishigami.evaluate(X)
    r = sobol_resamples(Y, 3, n_resamples=300, seed=2)
    t = sobol_indices(problem, Y, seed=1)
    assert r["S1"] == pytest.approx(t["S1"].to_numpy(), abs=1e-9)
    assert r["ST"] == pytest.approx(t["ST"].to_numpy(), abs=1e-9)
    assert r["S1_boot"].shape == (300, 3)
    low, high = np.quantile(r["ST_boot"], [0.025, 0.975], axis=0)
    assert (low < [0.5576, 0.4424, 0.2437]).all() and (high > [0.5576, 0.4424, 0.2437]).all()
    additive = r["S1_boot"].sum(axis=1)  # Ishigami: S1 sum = 0.756
    assert np.quantile(additive, 0.025) < 0.756 < np.quantile(additive, 0.975)
    with pytest.raises(ValueError, match="whole blocks"):
        sobol_resamples(Y[:-1], 3)


def test_stratified_bootstrap_difference_keeps_the_cells_fixed():
    from experiments.statistics import bootstrap_difference, stratified_bootstrap_difference

    # four cells that differ a lot (0 or 1 outcome almost everywhere) and a small, constant
    # shift of one run in ten inside each: pooled resampling mixes cells and is much wider
    rng = np.random.default_rng(0)
    cells = np.repeat(np.arange(4), 40)
    base = (cells >= 2).astype(float)
    a = base.copy()
    b = base.copy()
    flip = rng.choice(np.flatnonzero(cells == 2), 16, replace=False)
    b[flip] = 0.0  # cell 2 loses 16 of 40: a mean shift of -0.1 over the four cells
    strat = stratified_bootstrap_difference(a, b, cells, cells, n_resamples=2000, seed=1)
    pooled = bootstrap_difference(a, b, np.mean, n_resamples=2000, seed=1)
    assert np.isclose(strat["estimate"], -0.1) and np.isclose(pooled["estimate"], -0.1)
    assert strat["strata"] == 4
    assert strat["low"] < -0.1 < strat["high"] < 0
    assert (strat["high"] - strat["low"]) < 0.6 * (pooled["high"] - pooled["low"])
    # a stratum present in one arm only does not count
    out = stratified_bootstrap_difference([1.0, 0.0], [1.0, 1.0], [0, 1], [0, 2])
    assert out["strata"] == 1 and out["estimate"] == 0.0


def test_dummy_screen_takes_the_largest_dummy_as_floor_in_every_resample():
    from experiments.statistics import dummy_screen

    rng = np.random.default_rng(3)
    r = 40
    effects = np.column_stack([
        rng.normal(2.0, 0.3, r),        # a real effect
        rng.normal(0.0, 0.5, r),        # no effect: noise only
        np.zeros(r),                    # a dummy whose effects are exactly 0
        rng.normal(0.0, 0.5, r),        # two noisy dummies
        rng.normal(0.0, 0.5, r)])
    names = ["real", "null", "d0", "d1", "d2"]
    t, floor = dummy_screen(effects, names, ("d0", "d1", "d2"), n_resamples=1000, seed=1)
    t = t.set_index("parameter")
    mu = np.abs(effects).mean(axis=0)
    assert floor["estimate"] == pytest.approx(max(mu[3], mu[4]))
    assert floor["set_by"] == ("d1" if mu[3] > mu[4] else "d2")
    assert 0 < floor["low"] <= floor["estimate"] <= floor["high"]
    assert t.loc["real", "influential"] and not t.loc["null", "influential"]
    assert not t.loc[["d0", "d1", "d2"], "influential"].any()
    assert t.loc["real", "excess"] == pytest.approx(mu[0] - floor["estimate"])
    assert t.loc["d0", "mu_star"] == 0 and t.loc["d0", "dummy"]


def test_dummy_screen_refuses_unknown_dummies_and_a_single_trajectory():
    from experiments.statistics import dummy_screen

    with pytest.raises(ValueError, match="dummies = \\['nope'\\] is not allowed"):
        dummy_screen(np.ones((3, 2)), ["a", "b"], ("nope",))
    with pytest.raises(ValueError, match="at least 2"):
        dummy_screen(np.ones((1, 2)), ["a", "b"], ("b",))
    with pytest.raises(ValueError, match="one column per name"):
        dummy_screen(np.ones((3, 3)), ["a", "b"], ("b",))
