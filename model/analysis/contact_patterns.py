"""Contact patterns: what intergroup-contact research finds, measured on any per-group record.

Contact research gives the model patterns to reproduce rather than numbers to assume
(Grimm et al. 2005, pattern-oriented modelling): across groups, more contact goes with more
trust, more so under Allport's conditions (Pettigrew and Tropp 2006); positive contact is
about three times as common as negative (Graf, Paolini and Rubin 2014), yet negative contact
predicts attitudes more strongly (Barlow et al. 2012). The statistics here take plain arrays
(one entry per group, from the model or from a survey) and the targets come from
``targets.toml`` beside this module, with their sources; a pattern holds when the mean over
runs (seeds) lies in its target range, and the 95% interval over runs says how sure that is.
A target that the source gives as a number also carries its centre and the uncertainty around
it (``centre``, ``scale``, ``scale_basis``), which the calibration weighs distances by; a target
the source gives only as a direction has one bound and no centre.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

TARGETS_FILE = Path(__file__).with_name("targets.toml")

PATTERN_STEPS = 300
"""The run length at which the patterns are measured (``python -m model patterns``, the
calibration, the validation report): the length of most experiments' runs, past the transient
from initial prejudice (ODD 8.2); the statistics drift with the run length, so one length for
all."""


@dataclass(frozen=True)
class GroupContacts:
    """One run's contact record, one entry per group.

    ``trust`` is the group's trust in the other groups as a whole (model.core.contact_record
    says how it is measured); ``mediated`` and
    ``unmediated`` count the encounters it took part in; ``positive`` and ``negative`` count
    its virtuous and hostile ones; ``change_mediated`` and ``change_unmediated`` sum the
    changes of its trust that mediated and unmediated encounters made.
    """

    trust: np.ndarray
    mediated: np.ndarray
    unmediated: np.ndarray
    positive: np.ndarray
    negative: np.ndarray
    change_mediated: np.ndarray
    change_unmediated: np.ndarray

    def __post_init__(self):
        n = None
        for name in self.__dataclass_fields__:
            value = np.asarray(getattr(self, name), dtype=float)
            if value.ndim != 1:
                raise ValueError(f"{name} must be one value per group; got shape {value.shape}")
            if n is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} groups, trust has {n}")
            n = len(value)
            bad = np.flatnonzero(~np.isfinite(value))
            if len(bad):
                raise ValueError(f"{name} must be finite; group {bad[0]} has {value[bad[0]]}")
            bad = np.flatnonzero(value < 0)
            if name in ("mediated", "unmediated", "positive", "negative") and len(bad):
                raise ValueError(f"{name} counts encounters and cannot be negative; group "
                                 f"{bad[0]} has {value[bad[0]]:g}")
            object.__setattr__(self, name, value)


def correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r across groups; NaN when either side does not vary (r is undefined)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def standardised_betas(y: np.ndarray, *predictors: np.ndarray) -> tuple[float, ...]:
    """Coefficients of the least-squares regression of y on the predictors, all z-scored, so
    that their sizes compare (what the contact literature reports); NaN if any is constant."""
    columns = [np.asarray(p, dtype=float) for p in predictors]
    y = np.asarray(y, dtype=float)
    if len(y) <= len(columns) + 1 or any(np.ptp(c) == 0 for c in columns + [y]):
        return tuple(math.nan for _ in columns)
    z = np.column_stack([(c - c.mean()) / c.std() for c in columns])
    beta, *_ = np.linalg.lstsq(z, (y - y.mean()) / y.std(), rcond=None)
    return tuple(float(b) for b in beta)


def pattern_statistics(record: GroupContacts) -> dict[str, float]:
    """Every statistic the targets name, for one run."""
    r = correlation(record.mediated + record.unmediated, record.trust)
    r_med = correlation(record.mediated, record.trust)
    r_unmed = correlation(record.unmediated, record.trust)
    beta_pos, beta_neg = standardised_betas(record.trust, record.positive, record.negative)
    negative = record.negative.sum()
    n_med, n_unmed = record.mediated.sum(), record.unmediated.sum()
    per_med = record.change_mediated.sum() / n_med if n_med else math.nan
    per_unmed = record.change_unmediated.sum() / n_unmed if n_unmed else math.nan
    return {
        "contact_trust_r": r,
        "mediated_minus_unmediated_r": r_med - r_unmed,
        "positive_negative_ratio": record.positive.sum() / negative if negative else math.inf,
        "beta_positive": beta_pos,
        "beta_negative": beta_neg,
        "negative_minus_positive_beta": abs(beta_neg) - abs(beta_pos),
        "unmediated_trust_change": per_unmed,
        "mediated_trust_change": per_med,
        "mediated_minus_unmediated_change": per_med - per_unmed,
    }


@dataclass(frozen=True)
class Target:
    """One pattern's statistic and the range that reproduces it, with its source.

    ``centre`` and ``scale`` are the value the source reports and its uncertainty (how far
    from the centre a value still agrees with the source), with ``scale_basis`` saying where
    the uncertainty comes from; both are None for a target the source gives only as a
    direction (one bound, a one-sided constraint).
    """

    name: str
    statistic: str
    low: float
    high: float
    claim: str
    source: str
    where: str
    centre: float | None = None
    scale: float | None = None
    scale_basis: str = ""

    @property
    def one_sided(self) -> bool:
        """Whether the source gives only a direction (a bound and no centre)."""
        return self.centre is None

    def holds(self, value: float) -> bool:
        """Whether a value lies in the target range (NaN never does)."""
        return bool(self.low <= value <= self.high)


_STATISTICS = ("contact_trust_r", "mediated_minus_unmediated_r", "positive_negative_ratio",
               "beta_positive", "beta_negative", "negative_minus_positive_beta",
               "unmediated_trust_change", "mediated_trust_change",
               "mediated_minus_unmediated_change")


_FIELDS = ("statistic", "low", "high", "centre", "scale", "scale_basis", "claim", "source",
           "where")


def _uncertainty(entry: dict, bounds: dict, where: str) -> tuple[float | None, float | None, str]:
    """A target's centre, scale and scale_basis, checked: all three or none, the centre inside
    the target range and the scale a positive number."""
    given = [f for f in ("centre", "scale", "scale_basis") if f in entry]
    if not given:
        return None, None, ""
    missing = [f for f in ("centre", "scale", "scale_basis") if f not in entry]
    if missing:
        raise ValueError(f"{where}: {', '.join(given)} given without {', '.join(missing)}: a "
                         "target with a centre needs centre, scale and scale_basis together")
    for field in ("centre", "scale"):
        value = entry[field]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{where}: {field} must be a finite number; got {value!r}")
    centre, scale = float(entry["centre"]), float(entry["scale"])
    if scale <= 0:
        raise ValueError(f"{where}: scale must be a positive number; got {scale:g}")
    if not bounds["low"] <= centre <= bounds["high"]:
        raise ValueError(f"{where}: centre = {centre:g} lies outside the target range "
                         f"[{bounds['low']:g}, {bounds['high']:g}]")
    if not isinstance(entry["scale_basis"], str) or not entry["scale_basis"].strip():
        raise ValueError(f"{where}: scale_basis is required with a scale, as non-empty text "
                         "saying where the uncertainty comes from")
    return centre, scale, entry["scale_basis"]


def load_targets(path: Path | str = TARGETS_FILE) -> tuple[Target, ...]:
    """The patterns of a targets file, checked: a malformed one is refused by field."""
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"{path}: cannot read the targets: {err}") from None
    targets = []
    for name, entry in table.items():
        where = f"{path}: [{name}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be a table of fields, not {entry!r}")
        unknown = set(entry) - set(_FIELDS)
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: "
                             f"{', '.join(_FIELDS)}")
        for field in ("statistic", "claim", "source", "where"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise ValueError(f"{where}: {field} is required, as non-empty text")
        if entry["statistic"] not in _STATISTICS:
            raise ValueError(f"{where}: statistic {entry['statistic']!r} is not one of "
                             f"{', '.join(_STATISTICS)}")
        bounds = {}
        for field, default in (("low", -math.inf), ("high", math.inf)):
            value = entry.get(field, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise ValueError(f"{where}: {field} must be a number; got {value!r}")
            bounds[field] = float(value)
        if "low" not in entry and "high" not in entry:
            raise ValueError(f"{where}: give low, high or both")
        if bounds["low"] > bounds["high"]:
            raise ValueError(f"{where}: low = {bounds['low']:g} is above high = {bounds['high']:g}")
        centre, scale, basis = _uncertainty(entry, bounds, where)
        targets.append(Target(name, entry["statistic"], bounds["low"], bounds["high"],
                              entry["claim"], entry["source"], entry["where"],
                              centre, scale, basis))
    if not targets:
        raise ValueError(f"{path}: no patterns")
    return tuple(targets)


@dataclass(frozen=True)
class PatternResult:
    """A pattern over runs: the mean statistic, its 95% interval and whether it holds."""

    target: Target
    mean: float
    low: float
    high: float
    runs: int

    @property
    def holds(self) -> bool:
        """The mean over runs lies in the target range."""
        return self.target.holds(self.mean)


def interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t interval over runs (NaN runs left out; one run: no interval)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) == 1 or not np.all(np.isfinite(x)):
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return mean, mean - half, mean + half


def evaluate(records, targets: tuple[Target, ...] | None = None) -> list[PatternResult]:
    """Each target's statistic over the runs' records (one GroupContacts per seed)."""
    return evaluate_statistics([pattern_statistics(r) for r in records], targets)


def evaluate_statistics(per_run: list[dict],
                        targets: tuple[Target, ...] | None = None) -> list[PatternResult]:
    """Each target over runs already measured (``pattern_statistics`` of each run)."""
    targets = load_targets() if targets is None else targets
    if not per_run:
        raise ValueError("no runs to evaluate")
    out = []
    for target in targets:
        mean, low, high = interval([s[target.statistic] for s in per_run])
        out.append(PatternResult(target, mean, low, high, len(per_run)))
    return out
