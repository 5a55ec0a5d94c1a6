"""Kaplan-Meier curves, median lifetime with its interval, and the survival figure."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import pandas as pd  # noqa: E402

from model.analysis.survival import first_crossing, kaplan_meier, median_lifetime  # noqa: E402
from model.plots import plot_survival  # noqa: E402

# Remission times (weeks) of the 6-MP arm of Freireich et al. (1963), the classic censored
# example of survival textbooks (e.g. Kleinbaum and Klein, Survival Analysis, ch. 2).
SIX_MP = np.array([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35])
SIX_MP_DIED = np.array([1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], dtype=bool)

# Hand computation at each death time: n at risk, d deaths,
# S(t) = prod (1 - d/n), Greenwood se = S * sqrt(sum d / (n (n - d))).
# Textbook values: S = .857 .807 .753 .690 .628 .538 .448, se = .076 .087 .096 .107 .114 .128 .135
HAND_TABLE = [  # time, at risk, deaths, S(t) as a fraction, Greenwood se
    (6, 21, 3, 18 / 21, 0.07636),
    (7, 17, 1, 96 / 119, 0.08694),
    (10, 15, 1, 64 / 85, 0.09635),
    (13, 12, 1, 176 / 255, 0.10681),
    (16, 11, 1, 32 / 51, 0.11405),
    (22, 7, 1, 64 / 119, 0.12823),
    (23, 6, 1, 160 / 357, 0.13459),
]
Z95 = 1.959963984540054


def test_kaplan_meier_matches_the_hand_computed_textbook_table():
    table = kaplan_meier(SIX_MP, event=SIX_MP_DIED).set_index("time")
    for time, at_risk, deaths, survival, se in HAND_TABLE:
        row = table.loc[time]
        assert row["at_risk"] == at_risk
        assert row["events"] == deaths
        assert row["survival"] == pytest.approx(survival, abs=1e-12)
        assert row["lower"] == pytest.approx(max(survival - Z95 * se, 0.0), abs=1e-4)
        assert row["upper"] == pytest.approx(min(survival + Z95 * se, 1.0), abs=1e-4)


def test_kaplan_meier_lists_censorings_without_dropping_the_curve():
    table = kaplan_meier(SIX_MP, event=SIX_MP_DIED).set_index("time")
    assert table.loc[6, "censored"] == 1
    assert table.loc[9, ["at_risk", "events", "censored"]].tolist() == [16, 0, 1]
    assert table.loc[9, "survival"] == pytest.approx(96 / 119)  # unchanged by a censoring
    assert table.loc[35, "survival"] == pytest.approx(160 / 357)  # last value carried on
    assert table["events"].sum() == SIX_MP_DIED.sum()
    assert table["censored"].sum() == (~SIX_MP_DIED).sum()


def test_without_censoring_kaplan_meier_is_one_minus_the_empirical_cdf():
    durations = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    table = kaplan_meier(durations, event=np.ones(8, dtype=bool))
    expected = [np.mean(durations > t) for t in table["time"]]
    assert table["survival"].to_numpy() == pytest.approx(expected)


def test_kaplan_meier_rejects_mismatched_or_negative_input():
    with pytest.raises(ValueError):
        kaplan_meier([1, 2, 3], event=[True, False])
    with pytest.raises(ValueError):
        kaplan_meier([1, -2], event=[True, True])


def test_median_lifetime_of_the_textbook_example():
    # Median 23 (first S <= 0.5); the linear band's lower edge first falls to 0.5 at week 13
    # (0.690 - 1.96 * 0.107 = 0.481), its upper edge never does (0.448 + 1.96 * 0.135 > 0.5).
    assert median_lifetime(SIX_MP, event=SIX_MP_DIED) == (23.0, 13.0, float("inf"))


def test_median_interval_is_read_where_the_band_crosses_one_half():
    # Ten deaths at 1..10, no censoring: S(t) = 1 - t/10, se = sqrt(S (1 - S) / 10).
    # Lower edge: t=2: .8 - 1.96 * .126 = .552; t=3: .7 - 1.96 * .145 = .416 -> 3.
    # Upper edge: t=7: .3 + .284 = .584;       t=8: .2 + .248 = .448 -> 8.
    assert median_lifetime(np.arange(1, 11), event=np.ones(10, dtype=bool)) == (5.0, 3.0, 8.0)


def test_median_interval_narrows_with_more_data_and_contains_the_median():
    rng = np.random.default_rng(3)
    widths = []
    for n in (20, 200, 2000):
        durations = rng.exponential(10.0, n).round() + 1
        observed = rng.random(n) < 0.8
        median, low, high = median_lifetime(durations, event=observed)
        assert low <= median <= high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]


def test_median_is_infinite_when_most_lifetimes_are_censored():
    median, low, high = median_lifetime([5, 6, 7, 8], event=[True, False, False, False])
    assert median == float("inf") and high == float("inf")
    assert median_lifetime([4, 9], event=[False, False]) == (float("inf"),) * 3


def test_median_interval_is_nan_when_the_band_is_undefined_first():
    # One death and nothing else: S drops from 1 to 0, Greenwood's variance is 0/0 there.
    median, low, high = median_lifetime([3], event=[True])
    assert median == 3.0 and np.isnan(low) and np.isnan(high)


def test_median_of_no_data_is_nan():
    assert all(np.isnan(median_lifetime([], event=[])))


def test_first_crossing_rules():
    times = np.array([1.0, 2.0, 3.0])
    assert first_crossing(times, np.array([0.9, 0.5, 0.2])) == 2.0
    assert first_crossing(times, np.array([0.9, 0.8, 0.7])) == float("inf")
    assert np.isnan(first_crossing(times, np.array([0.9, np.nan, 0.2])))


def test_plot_survival_draws_one_curve_and_band_per_condition():
    fig, ax = plt.subplots()
    rng = np.random.default_rng(0)
    conditions = {
        "mediated": (rng.integers(1, 60, 40), rng.random(40) < 0.7),
        "unmediated": (rng.integers(1, 20, 40), rng.random(40) < 0.9),
        "none formed": ([], []),
    }
    plot_survival(ax, conditions)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert [label.split(" (")[0] for label in labels] == list(conditions)
    assert "n = 40" in labels[0] and "n = 0" in labels[2]
    assert len(ax.collections) == 2  # one band each for the non-empty conditions
    assert ax.get_xlabel() and ax.get_ylabel()
    from model.plots import PALETTE

    assert matplotlib.colors.to_hex(ax.get_lines()[0].get_color()) == PALETTE[0].lower()
    plt.close(fig)


def test_flags_are_named_event_or_censored_and_a_contradicting_column_is_refused():
    """Given a data set's censored column as the event flag, the curve would come out far
    too high; the flag's keyword is required and checked against the column's name."""
    table = pd.DataFrame({"t": SIX_MP, "censored": ~np.asarray(SIX_MP_DIED, dtype=bool)})
    by_event = kaplan_meier(SIX_MP, event=SIX_MP_DIED)
    assert kaplan_meier(table["t"], censored=table["censored"]).equals(by_event)
    assert kaplan_meier(SIX_MP, event=np.asarray(SIX_MP_DIED, dtype=int)).equals(by_event)
    with pytest.raises(ValueError, match="event= got a column named 'censored'; pass it as censored="):
        kaplan_meier(table["t"], event=table["censored"])
    with pytest.raises(ValueError, match="censored= got a column named 'died'"):
        median_lifetime(SIX_MP, censored=pd.Series(SIX_MP_DIED, name="died"))
    with pytest.raises(TypeError, match="exactly one"):
        kaplan_meier(SIX_MP)
    with pytest.raises(TypeError, match="exactly one"):
        kaplan_meier(SIX_MP, event=SIX_MP_DIED, censored=SIX_MP_DIED)
    with pytest.raises(ValueError, match="row 1 is 2"):
        kaplan_meier([1, 2], event=[1, 2])
    with pytest.raises(TypeError):
        kaplan_meier(SIX_MP, SIX_MP_DIED)  # positional flags are ambiguous: refused
