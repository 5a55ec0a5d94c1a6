"""Landscape theory of aggregation (Axelrod & Bennett 1993) as pure numpy functions.

Actors ``i = 0..n-1`` have sizes ``s_i >= 0`` and a symmetric propensity
``p_ij`` to align (positive) or oppose (negative); the diagonal is ignored.
A configuration ``X`` is an integer label per actor (its coalition). With
``d_ij(X) = 1`` when ``i`` and ``j`` are in different coalitions and 0
otherwise, the frustration of actor ``i`` and the energy of ``X`` are::

    F_i(X) = sum_{j != i} s_j p_ij d_ij(X)
    E(X)   = sum_i s_i F_i(X) = sum_{i != j} s_i s_j p_ij d_ij(X)

The energy runs over *ordered* pairs, so every unordered pair counts twice;
this is the form of the published proof that a switch lowering one actor's
frustration lowers the energy (Axelrod & Bennett 1993, footnote 2:
``E(X) = sum_{A'} sum_B r_ij + sum_B sum_{A'} r_ij`` with ``r_ij = s_i s_j p_ij``).
The unordered-pair energy is exactly ``E / 2``; every function here uses the
ordered form. Because of that symmetry a switch by actor ``i`` changes the
energy by ``2 s_i`` times the change in ``F_i``.

This module (``model/analysis/landscape.py``) holds the mathematics only and works on any
data. Reading propensities and sizes from CSV files is in
:mod:`model.analysis.landscape_files`; the command line is the edge module
:mod:`model.landscape` (``python -m model.landscape --help``).

References
----------
Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation.
    British Journal of Political Science 23(2): 211-233.
Axelrod, R., Mitchell, W., Thomas, R. E., Bennett, D. S. & Bruderer, E. (1995).
    Coalition formation in standard-setting alliances. Management Science
    41(9): 1493-1508.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.analysis.input_errors import InputError
from model.numerics.seeds import SEED_ALLOWED, is_seed

SYMMETRY_TOLERANCE = 1e-9
MAX_EXACT_ACTORS = 24
_CHUNK = 1 << 15


@dataclass(frozen=True)
class GlobalMinima:
    """Global energy minima of the two-coalition landscape.

    Attributes
    ----------
    energy : float
        Minimum energy (ordered-pair convention).
    partitions : numpy.ndarray
        ``(m, n)`` array of 0/1 labels, one row per tied minimum, actor 0
        always in coalition 0.
    n_configurations : int
        Number of distinct two-coalition configurations, ``2**(n-1)``.
    """

    energy: float
    partitions: np.ndarray
    n_configurations: int


@dataclass(frozen=True)
class LocalMinimum:
    """A configuration no single switch improves, with its basin of attraction.

    Attributes
    ----------
    labels : numpy.ndarray
        0/1 labels, actor 0 in coalition 0.
    energy : float
        Energy of the configuration.
    basin_size : int
        Number of configurations whose steepest-descent path ends here.
    basin_fraction : float
        ``basin_size / 2**(n-1)``.
    """

    labels: np.ndarray
    energy: float
    basin_size: int
    basin_fraction: float


@dataclass(frozen=True)
class HeuristicResult:
    """Best configuration found by :func:`heuristic_minimum`.

    Attributes
    ----------
    labels : numpy.ndarray
        Coalition labels in order of first appearance (actor 0 in coalition 0).
    energy : float
        Energy of ``labels``.
    n_starts : int
        Number of independent starts.
    n_hits : int
        Number of starts that ended at the best energy (a rough confidence
        signal: many hits suggest, but do not prove, a global minimum).
    """

    labels: np.ndarray
    energy: float
    n_starts: int
    n_hits: int


@dataclass(frozen=True)
class Move:
    """A switch that lowers the moving actor's own frustration.

    Attributes
    ----------
    actor : int
        Index of the actor.
    from_coalition, to_coalition : int
        Labels before and after the switch; a new coalition gets the label
        ``max(labels) + 1``.
    new_coalition : bool
        Whether the actor founds a new, previously empty coalition.
    frustration_change : float
        Change in the actor's frustration (negative).
    """

    actor: int
    from_coalition: int
    to_coalition: int
    new_coalition: bool
    frustration_change: float


@dataclass(frozen=True)
class NashReport:
    """Result of :func:`nash_stability`.

    Attributes
    ----------
    stable : bool
        True when no actor can lower its own frustration by one switch.
    frustration : numpy.ndarray
        Current frustration of every actor.
    improving_moves : tuple of Move
        Every frustration-lowering switch, best (most negative) first.
    """

    stable: bool
    frustration: np.ndarray
    improving_moves: tuple[Move, ...]

    @property
    def unstable_actors(self) -> tuple[int, ...]:
        """Actors that have at least one improving move, in index order."""
        return tuple(sorted({move.actor for move in self.improving_moves}))


def _as_float_array(value, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        pass
    try:
        raw = np.asarray(value, dtype=object)
    except ValueError:
        raise InputError(f"{what} must be a rectangular numeric array") from None
    for index in np.ndindex(raw.shape):
        try:
            float(raw[index])
        except (TypeError, ValueError):
            where = index[0] if len(index) == 1 else index
            raise InputError(
                f"{what} must be numeric; entry {where} is {raw[index]!r}"
            ) from None
    raise InputError(f"{what} must be a rectangular numeric array")


def first_asymmetric_cell(matrix: np.ndarray, tolerance: float = SYMMETRY_TOLERANCE):
    """The first cell (i, j) whose mirror differs by more than ``tolerance`` times the largest
    |p| (at least 1), with that limit, or None: one symmetry rule for arrays and files."""
    limit = tolerance * max(1.0, float(np.abs(matrix).max()))
    asymmetric = np.abs(matrix - matrix.T) > limit
    if not asymmetric.any():
        return None
    i, j = np.argwhere(asymmetric)[0]
    return int(i), int(j), limit


def _check_propensity(propensity, tolerance: float = SYMMETRY_TOLERANCE) -> np.ndarray:
    """Return a validated, symmetric copy of ``propensity`` with a zero diagonal."""
    matrix = _as_float_array(propensity, "propensity")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise InputError(
            f"propensity must be a square n x n matrix; got shape {matrix.shape}"
        )
    if matrix.shape[0] == 0:
        raise InputError("propensity must describe at least one actor; got a 0 x 0 matrix")
    bad = ~np.isfinite(matrix)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InputError(
            f"propensity has a missing or non-finite value at row {i}, column {j}: "
            f"{matrix[i, j]}; every cell must be a finite number"
        )
    found = first_asymmetric_cell(matrix, tolerance)
    if found:
        i, j, limit = found
        raise InputError(
            f"propensity must be symmetric (|p_ij - p_ji| <= {limit:g}); "
            f"p[{i}, {j}] = {matrix[i, j]:g} but p[{j}, {i}] = {matrix[j, i]:g}"
        )
    symmetric = matrix / 2.0 + matrix.T / 2.0  # halves first: no overflow near the float limit
    np.fill_diagonal(symmetric, 0.0)
    return symmetric


def _check_sizes(sizes, matrix: np.ndarray) -> np.ndarray:
    """Sizes checked one by one and, with the propensity, for energies that stay finite."""
    n = matrix.shape[0]
    values = np.ones(n) if sizes is None else _checked_size_values(sizes, n)
    _check_scale(matrix, values)
    return values


def _checked_size_values(sizes, n: int) -> np.ndarray:
    values = _as_float_array(sizes, "sizes")
    if values.ndim != 1 or values.shape[0] != n:
        raise InputError(
            f"sizes must be a 1-D array with one entry per actor (n={n}); "
            f"got shape {values.shape}"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"sizes[{i}] is missing or non-finite ({values[i]}); "
            "sizes must be finite numbers >= 0"
        )
    negative = values < 0
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise InputError(f"sizes[{i}] = {values[i]:g} is negative; sizes must be >= 0")
    return values


LARGEST_ENERGY = float(np.finfo(np.float64).max) / 16
"""Largest sum over ordered pairs of s_i s_j |p_ij| (and over j of s_j |p_ij|) allowed: the
searches add and double such sums, so this leaves them room to stay finite."""


def _check_scale(matrix: np.ndarray, weights: np.ndarray) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        pull = np.abs(matrix) @ weights
        total = weights @ pull
    if not (np.all(pull <= LARGEST_ENERGY) and total <= LARGEST_ENERGY):
        raise InputError(
            f"sizes and propensities are too large together: sum_ij s_i s_j |p_ij| = "
            f"{float(total):g} overflows the search's arithmetic; allowed: sums of s_j |p_ij| "
            f"and of s_i s_j |p_ij| up to {LARGEST_ENERGY:.4g}; rescale the sizes (e.g. to "
            "shares) or the propensities"
        )


def _check_labels(labels, n: int) -> np.ndarray:
    values = np.asarray(labels)
    if values.ndim != 1 or values.shape[0] != n:
        raise InputError(
            f"labels must be a 1-D array with one coalition label per actor (n={n}); "
            f"got shape {values.shape}"
        )
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64)
    for index, value in enumerate(values.tolist()):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
            raise InputError(f"labels must be integers; labels[{index}] = {value!r}")
    return values.astype(np.int64)


def _show(value) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise InputError(f"k (number of coalitions) must be an integer >= 2; got {_show(k)}")
    return int(k)


def _check_count(value, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{what} must be an integer >= {minimum}; got {_show(value)}")
    return int(value)


def _energy_tolerance(propensity: np.ndarray, sizes: np.ndarray, tol: float) -> float:
    return tol * max(1.0, float(sizes @ np.abs(propensity) @ sizes))


def _frustration_tolerance(propensity: np.ndarray, sizes: np.ndarray, tol: float) -> float:
    return tol * max(1.0, float((np.abs(propensity) @ sizes).max()))


def canonical_labels(labels) -> np.ndarray:
    """Relabel coalitions 0, 1, 2, ... in order of first appearance.

    Energy and frustration depend only on who is with whom, so this picks one
    representative of each partition (actor 0 always in coalition 0).

    Parameters
    ----------
    labels : array_like of int
        Coalition label per actor.

    Returns
    -------
    numpy.ndarray
        Relabelled copy, dtype int64.
    """
    values = np.asarray(labels)
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    return rank[inverse.ravel()]


def frustration(labels, propensity, sizes=None) -> np.ndarray:
    """Frustration of every actor in a configuration.

    ``F_i(X) = sum_{j != i} s_j p_ij d_ij(X)``: an actor is frustrated by
    friends (``p_ij > 0``) on another side and relieved by adversaries
    (``p_ij < 0``) on another side, each weighted by the other's size
    (Axelrod & Bennett 1993).

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Coalition label per actor; any number of coalitions.
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Frustration per actor.

    Raises
    ------
    ValueError
        If the inputs are malformed (non-square, asymmetric, non-finite,
        negative sizes, wrong lengths, non-integer labels).
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    weights = _check_sizes(sizes, matrix)
    coalition = _check_labels(labels, n)
    apart = coalition[:, None] != coalition[None, :]
    return (matrix * apart) @ weights


