"""Experiment 9's landscape measure on hand-made propensities (no model runs)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.e9_landscape import batch_energy_and_stability, coalitions, landscape_position
from model.analysis import landscape as ls


def test_unallied_groups_become_coalitions_of_their_own():
    assert coalitions(np.array([-1, 0, 0, -1, 1, 1])).tolist() == [0, 1, 1, 2, 3, 3]
    assert coalitions(np.array([-1, -1, -1])).tolist() == [0, 1, 2]


def test_batch_agrees_with_the_landscape_module():
    rng = np.random.default_rng(7)
    seen = set()
    for trial in range(30):
        n = int(rng.integers(3, 9))
        a = rng.normal(size=(n, n))
        p = (a + a.T) / 2
        if trial % 3 == 0:
            p = np.abs(p)  # all friends: everyone together is a minimum
        s = rng.random(n)
        s /= s.sum()
        labels = np.stack([ls.canonical_labels(rng.integers(0, rng.integers(1, n + 1), size=n))
                           for _ in range(12)])
        energy, stable = batch_energy_and_stability(labels, p, s)
        for row, e, ok in zip(labels, energy, stable):
            assert e == pytest.approx(ls.energy(row, p, s), abs=1e-12)
            assert ok == ls.nash_stability(row, p, s, k=n).stable
            seen.add(bool(ok))
    assert seen == {True, False}


def test_two_hostile_blocs_are_the_minimum_and_a_defector_is_not():
    bloc = np.array([0, 0, 0, 1, 1, 1])
    p = np.where(bloc[:, None] == bloc[None, :], 1.0, -1.0)
    np.fill_diagonal(p, 0.0)
    sizes = np.full(6, 1 / 6)
    at = landscape_position(bloc, p, sizes, np.random.default_rng(0), n_random=50)
    assert at["at_local_minimum"] == 1.0 and at["gap"] == pytest.approx(0.0, abs=1e-12)
    assert at["energy"] == pytest.approx(at["energy_two_coalitions"])
    assert at["random_at_local_minimum"] < 1.0 and at["energy_percentile"] < 0.5
    off = landscape_position(np.array([0, 0, 1, 1, 1, 1]), p, sizes, np.random.default_rng(0),
                             n_random=50)
    assert off["at_local_minimum"] == 0.0 and off["unstable_share"] > 0
    assert off["gap"] > 0.1 and off["gap_vs_random"] > 0
