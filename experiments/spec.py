"""An experiment, declared once: what varies, how it is sampled, what stays fixed, what is kept.

A :class:`Spec` is plain data. It is written as a Python module that defines ``SPEC = Spec(...)``
or as a TOML file (see :func:`load_toml`), and it is checked against the model's parameter
schema (``model.core.parameters.SCHEMA``) before anything runs: an unknown parameter or outcome
name, or a value outside the schema's range, raises :class:`SpecError` naming the field, the
value and what is allowed.

Varied parameters map a name to either a list of *levels* (used as they are by the ``grid``
design) or a ``(low, high)`` *range* (sampled by the ``lhs``, ``sobol`` and ``morris`` designs).
In TOML a list is levels and an inline table ``{low = .., high = ..}`` is a range.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from model.core.metrics import METRICS
from model.core.parameters import SCHEMA_BY_NAME, ParameterError
from model.run import RUN_OUTCOMES

DESIGNS = ("grid", "lhs", "sobol", "morris")
"""Full factorial grid; Latin hypercube (scipy.stats.qmc); Sobol' (SALib); Morris (SALib)."""

OUTCOMES = RUN_OUTCOMES + tuple(f"final_{m}" for m in METRICS)
"""Every outcome ``model.run.outcomes`` returns for a finished run (wall time is always kept)."""

DEFAULT_OUTCOMES = ("stable_alliance_formed", "largest_stable_alliance_share", "renewal_share",
                    "median_alliance_lifetime", "mean_contract_lifetime", "contracts_signed", "final_mean_trust",
                    "final_hostility", "final_charter_coverage")

_QUICK_KEYS = ("varied", "fixed", "replicates", "steps", "samples", "timeseries")


class SpecError(ValueError):
    """An experiment specification that cannot run, with the field that is wrong."""


