"""Experiments 8 and 8b: ranges, dummies, the noise floor and the budget (no model runs)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import e8_sensitivity as e8
from experiments import e8b_sobol as e8b
from experiments.design import plan, planned_runs
from experiments.e8_sensitivity import screen
from experiments.sensitivity_setup import (BUDGET_MINUTES, DUMMIES, DUMMY, RANGES,
                                           lifetime_score, projected_minutes)
from model.core.parameters import SCHEMA, validate

EXCLUDED = {"n_groups", "collect_every", "stable_alliance_min_size", "stable_alliance_min_share",
            "stable_alliance_min_renewals", "enemy_axis"}


def test_every_numeric_parameter_is_screened_or_excluded_for_a_stated_reason():
    numeric = {p.name for p in SCHEMA if p.kind in (int, float)}
    assert set(RANGES) == numeric - EXCLUDED
    assert set(DUMMIES) <= set(RANGES) and len(DUMMIES) >= 3 and DUMMY in DUMMIES
    assert set(e8.NOT_SCREENED["parameter"]) >= EXCLUDED


def test_no_corner_of_the_box_violates_a_joint_constraint():
    low = {name: lo for name, (lo, hi) in RANGES.items()}
    high = {name: hi for name, (lo, hi) in RANGES.items()}
    validate(high)  # the largest shares together: domination_bias + contact_bias = 1
    validate(low)


def test_lifetime_score_caps_unreached_medians_and_scores_no_alliance_zero():
    score = lifetime_score([np.nan, 0.0, 9.0, np.inf, 500.0], steps=200)
    assert score == pytest.approx([0.0, 0.0, np.log(10.0), np.log(201.0), np.log(201.0)])


def test_the_screen_replicates_every_point_and_varies_every_dummy():
    for spec in (e8.SPEC, e8.SPEC.quick_variant()):
        assert spec.replicates >= 2
        assert set(DUMMIES) <= set(spec.varied)


@pytest.mark.parametrize("quick", [True, False])
def test_a_dummy_step_changes_the_seeds_so_its_effect_is_noise(quick):
    """Two points of a trajectory that differ only in a dummy must run with other seeds: with
    shared seeds an inert dummy's effect would be exactly zero, no noise floor at all."""
    spec = e8.SPEC.variant(quick)
    p = plan(spec)
    names = list(spec.varied)
    k = len(names)
    seeds = {}
    for run in p.runs:
        seeds.setdefault(run.point, set()).add(run.seed)
    dummy_steps = 0
    for start in range(0, len(p.points), k + 1):
        for step in range(k):
            a, b = start + step, start + step + 1
            moved = [n for n in names if p.points[a][n] != p.points[b][n]]
            if len(moved) == 1 and moved[0] in DUMMIES:
                dummy_steps += 1
                assert seeds[a].isdisjoint(seeds[b])
                assert len(seeds[a]) == spec.replicates
    assert dummy_steps == spec.samples * len(DUMMIES)


def _synthetic(seed=4, r=30):
    from SALib.sample import morris

    names = ["strong", "weak", "none", "zero_dummy", "noise_1", "noise_2"]
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[0, 1], [0, 1], [0, 1], [0, 200], [1, 200], [1, 200]]}
    X = morris.sample(problem, r, num_levels=4, seed=seed)
    return problem, X


def test_screen_flags_a_real_effect_and_not_the_noisy_dummies():
    problem, X = _synthetic()
    rng = np.random.default_rng(0)
    Y = 2.0 * X[:, 0] + rng.normal(0, 0.1, len(X))  # noise: the dummies' effects are not zero
    t, floor = screen(problem, X, Y, dummies=("zero_dummy", "noise_1", "noise_2"),
                      n_resamples=500)
    t = t.set_index("parameter")
    assert t.loc["strong", "influential"] and not t.loc["none", "influential"]
    assert not t[t["dummy"]]["influential"].any() and floor["estimate"] > 0
    assert t.loc["strong", "low"] < 2.0 < t.loc["strong", "high"] + 0.2


