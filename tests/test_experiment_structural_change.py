"""Experiment 4's own logic: alliance records from a run, break-ups against merges, run rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments import alliance_survival as survival
from experiments import e4_structural_change as e4
from experiments.analysis import ExperimentData


def _data(runs: pd.DataFrame, records: pd.DataFrame) -> ExperimentData:
    return ExperimentData(spec=e4.SPEC, runs=runs, failed=runs.iloc[:0], manifest={},
                          timeseries=None, records=records)


def test_merges_are_not_break_ups_and_rates_use_time_at_risk():
    runs = pd.DataFrame({"run_id": [0, 1, 2], e4.CONDITION: [0.0, 1.0, 1.0],
                         "stable_alliance_formed": [0.0, 1.0, 1.0]})
    records = pd.DataFrame({"run_id": [0, 0, 0, 1],
                            "lifetime": [10, 5, 25, 30],
                            "censored": [False, False, False, True],
                            "fate": ["dissolved", "merged", "split", "censored"]})
    rec = survival.alliances(_data(runs, records), e4.CONDITION)
    assert rec["breakup"].tolist() == [True, False, True, False]
    assert rec["any_end"].tolist() == [True, True, True, False]
    rates = survival.run_rates(_data(runs, records), rec, e4.CONDITION).set_index("run_id")
    assert np.isclose(rates.loc[0, "rate"], 100 * 2 / 40)
    assert rates.loc[1, "rate"] == 0.0
    assert np.isnan(rates.loc[2, "rate"])  # no alliance at risk: no rate, not a zero rate


def test_measure_records_every_alliance_of_a_run():
    from model.core.model import AllianceModel
    from model.analysis.persistence import alliance_history

    model = AllianceModel(seed=3, n_groups=15).run(80)
    out = e4.measure(model)
    rec = out["records"]
    s = model.state
    table = alliance_history(s.n, s.contracts.as_dict(), model.time, sizes=s.sizes).alliances
    assert len(rec) == len(table) > 0
    censored = rec["censored"].to_numpy()
    assert np.all(rec["lifetime"][censored] == model.time - rec["birth"][censored])
    assert np.all(rec["lifetime"] >= 0)
    assert out["breakups"] == int(rec["fate"].isin(survival.BREAKUP).sum())
    assert out["merges"] + out["breakups"] + int(censored.sum()) == len(rec)
