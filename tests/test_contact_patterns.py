"""Contact patterns (model.analysis.contact_patterns): each statistic against a hand
computation or statsmodels, the targets file and its errors, and patterns that hold on one
synthetic population and fail on another."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from model.analysis import contact_patterns as C


def population(rng, n=80, neg_weight=-0.6, pos_weight=0.2, negative_rate=1.0):
    """Groups whose trust depends on their positive and negative encounter counts."""
    positive = rng.poisson(30, n).astype(float)
    negative = rng.poisson(10 * negative_rate, n).astype(float)
    z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    trust = 0.1 + 0.1 * (pos_weight * z(positive) + neg_weight * z(negative)) \
        + 0.01 * rng.standard_normal(n)
    mediated = np.round(positive * 0.5)
    unmediated = positive + negative - mediated
    return C.GroupContacts(trust=trust, mediated=mediated, unmediated=unmediated,
                           positive=positive, negative=negative,
                           change_mediated=0.02 * mediated, change_unmediated=0.005 * unmediated)


def test_correlation_is_pearsons_r_and_undefined_without_variation():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(50), rng.standard_normal(50)
    assert C.correlation(x, y) == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-12)
    assert math.isnan(C.correlation(np.ones(50), y))


def test_standardised_betas_equal_statsmodels_on_z_scores():
    rng = np.random.default_rng(2)
    rec = population(rng)
    z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    fit = sm.OLS(z(rec.trust), sm.add_constant(np.column_stack([z(rec.positive),
                                                                  z(rec.negative)]))).fit()
    assert C.standardised_betas(rec.trust, rec.positive, rec.negative) == pytest.approx(
        tuple(fit.params[1:]), abs=1e-10)


def test_statistics_of_a_hand_made_record():
    rec = C.GroupContacts(trust=[0.1, 0.2, 0.4, 0.3], mediated=[1, 2, 3, 2],
                          unmediated=[2, 2, 4, 4], positive=[2, 3, 6, 5],
                          negative=[1, 1, 1, 1], change_mediated=[0.1, 0.2, 0.3, 0.2],
                          change_unmediated=[-0.1, 0.0, 0.1, 0.2])
    s = C.pattern_statistics(rec)
    assert s["positive_negative_ratio"] == 16 / 4
    assert s["mediated_trust_change"] == pytest.approx(0.8 / 8)
    assert s["unmediated_trust_change"] == pytest.approx(0.2 / 12)
    assert s["contact_trust_r"] == pytest.approx(
        np.corrcoef([3, 4, 7, 6], [0.1, 0.2, 0.4, 0.3])[0, 1])
    assert math.isnan(s["beta_negative"])  # negative does not vary: no regression


def test_interval_is_the_student_t_interval_over_runs():
    x = [0.1, 0.3, 0.2, 0.25, 0.15]
    mean, low, high = C.interval(x)
    expected = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert mean == pytest.approx(np.mean(x)) and (low, high) == pytest.approx(expected)
    assert math.isnan(C.interval([0.2])[1]) and math.isnan(C.interval([])[0])


def test_the_shipped_targets_have_sources_and_the_four_patterns():
    targets = C.load_targets()
    assert {t.name.split("_")[0] for t in targets} == {"P1", "P2", "P3", "P4"}
    assert all(t.source and t.where and t.claim for t in targets)
    p2 = next(t for t in targets if t.statistic == "positive_negative_ratio")
    assert (p2.low, p2.high) == (2.0, 4.0) and p2.holds(3.0) and not p2.holds(1.5)


def test_every_shipped_target_has_a_centre_and_scale_or_is_one_sided():
    """What the calibration needs: a number with its uncertainty, or a direction (one bound)."""
    for t in C.load_targets():
        if t.one_sided:
            assert t.scale is None and (t.low == -np.inf) != (t.high == np.inf), t.name
        else:
            assert t.scale > 0 and t.scale_basis and t.low <= t.centre <= t.high, t.name
    two_sided = {t.name for t in C.load_targets() if not t.one_sided}
    assert two_sided == {"P1_contact_trust", "P2_positive_more_common"}


def test_patterns_hold_on_one_population_and_fail_on_another():
    """The checks can fail: positive contact rare and negative contact the weaker predictor
    break P2 and P3, which hold on the population built to show them."""
    rng = np.random.default_rng(3)
    good = C.evaluate([population(rng) for _ in range(5)])
    bad = C.evaluate([population(rng, neg_weight=-0.1, pos_weight=0.7, negative_rate=4.0)
                      for _ in range(5)])
    holds = {r.target.name: r.holds for r in good}
    fails = {r.target.name: r.holds for r in bad}
    assert holds["P2_positive_more_common"] and holds["P3_negative_stronger"]
    assert not fails["P2_positive_more_common"] and not fails["P3_negative_stronger"]
    assert all(r.runs == 5 and r.low <= r.mean <= r.high for r in good)


@pytest.mark.parametrize("text, message", [
    ("[P]\nstatistic = 'nonsense'\nlow = 0\nclaim='c'\nsource='s'\nwhere='w'", "nonsense"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 1\nhigh = 0\nclaim='c'\nsource='s'\nwhere='w'",
     "low = 1 is above high = 0"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nclaim='c'\nwhere='w'", "source is required"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 'x'\nclaim='c'\nsource='s'\nwhere='w'",
     "low must be a number"),
    ("[P]\nstatistic = 'contact_trust_r'\nclaim='c'\nsource='s'\nwhere='w'", "low, high or both"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nclaim='c'\nsource='s'\nwhere='w'\nhgh=1",
     "unknown field"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nhigh = 1\nscale = 0.1\nclaim='c'\nsource='s'"
     "\nwhere='w'", "scale given without centre, scale_basis"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nhigh = 1\ncentre = 0.5\nscale = -1\n"
     "scale_basis='b'\nclaim='c'\nsource='s'\nwhere='w'", "scale must be a positive number"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nhigh = 1\ncentre = 2\nscale = 0.1\n"
     "scale_basis='b'\nclaim='c'\nsource='s'\nwhere='w'", "centre = 2 lies outside"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nhigh = 1\ncentre = 'x'\nscale = 0.1\n"
     "scale_basis='b'\nclaim='c'\nsource='s'\nwhere='w'", "centre must be a finite number"),
    ("[P]\nstatistic = 'contact_trust_r'\nlow = 0\nhigh = 1\ncentre = 0.5\nscale = 0.1\n"
     "scale_basis=' '\nclaim='c'\nsource='s'\nwhere='w'", "scale_basis is required"),
    ("[P\n", "cannot read"),
    ("", "no patterns"),
])
def test_a_malformed_targets_file_is_refused_by_field(tmp_path, text, message):
    path = tmp_path / "targets.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as err:
        C.load_targets(path)
    assert str(path) in str(err.value)


def test_a_malformed_record_is_refused_by_field():
    good = dict(trust=[0.1, 0.2], mediated=[1, 2], unmediated=[1, 1], positive=[1, 1],
                negative=[1, 2], change_mediated=[0, 0], change_unmediated=[0, 0])
    with pytest.raises(ValueError, match="negative counts encounters .* group 1 has -2"):
        C.GroupContacts(**{**good, "negative": [1, -2]})
    with pytest.raises(ValueError, match="positive has 3 groups, trust has 2"):
        C.GroupContacts(**{**good, "positive": [1, 1, 1]})
    with pytest.raises(ValueError, match="trust must be finite; group 0 has nan"):
        C.GroupContacts(**{**good, "trust": [math.nan, 0.2]})


def test_the_statistics_a_target_may_name_are_exactly_those_computed():
    rec = population(np.random.default_rng(4))
    assert set(C.pattern_statistics(rec)) == set(C._STATISTICS)
