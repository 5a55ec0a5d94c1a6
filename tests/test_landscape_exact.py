"""Tests for the exact landscape search over partitions into at most k = 2, 3, 4 coalitions
(model.analysis.landscape_exact): brute force, the two-coalition search, counts, limits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from model.analysis.landscape import exact_minima, heuristic_minimum
from model.analysis.landscape_exact import MAX_EXACT_ACTORS_BY_K, count_partitions, exact_minima_k


def random_instance(seed: int, n: int, integer: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if integer:
        raw = rng.integers(-2, 3, (n, n)).astype(float)
        return (raw + raw.T) / 2.0, rng.integers(1, 3, n).astype(float)
    raw = rng.uniform(-1.0, 1.0, (n, n))
    return (raw + raw.T) / 2.0, rng.uniform(0.1, 2.0, n)


def brute_force(propensity, sizes, k: int) -> tuple[float, list[tuple[int, ...]], int]:
    """Every labelling in range(k)**n, kept once per partition (first-appearance order);
    energy as the sum over ordered pairs i != j apart of s_i s_j p_ij, computed here."""
    labellings = np.array(list(itertools.product(range(k), repeat=len(sizes))))
    pair = np.outer(sizes, sizes) * propensity
    np.fill_diagonal(pair, 0.0)
    apart = labellings[:, :, None] != labellings[:, None, :]
    energies = (apart * pair).sum(axis=(1, 2))
    partitions = {}
    for labels, value in zip(labellings.tolist(), energies.tolist()):
        order = {}
        canonical = tuple(order.setdefault(label, len(order)) for label in labels)
        partitions.setdefault(canonical, value)
    best = min(partitions.values())
    tied = sorted(p for p, e in partitions.items() if e <= best + 1e-9)
    return best, tied, len(partitions)


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("n", [1, 2, 4, 6, 8])
def test_exact_minima_k_matches_brute_force_including_ties(n, k):
    for seed in range(3):
        propensity, sizes = random_instance(100 * n + seed, n, integer=True)
        best, tied, count = brute_force(propensity, sizes, k)
        result = exact_minima_k(propensity, sizes, k)
        assert result.energy == pytest.approx(best, abs=1e-12)
        assert [tuple(row) for row in result.partitions.tolist()] == tied
        assert result.n_tied == len(tied)
        assert result.n_configurations == count
        assert result.k == k


@pytest.mark.parametrize("n", [9, 13, 18])
def test_two_coalitions_agree_with_the_bit_enumeration(n):
    propensity, sizes = random_instance(n, n)
    old = exact_minima(propensity, sizes)
    new = exact_minima_k(propensity, sizes, 2)
    assert new.energy == pytest.approx(old.energy, abs=1e-9)
    assert sorted(map(tuple, new.partitions.tolist())) == sorted(map(tuple, old.partitions.tolist()))
    assert new.n_configurations == old.n_configurations == 2 ** (n - 1)


@pytest.mark.parametrize("n", [11, 13])
def test_more_coalitions_never_raise_the_minimum_and_beat_the_heuristic(n):
    propensity, sizes = random_instance(7 * n, n)
    energies = [exact_minima_k(propensity, sizes, k).energy for k in (2, 3, 4)]
    assert energies[0] >= energies[1] - 1e-9 >= energies[2] - 2e-9
    for k, exact in zip((3, 4), energies[1:]):
        found = heuristic_minimum(propensity, sizes, k, rng=1)
        assert found.energy >= exact - 1e-9


def test_a_planted_three_bloc_partition_is_the_unique_minimum():
    blocs = np.repeat([0, 1, 2], [4, 5, 3])
    propensity = np.where(blocs[:, None] == blocs[None, :], 1.0, -1.0)
    np.fill_diagonal(propensity, 0.0)
    result = exact_minima_k(propensity, None, 3)
    assert result.partitions.tolist() == [blocs.tolist()]
    apart = blocs[:, None] != blocs[None, :]
    assert result.energy == pytest.approx(-apart.sum())
    assert exact_minima_k(propensity, None, 4).partitions.tolist() == [blocs.tolist()]


def test_ties_are_counted_in_full_and_listed_up_to_max_partitions():
    result = exact_minima_k(np.zeros((7, 7)), None, 3, max_partitions=5)
    assert result.energy == 0.0
    assert result.n_tied == count_partitions(7, 3) == 1 + 63 + 301
    assert result.partitions.tolist() == [
        [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 1, 2]]


def test_count_partitions_matches_bell_and_stirling_numbers():
    assert [count_partitions(n, n) for n in range(1, 9)] == [1, 2, 5, 15, 52, 203, 877, 4140]
    assert count_partitions(16, 4) == 1 + (2 ** 15 - 1) + 7141686 + 171798901
    assert count_partitions(10, 2) == 2 ** 9
    assert count_partitions(3, 10) == 5


def test_limits_are_enforced_with_a_clear_message():
    for k, limit in MAX_EXACT_ACTORS_BY_K.items():
        too_big = np.zeros((limit + 1, limit + 1))
        with pytest.raises(ValueError, match=rf"k={k} supports at most {limit} actors.*got n={limit + 1}"):
            exact_minima_k(too_big, None, k)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 5}, r"must be 2, 3 or 4; got 5; use heuristic_minimum"),
        ({"k": 1}, r"must be 2, 3 or 4; got 1"),
        ({"k": 3.0}, r"must be 2, 3 or 4; got 3\.0"),
        ({"k": True}, r"must be 2, 3 or 4; got True"),
        ({"max_partitions": 0}, r"max_partitions must be an integer >= 1; got 0"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        exact_minima_k(np.zeros((3, 3)), None, **kwargs)


def test_bad_propensity_and_sizes_are_rejected_by_the_shared_checks():
    with pytest.raises(ValueError, match=r"symmetric .* p\[0, 1\] = 0\.5 but p\[1, 0\] = 0\.2"):
        exact_minima_k([[0, 0.5], [0.2, 0]], None, 3)
    with pytest.raises(ValueError, match=r"sizes\[1\] = -2 is negative"):
        exact_minima_k(np.zeros((3, 3)), [1, -2, 1], 3)
    with pytest.raises(ValueError, match=r"n must be an integer >= 1; got 0"):
        count_partitions(0, 3)
