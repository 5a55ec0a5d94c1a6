"""Alliance persistence: reconstruction from contracts, identity tracking, ARI, renewal."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.analysis.components import components
from model.core.model import AllianceModel
from model.analysis.persistence import (adjusted_rand_index, alliance_history, jaccard_matches,
                               observation_steps, partition_similarity, renewal_share,
                               stability_summary)
from model.run import contracts_table


def canonical(labels) -> list:
    """A partition's labels renumbered by first appearance (-1 kept): equal iff same grouping."""
    seen = {}
    return [-1 if x < 0 else seen.setdefault(x, len(seen)) for x in np.asarray(labels).tolist()]


def columns(rows):
    """Contract columns from rows (a, b, start, ended, renewals)."""
    a, b, start, ended, renewals = (np.array(col, dtype=np.int64) for col in zip(*rows))
    return {"a": a, "b": b, "start": start, "ended": ended, "renewals": renewals}


# A hand-made history of 10 groups over 20 steps; every birth, death and match is known.
#   A {0,1} born 2, grows to {0,1,2} at 4 (J 2/3), shrinks to {1,2} at 10 (J 2/3)
#   B {5,6} born 3, dissolves at 8
#   C {3,4} born 5; at 12 A and C merge into {1,2,3,4}: J = 1/2 with both, tie -> A (older id)
#   D {5,6,7,8} born 14; at 17 splits into {5,6} and {7,8}: J = 1/2 both, tie -> {5,6} keeps D
#   E {7,8} born 17; A, D and E are still alive at 20 (censored)
HAND = columns([
    (0, 1, 2, 10, 1),
    (1, 2, 4, -1, 2),
    (5, 6, 3, 8, 0),
    (3, 4, 5, -1, 1),
    (2, 3, 12, -1, 0),
    (5, 6, 14, -1, 0),
    (6, 7, 14, 17, 0),
    (7, 8, 14, -1, 0),
])
HAND_EXPECTED = pd.DataFrame({
    "alliance": [0, 1, 2, 3, 4],
    "birth": [2, 3, 5, 14, 17],
    "death": [-1, 8, 12, -1, -1],
    "censored": [True, False, False, True, True],
    "lifetime": [18, 5, 7, 6, 3],
    "size_at_birth": [2, 2, 2, 4, 2],
    "peak_size": [4, 2, 2, 4, 2],
    "fate": ["censored", "dissolved", "merged", "censored", "censored"],
})


def test_hand_history_births_deaths_merge_split_and_censoring():
    history = alliance_history(10, HAND, 20)
    table = history.alliances[list(HAND_EXPECTED.columns)]
    pd.testing.assert_frame_equal(table, HAND_EXPECTED, check_dtype=False)
    assert history.alliances["peak_share"].tolist() == pytest.approx([0.4, 0.2, 0.2, 0.4, 0.2])


def test_hand_history_membership_over_time():
    history = alliance_history(10, HAND, 20)
    members = history.membership()
    assert list(members.columns) == ["step", "alliance", "group"]
    at = {t: members[members.step == t] for t in (1, 4, 10, 12, 17)}
    assert at[1].empty
    assert sorted(at[4][at[4].alliance == 0].group) == [0, 1, 2]
    assert sorted(at[10][at[10].alliance == 0].group) == [1, 2]
    assert sorted(at[12][at[12].alliance == 0].group) == [1, 2, 3, 4]
    assert history.partition(17).tolist() == [-1, 0, 0, 0, 0, 3, 3, 4, 4, -1]
    assert len(members) == int((history.labels >= 0).sum())


def test_contract_that_lapses_when_signed_is_never_active():
    history = alliance_history(3, columns([(0, 1, 5, 5, 0)]), 10)
    assert history.alliances.empty and (history.labels == -1).all()


def test_higher_threshold_breaks_identity_at_the_merge_and_the_split():
    table = alliance_history(10, HAND, 20, threshold=0.6).alliances
    # 0 A, 1 B, 2 C, 3 merged {1,2,3,4}, 4 D, 5 {5,6}, 6 {7,8}
    assert table["birth"].tolist() == [2, 3, 5, 12, 14, 17, 17]
    assert table["death"].tolist() == [12, 8, 12, -1, 17, -1, -1]
    assert table["fate"].tolist()[:5] == ["merged", "dissolved", "merged", "censored", "split"]
    assert alliance_history(10, HAND, 20, threshold=0.7).alliances["birth"].tolist()[:3] == [2, 3, 4]


