"""Property tests of the model's entry points: generated option values for ``python -m
model run|quickstart|patterns|odd-table`` (in-process) and for ``model.run.run``.

Every generated command line either starts its work with exactly the values given (the
model's ``run`` is replaced by a stand-in that records the model and stops, so no example
runs for long), or ends with exit status 2 and one ``error:`` line (argparse's usage
errors included); the API raises one of the named errors. Never another exception, never a
run that would outlast the step limit. The limits are lowered on purpose for these tests
(memory 0.1 GiB, 5,000 steps, 100 runs), so the refusals are reached with small numbers.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from model.cli import main
from model.core.model import AllianceModel
from model.core.parameters import SCHEMA_BY_NAME, ParameterError
from model.core.resources import ResourceError
from model.core.scenario import ScenarioError
from model.run import run as run_function
from tests.properties import NUMBER_TEXT, fast, single_line

MAX_STEPS = 5000
MAX_RUNS = 100


class Started(Exception):
    """Raised by the stand-in for AllianceModel.run: the work would start here."""

    def __init__(self, model, steps):
        super().__init__("started")
        self.model, self.steps = model, steps


@pytest.fixture(scope="module", autouse=True)
def stand_in_and_low_limits():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_ABM_MAX_MEMORY_GIB", "0.1")
        patch.setenv("ALLIANCE_ABM_MAX_STEPS", str(MAX_STEPS))
        patch.setenv("ALLIANCE_ABM_MAX_RUNS", str(MAX_RUNS))

        def started(self, steps):
            raise Started(self, steps)

        patch.setattr(AllianceModel, "run", started)
        yield


STEPS = st.sampled_from(["1", "3", "0", "-1", str(MAX_STEPS), str(MAX_STEPS + 1), str(10**11),
                         "abc", "1.5", "1e3", str(10**400)])
SEEDS = st.sampled_from(["0", "7", "-1", str(2**63 - 1), str(2**63), "x", "1" * 30])
NAMES = st.sampled_from(["n_groups", "n_groups", "bond", "trust_gain", "contract_term",
                         "enable_mediation", "instigation_mode", "collect_every", "n_axes",
                         "enemy_axis", "mediation_capasity", ""])
VALUES = NUMBER_TEXT | st.sampled_from(["2", "40", "1500", "3000", "100000", "on", "maybe",
                                        "targeted", "0.5", "6", ""])
ASSIGNMENTS = st.lists(st.tuples(NAMES, VALUES).map(lambda nv: f"{nv[0]}={nv[1]}")
                       | st.sampled_from(["novalue", "=3"]), max_size=3)


def scenario_options(folder: Path):
    (folder / "broken.toml").write_text("[scenario]\nname = 3\n", encoding="utf-8")
    (folder / "huge.toml").write_text(
        '[scenario]\naxes = ["gender"]\n[[group]]\nname = "a"\nsize = 1e308\n'
        '[[group]]\nname = "b"\nsize = 1e308\n', encoding="utf-8")
    return st.sampled_from([None, "river_valley", "", str(folder), str(folder / "missing.toml"),
                            str(folder / "broken.toml"), str(folder / "huge.toml")])


def cli(argv: list[str]) -> tuple[object, str, str]:
    """Run ``python -m model`` in-process: its exit status or the Started it raised."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = main(argv)
        except SystemExit as exit_:
            result = exit_.code
        except Started as start:
            result = start
    return result, out.getvalue(), err.getvalue()


def named(message: str) -> str:
    """What a refusal names: the option, the parameter or the file, for the statistics."""
    for pattern, kind in ((r"GiB", "memory limit"), (r"limit of [\d,]+ steps", "step limit"),
                          (r"limit of [\d,]+ runs", "run limit"), (r"'--seed'", "--seed"),
                          (r"--steps|--seeds", "--steps/--seeds"), (r"--out", "--out"),
                          (r"--graphml", "--graphml"), (r"--write", "--write"),
                          (r"scenario|\.toml", "scenario"), (r"unknown parameter", "unknown name"),
                          (r"NAME=VALUE", "NAME=VALUE"), (r"parameters? '", "parameter value"),
                          (r"^error: /|Errno|directory", "path")):
        if re.search(pattern, message):
            return kind
    return "other: " + message[:50]


def check_outcome(command: str, result, out: str, err: str, given_steps: str, sets: list[str]):
    if isinstance(result, Started):
        event(f"{command}: started")
        assert str(result.steps) == given_steps and int(given_steps) <= MAX_STEPS
        for text in sets:  # the last assignment of a name is the one that counts
            name, value = text.split("=", 1)
            assert getattr(result.model.params, name) == \
                SCHEMA_BY_NAME[name].coerce(value.strip()), text
        return
    assert result == 2, (result, out, err)
    if err.startswith("error: "):
        assert single_line(err), err
        event(f"{command}: error naming {named(err)}")
    else:
        assert "usage:" in err and ": error: argument" in err.strip().splitlines()[-1], err
        event(f"{command}: argparse usage error")


GOOD_SETS = st.lists(st.sampled_from(["n_groups=12", "bond=0.25", "enable_mediation=off",
                                       "instigation_mode=targeted", "trust_gain=1e-3"]), max_size=3)


