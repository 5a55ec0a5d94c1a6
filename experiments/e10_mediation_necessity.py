"""Experiment 10: is mediation necessary, sufficient, both or neither for a stable alliance?

Hypothesis: Muto (2009/2018) writes that movements' mediation is *essential* for virtuous
interaction between groups divided by hierarchy. Read as a claim about this model, mediation is
*necessary* for a stable alliance: without it, stable alliances (``stable_alliance_formed``)
hardly ever form, even where everything else favours them. The experiment also asks the
converse, whether mediation is *sufficient*: whether with it a stable alliance is likely even
where the context works against one.

Definitions, fixed before any result (thresholds in :data:`NECESSITY_CEILING` and
:data:`SUFFICIENCY_FLOOR`; the 95% intervals are Wilson score intervals of a proportion,
``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``):

* mediation is **necessary** when the upper end of the interval of P(stable | no mediation,
  favourable context) is below 0.1, *and* mediation does make alliances there (the paired
  difference, mediation on minus off in the favourable context, has its lower end above 0):
  without mediation, fewer than one run in ten forms a stable alliance even where open groups,
  a strong bond and the absence of divide and rule all help. The second condition keeps the
  claim from holding vacuously, in a model where nothing forms at all (status "vacuous").
  0.1 is "rarely" in
  plain words and is reachable: with 100 draws a true zero gives an upper end of 0.037, and
  up to 4 stable runs of 100 still stay below 0.1.
  Necessity is *refuted* when the lower end of that interval is at or above 0.1.
* mediation is **sufficient** when the lower end of the interval of P(stable | mediation,
  unfavourable context) is above 0.5: with mediation a stable alliance is more likely than not
  even in the default context (mostly closed groups, a weak bond and divide-and-rule
  pressure), *and* mediation is what makes them there (the paired difference, on minus off in
  the unfavourable context, has its lower end above 0). The second condition is the mirror of
  necessity's: where the default context forms alliances without mediation just as often, the
  context suffices, not mediation (status "vacuous"). 0.5 is the line experiment 1 reads its
  boundary at. Sufficiency is *refuted* when the upper end is below 0.5.
* the answer is one of four words: **necessary**, **sufficient**, **both** or **neither**
  (a property counts only when shown; one whose interval straddles its threshold is reported
  as undecided). The engine's verdict on Muto's claim (necessity) is ``supported`` when it is
  shown, ``not supported`` when refuted and ``mixed`` when undecided or vacuous.

Every answer could have come out: :func:`decide` reaches each of the four on data made for it
(tests/test_e10_mediation_necessity.py), and the model has no rule that lets only mediated
encounters end well (docs/ODD.md 7.3). ``E8_NO_MEDIATION`` (tests/test_open_questions.py)
found stable alliances without mediation in a favourable context at the hand-set defaults;
this experiment asks the question across the calibrated posterior.

Design: ``design = "posterior"``. 100 parameter sets are drawn from the committed calibration's
posterior (``results/calibration/posterior.parquet``, read by path, so a new calibration is a
new sweep), and each is run with every combination of the varied levels: mediation
(``mediation_capacity`` 0, no movement mediates, or 0.5, the upper rung of the ladder on which
docs/ODD.md reads experiment 1's boundary, above e1's densest range) crossed with three context
factors, each at its default (unfavourable) or favourable level (:data:`CONTEXT`). The engine
crosses levels and cannot tie them into bundles, so the contexts form a 2^3 factorial; the
verdict reads its two corners (every factor unfavourable, every factor favourable) and the six
mixed contexts show which factor stands in for mediation. A common enemy is present in both
contexts at its defaults (constant, salience 0.5, ``enemy_effect`` 0.3; docs/ODD.md 7.12);
raising it too would have doubled the runs past the time budget (SIZING). The calibration
leaves these setting parameters out on purpose (experiments/calibration/priors.toml), so no
context level collides with a drawn one. 300 steps as in experiment 1, time for contracts of
term 20 to be renewed twice and join half the population; 40 groups (e1 has 60), so that a
stable alliance still joins at least 20 groups.

Pairing: the posterior design crosses each drawn set with every combination of levels, but it
gives every design point its own seed stream (``experiments.design.plan``), so the arms of one
drawn set do *not* share seeds (no common random numbers). The comparisons are paired by drawn
set all the same: differences between arms are taken within each draw and bootstrapped over
draws (``scipy.stats.bootstrap``), so differences between parameter sets do not enter them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from model.core.parameters import DEFAULTS

from .analysis import Analysis, ExperimentData, Finding
from .spec import Spec
from .store import StoreError

MEDIATION_OFF, MEDIATION_ON = 0.0, 0.5
"""No movement mediates; mediation at the top rung of experiment 1's ladder (docs/ODD.md)."""

