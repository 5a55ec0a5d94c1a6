"""Experiment 2: faultline alignment and the number of domination axes.

Hypothesis: cross-cutting (intersecting) identities make alliances across groups easier and
polarisation lower, while aligned faultlines polarise the population of groups.

Design: a full grid of ``faultline_alignment`` (0, 0.25, 0.5, 0.75, 0.9, 1; the pilot showed
polarisation changing mostly above 0.5, hence the extra level at 0.9) by ``n_axes`` (2, 4 and
7 domination axes), 20 replicates per cell, 100 groups, 300 steps. Besides the parameter, every
run reports the faultline strength it actually drew: the average silhouette width (ASW; Meyer
and Glenz 2013, the model's ``faultline_strength``) and Thatcher, Jehn and Zanutto's (2003)
Fau, which still separates alignments where ASW saturates at few axes (docs/ODD.md, 7.16).
Alliances "across groups" are read off the contracts: the identity distance between the two
parties of every contract signed (share of axes on which they sit on different sides),
relative to the mean distance between all pairs of groups (``contract_bridging``: 1 when
allies are chosen regardless of identity, 0 when only identical groups ally), and the share of
axes bridged by an active contract at the end (``final_charter_coverage``).

Muto (2009/2018) writes of the world's people as diverse groups with intersecting identities,
each dominated on some axes and dominant on others, whose diversity capital turns into
competition; intersecting identities are what lets alliance building reach across every
divide. Lau and Murnighan (1998) and Mäs, Flache, Takács and Jehn (2013) give the social-
psychological counterpart: aligned attributes (strong faultlines) split a population into
camps, crisscrossing attributes hold it together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import statistics as st
from .analysis import Analysis, ExperimentData, Finding
from .spec import Spec
from .style import COLUMN, OKABE_ITO, band, figure as new_figure, panel_label

ALIGNMENT = [0.0, 0.25, 0.5, 0.75, 0.9, 1.0]
AXES = [2, 4, 7]

HYPOTHESIS = ("Cross-cutting (intersecting) identities make alliances across groups easier and "
              "polarisation lower, while aligned faultlines polarise.")

SIZING = ("Each pooled finding compares the 60 runs at full alignment with the 60 "
          "cross-cutting ones (20 per number of axes). Within a cell the run-to-run standard "
          "deviation of final polarisation is 0.02 (at most 0.03), so the pooled difference "
          "has a 95% half-width of about 0.012 against a gap of 0.18; the largest stable "
          "alliance varies more (standard deviation 0.14 within cells), which gives a "
          "half-width of 0.06 against a gap of 0.20, and contract bridging 0.08 against 0.48. "
          "The figure's bands are t intervals over the 20 runs of each cell. Doubling the "
          "replicates would narrow every interval by about 30% without changing any sign. The "
          "committed sweep took the wall time below on two idle cores.")

OUTCOME = "final_polarisation"

CONTRAST = ("Full against no faultline alignment (the highest against the lowest level), pooled "
            "over the numbers of axes, for final polarisation, contract bridging "
            "(`contract_bridging`) and the largest stable alliance's share.")

TEST = ("Bootstrap 95% intervals of the three differences of means (runs resampled, 2,000 "
        "resamples).")

DECISION_RULE = ("Polarises: the interval of the polarisation difference lies above 0; "
                 "narrows: the interval of the bridging difference lies below 0; shrinks: the "
                 "interval of the largest stable alliance difference lies below 0. Supported "
                 "when all three hold; mixed when one or two hold; not supported when none "
                 "does.")

COULD_FAIL = dict(
    settings={
        "E2_REVERSES": ("n_groups=40, domination_weight=0.0, initial_prejudice=0.0",
                        "alignment 0 -> 1 makes contracts bridge more, not less (bridging "
                        "1.09 -> 1.61), and polarisation barely moves (0.04 -> 0.05; seeds 1-6, "
                        "200 steps)"),
    },
    rules=("Alignment only decides which groups share sides on the domination axes; it "
           "polarises trust and keeps contracts within camps only through the weight of "
           "domination and prejudice on encounters (docs/ODD.md 7.3, 7.16). Without them "
           "aligned faultlines bridge more, so the rules do not imply the hypothesis."),
)


def measure(model) -> dict:
    """Fau of the drawn population and how far across identities contracts reached.

    ``contract_bridging`` is the mean identity distance (share of axes on which the parties
    differ) over every contract signed in the run, divided by the mean distance over all
    pairs of groups: near 0 when groups ally only with their own kind, near 1 when identity
    does not matter to who allies with whom. NaN when no contract was signed or every group
    has the same sides.
    """
    from model.analysis.faultlines import thatcher_fau

    s = model.state
    sides = np.asarray(s.sides, dtype=float)
    attributes = sides
    if s.traits is not None and np.size(s.traits):
        attributes = np.concatenate([sides, np.asarray(s.traits, dtype=float)], axis=1)
    fau = thatcher_fau(attributes, metric="matching").value
    return {"fau": float(fau), "contract_bridging": contract_bridging(sides, s.contracts.a[
        : s.contracts.size], s.contracts.b[: s.contracts.size])}


measure.outcomes = ("fau", "contract_bridging")


def contract_bridging(sides: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Mean identity distance of contract parties over the mean distance of all pairs."""
    sides = np.asarray(sides, dtype=float)
    n, k = sides.shape
    if len(a) == 0 or n < 2:
        return float("nan")
    dominated = sides.sum(axis=0)
    all_pairs = float(np.sum(dominated * (n - dominated)) / (n * (n - 1) / 2) / k)
    if all_pairs == 0:
        return float("nan")
    allied = np.mean(np.abs(sides[np.asarray(a)] - sides[np.asarray(b)]).mean(axis=1))
    return float(allied / all_pairs)


