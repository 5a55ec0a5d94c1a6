"""One look for every experiment figure: single-column width, readable type, colour-blind-safe.

Colours are the Okabe-Ito palette (Okabe and Ito 2008), safe for the common colour-vision
deficiencies; sequential maps are viridis/cividis. Figures are sized for one journal column
(3.5 in, 89 mm). Saving a figure (PNG and PDF, without timestamps) is
``experiments.figures.save_figure``.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import matplotlib

if not os.environ.get("MPLBACKEND"):  # Jupyter's kernel names its inline backend there
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from model.plots import OKABE_ITO_COLOURS  # noqa: E402

OKABE_ITO = tuple(OKABE_ITO_COLOURS[name] for name in (
    "blue", "vermillion", "bluish green", "reddish purple", "orange", "sky blue", "yellow",
    "black"))
"""Blue, vermillion, bluish green, reddish purple, orange, sky blue, yellow, black: the colours
of ``model.plots.OKABE_ITO_COLOURS`` (where they are defined once), ordered so that the first
two (the usual pair of conditions) differ most in lightness as well as hue."""
SEQUENTIAL = "viridis"
DIVERGING = "RdBu_r"
COLUMN = 3.5  # inches: one journal column
DOUBLE = 7.2  # inches: two columns

RC = {
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "lines.linewidth": 1.3,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,
    "image.cmap": SEQUENTIAL,
}


@contextmanager
def style():
    """Apply the house style inside a ``with`` block."""
    with plt.rc_context(RC):
        yield


def figure(nrows: int = 1, ncols: int = 1, width: float = COLUMN, height: float | None = None,
           **kw):
    """A figure and axes in the house style (height defaults to 0.75 x width per row)."""
    with style():
        height = height or 0.75 * width / max(ncols, 1) * nrows * (1.0 if ncols == 1 else 1.25)
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kw)
    fig.set_layout_engine("constrained")
    return fig, axes


def band(ax, x, mean, low, high, label: str | None = None, color=None, **kw):
    """A line with its confidence band."""
    (line,) = ax.plot(x, mean, label=label, color=color, **kw)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    return line


def panel_label(ax, text: str) -> None:
    """A bold panel letter in the upper-left corner, outside the axes."""
    ax.text(-0.02, 1.02, text, transform=ax.transAxes, fontweight="bold", ha="right",
            va="bottom", fontsize=9)
