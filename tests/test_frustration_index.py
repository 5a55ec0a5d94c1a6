"""Tests for the exact frustration index (model.analysis.balance): brute force, balanced
graphs, its tie to the landscape's two-coalition minimum, and the published Highland tribes
value (Read 1954; L(G) = 7, see tests/data/frustration_highland_tribes/README.md)."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

from model.analysis.balance import MAX_FRUSTRATION_NODES, frustration_index
from model.analysis.landscape import exact_minima
from model.analysis.landscape_exact import exact_minima_k

TRIBES = Path(__file__).resolve().parent / "data" / "frustration_highland_tribes"


def read_tribes() -> tuple[list[str], np.ndarray]:
    with open(TRIBES / "edges.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names: list[str] = []
    for row in rows:
        for name in (row["tribe_a"], row["tribe_b"]):
            if name not in names:
                names.append(name)
    index = {name: position for position, name in enumerate(names)}
    matrix = np.zeros((len(names), len(names)))
    for row in rows:
        a, b = index[row["tribe_a"]], index[row["tribe_b"]]
        matrix[a, b] = matrix[b, a] = int(row["sign"])
    return names, matrix


def random_signed(seed: int, n: int, density: float = 0.6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.choice([-1.0, 1.0], (n, n)) * (rng.random((n, n)) < density), 1)
    return upper + upper.T


def brute_force(matrix: np.ndarray) -> tuple[int, list[tuple[int, ...]]]:
    n = matrix.shape[0]
    edges = [(i, j, matrix[i, j]) for i in range(n) for j in range(i + 1, n) if matrix[i, j]]
    counts = {}
    for groups in itertools.product((0, 1), repeat=n - 1):
        side = (0,) + groups
        counts[side] = sum((sign > 0) == (side[i] != side[j]) for i, j, sign in edges)
    best = min(counts.values())
    return best, sorted(side for side, value in counts.items() if value == best)


def test_highland_tribes_reproduce_the_published_frustration_index_of_7():
    names, matrix = read_tribes()
    assert len(names) == 16
    result = frustration_index(matrix)
    assert (result.n_edges, result.n_negative) == (58, 29)
    assert result.index == 7
    published_split = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
    assert result.partitions.tolist() == [published_split]
    assert {name for name, side in zip(names, published_split) if side == 0} == {
        "Gavev", "Kotun", "Nagad", "Gama"}


def test_highland_tribes_landscape_minimum_is_the_minimum_frustration_split():
    """Propensity = signed adjacency, unit sizes, two coalitions: frustration = E/2 + N."""
    _, matrix = read_tribes()
    landscape = exact_minima(matrix)
    balance = frustration_index(matrix)
    assert landscape.partitions.tolist() == balance.partitions.tolist()
    assert landscape.energy / 2 + balance.n_negative == balance.index == 7
    assert exact_minima_k(matrix, None, 2).energy == landscape.energy


@pytest.mark.parametrize("n", [2, 3, 5, 8, 10])
def test_frustration_index_matches_brute_force(n):
    for seed in range(4):
        matrix = random_signed(10 * n + seed, n)
        best, tied = brute_force(matrix)
        result = frustration_index(matrix)
        assert result.index == best
        assert sorted(map(tuple, result.partitions.tolist())) == tied
        assert result.n_edges == int(np.count_nonzero(np.triu(matrix)))


@pytest.mark.parametrize("n", [6, 11, 14])
def test_frustration_is_half_the_landscape_energy_plus_the_negative_edges(n):
    matrix = random_signed(n, n, density=0.8)
    result = frustration_index(matrix)
    assert exact_minima(matrix).energy / 2 + result.n_negative == pytest.approx(result.index)


def test_a_balanced_graph_has_index_zero_and_a_switched_edge_makes_it_one():
    side = np.array([0, 0, 1, 0, 1, 1, 0])
    matrix = np.where(side[:, None] == side[None, :], 1.0, -1.0)
    np.fill_diagonal(matrix, 0.0)
    result = frustration_index(matrix)
    assert result.index == 0
    assert result.partitions.tolist() == [side.tolist()]
    matrix[0, 2] = matrix[2, 0] = 1.0
    assert frustration_index(matrix).index == 1
    assert frustration_index(np.zeros((4, 4))).index == 0
    assert frustration_index([[0]]).partitions.tolist() == [[0]]


def test_an_all_negative_triangle_is_frustrated_once_three_ways():
    matrix = -(np.ones((3, 3)) - np.eye(3))
    result = frustration_index(matrix)
    assert result.index == 1
    assert result.partitions.tolist() == [[0, 1, 0], [0, 0, 1], [0, 1, 1]]


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (np.zeros((2, 3)), r"non-empty square n x n matrix; got shape \(2, 3\)"),
        (np.zeros((0, 0)), r"non-empty square"),
        ([[0, 2], [2, 0]], r"signed_adjacency\[0, 1\] = 2\.0; entries must be -1 .*, 0 .* or 1"),
        ([[0, np.nan], [np.nan, 0]], r"signed_adjacency\[0, 1\] = nan"),
        ([[0, 1], [-1, 0]], r"must be symmetric .*\[0, 1\] = 1 but \[1, 0\] = -1"),
        ([[1, 0], [0, 0]], r"signed_adjacency\[0, 0\] = 1; self-loops are not allowed"),
        ([[0, "x"], ["x", 0]], r"numeric n x n matrix of -1, 0 and 1"),
        (np.zeros((MAX_FRUSTRATION_NODES + 1,) * 2), rf"at most {MAX_FRUSTRATION_NODES} nodes"),
    ],
)
def test_bad_signed_adjacency_is_rejected_with_a_clear_message(matrix, message):
    with pytest.raises(ValueError, match=message):
        frustration_index(matrix)
