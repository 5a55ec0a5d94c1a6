"""The ABC-SMC calibration (experiments/calibration), end to end in miniature: the quick
variant runs one generation, is interrupted in the second, resumes from its database without
starting over, and writes every output; a fresh start reproduces the first generation bit for
bit with one worker. Bad priors, bad targets, a database made under other settings and an
unreachable scheduler each end in one clear message before anything runs.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import socket
import time

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import gaps, pipeline, simulate
from experiments.calibration.priors import PRIORS_FILE, load_priors
from experiments.calibration.settings import QUICK, CalibrationError
from experiments.cli import main
from model.analysis.contact_patterns import TARGETS_FILE, Target, load_targets
from model.run import contact_records

ONE_GENERATION = dataclasses.replace(QUICK, max_generations=1)


def _generation(db, t: int) -> pd.DataFrame:
    import pyabc

    history = pyabc.History(f"sqlite:///{db}", create=False)
    history.id = 1
    params, weights = history.get_distribution(m=0, t=t)
    table = params.sort_index(axis=1).reset_index(drop=True)
    table["weight"] = weights
    return table


def _stored(db) -> tuple[int, int]:
    import pyabc

    history = pyabc.History(f"sqlite:///{db}", create=False)
    history.id = 1
    return pipeline._generations(history), pipeline._simulations(history)


@pytest.fixture(scope="module")
def interrupted_then_resumed(tmp_path_factory):
    """One generation; an interruption in the second; the command again, which resumes."""
    out = tmp_path_factory.mktemp("calibration")
    db = out / pipeline.DB_NAME
    pipeline.calibrate(ONE_GENERATION, out, workers=1, quiet=True, write=False, log=lambda m: None)
    first = _generation(db, 0)
    after_first = _stored(db)

    calls = {"n": 0}
    real = simulate.PatternSimulator.__call__

    def interrupt_after_three(self, particle):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt
        return real(self, particle)

    simulate.PatternSimulator.__call__ = interrupt_after_three
    try:
        with pytest.raises(KeyboardInterrupt):
            pipeline.calibrate(QUICK, out, workers=1, quiet=True, write=False,
                               log=lambda m: None)
    finally:
        simulate.PatternSimulator.__call__ = real
    after_interruption = _stored(db)

    start = time.perf_counter()
    status = main(["calibrate", "--quick", "--workers", "1", "--out", str(out), "--quiet"])
    return {"out": out, "db": db, "first": first, "after_first": after_first,
            "after_interruption": after_interruption, "status": status,
            "resumed_seconds": time.perf_counter() - start}


def test_an_interruption_keeps_the_finished_generation(interrupted_then_resumed):
    r = interrupted_then_resumed
    assert r["after_first"][0] == 1
    assert r["after_interruption"] == r["after_first"]


def test_the_command_resumes_instead_of_starting_over(interrupted_then_resumed):
    r = interrupted_then_resumed
    assert r["status"] == 0
    generations, simulations = _stored(r["db"])
    assert generations == 2 and simulations > r["after_first"][1]
    pd.testing.assert_frame_equal(_generation(r["db"], 0), r["first"])


def test_the_quick_calibration_writes_every_output(interrupted_then_resumed):
    out = interrupted_then_resumed["out"]
    for name in pipeline.OUTPUT_NAMES:
        assert (out / name).is_file(), name
    posterior = pd.read_parquet(out / "posterior.parquet")
    priors = load_priors()
    assert list(posterior.columns) == [p.name for p in priors] + ["weight", "generation"]
    assert (posterior["generation"] == 1).all() and posterior["weight"].sum() == pytest.approx(1)
    for p in priors:
        assert posterior[p.name].between(p.low, p.high).all(), p.name
    check = pd.read_csv(out / "predictive_check.csv")
    assert list(check["pattern"]) == [t.name for t in load_targets()]
    assert (check["posterior_draws"] == QUICK.predictive_draws).all()
    assert (check["runs_per_draw"] == QUICK.seeds_per_simulation).all()
    table = (out / "predictive_check.md").read_text()
    summary = (out / "summary.md").read_text()
    for t in load_targets():
        assert f"| {t.name} |" in table and f"| {t.name} |" in summary
    for p in priors:
        assert f"| `{p.name}` |" in summary
    assert "`n_groups` = 50" in summary and "small calibration" in summary
    assert (out / "posterior.png").stat().st_size > 10_000


def test_fresh_starts_over_and_one_worker_reproduces_the_seed(interrupted_then_resumed, tmp_path):
    """--fresh discards the two stored generations and their outputs; with one worker the new
    first generation is the old one bit for bit (the same seed)."""
    r = interrupted_then_resumed
    copy = tmp_path / "copy"
    shutil.copytree(r["out"], copy)
    pipeline.calibrate(ONE_GENERATION, copy, workers=1, fresh=True, quiet=True, write=False,
                       log=lambda m: None)
    assert _stored(copy / pipeline.DB_NAME)[0] == 1
    assert not (copy / "summary.md").exists()
    pd.testing.assert_frame_equal(_generation(copy / pipeline.DB_NAME, 0), r["first"])


def test_a_database_from_other_settings_is_refused(interrupted_then_resumed, capsys):
    out = interrupted_then_resumed["out"]
    before = (out / pipeline.DB_NAME).stat().st_mtime_ns
    status = main(["calibrate", "--quick", "--workers", "1", "--out", str(out), "--seed", "2"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert "other settings (settings seed: 1 stored, 2 now)" in err and "--fresh" in err
    assert (out / pipeline.DB_NAME).stat().st_mtime_ns == before


def test_a_file_that_is_no_calibration_database_is_refused(tmp_path, capsys):
    (tmp_path / pipeline.DB_NAME).write_text("not a database")
    status = main(["calibrate", "--quick", "--workers", "1", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert "is not a calibration database this command can resume" in err and "--fresh" in err


def test_two_local_workers_sample_a_generation(tmp_path):
    """pyabc's multicore sampler, in worker processes that ignore Ctrl-C (simulate.quiet_worker)."""
    pipeline.calibrate(ONE_GENERATION, tmp_path, workers=2, quiet=True, write=False,
                       log=lambda m: None)
    generations, simulations = _stored(tmp_path / pipeline.DB_NAME)
    assert generations == 1 and simulations >= 2 * QUICK.population_size