CONTEXT = {
    "openness_mean": (DEFAULTS["openness_mean"], 0.6),
    "bond": (DEFAULTS["bond"], 1.5),
    "instigation": (DEFAULTS["instigation"], 0.0),
}
"""Each context factor's (unfavourable, favourable) level. Unfavourable is the schema's
default. Favourable: open factions hold 0.6 of power in the median group (7.3's openness term
turns positive, ``o_i + o_j - 1 > 0``), a bond of 1.5 (the ethics of respect shifts every
encounter toward virtuous by 1.5 on the logit scale, three times the default) and no
divide-and-rule pressure (7.11). These are ``E8_NO_MEDIATION``'s favourable context
(tests/test_open_questions.py; docs/ODD.md's "could have failed" table), where stable alliances
formed without mediation at the hand-set defaults."""

FACTOR_WORDS = {"openness_mean": "open", "bond": "bond", "instigation": "no instigation"}

NECESSITY_CEILING = 0.1
"""Necessary: P(stable | no mediation, favourable) has its 95% upper end below this."""
SUFFICIENCY_FLOOR = 0.5
"""Sufficient: P(stable | mediation, unfavourable) has its 95% lower end above this."""
ANSWERS = ("necessary", "sufficient", "both", "neither")
OUTCOME = "stable_alliance_formed"
RESAMPLES = 9999

CONTRAST = ("P(stable alliance) without mediation in the favourable context (necessity) and "
            "with mediation in the default context (sufficiency), each beside the other "
            "mediation level in the same context and drawn parameter set.")

TEST = ("Wilson 95% intervals of the two corner proportions (scipy.stats.binomtest "
        "proportion_ci), and paired differences of P(stable) with and without mediation "
        "within each drawn parameter set, bootstrapped over drawn sets (scipy.stats.bootstrap, "
        "95% percentile interval).")

DECISION_RULE = ("Necessity shown when the upper end of P(stable | no mediation, favourable) is "
                 "below 0.1 and the paired mediation effect there has its lower end above 0; "
                 "refuted when the lower end is at or above 0.1; undecided between. Sufficiency "
                 "shown when the lower end of P(stable | mediation, default context) is above "
                 "0.5 and the paired effect there has its lower end above 0; refuted when the "
                 "upper end is below 0.5. Answer: both, necessary, sufficient or neither. "
                 "Verdict on Muto's claim (necessity): supported when shown, not supported when "
                 "refuted, mixed when undecided or vacuous.")

COULD_FAIL = dict(
    settings={
        "E8_NO_MEDIATION": ("n_groups=20, openness_mean=0.6, bond=1.5, instigation=0.0, "
                            "mediation_capacity=0.0",
                            "stable alliances form without any mediation in a favourable "
                            "context (tests/test_open_questions.py), so necessity can be "
                            "refuted"),
        "E1_REVERSES": ("n_groups=20, faultline_alignment=1.0, imposition_weight=4.0, "
                        "enable_structural_change=False, instigation=0.0",
                        "mediation lowers P(stable) where it imposes across full, unmitigated "
                        "gaps, so sufficiency can be refuted"),
    },
    rules=("No rule lets only mediated encounters end well (docs/ODD.md 7.3): unmediated "
           "encounters succeed by openness, bonds and trust, and mediation shifts the odds by "
           "mediation_effect - imposition_weight x effective domination, negative across large "
           "gaps. So the rules imply neither necessity nor sufficiency; which holds depends on "
           "the contexts and the posterior."),
)

