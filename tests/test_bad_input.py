"""Each bad input of issue 18 on the model side, once: one message naming the field, the value
and what is allowed, exit status 2 from the command lines, never a traceback or a silent
change (the property tests, tests/test_properties_*.py, generate many more)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from dashboards.session import Session
from model.analysis.__main__ import main as analysis_main
from model.analysis.landscape import heuristic_minimum
from model.cli import main as model_main
from model.core.model import AllianceModel
from model.core.parameters import ParameterError, validate
from model.core.resources import ResourceError
from model.core.scenario import ScenarioError, load_scenario
from model.run import run

SCENARIO = """
[scenario]
name = "three"
axes = ["capital_labour", "gender"]
{extra}
[[group]]
name = "a"
size = {size}

[[group]]
name = "b"
size = {size}

[[group]]
name = "c"
size = {size}
"""


def scenario_file(tmp_path, size="1", extra="", top=""):
    path = tmp_path / "scenario.toml"
    path.write_text(top + textwrap.dedent(SCENARIO.format(size=size, extra=extra)))
    return path


def refused(capsys, main, *argv) -> str:
    """The one error line of a command that must refuse its input with exit status 2."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.fixture
def low_memory_limit(monkeypatch):
    monkeypatch.setenv("ALLIANCE_ABM_MAX_MEMORY_GIB", "1")


def test_sizes_that_overflow_are_refused_with_the_group_instead_of_becoming_0(tmp_path, capsys):
    path = scenario_file(tmp_path, size="1e308")
    err = refused(capsys, model_main, "run", "--scenario", path, "--out", tmp_path / "out")
    assert "group[1] (b).size: 1e+308 makes the total of the group sizes overflow" in err
    assert "allowed are values whose total stays below 1.798e+308" in err
    assert not (tmp_path / "out").exists()


def test_salience_that_overflows_or_a_share_that_underflows_is_refused(tmp_path):
    extra = "[salience]\ncapital_labour = 1e308\ngender = 1e308\n"
    with pytest.raises(ScenarioError, match=r"salience\.gender: 1e\+308 makes the total"):
        load_scenario(scenario_file(tmp_path, extra=extra))
    path = scenario_file(tmp_path)
    path.write_text(path.read_text().replace("size = 1\n", "size = 1e300\n", 1)
                    .replace('name = "c"\nsize = 1', 'name = "c"\nsize = 1e-320'))
    with pytest.raises(ScenarioError, match=r"group\[2\] \(c\)\.size: 1e-320 is too small .* "
                                            r"its share would be 0"):
        load_scenario(path)


@pytest.mark.parametrize("table", ["movement = 3", 'parameters = "x"', "tie = 3",
                                   "salience = 3", "traits = 3", "group = 3"])
def test_scenario_tables_given_as_scalars_are_refused_with_the_table(tmp_path, capsys, table):
    path = scenario_file(tmp_path, top=table + "\n")
    if table == "group = 3":
        path.write_text(path.read_text().split("[[group]]")[0])
    err = refused(capsys, model_main, "run", "--scenario", path, "--out", tmp_path)
    assert f"{table.split()[0]}: " in err


@pytest.mark.parametrize("scenario, message", [
    ("", "scenario = '' is not allowed: expected the path of a scenario TOML file"),
    (".", "scenario file '.' is a folder"),
])
def test_an_empty_scenario_path_or_a_folder_is_refused(tmp_path, capsys, scenario, message):
    assert message in refused(capsys, model_main, "run", "--scenario", scenario, "--out", tmp_path)


@pytest.mark.parametrize("command", [["run"], ["quickstart"], ["patterns", "--seeds", "1"]])
def test_too_many_groups_for_memory_give_one_line_from_every_command(tmp_path, capsys,
                                                                      low_memory_limit, command):
    argv = command + ["--set", "n_groups=100000", "--steps", "1"]
    err = refused(capsys, model_main, *argv, *(["--out", tmp_path] if command != ["patterns", "--seeds", "1"] else []))
    assert "parameter 'n_groups' = 100000 is not allowed here" in err
    assert "ALLIANCE_ABM_MAX_MEMORY_GIB" in err


def test_too_many_groups_for_memory_from_the_run_function_and_the_dashboard(low_memory_limit):
    with pytest.raises(ResourceError, match="'n_groups' = 100000 .* ALLIANCE_ABM_MAX_MEMORY_GIB"):
        run({"n_groups": 100_000}, steps=1)
    with pytest.raises(ParameterError, match="'n_groups' = 100000 is not allowed in the dashboard"):
        Session().set_param("n_groups", 100_000)


@pytest.mark.parametrize("name", ["bond", "n_groups", "contract_term"])
@pytest.mark.parametrize("value", [10**400, -(10**400), 10**5000],
                         ids=["10**400", "-10**400", "10**5000"])
def test_integers_beyond_float_range_are_refused_naming_the_parameter(name, value):
    with pytest.raises(ParameterError, match=f"parameter '{name}' = .* is not allowed: expected"):
        validate({name: value})


