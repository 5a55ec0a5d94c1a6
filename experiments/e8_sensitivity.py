"""Experiment 8: which parameters matter? A Morris screen of every numeric parameter.

Hypothesis: only a few of the 65 numeric model parameters (fewer than ten) move the probability
of a stable alliance and the median alliance lifetime by more than the run-to-run noise measured
by three inert dummy parameters, and movements' mediation is among them for the probability.

Muto (2009/2018, 'Towards the Autonomy of the People of the World') puts mediation by movements
first among the conditions under which groups divided by hierarchy meet well; the screen asks
whether the model still agrees when every other parameter varies at the same time, and how
many of its mechanisms actually move the headline outcomes.

Design: SALib's Morris sampler (Morris 1991; Campolongo, Cariboni and Saltelli 2007), 20
trajectories of 69 points over 68 ranges (65 parameters and three inert dummies), 4 levels,
2 replicates per point: 2,760 runs of 30 groups for 200 steps. A point's outcome is the mean
of its replicates. The outcomes are whether a stable alliance formed (0/1, so a point's mean
is 0, 0.5 or 1) and the log of the Kaplan-Meier median alliance lifetime, capped at the run
length (``log(1 + min(median, steps))``; a run without any alliance scores 0, an unreached
median the cap). Elementary effects are in outcome units per full range of the parameter, so
mu* compares parameters with different units.

The noise floor: three dummies, ``enemy_onset``, ``enemy_fade_time`` and ``enemy_duration``,
which the model never reads under the default constant enemy and which draw no random numbers
(tests/test_sensitivity_dummies.py runs the model at two values of each with one seed and gets
the same run). Every design point has its own seeds (``experiments.design``), so two points of
a trajectory that differ only in a dummy differ in their seeds as any two points do, and the
dummy's elementary effect is pure run-to-run noise (tested too: a dummy step changes the
seeds). One dummy's mu* is a noisy, often zero, estimate of that noise, so the floor is the
largest of the three dummies' mu*. The rule, exactly: a parameter is influential for an outcome
when the 2.5% quantile of (its mu* minus the largest dummy mu*), over 2,000 bootstrap
resamples of the trajectories (the same resamples for the parameter and the dummies), is above
zero (``experiments.statistics.dummy_screen``).

``harvest_value`` is not inert: each step a group's harvest adds ``harvest_value`` times its
take per head times the commons to its resources (``model.mechanisms.commons.harvest``), and
resources buffer the scarcity an encounter feels (``felt_scarcity``, which raises the
propensity toward hostility through ``scarcity_weight``) and pay for mitigation
(``structural_change.mitigate``). Its effect is weak, so its mu* sits among the dummies':
in the committed one-replicate screen it scored 0.075 on the probability and 1.40 on the
lifetime against the dummy's 0.15 and 1.31; tests/test_sensitivity_dummies.py shows that it
changes a run (resources) where the dummies change nothing.

Ranges (``RANGES``): shares and proportions that live on the unit interval span their whole
schema range; per-step rates, weights and scales span from off (0) to twice the calibrated
default, so the default sits in the middle; log-odds intercepts span default +/- 1.25 (odds times
or divided by about 3.5, and their sum stays below 0 as the ordered logit needs), trust
thresholds default +/- 0.2, and a few counts a documented neighbourhood of the default. Two
exceptions follow from constraints: ``domination_bias`` in [0, 0.6] and ``contact_bias`` in
[0, 0.4], so that their sum never exceeds 1 and no sampled point fails (SALib needs every
point); and ``encounter_rate`` starts at 0.25, because without encounters nothing happens at
all. The ranges, the dummies, the run size and the analysed outcomes are shared with
``e8b_sobol`` through ``experiments.sensitivity_setup``.

Left out, with reasons: ``n_groups`` (fixed at 30, the population size for budget's sake;
``faultline_alignment`` and the other structure parameters vary instead), ``collect_every``
(bookkeeping), ``stable_alliance_min_size``, ``stable_alliance_min_share`` and
``stable_alliance_min_renewals`` (they define the observed outcome, not the dynamics), and
``enemy_axis`` (a label of which axis, and it must stay below ``n_axes``, which varies).
Boolean ``enable_*`` switches and the choice parameters (``enemy_schedule``,
``instigation_mode``) stay at their defaults.

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
from .sensitivity_setup import (DUMMIES, N_GROUPS, OUTCOMES, RANGES, STEPS, lifetime_score,
                                point_outcomes)
from .spec import Spec
from .style import COLUMN, OKABE_ITO, figure as new_figure, panel_label

NOT_SCREENED = pd.DataFrame({
    "parameter": ["n_groups", "collect_every", "stable_alliance_min_size",
                  "stable_alliance_min_share", "stable_alliance_min_renewals", "enemy_axis",
                  "enable_* switches, enemy_schedule, instigation_mode"],
    "why": ["fixed at 30: population size, held small for the budget",
            "bookkeeping (how often metrics are collected)",
            "defines the observed outcome, not the dynamics",
            "defines the observed outcome, not the dynamics",
            "defines the observed outcome, not the dynamics",
            "a label of which axis; must stay below n_axes, which varies",
            "not numeric: kept at their defaults"]})
"""Numeric parameters left out of the screen, and why (shown in the summary)."""

MEDIATION = ("mediation_capacity", "n_movements", "mediation_reach", "rootedness")
"""Parameters of movements' mediation, the mechanism the essays put first."""

