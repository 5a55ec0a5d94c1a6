"""Shared pieces of the property tests (tests/test_properties_*.py): settings and values.

The settings are derandomized, so ``make test`` feeds the same inputs on every run; the
strategies cover every kind of value a user can type or a program can pass, valid or not.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SETTINGS = dict(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Reproducible: the same examples on every run; no time limit per example (the machine is
shared), a hang is caught by the suite's run time instead."""


def fast(max_examples: int):
    """Hypothesis settings for a property test with ``max_examples`` examples."""
    return settings(max_examples=max_examples, **SETTINGS)


HUGE_INTEGERS = st.sampled_from([10**400, -(10**400), 2**63, 2**64, -(2**63) - 1, 10**4000,
                                 10**308 * 3, 2**1024])
"""Integers beyond int64 and beyond float range (Python prints none above 4,300 digits)."""

EDGE_FLOATS = st.sampled_from([0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-320,
                               sys.float_info.max, -sys.float_info.max, 1e308, math.inf,
                               -math.inf, math.nan, 1 - 1e-16, 1 + 2.2e-16, 0.5, 1.0])
"""Floats at the edges: signed zeros, subnormals, the largest float, inf and NaN."""

NUMBER_TEXT = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e400", "-1e400", "1e-400", "1" + "0" * 400, "5.0000000000000001",
                     "  3 ", "3.", ".5", "+2", "0x10", "1_000", "1e3", "nan", "-inf",
                     "Infinity", "sNaN", "", " ", "1,5", "½", "٣", "1" * 1200]),
)
"""Texts of numbers, as typed on a command line or read from a file, and near misses."""

JUNK_TEXT = st.one_of(st.text(max_size=12), st.sampled_from(
    ["true", "false", "on", "off", "yes", "no", "TRUE", "None", "null", "uniform", "fading"]))


def numpy_scalars(values):
    """numpy scalars (and 0-d arrays) holding the values a strategy draws."""
    def wrap(value):
        if isinstance(value, bool):
            return np.bool_(value)
        if isinstance(value, int):
            return np.int64(value) if -(2**63) <= value < 2**63 else value
        if isinstance(value, float):
            return np.float64(value)
        return np.str_(value)
    return values.map(wrap) | st.floats(width=32).map(np.float32) | \
        st.integers(-3, 3).map(lambda v: np.array(v))


SCALARS = st.one_of(st.integers(), HUGE_INTEGERS, st.floats(), EDGE_FLOATS, NUMBER_TEXT,
                    JUNK_TEXT, st.booleans(), st.none())

PLAIN_VALUE = st.one_of(SCALARS, st.lists(SCALARS, max_size=3),
                        st.dictionaries(st.text(max_size=3), SCALARS, max_size=2))
"""Values a file or a keyword can hold: numbers of every size, texts, booleans, None, lists
and tables."""

ANY_VALUE = st.one_of(PLAIN_VALUE, numpy_scalars(st.one_of(st.integers(-5, 200), st.floats(),
                                                           st.booleans(), JUNK_TEXT)))
"""Every kind of value a parameter may be handed: PLAIN_VALUE and numpy scalars."""


def near(low: float, high: float):
    """Values at and just beyond a range's ends, where off-by-one mistakes live."""
    points = [low, high, (low + high) / 2]
    out = points + [math.nextafter(low, -math.inf), math.nextafter(high, math.inf)]
    if float(low).is_integer() and float(high).is_integer():
        out += [int(low), int(high), int(low) - 1, int(high) + 1, str(int(high) + 1),
                str(int(low))]
    return st.sampled_from(out)


def single_line(text: str) -> bool:
    """One non-empty line, as a refused command line prints it."""
    return bool(text.strip()) and "\n" not in text.strip() and "Traceback" not in text


def toml_text(data: dict) -> str:
    """A dict as TOML text (the few forms scenario files use); None values are left out."""
    def key(k) -> str:
        return _toml_string(str(k))

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(float(v)) if isinstance(v, float) else str(v)
        if isinstance(v, str):
            return _toml_string(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v if x is not None) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()
                                   if x is not None) + "}"
        raise TypeError(f"no TOML form for {type(v).__name__}")

    def is_tables(v) -> bool:
        return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)

    lines = [f"{key(k)} = {value(v)}" for k, v in data.items()
             if v is not None and not isinstance(v, dict) and not is_tables(v)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines.append(f"[{key(k)}]")
            lines += [f"{key(a)} = {value(b)}" for a, b in v.items() if b is not None]
        elif is_tables(v):
            for table in v:
                lines.append(f"[[{key(k)}]]")
                lines += [f"{key(a)} = {value(b)}" for a, b in table.items() if b is not None]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
