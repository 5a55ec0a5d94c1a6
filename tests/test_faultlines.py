"""Faultline measures: definitions against brute force, behaviour against alignment."""

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from model.analysis import faultlines as F


def aligned_identities(rng, n, k, alignment):
    """Sides on k axes: each copies a master bit with prob ``alignment``, else is independent."""
    master = rng.random(n) < 0.5
    own = rng.random((n, k)) < 0.5
    return np.where(rng.random((n, k)) < alignment, master[:, None], own).astype(np.float64)


def brute_silhouettes(d, labels):
    """Rousseeuw's silhouettes straight from the definition, one member at a time."""
    n = len(labels)
    groups = sorted(set(labels.tolist()))
    s = np.zeros(n)
    if len(groups) < 2:
        return s
    for i in range(n):
        mates = [j for j in range(n) if labels[j] == labels[i] and j != i]
        if not mates:
            continue
        a = np.mean(d[i, mates])
        b = min(np.mean(d[i, labels == g]) for g in groups if g != labels[i])
        s[i] = 0.0 if max(a, b) == 0 else (b - a) / max(a, b)
    return s


def set_partitions(n, k_max):
    """Every partition of n items into 2..k_max blocks (restricted growth strings)."""
    for tail in itertools.product(range(k_max), repeat=n - 1):
        lab = (0,) + tail
        if all(lab[i] <= max(lab[:i]) + 1 for i in range(1, n)) and 2 <= max(lab) + 1 <= k_max:
            yield np.array(lab)


def brute_fau(x):
    """Thatcher et al.'s Fau from the definition: every split of the raw rows, one-hot coded."""
    cols = [(x[:, f, None] == np.unique(x[:, f])[None, :]).astype(float) for f in range(x.shape[1])]
    z = np.concatenate(cols, axis=1)
    total = ((z - z.mean(axis=0)) ** 2).sum()
    best = 0.0
    n = len(x)
    for code in range(1, 2 ** (n - 1)):
        side = np.array([(code >> i) & 1 for i in range(n)], dtype=bool)
        between = sum(g.sum() * ((z[g].mean(axis=0) - z.mean(axis=0)) ** 2).sum() for g in (side, ~side))
        best = max(best, between / total)
    return best


# ------------------------------------------------------------------------ silhouettes


def test_silhouettes_match_the_definition_for_matching_and_euclidean_distances():
    rng = np.random.default_rng(0)
    for _ in range(60):
        n = int(rng.integers(3, 14))
        labels = rng.integers(0, int(rng.integers(1, 5)), n)
        for x, metric in ((rng.integers(0, 3, (n, 3)), "matching"), (rng.normal(size=(n, 2)), "euclidean")):
            d = F.pairwise_distances(x, x, metric)
            assert np.allclose(F.silhouette_widths(d, labels), brute_silhouettes(d, labels), atol=1e-14)


def test_weighted_silhouette_is_the_exact_asw_of_the_expanded_population():
    rng = np.random.default_rng(1)
    for _ in range(60):
        m = int(rng.integers(2, 9))
        u = rng.normal(size=(m, 2))
        w = rng.integers(1, 5, m)
        labels = rng.integers(0, 3, m)
        d = F.pairwise_distances(u, u, "euclidean")
        x = np.repeat(u, w, axis=0)
        full = brute_silhouettes(F.pairwise_distances(x, x, "euclidean"), np.repeat(labels, w))
        assert F.average_silhouette(d, labels, w) == pytest.approx(full.mean(), abs=1e-13)


def test_silhouette_agrees_with_scikit_learn():
    # Reference: sklearn.metrics.silhouette_score(x, labels) with scikit-learn 1.9.1 on this
    # exact input; scikit-learn is not a dependency, so the value is recorded here.
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 3))
    labels = rng.integers(0, 3, 40)
    d = F.pairwise_distances(x, x, "euclidean")
    assert F.average_silhouette(d, labels) == pytest.approx(-0.05068252083111655, abs=1e-12)


def test_scores_of_single_moves_equal_recomputed_asw():
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(80):
        u = np.unique(rng.integers(0, 3, (int(rng.integers(4, 12)), 4)), axis=0)
        m = len(u)
        w = rng.integers(1, 4, m).astype(float)
        k_max = int(rng.integers(2, 6))
        labels = F._canonical(rng.integers(0, min(k_max, m), m))
        if labels.max() < 1:
            continue
        d = F.pairwise_distances(u, u, "matching")
        scores = F._move_scores(d, w, labels, *F._cluster_sums(d, w, labels), k_max)
        for i, q in itertools.product(range(m), range(scores.shape[1])):
            moved = labels.copy()
            moved[i] = q
            moved = F._canonical(moved)
            if q == labels[i] or moved.max() < 1 or np.array_equal(moved, labels):
                assert scores[i, q] == -np.inf
            else:
                assert scores[i, q] == pytest.approx(F.average_silhouette(d, moved, w), abs=1e-12)
                checked += 1
    assert checked > 1000


# ---------------------------------------------------------------- candidate partitions


