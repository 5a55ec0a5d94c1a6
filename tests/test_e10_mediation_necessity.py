"""Experiment 10's own logic: each of the four answers is reachable, the arms are paired by
drawn set as the engine lays them out, and the quick variant runs end to end."""

from __future__ import annotations

import itertools
import numpy as np
import pandas as pd
import pytest

from experiments import e10_mediation_necessity as e10
from experiments.analysis import VERDICTS, ExperimentData
from experiments.catalog import discover
from experiments.design import plan
from experiments.readme import experiments_with_analysis
from experiments.runner import execute, tasks_for
from experiments.statistics import wilson_interval
from experiments.store import StoreError

FAV, UNF = "favourable", "unfavourable"


def synthetic_runs(p: dict, draws: int = 100, seed: int = 0) -> pd.DataFrame:
    """Runs in e10's layout (draw after draw, every combination of levels in the engine's
    order) whose corner arms are stable with probabilities ``p[(mediation, context)]``."""
    rng = np.random.default_rng(seed)
    names = list(e10.SPEC.varied)
    combos = list(itertools.product(*e10.SPEC.varied.values()))
    rows = []
    for d in range(draws):
        for c, levels in enumerate(combos):
            row = dict(zip(names, levels))
            fav = sum(row[n] == e10.CONTEXT[n][1] for n in e10.CONTEXT)
            med = "on" if row["mediation_capacity"] > 0 else "off"
            ctx = FAV if fav == len(e10.CONTEXT) else UNF if fav == 0 else None
            prob = p[(med, ctx)] if ctx else 0.5
            rows.append({"point": d * len(combos) + c, **row,
                         e10.OUTCOME: bool(rng.random() < prob)})
    return pd.DataFrame(rows)


def data_of(runs: pd.DataFrame) -> ExperimentData:
    return ExperimentData(spec=e10.SPEC, runs=runs, failed=runs.iloc[:0], manifest={},
                          timeseries=None, records=None)


def arms(off_fav, on_fav, off_unf, on_unf) -> dict:
    return {("off", FAV): off_fav, ("on", FAV): on_fav, ("off", UNF): off_unf,
            ("on", UNF): on_unf}


REACH = {  # answer: (P in the four corner arms, the engine's verdict on necessity)
    "necessary": (arms(0.0, 0.9, 0.0, 0.1), "supported"),
    "sufficient": (arms(0.8, 0.95, 0.2, 0.95), "not supported"),
    "both": (arms(0.0, 1.0, 0.0, 0.95), "supported"),
    "neither": (arms(0.8, 0.9, 0.1, 0.2), "not supported"),
}


@pytest.mark.parametrize("answer", e10.ANSWERS)
def test_each_of_the_four_answers_is_reachable(answer):
    """The verdict could have failed: data made for each answer gets that answer."""
    p, verdict = REACH[answer]
    result = e10.analyse(data_of(synthetic_runs(p)))
    assert result.verdict == verdict
    words = {"both": "both necessary and sufficient", "necessary": "necessary, not sufficient",
             "sufficient": "sufficient, not necessary", "neither": "neither necessary nor"}
    assert f"**{words[answer]}" in result.meaning
    assert result.numbers["necessary_shown"] == (answer in ("necessary", "both"))
    assert result.numbers["sufficient_shown"] == (answer in ("sufficient", "both"))
    rule = next(t for name, t in result.tables.items() if name.startswith("Decision rule"))
    assert set(rule["status"]) <= {"shown", "refuted"}


def interval(low, high, estimate=None):
    return {"estimate": (low + high) / 2 if estimate is None else estimate, "low": low,
            "high": high}


def test_an_interval_across_a_threshold_is_undecided_not_an_answer():
    helps = interval(0.3, 0.6)
    straddles = e10.decide(interval(0.05, 0.15), interval(0.1, 0.2), helps, helps)
    assert (straddles["necessary"], straddles["answer"], straddles["verdict"]) == \
        ("undecided", "neither", "mixed")
    assert e10.decide(interval(0.2, 0.4), interval(0.45, 0.55), helps, helps)["sufficient"] == \
        "undecided"
    # the thresholds are strict where the definitions say so
    assert e10.decide(interval(0.0, e10.NECESSITY_CEILING), interval(0, 0.1), helps, helps)[
        "necessary"] == "undecided"
    assert e10.decide(interval(0.0, 0.05), interval(e10.SUFFICIENCY_FLOOR, 0.9), helps, helps)[
        "sufficient"] == "undecided"


def test_a_property_that_holds_without_mediation_doing_anything_is_vacuous():
    none = interval(-0.01, 0.01, 0.0)
    # nothing forms even with mediation: "necessary" would hold vacuously
    nothing = e10.decide(interval(0.0, 0.02), interval(0.0, 0.02), none, none)
    assert (nothing["necessary"], nothing["answer"], nothing["verdict"]) == \
        ("vacuous", "neither", "mixed")
    # the default context forms alliances just as well without mediation: the context suffices
    anyway = e10.decide(interval(0.6, 0.9), interval(0.7, 0.9), none, none)
    assert (anyway["sufficient"], anyway["answer"]) == ("vacuous", "neither")
    result = e10.analyse(data_of(synthetic_runs(arms(0.9, 0.9, 0.9, 0.9))))
    assert "Sufficiency would hold only vacuously" in result.meaning
    assert result.numbers["sufficient_shown"] == 0


