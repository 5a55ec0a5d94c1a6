"""Figures of a run (``model/plots.py``, an edge of the package): its time series, the network
of groups, alliances and contracts, and survival curves; and the colours every figure uses.

The network is drawn by one function, :func:`draw_network`, on any positions: the
quickstart figure (:func:`network_figure`) gives it a spring layout of the contract graph,
the dashboard's PNG export (``dashboards/views.py``) its fixed layout by identity. Hostile
pairs are those the metric ``hostility`` counts (``model.analysis.polarisation.HOSTILE_TRUST``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection

from model.analysis.parametric_survival import fitted_curves
from model.analysis.polarisation import HOSTILE_TRUST
from model.analysis.survival import first_crossing, kaplan_meier, step_points

OKABE_ITO_COLOURS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
"""The Okabe-Ito colour-blind-safe palette (Okabe and Ito 2008), by name: the one place its
colours are written; every ordered palette (``PALETTE`` here, ``OKABE_ITO`` in
``experiments/style.py``) is read from it."""

PALETTE = tuple(OKABE_ITO_COLOURS[name] for name in (
    "blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "black"))
"""Okabe-Ito colours in the order of the run figures and the dashboard (no yellow, which is
hard to see on white; black last, kept for outlines in the network)."""

UNALLIED = "#BBBBBB"
"""Colour of a group in no alliance."""
HOSTILE = OKABE_ITO_COLOURS["vermillion"]
"""Colour of a hostile pair's line."""
CONTRACT = "#333333"
"""Colour of an active contract's line."""

PANELS = (
    ("Alliances", (("largest_alliance_share", "largest alliance (population share)"),
                   ("share_allied", "allied (population share)"),
                   ("largest_stable_alliance_share", "largest stable alliance"),
                   ("charter_coverage", "charter coverage (axes bridged)"))),
    ("Relations", (("hostility", "hostility (share of pairs in contact)"),
                   ("mean_trust", "mean trust"),
                   ("mean_openness", "mean openness"),
                   ("structural_inequality", "effective domination"),
                   ("mean_wariness", "mean wariness"))),
    ("Encounters per step", (("virtuous_per_step", "virtuous"),
                             ("hostile_per_step", "hostile (vicious)"),
                             ("mediated_per_step", "mediated"))),
    ("Commons and movements", (("commons", "commons level"),
                               ("tie_density", "movement tie density"))),
)


def timeseries_figure(metrics: pd.DataFrame, title: str = ""):
    """Four panels of the run's metrics over steps; returns the matplotlib Figure."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True, constrained_layout=True)
    for ax, (panel, series) in zip(axes.ravel(), PANELS):
        for colour, (column, label) in zip(PALETTE, series):
            ax.plot(metrics.index, metrics[column], color=colour, label=label, lw=1.6)
        ax.set_title(panel, fontsize=11, loc="left")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, frameon=False)
    for ax in axes[1]:
        ax.set_xlabel("step")
    axes[0, 0].set_ylabel("share")
    axes[0, 1].set_ylabel("share / trust")
    axes[1, 0].set_ylabel("encounters per step")
    axes[1, 1].set_ylabel("level / density")
    if title:
        fig.suptitle(title, fontsize=12)
    return fig


def alliance_colour(label: int) -> str:
    """Colour of an alliance label (grey for unallied), so an alliance looks the same everywhere;
    black is kept for outlines."""
    return PALETTE[label % (len(PALETTE) - 1)] if label >= 0 else UNALLIED


def hostile_pairs(state, limit: int | None = None) -> np.ndarray:
    """Pairs (i < j) that met and are hostile, as the metric ``hostility`` counts them.

    Hostile means mean mutual trust (t_ij + t_ji) / 2 below ``HOSTILE_TRUST``. With
    ``limit``, only the ``limit`` most hostile, in the same (row-major) order.
    """
    mutual = 0.5 * (state.trust + state.trust.T)
    pairs = np.argwhere(np.triu(state.met & (mutual < HOSTILE_TRUST), 1))
    if limit is not None and len(pairs) > limit:
        worst = np.argsort(mutual[pairs[:, 0], pairs[:, 1]], kind="stable")[:limit]
        pairs = pairs[np.sort(worst)]
    return pairs


def active_contracts(state) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parties and renewed flag of every active contract, read once per drawing."""
    c = state.contracts
    ids = c.active_ids
    return c.a[ids], c.b[ids], c.renewals[ids] > 0


