"""Scenario files: a hand-made population instead of a drawn one.

An educator describes a local situation in TOML: the axes of domination that matter, named
groups with their side on each axis, size and openness, and the movements with their
constituencies and capacity. ``AllianceModel(scenario="file.toml")`` runs it. See
``model/scenarios/river_valley.toml`` for a complete, commented example.
"""

from __future__ import annotations

import math
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.core.parameters import SCHEMA_BY_NAME, ParameterError, Params, show, validate
from model.core.population import assemble_state
from model.core.state import State

SCENARIO_DIR = Path(__file__).parents[1] / "scenarios"

_TOP_KEYS = {"scenario", "salience", "traits", "parameters", "group", "movement", "tie"}
_GROUP_KEYS = {"name", "dominated", "size", "openness", "resources", "traits"}
_MOVEMENT_KEYS = {"name", "axis", "side", "capacity", "rootedness", "rooted_in"}
_TIE_KEYS = {"between", "weight"}
_FIXED = ("n_groups", "n_axes", "n_movements", "n_traits", "trait_values")


class ScenarioError(ValueError):
    """A scenario file that cannot be read; the message names the file and the key."""


@dataclass
class Scenario:
    """A parsed, checked scenario; ``build(params)`` turns it into a model State."""

    name: str
    description: str
    axes: tuple[str, ...]
    salience: np.ndarray
    trait_names: tuple[str, ...]
    groups: list[dict]
    movements: list[dict]
    ties: list[dict]
    parameters: dict[str, Any] = field(default_factory=dict)
    source: str = "<scenario>"

    @property
    def fixed(self) -> dict[str, int]:
        """Parameters the scenario itself fixes (counts); they override anything given."""
        values = [g["traits"] for g in self.groups if g["traits"]]
        q = max(2, int(np.max(values)) + 1) if values else 2
        return {"n_groups": len(self.groups), "n_axes": len(self.axes),
                "n_movements": len(self.movements), "n_traits": len(self.trait_names),
                "trait_values": min(q, int(SCHEMA_BY_NAME["trait_values"].high))}

    def build(self, params: Params) -> State:
        """The starting State for this file, with ``params`` supplying what it leaves out."""
        n, m = len(self.groups), len(self.movements)
        sides = np.array([[1.0 if a in g["dominated"] else 0.0 for a in self.axes] for g in self.groups])
        traits = np.array([g["traits"] for g in self.groups], dtype=np.int64).reshape(n, len(self.trait_names))
        sizes = np.array([g["size"] for g in self.groups], dtype=float)
        sizes = sizes / sizes.sum()
        openness = np.array([params.openness_mean if g["openness"] is None else g["openness"]
                             for g in self.groups])
        default_resources = 1.0 + params.resource_gap * ((1.0 - sides) @ self.salience)
        resources = np.array([default_resources[i] if g["resources"] is None else g["resources"]
                              for i, g in enumerate(self.groups)])
        index = {g["name"]: i for i, g in enumerate(self.groups)}
        axis = np.array([self.axes.index(mv["axis"]) for mv in self.movements], dtype=np.int64)
        side = np.array([1.0 if mv["side"] == "dominated" else 0.0 for mv in self.movements])
        capacity = np.array([params.mediation_capacity if mv["capacity"] is None else mv["capacity"]
                             for mv in self.movements])
        rootedness = np.zeros((m, n))
        for k, mv in enumerate(self.movements):
            base = params.rootedness if mv["rootedness"] is None else mv["rootedness"]
            rootedness[k] = np.where(sides[:, axis[k]] == side[k], base,
                                     params.dominant_rootedness * base)
            for gname, r in mv["rooted_in"].items():
                rootedness[k, index[gname]] = r
        mindex = {mv["name"]: k for k, mv in enumerate(self.movements)}
        ties = np.zeros((m, m))
        for tie in self.ties:
            x, y = (mindex[t] for t in tie["between"])
            ties[x, y] = ties[y, x] = tie["weight"]
        return assemble_state(
            axis_names=self.axes, sides=sides, traits=traits, trait_values=params.trait_values,
            salience=self.salience, sizes=sizes, resources=resources, openness_base=openness,
            prejudice=params.initial_prejudice, contact_memory=params.contact_memory,
            movement_axis=axis, movement_side=side, capacity=capacity, rootedness=rootedness,
            ties=ties, group_names=[g["name"] for g in self.groups],
            movement_names=[mv["name"] for mv in self.movements],
        )


