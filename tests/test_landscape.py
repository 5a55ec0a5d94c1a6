"""Tests for the landscape analysis (Axelrod & Bennett 1993): the mathematics
(model.analysis.landscape), its CSV readers (model.analysis.landscape_files) and its
command line (python -m model.landscape)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.analysis.landscape import (
    canonical_labels,
    energy,
    exact_minima,
    frustration,
    heuristic_minimum,
    local_minima_and_basins,
    nash_stability,
    propensity_from_trust_and_domination,
)
from model.analysis.landscape_exact import MAX_EXACT_ACTORS_BY_K
from model.analysis.landscape_files import read_propensity_csv, read_sizes_csv
from model.landscape import ENERGY_CONVENTION, PER_PAIR_CONVENTION

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
BALANCED_PROPENSITY = DATA / "landscape_balanced_propensity.csv"
BALANCED_SIZES = DATA / "landscape_balanced_sizes.csv"
MALFORMED_PROPENSITY = DATA / "landscape_malformed_propensity.csv"


def random_instance(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    raw = rng.uniform(-1.0, 1.0, (n, n))
    return (raw + raw.T) / 2.0, rng.uniform(0.1, 2.0, n)


def loop_frustration(labels, propensity, sizes) -> list[float]:
    n = len(sizes)
    return [
        sum(sizes[j] * propensity[i][j] * (labels[i] != labels[j]) for j in range(n) if j != i)
        for i in range(n)
    ]


def loop_energy(labels, propensity, sizes) -> float:
    n = len(sizes)
    return sum(
        sizes[i] * sizes[j] * propensity[i][j] * (labels[i] != labels[j])
        for i in range(n) for j in range(n) if i != j
    )


def energy_tolerance(propensity, sizes, tol=1e-9) -> float:
    return tol * max(1.0, float(np.abs(propensity * np.outer(sizes, sizes)).sum()))


def all_two_coalition_labels(n: int) -> list[tuple[int, ...]]:
    return [(0,) + bits for bits in itertools.product((0, 1), repeat=n - 1)]


def flipped(labels: tuple[int, ...], actor: int) -> tuple[int, ...]:
    result = list(labels)
    result[actor] = 1 - result[actor]
    return tuple(result) if result[0] == 0 else tuple(1 - x for x in result)


def steepest_descent_end(labels, propensity, sizes, atol) -> tuple[int, ...]:
    while True:
        here = loop_energy(labels, propensity, sizes)
        deltas = [loop_energy(flipped(labels, i), propensity, sizes) - here for i in range(len(labels))]
        best = min(deltas)
        if best >= -atol:
            return labels
        actor = next(i for i, d in enumerate(deltas) if d <= best + atol and d < -atol)
        labels = flipped(labels, actor)


def brute_force_k_coalition_minimum(propensity, sizes, k) -> float:
    labels = np.array(list(itertools.product(range(k), repeat=len(sizes))))
    weights = propensity * np.outer(sizes, sizes)
    np.fill_diagonal(weights, 0.0)
    return float(((labels[:, :, None] != labels[:, None, :]) * weights).sum(axis=(1, 2)).min())


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "model.landscape", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )


def test_energy_and_frustration_match_a_double_loop_on_random_instances():
    for seed in range(20):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(2, 9))
        propensity, sizes = random_instance(seed, n)
        sizes[rng.random(n) < 0.2] = 0.0
        labels = rng.integers(0, int(rng.integers(1, 5)), size=n)
        assert frustration(labels, propensity, sizes) == pytest.approx(
            loop_frustration(labels, propensity, sizes), abs=1e-12)
        assert energy(labels, propensity, sizes) == pytest.approx(
            loop_energy(labels, propensity, sizes), abs=1e-12)


def test_energy_counts_each_unordered_pair_twice():
    propensity = np.array([[0.0, -0.5, 0.25], [-0.5, 0.0, 1.0], [0.25, 1.0, 0.0]])
    sizes = np.array([2.0, 3.0, 4.0])
    assert energy([0, 1], propensity[:2, :2], sizes[:2]) == pytest.approx(2 * 2.0 * 3.0 * -0.5)
    expected = 2 * (2.0 * 3.0 * -0.5 + 2.0 * 4.0 * 0.25)
    assert energy([0, 1, 1], propensity, sizes) == pytest.approx(expected)


def test_energy_is_size_weighted_sum_of_frustrations():
    propensity, sizes = random_instance(3, 7)
    labels = np.array([0, 2, 1, 0, 2, 2, 1])
    assert energy(labels, propensity, sizes) == pytest.approx(
        float(sizes @ frustration(labels, propensity, sizes)))


def test_everyone_together_has_zero_energy_and_frustration():
    propensity, sizes = random_instance(4, 6)
    assert energy(np.zeros(6, dtype=int), propensity, sizes) == 0.0
    assert np.all(frustration(np.zeros(6, dtype=int), propensity, sizes) == 0.0)


def test_diagonal_of_propensity_is_ignored():
    propensity, sizes = random_instance(5, 5)
    labels = [0, 1, 1, 0, 1]
    noisy = propensity + np.diag([9.0, -3.0, 4.0, 7.0, -1.0])
    assert energy(labels, noisy, sizes) == pytest.approx(energy(labels, propensity, sizes))


def test_energy_and_frustration_are_invariant_to_relabelling_coalitions():
    propensity, sizes = random_instance(6, 8)
    labels = np.array([0, 1, 2, 1, 0, 3, 3, 2])
    relabelled = np.array([-5, 100, 7, 42])[labels]
    assert energy(relabelled, propensity, sizes) == pytest.approx(energy(labels, propensity, sizes))
    assert frustration(relabelled, propensity, sizes) == pytest.approx(frustration(labels, propensity, sizes))
    assert canonical_labels(relabelled).tolist() == [0, 1, 2, 1, 0, 3, 3, 2]


def test_canonical_labels_number_coalitions_by_first_appearance():
    assert canonical_labels([7, 7, 3, 9, 3]).tolist() == [0, 0, 1, 2, 1]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 7),
    k=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
    actor=st.integers(0, 6),
    target=st.integers(0, 3),
)
def test_switch_that_lowers_own_frustration_lowers_energy(n, k, seed, actor, target):
    propensity, sizes = random_instance(seed, n)
    labels = np.random.default_rng(seed).integers(0, k, size=n)
    actor, target = actor % n, target % k
    moved = labels.copy()
    moved[actor] = target
    change_in_frustration = (frustration(moved, propensity, sizes)[actor]
                             - frustration(labels, propensity, sizes)[actor])
    change_in_energy = energy(moved, propensity, sizes) - energy(labels, propensity, sizes)
    assert change_in_energy == pytest.approx(2 * sizes[actor] * change_in_frustration, abs=1e-10)
    if change_in_frustration < -1e-12:
        assert change_in_energy < 0


def test_exact_minima_match_brute_force_up_to_ten_actors():
    for n in range(1, 11):
        for seed in range(3):
            propensity, sizes = random_instance(100 * n + seed, n)
            energies = {labels: loop_energy(labels, propensity, sizes) for labels in all_two_coalition_labels(n)}
            lowest = min(energies.values())
            expected = sorted(lab for lab, e in energies.items() if e <= lowest + energy_tolerance(propensity, sizes))
            result = exact_minima(propensity, sizes)
            assert result.energy == pytest.approx(lowest, abs=1e-12)
            assert sorted(map(tuple, result.partitions.tolist())) == expected
            assert result.n_configurations == 2 ** (n - 1)


def test_exact_minima_return_every_tied_partition():
    enemies = -np.ones((3, 3))
    result = exact_minima(enemies, np.ones(3))
    assert result.energy == pytest.approx(-4.0)
    assert sorted(map(tuple, result.partitions.tolist())) == [(0, 0, 1), (0, 1, 0), (0, 1, 1)]


def test_local_minima_and_basins_match_brute_force_steepest_descent():
    for n in (3, 5, 7):
        for seed in range(4):
            propensity, sizes = random_instance(7000 + 10 * n + seed, n)
            atol = energy_tolerance(propensity, sizes)
            ends = Counter(steepest_descent_end(labels, propensity, sizes, atol)
                           for labels in all_two_coalition_labels(n))
            result = local_minima_and_basins(propensity, sizes)
            assert {tuple(m.labels.tolist()): m.basin_size for m in result} == dict(ends)
            assert sum(m.basin_fraction for m in result) == pytest.approx(1.0)
            for minimum in result:
                here = loop_energy(tuple(minimum.labels), propensity, sizes)
                assert minimum.energy == pytest.approx(here)
                assert all(loop_energy(flipped(tuple(minimum.labels), i), propensity, sizes) >= here - atol
                           for i in range(n))


def test_global_minimum_is_the_lowest_local_minimum_and_nash_stable():
    for seed in range(10):
        propensity, sizes = random_instance(500 + seed, 12)
        best = exact_minima(propensity, sizes)
        local = local_minima_and_basins(propensity, sizes)
        assert local[0].energy == pytest.approx(best.energy)
        assert local[0].labels.tolist() in best.partitions.tolist()
        assert all(earlier.energy <= later.energy for earlier, later in zip(local, local[1:]))
        assert nash_stability(best.partitions[0], propensity, sizes).stable


def test_balanced_network_minimum_is_the_faction_split():
    """Analytic case, not published data: a structurally balanced signed network.

    Every term s_i s_j p_ij d_ij is at least min(0, s_i s_j p_ij), so
    E >= sum over negative pairs; the faction split reaches this bound and,
    with positive sizes and non-zero propensities, is the only partition that does.
    """
    names, propensity = read_propensity_csv(BALANCED_PROPENSITY)
    sizes = read_sizes_csv(BALANCED_SIZES, names)
    factions = [0 if name.startswith("Red") else 1 for name in names]
    bound = sum(sizes[i] * sizes[j] * propensity[i, j]
                for i in range(len(names)) for j in range(len(names)) if propensity[i, j] < 0)
    result = exact_minima(propensity, sizes)
    assert result.partitions.tolist() == [factions]
    assert result.energy == pytest.approx(bound)
    assert result.energy == pytest.approx(-39.35)
    assert nash_stability(factions, propensity, sizes).stable
    assert heuristic_minimum(propensity, sizes, rng=0).labels.tolist() == factions


def test_three_faction_network_is_found_with_three_coalitions():
    groups = np.array([0, 0, 1, 1, 1, 2, 2])
    rng = np.random.default_rng(11)
    magnitude = rng.uniform(0.2, 1.0, (7, 7))
    magnitude = (magnitude + magnitude.T) / 2
    propensity = np.where(groups[:, None] == groups[None, :], magnitude, -magnitude)
    sizes = rng.uniform(0.5, 2.0, 7)
    bound = float((np.minimum(propensity, 0) * np.outer(sizes, sizes)).sum()
                  - (np.minimum(np.diag(propensity), 0) * sizes ** 2).sum())
    result = heuristic_minimum(propensity, sizes, k=3, rng=1)
    assert result.labels.tolist() == groups.tolist()
    assert result.energy == pytest.approx(bound)
    assert brute_force_k_coalition_minimum(propensity, sizes, 3) == pytest.approx(bound)
    assert nash_stability(groups, propensity, sizes, k=3).stable


def test_heuristic_finds_exact_minimum_on_99_percent_of_small_instances():
    hits = 0
    for seed in range(200):
        n = int(np.random.default_rng(seed).integers(8, 15))
        propensity, sizes = random_instance(10_000 + seed, n)
        exact = exact_minima(propensity, sizes).energy
        found = heuristic_minimum(propensity, sizes, rng=seed)
        assert found.energy == pytest.approx(energy(found.labels, propensity, sizes))
        hits += found.energy <= exact + energy_tolerance(propensity, sizes)
    assert hits / 200 >= 0.99


def test_heuristic_matches_brute_force_with_three_coalitions():
    for seed in range(25):
        n = int(np.random.default_rng(seed).integers(5, 8))
        propensity, sizes = random_instance(20_000 + seed, n)
        best = brute_force_k_coalition_minimum(propensity, sizes, 3)
        found = heuristic_minimum(propensity, sizes, k=3, rng=seed)
        assert found.energy <= best + energy_tolerance(propensity, sizes)
        assert np.unique(found.labels).size <= 3


def test_heuristic_is_reproducible_with_a_seed():
    propensity, sizes = random_instance(8, 40)
    first = heuristic_minimum(propensity, sizes, k=3, rng=123)
    second = heuristic_minimum(propensity, sizes, k=3, rng=123)
    assert first.labels.tolist() == second.labels.tolist()
    assert first.energy == second.energy
    assert 1 <= first.n_hits <= first.n_starts == 10


def test_nash_stability_detects_an_isolated_friend():
    friends = np.ones((3, 3))
    report = nash_stability([0, 1, 1], friends, np.ones(3))
    assert not report.stable
    assert report.unstable_actors == (0,)
    (move,) = report.improving_moves
    assert (move.actor, move.from_coalition, move.to_coalition, move.new_coalition) == (0, 0, 1, False)
    assert move.frustration_change == pytest.approx(-2.0)
    assert report.frustration.tolist() == [2.0, 1.0, 1.0]
    assert nash_stability([0, 0, 0], friends, np.ones(3)).stable


def test_nash_stability_allows_a_new_coalition_only_when_k_allows():
    enemies = -np.ones((3, 3))
    assert nash_stability([0, 0, 1], enemies, np.ones(3), k=2).stable
    report = nash_stability([0, 0, 1], enemies, np.ones(3), k=3)
    assert not report.stable
    assert [(m.actor, m.to_coalition, m.new_coalition) for m in report.improving_moves] == [(0, 2, True), (1, 2, True)]
    assert all(m.frustration_change == pytest.approx(-1.0) for m in report.improving_moves)
    together = nash_stability([0, 0, 0], enemies, np.ones(3), k=2)
    assert together.unstable_actors == (0, 1, 2)


def test_nash_stability_judges_zero_size_actors_by_their_own_frustration():
    propensity = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    sizes = np.array([1.0, 1.0, 0.0])
    assert energy([0, 0, 1], propensity, sizes) == energy([0, 0, 0], propensity, sizes)
    report = nash_stability([0, 0, 1], propensity, sizes)
    assert report.unstable_actors == (2,)


def test_propensity_from_trust_and_domination_is_symmetric_affinity_minus_domination():
    trust = np.array([[1.0, 0.8, -0.2], [0.4, 1.0, 0.0], [0.6, -1.0, 1.0]])
    domination = np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 5.0]])
    result = propensity_from_trust_and_domination(trust, domination)
    expected = np.array([[0.0, 0.6 - 1.0, 0.2 - 0.5], [0.6 - 1.0, 0.0, -0.5], [0.2 - 0.5, -0.5, 0.0]])
    assert result == pytest.approx(expected)
    assert np.array_equal(result, result.T)
    halved = propensity_from_trust_and_domination(trust, domination, weight=0.5)
    assert halved[0, 1] == pytest.approx(0.6 - 0.5)
    assert propensity_from_trust_and_domination(trust, domination, weight=0.0)[0, 1] == pytest.approx(0.6)


SQUARE = np.zeros((3, 3))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: energy([0, 1], np.zeros((2, 3)), None), r"square n x n matrix; got shape \(2, 3\)"),
        (lambda: energy([0, 1], [[0, 0.5], [0.2, 0]], None), r"symmetric .* p\[0, 1\] = 0\.5 but p\[1, 0\] = 0\.2"),
        (lambda: energy([0, 1], [[0, "x"], ["x", 0]], None), r"propensity must be numeric; entry \(0, 1\) is 'x'"),
        (lambda: energy([0, 1], [[0, np.nan], [np.nan, 0]], None), r"missing or non-finite value at row 0, column 1: nan"),
        (lambda: energy([0, 1, 0], SQUARE, [1, -2, 1]), r"sizes\[1\] = -2 is negative; sizes must be >= 0"),
        (lambda: energy([0, 1, 0], SQUARE, [1, np.nan, 1]), r"sizes\[1\] is missing or non-finite \(nan\)"),
        (lambda: energy([0, 1, 0], SQUARE, [1, 1]), r"sizes must be a 1-D array with one entry per actor \(n=3\); got shape \(2,\)"),
        (lambda: energy([0, 1], SQUARE, None), r"labels must be a 1-D array .* \(n=3\); got shape \(2,\)"),
        (lambda: energy([0, 1.5, 0], SQUARE, None), r"labels must be integers; labels\[1\] = 1\.5"),
        (lambda: heuristic_minimum(SQUARE, None, k=1), r"k \(number of coalitions\) must be an integer >= 2; got 1"),
        (lambda: nash_stability([0, 1, 0], SQUARE, None, k=1), r"k \(number of coalitions\) must be an integer >= 2; got 1"),
        (lambda: nash_stability([0, 1, 2], SQUARE, None, k=2), r"labels use 3 coalitions but k=2"),
        (lambda: heuristic_minimum(SQUARE, None, n_starts=0), r"n_starts must be an integer >= 1; got 0"),
        (lambda: exact_minima(np.zeros((25, 25))), r"at most 24 actors .* got n=25; use heuristic_minimum"),
        (lambda: propensity_from_trust_and_domination([[0, 1.5], [0, 0]], np.zeros((2, 2))), r"trust\[0, 1\] = 1\.5 is outside \[-1, 1\]"),
        (lambda: propensity_from_trust_and_domination(np.zeros((2, 2)), [[0, -1], [0, 0]]), r"domination\[0, 1\] = -1 is negative"),
        (lambda: propensity_from_trust_and_domination(np.zeros((2, 2)), np.zeros((3, 3))), r"same shape; got \(2, 2\) and \(3, 3\)"),
        (lambda: propensity_from_trust_and_domination(np.zeros((2, 2)), np.zeros((2, 2)), weight=-1), r"weight must be a finite number >= 0; got -1"),
    ],
)
def test_input_checks_name_the_problem_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actor,a,b\na,0,1\nc,1,0\n", r"line 3 \(row 'c'\): row name 'c' is not among the column names \['a', 'b'\]"),
        ("actor,a,b\na,0,1\n", r"no row for column name\(s\) \['b'\]"),
        ("actor,a,b\na,0,1\nb,x,0\n", r"line 3 \(row 'b'\), column 'a': 'x' is not a number"),
        ("actor,a,b\na,0,\nb,1,0\n", r"line 2 \(row 'a'\), column 'b': missing value"),
        ("actor,a,b\na,0,NaN\nb,1,0\n", r"line 2 \(row 'a'\), column 'b': missing value"),
        ("actor,a,b\na,0,1,5\nb,1,0\n", r"line 2 \(row 'a'\): 3 values; expected 2"),
        ("actor,a,a\na,0,1\na,1,0\n", r"actor name 'a' appears twice"),
        ("actor,a,b\na,0,1\nb,0.5,0\n", r"not symmetric: row 'a', column 'b' is 1 but row 'b', column 'a' is 0\.5"),
        ("", r"file is empty"),
    ],
)
def test_propensity_csv_errors_name_file_row_and_column(tmp_path, text, message):
    path = write(tmp_path, "p.csv", text)
    with pytest.raises(ValueError, match=message) as caught:
        read_propensity_csv(path)
    assert str(path) in str(caught.value)


def test_propensity_csv_rows_may_be_in_another_order(tmp_path):
    path = write(tmp_path, "p.csv", "actor,a,b,c\nc,0.3,0.2,0\na,0,1,0.3\nb,1,0,0.2\n")
    names, matrix = read_propensity_csv(path)
    assert names == ["a", "b", "c"]
    assert matrix.tolist() == [[0, 1, 0.3], [1, 0, 0.2], [0.3, 0.2, 0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,size\na,1\nz,2\n", r"line 3: actor 'z' is not in the propensity file"),
        ("name,size\na,1\n", r"no size for actor\(s\) \['b'\] named in the propensity file"),
        ("name,size\na,1\nb,-2\n", r"line 3 \(actor 'b'\), column 'size': -2 is negative"),
        ("name,size\na,1\nb,big\n", r"line 3 \(actor 'b'\), column 'size': 'big' is not a number"),
        ("name,size\na,1\na,2\n", r"line 3: actor 'a' appears twice"),
        ("name\na\n", r"header must have two columns"),
    ],
)
def test_sizes_csv_errors_name_file_line_and_actor(tmp_path, text, message):
    path = write(tmp_path, "s.csv", text)
    with pytest.raises(ValueError, match=message) as caught:
        read_sizes_csv(path, ["a", "b"])
    assert str(path) in str(caught.value)


def test_cli_prints_minimum_basins_and_stability_for_the_balanced_case():
    result = run_cli("--propensity", str(BALANCED_PROPENSITY), "--sizes", str(BALANCED_SIZES))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == PER_PAIR_CONVENTION
    assert "exact enumeration of all 128 two-coalition configurations" in out
    assert "Minimum energy: -19.675 (1 partition)" in out
    assert "A: Red1, Red2, Red3, Red4" in out and "B: Blue1, Blue2, Blue3, Blue4" in out
    assert "{Red1, Red2, Red3, Red4} vs {Blue1, Blue2, Blue3, Blue4}" in out
    assert "100.0%" in out
    assert "stable: no actor lowers its own frustration" in out


def test_cli_per_pair_energy_is_half_the_ordered_pair_energy_and_says_so():
    """Default: each unordered pair once; --ordered-pairs: the library's sum over i != j."""
    names, propensity = read_propensity_csv(BALANCED_PROPENSITY)
    sizes = read_sizes_csv(BALANCED_SIZES, names)
    ordered = exact_minima(propensity, sizes).energy
    per_pair = sum(sizes[i] * sizes[j] * propensity[i, j]
                   for i in range(8) for j in range(i + 1, 8) if (i < 4) != (j < 4))
    assert per_pair == pytest.approx(ordered / 2)
    default = run_cli("--propensity", str(BALANCED_PROPENSITY), "--sizes", str(BALANCED_SIZES))
    doubled = run_cli("--propensity", str(BALANCED_PROPENSITY), "--sizes", str(BALANCED_SIZES),
                      "--ordered-pairs")
    assert default.returncode == 0 and doubled.returncode == 0, default.stderr + doubled.stderr
    assert f"Minimum energy: {per_pair:.6g} (1 partition)" in default.stdout
    assert f"Minimum energy: {ordered:.6g} (1 partition)" in doubled.stdout
    assert doubled.stdout.splitlines()[0] == ENERGY_CONVENTION
    assert "ordered pairs" in ENERGY_CONVENTION and "per unordered pair" in PER_PAIR_CONVENTION
    default_rows = [line.split()[1] for line in default.stdout.splitlines() if line.strip().startswith("1  ")]
    doubled_rows = [line.split()[1] for line in doubled.stdout.splitlines() if line.strip().startswith("1  ")]
    assert float(doubled_rows[0]) == pytest.approx(2 * float(default_rows[0]))


