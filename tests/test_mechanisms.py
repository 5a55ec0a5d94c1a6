"""Each mechanism, as a pure function of arrays, does what its essay idea says."""

import numpy as np
import pytest

from model.mechanisms import commons
from model.mechanisms import common_enemy
from model.mechanisms import contracts
from model.mechanisms import encounters
from model.mechanisms import instigation
from model.mechanisms import internal_power
from model.mechanisms import mediation
from model.mechanisms import movements
from model.mechanisms import encounter_outcomes as outcomes
from model.mechanisms import structural_change
from model.mechanisms import trust
from model.mechanisms import economy
from model.mechanisms.contracts import pair_terms, renewal_ok
from model.core.parameters import validate

P = validate()
RATES = (P.opening_rate, P.rally_rate, P.backlash_rate)


def test_hostile_contact_moves_trust_further_than_virtuous_contact():
    t = np.array([0.0, 0.0])
    d = trust.trust_changes(t, np.array([outcomes.VIRTUOUS, outcomes.HOSTILE]), 0.1, 2.5, 1.0)
    assert d[0] == pytest.approx(0.1) and d[1] == pytest.approx(-0.25)
    flat = trust.trust_changes(t, np.array([outcomes.VIRTUOUS, outcomes.HOSTILE]), 0.1, 1.0, 1.0)
    assert flat[0] == -flat[1]


def test_trust_changes_keep_trust_in_bounds_and_neutral_changes_nothing():
    t = np.array([0.95, -0.95, 0.3])
    d = trust.trust_changes(t, np.array([outcomes.VIRTUOUS, outcomes.HOSTILE, outcomes.NEUTRAL]), 0.9, 10.0, 1.0)
    assert np.all(np.abs(t + d) <= 1.0) and d[2] == 0.0


def test_wariness_caps_what_virtuous_contact_builds_but_never_lowers_trust():
    t = np.array([0.0, 0.5, 0.5])
    v = np.full(3, outcomes.VIRTUOUS)
    d = trust.trust_changes(t, v, 0.1, 2.0, np.array([0.6, 0.6, 1.0]))
    assert d[0] == pytest.approx(0.06) and d[1] == pytest.approx(0.01) and d[2] == pytest.approx(0.05)
    assert trust.trust_changes(np.array([0.7]), v[:1], 0.1, 2.0, 0.6)[0] == 0.0
    # a hostile encounter's loss does not depend on wariness
    h = np.array([outcomes.HOSTILE])
    assert (trust.trust_changes(np.array([0.5]), h, 0.1, 2.0, 0.3)[0]
            == trust.trust_changes(np.array([0.5]), h, 0.1, 2.0, 1.0)[0])


def test_hostile_encounters_make_both_groups_wary_and_wariness_fades():
    w = np.array([0.0, 0.5, 0.0, 0.2])
    i, j = np.array([0, 0, 2]), np.array([1, 1, 3])
    out = np.array([outcomes.HOSTILE, outcomes.HOSTILE, outcomes.VIRTUOUS])
    after = trust.wariness_after(w, i, j, out, 0.1, 0.0)
    assert after[0] == pytest.approx(0.19) and after[1] == pytest.approx(0.595)
    assert after[2] == 0.0 and after[3] == 0.2  # virtuous contact neither adds nor heals
    assert w[0] == 0.0  # the input is not changed
    healed = trust.wariness_after(w, i[:0], j[:0], out[:0], 0.1, 0.25)
    assert healed.tolist() == [0.0, 0.375, 0.0, 0.15000000000000002]


def test_synchronous_trust_update_sums_changes_from_the_start_of_step_value():
    tr, met = np.zeros((3, 3)), np.zeros((3, 3), dtype=bool)
    i, j = np.array([0, 0]), np.array([1, 1])
    start = np.array([0.2, 0.2])
    d = np.array([0.08, 0.08])
    trust.apply_trust(tr, met, i, j, start, start, d, d)
    assert tr[0, 1] == pytest.approx(0.36) and tr[1, 0] == pytest.approx(0.36)
    assert met[0, 1] and met[1, 0] and not met[0, 2]