QUICK_VARIED = ("mediation_capacity", "n_movements", "instigation", "trust_gain",
                "contract_threshold", "domination_bias", "contact_bias", *DUMMIES)
SPARSE = 10  # "few": fewer than this many influential parameters
RESAMPLES = 2000

HYPOTHESIS = ("Only a few (fewer than ten) of the 65 numeric parameters move the probability of "
              "a stable alliance and the median alliance lifetime by more than the run-to-run "
              "noise measured by three inert dummy parameters, and movements' mediation is "
              "among them for the probability.")

SIZING = ("Morris with 20 trajectories x 69 points (65 parameters and 3 dummies) x 2 "
          "replicates = 2,760 runs. Two replicates, because one is not enough for a 0/1 "
          "outcome: with one run per point an elementary effect of the probability is 0 or "
          "+/-1.5 and the noise of a single run decides it; the mean of two halves each "
          "point's noise variance and gives the effects a finer scale (0, +/-0.75, +/-1.5). "
          "More replicates would buy less than the same runs spent on trajectories, which "
          "tighten every mu*. The noise floor is the largest mu* of three inert dummies (one "
          "dummy is a poor floor: in the committed one-replicate screen 18 of the single "
          "dummy's 20 effects on the probability were exactly 0), and each parameter's mu* minus "
          "that floor gets a paired bootstrap interval over trajectories (2,000 resamples). "
          "Cost, measured at this size: about 0.13 s of one core per run, so about 3 "
          "minutes on two idle cores (the sensitivity budget is 20 minutes for this screen "
          "and e8b_sobol together). The achieved precision (mean half-width of the mu* "
          "intervals, the floor) is listed under Other numbers.")

SPEC = Spec(
    name="e8_sensitivity",
    description="Morris screen of all numeric parameters, with replicates and three inert "
                "dummies as noise floor",
    design="morris",
    varied=RANGES,
    fixed={"n_groups": N_GROUPS, "collect_every": STEPS},
    replicates=2,
    steps=STEPS,
    samples=20,
    outcomes=("stable_alliance_formed", "median_alliance_lifetime",
              "largest_stable_alliance_share", "alliances_formed", "final_mean_trust"),
    root_seed=20261131,
    quick={"varied": {k: RANGES[k] for k in QUICK_VARIED}, "fixed": {"n_groups": 10},
           "samples": 3, "steps": 30},
)

OUTCOME = "stable_alliance_formed"

CONTRAST = ("Each screened parameter's mu* (mean absolute elementary effect per full range, "
            "each point the mean of its replicates) against the largest mu* of the inert "
            "dummies (the noise floor), for P(stable alliance) and the log of the capped median "
            "alliance lifetime.")

TEST = ("Paired bootstrap over trajectories (2,000 resamples) of mu* minus the largest dummy "
        "mu*; a parameter is influential when the 95% interval lies above 0.")

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
           "No rule fixes how many parameters matter; the inert dummies measure the noise they "
           "are read against."),
)



