"""The validation report (results/validation/): stored checks equal a fresh computation on the
committed model and data, the README is rendered from them, and a failing check shows."""

from pathlib import Path

import pytest

from experiments import validation
from experiments.cli import main

STORED = Path(__file__).resolve().parent.parent / "results" / "validation"


@pytest.fixture(scope="module")
def fresh():
    return validation.compute_checks()


def test_stored_checks_are_what_the_committed_model_and_data_give(fresh):
    stored = validation.read_checks(STORED / "checks.csv")
    assert [c.case for c in stored] == [c.case for c in fresh]
    for old, new in zip(stored, fresh):
        assert old == new, f"results/validation is out of date at {new.case}: rerun " \
                           "`python -m experiments validate`"


def test_readme_is_rendered_from_the_stored_checks_only():
    stored = validation.read_checks(STORED / "checks.csv")
    assert (STORED / "README.md").read_text() == validation.render(stored)


def test_every_area_of_the_project_is_checked(fresh):
    assert {c.area for c in fresh} == {"contact patterns", "faultlines", "signed networks",
                                       "landscape theory", "survival"}
    assert sum(c.area == "contact patterns" for c in fresh) == 6


def test_a_failing_check_is_reported_and_exits_non_zero(tmp_path, monkeypatch, capsys, fresh):
    wrong = validation.Check(**{**vars(fresh[0]), "passed": False, "value": "-1.000"})
    monkeypatch.setattr(validation, "compute_checks", lambda *a: [wrong, *fresh[1:]])
    assert main(["validate", "--results", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{len(fresh) - 1} of {len(fresh)} checks pass" in out and "FAIL contact" in out
    assert "**FAIL**" in (tmp_path / "validation" / "README.md").read_text()


def test_a_malformed_or_missing_table_is_one_clear_error(tmp_path, capsys):
    assert main(["validate", "--report-only", "--results", str(tmp_path)]) == 2
    assert "cannot read the stored checks" in capsys.readouterr().err
    table = tmp_path / "validation" / "checks.csv"
    table.parent.mkdir()
    table.write_text("area,case\nx,y\n")
    with pytest.raises(ValueError, match="line 2 is not a stored check"):
        validation.read_checks(table)