@dataclass(frozen=True)
class Spec:
    """A declared experiment (see the module docstring).

    ``samples`` is the base sample size of the sampling designs: the number of points for
    ``lhs``, SALib's ``N`` for ``sobol`` (N * (k + 2) points, first and total order) and the
    number of trajectories for ``morris`` (N * (k + 1) points). ``quick`` holds overrides for
    a variant small enough for tests (keys: varied, fixed, replicates, steps, samples,
    timeseries); ``fixed`` overrides are merged into the full variant's.
    """

    name: str
    varied: Mapping[str, Any]
    design: str = "grid"
    fixed: Mapping[str, Any] = field(default_factory=dict)
    replicates: int = 1
    steps: int = 300
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    root_seed: int = 0
    samples: int = 0
    timeseries: bool = False
    scenario: str | None = None
    quick: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    measure: str | None = None
    is_quick: bool = False

    def __post_init__(self):
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        object.__setattr__(self, "varied", {k: _freeze(v) for k, v in dict(self.varied).items()})
        object.__setattr__(self, "fixed", dict(self.fixed))
        object.__setattr__(self, "quick", dict(self.quick))
        validate_spec(self)

    # -- variants and identity -------------------------------------------------------
    def quick_variant(self) -> "Spec":
        """The small variant: this spec with the ``quick`` overrides applied."""
        if self.is_quick:
            return self
        q = self.quick
        return dataclasses.replace(
            self,
            varied=q.get("varied", self.varied),
            fixed={**self.fixed, **q.get("fixed", {})},
            replicates=q.get("replicates", self.replicates),
            steps=q.get("steps", self.steps),
            samples=q.get("samples", self.samples),
            timeseries=q.get("timeseries", self.timeseries),
            quick={},
            is_quick=True,
        )

    def variant(self, quick: bool) -> "Spec":
        """The quick variant when ``quick`` is set, else this spec: one flag for every command."""
        return self.quick_variant() if quick else self

    @property
    def results_name(self) -> str:
        """Folder name under the results directory (the quick variant has its own)."""
        return f"{self.name}-quick" if self.is_quick else self.name

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (a range becomes {"low": .., "high": ..}, levels a list)."""
        return {
            "name": self.name,
            "description": self.description,
            "design": self.design,
            "varied": {k: _jsonable(v) for k, v in self.varied.items()},
            "fixed": dict(sorted(self.fixed.items())),
            "replicates": self.replicates,
            "steps": self.steps,
            "samples": self.samples,
            "outcomes": list(self.outcomes),
            "root_seed": self.root_seed,
            "timeseries": self.timeseries,
            "scenario": self.scenario,
            "measure": self.measure,
            "is_quick": self.is_quick,
            "quick": {k: _jsonable_quick(k, v) for k, v in sorted(self.quick.items())},
        }

    def hash(self) -> str:
        """A stable hash of everything that changes the runs (not the description)."""
        d = self.to_dict()
        d.pop("description")
        d.pop("quick")
        text = json.dumps(d, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def problem(self) -> dict[str, Any]:
        """The SALib problem dict of the varied ranges (sampling designs only)."""
        names = list(self.varied)
        return {"num_vars": len(names), "names": names,
                "bounds": [list(map(float, self.varied[n])) for n in names]}


@dataclass(frozen=True)
class Range:
    """A continuous range ``[low, high]`` of a varied parameter."""

    low: float
    high: float

    def __iter__(self):
        return iter((self.low, self.high))


def _freeze(v: Any) -> Any:
    if isinstance(v, Range):
        return v
    if isinstance(v, tuple):
        if len(v) != 2:
            raise SpecError(f"a range must be (low, high), got {v!r}")
        return Range(*v)
    if isinstance(v, Mapping) and set(v) == {"low", "high"}:
        return Range(v["low"], v["high"])
    if isinstance(v, (list, range)) or hasattr(v, "tolist"):  # lists, ranges, numpy arrays
        return list(v.tolist() if hasattr(v, "tolist") else v)
    raise SpecError(f"a varied parameter takes a list of levels or a (low, high) range, got {v!r}")


def _jsonable(v: Any) -> Any:
    return {"low": v.low, "high": v.high} if isinstance(v, Range) else list(v)


def _jsonable_quick(key: str, v: Any) -> Any:
    if key == "varied":
        return {n: _jsonable(_freeze(x)) for n, x in v.items()}
    return v


# -- validation ------------------------------------------------------------------------
def validate_spec(spec: Spec) -> None:
    """Check a spec against the parameter schema; raise SpecError naming what is wrong."""
    where = f"experiment {spec.name!r}"
    if not spec.name or not all(c.isalnum() or c in "_-" for c in spec.name):
        raise SpecError(f"{where}: name must be letters, digits, '_' or '-'")
    if spec.design not in DESIGNS:
        raise SpecError(f"{where}: design = {spec.design!r} is not allowed: expected one of "
                        + ", ".join(DESIGNS))
    for key in ("replicates", "steps"):
        value = getattr(spec, key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SpecError(f"{where}: {key} = {value!r} is not allowed: expected an integer >= 1")
    if not isinstance(spec.root_seed, int) or isinstance(spec.root_seed, bool) or spec.root_seed < 0:
        raise SpecError(f"{where}: root_seed = {spec.root_seed!r} is not allowed: "
                        "expected an integer >= 0")
    if not spec.varied:
        raise SpecError(f"{where}: varied is empty; name at least one parameter to vary")
    for name, levels in spec.varied.items():
        _check_varied(where, spec.design, name, levels)
    for name, value in spec.fixed.items():
        _check_value(where, f"fixed.{name}", name, value)
    both = sorted(set(spec.varied) & set(spec.fixed))
    if both:
        raise SpecError(f"{where}: parameter(s) {', '.join(both)} are both varied and fixed")
    if spec.design != "grid":
        if not isinstance(spec.samples, int) or spec.samples < 2:
            raise SpecError(f"{where}: samples = {spec.samples!r} is not allowed with design "
                            f"{spec.design!r}: expected an integer >= 2")
    allowed = OUTCOMES
    if spec.measure is not None:
        try:
            allowed = OUTCOMES + tuple(load_measure(spec.measure).outcomes)
        except SpecError as e:
            raise SpecError(f"{where}: measure: {e}") from None
    unknown = [o for o in spec.outcomes if o not in allowed]
    if unknown:
        raise SpecError(f"{where}: unknown outcome(s) {', '.join(map(repr, unknown))}; "
                        "allowed: " + ", ".join(allowed))
    if not spec.outcomes:
        raise SpecError(f"{where}: outcomes is empty")
    if spec.scenario is not None:
        from model.core.scenario import load_scenario

        try:
            scenario = load_scenario(spec.scenario)
        except Exception as e:  # any reason the scenario cannot be loaded
            raise SpecError(f"{where}: scenario = {spec.scenario!r}: {e}") from None
        clash = sorted([n for n in spec.varied if n in scenario.fixed]
                       + [n for n, v in spec.fixed.items()
                          if n in scenario.fixed and v != scenario.fixed[n]])
        if clash:
            raise SpecError(f"{where}: scenario {spec.scenario!r} fixes {', '.join(clash)}; "
                            "they cannot be varied or fixed by the experiment")
    extra = sorted(set(spec.quick) - set(_QUICK_KEYS))
    if extra:
        raise SpecError(f"{where}: unknown quick override(s) {', '.join(extra)}; "
                        "allowed: " + ", ".join(_QUICK_KEYS))
    if spec.quick and not spec.is_quick:
        spec.quick_variant()  # validates the quick variant too


def _check_value(where: str, fieldname: str, name: str, value: Any) -> Any:
    param = SCHEMA_BY_NAME.get(name)
    if param is None:
        import difflib

        close = difflib.get_close_matches(name, SCHEMA_BY_NAME, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise SpecError(f"{where}: {fieldname}: unknown parameter {name!r}{hint}")
    try:
        return param.coerce(value)
    except ParameterError as e:
        raise SpecError(f"{where}: {fieldname}: {e}") from None


def _check_varied(where: str, design: str, name: str, levels: Any) -> None:
    fieldname = f"varied.{name}"
    if name not in SCHEMA_BY_NAME:
        _check_value(where, fieldname, name, None)  # raises: unknown parameter
    if isinstance(levels, Range):
        _check_value(where, fieldname + ".low", name, levels.low)
        _check_value(where, fieldname + ".high", name, levels.high)
        param = SCHEMA_BY_NAME[name]
        if param.kind not in (int, float):
            raise SpecError(f"{where}: {fieldname}: a range needs a numeric parameter; "
                            f"{name!r} is {param.allowed()}, give a list of levels")
        if not levels.low < levels.high:
            raise SpecError(f"{where}: {fieldname}: range low {levels.low!r} must be below "
                            f"high {levels.high!r}")
        if design == "grid":
            raise SpecError(f"{where}: {fieldname}: the grid design needs a list of levels, "
                            f"got the range ({levels.low}, {levels.high})")
        return
    if not levels:
        raise SpecError(f"{where}: {fieldname}: no levels given")
    for i, value in enumerate(levels):
        _check_value(where, f"{fieldname}[{i}]", name, value)
    if design != "grid":
        raise SpecError(f"{where}: {fieldname}: design {design!r} samples a (low, high) range, "
                        f"got the levels {list(levels)!r}")


def load_measure(ref: str):
    """The function named by ``"package.module:function"``, with its ``outcomes`` attribute
    (a tuple of the outcome names it returns)."""
    import importlib

    module_name, _, attr = str(ref).partition(":")
    if not module_name or not attr:
        raise SpecError(f"{ref!r} is not allowed: expected 'package.module:function'")
    try:
        fn = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as e:
        raise SpecError(f"{ref!r} cannot be loaded: {e}") from None
    names = getattr(fn, "outcomes", None)
    if not callable(fn) or not isinstance(names, tuple) or \
            not all(isinstance(n, str) for n in names):
        raise SpecError(f"{ref!r} must be a function with an 'outcomes' attribute "
                        "(a tuple of outcome names)")
    return fn


# -- loading ---------------------------------------------------------------------------
def load_toml(path: str | Path) -> Spec:
    """Load a spec from TOML: an ``[experiment]`` table (name, design, replicates, steps,
    samples, outcomes, root_seed, timeseries, scenario, description) with ``[varied]``,
    ``[fixed]`` and ``[quick]`` (itself with optional ``[quick.varied]``/``[quick.fixed]``)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML: {e}") from None
    known = {"experiment", "varied", "fixed", "quick"}
    extra = sorted(set(data) - known)
    if extra:
        raise SpecError(f"{path}: unknown table(s) {', '.join(extra)}; allowed: "
                        + ", ".join(sorted(known)))
    exp = dict(data.get("experiment", {}))
    exp.setdefault("name", path.stem)
    fields = {f.name for f in dataclasses.fields(Spec)} - {"varied", "fixed", "quick", "is_quick"}
    bad = sorted(set(exp) - fields)
    if bad:
        raise SpecError(f"{path}: unknown key(s) in [experiment]: {', '.join(bad)}")
    try:
        return Spec(varied=data.get("varied", {}), fixed=data.get("fixed", {}),
                    quick=data.get("quick", {}), **exp)
    except SpecError as e:
        raise SpecError(f"{path}: {e}") from None


def load_module_file(path: str | Path) -> Spec:
    """Load ``SPEC`` from a Python file outside the experiments package."""
    path = Path(path)
    mod_spec = importlib.util.spec_from_file_location(f"_experiment_{path.stem}", path)
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, Spec):
        raise SpecError(f"{path}: defines no SPEC = experiments.spec.Spec(...)")
    return spec


def load_file(path: str | Path) -> Spec:
    """A spec from a .toml or a .py file, chosen by suffix, so a command line takes either."""
    path = Path(path)
    if path.suffix == ".toml":
        return load_toml(path)
    if path.suffix == ".py":
        return load_module_file(path)
    raise SpecError(f"{path}: a spec file must end in .toml or .py")
