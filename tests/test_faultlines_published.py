"""Faultline measures on data as it comes: declared column types and weights, distance
matrices, refusals instead of guesses, asw.cluster's published example, and the model's
own numbers unchanged."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from model.analysis import faultlines as F
from model.analysis.faultline_data import checked_distances, column_types, declared_coordinates

CASE = Path(__file__).parent / "data" / "faultlines_asw_cluster"
TYPES = {"age": "numeric", "gender": "nominal", "ethnicity": "nominal"}
WEIGHTS = {"age": 0.1, "gender": 1, "ethnicity": 1}


def teams():
    data = pd.read_csv(CASE / "teams.csv")
    return {t: g.drop(columns="teamid").reset_index(drop=True) for t, g in data.groupby("teamid")}


def published():
    rows = pd.read_csv(CASE / "expected.csv")
    return [(r.teamid, r.method, r.fl_value, [int(v) - 1 for v in r.mbr_to_subgroups.split(",")])
            for r in rows.itertuples()]


# ---------------------------------------------------------------- published example


@pytest.mark.parametrize("team, method, value, labels", published())
def test_asw_cluster_documented_example_is_reproduced_through_the_public_functions(
        team, method, value, labels):
    measure = {"asw": F.average_silhouette_width, "thatcher": F.thatcher_fau}[method]
    res = measure(teams()[team], types=TYPES, weights=WEIGHTS)
    assert round(res.value, 4) == round(value, 4)
    assert res.value == pytest.approx(value, abs=5e-8)
    assert np.array_equal(res.labels, labels)


def test_the_published_values_need_the_published_weights():
    team = teams()[1]
    for measure, value in ((F.average_silhouette_width, 0.3317999), (F.thatcher_fau, 0.5513439)):
        unweighted = measure(team, types=TYPES).value
        assert abs(unweighted - value) > 0.01
        assert measure(team, types=list(TYPES.values()), weights=[0.1, 1, 1]).value == \
            pytest.approx(value, abs=5e-8)


# ------------------------------------------------------------------ the model's path

# faultline_strength(sides, traits) and thatcher_fau(codes) as computed by main at commit
# 343de65, before declared columns existed (populations drawn by ``population`` below).
TODAY = [((0, 40, 3, 0, 0, 0.5), 0.8128571428571428, 0.36995056587931907),
         ((1, 100, 5, 2, 3, 0.3), 0.2686018347231531, 0.15811984634881482),
         ((2, 250, 7, 3, 4, 0.8), 0.5619611846369276, 0.40220382510719305),
         ((3, 60, 4, 1, 5, 0.0), 0.37703994545192226, 0.2134387919154801),
         ((4, 1000, 6, 2, 2, 1.0), 0.9216326241134752, 0.7499117370689496)]


def population(seed, n, k, t, q, alignment):
    rng = np.random.default_rng(seed)
    master = rng.random(n) < 0.5
    sides = np.where(rng.random((n, k)) < alignment, master[:, None], rng.random((n, k)) < 0.5)
    traits = rng.integers(0, q, (n, t)) if t else np.zeros((n, 0), dtype=np.int64)
    return sides.astype(float), traits


@pytest.mark.parametrize("spec, asw, fau", TODAY)
def test_the_model_measure_gives_exactly_todays_numbers(spec, asw, fau):
    sides, traits = population(*spec)
    assert F.faultline_strength(sides, traits) == asw
    assert F.thatcher_fau(np.concatenate([sides, traits], axis=1), metric="matching").value == fau


# ------------------------------------------------------------------ declared columns


def test_declared_coordinates_give_the_weighted_euclidean_distance():
    team = teams()[2]
    x = declared_coordinates(team, TYPES, WEIGHTS)
    age = team["age"].to_numpy(float)
    assert x.shape[1] == 1 + team["gender"].nunique() + team["ethnicity"].nunique()
    expected = np.sqrt((0.1 * (age[:, None] - age[None, :])) ** 2
                       + sum((team[c].to_numpy()[:, None] != team[c].to_numpy()[None, :]) * 1.0
                             for c in ("gender", "ethnicity")))
    assert np.allclose(cdist(x, x), expected, atol=1e-12)


def test_undeclared_columns_are_read_only_when_unambiguous():
    team = teams()[1].assign(age=lambda t: t["age"] + 0.5)
    assert column_types(team) == {"age": "numeric", "gender": "nominal", "ethnicity": "nominal"}
    assert F.average_silhouette_width(team).value == F.average_silhouette_width(team, types=TYPES).value
    with pytest.raises(ValueError, match=r"column 'age' holds integer values.*types=\{'age': 'numeric'\}"):
        F.average_silhouette_width(teams()[1])
    with pytest.raises(ValueError, match="column 'age' holds integer values"):
        F.thatcher_fau(teams()[1])
    with pytest.raises(ValueError, match="column 0 holds integer values"):
        F.average_silhouette_width(np.array([[0, 1], [1, 0], [1, 1]]))


def test_numeric_scaling_options_match_their_definitions():
    team = teams()[1].assign(tenure=[1.5, 7.0, 2.0, 12.0, 3.5, 9.0])
    types = {**TYPES, "tenure": "numeric"}
    numeric = team[["age", "tenure"]].to_numpy(float)
    for scale, spread in (("sd", numeric.std(axis=0, ddof=1)), ("range", np.ptp(numeric, axis=0))):
        by_hand = pd.DataFrame(numeric / spread, columns=["age", "tenure"]).join(team[["gender", "ethnicity"]])
        for measure in (F.average_silhouette_width, F.thatcher_fau):
            assert measure(team, types=types, scale=scale).value == pytest.approx(
                measure(by_hand, types=types).value, abs=1e-12)
    for measure in (F.average_silhouette_width, F.thatcher_fau):
        assert measure(numeric, metric="euclidean").value == pytest.approx(
            measure(numeric, types=["numeric"] * 2, scale="sd").value, abs=1e-12)


def test_all_nominal_declared_fau_equals_the_models_coding():
    sides, traits = population(5, 30, 3, 2, 3, 0.5)
    codes = np.concatenate([sides, traits], axis=1)
    table = pd.DataFrame(codes.astype(int))
    assert F.thatcher_fau(table, types=["nominal"] * 5).value == pytest.approx(
        F.thatcher_fau(codes, metric="matching").value, abs=1e-12)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"types": {"age": "numeric", "gender": "nominal"}}, ValueError, "types lacks column 'ethnicity'"),
    ({"types": {**TYPES, "height": "numeric"}}, ValueError, "types names column 'height'"),
    ({"types": {**TYPES, "age": "ordinal"}}, ValueError, r"types\['age'\] = 'ordinal'"),
    ({"types": {**TYPES, "gender": "numeric"}}, TypeError, "column 'gender' is declared 'numeric'"),
    ({"types": TYPES, "weights": {"age": -1}}, ValueError, r"weights\['age'\] = -1"),
    ({"types": TYPES, "weights": {"tenure": 1}}, ValueError, "weights names column 'tenure'"),
    ({"types": TYPES, "weights": [1, 1]}, ValueError, "weights has 2 entries for 3 columns"),
    ({"types": TYPES, "scale": "minmax"}, ValueError, "scale = 'minmax'"),
    ({"types": TYPES, "metric": "matching"}, ValueError, "need metric='auto'"),
    ({"metric": "cosine"}, ValueError, "metric = 'cosine'"),
])
def test_bad_declarations_are_refused_with_the_field_and_what_is_allowed(kwargs, error, message):
    for measure in (F.average_silhouette_width, F.thatcher_fau):
        with pytest.raises(error, match=message):
            measure(teams()[1], **kwargs)


def test_missing_and_non_integer_codes_are_refused():
    team = teams()[1]
    team.loc[2, "gender"] = None
    with pytest.raises(ValueError, match="column 'gender' has 1 missing value"):
        F.average_silhouette_width(team, types=TYPES)
    with pytest.raises(ValueError, match="column 1 holds non-integer values"):
        F.thatcher_fau(np.array([[0, 0.5], [1, 1.0], [1, 2.0]]), metric="matching")
    with pytest.raises(TypeError, match="metric='matching' needs numbers"):
        F.average_silhouette_width(teams()[1], metric="matching")


# ----------------------------------------------------------------- distance matrices


def gower(table, types, weights):
    """Gower's (1971) weighted distance, from its definition."""
    total = np.zeros((len(table), len(table)))
    for col, kind in types.items():
        v = table[col].to_numpy()
        if kind == "numeric":
            v = v.astype(float)
            part = np.abs(v[:, None] - v[None, :]) / np.ptp(v)
        else:
            part = (v[:, None] != v[None, :]) * 1.0
        total += weights[col] * part
    return total / sum(weights.values())


