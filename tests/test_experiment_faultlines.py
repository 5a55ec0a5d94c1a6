"""Experiment 2's contract bridging: how far across identities allies are (no model runs)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.e2_faultlines import contract_bridging


def test_bridging_compares_allies_with_all_pairs():
    sides = np.array([[0, 0], [0, 0], [1, 1], [1, 1]])
    # all 6 pairs: 2 identical, 4 opposite -> mean distance 4/6 of the axes
    assert contract_bridging(sides, np.array([0, 2]), np.array([1, 3])) == 0.0
    assert contract_bridging(sides, np.array([0]), np.array([2])) == pytest.approx(1.5)
    mixed = contract_bridging(sides, np.array([0, 0]), np.array([1, 2]))
    assert mixed == pytest.approx(0.5 / (4 / 6))


def test_bridging_matches_a_brute_force_mean_over_pairs():
    rng = np.random.default_rng(0)
    sides = rng.integers(0, 2, size=(30, 5))
    a, b = rng.integers(0, 30, 40), rng.integers(0, 30, 40)
    i, j = np.triu_indices(30, 1)
    every = np.abs(sides[i] - sides[j]).mean()
    allied = np.abs(sides[a] - sides[b]).mean()
    assert contract_bridging(sides, a, b) == pytest.approx(allied / every)


def test_bridging_undefined_without_contracts_or_differences():
    sides = np.array([[0, 1], [1, 0], [1, 1]])
    assert np.isnan(contract_bridging(sides, np.array([], int), np.array([], int)))
    assert np.isnan(contract_bridging(np.ones((4, 3)), np.array([0]), np.array([1])))