@pytest.mark.parametrize("method", ["ward", "average"])
def test_weighted_agglomeration_matches_scipy_on_the_expanded_population(method):
    rng = np.random.default_rng(4)
    for _ in range(15):
        m = int(rng.integers(3, 20))
        u = rng.normal(size=(m, 3))
        for w in (np.ones(m, dtype=int), rng.integers(1, 4, m)):
            d = F.pairwise_distances(u, u, "euclidean")
            cuts = F.agglomerate(d * d if method == "ward" else d, w, method, m)
            x = np.repeat(u, w, axis=0)
            tree = linkage(squareform(F.pairwise_distances(x, x, "euclidean"), checks=False), method)
            for k, labels in cuts.items():
                assert np.array_equal(np.repeat(labels, w), F._canonical(fcluster(tree, k, "maxclust")))


# --------------------------------------------------------------------------- ASW value


def test_exact_asw_is_the_maximum_over_all_partitions_of_the_rows():
    rng = np.random.default_rng(5)
    for _ in range(6):
        x = np.unique(rng.integers(0, 2, (7, 3)), axis=0)
        if len(x) < 4:
            continue
        d = F.pairwise_distances(x, x, "matching")
        best = max(brute_silhouettes(d, lab).mean() for lab in set_partitions(len(x), 4))
        res = F.average_silhouette_width(x, metric="matching", k_max=4)
        assert res.exact and res.value == pytest.approx(best, abs=1e-12)


def test_heuristic_asw_reaches_the_exact_maximum_on_small_populations():
    rng = np.random.default_rng(6)
    gaps = []
    while len(gaps) < 10:
        x = rng.integers(0, int(rng.integers(2, 4)), (int(rng.integers(8, 30)), int(rng.integers(2, 5))))
        if not 5 <= len(np.unique(x, axis=0)) <= 8:
            continue
        exact = F.average_silhouette_width(x, metric="matching")
        heuristic = F.average_silhouette_width(x, metric="matching", exact_max=0)
        assert exact.exact and not heuristic.exact
        assert heuristic.value <= exact.value + 1e-12
        gaps.append(exact.value - heuristic.value)
    assert np.mean(np.array(gaps) < 1e-9) >= 0.9 and max(gaps) < 0.05


def test_perfectly_aligned_axes_give_asw_and_fau_one_and_recover_the_master_split():
    x = aligned_identities(np.random.default_rng(7), 300, 7, 1.0)
    for res in (F.average_silhouette_width(x, metric="matching"), F.thatcher_fau(x, metric="matching")):
        assert res.value == pytest.approx(1.0)
        assert res.n_subgroups == 2
        assert np.array_equal(res.labels, F._canonical(x[:, 0].astype(int)))


def test_independent_axes_give_low_faultline_strength():
    x = aligned_identities(np.random.default_rng(8), 500, 7, 0.0)
    assert F.average_silhouette_width(x, metric="matching").value < 0.35
    assert F.thatcher_fau(x, metric="matching").value < 0.25


def test_faultline_strength_rises_with_alignment_on_average():
    alignments = [0.0, 0.4, 0.7, 1.0]
    asw, fau = np.zeros(len(alignments)), np.zeros(len(alignments))
    for seed in range(4):
        for a, alignment in enumerate(alignments):
            x = aligned_identities(np.random.default_rng(100 + seed), 80, 5, alignment)
            asw[a] += F.average_silhouette_width(x, metric="matching").value / 4
            fau[a] += F.thatcher_fau(x, metric="matching").value / 4
    assert np.all(np.diff(asw) > 0), asw
    assert np.all(np.diff(fau) > 0), fau


def test_separated_numeric_clusters_are_found_with_euclidean_distances():
    rng = np.random.default_rng(9)
    x = np.concatenate([rng.normal(0, 0.3, (40, 2)), rng.normal(4, 0.3, (30, 2)), rng.normal((0, 4), 0.3, (30, 2))])
    res = F.average_silhouette_width(x)
    assert res.n_subgroups == 3 and res.value > 0.8
    assert np.array_equal(res.labels, np.repeat([0, 1, 2], [40, 30, 30]))


@pytest.mark.parametrize("measure", [F.average_silhouette_width, F.thatcher_fau])
def test_edge_cases_are_zero_with_one_subgroup(measure):
    for x in (np.zeros((0, 3)), np.array([[0, 1]]), np.array([[0, 1], [1, 0]]), np.ones((50, 4))):
        res = measure(x, metric="matching")
        assert res.value == 0.0 and res.n_subgroups == 1 and len(res.labels) == len(x)


def test_one_binary_attribute_is_a_perfect_faultline():
    x = np.array([0, 0, 0, 1, 1])
    assert F.average_silhouette_width(x, metric="matching").value == pytest.approx(1.0)
    assert F.thatcher_fau(x, metric="matching").value == pytest.approx(1.0)
    assert F.average_silhouette_width(np.array([0, 0, 0, 0, 1]), metric="matching").value == pytest.approx(0.8)


