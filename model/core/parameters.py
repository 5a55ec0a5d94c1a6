"""The parameter schema: the one source of truth for every model parameter.

Each entry holds a name, type, default, allowed range and a one-line meaning. The same
schema drives validation, the command line, sweeps, dashboard sliders and the parameter
table of ``docs/ODD.md`` (see :func:`odd_table`), so a parameter is declared once.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from model.numerics.seeds import SEED_ALLOWED, SEED_HIGH, is_seed  # noqa: F401 (SEED_HIGH: re-exported)

AXIS_NAMES = (
    "capital_labour",
    "north_south",
    "gender",
    "development_nature",
    "industry_agriculture",
    "state_society",
    "empire_colony",
)
"""Historic domination axes named in Muto (2009/2018); the first ``n_axes`` are used."""

ECONOMIC_AXES = ("north_south", "industry_agriculture")
"""Axes on which opposite positions are economically complementary (worker-peasant style)."""

NATURE_AXIS = "development_nature"


class ParameterError(ValueError):
    """A parameter value or name that the schema does not allow."""


@dataclass(frozen=True)
class Param:
    """One parameter: what it is called, what it may be, and what it means."""

    name: str
    kind: type
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    meaning: str = ""
    section: str = ""

    def allowed(self) -> str:
        """Human-readable allowed range, used in errors, --help and the ODD table."""
        if self.kind is bool:
            return "true or false"
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        kind = "integer" if self.kind is int else "number"
        return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"

    def coerce(self, value: Any) -> Any:
        """Check one value against this entry and return it in the declared type.

        The value returned equals the value given (a text is read exactly, so "5.0000001"
        is no integer and "1e-400" no zero); anything else raises ParameterError.
        """
        value = unwrap(value)
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in _BOOL_WORDS:
                return _BOOL_WORDS[value.lower()]
            if isinstance(value, (int, float)) and value in (0, 1):
                return bool(value)
            raise self._error(value)
        if self.choices is not None:
            if isinstance(value, str) and value in self.choices:
                return value
            raise self._error(value)
        number = _as_number(value)
        if number is None or not _finite(number):
            raise self._error(value)
        if self.kind is int:
            if number < self.low or number > self.high or number != int(number):
                raise self._error(value)
            return int(number)
        try:
            out = float(number)
        except OverflowError:
            raise self._error(value) from None
        if not math.isfinite(out) or out < self.low or out > self.high:
            raise self._error(value)
        if out == 0.0 and number != 0:
            raise self._error(value)  # a text too close to zero for a float
        return out

    def _error(self, value: Any) -> ParameterError:
        return ParameterError(
            f"parameter '{self.name}' = {show(value)} is not allowed: expected {self.allowed()} "
            f"({self.meaning})"
        )


_BOOL_WORDS = {"true": True, "on": True, "yes": True, "1": True,
               "false": False, "off": False, "no": False, "0": False}


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}" if isinstance(x, float) else str(x)


def show(value: Any) -> str:
    """A value as error messages quote it (here and in experiment specs): its repr, cut
    short when it is long."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long for Python to print
        return f"an integer of {value.bit_length():,} bits"
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"


def unwrap(value: Any) -> Any:
    """A numpy scalar or 0-d array as the Python value it holds; anything else as it is."""
    if hasattr(value, "dtype") and getattr(value, "shape", None) == () and hasattr(value, "item"):
        return value.item()
    return value