def test_an_unreachable_scheduler_is_named_at_once(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    start = time.perf_counter()
    status = main(["calibrate", "--quick", "--scheduler", address, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and time.perf_counter() - start < 10
    assert err.startswith(f"error: cannot reach the Dask scheduler at {address}")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / pipeline.DB_NAME).exists()


def test_ctrl_c_ends_in_one_line_that_says_how_to_resume(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "calibrate", interrupted)
    status = main(["calibrate", "--quick", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 130 and err.count("\n") == 1
    assert str(tmp_path / pipeline.DB_NAME) in err and "run the same command again" in err


# -- bad input -----------------------------------------------------------------------------
def _priors_file(tmp_path, **changes) -> str:
    text = PRIORS_FILE.read_text()
    for name, (field, value) in changes.items():
        head, rest = text.split(f"[{name}]\n", 1)
        section, tail = rest.split("\n\n", 1) if "\n\n" in rest else (rest, "")
        section = "\n".join(f"{field} = {value}" if line.startswith(f"{field} =") else line
                            for line in section.split("\n"))
        text = f"{head}[{name}]\n{section}\n\n{tail}"
    path = tmp_path / "priors.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("changes, message", [
    ({"trust_weight": ("high", 30)}, "[trust_weight]: high = 30 lies outside the parameter "
     "schema's range: trust_weight must be number in [0, 20]"),
    ({"negativity_bias": ("low", 0.5)}, "[negativity_bias]: low = 0.5 lies outside"),
    ({"virtuous_base": ("high", 5)}, "'virtuous_base' + 'hostility_base' = 5.0 + -3.0 = 2 is not"),
    ({"size_activity": ("low", -0.5)}, "low = -0.5 lies outside the parameter schema's range"),
    ({"wariness_gain": ("low", "'x'")}, "[wariness_gain]: low is required, as a finite number"),
    ({"initial_prejudice": ("high", 0.0)}, "low = 0 must be below high = 0"),
])
def test_a_prior_outside_the_schema_is_refused_by_name(tmp_path, changes, message):
    path = _priors_file(tmp_path, **changes)
    with pytest.raises(CalibrationError) as err:
        load_priors(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_priors_name_schema_parameters_and_say_why(tmp_path):
    path = tmp_path / "priors.toml"
    for text, message in [
        ("[trust_wieght]\nlow = 0\nhigh = 1\nwhy = 'w'\n", "[trust_wieght]: no parameter"),
        ("[n_groups]\nlow = 10\nhigh = 60\nwhy = 'w'\n", "only real-valued parameters"),
        ("[trust_weight]\nlow = 0\nhigh = 1\n", "why is required"),
        ("[trust_weight]\nlow = 0\nhigh = 1\nwhy = 'w'\nmean = 1\n", "unknown field(s) ['mean']"),
        ("[trust_weight]\nlow = 0\nhigh = 1\nwhy = 'w'\nblock = ''\n", "block must be a non-empty"),
        ("[trust_weight]\nlow = 0\nhigh = 1\nwhy = 'w'\n", "hand_set is required"),
        ("[trust_weight]\nlow = 0\nhigh = 1\nhand_set = 2\nwhy = 'w'\n",
         "hand_set = 2 lies outside the prior, 0 to 1"),
    ]:
        path.write_text(text)
        with pytest.raises(CalibrationError, match=".*") as err:
            load_priors(path)
        assert message in str(err.value), (text, str(err.value))


def test_the_priors_lie_inside_the_schema_and_cover_their_defaults():
    for p in load_priors():
        assert p.low <= p.default <= p.high, p.name
        assert p.from_logit(p.to_logit(p.default)) == pytest.approx(p.default)


def test_the_proposal_moves_each_block_of_priors_jointly():
    blocks = set(pipeline.proposal(load_priors()).mapping)
    assert {("virtuous_base", "hostility_base"), ("mediation_effect", "imposition_weight"),
            ("wariness_gain", "wariness_heal"), ("size_activity",)} <= blocks
    assert sum(len(b) for b in blocks) == len(load_priors())


def test_a_two_sided_range_without_a_centre_is_refused_for_the_calibration(tmp_path):
    text = TARGETS_FILE.read_text()
    head, rest = text.split("[P2_positive_more_common]", 1)
    section, tail = rest.split("\n\n", 1)
    section = "\n".join(line for line in section.split("\n")
                        if not line.startswith(("centre", "scale")))
    path = tmp_path / "targets.toml"
    path.write_text(head + "[P2_positive_more_common]" + section + "\n\n" + tail)
    with pytest.raises(CalibrationError) as err:
        pipeline.calibrate(QUICK, tmp_path / "out", targets_path=path, log=lambda m: None)
    message = str(err.value)
    assert str(path) in message and "[P2_positive_more_common]" in message
    assert "give centre, scale and scale_basis" in message
    assert not (tmp_path / "out").exists()


def test_a_malformed_targets_file_is_refused_by_target_and_field(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text(TARGETS_FILE.read_text().replace("scale = 0.14", "scale = -0.14"))
    with pytest.raises(CalibrationError) as err:
        pipeline.calibrate(QUICK, tmp_path / "out", targets_path=path, log=lambda m: None)
    assert f"{path}: [P1_contact_trust]: scale must be a positive number" in str(err.value)


# -- the pieces ----------------------------------------------------------------------------
def _target(**kw) -> Target:
    base = dict(name="T", statistic="contact_trust_r", low=0.0, high=math.inf, claim="c",
                source="s", where="w")
    return Target(**{**base, **kw})


def test_a_one_sided_target_counts_only_the_wrong_side():
    t = _target()
    assert gaps.gap(t, 0.5) == 0.0 and gaps.gap(t, 5.0) == 0.0 and gaps.gap(t, -0.2) == 0.2
    upper = _target(low=-math.inf, high=1.0)
    assert gaps.gap(upper, 0.5) == 0.0 and gaps.gap(upper, 1.5) == 0.5
    two = _target(high=1.0, centre=0.2, scale=0.1, scale_basis="b")
    assert gaps.gap(two, 0.5) == pytest.approx(0.3) and gaps.gap(two, 0.0) == pytest.approx(-0.2)
    assert gaps.gap(two, math.nan) == gaps.gap(t, math.inf) == gaps.UNMEASURED_GAP


def test_the_scales_come_from_the_statistics_and_respect_the_sources_uncertainty():
    one = _target(name="A")
    two = _target(name="B", high=1.0, centre=0.2, scale=0.5, scale_basis="b")
    ids = ["A", "A.gap", "B", "B.gap"]
    raw_a = np.array([-1.0, 0.0, 1.0, 2.0, 50.0])
    raw_b = np.array([0.2, 0.21, 0.22, 0.23, 0.24])
    samples = np.column_stack([raw_a, [gaps.gap(one, v) for v in raw_a],
                               raw_b, [gaps.gap(two, v) for v in raw_b]])
    samples[4, 1] = gaps.UNMEASURED_GAP  # left out of A's spread
    scales = gaps.GapScales((one, two))(samples=samples, s_ids=ids)
    assert scales[1] == pytest.approx(1.0)  # MAD of -1, 0, 1, 2
    assert scales[3] == 0.5  # B's spread (0.01) floored at the source's scale
    assert scales[0] == scales[2] == 1.0


def test_a_particle_gives_the_same_statistics_in_any_order():
    targets = gaps.check_targets(load_targets(), TARGETS_FILE)
    priors = load_priors()
    sim = simulate.PatternSimulator(targets, {}, steps=30, seeds_per_simulation=1, seed=5)
    a = {p.name: p.default for p in priors}
    b = {**a, "trust_weight": 2.0}
    first, other, again = sim(a), sim(b), sim(a)
    assert first == again and first != other
    assert simulate.particle_seeds(5, a, 2) != simulate.particle_seeds(6, a, 2)


def test_runs_without_metrics_have_the_same_contact_statistics():
    from model.analysis.contact_patterns import pattern_statistics

    ours = simulate.run_statistics({}, [4], 40)[0]
    plain = pattern_statistics(contact_records({}, seeds=[4], steps=40)[0])
    assert ours == plain


def test_the_full_settings_spend_at_least_ten_thousand_model_runs():
    from experiments.calibration.settings import FULL

    assert FULL.max_simulations * FULL.seeds_per_simulation >= 10_000 and FULL.steps >= 300
    assert FULL.seeds_per_simulation >= 4
    # even at full acceptance the generation limit cannot stop it short of the budget
    assert (FULL.max_generations + 1) * FULL.population_size >= FULL.max_simulations


def test_the_odd_lists_the_priors_of_priors_toml():
    """ODD 8.2's table of priors is the one the calibration reads (names, ranges, defaults)."""
    from pathlib import Path

    odd = (Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text()
    section = odd.split("### 8.2 ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = [line for line in section.split("\n") if line.startswith("| `")]
    listed = {}
    for row in rows:
        name, prior, default = (cell.strip() for cell in row.strip("|").split("|")[:3])
        low, high = prior.split(" to ")
        listed[name.strip("`")] = (float(low), float(high), float(default))
    assert listed == {p.name: (p.low, p.high, p.default) for p in load_priors()}
