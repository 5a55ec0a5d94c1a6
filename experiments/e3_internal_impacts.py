"""Experiment 3: internal impacts over time, backlash before opening.

Hypothesis: contact first provokes a defensive backlash that lowers groups' openness below its
starting level, and only where movements mediate the contact does openness then recover and
rise above that level, while unmediated contact leaves groups closed.

Design: a grid of ``mediation_capacity`` (0 = no mediation, 0.15, 0.3, 0.45, 0.6), 30
replicates per level, 100 groups, 300 steps, metrics collected at every step. The pilot put the
change of regime between 0.15 (openness stays below its start) and 0.45 (a short, shallow dip,
then opening), with the model's default 0.3 in between, sometimes recovering and sometimes
not; the levels span that range. From each run's mean openness o(t) (mean share of power held
by the groups' open factions) the measure function reads, relative to the start o(0):

* backlash depth: o(0) - min_t o(t) (0 when openness never falls);
* time to the minimum (steps);
* backlash duration: steps until openness is back at or above o(0) after its minimum,
  right-censored at the end of the run when it never is (so its median per level is a
  Kaplan-Meier median, with the Brookmeyer and Crowley 1982 interval); 0 without a dip.

It also stores each run's trajectory of openness change and of virtuous and hostile encounters
per step as records, from which the figure draws the mean trajectories with 95% bands.

Muto (2009/2018) writes that contact with others may first make a community defensive and
closed, but that where the interaction is properly mediated some of its members take up the
emancipatory ideas they met and turn them against their own group's internal hierarchy
(pattern P5, docs/ODD.md 1.2; mechanisms in 7.6: opening, rally round the flag, backlash on
neutral first meetings, entrenchment toward each group's baseline).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.analysis.survival import kaplan_meier, median_lifetime, step_points

from . import statistics as st
from .analysis import Analysis, ExperimentData, Finding
from .spec import Spec
from .style import COLUMN, OKABE_ITO, band, figure as new_figure, panel_label

MEDIATION = [0.0, 0.15, 0.3, 0.45, 0.6]

HYPOTHESIS = ("Contact first provokes a defensive backlash that lowers groups' openness below "
              "its starting level, and only mediated contact then lets openness recover and "
              "rise above it, while unmediated contact leaves groups closed.")

SIZING = ("30 runs per level. Each run's mean openness averages 100 groups, so the backlash "
          "depth varies little between runs (standard deviation 0.005 to 0.017 per level in "
          "the committed sweep), and 30 runs give 95% bootstrap intervals of the mean depth "
          "no wider than +/-0.006, against depths from 0.007 to 0.17 that the hypothesis "
          "needs told apart (the smallest, at mediation 0.6, still has its interval above 0); "
          "the share of runs whose openness comes back above its start has a Wilson half-width "
          "of at most 0.18 per level and came out 0 or at least 0.97 everywhere, so more runs "
          "could not change which levels recover. The committed sweep, with metrics at "
          "every step, took the wall time below on two idle cores.")

OUTCOME = "backlash_depth"

OUTCOME_DEFINITION = ("start minus minimum of the run's mean openness (0 when it never falls "
                      "below its start), with `returned` (openness back at or above its start "
                      "after the minimum) and `final_openness_change` (end minus start)")

CONTRAST = ("The highest against the lowest mediation capacity: backlash depth and the share "
            "of runs back above their starting openness at each, and the final change of "
            "openness between them.")

TEST = ("Bootstrap 95% interval of the mean depth at the highest mediation; Wilson 95% "
        "intervals of the share back above the start at the highest and the lowest "
        "mediation; bootstrap 95% interval of the difference of final openness changes.")

DECISION_RULE = ("Dips: the interval of the depth at the highest mediation lies above 0; "
                 "opens: the Wilson lower bound of its share back above the start exceeds 0.5 "
                 "and the interval of the final-change difference (highest minus lowest "
                 "mediation) lies above 0; stays closed: the Wilson upper bound of the share "
                 "back at the lowest mediation is below 0.5. Supported when all three hold; "
                 "mixed when it opens but does not both dip and stay closed without mediation; "
                 "not supported when it does not open.")

COULD_FAIL = dict(
    settings={
        "E3_NO_BACKLASH": ("n_groups=40, instigation=0.0",
                           "openness dips by only 0.001 and ends +0.32: opening without "
                           "backlash (seeds 1-6, 200 steps)"),
        "E3_NO_OPENING": ("n_groups=40, instigation=0.5",
                          "openness dips by 0.11, is back at its start in 0 of 6 runs and ends "
                          "-0.11: backlash without opening"),
    },
    rules=("Openness moves with the balance of virtuous and hostile encounters (opening "
           "against rally and entrenchment, docs/ODD.md 7.6); no rule schedules a dip before a "
           "rise. The sequence appears only where early hostile encounters outweigh the "
           "virtuous ones at first, so its presence and its recovery are outcomes, not rules."),
)


def backlash(openness, steps=None) -> dict:
    """Depth, time to minimum and duration of the initial dip of a mean-openness series.

    ``openness[0]`` is the baseline. The duration is the number of steps from the start until
    openness is first back at or above the baseline after its minimum; when it never is, the
    duration is the last step observed and ``returned`` is False (right-censored). A series
    that never falls below its baseline has depth, time and duration 0.
    """
    o = np.asarray(openness, dtype=float)
    t = np.arange(len(o)) if steps is None else np.asarray(steps, dtype=float)
    if len(o) == 0:
        nan = float("nan")
        return {"backlash_depth": nan, "time_to_minimum": nan, "backlash_duration": nan,
                "returned": False}
    base = o[0]
    lowest = int(np.argmin(o))
    depth = float(base - o[lowest])
    if depth <= 0:
        return {"backlash_depth": 0.0, "time_to_minimum": 0.0, "backlash_duration": 0.0,
                "returned": True}
    back = np.flatnonzero(o[lowest:] >= base)
    returned = len(back) > 0
    duration = float(t[lowest + back[0]] if returned else t[-1])
    return {"backlash_depth": depth, "time_to_minimum": float(t[lowest]),
            "backlash_duration": duration, "returned": returned}


def measure(model) -> dict:
    """The backlash of the run's mean openness, and its trajectory as records."""
    from model.run import metrics_table

    ts = metrics_table(model)
    steps = ts.index.to_numpy()
    o = ts["mean_openness"].to_numpy(dtype=float)
    out = backlash(o, steps)
    out["returned"] = float(out["returned"])
    out["final_openness_change"] = float(o[-1] - o[0]) if len(o) else float("nan")
    out["records"] = pd.DataFrame({
        "step": steps.astype(np.int32),
        "openness_change": (o - o[0]).astype(np.float32),
        "virtuous": ts["virtuous_per_step"].to_numpy(dtype=np.float32),
        "hostile": ts["hostile_per_step"].to_numpy(dtype=np.float32),
    })
    return out