def test_proportions_are_wilson_intervals():
    for k, n in ((0, 100), (4, 100), (60, 100), (100, 100), (3, 7)):
        p = e10.proportion(k, n)
        low, high = wilson_interval(k, n)
        assert p["estimate"] == k / n
        assert p["low"] == pytest.approx(float(low), abs=1e-12)
        assert p["high"] == pytest.approx(float(high), abs=1e-12)
    n = e10.SPEC.samples  # one run per draw in each corner arm
    assert e10.proportion(0, n)["high"] == pytest.approx(1.959964 ** 2 / (n + 1.959964 ** 2))
    # as SIZING says: up to 4 stable runs of 100 clear the necessity threshold, 60 of 100
    # the sufficiency threshold
    assert e10.proportion(4, n)["high"] < e10.NECESSITY_CEILING < e10.proportion(5, n)["high"]
    assert e10.proportion(59, n)["low"] < e10.SUFFICIENCY_FLOOR < e10.proportion(60, n)["low"]


def test_differences_are_paired_within_each_drawn_set():
    """Draws that differ from one another (every run of an even draw is stable, of an odd
    draw none) but where mediation changes nothing within a draw: the paired effect is 0 with
    no spread; arms compared across draws would give an interval about +/-0.2 wide."""
    runs = synthetic_runs(arms(0.5, 0.5, 0.5, 0.5), draws=40)
    labelled = e10.label_runs(runs, e10.SPEC)
    runs[e10.OUTCOME] = (labelled["draw"] % 2 == 0).to_numpy()
    found = {f.name: f for f in e10.analyse(data_of(runs)).findings}
    for name in ("mediation effect, favourable", "mediation effect, unfavourable",
                 "context effect without mediation"):
        assert (found[name].estimate, found[name].low, found[name].high) == (0.0, 0.0, 0.0)
    assert found["P(stable), mediation, favourable"].estimate == 0.5
    runs[e10.OUTCOME] = (labelled["mediation"] == "on").to_numpy()  # mediation adds one per draw
    effect = {f.name: f for f in e10.analyse(data_of(runs)).findings}[
        "mediation effect, favourable"]
    assert (effect.estimate, effect.low, effect.high) == (1.0, 1.0, 1.0)
    ids = labelled.groupby("draw")["point"].agg(["min", "max", "count"])
    assert (ids["count"] == 16).all() and (ids["max"] - ids["min"] == 15).all()


def test_the_engine_lays_out_draws_as_the_analysis_reads_them():
    """Every run of one draw has the same drawn parameter set, and every combination of levels."""
    quick = e10.SPEC.quick_variant()
    p = plan(quick)
    drawn = quick.drawn_parameters()
    assert drawn and not set(drawn) & set(quick.varied)
    table = e10.label_runs(pd.DataFrame([{**r.params, "point": r.point, e10.OUTCOME: False}
                                         for r in p.runs]), quick)
    assert table["draw"].nunique() == quick.samples
    for _, g in table.groupby("draw"):
        assert len(g[list(drawn)].drop_duplicates()) == 1
        assert len(g[list(quick.varied)].drop_duplicates()) == 16
        assert set(g["context"]) == {FAV, UNF, "mixed"}


def test_a_missing_arm_is_a_named_error():
    runs = synthetic_runs(arms(0.1, 0.9, 0.1, 0.5), draws=5)
    labelled = e10.label_runs(runs, e10.SPEC)
    keep = ~((labelled["mediation"] == "on") & (labelled["context"] == UNF))
    with pytest.raises(StoreError, match="no successful runs in arm.*mediation, unfavourable"):
        e10.analyse(data_of(runs[keep.to_numpy()]))
    with pytest.raises(StoreError, match="lacks column.*bond"):
        e10.analyse(data_of(runs.drop(columns="bond")))


def test_favourable_levels_differ_from_the_defaults_in_the_helpful_direction():
    from model.core.parameters import DEFAULTS

    for name, (unfavourable, favourable) in e10.CONTEXT.items():
        assert unfavourable == DEFAULTS[name] != favourable
    assert e10.CONTEXT["instigation"][1] < DEFAULTS["instigation"]
    for name in ("openness_mean", "bond"):
        assert e10.CONTEXT[name][1] > DEFAULTS[name]


def test_it_is_listed_and_reproduced():
    """``list`` shows it and ``reproduce`` picks it (every experiment with its own analysis)."""
    assert "e10_mediation_necessity" in discover()
    assert "e10_mediation_necessity" in {s.name for s, _ in experiments_with_analysis()}
    assert e10.SPEC.design == "posterior" and e10.SPEC.samples >= 50


def test_quick_variant_runs_and_is_analysed():
    """The quick variant's runs, executed in this process as a sweep's workers execute them
    (tests/test_experiments_results.py runs it through the sweep engine's process pool),
    then analysed, summarised and drawn."""
    import matplotlib.pyplot as plt

    from experiments.analysis import markdown, to_json

    quick = e10.SPEC.quick_variant()
    rows = [execute(task)[0] for task in tasks_for(plan(quick))]
    runs = pd.DataFrame(rows)
    assert runs["error"].isna().all(), runs["error"].dropna().head().tolist()
    data = ExperimentData(spec=quick, runs=runs, failed=runs.iloc[:0], manifest={},
                          timeseries=None, records=None)
    result = e10.analyse(data)
    summary = to_json(result, e10, data)
    assert summary["verdict"] in VERDICTS and len(summary["findings"]) == 8
    assert summary["numbers"]["draws"] == quick.samples
    assert any(f"**{w}" in result.meaning for w in e10.ANSWERS)
    text = markdown(result, e10, data, ".")
    assert "Decision rule" in text and e10.HYPOTHESIS in text
    fig = e10.figure(data, result)
    assert len(fig.axes) == 2 and len(fig.axes[1].get_yticklabels()) == 8
    plt.close(fig)
