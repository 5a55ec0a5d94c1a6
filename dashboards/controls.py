"""Controls generated from the parameter schema, so every parameter reaches the room.

A control is plain data (the widget to show, its range, its help text); the Solara page
turns each into a slider, a select or a checkbox. Checking a value goes through
``model.core.parameters.validate`` so the dashboard refuses exactly what the model refuses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from model.core.parameters import SCHEMA, SCHEMA_BY_NAME, Param, ParameterError, validate

LIVE_LIMITS: dict[str, tuple[float, str]] = {
    "n_groups": (500, "the trust matrix grows with the square of the number of groups; "
                      "run larger populations from the command line"),
    "n_movements": (200, "a live room needs one step in well under a second"),
}
"""Upper bounds tighter than the schema's, so that a live step stays fast on a laptop."""

SECTION_TITLES = {
    "switches": "mechanisms on/off",
}


@dataclass(frozen=True)
class Control:
    """One parameter as the page shows it: widget, range, step and one-line help."""

    name: str
    widget: str            # "slider_int", "slider_float", "select" or "checkbox"
    default: Any
    low: float | None
    high: float | None
    step: float | None
    choices: tuple[str, ...] | None
    help: str
    section: str

    @property
    def allowed(self) -> str:
        """The range a typed value must fall in, as said in refusals."""
        return allowed_text(SCHEMA_BY_NAME[self.name])


def allowed_text(p: Param) -> str:
    """The schema's allowed range, narrowed by LIVE_LIMITS where the dashboard is stricter."""
    if p.name in LIVE_LIMITS:
        kind = "integer" if p.kind is int else "number"
        return f"{kind} in [{p.low:g}, {LIVE_LIMITS[p.name][0]:g}] in the dashboard"
    return p.allowed()


def _step(p: Param, high: float) -> float:
    if p.kind is int:
        return max(1, 10 ** max(0, math.floor(math.log10(max(high - p.low, 1))) - 2))
    span = high - p.low
    return 10 ** math.floor(math.log10(span / 100)) if span > 0 else 0.01


def control_for(p: Param) -> Control:
    """The control of one schema entry."""
    if p.kind is bool:
        return Control(p.name, "checkbox", p.default, None, None, None, None, p.meaning, p.section)
    if p.choices is not None:
        return Control(p.name, "select", p.default, None, None, None, p.choices, p.meaning, p.section)
    high = min(p.high, LIVE_LIMITS[p.name][0]) if p.name in LIVE_LIMITS else p.high
    widget = "slider_int" if p.kind is int else "slider_float"
    return Control(p.name, widget, p.default, p.low, high, _step(p, high), None, p.meaning, p.section)


CONTROLS: tuple[Control, ...] = tuple(control_for(p) for p in SCHEMA)


def sections() -> dict[str, list[Control]]:
    """Controls grouped by the schema's section, in schema order."""
    out: dict[str, list[Control]] = {}
    for c in CONTROLS:
        out.setdefault(c.section, []).append(c)
    return out


def parse_typed(name: str, text: str) -> Any:
    """A value typed into a field, in the parameter's type; raises ParameterError if unusable."""
    p = SCHEMA_BY_NAME[name]
    value = p.coerce(text.strip() if isinstance(text, str) else text)
    if p.name in LIVE_LIMITS and value > LIVE_LIMITS[p.name][0]:
        limit, why = LIVE_LIMITS[p.name]
        raise ParameterError(
            f"parameter '{name}' = {text!r} is not allowed in the dashboard: expected "
            f"{allowed_text(p)} ({why})")
    return value


def checked(params: Mapping[str, Any], name: str, value: Any) -> dict[str, Any]:
    """``params`` with one value changed, after the schema and its joint checks accept it."""
    value = parse_typed(name, value)
    candidate = {**params, name: value}
    validate(candidate)
    return candidate
