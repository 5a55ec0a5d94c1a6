"""Experiment 8's ranges and screen on synthetic data (no model runs)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.e8_sensitivity import screen
from experiments.sensitivity_setup import DUMMY, RANGES, lifetime_score
from model.core.parameters import SCHEMA, validate

EXCLUDED = {"n_groups", "collect_every", "stable_alliance_min_size", "stable_alliance_min_share",
            "stable_alliance_min_renewals",
            "enemy_axis", "enemy_fade_time", "enemy_duration"}


def test_every_numeric_parameter_is_screened_or_excluded_for_a_stated_reason():
    numeric = {p.name for p in SCHEMA if p.kind in (int, float)}
    assert set(RANGES) == numeric - EXCLUDED
    assert DUMMY in RANGES


def test_no_corner_of_the_box_violates_a_joint_constraint():
    low = {name: lo for name, (lo, hi) in RANGES.items()}
    high = {name: hi for name, (lo, hi) in RANGES.items()}
    validate(high)  # the largest shares together: domination_bias + contact_bias = 1
    validate(low)


def test_lifetime_score_caps_unreached_medians_and_scores_no_alliance_zero():
    score = lifetime_score([np.nan, 0.0, 9.0, np.inf, 500.0], steps=200)
    assert score == pytest.approx([0.0, 0.0, np.log(10.0), np.log(201.0), np.log(201.0)])


def test_screen_flags_a_real_effect_and_not_the_noisy_dummy():
    from SALib.sample import morris

    names = ["strong", "none", DUMMY]
    problem = {"num_vars": 3, "names": names, "bounds": [[0, 1], [0, 1], [0, 200]]}
    X = morris.sample(problem, 30, num_levels=4, seed=4)
    rng = np.random.default_rng(0)
    Y = 2.0 * X[:, 0] + rng.normal(0, 0.1, len(X))  # noise: the dummy's effects are not zero
    t = screen(problem, X, Y, n_resamples=500).set_index("parameter")
    assert t.loc["strong", "influential"] and not t.loc["none", "influential"]
    assert not t.loc[DUMMY, "influential"] and t.loc[DUMMY, "mu_star"] > 0
    assert t.loc["strong", "low"] < 2.0 < t.loc["strong", "high"] + 0.2
