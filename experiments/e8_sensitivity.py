"""Experiment 8: which parameters matter? A Morris screen of every numeric parameter.

Hypothesis: only a few of the 65 numeric model parameters (fewer than ten) move the probability
of a stable alliance and the median alliance lifetime by more than the noise of an inert dummy
parameter, and movements' mediation is among them for the probability.

Muto (2009/2018, 'Towards the Autonomy of the People of the World') puts mediation by movements
first among the conditions under which groups divided by hierarchy meet well; the screen asks
whether the model still agrees when every other parameter varies at the same time, and how
many of its mechanisms actually move the headline outcomes.

Design: SALib's Morris sampler (Morris 1991; Campolongo, Cariboni and Saltelli 2007), 20
trajectories of 67 points over 66 ranges (65 parameters and one inert dummy), 4 levels, one run
per point: 1,340 runs of 30 groups for 200 steps. The outcomes are whether a stable alliance
formed (0/1) and the log of the Kaplan-Meier median alliance lifetime, capped at the run length
(``log(1 + min(median, steps))``; a run without any alliance scores 0, an unreached median the
cap). Elementary effects are in outcome units per full range of the parameter, so mu* compares
parameters with different units.

Ranges (``RANGES``): shares and proportions that live on the unit interval span their whole
schema range; per-step rates, weights and scales span from off (0) to twice the calibrated
default, so the default sits in the middle; log-odds intercepts span default +/- 1.25 (odds times
or divided by about 3.5, and their sum stays below 0 as the ordered logit needs), trust thresholds default +/- 0.2, and a few counts a documented
neighbourhood of the default. Two exceptions follow from constraints: ``domination_bias`` in
[0, 0.6] and ``contact_bias`` in [0, 0.4], so that their sum never exceeds 1 and no sampled
point fails (SALib needs every point); and ``encounter_rate`` starts at 0.25, because without
encounters nothing happens at all. The ranges, the dummy, the run size and the analysed outcomes
are shared with ``e8b_sobol`` through ``experiments.sensitivity_setup``.

Left out, with reasons: ``n_groups`` (fixed at 30, the population size for budget's sake;
``faultline_alignment`` and the other structure parameters vary instead), ``collect_every``
(bookkeeping), ``stable_alliance_min_size``, ``stable_alliance_min_share`` and
``stable_alliance_min_renewals`` (they define the
observed outcome, not the dynamics), ``enemy_axis`` (a label of which axis, and it must stay
below ``n_axes``, which varies), and ``enemy_fade_time`` and ``enemy_duration`` (inert under the
default constant enemy). ``enemy_onset``, also inert under a constant enemy and drawing no
random numbers, is kept as the dummy: its elementary effects are pure run-to-run noise, so its
mu* is the noise floor against which the others are read (a dummy parameter, as in Khorashadi
Zadeh et al. 2017). Boolean ``enable_*`` switches and the choice parameters
(``enemy_schedule``, ``instigation_mode``) stay at their defaults.

Sizing: one replicate per point, because replicates do not remove the noise floor of a 0/1
outcome (they lower it by sqrt(R)) while trajectories tighten every mu*. A parameter counts as
influential when the 95% interval of its mu* minus the dummy's (paired bootstrap over
trajectories) lies above zero. The lifetime screen resolves effects of about one log step per
range (mean interval half-width 0.74, dummy mu* 0.51). The probability screen is coarser: an
elementary effect of a 0/1 outcome is 0 or +/-1.5, one flip in 20 trajectories moves mu* by
0.075, and only a quarter of the runs in this wide space form a stable alliance at all, so it
finds the parameters that flip the outcome in several trajectories: a lower bound on what
matters. The leading parameters of both screens go on to the Sobol' analysis of ``e8b_sobol``,
which has replicates and a narrower space.

References: Morris, M. D. (1991), Factorial sampling plans for preliminary computational
experiments, Technometrics 33(2); Campolongo, F., Cariboni, J. and Saltelli, A. (2007), An
effective screening design for sensitivity analysis of large models, Environmental Modelling
and Software 22(10); Khorashadi Zadeh, F. et al. (2017), Comparison of variance-based and
moment-independent global sensitivity analysis approaches by application to the SWAT model,
Environmental Modelling and Software 91 (the dummy parameter as a screening threshold).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import statistics as st
from .analysis import Analysis, ExperimentData, Finding
from .design import plan as make_plan
from .sensitivity_setup import DUMMY, N_GROUPS, OUTCOMES, RANGES, STEPS, point_outcomes
from .spec import Spec
from .style import COLUMN, OKABE_ITO, figure as new_figure, panel_label

NOT_SCREENED = pd.DataFrame({
    "parameter": ["n_groups", "collect_every", "stable_alliance_min_size",
                  "stable_alliance_min_share", "stable_alliance_min_renewals", "enemy_axis", "enemy_fade_time",
                  "enemy_duration", "enable_* switches, enemy_schedule, instigation_mode"],
    "why": ["fixed at 30: population size, held small for the budget",
            "bookkeeping (how often metrics are collected)",
            "defines the observed outcome, not the dynamics",
            "defines the observed outcome, not the dynamics",
            "defines the observed outcome, not the dynamics",
            "a label of which axis; must stay below n_axes, which varies",
            "inert under the default constant enemy",
            "inert under the default constant enemy",
            "not numeric: kept at their defaults"]})
"""Numeric parameters left out of the screen, and why (shown in the summary)."""

MEDIATION = ("mediation_capacity", "n_movements", "mediation_reach", "rootedness")
"""Parameters of movements' mediation, the mechanism the essays put first."""

