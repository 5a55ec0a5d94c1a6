"""Speed of the calibration: simulations per second and the projected time of the full run.

    python benchmarks/bench_calibration.py            # 20 single simulations, then a real
                                                      # 2-worker pyabc run of ~200 simulations
    python benchmarks/bench_calibration.py --quick    # smoke check at 100 steps

Part 1 times single simulations (experiments.calibration.simulate.PatternSimulator, the full
calibration's run length and runs per simulation) at parameter sets drawn from the priors, in
this process: wall and
CPU time per simulation (CPU time is what one simulation costs on a free core; wall time also
shows what other processes on a shared machine take). Part 2 runs a real calibration (pyabc,
the full settings except a small population and two generations, ``workers`` local processes,
no outputs) and counts simulations per second from pyabc's own generation times, so sampling
overhead and the workers' idle ends of generations count. The projection for the full
calibration (experiments.calibration.settings.FULL) takes that rate for its budget of
simulations and for the worst case (the last generation cut off at the acceptance floor), and
adds the predictive check's draws (each as many runs as a simulation). Target (issue 15): at
least 10,000 model runs in under 30 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.calibration import pipeline  # noqa: E402
from experiments.calibration.gaps import check_targets  # noqa: E402
from experiments.calibration.priors import fixed_parameters, load_priors  # noqa: E402
from experiments.calibration.settings import FULL  # noqa: E402
from experiments.calibration.simulate import NO_METRICS, PatternSimulator  # noqa: E402
from model.analysis.contact_patterns import TARGETS_FILE, load_targets  # noqa: E402
from model.run import compile_kernels  # noqa: E402


def single_simulations(n: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Wall and CPU seconds of each of ``n`` simulations at prior draws, in this process."""
    priors = load_priors()
    targets = check_targets(load_targets(), TARGETS_FILE)
    fixed = {**fixed_parameters(priors), "collect_every": NO_METRICS}
    sim = PatternSimulator(targets, fixed, steps=steps,
                           seeds_per_simulation=FULL.seeds_per_simulation, seed=1)
    rng = np.random.default_rng(1)
    draws = [{p.name: rng.uniform(p.low, p.high) for p in priors} for _ in range(n)]
    walls, cpus = [], []
    for draw in draws:
        wall, cpu = time.perf_counter(), time.process_time()
        sim(draw)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return np.array(walls), np.array(cpus)


def real_calibration(workers: int, population: int, steps: int) -> tuple[int, float]:
    """Simulations and seconds of sampling of a two-generation calibration with ``workers``."""
    settings = dataclasses.replace(FULL, population_size=population, max_generations=2,
                                   steps=steps)
    with tempfile.TemporaryDirectory() as tmp:
        cal = pipeline.calibrate(settings, tmp, workers=workers, quiet=True, write=False,
                                 log=lambda msg: None)
        return cal.status["simulations"], cal.status["sampling_seconds"]


def main(argv=None) -> int:
    """Measure, project and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100-step runs, fewer of them")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--singles", type=int, default=20)
    parser.add_argument("--population", type=int, default=50)
    args = parser.parse_args(argv)
    steps = 100 if args.quick else FULL.steps
    singles = 5 if args.quick else args.singles
    population = 12 if args.quick else args.population

    compile_kernels()
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores (a shared machine slows the wall times)")
    walls, cpus = single_simulations(singles, steps)
    cpu = cpus.mean()  # the projection needs the mean: a calibration's time is their sum
    print(f"one simulation ({FULL.seeds_per_simulation} runs of {steps} steps, 50 groups, "
          f"{singles} prior draws, 1 process): "
          f"median {np.median(walls):.3f} s wall, {np.median(cpus):.3f} s CPU (mean "
          f"{cpu:.3f} s CPU, range {cpus.min():.3f}-{cpus.max():.3f}) -> {1 / cpu:.2f} "
          "simulations/s per free core")
    sims, seconds = real_calibration(args.workers, population, steps)
    rate = sims / seconds
    print(f"pyabc calibration, {args.workers} workers, population {population}, 2 generations: "
          f"{sims} simulations in {seconds:.1f} s of sampling -> {rate:.2f} simulations/s")
    budget = FULL.max_simulations
    worst = budget + FULL.population_size / max(FULL.min_acceptance_rate, 1e-9)
    check = 2 * FULL.predictive_draws
    k = FULL.seeds_per_simulation
    for label, n in (("budget", budget), ("worst case", worst)):
        minutes = (n + check) / rate / 60
        print(f"projected full calibration ({label}: {n:,.0f} simulations = {n * k:,.0f} model "
              f"runs, + {check} predictive draws) at {rate:.2f}/s: {minutes:.1f} min")
    ideal = args.workers / cpu
    minutes = (budget + check) / ideal / 60
    print(f"on {args.workers} free cores at the CPU time per simulation ({ideal:.2f}/s): "
          f"{minutes:.1f} min for the budget (target: under 30)")
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
