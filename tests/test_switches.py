"""Every mechanism has a switch. Off means off; on moves outcomes the way the design note
(docs/design_note.md) says."""

import numpy as np
import pytest

from model.core.model import AllianceModel
from tests.conftest import no_encounters

BASE = dict(n_groups=30, n_traits=1, contract_term=8, enemy_schedule="pulse", enemy_onset=10, mediation_capacity=0.6,
            enemy_duration=30, contract_threshold=0.5, renewal_threshold=0.4)
"""Lower contract thresholds than the defaults, so that short runs of 30 groups sign and renew
enough contracts for every contract mechanism to act."""
STEPS = 60


def _run(steps=STEPS, seed=3, **params):
    return AllianceModel(seed=seed, **{**BASE, **params}).run(steps)


def _same(m1, m2):
    a1, a2 = m1.state.arrays(), m2.state.arrays()
    assert a1.keys() == a2.keys()
    for name in a1:
        assert np.array_equal(a1[name], a2[name]), name
    d1 = m1.datacollector.get_model_vars_dataframe()
    d2 = m2.datacollector.get_model_vars_dataframe()
    assert d1.equals(d2)


# A switch turned off gives bit-identical runs to the mechanism at its neutral setting:
# proof that nothing of the mechanism is left when it is off.
@pytest.mark.parametrize("switch, neutral", [
    ("encounter_bias", dict(domination_bias=0.0, contact_bias=0.0, size_activity=0.0)),
    ("mediation", dict(mediation_reach=0.0)),
    ("negativity_bias", dict(negativity_bias=1.0)),
    ("wariness", dict(wariness_gain=0.0)),
    ("secondary_transfer", dict(secondary_transfer=0.0)),
    ("internal_impacts", dict(opening_rate=0.0, rally_rate=0.0)),
    ("backlash", dict(backlash_rate=0.0)),
    ("entrenchment", dict(entrenchment_rate=0.0)),
    ("structural_change", dict(mitigation_rate=0.0)),
    ("lip_service", dict(lip_service_rate=0.0)),
    ("economic_articulation", dict(economic_gain=0.0, interdependence_rate=0.0)),
    ("common_enemy", dict(enemy_salience=0.0)),
    ("commons", dict(extraction_rate=0.0)),
    ("instigation", dict(instigation=0.0)),
    ("movement_dynamics", dict(tie_reinforcement=0.0, convergence_space=0.0, tie_decay=0.0)),
])
def test_switch_off_equals_mechanism_at_neutral_setting(switch, neutral):
    _same(_run(**{f"enable_{switch}": False}), _run(**neutral))


def test_switch_off_is_not_the_same_as_on():
    on = _run()
    for switch in ("mediation", "instigation", "commons", "negativity_bias"):
        off = _run(**{f"enable_{switch}": False})
        assert not np.array_equal(on.state.trust, off.state.trust), switch


# --- the state each mechanism owns never changes when it is off -----------------------
def test_mediation_off_no_encounter_is_mediated_yet_encounters_can_be_virtuous():
    """Off means no mediation; it does not mean no virtuous contact (the rules must not
    decide the study's question)."""
    df = _run(enable_mediation=False).datacollector.get_model_vars_dataframe()
    assert df["mediated_per_step"].sum() == 0 and df["virtuous_per_step"].sum() > 0


def test_wariness_off_no_group_is_ever_wary_and_on_hostility_leaves_wariness():
    off = _run(enable_wariness=False)
    assert not off.state.wariness.any()
    on = _run()
    assert on.datacollector.get_model_vars_dataframe()["hostile_per_step"].sum() > 0
    assert on.state.wariness.max() > 0


def test_wariness_lowers_mean_trust():
    assert _total("mean_trust") < _total("mean_trust", enable_wariness=False)


def test_secondary_transfer_off_attitudes_never_change():
    m = AllianceModel(seed=4, **BASE, enable_secondary_transfer=False)
    before = m.state.attitudes.copy()
    m.run(STEPS)
    assert np.array_equal(m.state.attitudes, before)
    assert not np.array_equal(_run(seed=4).state.attitudes, before)


def test_internal_power_off_openness_never_changes():
    m = AllianceModel(seed=4, **BASE, enable_internal_impacts=False, enable_backlash=False,
                      enable_entrenchment=False)
    before = m.state.openness.copy()
    m.run(STEPS)
    assert np.array_equal(m.state.openness, before)


def test_contracts_off_no_contract_no_alliance():
    m = _run(enable_contracts=False)
    assert m.state.contracts.size == 0
    assert np.all(m.state.alliance == -1)


def test_structural_change_off_no_mitigation():
    m = _run(enable_structural_change=False)
    assert m.state.contracts.size > 0
    assert np.all(m.state.contracts.mit_ab == 0) and np.all(m.state.contracts.mit_ba == 0)
    on = _run(contract_threshold=0.3).state.contracts
    assert np.any(on.mit_ab > 0) or np.any(on.mit_ba > 0)


def test_economic_articulation_off_no_interdependence():
    m = _run(enable_economic_articulation=False)
    assert m.state.contracts.size > 0
    assert np.all(m.state.contracts.interdependence == 0)


def test_commons_off_commons_stays_full():
    df = _run(enable_commons=False).datacollector.get_model_vars_dataframe()
    assert (df["commons"] == 1.0).all()


