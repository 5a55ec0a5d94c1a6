"""The vectorised step does what a plain per-encounter oracle (tests/oracle.py) does.

Model and oracle start from the same state and consume the very same draws; after every
step every state array must agree (floats to 1e-12, integers, booleans and labels exactly),
and so must the event counts and the headline largest stable alliance. Each case also
checks that its steps actually exercised the mechanisms, so agreement is not vacuous.
"""

import copy

import numpy as np
import pytest

from model.analysis.components import stable_alliance_history
from model.core.draws import draw_step
from model.core.model import AllianceModel
from model.core.parameters import SWITCHES
from tests.oracle import Oracle, run_oracle

STEPS = 50


def assert_same_state(model: AllianceModel, oracle: Oracle, when: str = "") -> None:
    ours, theirs = model.state.arrays(), oracle.state.arrays()
    assert ours.keys() == theirs.keys()
    for name in ours:
        a, b = ours[name], theirs[name]
        msg = f"{name} differs {when}"
        assert a.shape == b.shape, msg
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, err_msg=msg)
        else:
            np.testing.assert_array_equal(a, b, err_msg=msg)
    np.testing.assert_array_equal(model.state.alliance, oracle.state.alliance, err_msg=when)
    np.testing.assert_array_equal(model.state.stable_alliance, oracle.state.stable_alliance,
                                  err_msg=when)
    assert abs(model.state.commons - oracle.state.commons) <= 1e-12, when
    assert model.largest_stable_size == oracle.largest_stable_size, when
    assert abs(model.largest_stable_share - oracle.largest_stable_share) <= 1e-12, when


def run_in_lockstep(params: dict, seed: int = 1, steps: int = STEPS) -> tuple[AllianceModel, Oracle]:
    """Advance model and oracle with the same draws, comparing them after every step."""
    # Collect metrics only at the end, so the model's event counts cover the whole run.
    model = AllianceModel(seed=seed, collect_every=10_000, **params)
    oracle = Oracle(model.state, model.params)
    rng = np.random.default_rng(1000 + seed)
    for step in range(1, steps + 1):
        d = draw_step(rng, model.n_encounters)
        model.advance(d)
        oracle.step(d)
        assert_same_state(model, oracle, when=f"after step {step}")
    assert model._counts == oracle.counts
    c = model.state.contracts
    _, largest, _ = stable_alliance_history(model.state.n, c.a, c.b, c.qualified, c.ended,
                                            model.params.stable_alliance_min_size, model.state.sizes,
                                            model.params.stable_alliance_min_share)
    assert model.largest_stable_size == (int(largest.max()) if len(largest) else 0)
    return model, oracle


NEAR_DEFAULTS = dict(n_groups=40, mediation_capacity=0.6, contract_term=6, contract_threshold=0.13,
                     renewal_threshold=0.11, mitigation_cost=3.0, lip_service_rate=0.06,
                     stable_alliance_min_share=0.2)
"""Defaults, with short terms and low thresholds so that contracts sign, renew twice and lapse
within 50 steps, costly mitigation so that dominant parties both mitigate and decline, and a
lenient stable share so that a stable alliance forms."""


def test_oracle_agrees_with_the_step_near_default_parameters():
    model, oracle = run_in_lockstep(NEAR_DEFAULTS, seed=2)
    k, ev = oracle.counts, oracle.events
    assert k["virtuous"] > 0 and k["hostile"] > 0 and k["neutral"] > 0
    assert k["signed"] > 0 and k["renewed"] > 0 and k["lapsed"] > 0
    assert ev["backlash"] > 0 and ev["mitigated"] > 0 and ev["contact_fallback"] > 0
    assert ev["declined"] > 0 and ev["imposition"] > 0
    assert model.largest_stable_size >= model.params.stable_alliance_min_size
    assert np.any(model.state.contracts.interdependence > 0)
    assert model.state.commons < 1.0


# Thresholds are set off the lattice of values trust takes in exact arithmetic (e.g. an
# expectation of -1/9 plus one virtuous encounter is exactly 0): at such a tie the decision
# rests on the last bit of a sum, and numpy's pairwise summation is not the oracle's loop.
TARGETED = dict(n_groups=30, n_traits=2, instigation_mode="targeted", enemy_schedule="fading",
                enemy_onset=10, contract_term=5, encounter_rate=3,
                mediation_capacity=1.0, opening_rate=0.2, contract_threshold=0.017)


def test_oracle_agrees_with_targeted_instigation_a_fading_enemy_and_short_terms():
    model, oracle = run_in_lockstep(TARGETED, seed=1)
    k, ev = oracle.counts, oracle.events
    assert model.n_encounters == 90
    assert k["virtuous"] > 0 and k["hostile"] > 0
    assert k["signed"] > 0 and k["renewed"] > 0 and k["lapsed"] > 0
    assert ev["instigation_targeted"] > 0 and ev["lapsed_pair_kept_out"] > 0
    assert 0.0 < model.state.enemy < TARGETED.get("enemy_salience", 0.5)  # faded by step 50
    assert np.any(model.state.contracts.shares_enemy)
    assert np.any(model.state.stable_alliance >= 0) or model.largest_stable_size > 0


# Edges: a hostile step of min(1, 2.5 * 0.45) = 1 (the cap binds); a stable alliance of two
# groups whose contract was renewed once.
TINY = dict(n_groups=3, n_axes=1, n_movements=2, mediation_capacity=1.0, contract_term=5,
            contract_threshold=0.017, renewal_threshold=0.013, dominated_share=0.7,
            stable_alliance_min_size=2, stable_alliance_min_renewals=1, stable_alliance_min_share=0.0,
            trust_gain=0.45,
            negativity_bias=2.5)


@pytest.mark.parametrize("seed, all_on_one_side", [(0, False), (2, True)],
                         ids=["mixed-sides", "everyone-dominated"])
def test_oracle_agrees_in_a_tiny_population_with_one_axis_and_two_movements(seed, all_on_one_side):
    model, oracle = run_in_lockstep(TINY, seed=seed)
    k, ev = oracle.counts, oracle.events
    assert (len(set(model.state.sides[:, 0])) == 1) == all_on_one_side
    assert k["virtuous"] > 0 and k["signed"] > 0 and k["renewed"] > 0
    assert model.largest_stable_size >= 2
    if all_on_one_side:
        # No domination tie anywhere: every tie-biased draw falls back to a uniform partner.
        assert ev["domination_fallback"] > 0
    else:
        assert k["hostile"] > 0


@pytest.mark.parametrize("switch", SWITCHES)
def test_oracle_agrees_with_each_mechanism_switched_off(switch):
    params = dict(n_groups=20, contract_term=6, contract_threshold=0.107, instigation_mode="targeted",
                  enemy_schedule="pulse", enemy_onset=5, enemy_duration=10, n_traits=1)
    model, oracle = run_in_lockstep({**params, switch: False}, seed=3, steps=30)
    assert oracle.counts["encounters"] == 30 * model.n_encounters


def test_run_oracle_replays_what_model_step_draws():
    model = AllianceModel(seed=5, n_groups=15, collect_every=10_000)
    oracle = run_oracle(model, 10, copy.deepcopy(model.rng))
    assert model.time == 0  # run_oracle leaves the model alone
    model.run(10)
    assert oracle.time == model.time == 10
    assert_same_state(model, oracle)
