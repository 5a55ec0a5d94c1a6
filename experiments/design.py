"""The run plan of a spec: every (run_id, parameters, seed) the sweep will run, in order.

Points come from the design (``grid``: full factorial of the levels; ``lhs``: scipy's Latin
hypercube; ``sobol`` and ``morris``: SALib's samplers, so that SALib's analysers can read the
results back in the same order). Every run has its own random stream:
``SeedSequence(root_seed).spawn(n_points)[point].spawn(replicates)[replicate]``, turned into
a non-negative 63-bit integer seed for ``model.run.run``. The plan depends only on the spec,
so a sweep is reproducible run for run and a resumed sweep knows exactly what is missing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.core.parameters import SCHEMA_BY_NAME

from .spec import Spec


@dataclass(frozen=True)
class Run:
    """One planned run."""

    run_id: int
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]  # fixed and varied model parameters


@dataclass(frozen=True)
class Plan:
    """The runs of a spec, and the design matrix ``X`` (one row per point) for SALib."""

    spec: Spec
    points: list[dict[str, Any]]
    X: np.ndarray
    runs: list[Run]

    def __len__(self) -> int:
        return len(self.runs)


def sample_points(spec: Spec) -> np.ndarray | list[tuple]:
    """Design points in the order of ``spec.varied``: a list of level tuples (grid) or a
    float matrix of shape (points, parameters) for the sampling designs."""
    names = list(spec.varied)
    if spec.design == "grid":
        return list(itertools.product(*(spec.varied[n] for n in names)))
    problem = spec.problem()
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=spec.root_seed).random(spec.samples)
        lows, highs = np.array(problem["bounds"]).T
        return qmc.scale(unit, lows, highs)
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, spec.samples, calc_second_order=False, seed=spec.root_seed)
    from SALib.sample import morris

    return morris.sample(problem, spec.samples, num_levels=4, seed=spec.root_seed)


def _value(name: str, x: Any) -> Any:
    """A sampled or listed value in the schema's type (integers are rounded)."""
    param = SCHEMA_BY_NAME[name]
    if isinstance(x, np.generic):
        x = x.item()
    if param.kind is int and isinstance(x, float):
        x = int(round(x))
    return param.coerce(x)


def run_seed(seq: np.random.SeedSequence) -> int:
    """A non-negative 63-bit integer seed (fits a Parquet int64 column) from a stream."""
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def plan(spec: Spec) -> Plan:
    """Every run of ``spec``: run_id = point * replicates + replicate."""
    names = list(spec.varied)
    raw = sample_points(spec)
    points = [{n: _value(n, x) for n, x in zip(names, row)} for row in raw]
    if spec.design == "grid":
        X = np.array([[float(v) if not isinstance(v, str) else np.nan for v in p.values()]
                      for p in points])
    else:
        X = np.asarray(raw, dtype=float)
    streams = np.random.SeedSequence(spec.root_seed).spawn(len(points))
    fixed = dict(spec.fixed)
    runs = []
    for i, (point, stream) in enumerate(zip(points, streams)):
        for r, child in enumerate(stream.spawn(spec.replicates)):
            runs.append(Run(run_id=i * spec.replicates + r, point=i, replicate=r,
                            seed=run_seed(child), params={**fixed, **point}))
    return Plan(spec=spec, points=points, X=X, runs=runs)
