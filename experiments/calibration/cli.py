"""``python -m experiments calibrate [--quick] [--workers N | --scheduler ADDRESS] [--out DIR]
[--fresh] [--seed N]``: the calibration's command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_OUT = Path("results") / "calibration"


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``calibrate`` subcommand to ``python -m experiments``."""
    cal = sub.add_parser("calibrate", help="fit the contact-pattern parameters by ABC-SMC "
                         "(pyabc); resumes an interrupted calibration")
    cal.add_argument("--quick", action="store_true",
                     help="a tiny calibration in seconds (for tests; its posterior means nothing)")
    where = cal.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None,
                       help=f"local worker processes (default: all cores, {os.cpu_count()}; 1 "
                       "samples in this process and is bit-reproducible)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask distributed scheduler, e.g. tcp://host:8786")
    cal.add_argument("--out", metavar="DIR", default=None,
                     help=f"output folder (default: {DEFAULT_OUT}, or {DEFAULT_OUT}-quick)")
    cal.add_argument("--fresh", action="store_true",
                     help="discard a stored calibration in DIR and start over")
    cal.add_argument("--seed", type=int, default=1, help="calibration seed (default 1)")
    cal.add_argument("--quiet", action="store_true", help="no per-generation progress lines")
    return cal


def run(args) -> int:
    """Run the calibration the arguments ask for; errors and Ctrl-C end in one message."""
    from .pipeline import DB_NAME, calibrate
    from .settings import FULL, QUICK, CalibrationError

    out = Path(args.out) if args.out else Path(f"{DEFAULT_OUT}-quick" if args.quick
                                              else DEFAULT_OUT)
    workers = (os.cpu_count() or 1) if args.workers is None else args.workers
    try:
        settings = (QUICK if args.quick else FULL).with_seed(args.seed)
        cal = calibrate(settings, out, workers=workers, scheduler=args.scheduler,
                        fresh=args.fresh, quiet=args.quiet,
                        log=lambda msg: print(msg, file=sys.stderr))
    except CalibrationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: the finished generations are stored in {out / DB_NAME}; run the "
              "same command again to resume (or add --fresh to start over)", file=sys.stderr)
        return 130
    print(f"calibration: {cal.status.get('generations')} generations, "
          f"{cal.status.get('simulations')} simulations; summary in {out / 'summary.md'}")
    return 0
