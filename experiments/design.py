"""The run plan of a spec: every (run_id, parameters, seed) the sweep will run, in order.

Points come from the design (``grid``: full factorial of the levels; ``lhs``: scipy's Latin
hypercube; ``sobol`` and ``morris``: SALib's samplers, so that SALib's analysers can read the
results back in the same order; ``posterior``: parameter sets drawn from a calibrated posterior
in proportion to their weights, from their own stream of the root seed, each crossed with the
grid of levels, so conditions are paired within a drawn set). Every run has its own random stream:
``SeedSequence(root_seed).spawn(n_points)[point].spawn(replicates)[replicate]``, turned into
a non-negative 63-bit integer seed for ``model.run.run``. The plan depends only on the spec,
so a sweep is reproducible run for run and a resumed sweep knows exactly what is missing.

Before a plan is built its size is computed by arithmetic (:func:`planned_runs`) and checked
against the run limit (``ALLIANCE_ABM_MAX_RUNS``), so a spec asking for 2**62 replicates is
refused at once instead of filling memory; and every design point, with the fixed values and
the spec's scenario, is validated as the model will validate it, so a point that breaks a rule
between parameters (``domination_bias + contact_bias <= 1``) is a SpecError before any run.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.core.parameters import SCHEMA_BY_NAME, ParameterError, validate
from model.core.resources import ResourceError, check_runs

from .spec import Spec, SpecError


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
    max_n_groups: int  # the most groups any run has (what its memory grows with)

    def __len__(self) -> int:
        return len(self.runs)


def planned_points(spec: Spec) -> int:
    """How many design points ``spec`` has, by arithmetic (nothing is sampled)."""
    k = len(spec.varied)
    if spec.design == "grid":
        return math.prod(len(levels) for levels in spec.varied.values())
    if spec.design == "posterior":
        return spec.samples * math.prod(len(levels) for levels in spec.varied.values())
    return spec.samples * {"lhs": 1, "sobol": k + 2, "morris": k + 1}[spec.design]


def planned_runs(spec: Spec) -> int:
    """How many runs ``spec`` plans: design points times replicates, by arithmetic."""
    return planned_points(spec) * spec.replicates


def check_size(spec: Spec) -> int:
    """The planned runs, or ResourceError naming the field that makes them too many."""
    points = planned_points(spec)
    runs = points * spec.replicates
    culprit = "replicates" if spec.replicates >= points else \
        "varied" if spec.design == "grid" else "samples"  # the larger factor
    try:
        return check_runs(runs, field=culprit)
    except ResourceError as e:
        raise ResourceError(f"experiment {spec.results_name!r}: {e}") from None


def sample_points(spec: Spec) -> np.ndarray | list[tuple]:
    """Design points in the order of ``spec.varied``: a list of level tuples (grid) or a
    float matrix of shape (points, parameters) for the sampling designs. The posterior design
    gives tuples of a drawn set's values (in the order of its columns) followed by the varied
    levels: draw after draw, each with every combination of levels."""
    names = list(spec.varied)
    if spec.design == "grid":
        return list(itertools.product(*(spec.varied[n] for n in names)))
    if spec.design == "posterior":
        sample = spec.posterior_sample()
        picks = sample.draw(spec.samples, np.random.SeedSequence([spec.root_seed, 1]))
        levels = list(itertools.product(*(spec.varied[n] for n in names)))
        return [(*sample.values[i], *combo) for i in picks for combo in levels]
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


def check_points(spec: Spec, points: list[dict[str, Any]]) -> int:
    """Validate every point with the fixed values (and the scenario) as a run would; return
    the most groups of any run. A point the model would refuse is a SpecError naming it."""
    base, last = dict(spec.fixed), {}
    if spec.scenario is not None:
        from model.core.scenario import load_scenario

        scenario = load_scenario(spec.scenario)
        base, last = {**scenario.parameters, **base}, scenario.fixed
    most, bad, first = 0, 0, None
    for i, point in enumerate(points):
        try:
            most = max(most, validate({**base, **point, **last}).n_groups)
        except ParameterError as e:
            bad += 1
            first = first or (i, point, e)
    if bad:
        i, point, e = first
        shown = ", ".join(f"{n}={v!r}" for n, v in point.items())
        raise SpecError(f"experiment {spec.results_name!r}: {bad} of {len(points)} design "
                        f"point(s) cannot run; the first, point {i} ({shown}), with the fixed "
                        f"values: {e}", "fixed" if _fails(base, last) else "varied")
    return most


def _fails(base: dict, last: dict) -> bool:
    """Whether the fixed values, with defaults for the varied ones, already break a rule."""
    try:
        validate({**base, **last})
    except ParameterError:
        return True
    return False


def plan(spec: Spec) -> Plan:
    """Every run of ``spec``: run_id = point * replicates + replicate.

    The size is checked first (ResourceError past the run limit) and every point is
    validated (SpecError) before any run is listed."""
    check_size(spec)
    names = [*spec.drawn_parameters(), *spec.varied]
    raw = sample_points(spec)
    points = [{n: _value(n, x) for n, x in zip(names, row)} for row in raw]
    most = check_points(spec, points)
    if spec.design in ("grid", "posterior"):
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
    return Plan(spec=spec, points=points, X=X, runs=runs, max_n_groups=most)
