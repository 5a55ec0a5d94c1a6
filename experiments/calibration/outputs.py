"""What a calibration leaves in its folder besides the pyabc database: the posterior sample
(Parquet), a figure of its marginals and pairwise densities, the posterior predictive check
(Markdown and CSV) and ``summary.md``, which says in plain words which parameters the patterns
pin down and which they leave open, alone and in combination; ``defaults.csv`` the defaults the
posterior sets beside the hand-set ones; ``settings.json`` lists the settings, the priors and
every parameter left at its default.
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
from .identifiability import NARROWED, PINNED, calibrated_defaults, combinations, marginals
from .point import candidates, choose
from .sampling import map_runs
from .simulate import NO_METRICS, PredictiveRun, draw_seeds

SMALL = 100
"""Below this many particles per generation summary.md warns that the posterior means nothing."""

LOW_ESS = 50
"""Below this effective sample size summary.md warns that the intervals are rough."""

def write_outputs(cal, *, workers: int = 1, client=None,
                  log: Callable[[str], None] = print) -> list[Path]:
    """Write every output of a calibration (``pipeline.Calibration``) and return the paths."""
    posterior = posterior_table(cal)
    written = [_write(cal.out / "posterior.parquet",
                      lambda p: posterior.to_parquet(p, index=False))]
    written.append(_write(cal.out / "posterior.png", lambda p: pairs_figure(cal, posterior, p)))
    s = cal.settings
    ident = marginals(cal.priors, posterior)
    found = combinations(cal.priors, posterior)
    points = candidates(cal.priors, posterior, [c for c in found if c.informed],
                        s.point_quantiles)
    log(f"calibration: choosing the defaults, {len(points) * s.point_seeds} runs")
    grid = choose(cal.priors, cal.targets, cal.fixed, points, seeds=s.point_seeds,
                  steps=s.steps, workers=workers, client=client)
    written.append(_write(cal.out / "candidates.csv", lambda p: grid.to_csv(p, index=False)))
    chosen = grid[grid["chosen"]].iloc[0]
    point = {p.name: float(chosen[p.name]) for p in cal.priors}
    defaults = calibrated_defaults(cal.priors, point)
    written.append(_write(cal.out / "defaults.csv", lambda p: defaults.to_csv(p, index=False)))
    log(f"calibration: predictive check, {2 * s.predictive_draws * s.seeds_per_simulation} runs")
    check = predictive_check(cal, posterior, dict(zip(defaults["parameter"],
                                                      defaults["from_posterior"])),
                             workers=workers, client=client)
    written.append(_write(cal.out / "predictive_check.csv",
                          lambda p: check.to_csv(p, index=False)))
    written.append(_write(cal.out / "predictive_check.md",
                          lambda p: p.write_text(predictive_markdown(check))))
    written.append(_write(cal.out / "summary.md", lambda p: p.write_text(
        summary_markdown(cal, posterior, ident, found, (grid, defaults), check))))
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


def effective_sample_size(weights) -> float:
    """Kish's effective sample size of a weighted sample."""
    w = np.asarray(weights, float)
    return float(w.sum() ** 2 / (w ** 2).sum())


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
    number of parameters), each cell spanning the priors' ranges, the model's defaults marked red."""
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
                 "priors' ranges (low at left and bottom); red +: the model's defaults", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)


def predictive_check(cal, posterior: pd.DataFrame, defaults: dict, *, workers: int = 1,
                     client=None) -> pd.DataFrame:
    """Each target against the model's statistic over posterior draws: median, 95% interval
    and the share of draws in the target range, beside the same over as many draws at the
    calibrated ``defaults`` (on the same seeds). A draw's statistic is the mean over ``seeds_per_simulation``
    runs of ``steps`` steps, as a particle's is in the calibration."""
    s = cal.settings
    n = s.predictive_draws
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, 2**32 - 2]))
    picks = rng.choice(len(posterior), size=n, p=posterior["weight"].to_numpy())
    names = [p.name for p in cal.priors]
    draws = [{name: float(posterior.at[i, name]) for name in names} for i in picks]
    k = s.seeds_per_simulation
    flat = draw_seeds(s.seed, 1, n * k)
    seeds = [flat[i * k:(i + 1) * k] for i in range(n)]
    runner = PredictiveRun(cal.fixed, s.steps)
    items = list(zip(draws, seeds)) + [(defaults, draw) for draw in seeds]
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
                        f"{label}_draws": len(x), "runs_per_draw": k})
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
    draws, k = int(check["posterior_draws"].iloc[0]), int(check["runs_per_draw"].iloc[0])
    each = "one run each" if k == 1 else f"each the mean of {k} runs, as in the calibration"
    lines = [f"Posterior predictive check: each pattern's statistic over {draws} posterior draws "
             f"({each}) and over {draws} draws at the calibrated defaults on the same seeds; median "
             "[95% interval] and the share of draws inside the target range.", "",
             "| pattern | statistic | target | posterior: median [95% interval] | in range "
             "| calibrated defaults: median [95% interval] | in range |",
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
        "priors": [{"name": p.name, "low": p.low, "high": p.high, "hand_set": p.hand_set,
                    "default": p.default, "why": p.why} for p in cal.priors],
        "targets": [{"name": t.name, "statistic": t.statistic, "compared_with": bound(t),
                     "scale": t.scale, "one_sided": t.one_sided, "source": t.source}
                    for t in cal.targets],
        "fixed_parameters": cal.fixed,
    }


