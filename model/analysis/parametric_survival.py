"""Parametric lifetime models with right censoring: Weibull and log-logistic fits, the shape
parameter's confidence interval and what it says about the hazard
(``model/analysis/parametric_survival.py``; the figure is ``model.plots.plot_hazard_fit``).

A Kaplan-Meier curve (``model.analysis.survival``) shows how many units survive but not
whether the risk of ending rises or falls with age; a two-parameter model's shape answers
that with an interval. The maximum-likelihood fit is scipy's (``weibull_min.fit`` or
``fisk.fit`` on ``scipy.stats.CensoredData``, location fixed at 0); the standard errors come
from the observed information, the Hessian of the log-likelihood at the estimate
(``scipy.differentiate.hessian``), on the log scale of both parameters so that the Wald
interval of the shape stays positive.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import differentiate, optimize, stats

from model.analysis.input_errors import InputError, InputTypeError
from model.analysis.survival import event_flags

MODELS = {"weibull": stats.weibull_min, "log-logistic": stats.fisk}
"""The lifetime models, by name, as scipy distributions (shape ``c``, ``scale``; loc = 0)."""


@dataclass(frozen=True)
class ParametricFit:
    """One maximum-likelihood fit of a lifetime model, kept small and immutable so that a
    result table or a figure can be built from it without refitting."""

    model: str
    scale: float
    shape: float
    scale_se: float
    shape_se: float
    shape_low: float
    shape_high: float
    confidence: float
    log_likelihood: float
    n: int
    events: int

    @property
    def aic(self) -> float:
        """Akaike's information criterion, -2 log L + 2 x 2 parameters, to compare the models."""
        return 2 * 2 - 2 * self.log_likelihood

    @property
    def distribution(self):
        """The fitted scipy distribution (frozen), for quantiles, means or random draws."""
        return MODELS[self.model](self.shape, loc=0, scale=self.scale)

    @property
    def peak_age(self) -> float:
        """Age at which a log-logistic hazard peaks, scale x (shape - 1)^(1/shape); NaN when it
        has no peak (shape <= 1, or a Weibull model, whose hazard is monotone)."""
        if self.model != "log-logistic" or self.shape <= 1:
            return float("nan")
        return float(self.scale * (self.shape - 1) ** (1 / self.shape))

    @property
    def reading(self) -> str:
        """What the shape's interval says about the hazard, in plain words."""
        interval = (f"shape {self.shape:.2f}, {self.confidence:.0%} CI "
                    f"{self.shape_low:.2f} to {self.shape_high:.2f}")
        if self.model == "weibull":
            if self.shape_low > 1:
                return f"the hazard rises with age (Weibull {interval}, above 1)"
            if self.shape_high < 1:
                return f"the hazard falls with age (Weibull {interval}, below 1)"
            return ("no evidence that the hazard changes with age "
                    f"(Weibull {interval}, includes 1)")
        if self.shape_low > 1:
            return ("the hazard rises to a peak near age "
                    f"{self.peak_age:.3g} and falls after it (log-logistic {interval}, above 1)")
        if self.shape_high <= 1:
            return f"the hazard falls with age from the start (log-logistic {interval}, at most 1)"
        return ("the hazard falls at late ages, but whether it first rises to a peak is not "
                f"settled (log-logistic {interval}, includes 1)")


def lifetimes(durations, event=None, censored=None) -> tuple[np.ndarray, np.ndarray]:
    """Durations as floats and the observed-end flags, refusing what a parametric fit cannot
    use: durations that are missing, infinite, zero or negative (the models live on t > 0),
    lengths that differ, and data without a single observed end (no maximum exists)."""
    observed = event_flags(event, censored)
    try:
        values = np.asarray(durations, dtype=float).ravel()
    except (TypeError, ValueError) as error:
        raise InputTypeError(f"durations must be numbers (weeks, steps, ...); {error}") from None
    if values.shape != observed.shape:
        raise InputError(f"durations ({len(values)}) and the event flags ({len(observed)}) "
                         "differ in length")
    bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
    if len(bad):
        raise InputError(f"durations must be finite and > 0 for a parametric fit; row {bad[0]} "
                         f"is {float(values[bad[0]])!r}")
    if not observed.any():
        raise InputError(f"none of the {len(values)} lifetimes has an observed end (all are "
                         "censored): the likelihood has no maximum, so the fit is undefined")
    return values, observed


