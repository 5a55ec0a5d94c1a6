"""The parameter schema: one source of truth, clear errors for bad input."""

import math
import subprocess
import sys
from pathlib import Path

import pytest

from model.odd import table_in
from model.core.parameters import (DEFAULTS, SCHEMA, SWITCHES, ParameterError, Params, odd_table,
                              parse_assignment, replace, validate)

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_valid_and_complete():
    p = validate()
    assert isinstance(p, Params)
    assert {f: getattr(p, f) for f in DEFAULTS} == DEFAULTS
    for entry in SCHEMA:
        assert entry.meaning, f"{entry.name} has no one-line meaning"
        if entry.kind in (int, float):
            assert entry.low <= entry.default <= entry.high, entry.name


def test_every_mechanism_has_a_switch():
    expected = {"encounter_bias", "mediation", "negativity_bias", "wariness", "secondary_transfer",
                "internal_impacts", "backlash", "entrenchment", "contracts",
                "structural_change", "lip_service", "economic_articulation", "common_enemy",
                "commons", "instigation", "movement_dynamics"}
    assert {s.removeprefix("enable_") for s in SWITCHES} == expected


@pytest.mark.parametrize("name, value, fragment", [
    ("n_groups", -5, "integer in [2, 100000]"),
    ("faultline_alignment", 1.5, "number in [0, 1]"),
    ("mediation_capacity", float("nan"), "number in [0, 1]"),
    ("n_groups", 10.5, "integer"),
    ("instigation_mode", "sneaky", "one of uniform, targeted"),
    ("enable_mediation", "maybe", "true or false"),
    ("trust_gain", "abc", "number in [0, 1]"),
    ("contract_term", math.inf, "integer"),
])
def test_bad_values_are_rejected_with_name_value_and_range(name, value, fragment):
    with pytest.raises(ParameterError) as err:
        validate({name: value})
    message = str(err.value)
    assert f"'{name}'" in message
    assert repr(value) in message or str(value) in message
    assert fragment in message


def test_unknown_parameter_is_named_with_a_suggestion():
    with pytest.raises(ParameterError, match="'mediation_capasity'.*did you mean 'mediation_capacity'"):
        validate(mediation_capasity=0.3)


def test_joint_constraints_name_both_parameters():
    with pytest.raises(ParameterError, match="domination_bias.*contact_bias"):
        validate(domination_bias=0.7, contact_bias=0.5)
    with pytest.raises(ParameterError, match="enemy_axis.*n_axes"):
        validate(n_axes=2, enemy_axis=3)


def test_values_are_coerced_to_the_declared_type():
    p = validate(n_groups="30", mediation_capacity="0.25", enable_commons="off")
    assert p.n_groups == 30 and isinstance(p.n_groups, int)
    assert p.mediation_capacity == 0.25
    assert p.enable_commons is False
    assert parse_assignment("enable_mediation=on") == ("enable_mediation", True)
    assert replace(p, n_groups=40).n_groups == 40


def test_params_are_immutable():
    p = validate()
    with pytest.raises(Exception):
        p.n_groups = 3


def test_cli_help_lists_every_parameter_with_meaning_and_range():
    out = subprocess.run([sys.executable, "-m", "model", "run", "--help"], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    flat = " ".join(out.split())
    for entry in SCHEMA:
        assert entry.name in out
        assert entry.allowed() in flat
        assert " ".join(entry.meaning.split()) in flat


def test_odd_parameter_table_is_up_to_date():
    """Regenerate with: python -m model odd-table --write docs/ODD.md"""
    assert table_in(ROOT / "docs" / "ODD.md") == odd_table()