def summary_markdown(cal, posterior: pd.DataFrame, ident: pd.DataFrame, found: list,
                     chosen: tuple, check: pd.DataFrame) -> str:
    """summary.md: what was run; what the patterns pin down and leave open, alone and in
    combination, in plain words with the numbers; the defaults the posterior sets; the
    predictive check; the parameters left at their defaults."""
    s, st = cal.settings, cal.status
    ess = effective_sample_size(posterior["weight"])
    minutes = st.get("sampling_seconds", math.nan) / 60
    sims = st.get("simulations")
    runs = f" ({sims * s.seeds_per_simulation:,} model runs)" if isinstance(sims, int) else ""
    each = ("one run" if s.seeds_per_simulation == 1
            else f"the mean of {s.seeds_per_simulation} runs")
    lines = ["# Calibration of the contact patterns (ABC-SMC)", ""]
    if s.population_size < SMALL:
        lines += [f"**A small calibration** (fewer than {SMALL} particles per generation, as in "
                  "the quick variant the tests run): too few for the posterior to mean "
                  "anything; the verdicts below show the format only.", ""]
    lines += [
        f"ABC-SMC (pyabc) over {len(cal.priors)} parameters against the {len(cal.targets)} "
        "contact patterns of `model/analysis/targets.toml`. "
        f"{st.get('generations', '?')} generations of {s.population_size} particles, "
        f"{sims if sims is not None else '?'} simulations in all{runs} (the prior sample "
        f"included), {minutes:.1f} minutes of sampling; stopped by the rule on "
        f"{st.get('stopped', '?')}. Each simulation is {each} of {s.steps} steps of the "
        f"default population (50 groups) on seeds derived from calibration seed {s.seed}; the "
        f"last generation's effective sample size is {ess:.0f}.", ""]
    lines += _alone(ident, ess) + _combined(found) + _defaults_section(cal, *chosen)
    lines += ["Figure: `posterior.png` (marginals and pairs); sample: `posterior.parquet` (last "
              "generation, one column per parameter, `weight`, `generation`); defaults: "
              "`defaults.csv`.", "",
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


def _alone(ident: pd.DataFrame, ess: float) -> list[str]:
    """The per-parameter verdicts, in words and as a table."""
    lines = ["## What the patterns pin down and what they leave open", "", "### Each parameter "
             "alone", ""]
    groups = {v: ident[ident["verdict"] == v]["parameter"].tolist()
              for v in ("pinned down", "narrowed", "left open")}
    words = {
        "pinned down": "The patterns pin down {names}: {the} posterior 95% interval{s} {is} "
                       "less than half as wide as the prior's.",
        "narrowed": "They narrow {names}: {the} interval{s} {is} between half and four fifths "
                    "of the prior's width.",
        "left open": "Taken one at a time, they leave {names} open: values across most of the "
                     "prior's range are compatible with the patterns (a combination of "
                     "{them} may still be pinned down; see below).",
    }
    for verdict, names in groups.items():
        if names:
            many = len(names) > 1
            lines.append(words[verdict].format(
                names=_names(names), the="their" if many else "its", s="s" if many else "",
                them="them" if many else "it", **{"is": "are" if many else "is"}))
    if ess < LOW_ESS:
        lines.append(f"Caution: the last generation's weights rest on an effective "
                     f"{ess:.0f} particles (fewer than {LOW_ESS}), so these intervals are rough.")
    outside = ident[~ident["hand_set_inside"]]["parameter"].tolist()
    if outside:
        lines.append(f"The hand-set default{'s' if len(outside) > 1 else ''} of "
                     f"{_names(outside)} lie{'' if len(outside) > 1 else 's'} outside "
                     "the posterior 95% interval.")
    lines += ["", "| parameter | prior | hand-set default | posterior median [95% interval] | "
              "width / prior's | verdict |", "|---|---|---|---|---|---|"]
    for _, r in ident.iterrows():
        lines.append(f"| `{r['parameter']}` | {r['prior_low']:g} to {r['prior_high']:g} | "
                     f"{r['hand_set']:g} | {r['median']:.3g} [{r['low']:.3g}, {r['high']:.3g}] | "
                     f"{r['width_ratio']:.2f} | {r['verdict']} |")
    return lines + ["", f"Width / prior's: the posterior's 95% interval over the prior's "
                    f"central 95%; below {PINNED} pinned down, below {NARROWED} narrowed.", ""]


def _combined(found: list) -> list[str]:
    """The combinations the patterns pin down or narrow (principal directions)."""
    informed = [c for c in found if c.informed]
    lines = ["### Combinations", "",
             "Parameters that trade off leave each other's marginals wide while the patterns "
             "fix a combination of them. The posterior's principal directions, with each "
             "prior's range scaled to 0 to 1 (where the prior is equally wide in every "
             "direction), show them; each is written in the parameters' own units, with the "
             "parameters that carry at least a quarter of it. A direction counts only when the "
             "posterior is narrower along it than a sample of the prior as large as the "
             "posterior's effective sample would be by chance in 95% of draws (the narrowest "
             "directions of a small sample are narrow by chance)."]
    if not informed:
        lines += ["", "No combination is narrower than chance and the thresholds allow: the "
                  "patterns leave every direction open."]
    lines += ["", "| combination | posterior median [95% interval] | prior's 95% | width / "
              "prior's | spread / prior's (noise floor) | verdict |", "|---|---|---|---|---|---|"]
    for c in found:
        lines.append(f"| {c.formula} | {c.median:.3g} [{c.low:.3g}, {c.high:.3g}] | "
                     f"{c.prior_low:.3g} to {c.prior_high:.3g} | {c.width_ratio:.2f} | "
                     f"{c.spread:.2f} ({c.noise_floor:.2f}) | {c.verdict} |")
    return lines + [""]


def _defaults_section(cal, grid: pd.DataFrame, defaults: pd.DataFrame) -> list[str]:
    """How the defaults were chosen (``point``), every candidate, and the new defaults beside
    the hand-set ones."""
    s = cal.settings
    chosen = grid[grid["chosen"]].iloc[0]
    numeric = [t for t in cal.targets if not t.one_sided]
    lines = ["## Defaults from the posterior", "",
             "The statistic: among the hand-set point and a grid of the posterior quantiles "
             f"({', '.join(f'{q:g}' for q in s.point_quantiles)}) of each combination the "
             "patterns pin down, every other direction kept at the hand-set values, the "
             "candidate at which the most patterns hold (the mean over "
             f"{s.point_seeds} runs of {s.steps} steps on seeds 0 to {s.point_seeds - 1}, as "
             "`python -m model patterns` measures them), ties broken by the distance of "
             f"{' and '.join(t.name for t in numeric)} from the sources' numbers in units of "
             "their uncertainty (the first such candidate, so the hand-set point wins a tie). "
             f"The chosen candidate is **{chosen['label']}**: {int(chosen['holds'])} of "
             f"{len(cal.targets)} patterns hold, distance {chosen['distance']:.2f}. Values are "
             "rounded to three significant figures; the model's schema "
             "(`model/core/parameters.py`) holds them, and a test checks that it matches "
             "`defaults.csv`.", "",
             "| parameter | hand-set default | from the posterior | changed |", "|---|---|---|---|"]
    for _, r in defaults.iterrows():
        lines.append(f"| `{r['parameter']}` | {r['hand_set']:g} | {r['from_posterior']:g} | "
                     f"{'yes' if r['changed'] else 'no'} |")
    lines += ["", "Every candidate (`candidates.csv` has their parameter values), best first:",
              "", "| candidate | " + " | ".join(t.name for t in cal.targets)
              + " | patterns holding | distance |", "|---" * (len(cal.targets) + 3) + "|"]
    order = sorted(range(len(grid)), key=lambda i: (-grid.at[i, "holds"], grid.at[i, "distance"]))
    for i in order:
        r = grid.iloc[i]
        cells = " | ".join(_f(r[t.name]) for t in cal.targets)
        mark = " (chosen)" if r["chosen"] else ""
        lines.append(f"| {r['label']}{mark} | {cells} | {int(r['holds'])} | "
                     f"{r['distance']:.2f} |")
    return lines + [""]


def _names(names: list[str]) -> str:
    """`a`, `b` and `c`."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _value(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    return f"{v:g}" if isinstance(v, float) else str(v)
