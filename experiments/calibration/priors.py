"""What the calibration fits: uniform priors over ranges inside the parameter schema's, read
from ``priors.toml`` with the reason for each, and checked so that every draw is a valid
parameter set."""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scipy.special import expit, logit

from model.core.parameters import DEFAULTS, SCHEMA_BY_NAME, ParameterError, validate

from .settings import CalibrationError

PRIORS_FILE = Path(__file__).with_name("priors.toml")

_FIELDS = ("low", "high", "hand_set", "why", "block")


@dataclass(frozen=True)
class Prior:
    """A uniform prior on [low, high] for one parameter, and why the patterns inform it.

    Parameters with the same ``block`` act together on the same patterns; pyabc's proposal
    moves them with one joint kernel (``pipeline.proposal``). ``hand_set`` is the value set by
    hand before the calibration (ODD 8.1), from which the defaults the posterior sets are
    found (``identifiability.calibrated_defaults``)."""

    name: str
    low: float
    high: float
    why: str
    block: str = ""
    hand_set: float | None = None

    @property
    def default(self) -> float:
        """The parameter's default in the schema (what the model uses uncalibrated)."""
        return DEFAULTS[self.name]

    def from_logit(self, u: float) -> float:
        """The value at ``u`` on the logit scale of the range (pyabc samples there: a standard
        logistic prior on ``u`` is exactly the uniform prior on [low, high], and its proposal
        kernels never spill over the range's edges)."""
        return self.low + (self.high - self.low) * float(expit(u))

    def to_logit(self, value: float) -> float:
        """The inverse of ``from_logit``."""
        return float(logit((value - self.low) / (self.high - self.low)))


def load_priors(path: Path | str = PRIORS_FILE) -> tuple[Prior, ...]:
    """The priors of a priors file, checked field by field against the parameter schema.

    Every bound must lie inside the schema's range, and every corner of the box of priors
    must pass the schema's joint constraints (they are linear, so then every draw does).
    """
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CalibrationError(f"{path}: cannot read the priors: {err}") from None
    priors = []
    for name, entry in table.items():
        where = f"{path}: [{name}]"
        if not isinstance(entry, dict):
            raise CalibrationError(f"{where} must be a table of fields ({', '.join(_FIELDS)})")
        param = SCHEMA_BY_NAME.get(name)
        if param is None:
            raise CalibrationError(f"{where}: no parameter of that name in the schema "
                                   "(`python -m model params` lists them)")
        if param.kind is not float:
            raise CalibrationError(f"{where}: only real-valued parameters can be calibrated; "
                                   f"{name} is {param.allowed()}")
        unknown = sorted(set(entry) - set(_FIELDS))
        if unknown:
            raise CalibrationError(f"{where}: unknown field(s) {unknown}; allowed: "
                                   f"{', '.join(_FIELDS)}")
        if not isinstance(entry.get("why"), str) or not entry["why"].strip():
            raise CalibrationError(f"{where}: why is required, as non-empty text saying which "
                                   "patterns inform the parameter")
        block = entry.get("block", "")
        if not isinstance(block, str) or ("block" in entry and not block.strip()):
            raise CalibrationError(f"{where}: block must be a non-empty name shared by the "
                                   f"parameters that move together; got {block!r}")
        bounds = {}
        for field in ("low", "high", "hand_set"):
            value = entry.get(field)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise CalibrationError(f"{where}: {field} is required, as a finite number; got "
                                       f"{value!r}")
            if not param.low <= value <= param.high:
                raise CalibrationError(f"{where}: {field} = {value:g} lies outside the parameter "
                                       f"schema's range: {name} must be {param.allowed()}")
            bounds[field] = float(value)
        if bounds["low"] >= bounds["high"]:
            raise CalibrationError(f"{where}: low = {bounds['low']:g} must be below high = "
                                   f"{bounds['high']:g}")
        if not bounds["low"] <= bounds["hand_set"] <= bounds["high"]:
            raise CalibrationError(f"{where}: hand_set = {bounds['hand_set']:g} lies outside "
                                   f"the prior, {bounds['low']:g} to {bounds['high']:g}")
        priors.append(Prior(name, bounds["low"], bounds["high"], entry["why"], block,
                            bounds["hand_set"]))
    if not priors:
        raise CalibrationError(f"{path}: no priors")
    _check_corners(priors, path)
    return tuple(priors)


def _check_corners(priors: list[Prior], path: Path) -> None:
    """Every corner of the prior box is a valid parameter set (the joint constraints)."""
    for corner in itertools.product(*[(p.low, p.high) for p in priors]):
        values = {p.name: v for p, v in zip(priors, corner)}
        try:
            validate(values)
        except ParameterError as err:
            raise CalibrationError(f"{path}: the priors' ranges reach parameter sets the schema "
                                   f"refuses, at a corner of the ranges: {err}") from None


def fixed_parameters(priors: tuple[Prior, ...]) -> dict:
    """Every parameter the calibration leaves at its default, by name."""
    calibrated = {p.name for p in priors}
    return {name: value for name, value in DEFAULTS.items() if name not in calibrated}
