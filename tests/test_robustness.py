"""Invariants over random valid parameters, and tiny or extreme populations."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.analysis.components import components
from model.core.model import AllianceModel
from model.core.parameters import SCHEMA, validate

_SKIP = {"n_groups", "n_movements", "n_axes", "enemy_axis", "collect_every", "contact_memory",
         "contract_term", "stable_alliance_min_size", "enemy_onset", "enemy_duration",
         "enemy_fade_time", "domination_bias", "contact_bias", "encounter_rate"}


def _strategy(p):
    if p.kind is bool:
        return st.booleans()
    if p.choices:
        return st.sampled_from(p.choices)
    if p.kind is int:
        return st.integers(int(p.low), int(min(p.high, p.low + 10)))
    return st.floats(p.low, p.high, allow_nan=False)


PARAMS = st.fixed_dictionaries(
    {p.name: _strategy(p) for p in SCHEMA if p.name not in _SKIP},
    optional={
        "n_groups": st.integers(2, 25), "n_movements": st.integers(0, 6),
        "n_axes": st.integers(1, 7), "contract_term": st.integers(1, 30),
        "encounter_rate": st.floats(0.01, 4.0), "enemy_onset": st.integers(0, 150),
        "enemy_duration": st.integers(1, 100), "enemy_fade_time": st.floats(1.0, 100.0),
        "stable_alliance_min_size": st.integers(2, 5), "contact_memory": st.integers(1, 6),
    })


def check_invariants(model):
    s = model.state
    for name, arr in s.arrays().items():
        assert np.all(np.isfinite(arr)), f"{name} has NaN or inf"
    assert np.all(s.trust >= -1.0) and np.all(s.trust <= 1.0)
    assert np.all(s.attitudes >= -1.0) and np.all(s.attitudes <= 1.0)
    assert np.all(s.openness >= 0.0) and np.all(s.openness <= 1.0)
    assert np.all(s.resources >= 0.0)
    assert 0.0 <= s.commons <= 1.0
    assert np.all(s.ties >= 0.0) and np.all(s.ties <= 1.0)
    c = s.contracts
    assert np.all((c.mit_ab >= 0) & (c.mit_ab <= 1) & (c.mit_ba >= 0) & (c.mit_ba <= 1))
    active = c.active
    pairs = set(zip(c.a[active].tolist(), c.b[active].tolist()))
    assert len(pairs) == np.count_nonzero(active), "two active contracts for one pair"
    assert np.array_equal(s.alliance, components(s.n, c.a[active], c.b[active]))
    # every alliance is connected, and no active contract crosses two alliances
    for a, b in pairs:
        assert s.alliance[a] == s.alliance[b] >= 0
    for metric, value in model.metrics.items():
        assert np.isfinite(value), metric


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=PARAMS, seed=st.integers(0, 2**31 - 1))
def test_invariants_hold_for_random_valid_parameters(params, seed):
    if params.get("domination_bias", 0) + params.get("contact_bias", 0) > 1:
        params["contact_bias"] = 1 - params["domination_bias"]
    params["enemy_axis"] = min(params.get("enemy_axis", 0), params.get("n_axes", 7) - 1)
    if params.get("virtuous_base", 0) + params.get("hostility_base", -3.5) > 0:
        params["hostility_base"] = -params.get("virtuous_base", 0)
    validate(params)
    model = AllianceModel(seed=seed, **params)
    for _ in range(200):
        model.step()
    check_invariants(model)


@pytest.mark.parametrize("params", [
    dict(n_groups=2),
    dict(n_groups=2, n_axes=1, n_movements=0),
    dict(n_groups=5, n_axes=1, n_movements=0),
    dict(n_groups=12, dominated_share=0.05, faultline_alignment=1.0, n_axes=1),
    dict(n_groups=12, n_movements=0, enable_commons=False),
    dict(n_groups=8, n_movements=1, n_traits=5, trait_values=10),
    dict(n_groups=3, encounter_rate=50.0, contract_term=1, stable_alliance_min_size=2),
], ids=["two_groups", "two_groups_one_axis_no_movements", "one_axis_no_movements",
        "everyone_on_one_side", "no_movements", "one_movement_many_traits", "dense_contact"])
def test_tiny_and_edge_populations_run(params):
    model = AllianceModel(seed=1, **params).run(200)
    check_invariants(model)


def test_everyone_on_one_side_means_no_domination():
    from model.core.scenario import parse_scenario

    scenario = parse_scenario({
        "scenario": {"name": "one side", "axes": ["capital_labour", "gender"]},
        "group": [{"name": f"g{k}", "dominated": ["gender"], "size": 1} for k in range(6)],
        "movement": [{"name": "m", "axis": "gender"}],
    })
    model = AllianceModel(seed=2, scenario=scenario).run(100)
    assert model.metrics["structural_inequality"] == 0.0
    assert model.faultline_strength == 0.0
    check_invariants(model)