def spring_layout(state, seed: int = 1) -> np.ndarray:
    """(N, 2) positions from a spring layout of the contract graph (networkx), so allies sit
    together; the quickstart figure's layout."""
    import networkx as nx

    a, b, _ = active_contracts(state)
    graph = nx.Graph()
    graph.add_nodes_from(range(state.n))
    graph.add_edges_from(zip(a.tolist(), b.tolist()))
    pos = nx.spring_layout(graph, seed=seed, k=1.5 / np.sqrt(max(state.n, 1)))
    return np.array([pos[g] for g in range(state.n)], dtype=float).reshape(state.n, 2)


def draw_network(ax, state, positions: np.ndarray, title: str = "", *,
                 max_hostile: int | None = None) -> None:
    """Groups, their alliances, contracts and hostile pairs on ``ax``, at ``positions`` (N, 2).

    Node area = population share, colour = alliance (grey = unallied), outline width =
    openness; black line = active contract (thick once renewed); thin red line = hostile pair
    (:func:`hostile_pairs`, at most ``max_hostile`` of them). Group names are written for at
    most 12 groups.
    """
    positions = np.asarray(positions, dtype=float).reshape(state.n, 2)
    a, b, renewed = active_contracts(state)
    hostile = hostile_pairs(state, max_hostile)
    if len(hostile):
        ax.add_collection(LineCollection(positions[hostile], colors=HOSTILE, linewidths=0.3,
                                         alpha=0.35))
    if len(a):
        ax.add_collection(LineCollection(np.stack([positions[a], positions[b]], axis=1),
                                         colors=CONTRACT, linewidths=np.where(renewed, 2.2, 1.0)))
    ax.scatter(positions[:, 0], positions[:, 1], s=4000 * state.sizes + 20,
               c=[alliance_colour(int(x)) for x in state.alliance], edgecolors="black",
               linewidths=0.5 + 2.5 * state.openness, zorder=3)
    if 0 < state.n <= 12:
        for g, (x, y) in enumerate(positions):
            ax.text(x, y, state.group_names[g], fontsize=8, ha="center", va="center", zorder=4)
    ax.margins(0.07)
    ax.set_aspect("equal", adjustable="datalim")
    ax.axis("off")
    ax.set_title(title or "Groups and alliances", fontsize=10, loc="left")


def network_figure(model, title: str = ""):
    """The people's charter at the end of a run (the quickstart's ``network.png``): groups,
    their alliances and contracts on a spring layout, with a caption; returns the Figure."""
    fig, ax = plt.subplots(figsize=(7, 6.5), constrained_layout=True)
    draw_network(ax, model.state, spring_layout(model.state),
                 title or "Alliances and contracts at the end of the run")
    ax.text(0.0, -0.02, "node area: population share; colour: alliance (grey: none); outline: "
            "openness;\nblack line: active contract (thick once renewed); thin red: hostile "
            f"pair (met, mean mutual trust < {HOSTILE_TRUST:g})",
            transform=ax.transAxes, fontsize=8, va="top")
    return fig


