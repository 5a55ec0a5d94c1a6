"""The experiment engine (experiments/): specs, run plans, storage, runners, resume, CLI.

Every sweep here is tiny (15-20 groups, 30-40 steps) and writes under tmp_path.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import cli
from experiments.catalog import discover, resolve
from experiments.design import plan, run_seed
from experiments.runner import execute, run_sweep, tasks_for
from experiments.spec import Range, Spec, SpecError, load_toml
from experiments.store import ResultStore, StoreError

ROOT = Path(__file__).resolve().parents[1]


def tiny(**changes) -> Spec:
    base = dict(name="tiny", varied={"mediation_capacity": [0.0, 0.6], "instigation": [0.0, 1.0]},
                fixed={"n_groups": 15}, replicates=2, steps=30, root_seed=11,
                outcomes=("stable_alliance_formed", "mean_contract_lifetime", "final_mean_trust",
                          "contracts_signed"))
    base.update(changes)
    return Spec(**base)


def outcome_columns(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["wall_time", "started_at", "worker"]).sort_values("run_id",
                                                                            ignore_index=True)


# -- spec validation ---------------------------------------------------------------------
def test_unknown_parameter_is_named_with_a_suggestion():
    with pytest.raises(SpecError, match=r"varied\.mediation_capacty: unknown parameter "
                                        r"'mediation_capacty' \(did you mean 'mediation_capacity'\?\)"):
        tiny(varied={"mediation_capacty": [0.1]})


def test_level_out_of_range_names_field_value_and_range():
    with pytest.raises(SpecError) as e:
        tiny(varied={"instigation": [0.0, 1.5]})
    msg = str(e.value)
    assert "varied.instigation[1]" in msg and "1.5" in msg and "number in [0, 1]" in msg


def test_fixed_and_range_values_are_checked():
    with pytest.raises(SpecError, match=r"fixed\.n_groups.*'n_groups' = 1 .*integer in \[2, 100000\]"):
        tiny(fixed={"n_groups": 1})
    with pytest.raises(SpecError, match=r"varied\.instigation\.high.*2\.0"):
        tiny(design="lhs", samples=4, varied={"instigation": (0.0, 2.0)})
    with pytest.raises(SpecError, match="must be below"):
        tiny(design="lhs", samples=4, varied={"instigation": (0.5, 0.2)})
    with pytest.raises(SpecError, match="needs a numeric parameter"):
        tiny(design="lhs", samples=4, varied={"instigation_mode": ("uniform", "targeted")})


def test_design_shape_mismatches_and_other_fields():
    with pytest.raises(SpecError, match="grid design needs a list of levels"):
        tiny(varied={"instigation": (0.0, 1.0)})
    with pytest.raises(SpecError, match="samples a \\(low, high\\) range"):
        tiny(design="sobol", samples=8)
    with pytest.raises(SpecError, match="design = 'factorial'"):
        tiny(design="factorial")
    with pytest.raises(SpecError, match="samples = 0"):
        tiny(design="lhs", varied={"instigation": (0.0, 1.0)})
    with pytest.raises(SpecError, match="unknown outcome.*'stable'"):
        tiny(outcomes=("stable",))
    with pytest.raises(SpecError, match="both varied and fixed"):
        tiny(fixed={"instigation": 0.2})
    with pytest.raises(SpecError, match="replicates = 0"):
        tiny(replicates=0)
    with pytest.raises(SpecError, match="scenario = 'atlantis'.*not found"):
        tiny(scenario="atlantis")
    with pytest.raises(SpecError, match="scenario 'river_valley' fixes n_groups"):
        tiny(scenario="river_valley")  # tiny fixes n_groups = 15; the scenario has 7 groups
    assert tiny(scenario="river_valley", fixed={"n_groups": 7}).scenario == "river_valley"
    with pytest.raises(SpecError, match=r"varied\.instigation\[0\]"):  # the quick variant too
        tiny(quick={"varied": {"instigation": [3.0]}})


def test_toml_spec_and_hash(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text("""
[experiment]
design = "lhs"
samples = 5
replicates = 2
steps = 40
root_seed = 3
outcomes = ["stable_alliance_formed"]
[varied]
instigation = { low = 0.0, high = 1.0 }
n_movements = { low = 2, high = 12 }
[fixed]
n_groups = 20
[quick]
samples = 2
replicates = 1
[quick.fixed]
n_groups = 15
""")
    spec = load_toml(path)
    assert spec.name == "sweep" and spec.varied["instigation"] == Range(0.0, 1.0)
    quick = spec.quick_variant()
    assert quick.fixed == {"n_groups": 15} and quick.samples == 2 and quick.is_quick
    assert quick.results_name == "sweep-quick"
    assert spec.hash() == load_toml(path).hash() != quick.hash()
    path.write_text(path.read_text().replace("high = 1.0", "high = 1.5"))
    with pytest.raises(SpecError, match=r"sweep\.toml.*varied\.instigation\.high"):
        load_toml(path)


def test_description_does_not_change_the_hash():
    assert tiny(description="a").hash() == tiny(description="b").hash() != tiny(steps=31).hash()


# -- the run plan ------------------------------------------------------------------------
def test_design_sizes():
    assert len(plan(tiny())) == 2 * 2 * 2
    lhs = tiny(design="lhs", samples=7, replicates=3,
               varied={"instigation": (0.0, 1.0), "n_movements": (0, 20)})
    p = plan(lhs)
    assert len(p) == 21 and len(p.points) == 7
    assert all(isinstance(pt["n_movements"], int) for pt in p.points)  # integers rounded
    sobol = tiny(design="sobol", samples=8, replicates=1,
                 varied={"instigation": (0.0, 1.0), "mediation_capacity": (0.0, 0.6),
                         "openness_mean": (0.1, 0.5)})
    assert len(plan(sobol)) == 8 * (3 + 2)
    morris = tiny(design="morris", samples=4, replicates=2,
                  varied={"instigation": (0.0, 1.0), "mediation_capacity": (0.0, 0.6)})
    assert len(plan(morris)) == 4 * (2 + 1) * 2


def test_seeds_are_independent_streams_and_reproducible():
    p = plan(tiny(replicates=3))
    again = plan(tiny(replicates=3))
    assert [(r.run_id, r.params, r.seed) for r in p.runs] == \
           [(r.run_id, r.params, r.seed) for r in again.runs]
    seeds = [r.seed for r in p.runs]
    assert len(set(seeds)) == len(seeds) and all(0 <= s < 2**63 for s in seeds)
    streams = np.random.SeedSequence(11).spawn(4)
    assert seeds[4] == run_seed(streams[1].spawn(3)[1])  # point 1, replicate 1
    assert [r.run_id for r in p.runs] == list(range(12))
    assert {r.seed for r in plan(tiny(root_seed=12)).runs}.isdisjoint(seeds)


# -- running -----------------------------------------------------------------------------
def test_local_run_equals_dask_cluster_run(tmp_path):
    from distributed import LocalCluster

    spec = tiny()
    local = run_sweep(spec, tmp_path / "local", workers=2, quiet=True)
    assert local.manifest["status"] == "complete" and len(local.runs) == 8
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:
        remote = run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address,
                           quiet=True)
    assert remote.manifest["backend"] == "dask"
    pd.testing.assert_frame_equal(outcome_columns(local.runs), outcome_columns(remote.runs),
                                  check_exact=True)
    # and both equal a direct run of the model with the planned seed
    task = tasks_for(plan(spec))[5]
    row, _ = execute(task)
    from model.run import run

    direct = run({"n_groups": 15, **plan(spec).points[2]}, seed=task.seed, steps=30)
    assert row["final_mean_trust"] == direct["final_mean_trust"] == \
        local.runs.loc[5, "final_mean_trust"]
    manifest = local.manifest
    for key in ("spec", "spec_hash", "root_seed", "git_commit", "started", "finished"):
        assert manifest[key] is not None
    assert set(manifest["versions"]) >= {"python", "numpy", "mesa", "alliance-abm"}
    assert manifest["planned_runs"] == manifest["completed_runs"] == 8


def test_failing_run_is_recorded_and_reported(tmp_path, capsys):
    # the measure raises for instigation above 0.5: a run that fails while the sweep goes on
    spec = tiny(varied={"instigation": [0.2, 0.9]}, measure="tests.sample_measure:fails_when_instigated",
                timeseries=True)
    result = run_sweep(spec, tmp_path, workers=1, quiet=True)
    df = result.runs
    assert result.manifest["status"] == "failed" and result.manifest["failed_runs"] == 2
    bad = df[df["error"].notna()]
    assert list(bad["instigation"]) == [0.9, 0.9]
    assert bad["error"].str.contains("RuntimeError: instigation 0.9 is too much").all()
    assert bad["stable_alliance_formed"].isna().all()
    assert df[df["error"].isna()]["final_mean_trust"].notna().all()
    series = ResultStore(tmp_path, spec).load_timeseries()
    assert sorted(series["run_id"].unique()) == [0, 1] and len(series) == 2 * 31
    from experiments.report import build_report

    text = build_report(spec, tmp_path).read_text()
    assert "## Failed runs" in text and "RuntimeError" in text and "2 failed" in text


def test_changed_spec_is_refused_on_resume(tmp_path):
    spec = tiny(varied={"instigation": [0.0]}, replicates=1)
    run_sweep(spec, tmp_path, workers=1, quiet=True)
    changed = tiny(varied={"instigation": [0.0]}, replicates=1, steps=35)
    with pytest.raises(StoreError, match="spec changed since these results were written"):
        run_sweep(changed, tmp_path, workers=1, quiet=True, resume=True)
    with pytest.raises(StoreError, match="already holds results"):
        run_sweep(spec, tmp_path, workers=1, quiet=True)
    lock = ResultStore(tmp_path, spec).lock_path
    lock.write_text(f"{socket.gethostname()} {os.getpid()}")  # a live sweep: this process
    with pytest.raises(StoreError, match="another sweep .* is writing these results"):
        run_sweep(changed, tmp_path, workers=1, quiet=True, fresh=True)
    ended = subprocess.Popen(["true"])
    ended.wait()  # a process that has ended: its lock is stale and taken over
    lock.write_text(f"{socket.gethostname()} {ended.pid}")
    fresh = run_sweep(changed, tmp_path, workers=1, quiet=True, fresh=True)
    assert fresh.manifest["spec_hash"] == changed.hash() and len(fresh.runs) == 1
    assert cli.main(["run", "tiny", "--results", str(tmp_path)]) == 2  # unknown name


def test_truncated_and_foreign_files_are_reported_by_name(tmp_path):
    spec = tiny(varied={"instigation": [0.0]}, replicates=2)
    run_sweep(spec, tmp_path, workers=1, quiet=True)
    store = ResultStore(tmp_path, spec)
    runs = store.runs_path
    data = runs.read_bytes()
    runs.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match=rf"{runs}: unreadable Parquet file \(truncated"):
        store.load()
    with pytest.raises(StoreError, match="runs.parquet: unreadable"):
        run_sweep(spec, tmp_path, workers=1, quiet=True, resume=True)
    runs.write_bytes(data)
    (store.dir / "runs").mkdir()
    part = store.dir / "runs" / "part-000007.parquet"
    part.write_bytes(data[:100])
    with pytest.raises(StoreError, match="part-000007.parquet: unreadable"):
        store.load()
    part.unlink()
    pd.read_parquet(runs).to_parquet(part)  # a valid Parquet file this engine did not write
    with pytest.raises(StoreError, match="part-000007.parquet: foreign Parquet file"):
        store.load()
    part.unlink()
    (store.dir / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match=r"foreign file\(s\).*notes\.txt"):
        store.load()


def test_sigkill_halfway_then_resume_gives_exactly_the_plan(tmp_path):
    spec_file = tmp_path / "killme.toml"
    spec_file.write_text("""
