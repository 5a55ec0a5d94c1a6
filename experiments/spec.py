"""An experiment, declared once: what varies, how it is sampled, what stays fixed, what is kept.

A :class:`Spec` is plain data. It is written as a Python module that defines ``SPEC = Spec(...)``
or as a TOML file (see :func:`load_toml`), and it is checked against the model's parameter
schema (``model.core.parameters.SCHEMA``) before anything runs: a value of the wrong type (a
string where a TOML boolean or number belongs, a number where a list belongs), an unknown
parameter or outcome name, or a value outside the schema's range raises :class:`SpecError`
naming the field, the value and what is allowed. Nothing is converted behind the user's back:
a value that is accepted is the value that runs.

Varied parameters map a name to either a list of *levels* (used as they are by the ``grid``
and ``posterior`` designs) or a ``(low, high)`` *range* (sampled by the ``lhs``, ``sobol`` and
``morris`` designs). The ``posterior`` design draws ``samples`` parameter sets from the file
named by ``posterior`` (default: the committed calibration's) and runs each with every
combination of the varied levels, so that conditions are compared within each drawn set.
In TOML a list is levels and an inline table ``{low = .., high = ..}`` is a range.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from model.core.metrics import METRICS
from model.core.parameters import SCHEMA_BY_NAME, ParameterError, show, unwrap
from model.run import RUN_OUTCOMES

DESIGNS = ("grid", "lhs", "sobol", "morris", "posterior")
"""Full factorial grid; Latin hypercube (scipy.stats.qmc); Sobol' (SALib); Morris (SALib);
``samples`` parameter sets drawn from a calibrated posterior, each crossed with the grid of
the varied levels (experiments/posterior.py)."""

OUTCOMES = RUN_OUTCOMES + tuple(f"final_{m}" for m in METRICS)
"""Every outcome ``model.run.outcomes`` returns for a finished run (wall time is always kept)."""

DEFAULT_OUTCOMES = ("stable_alliance_formed", "largest_stable_alliance_share", "renewal_share",
                    "median_alliance_lifetime", "mean_contract_lifetime", "contracts_signed", "final_mean_trust",
                    "final_hostility", "final_charter_coverage")

_QUICK_KEYS = ("varied", "fixed", "replicates", "steps", "samples", "timeseries")

NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")
"""An experiment name: it names a results folder, so plain ASCII and at most 100 characters."""

MEASURE_REF = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*", re.ASCII)
"""The form of a measure reference, ``package.module:function``."""


class SpecError(ValueError):
    """An experiment specification that cannot run, with the field that is wrong.

    ``field`` is the dotted name of that field (``"varied.n_groups"``, ``"quick.steps"``)
    where one field is to blame, else None.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def entry(table: str, key: str) -> str:
    """The dotted name of a table's entry; a key that is not a plain name is quoted, so that
    no key (a newline, say) can garble the message."""
    return f"{table}.{key}" if re.fullmatch(r"[A-Za-z_]\w*", key, re.ASCII) else \
        f"{table}[{show(key)}]"


def _fail(where: str, fieldname: str, value: Any, allowed: str) -> SpecError:
    return SpecError(f"{where}: {fieldname} = {show(value)} is not allowed: expected {allowed}",
                     fieldname)


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
    posterior: str | None = None
    is_quick: bool = False

    def __post_init__(self):
        where = _check_name(self.name)
        if not isinstance(self.is_quick, bool):
            raise _fail(where, "is_quick", self.is_quick, "true or false")
        for key in ("outcomes", "varied", "fixed", "quick"):
            object.__setattr__(self, key, _CONTAINERS[key](where, key, getattr(self, key)))
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
            **({"posterior": {"path": self.posterior,
                              "digest": self.posterior_sample().digest}}
               if self.design == "posterior" else {}),
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

    def posterior_sample(self):
        """The posterior sample the ``posterior`` design draws from (experiments.posterior)."""
        from .posterior import DEFAULT_POSTERIOR, read_posterior, resolve

        root = Path(__file__).resolve().parent.parent
        return read_posterior(resolve(self.posterior or DEFAULT_POSTERIOR, root))

    def drawn_parameters(self) -> tuple[str, ...]:
        """Parameters whose values come from the posterior (none for the other designs)."""
        return self.posterior_sample().names if self.design == "posterior" else ()

    def parameter_names(self) -> list[str]:
        """Every parameter a run of this spec records: fixed, varied and drawn."""
        return [*self.fixed, *self.varied, *self.drawn_parameters()]

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