HYPOTHESIS = ("Movements' mediation is necessary for a stable alliance (Muto: essential): "
              "without it, P(stable alliance) stays below 0.1 even in a favourable context "
              "(open groups, a strong bond, no divide and rule), across the calibrated "
              "posterior.")

SIZING = ("100 posterior draws, each run in all 16 combinations of the levels: 1600 runs of 40 "
          "groups and 300 steps, one per combination, so every corner arm has 100 independent "
          "runs. An arm's Wilson 95% interval then reaches at most 0.10 from its estimate; a "
          "true P(stable) of zero (no mediation, favourable context) gives an upper end of "
          "0.037, so the necessity threshold (0.1) is cleared with up to 4 stable runs of 100, "
          "and the sufficiency threshold (0.5) from 60 of 100 up. Paired differences are "
          "bootstrapped over the 100 draws. One run at this size costs 0.22 s of one core (CPU time, mean of "
          "48 runs: three drawn sets in all 16 combinations, the slowest 0.26 s), so the sweep "
          "projects to 1600 x 0.22 s / 2 cores = 2.9 min on two idle cores, inside the 4 "
          "minutes allowed (120 draws would take 3.5 min, too close to the limit once workers "
          "start up; a fourth context factor, a full-salience enemy, would double the time; 50 "
          "draws would widen the intervals to +/-0.14).")

SPEC = Spec(
    name="e10_mediation_necessity",
    description="mediation on/off x 2^3 favourable context factors, over 100 posterior draws",
    design="posterior",
    samples=100,
    varied={"mediation_capacity": [MEDIATION_OFF, MEDIATION_ON],
            **{name: list(levels) for name, levels in CONTEXT.items()}},
    fixed={"n_groups": 40, "collect_every": 300},
    replicates=1,
    steps=300,
    outcomes=(OUTCOME, "largest_stable_alliance_share", "contracts_signed", "final_mean_trust",
              "final_hostility"),
    root_seed=20261203,
    quick={"samples": 2, "steps": 40, "fixed": {"n_groups": 12}},
)

ARMS = {("off", "favourable"): "no mediation, favourable",
        ("on", "favourable"): "mediation, favourable",
        ("off", "unfavourable"): "no mediation, unfavourable",
        ("on", "unfavourable"): "mediation, unfavourable"}


def proportion(k: int, n: int) -> dict[str, float]:
    """k of n with its Wilson 95% interval (NaN without runs)."""
    if n == 0:
        nan = float("nan")
        return {"estimate": nan, "low": nan, "high": nan, "k": 0, "n": 0}
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return {"estimate": k / n, "low": float(ci.low), "high": float(ci.high), "k": int(k),
            "n": int(n)}


def paired_mean(diffs, seed: int) -> dict[str, float]:
    """Mean of per-draw differences with a percentile bootstrap interval over draws."""
    d = np.asarray(diffs, dtype=float)
    d = d[~np.isnan(d)]
    if len(d) < 2 or np.ptp(d) == 0:  # no spread: the interval is the value itself
        v = float(d.mean()) if len(d) else float("nan")
        return {"estimate": v, "low": v if len(d) >= 2 else float("nan"),
                "high": v if len(d) >= 2 else float("nan"), "draws": len(d)}
    res = stats.bootstrap((d,), np.mean, confidence_level=0.95, n_resamples=RESAMPLES,
                          method="percentile", rng=np.random.default_rng(seed))
    return {"estimate": float(d.mean()), "low": float(res.confidence_interval.low),
            "high": float(res.confidence_interval.high), "draws": len(d)}


