"""Speed of the experiment engine: runs per second with 1 and 2 local workers, and overhead.

    python benchmarks/bench_sweep.py            # 3 sweeps of 40 runs (100 groups x 300 steps)
                                                # per setting, the median reported
    python benchmarks/bench_sweep.py --quick    # 1 sweep of 8 runs of 100 x 100, smoke check

A real sweep (experiments.runner.run_sweep: spawned process pool, batched atomic Parquet
writes, manifest, consolidation) into a temporary folder, timed from the call to its return,
so process start-up and every write count as overhead. Prints per setting: runs, elapsed
time, runs per second, the one-off start-up (spawning the workers and importing mesa, before
the first run starts) and tear-down (after the last run: pool shutdown, consolidating the
Parquet table), and the engine's overhead per run: on each worker, the gaps between the end
of one model run and the start of the next (from the runs table's started_at, wall_time and
worker columns), so the share of a run's time spent inside the model is
mean run / (mean run + overhead). The share of all worker time, sum(run wall time) /
(workers x elapsed), which also counts start-up, tear-down and a worker idle at the end while
the other finishes, is printed too. Targets (issue 5): 2 workers >= 1.7 x the runs per
second of 1 worker, and >= 95% of wall time inside model runs for 100-group, 300-step runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.runner import run_sweep  # noqa: E402
from experiments.spec import Spec  # noqa: E402
import model.core.model  # noqa: E402,F401  (the parent's own one-off import of mesa, not timed)


def bench_spec(runs: int, steps: int) -> Spec:
    """The benchmark's sweep: ``runs`` 100-group runs over four mediation levels."""
    levels = [0.1, 0.3, 0.5, 0.7]
    return Spec(name="bench_sweep", varied={"mediation_capacity": levels},
                fixed={"n_groups": 100}, replicates=runs // len(levels), steps=steps,
                root_seed=1, outcomes=("stable_alliance_formed", "final_mean_trust"))


def measure(spec: Spec, workers: int) -> dict:
    """Time one real sweep with ``workers`` processes and split it into runs and overhead."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = run_sweep(spec, tmp, workers=workers, quiet=True, log=lambda m: None)
        elapsed = time.perf_counter() - start
    runs = result.runs
    inside = float(runs["wall_time"].sum())
    n = len(runs)
    # per worker: the gaps between one model run's end and the next one's start are the
    # engine's per-run overhead (result transfer, next task, building the row)
    gaps, gap_count = 0.0, 0
    for _, w in runs.groupby("worker"):
        span = (w["started_at"] + w["wall_time"]).max() - w["started_at"].min()
        gaps += span - w["wall_time"].sum()
        gap_count += len(w) - 1
    overhead = gaps / max(gap_count, 1)
    mean_run = inside / n
    return {"workers": workers, "runs": n, "elapsed_s": round(elapsed, 2),
            "runs_per_s": round(n / elapsed, 3),
            "mean_run_s": round(mean_run, 3),
            "startup_s": round(result.startup, 2),
            "teardown_s": round(elapsed - result.last_result, 2),
            "overhead_per_run_s": round(overhead, 4),
            "inside_model_share_per_run": round(mean_run / (mean_run + overhead), 4),
            "inside_model_share_with_startup": round(inside / (workers * elapsed), 4)}


def main() -> int:
    """Compare 1 and 2 workers over interleaved repeats and print the speed-up and overhead."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None,
                        help="sweeps per setting; the median by runs/s is reported (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=40,
                        help="runs per sweep (default 40: enough that the one-off worker start-up "
                             "of about 1.7 s does not dominate)")
    args = parser.parse_args()
    runs, steps = (8, 100) if args.quick else (args.runs, 300)
    repeats = args.repeats or (1 if args.quick else 3)
    spec = bench_spec(runs, steps)
    trials: dict[int, list[dict]] = {1: [], 2: []}
    for _ in range(repeats):  # interleaved, so background load hits both settings alike
        for workers in (1, 2):
            trials[workers].append(measure(spec, workers))
    all_rates = {w: [t["runs_per_s"] for t in ts] for w, ts in trials.items()}
    one, two = (sorted(trials[w], key=lambda r: r["runs_per_s"])[repeats // 2] for w in (1, 2))
    ratio = two["runs_per_s"] / one["runs_per_s"]
    figures = {"cores": os.cpu_count(), "n_groups": 100, "steps": steps, "repeats": repeats,
               "runs_per_s_all_repeats": all_rates, "one_worker": one, "two_workers": two,
               "speed_up_2_over_1": round(ratio, 3)}
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"sweep of {runs} runs, 100 groups x {steps} steps, {os.cpu_count()} cores; "
          f"median of {repeats} sweep(s) per setting (runs/s of each: {all_rates})")
    for r in (one, two):
        print(f"  {r['workers']} worker(s): {r['elapsed_s']:7.2f} s, {r['runs_per_s']:.3f} runs/s, "
              f"mean run {r['mean_run_s']:.3f} s; start-up {r['startup_s']:.2f} s and tear-down "
              f"{r['teardown_s']:.2f} s once; "
              f"{1000 * r['overhead_per_run_s']:.1f} ms engine overhead per run: "
              f"{100 * r['inside_model_share_per_run']:.1f}% of a run's time inside the model "
              f"({100 * r['inside_model_share_with_startup']:.1f}% of all worker time, counting "
              "start-up, tear-down and idle tail)")
    print(f"  speed-up 2 vs 1 worker: {ratio:.2f}x (target >= 1.7)")
    share = min(one["inside_model_share_per_run"], two["inside_model_share_per_run"])
    print(f"  time inside model runs, per run: {100 * share:.1f}% at worst (target >= 95%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
