"""Structural balance of a signed network: the exact frustration index (line index of balance).

A signed graph is balanced when its nodes split into two groups with every positive edge
inside a group and every negative edge between the groups (Cartwright & Harary 1956). Its
frustration index is the least number of edges whose removal (equivalently, whose sign
change) makes it balanced: the minimum, over all two-colourings of the nodes, of the
number of frustrated edges (positive between groups, negative within a group). Aref &
Wilson (2018, 2019) report exact values for real networks; this module computes it
exactly by visiting all ``2**(n-1)`` colourings in vectorised blocks, which suffices for
the small networks of the classic studies (16 nodes: 32,768 colourings).

Relation to the landscape (:mod:`model.analysis.landscape`): with the signed adjacency as
propensity, unit sizes and two coalitions, the ordered-pair energy of a partition is
``2 (P_between - N_between)``, so the frustration is ``energy / 2 + N`` (``N`` the number
of negative edges) and the landscape's global minimum sits at a minimum-frustration split.

References
----------
Cartwright, D. & Harary, F. (1956). Structural balance: a generalization of Heider's
    theory. Psychological Review 63(5): 277-293.
Aref, S. & Wilson, M. C. (2018). Measuring partial balance in signed networks. Journal of
    Complex Networks 6(4): 566-595.
Aref, S. & Wilson, M. C. (2019). Balance and frustration in signed networks. Journal of
    Complex Networks 7(2): 163-189.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_FRUSTRATION_NODES = 24
"""Largest network :func:`frustration_index` enumerates (``2**23`` colourings)."""

_CHUNK = 1 << 14


@dataclass(frozen=True)
class FrustrationIndex:
    """Result of :func:`frustration_index`.

    Attributes
    ----------
    index : int
        Minimum number of frustrated edges over all two-colourings.
    partitions : numpy.ndarray
        ``(m, n)`` array of 0/1 groups, one row per optimal colouring, node 0 in group 0,
        in increasing order of the colouring's code (bit ``b`` = node ``b + 1``).
    n_edges, n_negative : int
        Number of edges and of negative edges.
    """

    index: int
    partitions: np.ndarray
    n_edges: int
    n_negative: int


def _check_signed_adjacency(signed_adjacency) -> np.ndarray:
    try:
        matrix = np.asarray(signed_adjacency, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("signed_adjacency must be a numeric n x n matrix of -1, 0 and 1") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(
            f"signed_adjacency must be a non-empty square n x n matrix; got shape {matrix.shape}"
        )
    outside = ~np.isin(matrix, (-1.0, 0.0, 1.0))
    if outside.any():
        i, j = np.argwhere(outside)[0]
        raise ValueError(
            f"signed_adjacency[{i}, {j}] = {float(matrix[i, j])!r}; entries must be -1 (negative edge), "
            "0 (no edge) or 1 (positive edge)"
        )
    asymmetric = matrix != matrix.T
    if asymmetric.any():
        i, j = np.argwhere(asymmetric)[0]
        raise ValueError(
            f"signed_adjacency must be symmetric (an undirected network); "
            f"[{i}, {j}] = {matrix[i, j]:g} but [{j}, {i}] = {matrix[j, i]:g}"
        )
    loops = np.flatnonzero(np.diag(matrix))
    if loops.size:
        i = int(loops[0])
        raise ValueError(f"signed_adjacency[{i}, {i}] = {matrix[i, i]:g}; self-loops are not allowed")
    if matrix.shape[0] > MAX_FRUSTRATION_NODES:
        raise ValueError(
            f"frustration_index enumerates at most {MAX_FRUSTRATION_NODES} nodes "
            f"(2**{MAX_FRUSTRATION_NODES - 1} colourings); got n={matrix.shape[0]}"
        )
    return matrix


def frustration_index(signed_adjacency) -> FrustrationIndex:
    """Exact frustration index (line index of balance) of a small signed network.

    Counts, for every two-colouring of the nodes (node 0 fixed in group 0), the positive
    edges between groups and the negative edges within groups, and returns the minimum
    with every colouring that attains it.

    Parameters
    ----------
    signed_adjacency : array_like, shape (n, n)
        Symmetric matrix with 1 for a positive edge, -1 for a negative edge and 0 for
        none; zero diagonal; ``n <= 24``.

    Returns
    -------
    FrustrationIndex
        The index, all optimal colourings, and the edge counts.

    Raises
    ------
    ValueError
        If the matrix is not square, symmetric, in {-1, 0, 1}, loop-free, or too large.
    """
    matrix = _check_signed_adjacency(signed_adjacency)
    n = matrix.shape[0]
    first, second = np.triu_indices(n, 1)
    present = matrix[first, second] != 0
    first, second = first[present], second[present]
    signs = matrix[first, second]
    total = 1 << (n - 1)
    shifts = np.arange(n - 1, dtype=np.int64)
    counts = np.empty(total, dtype=np.int64)
    for start in range(0, total, _CHUNK):
        codes = np.arange(start, min(start + _CHUNK, total), dtype=np.int64)
        spins = np.ones((codes.size, n), dtype=np.int8)
        spins[:, 1:] -= 2 * ((codes[:, None] >> shifts) & 1).astype(np.int8)
        agreement = spins[:, first] * spins[:, second] * signs
        counts[start:start + codes.size] = (agreement < 0).sum(axis=1)
    best = int(counts.min()) if signs.size else 0
    winners = np.flatnonzero(counts == best)
    partitions = np.zeros((winners.size, n), dtype=np.int64)
    partitions[:, 1:] = (winners[:, None] >> shifts) & 1
    return FrustrationIndex(best, partitions, int(signs.size), int((signs < 0).sum()))
