"""The analysis layer's command line (``python -m model.analysis``) on the shipped published
data, and its refusals of malformed files: one ``error:`` line, exit status 2, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from model.analysis.__main__ import main
from model.landscape import main as landscape_main

DATA = Path(__file__).parent / "data"
TEAMS = DATA / "faultlines_asw_cluster" / "teams.csv"
REMISSION = DATA / "survival_freireich" / "remission.csv"
SYRIA = DATA / "landscape_furnas_syria"


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_faultlines_reproduces_the_published_example_through_the_command(capsys):
    code, out, err = _run(capsys, "faultlines", TEAMS, "--numeric", "age", "--nominal",
                          "gender,ethnicity", "--weight", "age=0.1", "--group", "teamid")
    assert code == 0 and not err
    for value in ("ASW = 0.3318", "ASW = 0.8055", "Fau = 0.5513", "Fau = 0.7748"):
        assert value in out
    assert "subgroup 3: 11, 12" in out  # team 2 splits into three pairs


def test_faultlines_weights_change_the_answer(capsys):
    _, weighted, _ = _run(capsys, "faultlines", TEAMS, "--numeric", "age", "--nominal",
                          "gender,ethnicity", "--weight", "age=0.1", "--group", "teamid")
    _, unweighted, _ = _run(capsys, "faultlines", TEAMS, "--numeric", "age", "--nominal",
                            "gender,ethnicity", "--group", "teamid")
    assert "ASW = 0.3318" not in unweighted and weighted != unweighted


def test_survival_gives_the_textbook_medians_and_the_fits(capsys, tmp_path):
    figure = tmp_path / "hazard.png"
    code, out, err = _run(capsys, "survival", REMISSION, "--duration", "weeks", "--event",
                          "relapsed", "--group", "arm", "--figure", figure)
    assert code == 0 and not err
    assert "6-MP: n = 21, ends observed = 9; Kaplan-Meier median 23" in out
    assert "placebo: n = 21, ends observed = 21; Kaplan-Meier median 8" in out
    assert "weibull: scale 33.77, shape 1.354" in out
    assert "the hazard rises to a peak near age 6.31" in out
    assert (tmp_path / "hazard_6-MP.png").stat().st_size > 0
    assert (tmp_path / "hazard_placebo.png").stat().st_size > 0


def test_survival_censored_flag_is_the_event_flag_reversed(capsys, tmp_path):
    lines = REMISSION.read_text().splitlines()
    flipped = [lines[0].replace("relapsed", "censored")]
    flipped += [",".join(row.split(",")[:2] + [str(1 - int(row.split(",")[2]))]) for row in lines[1:]]
    path = tmp_path / "censored.csv"
    path.write_text("\n".join(flipped) + "\n")
    _, by_event, _ = _run(capsys, "survival", REMISSION, "--duration", "weeks", "--event",
                          "relapsed", "--group", "arm")
    _, by_censored, _ = _run(capsys, "survival", path, "--duration", "weeks", "--censored",
                             "censored", "--group", "arm")
    assert by_event.splitlines()[1:] == by_censored.splitlines()[1:]


def test_landscape_is_the_landscape_command(capsys):
    code, out, _ = _run(capsys, "landscape", SYRIA / "propensity.csv", "--sizes", SYRIA / "sizes.csv")
    assert code == 0
    landscape_main(["--propensity", str(SYRIA / "propensity.csv"), "--sizes", str(SYRIA / "sizes.csv")])
    assert capsys.readouterr().out == out


BAD = [
    ("ragged.csv", "weeks,relapsed\n5,1\n3\n", ["survival", "--duration", "weeks", "--event", "relapsed"],
     "line 3: 1 cells, but the header names 2 columns"),
    ("bom.csv", "\ufeffweeks,relapsed\n5,1\nx,0\n", ["survival", "--duration", "weeks", "--event", "relapsed"],
     "line 3, column 'weeks': 'x' is not a number"),
    ("missing.csv", "weeks,relapsed\n5,1\n,0\n", ["survival", "--duration", "weeks", "--event", "relapsed"],
     "line 3, column 'weeks': missing value"),
    ("flag.csv", "weeks,relapsed\n5,1\n6,2\n", ["survival", "--duration", "weeks", "--event", "relapsed"],
     "column 'relapsed': '2' is not 0 or 1"),
    ("both.csv", "weeks,relapsed\n5,1\n", ["survival", "--duration", "weeks", "--event", "relapsed",
                                          "--censored", "relapsed"], "exactly one of --event"),
    ("neither.csv", "weeks,relapsed\n5,1\n", ["survival", "--duration", "weeks"], "exactly one of --event"),
    ("nocol.csv", "weeks,relapsed\n5,1\n", ["survival", "--duration", "days", "--event", "relapsed"],
     "no column 'days'; the columns are 'weeks', 'relapsed'"),
    ("dup.csv", "age,age\n1,2\n", ["faultlines", "--numeric", "age"], "column name 'age' appears twice"),
    ("empty.csv", "", ["faultlines", "--numeric", "age"], "the file is empty"),
    ("header.csv", "age,sex\n", ["faultlines", "--numeric", "age"], "no data rows"),
    ("untyped.csv", "age,sex\n30,f\n", ["faultlines"], "no column type is guessed"),
    ("twice.csv", "age,sex\n30,f\n", ["faultlines", "--numeric", "age", "--nominal", "age"],
     "declared both --numeric and --nominal"),
    ("text.csv", "age,sex\n30,f\nold,m\n", ["faultlines", "--numeric", "age", "--nominal", "sex"],
     "line 3, column 'age': 'old' is not a number"),
    ("weight.csv", "age,sex\n30,f\n", ["faultlines", "--numeric", "age", "--weight", "age:2"],
     "expected COLUMN=NUMBER"),
    ("weight2.csv", "age,sex\n30,f\n", ["faultlines", "--numeric", "age", "--weight", "sex=2"],
     "not a declared attribute"),
]


@pytest.mark.parametrize("name, text, argv, message", BAD, ids=[b[0] for b in BAD])
def test_malformed_input_is_one_error_line_naming_the_problem(capsys, tmp_path, name, text, argv, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, argv[0], path, *argv[1:])
    assert code == 2 and not out
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unreadable_files_are_refused_cleanly(capsys, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("age,sex\n30,f\u00e9\n".encode("latin-1"))
    for path, message in ((tmp_path / "nope.csv", "No such file"), (tmp_path, "is a folder"),
                          (latin, "not UTF-8 text")):
        code, _, err = _run(capsys, "faultlines", path, "--numeric", "age")
        assert code == 2 and message in err, err


def test_help_works_from_the_shell():
    result = subprocess.run([sys.executable, "-m", "model.analysis", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for command in ("faultlines", "survival", "landscape"):
        assert command in result.stdout