measure.outcomes = ("backlash_depth", "time_to_minimum", "backlash_duration", "returned",
                    "final_openness_change")

SPEC = Spec(
    name="e3_internal_impacts",
    description="mediation_capacity: openness trajectories, backlash depth and duration",
    design="grid",
    varied={"mediation_capacity": MEDIATION},
    fixed={"n_groups": 100, "collect_every": 1},
    replicates=30,
    steps=300,
    outcomes=("backlash_depth", "time_to_minimum", "backlash_duration", "returned",
              "final_openness_change", "final_mean_openness", "final_mean_trust",
              "final_hostility", "stable_alliance_formed"),
    root_seed=20261126,
    measure="experiments.e3_internal_impacts:measure",
    quick={"varied": {"mediation_capacity": [0.0, 0.6]}, "fixed": {"n_groups": 20},
           "replicates": 3, "steps": 40},
)


def per_level(runs: pd.DataFrame) -> pd.DataFrame:
    """Backlash statistics per mediation level, each with its 95% interval."""
    rows = []
    for j, (level, g) in enumerate(runs.groupby("mediation_capacity", sort=True)):
        depth = st.bootstrap_interval(g["backlash_depth"], np.mean, seed=100 + j)
        tmin = st.bootstrap_interval(g["time_to_minimum"], np.median, seed=200 + j)
        final = st.bootstrap_interval(g["final_openness_change"], np.mean, seed=300 + j)
        dur, dlo, dhi = median_lifetime(g["backlash_duration"], event=g["returned"].astype(bool))
        k, n = float(g["returned"].sum()), len(g)
        rlo, rhi = st.wilson_interval(k, n)
        rows.append({
            "mediation_capacity": level, "n": n,
            "depth": depth["estimate"], "depth_low": depth["low"], "depth_high": depth["high"],
            "time_to_min": tmin["estimate"], "time_low": tmin["low"], "time_high": tmin["high"],
            "duration": dur, "duration_low": dlo, "duration_high": dhi,
            "returned": k / n if n else float("nan"), "returned_low": float(rlo),
            "returned_high": float(rhi),
            "final_change": final["estimate"], "final_low": final["low"],
            "final_high": final["high"]})
    return pd.DataFrame(rows)


