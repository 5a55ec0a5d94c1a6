"""The time-series figure of a run: what happened to alliances, trust and the commons."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

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
