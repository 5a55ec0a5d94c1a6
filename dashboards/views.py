"""The dashboard's views (``dashboards/views.py``) as pure functions of a model's state:
network, trust heatmap, series.

The page draws the network itself (SVG, so hovering and clicking a group work in the
browser) from :func:`network_data`; the heatmap is a PNG made straight from the trust matrix;
the time series are a matplotlib figure. :func:`snapshot_figure` draws all three with
matplotlib for the PNG export; its network is ``model.plots.draw_network``, the one drawing
of the network the quickstart figure uses too. Node positions come from :func:`group_layout`,
computed once per reset: groups that share identities sit close together and never move
during a run. Hostile pairs are those the metric ``hostility`` counts
(``model.analysis.polarisation.HOSTILE_TRUST``).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from PIL import Image

from model.plots import PALETTE, active_contracts, alliance_colour, draw_network, hostile_pairs

MAX_HOSTILE_EDGES = 600
"""Most hostile pairs drawn (the most hostile first); more only clutter a projected network."""
NETWORK_SIZE = (560, 500)

SERIES = (
    ("Alliances", (("n_alliances", "number of alliances"),)),
    ("Largest alliance", (("largest_alliance_share", "population share"),)),
    ("Hostility", (("hostility", "share of pairs in contact that are hostile"),)),
    ("Mean openness", (("mean_openness", "open factions' share of power"),)),
    ("Encounters per step", (("virtuous_per_step", "virtuous"), ("hostile_per_step", "vicious"))),
    ("Commons", (("commons", "level of the shared commons"),)),
)
"""The time-series panels: title, then (metric, label) pairs; all metrics of model.core.metrics."""
SHARES = {"Largest alliance", "Hostility", "Mean openness", "Commons"}
"""Panels whose values are shares in [0, 1], drawn on that fixed range so runs compare by eye."""


def group_layout(state, seed: int = 0) -> np.ndarray:
    """Positions in [0, 1]^2: the first two principal components of identities, spread out.

    Groups with the same identity would sit on one point, so each identity's groups are set
    on a small sunflower spiral around it. Deterministic, O(N K^2): cheap at every reset.
    """
    x = np.hstack([state.sides, state.traits / max(1, state.traits.max(initial=1))]).astype(float)
    n = len(x)
    if n == 0:
        return np.zeros((0, 2))
    centred = x - x.mean(axis=0)
    if n > 1 and np.any(centred):
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        comps = centred @ vt[:2].T
        if comps.shape[1] < 2:
            comps = np.hstack([comps, np.zeros((n, 1))])
    else:
        comps = np.zeros((n, 2))
    codes = [row.tobytes() for row in x]
    rank = np.zeros(n)
    seen: dict[bytes, int] = {}
    for g, c in enumerate(codes):
        rank[g] = seen.get(c, 0)
        seen[c] = rank[g] + 1
    spread = np.ptp(comps, axis=0).max() if n > 1 else 1.0
    step = (spread or 1.0) * 0.6 / np.sqrt(n)
    angle = rank * 2.399963 + np.random.default_rng(seed).uniform(0, 2 * np.pi, n)
    radius = step * np.sqrt(rank + 0.5)
    pos = comps + np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    low, high = pos.min(axis=0), pos.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    return 0.06 + 0.88 * (pos - low) / span


def allies(state, g: int, pairs=None) -> list[int]:
    """Groups with an active contract with group g."""
    a, b, _ = active_contracts(state) if pairs is None else pairs
    return sorted(set(b[a == g].tolist()) | set(a[b == g].tolist()))


def _ally_lists(n: int, a: np.ndarray, b: np.ndarray) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n)]
    for i, j in zip(a.tolist(), b.tolist()):
        out[i].append(j)
        out[j].append(i)
    return [sorted(x) for x in out]


def group_details(state, g: int, ally_ids: list[int] | None = None) -> dict:
    """What a room wants to know about one group: who it is, how open, whom it is allied with."""
    names = state.group_names
    return {
        "index": int(g),
        "name": names[g],
        "share": float(state.sizes[g]),
        "identity": [(axis, "dominated" if state.sides[g, k] == 1.0 else "dominant")
                     for k, axis in enumerate(state.axis_names)],
        "openness": float(state.openness[g]),
        "resources": float(state.resources[g]),
        "alliance": int(state.alliance[g]),
        "allies": [names[h] for h in (allies(state, g) if ally_ids is None else ally_ids)],
    }


def group_tooltip(state, g: int, ally_ids: list[int] | None = None) -> str:
    """The hover text of a group, one fact per line."""
    d = group_details(state, g, ally_ids)
    dominated = [a for a, side in d["identity"] if side == "dominated"]
    dominant = [a for a, side in d["identity"] if side == "dominant"]
    alliance = f"alliance {d['alliance'] + 1}" if d["alliance"] >= 0 else "unallied"
    lines = [f"{d['name']} ({100 * d['share']:.1f}% of the population, {alliance})",
             "dominated on: " + (", ".join(dominated) or "none"),
             "dominant on: " + (", ".join(dominant) or "none"),
             f"openness {d['openness']:.2f}, resources {d['resources']:.2f}",
             "allies: " + (", ".join(d["allies"][:8]) + (" ..." if len(d["allies"]) > 8 else "")
                           if d["allies"] else "none")]
    return "\n".join(lines)


def network_data(state, layout: np.ndarray, size: tuple[int, int] = NETWORK_SIZE) -> dict:
    """Everything the browser needs to draw the network: nodes, contracts, hostile pairs.

    Node radius grows with the square root of population share (area ~ share); colour is the
    alliance, outline width the openness; contract edges are solid (thick once renewed).
    """
    w, h = size
    xy = np.column_stack([layout[:, 0] * w, (1.0 - layout[:, 1]) * h]).round(1)
    radius = (2.5 + 60 * np.sqrt(state.sizes)).round(1)
    a, b, renewed = active_contracts(state)
    ally_ids = _ally_lists(state.n, a, b)
    hostile = hostile_pairs(state, MAX_HOSTILE_EDGES)
    nodes = [{"x": float(xy[g, 0]), "y": float(xy[g, 1]), "r": float(radius[g]),
              "fill": alliance_colour(int(state.alliance[g])),
              "sw": round(0.5 + 3.5 * float(state.openness[g]), 2),
              "tip": group_tooltip(state, g, ally_ids[g])} for g in range(state.n)]
    contracts = [[float(xy[i, 0]), float(xy[i, 1]), float(xy[j, 0]), float(xy[j, 1]), bool(r)]
                 for i, j, r in zip(a.tolist(), b.tolist(), renewed.tolist())]
    hostile_edges = [[float(xy[i, 0]), float(xy[i, 1]), float(xy[j, 0]), float(xy[j, 1])]
                     for i, j in hostile.tolist()]
    return {"width": w, "height": h, "nodes": nodes, "contracts": contracts,
            "hostile": hostile_edges}


def network_figure(state, layout: np.ndarray, title: str = "") -> Figure:
    """The network on its own figure, as the PNG export draws it (model.plots.draw_network)."""
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    draw_network(fig.add_subplot(), state, layout, title, max_hostile=MAX_HOSTILE_EDGES)
    return fig


def trust_order(state) -> tuple[np.ndarray, list[int]]:
    """Groups ordered by alliance (largest first, unallied last), then identity; block edges.

    Returns the order and the positions in it where one alliance ends and the next begins.
    """
    labels = state.alliance
    counts = np.bincount(labels[labels >= 0], minlength=1) if np.any(labels >= 0) else np.zeros(0)
    rank = np.full(len(labels), len(counts), dtype=np.int64)
    if len(counts):
        by_size = np.argsort(-counts, kind="stable")
        position = np.empty_like(by_size)
        position[by_size] = np.arange(len(by_size))
        rank[labels >= 0] = position[labels[labels >= 0]]
    code = state.sides @ (2.0 ** np.arange(state.sides.shape[1]))
    order = np.lexsort((np.arange(len(labels)), code, rank))
    ranks = rank[order]
    edges = (np.flatnonzero(np.diff(ranks)) + 1).tolist()
    return order, edges


def _trust_colours() -> np.ndarray:
    from matplotlib import colormaps

    return (colormaps["RdBu"](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)


_LUT = _trust_colours()
_UNMET = np.array([235, 235, 235], dtype=np.uint8)


def heatmap_rgb(state, pixels: int = 400, lines: bool = True) -> np.ndarray:
    """Trust (red distrust, blue trust; pale grey: never met) ordered by alliance, with
    dark lines between alliances, as an RGB array about ``pixels`` wide."""
    order, edges = trust_order(state)
    t = state.trust[np.ix_(order, order)]
    met = state.met[np.ix_(order, order)]
    idx = np.clip(np.rint((t + 1.0) * 127.5), 0, 255).astype(np.intp)
    rgb = _LUT[idx]
    rgb[~met] = _UNMET
    scale = max(1, pixels // max(1, state.n))
    if scale > 1:
        rgb = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    for e in edges if lines else ():
        rgb[e * scale, :] = 40
        rgb[:, e * scale] = 40
    return rgb


def heatmap_png(state, pixels: int = 0) -> bytes:
    """The trust heatmap as PNG bytes, made without a matplotlib figure (fast enough per step).

    With ``pixels=0``, one pixel per pair and no alliance lines: the browser scales the image
    and draws the lines (:func:`heatmap_edges`) itself, which keeps each step's PNG small.
    """
    buf = io.BytesIO()
    Image.fromarray(heatmap_rgb(state, pixels, lines=pixels > 0)).save(buf, format="PNG",
                                                                      compress_level=1)
    return buf.getvalue()


def heatmap_edges(state) -> list[float]:
    """Where one alliance ends and the next begins, as fractions of the heatmap's side."""
    _, edges = trust_order(state)
    return [e / max(1, state.n) for e in edges]