def analyse(data: ExperimentData) -> Analysis:
    """Backlash depth, duration and return above the start per mediation level, and verdict."""
    runs = data.runs
    table = per_level(runs)
    lo, hi = table.iloc[0], table.iloc[-1]
    lo_m, hi_m = lo["mediation_capacity"], hi["mediation_capacity"]
    depth_diff = st.bootstrap_difference(
        runs.loc[runs["mediation_capacity"] == lo_m, "backlash_depth"],
        runs.loc[runs["mediation_capacity"] == hi_m, "backlash_depth"], seed=1)
    final_diff = st.bootstrap_difference(
        runs.loc[runs["mediation_capacity"] == lo_m, "final_openness_change"],
        runs.loc[runs["mediation_capacity"] == hi_m, "final_openness_change"], seed=2)
    findings = [
        Finding(f"backlash depth, mediation {hi_m:g}", hi["depth"], hi["depth_low"],
                hi["depth_high"], "mean fall of mean openness below its start (share of power)"),
        Finding(f"backlash depth, mediation {lo_m:g}", lo["depth"], lo["depth_low"],
                lo["depth_high"], "the same without mediation"),
        Finding("depth difference", depth_diff["estimate"], depth_diff["low"],
                depth_diff["high"], f"mediation {hi_m:g} minus {lo_m:g}"),
        Finding(f"time to lowest openness, mediation {hi_m:g}", hi["time_to_min"],
                hi["time_low"], hi["time_high"], "median over runs (steps)"),
        Finding(f"backlash duration, mediation {hi_m:g}", hi["duration"], hi["duration_low"],
                hi["duration_high"],
                "Kaplan-Meier median steps until openness is back at its start"),
        Finding(f"backlash duration, mediation {lo_m:g}", lo["duration"], lo["duration_low"],
                lo["duration_high"], "the same without mediation (not reached = stays closed)"),
        Finding(f"share back above start, mediation {hi_m:g}", hi["returned"],
                hi["returned_low"], hi["returned_high"], "share of runs (Wilson interval)"),
        Finding(f"share back above start, mediation {lo_m:g}", lo["returned"],
                lo["returned_low"], lo["returned_high"], "share of runs (Wilson interval)"),
        Finding("final openness change difference", final_diff["estimate"], final_diff["low"],
                final_diff["high"],
                f"openness at the end minus at the start, mediation {hi_m:g} minus {lo_m:g}"),
    ]
    dips = hi["depth_low"] > 0
    opens = hi["returned_low"] > 0.5 and final_diff["low"] > 0
    stays_closed = lo["returned_high"] < 0.5
    if opens and dips and stays_closed:
        verdict = "supported"
        recovering = table[table["returned"] >= 0.5]
        weakest = recovering.iloc[0]
        meaning = (f"Under strong mediation ({hi_m:g}) groups first close a little (openness "
                   f"falls by {hi['depth']:.3f} within {hi['time_to_min']:g} steps) and are back "
                   f"above their start after {hi['duration']:g} steps, then open well beyond "
                   "it; the weaker the mediation, the deeper and longer the backlash (at "
                   f"{weakest['mediation_capacity']:g}, the weakest level at which most runs "
                   f"recover, a fall of {weakest['depth']:.3f} lasting {weakest['duration']:g} "
                   "steps), and without mediation hostile encounters (rallying groups behind their "
                   "hardliners) and defensive first meetings drive openness down by "
                   f"{lo['depth']:.3f} for good. In Muto's terms the defensive first reaction "
                   "to contact is real but passing where movements mediate, and mediation is "
                   "what turns it into a shift of power toward each group's open members.")
    elif opens:
        verdict = "mixed"
        missing = []
        if not dips:
            missing.append("no measurable initial backlash precedes the opening")
        if not stays_closed:
            missing.append("unmediated groups recover too")
        meaning = (f"Mediated contact ({hi_m:g}) opens the groups, but "
                   + " and ".join(missing) + ". In Muto's terms the opening effect of "
                   "well-mediated interaction is reproduced, the sequence he describes "
                   "only in part.")
    else:
        verdict = "not supported"
        meaning = ("Even under the strongest mediation studied, openness does not come back "
                   "above its starting level in most runs, so the model does not show the "
                   "opening that Muto expects of well-mediated interaction at this scale.")
    shown = table[["mediation_capacity", "n", "depth", "depth_low", "depth_high",
                   "time_to_min", "duration", "duration_low", "duration_high", "returned",
                   "final_change"]].rename(columns={
                       "mediation_capacity": "mediation", "depth": "depth (mean)",
                       "depth_low": "depth low", "depth_high": "depth high",
                       "time_to_min": "time to min (median)", "duration": "duration (KM median)",
                       "duration_low": "duration low", "duration_high": "duration high",
                       "returned": "share back above start",
                       "final_change": "final change (mean)"})
    numbers = {f"depth_mediation_{r.mediation_capacity:g}": r.depth for r in table.itertuples()}
    numbers.update({f"duration_mediation_{r.mediation_capacity:g}": r.duration
                    for r in table.itertuples()})
    numbers["depth_halfwidth_max"] = float(((table["depth_high"] - table["depth_low"]) / 2).max())
    tables = {"Backlash per mediation level (95% intervals; durations in steps, "
              "inf = not reached)": shown}
    if data.records is not None and len(data.records):
        tables[f"Encounters per step, first {early_window(data.spec.steps)} steps "
               "(mean over runs)"] = early_encounters(data)
    return Analysis(verdict=verdict, meaning=meaning, findings=findings, tables=tables,
                    numbers=numbers)


