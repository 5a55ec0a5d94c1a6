"""Is the step slower than at another commit? Both step in turn, block by block, in one run.

    python benchmarks/bench_compare.py HEAD~1                  # 1,000 groups, rates 1 and 10
    python benchmarks/bench_compare.py bdbb364 --groups 100 --rates 1 --pairs 4

The other commit is unpacked with ``git archive`` into a temporary folder (its kernels are
compiled on first use, about a minute). For each encounter rate, ``--pairs`` pairs of
worker processes (one per tree, pinned to one core with one BLAS thread) each warm the same
model up, then time ``--blocks`` blocks of steps in alternation, every block starting again
from the warmed model with fresh draws. On a shared machine whole-process timings of the two
commits drift by 10% or more between runs; alternating blocks cancels that drift, so the
median of the per-block ratios shows differences of a few per cent. Prints encounters per
second of each tree and the ratio this tree / other (above 1: this tree is faster).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARMUP = {100: 300, 1000: 200, 10_000: 30}


def worker(tree: str, rate: float, groups: int) -> None:
    """Warm a model up with ``tree``'s code, then time one block of steps per line of stdin."""
    sys.path.insert(0, tree)
    from benchmarks import bench_step as bench  # pins the core and the BLAS threads

    if not bench.__file__.startswith(tree):
        sys.exit(f"imported {bench.__file__}, not the tree {tree}")
    import numpy as np

    start = bench.warm_model(groups, rate, WARMUP.get(groups, 100))
    steps = max(2, int(20_000 / start.n_encounters))
    rng = np.random.default_rng(5)
    print("ready", flush=True)
    for _ in sys.stdin:
        model = copy.deepcopy(start)
        draws = [bench.draw_step(rng, model.n_encounters) for _ in range(steps)]
        t0 = time.perf_counter()
        for d in draws:
            model.advance(d)
        print(steps * model.n_encounters / (time.perf_counter() - t0), flush=True)


def unpack(ref: str, into: Path) -> Path:
    """The tree of commit ``ref``, unpacked under ``into``."""
    archive = into / "tree.tar"
    with open(archive, "wb") as out:
        done = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, stdout=out,
                              stderr=subprocess.PIPE, text=True)
    if done.returncode:
        sys.exit(f"cannot read commit {ref!r} from the git history: {done.stderr.strip()}")
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def compare(trees: dict[str, Path], rate: float, groups: int, pairs: int, blocks: int):
    """Per-block encounter rates of each tree and the per-block ratios this / other."""
    rates = {name: [] for name in trees}
    ratios = []
    for _ in range(pairs):
        procs = {name: subprocess.Popen(
            [sys.executable, __file__, "--worker", str(tree), str(rate), str(groups)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
            for name, tree in trees.items()}
        try:
            for name, proc in procs.items():
                if proc.stdout.readline().strip() != "ready":
                    sys.exit(f"the {name} tree's worker failed to start (see its error above)")
            for b in range(blocks):
                got = {}
                for name in (list(procs) if b % 2 == 0 else list(procs)[::-1]):
                    procs[name].stdin.write("go\n")
                    procs[name].stdin.flush()
                    got[name] = float(procs[name].stdout.readline())
                    rates[name].append(got[name])
                ratios.append(got["this"] / got["other"])
        finally:
            for proc in procs.values():
                proc.stdin.close()
                proc.wait()
    return rates, ratios


def main(argv=None) -> int:
    """Compare this tree's step with the step at another commit and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ref", nargs="?", help="the other commit (any git revision)")
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--rates", type=float, nargs="+", default=[1.0, 10.0],
                        help="encounters per group per step")
    parser.add_argument("--pairs", type=int, default=6, help="pairs of worker processes")
    parser.add_argument("--blocks", type=int, default=30, help="timed blocks per pair")
    parser.add_argument("--worker", nargs=3, metavar=("TREE", "RATE", "GROUPS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], float(args.worker[1]), int(args.worker[2]))
        return 0
    if not args.ref:
        parser.error("name the commit to compare with, e.g. HEAD~1")
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"this": ROOT, "other": unpack(args.ref, Path(tmp))}
        print(f"{args.groups:,} groups; this tree against {args.ref}; {args.pairs} pairs of "
              f"processes x {args.blocks} alternating blocks")
        for rate in args.rates:
            rates, ratios = compare(trees, rate, args.groups, args.pairs, args.blocks)
            q1, _, q3 = statistics.quantiles(ratios, n=4)
            print(f"rate {rate:g}: this {statistics.median(rates['this']):,.0f} enc/s, "
                  f"other {statistics.median(rates['other']):,.0f} enc/s; this / other per "
                  f"block: median {statistics.median(ratios):.3f} (quartiles {q1:.3f}-{q3:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
