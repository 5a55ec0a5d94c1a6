"""Benchmark model.analysis.landscape on one core: exact search at n=20, heuristic at n=2000.

Budgets from the design brief: exact minima plus local minima and basins for
20 actors under 5 s; heuristic search for 2,000 actors under 10 s. Prints the
median wall-clock and CPU time of repeated runs on random symmetric
propensities in [-1, 1] with sizes in [0.1, 2].

Run: ``.venv/bin/python benchmarks/bench_landscape.py``
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.analysis.landscape import exact_minima, heuristic_minimum, local_minima_and_basins  # noqa: E402


def instance(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random symmetric propensities in [-1, 1] and sizes in [0.1, 2], fixed by the seed."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(-1.0, 1.0, (n, n))
    return (raw + raw.T) / 2.0, rng.uniform(0.1, 2.0, n)


def timed(task, repeats: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds over ``repeats`` calls, and the last result to report."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = task()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def report(label: str, wall: float, cpu: float, budget: float, detail: str) -> None:
    """Print one timing against its budget, so an overrun reads OVER BUDGET."""
    verdict = "within budget" if wall < budget else "OVER BUDGET"
    print(f"{label:<46} median wall {wall:7.3f} s  cpu {cpu:7.3f} s  "
          f"(budget {budget:g} s, {verdict})  {detail}")


def main() -> None:
    """Time the exact search at 20 actors and the heuristic at 2,000 against their budgets."""
    propensity, sizes = instance(20, seed=1)

    def exact_search():
        return exact_minima(propensity, sizes), local_minima_and_basins(propensity, sizes)

    wall, cpu, (best, local) = timed(exact_search, repeats=5)
    report("exact minima + basins, n=20 (2^19 configs)", wall, cpu, 5.0,
           f"E_min={best.energy:.4f}, {len(local)} local minima")

    propensity, sizes = instance(2000, seed=2)
    wall, cpu, result = timed(lambda: heuristic_minimum(propensity, sizes, rng=0), repeats=3)
    report("heuristic, n=2000, k=2 (10 starts x 10 kicks)", wall, cpu, 10.0,
           f"E={result.energy:.1f}, best hit by {result.n_hits}/{result.n_starts} starts")

    wall, cpu, result = timed(lambda: heuristic_minimum(propensity, sizes, k=3, rng=0), repeats=1)
    report("heuristic, n=2000, k=3 (10 starts x 10 kicks)", wall, cpu, 10.0,
           f"E={result.energy:.1f}, {np.unique(result.labels).size} coalitions used")


if __name__ == "__main__":
    main()