SPEC = Spec(
    name="e2_faultlines",
    description="faultline_alignment x n_axes: polarisation, alliance size and reach",
    design="grid",
    varied={"faultline_alignment": ALIGNMENT, "n_axes": AXES},
    fixed={"n_groups": 100, "collect_every": 300},
    replicates=20,
    steps=300,
    outcomes=("faultline_strength", "fau", "contract_bridging", "final_polarisation",
              "final_hostility", "final_mean_trust", "stable_alliance_formed",
              "largest_stable_alliance_share", "final_charter_coverage", "contracts_signed"),
    root_seed=20261125,
    measure="experiments.e2_faultlines:measure",
    quick={"varied": {"faultline_alignment": [0.0, 1.0], "n_axes": [2, 4]},
           "fixed": {"n_groups": 20, "collect_every": 40}, "replicates": 2, "steps": 40},
)

OUTCOME_LABELS = {
    "final_polarisation": "polarisation of trust",
    "largest_stable_alliance_share": "largest stable alliance share",
    "stable_alliance_formed": "P(stable alliance)",
    "contract_bridging": "contract bridging",
    "final_charter_coverage": "charter coverage",
    "final_hostility": "share of met pairs hostile",
}


def cells(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (n_axes, alignment) cell: runs, mean measured faultline strength and outcome means."""
    cols = ["faultline_strength", "fau", "final_polarisation", "final_hostility",
            "stable_alliance_formed", "largest_stable_alliance_share", "contract_bridging",
            "final_charter_coverage"]
    g = runs.groupby(["n_axes", "faultline_alignment"], sort=True)
    out = g[cols].mean()
    out.insert(0, "n", g.size())
    return out.reset_index()


def _difference(runs: pd.DataFrame, outcome: str, seed: int) -> dict:
    lo, hi = runs["faultline_alignment"].min(), runs["faultline_alignment"].max()
    return st.bootstrap_difference(runs.loc[runs["faultline_alignment"] == lo, outcome],
                                   runs.loc[runs["faultline_alignment"] == hi, outcome], seed=seed)


def analyse(data: ExperimentData) -> Analysis:
    """Polarisation, bridging and alliance size, full minus no alignment; axes effects; verdict."""
    runs = data.runs
    lo, hi = runs["faultline_alignment"].min(), runs["faultline_alignment"].max()
    span = f"alignment {hi:g} minus {lo:g}, pooled over numbers of axes"
    pol = _difference(runs, "final_polarisation", 1)
    size = _difference(runs, "largest_stable_alliance_share", 2)
    prob = _difference(runs, "stable_alliance_formed", 3)
    bridge = _difference(runs, "contract_bridging", 4)
    host = _difference(runs, "final_hostility", 5)
    rho_asw = st.bootstrap_correlation(runs["faultline_strength"], runs["final_polarisation"],
                                       seed=6)
    rho_fau = st.bootstrap_correlation(runs["fau"], runs["final_polarisation"], seed=7)
    findings = [
        Finding("polarisation difference", pol["estimate"], pol["low"], pol["high"],
                f"final trust polarisation (variance, 0-1), {span}"),
        Finding("bridging difference", bridge["estimate"], bridge["low"], bridge["high"],
                f"contract bridging (allies' identity distance / all pairs'), {span}"),
        Finding("largest stable alliance difference", size["estimate"], size["low"], size["high"],
                f"largest stable alliance, share of population, {span}"),
        Finding("P(stable alliance) difference", prob["estimate"], prob["low"], prob["high"],
                span),
        Finding("hostility difference", host["estimate"], host["low"], host["high"],
                f"share of met pairs with negative mutual trust, {span}"),
        Finding("Spearman rho, polarisation ~ ASW", rho_asw["estimate"], rho_asw["low"],
                rho_asw["high"], "rank correlation over all runs with the measured ASW"),
        Finding("Spearman rho, polarisation ~ Fau", rho_fau["estimate"], rho_fau["low"],
                rho_fau["high"], "rank correlation over all runs with the measured Fau"),
    ]
    few, many = runs["n_axes"].min(), runs["n_axes"].max()
    crossing = runs[runs["faultline_alignment"] == lo]
    axes_span = f"{many} minus {few} axes at alignment {lo:g} (cross-cutting)"
    for j, (outcome, label) in enumerate((("final_polarisation", "polarisation"),
                                          ("largest_stable_alliance_share",
                                           "largest stable alliance"))):
        d = st.bootstrap_difference(crossing.loc[crossing["n_axes"] == few, outcome],
                                    crossing.loc[crossing["n_axes"] == many, outcome],
                                    seed=20 + j)
        findings.append(Finding(f"axes effect on {label}", d["estimate"], d["low"], d["high"],
                                axes_span))
    polarises = pol["low"] > 0
    narrows = bridge["high"] < 0
    shrinks = size["high"] < 0
    alliance_part = narrows and shrinks
    if polarises and alliance_part:
        verdict = "supported"
        meaning = (f"Aligned faultlines polarise the groups' trust (variance up by "
                   f"{pol['estimate']:.2f}) and confine alliances to groups of one kind "
                   f"(contract bridging down by {-bridge['estimate']:.2f}), and the largest "
                   f"stable alliance is smaller by {-size['estimate']:.2f} of the population, "
                   "although some stable alliance forms in "
                   f"{runs['stable_alliance_formed'].mean():.0%} of all runs. In Muto's terms, "
                   "intersecting identities are what lets an alliance reach across the "
                   "historic divides: a world sorted into two camps still forms alliances, but "
                   "only inside each camp.")
    elif polarises or narrows or shrinks:
        verdict = "mixed"
        parts = []
        if polarises:
            parts.append("aligned faultlines polarise trust")
        if narrows:
            parts.append("alliances under aligned faultlines stay among groups of one kind")
        missing = []
        if not polarises:
            missing.append("polarisation does not rise measurably with alignment")
        if not narrows:
            missing.append("allies are not measurably more alike")
        if not shrinks:
            missing.append("the largest stable alliance is not smaller"
                           + (" (it is larger)" if size["low"] > 0 else ""))
        meaning = ("Part of the claim holds: " + " and ".join(parts) + "; but "
                   + ", and ".join(missing) + ". In Muto's terms, aligned hierarchies split the "
                   "people into camps whose members ally readily with one another, so "
                   "intersecting identities matter for alliances across the divides rather "
                   "than for the size of any one alliance.")
    else:
        verdict = "not supported"
        meaning = ("Within these ranges faultline alignment changes neither polarisation nor "
                   "who allies with whom, so the model does not reproduce the essays' claim "
                   "that intersecting identities ease alliances across groups.")
    table = cells(runs).rename(columns={
        "faultline_alignment": "alignment", "faultline_strength": "ASW",
        "fau": "Fau", "final_polarisation": "polarisation", "final_hostility": "hostility",
        "stable_alliance_formed": "P(stable)", "largest_stable_alliance_share": "largest share",
        "contract_bridging": "bridging", "final_charter_coverage": "charter coverage"})
    numbers = {
        "polarisation_halfwidth": (pol["high"] - pol["low"]) / 2,
        "p_stable_overall": float(runs["stable_alliance_formed"].mean()),
    }
    for k, g in runs.groupby("n_axes"):
        d = _difference(g, "final_polarisation", 10 + int(k))
        numbers[f"polarisation_difference_{int(k)}_axes"] = d["estimate"]
        numbers[f"asw_at_alignment_0_{int(k)}_axes"] = float(
            g.loc[g["faultline_alignment"] == lo, "faultline_strength"].mean())
    return Analysis(verdict=verdict, meaning=meaning, findings=findings,
                    tables={"Means per cell (n_axes x alignment)": table}, numbers=numbers)


def _line(ax, runs: pd.DataFrame, outcome: str, colour: str, label: str | None,
          bounds=(0.0, 1.0), **kw):
    b = st.mean_band(runs, outcome, by="faultline_alignment").dropna(subset=["mean"])
    low, high = np.clip(b["low"], *bounds), np.clip(b["high"], *bounds)
    return band(ax, b["faultline_alignment"], b["mean"], low, high, label=label,
                color=colour, marker="o", ms=2.5, **kw)


def _two_rows(handles: list, labels: list, n_top: int) -> tuple[list, list]:
    """Order legend entries so that a column-major legend of two rows shows the first
    ``n_top`` entries on top and the rest below."""
    from matplotlib.lines import Line2D

    top, bottom = list(zip(handles, labels))[:n_top], list(zip(handles, labels))[n_top:]
    width = max(len(top), len(bottom))
    blank = (Line2D([], [], alpha=0), "")
    top += [blank] * (width - len(top))
    bottom += [blank] * (width - len(bottom))
    pairs = [entry for column in zip(top, bottom) for entry in column]
    return [h for h, _ in pairs], [lab for _, lab in pairs]


def figure(data: ExperimentData, analysis: Analysis):
    """Faultline strength, polarisation, largest stable alliance and bridging by alignment."""
    runs = data.runs
    fig, axes = new_figure(2, 2, width=COLUMN, height=4.3, sharex=True)
    (a, b), (c, d) = axes
    for j, (k, g) in enumerate(runs.groupby("n_axes", sort=True)):
        colour = OKABE_ITO[j % len(OKABE_ITO)]
        _line(a, g, "faultline_strength", colour, f"{int(k)} axes")
        _line(a, g, "fau", colour, None, ls="--")
        _line(b, g, "final_polarisation", colour, None)
        _line(c, g, "largest_stable_alliance_share", colour, None)
        _line(d, g, "contract_bridging", colour, None, bounds=(0.0, np.inf))
    a.plot([], [], color="grey", label="ASW (solid)")
    a.plot([], [], color="grey", ls="--", label="Fau (dashed)")
    handles, labels = a.get_legend_handles_labels()
    handles, labels = _two_rows(handles, labels, n_top=len(handles) - 2)
    fig.legend(handles, labels, title="domination axes; measure in panel a "
               "(lines: mean, bands: 95% CI)", loc="outside lower center",
               ncols=len(handles) // 2,
               fontsize=6, title_fontsize=6, handlelength=1.6, columnspacing=1.0)
    a.set(ylabel="measured faultline strength", ylim=(0, 1.05))
    b.set(ylabel="trust polarisation (variance)")
    c.set(ylabel="largest stable alliance\n(share of population)", ylim=(0, 1))
    d.set(ylabel="contract bridging\n(allies' / all pairs' distance)", ylim=(0, None))
    d.axhline(1, color="grey", lw=0.6, ls=":")
    for ax, letter in zip((a, b, c, d), "abcd"):
        panel_label(ax, letter)
    for ax in (c, d):
        ax.set_xlabel("faultline alignment (0-1)")
    return fig