# -- the shape of each field (before the schema is consulted) ----------------------------
def _check_name(name: Any) -> str:
    """``experiment 'NAME'``, the prefix of every later message, once the name is valid."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise _fail("spec", "name", name,
                    "a string of 1 to 100 ASCII letters, digits, '_' or '-'")
    return f"experiment {name!r}"


def _outcomes(where: str, key: str, value: Any) -> tuple:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise _fail(where, key, value, 'a list of outcome names, e.g. ["stable_alliance_formed"]')
    for i, name in enumerate(value):
        if not isinstance(name, str):
            raise _fail(where, f"{key}[{i}]", name, "an outcome name (a string)")
    return tuple(value)


def _table(where: str, key: str, value: Any, what: str) -> dict:
    if not isinstance(value, Mapping):
        raise _fail(where, key, value, f"a table of {what}")
    for name in value:
        if not isinstance(name, str):
            raise _fail(where, f"{key} key", name, "a parameter name (a string)")
    return dict(value)


def _varied(where: str, key: str, value: Any) -> dict:
    table = _table(where, key, value, "parameter -> list of levels or {low, high} range")
    return {name: _levels_or_range(where, entry(key, name), v) for name, v in table.items()}


def _fixed(where: str, key: str, value: Any) -> dict:
    return {name: unwrap(v) for name, v in _table(where, key, value, "parameter -> value").items()}


def _quick(where: str, key: str, value: Any) -> dict:
    table = _table(where, key, value, "overrides (" + ", ".join(_QUICK_KEYS) + ")")
    extra = sorted(set(table) - set(_QUICK_KEYS))
    if extra:
        raise SpecError(f"{where}: unknown quick override(s) {', '.join(map(show, extra))}; "
                        "allowed: " + ", ".join(_QUICK_KEYS), "quick")
    if "varied" in table:
        table["varied"] = _varied(where, "quick.varied", table["varied"])
    if "fixed" in table:
        table["fixed"] = _fixed(where, "quick.fixed", table["fixed"])
    for name in ("replicates", "steps", "samples", "timeseries"):
        if name in table:
            _SCALARS[name](where, f"quick.{name}", table[name])
    return table


_CONTAINERS = {"outcomes": _outcomes, "varied": _varied, "fixed": _fixed, "quick": _quick}


def _levels_or_range(where: str, fieldname: str, v: Any) -> Any:
    allowed = ("a list of levels, or a range {low = .., high = ..} (a (low, high) tuple in "
               "Python)")
    if isinstance(v, Range):
        return v
    if isinstance(v, tuple):
        if len(v) != 2:
            raise _fail(where, fieldname, v, "a (low, high) range of two numbers")
        return Range(unwrap(v[0]), unwrap(v[1]))
    if isinstance(v, Mapping):
        if set(v) != {"low", "high"}:
            raise _fail(where, fieldname, v, allowed)
        return Range(unwrap(v["low"]), unwrap(v["high"]))
    if isinstance(v, (list, range)) or (hasattr(v, "tolist") and getattr(v, "ndim", 0) == 1):
        return [unwrap(x) for x in (v.tolist() if hasattr(v, "tolist") else v)]
    raise _fail(where, fieldname, v, allowed)


def _integer(where: str, fieldname: str, value: Any, low: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise _fail(where, fieldname, value, f"an integer >= {low}")


def _boolean(where: str, fieldname: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise _fail(where, fieldname, value, "true or false (a TOML boolean, not a string)")


def _optional_string(where: str, fieldname: str, value: Any) -> None:
    if value is not None:
        _string(where, fieldname, value)


def _string(where: str, fieldname: str, value: Any) -> None:
    if not isinstance(value, str):
        raise _fail(where, fieldname, value, "a string")


_SCALARS = {
    "replicates": lambda where, f, v: _integer(where, f, v, 1),
    "steps": lambda where, f, v: _integer(where, f, v, 1),
    "samples": lambda where, f, v: _integer(where, f, v, 0),
    "root_seed": lambda where, f, v: _integer(where, f, v, 0),
    "timeseries": _boolean,
    "scenario": _optional_string,
    "measure": _optional_string,
    "posterior": _optional_string,
    "description": _string,
}
"""The type check of each scalar field a spec (or its ``quick`` table) sets."""


def _jsonable(v: Any) -> Any:
    return {"low": v.low, "high": v.high} if isinstance(v, Range) else list(v)


def _jsonable_quick(key: str, v: Any) -> Any:
    if key == "varied":
        return {n: _jsonable(x) for n, x in v.items()}
    return v


# -- validation ------------------------------------------------------------------------
def validate_spec(spec: Spec) -> None:
    """Check a spec against the parameter schema; raise SpecError naming what is wrong."""
    where = _check_name(spec.name)
    if not isinstance(spec.design, str) or spec.design not in DESIGNS:
        raise _fail(where, "design", spec.design, "one of " + ", ".join(DESIGNS))
    for key, check in _SCALARS.items():
        check(where, key, getattr(spec, key))
    if not spec.varied and spec.design != "posterior":
        raise SpecError(f"{where}: varied is empty; name at least one parameter to vary",
                        "varied")
    for name, levels in spec.varied.items():
        _check_varied(where, spec.design, name, levels)
    for name, value in spec.fixed.items():
        _check_value(where, entry("fixed", name), name, value)
    both = sorted(set(spec.varied) & set(spec.fixed))
    if both:
        raise SpecError(f"{where}: parameter(s) {', '.join(both)} are both varied and fixed",
                        "fixed")
    if spec.design not in ("grid", "posterior") and spec.samples < 2:
        raise SpecError(f"{where}: samples = {spec.samples!r} is not allowed with design "
                        f"{spec.design!r}: expected an integer >= 2", "samples")
    _check_posterior(where, spec)
    _check_outcomes(where, spec)
    if spec.scenario is not None:
        _check_scenario(where, spec)
    if spec.quick and not spec.is_quick:
        try:
            spec.quick_variant()
        except SpecError as e:
            detail = str(e).removeprefix(f"{where}: ")
            raise SpecError(f"{where}: quick variant: {detail}",
                            f"quick.{e.field}" if e.field else "quick") from None


def _check_posterior(where: str, spec: Spec) -> None:
    """The posterior design: draws to take, a readable sample, no parameter set twice."""
    from .posterior import PosteriorError

    if spec.design != "posterior":
        if spec.posterior is not None:
            raise SpecError(f"{where}: posterior = {show(spec.posterior)} is only read by "
                            f"design 'posterior', not {spec.design!r}", "posterior")
        return
    if spec.samples < 1:
        raise SpecError(f"{where}: samples = {spec.samples!r} is not allowed with design "
                        "'posterior': expected the number of parameter sets to draw, an "
                        "integer >= 1", "samples")
    try:
        drawn = spec.posterior_sample().names
    except PosteriorError as e:
        raise SpecError(f"{where}: {e}", "posterior") from None
    twice = sorted(set(drawn) & (set(spec.varied) | set(spec.fixed)))
    if twice:
        raise SpecError(f"{where}: parameter(s) {', '.join(twice)} come from the posterior "
                        "and cannot also be varied or fixed", "posterior")


def _check_outcomes(where: str, spec: Spec) -> None:
    allowed = OUTCOMES
    if spec.measure is not None:
        try:
            allowed = OUTCOMES + tuple(load_measure(spec.measure).outcomes)
        except SpecError as e:
            raise SpecError(f"{where}: measure: {e}", "measure") from None
    if not spec.outcomes:
        raise SpecError(f"{where}: outcomes is empty; name at least one of: "
                        + ", ".join(allowed), "outcomes")
    unknown = [o for o in spec.outcomes if o not in allowed]
    if unknown:
        raise SpecError(f"{where}: unknown outcome(s) {', '.join(map(show, unknown))}; "
                        "allowed: " + ", ".join(allowed), "outcomes")
    twice = sorted({o for o in spec.outcomes if spec.outcomes.count(o) > 1})
    if twice:
        raise SpecError(f"{where}: outcome(s) {', '.join(map(repr, twice))} listed twice in "
                        "outcomes; list each once", "outcomes")


def _check_scenario(where: str, spec: Spec) -> None:
    from model.core.scenario import load_scenario

    try:
        scenario = load_scenario(spec.scenario)
    except (ValueError, OSError) as e:  # ScenarioError and ParameterError are ValueErrors
        raise SpecError(f"{where}: scenario = {show(spec.scenario)}: {e}", "scenario") from None
    clash = sorted([n for n in spec.varied if n in scenario.fixed]
                   + [n for n, v in spec.fixed.items()
                      if n in scenario.fixed and v != scenario.fixed[n]])
    if clash:
        raise SpecError(f"{where}: scenario {spec.scenario!r} fixes {', '.join(clash)}; "
                        "they cannot be varied or fixed by the experiment", "scenario")


_KIND_WORDS = {bool: "true or false (a TOML boolean, not a string)",
               int: "an integer (not a string or a fraction)",
               float: "a number (not a string)", str: "a string"}


def _kind_ok(kind: type, value: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is str:
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (kind is float and isinstance(value, float))


def _check_value(where: str, fieldname: str, name: str, value: Any) -> Any:
    """Check one parameter value strictly (its type as declared, then its range) and return
    it in the schema's type; the returned value always equals the given one."""
    param = SCHEMA_BY_NAME.get(name) if isinstance(name, str) else None
    if param is None:
        import difflib

        close = difflib.get_close_matches(name, SCHEMA_BY_NAME, n=1) if isinstance(name, str) \
            else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise SpecError(f"{where}: {fieldname}: unknown parameter {show(name)}{hint}; known "
                        "parameters are listed by `python -m model params`", fieldname)
    if not _kind_ok(param.kind, value):
        allowed = _KIND_WORDS[bool] if param.kind is bool else \
            f"{param.allowed()}, given as {_KIND_WORDS[param.kind]}"
        raise SpecError(f"{where}: {fieldname}: parameter '{name}' = {show(value)} is not "
                        f"allowed: expected {allowed}", fieldname)
    if param.kind in (int, float) and not param.low <= value <= param.high:  # NaN fails too
        raise SpecError(f"{where}: {fieldname}: parameter '{name}' = {show(value)} is not "
                        f"allowed: expected {param.allowed()} ({param.meaning})", fieldname)
    try:
        return param.coerce(value)
    except ParameterError as e:
        raise SpecError(f"{where}: {fieldname}: {e}", fieldname) from None


