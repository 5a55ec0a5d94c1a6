"""Benchmark the exact landscape search for k = 2, 3, 4 coalitions on one core.

Prints the wall-clock and CPU time of ``exact_minima_k`` at several sizes n (random
symmetric propensities in [-1, 1], sizes in [0.1, 2]), the partitions visited per second,
and, for each k, the time predicted at the current limit + 1 from that rate: the limit in
``MAX_EXACT_ACTORS_BY_K`` is justified when the limit itself runs under 10 s and the next
size would not. Also times the older bit enumeration ``exact_minima`` (k = 2) for comparison.

Run: ``.venv/bin/python benchmarks/bench_landscape_exact.py``
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.analysis.landscape import exact_minima  # noqa: E402
from model.analysis.landscape_exact import (  # noqa: E402
    MAX_EXACT_ACTORS_BY_K,
    count_partitions,
    exact_minima_k,
)

BUDGET = 10.0
SIZES = {2: (16, 20, 24), 3: (13, 16, 18, 19), 4: (12, 14, 15, 16)}


def instance(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random symmetric propensities in [-1, 1] and sizes in [0.1, 2], fixed by the seed."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(-1.0, 1.0, (n, n))
    return (raw + raw.T) / 2.0, rng.uniform(0.1, 2.0, n)


def timed(task) -> tuple[float, float, object]:
    """Wall and CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = task()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    """Time every (k, n) in SIZES and print the limit each k's timings support."""
    for k, sizes in SIZES.items():
        limit = MAX_EXACT_ACTORS_BY_K[k]
        rate = None
        for n in sizes:
            propensity, sizes_n = instance(n, seed=n)
            wall, cpu, result = timed(lambda: exact_minima_k(propensity, sizes_n, k))
            rate = result.n_configurations / wall
            verdict = "within" if wall < BUDGET else "OVER"
            print(f"k={k} n={n:>2}  {result.n_configurations:>12,} partitions  wall {wall:7.3f} s  "
                  f"cpu {cpu:7.3f} s  {rate / 1e6:6.1f} M/s  ({verdict} {BUDGET:g} s)  "
                  f"E_min={result.energy:.4f}", flush=True)
            if k == 2:
                wall_old, _, old = timed(lambda: exact_minima(propensity, sizes_n))
                print(f"         exact_minima (bit enumeration, k=2): wall {wall_old:7.3f} s, "
                      f"same minimum: {abs(old.energy - result.energy) < 1e-9}")
        predicted = count_partitions(limit + 1, k) / rate
        print(f"k={k}: limit n <= {limit}; predicted at n={limit + 1}: {predicted:.1f} s "
              f"({'justifies the limit' if predicted > BUDGET else 'the limit could be raised'})\n")


if __name__ == "__main__":
    main()
