"""``python -m experiments list | plan NAME | run NAME | report NAME | calibrate``.

    python -m experiments list
    python -m experiments plan NAME [--quick] [--results DIR] [--replace]
    python -m experiments run NAME [--quick] [--workers N] [--scheduler tcp://HOST:PORT]
                                   [--connect-timeout SECONDS] [--resume | --fresh] [--quiet]
                                   [--results DIR] [--batch-size N] [--no-plan]
    python -m experiments report NAME [--quick] [--results DIR]
    python -m experiments reproduce [--quick] [--workers N] [--results DIR]
    python -m experiments readme [--quick] [--results DIR]
    python -m experiments spec-reference [--write experiments/README.md]
    python -m experiments calibrate [--quick] [--workers N | --scheduler tcp://HOST:PORT]
                                    [--out DIR] [--fresh] [--seed N] [--quiet]

NAME is an experiment listed by ``list`` or the path to a ``.py`` / ``.toml`` spec file.
Results go to DIR/NAME (DIR/NAME-quick for --quick); DIR defaults to ./results.

A full run of an experiment with a hypothesis needs its plan, DIR/NAME/plan.md, written by
``plan`` and committed before the sweep (experiments.plan); ``--no-plan`` runs without one,
marked as exploration. Quick runs and sweeps without a hypothesis need no plan. ``reproduce``
needs the committed plans of every full run and writes none: a plan written right before its
run is not a plan.

Exit status: 0 when every run succeeded, 1 when a sweep ended with failed or missing runs, 2
for input that cannot run (a spec, a parameter, a scenario, a limit, the results folder, the
scheduler): one line ``error: ...`` naming the field, the value and what is allowed.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from model.core.parameters import ParameterError
from model.core.resources import ResourceError
from model.core.scenario import ScenarioError

from .plan import PlanError
from .spec import SpecError
from .spec_reference import MarkersMissing
from .store import StoreError

USER_ERRORS = (SpecError, ParameterError, ScenarioError, ResourceError, StoreError,
               MarkersMissing, PlanError)
"""The project's named errors: input a user can fix, reported in one line with exit 2."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1 (workers, batch size)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: expected an integer >= 1")
    return value


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler address of the form SCHEME://HOST:PORT, checked
    before anything is loaded."""
    from .runner import SchedulerError, parse_scheduler

    try:
        parse_scheduler(text)
    except SchedulerError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("--scheduler = ")) from None
    return text


def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds > 0 (the scheduler's connect timeout)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: expected a positive number "
                                         "of seconds")
    return value


def program_name() -> str:
    """The command as the user typed it, for usage lines: the installed
    ``alliance-experiments`` or ``python -m experiments``."""
    installed = Path(sys.argv[0]).name == "alliance-experiments"
    return "alliance-experiments" if installed else "python -m experiments"


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m experiments``: list, plan, run, report, reproduce, readme,
    validate, spec-reference and calibrate."""
    parser = argparse.ArgumentParser(prog=program_name(),
                                     description="Declared parameter sweeps of the alliance model.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the declared experiments, their designs and run counts")

    plan = sub.add_parser("plan", help="write results/NAME/plan.md: hypothesis, outcome, "
                          "test, decision rule and design, to commit before the sweep")
    plan.add_argument("name", help="experiment name, or path to a .py spec file")
    plan.add_argument("--quick", action="store_true", help="the plan of the small variant")
    plan.add_argument("--results", default="results", metavar="DIR",
                      help="results directory (default: ./results)")
    plan.add_argument("--replace", action="store_true",
                      help="rewrite an existing plan that differs from the module's")

    run = sub.add_parser("run", help="run (or complete) a sweep")
    run.add_argument("name", help="experiment name, or path to a .py/.toml spec file")
    run.add_argument("--quick", action="store_true", help="the spec's small variant")
    run.add_argument("--workers", type=positive_int, default=None,
                     help=f"local worker processes (default: all cores, {os.cpu_count()})")
    run.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_address,
                     help="run on an existing Dask distributed scheduler, e.g. tcp://host:8786")
    run.add_argument("--connect-timeout", type=positive_seconds, default=10.0, metavar="SECONDS",
                     help="how long to wait for the scheduler (default 10)")
    again = run.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="keep stored runs and run only the missing ones")
    again.add_argument("--fresh", action="store_true",
                       help="discard stored results of this experiment and start over")
    run.add_argument("--quiet", action="store_true",
                     help="no progress bar (notes on recovered results are still shown)")
    run.add_argument("--results", default="results", metavar="DIR",
                     help="results directory (default: ./results)")
    run.add_argument("--batch-size", type=positive_int, default=10,
                     help="completed runs written per atomic batch (default 10)")
    run.add_argument("--no-plan", action="store_true",
                     help="run a full sweep without its plan, marked as exploration in the "
                     "manifest, the summary and the report")

    report = sub.add_parser("report", help="summary (markdown) and figure from stored results")
    report.add_argument("name")
    report.add_argument("--quick", action="store_true")
    report.add_argument("--results", default="results", metavar="DIR")

    again = sub.add_parser("reproduce", help="rerun every experiment with its own analysis "
                           "(fresh), rebuild its summary and figure, then results/README.md")
    again.add_argument("--quick", action="store_true", help="the small variants (for tests)")
    again.add_argument("--workers", type=positive_int, default=None)
    again.add_argument("--results", default="results", metavar="DIR")
    again.add_argument("--only", nargs="+", metavar="NAME", help="only these experiments")

    readme = sub.add_parser("readme", help="results/README.md from the stored summaries")
    readme.add_argument("--quick", action="store_true")
    readme.add_argument("--results", default="results", metavar="DIR")

    check = sub.add_parser("validate", help="every pattern and published case the project "
                           "reproduces, stored in results/validation/ with its README")
    check.add_argument("--report-only", action="store_true",
                       help="rewrite the README from the stored checks, computing nothing")
    check.add_argument("--results", default="results", metavar="DIR")

    fields = sub.add_parser("spec-reference", help="the spec fields and outcome names, generated "
                            "from the code; --write puts them into experiments/README.md")
    fields.add_argument("--write", metavar="FILE", help="rewrite the section between its markers")

    from .calibration.cli import add_parser as add_calibrate

    add_calibrate(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status (see the module docstring): a named error
    (USER_ERRORS) or an OSError about a path or the scheduler prints one line and exits 2."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        if args.command == "readme":
            from .readme import build_readme

            print(f"written {build_readme(args.results, args.quick)}")
            return 0
        if args.command == "reproduce":
            return _reproduce(args)
        if args.command == "spec-reference":
            return _spec_reference(args.write)
        if args.command == "validate":
            return _validate(args)
        if args.command == "calibrate":
            from .calibration.cli import run as calibrate

            return calibrate(args)
        from .catalog import resolve

        spec = resolve(args.name).variant(args.quick)
        if args.command == "plan":
            return _plan(spec, args)
        if args.command == "run":
            return _run(spec, args)
        from .analysis import build_summary, has_analysis
        from .catalog import module_for
        from .report import build_report

        module = module_for(spec)
        if has_analysis(module):
            path = build_summary(spec, module, args.results)
        else:
            path = build_report(spec, args.results)
        print(path.read_text())
        print(f"report written to {path}")
        return 0
    except USER_ERRORS as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a path given by the user, a full disk, an unreachable scheduler
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: completed runs are stored; finish with `run NAME --resume`",
              file=sys.stderr)
        return 130


