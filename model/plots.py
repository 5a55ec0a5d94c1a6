"""The time-series figure of a run: what happened to alliances, trust and the commons."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model.analysis.survival import first_crossing, kaplan_meier, step_points

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
"""Okabe-Ito colour-blind-safe palette."""

PANELS = (
    ("Alliances", (("largest_alliance_share", "largest alliance (population share)"),
                   ("share_allied", "allied (population share)"),
                   ("largest_stable_alliance_share", "largest stable alliance"),
                   ("charter_coverage", "charter coverage (axes bridged)"))),
    ("Relations", (("hostility", "hostility (share of pairs in contact)"),
                   ("mean_trust", "mean trust"),
                   ("mean_openness", "mean openness"),
                   ("structural_inequality", "effective domination"))),
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


def network_figure(model, title: str = ""):
    """The people's charter at the end of a run: groups, their alliances and contracts.

    Node area = population share, colour = alliance (grey = unallied), edge = active contract
    (thick when renewed at least once), thin red = hostile pair (mean mutual trust < -0.5).
    """
    import networkx as nx
    import numpy as np

    s = model.state
    c = s.contracts
    active = c.active_ids
    graph = nx.Graph()
    graph.add_nodes_from(range(s.n))
    graph.add_edges_from(zip(c.a[active].tolist(), c.b[active].tolist()))
    pos = nx.spring_layout(graph, seed=1, k=1.5 / np.sqrt(max(s.n, 1)))
    fig, ax = plt.subplots(figsize=(7, 6.5), constrained_layout=True)
    mutual = 0.5 * (s.trust + s.trust.T)
    hostile = np.argwhere(np.triu(s.met & (mutual < -0.5), 1))
    if len(hostile):
        nx.draw_networkx_edges(nx.Graph(hostile.tolist()), pos, ax=ax, edge_color="#D55E00",
                               width=0.3, alpha=0.35)
    renewed = c.renewals[active] > 0
    edges = list(zip(c.a[active].tolist(), c.b[active].tolist()))
    nx.draw_networkx_edges(graph, pos, edgelist=[e for e, r in zip(edges, renewed) if r], ax=ax,
                           width=2.0, edge_color="#333333")
    nx.draw_networkx_edges(graph, pos, edgelist=[e for e, r in zip(edges, renewed) if not r], ax=ax,
                           width=0.8, edge_color="#777777", style="dashed")
    colours = [PALETTE[label % (len(PALETTE) - 1)] if label >= 0 else "#BBBBBB"
               for label in s.alliance]
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=4000 * s.sizes + 20, node_color=colours,
                           edgecolors="black", linewidths=0.5 + 2.5 * s.openness)
    if s.n <= 12:
        nx.draw_networkx_labels(graph, pos, {i: s.group_names[i] for i in range(s.n)}, ax=ax,
                                font_size=8)
    ax.set_title(title or "Alliances and contracts at the end of the run", fontsize=11, loc="left")
    ax.text(0.0, -0.02, "node area: population share; colour: alliance (grey: none); outline: openness;\n"
            "solid edge: renewed contract, dashed: first term; thin red: hostile pair",
            transform=ax.transAxes, fontsize=8, va="top")
    ax.axis("off")
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
        table = kaplan_meier(durations, observed, confidence, method)
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
