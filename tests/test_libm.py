"""Elementary functions and populations give the same bits whatever SIMD the processor has."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.numerics import libm

ROOT = Path(__file__).resolve().parents[1]


def test_exp_and_log1p_are_the_c_librarys_element_by_element():
    x = np.random.default_rng(0).standard_normal((40, 25)) * 3.0
    assert libm.exp(x).shape == x.shape
    assert libm.exp(x).ravel().tolist() == [math.exp(v) for v in x.ravel().tolist()]
    y = np.abs(x)
    assert libm.log1p(y).ravel().tolist() == [math.log1p(v) for v in y.ravel().tolist()]


def test_scalar_log_follows_numpy_at_and_below_zero():
    assert libm.log(math.e) == 1.0
    assert libm.log(0.0) == -math.inf
    assert math.isnan(libm.log(-1.0)) and math.isnan(libm.log(float("nan")))


POPULATION = """
import hashlib
import numpy as np
from model.core.model import AllianceModel
m = AllianceModel(seed=11, n_groups=500, n_axes=7)
m.run(20)
print(hashlib.sha256(b"".join(np.ascontiguousarray(v).tobytes()
                              for v in m.state.arrays().values())).hexdigest())
"""


def _variants() -> dict[str, dict[str, str]]:
    """Environments that move numpy's or OpenBLAS's vector code off what this processor picks."""
    import platform

    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    out = {"as picked": {}}
    wide = [f for f in __cpu_dispatch__ if f.startswith(("AVX512", "X86_V4"))]
    if any(__cpu_features__.get(f) for f in wide):
        out["numpy without AVX-512"] = {"NPY_DISABLE_CPU_FEATURES": " ".join(wide)}
    if platform.machine() == "x86_64" and __cpu_features__.get("AVX2") and __cpu_features__.get("FMA3"):
        out["OpenBLAS Haswell kernels"] = {"OPENBLAS_CORETYPE": "Haswell"}
    return out


def test_a_run_does_not_depend_on_the_processors_vector_code():
    """numpy's AVX-512 exp rounds differently, and OpenBLAS picks its kernels by processor;
    a seed must give the same run on processors with and without AVX-512."""
    variants = _variants()
    if len(variants) == 1:
        pytest.skip("no other vector code to compare with on this processor")
    runs = {}
    for name, extra in variants.items():
        env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
        out = subprocess.run([sys.executable, "-c", POPULATION], capture_output=True, text=True,
                             env=env, cwd=ROOT, check=True)
        runs[name] = out.stdout.strip()
    assert len(set(runs.values())) == 1, runs