def test_every_observes_a_coarser_grid_ending_at_the_last_step():
    assert observation_steps(20, 7).tolist() == [0, 7, 14, 20]
    history = alliance_history(10, HAND, 20, every=7)
    assert history.steps.tolist() == [0, 7, 14, 20]
    # 7: {0,1,2}, {3,4}, {5,6} born. 14: {1,2,3,4} continues {3,4} (J 2/4; J with {0,1,2}
    # is 2/5), {0,1,2} dies; {5,6,7,8} continues {5,6} (J 2/4): on a coarse grid B and D,
    # which never coexisted, are one alliance. 20: {5,6} continues it (tie), {7,8} is born.
    table = history.alliances
    assert table["birth"].tolist() == [7, 7, 7, 20]
    assert table["death"].tolist() == [14, -1, -1, -1]


def test_jaccard_match_continues_the_best_overlap_above_threshold():
    previous = np.array([4, 4, 4, -1, -1])
    assert jaccard_matches(previous, np.array([0, 0, 0, 0, -1]), 0.5).tolist() == [4]  # J 3/4
    assert jaccard_matches(previous, np.array([0, 0, 0, 0, -1]), 0.8).tolist() == [-1]
    assert jaccard_matches(previous, np.array([-1, -1, 0, 0, 0]), 0.2).tolist() == [4]  # J 1/5
    assert jaccard_matches(previous, np.array([-1, -1, 0, 0, 0]), 0.25).tolist() == [-1]


def test_jaccard_ties_go_to_the_smaller_identity_then_the_smaller_alliance():
    merged = jaccard_matches(np.array([7, 7, 3, 3]), np.array([0, 0, 0, 0]), 0.5)
    assert merged.tolist() == [3]  # both J = 1/2: the smaller identity continues
    split = jaccard_matches(np.array([3, 3, 3, 3]), np.array([1, 1, 0, 0]), 0.5)
    assert split.tolist() == [3, -1]  # both J = 1/2: the alliance with the smaller member


def test_each_identity_is_claimed_at_most_once_greedily():
    # P5 = {0,1,2,3}, P7 = {4,5}; C0 = {0,1,4,5}, C1 = {2,3}.
    # J(P7, C0) = 1/2, J(P5, C1) = 1/2, J(P5, C0) = 1/3: the two halves go first.
    previous = np.array([5, 5, 5, 5, 7, 7])
    assert jaccard_matches(previous, np.array([0, 0, 1, 1, 0, 0]), 0.3).tolist() == [7, 5]
    # One identity, two candidates above the threshold: the best overlap takes it.
    previous = np.array([0, 0, 0, 0, 0, 0])
    assert jaccard_matches(previous, np.array([0, 0, 0, 0, 1, 1]), 0.25).tolist() == [0, -1]


def test_bad_threshold_or_parties_are_rejected():
    with pytest.raises(ValueError):
        alliance_history(10, HAND, 20, threshold=0.0)
    with pytest.raises(ValueError):
        alliance_history(8, HAND, 20)  # group 8 is a party


# scikit-learn is not a dependency. Reference values were computed once with
# sklearn.metrics.adjusted_rand_score (scikit-learn 1.9.1, numpy 2.4.6) on
#   rng = np.random.default_rng(seed); a = rng.integers(-1, k, n); b = rng.integers(-1, k, n)
# after giving every -1 a label of its own (label 1000 + i), as adjusted_rand_index does.
SKLEARN_REFERENCE = [  # seed, n, k, first five of a, adjusted_rand_score
    (0, 20, 3, [2, 1, 1, 0, 0], -0.014353229476632243),
    (1, 50, 6, [2, 2, 4, 5, -1], 0.024179514203779503),
    (2, 200, 12, [9, 2, 0, 2, 4], 0.002419777442125705),
    (3, 1000, 40, [32, 2, 6, 8, 6], -0.0011685122266398228),
]


@pytest.mark.parametrize("seed, n, k, head, reference", SKLEARN_REFERENCE)
def test_ari_matches_scikit_learn_on_random_partitions(seed, n, k, head, reference):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(-1, k, n), rng.integers(-1, k, n)
    assert a[:5].tolist() == head  # the same inputs as when the reference was made
    assert adjusted_rand_index(a, b) == pytest.approx(reference, abs=1e-12)


def test_ari_matches_scikit_learn_on_related_partitions():
    # Same procedure: rng = default_rng(10); a = rng.integers(-1, 8, 300); b = a with 20%
    # of entries redrawn (flip = rng.random(300) < 0.2; b[flip] = rng.integers(-1, 8, flip.sum())).
    rng = np.random.default_rng(10)
    a = rng.integers(-1, 8, 300)
    b = a.copy()
    flip = rng.random(300) < 0.2
    b[flip] = rng.integers(-1, 8, flip.sum())
    assert adjusted_rand_index(a, b) == pytest.approx(0.6375824405939575, abs=1e-12)


