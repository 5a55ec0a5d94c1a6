"""Experiment analysis support: measures and records, boundaries, bands, hazard ratios."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments import cli
from experiments.analysis import Analysis, Finding, wall_time
from experiments.runner import run_sweep
from experiments.spec import Spec, SpecError
from experiments.statistics import bootstrap_crossing, crossing, hazard_ratio, mean_band
from experiments.store import ResultStore


def measured(**changes) -> Spec:
    base = dict(name="measured", varied={"n_groups": [12, 16]}, replicates=2, steps=10,
                root_seed=5, measure="tests.sample_measure:measure",
                outcomes=("groups_measured", "largest_group_share", "contracts_signed"))
    base.update(changes)
    return Spec(**base)


def test_measure_outcomes_and_records_are_stored_per_run(tmp_path):
    result = run_sweep(measured(), tmp_path, workers=2, quiet=True)
    runs = result.runs
    assert runs["error"].isna().all()
    assert (runs["groups_measured"] == runs["n_groups"]).all()
    records = ResultStore(tmp_path, measured()).load_table("records")
    per_run = records.groupby("run_id").size()
    assert per_run.to_dict() == dict(zip(runs["run_id"], runs["n_groups"]))
    assert (tmp_path / "measured" / "records.parquet").exists()
    share = records.groupby("run_id")["size"].max() / records.groupby("run_id")["size"].sum()
    assert np.allclose(share.to_numpy(), runs.sort_values("run_id")["largest_group_share"])


def test_measure_records_survive_resume_without_duplicates(tmp_path):
    spec = measured()
    run_sweep(spec, tmp_path, workers=1, quiet=True, batch_size=1)
    store = ResultStore(tmp_path, spec)
    before = store.load_table("records")
    (tmp_path / "measured" / "manifest.json").write_text(
        json.dumps({**json.loads((tmp_path / "measured" / "manifest.json").read_text()),
                    "status": "incomplete"}))
    run_sweep(spec, tmp_path, workers=1, quiet=True, resume=True)
    after = store.load_table("records")
    pd.testing.assert_frame_equal(before, after)


@pytest.mark.parametrize("ref, message", [
    ("tests.sample_measure", "expected 'package.module:function'"),
    ("tests.no_such_module:measure", "cannot be loaded"),
    ("tests.sample_measure:nothing", "cannot be loaded"),
    ("tests.sample_measure:not_a_measure", "'outcomes' attribute"),
])
def test_a_bad_measure_is_named(ref, message):
    with pytest.raises(SpecError, match=f"measure: .*{message}"):
        measured(measure=ref)


def test_outcomes_of_a_measure_need_the_measure():
    with pytest.raises(SpecError, match="unknown outcome.*'groups_measured'"):
        measured(measure=None)


def test_crossing_interpolates_and_marks_curves_that_never_cross():
    assert crossing([0, 1, 2], [0.1, 0.4, 0.8]) == pytest.approx(1.25)
    assert crossing([0, 1, 2], [0.6, 0.7, 0.9]) == -np.inf
    assert crossing([0, 1, 2], [0.1, 0.2, 0.3]) == np.inf
    b = bootstrap_crossing([0, 1, 2], [4, 16, 32], [40, 40, 40], seed=3)
    assert b["estimate"] == pytest.approx(1.25) and b["low"] < 1.25 < b["high"]
    assert b == bootstrap_crossing([0, 1, 2], [4, 16, 32], [40, 40, 40], seed=3)


def test_mean_band_is_a_t_interval_per_step():
    df = pd.DataFrame({"step": [0, 0, 0, 1, 1, 1], "v": [1.0, 2.0, 3.0, 5.0, 5.0, 5.0]})
    g = mean_band(df, "v").set_index("step")
    assert g.loc[0, "mean"] == 2.0 and g.loc[1, "low"] == g.loc[1, "high"] == 5.0
    from scipy import stats

    half = stats.t.ppf(0.975, 2) * 1.0 / np.sqrt(3)
    assert g.loc[0, "high"] - 2.0 == pytest.approx(half)


def test_hazard_ratio_recovers_a_known_ratio_with_censoring():
    rng = np.random.default_rng(0)
    a, b = rng.exponential(10, 4000), rng.exponential(5, 4000)  # b ends twice as fast
    hr = hazard_ratio(np.minimum(a, 15), a < 15, np.minimum(b, 15), b < 15)
    assert hr["low"] < 2.0 < hr["high"] and 1.85 < hr["estimate"] < 2.15
    assert hr["p_value"] < 1e-10
    same = hazard_ratio(np.minimum(a, 15), a < 15, np.minimum(a[::-1], 15), a[::-1] < 15)
    assert same["estimate"] == pytest.approx(1.0) and same["p_value"] == pytest.approx(1.0)


def test_hazard_ratio_matches_a_hand_computed_log_rank():
    # group a ends at 1, 3; group b ends at 2, censored at 3 (Collett's O/E bookkeeping)
    hr = hazard_ratio([1, 3], [1, 1], [2, 3], [1, 0])
    # t=1: n=4 (2,2), d=1 -> E_b=0.5; t=2: n=3 (1,2), d=1 -> E_b=2/3; t=3: n=2 (1,1), d=1 -> 0.5
    e_b = 0.5 + 2 / 3 + 0.5
    e_a = 3 - e_b
    assert hr["estimate"] == pytest.approx((1 / e_b) / (2 / e_a))
    assert hr["events_a"] == 2 and hr["events_b"] == 1


def test_analysis_refuses_an_unknown_verdict():
    with pytest.raises(ValueError, match="verdict = 'maybe'"):
        Analysis(verdict="maybe", meaning="", findings=[Finding("x", 1, 0, 2)])


def test_wall_time_only_for_an_uninterrupted_sweep():
    m = {"started": "2026-11-23T06:00:00+00:00", "finished": "2026-11-23T06:10:30+00:00"}
    assert wall_time(m) == 630.0
    assert wall_time({**m, "resumed": ["x"]}) is None
    assert wall_time({**m, "finished": None}) is None


def test_reproduce_refuses_an_unknown_experiment(capsys, tmp_path):
    assert cli.main(["reproduce", "--quick", "--only", "e0_nothing", "--results",
                     str(tmp_path)]) == 2
    assert "unknown experiment(s) e0_nothing" in capsys.readouterr().err


def test_hazard_ratio_with_no_events_on_one_side_has_an_open_interval(recwarn):
    hr = hazard_ratio([1, 2, 3], [1, 1, 0], [2, 3, 4], [0, 0, 0])
    assert hr["estimate"] == 0.0 and np.isnan(hr["low"]) and np.isnan(hr["high"])
    assert hr["events_a"] == 2 and hr["events_b"] == 0
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
