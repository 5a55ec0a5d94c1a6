"""Scenario files: a hand-made population, with clear errors for malformed files."""

import textwrap

import numpy as np
import pytest

from model.core.model import AllianceModel
from model.core.parameters import ParameterError
from model.core.scenario import SCENARIO_DIR, ScenarioError, load_scenario

GOOD = """
[scenario]
name = "two towns"
axes = ["capital_labour", "gender"]

[[group]]
name = "Workers"
dominated = ["capital_labour"]
size = 3
openness = 0.4

[[group]]
name = "Owners"
size = 1

[[group]]
name = "Women workers"
dominated = ["capital_labour", "gender"]
size = 2

[[movement]]
name = "Union"
axis = "capital_labour"
capacity = 0.7

[parameters]
instigation = 0.1
"""


def _write(tmp_path, text):
    path = tmp_path / "scenario.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_every_shipped_scenario_loads_and_runs():
    shipped = sorted(SCENARIO_DIR.glob("*.toml"))
    assert shipped
    for path in shipped:
        model = AllianceModel(seed=1, scenario=path).run(100)
        assert model.state.n == len(load_scenario(path).groups)
        assert np.isfinite(list(model.metrics.values())).all()


def test_river_valley_builds_the_population_it_describes():
    model = AllianceModel(seed=1, scenario="river_valley")
    names = model.state.group_names
    workers = model.groups[names.index("Factory workers")]
    assert workers.identity["capital_labour"] == "dominated"
    assert workers.identity["gender"] == "dominant"
    assert workers.openness == 0.35
    union = model.movements[model.state.movement_names.index("Valley workers' union")]
    assert union.constituency == ("capital_labour", "dominated")
    assert union.rootedness[names.index("Fishing village")] == 0.3
    # solidarity from within: the dominant side is reached, less deeply
    owners = names.index("Factory owners")
    assert union.rootedness[owners] == model.params.dominant_rootedness * 0.8
    assert AllianceModel(seed=1, scenario="river_valley", dominant_rootedness=0.0).movements[
        0].rootedness[owners] == 0.0
    assert model.params.instigation == 0.3
    assert abs(model.state.sizes.sum() - 1) < 1e-12


def test_scenario_parameters_and_keywords_combine(tmp_path):
    path = _write(tmp_path, GOOD)
    model = AllianceModel(seed=1, scenario=path, mediation_capacity=0.9)
    assert model.params.instigation == 0.1 and model.params.mediation_capacity == 0.9
    assert model.params.n_groups == 3 and model.params.n_axes == 2
    with pytest.raises(ParameterError, match="n_groups"):
        AllianceModel(seed=1, scenario=path, n_groups=10)


@pytest.mark.parametrize("change, fragment", [
    (("size = 3", "size = -3"), "group[0] (Workers).size: -3 is out of range: expected >= 0"),
    (("size = 3", 'size = "big"'), "group[0] (Workers).size: 'big' is not a number"),
    (('dominated = ["capital_labour"]\nsize', 'dominated = ["caste"]\nsize'),
     "group[0] (Workers).dominated: 'caste' is not one of the axes"),
    (("openness = 0.4", "openness = 1.4"), "openness: 1.4 is out of range"),
    (('axis = "capital_labour"', 'axis = "class"'), "movement[0] (Union).axis: 'class'"),
    (("instigation = 0.1", "instigation = 3"), "parameters: parameter 'instigation' = 3"),
    (("instigation = 0.1", "instigaton = 0.1"), "unknown parameter(s) 'instigaton'"),
    (("capacity = 0.7", "capacity = 0.7\ncolour = 'red'"), "movement[0] (Union): unknown key(s) ['colour']"),
    (('name = "Owners"', 'name = "Workers"'), "group: name 'Workers' is used twice"),
])
def test_malformed_scenarios_name_the_key(tmp_path, change, fragment):
    old, new = change
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_toml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, GOOD.replace("size = 1\n", "size = = 1\n"))
    with pytest.raises(ScenarioError, match=r"not valid TOML: .*line 14"):
        load_scenario(path)


def test_missing_scenario_file_lists_shipped_ones():
    with pytest.raises(ScenarioError, match="not found.*river_valley"):
        load_scenario("no_such_place")


def test_scenario_population_is_deterministic():
    a = AllianceModel(seed=5, scenario="river_valley").run(50)
    b = AllianceModel(seed=5, scenario="river_valley").run(50)
    assert np.array_equal(a.state.trust, b.state.trust)