def screen(problem: dict, X: np.ndarray, Y: np.ndarray, dummies: tuple[str, ...] = DUMMIES,
           n_resamples: int = RESAMPLES, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """mu* of every parameter against the largest dummy mu* (the rule is in the module
    docstring), from the design matrix and the per-point outcomes in SALib's order."""
    effects = st.elementary_effects(problem, X, Y)
    return st.dummy_screen(effects, list(problem["names"]), tuple(dummies),
                           n_resamples=n_resamples, seed=seed)


def screens(data: ExperimentData) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Each outcome's Morris screen and floor from the stored runs, for analysis and figure."""
    plan = make_plan(data.spec)
    Y = point_outcomes(data)
    problem = data.spec.problem()
    dummies = tuple(d for d in DUMMIES if d in data.spec.varied)
    return {o: screen(problem, plan.X, Y[o].to_numpy(), dummies, seed=17 + i)
            for i, o in enumerate(OUTCOMES)}


def replicate_noise(data: ExperimentData) -> dict[str, float]:
    """Mean absolute difference between the two first replicates of a point, per outcome:
    the run-to-run noise the dummies should show, measured without them."""
    runs = st.successful(data.runs).copy()
    runs["log_lifetime"] = lifetime_score(runs["median_alliance_lifetime"], data.spec.steps)
    out = {}
    for o in OUTCOMES:
        wide = runs.pivot_table(index="point", columns="replicate", values=o)
        out[o] = float((wide[0] - wide[1]).abs().mean()) if wide.shape[1] >= 2 else float("nan")
    return out


def analyse(data: ExperimentData) -> Analysis:
    """Which parameters' mu* exceed the dummies' noise floor, and whether mediation is
    among them."""
    tables = screens(data)
    dummies = [d for d in DUMMIES if d in data.spec.varied]
    n_params = len(data.spec.varied) - len(dummies)
    findings, numbers, shown = [], {}, {}
    influential = {}
    noise = replicate_noise(data)
    for o, label in OUTCOMES.items():
        t, floor = tables[o]
        infl = t[t["influential"]]
        influential[o] = list(infl["parameter"])
        numbers[f"{o}_influential"] = len(infl)
        findings.append(Finding(f"noise floor: largest dummy mu*, {label}", floor["estimate"],
                                floor["low"], floor["high"],
                                f"largest of {len(dummies)} inert dummies' mu* (run-to-run "
                                f"noise; now {floor['set_by']}), outcome units per range"))
        for row in t[~t["dummy"]].head(5).itertuples():
            findings.append(Finding(f"{row.parameter} mu* minus floor, {label}", row.excess,
                                    row.excess_low, row.excess_high,
                                    "excess over the noise floor, outcome units per range"))
        real = t[~t["dummy"]]
        numbers[f"{o}_mean_half_width"] = float(((real["high"] - real["low"]) / 2).mean())
        numbers[f"{o}_noise_floor"] = floor["estimate"]
        for d in t[t["dummy"]].itertuples():
            numbers[f"{o}_dummy_mu_star_{d.parameter}"] = float(d.mu_star)
        numbers[f"{o}_replicate_abs_difference"] = noise[o]
        top = t.head(15)
        shown[f"Morris screen of {label} (top 15 by mu*, and the dummies)"] = pd.concat(
            [top, t[t["dummy"] & ~t.index.isin(top.index)]])[
            ["parameter", "dummy", "mu_star", "low", "high", "excess", "excess_low",
             "excess_high", "sigma", "influential"]].round(4)
    p = influential["stable_alliance_formed"]
    sparse = all(0 < len(v) < SPARSE for v in influential.values())
    mediated = any(m in p for m in MEDIATION)
    numbers["parameters_screened"] = n_params
    numbers["influential_union"] = len(set().union(*influential.values()))
    numbers["p_stable_overall"] = float(data.runs["stable_alliance_formed"].mean())
    ratio = {}
    for o, (t, _) in tables.items():
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
               f"the noise floor of {len(dummies)} inert dummies (strongest: {top_p}) and "
               f"{len(influential['log_lifetime'])} move the alliances' lifetime (strongest: "
               f"{top_l}); at this screen's resolution these are lower bounds. "
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
    """mu* per parameter against the dummies' noise floor, one panel per outcome."""
    tables = screens(data)
    top = 12
    fig, axes = new_figure(2, 1, width=COLUMN, height=7.0)
    for ax, (o, label), letter in zip(axes, OUTCOMES.items(), "ab"):
        t, floor = tables[o]
        d = t[t["dummy"]]
        real = t[~t["dummy"]]
        shown = real[(real.index.isin(real.head(top).index)) | real["influential"]]
        t = pd.concat([d.iloc[::-1], shown.iloc[::-1]], ignore_index=True)
        y = np.arange(len(t))
        ax.axvspan(floor["low"], floor["high"], color="grey", alpha=0.25, lw=0)
        ax.axvline(floor["estimate"], color="grey", lw=0.8)
        groups = (("dummy", OKABE_ITO[7], "s", "inert dummies; the largest mu* is the floor"),
                  (True, OKABE_ITO[0], "o", "above the floor (paired bootstrap)"),
                  (False, "#777777", "o", "not distinguishable from the floor"))
        for flag, colour, marker, text in groups:
            if flag == "dummy":
                sel = t["dummy"].to_numpy()
            else:
                sel = ((t["influential"] == flag) & ~t["dummy"]).to_numpy()
            ax.errorbar(t["mu_star"][sel], y[sel], xerr=[(t["mu_star"] - t["low"])[sel],
                                                         (t["high"] - t["mu_star"])[sel]],
                        fmt=marker, ms=3, color=colour, elinewidth=1, capsize=1.5, label=text)
        ax.set_yticks(y, [_label(p) + (" (dummy)" if dm else "")
                          for p, dm in zip(t["parameter"], t["dummy"])])
        unit = "probability" if o == "stable_alliance_formed" else "log steps"
        ax.set_xlabel(f"mu* on {label}\n({unit} per parameter range, 95% CI)")
        ax.set_xlim(left=-0.02 * float(t["high"].max() or 1))
        panel_label(ax, letter)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=1, fontsize=6)
    return fig
