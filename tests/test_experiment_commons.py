"""Experiment 7's own logic: nature voice rebuilt from the contract history, collapse flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments import e7_commons as e7


def test_nature_voice_at_the_end_matches_the_models_stable_alliances():
    from model.core.model import AllianceModel
    from model.core.parameters import NATURE_AXIS

    model = AllianceModel(seed=4, n_groups=20).run(120)
    s = model.state
    nature = s.sides[:, s.axis_index(NATURE_AXIS)] == 1.0
    expected = s.sizes[nature & (s.stable_alliance >= 0)].sum() / s.sizes[nature].sum()
    out = e7.nature_voice(model)
    assert np.isclose(out["nature_voice_final"], expected)
    assert 0.0 <= out["nature_voice_mean"] <= 1.0
    assert 0.0 <= out["voice_reach_final"] <= 1.0


def test_scarce_cells_and_collapse_flags():
    runs = pd.DataFrame({e7.G: [0.1, 0.1, 0.2], e7.E: [0.1, 0.05, 0.3], e7.V: [0.0, 1.0, 1.0],
                         "final_commons": [0.3, 0.0999, 0.0]})
    data = type("D", (), {"runs": runs})()
    d = e7.runs_table(data)
    assert d["scarce"].tolist() == [True, False, True]
    assert d["collapsed"].tolist() == [0.0, 1.0, 1.0]
    assert d["voice_on"].tolist() == [False, True, True]


def test_verdict_needs_fewer_collapses_not_only_more_commons():
    none = {"estimate": 0.0, "low": -0.05, "high": 0.05}
    assert e7._verdict({"estimate": -0.2, "low": -0.3, "high": -0.1}, none)[0] == "supported"
    assert e7._verdict(none, {"estimate": 0.02, "low": 0.01, "high": 0.03})[0] == "mixed"
    assert e7._verdict(none, none)[0] == "not supported"
