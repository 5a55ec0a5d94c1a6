"""Survival analysis of lifetimes with right censoring: Kaplan-Meier curves and median lifetime
(``model/analysis/survival.py``; the figure of the curves is ``model.plots.plot_survival``).

Alliances (or contracts) still alive when a run ends have only a lower bound on their
lifetime; dropping them or counting them as dead biases a summary toward short lives.
The Kaplan-Meier estimator (Kaplan and Meier 1958) uses them correctly, and the median
lifetime with its confidence interval is read off the estimated curve and its band
(Brookmeyer and Crowley 1982). The estimator itself is scipy's ``scipy.stats.ecdf`` on
``scipy.stats.CensoredData``; this module only arranges its output and reads the median.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from model.analysis.input_errors import InputError, InputTypeError

KM_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "lower", "upper")


_EVENT_NAMES = ("event", "observed", "died", "dead", "death", "failed", "failure", "ended")


def event_flags(event=None, censored=None) -> np.ndarray:
    """True where the end of a lifetime was observed, from exactly one of ``event=`` (True =
    observed) or ``censored=`` (True = still alive at the end of observation).

    A data set's ``censored`` column given as ``event=`` (or the reverse) would silently turn
    the curve upside down, so a column whose name says the opposite is refused, as are flags
    other than True/False or 1/0.
    """
    if (event is None) == (censored is None):
        raise InputTypeError("give the lifetimes' flags as event= (True = the end was observed) or "
                             "censored= (True = still alive when observation ended), exactly one")
    flags, given = (event, "event") if censored is None else (censored, "censored")
    name = str(getattr(flags, "name", "") or "").lower()
    if given == "event" and "censor" in name:
        raise InputError(f"event= got a column named {flags.name!r}; pass it as censored=")
    if given == "censored" and name.startswith(_EVENT_NAMES):
        raise InputError(f"censored= got a column named {flags.name!r}; pass it as event=")
    values = np.asarray(flags).ravel()
    if values.dtype != bool:
        numeric = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
        bad = np.flatnonzero(~np.isin(numeric, (0.0, 1.0)))
        if len(bad):
            value = values[bad[0]]
            value = value.item() if isinstance(value, np.generic) else value
            raise InputError(f"{given}= must hold True/False or 1/0; row {bad[0]} is {value!r}")
        values = numeric == 1.0
    return values if given == "event" else ~values


def _as_lifetimes(durations, event, censored) -> tuple[np.ndarray, np.ndarray]:
    """Durations as floats and the event flags as booleans, checked to match."""
    observed = event_flags(event, censored)
    durations = np.asarray(durations, dtype=float).ravel()
    if durations.shape != observed.shape:
        raise InputError(f"durations ({len(durations)}) and observed ({len(observed)}) differ in length")
    if np.any(~np.isfinite(durations)) or np.any(durations < 0):
        raise InputError("durations must be finite and non-negative")
    return durations, observed


def kaplan_meier(durations, *, event=None, censored=None, confidence: float = 0.95,
                 method: str = "linear") -> pd.DataFrame:
    """Kaplan-Meier survival curve with a pointwise confidence band.

    Censored lifetimes still say "lived longer than this", and the product-limit estimator
    (Kaplan and Meier 1958), the nonparametric maximum-likelihood estimate of the survival
    function, uses that instead of dropping them. Computed with
    ``scipy.stats.ecdf(scipy.stats.CensoredData(uncensored=..., right=...))``; the band is
    ``.sf.confidence_interval(confidence, method)``, i.e. Greenwood's (1926) variance with a
    plain ("linear", clipped to [0, 1]) or "log-log" transform.

    Parameters
    ----------
    durations : array_like
        Lifetime of each unit (>= 0): time to death, or to the end of observation.
    event, censored : array_like of bool (exactly one, by keyword)
        ``event``: True when the death was observed; ``censored``: True when the lifetime
        is right-censored (see :func:`event_flags`).
    confidence : float
        Confidence level of the pointwise band.
    method : {"linear", "log-log"}
        Transform of the band, as in scipy.

    Returns
    -------
    pandas.DataFrame
        One row per distinct duration (deaths and censorings), in increasing order, with
        ``time``, ``at_risk`` (units with duration >= time), ``events`` (deaths at time),
        ``censored`` (censorings at time), ``survival`` (S(t), right-continuous: S just
        after the deaths at ``time``), ``lower`` and ``upper``. S(t) = 1 before the first
        row. The band is NaN where Greenwood's variance is undefined (once S(t) = 0).
        Empty when there are no durations.
    """
    durations, observed = _as_lifetimes(durations, event, censored)
    if len(durations) == 0:
        return pd.DataFrame({c: np.zeros(0) for c in KM_COLUMNS})
    times, inverse = np.unique(durations, return_inverse=True)
    events = np.bincount(inverse, weights=observed, minlength=len(times)).astype(np.int64)
    censored = np.bincount(inverse, weights=~observed, minlength=len(times)).astype(np.int64)
    at_risk = len(durations) - np.concatenate([[0], np.cumsum(events + censored)[:-1]])
    result = stats.ecdf(stats.CensoredData(uncensored=durations[observed], right=durations[~observed]))
    with warnings.catch_warnings():
        # scipy warns where Greenwood's variance is undefined (S = 0); those entries are NaN.
        warnings.filterwarnings("ignore", message="The confidence interval is undefined")
        band = result.sf.confidence_interval(confidence_level=confidence, method=method)
    return pd.DataFrame({
        "time": times, "at_risk": at_risk, "events": events, "censored": censored,
        "survival": result.sf.evaluate(times), "lower": band.low.evaluate(times),
        "upper": band.high.evaluate(times),
    })


def first_crossing(times: np.ndarray, curve: np.ndarray, level: float = 0.5) -> float:
    """First time at which a decreasing step curve is at or below ``level``.

    Returns inf when the curve stays above ``level``, and NaN when it becomes undefined
    (NaN) before reaching it.
    """
    stop = np.flatnonzero(np.isnan(curve) | (curve <= level))
    if len(stop) == 0:
        return float("inf")
    first = stop[0]
    return float("nan") if np.isnan(curve[first]) else float(times[first])


def median_lifetime(durations, *, event=None, censored=None, confidence: float = 0.95,
                    method: str = "linear") -> tuple[float, float, float]:
    """Median lifetime and its confidence interval, from the Kaplan-Meier curve and band.

    The median is the first time the Kaplan-Meier curve is at or below 0.5. Its interval
    is the set of times whose survival band contains 0.5 (Brookmeyer and Crowley 1982): the
    lower limit is the first time the *lower* band is at or below 0.5, the upper limit the
    first time the *upper* band is. With the default linear (Greenwood) band this is
    Brookmeyer and Crowley's construction; ``method="log-log"`` gives the variant used by
    most survival packages.

    Returns
    -------
    (median, low, high) : tuple of float
        ``inf`` when a curve never reaches 0.5 within the data (more than half the units
        outlive the longest observation, so the quantity is not estimable from above);
        ``nan`` when there are no durations, or when the band becomes undefined (S = 0,
        Greenwood's variance is 0/0) before reaching 0.5.
    """
    table = kaplan_meier(durations, event=event, censored=censored, confidence=confidence,
                         method=method)
    if len(table) == 0:
        return float("nan"), float("nan"), float("nan")
    times = table["time"].to_numpy()
    return (first_crossing(times, table["survival"].to_numpy()),
            first_crossing(times, table["lower"].to_numpy()),
            first_crossing(times, table["upper"].to_numpy()))


def step_points(table: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Times and curve values of a Kaplan-Meier table, starting at (0, 1), for step plots."""
    times = np.concatenate([[0.0], table["time"].to_numpy(dtype=float)])
    columns = [np.concatenate([[1.0], table[c].to_numpy(dtype=float)])
               for c in ("survival", "lower", "upper")]
    return (times, *columns)
