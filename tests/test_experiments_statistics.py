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