def label_runs(runs: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The runs with their drawn set (``draw``), mediation arm and context, named.

    The posterior design lays out draw after draw, each with every combination of the varied
    levels, so a run's draw is its design point divided by the number of combinations."""
    missing = sorted({"point", OUTCOME, "mediation_capacity", *CONTEXT} - set(runs.columns))
    if missing:
        raise StoreError(f"the runs table lacks column(s) {', '.join(missing)}: expected the "
                         f"runs of {SPEC.name}")
    combos = math.prod(len(levels) for levels in spec.varied.values())
    out = runs.copy()
    out["draw"] = out["point"] // combos
    out["mediation"] = np.where(out["mediation_capacity"] > 0, "on", "off")
    favourable = pd.DataFrame({name: out[name] == CONTEXT[name][1] for name in CONTEXT})
    out["favourable_factors"] = favourable.sum(axis=1)
    out["context_name"] = favourable.apply(
        lambda row: " + ".join(FACTOR_WORDS[n] for n in CONTEXT if row[n]) or "defaults", axis=1)
    out["context"] = np.select([out["favourable_factors"] == len(CONTEXT),
                                out["favourable_factors"] == 0],
                               ["favourable", "unfavourable"], "mixed")
    return out


def arm_proportions(runs: pd.DataFrame) -> dict[tuple[str, str], dict[str, float]]:
    """P(stable) in each corner arm (mediation, context), with its Wilson interval."""
    out = {}
    for (med, ctx) in ARMS:
        y = runs.loc[(runs["mediation"] == med) & (runs["context"] == ctx), OUTCOME]
        out[(med, ctx)] = proportion(int(y.astype(bool).sum()), len(y))
    return out


def per_draw(runs: pd.DataFrame) -> pd.DataFrame:
    """Share of stable runs per drawn set and corner arm (one column per arm)."""
    corner = runs[runs["context"] != "mixed"]
    table = corner.pivot_table(index="draw", columns=["mediation", "context"], values=OUTCOME,
                               aggfunc="mean")
    return table.reindex(columns=pd.MultiIndex.from_tuples(list(ARMS)))


def decide(off_favourable: dict, on_unfavourable: dict, effect_favourable: dict,
           effect_unfavourable: dict) -> dict:
    """The four-word answer from the intervals the definitions name (module docstring).

    Returns ``necessary`` and ``sufficient`` (each "shown", "refuted", "undecided" or
    "vacuous"), ``answer`` (one of :data:`ANSWERS`) and ``verdict`` (the engine's word on
    necessity)."""
    if off_favourable["high"] < NECESSITY_CEILING:
        necessary = "shown" if effect_favourable["low"] > 0 else "vacuous"
    elif off_favourable["low"] >= NECESSITY_CEILING:
        necessary = "refuted"
    else:
        necessary = "undecided"
    if on_unfavourable["low"] > SUFFICIENCY_FLOOR:
        sufficient = "shown" if effect_unfavourable["low"] > 0 else "vacuous"
    elif on_unfavourable["high"] < SUFFICIENCY_FLOOR:
        sufficient = "refuted"
    else:
        sufficient = "undecided"
    n, s = necessary == "shown", sufficient == "shown"
    answer = "both" if n and s else "necessary" if n else "sufficient" if s else "neither"
    verdict = {"shown": "supported", "refuted": "not supported", "undecided": "mixed",
               "vacuous": "mixed"}[necessary]
    return {"necessary": necessary, "sufficient": sufficient, "answer": answer,
            "verdict": verdict}


def context_table(runs: pd.DataFrame) -> pd.DataFrame:
    """P(stable) without and with mediation in each of the 8 contexts, with Wilson intervals."""
    rows = []
    for (name, k), g in runs.groupby(["context_name", "favourable_factors"], sort=False):
        row = {"context (favourable factors)": name, "factors": int(k)}
        for med in ("off", "on"):
            y = g.loc[g["mediation"] == med, OUTCOME].astype(bool)
            p = proportion(int(y.sum()), len(y))
            row[f"P mediation {med}"] = p["estimate"]
            row[f"CI {med}"] = f"[{p['low']:.2f}, {p['high']:.2f}]"
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["factors", "P mediation off"]).reset_index(drop=True)