def test_cli_searches_three_and_four_coalitions_exactly_within_the_limit():
    for k, count in (("3", 1094), ("4", 2795)):
        result = run_cli("--propensity", str(BALANCED_PROPENSITY), "--coalitions", k)
        assert result.returncode == 0, result.stderr
        assert f"exact enumeration of all {count} partitions into at most {k} coalitions" in result.stdout
        assert "heuristic" not in result.stdout
        assert "A: Red1, Red2, Red3, Red4" in result.stdout


def test_cli_uses_the_heuristic_above_the_exact_limit_or_beyond_four_coalitions(tmp_path):
    result = run_cli("--propensity", str(BALANCED_PROPENSITY), "--coalitions", "5")
    assert result.returncode == 0, result.stderr
    assert "heuristic multi-start local search (5 coalitions > 4" in result.stdout
    assert "not guaranteed to be the global minimum" in result.stdout
    assert "A: Red1, Red2, Red3, Red4" in result.stdout
    n = MAX_EXACT_ACTORS_BY_K[3] + 1
    propensity, _ = random_instance(5, n)
    names = [f"a{i}" for i in range(n)]
    rows = ["actor," + ",".join(names)] + [
        name + "," + ",".join(f"{value:.6f}" for value in row) for name, row in zip(names, propensity)]
    path = write(tmp_path, "big.csv", "\n".join(rows) + "\n")
    result = run_cli("--propensity", str(path), "--coalitions", "3")
    assert result.returncode == 0, result.stderr
    assert f"heuristic multi-start local search ({n} actors > {n - 1}, the exact limit for 3" in result.stdout


