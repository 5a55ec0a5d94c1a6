"""Reading a posterior (experiments/calibration/identifiability): a trade-off between two
parameters shows as a pinned-down combination even when both marginals are as wide as the
prior; the calibrated defaults land on that combination's posterior median and leave every
other parameter at its hand-set value; and the model's schema holds the committed calibration's
defaults.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import point
from experiments.calibration.identifiability import (calibrated_defaults, combinations,
                                                     marginals, point_on)
from experiments.calibration.priors import Prior, load_priors
from model.analysis.contact_patterns import load_targets
from model.core.parameters import DEFAULTS

RESULTS = Path(__file__).resolve().parents[1] / "results" / "calibration"

PRIORS = (Prior("virtuous_base", 0.0, 3.0, "w", hand_set=1.33),
          Prior("hostility_base", -6.0, -3.0, "w", hand_set=-4.15),
          Prior("size_activity", 0.0, 1.0, "w", hand_set=0.25))


def _ridge(n: int = 4000, noise: float = 0.05, seed: int = 1) -> pd.DataFrame:
    """virtuous_base + hostility_base = -4 (up to noise); size_activity free."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 2.0, n)
    return pd.DataFrame({"virtuous_base": v,
                         "hostility_base": -4.0 - v + rng.normal(0, noise, n),
                         "size_activity": rng.uniform(0, 1, n), "weight": np.full(n, 1 / n)})


def test_a_trade_off_is_a_pinned_combination_though_each_marginal_stays_wide():
    post = _ridge()
    alone = marginals(PRIORS, post).set_index("parameter")
    assert alone.loc["virtuous_base", "width_ratio"] > 0.6
    assert alone.loc["hostility_base", "width_ratio"] > 0.6
    found = combinations(PRIORS, post)
    best = found[0]
    assert best.verdict == "pinned down" and best.width_ratio < 0.1
    assert set(best.coefficients) == {"virtuous_base", "hostility_base"}
    assert best.coefficients["virtuous_base"] == pytest.approx(
        best.coefficients["hostility_base"], rel=0.05)
    value = best.median / best.coefficients["virtuous_base"]
    assert value == pytest.approx(-4.0, abs=0.05)
    assert all(c.verdict == "left open" for c in found[1:])


def test_a_point_moves_onto_the_combination_and_nowhere_else():
    informed = [c for c in combinations(PRIORS, _ridge()) if c.informed]
    assert len(informed) == 1
    moved = point_on(PRIORS, informed, [informed[0].median])
    table = calibrated_defaults(PRIORS, moved).set_index("parameter")
    v, h = table.loc["virtuous_base", "exact"], table.loc["hostility_base", "exact"]
    assert v + h == pytest.approx(-4.0, abs=0.05)
    # the nearest point on the ridge: both move by the same amount (equal ranges)
    assert v - 1.33 == pytest.approx(h + 4.15, abs=0.02)
    assert table.loc["size_activity", "from_posterior"] == 0.25
    assert not table.loc["size_activity", "changed"]
    assert table.loc["virtuous_base", "changed"] and table.loc["hostility_base", "changed"]


def test_a_posterior_like_the_prior_sets_no_new_defaults():
    rng = np.random.default_rng(3)
    n = 4000
    post = pd.DataFrame({p.name: rng.uniform(p.low, p.high, n) for p in PRIORS})
    post["weight"] = 1 / n
    found = combinations(PRIORS, post)
    assert all(c.verdict == "left open" for c in found)
    table = calibrated_defaults(PRIORS, point_on(PRIORS, [c for c in found if c.informed], []))
    assert (table["from_posterior"] == table["hand_set"]).all() and not table["changed"].any()


def test_the_narrowest_directions_of_a_small_sample_of_the_prior_are_noise():
    """43 draws of the prior in 12 dimensions have a direction half as wide as the prior's by
    chance; the noise floor keeps it from counting as a pinned-down combination."""
    priors = load_priors()
    rng = np.random.default_rng(11)
    post = pd.DataFrame({p.name: rng.uniform(p.low, p.high, 43) for p in priors})
    post["weight"] = 1 / 43
    found = combinations(priors, post)
    assert found[0].spread < 0.6
    assert not any(c.informed for c in found)


def test_the_candidate_with_most_patterns_holding_wins_then_the_nearest(monkeypatch):
    targets = load_targets()
    good = {t.statistic: (t.centre if not t.one_sided else t.low + 1.0) for t in targets}
    off = dict(good, contact_trust_r=0.34)
    bad = dict(good, positive_negative_ratio=9.0)
    stats = {"a": bad, "b": off, "c": good}
    monkeypatch.setattr(point, "map_runs",
                        lambda runner, items, workers, client: [stats[v["x"]] for v, _ in items])
    monkeypatch.setattr(point, "PredictiveRun", lambda fixed, steps: None)
    priors = (Prior("x", 0, 1, "w", hand_set=0.5),)
    table = point.choose(priors, targets, {}, [{"label": k, "x": k} for k in "abc"],
                         seeds=2, steps=10)
    assert list(table["holds"]) == [len(targets) - 1, len(targets), len(targets)]
    assert list(table["chosen"]) == [False, False, True]


def test_weights_count_and_zero_weight_particles_do_not():
    post = _ridge()
    noise = _ridge(seed=2)
    noise["hostility_base"] = np.random.default_rng(5).uniform(-6, -3, len(noise))
    noise["weight"] = 0.0
    both = pd.concat([post, noise], ignore_index=True)
    assert combinations(PRIORS, both)[0].width_ratio == pytest.approx(
        combinations(PRIORS, post)[0].width_ratio, rel=1e-6)


def test_the_schema_holds_the_defaults_the_committed_posterior_sets():
    table = pd.read_csv(RESULTS / "defaults.csv").set_index("parameter")
    priors = {p.name: p for p in load_priors()}
    assert set(table.index) == set(priors)
    for name, row in table.iterrows():
        assert DEFAULTS[name] == row["from_posterior"], name
        assert priors[name].hand_set == row["hand_set"], name