def analyse(data: ExperimentData) -> Analysis:
    """Corner arms with Wilson intervals, paired differences over draws, the answer."""
    runs = label_runs(data.runs, data.spec)
    arms = arm_proportions(runs)
    empty = [ARMS[a] for a, p in arms.items() if p["n"] == 0]
    if empty:
        raise StoreError(f"{data.spec.results_name}: no successful runs in arm(s) "
                         f"{', '.join(empty)}: the verdict needs all four corner arms (the "
                         "failed runs' errors are in the 'error' column of runs.parquet)")
    draws = per_draw(runs)
    diff = {
        "mediation effect, favourable": draws[("on", "favourable")] - draws[("off", "favourable")],
        "mediation effect, unfavourable":
            draws[("on", "unfavourable")] - draws[("off", "unfavourable")],
        "context effect without mediation":
            draws[("off", "favourable")] - draws[("off", "unfavourable")],
    }
    diff["interaction (mediation effect, favourable minus unfavourable)"] = \
        diff["mediation effect, favourable"] - diff["mediation effect, unfavourable"]
    paired = {name: paired_mean(d, seed=i) for i, (name, d) in enumerate(diff.items())}
    decision = decide(arms[("off", "favourable")], arms[("on", "unfavourable")],
                      paired["mediation effect, favourable"],
                      paired["mediation effect, unfavourable"])
    findings = [Finding(f"P(stable), {ARMS[a]}", p["estimate"], p["low"], p["high"],
                        f"{p['k']} of {p['n']} runs (one per draw); Wilson interval")
                for a, p in arms.items()]
    findings += [Finding(name, p["estimate"], p["low"], p["high"],
                         f"paired within {p['draws']} drawn sets; bootstrap over draws")
                 for name, p in paired.items()]
    rule = pd.DataFrame([
        {"property": "necessary", "statistic": "P(stable), no mediation, favourable",
         "rule": f"upper end < {NECESSITY_CEILING:g} and mediation effect (favourable) > 0",
         "95% CI": _ci(arms[("off", "favourable")]), "status": decision["necessary"]},
        {"property": "sufficient", "statistic": "P(stable), mediation, unfavourable",
         "rule": f"lower end > {SUFFICIENCY_FLOOR:g} and mediation effect (unfavourable) "
                 "> 0",
         "95% CI": _ci(arms[("on", "unfavourable")]), "status": decision["sufficient"]},
    ])
    numbers = {"draws": float(runs["draw"].nunique()),
               "necessity_ceiling": NECESSITY_CEILING, "sufficiency_floor": SUFFICIENCY_FLOOR,
               "necessary_shown": float(decision["necessary"] == "shown"),
               "sufficient_shown": float(decision["sufficient"] == "shown")}
    return Analysis(verdict=decision["verdict"], meaning=_meaning(decision, arms,
                                                       paired["mediation effect, unfavourable"]),
                    findings=findings,
                    tables={"Decision rule (fixed before the runs; could it have failed?)": rule,
                            "P(stable) by context, without and with mediation":
                                context_table(runs)},
                    numbers=numbers)


def _ci(p: dict) -> str:
    return f"[{p['low']:.3f}, {p['high']:.3f}]"


