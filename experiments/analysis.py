"""An experiment's own analysis: from the stored tables to a verdict, a summary and a figure.

An experiment module (``experiments/<name>.py``) that defines, besides ``SPEC``,

* ``HYPOTHESIS``: the hypothesis in one sentence;
* ``SIZING``: why the design's sizes are enough (a power or convergence argument);
* ``analyse(data: ExperimentData) -> Analysis``: effect sizes with 95% intervals and a verdict;
* ``figure(data: ExperimentData, analysis: Analysis) -> matplotlib Figure`` (use
  ``experiments.style``),

gets ``summary.md``, ``summary.json``, ``figure.png`` and ``figure.pdf`` in its results folder
from ``python -m experiments report NAME``, computed from the stored tables only. Nothing here
runs the model, so a researcher can rebuild every number from the committed tables, and a test
checks that doing so gives the committed ``summary.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from .plan import banner, could_fail_section, plan_section
from .spec import Spec
from .store import ResultStore, atomic_write_bytes

VERDICTS = ("supported", "not supported", "mixed")


@dataclass(frozen=True)
class Finding:
    """One effect size with its 95% confidence interval."""

    name: str
    estimate: float
    low: float
    high: float
    meaning: str = ""


@dataclass
class Analysis:
    """What an experiment found: the verdict and the numbers behind it."""

    verdict: str
    meaning: str
    findings: list[Finding]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict = {self.verdict!r} is not allowed: expected one of "
                             + ", ".join(VERDICTS))


@dataclass
class ExperimentData:
    """The stored results of one experiment, as the analysis reads them."""

    spec: Spec
    runs: pd.DataFrame  # successful runs only
    failed: pd.DataFrame
    manifest: dict
    timeseries: pd.DataFrame | None
    records: pd.DataFrame | None


def load(spec: Spec, results_dir: str | Path = "results") -> ExperimentData:
    """An experiment's stored runs, successful and failed apart, with its manifest and tables."""
    store = ResultStore(results_dir, spec)
    df, manifest = store.load()
    ok = df["error"].isna()
    return ExperimentData(spec=spec, runs=df[ok].reset_index(drop=True),
                          failed=df[~ok].reset_index(drop=True), manifest=manifest,
                          timeseries=store.load_table("timeseries"),
                          records=store.load_table("records"))


def has_analysis(module: ModuleType | None) -> bool:
    """Whether a module has its own analysis; without one, the generic report is written."""
    return module is not None and all(hasattr(module, a) for a in
                                      ("HYPOTHESIS", "SIZING", "analyse", "figure"))


def wall_time(manifest: dict) -> float | None:
    """Seconds from the sweep's start to its end (None when resumed or unfinished)."""
    import datetime as dt

    if manifest.get("resumed") or not manifest.get("finished"):
        return None
    start, end = (dt.datetime.fromisoformat(manifest[k]) for k in ("started", "finished"))
    return (end - start).total_seconds()


def _number(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return None if math.isnan(v) else (str(v) if math.isinf(v) else v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def to_json(analysis: Analysis, module: ModuleType, data: ExperimentData) -> dict:
    """The numbers a rebuild must reproduce (NaN as null, infinities as strings)."""
    return {
        "name": data.spec.name,
        "hypothesis": module.HYPOTHESIS,
        "verdict": analysis.verdict,
        "meaning": analysis.meaning,
        "findings": [{k: _number(v) for k, v in asdict(f).items()} for f in analysis.findings],
        "numbers": {k: _number(v) for k, v in sorted(analysis.numbers.items())},
        "runs": int(len(data.runs)),
        "failed_runs": int(len(data.failed)),
        "spec_hash": data.manifest.get("spec_hash"),
    }


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, float) and math.isinf(v):
        return "not reached" if v > 0 else "-inf"
    return f"{v:.3g}"


def _design_text(spec: Spec) -> list[str]:
    lines = [f"- design: {spec.design}"]
    for name, levels in spec.varied.items():
        shown = (f"[{levels.low:g}, {levels.high:g}]" if hasattr(levels, "low")
                 else ", ".join(f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool)
                                else str(v) for v in levels))
        lines.append(f"- varied `{name}`: {shown}")
    if spec.fixed:
        lines.append("- fixed: " + ", ".join(f"`{k}` = {v}" for k, v in spec.fixed.items()))
    lines.append(f"- replicates per point: {spec.replicates}; steps per run: {spec.steps}"
                 + (f"; base sample size: {spec.samples}" if spec.design != "grid" else ""))
    return lines


