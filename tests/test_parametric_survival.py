"""Parametric survival fits (model/analysis/parametric_survival.py) checked against lifelines
on the Freireich et al. (1963) remission times, their readings, hazards, input checks and
figure.

lifelines declares pandas < 3, so it is not installed with the project; its fits of the same
data are recorded in tests/data/survival_freireich/lifelines_reference.csv, with the script
that regenerates them beside it."""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

from model.analysis.parametric_survival import (  # noqa: E402
    ParametricFit, fit_lifetimes, fit_loglogistic, fit_weibull, fitted_curves)
from model.plots import plot_hazard_fit  # noqa: E402

DATA = pd.read_csv(Path(__file__).parent / "data" / "survival_freireich" / "remission.csv")
SIX_MP = DATA[DATA["arm"] == "6-MP"]
PLACEBO = DATA[DATA["arm"] == "placebo"]
Z95 = stats.norm.ppf(0.975)

LIFELINES = pd.read_csv(Path(__file__).parent / "data" / "survival_freireich"
                        / "lifelines_reference.csv").set_index(["arm", "model"])
FITS = {"weibull": fit_weibull, "log-logistic": fit_loglogistic}


def test_the_data_file_holds_the_published_trial():
    assert len(SIX_MP) == len(PLACEBO) == 21
    assert SIX_MP["relapsed"].sum() == 9 and PLACEBO["relapsed"].sum() == 21
    six_mp = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    assert sorted(SIX_MP["weeks"]) == six_mp


@pytest.mark.parametrize("model", FITS)
@pytest.mark.parametrize("arm", ["6-MP", "placebo"])
def test_fit_matches_lifelines_on_the_remission_times(model, arm):
    rows = DATA[DATA["arm"] == arm]
    fit = FITS[model](rows["weeks"], event=rows["relapsed"])
    theirs = LIFELINES.loc[(arm, model)]
    assert fit.scale == pytest.approx(theirs["scale"], rel=1e-4)
    assert fit.shape == pytest.approx(theirs["shape"], rel=1e-4)
    assert fit.scale_se == pytest.approx(theirs["scale_se"], rel=1e-3)
    assert fit.shape_se == pytest.approx(theirs["shape_se"], rel=1e-3)
    assert fit.log_likelihood == pytest.approx(theirs["log_likelihood"], abs=1e-6)
    assert fit.aic == pytest.approx(theirs["aic"], abs=1e-5)
    # Our interval is lifelines' Wald interval taken on the log scale (it stays positive).
    half = Z95 * theirs["shape_se"] / theirs["shape"]
    assert fit.shape_low == pytest.approx(fit.shape * np.exp(-half), rel=1e-3)
    assert fit.shape_high == pytest.approx(fit.shape * np.exp(half), rel=1e-3)
    assert (fit.n, fit.events) == (21, int(rows["relapsed"].sum()))


def test_readings_of_the_remission_times():
    weibull = fit_weibull(SIX_MP["weeks"], event=SIX_MP["relapsed"])
    assert weibull.shape_low < 1 < weibull.shape_high
    assert weibull.reading.startswith("no evidence that the hazard changes with age")
    placebo = fit_loglogistic(PLACEBO["weeks"], event=PLACEBO["relapsed"])
    assert placebo.shape_low > 1
    assert placebo.reading.startswith(f"the hazard rises to a peak near age {placebo.peak_age:.3g}")


def test_censored_flags_give_the_same_fit_as_event_flags():
    by_event = fit_weibull(SIX_MP["weeks"], event=SIX_MP["relapsed"])
    by_censored = fit_weibull(SIX_MP["weeks"].to_numpy(), censored=SIX_MP["relapsed"].to_numpy() == 0)
    assert by_censored == by_event


@pytest.mark.parametrize("model, shape, words", [
    ("weibull", 2.0, "the hazard rises with age"),
    ("weibull", 0.5, "the hazard falls with age"),
    ("log-logistic", 3.0, "the hazard rises to a peak"),
    ("log-logistic", 0.6, "the hazard falls with age from the start"),
])
def test_simulated_lifetimes_recover_the_shape_and_its_reading(model, shape, words):
    rng = np.random.default_rng(7)
    dist = {"weibull": stats.weibull_min, "log-logistic": stats.fisk}[model]
    lifetimes = dist.rvs(shape, scale=10.0, size=400, random_state=rng)
    ends = rng.uniform(0, 40, size=400)  # independent censoring
    fit = fit_lifetimes(model, np.minimum(lifetimes, ends), event=lifetimes <= ends)
    assert fit.shape_low < shape < fit.shape_high
    assert fit.reading.startswith(words)


def _fit(model, low, high):
    return ParametricFit(model=model, scale=10.0, shape=(low + high) / 2, scale_se=1.0,
                         shape_se=0.1, shape_low=low, shape_high=high, confidence=0.95,
                         log_likelihood=-10.0, n=20, events=10)


