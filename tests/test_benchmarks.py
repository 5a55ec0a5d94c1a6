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
