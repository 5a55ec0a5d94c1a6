"""The compiled kernels' foundations: numpy's summation order, and a cache that follows the sources."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from model.numerics import jit


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 256, 1000, 4097, 100_003])
def test_pairwise_sum_is_numpys_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n + 3) * 10.0 ** rng.uniform(-6, 6, n + 3)
    assert jit.pairwise_sum(x, 3, n) == x[3:].sum()
    assert jit.pairwise_sum(x, 0, n) == x[:n].sum()
    rows = x[: (n // 10) * 10].reshape(-1, 10) if n >= 10 else x[:0].reshape(0, 10)
    assert [jit.pairwise_sum(r, 0, 10) for r in rows] == rows.sum(axis=1).tolist()


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 17, 127, 128])
def test_leaf_sum_is_pairwise_sum_on_short_rows(n):
    x = np.random.default_rng(n).standard_normal(n + 5) * 1e3
    assert jit.leaf_sum(x, 5, n) == jit.pairwise_sum(x, 5, n) == x[5:].sum()


def test_a_sequential_sum_would_differ():
    """The test above can fail: adding one by one is not numpy's order."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(1000) * 10.0 ** rng.uniform(-6, 6, 1000)
    total = 0.0
    for v in x:
        total += v
    assert total != x.sum()


def test_cache_folder_changes_with_any_kernel_source(tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(jit.cache_dir.__defaults__[0], model_dir)
    base = jit.cache_dir(model_dir)
    assert base == jit.cache_dir(model_dir)
    schema = model_dir / "core" / "parameters.py"  # defines no kernel: no effect on the cache
    schema.write_text(schema.read_text() + "\n# edited\n")
    assert jit.cache_dir(model_dir) == base
    kernels = model_dir / "mechanisms" / "structural_change.py"  # called from kernels in other files
    kernels.write_text(kernels.read_text() + "\n# edited\n")
    assert jit.cache_dir(model_dir) != base


def test_cache_location_can_be_set(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_ABM_CACHE", str(tmp_path))
    assert jit.cache_dir().parent == tmp_path


def test_prefetch_is_only_a_hint():
    """Asking for entries ahead (contiguous or strided arrays, any int type) changes nothing."""
    import numba

    @numba.njit
    def scattered_sum(x, rows, cols, ahead):
        total = 0.0
        for e in range(len(rows)):
            if e + ahead < len(rows):
                jit.prefetch(x, rows[e + ahead], cols[e + ahead])
            total += x[rows[e], cols[e]]
        return total

    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 300))
    rows, cols = rng.integers(0, 300, 1000), rng.integers(0, 300, 1000).astype(np.int32)
    expected = sum(x[r, c] for r, c in zip(rows, cols))
    assert scattered_sum(x, rows, cols, 12) == scattered_sum(x, rows, cols, 0) == expected
    strided = x[::2, ::3]
    r, c = rows % 150, cols % 100
    assert scattered_sum(strided, r, c, 5) == sum(strided[a, b] for a, b in zip(r, c))


def test_the_cache_stays_in_its_folder_when_numba_was_imported_first(tmp_path):
    """numba reloads its settings when a NUMBA_ variable changed since it was imported; that
    reload must not send the compiled kernels back into the source tree."""
    import subprocess
    import sys

    code = ("import numba\nfrom numba.core import config\nimport model.numerics.jit\n"
            "config.reload_config()\n"  # what numba does before its first compile
            "print(config.CACHE_DIR)\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMBA_CACHE_DIR", "NUMBA_DISABLE_INTEL_SVML")}
    env["ALLIANCE_ABM_CACHE"] = str(tmp_path)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, text=True,
                         capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().startswith(str(tmp_path)), out.stdout
