"""Generated spec files and spec dicts, right and wrong in every field (issue 18): each ends in
a spec that plans, or one named error (SpecError, ResourceError), never another exception, a
hang or a silently changed value (an accepted value equals the one given, in the spec and in
every planned run). ``pytest tests/test_properties_specs.py --hypothesis-show-statistics``
prints how many inputs were generated and their outcomes by kind (the ``event`` lines)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from experiments import cli, runner
from experiments.design import plan, planned_runs
from experiments.runner import SchedulerError, execute, parse_scheduler
from experiments.spec import (_QUICK_KEYS, DESIGNS, MEASURE_REF, OUTCOMES, Range, Spec,
                              SpecError, load_toml)
from model.core.parameters import SCHEMA, SCHEMA_BY_NAME
from model.core.resources import ResourceError

FIELDS = ("name", "design", "replicates", "steps", "outcomes", "root_seed", "samples",
          "timeseries", "scenario", "description", "measure")
"""The keys of [experiment] (every scalar field of Spec a spec file sets)."""

# -- values, right and wrong ---------------------------------------------------------------
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
huge_ints = st.sampled_from([2**31, 2**32, 2**62, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63)])
floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(st.booleans(), st.integers(-3, 12), huge_ints, st.integers(), floats, text)
anything = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)), max_leaves=6)
"""Any TOML value: booleans, integers of any size, floats with NaN and inf, strings, arrays,
inline tables, nested."""


def mostly(right: st.SearchStrategy, wrong: st.SearchStrategy) -> st.SearchStrategy:
    """``right`` about nine times in ten, so that inputs reach the later checks, else
    ``wrong`` (one_of would draw each half the time)."""
    return sometimes().flatmap(lambda odd: wrong if odd else right)


def sometimes() -> st.SearchStrategy:
    """True about once in ten (unlike integers, not drawn at the ends of a range)."""
    return st.sampled_from(range(10)).map(lambda i: i == 7)


def param_value(p) -> st.SearchStrategy:
    """Values of one parameter: inside and just outside its range, of its type or not."""
    if p.kind is bool:
        right = st.booleans()
    elif p.choices is not None:
        right = st.sampled_from(p.choices)
    elif p.kind is int:
        right = st.integers(int(p.low), int(min(p.high, p.low + 40)))
    else:
        right = st.floats(p.low, p.high, allow_nan=False)
    near = st.sampled_from([p.default, str(p.default), [p.default]])
    return mostly(right, st.one_of(near, scalars))


names = mostly(st.sampled_from([p.name for p in SCHEMA]), text)
good_names = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)


def levels(name: str) -> st.SearchStrategy:
    p = SCHEMA_BY_NAME.get(name)
    value = param_value(p) if p is not None else scalars
    bounds = st.fixed_dictionaries({"low": value, "high": value})
    return mostly(st.one_of(st.lists(value, min_size=1, max_size=3), bounds),
                  st.one_of(st.lists(value, max_size=0), anything))


def named_table(values) -> st.SearchStrategy:
    """A table of parameter names (mostly real ones) to values drawn for each name."""
    return st.lists(names.flatmap(lambda n: st.tuples(st.just(n), values(n))), min_size=1,
                    max_size=3).map(dict)


varied_tables = named_table(levels)
fixed_tables = named_table(lambda n: param_value(SCHEMA_BY_NAME[n]) if n in SCHEMA_BY_NAME
                           else scalars)

field_values = {
    "name": mostly(good_names, anything),
    "design": mostly(st.sampled_from(DESIGNS), anything),
    "replicates": mostly(st.integers(0, 3), st.one_of(huge_ints, anything)),
    "steps": mostly(st.integers(0, 5), st.one_of(huge_ints, anything)),
    "outcomes": mostly(st.lists(st.sampled_from(OUTCOMES), max_size=3), anything),
    "root_seed": mostly(st.integers(-1, 2**64), anything),
    "samples": mostly(st.integers(0, 6), st.one_of(huge_ints, anything)),
    "timeseries": mostly(st.booleans(), st.one_of(st.sampled_from(["no", "true", 0, 1]),
                                                  anything)),
    "scenario": mostly(st.sampled_from(["river_valley", "atlantis"]), anything),
    "description": mostly(text, anything),
    "measure": mostly(st.sampled_from(["tests.sample_measure:measure",
                                       "tests.sample_measure:not_a_measure",
                                       "tests.sample_measure", "no_such_module:f"]),
                      anything.filter(lambda v: not (isinstance(v, str)
                                                     and MEASURE_REF.fullmatch(v)))),
}

quick_tables = st.dictionaries(
    st.one_of(st.sampled_from(_QUICK_KEYS), text),
    mostly(st.one_of(varied_tables, fixed_tables, st.integers(0, 4), st.booleans()), anything),
    max_size=3)


@st.composite
def documents(draw) -> dict:
    """A spec file as a dict of tables, each field drawn right or wrong (or left out)."""
    doc = {}
    experiment = {f: draw(field_values[f]) for f in FIELDS if draw(st.booleans())}
    doc["experiment"] = draw(anything) if draw(sometimes()) else experiment
    doc["varied"] = draw(anything) if draw(sometimes()) else draw(varied_tables)
    if draw(st.booleans()):
        doc["fixed"] = draw(anything) if draw(sometimes()) else draw(fixed_tables)
    if draw(st.booleans()):
        doc["quick"] = draw(anything) if draw(sometimes()) else draw(quick_tables)
    if draw(sometimes()) and draw(sometimes()):
        doc[draw(text)] = draw(anything)  # an unknown table
    return doc


# -- TOML ---------------------------------------------------------------------------------
def toml(value) -> str:
    """A value in TOML (inline tables and arrays; NaN and inf as TOML writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml, value)) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml(v)}" for k, v in value.items()) + "}"


