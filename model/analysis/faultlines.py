"""Faultline strength of a population of groups with intersecting identities
(``model/analysis/faultlines.py``).

A faultline is a hypothetical dividing line that splits a population into internally
homogeneous subgroups on several attributes at once (Lau and Murnighan 1998). Two standard
measures from the team-faultline literature are computed here on the rows (groups) by
columns (domination axes, cultural traits) attribute matrix:

* :func:`average_silhouette_width` (ASW; Meyer and Glenz 2013), the headline measure;
* :func:`thatcher_fau` (Fau; Thatcher, Jehn and Zanutto 2003), the classic two-subgroup one.

Populations of groups repeat the same identity profile many times (2**K binary patterns
for K axes), so both measures work on the distinct profiles weighted by their
multiplicity. The weighted formulas are exact for the full population, which is what
makes n = 10,000 cheap. Subgroups never split identical profiles.

The model passes its category codes with ``metric="matching"`` (:func:`faultline_strength`).
Data from elsewhere (age in years, gender, ethnicity) comes as a table with declared column
types and optional attribute weights (``types=``, ``weights=``, ``scale=``; coded in
``model/analysis/faultline_data.py`` as Meyer and Glenz's R package asw.cluster codes it),
or, for ASW, as a precomputed distance matrix (``distances=``). Integer-valued columns of
undeclared type are refused rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.spatial.distance import cdist

from model.analysis.faultline_data import (LARGEST_COORDINATE, checked_distances,
                                           declared_coordinates)
from model.analysis.input_errors import InputError, InputTypeError

_TOL = 1e-12


@dataclass(frozen=True)
class FaultlineResult:
    """Faultline strength of one population and the partition that attains it.

    Attributes
    ----------
    value : float
        The measure (ASW in [-1, 1], Fau in [0, 1]); 0.0 by convention when no faultline
        can exist (fewer than three rows, or all rows identical).
    labels : ndarray of int, shape (n,)
        Subgroup of every input row, numbered 0.. in order of first appearance.
    n_subgroups : int
        Number of subgroups in ``labels``.
    exact : bool
        True when the value is the exact maximum over all partitions of the distinct
        profiles that the measure considers; False when it comes from the heuristic.
    n_used : int
        Rows the value was computed from: n, or the subsample size for ASW on very
        heterogeneous populations.
    """

    value: float
    labels: np.ndarray
    n_subgroups: int
    exact: bool
    n_used: int


# --------------------------------------------------------------------------- encoding


METRICS = ("auto", "matching", "euclidean")


def _as_matrix(attributes, metric: str) -> np.ndarray:
    try:
        x = np.asarray(attributes, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputTypeError(f"metric={metric!r} needs numbers in every column ({err}); for text "
                             f"columns pass a DataFrame with types=... instead") from None
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise InputError(f"attributes must be a 1-D or 2-D array (rows = groups), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InputError("attributes must be finite (no NaN or infinite values)")
    if metric == "euclidean" and np.any(np.abs(x) > LARGEST_COORDINATE):
        raise InputError(f"attributes reach {float(np.abs(x).max()):g}; allowed: up to "
                         f"{LARGEST_COORDINATE:g} in magnitude, so that squared distances stay "
                         "finite")
    return x


def _rows(attributes, metric: str, types, weights, scale) -> tuple[np.ndarray, str]:
    """The rows a measure works on and the distance between them ("matching" or "euclidean").

    "auto" reads declared (or unambiguous) column types and weights into asw.cluster's
    coordinates (:func:`~model.analysis.faultline_data.declared_coordinates`); "matching"
    takes category codes as they are; "euclidean" z-scores every column.
    """
    if metric not in METRICS:
        raise InputError(f"metric = {metric!r}; allowed: 'auto' (declared column types), "
                         f"'matching' (category codes), 'euclidean' (z-scored numbers)")
    if metric == "auto":
        return declared_coordinates(attributes, types, weights, scale), "euclidean"
    if types is not None or weights is not None or scale is not None:
        raise InputError(f"types, weights and scale describe declared columns and need "
                         f"metric='auto', not metric={metric!r}")
    x = _as_matrix(attributes, metric)
    if metric == "matching":
        bad = np.flatnonzero(np.any(x != np.round(x), axis=0))
        if len(bad):
            raise InputError(f"metric='matching' compares category codes, but column "
                             f"{bad[0]} holds non-integer values; declare numeric columns "
                             f"with types=... and metric='auto'")
        return x, "matching"
    sd = x.std(axis=0)
    keep = sd > 0
    return (x[:, keep] - x[:, keep].mean(axis=0)) / sd[keep], "euclidean"


def _unique_rows(x: np.ndarray):
    if x.shape[1] == 0:
        return x[:1], np.zeros(len(x), dtype=np.int64), np.array([len(x)])
    u, inverse, counts = np.unique(x, axis=0, return_inverse=True, return_counts=True)
    return u, inverse.reshape(-1), counts


def pairwise_distances(a: np.ndarray, b: np.ndarray, metric: str) -> np.ndarray:
    """Distances between profile rows, the ones both faultline measures are built on.

    ``matching`` is the simple-matching (Gower nominal) distance, the share of attributes
    on which two rows differ, so that a binary axis and a q-valued trait weigh the same
    and relabelling categories changes nothing (Gower 1971). ``euclidean`` is the
    Euclidean distance divided by sqrt(p), meant for rows already z-scored per column.

    Parameters
    ----------
    a, b : ndarray, shape (m, p) and (r, p)
    metric : {"matching", "euclidean"}

    Returns
    -------
    ndarray, shape (m, r)
    """
    p = max(a.shape[1], 1)
    if metric == "matching":
        d = np.zeros((len(a), len(b)))
        for f in range(a.shape[1]):
            d += a[:, f, None] != b[None, :, f]
        return d / p
    return cdist(a, b) / np.sqrt(p)


def _embedding(u: np.ndarray, metric: str) -> np.ndarray:
    """Coordinates whose squared Euclidean distance is the Ward input for ``metric``.

    For ``matching`` each attribute is one-hot coded and scaled by 1/sqrt(2p), so the
    squared distance between two rows equals their matching distance; for z-scores the
    rows are scaled by 1/sqrt(p), so it equals the squared Euclidean distance above.
    """
    p = max(u.shape[1], 1)
    if metric == "euclidean":
        return u / np.sqrt(p)
    blocks = []
    for f in range(u.shape[1]):
        values = np.unique(u[:, f])
        if len(values) > 1:
            blocks.append((u[:, f, None] == values[None, :]).astype(np.float64))
    if not blocks:
        return np.zeros((len(u), 1))
    return np.concatenate(blocks, axis=1) / np.sqrt(2.0 * p)


def _canonical(labels: np.ndarray) -> np.ndarray:
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].reshape(-1)


# ------------------------------------------------------------------------ silhouettes


def _silhouettes_batch(d: np.ndarray, w: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Silhouettes (P, m) of P partitions (P, m) of m weighted profiles at once."""
    labels = np.atleast_2d(labels)
    k = int(labels.max()) + 1
    onehot = labels[:, :, None] == np.arange(k)
    weighted = onehot * w[None, :, None]
    size = weighted.sum(axis=1)
    sums = np.einsum("ij,pjk->pik", d, weighted)
    own = np.take_along_axis(sums, labels[:, :, None], axis=2)[:, :, 0]
    own_size = np.take_along_axis(size, labels, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = own / (own_size - 1.0)
        means = np.where(size[:, None, :] > 0, sums / size[:, None, :], np.inf)
    means = np.where(onehot, np.inf, means)
    b = means.min(axis=2)
    top = np.maximum(a, b)
    ok = (own_size > 1.0) & np.isfinite(b) & (top > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, (b - a) / np.where(ok, top, 1.0), 0.0)


def silhouette_widths(distances, labels, weights=None) -> np.ndarray:
    """Silhouette width of every row for a given partition (Rousseeuw 1987).

    s_i = (b_i - a_i) / max(a_i, b_i), with a_i the mean distance of i to the other
    members of its subgroup and b_i the smallest mean distance of i to another subgroup;
    s_i = 0 for a member alone in its subgroup, as in Meyer and Glenz (2013), and when
    a_i = b_i = 0. Rows may stand for ``weights`` identical members each: a_i then
    divides by (size of i's subgroup - 1), which gives every copy the silhouette it has
    in the expanded population, so the weighted mean is that population's exact ASW.

    Parameters
    ----------
    distances : ndarray, shape (m, m)
        Symmetric, zero diagonal.
    labels : ndarray of int, shape (m,)
    weights : ndarray of int, shape (m,), optional
        Multiplicity of each row (default 1).

    Returns
    -------
    ndarray, shape (m,)
        Silhouette of one member of each row; 0 everywhere if there is one subgroup.
    """
    d = np.asarray(distances, dtype=np.float64)
    w = np.ones(len(d)) if weights is None else np.asarray(weights, dtype=np.float64)
    return _silhouettes_batch(d, w, _canonical(np.asarray(labels)))[0]


def average_silhouette(distances, labels, weights=None) -> float:
    """Average silhouette width (ASW) of a partition: weighted mean of the silhouettes."""
    w = np.ones(len(distances)) if weights is None else np.asarray(weights, dtype=np.float64)
    return float(silhouette_widths(distances, labels, w) @ w / w.sum())


# --------------------------------------------------------------- candidate partitions


def agglomerate(distances, weights, method: str, k_max: int) -> dict[int, np.ndarray]:
    """Partitions into 2..k_max subgroups cut from a weighted agglomerative hierarchy.

    Lance-Williams recurrences with starting cluster sizes equal to the weights, so each
    distinct profile acts as ``weight`` coincident points; for unit weights this is
    scipy.cluster.hierarchy.linkage (tests check it), which itself takes no weights.
    ``ward`` expects ``distances`` to be squared Euclidean distances (Ward 1963);
    ``average`` is UPGMA on any dissimilarity.

    Returns
    -------
    dict
        Number of subgroups k -> labels (m,) for every k in 2..min(k_max, m).
    """
    d = np.array(distances, dtype=np.float64)
    size = np.asarray(weights, dtype=np.float64).copy()
    m = len(size)
    if method == "ward":
        d *= 2.0 * np.outer(size, size) / np.add.outer(size, size)
    elif method != "average":
        raise InputError("method must be 'ward' or 'average'")
    np.fill_diagonal(d, np.inf)
    labels = np.arange(m)
    cuts = {m: labels.copy()} if 2 <= m <= k_max else {}
    for n_clusters in range(m - 1, 1, -1):
        i, j = divmod(int(np.argmin(d)), m)
        i, j = min(i, j), max(i, j)
        if method == "ward":
            total = size[i] + size[j] + size
            new = ((size[i] + size) * d[i] + (size[j] + size) * d[j] - size * d[i, j]) / total
        else:
            new = (size[i] * d[i] + size[j] * d[j]) / (size[i] + size[j])
        new[[i, j]] = np.inf
        d[i, :] = new
        d[:, i] = new
        d[j, :] = np.inf
        d[:, j] = np.inf
        size[i] += size[j]
        labels[labels == j] = i
        if n_clusters <= k_max:
            cuts[n_clusters] = _canonical(labels)
    return cuts


@lru_cache(maxsize=32)
def _set_partitions(m: int, k_max: int) -> np.ndarray:
    """All partitions of m items into 2..k_max blocks, as restricted growth strings."""
    rows = [[0]]
    for _ in range(1, m):
        rows = [r + [v] for r in rows for v in range(min(max(r) + 2, k_max))]
    out = np.array(rows, dtype=np.int64).reshape(-1, m)
    out = out[out.max(axis=1) >= 1]
    out.flags.writeable = False
    return out


# ----------------------------------------------------------------------- local search


def _cluster_sums(d: np.ndarray, w: np.ndarray, labels: np.ndarray):
    onehot = (labels[:, None] == np.arange(int(labels.max()) + 1)) * w[:, None]
    return d @ onehot, onehot.sum(axis=0)


def _sil(a, b, not_alone):
    top = np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (b - a) / top
    return np.where(not_alone & (top > 0) & np.isfinite(s), s, 0.0)


def _move_scores(d: np.ndarray, w: np.ndarray, labels: np.ndarray, sums: np.ndarray,
                 size: np.ndarray, k_max: int) -> np.ndarray:
    """ASW after moving profile i to subgroup q, for every profile i and target q (m, k+1).

    ``sums[j, c]`` is the weighted sum of distances from j to subgroup c and ``size[c]``
    its weight; column k of the result is a new subgroup. Moving i from p to q changes
    only the sums to p and q, so for every other member j the nearest other subgroup is
    the nearest one outside {own, p, q} (one of j's three nearest, found once) or p or q
    themselves: O(m k) per mover. Invalid moves (q = p, a new subgroup beyond k_max,
    leaving a single subgroup, or relabelling a singleton) get -inf.
    """
    m = len(w)
    n = w.sum()
    k = len(size)
    n_targets = k + 1 if k < k_max else k
    if n_targets > k:
        sums = np.concatenate([sums, np.zeros((m, 1))], axis=1)
        size = np.append(size, 0.0)
    rows = np.arange(m)
    own_size = size[labels]
    with np.errstate(divide="ignore", invalid="ignore"):
        a_now = sums[rows, labels] / (own_size - 1.0)
        means = np.where(size > 0, sums / size, np.inf)
    means[rows, labels] = np.inf
    order = np.argsort(means, axis=1, kind="stable")[:, :3]
    near = np.take_along_axis(means, order, axis=1)
    if near.shape[1] < 3:
        pad = 3 - near.shape[1]
        order = np.pad(order, ((0, 0), (0, pad)), constant_values=-1)
        near = np.pad(near, ((0, 0), (0, pad)), constant_values=np.inf)
    members = [np.flatnonzero(labels == c) for c in range(n_targets)]
    other_ok = own_size > 1.0

    out = np.full((m, n_targets), -np.inf)
    for p in range(k):
        mv = members[p]
        line = np.arange(len(mv))
        wi = w[mv]
        delta = wi[:, None] * d[mv]
        size_p = size[p] - wi
        sum_p = sums[:, p][None, :] - delta
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_p = np.where(size_p[:, None] > 0, sum_p / size_p[:, None], np.inf)
            a_p = sum_p[:, members[p]] / (size_p[:, None] - 1.0)
        empties = size_p <= 0
        for q in range(n_targets):
            if q == p or (q == k and empties.all()):
                continue
            rest = np.where((order[:, 0] != p) & (order[:, 0] != q), near[:, 0],
                            np.where((order[:, 1] != p) & (order[:, 1] != q), near[:, 1], near[:, 2]))
            size_q = size[q] + wi
            sum_q = sums[:, q][None, :] + delta
            mean_q = sum_q / size_q[:, None]
            b_pq = np.minimum(mean_p, rest)
            sil = _sil(a_now, np.minimum(b_pq, mean_q), other_ok)
            cols = members[p]
            sil[:, cols] = _sil(a_p, np.minimum(mean_q[:, cols], rest[cols]), (size_p > 1.0)[:, None])
            cols = members[q]
            if len(cols):
                with np.errstate(divide="ignore", invalid="ignore"):
                    a_q = sum_q[:, cols] / (size_q[:, None] - 1.0)
                sil[:, cols] = _sil(a_q, b_pq[:, cols], (size_q > 1.0)[:, None])
            with np.errstate(divide="ignore", invalid="ignore"):
                a_i = sums[mv, q] / (size_q - 1.0)
            sil[line, mv] = _sil(a_i, b_pq[line, mv], size_q > 1.0)
            k_after = k - empties + (q == k)
            valid = (k_after >= 2) & ~(empties & (q == k))
            out[mv, q] = np.where(valid, sil @ w / n, -np.inf)
    return out


def _improve(d: np.ndarray, w: np.ndarray, labels: np.ndarray, k_max: int,
             max_rounds: int = 10_000) -> tuple[float, np.ndarray]:
    """Move profiles between subgroups while ASW rises (asw.cluster's asw_cluster).

    Each round scores every single move, as asw.cluster does before taking the best
    one. To save rounds, all improving moves (each profile to its best subgroup) are
    tried together first, then the better half of them, and so on down to the single
    best move, which always improves; the first batch that raises ASW is kept. Stops
    at a partition that no single move improves, as asw.cluster does.
    """
    labels = _canonical(labels)
    n = w.sum()
    current = float(_silhouettes_batch(d, w, labels)[0] @ w / n)
    for _ in range(max_rounds):
        sums, size = _cluster_sums(d, w, labels)
        scores = _move_scores(d, w, labels, sums, size, k_max)
        target = np.argmax(scores, axis=1)
        gain = scores[np.arange(len(w)), target] - current
        candidates = np.flatnonzero(gain > _TOL)
        if len(candidates) == 0:
            break
        candidates = candidates[np.argsort(-gain[candidates], kind="stable")]
        take = len(candidates)
        while True:
            trial = labels.copy()
            trial[candidates[:take]] = target[candidates[:take]]
            trial = _canonical(trial)
            value = float(_silhouettes_batch(d, w, trial)[0] @ w / n) if trial.max() >= 1 else -np.inf
            if take == 1 or value > current + _TOL:
                break
            take //= 2
        labels, current = trial, value
    return current, labels


def _best_asw(d: np.ndarray, w: np.ndarray, ward_d: np.ndarray, k_max: int,
              exact_max: int) -> tuple[float, np.ndarray, bool]:
    """Largest ASW over partitions of the weighted profiles; ties go to fewer subgroups."""
    m = len(w)
    k_max = min(k_max, m)
    if m <= exact_max:
        parts = _set_partitions(m, k_max)
        vals = np.concatenate([_silhouettes_batch(d, w, parts[i:i + 4096]) @ w
                               for i in range(0, len(parts), 4096)]) / w.sum()
        idx = np.flatnonzero(vals > vals.max() - _TOL)
        pick = idx[np.argmin(parts[idx].max(axis=1))]
        return float(vals[pick]), parts[pick], True

    starts = []
    for method, dist in (("ward", ward_d), ("average", d)):
        for _, lab in sorted(agglomerate(dist, w, method, k_max).items()):
            if not any(np.array_equal(lab, s) for s in starts):
                starts.append(lab)
    best_val, best_lab = -np.inf, None
    for lab in starts:
        val, lab = _improve(d, w, lab, k_max)
        if val > best_val + _TOL or (val > best_val - _TOL and lab.max() < best_lab.max()):
            best_val, best_lab = val, lab
    return float(best_val), best_lab, False


def _trivial(n: int) -> FaultlineResult:
    return FaultlineResult(0.0, np.zeros(n, dtype=np.int64), 1, True, n)


def _asw_of_distances(d: np.ndarray, k_max: int, exact_max: int) -> FaultlineResult:
    """ASW on a checked distance matrix; rows at distance 0 from each other (identical
    distance rows) are one profile weighted by their number."""
    n = len(d)
    if n < 3:
        return _trivial(n)
    _, first, inverse, counts = np.unique(d, axis=0, return_index=True, return_inverse=True,
                                          return_counts=True)
    if len(first) < 2:
        return _trivial(n)
    du = d[np.ix_(first, first)]
    value, lab, exact = _best_asw(du, counts.astype(np.float64), du * du, k_max, exact_max)
    labels = _canonical(lab[inverse.reshape(-1)])
    return FaultlineResult(value, labels, int(labels.max()) + 1, exact, n)


def average_silhouette_width(attributes=None, *, types=None, weights=None, scale=None,
                             distances=None, metric: str = "auto", k_max: int = 6,
                             exact_max: int = 8, max_unique: int = 250,
                             rng: np.random.Generator | None = None) -> FaultlineResult:
    """Faultline strength as the largest average silhouette width (Meyer and Glenz 2013).

    Meyer, B. and Glenz, A. (2013) Team faultline measures: a computational comparison
    and a new approach to multiple subgroups. Organizational Research Methods 16(3),
    393-424. Faultline strength is the ASW of the partition into 2..k_max subgroups that
    maximises it, with s_i = (b_i - a_i) / max(a_i, b_i) and s_i = 0 for singletons
    (:func:`silhouette_widths`); ASW = mean_i s_i. It captures several subgroups, not
    only two, and is 1 only for perfectly homogeneous, distinct subgroups.

    Search, following their R package asw.cluster (``asw_cluster.agglomerative``):
    Ward and average-linkage hierarchies (weighted, :func:`agglomerate`) give starting
    partitions for every k = 2..k_max; each is improved by moving profiles to another or
    to a new subgroup while ASW rises, until no single move raises it (the best move
    first, as in asw.cluster, with batches of improving moves tried to save rounds); the
    best result wins (ties: fewer subgroups). With at most ``exact_max``
    distinct profiles every partition is enumerated instead, so the value is exact.

    Distances, four ways (external data must say which; nothing is guessed):

    * ``metric="auto"`` (default): columns of declared ``types`` ("numeric" or
      "nominal"), optional per-column ``weights`` and numeric ``scale``, distances as in
      asw.cluster's ``faultlines(method = "asw")``: Euclidean over numeric values times
      their weight plus ``weight**2`` for every nominal attribute on which two members
      differ (:func:`~model.analysis.faultline_data.declared_coordinates`). Undeclared
      columns are read only when unambiguous (text is nominal, non-integer numbers
      numeric); integer-valued ones raise ``ValueError``. This reproduces asw.cluster's
      documented example to 4 decimals (tests/data/faultlines_asw_cluster).
    * ``metric="matching"``: every column holds category codes; simple matching (share
      of attributes that differ; Gower nominal), so domination axes and traits weigh
      equally. The model's own measure (:func:`faultline_strength`).
    * ``metric="euclidean"``: every column numeric and z-scored, Euclidean; the same ASW
      as ``types`` all numeric with ``scale="sd"``.
    * ``distances=``: a precomputed (n, n) matrix (square, symmetric, zero diagonal,
      checked), e.g. Gower distances; no subsampling then.

    Scale: rows are collapsed to distinct profiles weighted by multiplicity, which gives
    the exact ASW of the whole population (identical profiles always share a subgroup);
    K binary axes give at most 2**K profiles whatever n. Only if there are more than
    ``max_unique`` distinct profiles is ASW estimated on a simple random subsample of
    ``max_unique`` rows drawn with ``rng`` (default ``np.random.default_rng(0)``, so the
    call stays deterministic); rows outside it join the subgroup they are closest to
    on average.

    Note that with few distinct profiles (K <= 2 binary axes, or K = 3 with k_max >= 8)
    a partition into one subgroup per profile has ASW = 1 whatever the alignment: lower
    ``k_max`` there, or read :func:`thatcher_fau`.

    Parameters
    ----------
    attributes : pandas.DataFrame or array_like, shape (n,) or (n, p)
        One row per member (group): e.g. sides on the domination axes (0/1) and trait
        values (0..q-1), or age, gender and ethnicity. Omit when ``distances`` is given.
    types : mapping column -> {"numeric", "nominal"}, or sequence in column order, optional
        Declared column types (metric "auto" only).
    weights : mapping column -> float >= 0, or sequence, optional
        Attribute weights (default 1; metric "auto" only). asw.cluster's example weighs
        age in years 0.1, so ten years count as much as a different gender.
    scale : {None, "sd", "range"}
        Numeric columns divided by nothing (asw.cluster's default), their standard
        deviation (asw.cluster's ``rescale = "sd"``) or their range (metric "auto" only).
    distances : array_like, shape (n, n), optional
        Precomputed distances between the members, instead of ``attributes``.
    metric : {"auto", "matching", "euclidean"}
    k_max : int
        Most subgroups considered (asw.cluster's default is 6).
    exact_max : int
        Enumerate all partitions when there are at most this many distinct profiles.
    max_unique : int
        Largest number of distinct profiles handled without subsampling.
    rng : numpy.random.Generator, optional

    Returns
    -------
    FaultlineResult
        value 0.0 with one subgroup when n < 3 or all rows are identical, as asw.cluster
        reports for homogeneous teams.
    """
    if k_max < 2:
        raise InputError(f"k_max = {k_max!r}; allowed: an integer >= 2")
    if distances is not None:
        if attributes is not None or types is not None or weights is not None or scale is not None:
            raise InputError("give either attributes (with types, weights, scale) or "
                             "distances, not both")
        return _asw_of_distances(checked_distances(distances), k_max, exact_max)
    if attributes is None:
        raise InputTypeError("average_silhouette_width needs attributes or distances=")
    x, metric = _rows(attributes, metric, types, weights, scale)
    n = len(x)
    if n < 3:
        return _trivial(n)
    u, inverse, counts = _unique_rows(x)
    if len(u) < 2:
        return _trivial(n)

    if len(u) > max_unique:
        rng = np.random.default_rng(0) if rng is None else rng
        rows = rng.choice(n, size=max_unique, replace=False)
        ids, w = np.unique(inverse[rows], return_counts=True)
        n_used, exact_possible = max_unique, False
    else:
        ids, w = np.arange(len(u)), counts
        n_used, exact_possible = n, True
    work = u[ids]
    w = w.astype(np.float64)
    if len(work) < 2:
        return _trivial(n)

    d = pairwise_distances(work, work, metric)
    value, lab, exact = _best_asw(d, w, d * d if metric == "euclidean" else d, k_max, exact_max)

    profile_labels = np.empty(len(u), dtype=np.int64)
    profile_labels[ids] = lab
    rest = np.setdiff1d(np.arange(len(u)), ids)
    if len(rest):
        k = int(lab.max()) + 1
        onehot = (lab[:, None] == np.arange(k)) * w[:, None]
        for start in range(0, len(rest), 2048):
            chunk = rest[start:start + 2048]
            mean = pairwise_distances(u[chunk], work, metric) @ onehot / onehot.sum(axis=0)
            profile_labels[chunk] = np.argmin(mean, axis=1)
    labels = _canonical(profile_labels[inverse])
    return FaultlineResult(value, labels, int(labels.max()) + 1, exact and exact_possible, n_used)


# -------------------------------------------------------------------------------- Fau


def _split_scores(e: np.ndarray, w: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Between-subgroup sum of squares of two-subgroup splits (masks (c, m) = side B).

    With centred coordinates, BSS = ||s_B||^2 n / (n_B (n - n_B)), s_B the weighted sum
    of side B's rows; splits with an empty side score -inf.
    """
    n = w.sum()
    masks = masks.astype(np.float64)
    s = masks @ (w[:, None] * e)
    nb = masks @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        bss = np.einsum("ij,ij->i", s, s) * n / (nb * (n - nb))
    return np.where((nb > 0) & (nb < n), bss, -np.inf)


def _threshold_split(t: np.ndarray, e: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Best split of the rows into low and high values of the score ``t``."""
    order = np.argsort(t, kind="stable")
    n = w.sum()
    s = np.cumsum(w[order, None] * e[order], axis=0)[:-1]
    nb = np.cumsum(w[order])[:-1]
    bss = np.einsum("ij,ij->i", s, s) * n / (nb * (n - nb))
    bss[np.diff(t[order]) <= 0] = -np.inf
    mask = np.zeros(len(t), dtype=bool)
    if np.isfinite(bss).any():
        mask[order[: int(np.argmax(bss)) + 1]] = True
    return mask


def _refine_split(e: np.ndarray, w: np.ndarray, mask: np.ndarray, max_moves: int) -> np.ndarray:
    """Weighted 2-means (Lloyd), then single moves while BSS rises (Hartigan and Wong 1979)."""
    n = w.sum()
    for _ in range(100):
        nb = w[mask].sum()
        if nb <= 0 or nb >= n:
            break
        cb = w[mask] @ e[mask] / nb
        ca = -cb * nb / (n - nb)
        new = e @ (cb - ca) > 0.5 * (cb @ cb - ca @ ca)
        if np.array_equal(new, mask) or not (0 < w[new].sum() < n):
            break
        mask = new
    norms = np.einsum("ij,ij->i", e, e)
    for _ in range(max_moves):
        sb = w[mask] @ e[mask]
        nb = w[mask].sum()
        sign = np.where(mask, -1.0, 1.0)
        nb_new = nb + sign * w
        ss = sb @ sb + 2.0 * sign * w * (e @ sb) + w * w * norms
        with np.errstate(divide="ignore", invalid="ignore"):
            bss = np.where((nb_new > 0) & (nb_new < n), ss * n / (nb_new * (n - nb_new)), -np.inf)
        i = int(np.argmax(bss))
        if not bss[i] > (sb @ sb) * n / (nb * (n - nb)) * (1 + _TOL):
            break
        mask = mask.copy()
        mask[i] = ~mask[i]
    return mask


def thatcher_fau(attributes, *, types=None, weights=None, scale=None, metric: str = "auto",
                 exact_max: int = 20, n_refine: int = 8, max_linkage: int = 400) -> FaultlineResult:
    """Faultline strength Fau: share of variation explained by the best two-subgroup split.

    Thatcher, S. M. B., Jehn, K. A. and Zanutto, E. (2003) Cracks in diversity research:
    the effects of diversity faultlines on conflict and performance. Group Decision and
    Negotiation 12(3), 217-241:

        Fau_g = sum_j sum_k n_k^g (xbar_jk^g - xbar_j)^2
                / sum_j sum_k sum_i (x_ijk^g - xbar_j)^2,      Fau = max_g Fau_g,

    over attributes j, the two subgroups k of split g, and their members i. Fau is 1
    when the split leaves both subgroups internally identical and near 1/K for K
    independent binary axes. Attributes are coded as the ``metric`` of
    :func:`average_silhouette_width` says:

    * ``metric="auto"`` (default): declared ``types``, ``weights`` and ``scale``, coded as
      asw.cluster's ``faultlines(method = "thatcher")`` does: numeric values times their
      weight, nominal attributes one indicator per category times sqrt(2)/2 times the
      weight (:func:`~model.analysis.faultline_data.declared_coordinates`); integer-valued
      columns without a declared type raise ``ValueError``. This reproduces asw.cluster's
      documented example to 4 decimals (tests/data/faultlines_asw_cluster). With weights
      1, a 0/1 numeric column counts as Thatcher et al.'s 0/1 coding.
    * ``metric="matching"``: category codes, one-hot coded so that every attribute counts
      equally (a binary axis then counts as its 0/1 column, and relabelling categories
      changes nothing); the model's coding (experiment e2).
    * ``metric="euclidean"``: every column numeric and z-scored.

    Search: a between-subgroup sum of squares is maximised by a split that keeps
    identical rows together (it is a 2-means optimum, where every row joins the nearer
    centroid), so splits of the m distinct profiles weighted by multiplicity suffice.
    With m <= ``exact_max`` all 2**(m-1) - 1 splits are enumerated: exact for any n when
    K <= 4 binary axes, and for any population of at most 20 rows. Above, candidate
    splits (each attribute's categories or best threshold, the best threshold on the
    first principal axis, the two-subgroup cuts of the Ward and average-linkage
    hierarchies when m <= ``max_linkage``, and the nearer-of-two split for every pair
    of the 40 most frequent profiles) are scored, and the ``n_refine`` best are refined
    by weighted 2-means and single moves while Fau rises; the best is a lower bound on
    Fau (tests compare it with the exact search).

    Parameters
    ----------
    attributes : pandas.DataFrame or array_like, shape (n,) or (n, p)
    types, weights, scale
        Declared column types, attribute weights and numeric scaling, as in
        :func:`average_silhouette_width` (metric "auto" only).
    metric : {"auto", "matching", "euclidean"}
    exact_max : int
        Largest number of distinct profiles searched exhaustively.
    n_refine : int
        Candidate splits refined by local search.
    max_linkage : int
        Largest number of distinct profiles for which hierarchies supply candidates.

    Returns
    -------
    FaultlineResult
        value 0.0 with one subgroup when n < 3 or all rows are identical.
    """
    x, metric = _rows(attributes, metric, types, weights, scale)
    n = len(x)
    if n < 3:
        return _trivial(n)
    u, inverse, counts = _unique_rows(x)
    m = len(u)
    if m < 2:
        return _trivial(n)
    w = counts.astype(np.float64)
    e = _embedding(u, metric)
    e = e - w @ e / w.sum()
    total = float(w @ np.einsum("ij,ij->i", e, e))

    if m <= exact_max:
        best, best_mask = -np.inf, None
        n_splits = 1 << (m - 1)
        shifts = np.arange(m - 1)
        for start in range(1, n_splits, 1 << 16):
            codes = np.arange(start, min(n_splits, start + (1 << 16)))
            masks = np.zeros((len(codes), m), dtype=bool)
            masks[:, 1:] = (codes[:, None] >> shifts) & 1
            scores = _split_scores(e, w, masks)
            i = int(np.argmax(scores))
            if scores[i] > best * (1 + _TOL):
                best, best_mask = float(scores[i]), masks[i]
        exact = True
    else:
        cands = []
        for f in range(u.shape[1]):
            if metric == "matching":
                cands.extend(u[:, f] == v for v in np.unique(u[:, f]))
            else:
                cands.append(_threshold_split(u[:, f], e, w))
        cov = (w[:, None] * e).T @ e
        _, vecs = np.linalg.eigh(cov)
        cands.append(_threshold_split(e @ vecs[:, -1], e, w))
        if m <= max_linkage:
            d = pairwise_distances(u, u, metric)
            for method, dist in (("ward", d * d if metric == "euclidean" else d), ("average", d)):
                cands.append(agglomerate(dist, w, method, 2)[2] == 1)
        seeds = np.argsort(-w, kind="stable")[:40]
        near = np.einsum("ij,ij->i", e[seeds], e[seeds])[None, :] - 2.0 * e @ e[seeds].T
        first, second = np.triu_indices(len(seeds), 1)
        cands.extend(near[:, first].T < near[:, second].T)
        cands = np.array(cands, dtype=bool)
        cands = np.unique(np.where(cands[:, :1], ~cands, cands), axis=0)
        scores = _split_scores(e, w, cands)
        keep = np.argsort(-scores, kind="stable")[:n_refine]
        best, best_mask = -np.inf, None
        for mask in cands[keep]:
            if not (0 < w[mask].sum() < w.sum()):
                continue
            mask = _refine_split(e, w, mask, max_moves=10 * m)
            score = float(_split_scores(e, w, mask[None, :])[0])
            if score > best * (1 + _TOL):
                best, best_mask = score, mask
        exact = False

    value = min(1.0, max(0.0, best / total)) if total > 0 else 0.0
    labels = _canonical(best_mask[inverse].astype(np.int64))
    return FaultlineResult(value, labels, int(labels.max()) + 1, exact, n)


def faultline_strength(sides, traits=None, **kwargs) -> float:
    """The model's faultline strength of a drawn population: ASW of sides and traits.

    Parameters
    ----------
    sides : ndarray, shape (n, K)
        1 = dominated side of each axis.
    traits : ndarray of int, shape (n, T), optional
        Cultural trait values.
    **kwargs
        Passed to :func:`average_silhouette_width`, with ``metric="matching"``: sides and
        traits are category codes.
    """
    x = np.asarray(sides, dtype=np.float64)
    if traits is not None and np.size(traits):
        x = np.concatenate([x, np.asarray(traits, dtype=np.float64)], axis=1)
    return average_silhouette_width(x, **{"metric": "matching", **kwargs}).value
