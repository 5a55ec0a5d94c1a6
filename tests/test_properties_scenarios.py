"""Property tests of scenario files: a valid file with generated values in its fields.

Every generated file, given as TOML text or as a dict, ends as a Scenario that builds a
state with finite sizes and salience that sum to 1 and keep the file's proportions (and a
model that steps), or as a ScenarioError naming the key; never another exception. Outcomes
are counted with ``hypothesis.event`` by the key the error names.
"""

from __future__ import annotations

import copy
import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from model.core.model import AllianceModel
from model.core.parameters import validate
from model.core.scenario import ScenarioError, load_scenario, parse_scenario
from tests.properties import EDGE_FLOATS, HUGE_INTEGERS, PLAIN_VALUE, fast, toml_text

SKELETON = {
    "scenario": {"name": "valley", "description": "a generated file",
                 "axes": ["capital_labour", "gender", "development_nature"]},
    "salience": {"capital_labour": 2.0, "gender": 1.0},
    "traits": {"names": ["language"]},
    "parameters": {"instigation": 0.1, "enemy_axis": "gender"},
    "group": [
        {"name": "A", "dominated": [], "size": 2, "openness": 0.2, "resources": 3.0,
         "traits": [0]},
        {"name": "B", "dominated": ["capital_labour"], "size": 25, "traits": [1]},
        {"name": "C", "dominated": ["gender", "development_nature"], "size": 0.5,
         "openness": 0.6, "traits": [2]},
    ],
    "movement": [
        {"name": "M1", "axis": "capital_labour", "side": "dominated", "capacity": 0.7,
         "rootedness": 0.8, "rooted_in": {"C": 0.3}},
        {"name": "M2", "axis": "gender"},
    ],
    "tie": [{"between": ["M1", "M2"], "weight": 0.4}],
}
"""A small valid scenario using every table and field a file may hold."""


def paths(node, prefix=()):
    """Every table, list and value in the skeleton, as a path of keys and indices."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, prefix + (i,))


PATHS = [p for p in paths(SKELETON) if p]
NUMBERS = st.one_of(st.integers(), HUGE_INTEGERS, st.floats(), EDGE_FLOATS,
                    st.sampled_from([1e308, 1e-320, 5e-324, 1e300, 8e307, 1e154, -1.0, 0]))
VALUES = st.one_of(NUMBERS, PLAIN_VALUE,
                   st.lists(st.text(max_size=4), max_size=3), st.just({}), st.just([]),
                   st.just(None))


def mutated(changes):
    """The skeleton with each (path, value) applied; None deletes the key or entry."""
    data = copy.deepcopy(SKELETON)
    for path, value in changes:
        parent = data
        for k in path[:-1]:
            try:
                parent = parent[k]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            if isinstance(parent, dict) and value is None:
                parent.pop(last, None)
            elif isinstance(parent, dict) or (isinstance(parent, list) and isinstance(last, int)
                                               and last < len(parent)):
                parent[last] = value
    return data


SIZE_PATHS = [p for p in PATHS if p[-1] in ("size", "resources") or p[:1] == ("salience",) and
              len(p) == 2]
CHANGES = st.integers(0, 2).flatmap(lambda third: (
    st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3),
    st.lists(st.tuples(st.sampled_from(SIZE_PATHS), NUMBERS), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(SIZE_PATHS),
                       st.sampled_from([1e308, 1e307, 9e307, 1e-320, 5e-324, 1e-300])),
             min_size=2, max_size=4))[third])
"""A third of the files change any field to any value, two thirds put huge, tiny or odd
numbers into the fields that are summed and normalised (sizes, salience, resources)."""


def key_kind(message: str) -> str:
    """The key an error names, without indices and names: 'group.size', 'salience', ..."""
    found = re.match(r"^(?:<scenario>|[^:]*\.toml): ([^:]+):", message)
    if not found:
        return "?"
    key = re.sub(r"\[\d+\]( \([^)]*\))?", "", found.group(1))
    return re.sub(r"^salience\..*", "salience.<axis>", re.sub(r"rooted_in\..*", "rooted_in.<group>", key))


def check_accepted(scenario, data):
    """A scenario read from ``data`` keeps its values and builds a sound state."""
    params = validate({**scenario.parameters, **scenario.fixed})
    state = scenario.build(params)
    given = np.array([float(g["size"]) for g in data["group"]])
    assert np.all(np.isfinite(state.sizes)) and np.all(state.sizes > 0)
    assert math.isclose(state.sizes.sum(), 1.0, rel_tol=1e-9)
    np.testing.assert_allclose(state.sizes, given / given.sum(), rtol=1e-12)
    weights = np.array([float(data.get("salience", {}).get(a, 1.0)) for a in scenario.axes])
    assert np.all(np.isfinite(state.salience)) and np.all(state.salience >= 0)
    np.testing.assert_allclose(state.salience, weights / weights.sum(), rtol=1e-12)
    assert np.all(np.isfinite(state.resources)) and np.all(state.resources >= 0)
    for g, raw in zip(scenario.groups, data["group"]):
        for field in ("size", "openness", "resources"):
            if raw.get(field) is not None:
                assert g[field] == raw[field], field
    model = AllianceModel(seed=0, scenario=scenario).run(2)
    assert all(np.isfinite(v) for v in model.metrics.values())


@fast(120)
@given(changes=CHANGES)
def test_a_scenario_dict_is_read_as_given_or_refused_naming_the_key(changes):
    data = mutated(changes)
    try:
        scenario = parse_scenario(data)
    except ScenarioError as err:
        event(f"ScenarioError: {key_kind(str(err))}")
        assert str(err).startswith("<scenario>: ") and "\n" not in str(err)
        return
    event("accepted")
    check_accepted(scenario, data)


@fast(80)
@given(changes=CHANGES)
def test_a_scenario_file_is_read_as_given_or_refused_naming_the_key(changes):
    data = mutated(changes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(toml_text(data), encoding="utf-8")
        try:
            scenario = load_scenario(path)
        except ScenarioError as err:
            event(f"ScenarioError (file): {key_kind(str(err))}")
            assert str(err).startswith(str(path)) and "\n" not in str(err).strip()
            return
    event("accepted (file)")
    check_accepted(scenario, data)


@fast(60)
@given(text=st.text(max_size=60) | st.sampled_from(["", "[scenario]", "group = 3",
                                                    "[[group]]\nsize = 1e999", "\x00", "a = 1"]))
def test_any_text_is_a_scenario_or_a_scenario_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "text.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with pytest.raises(ScenarioError):
            load_scenario(path)
    event("ScenarioError (any text)")
