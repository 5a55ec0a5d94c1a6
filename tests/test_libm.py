"""Elementary functions and populations give the same bits whatever SIMD the processor has."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model import libm

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
from model.model import AllianceModel
m = AllianceModel(seed=11, n_groups=500, n_axes=7)
m.run(20)
print(hashlib.sha256(b"".join(np.ascontiguousarray(v).tobytes()
                              for v in m.state.arrays().values())).hexdigest())
"""


def _avx512_dispatch() -> list[str]:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    wide = [f for f in __cpu_dispatch__ if f.startswith(("AVX512", "X86_V4"))]
    return wide if any(__cpu_features__.get(f) for f in wide) else []


def test_a_run_does_not_depend_on_numpys_avx512_code():
    """numpy's AVX-512 exp rounds differently; a seed must give the same run without it."""
    wide = _avx512_dispatch()
    if not wide:
        pytest.skip("this processor has no AVX-512: numpy never takes that route here")
    runs = []
    for disabled in ("", " ".join(wide)):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NPY_DISABLE_CPU_FEATURES": disabled}
        out = subprocess.run([sys.executable, "-c", POPULATION], capture_output=True, text=True,
                             env=env, cwd=ROOT, check=True)
        runs.append(out.stdout.strip())
    assert runs[0] == runs[1]