QUICK_VARIED = ("mediation_capacity", "n_movements", "instigation", "trust_gain",
                "contract_threshold", "domination_bias", "contact_bias", DUMMY)
SPARSE = 10  # "few": fewer than this many influential parameters

HYPOTHESIS = ("Only a few (fewer than ten) of the 65 numeric parameters move the probability of "
              "a stable alliance and the median alliance lifetime by more than the noise of an "
              "inert dummy parameter, and movements' mediation is among them for the "
              "probability.")

SIZING = ("Morris with 20 trajectories x 60 points (1,200 runs, one replicate each), the "
          "screen's share of a 10-minute budget for both sensitivity experiments. Replicates "
          "would only shrink the noise floor of a 0/1 outcome by sqrt(R), while more "
          "trajectories tighten every mu*; the floor itself is measured by the inert dummy "
          "(enemy_onset under a constant enemy) and each parameter is compared with it by a "
          "paired bootstrap over trajectories (2,000 resamples). Achieved: the lifetime's mu* "
          "intervals have a mean half-width of 0.74 log steps against a dummy mu* of 0.51. "
          "For the probability the resolution is coarse: one elementary effect is 0 or "
          "+/-1.5, so one outcome flip in 20 trajectories moves mu* by 0.075, and only a "
          "quarter of the runs form a stable alliance at all; the probability screen finds "
          "the parameters that flip the outcome in several trajectories, a lower bound on "
          "what matters. The Sobol' analysis of e8b_sobol quantifies the leading parameters "
          "with replicates.")

SPEC = Spec(
    name="e8_sensitivity",
    description="Morris screen of all numeric parameters with an inert dummy as noise floor",
    design="morris",
    varied=RANGES,
    fixed={"n_groups": N_GROUPS, "collect_every": STEPS},
    replicates=1,
    steps=STEPS,
    samples=20,
    outcomes=("stable_alliance_formed", "median_alliance_lifetime",
              "largest_stable_alliance_share", "alliances_formed", "final_mean_trust"),
    root_seed=20261131,
    quick={"varied": {k: RANGES[k] for k in QUICK_VARIED}, "fixed": {"n_groups": 10},
           "samples": 3, "steps": 30},
)

OUTCOME = "stable_alliance_formed"

CONTRAST = ("Each screened parameter's mu* (mean absolute elementary effect per full range) "
            "against the mu* of the inert dummy, for P(stable alliance) and the log of the "
            "capped median alliance lifetime.")

TEST = ("Paired bootstrap over trajectories (2,000 resamples) of mu* minus the dummy's mu*; a "
        "parameter is influential when the 95% interval lies above 0.")

DECISION_RULE = (f"Sparse: for both outcomes, between 1 and {SPARSE - 1} parameters are "
                 "influential; mediated: one of MEDIATION (" + ", ".join(MEDIATION) + ") is "
                 "influential for P(stable alliance). Supported when both hold; mixed when one "
                 "does; not supported when neither does.")

