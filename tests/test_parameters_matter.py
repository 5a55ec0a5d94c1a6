"""No parameter is inert: each numeric parameter moves at least one alliance-level outcome.

A parameter that changes nothing an alliance depends on is either dead code or a mechanism
that feeds nothing (the first model's resources were such: only their own mean moved). For
every numeric parameter of the schema the run at its default and the run at another allowed
value, with its mechanism switched on and the same seed, must differ in at least one of the
alliance-level outcomes below. The one declared exception is ``collect_every``: it sets how
often metrics are recorded, never what happens.
"""

from __future__ import annotations

import math

import pytest

from model.core.parameters import SCHEMA
from model.run import run

OUTCOMES = ("contracts_signed", "renewal_share", "mean_contract_lifetime", "alliances_formed",
            "largest_stable_alliance_share", "final_share_allied", "final_active_contracts",
            "final_largest_alliance_share")
"""Outcomes of the alliances themselves (not of the parameter's own state variable)."""

DECLARED_INERT = {"collect_every": "how often metrics are recorded, not what happens"}

BASE = dict(n_groups=30, n_traits=2, contract_term=10, stable_alliance_min_renewals=1,
            contract_threshold=0.5, renewal_threshold=0.35)
"""Small, with short terms, low contract thresholds and cultural traits so that every
mechanism has room to act within a short run."""

LAPSES = dict(contract_threshold=0.5, renewal_threshold=0.45)
"""Thresholds close enough that contracts lapse: at the defaults, in short runs, trust stays
well above the renewal threshold and almost nothing lapses."""

CONTEXT = {
    # what a lapse costs, and what erodes or props up trust at renewal, needs lapses
    "lapse_cost": LAPSES, "lip_service_rate": LAPSES, "interdependence_weight": LAPSES,
    # the enemy's time course only exists under a schedule that uses it
    "enemy_onset": dict(enemy_schedule="fading"),
    "enemy_fade_time": dict(enemy_schedule="fading", enemy_onset=20),
    "enemy_duration": dict(enemy_schedule="pulse", enemy_onset=20),
}
"""Extra settings under which a parameter's mechanism is on."""

ALTERNATIVE = {"stable_alliance_min_size": 30, "stable_alliance_min_share": 0.99,
               "stable_alliance_min_renewals": 5, "renewal_threshold": 0.8}
"""A demanding value where the lenient bound sits where the base value does in effect: the
largest stable alliances have more than 3 groups, and at the base renewal threshold nearly
every contract renews anyway."""

SEEDS = (1, 2)
STEPS = 120


def _alternative(p, base):
    """Another allowed value, far from the base one: the lower bound, or the upper one when
    the base sits on the lower bound (capped where the upper bound is vast)."""
    if base != p.low:
        return p.low
    high = p.high if p.high <= 10 * max(1, abs(base)) + 10 else max(2 * base, base + 10)
    return p.kind(high)


NUMERIC = [p for p in SCHEMA if p.kind in (int, float) and p.name not in DECLARED_INERT]


def _outcomes(params: dict, seed: int) -> tuple:
    r = run({**BASE, **params}, seed=seed, steps=STEPS)
    return tuple(None if isinstance(r[k], float) and math.isnan(r[k]) else r[k] for k in OUTCOMES)


@pytest.mark.parametrize("param", NUMERIC, ids=lambda p: p.name)
def test_every_numeric_parameter_moves_an_alliance_outcome(param):
    context = CONTEXT.get(param.name, {})
    base = {**BASE, **context}.get(param.name, param.default)
    alt = ALTERNATIVE.get(param.name, _alternative(param, base))
    moved = (_outcomes(context, s) != _outcomes({**context, param.name: alt}, s) for s in SEEDS)
    assert any(moved), (f"{param.name}: {base} -> {alt} changed none of {OUTCOMES} "
                        f"on seeds {SEEDS}")


def test_the_declared_exception_is_inert_and_a_real_parameter():
    names = {p.name for p in SCHEMA}
    assert set(DECLARED_INERT) <= names
    assert STEPS % 6 == 0  # so that the last collection is the last step in both runs
    assert _outcomes({}, 1) == _outcomes({"collect_every": 6}, 1)
