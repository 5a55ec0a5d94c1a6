"""The experiments: every quick variant runs and analyses; committed results rebuild.

A researcher's guarantee: the numbers in results/<experiment>/summary.json (and so in
summary.md and results/README.md) are what the committed run tables give when analysed again.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from experiments.analysis import VERDICTS, build_summary, load, to_json
from experiments.readme import experiments_with_analysis, readme_text
from experiments.runner import run_sweep

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
EXPERIMENTS = {spec.name: (spec, module) for spec, module in experiments_with_analysis()}
COMMITTED = sorted(n for n in EXPERIMENTS if (RESULTS / n / "summary.json").exists())


def test_every_experiment_states_hypothesis_sizing_and_quick_scale():
    assert EXPERIMENTS, "no experiment with its own analysis"
    for name, (spec, module) in EXPERIMENTS.items():
        assert module.HYPOTHESIS.strip().endswith("."), name
        assert len(module.SIZING) > 80, name
        assert spec.quick, f"{name} has no quick variant"
        assert module.__doc__ and "ypothesis" in module.__doc__, name


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_quick_variant_runs_and_is_analysed(name, tmp_path):
    spec, module = EXPERIMENTS[name]
    quick = spec.quick_variant()
    result = run_sweep(quick, tmp_path, workers=2, quiet=True)
    assert result.manifest["status"] == "complete"
    assert result.manifest["failed_runs"] == 0, result.runs["error"].dropna().head().tolist()
    build_summary(quick, module, tmp_path)
    folder = tmp_path / quick.results_name
    for f in ("summary.md", "summary.json", "figure.png", "figure.pdf"):
        assert (folder / f).stat().st_size > 0, f
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["verdict"] in VERDICTS and summary["findings"]
    assert module.HYPOTHESIS in (folder / "summary.md").read_text()


def _same(a, b, path="") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_summary_is_what_the_stored_tables_give(name):
    spec, module = EXPERIMENTS[name]
    data = load(spec, RESULTS)
    assert data.manifest["status"] == "complete" and not data.manifest["quick"]
    rebuilt = json.loads(json.dumps(to_json(module.analyse(data), module, data)))
    committed = json.loads((RESULTS / name / "summary.json").read_text())
    _same(rebuilt, committed, name)
    for f in ("summary.md", "figure.png", "figure.pdf", "runs.parquet", "manifest.json"):
        assert (RESULTS / name / f).exists(), f"{name}/{f} is not committed"


def test_committed_results_readme_is_up_to_date():
    if not COMMITTED:
        pytest.skip("no committed experiment results yet")
    assert (RESULTS / "README.md").read_text() == readme_text(RESULTS), \
        "results/README.md is stale: run `python -m experiments readme`"


def test_committed_results_stay_under_30_mb():
    tracked = [p for p in RESULTS.rglob("*") if p.is_file() and "quick" not in p.parent.name
               and p.parent.name != "quickstart" and "quick" not in p.name]
    total = sum(p.stat().st_size for p in tracked)
    assert total < 30e6, f"results/ holds {total / 1e6:.1f} MB"