def draw_heatmap(ax, state) -> None:
    """The trust heatmap on a matplotlib axis (for the PNG export)."""
    ax.imshow(heatmap_rgb(state), interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("Trust, groups ordered by alliance", fontsize=10, loc="left")


def draw_timeseries(axes, metrics: pd.DataFrame, twin: pd.DataFrame | None = None,
                    twin_label: str = "") -> None:
    """The six panels of SERIES; a twin run, if given, dashed in the same colours."""
    for ax, (title, series) in zip(np.ravel(axes), SERIES):
        for colour, (column, label) in zip((PALETTE[0], PALETTE[3]), series):
            ax.plot(metrics.index, metrics[column], color=colour, lw=1.5,
                    label=label if len(series) > 1 else None)
            if twin is not None:
                ax.plot(twin.index, twin[column], color=colour, lw=1.3, ls="--")
        ax.set_title(title, fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=7, frameon=False, loc="upper left")
    if twin is not None:
        np.ravel(axes)[0].text(0.0, 1.18, f"solid: this run; dashed: {twin_label}",
                               transform=np.ravel(axes)[0].transAxes, fontsize=8)


def metric_columns(model) -> dict:
    """The collected metrics as {"step": steps, name: values}, without building a DataFrame
    (which costs more than the rest of a step's drawing)."""
    raw = model.datacollector.model_vars
    n = len(next(iter(raw.values()))) if raw else 0
    out = {name: np.asarray(values, dtype=float) for name, values in raw.items()}
    out["step"] = np.arange(n, dtype=float) * model.params.collect_every
    return out


def _steps_and_column(metrics, column: str | None = None):
    if isinstance(metrics, pd.DataFrame):
        return metrics.index.to_numpy(dtype=float) if column is None else metrics[column].to_numpy(dtype=float)
    return metrics["step"] if column is None else metrics[column]


def timeseries_data(metrics, twin=None, panel: tuple[int, int] = (250, 130),
                    max_points: int = 400) -> list[dict]:
    """The six panels of SERIES as SVG polylines (the page draws them; matplotlib per step is
    far too slow for a live room). Long runs are thinned to ``max_points`` per line.

    Each panel: title, y range, x range, and lines with SVG points, colour and dash flag.
    """
    w, h = panel
    pad_l, pad_r, pad_t, pad_b = 34, 8, 18, 16
    runs = [(metrics, False)] + ([(twin, True)] if twin is not None else [])
    x_hi = max([1.0] + [float(_steps_and_column(r).max(initial=0.0)) for r, _ in runs])
    out = []
    for title, series in SERIES:
        values = np.concatenate([_steps_and_column(r, c) for r, _ in runs for c, _ in series])
        if title in SHARES:
            y_lo, y_hi = 0.0, 1.0
        else:
            y_lo = min(0.0, float(np.nanmin(values))) if len(values) else 0.0
            y_hi = float(np.nanmax(values)) if len(values) else 1.0
            y_hi = y_lo + 1.0 if y_hi <= y_lo else y_hi * 1.05
        lines = []
        for run, dashed in runs:
            steps = _steps_and_column(run)
            keep = np.unique(np.linspace(0, len(steps) - 1, min(len(steps), max_points)).astype(int))
            x = pad_l + (steps[keep] / x_hi) * (w - pad_l - pad_r)
            for colour, (column, label) in zip((PALETTE[0], PALETTE[3]), series):
                y = _steps_and_column(run, column)[keep]
                y = pad_t + (1.0 - (y - y_lo) / (y_hi - y_lo)) * (h - pad_t - pad_b)
                points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y))
                lines.append({"points": points, "colour": colour, "dashed": dashed,
                              "label": label})
        out.append({"title": title, "y_lo": f"{y_lo:.3g}", "y_hi": f"{y_hi:.3g}",
                    "x_hi": f"{x_hi:.0f}", "lines": lines,
                    "legend": [label for _, label in series] if len(series) > 1 else [],
                    "width": w, "height": h, "box": [pad_l, pad_t, w - pad_r, h - pad_b]})
    return out