def _check_varied(where: str, design: str, name: str, levels: Any) -> None:
    fieldname = entry("varied", name)
    if name not in SCHEMA_BY_NAME:
        _check_value(where, fieldname, name, None)  # raises: unknown parameter
    param = SCHEMA_BY_NAME[name]
    if isinstance(levels, Range):
        if param.kind not in (int, float):
            raise SpecError(f"{where}: {fieldname}: a range needs a numeric parameter; "
                            f"{name!r} is {param.allowed()}, give a list of levels", fieldname)
        for end in ("low", "high"):
            value = getattr(levels, end)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _fail(where, f"{fieldname}.{end}", value, "a number (not a string)")
        _check_value(where, fieldname + ".low", name, levels.low)
        _check_value(where, fieldname + ".high", name, levels.high)
        if not levels.low < levels.high:
            raise SpecError(f"{where}: {fieldname}: range low {levels.low!r} must be below "
                            f"high {levels.high!r}", fieldname)
        if design in ("grid", "posterior"):
            raise SpecError(f"{where}: {fieldname}: the {design} design needs a list of levels, "
                            f"got the range ({levels.low}, {levels.high})", fieldname)
        return
    if not levels:
        raise SpecError(f"{where}: {fieldname}: no levels given; expected a non-empty list",
                        fieldname)
    for i, value in enumerate(levels):
        _check_value(where, f"{fieldname}[{i}]", name, value)
    if design not in ("grid", "posterior"):
        raise SpecError(f"{where}: {fieldname}: design {design!r} samples a (low, high) range, "
                        f"got the levels {show(list(levels))}", fieldname)


