"""The command line: run writes its outputs; bad input exits with a clear message."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "model", *args], capture_output=True, text=True,
                          cwd=ROOT)


def test_run_writes_metrics_figure_contracts_and_summary(tmp_path):
    res = _cli("run", "--steps", "40", "--seed", "7", "--set", "mediation_capacity=0.4",
               "--set", "n_groups=20", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    for name in ("metrics.csv", "metrics.parquet", "contracts.csv", "timeseries.png", "network.png",
                 "summary.json"):
        assert (tmp_path / name).stat().st_size > 0, name
        assert str(tmp_path / name) in res.stdout
    table = pd.read_parquet(tmp_path / "metrics.parquet")
    assert len(table) == 41 and table.index[-1] == 40
    assert pd.read_csv(tmp_path / "metrics.csv", index_col="step").shape == table.shape
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["parameters"]["mediation_capacity"] == 0.4
    assert {"median_lifetime", "renewal_share", "mean_ari"} <= set(summary["stability"])
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no temporary left
    assert "stable alliance formed" in res.stdout and "mean openness" in res.stdout
    assert (tmp_path / "timeseries.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_with_a_shipped_scenario(tmp_path):
    res = _cli("run", "--steps", "20", "--scenario", "river_valley", "--out", str(tmp_path),
               "--format", "csv")
    assert res.returncode == 0, res.stderr
    contracts = pd.read_csv(tmp_path / "contracts.csv")
    assert {"name_a", "name_b"} <= set(contracts.columns)


def test_bad_parameter_exits_2_with_a_message(tmp_path):
    res = _cli("run", "--steps", "5", "--set", "faultline_alignment=1.5", "--out", str(tmp_path))
    assert res.returncode == 2
    assert "faultline_alignment" in res.stderr and "1.5" in res.stderr and "[0, 1]" in res.stderr
    assert "Traceback" not in res.stderr
    res = _cli("run", "--set", "nonsense=1", "--out", str(tmp_path))
    assert res.returncode == 2 and "unknown parameter 'nonsense'" in res.stderr
    res = _cli("run", "--scenario", str(tmp_path / "missing.toml"), "--out", str(tmp_path))
    assert res.returncode == 2 and "not found" in res.stderr


def test_params_lists_the_schema():
    res = _cli("params")
    assert res.returncode == 0 and "mediation_capacity" in res.stdout


def test_compile_readies_the_kernels_in_the_cache_named_by_the_sources(tmp_path):
    res = subprocess.run([sys.executable, "-m", "model", "compile"], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "ALLIANCE_ABM_CACHE": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    assert "model kernels ready" in res.stdout and str(tmp_path) in res.stdout
    folder = next(tmp_path.glob("numba-*"))
    assert any(folder.rglob("*.nbi")), "no kernel was cached"