def test_cli_rejects_a_malformed_csv_with_exit_code_2_and_no_traceback():
    result = run_cli("--propensity", str(MALFORMED_PROPENSITY))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert str(MALFORMED_PROPENSITY) in result.stderr
    assert "line 3 (row 'Red2'), column 'Blue1': 'high' is not a number" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--propensity", "does/not/exist.csv"),
        ("--propensity", str(BALANCED_PROPENSITY), "--sizes", str(MALFORMED_PROPENSITY)),
        ("--propensity", str(BALANCED_PROPENSITY), "--coalitions", "1"),
    ],
)
def test_cli_bad_arguments_exit_with_code_2_and_a_message(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


FURNAS_SYRIA = DATA / "landscape_furnas_syria"


@pytest.mark.parametrize(
    ("sizes_file", "side_b", "expected_energy"),
    [
        ("sizes.csv", {"Tur", "ISIS", "Nursa"}, -83200.0),
        ("sizes_weak_syria.csv", {"ISIS", "Nursa"}, -65600.0),
    ],
)
def test_furnas_syria_case_matches_the_repository_optimum(sizes_file, side_b, expected_energy):
    """Independent implementation, informal data (not a published paper's table).

    Inputs and stated optimum from github.com/alexanderfurnas/Landscape_Theory
    (commit 80515b4): Pairwise_propensity_Feb_20.csv minus 3, Actor_data.csv /
    Actor_data_weaksyria.csv; the 'Optimal' rows of
    Landscape_Favored_Alignments[_weaksyria]_2016-02-20.csv (rows 891 / 976,
    energies -83200 / -65600, the only configurations flagged as local minima).
    See tests/data/landscape_furnas_syria/README.md.
    """
    names, propensity = read_propensity_csv(FURNAS_SYRIA / "propensity.csv")
    sizes = read_sizes_csv(FURNAS_SYRIA / sizes_file, names)
    stated = [1 if name in side_b else 0 for name in names]
    result = exact_minima(propensity, sizes)
    assert result.partitions.tolist() == [stated]
    assert result.energy == pytest.approx(expected_energy)
    minima = local_minima_and_basins(propensity, sizes)
    assert [(m.labels.tolist(), m.basin_size) for m in minima] == [(stated, 1024)]
    assert nash_stability(stated, propensity, sizes).stable


def test_furnas_syria_energies_match_the_repository_results_file():
    """Spot checks against Landscape_Results_2016-02-20.csv (alignment 1 -> 0, 2 -> 1)."""
    names, propensity = read_propensity_csv(FURNAS_SYRIA / "propensity.csv")
    sizes = read_sizes_csv(FURNAS_SYRIA / "sizes.csv", names)
    rows = {
        (1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2): -4200.0,     # row 1
        (1, 2, 2, 1, 1, 2, 2, 2, 1, 2, 1): -65000.0,    # row 330
        (1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 1): -82400.0,    # row 976
        (1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1): -80000.0,    # row 1018
        (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1): 0.0,         # row 1024
    }
    for alignment, stated_energy in rows.items():
        labels = [side - 1 for side in alignment]
        assert energy(labels, propensity, sizes) == pytest.approx(stated_energy)
