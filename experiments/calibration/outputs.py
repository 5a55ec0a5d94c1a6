"""What a calibration leaves in its folder besides the pyabc database: the posterior sample
(Parquet), a figure of its marginals and pairwise densities, the posterior predictive check
(Markdown and CSV) and ``summary.md``, which says in plain words which parameters the patterns
pin down and which they leave open; ``settings.json`` lists the settings, the priors and every
parameter left at its default.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from model.analysis.contact_patterns import Target

from .gaps import bound
from .sampling import map_runs
from .simulate import NO_METRICS, PredictiveRun, draw_seeds

SMALL = 100
"""Below this many particles per generation summary.md warns that the posterior means nothing."""

LOW_ESS = 50
"""Below this effective sample size summary.md warns that the intervals are rough."""

PINNED, NARROWED = 0.5, 0.8
"""Verdicts on a parameter by the width of its posterior 95% interval over the prior's own
central 95%: below 0.5 the patterns pin it down, below 0.8 they narrow it, else leave it open."""


def write_outputs(cal, *, workers: int = 1, client=None,
                  log: Callable[[str], None] = print) -> list[Path]:
    """Write every output of a calibration (``pipeline.Calibration``) and return the paths."""
    posterior = posterior_table(cal)
    written = [_write(cal.out / "posterior.parquet",
                      lambda p: posterior.to_parquet(p, index=False))]
    written.append(_write(cal.out / "posterior.png", lambda p: pairs_figure(cal, posterior, p)))
    log(f"calibration: predictive check, {2 * cal.settings.predictive_draws} runs")
    check = predictive_check(cal, posterior, workers=workers, client=client)
    written.append(_write(cal.out / "predictive_check.csv",
                          lambda p: check.to_csv(p, index=False)))
    written.append(_write(cal.out / "predictive_check.md",
                          lambda p: p.write_text(predictive_markdown(check))))
    ident = identifiability(cal, posterior)
    written.append(_write(cal.out / "summary.md",
                          lambda p: p.write_text(summary_markdown(cal, posterior, ident, check))))
    written.append(_write(cal.out / "settings.json",
                          lambda p: p.write_text(json.dumps(settings_record(cal), indent=2)
                                                 + "\n")))
    for path in written:
        log(f"  {path}")
    return written


def _write(path: Path, write) -> Path:
    """Write through a temporary file and rename: an output is whole or absent."""
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def posterior_table(cal) -> pd.DataFrame:
    """The last generation: one column per calibrated parameter (on the model's scale; pyabc
    stores the logit scale, ``Prior.from_logit``), its weight (summing to 1) and the
    generation, one row per particle."""
    t = cal.history.max_t
    params, weights = cal.history.get_distribution(m=0, t=t)
    params = params.reset_index(drop=True)
    table = pd.DataFrame({p.name: [p.from_logit(u) for u in params[p.name]] for p in cal.priors})
    table["weight"] = np.asarray(weights, dtype=float) / np.sum(weights)
    table["generation"] = int(t)
    return table


def weighted_quantiles(values, weights, qs) -> np.ndarray:
    """Weighted quantiles (pyabc's interpolation: each point at the middle of its weight)."""
    order = np.argsort(values)
    x, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    w = w / w.sum()
    return np.interp(qs, np.cumsum(w) - 0.5 * w, x)


def effective_sample_size(weights) -> float:
    """Kish's effective sample size of a weighted sample."""
    w = np.asarray(weights, float)
    return float(w.sum() ** 2 / (w ** 2).sum())


def identifiability(cal, posterior: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior range, default, posterior median and 95% interval, and the width
    of that interval over the prior's central 95% (1: no narrower than the prior)."""
    rows = []
    for p in cal.priors:
        low, median, high = weighted_quantiles(posterior[p.name], posterior["weight"],
                                               [0.025, 0.5, 0.975])
        ratio = (high - low) / (0.95 * (p.high - p.low))
        verdict = "pinned down" if ratio < PINNED else "narrowed" if ratio < NARROWED \
            else "left open"
        rows.append({"parameter": p.name, "prior_low": p.low, "prior_high": p.high,
                     "default": p.default, "median": median, "low": low, "high": high,
                     "width_ratio": ratio, "verdict": verdict,
                     "default_inside": bool(low <= p.default <= high)})
    return pd.DataFrame(rows)


BINS = 16
"""Bins per parameter in the figure's cells."""


def pairs_image(cal, posterior: pd.DataFrame) -> np.ndarray:
    """The figure's pixels: a k x k matrix of cells of BINS x BINS, each spanning two
    priors' ranges. Below the diagonal the weighted pairwise density (each cell scaled to its
    own peak); on it the weighted marginal as bars; above it nothing (NaN)."""
    k = len(cal.priors)
    w = posterior["weight"].to_numpy()
    image = np.full((k * BINS, k * BINS), np.nan)
    for row, prow in enumerate(cal.priors):
        y = posterior[prow.name].to_numpy()
        for col, pcol in enumerate(cal.priors[:row + 1]):
            x = posterior[pcol.name].to_numpy()
            if row == col:
                h, _ = np.histogram(x, bins=BINS, range=(pcol.low, pcol.high), weights=w)
                heights = np.round(BINS * h / max(h.max(), 1e-300)).astype(int)
                cell = (np.arange(BINS)[:, None] < heights[None, :]).astype(float)
            else:
                h, _, _ = np.histogram2d(x, y, bins=BINS, weights=w,
                                         range=[[pcol.low, pcol.high], [prow.low, prow.high]])
                cell = h.T / max(h.max(), 1e-300)
            image[row * BINS:(row + 1) * BINS, col * BINS:(col + 1) * BINS] = cell[::-1]
    return image


def pairs_figure(cal, posterior: pd.DataFrame, path: Path) -> None:
    """Marginals and pairwise densities of the posterior in one image (fast to draw at any
    number of parameters), each cell spanning the priors' ranges, the defaults marked red."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = len(cal.priors)
    names = [p.name for p in cal.priors]
    fig, ax = plt.subplots(figsize=(0.75 * k + 2.5, 0.75 * k + 2))
    ax.imshow(pairs_image(cal, posterior), cmap="Blues", vmin=0, vmax=1,
              extent=(0, k, k, 0), interpolation="nearest")
    xs, ys = [], []
    for row, prow in enumerate(cal.priors):
        for col, pcol in enumerate(cal.priors[:row + 1]):
            fx = (pcol.default - pcol.low) / (pcol.high - pcol.low)
            fy = 1.0 if row == col else (prow.default - prow.low) / (prow.high - prow.low)
            xs.append(col + fx)
            ys.append(row + 1 - fy)
    ax.plot(xs, ys, "+", color="#c44e52", ms=7, mew=1.2, ls="none")
    ax.set_xticks(np.arange(k) + 0.5, names, rotation=90, fontsize=7)
    ax.set_yticks(np.arange(k) + 0.5, names, fontsize=7)
    ax.set_xticks(np.arange(k + 1), minor=True)
    ax.set_yticks(np.arange(k + 1), minor=True)
    ax.grid(which="minor", color="#999999", lw=0.4)
    ax.tick_params(which="both", length=0)
    ax.set_title(f"Posterior, generation {int(posterior['generation'][0])} ({len(posterior)} "
                 "particles): marginals on the diagonal, pairs below;\neach cell spans the "
                 "priors' ranges (low at left and bottom); red +: the defaults", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)


def predictive_check(cal, posterior: pd.DataFrame, *, workers: int = 1,
                     client=None) -> pd.DataFrame:
    """Each target against the model's statistic over posterior draws: median, 95% interval
    and the share of draws in the target range, beside the same over runs at the defaults
    (on the same seeds). One run of ``steps`` steps per draw, as in the calibration."""
    s = cal.settings
    n = s.predictive_draws
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, 2**32 - 2]))
    picks = rng.choice(len(posterior), size=n, p=posterior["weight"].to_numpy())
    names = [p.name for p in cal.priors]
    draws = [{name: float(posterior.at[i, name]) for name in names} for i in picks]
    seeds = draw_seeds(s.seed, 1, n)
    defaults = {p.name: p.default for p in cal.priors}
    runner = PredictiveRun(cal.fixed, s.steps)
    items = list(zip(draws, seeds)) + [(defaults, seed) for seed in seeds]
    stats = map_runs(runner, items, workers, client)
    rows = []
    for t in cal.targets:
        row = {"pattern": t.name, "statistic": t.statistic, "target": target_text(t),
               "compared_with": bound(t), "target_low": t.low, "target_high": t.high}
        for label, part in (("posterior", stats[:n]), ("defaults", stats[n:])):
            x = np.array([r[t.statistic] for r in part], dtype=float)
            finite = x[np.isfinite(x)]
            med, lo, hi = (np.quantile(finite, [0.5, 0.025, 0.975]) if len(finite)
                           else (math.nan,) * 3)
            row.update({f"{label}_median": med, f"{label}_low": lo, f"{label}_high": hi,
                        f"{label}_in_range": float(np.mean([t.holds(v) for v in x])),
                        f"{label}_runs": len(x)})
        rows.append(row)
    return pd.DataFrame(rows)


def target_text(t: Target) -> str:
    """A target as a reader sees it: the number and its uncertainty, or the direction."""
    if not t.one_sided:
        return f"{t.centre:g} ± {t.scale:g} (range {t.low:g} to {t.high:g})"
    return f"> {t.low:g}" if math.isfinite(t.low) else f"< {t.high:g}"


def _f(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


def predictive_markdown(check: pd.DataFrame) -> str:
    """The predictive check as a Markdown table."""
    runs = int(check["posterior_runs"].iloc[0])
    lines = [f"Posterior predictive check: each pattern's statistic over {runs} posterior draws "
             f"(one run each) and over {runs} runs at the defaults on the same seeds; median "
             "[95% interval] and the share of runs inside the target range.", "",
             "| pattern | statistic | target | posterior: median [95% interval] | in range "
             "| defaults: median [95% interval] | in range |",
             "|---|---|---|---|---|---|---|"]
    for _, r in check.iterrows():
        lines.append(
            f"| {r['pattern']} | {r['statistic']} | {r['target']} | "
            f"{_f(r['posterior_median'])} [{_f(r['posterior_low'])}, {_f(r['posterior_high'])}] | "
            f"{r['posterior_in_range']:.0%} | "
            f"{_f(r['defaults_median'])} [{_f(r['defaults_low'])}, {_f(r['defaults_high'])}] | "
            f"{r['defaults_in_range']:.0%} |")
    return "\n".join(lines) + "\n"


def settings_record(cal) -> dict:
    """Settings, priors, targets and the parameters left at their defaults, as plain data."""
    return {
        "settings": cal.settings.as_dict(),
        "status": cal.status,
        "priors": [{"name": p.name, "low": p.low, "high": p.high, "default": p.default,
                    "why": p.why} for p in cal.priors],
        "targets": [{"name": t.name, "statistic": t.statistic, "compared_with": bound(t),
                     "scale": t.scale, "one_sided": t.one_sided, "source": t.source}
                    for t in cal.targets],
        "fixed_parameters": cal.fixed,
    }


def summary_markdown(cal, posterior: pd.DataFrame, ident: pd.DataFrame,
                     check: pd.DataFrame) -> str:
    """summary.md: what was run, what the patterns pin down and leave open, in plain words,
    with the numbers; the predictive check; the parameters left at their defaults."""
    s, st = cal.settings, cal.status
    ess = effective_sample_size(posterior["weight"])
    minutes = st.get("sampling_seconds", math.nan) / 60
    lines = ["# Calibration of the contact patterns (ABC-SMC)", ""]
    if s.population_size < SMALL:
        lines += [f"**A small calibration** (fewer than {SMALL} particles per generation, as in "
                  "the quick variant the tests run): too few for the posterior to mean "
                  "anything; the verdicts below show the format only.", ""]
    lines += [
        f"ABC-SMC (pyabc) over {len(cal.priors)} parameters against the {len(cal.targets)} "
        "contact patterns of `model/analysis/targets.toml`. "
        f"{st.get('generations', '?')} generations of {s.population_size} particles, "
        f"{st.get('simulations', '?')} simulations in all (the prior sample included), "
        f"{minutes:.1f} minutes of sampling; stopped by the rule on "
        f"{st.get('stopped', '?')}. Each simulation is one run of {s.steps} steps of the "
        f"default population (50 groups) on seeds derived from calibration seed {s.seed}; the "
        f"last generation's effective sample size is {ess:.0f}.", "",
        "## What the patterns pin down and what they leave open", ""]
    groups = {v: ident[ident["verdict"] == v]["parameter"].tolist()
              for v in ("pinned down", "narrowed", "left open")}
    words = {
        "pinned down": "The patterns pin down {names}: {the} posterior 95% interval{s} {is} "
                       "less than half as wide as the prior's.",
        "narrowed": "They narrow {names}: {the} interval{s} {is} between half and four fifths "
                    "of the prior's width.",
        "left open": "They leave {names} open: values across most of the prior's range "
                     "reproduce the patterns about as well, so the patterns cannot tell {them} "
                     "apart, and a result that depends on {them} needs other evidence.",
    }
    for verdict, names in groups.items():
        if names:
            many = len(names) > 1
            lines.append(words[verdict].format(
                names=_names(names), the="their" if many else "its", s="s" if many else "",
                them="them" if many else "its values", **{"is": "are" if many else "is"}))
    if ess < LOW_ESS:
        lines.append(f"Caution: the last generation's weights rest on an effective "
                     f"{ess:.0f} particles (fewer than {LOW_ESS}), so these intervals are rough.")
    outside = ident[~ident["default_inside"]]["parameter"].tolist()
    if outside:
        lines.append(f"The hand-set default{'s' if len(outside) > 1 else ''} of "
                     f"{_names(outside)} lie{'' if len(outside) > 1 else 's'} outside "
                     "the posterior 95% interval.")
    lines += ["", "| parameter | prior | default | posterior median [95% interval] | width / "
              "prior's | verdict |", "|---|---|---|---|---|---|"]
    for _, r in ident.iterrows():
        lines.append(f"| `{r['parameter']}` | {r['prior_low']:g} to {r['prior_high']:g} | "
                     f"{r['default']:g} | {r['median']:.3g} [{r['low']:.3g}, {r['high']:.3g}] | "
                     f"{r['width_ratio']:.2f} | {r['verdict']} |")
    lines += ["", f"Width / prior's: the posterior's 95% interval over the prior's central 95%; "
              f"below {PINNED} pinned down, below {NARROWED} narrowed. Figure: "
              "`posterior.png` (marginals and pairs); sample: `posterior.parquet` (last "
              "generation, one column per parameter, `weight`, `generation`).", "",
              "## Posterior predictive check", "", predictive_markdown(check).rstrip(), "",
              "## The distance", "",
              "Each target contributes its gap: the difference from the source's number for "
              "P1's correlation and P2's ratio, and for the four targets the sources give only "
              "as a direction, the shortfall on the wrong side of the bound (0 on the right "
              "side). pyabc's adaptive p-norm distance (p = 2) divides each gap by the spread "
              "of its statistic over the previous generation, and for the two numbers never "
              "by less than the source's uncertainty. A run that cannot measure a statistic "
              "(no hostile encounters, trust that does not vary) misses by far.", "",
              "## Reproducibility", "",
              "With `--workers 1` the calibration is bit-reproducible for a seed (pyabc samples "
              "in this process from seeded generators). With more workers or on Dask, every "
              "particle's runs are still reproducible (its seeds come from the calibration seed "
              "and its values), but which particles are kept depends on the order in which "
              "they finish, so the posterior differs from run to run within its Monte Carlo "
              "error. A resumed run is reproducible given the generation it resumed at, not "
              "equal to an uninterrupted one.", "",
              "## Parameters left at their defaults", "",
              ", ".join(f"`{k}` = {_value(v)}" for k, v in cal.fixed.items())
              + f" (`collect_every` = {NO_METRICS}: the runs collect no per-step metrics, "
              "which changes no dynamics).", ""]
    return "\n".join(lines)


def _names(names: list[str]) -> str:
    """`a`, `b` and `c`."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _value(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    return f"{v:g}" if isinstance(v, float) else str(v)
