"""The sensitivity experiments' dummies are inert and harvest_value is not (short model runs).

Experiment 8 reads every parameter against the noise of three dummy parameters; that is only
sound if the model never reads them under the screen's settings, so that their elementary
effects are run-to-run noise and nothing else.
"""

from __future__ import annotations

import pytest

from experiments.sensitivity_setup import DUMMIES, RANGES
from model.run import run

BASE = {"n_groups": 20, "collect_every": 10}
STEPS = 60


def _outcomes(seed=7, **params):
    out = run({**BASE, **params}, seed=seed, steps=STEPS)
    out.pop("wall_time")
    return out


def _same(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]) for k in a)


@pytest.fixture(scope="module")
def reference():
    return _outcomes()


@pytest.mark.parametrize("name", DUMMIES)
def test_a_dummy_is_inert_under_the_constant_enemy(name, reference):
    low, high = RANGES[name]
    assert _same(_outcomes(**{name: low}), _outcomes(**{name: high}))
    assert _same(_outcomes(**{name: high}), reference)


def test_the_dummies_would_act_under_a_pulsed_enemy():
    """The inertness above is the constant schedule's, not a test that cannot fail."""
    pulse = {"enemy_schedule": "pulse", "enemy_onset": 10, "enemy_salience": 1.0,
             "enemy_effect": 0.6}
    assert not _same(_outcomes(enemy_duration=1, **pulse), _outcomes(enemy_duration=60, **pulse))


def test_harvest_value_acts_through_the_groups_resources():
    """harvest_value is not a dummy: the harvest adds to resources, which buffer felt scarcity
    and pay for mitigation; with the commons off it is never read."""
    low, high = RANGES["harvest_value"]
    a, b = _outcomes(harvest_value=low), _outcomes(harvest_value=high)
    assert a["final_mean_resources"] < b["final_mean_resources"]
    off = {"enable_commons": False}
    assert _same(_outcomes(harvest_value=low, **off), _outcomes(harvest_value=high, **off))
