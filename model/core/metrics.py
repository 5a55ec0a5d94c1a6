"""What is measured (DESIGN section 5): one dictionary of numbers per collection.

Trust-based measures run over the (N, N) arrays in row blocks so that no full-size
temporary is made: a 10,000-group trust matrix alone is 800 MB.
"""

from __future__ import annotations

import numpy as np

from model.analysis.components import alliance_shares
from model.mechanisms.identities import identity_codes, mean_domination
from model.numerics.jit import kernel, pairwise_central_sums, pairwise_sum
from model.mechanisms.movements import tie_density
from model.analysis.polarisation import TrustMoments, merge_moments, polarisation_from_moments
from model.core.state import State

COUNTERS = ("encounters", "mediated", "virtuous", "hostile", "neutral",
            "signed", "renewed", "lapsed")
"""Per-step event counts; reported as means per step over each collection interval."""

METRICS = (
    "n_alliances", "share_allied", "largest_alliance_share", "n_stable_alliances",
    "largest_stable_alliance_share", "mean_trust", "hostility", "polarisation",
    "mean_openness", "structural_inequality", "active_contracts", "charter_coverage",
    "commons", "enemy_salience", "tie_density", "mean_resources",
) + tuple(f"{c}_per_step" for c in COUNTERS)

_BLOCK = 1 << 20
_FLAT_MAX = 2000
_U = np.uint64  # unsigned indices spare numba the negative-index check on every read


def trust_summary(trust: np.ndarray, met: np.ndarray) -> tuple[float, float, float]:
    """Mean trust over directed pairs that met, share of met pairs that are hostile, and
    trust polarisation (model.analysis.polarisation), in one pass.

    A pair is hostile when its mean mutual trust (t_ij + t_ji) / 2 is below zero. ``met``
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
    """(count, mean, m2, m3, m4) of x[:count], as model.analysis.polarisation.sample_moments gives them."""
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
    hostile = 0
    for i in range(n):
        row = i * n
        for j in range(i + _U(1), n):
            u = t[row + j]
            v = t[j * n + i]
            up[k] = u
            low[k] = v
            m = mt[row + j]
            hostile += m & (u + v < 0.0)
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
    """Met pairs i < j with trust[i, j] + trust[j, i] < 0, and all met pairs i < j; over
    64 x 64 tiles, so that trust[j, i] is read from cache."""
    nu = _U(trust.shape[0])
    t = trust.ravel()
    mt = met.ravel()
    tile = _U(64)
    hostile = 0
    pairs = 0
    for i0 in range(_U(0), nu, tile):
        i1 = min(nu, i0 + tile)
        for j0 in range(i0, nu, tile):
            j1 = min(nu, j0 + tile)
            for i in range(i0, i1):
                row = i * nu
                for j in range(max(j0, i + _U(1)), j1):
                    m = mt[row + j]
                    pairs += m
                    hostile += m & (t[row + j] + t[j * nu + i] < 0.0)
    return hostile, pairs


def charter_coverage(codes: np.ndarray, k: int, a: np.ndarray, b: np.ndarray) -> float:
    """Share of domination axes bridged by at least one active contract across the divide.

    ``codes`` are identity codes (bit x = dominated on axis x), so the axes a contract
    bridges are the bits of code_a XOR code_b.
    """
    if len(a) == 0:
        return 0.0
    bridged = int(np.bitwise_or.reduce(codes[a] ^ codes[b]))
    return bin(bridged).count("1") / k


def structural_inequality(state: State, base: float) -> float:
    """Size-weighted mean effective domination over ordered pairs (mitigation subtracted).

    ``base`` is the unmitigated mean (model.mechanisms.identities.mean_domination), fixed by identities.
    """
    c = state.contracts
    s = state.sizes
    norm = 1.0 - np.sum(s**2)
    a, b = c.live("a"), c.live("b")
    if len(a) == 0 or norm <= 0:
        return base
    mitigated = np.sum(s[a] * s[b] * (c.live("dom_ab") * c.live("mit_ab")
                                      + c.live("dom_ba") * c.live("mit_ba")))
    return float(base - mitigated / norm)


def compute_metrics(state: State, counts: dict, steps: int, codes: np.ndarray | None = None,
                    base_domination: float | None = None) -> dict:
    """All metrics of the current state; ``counts`` are event totals over ``steps`` steps.

    ``codes`` and ``base_domination`` depend only on identities; a model passes them in
    so they are not recomputed at every collection.
    """
    if codes is None:
        codes = identity_codes(state.sides)
    if base_domination is None:
        base_domination = mean_domination(state.sides, state.salience, state.sizes)
    c = state.contracts
    a, b = c.live("a"), c.live("b")
    shares = alliance_shares(state.alliance, state.sizes)
    stable = alliance_shares(state.stable_alliance, state.sizes)
    mean_trust, hostility, polarisation = trust_summary(state.trust, state.met)
    out = {
        "n_alliances": int(len(shares)),
        "share_allied": float(shares.sum()),
        "largest_alliance_share": float(shares.max()) if len(shares) else 0.0,
        "n_stable_alliances": int(len(stable)),
        "largest_stable_alliance_share": float(stable.max()) if len(stable) else 0.0,
        "mean_trust": mean_trust,
        "hostility": hostility,
        "polarisation": polarisation,
        "mean_openness": float(state.openness.sum()) / state.n,  # np.mean, less overhead
        "structural_inequality": structural_inequality(state, base_domination),
        "active_contracts": int(len(a)),
        "charter_coverage": charter_coverage(codes, state.k, a, b),
        "commons": float(state.commons),
        "enemy_salience": float(state.enemy),
        "tie_density": tie_density(state.ties),
        "mean_resources": float(state.resources.sum()) / state.n,
    }
    for c in COUNTERS:
        out[f"{c}_per_step"] = counts.get(c, 0) / steps if steps else 0.0
    return out