def _meaning(decision: dict, arms: dict, helps: dict) -> str:
    off_fav, on_unf = arms[("off", "favourable")], arms[("on", "unfavourable")]
    words = {"both": "both necessary and sufficient", "necessary": "necessary, not sufficient",
             "sufficient": "sufficient, not necessary", "neither": "neither necessary nor "
             "sufficient"}
    text = [f"Answer: mediation is **{words[decision['answer']]}** for a stable alliance across "
            f"the calibrated posterior. Without mediation, a favourable context forms one in "
            f"{off_fav['estimate']:.0%} of runs (95% CI {_ci(off_fav)}; necessity needs the "
            f"upper end below {NECESSITY_CEILING:g}); with mediation, the default context forms "
            f"one in {on_unf['estimate']:.0%} ({_ci(on_unf)}; sufficiency needs the lower end "
            f"above {SUFFICIENCY_FLOOR:g})."]
    if decision["necessary"] == "undecided":
        text.append(f"Necessity is undecided: the interval straddles {NECESSITY_CEILING:g}.")
    if decision["necessary"] == "vacuous":
        text.append("Necessity would hold only vacuously: mediation makes no measurable "
                    "difference in the favourable context either.")
    if decision["sufficient"] == "undecided":
        text.append(f"Sufficiency is undecided: the interval straddles {SUFFICIENCY_FLOOR:g}.")
    if decision["sufficient"] == "vacuous":
        text.append("Sufficiency would hold only vacuously: the default context forms stable "
                    "alliances without mediation about as often, so the context suffices.")
    if decision["necessary"] == "refuted":
        text.append("In Muto's terms: groups that are open, bound by respect and not set "
                    "against each other ally without movements between them.")
    elif decision["necessary"] == "shown":
        text.append("In Muto's terms: even the best conditions do not bring groups divided by "
                    "hierarchy into a lasting alliance unless movements mediate their meetings.")
    if helps["low"] > 0:
        text.append(f"Where the context works against them, mediation raises P(stable) by "
                    f"{helps['estimate']:.2f} within a drawn parameter set (95% CI "
                    f"{_ci(helps)}).")
    elif helps["high"] < 0:
        text.append(f"Where the context works against them, mediation lowers P(stable) by "
                    f"{-helps['estimate']:.2f} within a drawn parameter set (95% CI "
                    f"{_ci(helps)}): imposition across unmitigated gaps (docs/ODD.md 7.3).")
    text.append("It could have failed: each of the four answers was open before the runs "
                "(the decision rule table).")
    return " ".join(text)


def figure(data: ExperimentData, analysis: Analysis):
    """P(stable) in the four corner arms against both thresholds (a), and without and with
    mediation in every context (b)."""
    from .style import COLUMN, OKABE_ITO, figure as new_figure, panel_label

    runs = label_runs(data.runs, data.spec)
    arms = arm_proportions(runs)
    fig, (a, b) = new_figure(2, 1, width=COLUMN, height=5.0,
                             gridspec_kw={"height_ratios": [1, 1.3]})
    for j, med in enumerate(("off", "on")):
        for i, ctx in enumerate(("unfavourable", "favourable")):
            p = arms[(med, ctx)]
            a.errorbar(i + (j - 0.5) * 0.2, p["estimate"],
                       yerr=[[p["estimate"] - p["low"]], [p["high"] - p["estimate"]]],
                       fmt="o", ms=4, color=OKABE_ITO[j], capsize=2,
                       label=f"mediation {med}" if i == 0 else None)
    a.axhline(NECESSITY_CEILING, color="0.4", lw=0.7, ls=":")
    a.axhline(SUFFICIENCY_FLOOR, color="0.4", lw=0.7, ls="--")
    a.text(1.45, NECESSITY_CEILING, "necessity", fontsize=6, va="bottom", ha="right")
    a.text(-0.45, SUFFICIENCY_FLOOR, "sufficiency", fontsize=6, va="bottom")
    a.set(xticks=[0, 1], xticklabels=["unfavourable\n(defaults)", "favourable"],
          ylabel="P(stable alliance)\n(Wilson 95% CI)", ylim=(-0.02, 1.02), xlim=(-0.5, 1.5))
    a.legend(loc="upper left", fontsize=6)
    panel_label(a, "a")
    table = context_table(runs)
    y = np.arange(len(table))
    for j, med in enumerate(("off", "on")):
        b.plot(table[f"P mediation {med}"], y, "o", ms=3, color=OKABE_ITO[j],
               label=f"mediation {med}")
    b.hlines(y, table["P mediation off"], table["P mediation on"], color="0.7", lw=0.8)
    b.set_yticks(y, table["context (favourable factors)"], fontsize=6)
    b.axvline(NECESSITY_CEILING, color="0.4", lw=0.7, ls=":")
    b.axvline(SUFFICIENCY_FLOOR, color="0.4", lw=0.7, ls="--")
    b.set(xlabel="P(stable alliance) by context (colours as in a)", xlim=(-0.02, 1.02))
    panel_label(b, "b")
    return fig