def _negative_log_likelihood(dist, times, observed):
    """-log L as a function of (log scale, log shape), vectorised over extra trailing axes
    of the parameters as ``scipy.differentiate.hessian`` needs."""
    dead, alive = times[observed], times[~observed]

    def nll(theta):
        scale = np.exp(np.asarray(theta[0], dtype=float))[..., None]
        shape = np.exp(np.asarray(theta[1], dtype=float))[..., None]
        return -(dist.logpdf(dead, shape, scale=scale).sum(-1)
                 + dist.logsf(alive, shape, scale=scale).sum(-1))

    return nll


def _tight_simplex(func, x0, args=(), disp=0):
    """Nelder-Mead with tolerances tight enough that the estimate is the maximum to many
    digits (scipy's default stops at about 1e-4)."""
    return optimize.fmin(func, x0, args=args, xtol=1e-10, ftol=1e-12, maxiter=2_000,
                         maxfun=4_000, disp=disp)


def fit_lifetimes(model: str, durations, *, event=None, censored=None,
                  confidence: float = 0.95) -> ParametricFit:
    """Maximum-likelihood fit of ``model`` ("weibull" or "log-logistic") to right-censored
    lifetimes, with the shape's Wald interval on the log scale.

    Raises ValueError for bad input (see :func:`lifetimes`) and when the likelihood has no
    interior maximum (e.g. all observed ends at the same time), where no interval exists.
    """
    if model not in MODELS:
        raise InputError(f"model must be one of {sorted(MODELS)}; got {model!r}")
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1 (exclusive); got {confidence!r}")
    times, observed = lifetimes(durations, event, censored)
    dist = MODELS[model]
    data = stats.CensoredData(uncensored=times[observed], right=times[~observed])
    nll = _negative_log_likelihood(dist, times, observed)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # A likelihood without maximum overflows, and scipy's starting guess warns on tied
        # data; both end in the check below.
        warnings.filterwarnings("ignore", message="Precision loss occurred in moment")
        shape, _, scale = dist.fit(data, floc=0, optimizer=_tight_simplex)
        estimate = np.log([scale, shape])
        information = differentiate.hessian(nll, estimate).ddf
    if not (np.all(np.isfinite(information)) and np.all(np.linalg.eigvalsh(information) > 0)):
        raise InputError(f"the {model} likelihood has no interior maximum for these data "
                         f"(estimate scale {scale:.4g}, shape {shape:.4g}); no interval exists")
    log_se = np.sqrt(np.diag(np.linalg.inv(information)))
    z = stats.norm.ppf(0.5 + confidence / 2)
    return ParametricFit(
        model=model, scale=float(scale), shape=float(shape),
        scale_se=float(scale * log_se[0]), shape_se=float(shape * log_se[1]),
        shape_low=float(shape * np.exp(-z * log_se[1])),
        shape_high=float(shape * np.exp(z * log_se[1])),
        confidence=confidence, log_likelihood=float(-nll(estimate)),
        n=len(times), events=int(observed.sum()))


def fit_weibull(durations, *, event=None, censored=None, confidence: float = 0.95) -> ParametricFit:
    """Weibull fit, S(t) = exp(-(t / scale)^shape): its hazard rises with age when shape > 1,
    is constant at 1 (exponential) and falls below 1. See :func:`fit_lifetimes`."""
    return fit_lifetimes("weibull", durations, event=event, censored=censored,
                         confidence=confidence)


def fit_loglogistic(durations, *, event=None, censored=None,
                    confidence: float = 0.95) -> ParametricFit:
    """Log-logistic fit, S(t) = 1 / (1 + (t / scale)^shape): its hazard rises to a peak and
    then falls when shape > 1, and falls from the start when shape <= 1, so it can show a risk
    that is highest at middle age, which a Weibull cannot. See :func:`fit_lifetimes`."""
    return fit_lifetimes("log-logistic", durations, event=event, censored=censored,
                         confidence=confidence)


def fitted_curves(fit: ParametricFit, times) -> pd.DataFrame:
    """Fitted survival S(t) and hazard h(t) = f(t) / S(t) on a grid of times (>= 0), as a
    table with ``time``, ``survival`` and ``hazard``, for figures and for comparing models."""
    grid = np.asarray(times, dtype=float).ravel()
    bad = np.flatnonzero(~np.isfinite(grid) | (grid < 0))
    if len(bad):
        raise InputError(f"times must be finite and >= 0; entry {bad[0]} is {float(grid[bad[0]])!r}")
    dist = fit.distribution
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        hazard = np.exp(dist.logpdf(grid) - dist.logsf(grid))
    return pd.DataFrame({"time": grid, "survival": dist.sf(grid), "hazard": hazard})
