"""Compiled kernels for the step's hot loops (numba), and numpy's summation order.

A step at 1,000 groups touches each array only a few times, so numpy's cost there is the
fixed price of its calls and temporaries, not the arithmetic. The mechanisms whose work is a
loop over encounters or contracts are therefore compiled with numba into one pass each. They
do the same floating-point operations in the same order as the numpy expressions they
replace (no fast-math, no fused multiply-add), so results stay bit for bit what the numpy
code gave; where numpy sums a row, ``pairwise_sum`` repeats numpy's pairwise order. Loops over
scattered entries of the trust matrix ``prefetch`` them a few iterations ahead, a hint to the
processor that changes no value.

Compiled code is cached on disk, so only the first run after a change compiles (about 15 s).
numba checks a cached kernel only against its own file, not the kernels it calls in other
files, so the cache lives in a folder named by a hash of every model source that defines
kernels: editing any of them starts a fresh cache. ``ALLIANCE_ABM_CACHE`` sets where (default
``~/.cache/alliance-abm``); ``NUMBA_DISABLE_JIT=1`` runs every kernel as plain Python, for
debugging.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")  # see below

import numba  # noqa: E402
import numpy as np  # noqa: E402
from llvmlite import ir  # noqa: E402
from numba.core import cgutils, config, types  # noqa: E402
from numba.extending import intrinsic  # noqa: E402

config.USING_SVML = False
"""With Intel's SVML installed, numba would vectorise exp and its kin with SVML, whose results
depend on the processor's vector width; the C library's do not (see model/libm.py)."""


def cache_dir(sources: Path = Path(__file__).parents[1]) -> Path:
    """The cache folder for the kernel sources under ``sources`` (see the module docstring)."""
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sorted(sources.rglob("*.py")):
        text = path.read_bytes()
        if path.name == "jit.py" or b"numerics.jit import" in text:
            digest.update(path.relative_to(sources).as_posix().encode() + b"\0" + text)
    root = os.environ.get("ALLIANCE_ABM_CACHE") or Path.home() / ".cache" / "alliance-abm"
    return Path(root) / f"numba-{digest.hexdigest()[:16]}"


config.reload_config()  # takes in the SVML setting now, even if numba was imported first
if not os.environ.get("NUMBA_CACHE_DIR"):
    config.CACHE_DIR = str(cache_dir())  # a later reload would reset it to the source tree

kernel = numba.njit(cache=True, nogil=True, error_model="numpy")
"""Decorator for a compiled kernel: cached, no fast-math, numpy's rules for 0/0 and x/0."""


LEAF = 128
"""numpy sums a contiguous row of up to this many numbers as one block (``leaf_sum``)."""

_U = np.uint64  # unsigned indices spare numba the negative-index check on every read


@kernel
def _leaf_sum(a, lo, n):
    """numpy's sum of a block of at most LEAF (128) numbers: eight interleaved partial sums."""
    p = _U(lo)
    if n < 8:
        res = 0.0
        for k in range(n):
            res += a[p + _U(k)]
        return res
    r0, r1, r2, r3 = a[p], a[p + _U(1)], a[p + _U(2)], a[p + _U(3)]
    r4, r5, r6, r7 = a[p + _U(4)], a[p + _U(5)], a[p + _U(6)], a[p + _U(7)]
    q = p + _U(8)
    end = p + _U(n - n % 8)
    while q < end:
        r0 += a[q]
        r1 += a[q + _U(1)]
        r2 += a[q + _U(2)]
        r3 += a[q + _U(3)]
        r4 += a[q + _U(4)]
        r5 += a[q + _U(5)]
        r6 += a[q + _U(6)]
        r7 += a[q + _U(7)]
        q += _U(8)
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    end = p + _U(n)
    while q < end:
        res += a[q]
        q += _U(1)
    return res


@kernel
def _lane_powers(a, p, rows, mean):
    """Sums over four of numpy's eight interleaved partial sums (lanes p..p+3, ``rows``
    rows of eight) of c**2, c**3 and c**4, c = a - mean, formed as numpy forms c * c,
    c * (c * c) and (c * c) * (c * c) (the polarisation moments)."""
    c0 = a[p] - mean
    c1 = a[p + _U(1)] - mean
    c2 = a[p + _U(2)] - mean
    c3 = a[p + _U(3)] - mean
    s0, s1, s2, s3 = c0 * c0, c1 * c1, c2 * c2, c3 * c3
    t0, t1, t2, t3 = c0 * s0, c1 * s1, c2 * s2, c3 * s3
    f0, f1, f2, f3 = s0 * s0, s1 * s1, s2 * s2, s3 * s3
    q = p + _U(8)
    end = p + _U(8) * rows
    while q < end:
        c0 = a[q] - mean
        c1 = a[q + _U(1)] - mean
        c2 = a[q + _U(2)] - mean
        c3 = a[q + _U(3)] - mean
        e0, e1, e2, e3 = c0 * c0, c1 * c1, c2 * c2, c3 * c3
        s0 += e0
        s1 += e1
        s2 += e2
        s3 += e3
        t0 += c0 * e0
        t1 += c1 * e1
        t2 += c2 * e2
        t3 += c3 * e3
        f0 += e0 * e0
        f1 += e1 * e1
        f2 += e2 * e2
        f3 += e3 * e3
        q += _U(8)
    return (s0 + s1) + (s2 + s3), (t0 + t1) + (t2 + t3), (f0 + f1) + (f2 + f3)