def _validate(args) -> int:
    from .validation import validate

    try:
        readme, checks = validate(args.results, report_only=args.report_only)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    failed = [c for c in checks if not c.passed]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks pass; report: {readme}")
    for c in failed:
        print(f"  FAIL {c.area}: {c.case}, {c.statistic}: target {c.target}, project {c.value}")
    return 1 if failed else 0


def _list() -> int:
    from .catalog import discover, unavailable
    from .design import planned_runs

    specs, broken = discover(), unavailable()
    if not specs and not broken:
        print("no experiments declared")
    for name, spec in specs.items():
        full, quick = planned_runs(spec), planned_runs(spec.quick_variant())
        print(f"{name:28s} {spec.design:7s} {full:7d} runs ({quick} quick)  {spec.description}")
    for name, err in broken.items():
        print(f"{name:28s} unavailable here: {err}")
    return 0


def _spec_reference(path: str | None) -> int:
    from .spec_reference import spec_reference, write_reference

    if path is None:
        print(spec_reference(), end="")
    else:
        print(f"written {write_reference(path)}")
    return 0


def _plan(spec, args) -> int:
    from .catalog import module_for
    from .plan import write_plan

    path, changed = write_plan(spec, module_for(spec), args.results, replace=args.replace)
    print(f"{'written' if changed else 'unchanged'} {path}; commit it before the sweep runs")
    return 0


