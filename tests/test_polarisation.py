"""Trust polarisation (model.analysis.polarisation): hand-made values, scipy references, block
processing, and equality of the compiled moment kernels with the plain numpy expressions they
replace (bit for bit: the numpy reference implementation lives here, in the tests)."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from model.analysis import polarisation as P


def camps(sizes, within=1.0, between=-1.0):
    """Trust matrix of groups in camps: ``within`` inside a camp, ``between`` across."""
    camp = np.repeat(np.arange(len(sizes)), sizes)
    return np.where(camp[:, None] == camp[None, :], within, between)


def sample_moments(values) -> P.TrustMoments:
    """Reference: moments of a 1-D sample in plain numpy, two-pass in float64 (a constant one
    exactly). The compiled ``P._moments`` must give these numbers bit for bit."""
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        return P.TrustMoments(0, 0.0, 0.0, 0.0, 0.0)
    if x.min() == x.max():
        return P.TrustMoments(x.size, float(x[0]), 0.0, 0.0, 0.0)
    mean = float(x.sum()) / x.size  # what x.mean() computes
    c = x - mean
    c2 = c * c
    m2 = float(c2.sum())
    c *= c2
    m3 = float(c.sum())
    c2 *= c2
    return P.TrustMoments(x.size, mean, m2, m3, float(c2.sum()))


def reference(trust, contact):
    """Straightforward numpy/scipy statistics of trust over the off-diagonal pairs in contact."""
    mask = contact & ~np.eye(len(trust), dtype=bool)
    x = trust[mask].astype(np.float64)
    g1 = stats.skew(x, bias=False)
    g2 = stats.kurtosis(x, fisher=True, bias=False)
    n = x.size
    bc = (g1**2 + 1) / (g2 + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    return np.var(x), g1, g2, bc


def test_two_camps_of_four_groups_have_the_hand_computed_variance():
    trust = camps([2, 2])
    # 4 ordered pairs inside camps at +1, 8 across at -1: mean -1/3, variance 1 - 1/9.
    assert P.trust_variance(trust) == pytest.approx(8 / 9, abs=1e-15)
    assert P.trust_moments(trust).n == 12 and P.trust_moments(trust).mean == pytest.approx(-1 / 3)


def test_balanced_opposed_camps_reach_the_maximum_polarisation_of_one():
    trust = camps([2, 2])
    contact = np.zeros((4, 4), dtype=bool)
    contact[0, 1] = contact[2, 3] = contact[0, 2] = contact[3, 1] = True
    assert P.trust_polarisation(trust, contact) == pytest.approx(1.0, abs=1e-15)
    # n = 4 point masses at +-1: G1 = 0 and BC = (n-2)(n-3)/((n-1)(n+1)) = 2/15.
    assert P.bimodality_coefficient(trust, contact) == pytest.approx(2 / 15, abs=1e-14)


def test_bimodality_of_two_large_camps_approaches_one():
    trust = camps([20, 20])
    n = 40 * 39
    bc = P.bimodality_coefficient(trust)
    var, g1, g2, ref = reference(trust, np.ones_like(trust, dtype=bool))
    assert bc == pytest.approx(ref, abs=1e-12) and bc > 0.95
    assert P.trust_moments(trust).n == n


def test_small_hand_made_matrix_against_the_definition():
    trust = np.array([[9.0, 0.5, -0.5, 0.0],
                      [1.0, 9.0, 0.0, 0.2],
                      [0.2, 0.2, 9.0, -1.0],
                      [0.4, 0.0, 0.6, 9.0]])
    contact = np.array([[1, 1, 1, 0],
                        [1, 1, 0, 0],
                        [1, 1, 1, 1],
                        [0, 1, 1, 1]], dtype=bool)
    x = np.array([0.5, -0.5, 1.0, 0.2, 0.2, -1.0, 0.0, 0.6])
    mean = x.mean()
    m = P.trust_moments(trust, contact)
    assert m.n == 8 and m.mean == pytest.approx(mean, abs=1e-15)
    assert m.m2 == pytest.approx(((x - mean) ** 2).sum(), abs=1e-14)
    assert m.m3 == pytest.approx(((x - mean) ** 3).sum(), abs=1e-14)
    assert m.m4 == pytest.approx(((x - mean) ** 4).sum(), abs=1e-14)
    assert P.trust_variance(trust, contact) == pytest.approx(np.mean((x - mean) ** 2), abs=1e-15)


def test_equal_trust_is_not_polarised_and_fewer_than_two_pairs_give_zero():
    trust = np.full((6, 6), 0.37)
    for f in (P.trust_polarisation, P.trust_variance, P.bimodality_coefficient):
        assert f(trust) == 0.0
        one = np.zeros((6, 6), dtype=bool)
        one[2, 4] = True
        assert f(trust, one) == 0.0
        assert f(trust, np.eye(6, dtype=bool)) == 0.0
        assert f(np.zeros((0, 0)), np.zeros((0, 0), dtype=bool)) == 0.0
    three = np.zeros((6, 6), dtype=bool)
    three[0, 1:4] = True
    assert P.bimodality_coefficient(camps([3, 3]), three) == 0.0


def test_two_camps_are_more_polarised_than_uniform_trust_than_consensus():
    rng = np.random.default_rng(0)
    n = 200
    contact = rng.random((n, n)) < 0.3
    two = camps([100, 100])
    uniform = rng.uniform(-1, 1, (n, n))
    consensus = np.clip(0.3 + 0.05 * rng.standard_normal((n, n)), -1, 1)
    p = [P.trust_polarisation(t, contact) for t in (two, uniform, consensus)]
    assert p[0] > 0.95 and p[1] == pytest.approx(1 / 3, abs=0.02) and p[2] < 0.01
    b = [P.bimodality_coefficient(t, contact) for t in (two, uniform, consensus)]
    assert b[0] > 0.95 and b[1] == pytest.approx(5 / 9, abs=0.02) and b[2] == pytest.approx(1 / 3, abs=0.02)


def test_moments_equal_numpy_and_scipy_on_random_inputs():
    rng = np.random.default_rng(1)
    for _ in range(10):
        n = int(rng.integers(5, 120))
        trust = np.tanh(rng.normal(rng.normal(), rng.uniform(0.1, 2), (n, n)))
        contact = rng.random((n, n)) < rng.uniform(0.1, 1.0)
        if (contact & ~np.eye(n, dtype=bool)).sum() < 4:
            continue
        var, g1, g2, bc = reference(trust, contact)
        m = P.trust_moments(trust, contact, block_rows=int(rng.integers(1, n + 1)))
        assert m.variance == pytest.approx(var, abs=1e-12)
        assert m.skewness == pytest.approx(g1, abs=1e-10)
        assert m.excess_kurtosis == pytest.approx(g2, abs=1e-10)
        assert P.bimodality_coefficient(trust, contact) == pytest.approx(bc, abs=1e-12)
        assert P.trust_polarisation(trust, contact) == pytest.approx(var, abs=1e-12)


def test_block_processing_gives_the_one_shot_result():
    rng = np.random.default_rng(2)
    n = 300
    trust = rng.uniform(-1, 1, (n, n))
    contact = rng.random((n, n)) < 0.5
    whole = P.trust_moments(trust, contact, block_rows=n)
    for rows in (1, 7, 64, 299):
        part = P.trust_moments(trust, contact, block_rows=rows)
        assert part.n == whole.n
        for field in ("mean", "m2", "m3", "m4"):
            assert getattr(part, field) == pytest.approx(getattr(whole, field), rel=1e-12, abs=1e-12)
        assert P.bimodality_coefficient(trust, contact, block_rows=rows) == pytest.approx(
            P.bimodality_coefficient(trust, contact, block_rows=n), abs=1e-12)


def test_float32_input_and_no_contact_mask_mean_every_off_diagonal_pair():
    rng = np.random.default_rng(3)
    trust = rng.uniform(-1, 1, (50, 50)).astype(np.float32)
    everyone = np.ones((50, 50), dtype=bool)
    assert P.trust_variance(trust) == pytest.approx(reference(trust, everyone)[0], abs=1e-12)


def test_memory_stays_within_a_row_block():
    rng = np.random.default_rng(4)
    n = 1500
    trust = rng.uniform(-1, 1, (n, n))
    contact = rng.random((n, n)) < 0.5
    tracemalloc.start()
    P.trust_polarisation(trust, contact, block_rows=50)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.1 * trust.nbytes


@settings(max_examples=40, deadline=None)
@given(parts=st.lists(st.lists(st.floats(-1, 1, allow_nan=False), max_size=30), min_size=1, max_size=6))
def test_merged_moments_equal_moments_of_the_concatenation(parts):
    merged = P.TrustMoments(0, 0.0, 0.0, 0.0, 0.0)
    for part in parts:
        merged = P.merge_moments(merged, sample_moments(part))
    whole = sample_moments(np.concatenate([np.asarray(p, dtype=float) for p in parts]))
    assert merged.n == whole.n
    for field in ("mean", "m2", "m3", "m4"):
        assert getattr(merged, field) == pytest.approx(getattr(whole, field), rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 12), seed=st.integers(0, 2**32 - 1))
def test_polarisation_is_bounded_and_invariant_to_relabelling_groups(n, seed):
    rng = np.random.default_rng(seed)
    trust = rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], (n, n))
    contact = rng.random((n, n)) < 0.6
    perm = rng.permutation(n)
    p = P.trust_polarisation(trust, contact)
    assert 0.0 <= p <= 1.0
    assert P.trust_polarisation(trust[perm][:, perm], contact[perm][:, perm]) == pytest.approx(p, abs=1e-12)
    b = P.bimodality_coefficient(trust, contact)
    assert b >= 0.0
    assert P.bimodality_coefficient(trust[perm][:, perm], contact[perm][:, perm]) == pytest.approx(b, abs=1e-9)


# Equality of the compiled kernels with the numpy expressions (formerly test_metrics_speed.py).


def _numpy_trust_summary(trust, met, flat):
    """Reference: trust_summary in plain numpy (flat pair positions or row blocks)."""
    n = len(trust)
    limit = 2.0 * P.HOSTILE_TRUST
    if flat:
        upper, lower = np.triu_indices(n, 1)
        upper, lower = upper * n + lower, lower * n + upper
        seen = met.reshape(-1)[upper]
        t_up = trust.reshape(-1)[upper][seen]
        t_low = trust.reshape(-1)[lower][seen]
        moments = P.merge_moments(sample_moments(t_up), sample_moments(t_low))
        hostile, pairs = np.count_nonzero(t_up + t_low < limit), len(t_up)
    else:
        rows = max(1, P._BLOCK // n)
        moments = sample_moments(np.zeros(0))
        hostile = pairs = 0
        cols = np.arange(n)
        for r0 in range(0, n, rows):
            r1 = min(n, r0 + rows)
            m, t = met[r0:r1], trust[r0:r1]
            moments = P.merge_moments(moments, sample_moments(t[m]))
            up = m & (cols[None, :] > cols[r0:r1, None])
            hostile += np.count_nonzero((t + trust[:, r0:r1].T)[up] < limit)
            pairs += np.count_nonzero(up)
    return (float(moments.mean) if moments.n else 0.0, float(hostile / pairs) if pairs else 0.0,
            P.polarisation_from_moments(moments))


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
def test_trust_summary_equals_the_numpy_expressions_bit_for_bit(flat, monkeypatch):
    monkeypatch.setattr(P, "_FLAT_MAX", 10**9 if flat else 0)
    monkeypatch.setattr(P, "_BLOCK", 200)  # several row blocks even for small N
    for trust, met in _cases():
        got = P.trust_summary(trust, met)
        want = _numpy_trust_summary(trust, met, flat)
        assert got == want
        assert [type(x) for x in got] == [type(x) for x in want]


@pytest.mark.parametrize("size", [0, 1, 2, 7, 8, 9, 127, 128, 129, 255, 1000, 8193, 100_003])
def test_compiled_moments_equal_the_numpy_reference_bit_for_bit(size):
    rng = np.random.default_rng(size)
    for x in (rng.uniform(-1, 1, size), np.round(rng.uniform(-1, 1, size), 1), np.full(size, -0.5)):
        m = sample_moments(x)
        assert P._moments(x, size) == (m.n, m.mean, m.m2, m.m3, m.m4)


def test_trust_moments_equal_the_numpy_reference_block_by_block_bit_for_bit():
    rng = np.random.default_rng(12)
    for n, rows in ((1, 1), (5, 2), (40, 7), (130, 1000), (300, 64)):
        for trust in (rng.uniform(-1, 1, (n, n)), rng.uniform(-1, 1, (n, n)).astype(np.float32),
                      np.round(rng.uniform(-1, 1, (n, n)), 1), np.full((n, n), 0.3)):
            contact = rng.random((n, n)) < 0.5
            want = P.TrustMoments(0, 0.0, 0.0, 0.0, 0.0)
            for r0 in range(0, n, rows):
                mask = contact[r0:r0 + rows].copy()
                mask[np.arange(len(mask)), np.arange(r0, r0 + len(mask))] = False
                want = P.merge_moments(want, sample_moments(trust[r0:r0 + rows][mask]))
            assert P.trust_moments(trust, contact, block_rows=rows) == want


def test_the_hostility_metric_counts_pairs_below_the_one_hostile_threshold():
    assert P.HOSTILE_TRUST == 0.0  # the metric's definition: mean mutual trust below zero
    trust = np.array([[0.0, -0.2, 0.3], [0.1, 0.0, -0.9], [0.2, -0.1, 0.0]])
    met = ~np.eye(3, dtype=bool)
    mutual = 0.5 * (trust + trust.T)
    hostile = np.count_nonzero(np.triu(mutual < P.HOSTILE_TRUST, 1)) / 3
    assert P.trust_summary(trust, met)[1] == hostile == 2 / 3


@pytest.mark.parametrize("kernel", ["_flat_summary", "_hostile_pairs"])
def test_hostile_counts_do_not_wrap_at_256_when_kernels_run_as_plain_python(kernel):
    """Under NUMBA_DISABLE_JIT the kernels run as Python on uint8 flags: the counters must
    not take the flags' 8-bit type (400 hostile pairs, not 400 - 256)."""
    n = 30  # 435 pairs
    trust = -np.ones((n, n))
    trust[:3, :3] = 1.0
    np.fill_diagonal(trust, 0.0)
    met = (~np.eye(n, dtype=bool)).view(np.uint8)
    compiled = getattr(P, kernel)
    python = getattr(compiled, "py_func", compiled)
    counts = python(np.ascontiguousarray(trust), np.ascontiguousarray(met))[-2:]
    assert [int(c) for c in counts] == [432, 435]
    assert [int(c) for c in compiled(trust, met)[-2:]] == [432, 435]