def test_secondary_transfer_generalises_contact_to_the_partners_categories():
    attitudes = np.zeros((2, 4))
    categories = np.array([[0, 2], [1, 2]])  # differ on axis 0, share category 2
    trust.transfer_to_attitudes(attitudes, categories, np.array([0]), np.array([1]),
                                np.array([0.5]), 0.4)
    assert attitudes[0].tolist() == [0.0, 0.2, 0.0, 0.0]
    # a group 0 never met, in category 1, is now expected to be more trustworthy
    exp = trust.expected_trust(attitudes, np.array([[0, 2], [1, 3]]), np.array([0]), np.array([1]))
    assert exp[0] == pytest.approx(0.1)


def test_virtuous_contact_strengthens_the_open_faction_and_hostile_contact_hardliners():
    o = np.array([0.3, 0.3, 0.3, 0.3])
    i, j = np.array([0, 2]), np.array([1, 3])
    change = internal_power.openness_changes(
        o, i, j, np.array([outcomes.VIRTUOUS, outcomes.HOSTILE]), np.array([False, False]), *RATES)
    assert change[0] > 0 and change[1] > 0 and change[2] < 0 and change[3] < 0


def test_backlash_hits_hardliner_led_groups_at_a_neutral_first_meeting_only():
    o = np.array([0.2, 0.7, 0.2, 0.7])
    neutral = np.array([outcomes.NEUTRAL, outcomes.NEUTRAL])
    first = internal_power.openness_changes(o, np.array([0, 2]), np.array([1, 3]), neutral,
                                            np.array([True, False]), *RATES)
    assert first[0] < 0 and first[1] == 0 and first[2] == 0 and first[3] == 0
    off = internal_power.openness_changes(o, np.array([0]), np.array([1]), neutral[:1],
                                          np.array([True]), P.opening_rate, P.rally_rate, 0.0)
    assert np.all(off == 0)


def test_entrenchment_relaxes_openness_to_baseline():
    o = internal_power.entrench(np.array([0.9, 0.1]), np.array([0.5, 0.5]), 0.1)
    assert o.tolist() == pytest.approx([0.86, 0.14])


def test_encounters_follow_domination_ties_and_contacts():
    sides = np.array([[0.0], [0.0], [1.0], [1.0], [1.0]])
    order, off, cnt = encounters.side_index(sides)
    contacts = np.full((5, 2), -1)
    contacts[0] = [3, -1]
    u = np.linspace(0.001, 0.999, 200)
    NONE = encounters.activity_cdf(np.full(5, 0.2), 0.0)  # every group alike
    i0 = np.zeros(200)  # initiator 0 (dominant side)
    dom = encounters.sample_encounters(5, sides, order, off, cnt, contacts, i0,
                                       np.full(200, encounters.DOMINATION), u, u, NONE)[1]
    assert set(dom.tolist()) == {2, 3, 4}
    con = encounters.sample_encounters(5, sides, order, off, cnt, contacts, i0,
                                       np.full(200, encounters.CONTACT), u, u, NONE)[1]
    assert set(con[u < 0.5].tolist()) == {3}  # slot 0 remembered, slot 1 empty -> uniform
    uni = encounters.sample_encounters(5, sides, order, off, cnt, contacts, i0,
                                       np.full(200, encounters.UNIFORM), u, u, NONE)[1]
    assert set(uni.tolist()) == {1, 2, 3, 4}