def energy(labels, propensity, sizes=None) -> float:
    """Energy of a configuration, ``E(X) = sum_i s_i F_i(X)``.

    The sum runs over ordered pairs, so each unordered pair ``{i, j}`` in
    different coalitions contributes ``2 s_i s_j p_ij``; this is the form used
    in Axelrod & Bennett (1993, footnote 2). Halve it for the unordered-pair
    convention.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Coalition label per actor; any number of coalitions.
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.

    Returns
    -------
    float
        The energy; lower is more stable.
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    return _raw_energy(_check_labels(labels, n), matrix, _check_sizes(sizes, matrix))


def _raw_energy(labels: np.ndarray, matrix: np.ndarray, weights: np.ndarray) -> float:
    apart = labels[:, None] != labels[None, :]
    return float(weights @ ((matrix * apart) @ weights))


def _codes_to_labels(codes: np.ndarray, n: int) -> np.ndarray:
    labels = np.zeros((codes.size, n), dtype=np.int64)
    labels[:, 1:] = (codes[:, None] >> np.arange(n - 1, dtype=np.int64)) & 1
    return labels


def _landscape_chunks(matrix: np.ndarray, weights: np.ndarray):
    """Yield ``(codes, energies, frustration_changes)`` for all 2**(n-1) configurations.

    Configuration code ``c`` puts actor ``b + 1`` on the side opposite actor 0
    when bit ``b`` of ``c`` is set; fixing actor 0 removes the mirror symmetry.
    With spins ``sigma_i = +-1`` and ``g = P (s * sigma)``, switching actor
    ``i`` changes ``F_i`` by ``sigma_i g_i`` and ``E = (s.r - sum_i s_i sigma_i g_i) / 2``
    with ``r = P s``: one matrix product per block gives every energy and
    every single-switch change.
    """
    n = weights.size
    total = 1 << (n - 1)
    coupling = matrix * weights[None, :]
    base = float(weights @ coupling.sum(axis=1))
    shifts = np.arange(n - 1, dtype=np.int64)
    for start in range(0, total, _CHUNK):
        codes = np.arange(start, min(start + _CHUNK, total), dtype=np.int64)
        spins = np.ones((codes.size, n))
        spins[:, 1:] -= 2.0 * ((codes[:, None] >> shifts) & 1)
        changes = spins * (spins @ coupling.T)
        yield codes, 0.5 * (base - changes @ weights), changes


def _check_exact_size(n: int) -> None:
    if n > MAX_EXACT_ACTORS:
        raise InputError(
            f"exact enumeration supports at most {MAX_EXACT_ACTORS} actors "
            f"(2**{MAX_EXACT_ACTORS - 1} configurations); got n={n}; "
            "use heuristic_minimum for larger systems"
        )


def exact_minima(propensity, sizes=None, *, tol: float = 1e-9) -> GlobalMinima:
    """Global energy minima over all two-coalition configurations.

    Enumerates all ``2**(n-1)`` partitions into two sides (actor 0 fixed on
    side 0, the everyone-together configuration included), as Axelrod &
    Bennett (1993) did for 17 nations, in vectorised blocks of one matrix
    product each rather than a Python loop. Three or four coalitions are searched
    exactly by :func:`model.analysis.landscape_exact.exact_minima_k`.

    Parameters
    ----------
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored. ``n <= 24``.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.
    tol : float, default 1e-9
        Relative tolerance for ties: every configuration within
        ``tol * max(1, sum_ij |s_i s_j p_ij|)`` of the minimum is returned.

    Returns
    -------
    GlobalMinima
        Minimum energy, all tied minimising partitions and the number of
        configurations searched.

    Raises
    ------
    ValueError
        If the inputs are malformed or ``n > 24``.
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    _check_exact_size(n)
    weights = _check_sizes(sizes, matrix)
    total = 1 << (n - 1)
    energies = np.empty(total)
    for codes, block, _ in _landscape_chunks(matrix, weights):
        energies[codes[0]:codes[-1] + 1] = block
    lowest = energies.min()
    winners = np.flatnonzero(energies <= lowest + _energy_tolerance(matrix, weights, tol))
    partitions = _codes_to_labels(winners, n)
    return GlobalMinima(
        energy=_raw_energy(partitions[0], matrix, weights),
        partitions=partitions,
        n_configurations=total,
    )


