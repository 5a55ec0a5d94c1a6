"""Polarisation of trust between groups in contact (``model/analysis/polarisation.py``).

The input is an N x N trust matrix in [-1, 1] (row i's trust in column j, not symmetric)
and a boolean mask of the ordered pairs in contact. Every statistic is a function of
the distribution of trust over the pairs in contact, read in blocks of rows and reduced
to its first four central moments, so no N x N temporary beyond one row block is made
(N = 10,000 already takes 800 MB in float64).

The model reports :func:`trust_polarisation`; :func:`trust_variance` and
:func:`bimodality_coefficient` are the standard statistics it is built from or
compared with. The moments of each block are computed by one compiled kernel
(:func:`_moments`, two passes in numpy's summation order, see :mod:`model.numerics.jit`);
:func:`trust_summary` is the model's one-pass metric (mean trust, hostility, polarisation)
built on the same kernel, and :data:`HOSTILE_TRUST` is the one definition of a hostile
pair that the metric, the figures and the dashboard share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.numerics.jit import kernel, pairwise_central_sums, pairwise_sum

_BLOCK_ELEMENTS = 1 << 20
"""Entries of trust per row block of :func:`trust_moments` (a few MB)."""
_BLOCK = 1 << 20
"""Entries of trust per row block of :func:`trust_summary` for large populations."""
_FLAT_MAX = 2000
"""Up to this many groups :func:`trust_summary` gathers all met pairs at once."""
_U = np.uint64  # unsigned indices spare numba the negative-index check on every read

HOSTILE_TRUST = 0.0
"""A pair that met is hostile when its mean mutual trust (t_ij + t_ji) / 2 is below this.