def toml_string(s: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    return '"' + "".join(c if c not in '"\\' and 0x20 <= ord(c) != 0x7F else f"\\u{ord(c):04x}"
                         for c in s) + '"'


def toml_document(doc: dict) -> str:
    return "".join(f"{toml_string(k)} = {toml(v)}\n" for k, v in doc.items())


# -- what an accepted spec must equal -------------------------------------------------------
def same(a, b) -> bool:
    """Equal, and of the same kind of value (True is not 1, 1.0 may stand for 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def check_kept(doc: dict, spec: Spec) -> None:
    """Every value of the document is in the spec as it was given."""
    experiment = doc.get("experiment", {})
    for f in FIELDS:
        if f in experiment:
            assert same(getattr(spec, f), experiment[f]), f
    for name, given in doc.get("varied", {}).items():
        got = spec.varied[name]
        assert got == Range(given["low"], given["high"]) if isinstance(given, dict) else \
            same(got, given), name
    assert all(same(spec.fixed[n], v) for n, v in doc.get("fixed", {}).items())
    quick = spec.quick_variant()
    for key, given in doc.get("quick", {}).items():
        if key in ("replicates", "steps", "samples", "timeseries"):
            assert same(getattr(quick, key), given), key
        elif key == "fixed":
            assert all(same(quick.fixed[n], v) for n, v in given.items())
        elif key == "varied":
            assert all(quick.varied[n] == Range(v["low"], v["high"]) if isinstance(v, dict)
                       else same(quick.varied[n], v) for n, v in given.items())
    json.dumps(spec.to_dict()), spec.hash()


def check_planned(spec: Spec) -> None:
    """The plan holds the fixed values as given and only the given levels (grid and
    posterior), or values inside the given ranges (the sampling designs)."""
    p = plan(spec)
    assert len(p) == planned_runs(spec)
    for run in p.runs:
        assert all(run.params[n] == v for n, v in spec.fixed.items())
        if spec.design in ("grid", "posterior"):
            assert all(run.params[n] in spec.varied[n] for n in spec.varied)
        else:
            assert all(spec.varied[n].low - 1e-9 <= run.params[n] <= spec.varied[n].high + 1e-9
                       for n in spec.varied)


def outcome(fn) -> str:
    """What ``fn()`` ended in: "ok", or the named error and its field."""
    try:
        fn()
    except SpecError as e:
        assert str(e) and "\n" not in str(e) and "not valid TOML" not in str(e)  # ours is valid
        return f"SpecError: {re.sub(r'[.[].*', '', e.field or 'unknown table')}"
    except ResourceError as e:
        assert "is not allowed" in str(e) and "\n" not in str(e)
        return "ResourceError: " + ("steps" if "steps" in str(e) else "runs")
    return "ok"


@pytest.fixture(scope="module")
def small_limits():
    """Low run and step limits, so that no generated plan is big (and none runs long)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_ABM_MAX_RUNS", "200")
        mp.setenv("ALLIANCE_ABM_MAX_STEPS", "5")
        mp.setenv("ALLIANCE_ABM_MAX_MEMORY_GIB", "0.07")  # at most about 700 groups
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("specs")


# -- the properties --------------------------------------------------------------------------
@settings(max_examples=300, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_a_spec_file_loads_and_plans_or_names_its_error(doc, folder, small_limits):
    path = folder / "generated.toml"
    path.write_text(toml_document(doc))
    loaded = []
    kind = outcome(lambda: loaded.append(load_toml(path)))
    if kind != "ok":
        event(f"load: {kind}")
        return
    spec = loaded[0]
    check_kept(doc, spec)
    for variant in (spec, spec.quick_variant()):
        kind = outcome(lambda: check_planned(variant))
        event(f"{'quick' if variant.is_quick else 'full'} plan: "
              + ("accepted" if kind == "ok" else kind))


python_values = st.one_of(anything, st.none(), st.tuples(scalars, scalars),
                          st.sets(st.integers(), max_size=2), st.builds(object),
                          st.sampled_from([np.float64(0.2), np.int64(9), np.array([0.1, 0.2]),
                                           np.array([[1, 2]]), range(2, 4)]))


@settings(max_examples=200, deadline=10_000)
@given(kwargs=st.fixed_dictionaries(
    {"name": mostly(good_names, python_values)},
    optional={**{f: mostly(field_values[f], python_values) for f in FIELDS if f != "name"},
              "varied": mostly(varied_tables, st.one_of(
                  st.dictionaries(names, python_values, max_size=2), python_values)),
              "fixed": mostly(fixed_tables, python_values),
              "quick": mostly(quick_tables, python_values),
              "is_quick": mostly(st.booleans(), python_values)}))
def test_a_python_spec_is_built_or_names_its_error(kwargs, small_limits):
    kwargs.setdefault("varied", {"n_groups": [8]})
    built = []
    kind = outcome(lambda: built.append(Spec(**kwargs)))
    event(f"Spec(...): {'accepted' if kind == 'ok' else kind}")
    if built:
        spec = built[0]
        json.dumps(spec.to_dict()), spec.hash()
        event(f"plan: {'accepted' if (k := outcome(lambda: check_planned(spec))) == 'ok' else k}")


def what_failed(err: str) -> str:
    """The kind of a one-line error: a limit, a joint rule, or the field it names."""
    if "ALLIANCE_ABM_MAX" in err:
        return "over a limit"
    if "design point(s) cannot run" in err:
        return "a joint rule"
    field = re.search(r"experiment 'cli': (?:quick variant: )?([\w]+)", err)
    return field.group(1) if field else err[7:47]


def serial(tasks, workers):
    return (execute(task) for task in tasks)


small_docs = st.fixed_dictionaries({
    "experiment": st.fixed_dictionaries(
        {"steps": st.one_of(st.integers(1, 3), field_values["steps"])},
        optional={"replicates": st.one_of(st.integers(1, 2), field_values["replicates"]),
                  "timeseries": field_values["timeseries"],
                  "outcomes": st.one_of(st.lists(st.sampled_from(OUTCOMES), min_size=1,
                                                 max_size=2, unique=True), anything)}),
    "varied": st.one_of(st.fixed_dictionaries({"n_groups": st.lists(st.integers(2, 12),
                                                                    min_size=1, max_size=2)}),
                        varied_tables),
}, optional={"fixed": st.one_of(st.fixed_dictionaries(
    {}, optional={"contact_bias": param_value(SCHEMA_BY_NAME["contact_bias"]),
                  "domination_bias": param_value(SCHEMA_BY_NAME["domination_bias"]),
                  "n_axes": param_value(SCHEMA_BY_NAME["n_axes"]),
                  "enemy_axis": param_value(SCHEMA_BY_NAME["enemy_axis"])}), fixed_tables)})


@settings(max_examples=30, deadline=60_000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(doc=small_docs)
def test_the_command_line_runs_a_spec_or_exits_2_with_one_line(doc, folder, small_limits,
                                                                capsys):
    path = folder / "cli.toml"
    path.write_text(toml_document(doc))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "run_local", serial)
        code = cli.main(["run", str(path), "--results", str(folder / "results"), "--quiet",
                         "--workers", "1", "--fresh"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1
        event(f"exit 2: {what_failed(err)}")
    else:
        assert code in (0, 1) and "runs stored" in out
        event(f"ran: exit {code}")


@settings(max_examples=300, deadline=2_000)
@given(address=st.one_of(text, st.from_regex(r"([a-z]{2,5}://)?[a-z0-9.\[\]:-]{0,12}:[0-9]{0,6}",
                                             fullmatch=True)))
def test_a_scheduler_address_parses_or_is_named(address):
    try:
        scheme, host, port = parse_scheduler(address)
    except SchedulerError as e:
        assert str(e).startswith("--scheduler = ") and "expected SCHEME://HOST:PORT" in str(e)
        event("SchedulerError")
        return
    assert 1 <= port <= 65535 and host and f"{port}" in address
    event("accepted")