def local_minima_and_basins(propensity, sizes=None, *, tol: float = 1e-9) -> list[LocalMinimum]:
    """All local minima of the two-coalition landscape and their basins.

    A configuration is a local minimum when no single actor's switch lowers
    the energy by more than the tolerance; for actors of positive size this is
    the same as no actor being able to lower its own frustration, the myopic,
    one-actor-at-a-time rule of Axelrod & Bennett (1993). Zero-size actors
    never change the energy, so their placement does not create or destroy
    minima (use :func:`nash_stability` to see their own preferences).

    Basins of attraction are defined here by steepest descent (this module's
    choice of dynamic, one of those the myopic rule allows): from every one
    of the ``2**(n-1)`` configurations the system repeatedly makes the single
    switch with the largest energy decrease, until none lowers the energy;
    each configuration belongs to the minimum where its path ends. Switches
    whose decrease is within the tolerance of the largest count as tied and
    the lowest actor index wins, so every path is deterministic.

    Parameters
    ----------
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored. ``n <= 24``.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.
    tol : float, default 1e-9
        Relative tolerance, scaled by ``max(1, sum_ij |s_i s_j p_ij|)``.

    Returns
    -------
    list of LocalMinimum
        Sorted by energy, then by basin size (largest first). Basin sizes sum
        to ``2**(n-1)``.
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    _check_exact_size(n)
    weights = _check_sizes(sizes, matrix)
    total = 1 << (n - 1)
    atol = _energy_tolerance(matrix, weights, tol)
    flips = np.empty(n, dtype=np.int64)
    flips[0] = total - 1
    flips[1:] = np.int64(1) << np.arange(n - 1, dtype=np.int64)
    energies = np.empty(total)
    successor = np.empty(total, dtype=np.int64)
    for codes, block, changes in _landscape_chunks(matrix, weights):
        deltas = 2.0 * changes * weights
        steepest = deltas.min(axis=1)
        tied = (deltas <= steepest[:, None] + atol) & (deltas < -atol)
        choice = np.argmax(tied, axis=1)
        moving = steepest < -atol
        energies[codes[0]:codes[-1] + 1] = block
        successor[codes[0]:codes[-1] + 1] = np.where(moving, codes ^ flips[choice], codes)
    roots = successor
    while True:
        jumped = roots[roots]
        if np.array_equal(jumped, roots):
            break
        roots = jumped
    minima, counts = np.unique(roots, return_counts=True)
    labels = _codes_to_labels(minima, n)
    found = [
        LocalMinimum(
            labels=labels[index],
            energy=_raw_energy(labels[index], matrix, weights),
            basin_size=int(counts[index]),
            basin_fraction=float(counts[index]) / total,
        )
        for index in range(minima.size)
    ]
    return sorted(found, key=lambda item: (item.energy, -item.basin_size))


def _one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((labels.size, k))
    out[np.arange(labels.size), labels] = 1.0
    return out


def _descend(labels: np.ndarray, coupling: np.ndarray, coupling_rows: np.ndarray,
             weights: np.ndarray, k: int, atol: float) -> tuple[np.ndarray, float]:
    """Steepest single-switch descent for k coalitions, O(n k) per switch.

    ``field[i, c] = sum_{j in c} p_ij s_j``; switching ``i`` from ``a`` to
    ``c`` changes the energy by ``2 s_i (field[i, a] - field[i, c])`` and
    updates two columns of the field by ``+-p_{.i} s_i``. Returns the final
    labels and their energy ``sum_i s_i (sum_c field[i, c] - field[i, label_i])``.
    """
    field = coupling @ _one_hot(labels, k)
    rows = np.arange(labels.size)
    scale = 2.0 * weights[:, None]
    while True:
        own = field[rows, labels]
        deltas = scale * (own[:, None] - field)
        flat = deltas.ravel()
        steepest = flat.min()
        if steepest >= -atol:
            return labels, float(weights @ (field.sum(axis=1) - own))
        index = int(np.argmax((flat <= steepest + atol) & (flat < -atol)))
        actor, target = divmod(index, k)
        column = coupling_rows[actor]
        field[:, labels[actor]] -= column
        field[:, target] += column
        labels[actor] = target


def heuristic_minimum(propensity, sizes=None, k: int = 2, *, n_starts: int = 10,
                      n_kicks: int = 10, kick_fraction: float = 0.25, rng=None,
                      tol: float = 1e-9) -> HeuristicResult:
    """Low-energy configuration with up to ``k`` coalitions by multi-start local search.

    For systems too large to enumerate (see :mod:`model.analysis.landscape_exact`
    for the exact limits with up to four coalitions), each start draws random labels and follows the steepest single-switch descent
    of :func:`local_minima_and_basins` (maintaining the field of each actor
    towards each coalition so a switch costs O(n k)), then applies
    ``n_kicks`` perturbations (relabel a random ``kick_fraction`` of actors,
    descend again, keep the result if the energy drops). Switches into an
    empty coalition are allowed while fewer than ``k`` coalitions are in use.

    Parameters
    ----------
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.
    k : int, default 2
        Maximum number of coalitions, ``k >= 2``; a ``k`` above ``n`` searches the same
        partitions as ``k = n``.
    n_starts : int, default 10
        Independent random starts, ``>= 1``.
    n_kicks : int, default 10
        Perturbation rounds per start, ``>= 0``.
    kick_fraction : float, default 0.25
        Share of actors relabelled per perturbation, in ``(0, 1]``.
    rng : numpy.random.Generator or int or None
        Random source or seed, passed to ``numpy.random.default_rng``.
    tol : float, default 1e-9
        Relative tolerance, scaled by ``max(1, sum_ij |s_i s_j p_ij|)``.

    Returns
    -------
    HeuristicResult
        Best labels (canonical order), their energy, and how many starts hit
        that energy. The result is a local minimum, not a proven global one.
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    weights = _check_sizes(sizes, matrix)
    k = _check_k(k)
    n_starts = _check_count(n_starts, "n_starts", 1)
    n_kicks = _check_count(n_kicks, "n_kicks", 0)
    if not 0.0 < float(kick_fraction) <= 1.0:
        raise InputError(f"kick_fraction must be in (0, 1]; got {_show(kick_fraction)}")
    if isinstance(rng, (int, np.integer)) and not is_seed(rng):
        raise InputError(f"rng = {_show(rng)} is not allowed as a seed: expected {SEED_ALLOWED}")
    try:
        generator = np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise InputError(f"rng must be None, a numpy Generator or a seed ({SEED_ALLOWED}); "
                         f"got {_show(rng)}") from None
    k = min(k, n)  # n actors fill at most n coalitions: the same partitions, less memory
    coupling = matrix * weights[None, :]
    coupling_rows = np.ascontiguousarray(coupling.T)
    atol = _energy_tolerance(matrix, weights, tol)
    kicked = max(1, int(round(kick_fraction * n)))
    best_labels, best_energy, hits = None, np.inf, 0
    for _ in range(n_starts):
        labels, current = _descend(generator.integers(k, size=n), coupling, coupling_rows,
                                   weights, k, atol)
        for _ in range(n_kicks):
            trial = labels.copy()
            trial[generator.choice(n, size=kicked, replace=False)] = generator.integers(k, size=kicked)
            trial, trial_energy = _descend(trial, coupling, coupling_rows, weights, k, atol)
            if trial_energy < current - atol:
                labels, current = trial, trial_energy
        if current < best_energy - atol:
            best_labels, best_energy, hits = labels, current, 1
        elif current <= best_energy + atol:
            hits += 1
    best_labels = canonical_labels(best_labels)
    return HeuristicResult(best_labels, _raw_energy(best_labels, matrix, weights), n_starts, hits)


