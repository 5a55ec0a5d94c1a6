"""Experiment 3's reading of a backlash off a mean-openness series (no model runs)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.e3_internal_impacts import backlash


def test_dip_then_recovery():
    o = [0.30, 0.28, 0.25, 0.24, 0.27, 0.29, 0.31, 0.35]
    b = backlash(o)
    assert b["backlash_depth"] == pytest.approx(0.06)
    assert b["time_to_minimum"] == 3
    assert b["backlash_duration"] == 6  # first step back at or above 0.30 after the minimum
    assert b["returned"]


def test_no_recovery_is_censored_at_the_last_step():
    steps = np.arange(0, 50, 10)
    b = backlash([0.3, 0.2, 0.15, 0.16, 0.18], steps)
    assert b["backlash_depth"] == pytest.approx(0.15)
    assert b["time_to_minimum"] == 20
    assert b["backlash_duration"] == 40 and not b["returned"]


def test_no_dip_means_no_backlash():
    b = backlash([0.3, 0.3, 0.32, 0.4])
    assert b == {"backlash_depth": 0.0, "time_to_minimum": 0.0, "backlash_duration": 0.0,
                 "returned": True}


def test_return_is_counted_after_the_minimum_only():
    # back above the start at step 1 would not end a backlash whose minimum comes later
    b = backlash([0.3, 0.31, 0.2, 0.25])
    assert b["time_to_minimum"] == 2 and not b["returned"] and b["backlash_duration"] == 3