def test_one_dummy_with_exact_zero_effects_does_not_set_the_floor_at_zero():
    """A 0/1 outcome often leaves one dummy's effects all exactly zero; read against that
    dummy alone, a parameter whose effects are noise would count as influential."""
    from experiments.statistics import elementary_effects

    problem, X = _synthetic(r=40)
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 0.3, len(X))
    # the "zero_dummy" column: its step reuses the previous point's noise (a shared seed)
    names = problem["names"]
    k = len(names)
    for start in range(0, len(X), k + 1):
        step = int(np.flatnonzero(np.diff(X[start:start + k + 1, 3]))[0])
        noise[start + step + 1] = noise[start + step]
    Y = 0.3 * X[:, 1] + noise
    ee = elementary_effects(problem, X, Y)
    assert (ee[:, names.index("zero_dummy")] == 0).all()
    t, floor = screen(problem, X, Y, dummies=("zero_dummy", "noise_1", "noise_2"),
                      n_resamples=1000)
    t = t.set_index("parameter")
    assert floor["estimate"] == pytest.approx(max(t.loc["noise_1", "mu_star"],
                                                  t.loc["noise_2", "mu_star"]))
    assert floor["set_by"] in ("noise_1", "noise_2") and floor["low"] > 0
    assert not t.loc["none", "influential"]  # pure noise, yet far above the zero dummy
    alone, _ = screen(problem, X, Y, dummies=("zero_dummy",), n_resamples=1000)
    assert alone.set_index("parameter").loc["none", "influential"]  # what one dummy gets wrong


def test_both_sensitivity_experiments_fit_the_budget_and_the_sobol_design_is_sized():
    runs = planned_runs(e8.SPEC) + planned_runs(e8b.SPEC)
    assert projected_minutes(runs) <= BUDGET_MINUTES
    assert e8b.WIDTH_TARGET == 0.3 and e8b.SPEC.samples >= 1024
    assert set(e8b.TOP) | {DUMMY} == set(e8b.SPEC.varied) and "trust_gain" in e8b.TOP


def _sobol_data(outcome, samples=512):
    """e8b's design at ``samples`` base rows with a synthetic outcome of the points (in the
    probability's column: the analysis reads per-point means, whatever their scale)."""
    import dataclasses

    import pandas as pd

    from experiments.analysis import ExperimentData

    spec = dataclasses.replace(e8b.SPEC.quick_variant(), samples=samples)
    p = plan(spec)
    unit = (p.X - p.X.min(axis=0)) / np.ptp(p.X, axis=0)
    y = outcome(unit, np.random.default_rng(5).random(len(unit)))
    runs = pd.DataFrame({"run_id": range(len(y)), "point": range(len(y)), "replicate": 0,
                         "stable_alliance_formed": y,
                         "median_alliance_lifetime": np.where(y > 0.5, 50.0, np.nan),
                         "error": None})
    return ExperimentData(spec=spec, runs=runs, failed=runs.iloc[:0], manifest={},
                          timeseries=None, records=None)


def test_sobol_headline_is_the_width_of_the_first_order_sum_and_decides_additivity():
    names = list(e8b.SPEC.varied)
    j = [names.index(n) for n in e8b.TOP[:2]]
    additive = _sobol_data(lambda u, e: u[:, j[0]] + u[:, j[1]] + 0.2 * e)
    a = e8b.analyse(additive)
    width = a.numbers["stable_alliance_formed_sum_S1_width"]
    assert 0 < width < e8b.WIDTH_TARGET and a.verdict == "supported"
    assert any("Precision" in name for name in a.tables)
    interacting = _sobol_data(lambda u, e: (u[:, j[0]] - 0.5) * (u[:, j[1]] - 0.5) + 0.02 * e)
    assert e8b.analyse(interacting).verdict == "not supported"
