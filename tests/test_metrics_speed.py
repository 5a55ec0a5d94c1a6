"""The compiled trust summary gives bit for bit what the numpy expressions it replaced give."""

import numpy as np
import pytest

from model.core import metrics
from model.analysis.polarisation import merge_moments, polarisation_from_moments, sample_moments


def _numpy_trust_summary(trust, met, flat):
    """The numpy implementation trust_summary replaced (flat pair positions or row blocks)."""
    n = len(trust)
    if flat:
        upper, lower = np.triu_indices(n, 1)
        upper, lower = upper * n + lower, lower * n + upper
        seen = met.reshape(-1)[upper]
        t_up = trust.reshape(-1)[upper][seen]
        t_low = trust.reshape(-1)[lower][seen]
        moments = merge_moments(sample_moments(t_up), sample_moments(t_low))
        hostile, pairs = np.count_nonzero(t_up + t_low < 0.0), len(t_up)
    else:
        rows = max(1, metrics._BLOCK // n)
        moments = sample_moments(np.zeros(0))
        hostile = pairs = 0
        cols = np.arange(n)
        for r0 in range(0, n, rows):
            r1 = min(n, r0 + rows)
            m, t = met[r0:r1], trust[r0:r1]
            moments = merge_moments(moments, sample_moments(t[m]))
            up = m & (cols[None, :] > cols[r0:r1, None])
            hostile += np.count_nonzero((t + trust[:, r0:r1].T)[up] < 0.0)
            pairs += np.count_nonzero(up)
    return (float(moments.mean) if moments.n else 0.0, float(hostile / pairs) if pairs else 0.0,
            polarisation_from_moments(moments))


def _cases():
    rng = np.random.default_rng(11)
    for n in (2, 3, 9, 40, 131):
        met = rng.random((n, n)) < 0.4
        met |= met.T
        np.fill_diagonal(met, False)
        one = np.zeros((n, n), dtype=bool)
        one[0, 1] = one[1, 0] = True
        full = ~np.eye(n, dtype=bool)
        yield rng.uniform(-1, 1, (n, n)), met
        yield rng.uniform(-1, 1, (n, n)), full
        yield np.round(rng.uniform(-1, 1, (n, n)), 1), full  # ties and exact zero sums
        yield np.zeros((n, n)), np.zeros((n, n), dtype=bool)  # no pair met
        yield rng.uniform(-1, 1, (n, n)), one  # a single met pair
        yield np.full((n, n), 0.25), met  # all trust equal
        a = np.triu(rng.uniform(-1, 1, (n, n)), 1)
        yield a - a.T, met  # t_ij + t_ji exactly 0
        yield np.asfortranarray(rng.uniform(-1, 1, (n, n))), met


@pytest.mark.parametrize("flat", [True, False])
def test_trust_summary_is_bit_identical_to_the_numpy_expressions(flat, monkeypatch):
    monkeypatch.setattr(metrics, "_FLAT_MAX", 10**9 if flat else 0)
    monkeypatch.setattr(metrics, "_BLOCK", 200)  # several row blocks even for small N
    for trust, met in _cases():
        got = metrics.trust_summary(trust, met)
        want = _numpy_trust_summary(trust, met, flat)
        assert got == want
        assert [type(x) for x in got] == [type(x) for x in want]


@pytest.mark.parametrize("size", [0, 1, 2, 7, 8, 9, 127, 128, 129, 255, 1000, 8193, 100_003])
def test_compiled_moments_equal_sample_moments_exactly(size):
    rng = np.random.default_rng(size)
    for x in (rng.uniform(-1, 1, size), np.round(rng.uniform(-1, 1, size), 1), np.full(size, -0.5)):
        m = sample_moments(x)
        assert metrics._moments(x, size) == (m.n, m.mean, m.m2, m.m3, m.m4)