def early_window(steps: int) -> int:
    """Steps shown as the early phase: a sixth of the run, at least 10."""
    return max(10, steps // 6)


def early_encounters(data: ExperimentData) -> pd.DataFrame:
    """Virtuous and hostile encounters per step over the early phase, per mediation level:
    what drives openness while the backlash lasts."""
    rec = data.records[(data.records["step"] >= 1)
                       & (data.records["step"] <= early_window(data.spec.steps))]
    rec = rec.merge(data.runs[["run_id", "mediation_capacity"]], on="run_id")
    per_run = rec.groupby(["mediation_capacity", "run_id"])[["virtuous", "hostile"]].mean()
    out = per_run.groupby("mediation_capacity").mean().reset_index()
    out["virtuous : hostile"] = out["virtuous"] / out["hostile"]
    return out.rename(columns={"mediation_capacity": "mediation",
                               "virtuous": "virtuous per step", "hostile": "hostile per step"})


def trajectories(data: ExperimentData) -> pd.DataFrame:
    """Per-step mean openness change, with t intervals, per mediation level."""
    rec = data.records.merge(data.runs[["run_id", "mediation_capacity"]], on="run_id")
    return st.mean_band(rec, "openness_change", by=["mediation_capacity", "step"])


def figure(data: ExperimentData, analysis: Analysis):
    """Openness against its start (a, b), backlash depth (c) and time back above the start (d)."""
    runs = data.runs
    bands = trajectories(data)
    levels = sorted(runs["mediation_capacity"].unique())
    colours = {m: OKABE_ITO[j % len(OKABE_ITO)] for j, m in enumerate(levels)}
    steps = data.spec.steps
    zoom = early_window(steps)
    fig, axes = new_figure(2, 2, width=COLUMN, height=4.3)
    (a, b), (c, d) = axes
    for m in levels:
        g = bands[bands["mediation_capacity"] == m]
        band(a, g["step"], g["mean"], g["low"], g["high"], color=colours[m],
             label=f"{m:g}" if m > 0 else "0 (none)")
        z = g[g["step"] <= zoom]
        band(b, z["step"], z["mean"], z["low"], z["high"], color=colours[m])
    for ax in (a, b):
        ax.axhline(0, color="grey", lw=0.6, ls=":")
        ax.set_xlabel("step")
    a.set(ylabel="mean openness minus start\n(share of power)", xlim=(0, steps))
    handles, labels = a.get_legend_handles_labels()
    fig.legend(handles, labels, title="mediation capacity (mean, 95% CI; in d: Kaplan-Meier)",
               loc="outside lower center", ncols=len(levels),
               fontsize=6, title_fontsize=6, handlelength=1.2, columnspacing=1.0)
    b.set(xlim=(0, zoom), title=f"first {zoom} steps")
    table = analysis.tables[next(iter(analysis.tables))]
    x = table["mediation"].to_numpy(float)
    c.errorbar(x, table["depth (mean)"], yerr=[table["depth (mean)"] - table["depth low"],
                                              table["depth high"] - table["depth (mean)"]],
               color=OKABE_ITO[7], marker="o", ms=3, capsize=2, lw=1)
    c.set(xlabel="mediation capacity (0-1)", ylabel="backlash depth\n(share of power)",
          ylim=(0, None))
    for m in levels:
        g = runs[runs["mediation_capacity"] == m]
        km = kaplan_meier(g["backlash_duration"], event=g["returned"].astype(bool))
        if len(km) == 0:
            continue
        t, surv, low, high = step_points(km)
        t = np.append(t, steps)
        surv, low, high = (np.append(v, v[-1]) for v in (surv, low, high))
        d.step(t, surv, where="post", color=colours[m])
        d.fill_between(t, low, high, step="post", color=colours[m], alpha=0.2, lw=0)
    closed = [f"{m:g}" for m in levels
              if not runs.loc[runs["mediation_capacity"] == m, "returned"].any()]
    if closed:
        names = " and ".join([", ".join(closed[:-1]), closed[-1]] if len(closed) > 1
                             else closed)
        d.text(0.97, 0.6, f"{names}:\nnever back", transform=d.transAxes,
               ha="right", va="center", fontsize=6)
    d.set(xlabel="step", ylabel="share of runs still\nbelow starting openness",
          ylim=(-0.02, 1.02), xlim=(0, steps))
    for ax, letter in zip((a, b, c, d), "abcd"):
        panel_label(ax, letter)
    return fig
