"""The benchmark scripts run (a smoke test: figures are printed, never asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_step_prints_where_a_steps_time_goes():
    out = subprocess.run([sys.executable, "benchmarks/bench_step.py", "--phases", "40"],
                         capture_output=True, text=True, cwd=ROOT, check=True, timeout=300).stdout
    assert "40 groups, rate 1:" in out and "encounters/s" in out
    for phase in ("sample_encounters", "judge", "update_contracts", "update_alliances"):
        assert phase in out


def test_bench_compare_times_this_tree_against_a_commit():
    """Against HEAD (the same kernels, so nothing to compile) the ratio is printed; a
    commit that does not exist is refused by name."""
    cmd = [sys.executable, "benchmarks/bench_compare.py", "HEAD", "--groups", "100",
           "--rates", "1", "--pairs", "1", "--blocks", "2"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True,
                         timeout=600).stdout
    assert "rate 1: this" in out and "this / other per block: median" in out
    bad = subprocess.run(cmd[:2] + ["no-such-commit"], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert bad.returncode != 0 and "no-such-commit" in bad.stderr
