"""Experiment 5's own logic: the fade step and the alliances at risk after it."""

from __future__ import annotations

import numpy as np

from experiments import e5_fading_enemy as e5


def _model(steps=90, **kw):
    from model.core.model import AllianceModel

    params = dict(n_groups=20, enemy_schedule="fading", enemy_salience=1.0, enemy_onset=20,
                  enemy_fade_time=10.0, contract_threshold=0.5, renewal_threshold=0.5)  # e5's regime
    params.update(kw)
    return AllianceModel(seed=2, **params).run(steps)


def test_fade_step_is_the_first_step_at_or_below_half_the_peak():
    model = _model(steps=30)
    # exp(-6/10) = 0.549 > 0.5 >= exp(-7/10) = 0.497
    assert e5.fade_step(model) == 27
    assert e5.fade_step(_model(steps=25)) == -1  # not reached within the run


def test_measure_keeps_the_alliances_alive_at_the_fade_with_residual_lives():
    from model.analysis.persistence import alliance_history

    model = _model()
    out = e5.measure(model)
    rec, t_fade = out["records"], out["fade_step"]
    s = model.state
    history = alliance_history(s.n, s.contracts.as_dict(), model.time, sizes=s.sizes)
    alive_then = np.unique(history.partition(t_fade)[history.partition(t_fade) >= 0])
    assert len(rec) == len(alive_then) == out["alliances_at_fade"] > 0
    assert np.all(rec["birth"] <= t_fade)
    censored = rec["censored"].to_numpy()
    assert np.all(rec["lifetime"][censored] == model.time - t_fade)
    assert np.all(rec["lifetime"][~censored] >= 1)
    sizes = np.bincount(history.partition(t_fade)[history.partition(t_fade) >= 0])
    assert sorted(rec["size_at_fade"]) == sorted(sizes[alive_then])
    assert np.all((rec["enemy_share"] >= 0) & (rec["enemy_share"] <= 1))