def test_ari_of_a_hand_computed_example():
    # Contingency [[2, 1, 0], [0, 1, 2]]: sum C(n_ij, 2) = 2, rows 3 + 3 = 6, columns
    # 1 + 1 + 1 = 3, C(6, 2) = 15, E = 6 * 3 / 15 = 1.2, max = 4.5: (2 - 1.2) / (4.5 - 1.2) = 8/33.
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(8 / 33)


def test_ari_identical_partitions_and_relabelling_give_one():
    labels = np.array([0, 0, 1, 1, 1, -1, 2, 2, -1])
    assert adjusted_rand_index(labels, labels) == 1.0
    assert adjusted_rand_index(labels, np.where(labels >= 0, 5 - labels, -1)) == pytest.approx(1.0)
    assert adjusted_rand_index([-1, -1, -1], [-1, -1, -1]) == 1.0
    assert adjusted_rand_index([0], [3]) == 1.0


def test_ari_treats_unallied_groups_as_singletons():
    # Two unallied groups are not "together": all apart vs one pair together.
    assert adjusted_rand_index([-1, -1, -1, -1], [0, 0, -1, -1]) == pytest.approx(0.0)
    assert adjusted_rand_index([-1, -1, -1, -1], [5, 6, 7, 8]) == 1.0


def test_ari_rejects_partitions_of_different_lengths():
    with pytest.raises(ValueError):
        adjusted_rand_index([0, 0, 1], [0, 0])


def test_partition_similarity_over_the_last_window():
    # Steps 15..20: only the split at 17 changes the partition. Steps 16 -> 17, with n = 10:
    # cells 4, 2, 2 (+ singletons): sum C = 8; rows 4, 4 -> 12; columns 4, 2, 2 -> 8;
    # C(10, 2) = 45; E = 96/45; max = 10; ARI = (8 - 96/45) / (10 - 96/45) = 44/59.
    similarity = partition_similarity(alliance_history(10, HAND, 20), window=5)
    assert similarity["n_pairs"] == 5
    assert similarity["min_ari"] == pytest.approx(44 / 59)
    assert similarity["mean_ari"] == pytest.approx((4 + 44 / 59) / 5)
    assert partition_similarity(alliance_history(10, HAND, 0), window=5)["n_pairs"] == 0


def test_renewal_share():
    assert renewal_share(HAND) == pytest.approx(3 / 8)
    assert renewal_share(pd.DataFrame(HAND)) == pytest.approx(3 / 8)
    assert renewal_share({"renewals": np.zeros(0)}) == 0.0


def test_stability_summary_of_a_hand_made_history():
    # Lifetimes 18+, 5, 7, 6+, 3+: KM S = 3/4 after 5, 3/8 after 7 -> median 7.
    summary = stability_summary(HAND, t_end=20, n=10, window=5)
    assert summary["n_alliances"] == 5
    assert summary["median_lifetime"] == 7.0
    assert summary["median_lifetime_low"] <= 7.0 <= summary["median_lifetime_high"]
    assert summary["share_censored"] == pytest.approx(3 / 5)
    assert summary["min_ari"] == pytest.approx(44 / 59)
    assert summary["renewal_share"] == pytest.approx(3 / 8)
    assert summary["contracts"] == 8 and summary["t_end"] == 20
    inferred = stability_summary(pd.DataFrame(HAND), window=5)  # n = 9 groups, t_end = 17
    assert inferred["t_end"] == 17 and inferred["n_alliances"] == 5


def test_stability_summary_of_no_contracts():
    empty = {k: np.zeros(0, dtype=np.int64) for k in ("a", "b", "start", "ended", "renewals")}
    summary = stability_summary(empty, t_end=10, n=4)
    assert summary["n_alliances"] == 0 and summary["renewal_share"] == 0.0
    assert np.isnan(summary["median_lifetime"]) and summary["mean_ari"] == 1.0


@pytest.fixture(scope="module")
def recorded_run():
    """A short model run with the model's own alliance labels after every step."""
    model = AllianceModel(seed=1, n_groups=30, mediation_capacity=0.6)
    labels = [model.state.alliance.copy()]
    for _ in range(150):
        model.step()
        labels.append(model.state.alliance.copy())
    return model, labels


def test_reconstruction_equals_the_models_own_alliances_at_every_step(recorded_run):
    model, labels = recorded_run
    history = alliance_history(model.state.n, model.state.contracts.as_dict(), model.time,
                               sizes=model.state.sizes)
    assert history.steps.tolist() == list(range(151))
    for step, own in enumerate(labels):
        assert canonical(history.partition(step)) == canonical(own), step
    table = history.alliances
    assert len(table) >= 3 and (~table.censored).sum() >= 1 and table.censored.sum() >= 1


def test_stability_summary_agrees_on_the_model_and_its_contract_table(recorded_run):
    model, _ = recorded_run
    from_model = stability_summary(model, window=50)
    from_table = stability_summary(contracts_table(model), t_end=model.time, n=model.state.n,
                                   sizes=model.state.sizes, window=50)
    assert from_model == from_table
    assert from_model["renewal_share"] == pytest.approx(np.mean(model.state.contracts.renewals > 0))


