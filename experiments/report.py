"""``python -m experiments report NAME``: a markdown summary and a figure, from the stored table.

Nothing here runs the model. What the report holds depends on the design:

* every design: provenance (manifest), runs planned/completed/failed, the failed runs with
  their errors, and the mean of each outcome per design point (first 60 points);
* grid: P(stable alliance) per cell with Wilson intervals, the phase diagram of the first two
  varied parameters (or a curve for one), and effect sizes (highest minus lowest level of each
  varied parameter, pooled over the others) with bootstrap confidence intervals;
* lhs: the same probability binned on a 5 x 5 grid of the first two varied parameters;
* sobol: first-order and total indices with confidence intervals for each outcome;
* morris: mu* (with CI) and sigma for each outcome.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import statistics as st
from .design import plan as make_plan
from .plan import banner
from .spec import Spec
from .store import ResultStore

PROBABILITY = "stable_alliance_formed"


def _md(df: pd.DataFrame, floatfmt: str = ".3g") -> str:
    """A small markdown table without optional dependencies."""
    cols = list(df.columns)

    def fmt(v):
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else format(float(v), floatfmt)
        return str(v)

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def build_report(spec: Spec, results_dir: str | Path = "results") -> Path:
    """Write report.md and report.png into the spec's results folder; return report.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    store = ResultStore(results_dir, spec)
    df, manifest = store.load()
    plan = make_plan(spec)
    varied = list(spec.varied)
    ok = st.successful(df)
    failed = df[df["error"].notna()]
    out = [f"# {spec.results_name}", "", *banner(manifest), spec.description or "", ""]
    out += ["| | |", "|---|---|",
            f"| design | {spec.design}, {len(plan.points)} points x {spec.replicates} replicates,"
            f" {spec.steps} steps |",
            f"| runs | {len(plan)} planned, {len(df)} stored, {len(failed)} failed |",
            f"| status | {manifest.get('status')} |",
            f"| spec hash | `{manifest.get('spec_hash')}` |",
            f"| root seed | {manifest.get('root_seed')} |",
            f"| git commit | `{manifest.get('git_commit')}` |",
            f"| started / finished | {manifest.get('started')} / {manifest.get('finished')} |",
            "| versions | " + ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items())
            + " |",
            f"| wall time in runs | {df['wall_time'].sum():.1f} s |", ""]
    if len(df) < len(plan):
        out += [f"**Incomplete:** {len(plan) - len(df)} planned runs are missing; "
                "complete them with `run --resume`.", ""]
    if len(failed):
        cols = ["run_id", *varied, "error"]
        out += ["## Failed runs", "", f"{len(failed)} run(s) raised; their outcomes are empty "
                "and they are left out of every statistic below.", "",
                _md(failed[cols].head(100)), ""]

    means = ok.groupby("point")[[*varied, *spec.outcomes]].mean(numeric_only=True) \
        if len(ok) else pd.DataFrame()
    if len(means):
        means.insert(0, "runs", ok.groupby("point").size())
        out += ["## Outcomes per design point (means over replicates)", "",
                _md(means.reset_index().head(60)), ""]
        if len(means) > 60:
            out += [f"({len(means) - 60} more points in runs.parquet)", ""]

    fig = None
    if spec.design in ("grid", "lhs", "posterior") and PROBABILITY in spec.outcomes and len(ok):
        numeric = [v for v in varied if pd.api.types.is_numeric_dtype(df[v])
                   and not pd.api.types.is_bool_dtype(df[v])]
        if len(numeric) >= 2:
            x, y = numeric[:2]
            bins = 5 if spec.design == "lhs" else None
            grid = st.probability_grid(df, x, y, PROBABILITY, bins=bins)
            out += [f"## P(stable alliance) over {x} x {y}", "",
                    "Wilson 95% intervals" + (" (binned 5 x 5)" if bins else "") + ".", "",
                    _md(grid), ""]
            fig = _phase_figure(plt, grid, x, y)
        elif numeric:
            x = numeric[0]
            g = ok.groupby(x)[PROBABILITY].agg(n="count", k="sum").reset_index()
            g["p"] = g["k"] / g["n"]
            g["low"], g["high"] = st.wilson_interval(g["k"], g["n"])
            out += [f"## P(stable alliance) against {x}", "", _md(g), ""]
            fig, ax = plt.subplots(figsize=(5, 3.5))
            ax.errorbar(g[x], g["p"], yerr=[g["p"] - g["low"], g["high"] - g["p"]], marker="o",
                        capsize=3)
            ax.set(xlabel=x, ylabel="P(stable alliance)", ylim=(-0.02, 1.02))
    if spec.design in ("grid", "posterior") and len(ok):
        effects = []
        for v in varied:
            levels = sorted(ok[v].unique())
            if len(levels) >= 2:
                effects.append(st.effect_sizes(ok, v, levels[0], levels[-1]))
        effects = [e for e in effects if len(e)]
        if effects:
            out += ["## Effect sizes (highest minus lowest level, pooled over the rest)", "",
                    "Bootstrap 95% percentile intervals (scipy.stats.bootstrap, 2,000 "
                    "resamples).", "", _md(pd.concat(effects, ignore_index=True)), ""]
    if spec.design in ("sobol", "morris"):
        problem = spec.problem()
        figs = []
        for outcome in spec.outcomes:
            try:
                Y = st.point_means(df, outcome, len(plan.points))
            except ValueError as e:
                out += [f"## {outcome}", "", f"Not analysed: {e}", ""]
                continue
            if np.ptp(Y) == 0:
                out += [f"## {outcome}", "", "Not analysed: the outcome does not vary.", ""]
                continue
            if spec.design == "sobol":
                table = st.sobol_indices(problem, Y)
                out += [f"## Sobol indices of {outcome}", "", _md(table), ""]
            else:
                table = st.morris_indices(problem, plan.X, Y)
                out += [f"## Morris elementary effects of {outcome}", "", _md(table), ""]
            figs.append((outcome, table))
        if figs:
            fig = _sensitivity_figure(plt, spec.design, figs[:4])
    if fig is not None:
        fig.tight_layout()
        fig.savefig(store.dir / "report.png", dpi=120)
        plt.close(fig)
        out += ["![figure](report.png)", ""]
    path = store.dir / "report.md"
    path.write_text("\n".join(out))
    return path