def timeseries_figure(metrics: pd.DataFrame, twin: pd.DataFrame | None = None,
                      twin_label: str = "", size: tuple[float, float] = (8.0, 3.8)) -> Figure:
    """The time series as a figure of 2 x 3 small panels."""
    fig = Figure(figsize=size, layout="constrained")
    draw_timeseries(fig.subplots(2, 3, sharex=True), metrics, twin, twin_label)
    return fig


def png(fig: Figure, dpi: int = 80) -> bytes:
    """A figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def snapshot_figure(state, layout: np.ndarray, metrics: pd.DataFrame, title: str,
                    twin_state=None, twin_metrics: pd.DataFrame | None = None,
                    twin_label: str = "") -> Figure:
    """Every view of the current run on one figure: what the PNG export saves.

    Fixed grid positions rather than constrained layout, which took seconds on a busy machine.
    """
    top = 3 if twin_state is not None else 2
    fig = Figure(figsize=(4.6 * top, 9.5))
    fig.suptitle(title, fontsize=12, x=0.01, y=0.995, ha="left")
    grid = fig.add_gridspec(1, top, left=0.04, right=0.99, bottom=0.46, top=0.95, wspace=0.15)
    draw_network(fig.add_subplot(grid[0, 0]), state, layout, "Groups and alliances (this run)",
                 max_hostile=MAX_HOSTILE_EDGES)
    if twin_state is not None:
        draw_network(fig.add_subplot(grid[0, 1]), twin_state, layout,
                     f"Groups and alliances ({twin_label})", max_hostile=MAX_HOSTILE_EDGES)
    draw_heatmap(fig.add_subplot(grid[0, top - 1]), state)
    series = fig.add_gridspec(2, 3, left=0.05, right=0.99, bottom=0.04, top=0.39,
                              hspace=0.45, wspace=0.2)
    axes = np.array([[fig.add_subplot(series[r, c]) for c in range(3)] for r in range(2)])
    draw_timeseries(axes, metrics, twin_metrics, twin_label)
    return fig