The one definition of a hostile pair: the metric ``hostility`` (:func:`trust_summary`)
counts these pairs, and the network figures (``model.plots``) and the dashboard draw them."""
_HOSTILE_SUM = 2.0 * HOSTILE_TRUST  # t_ij + t_ji below this (doubling and halving are exact)


@dataclass(frozen=True)
class TrustMoments:
    """Count, mean and central sums of powers of trust over the pairs in contact.

    Attributes
    ----------
    n : int
        Ordered pairs (i, j), i != j, in contact.
    mean : float
    m2, m3, m4 : float
        Sums over pairs of (x - mean)**2, **3 and **4.
    """

    n: int
    mean: float
    m2: float
    m3: float
    m4: float

    @property
    def variance(self) -> float:
        """Population variance (ddof = 0); 0.0 with fewer than two pairs."""
        return self.m2 / self.n if self.n >= 2 else 0.0

    @property
    def skewness(self) -> float:
        """Bias-corrected sample skewness G1 (scipy.stats.skew, bias=False); 0.0 if undefined."""
        n = self.n
        if n < 3 or self.m2 <= 0:
            return 0.0
        g1 = np.sqrt(n) * self.m3 / self.m2**1.5
        return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))

    @property
    def excess_kurtosis(self) -> float:
        """Bias-corrected excess kurtosis G2 (scipy.stats.kurtosis, bias=False); 0.0 if undefined."""
        n = self.n
        if n < 4 or self.m2 <= 0:
            return 0.0
        g2 = n * self.m4 / self.m2**2 - 3.0
        return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0))


def merge_moments(a: TrustMoments, b: TrustMoments) -> TrustMoments:
    """Moments of the union of two disjoint samples, without revisiting them.

    Pairwise update formulas of Pebay (2008), "Formulas for robust, one-pass parallel
    computation of covariances and arbitrary-order statistical moments", Sandia Report
    SAND2008-6212; exact in exact arithmetic and numerically stable, unlike raw sums of
    powers.
    """
    if a.n == 0:
        return b
    if b.n == 0:
        return a
    na, nb = float(a.n), float(b.n)
    n = na + nb
    delta = b.mean - a.mean
    mean = a.mean + delta * nb / n
    m2 = a.m2 + b.m2 + delta**2 * na * nb / n
    m3 = (a.m3 + b.m3 + delta**3 * na * nb * (na - nb) / n**2
          + 3.0 * delta * (na * b.m2 - nb * a.m2) / n)
    m4 = (a.m4 + b.m4 + delta**4 * na * nb * (na * na - na * nb + nb * nb) / n**3
          + 6.0 * delta**2 * (na * na * b.m2 + nb * nb * a.m2) / n**2
          + 4.0 * delta * (na * b.m3 - nb * a.m3) / n)
    return TrustMoments(a.n + b.n, mean, m2, m3, m4)


def trust_moments(trust, contact=None, *, block_rows: int | None = None) -> TrustMoments:
    """Moments of trust over the ordered pairs in contact, one block of rows at a time.

    Parameters
    ----------
    trust : ndarray, shape (N, N)
        Trust of row i in column j, in [-1, 1]; any float dtype.
    contact : ndarray of bool, shape (N, N), optional
        Pairs in contact; None means every pair. The diagonal is always excluded.
    block_rows : int, optional
        Rows per block; by default about a million entries (a few MB) per block.

    Returns
    -------
    TrustMoments
    """
    trust = np.asarray(trust)
    n_rows, n_cols = trust.shape
    if n_rows != n_cols:
        raise ValueError("trust must be square")
    if contact is not None:
        contact = np.asarray(contact, dtype=bool)
        if contact.shape != trust.shape:
            raise ValueError("contact must have the shape of trust")
    if block_rows is None:
        block_rows = max(1, _BLOCK_ELEMENTS // max(n_cols, 1))
    total = TrustMoments(0, 0.0, 0.0, 0.0, 0.0)
    for start in range(0, n_rows, block_rows):
        stop = min(n_rows, start + block_rows)
        rows = np.arange(start, stop)
        if contact is None:
            mask = np.ones((stop - start, n_cols), dtype=bool)
        else:
            mask = contact[start:stop].copy()
        mask[rows - start, rows] = False
        values = np.ascontiguousarray(trust[start:stop][mask], dtype=np.float64)
        total = merge_moments(total, TrustMoments(*_moments(values, values.size)))
    return total


def trust_variance(trust, contact=None, *, block_rows: int | None = None) -> float:
    """Variance of trust over the pairs in contact: polarisation as dispersion.

    DiMaggio, P., Evans, J. and Bryson, B. (1996) Have Americans' social attitudes
    become more polarized? American Journal of Sociology 102(3), 690-755: the dispersion
    principle, polarisation grows as opinions move apart, measured by the variance.
    Population variance (ddof = 0) over ordered pairs; 0.0 when fewer than two pairs
    are in contact, where no dispersion exists.
    """
    return trust_moments(trust, contact, block_rows=block_rows).variance


def bimodality_from_moments(moments: TrustMoments) -> float:
    """Sarle's bimodality coefficient of a sample given its moments.

    b = (G1**2 + 1) / (G2 + 3 (n - 1)**2 / ((n - 2)(n - 3))) with G1, G2 the
    bias-corrected sample skewness and excess kurtosis (Pfister, R., Schwarz, K. A.,
    Janczyk, M., Dale, R. and Freeman, J. B. (2013) Good things peak in pairs: a note
    on the bimodality coefficient. Frontiers in Psychology 4, 700). b is 1/3 for a
    normal, 5/9 for a uniform and tends to 1 for two point masses; b > 5/9 suggests
    bimodality. 0.0 for fewer than four pairs (G2 undefined) and for zero variance (a
    single point mass, not bimodal).
    """
    n = moments.n
    if n < 4 or moments.m2 <= 0:
        return 0.0
    g1 = moments.skewness
    g2 = moments.excess_kurtosis
    return float((g1 * g1 + 1.0) / (g2 + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def bimodality_coefficient(trust, contact=None, *, block_rows: int | None = None) -> float:
    """Sarle's bimodality coefficient of trust over the pairs in contact.

    Separation into camps rather than spread: scale-free, so it flags two camps even
    when they are close together. See :func:`bimodality_from_moments`.
    """
    return bimodality_from_moments(trust_moments(trust, contact, block_rows=block_rows))


def trust_polarisation(trust, contact=None, *, block_rows: int | None = None) -> float:
    """The model's headline polarisation: variance of trust in contact over its maximum.

    P = Var(trust over pairs in contact) / 1, where 1 is the largest variance a variable
    in [-1, 1] can have, reached only by two equal camps at +1 and -1. So P is in
    [0, 1], 0 exactly when all trust in contact is equal, 1/3 for uniform trust and 1
    for two opposed camps (DiMaggio, Evans and Bryson 1996, dispersion). Chosen over
    the bimodality coefficient because it stays on the trust scale: two camps at
    0.49 and 0.51 are barely polarised, though their bimodality coefficient is near 1;
    and it is defined, continuous and cheap for any number of pairs. 0.0 when fewer
    than two pairs are in contact.
    """
    return polarisation_from_moments(trust_moments(trust, contact, block_rows=block_rows))


def polarisation_from_moments(moments: TrustMoments) -> float:
    """:func:`trust_polarisation` from already accumulated moments (Var / 1, at most 1)."""
    return float(min(1.0, moments.variance))


def trust_summary(trust: np.ndarray, met: np.ndarray) -> tuple[float, float, float]:
    """Mean trust over directed pairs that met, share of met pairs that are hostile, and
    trust polarisation (:func:`trust_polarisation`), in one pass: the model's metrics
    ``mean_trust``, ``hostility`` and ``polarisation``.

    A pair is hostile when its mean mutual trust (t_ij + t_ji) / 2 is below
    :data:`HOSTILE_TRUST`. ``met``
    is symmetric (a meeting marks both directions). Small populations merge the moments of
    the upper and of the lower triangle; large ones those of blocks of rows, so no N x N
    temporary is made. Compiled kernels gather the values in numpy's boolean-indexing order
    and sum them in its pairwise order, so the result is what the numpy expressions give.
    """
    n = len(trust)
    trust = np.ascontiguousarray(trust, dtype=np.float64)
    met = np.ascontiguousarray(met, dtype=np.bool_).view(np.uint8)
    if n <= _FLAT_MAX:
        up, low, hostile, pairs = _flat_summary(trust, met)
        moments = merge_moments(TrustMoments(*up), TrustMoments(*low))
    else:
        rows = max(1, _BLOCK // n)
        blocks = _block_summary(trust, met, rows)
        hostile, pairs = _hostile_pairs(trust, met)
        moments = TrustMoments(0, 0.0, 0.0, 0.0, 0.0)
        for count, mean, m2, m3, m4 in blocks.tolist():
            moments = merge_moments(moments, TrustMoments(int(count), mean, m2, m3, m4))
    return (float(moments.mean) if moments.n else 0.0,
            int(hostile) / pairs if pairs else 0.0,
            polarisation_from_moments(moments))


@kernel
def _moments(x, count):
    """(count, mean, m2, m3, m4) of x[:count], two-pass in float64 (a constant sample exactly).

    The mean is the pairwise sum over the count, the central sums those of c**2, c * c**2
    and c**2 * c**2 with c = x - mean, each summed in numpy's pairwise order: bit for bit
    what the numpy expressions ``x.sum() / n``, ``(c * c).sum()`` etc. give (the tests keep
    that numpy reference and check it)."""
    if count == 0:
        return 0, 0.0, 0.0, 0.0, 0.0
    x0 = x[0]
    for k in range(1, count):
        if x[k] != x0:
            break
    else:
        if x0 == x0:  # all equal, and not NaN: what x.min() == x.max() tests
            return count, x0, 0.0, 0.0, 0.0
    mean = pairwise_sum(x, 0, count) / count
    m2, m3, m4 = pairwise_central_sums(x, 0, count, mean)
    return count, mean, m2, m3, m4


@kernel
def _flat_summary(trust, met):
    """Moments of trust in the upper and in the lower triangle over met pairs i < j (in
    row-major order), hostile pairs and met pairs; ``met`` as uint8."""
    n = _U(trust.shape[0])
    t = trust.ravel()
    mt = met.ravel()
    pairs = _U(0)
    for i in range(n):
        row = i * n
        for j in range(i + _U(1), n):
            pairs += mt[row + j]
    up = np.empty(pairs + _U(1))
    low = np.empty(pairs + _U(1))
    k = _U(0)
    hostile = np.int64(0)
    for i in range(n):
        row = i * n
        for j in range(i + _U(1), n):
            u = t[row + j]
            v = t[j * n + i]
            up[k] = u
            low[k] = v
            m = mt[row + j]
            hostile += m & (u + v < _HOSTILE_SUM)
            k += m
    p = int(pairs)
    return _moments(up, p), _moments(low, p), hostile, p


@kernel
def _block_summary(trust, met, rows):
    """Moments of trust over the met entries of each block of ``rows`` rows (row-major
    order); ``met`` as uint8."""
    n = trust.shape[0]
    nu = _U(n)
    t = trust.ravel()
    mt = met.ravel()
    n_blocks = (n + rows - 1) // rows
    out = np.zeros((n_blocks, 5))
    buf = np.empty(rows * n + 1)
    for b in range(n_blocks):
        count = _U(0)
        for i in range(_U(b * rows), min(nu, _U((b + 1) * rows))):
            row = i * nu
            for j in range(nu):
                buf[count] = t[row + j]
                count += mt[row + j]
        c, mean, m2, m3, m4 = _moments(buf, int(count))
        out[b, 0] = c
        out[b, 1] = mean
        out[b, 2] = m2
        out[b, 3] = m3
        out[b, 4] = m4
    return out


@kernel
def _hostile_pairs(trust, met):
    """Met pairs i < j with trust[i, j] + trust[j, i] < 2 HOSTILE_TRUST, and all met pairs
    i < j; over 64 x 64 tiles, so that trust[j, i] is read from cache."""
    nu = _U(trust.shape[0])
    t = trust.ravel()
    mt = met.ravel()
    tile = _U(64)
    hostile = np.int64(0)
    pairs = np.int64(0)
    for i0 in range(_U(0), nu, tile):
        i1 = min(nu, i0 + tile)
        for j0 in range(i0, nu, tile):
            j1 = min(nu, j0 + tile)
            for i in range(i0, i1):
                row = i * nu
                for j in range(max(j0, i + _U(1)), j1):
                    m = mt[row + j]
                    pairs += m
                    hostile += m & (t[row + j] + t[j * nu + i] < _HOSTILE_SUM)
    return hostile, pairs