@pytest.mark.parametrize("model, low, high, words", [
    ("weibull", 1.1, 2.0, "the hazard rises with age"),
    ("weibull", 0.4, 0.9, "the hazard falls with age"),
    ("weibull", 0.9, 1.1, "no evidence that the hazard changes with age"),
    ("log-logistic", 1.2, 2.0, "the hazard rises to a peak near age"),
    ("log-logistic", 0.5, 1.0, "the hazard falls with age from the start"),
    ("log-logistic", 0.8, 1.5, "the hazard falls at late ages, but whether it first rises"),
])
def test_reading_follows_the_whole_interval(model, low, high, words):
    fit = _fit(model, low, high)
    assert fit.reading.startswith(words)
    assert f"{low:.2f} to {high:.2f}" in fit.reading


def test_fitted_curves_follow_the_closed_forms():
    times = np.array([0.0, 0.5, 3.0, 10.0, 40.0])
    weibull = _fit("weibull", 1.0, 2.0)  # shape 1.5, scale 10
    curves = fitted_curves(weibull, times)
    assert np.allclose(curves["survival"], np.exp(-(times / 10) ** 1.5))
    assert np.allclose(curves["hazard"], 1.5 / 10 * (times / 10) ** 0.5)
    loglogistic = _fit("log-logistic", 2.0, 4.0)  # shape 3, scale 10
    curves = fitted_curves(loglogistic, times)
    odds = (times / 10) ** 3
    assert np.allclose(curves["survival"], 1 / (1 + odds))
    assert np.allclose(curves["hazard"], 3 / 10 * (times / 10) ** 2 / (1 + odds))


def test_loglogistic_peak_age_is_where_the_hazard_is_highest():
    fit = _fit("log-logistic", 2.0, 4.0)
    grid = np.linspace(0.01, 40, 40_001)
    hazard = fitted_curves(fit, grid)["hazard"].to_numpy()
    assert fit.peak_age == pytest.approx(grid[np.argmax(hazard)], abs=2e-3)
    assert np.isnan(_fit("log-logistic", 0.5, 1.0).peak_age)
    assert np.isnan(_fit("weibull", 2.0, 4.0).peak_age)


@pytest.mark.parametrize("durations, flags, message", [
    ([5, -1, 3], [1, 1, 0], "row 1 is -1.0"),
    ([5, np.nan, 3], [1, 1, 0], "row 1 is nan"),
    ([5, 0, 3], [1, 1, 0], "> 0"),
    ([5, 4, 3], [1, 1], "differ in length"),
    ([5, 4, 3], [0, 0, 0], "all are censored"),
    ([5, 5, 5, 5], [1, 1, 1, 1], "no interior maximum"),
    ([5, 4, 3], [1, 2, 0], "row 1 is 2"),
])
def test_bad_lifetimes_are_refused_clearly(durations, flags, message):
    for fit in (fit_weibull, fit_loglogistic):
        with pytest.raises(ValueError, match=message):
            fit(durations, event=flags)


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(TypeError, match="exactly one"):
        fit_weibull([1, 2, 3])
    with pytest.raises(TypeError, match="durations must be numbers.*'long'"):
        fit_weibull([1, "long", 3], event=[1, 1, 0])
    with pytest.raises(ValueError, match="model must be one of"):
        fit_lifetimes("gompertz", [1, 2, 3], event=[1, 1, 1])
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        fit_weibull([1, 2, 3], event=[1, 1, 0], confidence=95)
    with pytest.raises(ValueError, match="entry 1 is -2.0"):
        fitted_curves(_fit("weibull", 1.0, 2.0), [1.0, -2.0])


def test_plot_hazard_fit_draws_km_fits_and_hazards():
    fits = [fit_weibull(SIX_MP["weeks"], event=SIX_MP["relapsed"]),
            fit_loglogistic(SIX_MP["weeks"], event=SIX_MP["relapsed"])]
    fig = plot_hazard_fit(SIX_MP["weeks"], fits, event=SIX_MP["relapsed"])
    left, right = fig.axes
    labels = [text.get_text() for text in left.get_legend().get_texts()]
    assert labels[0] == "Kaplan-Meier"
    assert labels[1].startswith("weibull: shape 1.35") and labels[2].startswith("log-logistic")
    assert len(left.collections) == 1  # the Kaplan-Meier band
    assert len(left.lines) == 4  # step, censoring ticks, two fits
    assert [line.get_label() for line in right.lines] == ["weibull", "log-logistic"]
    weibull_hazard = right.lines[0].get_ydata()
    assert np.all(np.diff(weibull_hazard) >= 0)  # shape 1.35 > 1: rising
    plt.close(fig)
