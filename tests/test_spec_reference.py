"""The spec fields and outcome names in experiments/README.md are generated from the code and
kept up to date (python -m experiments spec-reference --write experiments/README.md)."""

import dataclasses
from pathlib import Path

import pytest

from experiments import spec_reference as ref
from experiments.cli import main
from experiments.e9_landscape import measure as e9_measure
from experiments.spec import DEFAULT_OUTCOMES, DESIGNS, OUTCOMES, Spec

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "experiments" / "README.md"


@pytest.fixture(scope="module")
def generated() -> str:
    return ref.spec_reference()


def test_the_committed_section_is_up_to_date(generated):
    """Regenerate with: python -m experiments spec-reference --write experiments/README.md"""
    assert ref.section_in(README) == generated


def test_every_field_a_spec_file_may_set_is_listed_with_its_default(generated):
    """One row per Spec field but the internal one, with the code's default or 'required'."""
    rows = {line.split("|")[1].strip().strip("`"): line for line in generated.splitlines()
            if line.startswith("| `")}
    for f in dataclasses.fields(Spec):
        if f.name in ref.INTERNAL:
            assert f.name not in rows
            continue
        assert f.name in rows, f.name
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            assert "**required**" in rows[f.name]
        elif f.name != "outcomes":
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            assert f"`{default!r}`" in rows[f.name]
    assert all(f"`{d}`" in rows["design"] for d in DESIGNS)


def test_every_allowed_outcome_is_listed_and_the_defaults_are_marked(generated):
    """Each of OUTCOMES has a row, marked default exactly when it is in DEFAULT_OUTCOMES, and
    a measure's outcomes are listed with its experiment."""
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[3].strip()
            for line in generated.split("### Outcome names")[1].splitlines()
            if line.startswith("| `") and "measure" not in line}
    assert [n for n in rows if n in OUTCOMES] == list(OUTCOMES)
    assert {n for n in OUTCOMES if rows[n] == "default"} == set(DEFAULT_OUTCOMES)
    e9_row = next(line for line in generated.splitlines() if line.startswith("| `e9_landscape`"))
    assert all(f"`{o}`" in e9_row for o in e9_measure.outcomes)


def test_a_field_without_a_meaning_is_refused(monkeypatch):
    """A new Spec field cannot slip into the page (or out of it) without saying what it means."""
    monkeypatch.setattr(ref, "MEANINGS", {k: v for k, v in ref.MEANINGS.items() if k != "steps"})
    with pytest.raises(KeyError, match="lacks the Spec field.*steps"):
        ref.spec_reference()


def test_the_command_rewrites_only_the_section(tmp_path, capsys):
    """--write replaces what is between the markers and keeps the rest of the file."""
    page = tmp_path / "README.md"
    page.write_text(f"# Before\n\n{ref.START}\nstale\n{ref.END}\n\nAfter.\n", encoding="utf-8")
    assert main(["spec-reference", "--write", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# Before\n\n{ref.START}\n### Spec fields")
    assert text.endswith(f"{ref.END}\n\nAfter.\n") and "stale" not in text
    assert ref.section_in(page) == ref.spec_reference()
    assert f"written {page}" in capsys.readouterr().out


def test_a_file_without_the_markers_gets_one_error_line(tmp_path, capsys):
    """No traceback: the file and the missing markers are named, the exit status is 2."""
    page = tmp_path / "README.md"
    page.write_text("# No markers here\n", encoding="utf-8")
    assert main(["spec-reference", "--write", str(page)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {page}: missing the spec-reference markers")
    assert err.count("\n") == 1
    assert page.read_text(encoding="utf-8") == "# No markers here\n"