def test_a_distance_matrix_gives_the_same_asw_as_the_attributes_it_came_from():
    for team in teams().values():
        x = declared_coordinates(team, TYPES, WEIGHTS)
        direct = F.average_silhouette_width(team, types=TYPES, weights=WEIGHTS)
        via = F.average_silhouette_width(distances=cdist(x, x))
        assert via.value == pytest.approx(direct.value, abs=1e-12)
        assert np.array_equal(via.labels, direct.labels)


def test_gower_distances_are_accepted_and_duplicates_are_weighted_profiles():
    team = teams()[2]
    d = gower(team, TYPES, WEIGHTS)
    res = F.average_silhouette_width(distances=d)
    labels = F._canonical(np.asarray(res.labels))
    assert res.exact and res.value == pytest.approx(F.average_silhouette(d, labels), abs=1e-12)
    doubled = np.repeat(np.repeat(d, 2, axis=0), 2, axis=1)
    expanded = F.average_silhouette_width(distances=doubled)
    assert expanded.value == pytest.approx(F.average_silhouette(doubled, expanded.labels), abs=1e-12)
    assert len(expanded.labels) == 12


@pytest.mark.parametrize("matrix, message", [
    (np.zeros((3, 2)), r"square \(n, n\) matrix, got shape \(3, 2\)"),
    (np.array([[0, 1, 2], [1, 0, 1], [2, 1.5, 0]]), r"not symmetric: \[1, 2\] = 1.0 but \[2, 1\] = 1.5"),
    (np.array([[0, 1, 2], [1, 0.2, 1], [2, 1, 0]]), r"distances\[1, 1\] = 0.2; the diagonal must be 0"),
    (np.array([[0, -1, 2], [-1, 0, 1], [2, 1, 0]]), r"distances\[0, 1\] = -1.0; allowed: finite numbers >= 0"),
    (np.array([[0, np.nan, 2], [np.nan, 0, 1], [2, 1, 0]]), r"distances\[0, 1\] = nan"),
])
def test_malformed_distance_matrices_are_refused(matrix, message):
    with pytest.raises(ValueError, match=message):
        checked_distances(matrix)
    with pytest.raises(ValueError, match=message):
        F.average_silhouette_width(distances=matrix)


def test_distances_and_attributes_are_exclusive():
    d = np.ones((3, 3)) - np.eye(3)
    with pytest.raises(ValueError, match="either attributes .* or distances"):
        F.average_silhouette_width(teams()[1], distances=d)
    with pytest.raises(TypeError, match="needs attributes or distances"):
        F.average_silhouette_width()