def test_faultline_strength_of_sides_and_traits():
    rng = np.random.default_rng(10)
    sides = aligned_identities(rng, 80, 4, 1.0)
    traits = np.where(sides[:, :2] == 1, 2, 0).astype(np.int64)
    assert F.faultline_strength(sides, traits) == pytest.approx(1.0)
    assert F.faultline_strength(sides, np.zeros((80, 0), dtype=np.int64)) == pytest.approx(1.0)


def test_large_populations_with_many_profiles_are_subsampled_reproducibly():
    rng = np.random.default_rng(11)
    x = np.concatenate([aligned_identities(rng, 2000, 4, 0.8), rng.integers(0, 6, (2000, 3))], axis=1)
    a = F.average_silhouette_width(x, metric="matching", max_unique=80, rng=np.random.default_rng(1))
    b = F.average_silhouette_width(x, metric="matching", max_unique=80, rng=np.random.default_rng(1))
    assert a.value == b.value and np.array_equal(a.labels, b.labels)
    assert a.n_used == 80 and not a.exact and len(a.labels) == 2000
    other = F.average_silhouette_width(x, metric="matching", max_unique=80, rng=np.random.default_rng(2))
    assert abs(other.value - a.value) < 0.1


def test_ten_thousand_groups_on_seven_axes_take_seconds():
    x = aligned_identities(np.random.default_rng(12), 10_000, 7, 0.5)
    start = time.perf_counter()
    res = F.average_silhouette_width(x, metric="matching")
    fau = F.thatcher_fau(x, metric="matching")
    assert time.perf_counter() - start < 20.0
    assert res.n_used == 10_000 and 0.3 < res.value < 0.6 and 0.2 < fau.value < 0.4


# -------------------------------------------------------------------------------- Fau


def test_fau_equals_the_definition_over_all_splits_of_the_raw_rows():
    rng = np.random.default_rng(13)
    for _ in range(12):
        x = rng.integers(0, int(rng.integers(2, 4)), (int(rng.integers(3, 11)), int(rng.integers(1, 4))))
        if len(np.unique(x, axis=0)) < 2:
            continue
        assert F.thatcher_fau(x, metric="matching").value == pytest.approx(brute_fau(x), abs=1e-12)


def test_fau_equals_thatcher_on_zero_one_coded_binary_attributes():
    x = aligned_identities(np.random.default_rng(14), 9, 3, 0.5)
    res = F.thatcher_fau(x, metric="matching")
    side = res.labels == 1
    between = sum(g.sum() * ((x[g].mean(axis=0) - x.mean(axis=0)) ** 2).sum() for g in (side, ~side))
    assert res.value == pytest.approx(between / ((x - x.mean(axis=0)) ** 2).sum(), abs=1e-12)


def test_heuristic_fau_reaches_the_exact_maximum():
    rng = np.random.default_rng(15)
    found = 0
    while found < 20:
        x = rng.integers(0, int(rng.integers(2, 4)), (int(rng.integers(15, 60)), int(rng.integers(2, 6))))
        if not 12 <= len(np.unique(x, axis=0)) <= 20:
            continue
        exact, heuristic = F.thatcher_fau(x, metric="matching"), F.thatcher_fau(x, metric="matching", exact_max=0)
        assert exact.exact and not heuristic.exact
        assert heuristic.value == pytest.approx(exact.value, abs=1e-12)
        found += 1


# ------------------------------------------------------------------------- properties

small_populations = st.integers(3, 14).flatmap(lambda n: st.integers(1, 4).flatmap(
    lambda p: st.lists(st.lists(st.integers(0, 2), min_size=p, max_size=p), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(rows=small_populations, seed=st.integers(0, 2**32 - 1))
def test_measures_are_bounded_and_invariant_to_row_order_and_category_labels(rows, seed):
    x = np.array(rows)
    rng = np.random.default_rng(seed)
    shuffled = x[rng.permutation(len(x))]
    relabelled = np.stack([rng.permutation(3)[x[:, f]] for f in range(x.shape[1])], axis=1)
    for measure, low in ((F.average_silhouette_width, -1.0), (F.thatcher_fau, 0.0)):
        exact_regime = measure is F.thatcher_fau or len(np.unique(x, axis=0)) <= 8
        base = measure(x, metric="matching")
        assert low <= base.value <= 1.0
        assert measure(shuffled, metric="matching").value == pytest.approx(base.value, abs=1e-12)
        if exact_regime:
            assert measure(relabelled, metric="matching").value == pytest.approx(base.value, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(rows=st.integers(3, 16).flatmap(lambda n: st.lists(
    st.lists(st.floats(-5, 5, allow_nan=False, width=32), min_size=2, max_size=2), min_size=n, max_size=n)))
def test_numeric_measures_are_bounded(rows):
    x = np.array(rows)
    assert -1.0 <= F.average_silhouette_width(x, metric="euclidean").value <= 1.0
    assert 0.0 <= F.thatcher_fau(x, metric="euclidean").value <= 1.0 + 1e-12
