"""Property tests of the parameter schema: every value of every kind, into every parameter.

Each generated value either comes back in the declared type, equal to the value given and
in range, or is refused with a ParameterError naming the parameter; the reference below
(``expected``) says which, independently of Param.coerce's code. Outcomes are counted with
``hypothesis.event`` (``pytest --hypothesis-show-statistics`` prints them).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from model.core.parameters import (DEFAULTS, SCHEMA, SCHEMA_BY_NAME, SEED_HIGH, ParameterError,
                                   Params, check_seed, validate)
from tests.properties import ANY_VALUE, HUGE_INTEGERS, fast, near

WORDS = {"true": True, "on": True, "yes": True, "1": True,
         "false": False, "off": False, "no": False, "0": False}

REFUSED = object()


def expected(p, value):
    """What coerce must return for ``value``, or REFUSED: the schema's rules, restated."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.item()
    if p.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return WORDS.get(value.lower(), REFUSED)
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        return REFUSED
    if p.choices is not None:
        return value if isinstance(value, str) and value in p.choices else REFUSED
    if isinstance(value, bool):
        return REFUSED
    if isinstance(value, str):
        if len(value) > 1000:
            return REFUSED
        try:
            exact = Decimal(value.strip())
        except InvalidOperation:
            return REFUSED
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return REFUSED
        exact = Decimal(value)
    else:
        return REFUSED
    if not exact.is_finite():
        return REFUSED
    if p.kind is int:
        if exact < p.low or exact > p.high or exact != exact.to_integral_value():
            return REFUSED
        return int(exact)
    number = float(exact)  # the float nearest the value given is what "equal" can mean
    if not p.low <= number <= p.high or (number == 0.0 and exact != 0):
        return REFUSED
    return number


def in_range(p):
    """Valid values of one parameter, in its type or as text."""
    if p.kind is bool:
        return st.booleans() | st.sampled_from(list(WORDS))
    if p.choices is not None:
        return st.sampled_from(p.choices)
    if p.kind is int:
        return st.integers(int(p.low), int(p.high)) | st.integers(int(p.low), int(p.high)).map(str)
    return st.floats(p.low, p.high) | st.floats(p.low, p.high).map(repr)


def values_for(p):
    """Values of every kind, the edges of the parameter's range, and valid values, in thirds
    (flatmap keeps the thirds apart; a plain ``|`` would weigh every branch of ANY_VALUE)."""
    edges = near(p.low, p.high) if p.low is not None else st.sampled_from(
        [*(p.choices or ()), "true", "off", 1, 0, 2, 1.0, "Uniform"])
    return st.integers(0, 2).flatmap(lambda third: (ANY_VALUE, edges, in_range(p))[third])


@pytest.mark.parametrize("name", [p.name for p in SCHEMA])
@fast(30)
@given(data=st.data())
def test_coerce_returns_the_value_given_in_its_type_or_names_the_parameter(name, data):
    p = SCHEMA_BY_NAME[name]
    value = data.draw(values_for(p), label="value")
    want = expected(p, value)
    kind = type(value).__name__
    try:
        got = p.coerce(value)
    except ParameterError as err:
        event(f"coerce, {p.kind.__name__} parameter: ParameterError")
        assert f"'{name}'" in str(err) and p.allowed() in str(err)
        assert want is REFUSED, f"{name}: {value!r} ({kind}) refused, expected {want!r}"
        return
    event(f"coerce, {p.kind.__name__} parameter: accepted")
    assert want is not REFUSED, f"{name}: {value!r} ({kind}) accepted as {got!r}"
    assert type(got) is p.kind and got == want
    if p.kind in (int, float):
        assert p.low <= got <= p.high


NAMES = [p.name for p in SCHEMA]
JOINT = ["domination_bias", "contact_bias", "virtuous_base", "hostility_base", "n_axes",
         "enemy_axis"]


@fast(300)
@given(values=st.integers(0, 2).flatmap(lambda third: (
    st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=8) | st.integers(), ANY_VALUE,
                    max_size=6),
    st.lists(st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), values_for(
        SCHEMA_BY_NAME[n]))), max_size=6).map(dict),
    st.lists(st.sampled_from(JOINT).flatmap(lambda n: st.tuples(st.just(n), in_range(
        SCHEMA_BY_NAME[n]))), min_size=1, max_size=6).map(dict))[third]))
def test_validate_returns_params_that_keep_every_value_or_a_named_error(values):
    try:
        params = validate(values)
    except ParameterError as err:
        names = [k for k in values if isinstance(k, str) and f"'{k}'" in str(err)]
        event("validate: ParameterError" + (" (joint rule)" if "parameters '" in str(err)
                                             or "with n_axes" in str(err) else ""))
        assert names or "unknown parameter" in str(err), str(err)
        return
    event("validate: accepted")
    assert isinstance(params, Params)
    for name, value in values.items():
        assert getattr(params, name) == expected(SCHEMA_BY_NAME[name], value)
    assert params.domination_bias + params.contact_bias <= 1 + 1e-12
    assert params.virtuous_base + params.hostility_base <= 1e-12
    assert params.enemy_axis < params.n_axes
    untouched = set(DEFAULTS) - set(values)
    assert all(getattr(params, name) == DEFAULTS[name] for name in untouched)


@fast(150)
@given(values=st.one_of(ANY_VALUE, st.text(), st.lists(st.integers(), max_size=2)))
def test_validate_refuses_anything_but_a_mapping_with_a_named_error(values):
    if isinstance(values, dict) or values is None:
        return
    with pytest.raises(ParameterError, match="parameters = .* expected a mapping"):
        validate(values)
    event("validate(not a mapping): ParameterError")


@fast(150)
@given(seed=st.one_of(st.integers(), HUGE_INTEGERS, st.floats(), st.text(max_size=4),
                      st.booleans(), st.sampled_from([0, SEED_HIGH, SEED_HIGH + 1, -1]),
                      st.integers(-3, 3).map(np.int64)))
def test_a_seed_is_a_whole_number_in_range_or_a_named_error(seed):
    value = seed.item() if isinstance(seed, np.generic) else seed
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= SEED_HIGH
    try:
        got = check_seed(seed)
    except ParameterError as err:
        event("seed: ParameterError")
        assert "'seed'" in str(err) and not ok
        return
    event("seed: accepted")
    assert ok and got == value and type(got) is int
