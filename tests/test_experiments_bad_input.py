"""Issue 18's bad inputs on the experiments side, one test each: every case ends in one named
error (field, value, what is allowed) before any run, or, for a sweep whose runs fail, in exit
status 1 saying how many. Runs that must happen run in this process (tiny, a few steps)."""

from __future__ import annotations

import json
import socket
import time

import pandas as pd
import pytest

from experiments import cli, runner
from experiments.design import plan, planned_runs
from experiments.runner import SchedulerError, connect, execute, parse_scheduler, run_sweep
from experiments.spec import Spec, SpecError, load_toml
from experiments.store import ResultStore, StoreError
from model.core.resources import ResourceError

BASE = """
[experiment]
steps = 2
{experiment}
[varied]
n_groups = [8]
{tables}
"""


def toml_spec(tmp_path, experiment: str = "", tables: str = ""):
    path = tmp_path / "bad.toml"
    path.write_text(BASE.format(experiment=experiment, tables=tables))
    return path


def serial(tasks, workers):
    """In-process stand-in for run_local: the same runs, without spawning workers."""
    return (execute(task) for task in tasks)


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if any run starts: every error here must come first."""
    def refuse(tasks, workers):
        if tasks:
            raise AssertionError("a run started before the error was found")
        yield from ()

    monkeypatch.setattr(runner, "run_local", refuse)


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = cli.main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


# -- spec fields of the wrong type ------------------------------------------------------
@pytest.mark.parametrize("line, field, says", [
    ('timeseries = "no"', "timeseries", "true or false (a TOML boolean, not a string)"),
    ("name = 3", "name", "a string of 1 to 100 ASCII letters"),
    ("outcomes = 3", "outcomes", "a list of outcome names"),
    ('outcomes = "x"', "outcomes", "a list of outcome names"),
    ('outcomes = ["final_hostility", "final_hostility"]', "outcomes", "listed twice"),
    ("replicates = 2.0", "replicates", "an integer >= 1"),
    ("root_seed = -1", "root_seed", "an integer >= 0"),
    ("samples = true", "samples", "an integer >= 0"),
    ('design = ["grid"]', "design", "one of grid, lhs, sobol, morris"),
    ("description = 3", "description", "a string"),
    ("scenario = 3", "scenario", "a string"),
    ('measure = "not a reference"', "measure", "'package.module:function'"),
])
def test_wrong_types_in_experiment_are_named(tmp_path, line, field, says):
    with pytest.raises(SpecError) as e:
        load_toml(toml_spec(tmp_path, line))
    assert e.value.field == field and says in str(e.value)
    assert f"{field} = " in str(e.value) or field in ("outcomes", "measure")


@pytest.mark.parametrize("tables, field, says", [
    ('[fixed]\nopenness_mean = { low = "0.1", high = 0.5 }', "fixed.openness_mean",
     "number in [0.01, 0.99], given as a number"),
    ('[fixed]\nenable_mediation = "no"', "fixed.enable_mediation", "a TOML boolean"),
    ("[fixed]\ncontact_memory = 4.0", "fixed.contact_memory", "given as an integer"),
    ('[fixed]\ncontact_bias = "0.1"', "fixed.contact_bias", "given as a number"),
    ("[fixed]\ncontact_bias = nan", "fixed.contact_bias", "number in [0, 1]"),
    ("[fixed]\ncontact_bias = 1e999", "fixed.contact_bias", "number in [0, 1]"),
    ("[fixed]\nn_groups = 100000000000000000000", "fixed.n_groups", "integer in [2, 100000]"),
    ('[fixed]\nenemy_schedule = 1', "fixed.enemy_schedule", "one of constant, fading, pulse"),
    ("[quick]\nreplicates = [1]", "quick.replicates", "an integer >= 1"),
    ("[quick]\ntimeseries = 1", "quick.timeseries", "a TOML boolean"),
    ("[quick]\nsteps = 0", "quick.steps", "an integer >= 1"),
    ("[quick.fixed]\nn_groups = 1", "quick.fixed.n_groups", "integer in [2, 100000]"),
    ("[quick.varied]\nn_groups = 3", "quick.varied.n_groups", "a list of levels"),
    ("[quick]\nquick = [1]", "quick", "allowed: varied, fixed"),
])
def test_wrong_types_in_tables_are_named(tmp_path, tables, field, says):
    with pytest.raises(SpecError) as e:
        load_toml(toml_spec(tmp_path, tables=tables))
    assert e.value.field == field and says in str(e.value), str(e.value)


def test_range_bounds_must_be_numbers(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('[experiment]\ndesign = "lhs"\nsamples = 4\n'
                    '[varied]\nopenness_mean = { low = "0.1", high = 0.5 }\n')
    with pytest.raises(SpecError, match=r"varied\.openness_mean\.low = '0\.1' is not allowed: "
                                        r"expected a number"):
        load_toml(path)
    path.write_text('[experiment]\ndesign = "lhs"\nsamples = 4\n'
                    '[varied]\nopenness_mean = { low = 0.1, high = 0.5, step = 0.1 }\n')
    with pytest.raises(SpecError, match=r"varied\.openness_mean = .*a range \{low = \.\., high"):
        load_toml(path)


def test_tables_that_are_not_tables(tmp_path):
    path = tmp_path / "t.toml"
    for text, field in [("quick = [1]\n[varied]\nn_groups = [8]\n", "quick"),
                        ("varied = 3\n", "varied"), ("experiment = 3\n", "experiment"),
                        ("fixed = [1]\n[varied]\nn_groups = [8]\n", "fixed")]:
        path.write_text(text)
        with pytest.raises(SpecError) as e:
            load_toml(path)
        assert e.value.field == field and f"{field} = " in str(e.value)


def test_a_file_name_that_cannot_be_a_name_says_so(tmp_path):
    path = tmp_path / "my sweep.toml"
    path.write_text("[varied]\nn_groups = [8]\n")
    with pytest.raises(SpecError, match="file name 'my sweep' cannot be the experiment's name"):
        load_toml(path)


def test_a_python_spec_that_is_not_python_is_named(tmp_path, capsys):
    path = tmp_path / "broken.py"
    path.write_text("SPEC = Spec(name='x'\n")
    code, err = run_cli(capsys, "run", str(path))
    assert code == 2 and "broken.py: not valid Python (line 1" in err


def test_accepted_values_are_not_changed():
    spec = Spec(name="kept", varied={"contact_bias": [0, 0.25]}, fixed={"n_groups": 9},
                timeseries=True)
    assert spec.varied["contact_bias"] == [0, 0.25] and spec.fixed == {"n_groups": 9}
    assert [r.params for r in plan(spec).runs] == [{"n_groups": 9, "contact_bias": 0.0},
                                                   {"n_groups": 9, "contact_bias": 0.25}]


# -- limits before work ------------------------------------------------------------------
def test_huge_replicates_are_refused_before_planning(tmp_path):
    spec = load_toml(toml_spec(tmp_path, "replicates = 4611686018427387904"))
    assert planned_runs(spec) == 4611686018427387904
    start = time.perf_counter()
    with pytest.raises(ResourceError, match=r"'replicates' gives 4,611,686,018,427,387,904 runs"
                                            r".*ALLIANCE_ABM_MAX_RUNS"):
        plan(spec)
    assert time.perf_counter() - start < 1


def test_huge_samples_and_grids_are_refused_by_arithmetic(tmp_path, monkeypatch):
    spec = Spec(name="big", design="sobol", samples=2**40, varied={"contact_bias": (0.0, 0.5)})
    with pytest.raises(ResourceError, match=r"'samples' gives 3,298,534,883,328 runs"):
        plan(spec)
    monkeypatch.setenv("ALLIANCE_ABM_MAX_RUNS", "10")
    grid = Spec(name="grid", varied={"contact_bias": [0.1, 0.2, 0.3], "bond": [0, 1, 2, 3]})
    with pytest.raises(ResourceError, match=r"'varied' gives 12 runs.*limit of 10"):
        plan(grid)


def test_limits_are_checked_before_any_run(tmp_path, monkeypatch, capsys, no_runs):
    path = toml_spec(tmp_path)
    path.write_text(path.read_text().replace("steps = 2", "steps = 1000000000000"))
    code, err = run_cli(capsys, "run", str(path), "--results", str(tmp_path / "r"))
    assert code == 2 and "'steps' = 1000000000000 is not allowed" in err
    assert "ALLIANCE_ABM_MAX_STEPS" in err and not (tmp_path / "r").exists()
    path = tmp_path / "big.toml"
    path.write_text("[varied]\nn_groups = [8, 90000]\n")
    monkeypatch.setenv("ALLIANCE_ABM_MAX_MEMORY_GIB", "100")
    code, err = run_cli(capsys, "run", str(path), "--results", str(tmp_path / "r"),
                        "--workers", "1")
    assert code == 2 and "'n_groups' = 90000" in err and "ALLIANCE_ABM_MAX_MEMORY_GIB" in err
    monkeypatch.setenv("ALLIANCE_ABM_MAX_MEMORY_GIB", "1")
    path.write_text("[experiment]\nreplicates = 4\n[varied]\nn_groups = [4000]\n")
    code, err = run_cli(capsys, "run", str(path), "--results", str(tmp_path / "r"),
                        "--workers", "4")
    assert code == 2 and "x 4 runs at once" in err and "fewer workers" in err
    monkeypatch.setenv("ALLIANCE_ABM_MAX_RUNS", "lots")
    code, err = run_cli(capsys, "run", str(path), "--results", str(tmp_path / "r"))
    assert code == 2 and "ALLIANCE_ABM_MAX_RUNS = 'lots' is not allowed" in err


# -- joint rules, failed runs -------------------------------------------------------------
def test_a_point_that_breaks_a_joint_rule_is_refused_up_front(tmp_path, capsys, no_runs):
    path = toml_spec(tmp_path, "", "[fixed]\ndomination_bias = 0.9\ncontact_bias = 0.9")
    code, err = run_cli(capsys, "run", str(path), "--results", str(tmp_path / "r"))
    assert code == 2 and err.count("\n") == 1
    assert "'domination_bias' + 'contact_bias' = 0.9 + 0.9" in err and "at most 1" in err
    assert not (tmp_path / "r").exists()
    spec = Spec(name="some", varied={"domination_bias": [0.2, 0.8, 0.9]},
                fixed={"contact_bias": 0.3})
    with pytest.raises(SpecError, match=r"2 of 3 design point\(s\) cannot run; the first, "
                                        r"point 1 \(domination_bias=0\.8\)") as e:
        plan(spec)
    assert e.value.field == "varied"


def test_a_sweep_with_failed_runs_exits_1_and_says_how_many(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runner, "run_local", serial)
    path = tmp_path / "bad.toml"
    path.write_text('[experiment]\nsteps = 2\noutcomes = ["groups_measured"]\n'
                    'measure = "tests.sample_measure:fails_when_instigated"\n'
                    "[varied]\ninstigation = [0.1, 0.9]\n[fixed]\nn_groups = 6\n")
    code = cli.main(["run", str(path), "--results", str(tmp_path / "r"), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1 and "1 of 2 runs failed" in err and "'error' column" in err
    assert "status failed" in out and "complete" not in out + err
    manifest = json.loads((tmp_path / "r" / "bad" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed_runs"] == 1


# -- the scheduler ---------------------------------------------------------------------
@pytest.mark.parametrize("address", ["nonsense", "tcp://host", "http://host:8786",
                                     "tcp://host:99999", "tcp://:8786", "tcp://a b:1", ""])
def test_malformed_scheduler_addresses_are_refused_at_once(address, capsys):
    with pytest.raises(SchedulerError, match="expected SCHEME://HOST:PORT"):
        parse_scheduler(address)
    with pytest.raises(SystemExit) as e:
        cli.main(["run", "mediation_demo", "--scheduler", address])
    assert e.value.code == 2 and "argument --scheduler" in capsys.readouterr().err


def test_good_scheduler_addresses_parse():
    assert parse_scheduler("tcp://127.0.0.1:8786") == ("tcp", "127.0.0.1", 8786)
    assert parse_scheduler("tls://[::1]:8786") == ("tls", "::1", 8786)
    assert parse_scheduler("scheduler-host:8786") == ("tcp", "scheduler-host", 8786)


def test_an_unreachable_scheduler_is_one_line_within_the_timeout(tmp_path, capsys, no_runs):
    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(SchedulerError, match=f"tcp://127.0.0.1:{port}' cannot be reached"):
        connect(f"tcp://127.0.0.1:{port}", timeout=2)
    assert time.perf_counter() - start < 5
    code, err = run_cli(capsys, "run", str(toml_spec(tmp_path)), "--results",
                        str(tmp_path / "r"), "--scheduler", f"tcp://127.0.0.1:{port}",
                        "--connect-timeout", "2")
    assert code == 2 and err.count("\n") == 1 and "--connect-timeout" in err


def test_a_server_that_is_not_a_scheduler_is_named(tmp_path):
    with socket.socket() as server:  # accepts, then answers like an HTTP server would
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        import threading

        def answer():
            conn, _ = server.accept()
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 4)
            time.sleep(3)
            conn.close()

        threading.Thread(target=answer, daemon=True).start()
        start = time.perf_counter()
        with pytest.raises(SchedulerError, match="no Dask scheduler answered within 2 s"):
            connect(f"tcp://127.0.0.1:{port}", timeout=2)
        assert time.perf_counter() - start < 6


def test_connect_timeout_must_be_positive(capsys):
    for value in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(SystemExit):
            cli.main(["run", "mediation_demo", "--connect-timeout", value])
        assert "argument --connect-timeout" in capsys.readouterr().err


# -- the results folder -------------------------------------------------------------------
def fake_runs(spec: Spec, results) -> ResultStore:
    """Store every planned run of ``spec`` without running the model (rows of NaNs)."""
    store = ResultStore(results, spec, log=lambda msg: None)
    p = plan(spec)
    store.open(resume=False, fresh=True, planned=len(p), info={"backend": "test"})
    rows = [{"run_id": r.run_id, "point": r.point, "replicate": r.replicate, "seed": r.seed,
             **r.params, **dict.fromkeys(spec.outcomes, float("nan")), "wall_time": 0.0,
             "started_at": 0.0, "worker": "test", "error": None} for r in p.runs]
    store.write_batch(rows)
    store.finish({r.run_id for r in p.runs})
    return store


def test_a_missing_manifest_is_rebuilt_from_the_stored_hash(tmp_path, capsys, no_runs):
    spec = Spec(name="kept", varied={"n_groups": [8, 9]}, steps=2)
    store = fake_runs(spec, tmp_path)
    store.manifest_path.unlink()
    with pytest.raises(StoreError, match="manifest.json is missing, but runs are stored.*"
                                         "--resume.*no run is repeated") as e:
        ResultStore(tmp_path, spec).load()
    assert "--fresh" not in str(e.value)
    notes = []
    result = run_sweep(spec, tmp_path, workers=1, quiet=True, resume=True, log=notes.append)
    assert result.executed == 0 and result.manifest["status"] == "complete"
    assert "manifest_rebuilt" in result.manifest and "is missing; rebuilding it" in notes[0]
    store.manifest_path.write_text("{not json")
    result = run_sweep(spec, tmp_path, workers=1, quiet=True, resume=True, log=notes.append)
    assert result.executed == 0 and "is unreadable; rebuilding it" in notes[-1]


def test_a_missing_manifest_beside_another_specs_runs_keeps_them(tmp_path, no_runs):
    old = Spec(name="kept", varied={"n_groups": [8, 9]}, steps=2)
    fake_runs(old, tmp_path).manifest_path.unlink()
    new = Spec(name="kept", varied={"n_groups": [8, 9]}, steps=3)
    with pytest.raises(StoreError, match=r"is missing, and the stored runs were written for "
                                         r"another spec.*Keep them by moving .* away"):
        run_sweep(new, tmp_path, workers=1, quiet=True, resume=True)
    assert (tmp_path / "kept" / "runs.parquet").exists()


@pytest.mark.parametrize("make, says", [
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file", "is a file, not a folder"),
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file" / "sub",
     "the folder cannot be created"),
    (lambda tmp: (tmp / "r").mkdir() or (tmp / "r" / "bad").write_text("x") and tmp / "r",
     "bad is a file, not a folder"),
    (lambda tmp: "/proc", "cannot be written to"),
])
def test_an_unusable_results_folder_is_refused_before_any_run(tmp_path, capsys, no_runs, make,
                                                              says):
    results = make(tmp_path)
    code, err = run_cli(capsys, "run", str(toml_spec(tmp_path)), "--results", str(results))
    assert code == 2 and err.count("\n") == 1
    assert f"--results = '{results}' is not usable: " in err and says in err