def test_common_enemy_off_salience_stays_zero():
    df = _run(enable_common_enemy=False).datacollector.get_model_vars_dataframe()
    assert (df["enemy_salience"] == 0.0).all()
    assert _run().datacollector.get_model_vars_dataframe()["enemy_salience"].max() > 0


def test_movement_dynamics_off_ties_never_change():
    m = AllianceModel(seed=4, **BASE, enable_movement_dynamics=False)
    before = m.state.ties.copy()
    m.run(STEPS)
    assert np.array_equal(m.state.ties, before)


def _contracted(**params):
    """A model with active contracts, and a term long enough that none is due soon."""
    m = AllianceModel(seed=5, **{**BASE, "contract_term": 10_000, "mediation_capacity": 1.0,
                                 "contract_threshold": 0.1, **params})
    m.run(40)
    assert np.count_nonzero(m.state.contracts.active) > 0
    return m


def test_lip_service_off_quiet_steps_leave_trust_alone():
    m = _contracted(enable_lip_service=False)
    before = m.state.trust.copy()
    for _ in range(10):
        m.advance(no_encounters())
    assert np.array_equal(m.state.trust, before)


def test_lip_service_on_erodes_the_dominated_partys_trust():
    m = _contracted()
    c = m.state.contracts
    act = np.flatnonzero(c.active & (c.dom_ab > 0))
    assert len(act)
    before = m.state.trust[c.b[act], c.a[act]].copy()
    for _ in range(10):
        m.advance(no_encounters())
    after = m.state.trust[c.b[act], c.a[act]]
    assert np.all(after <= before) and np.any(after < before)


# --- on vs off moves outcomes in the direction the design note states ------------------
SEEDS = range(6)


def _total(metric, steps=120, **params):
    vals = []
    for seed in SEEDS:
        m = AllianceModel(seed=seed, **{**BASE, "collect_every": steps, **params}).run(steps)
        vals.append(m.datacollector.get_model_vars_dataframe()[metric].iloc[-1])
    return np.mean(vals)


def test_mediation_raises_the_share_of_virtuous_encounters():
    assert _total("virtuous_per_step") > _total("virtuous_per_step", enable_mediation=False)


def test_instigation_raises_hostile_encounters():
    assert _total("hostile_per_step", instigation=0.8) > _total("hostile_per_step", enable_instigation=False)


def test_scarce_commons_raise_hostile_encounters():
    assert _total("hostile_per_step", extraction_rate=0.2) > _total("hostile_per_step", enable_commons=False)


def test_negativity_bias_lowers_mean_trust():
    assert _total("mean_trust") < _total("mean_trust", enable_negativity_bias=False)


def test_internal_impacts_open_groups_under_mediated_contact():
    kw = dict(mediation_capacity=1.0, instigation=0.0)
    assert _total("mean_openness", **kw) > _total("mean_openness", enable_internal_impacts=False, **kw)


def test_backlash_closes_groups_at_first_contact():
    assert _total("mean_openness", steps=15) < _total("mean_openness", steps=15, enable_backlash=False)


def test_free_structural_change_shields_renewal_from_strong_lip_service():
    """Where lip service erodes trust fast and mitigation costs nothing, mitigating keeps more
    contracts renewable (whether it pays when it is costly is experiment 4's question)."""
    from model.run import outcomes_of as outcomes

    kw = dict(lip_service_rate=0.1, mitigation_cost=0.0, mitigation_rate=0.3)

    def renewal(**extra):
        return np.mean([outcomes(AllianceModel(seed=s, **{**BASE, "collect_every": 200, **kw, **extra})
                                 .run(200))["renewal_share"] for s in SEEDS])
    assert renewal() > renewal(enable_structural_change=False) + 0.05


def test_common_enemy_brings_more_contracts():
    kw = dict(enemy_schedule="constant", enemy_salience=1.0, enemy_effect=0.5)
    assert _total("signed_per_step", **kw) > _total("signed_per_step", enable_common_enemy=False, **kw)


def test_entrenchment_keeps_openness_near_each_groups_baseline():
    def gap(**kw):
        out = []
        for seed in SEEDS:
            m = AllianceModel(seed=seed, **{**BASE, "collect_every": 120, **kw}).run(120)
            out.append(np.mean(np.abs(m.state.openness - m.state.openness_base)))
        return np.mean(out)
    assert gap() < gap(enable_entrenchment=False)


def test_contracts_make_alliances():
    assert _total("share_allied") > 0 == _total("share_allied", enable_contracts=False)


def test_economic_interdependence_makes_renewal_easier():
    from model.run import outcomes_of as outcomes

    kw = dict(renewal_threshold=0.6, interdependence_weight=2.0, interdependence_rate=0.2)

    def renewal(**extra):
        return np.mean([outcomes(AllianceModel(seed=s, **{**BASE, "collect_every": 200, **kw, **extra})
                                 .run(200))["renewal_share"] for s in SEEDS])
    assert renewal() > renewal(enable_economic_articulation=False)


def test_movement_dynamics_build_ties_under_mediation():
    kw = dict(mediation_capacity=0.8, initial_tie_density=0.0)
    assert _total("tie_density", **kw) > _total("tie_density", enable_movement_dynamics=False, **kw) == 0
