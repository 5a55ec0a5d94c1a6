"""The defaults the calibration sets: the best point of the plane the posterior pins down.

A posterior that pins down a few combinations of the parameters and leaves the rest open does
not name one parameter set. The defaults are therefore chosen among candidates in the pinned
combinations' own coordinates: a grid of each pinned combination's posterior quantiles, every
other direction at the hand-set values (``identifiability.point_on``), plus the hand-set point
itself. Each candidate is run as ``python -m model patterns`` runs (seeds 0 to n - 1 at the
patterns' run length), and the one that reproduces the most patterns wins, ties broken by how
far the two numeric targets (P1's correlation, P2's ratio) lie from the sources' numbers in
units of their uncertainty. The posterior decides where to look and how far; the patterns,
measured with more runs than one simulation has, decide the point.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from model.analysis.contact_patterns import evaluate_statistics

from .identifiability import point_on, weighted_quantiles
from .sampling import map_runs
from .simulate import PredictiveRun


def candidates(priors, posterior: pd.DataFrame, informed: list, quantiles) -> list[dict]:
    """The hand-set point, then the grid of the informed combinations' posterior quantiles
    (each a dict with ``label`` and the parameter values)."""
    hand_set = {p.name: p.hand_set for p in priors}
    out = [{"label": "hand-set", **hand_set}]
    if not informed:
        return out
    names = [p.name for p in priors]
    x = posterior[names].to_numpy(float)
    w = posterior["weight"].to_numpy(float)
    levels = []
    for c in informed:
        coef = np.array([c.coefficients.get(n, 0.0) for n in names])
        levels.append(weighted_quantiles(x @ coef, w, list(quantiles)))
    for idx in itertools.product(range(len(quantiles)), repeat=len(informed)):
        values = point_on(priors, informed, [levels[k][i] for k, i in enumerate(idx)])
        if all(p.low <= values[p.name] <= p.high for p in priors):
            label = ", ".join(f"q{quantiles[i]:g}" for i in idx)
            out.append({"label": label, **values})
    return out


def score(targets, stats: list[dict]) -> dict:
    """Each target's mean over runs, how many hold (as ``python -m model patterns`` judges
    them) and the distance of the numeric ones."""
    row, holds, squares = {}, 0, 0.0
    for r in evaluate_statistics(stats, targets):
        t = r.target
        row[t.name] = r.mean
        holds += r.holds
        if not t.one_sided:
            squares += ((r.mean - t.centre) / t.scale) ** 2 if math.isfinite(r.mean) else math.inf
    return {**row, "holds": holds, "distance": math.sqrt(squares)}


def choose(priors, targets, fixed, points: list[dict], *, seeds: int, steps: int,
           workers: int = 1, client=None) -> pd.DataFrame:
    """Every candidate with its patterns over ``seeds`` runs; ``chosen`` marks the one with
    the most patterns holding and then the smallest distance (the first such, so the hand-set
    point wins a tie)."""
    names = [p.name for p in priors]
    runner = PredictiveRun(fixed, steps)
    items = [({n: point[n] for n in names}, [seed]) for point in points for seed in range(seeds)]
    stats = map_runs(runner, items, workers, client)
    rows = []
    for i, point in enumerate(points):
        rows.append({**point, **score(targets, stats[i * seeds:(i + 1) * seeds])})
    table = pd.DataFrame(rows)
    best = min(range(len(table)), key=lambda i: (-table.at[i, "holds"], table.at[i, "distance"]))
    table["chosen"] = [i == best for i in range(len(table))]
    return table