COULD_FAIL = dict(
    settings={
        "E8_NO_MEDIATION": ("n_groups=20, openness_mean=0.6, bond=1.5, instigation=0.0, "
                            "mediation_capacity=0.0",
                            "stable alliances form in every run (P(stable) 1.0, largest stable "
                            "share 1.0) without any mediation (seeds 1-8, 300 steps)"),
        "E1_VANISHES": ("n_groups=20, openness_mean=0.6, bond=1.5, instigation=0.4",
                        "mediation capacity 0 -> 0.5 leaves P(stable) at 1.0 -> 1.0"),
    },
    rules=("The screen ranges openness, bond and instigation together with mediation, and "
           "where the context carries alliances mediation has no effect at all, so whether it "
           "clears the dummy's noise floor depends on how much of the ranged space is hostile. "
           "No rule fixes how many parameters matter; the inert dummy measures the noise they "
           "are read against."),
)

def screen(problem: dict, X: np.ndarray, Y: np.ndarray, dummy: str = DUMMY,
           n_resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """mu* of every parameter with a percentile bootstrap interval over trajectories, and its
    excess over the dummy's mu* with a paired interval (same resampled trajectories)."""
    effects = st.elementary_effects(problem, X, Y)
    ee = np.abs(effects)
    names = list(problem["names"])
    j = names.index(dummy)
    r = ee.shape[0]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, r, size=(n_resamples, r))
    boot = ee[idx].mean(axis=1)  # (resamples, k)
    excess = boot - boot[:, [j]]
    mu = ee.mean(axis=0)
    out = pd.DataFrame({
        "parameter": names, "mu_star": mu,
        "low": np.quantile(boot, 0.025, axis=0), "high": np.quantile(boot, 0.975, axis=0),
        "excess": mu - mu[j],
        "excess_low": np.quantile(excess, 0.025, axis=0),
        "excess_high": np.quantile(excess, 0.975, axis=0),
        "sigma": effects.std(axis=0, ddof=1) if r > 1
        else np.full(len(names), np.nan),
    })
    out["influential"] = (out["excess_low"] > 0) & (out["parameter"] != dummy)
    return out.sort_values("mu_star", ascending=False, ignore_index=True)


def screens(data: ExperimentData) -> dict[str, pd.DataFrame]:
    """Each outcome's Morris screen from the stored runs, shared by the analysis and figure."""
    plan = make_plan(data.spec)
    Y = point_outcomes(data)
    problem = data.spec.problem()
    return {o: screen(problem, plan.X, Y[o].to_numpy(), seed=17 + i)
            for i, o in enumerate(OUTCOMES)}


