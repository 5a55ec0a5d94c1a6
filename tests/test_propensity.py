"""The model's own propensity for landscape analysis, read off its state."""

import numpy as np
import pytest

from model.analysis.landscape import energy, nash_stability
from model.core.model import AllianceModel
from model.mechanisms.trust import pair_trust
from model.core.propensity import effective_domination, full_trust, model_propensity


@pytest.fixture(scope="module")
def model():
    return AllianceModel(seed=3, n_groups=25, n_traits=1, mediation_capacity=0.6).run(80)


def test_full_trust_is_remembered_or_expected_like_the_step_reads_it(model):
    s = model.state
    t = full_trust(s)
    i, j = np.nonzero(~np.eye(s.n, dtype=bool))
    assert np.array_equal(t[i, j], pair_trust(s.trust, s.met, s.attitudes, s.categories, i, j))
    assert np.all(np.diag(t) == 0.0)
    assert s.categories.shape[1] >= 8  # more than one leaf of numpy's pairwise summation
    assert np.any(~s.met[i, j]) and np.any(s.met[i, j])  # both kinds of pairs are checked


def test_effective_domination_subtracts_contract_mitigation(model):
    s = model.state
    d = effective_domination(s)
    c = s.contracts
    k = c.active_ids[np.argmax(c.mit_ab[c.active_ids] * c.dom_ab[c.active_ids])]
    assert c.mit_ab[k] > 0
    assert d[c.a[k], c.b[k]] == pytest.approx(c.dom_ab[k] * (1 - c.mit_ab[k]))


def test_model_propensity_is_symmetric_and_feeds_landscape_analysis(model):
    s = model.state
    p = model_propensity(s)
    assert np.allclose(p, p.T) and np.all(np.diag(p) == 0)
    assert np.all(np.abs(p) <= 2.0)
    labels = np.where(s.alliance >= 0, s.alliance + 1, 0)  # unallied groups form coalition 0
    e = energy(labels, p, s.sizes)
    assert np.isfinite(e)
    report = nash_stability(labels, p, s.sizes, k=int(labels.max()) + 1)
    assert isinstance(report.stable, (bool, np.bool_))