def test_larger_groups_start_more_encounters_as_size_activity_says():
    sizes = np.array([0.1, 0.1, 0.8])
    assert len(encounters.activity_cdf(sizes, 0.0)) == 0  # alike: floor(u N), as before
    cdf = encounters.activity_cdf(sizes, 1.0)
    assert cdf.tolist() == pytest.approx([0.1, 0.2, 1.0])
    sides = np.zeros((3, 1))
    order, off, cnt = encounters.side_index(sides)
    u = (np.arange(1000) + 0.5) / 1000
    modes = np.full(1000, encounters.UNIFORM)
    args = (3, sides, order, off, cnt, np.full((3, 1), -1), u, modes, u, u)
    started = np.bincount(encounters.sample_encounters(*args, cdf)[0], minlength=3)
    assert started.tolist() == [100, 100, 800]
    half = np.bincount(encounters.sample_encounters(*args, encounters.activity_cdf(sizes, 0.5))[0],
                       minlength=3)
    assert half[2] / half[0] == pytest.approx(np.sqrt(8), rel=0.01)  # sublinear in size
    alike = encounters.sample_encounters(*args, encounters.activity_cdf(sizes, 0.0))[0]
    assert alike.tolist() == np.minimum((u * 3).astype(int), 2).tolist()


def test_contact_memory_keeps_each_groups_last_partner_of_the_step():
    contacts = np.full((4, 2), -1)
    nxt = np.zeros(4, dtype=np.int64)
    encounters.remember_contacts(contacts, nxt, np.array([0, 0, 2]), np.array([1, 2, 3]))
    assert contacts[0].tolist() == [2, -1] and contacts[2].tolist() == [3, -1]
    assert contacts[1].tolist() == [0, -1] and nxt.tolist() == [1, 1, 1, 1]


def test_mediation_needs_movements_rooted_in_both_or_tied_movements():
    root = np.array([[1.0, 0.0], [0.0, 1.0]])  # (groups, movements): m0 in g0, m1 in g1
    cap = np.array([1.0, 1.0])
    i, j = np.array([0]), np.array([1])
    assert mediation.mediation_strength(root, cap, np.zeros((2, 2)), i, j)[0] == 0.0
    tied = mediation.mediation_strength(root, cap, np.array([[0, 0.5], [0.5, 0]]), i, j)[0]
    assert tied == pytest.approx(0.5)
    shared = mediation.mediation_strength(np.array([[1.0], [1.0]]), np.array([0.6]), np.zeros((1, 1)), i, j)
    assert shared[0] == pytest.approx(0.6)
    assert mediation.mediation_probability(np.array([0.0, 1e9]), 3.0).tolist() == [0.0, 1.0]


def _eta(o_i=0.5, o_j=0.5, mean_trust=0.0, domination=0.2, similarity=0.0, pressure=0.0,
         scarcity=0.0, enemy=0.0, mediated=False, **weights):
    w = dict(openness_weight=P.openness_weight, trust_weight=P.trust_weight, bond=P.bond,
             domination_weight=P.domination_weight,
             cultural_similarity_weight=P.cultural_similarity_weight,
             instigation_weight=P.instigation_weight, scarcity_weight=P.scarcity_weight,
             enemy_solidarity=P.enemy_solidarity, mediation_effect=P.mediation_effect,
             imposition_weight=P.imposition_weight)
    w.update(weights)
    return float(outcomes.propensity(o_i, o_j, mean_trust, domination, similarity, pressure,
                                     scarcity, enemy, mediated, *w.values()))


def test_context_moves_the_propensity_toward_virtuous_or_hostile():
    e = _eta()
    assert _eta(o_i=0.9) > e and _eta(mean_trust=0.5) > e and _eta(similarity=1.0) > e
    assert _eta(enemy=0.5) > e  # a shared enemy favours solidarity
    assert _eta(domination=0.8) < e and _eta(pressure=0.5) < e and _eta(scarcity=0.5) < e
    assert _eta(bond=2.0) - _eta(bond=0.0) == pytest.approx(2.0)