def _as_number(value: Any) -> int | float | Decimal | None:
    """The number a value stands for, exactly (texts as Decimal), or None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and len(value) <= 1000:
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _finite(number: int | float | Decimal) -> bool:
    if isinstance(number, float):
        return math.isfinite(number)
    return number.is_finite() if isinstance(number, Decimal) else True


def _p(name, kind, default, low=None, high=None, meaning="", section="", choices=None) -> Param:
    return Param(name, kind, default, low, high, choices, meaning, section)


def _switch(name: str, meaning: str) -> Param:
    return Param(f"enable_{name}", bool, True, meaning=meaning, section="switches")


SCHEMA: tuple[Param, ...] = (
    # population
    _p("n_groups", int, 50, 2, 100_000, "number of people's groups", "population"),
    _p("n_axes", int, 7, 1, len(AXIS_NAMES), "number of domination axes (taken in the order of AXIS_NAMES)", "population"),
    _p("faultline_alignment", float, 0.5, 0.0, 1.0, "1 = every axis follows one master split (strong faultlines), 0 = axes independent (cross-cutting)", "population"),
    _p("dominated_share", float, 0.5, 0.05, 0.95, "probability that a group sits on the dominated side of an axis", "population"),
    _p("n_traits", int, 0, 0, 5, "number of non-hierarchical cultural traits (0 = none)", "population"),
    _p("trait_values", int, 3, 2, 10, "number of values each cultural trait can take", "population"),
    _p("size_inequality", float, 1.0, 0.0, 3.0, "log-normal sigma of group sizes (0 = equal sizes)", "population"),
    _p("salience_spread", float, 0.0, 0.0, 3.0, "spread of axis salience weights (0 = all axes equally salient)", "population"),
    _p("resource_gap", float, 1.0, 0.0, 10.0, "extra initial resources of a group dominant on every axis", "population"),
    _p("openness_mean", float, 0.3, 0.01, 0.99, "median baseline share of power held by a group's open faction (logit-normal across groups)", "population"),
    _p("openness_spread", float, 0.5, 0.0, 3.0, "logit-normal spread of baseline openness across groups", "population"),
    _p("initial_prejudice", float, 0.2, 0.0, 1.0, "initial attitude toward one's own categories (+) and other categories (-)", "population"),
    # movements
    _p("n_movements", int, 10, 0, 500, "number of movements, each rooted mostly in the dominated side of one axis", "movements"),
    _p("mediation_capacity", float, 0.3, 0.0, 1.0, "mean capacity of movements to mediate encounters (each drawn as mediation_capacity * U(0.5, 1.5))", "movements"),
    _p("rootedness", float, 0.8, 0.0, 1.0, "typical rootedness of a movement in its constituency: min(1, rootedness * U(0.5, 1.5))", "movements"),
    _p("dominant_rootedness", float, 0.25, 0.0, 1.0, "rootedness of a movement on the dominant side of its axis, relative to its constituency (solidarity from within)", "movements"),
    _p("mediation_reach", float, 1.0, 0.0, 20.0, "how strongly movement presence turns into mediation probability", "movements"),
    _p("initial_tie_density", float, 0.2, 0.0, 1.0, "initial share of movement pairs tied in the movement of movements", "movements"),
    _p("convergence_space", float, 0.05, 0.0, 1.0, "how readily new ties form between movements that mediate together", "movements"),
    _p("tie_reinforcement", float, 0.1, 0.0, 1.0, "strengthening of an existing tie per successful joint mediation", "movements"),
    _p("tie_decay", float, 0.02, 0.0, 1.0, "per-step decay of every tie between movements (joint mediation renews it)", "movements"),
    # encounters
    _p("encounter_rate", float, 1.0, 0.01, 50.0, "encounters per group per step", "encounters"),
    _p("size_activity", float, 0.25, 0.0, 2.0, "how group size drives how many encounters a group starts: in proportion to size ** size_activity (0 = every group alike)", "encounters"),
    _p("domination_bias", float, 0.4, 0.0, 1.0, "share of encounters drawn along domination ties", "encounters"),
    _p("contact_bias", float, 0.3, 0.0, 1.0, "share of encounters drawn among recent contacts", "encounters"),
    _p("contact_memory", int, 4, 1, 32, "number of recent partners a group remembers as contacts", "encounters"),
    # outcomes of encounters
    _p("virtuous_base", float, 1.46, -10.0, 10.0, "log-odds of a virtuous outcome at neutral context (ordered logit: minus the upper cutpoint)", "outcomes"),
    _p("hostility_base", float, -4.26, -10.0, 10.0, "log-odds of a hostile outcome at neutral context (the lower cutpoint)", "outcomes"),
    _p("openness_weight", float, 3.0, 0.0, 20.0, "effect of the pair's openness on the encounter's propensity toward virtuous", "outcomes"),
    _p("trust_weight", float, 1.0, 0.0, 20.0, "effect of mutual trust (or, before a first meeting, expectation) on the propensity toward virtuous", "outcomes"),
    _p("domination_weight", float, 1.5, 0.0, 20.0, "effect of effective domination on the propensity toward hostile", "outcomes"),
    _p("bond", float, 0.5, -5.0, 5.0, "ethics of respect: shift of every encounter's propensity toward virtuous", "outcomes"),
    _p("cultural_similarity_weight", float, 0.5, 0.0, 10.0, "effect of shared cultural traits on the propensity toward virtuous", "outcomes"),
    _p("mediation_effect", float, 0.898, 0.0, 10.0, "shift of a mediated encounter's propensity toward virtuous (Allport's conditions supplied)", "outcomes"),
    _p("imposition_weight", float, 1.63, 0.0, 20.0, "how much effective domination turns mediation into imposition (mediation hurts above mediation_effect / imposition_weight)", "outcomes"),
    _p("enemy_solidarity", float, 1.0, 0.0, 10.0, "shift toward virtuous of encounters between two targets of the common enemy, at full salience", "outcomes"),
    # trust
    _p("trust_gain", float, 0.1, 0.0, 1.0, "fraction of the way to full trust moved by one virtuous encounter", "trust"),
    _p("negativity_bias", float, 2.0, 1.0, 10.0, "how much further a hostile encounter moves trust than a virtuous one", "trust"),
    _p("wariness_gain", float, 0.0125, 0.0, 1.0, "fraction of the way to full wariness a group moves per hostile encounter; a wary group's trust rises by virtuous contact only up to 1 - wariness", "trust"),
    _p("wariness_heal", float, 0.01, 0.0, 1.0, "per-step share of a group's wariness that fades", "trust"),
    _p("secondary_transfer", float, 0.3, 0.0, 1.0, "share of a trust change that spills over to attitudes toward the partner's categories", "trust"),
    # internal power
    _p("opening_rate", float, 0.01, 0.0, 1.0, "shift of power toward the open faction per virtuous encounter", "internal power"),
    _p("rally_rate", float, 0.02, 0.0, 1.0, "shift of power toward hardliners per hostile encounter (rally round the flag)", "internal power"),
    _p("backlash_rate", float, 0.02, 0.0, 1.0, "defensive backlash of a hardliner-led group per neutral first meeting", "internal power"),
    _p("entrenchment_rate", float, 0.02, 0.0, 1.0, "per-step relaxation of openness toward the group's baseline", "internal power"),
    # contracts
    _p("contract_threshold", float, 0.7, -1.0, 1.0, "mutual trust needed to sign a contract", "contracts"),
    _p("renewal_threshold", float, 0.55, -1.0, 1.0, "mutual trust needed to renew a contract at the end of its term", "contracts"),
    _p("contract_term", int, 20, 1, 10_000, "steps between a contract's punctuation points", "contracts"),
    _p("lapse_cost", float, 0.1, 0.0, 1.0, "fraction of the way to full distrust moved when a contract lapses", "contracts"),
    _p("stable_alliance_min_size", int, 3, 2, 100_000, "fewest groups in a stable alliance (component of contracts renewed stable_alliance_min_renewals times)", "measurement"),
    _p("stable_alliance_min_share", float, 0.5, 0.0, 1.0, "smallest population share of a stable alliance (0.5: a majority of the population)", "measurement"),
    _p("stable_alliance_min_renewals", int, 2, 1, 1000, "renewals a contract needs to count toward a stable alliance (it has outlived that many terms)", "measurement"),
    # structural change
    _p("mitigation_rate", float, 0.1, 0.0, 1.0, "per-step mitigation of domination inside a contract, times the dominant party's openness", "structural change"),
    _p("mitigation_cost", float, 1.0, 0.0, 20.0, "resources the dominant party transfers to its partner per unit of domination mitigated; its hardliners weigh this cost", "structural change"),
    _p("lip_service_rate", float, 0.02, 0.0, 1.0, "per-step trust erosion of the dominated party per unit of unmitigated domination", "structural change"),
    # economic articulation
    _p("economic_gain", float, 0.05, 0.0, 1.0, "per-step resource gain of contracted groups with complementary positions", "economy"),
    _p("interdependence_rate", float, 0.05, 0.0, 1.0, "per-step growth of a contract's economic interdependence", "economy"),
    _p("interdependence_weight", float, 0.3, 0.0, 2.0, "how much full interdependence lowers the renewal threshold", "economy"),
    _p("resource_decay", float, 0.02, 0.0, 1.0, "per-step share of resources consumed", "economy"),
    # common enemy
    _p("enemy_schedule", str, "constant", choices=("constant", "fading", "pulse"), meaning="time course of the common enemy's salience", section="common enemy"),
    _p("enemy_salience", float, 0.5, 0.0, 1.0, "peak salience of the common enemy", "common enemy"),
    _p("enemy_axis", int, 0, 0, len(AXIS_NAMES) - 1, "axis whose dominated side shares the common enemy", "common enemy"),
    _p("enemy_effect", float, 0.3, 0.0, 2.0, "reduction of contract and renewal thresholds at full salience", "common enemy"),
    _p("enemy_onset", int, 100, 0, 1_000_000, "step at which fading starts, or at which a pulse begins", "common enemy"),
    _p("enemy_fade_time", float, 50.0, 1.0, 1e6, "e-folding time of a fading enemy's salience, in steps", "common enemy"),
    _p("enemy_duration", int, 50, 1, 1_000_000, "length of a pulse, in steps", "common enemy"),
    # commons
    _p("commons_regrowth", float, 0.1, 0.0, 1.0, "logistic regrowth rate of the shared commons", "commons"),
    _p("extraction_rate", float, 0.03, 0.0, 1.0, "per-step extraction of the commons by the whole population", "commons"),
    _p("nature_side_extraction", float, 0.3, 0.0, 1.0, "relative extraction of groups dominated on the development-nature axis", "commons"),
    _p("voice_effect", float, 0.5, 0.0, 1.0, "largest cut in a group's extraction from alliances that give the nature side voice", "commons"),
    _p("scarcity_weight", float, 2.0, 0.0, 20.0, "effect of commons scarcity (buffered by the pair's resources) on the propensity toward hostile", "commons"),
    _p("harvest_value", float, 1.0, 0.0, 100.0, "resources per head gained per unit of commons extracted per head", "commons"),
    # divide and rule
    _p("instigation", float, 0.3, 0.0, 1.0, "divide-and-rule pressure that frames encounters as hostile", "divide and rule"),
    _p("instigation_weight", float, 3.0, 0.0, 20.0, "effect of instigation on the propensity toward hostile", "divide and rule"),
    _p("instigation_mode", str, "uniform", choices=("uniform", "targeted"), meaning="uniform pressure, or the same budget aimed at the largest alliance", section="divide and rule"),
    # output
    _p("collect_every", int, 1, 1, 1_000_000, "collect metrics every this many steps", "output"),
    # switches
    _switch("encounter_bias", "draw encounters along domination ties and recent contacts, and let larger groups start more of them"),
    _switch("mediation", "movements mediate encounters"),
    _switch("negativity_bias", "hostile contact moves trust further than virtuous contact"),
    _switch("wariness", "hostile contact leaves a group wary, and virtuous contact builds its trust only up to 1 - wariness"),
    _switch("secondary_transfer", "contact with a group spills over to attitudes toward its categories"),
    _switch("internal_impacts", "virtuous contact opens groups, hostile contact rallies hardliners"),
    _switch("backlash", "a neutral first meeting provokes a defensive backlash in hardliner-led groups"),
    _switch("entrenchment", "openness relaxes toward each group's baseline"),
    _switch("contracts", "trusting pairs sign, renew and lapse contracts"),
    _switch("structural_change", "dominant parties whose open faction finds the alliance worth the cost mitigate their domination inside contracts"),
    _switch("lip_service", "unmitigated domination inside a contract erodes the dominated party's trust"),
    _switch("economic_articulation", "complementary allies gain resources and interdependence"),
    _switch("common_enemy", "a common enemy makes its targets' encounters friendlier, lowers their contract thresholds and adds to what their alliance is worth"),
    _switch("commons", "a shared commons regrows, is extracted, and its scarcity breeds hostility"),
    _switch("instigation", "divide-and-rule instigation frames encounters as hostile"),
    _switch("movement_dynamics", "ties between movements strengthen with joint mediation and decay without it"),
)

SCHEMA_BY_NAME: dict[str, Param] = {p.name: p for p in SCHEMA}
SWITCHES: tuple[str, ...] = tuple(p.name for p in SCHEMA if p.section == "switches")
DEFAULTS: dict[str, Any] = {p.name: p.default for p in SCHEMA}

Params = dataclasses.make_dataclass(
    "Params",
    [(p.name, p.kind, dataclasses.field(default=p.default)) for p in SCHEMA],
    frozen=True,
)
Params.__module__ = __name__
Params.__doc__ = "A validated, immutable set of model parameters (see SCHEMA)."


def validate(values: Mapping[str, Any] | None = None, **more: Any) -> "Params":
    """Return validated Params from defaults overridden by ``values`` and keywords.

    Unknown names, wrong types, NaN and out-of-range values raise ParameterError that
    names the parameter, the value and what is allowed.
    """
    if values is not None and not isinstance(values, Mapping):
        raise ParameterError(f"parameters = {show(values)} is not allowed: expected a mapping "
                             "of parameter name to value")
    given = dict(values) if values is not None else {}
    given.update(more)
    if isinstance(given.get("params"), Params) and len(given) == 1:
        return given["params"]
    unknown = sorted(set(given) - set(SCHEMA_BY_NAME), key=str)
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(show(u) for u in unknown)}; "
            f"known parameters are listed by `python -m model params`"
            + _suggest(unknown[0])
        )
    checked = {name: SCHEMA_BY_NAME[name].coerce(v) for name, v in given.items()}
    params = Params(**{**DEFAULTS, **checked})
    _check_joint(params)
    return params


def _suggest(name: Any) -> str:
    import difflib

    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, SCHEMA_BY_NAME, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_joint(p: "Params") -> None:
    """Constraints that involve more than one parameter."""
    if p.domination_bias + p.contact_bias > 1.0 + 1e-12:
        raise ParameterError(
            f"parameters 'domination_bias' + 'contact_bias' = {p.domination_bias} + "
            f"{p.contact_bias} = {p.domination_bias + p.contact_bias:g} is not allowed: "
            "their sum must be at most 1 (they are shares of encounters)"
        )
    if p.virtuous_base + p.hostility_base > 1e-12:
        raise ParameterError(
            f"parameters 'virtuous_base' + 'hostility_base' = {p.virtuous_base} + "
            f"{p.hostility_base} = {p.virtuous_base + p.hostility_base:g} is not allowed: their "
            "sum must be at most 0 (the hostile cutpoint of the ordered logit must lie below "
            "the virtuous one, so the three outcomes' chances add up to 1)"
        )
    if p.enemy_axis >= p.n_axes:
        raise ParameterError(
            f"parameter 'enemy_axis' = {p.enemy_axis} is not allowed with n_axes = {p.n_axes}: "
            f"expected an axis index in [0, {p.n_axes - 1}]"
        )


def check_seed(value: Any, field: str = "seed") -> int | None:
    """A run's seed, checked: None (fresh entropy) or a seed as model.numerics.seeds defines
    it (a whole number in [0, 2**63 - 1]); returned as a Python int."""
    if value is None:
        return None
    if not is_seed(value):
        raise ParameterError(f"'{field}' = {show(value)} is not allowed: expected {SEED_ALLOWED}")
    return int(value)


def replace(params: "Params", **changes: Any) -> "Params":
    """A validated copy of ``params`` with some values changed."""
    return validate({**dataclasses.asdict(params), **changes})


def as_dict(params: "Params") -> dict[str, Any]:
    """Every parameter by name, as a plain dict (what the dashboard's controls show)."""
    return dataclasses.asdict(params)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``name=value`` from the command line, checking name and value."""
    if "=" not in text:
        raise ParameterError(f"expected NAME=VALUE, got {show(text)}")
    name, raw = (s.strip() for s in text.split("=", 1))
    if name not in SCHEMA_BY_NAME:
        raise ParameterError(f"unknown parameter {show(name)}{_suggest(name)}")
    return name, SCHEMA_BY_NAME[name].coerce(raw)


def odd_table(params: Iterable[Param] = SCHEMA) -> str:
    """The ODD parameter table (markdown), generated from the schema and, for the origin of
    each default, model.core.parameter_origins."""
    from model.core.parameter_origins import origin

    lines = ["| parameter | section | type | default | allowed | meaning | origin |",
             "|---|---|---|---|---|---|---|"]
    for p in params:
        kind = {bool: "switch", int: "int", float: "float", str: "choice"}[p.kind]
        default = str(p.default).lower() if p.kind is bool else _fmt(p.default) if p.kind is not str else p.default
        source, where = origin(p.name)
        lines.append(f"| `{p.name}` | {p.section} | {kind} | {default} | {p.allowed()} | "
                     f"{p.meaning} | **{source}**: {where} |")
    return "\n".join(lines) + "\n"