def nash_stability(labels, propensity, sizes=None, k: int = 2, *, tol: float = 1e-9) -> NashReport:
    """Whether any actor can lower its own frustration by switching coalition.

    Axelrod et al. (1995) predict configurations where no single actor gains
    by switching. Here an actor may switch to any other coalition in use, or
    found a new, empty coalition while fewer than ``k`` coalitions are in use
    (never when it is already alone, which would change nothing). Zero-size
    actors are judged by their own frustration even though they cannot move
    the energy.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Coalition label per actor, using at most ``k`` distinct labels.
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.
    k : int, default 2
        Maximum number of coalitions, ``k >= 2``.
    tol : float, default 1e-9
        A move counts only if it lowers frustration by more than
        ``tol * max(1, max_i sum_j |p_ij| s_j)``.

    Returns
    -------
    NashReport
        Stability flag, current frustrations and every improving move.
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    weights = _check_sizes(sizes, matrix)
    coalition = _check_labels(labels, n)
    k = _check_k(k)
    used, position, members = np.unique(coalition, return_inverse=True, return_counts=True)
    if used.size > k:
        raise InputError(
            f"labels use {used.size} coalitions but k={k}; use at most k distinct labels"
        )
    atol = _frustration_tolerance(matrix, weights, tol)
    field = (matrix * weights[None, :]) @ np.eye(used.size)[position]
    own = field[np.arange(n), position]
    current = field.sum(axis=1) - own
    changes = own[:, None] - field
    moves = [
        Move(int(i), int(coalition[i]), int(used[c]), False, float(changes[i, c]))
        for i, c in np.argwhere(changes < -atol)
    ]
    if used.size < k:
        founded = int(used.max()) + 1
        moves += [
            Move(int(i), int(coalition[i]), founded, True, float(own[i]))
            for i in np.flatnonzero((own < -atol) & (members[position] > 1))
        ]
    moves.sort(key=lambda move: (move.frustration_change, move.actor, move.to_coalition))
    return NashReport(not moves, current, tuple(moves))


def propensity_from_trust_and_domination(trust, domination, *, weight: float = 1.0) -> np.ndarray:
    """Symmetric propensity from directed trust and domination.

    ``p_ij = (trust_ij + trust_ji) / 2 - weight * (D_ij + D_ji) / 2`` with a
    zero diagonal. Trust between groups is their affinity; domination of one
    group by another, left unmitigated, is a source of antagonism that pushes
    them apart (after Muto Ichiyo's essay on people's alliances, the text
    this model follows; see the ODD document). Averaging both directions
    gives the symmetric propensity landscape theory needs (Axelrod & Bennett
    1993, footnote 2). Plain arrays in, so no dependency on the model core.

    Parameters
    ----------
    trust : array_like, shape (n, n)
        ``trust[i, j]`` in ``[-1, 1]``: how far group ``i`` trusts group ``j``.
    domination : array_like, shape (n, n)
        ``domination[i, j] >= 0``: how strongly ``i`` dominates ``j``.
    weight : float, default 1.0
        Weight ``w >= 0`` of domination against trust.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        Symmetric propensity with zero diagonal.
    """
    trust_matrix = _as_float_array(trust, "trust")
    domination_matrix = _as_float_array(domination, "domination")
    for name, value in (("trust", trust_matrix), ("domination", domination_matrix)):
        if value.ndim != 2 or value.shape[0] != value.shape[1] or value.shape[0] == 0:
            raise InputError(f"{name} must be a non-empty square n x n matrix; got shape {value.shape}")
        bad = ~np.isfinite(value)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise InputError(
                f"{name} has a missing or non-finite value at row {i}, column {j}: {value[i, j]}"
            )
    if trust_matrix.shape != domination_matrix.shape:
        raise InputError(
            f"trust and domination must have the same shape; got {trust_matrix.shape} "
            f"and {domination_matrix.shape}"
        )
    outside = np.abs(trust_matrix) > 1.0
    if outside.any():
        i, j = np.argwhere(outside)[0]
        raise InputError(f"trust[{i}, {j}] = {trust_matrix[i, j]:g} is outside [-1, 1]")
    negative = domination_matrix < 0
    if negative.any():
        i, j = np.argwhere(negative)[0]
        raise InputError(
            f"domination[{i}, {j}] = {domination_matrix[i, j]:g} is negative; "
            "domination must be >= 0"
        )
    if isinstance(weight, bool) or not np.isfinite(weight) or weight < 0:
        raise InputError(f"weight must be a finite number >= 0; got {_show(weight)}")
    result = (trust_matrix + trust_matrix.T) / 2.0 - weight * (domination_matrix + domination_matrix.T) / 2.0
    np.fill_diagonal(result, 0.0)
    return result