def test_mediation_helps_across_small_gaps_and_imposes_across_large_ones():
    w = dict(mediation_effect=1.0, imposition_weight=2.0, domination_weight=0.0)
    assert _eta(domination=0.1, mediated=True, **w) - _eta(domination=0.1, **w) == pytest.approx(0.8)
    assert _eta(domination=0.5, mediated=True, **w) == pytest.approx(_eta(domination=0.5, **w))
    assert _eta(domination=0.9, mediated=True, **w) - _eta(domination=0.9, **w) == pytest.approx(-0.8)


def test_one_ordered_logit_gives_every_encounter_all_three_outcomes():
    vb, hb = 0.0, -3.0
    eta = np.array([-2.0, 0.0, 2.0])
    p_h = outcomes.hostile_probability(eta, hb)
    p_v = outcomes.virtuous_probability(eta, vb)
    assert np.all(p_h + p_v <= 1.0) and np.all(np.diff(p_h) < 0) and np.all(np.diff(p_v) > 0)
    assert p_h[1] == pytest.approx(1 / (1 + np.exp(3.0))) and p_v[1] == pytest.approx(0.5)
    u = np.array([0.5 * p_h[1], 0.5 * (p_h[1] + 1 - p_v[1]), 1 - 0.5 * p_v[1]])
    assert outcomes.classify(np.zeros(3), vb, hb, u).tolist() == [-1, 0, 1]
    # the same draws, read through a better context, never end worse
    rng = np.random.default_rng(0)
    u = rng.random(2000)
    worse = outcomes.classify(np.full(2000, -1.0), vb, hb, u)
    better = outcomes.classify(np.full(2000, 1.0), vb, hb, u)
    assert np.all(better >= worse) and (better > worse).any()
    share = [np.mean(outcomes.classify(np.full(2000, x), vb, hb, u) == k)
             for x, k in ((-1.0, -1), (1.0, 1))]
    assert share[0] == pytest.approx(1 / (1 + np.exp(2.0)), abs=0.03)
    assert share[1] == pytest.approx(1 / (1 + np.exp(-1.0)), abs=0.03)


def _mitigate(a, b, dom_ab, dom_ba, mit_ab, mit_ba, openness, rate, cost=0.0, trust=None,
              resources=None, interdependence=None, shares_enemy=None, enemy=0.0):
    n = len(openness)
    trust = np.zeros((n, n)) if trust is None else trust
    resources = np.full(n, 10.0) if resources is None else resources
    interdependence = np.zeros(len(a)) if interdependence is None else interdependence
    shares_enemy = np.zeros(len(a), dtype=bool) if shares_enemy is None else shares_enemy
    structural_change.mitigate(a, b, dom_ab, dom_ba, mit_ab, mit_ba, interdependence,
                               shares_enemy, enemy, openness, trust, resources, rate, cost)
    return resources


def test_open_dominant_party_mitigates_its_domination_and_closed_one_does_not():
    a, b = np.array([0, 0, 1]), np.array([1, 2, 2])
    dom_ab, dom_ba = np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.3, 0.0])
    mit_ab, mit_ba = np.zeros(3), np.zeros(3)
    openness = np.array([0.8, 0.0, 0.5])
    _mitigate(a, b, dom_ab, dom_ba, mit_ab, mit_ba, openness, 0.1)
    assert mit_ab.tolist() == pytest.approx([0.08, 0.08, 0.0])  # open party 0; nothing to mitigate
    assert mit_ba.tolist() == pytest.approx([0.0, 0.05, 0.0])  # party 2 (o = 0.5) over party 0
    closed = np.zeros(3)
    _mitigate(a, b, dom_ab, dom_ba, closed, np.zeros(3), np.zeros(3), 0.1)
    assert not closed.any()  # a closed dominant party mitigates nothing
    again = np.array([0.5])
    _mitigate(a[:1], b[:1], dom_ab[:1], dom_ba[:1], again, np.zeros(1), np.array([1.0, 0.0]), 0.1)
    assert again[0] == pytest.approx(0.55)