def plot_survival(ax, conditions: dict, confidence: float = 0.95, method: str = "linear",
                  xlabel: str = "alliance lifetime (steps)",
                  ylabel: str = "share still alive (Kaplan-Meier)"):
    """Kaplan-Meier curves of several conditions on one axis, each with its shaded band.

    Comparing conditions (e.g. with and without mediation) is the point of a survival
    figure, so all curves share the axis; colours are the Okabe-Ito palette
    (``PALETTE``), censored lifetimes are ticked, and the legend gives each
    condition's number of units and median lifetime.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    conditions : dict
        ``{label: (durations, observed)}``, drawn in insertion order.
    confidence, method
        As in :func:`model.analysis.survival.kaplan_meier`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    for k, (label, (durations, observed)) in enumerate(conditions.items()):
        colour = PALETTE[k % len(PALETTE)]
        table = kaplan_meier(durations, event=observed, confidence=confidence, method=method)
        median = first_crossing(table["time"].to_numpy(), table["survival"].to_numpy())
        text = "not reached" if np.isinf(median) else f"{median:g}"
        legend = f"{label} (n = {len(np.ravel(durations))}, median {text})"
        if len(table) == 0:
            ax.plot([], [], color=colour, label=legend)
            continue
        times, surv, low, high = step_points(table)
        ax.step(times, surv, where="post", color=colour, lw=1.8, label=legend)
        ax.fill_between(times, low, high, step="post",  # NaN (undefined band) leaves a gap
                        color=colour, alpha=0.2, lw=0)
        cens = table["censored"].to_numpy() > 0
        ax.plot(table["time"].to_numpy()[cens], table["survival"].to_numpy()[cens], "|",
                color=colour, ms=7, mew=1.2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, title=f"{confidence:.0%} band", title_fontsize=8)
    return ax


def plot_hazard_fit(durations, fits, *, event=None, censored=None, confidence: float = 0.95,
                    xlabel: str = "alliance lifetime (steps)"):
    """Kaplan-Meier curve beside the fitted survival curves, and the fitted hazards in a second
    panel: the left panel shows whether a parametric model follows the data, the right what
    it says about the risk of ending at each age (the reading of its shape).

    Parameters
    ----------
    durations, event, censored
        The lifetimes, as in :func:`model.analysis.survival.kaplan_meier`.
    fits : sequence of model.analysis.parametric_survival.ParametricFit
        Fits of these lifetimes (e.g. ``fit_weibull`` and ``fit_loglogistic``), one line each.
    confidence : float
        Level of the Kaplan-Meier band.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: survival (Kaplan-Meier step, band, censoring ticks and one line per fit)
        and hazard (one line per fit); the legends give each fit's shape interval and AIC.
    """
    table = kaplan_meier(durations, event=event, censored=censored, confidence=confidence)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    times, surv, low, high = step_points(table)
    left.step(times, surv, where="post", color="black", lw=1.5, label="Kaplan-Meier")
    left.fill_between(times, low, high, step="post", color="black", alpha=0.12, lw=0)
    cens = table["censored"].to_numpy() > 0
    left.plot(table["time"].to_numpy()[cens], table["survival"].to_numpy()[cens], "|",
              color="black", ms=7, mew=1.2)
    grid = np.linspace(0.0, 1.05 * float(times.max()), 200)
    for k, fit in enumerate(fits):
        curves = fitted_curves(fit, grid)
        label = (f"{fit.model}: shape {fit.shape:.2f} [{fit.shape_low:.2f}, "
                 f"{fit.shape_high:.2f}], AIC {fit.aic:.1f}")
        colour = PALETTE[k % len(PALETTE)]
        left.plot(curves["time"], curves["survival"], color=colour, lw=1.8, label=label)
        right.plot(curves["time"], curves["hazard"], color=colour, lw=1.8, label=fit.model)
    left.set(xlabel=xlabel, ylabel="share still alive", ylim=(-0.02, 1.02), xlim=(0, None))
    right.set(xlabel=xlabel, ylabel="fitted hazard (ends per unit time)", xlim=(0, None))
    right.set_ylim(bottom=0)
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, frameon=False)
    return fig