@kernel
def _leaf_powers(a, lo, n, mean):
    """:func:`_leaf_sum` of c * c, c * (c * c) and (c * c) * (c * c), c = a - mean."""
    p = _U(lo)
    s2 = s3 = s4 = 0.0
    q = p
    if n >= 8:
        rows = _U(n // 8)
        l2, l3, l4 = _lane_powers(a, p, rows, mean)
        h2, h3, h4 = _lane_powers(a, p + _U(4), rows, mean)
        s2, s3, s4 = l2 + h2, l3 + h3, l4 + h4
        q = p + _U(8) * rows
    end = p + _U(n)
    while q < end:
        c = a[q] - mean
        c2 = c * c
        s2 += c2
        s3 += c * c2
        s4 += c2 * c2
        q += _U(1)
    return s2, s3, s4


@kernel
def _pairwise(a, lo, n, mean, powers):
    """np.sum of a[lo:lo + n] (``powers`` False; the other two sums are 0), or of its
    central powers as in :func:`_leaf_powers`, in numpy's pairwise order: halves (a
    multiple of 8 on the left) down to blocks of at most 128.

    The halving runs on an explicit stack: numba crashes loading from its cache a cached
    kernel that calls a recursive one.
    """
    los = np.empty(64, np.int64)
    ns = np.empty(64, np.int64)
    right = np.zeros(64, np.bool_)
    left = np.empty((64, 3))
    d = 0
    los[0] = lo
    ns[0] = n
    while True:
        while ns[d] > LEAF:
            half = ns[d] // 2
            half -= half % 8
            los[d + 1] = los[d]
            ns[d + 1] = half
            right[d + 1] = False
            d += 1
        if powers:
            v2, v3, v4 = _leaf_powers(a, los[d], ns[d], mean)
        else:
            v2, v3, v4 = _leaf_sum(a, los[d], ns[d]), 0.0, 0.0
        while True:
            if d == 0:
                return v2, v3, v4
            if not right[d]:
                left[d - 1, 0] = v2
                left[d - 1, 1] = v3
                left[d - 1, 2] = v4
                half = ns[d - 1] // 2
                half -= half % 8
                los[d] = los[d - 1] + half
                ns[d] = ns[d - 1] - half
                right[d] = True
                break
            v2 = left[d - 1, 0] + v2
            v3 = left[d - 1, 1] + v3
            v4 = left[d - 1, 2] + v4
            d -= 1


@kernel
def pairwise_sum(a, lo, n):
    """Sum of a[lo:lo + n] in the order numpy's ``sum`` uses on a contiguous row.

    numpy adds rows of fewer than 8 numbers one by one, up to 128 in eight interleaved
    partial sums, and longer ones as the sum of two halves (cut at a multiple of 8);
    repeating that keeps compiled sums bit-equal to numpy's.
    """
    if n <= LEAF:
        return _leaf_sum(a, lo, n)
    return _pairwise(a, lo, n, 0.0, False)[0]


leaf_sum = _leaf_sum
"""``pairwise_sum`` of at most ``LEAF`` numbers. A hot loop over short rows calls it as
``leaf_sum(a, lo, n) if n <= LEAF else pairwise_sum(a, lo, n)``: compiled in place, that
runs about four times faster than a ``pairwise_sum`` call, which numba does not inline."""


@kernel
def pairwise_central_sums(a, lo, n, mean):
    """Sums of c**2, c**3 and c**4, c = a[lo:lo + n] - mean, each in numpy's order (as
    ``np.sum(c**2)`` etc. would give them, with c**3 formed as c * c**2)."""
    if n <= LEAF:
        return _leaf_powers(a, lo, n, mean)
    return _pairwise(a, lo, n, mean, True)


PREFETCH_AHEAD = 12
"""How many iterations ahead a loop over scattered entries asks for them (``prefetch``)."""


@intrinsic
def prefetch(typingctx, array, row, col):
    """Ask the CPU to start loading ``array[row, col]`` into cache: a hint, with no effect
    on any value. A loop over scattered entries of the N x N trust matrix spends most of its
    time waiting for memory; asking for the entries a few iterations ahead overlaps the waits."""
    def codegen(context, builder, signature, args):
        ty = signature.args[0]
        ary = context.make_array(ty)(context, builder, args[0])
        inds = [context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], signature.args[1:])]
        ptr = cgutils.get_item_pointer2(
            context, builder, data=ary.data, shape=cgutils.unpack_tuple(builder, ary.shape),
            strides=cgutils.unpack_tuple(builder, ary.strides), layout=ty.layout, inds=inds,
            wraparound=False, boundscheck=False)
        byte_ptr, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]),
            "llvm.prefetch.p0i8")
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(0), i32(3), i32(1)])  # read, keep, data
        return context.get_dummy_value()
    return types.void(array, row, col), codegen


if config.DISABLE_JIT:
    def prefetch(array, row, col):  # noqa: F811
        """Plain Python (``NUMBA_DISABLE_JIT=1``): the hint does nothing."""


def ufunc(*signatures: str):
    """Compile a scalar function into a numpy ufunc (broadcasting, scalars, any shape).

    Returns numba's underlying ``numpy.ufunc``, which is called without numba's Python-level
    dispatch (about 5 us a call saved), with the function's docstring."""
    def compile_(f):
        compiled = numba.vectorize(list(signatures), cache=True)(f).ufunc
        compiled.__doc__ = f.__doc__
        return compiled
    return compile_