def test_mitigation_is_a_costly_choice_weighed_against_what_the_alliance_brings():
    one = lambda: (np.array([0]), np.array([1]), np.array([0.5]), np.array([0.0]))
    # o = 0.5: mitigate iff value >= cost * domination; value = (1 + trust) / 2 + I + enemy
    mit = np.zeros(1)
    res = _mitigate(*one(), mit, np.zeros(1), np.array([0.5, 0.5]), 0.1, cost=1.2)
    assert mit[0] == 0.0 and res.tolist() == [10.0, 10.0]  # 0.5 < 0.6: declined, nothing paid
    trust = np.array([[0.0, 0.4], [0.0, 0.0]])
    res = _mitigate(*one(), mit, np.zeros(1), np.array([0.5, 0.5]), 0.1, cost=1.2, trust=trust)
    assert mit[0] == pytest.approx(0.05)  # 0.7 >= 0.6: trust makes it worth it
    assert res.tolist() == pytest.approx([10.0 - 1.2 * 0.5 * 0.05, 10.0 + 1.2 * 0.5 * 0.05])
    for extra in (dict(interdependence=np.array([0.2])),
                  dict(shares_enemy=np.array([True]), enemy=0.2)):
        mit = np.zeros(1)
        _mitigate(*one(), mit, np.zeros(1), np.array([0.5, 0.5]), 0.1, cost=1.2, **extra)
        assert mit[0] > 0  # interdependence or a shared enemy tips the balance
    mit = np.zeros(1)
    poor = np.array([0.01, 1.0])
    _mitigate(*one(), mit, np.zeros(1), np.array([0.5, 0.5]), 0.1, cost=1.2, trust=trust,
              resources=poor)
    assert mit[0] == 0.0 and poor[0] == 0.01  # it cannot pay 0.03
    mit = np.zeros(1)
    _mitigate(*one(), mit, np.zeros(1), np.array([0.5, 0.5]), 0.1, cost=0.0, resources=np.zeros(2))
    assert mit[0] == pytest.approx(0.05)  # free mitigation needs no resources


def test_unmitigated_domination_erodes_the_dominated_partys_trust():
    tr = np.zeros((2, 2))
    one = (tr, np.array([0]), np.array([1]), np.array([0.5]), np.array([0.0]), np.array([0.0]),
           np.array([0.0]), 0.1)
    structural_change.lip_service(*one)
    assert tr[1, 0] == pytest.approx(-0.05) and tr[0, 1] == 0.0  # only the dominated party
    tr[1, 0] = -0.99
    structural_change.lip_service(*one)
    assert tr[1, 0] == -1.0  # never below -1
    mitigated = (tr, np.array([0]), np.array([1]), np.array([0.5]), np.array([0.0]),
                 np.array([1.0]), np.array([0.0]), 0.1)
    tr[1, 0] = 0.2
    structural_change.lip_service(*mitigated)
    assert tr[1, 0] == 0.2  # fully mitigated domination costs no trust


def test_contracts_due_now_are_found_in_id_order():
    assert contracts.due(np.array([5, 4, 4, 7]), 4).tolist() == [1, 2]
    assert contracts.due(np.zeros(0, dtype=np.int64), 4).tolist() == []


def test_a_lapse_costs_both_parties_trust():
    tr = np.array([[0.0, 0.5], [-0.5, 0.0]])
    contracts.lapse_penalty(tr, np.array([0]), np.array([1]), 0.1)
    assert tr[0, 1] == pytest.approx(0.5 - 0.1 * 1.5) and tr[1, 0] == pytest.approx(-0.5 - 0.1 * 0.5)