def analyse(data: ExperimentData) -> Analysis:
    """Which parameters' mu* exceed the inert dummy's, and whether mediation is among them."""
    tables = screens(data)
    n_params = len(data.spec.varied) - 1
    findings, numbers, shown = [], {}, {}
    influential = {}
    for o, label in OUTCOMES.items():
        t = tables[o]
        infl = t[t["influential"]]
        influential[o] = list(infl["parameter"])
        numbers[f"{o}_influential"] = len(infl)
        d = t[t["parameter"] == DUMMY].iloc[0]
        findings.append(Finding(f"noise floor: dummy mu*, {label}", d["mu_star"], d["low"],
                                d["high"], "elementary effect of the inert dummy (run-to-run "
                                "noise), outcome units per range"))
        for row in t[t["parameter"] != DUMMY].head(5).itertuples():
            findings.append(Finding(f"{row.parameter} mu* minus dummy, {label}", row.excess,
                                    row.excess_low, row.excess_high,
                                    "excess over the noise floor, outcome units per range"))
        numbers[f"{o}_mean_half_width"] = float(((t["high"] - t["low"]) / 2).mean())
        numbers[f"{o}_dummy_mu_star"] = float(d["mu_star"])
        shown[f"Morris screen of {label} (top 15 by mu*; dummy = {DUMMY})"] = \
            t.head(15)[["parameter", "mu_star", "low", "high", "excess", "excess_low",
                        "excess_high", "sigma"]].round(4)
    p = influential["stable_alliance_formed"]
    sparse = all(0 < len(v) < SPARSE for v in influential.values())
    mediated = any(m in p for m in MEDIATION)
    numbers["parameters_screened"] = n_params
    numbers["influential_union"] = len(set().union(*influential.values()))
    numbers["p_stable_overall"] = float(data.runs["stable_alliance_formed"].mean())
    ratio = {}
    for o, t in tables.items():
        infl = t[t["influential"]]
        ratio[o] = float((infl["sigma"] / infl["mu_star"]).median()) if len(infl) else float("nan")
        numbers[f"{o}_sigma_over_mu_star"] = ratio[o]
    if sparse and mediated:
        verdict = "supported"
    elif sparse or mediated:
        verdict = "mixed"
    else:
        verdict = "not supported"
    top_p = ", ".join(p[:5]) or "none"
    top_l = ", ".join(influential["log_lifetime"][:5]) or "none"
    interacting = any(r > 1 for r in ratio.values())
    meaning = (f"{len(p)} of {n_params} parameters move the chance of a stable alliance above "
               f"the noise floor (strongest: {top_p}) and {len(influential['log_lifetime'])} "
               f"move the alliances' lifetime (strongest: {top_l}); at this screen's "
               "resolution these are lower bounds. "
               + ("Movements' mediation is among the parameters that decide whether an alliance "
                  "forms, as the essays' account of mediated encounters expects. "
                  if mediated else
                  "Movements' mediation is not among them at this scale, contrary to the weight "
                  "the essays give it. ")
               + ("Their effects vary more from one point to another than they average "
                  "(sigma above mu*): they are concentrated where the other conditions of an "
                  "alliance hold, a sign of interaction that the 0/1 outcomes exaggerate and "
                  "that e8b_sobol measures."
                  if interacting else
                  "Their effects are steady across the parameter space, so each lever works "
                  "largely on its own."))
    shown["Parameters not screened, and why"] = NOT_SCREENED
    return Analysis(verdict=verdict, meaning=meaning, findings=findings, tables=shown,
                    numbers=numbers)


def _label(name: str) -> str:
    return name.replace("_", " ")


def figure(data: ExperimentData, analysis: Analysis):
    """mu* per parameter against the dummy's noise band, one panel per outcome."""
    tables = screens(data)
    top = 12
    fig, axes = new_figure(2, 1, width=COLUMN, height=6.8)
    for ax, (o, label), letter in zip(axes, OUTCOMES.items(), "ab"):
        t = tables[o]
        d = t[t["parameter"] == DUMMY]
        real = t[t["parameter"] != DUMMY]
        shown = real[(real.index.isin(real.head(top).index)) | real["influential"]]
        t = pd.concat([d, shown.iloc[::-1]], ignore_index=True)
        y = np.arange(len(t))
        dummy = d.iloc[0]
        ax.axvspan(dummy["low"], dummy["high"], color="grey", alpha=0.25, lw=0)
        ax.axvline(dummy["mu_star"], color="grey", lw=0.8)
        groups = (("dummy", OKABE_ITO[7], "s", f"inert dummy ({_label(DUMMY)}): noise floor"),
                  (True, OKABE_ITO[0], "o", "above the dummy (paired bootstrap)"),
                  (False, "#777777", "o", "not distinguishable from the dummy"))
        for flag, colour, marker, text in groups:
            if flag == "dummy":
                sel = (t["parameter"] == DUMMY).to_numpy()
            else:
                sel = ((t["influential"] == flag) & (t["parameter"] != DUMMY)).to_numpy()
            ax.errorbar(t["mu_star"][sel], y[sel], xerr=[(t["mu_star"] - t["low"])[sel],
                                                         (t["high"] - t["mu_star"])[sel]],
                        fmt=marker, ms=3, color=colour, elinewidth=1, capsize=1.5, label=text)
        ax.set_yticks(y, [_label(p) + (" (dummy)" if p == DUMMY else "") for p in t["parameter"]])
        unit = "probability" if o == "stable_alliance_formed" else "log steps"
        ax.set_xlabel(f"mu* on {label}\n({unit} per parameter range, 95% CI)")
        ax.set_xlim(left=-0.02 * float(t["high"].max() or 1))
        panel_label(ax, letter)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=1, fontsize=6)
    return fig