def _plan_of(spec, results_dir, no_plan: bool = False) -> dict:
    """The manifest's record of the plan a run follows (PlanError when a needed one is
    missing), with a note when the spec no longer matches it."""
    from .catalog import module_for
    from .plan import plan_record

    record = plan_record(spec, module_for(spec), results_dir, no_plan=no_plan)
    if record["status"] == "planned" and record["spec_hash"] != spec.hash():
        print(f"note: {spec.results_name}: the spec differs from its plan (hash "
              f"{record['spec_hash']} planned, {spec.hash()} now); the summary will list the "
              "deviations", file=sys.stderr)
    return {"plan": record}


def _run(spec, args) -> int:
    from .runner import run_sweep

    def log(msg: str) -> None:  # notes on recovered results: shown even with --quiet
        print(msg, file=sys.stderr)

    extra = _plan_of(spec, args.results, no_plan=args.no_plan)
    result = run_sweep(spec, args.results, workers=args.workers, scheduler=args.scheduler,
                       resume=args.resume, fresh=args.fresh, quiet=args.quiet,
                       batch_size=args.batch_size, connect_timeout=args.connect_timeout, log=log,
                       manifest_extra=extra)
    m = result.manifest
    print(f"{spec.results_name}: {m['completed_runs']}/{m['planned_runs']} runs stored "
          f"({result.executed} run now in {result.elapsed:.1f} s, {m['failed_runs']} failed), "
          f"status {m['status']}; results in {result.directory}")
    problem = sweep_problem(m, result.directory)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


def sweep_problem(manifest: dict, directory) -> str | None:
    """What went wrong in a finished sweep (failed or missing runs), None if nothing did."""
    failed, planned = manifest["failed_runs"], manifest["planned_runs"]
    if failed:
        return (f"{failed} of {planned} runs failed; their errors are in the 'error' column of "
                f"{directory}/runs.parquet (`python -m experiments report` lists them)")
    if manifest["status"] != "complete":
        missing = planned - manifest["completed_runs"]
        return f"{missing} of {planned} runs are missing; finish with `run NAME --resume`"
    return None


def _reproduce(args) -> int:
    """Every experiment with its own analysis: fresh runs, summary, figure; then the README
    and, for a whole full-scale reproduction, the validation report."""
    import time

    from .analysis import build_summary
    from .plan import missing_plans
    from .readme import build_readme, experiments_with_analysis
    from .runner import run_sweep

    chosen = experiments_with_analysis()
    if args.only:
        known = {spec.name for spec, _ in chosen}
        unknown = sorted(set(args.only) - known)
        if unknown:
            raise SpecError(f"unknown experiment(s) {', '.join(unknown)}; known: "
                            + ", ".join(sorted(known)))
        chosen = [(spec, m) for spec, m in chosen if spec.name in args.only]
    chosen = [(spec.variant(args.quick), m) for spec, m in chosen]
    missing = missing_plans([spec for spec, _ in chosen], args.results)
    if missing:
        raise PlanError("reproduce runs only what was planned: no plan at "
                        + ", ".join(map(str, missing)) + "; write and commit them with python "
                        "-m experiments plan NAME (reproduce --quick needs none)")
    status = 0
    for spec, module in chosen:
        start = time.perf_counter()
        result = run_sweep(spec, args.results, workers=args.workers, fresh=True, quiet=True,
                           log=lambda msg: print(msg, file=sys.stderr),
                           manifest_extra=_plan_of(spec, args.results))
        problem = sweep_problem(result.manifest, result.directory)
        if problem:
            print(f"{spec.results_name}: {problem}; summary not rebuilt", file=sys.stderr)
            status = 1
            continue
        path = build_summary(spec, module, args.results)
        print(f"{spec.results_name}: {len(result.runs)} runs in "
              f"{time.perf_counter() - start:.0f} s; summary in {path}")
    print(f"written {build_readme(args.results, args.quick)}")
    if not args.quick and not args.only:
        from .validation import validate

        readme, checks = validate(args.results)
        print(f"written {readme}: {sum(c.passed for c in checks)} of {len(checks)} checks pass")
    return status