def test_renewal_needs_trust_lowered_by_interdependence_and_a_shared_enemy():
    tr = np.array([[0.0, 0.5, 0.1], [0.5, 0.0, 0.0], [0.1, 0.0, 0.0]])
    cols = dict(a=np.zeros(3, dtype=np.int64), b=np.array([1, 2, 2]),
                interdependence=np.zeros(3), shares_enemy=np.array([False, False, True]),
                trust=tr, renewal_threshold=0.2, interdependence_weight=0.5)
    assert renewal_ok(np.arange(2), enemy_relief=0.0, **cols).tolist() == [True, False]
    assert renewal_ok(np.array([1]), enemy_relief=0.15, **cols).tolist() == [False]
    assert renewal_ok(np.array([2]), enemy_relief=0.15, **cols).tolist() == [True]  # shared enemy
    cols["interdependence"][1] = 0.3
    assert renewal_ok(np.array([1]), enemy_relief=0.0, **cols).tolist() == [True]  # interdependence


def test_economic_articulation_rewards_complementary_allies():
    comp = np.array([1.0, 0.0])
    assert economy.gains(3, np.array([0, 1]), np.array([1, 2]), comp, 0.05).tolist() \
        == pytest.approx([0.05, 0.05, 0.0])
    inter = np.zeros(2)
    economy.grow_interdependence(inter, comp, 0.1)
    assert inter.tolist() == pytest.approx([0.1, 0.0])
    economy.grow_interdependence(inter, comp, 0.1)
    assert inter.tolist() == pytest.approx([0.19, 0.0])  # saturating toward 1
    assert economy.consume(np.array([2.0, 1.0]), 0.25).tolist() == [1.5, 0.75]


def test_pair_terms_read_complementarity_enemy_and_nature_voice():
    sides = np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    terms = pair_terms(np.array([0]), np.array([1]), sides, np.full(3, 1 / 3),
                       np.array([0]), 1, 2)
    assert terms["complementarity"][0] == 1.0 and terms["shares_enemy"][0]
    assert terms["nature_voice_ab"][0] and not terms["nature_voice_ba"][0]
    assert terms["dom_ab"][0] == pytest.approx(2 / 3) and terms["dom_ba"][0] == 0.0


def test_enemy_schedules():
    f = common_enemy.salience_at
    assert f(500, "constant", 0.7, 10, 5.0, 3) == 0.7
    assert f(9, "fading", 0.7, 10, 5.0, 3) == 0.7
    assert f(15, "fading", 0.7, 10, 5.0, 3) == pytest.approx(0.7 * np.exp(-1))
    assert [f(t, "pulse", 1.0, 10, 5.0, 3) for t in (9, 10, 12, 13)] == [0, 1, 1, 0]


def test_harvest_turns_extraction_into_resources_per_head():
    out = commons.harvest(np.array([1.0, 2.0]), np.array([0.1, 0.0]), np.array([0.5, 0.5]), 0.5, 4.0)
    assert out.tolist() == pytest.approx([1.4, 2.0])


def test_resources_buffer_the_scarcity_an_encounter_feels():
    res = np.array([0.0, 2.0, 0.0])
    felt = commons.felt_scarcity(0.6, res, np.array([0, 1]), np.array([2, 1]))
    assert felt.tolist() == pytest.approx([0.6, 0.2])  # 0.6 / (1 + 0), 0.6 / (1 + 2)
    assert commons.felt_scarcity(0.0, res, np.array([0]), np.array([1])).tolist() == [0.0]


def test_a_common_enemy_bonds_only_its_targets():
    sides = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    bond = common_enemy.enemy_bond(sides, np.array([0, 0, 1]), np.array([1, 2, 2]), 0, 0.4)
    assert bond.tolist() == [0.4, 0.0, 0.0]
    assert common_enemy.enemy_bond(sides, np.array([1]), np.array([2]), 1, 0.4).tolist() == [0.4]