@st.composite
def contract_histories(draw):
    n = draw(st.integers(2, 8))
    t_end = draw(st.integers(0, 15))
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        a, b = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
        start = draw(st.integers(0, t_end))
        ended = draw(st.one_of(st.just(-1), st.integers(start, t_end)))
        rows.append((a, b, start, ended, 0))
    return n, t_end, (columns(rows) if rows else
                      {k: np.zeros(0, dtype=np.int64) for k in ("a", "b", "start", "ended", "renewals")})


@settings(max_examples=150, deadline=None)
@given(contract_histories(), st.integers(1, 3), st.sampled_from([0.3, 0.5, 0.75, 1.0]))
def test_reconstructed_histories_are_consistent(history_input, every, threshold):
    n, t_end, cols = history_input
    history = alliance_history(n, cols, t_end, every=every, threshold=threshold)
    table = history.alliances
    assert (table.lifetime >= 0).all()
    died = ~table.censored
    assert (table.birth[died] < table.death[died]).all()
    assert (table.death[table.censored] == -1).all()
    assert ((table.fate == "censored") == table.censored).all()
    assert table.fate.isin(["merged", "split", "dissolved", "censored"]).all()
    assert (table.size_at_birth >= 2).all() and (table.peak_size >= table.size_at_birth).all()
    members = history.membership()
    assert not members.duplicated(["step", "group"]).any()  # one alliance per group per step
    for k, t in enumerate(history.steps):
        live = (cols["start"] <= t) & ((cols["ended"] < 0) | (cols["ended"] > t))
        assert canonical(history.labels[k]) == canonical(components(n, cols["a"][live], cols["b"][live]))
    for row in table.itertuples():  # each identity is present exactly from birth to death
        present = history.steps[(history.labels == row.alliance).any(axis=1)]
        end = history.steps[-1] + 1 if row.censored else row.death
        assert present.tolist() == [t for t in history.steps.tolist() if row.birth <= t < end]


def test_an_outside_contract_table_needs_only_parties_and_start():
    """``ended`` missing means still active, ``renewals`` defaults to 0, names become ids."""
    from model.analysis.persistence import contract_columns

    table = pd.DataFrame({"a": ["Ukraine", "Chile", "Chile"], "b": ["Peru", "Peru", "Ukraine"],
                          "start": [0, 2, 3], "ended": [5, None, np.nan]})
    columns, names = contract_columns(table)
    assert names == ["Chile", "Peru", "Ukraine"]
    assert columns["a"].tolist() == [2, 0, 0] and columns["b"].tolist() == [1, 1, 2]
    assert columns["ended"].tolist() == [5, -1, -1] and columns["renewals"].tolist() == [0, 0, 0]
    whole = contract_columns({"a": [0.0, 1.0], "b": [1, 2], "start": [0, 1]})[0]
    assert whole["a"].dtype == np.int64 and whole["a"].tolist() == [0, 1]
    assert stability_summary(table, window=3)["contracts"] == 3


@pytest.mark.parametrize("table, message", [
    ({"a": [0, 1], "start": [0, 1]}, "column 'b' is missing"),
    ({"a": [0, 1.5], "b": [1, 2], "start": [0, 1]}, r"column 'a', row 1: 1.5 is not allowed"),
    ({"a": [0, 1], "b": [1, 1], "start": [0, 1]}, "row 1 has a = b"),
    ({"a": [0, 1], "b": [1, 2], "start": [0, -3]}, r"column 'start', row 1: -3"),
    ({"a": [0, 1], "b": [1, 2], "start": [4, 1], "ended": [2, -1]},
     "row 0: 2 is before start = 4"),
    ({"a": [0, 1], "b": [1, 2], "start": [0, 1], "renewals": [0, "x"]},
     r"column 'renewals', row 1: 'x'"),
    ({"a": ["x", 1], "b": ["y", "z"], "start": [0, 1]}, "all names or all whole numbers"),
    ({"a": [0, 1], "b": [1, 2], "start": [0]}, "different lengths"),
])
def test_a_malformed_outside_table_is_refused_naming_column_row_and_value(table, message):
    from model.analysis.persistence import contract_columns

    with pytest.raises(ValueError, match=message):
        contract_columns(table)


def test_every_problem_of_a_table_is_listed_at_once():
    from model.analysis.persistence import contract_columns

    with pytest.raises(ValueError) as err:
        contract_columns({"a": [0, 1.5], "b": [1, 2], "start": [0, -1], "renewals": [-2, 0]})
    text = str(err.value)
    assert "column 'a'" in text and "column 'start'" in text and "column 'renewals'" in text