def markdown(analysis: Analysis, module: ModuleType, data: ExperimentData,
             results_dir: str | Path) -> str:
    """The text of summary.md: hypothesis, verdict, effect sizes, could it have failed, design,
    the plan and the run's deviations from it, and how to rebuild."""
    from .report import _md

    spec, m = data.spec, data.manifest
    title = (module.__doc__ or spec.name).strip().splitlines()[0].rstrip(".")
    wall = wall_time(m)
    scale = "quick" if spec.is_quick else "full"
    flag = " --quick" if spec.is_quick else ""
    out = [f"# {title}", "", *banner(m),
           f"**Hypothesis.** {module.HYPOTHESIS}", "",
           f"**Verdict: {analysis.verdict}.** {analysis.meaning}", "",
           "![figure](figure.png)", "",
           "## Effect sizes (95% confidence intervals)", "",
           "| effect | estimate | 95% CI | what it measures |", "|---|---|---|---|"]
    for f in analysis.findings:
        out.append(f"| {f.name} | {_fmt(f.estimate)} | [{_fmt(f.low)}, {_fmt(f.high)}] "
                   f"| {f.meaning} |")
    out += ["", "## Design", "", *_design_text(spec), "",
            f"**Why these sizes.** {module.SIZING}", "",
            f"- scale: {scale}; runs: {len(data.runs)} completed, {len(data.failed)} failed "
            f"(of {m.get('planned_runs')} planned)",
            f"- wall time: {wall / 60:.1f} min on {m.get('workers', '?')} worker(s)"
            if wall is not None else "- wall time: not recorded (the sweep was resumed)",
            f"- model time in runs: {data.runs['wall_time'].sum() / 60:.1f} min "
            "(sum over runs)",
            f"- root seed {spec.root_seed}, spec hash `{m.get('spec_hash')}`, "
            f"git commit `{str(m.get('git_commit'))[:12]}`", "",
            *plan_section(spec, m, Path(results_dir) / spec.results_name,
                          pd.concat([data.runs, data.failed]).sort_values("run_id")["seed"]),
            *could_fail_section(module, spec.name)]
    for name, table in analysis.tables.items():
        out += [f"## {name}", "", _md(table), ""]
    if analysis.numbers:
        out += ["## Other numbers", "", "| name | value |", "|---|---|"]
        out += [f"| {k} | {_fmt(v) if isinstance(v, (int, float)) else v} |"
                for k, v in sorted(analysis.numbers.items())]
        out.append("")
    if len(data.failed):
        out += ["## Failed runs", "", f"{len(data.failed)} run(s) raised and are left out; "
                "first errors:", ""]
        out += [f"- run {r.run_id}: {r.error}" for r in data.failed.head(5).itertuples()]
        out.append("")
    out += ["## Rebuild", "", "```bash",
            f".venv/bin/python -m experiments run {spec.name}{flag} --fresh   # the runs",
            f".venv/bin/python -m experiments report {spec.name}{flag}        # this page "
            "and the figure, from the stored tables", "```", ""]
    return "\n".join(out)


def build_summary(spec: Spec, module: ModuleType, results_dir: str | Path = "results") -> Path:
    """Write summary.md, summary.json, figure.png and figure.pdf; return summary.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = load(spec, results_dir)
    analysis = module.analyse(data)
    folder = Path(results_dir) / spec.results_name
    from .figures import save_figure
    from .style import style

    with style():
        fig = module.figure(data, analysis)
    save_figure(fig, folder / "figure")
    plt.close(fig)
    summary = to_json(analysis, module, data)
    atomic_write_bytes(folder / "summary.json",
                       lambda tmp: tmp.write_text(json.dumps(summary, indent=2) + "\n"))
    text = markdown(analysis, module, data, results_dir)
    path = folder / "summary.md"
    atomic_write_bytes(path, lambda tmp: tmp.write_text(text))
    return path