def test_commons_regrow_logistically_and_never_go_negative():
    assert commons.regrow(0.5, 0.2, 0.0) == pytest.approx(0.55)
    assert commons.regrow(1.0, 0.2, 0.0) == 1.0
    assert commons.regrow(0.3, 0.0, 1.0) == 0.0
    level = 1.0
    for _ in range(500):
        level = commons.regrow(level, 0.1, 0.2)
    assert level == pytest.approx(0.0, abs=1e-6)  # over-extraction collapses the commons


def test_nature_side_and_voice_lower_extraction():
    take = commons.extraction(np.array([0.5, 0.5]), np.array([False, True]), np.array([0.0, 0.0]),
                              0.1, 0.3, 0.5)
    assert take.tolist() == pytest.approx([0.05, 0.015])
    voice = commons.voice(2, np.array([0]), np.array([1]), np.array([0.6]), np.array([0.0]),
                          np.array([True]), np.array([False]))
    assert voice.tolist() == [0.6, 0.0]
    assert commons.extraction(np.array([0.5, 0.5]), np.array([False, True]), voice, 0.1, 0.3, 0.5)[0] \
        == pytest.approx(0.05 * 0.7)


def test_targeted_instigation_aims_at_the_largest_alliance():
    alliance = np.array([0, 0, 0, 1, 1, -1])
    sizes = np.array([0.2, 0.2, 0.1, 0.1, 0.1, 0.3])
    i, j = np.array([0, 3, 5]), np.array([5, 4, 5])
    uniform = instigation.instigation_pressure(i, j, alliance, sizes, 0.2, "uniform")
    assert uniform.tolist() == [0.2, 0.2, 0.2]
    targeted = instigation.instigation_pressure(i, j, alliance, sizes, 0.2, "targeted")
    touched = 1 - (1 - 3 / 6) ** 2  # chance a uniform encounter touches the 3 targeted groups
    assert targeted.tolist() == pytest.approx([0.2 / touched, 0.0, 0.0])


def test_joint_mediation_strengthens_ties_and_idle_ties_decay():
    root = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])  # (groups, movements)
    credit = movements.joint_mediation(root, np.ones(3), np.array([0]), np.array([1]))
    assert credit[0, 1] == credit[1, 0] == 1.0 and credit[0, 2] == 0
    ties = np.array([[0, 0.5, 0.5], [0.5, 0, 0], [0.5, 0, 0]])
    new = movements.update_ties(ties, credit, 0.5, 0.1, 0.1)
    assert new[0, 1] > 0.5 and new[0, 2] == pytest.approx(0.45)
    fresh = movements.update_ties(np.zeros((3, 3)), credit, 0.5, 0.1, 0.1)
    assert fresh[0, 1] == pytest.approx(1 - np.exp(-0.1))  # a new tie forms at the convergence rate
    assert fresh[0, 2] == 0.0 and np.all(np.diag(fresh) == 0)


def test_one_pass_trust_summary_matches_direct_definitions():
    from model.core.metrics import trust_summary
    from model.analysis.polarisation import trust_polarisation

    rng = np.random.default_rng(4)
    n = 30
    t = rng.uniform(-1, 1, (n, n))
    met = rng.random((n, n)) < 0.6
    met = met | met.T
    np.fill_diagonal(met, False)
    from model.analysis import polarisation

    iu = np.triu_indices(n, 1)
    in_contact = met[iu]
    for flat_max in (polarisation._FLAT_MAX, 0):  # flat pair positions, and row blocks
        polarisation._FLAT_MAX, saved = flat_max, polarisation._FLAT_MAX
        try:
            mean, hostility, pol = trust_summary(t, met)
        finally:
            polarisation._FLAT_MAX = saved
        assert mean == pytest.approx(t[met].mean(), abs=1e-12)
        assert hostility == pytest.approx(np.mean(((t + t.T)[iu] < 0)[in_contact]), abs=1e-12)
        assert pol == pytest.approx(trust_polarisation(t, met), abs=1e-12)