def picker(data):
    """Draws each option from the values that should pass or from anything: in a third of
    the examples all pass, in a third each is a coin toss, in a third all come from anything,
    so that started runs are checked about as often as refusals."""
    mode = data.draw(st.sampled_from(["all valid", "mixed", "anything"]), label="mode")

    def pick(good, anything, label):
        valid = mode == "all valid" or (mode == "mixed" and data.draw(st.booleans()))
        return data.draw(good if valid else anything, label=label)
    return pick


@fast(60)
@given(data=st.data(), command=st.sampled_from(["run", "quickstart"]))
def test_run_and_quickstart_start_with_the_values_given_or_say_why_not(data, command):
    pick = picker(data)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        steps = pick(st.sampled_from(["1", "4"]), STEPS, "steps")
        seed = pick(st.sampled_from(["0", "7"]), SEEDS, "seed")
        sets = pick(GOOD_SETS, ASSIGNMENTS, "sets")
        fmt = pick(st.sampled_from(["csv", "both"]), st.sampled_from(["parquet", "xml"]),
                   "format")
        scenario = pick(st.sampled_from([None, "river_valley"]), scenario_options(folder),
                        "scenario")
        out = pick(st.just(str(folder / "out")), st.sampled_from(
            ["/proc/no/such/folder", str(folder / "broken.toml")]), "out")
        graphml = pick(st.sampled_from([None, str(folder / "net.graphml")]),
                       st.just("/no/such/folder/net.graphml"), "graphml")
        if scenario is not None:
            sets = [s for s in sets if not s.startswith("n_groups=")] if data.draw(
                st.booleans(), label="keep n_groups") else sets
        argv = [command, "--steps", steps, "--seed", seed, "--format", fmt, "--out", out]
        argv += sum((["--set", s] for s in sets), [])
        argv += (["--scenario", scenario] if scenario is not None else [])
        argv += (["--graphml", graphml] if graphml else [])
        check_outcome(command, *cli(argv), steps, sets)


@fast(40)
@given(data=st.data())
def test_patterns_starts_with_the_values_given_or_says_why_not(data):
    pick = picker(data)
    with tempfile.TemporaryDirectory() as name:
        steps = pick(st.sampled_from(["1", "4"]), STEPS, "steps")
        seeds = pick(st.sampled_from(["1", "2"]), st.sampled_from(
            ["0", str(MAX_RUNS), str(MAX_RUNS + 1), str(10**11), "-2", "x"]), "seeds")
        sets = pick(GOOD_SETS, ASSIGNMENTS, "sets")
        scenario = pick(st.sampled_from([None, "river_valley"]),
                        scenario_options(Path(name)), "scenario")
        argv = ["patterns", "--steps", steps, "--seeds", seeds]
        argv += sum((["--set", s] for s in sets), [])
        argv += (["--scenario", scenario] if scenario is not None else [])
        check_outcome("patterns", *cli(argv), steps, sets)


@fast(30)
@given(content=st.sampled_from([None, "no markers\n", b"\xff\xfe", "<!-- parameter-table"]),
       where=st.sampled_from(["file", "folder", "missing"]))
def test_odd_table_writes_the_table_or_says_why_not(content, where):
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "ODD.md"
        if where == "file" and content is not None:
            (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        target = {"file": path, "folder": Path(name), "missing": Path(name) / "no" / "x.md"}
        result, out, err = cli(["odd-table", "--write", str(target[where])])
        assert result == 2 and single_line(err) and err.startswith("error: "), (result, err)
        event(f"odd-table --write: error naming {named(err)}")


@fast(80)
@given(data=st.data())
def test_the_run_function_starts_with_the_values_given_or_raises_a_named_error(data):
    pick = picker(data)
    steps = pick(st.sampled_from([0, 1, 3, MAX_STEPS]), st.sampled_from(
        [MAX_STEPS + 1, -1, 10**11, 2.0, "3", None, True]), "steps")
    seed = pick(st.sampled_from([0, 7, None, 2**63 - 1]), st.sampled_from(
        [-1, 2**63, 1.5, "3", True]), "seed")
    params = pick(st.dictionaries(st.sampled_from(["n_groups", "bond", "collect_every"]),
                                  st.sampled_from([2, 5, "7", 0.5, 1]), max_size=2),
                  st.dictionaries(st.sampled_from(["n_groups", "bond", "enable_mediation",
                                                   "collect_every", "mediation_capasity"]),
                                  st.sampled_from([3000, 10**400, None, [1], float("nan"),
                                                   "x"]), min_size=1, max_size=2)
                  | st.sampled_from([[1, 2], {1: 2}, "x"]), "params")
    with tempfile.TemporaryDirectory() as name:
        scenario = pick(st.just(None), scenario_options(Path(name)), "scenario")
        try:
            run_function(params, seed=seed, steps=steps, scenario=scenario)
        except Started as start:
            event("model.run.run: started")
            assert start.steps == steps and type(steps) is int and 0 <= steps <= MAX_STEPS
            for key, value in params.items():
                assert getattr(start.model.params, key) == SCHEMA_BY_NAME[key].coerce(value)
            return
        except (ParameterError, ScenarioError, ResourceError) as err:
            assert single_line(str(err))
            event(f"model.run.run: {type(err).__name__}")
            return
    pytest.fail("the run neither started nor refused")