def _phase_figure(plt, grid: pd.DataFrame, x: str, y: str):
    pivot = grid.pivot(index=y, columns=x, values="p")
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    im = ax.imshow(pivot.to_numpy(), origin="lower", vmin=0, vmax=1, cmap="viridis",
                   aspect="auto")
    ax.set_xticks(range(len(pivot.columns)), [f"{v:g}" for v in pivot.columns])
    ax.set_yticks(range(len(pivot.index)), [f"{v:g}" for v in pivot.index])
    n = grid.pivot(index=y, columns=x, values="n").to_numpy()
    for (i, j), p in np.ndenumerate(pivot.to_numpy()):
        if not np.isnan(p):
            ax.text(j, i, f"{p:.2f}\nn={int(n[i, j])}", ha="center", va="center", fontsize=7,
                    color="white" if p < 0.6 else "black")
    ax.set(xlabel=x, ylabel=y, title="P(stable alliance)")
    fig.colorbar(im, ax=ax)
    return fig


def _sensitivity_figure(plt, design: str, tables: list[tuple[str, pd.DataFrame]]):
    fig, axes = plt.subplots(1, len(tables), figsize=(4.5 * len(tables), 3.8), squeeze=False)
    for ax, (outcome, t) in zip(axes[0], tables):
        if design == "sobol":
            pos = np.arange(len(t))
            ax.bar(pos - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], label="S1", capsize=2)
            ax.bar(pos + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], label="ST", capsize=2)
            ax.set_xticks(pos, t["parameter"], rotation=45, ha="right")
            ax.legend()
        else:
            ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o")
            for _, r in t.iterrows():
                ax.annotate(r["parameter"], (r["mu_star"], r["sigma"]), fontsize=7)
            ax.set(xlabel="mu*", ylabel="sigma")
        ax.set_title(outcome, fontsize=9)
    return fig