def load_scenario(path) -> Scenario:
    """Read and check a scenario file (a path, or a name of a shipped scenario)."""
    shipped = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
    if not isinstance(path, (str, os.PathLike)) or not str(os.fspath(path)).strip():
        raise ScenarioError(f"scenario = {show(path)} is not allowed: expected the path of a "
                            f"scenario TOML file or the name of a shipped one ({shipped})")
    path = Path(path)
    try:
        if not path.exists() and (SCENARIO_DIR / f"{path.name}.toml").exists():
            path = SCENARIO_DIR / f"{path.name}.toml"
        if not path.exists():
            raise ScenarioError(f"scenario file {show(str(path))} not found (shipped scenarios: "
                                f"{shipped})")
        if path.is_dir():
            raise ScenarioError(f"scenario file {show(str(path))} is a folder: expected a TOML "
                                f"file or the name of a shipped scenario ({shipped})")
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(f"scenario file {show(str(path))} cannot be read: "
                            f"{err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ScenarioError(f"{path}: not a UTF-8 text file ({err})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML: {err}") from None
    return parse_scenario(data, source=str(path))


def parse_scenario(data: dict, source: str = "<scenario>") -> Scenario:
    """Check a scenario given as a dict (parsed TOML); errors name the key at fault."""
    def fail(key: str, message: str):
        raise ScenarioError(f"{source}: {key}: {message}")

    if not isinstance(data, dict):
        fail("top level", f"{show(data)} is not allowed: expected a table of scenario, salience, "
             "traits, parameters and [[group]], [[movement]], [[tie]] entries")
    _unknown(data, _TOP_KEYS, "", fail)
    meta = data.get("scenario")
    if not isinstance(meta, dict):
        fail("scenario", "missing [scenario] table with name, description and axes")
    _unknown(meta, {"name", "description", "axes"}, "scenario", fail)
    for key in ("name", "description"):
        if key in meta and not isinstance(meta[key], str):
            fail(f"scenario.{key}", f"{show(meta[key])} is not allowed: expected a string")
    axes = meta.get("axes")
    if not isinstance(axes, list) or not axes or not all(isinstance(a, str) and a for a in axes):
        fail("scenario.axes", "expected a non-empty list of axis names, e.g. axes = [\"capital_labour\", \"gender\"]")
    if len(set(axes)) != len(axes):
        fail("scenario.axes", f"axis names repeat: {axes}")
    if len(axes) > SCHEMA_BY_NAME["n_axes"].high:
        fail("scenario.axes", f"{len(axes)} axes given; at most {SCHEMA_BY_NAME['n_axes'].high} are allowed")

    salience_table = _table(data, "salience", {}, "a table of axis = weight", fail)
    _unknown(salience_table, set(axes), "salience", fail)
    weights = np.array([_number(salience_table.get(a, 1.0), f"salience.{a}", 0.0, None, fail) for a in axes])
    _shares(weights, [f"salience.{a}" for a in axes], "salience weights", fail)
    if weights.sum() <= 0:
        fail("salience", "weights must not all be zero")

    trait_table = _table(data, "traits", {"names": []}, "a table with one key, names = [...]", fail)
    if set(trait_table) - {"names"}:
        fail("traits", "expected a table with one key, names = [...]")
    trait_names = trait_table.get("names", [])
    if not isinstance(trait_names, list) or not all(isinstance(t, str) for t in trait_names):
        fail("traits.names", "expected a list of trait names")

    groups_raw = data.get("group")
    if not isinstance(groups_raw, list) or len(groups_raw) < 2:
        fail("group", "expected at least two [[group]] tables")
    if len(groups_raw) > SCHEMA_BY_NAME["n_groups"].high:
        fail("group", f"{len(groups_raw)} groups given; at most {SCHEMA_BY_NAME['n_groups'].high} "
             "are allowed (parameter 'n_groups')")
    groups = [_group(g, k, axes, trait_names, fail) for k, g in enumerate(groups_raw)]
    _unique([g["name"] for g in groups], "group", fail)
    keys = [f"group[{k}] ({g['name']})" for k, g in enumerate(groups)]
    _shares(np.array([g["size"] for g in groups]), [f"{key}.size" for key in keys],
            "group sizes", fail)
    _total([g["resources"] or 0.0 for g in groups], [f"{key}.resources" for key in keys],
           "resources", RESOURCES_TOTAL_HIGH, fail)
    names = {g["name"] for g in groups}

    movements_raw = _tables(data, "movement", fail)
    if len(movements_raw) > SCHEMA_BY_NAME["n_movements"].high:
        fail("movement", f"{len(movements_raw)} movements given; at most "
             f"{SCHEMA_BY_NAME['n_movements'].high} are allowed (parameter 'n_movements')")
    movements = [_movement(mv, k, axes, names, fail) for k, mv in enumerate(movements_raw)]
    _unique([mv["name"] for mv in movements], "movement", fail)
    mnames = {mv["name"] for mv in movements}
    ties = [_tie(t, k, mnames, fail) for k, t in enumerate(_tables(data, "tie", fail))]

    params = dict(_table(data, "parameters", {}, "a table of parameter = value", fail))
    if "enemy_axis" in params and isinstance(params["enemy_axis"], str):
        if params["enemy_axis"] not in axes:
            fail("parameters.enemy_axis", f"{params['enemy_axis']!r} is not one of the axes {axes}")
        params["enemy_axis"] = axes.index(params["enemy_axis"])
    for key in _FIXED:
        if key in params:
            fail(f"parameters.{key}", "is set by the scenario itself (count of its groups, axes, movements, traits)")
    try:
        validate({**params, "n_axes": len(axes)})
    except ParameterError as err:
        fail("parameters", str(err))
    return Scenario(
        name=str(meta.get("name", Path(source).stem)), description=str(meta.get("description", "")),
        axes=tuple(axes), salience=weights / weights.sum(), trait_names=tuple(trait_names),
        groups=groups, movements=movements, ties=ties, parameters=params, source=source,
    )


def _table(data: dict, key: str, default, expected: str, fail) -> dict:
    """The [key] table of the file, or ``default`` when it is absent."""
    table = data.get(key, default)
    if not isinstance(table, dict):
        fail(key, f"{show(table)} is not allowed: expected {expected}")
    return table


def _tables(data: dict, key: str, fail) -> list:
    """The [[key]] tables of the file (none when absent)."""
    entries = data.get(key, [])
    if not isinstance(entries, list):
        fail(key, f"{show(entries)} is not allowed: expected [[{key}]] tables")
    return entries


def _shares(values: np.ndarray, keys: list[str], what: str, fail) -> None:
    """Values turned into shares must have a finite total and no positive value whose share
    is 0 in floating point: either would silently change what the file says."""
    _total(values, keys, what, sys.float_info.max, fail)
    total = float(np.sum(values))
    for value, key in zip(values, keys):
        if value > 0 and value / total == 0.0:
            fail(key, f"{float(value)!r} is too small beside the total of the {what} "
                 f"({total:g}): its share would be 0; allowed: values whose share of the total "
                 "is a positive floating-point number")


RESOURCES_TOTAL_HIGH = sys.float_info.max / 2
"""Largest total of the groups' resources in a file: room to grow and still add up."""


def _total(values, keys: list[str], what: str, high: float, fail) -> None:
    """Refuse values whose running total passes ``high``, naming the value that does."""
    total = 0.0
    for value, key in zip(values, keys):
        total += float(value)
        if not total <= high:
            fail(key, f"{float(value)!r} makes the total of the {what} overflow: allowed are "
                 f"values whose total stays below {high:.4g}; use shares or counts of a "
                 "larger unit")


def _named(entry, kind: str, k: int, allowed: set, fail) -> tuple[str, str]:
    """Check the k-th [[kind]] table's name and keys; return its name and error-key prefix."""
    key = f"{kind}[{k}]"
    if not isinstance(entry, dict):
        fail(key, "expected a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        fail(f"{key}.name", "expected a non-empty string")
    key = f"{kind}[{k}] ({name})"
    _unknown(entry, allowed, key, fail)
    return name, key


def _group(g, k, axes, trait_names, fail) -> dict:
    name, key = _named(g, "group", k, _GROUP_KEYS, fail)
    dominated = g.get("dominated", [])
    if not isinstance(dominated, list) or not all(isinstance(a, str) for a in dominated):
        fail(f"{key}.dominated", "expected a list of axis names on which the group is dominated")
    for a in dominated:
        if a not in axes:
            fail(f"{key}.dominated", f"{a!r} is not one of the axes {axes}")
    if "size" not in g:
        fail(f"{key}.size", "missing (a positive population share or head count)")
    size = _number(g["size"], f"{key}.size", 0.0, None, fail)
    if size <= 0:
        fail(f"{key}.size", f"{size!r} is not allowed: expected a positive number")
    openness = g.get("openness")
    if openness is not None:
        openness = _number(openness, f"{key}.openness", 0.0, 1.0, fail)
    resources = g.get("resources")
    if resources is not None:
        resources = _number(resources, f"{key}.resources", 0.0, None, fail)
    traits = g.get("traits", [])
    if not isinstance(traits, list) or len(traits) != len(trait_names) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < SCHEMA_BY_NAME["trait_values"].high
            for v in traits):
        fail(f"{key}.traits", f"expected {len(trait_names)} integer value(s) in [0, "
             f"{SCHEMA_BY_NAME['trait_values'].high - 1}], one per trait {list(trait_names)}")
    return dict(name=name, dominated=set(dominated), size=size, openness=openness,
                resources=resources, traits=traits)


def _movement(mv, k, axes, names, fail) -> dict:
    name, key = _named(mv, "movement", k, _MOVEMENT_KEYS, fail)
    axis = mv.get("axis")
    if not isinstance(axis, str) or axis not in axes:
        fail(f"{key}.axis", f"{show(axis)} is not one of the axes {axes}")
    side = mv.get("side", "dominated")
    if not isinstance(side, str) or side not in ("dominated", "dominant"):
        fail(f"{key}.side", f"{show(side)} is not allowed: expected 'dominated' or 'dominant'")
    capacity = mv.get("capacity")
    if capacity is not None:
        capacity = _number(capacity, f"{key}.capacity", 0.0, 1.0, fail)
    rootedness = mv.get("rootedness")
    if rootedness is not None:
        rootedness = _number(rootedness, f"{key}.rootedness", 0.0, 1.0, fail)
    rooted_in = mv.get("rooted_in", {})
    if not isinstance(rooted_in, dict):
        fail(f"{key}.rooted_in", "expected a table of group name = rootedness")
    checked = {}
    for gname, r in rooted_in.items():
        if gname not in names:
            fail(f"{key}.rooted_in", f"{show(gname)} is not a group of this scenario")
        checked[gname] = _number(r, f"{key}.rooted_in.{gname}", 0.0, 1.0, fail)
    return dict(name=name, axis=axis, side=side, capacity=capacity, rootedness=rootedness,
                rooted_in=checked)


def _tie(t, k, mnames, fail) -> dict:
    key = f"tie[{k}]"
    if not isinstance(t, dict):
        fail(key, "expected a table")
    _unknown(t, _TIE_KEYS, key, fail)
    between = t.get("between")
    if (not isinstance(between, list) or len(between) != 2
            or not all(isinstance(name, str) for name in between) or between[0] == between[1]):
        fail(f"{key}.between", "expected two different movement names")
    for name in between:
        if name not in mnames:
            fail(f"{key}.between", f"{name!r} is not a movement of this scenario")
    return dict(between=between, weight=_number(t.get("weight", 0.5), f"{key}.weight", 0.0, 1.0, fail))


def _number(value, key, low, high, fail) -> float:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(key, f"{show(value)} is not a number")
    if value < low or (high is not None and value > high):
        allowed = f"[{low:g}, {high:g}]" if high is not None else f">= {low:g}"
        fail(key, f"{show(value)} is out of range: expected {allowed}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        fail(key, f"{show(value)} is not allowed: expected a finite number"
             + (f" in [{low:g}, {high:g}]" if high is not None else f" >= {low:g}"))
    if number == 0.0 and value != 0:
        fail(key, f"{show(value)} is too close to 0 for a floating-point number")
    return number


def _unknown(table: dict, allowed: set, where: str, fail) -> None:
    extra = sorted(set(table) - set(allowed))
    if extra:
        fail(where or "top level", f"unknown key(s) {extra}; allowed: {sorted(allowed)}")


def _unique(names: list[str], what: str, fail) -> None:
    seen = set()
    for name in names:
        if name in seen:
            fail(what, f"name {name!r} is used twice")
        seen.add(name)