@pytest.mark.parametrize("name, text", [("n_groups", "5.0000000000000001"),
                                        ("trust_gain", "1e-400"), ("bond", "1e400")])
def test_texts_are_read_exactly_so_nothing_is_rounded_into_range(name, text):
    with pytest.raises(ParameterError, match=f"'{name}' = '{text}'"):
        validate({name: text})


def test_texts_and_numpy_scalars_within_range_keep_their_value():
    p = validate(dominated_share="0.05", n_groups=np.int64(40), bond=np.float32(0.5),
                 enable_commons=np.bool_(False), trust_gain="1e-300")
    assert (p.dominated_share, p.n_groups, p.bond, p.enable_commons, p.trust_gain) == \
        (0.05, 40, 0.5, False, 1e-300)
    assert type(p.n_groups) is int and type(p.enable_commons) is bool


@pytest.mark.parametrize("seed", ["-1", str(2**63)])
def test_seeds_outside_0_to_2_63_are_refused_by_every_entry_point(tmp_path, capsys, seed):
    err = refused(capsys, model_main, "run", "--seed", seed, "--steps", "1", "--out", tmp_path)
    assert f"'--seed' = {seed} is not allowed: expected a whole number in [0, 2**63 - 1]" in err
    with pytest.raises(ParameterError, match="'seed' = .* expected a whole number"):
        AllianceModel(seed=int(seed), n_groups=5)
    with pytest.raises(ParameterError, match="'seed' = .* expected a whole number"):
        Session().set_seed(seed)
    landscape = tmp_path / "p.csv"
    landscape.write_text(",a,b\na,0,1\nb,1,0\n")
    err = refused(capsys, analysis_main, "landscape", landscape, "--seed", seed)
    assert f"'--seed' = {seed} is not allowed" in err


@pytest.mark.parametrize("argv", [["run", "--steps", "2000000"], ["quickstart", "--steps", "2000000"],
                                  ["patterns", "--steps", "2000000", "--seeds", "1"],
                                  ["patterns", "--steps", "1", "--seeds", "2000000"]])
def test_a_huge_step_or_seed_count_is_refused_before_any_step(tmp_path, capsys, argv):
    err = refused(capsys, model_main, *argv, *(["--out", tmp_path] if argv[0] != "patterns" else []))
    assert "2000000 is not allowed: more than the limit" in err or "2,000,000 runs" in err


def test_the_run_function_and_the_model_check_the_step_count_first():
    with pytest.raises(ResourceError, match="'steps' = 100000000000 is not allowed"):
        run({"n_groups": 5}, steps=10**11)
    model = AllianceModel(seed=0, n_groups=5)
    for steps in (10**11, -1, 2.5, "3", True):
        with pytest.raises((ResourceError, ParameterError), match="'steps' = "):
            model.run(steps)
    assert model.time == 0


def test_landscape_sizes_that_overflow_are_refused(tmp_path, capsys):
    propensity, sizes = tmp_path / "p.csv", tmp_path / "s.csv"
    propensity.write_text(",a,b,c\na,0,1,-1\nb,1,0,1\nc,-1,1,0\n")
    sizes.write_text("name,size\na,1e308\nb,1e308\nc,1\n")
    err = refused(capsys, analysis_main, "landscape", propensity, "--sizes", sizes)
    assert "sizes and propensities are too large together" in err and "allowed" in err


def test_many_coalitions_search_no_more_than_one_per_actor(tmp_path, capsys):
    propensity = tmp_path / "p.csv"
    propensity.write_text(",a,b,c\na,0,1,-1\nb,1,0,1\nc,-1,1,0\n")
    assert analysis_main(["landscape", str(propensity), "--coalitions", "1000000"]) == 0
    assert "coalitions: at most 1000000" in capsys.readouterr().out
    result = heuristic_minimum(np.array([[0, 1.0], [1.0, 0]]), k=10**12, rng=0)
    assert result.labels.tolist() == [0, 0]


def test_faultline_weights_that_overflow_are_refused(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("age,gender\n20,f\n30,m\n45,f\n")
    err = refused(capsys, analysis_main, "faultlines", table, "--numeric", "age", "--nominal",
                  "gender", "--weight", "age=1e308")
    assert "column 'age' with weight 1e+308" in err and "allowed: up to 1e+150" in err


def test_survival_figures_of_groups_whose_names_hold_a_slash(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("weeks,ended,arm\n3,1,a/b\n5,0,a/b\n8,1,a/b\n2,1,c\n9,1,c\n4,0,c\n")
    assert analysis_main(["survival", str(table), "--duration", "weeks", "--event", "ended",
                          "--group", "arm", "--figure", str(tmp_path / "h.png")]) == 0
    assert f"Figures: {tmp_path / 'h_a_b.png'}, {tmp_path / 'h_c.png'}" in capsys.readouterr().out


def test_odd_table_write_to_a_file_without_the_markers_is_refused(tmp_path, capsys):
    path = tmp_path / "notes.md"
    path.write_text("no table here\n")
    assert "missing the parameter-table markers" in refused(capsys, model_main, "odd-table",
                                                            "--write", path)