def test_charter_coverage_counts_axes_bridged_by_active_contracts():
    from model.core.metrics import charter_coverage

    codes = np.array([0b000, 0b001, 0b011, 0b100])
    assert charter_coverage(codes, 3, np.array([0]), np.array([1])) == pytest.approx(1 / 3)
    assert charter_coverage(codes, 3, np.array([0, 1]), np.array([2, 3])) == pytest.approx(1.0)
    assert charter_coverage(codes, 3, np.zeros(0, dtype=int), np.zeros(0, dtype=int)) == 0.0


def test_pair_trusts_reads_both_directions_remembered_or_expected():
    tr = np.array([[0.0, 0.4, 0.0], [-0.3, 0.0, 0.0], [0.0, 0.0, 0.0]])
    met = np.array([[False, True, False], [True, False, False], [False, False, False]])
    attitudes = np.array([[0.2, -0.6, 0.8, 0.0]] * 3)
    categories = np.array([[0, 2], [1, 3], [1, 2]])
    i, j = np.array([0, 0, 2]), np.array([1, 2, 1])
    t_ij, t_ji = trust.pair_trusts(tr, met, attitudes, categories, i, j)
    assert t_ij.tolist() == [0.4, (-0.6 + 0.8) / 2, (-0.6 + 0.0) / 2]
    assert t_ji.tolist() == [-0.3, (0.2 + 0.8) / 2, (-0.6 + 0.8) / 2]
    assert np.array_equal(t_ji, trust.pair_trust(tr, met, attitudes, categories, j, i))


def test_encounter_modes_split_the_unit_interval_by_the_biases():
    u = np.array([0.0, 0.29, 0.3, 0.49, 0.5, 0.99])
    assert encounters.encounter_modes(u, 0.3, 0.2).tolist() == [
        encounters.DOMINATION, encounters.DOMINATION, encounters.CONTACT, encounters.CONTACT,
        encounters.UNIFORM, encounters.UNIFORM]
    assert set(encounters.encounter_modes(u, 0.0, 0.0).tolist()) == {encounters.UNIFORM}


def test_pairs_that_met_are_unique_ordered_and_sorted():
    i, j = np.array([3, 1, 0, 2, 4]), np.array([1, 3, 2, 0, 0])
    a, b = contracts.met_pairs(i, j, 5)
    assert list(zip(a.tolist(), b.tolist())) == [(0, 2), (0, 4), (1, 3)]


def test_tally_counts_each_outcome():
    outcome = np.array([outcomes.VIRTUOUS, outcomes.HOSTILE, outcomes.NEUTRAL, outcomes.VIRTUOUS])
    assert outcomes.tally(outcome) == (1, 1, 2)
    assert outcomes.tally(np.zeros(0, dtype=np.int64)) == (0, 0, 0)


def test_prejudice_is_a_prior_learning_starts_from_neutral_at_a_first_meeting():
    assert trust.learned(np.array([-0.4, -0.4]), np.array([True, False])).tolist() == [0.0, -0.4]


def test_a_first_meeting_stores_what_happened_not_the_prejudice():
    """Strong prejudice shapes the first encounters' odds, but after step 1 only the pairs
    whose encounter was hostile distrust each other (no jump of hostility from priors)."""
    from model.core.model import AllianceModel

    model = AllianceModel(seed=4, n_groups=60, initial_prejudice=0.8)
    seen = []
    model.observers.append(lambda i, j, med, out, d_ij, d_ji: seen.append((i, j, out)))
    model.step()
    i, j, out = seen[0]
    hostile = {(min(a, b), max(a, b)) for a, b, o in zip(i, j, out) if o == outcomes.HOSTILE}
    met = {(min(a, b), max(a, b)) for a, b in zip(i, j)}
    tr = model.state.trust
    for a, b in met:
        assert (tr[a, b] < 0) == ((a, b) in hostile), (a, b)
    assert 0 < len(hostile) < len(met)