def load_measure(ref: str):
    """The function named by ``"package.module:function"``, with its ``outcomes`` attribute
    (a tuple of the outcome names it returns)."""
    import importlib

    if not isinstance(ref, str) or not MEASURE_REF.fullmatch(ref):
        raise SpecError(f"{show(ref)} is not allowed: expected 'package.module:function'")
    module_name, _, attr = ref.partition(":")
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
_TABLES = ("varied", "fixed", "quick")


def load_toml(path: str | Path) -> Spec:
    """Load a spec from TOML: an ``[experiment]`` table (name, design, replicates, steps,
    samples, outcomes, root_seed, timeseries, scenario, description, measure) with
    ``[varied]``, ``[fixed]`` and ``[quick]`` (itself with optional ``[quick.varied]`` and
    ``[quick.fixed]``)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise SpecError(f"{path}: not a UTF-8 text file ({e})") from None
    except ValueError as e:  # TOMLDecodeError, or a number too long to read
        raise SpecError(f"{path}: not valid TOML: {e}") from None
    known = {"experiment", *_TABLES}
    extra = sorted(set(data) - known)
    if extra:
        raise SpecError(f"{path}: unknown table(s) {', '.join(map(show, extra))}; allowed: "
                        + ", ".join(sorted(known)))
    exp = data.get("experiment", {})
    if not isinstance(exp, dict):
        raise SpecError(f"{path}: experiment = {show(exp)} is not allowed: expected the table "
                        "[experiment]", "experiment")
    exp = dict(exp)
    if "name" not in exp:
        if not NAME.fullmatch(path.stem):
            raise SpecError(f"{path}: the file name {path.stem!r} cannot be the experiment's "
                            "name (expected 1 to 100 ASCII letters, digits, '_' or '-'); set "
                            "name in [experiment]", "name")
        exp["name"] = path.stem
    fields = {f.name for f in dataclasses.fields(Spec)} - {*_TABLES, "is_quick"}
    bad = sorted(set(exp) - fields)
    if bad:
        tables = [b for b in bad if b in _TABLES]
        hint = f" ({', '.join(tables)}: a table of its own, [{tables[0]}])" if tables else ""
        raise SpecError(f"{path}: unknown key(s) in [experiment]: {', '.join(map(show, bad))}"
                        f"{hint}; allowed: " + ", ".join(sorted(fields)), "experiment")
    try:
        return Spec(varied=data.get("varied", {}), fixed=data.get("fixed", {}),
                    quick=data.get("quick", {}), **exp)
    except SpecError as e:
        raise SpecError(f"{path}: {e}", e.field) from None


def load_module_file(path: str | Path) -> Spec:
    """Load ``SPEC`` from a Python file outside the experiments package."""
    path = Path(path)
    mod_spec = importlib.util.spec_from_file_location(f"_experiment_{path.stem}", path)
    module = importlib.util.module_from_spec(mod_spec)
    try:
        mod_spec.loader.exec_module(module)
    except SyntaxError as e:
        raise SpecError(f"{path}: not valid Python (line {e.lineno}: {e.msg})") from None
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
