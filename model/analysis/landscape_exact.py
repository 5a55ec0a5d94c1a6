"""Exact global minima of the landscape (Axelrod & Bennett 1993) for up to four coalitions.

Two coalitions are enumerated by :func:`model.analysis.landscape.exact_minima`; this module
searches every partition of the actors into at most ``k`` (2, 3 or 4) coalitions, each
exactly once: a partition is written as its restricted growth string (actor 0 in coalition 0,
each later actor in a coalition already used or the next new one), so relabelling the
coalitions never yields a duplicate. There are ``sum_{j <= k} S(n, j)`` such partitions
(Stirling numbers of the second kind).

The search splits the actors into a short prefix and a suffix of ``b`` actors. The energy
of every suffix labelling and the prefix it needs (the largest label the prefix must have
used for the suffix to be a valid continuation) are computed once; then, for each prefix,
the energies of all its valid suffixes come from ``b`` vectorised look-ups of the prefix's
field towards each coalition, so the Python loop runs over prefixes only. Energies use the
ordered-pair convention of :mod:`model.analysis.landscape` (twice the per-pair energy).

The size limits (``MAX_EXACT_ACTORS_BY_K``) keep the largest allowed case under about
10 s on one core; ``benchmarks/bench_landscape_exact.py`` prints the timings behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from model.analysis.input_errors import InputError
from model.analysis.landscape import (
    _check_propensity,
    _check_sizes,
    _energy_tolerance,
    _raw_energy,
    _show,
)

MAX_EXACT_ACTORS_BY_K = {2: 24, 3: 19, 4: 16}
"""Largest number of actors the exact search accepts for each k (see the benchmark)."""

_SUFFIX_ACTORS = {2: 18, 3: 11, 4: 9}
_DEFAULT_MAX_PARTITIONS = 1000


@dataclass(frozen=True)
class PartitionMinima:
    """Global energy minima over all partitions into at most ``k`` coalitions.

    Attributes
    ----------
    energy : float
        Minimum energy (ordered-pair convention: twice the per-pair energy).
    partitions : numpy.ndarray
        ``(m, n)`` array of canonical labels (restricted growth strings, actor 0 in
        coalition 0), one row per tied minimum in lexicographic order, at most
        ``max_partitions`` rows.
    n_tied : int
        Number of tied minimising partitions, including any not listed.
    n_configurations : int
        Number of distinct partitions searched, ``sum_{j <= k} S(n, j)``.
    k : int
        Maximum number of coalitions.
    """

    energy: float
    partitions: np.ndarray
    n_tied: int
    n_configurations: int
    k: int


def count_partitions(n: int, k: int) -> int:
    """Number of partitions of ``n`` actors into at most ``k`` non-empty coalitions.

    The sum of Stirling numbers of the second kind ``S(n, j)`` for ``j = 1..k``, by the
    recurrence ``S(n, j) = j S(n-1, j) + S(n-1, j-1)``; it is what the exact search visits.

    Parameters
    ----------
    n : int
        Number of actors, ``>= 1``.
    k : int
        Maximum number of coalitions, ``>= 1``.

    Returns
    -------
    int
        The count (exact integer).
    """
    for name, value in (("n", n), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InputError(f"{name} must be an integer >= 1; got {_show(value)}")
    row = [1] + [0] * k
    for _ in range(n):
        row = [0] + [j * row[j] + row[j - 1] for j in range(1, k + 1)]
    return sum(row[1:])


def _check_exact_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or int(k) not in MAX_EXACT_ACTORS_BY_K:
        raise InputError(
            f"k (number of coalitions) for the exact search must be 2, 3 or 4; got {_show(k)}; "
            "use heuristic_minimum for more coalitions"
        )
    return int(k)


def _check_exact_actors(n: int, k: int) -> None:
    limit = MAX_EXACT_ACTORS_BY_K[k]
    if n > limit:
        raise InputError(
            f"exact search with k={k} supports at most {limit} actors "
            f"({count_partitions(limit, k)} partitions, about 10 s on one core); got n={n} "
            f"({count_partitions(n, k)} partitions); use heuristic_minimum for larger systems"
        )


def _growth_strings(length: int, k: int) -> list[tuple[int, ...]]:
    """All restricted growth strings of ``length`` labels using at most ``k`` labels."""
    strings = [(0,)]
    for _ in range(length - 1):
        strings = [s + (c,) for s in strings for c in range(min(max(s) + 2, k))]
    return strings


def _suffix_table(b: int, k: int, weights_bb: np.ndarray):
    """Every labelling of the ``b`` suffix actors with its energy and the prefix it needs.

    Returns ``(labels, energies, starts, codes)``: ``labels`` is ``(b, k**b)`` (one
    contiguous row per actor), columns sorted by the largest prefix label required
    (``need``); ``starts[M]`` is the number of columns valid after a prefix whose largest
    label is ``M``, and ``codes`` the base-``k`` code of each column (its lexicographic rank).
    """
    codes = np.arange(k ** b, dtype=np.int64)
    labels = np.empty((b, codes.size), dtype=np.int64)
    for position in range(b):
        labels[position] = (codes // k ** (b - 1 - position)) % k
    seen = np.full(codes.size, -1, dtype=np.int64)
    need = np.zeros(codes.size, dtype=np.int64)
    for position in range(b):
        jump = labels[position] - 1
        need = np.where(jump > seen, np.maximum(need, jump), need)
        seen = np.maximum(seen, labels[position])
    energies = np.zeros(codes.size)
    for i, j in combinations(range(b), 2):
        if weights_bb[i, j] != 0.0:
            energies += (2.0 * weights_bb[i, j]) * (labels[i] != labels[j])
    order = np.argsort(need, kind="stable")
    starts = np.searchsorted(need[order], np.arange(k), side="right")
    return np.ascontiguousarray(labels[:, order]), energies[order], starts, codes[order]


def exact_minima_k(propensity, sizes=None, k: int = 3, *, tol: float = 1e-9,
                   max_partitions: int = _DEFAULT_MAX_PARTITIONS) -> PartitionMinima:
    """Global energy minima over all partitions into at most ``k`` coalitions (k = 2, 3, 4).

    Exact: every partition is visited once (see the module docstring), so the result is
    the global minimum, unlike :func:`model.analysis.landscape.heuristic_minimum`.

    Parameters
    ----------
    propensity : array_like, shape (n, n)
        Symmetric propensity matrix; the diagonal is ignored.
    sizes : array_like, shape (n,), optional
        Sizes ``s_i >= 0``; all ones when omitted.
    k : int, default 3
        Maximum number of coalitions: 2, 3 or 4. ``n`` may be at most
        ``MAX_EXACT_ACTORS_BY_K[k]`` (24, 19 and 16).
    tol : float, default 1e-9
        Relative tolerance for ties, scaled by ``max(1, sum_ij |s_i s_j p_ij|)``.
    max_partitions : int, default 1000
        Most tied partitions listed (the count ``n_tied`` is always complete).

    Returns
    -------
    PartitionMinima
        Minimum energy (ordered-pair convention), tied minimising partitions and counts.

    Raises
    ------
    ValueError
        If the inputs are malformed, ``k`` is not 2, 3 or 4, or ``n`` is above the limit.
    """
    matrix = _check_propensity(propensity)
    n = matrix.shape[0]
    weights = _check_sizes(sizes, matrix)
    k = _check_exact_k(k)
    if isinstance(max_partitions, bool) or not isinstance(max_partitions, (int, np.integer)) \
            or max_partitions < 1:
        raise InputError(f"max_partitions must be an integer >= 1; got {_show(max_partitions)}")
    _check_exact_actors(n, k)
    pair_weights = (matrix * weights[None, :]) * weights[:, None]
    atol = _energy_tolerance(matrix, weights, tol)
    b = min(n - 1, _SUFFIX_ACTORS[k])
    m = n - b
    suffix, suffix_energy, starts, codes = _suffix_table(b, k, pair_weights[m:, m:])
    cross = 2.0 * pair_weights[:m, m:]
    offset = cross.sum()
    prefixes = _growth_strings(m, k)

    def energies(prefix: tuple[int, ...]) -> np.ndarray:
        labels = np.asarray(prefix)
        field = np.eye(k)[labels].T @ cross
        valid = starts[max(prefix)]
        total = suffix_energy[:valid] + (_raw_energy(labels, pair_weights[:m, :m], np.ones(m)) + offset)
        for position in range(b):
            total -= field[:, position][suffix[position, :valid]]
        return total

    lowest = np.array([energies(prefix).min() for prefix in prefixes])
    best = lowest.min()
    rows: list[tuple[int, ...]] = []
    n_tied = 0
    for prefix in (prefixes[i] for i in np.flatnonzero(lowest <= best + atol)):
        hits = np.flatnonzero(energies(prefix) <= best + atol)
        n_tied += hits.size
        if len(rows) < max_partitions:
            hits = hits[np.argsort(codes[hits])][:max_partitions - len(rows)]
            rows.extend(prefix + tuple(suffix[:, hits].T[row].tolist()) for row in range(hits.size))
    partitions = np.array(rows, dtype=np.int64).reshape(-1, n)
    return PartitionMinima(
        energy=_raw_energy(partitions[0], matrix, weights),
        partitions=partitions,
        n_tied=n_tied,
        n_configurations=count_partitions(n, k),
        k=k,
    )