[experiment]
replicates = 8
steps = 40
root_seed = 5
outcomes = ["stable_alliance_formed", "final_mean_trust"]
[varied]
instigation = [0.0, 0.5, 1.0]
mediation_capacity = [0.2, 0.5]
[fixed]
n_groups = 20
""")
    results = tmp_path / "results"
    cmd = [sys.executable, "-m", "experiments", "run", str(spec_file), "--workers", "1",
           "--quiet", "--batch-size", "3", "--results", str(results)]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    parts = results / "killme" / "runs"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if parts.is_dir() and len(list(parts.glob("part-*.parquet"))) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    spec = resolve(str(spec_file))
    stored = ResultStore(results, spec).completed()
    assert 0 < len(stored) < 48
    code = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert code.returncode == 0, code.stderr
    assert "taking over" in code.stderr  # the killed sweep's lock
    df = pd.read_parquet(results / "killme" / "runs.parquet")
    assert sorted(df["run_id"]) == list(range(48)) and not df["run_id"].duplicated().any()
    assert not (results / "killme" / "runs").exists()
    assert f"({48 - len(stored)} run now" in code.stdout
    # resumed runs are the same runs: compare a few with direct execution
    tasks = tasks_for(plan(spec))
    for i in (0, 47):
        row, _ = execute(tasks[i])
        assert row["final_mean_trust"] == df.loc[df.run_id == i, "final_mean_trust"].item()


# -- catalog and CLI ---------------------------------------------------------------------
def test_catalog_lists_the_demo_and_its_quick_variant_is_tiny(capsys):
    specs = discover()
    assert "mediation_demo" in specs
    assert len(plan(specs["mediation_demo"].quick_variant())) <= 10
    assert cli.main(["list"]) == 0
    assert "mediation_demo" in capsys.readouterr().out


def test_cli_run_and_report_quick(tmp_path, capsys):
    args = ["--quick", "--results", str(tmp_path)]
    assert cli.main(["run", "mediation_demo", "--workers", "2", "--quiet", *args]) == 0
    assert "8/8 runs stored" in capsys.readouterr().out
    assert cli.main(["report", "mediation_demo", *args]) == 0
    out = capsys.readouterr().out
    assert "P(stable alliance) over mediation_capacity x instigation" in out
    assert "Effect sizes" in out
    folder = tmp_path / "mediation_demo-quick"
    assert (folder / "report.png").stat().st_size > 1000
    assert sorted(p.name for p in folder.iterdir()) == \
        ["manifest.json", "report.md", "report.png", "runs.parquet"]
    assert cli.main(["run", "no_such_experiment", *args]) == 2
    assert "unknown experiment 'no_such_experiment'" in capsys.readouterr().err
    assert not math.isnan(pd.read_parquet(folder / "runs.parquet")["wall_time"].sum())


@pytest.mark.filterwarnings("ignore:Constant values encountered:UserWarning")
def test_sampling_designs_run_and_report(tmp_path):
    from experiments.report import build_report

    ranges = {"mediation_capacity": (0.0, 0.8), "instigation": (0.0, 1.0)}
    common = dict(varied=ranges, replicates=1, steps=30,
                  outcomes=("final_mean_trust", "contracts_signed", "stable_alliance_formed"))
    expected = {"sobol": ("## Sobol indices of final_mean_trust", 2 * 4),
                "morris": ("## Morris elementary effects of final_mean_trust", 2 * 3),
                "lhs": ("(binned 5 x 5)", 6)}
    for design, (heading, runs) in expected.items():
        spec = tiny(name=f"s_{design}", design=design, samples=2 if design != "lhs" else 6,
                    **common)
        result = run_sweep(spec, tmp_path, workers=2, quiet=True)
        assert len(result.runs) == runs and result.runs["error"].isna().all()
        text = build_report(spec, tmp_path).read_text()
        assert heading in text, (design, text)
        assert (tmp_path / f"s_{design}" / "report.png").exists()


def test_resume_cleans_interrupted_writes_and_keeps_timeseries_exact(tmp_path):
    spec = tiny(timeseries=True)
    tasks = tasks_for(plan(spec))
    store = ResultStore(tmp_path, spec, log=lambda m: None)
    store.open(resume=False, fresh=False, planned=len(tasks), info={})
    first, second = [execute(t) for t in tasks[:2]], [execute(t) for t in tasks[2:4]]
    store.write_batch([r for r, _ in first], [s for _, s in first])
    store.write_batch([r for r, _ in second], [s for _, s in second])
    # a kill between the two writes of batch 2 (time series written, runs part not yet),
    # and a kill in the middle of a temporary file
    (store.dir / "runs" / "part-000002.parquet").unlink()
    (store.dir / "runs" / ".part-000003.parquet.tmp").write_bytes(b"PAR1 half")
    messages = []
    result = run_sweep(spec, tmp_path, workers=1, quiet=True, resume=True, log=messages.append)
    assert result.executed == 6 and sorted(result.runs["run_id"]) == list(range(8))
    assert any(".part-000003.parquet.tmp" in m for m in messages)
    assert any("timeseries/part-000002.parquet" in m for m in messages)
    series = ResultStore(tmp_path, spec).load_timeseries()
    assert len(series) == 8 * 31 and not series.duplicated(["run_id", "step"]).any()
    assert result.manifest["resumed"] and result.manifest["status"] == "complete"


def test_an_experiment_that_cannot_be_declared_here_fails_only_when_asked_for(monkeypatch,
                                                                            tmp_path, capsys):
    """An installed wheel has no committed posterior: e10 cannot be built there, yet listing
    and running every other experiment must work, and asking for e10 names the missing file."""
    from experiments import catalog, posterior
    from experiments.cli import main

    monkeypatch.setattr(posterior, "DEFAULT_POSTERIOR", str(tmp_path / "absent.parquet"))
    for name in list(sys.modules):
        if name == "experiments.e10_mediation_necessity":
            monkeypatch.delitem(sys.modules, name)
    assert "e10_mediation_necessity" in catalog.unavailable()
    assert catalog.resolve("mediation_demo").name == "mediation_demo"
    with pytest.raises(SpecError, match="absent.parquet"):
        catalog.resolve("e10_mediation_necessity")
    assert main(["list"]) == 0
    assert "e10_mediation_necessity" in capsys.readouterr().out
