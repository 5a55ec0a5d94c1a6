"""How long alliances last in two arms of an experiment: break-up hazards, rates and curves.

Experiments 4 (structural change) and 5 (fading enemy) both store one record per alliance
(``lifetime``, ``censored``, ``fate``) and compare the arms of one boolean condition in the
same way: break-up (fate split or dissolved, merges censored) beside any loss of identity, the
pooled log-rank hazard ratio and a cluster bootstrap over runs, each run's break-up rate, and
Kaplan-Meier curves. That shared machinery lives here, so that neither experiment module
imports the other; each experiment keeps its own measure, condition, seed and verdict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis import ExperimentData, Finding
from experiments.statistics import cluster_bootstrap_hazard_ratio, hazard_ratio

BREAKUP = ("split", "dissolved")
"""The fates that count as a break-up (a merge into a larger alliance is growth, not failure)."""
RESAMPLES = 2000
"""Bootstrap resamples of every interval in experiments 4 and 5."""


def alliances(data: ExperimentData, condition: str) -> pd.DataFrame:
    """The stored alliance records with their run's condition and the two event flags:
    ``breakup`` (split or dissolved) and ``any_end`` (any loss of identity)."""
    runs = data.runs[["run_id", condition]]
    rec = data.records if data.records is not None else pd.DataFrame(
        columns=["run_id", "lifetime", "censored", "fate"])
    rec = rec.merge(runs, on="run_id", how="inner")
    rec[condition] = rec[condition].astype(bool)
    rec["breakup"] = rec["fate"].isin(BREAKUP)
    rec["any_end"] = ~rec["censored"].astype(bool)
    return rec


def run_rates(data: ExperimentData, rec: pd.DataFrame, condition: str,
              extra: tuple[str, ...] = ("stable_alliance_formed",)) -> pd.DataFrame:
    """Per run: break-ups, alliance-steps at risk and the rate per 100 alliance-steps (NaN for a
    run without alliances at risk), with the run's condition and ``extra`` outcomes."""
    g = rec.groupby("run_id").agg(breakups=("breakup", "sum"), exposure=("lifetime", "sum"))
    out = data.runs[["run_id", condition, *extra]].merge(
        g, left_on="run_id", right_index=True, how="left")
    out[condition] = out[condition].astype(bool)
    out[["breakups", "exposure"]] = out[["breakups", "exposure"]].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(out["exposure"] > 0, 100.0 * out["breakups"] / out["exposure"],
                               np.nan)
    return out


def hazard_ratios(rec: pd.DataFrame, event: str, condition: str, seed: int,
                  n_resamples: int = RESAMPLES) -> tuple[dict, dict]:
    """Hazard of ``event`` with the condition on against off: the pooled log-rank estimate with
    its interval, and the same estimate with a cluster bootstrap interval over runs."""
    off, on = rec[~rec[condition]], rec[rec[condition]]
    with np.errstate(divide="ignore", invalid="ignore"):  # no event in an arm: HR 0 or inf
        logrank = hazard_ratio(off["lifetime"], off[event], on["lifetime"], on[event])
        cluster = cluster_bootstrap_hazard_ratio(rec["lifetime"], rec[event], rec[condition],
                                                 rec["run_id"], n_resamples=n_resamples,
                                                 seed=seed)
    return logrank, cluster


def hazard_numbers(hr_break: dict, hr_any: dict, boot_break: dict) -> dict:
    """The hazard figures a summary lists besides its findings (experiments 4 and 5)."""
    return {"hr_breakup_logrank_p": hr_break["p_value"],
            "breakups_off": hr_break["events_a"], "breakups_on": hr_break["events_b"],
            "hr_any_logrank": hr_any["estimate"], "hr_any_logrank_low": hr_any["low"],
            "hr_any_logrank_high": hr_any["high"],
            "bootstrap_resamples_valid": boot_break["n_valid"]}


def _fmt(v: float) -> str:
    """A hazard ratio for a panel title (n/a when not finite)."""
    return "n/a" if not np.isfinite(v) else f"{v:.2f}"


def survival_panel(ax, rec: pd.DataFrame, event: str, condition: str, labels: dict,
                   title: str, finding: Finding, letter: str, xlabel: str,
                   legend: str = "best") -> None:
    """Kaplan-Meier curves (off, on) of ``event`` with bands, the hazard ratio in the title;
    censoring ticks are drawn small, as there are hundreds."""
    from model.plots import plot_survival

    conditions = {labels[c]: (rec.loc[rec[condition] == c, "lifetime"].to_numpy(float),
                              rec.loc[rec[condition] == c, event].to_numpy(bool))
                  for c in (False, True)}
    plot_survival(ax, conditions, xlabel=xlabel, ylabel="share of alliances not ended")
    for line in ax.get_lines():
        if line.get_marker() == "|":
            line.set_markersize(3)
            line.set_markeredgewidth(0.6)
    ax.legend(loc=legend, fontsize=6.5, title="95% band", title_fontsize=6.5)
    ax.set_title(f"$\\bf{{{letter}}}$  {title}\nhazard ratio on vs off {_fmt(finding.estimate)} "
                 f"(95% CI {_fmt(finding.low)} to {_fmt(finding.high)}, runs resampled)",
                 loc="left", fontsize=7)
