"""Command line: ``python -m model run|quickstart|patterns|params|odd-table``.

Options come from the parameter schema, so ``--help`` lists every parameter with its
meaning and allowed range.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

import numpy as np

from model.analysis.contact_patterns import PATTERN_STEPS
from model.core.parameters import SCHEMA, ParameterError, check_seed, odd_table, parse_assignment
from model.core.resources import ResourceError, check_runs, check_steps
from model.core.scenario import ScenarioError

QUICKSTART = {"n_groups": 60}
"""The default scenario of `make run`: default parameters with 60 groups."""
QUICKSTART_STEPS = 400
QUICKSTART_SEED = 7


def _parameter_help() -> str:
    lines = ["parameters (set with --set NAME=VALUE, repeatable):"]
    section = None
    for p in SCHEMA:
        if p.section != section:
            section = p.section
            lines.append(f"\n  [{section}]")
        default = str(p.default).lower() if p.kind is bool else p.default
        lines.append(f"  {p.name} = {default}   ({p.allowed()})")
        lines.extend(textwrap.wrap(p.meaning, 84, initial_indent="      ", subsequent_indent="      "))
    return "\n".join(lines)


def program_name() -> str:
    """The command as the user typed it, for usage lines: the installed ``alliance-model`` or
    ``python -m model``."""
    return "alliance-model" if Path(sys.argv[0]).name == "alliance-model" else "python -m model"


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser, its help built from the parameter schema so it cannot drift."""
    parser = argparse.ArgumentParser(
        prog=program_name(),
        description="Agent-based model of alliance formation between people's groups.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_parameter_help(),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("run", "run the model and write its outputs"),
                           ("quickstart", "run the default scenario (what `make run` does)")):
        p = sub.add_parser(name, help=helptext, formatter_class=argparse.RawDescriptionHelpFormatter,
                           epilog=_parameter_help())
        p.add_argument("--steps", type=int, default=QUICKSTART_STEPS if name == "quickstart" else 500,
                       help="number of steps (default %(default)s)")
        p.add_argument("--seed", type=int, default=QUICKSTART_SEED if name == "quickstart" else 0,
                       help="random seed (default %(default)s)")
        p.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                       help="set a parameter; repeat for several")
        p.add_argument("--scenario", default=None,
                       help="a scenario TOML file, or the name of a shipped one (e.g. river_valley)")
        p.add_argument("--out", default="results/run" if name == "run" else "results/quickstart",
                       help="output folder (default %(default)s)")
        p.add_argument("--format", choices=("csv", "parquet", "both"), default="both",
                       help="metrics table format (default %(default)s)")
        p.add_argument("--graphml", default=None, metavar="PATH",
                       help="also write the final alliance network as GraphML (Gephi, networkx)")
    pat = sub.add_parser("patterns", help="check the contact patterns (P1-P4) of contact research "
                         "against the model's output, over seeds", epilog=_parameter_help(),
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    pat.add_argument("--seeds", type=int, default=20, help="runs, seeds 0..N-1 (default %(default)s)")
    pat.add_argument("--steps", type=int, default=PATTERN_STEPS,
                     help="steps per run (default %(default)s)")
    pat.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                     help="set a parameter; repeat for several")
    pat.add_argument("--scenario", default=None, help="a scenario TOML file or a shipped name")
    sub.add_parser("params", help="list every parameter with its default, range and meaning")
    sub.add_parser("compile", help="compile the model's kernels now (else the first run does, once)")
    odd = sub.add_parser("odd-table", help="print the ODD parameter table, or --write it into docs/ODD.md")
    odd.add_argument("--write", metavar="ODD_MD", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status: a refused parameter or scenario exits with 2."""
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("run", "quickstart"):
            return _run(args)
        if args.command == "patterns":
            return _patterns(args)
        if args.command == "compile":
            from model.numerics.jit import cache_dir
            from .run import compile_kernels

            seconds = compile_kernels()
            print(f"model kernels ready ({seconds:.1f} s), cached in {cache_dir()}")
            return 0
        if args.command == "params":
            print(_parameter_help())
            return 0
        if args.command == "odd-table":
            from .odd import write_parameter_table

            if args.write:
                try:
                    write_parameter_table(Path(args.write))
                except ValueError as err:  # no table markers, or not UTF-8 text
                    raise ParameterError(f"--write = {args.write!r}: {err}") from None
                print(f"parameter table written into {args.write}")
            else:
                print(odd_table())
            return 0
    except (ParameterError, ScenarioError, ResourceError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a path given on the command line that cannot be read or written
        print(f"error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 2
    return 1


def _run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")  # files only; no window is opened
    from .plots import network_figure, timeseries_figure
    from model.core.model import AllianceModel
    from model.core.network_export import ExportError, write_graphml
    from model.analysis.persistence import stability_summary
    from .run import contracts_table, metrics_table, outcomes_of

    if args.steps < 1:
        raise ParameterError(f"--steps = {args.steps} is not allowed: expected a positive integer")
    check_steps(args.steps, "--steps")
    check_seed(args.seed, "--seed")
    params = dict(QUICKSTART) if args.command == "quickstart" and args.scenario is None else {}
    params.update(parse_assignment(a) for a in args.assignments)
    graphml = Path(args.graphml) if args.graphml else None
    if graphml is not None and not graphml.parent.is_dir():
        raise ParameterError(f"--graphml = {args.graphml!r} cannot be written: folder "
                             f"{str(graphml.parent)!r} does not exist")
    model = AllianceModel(seed=args.seed, scenario=args.scenario, **params)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ParameterError(f"--out = {str(out)!r} cannot be created: {err.strerror}") from None
    model.run(args.steps)
    table = metrics_table(model)
    title = (f"{model.params.n_groups} groups, seed {args.seed}"
             + (f", scenario {args.scenario}" if args.scenario else ""))
    result = outcomes_of(model)
    summary = {"seed": args.seed, "steps": args.steps, "scenario": args.scenario,
               "parameters": dict(vars(model.params)), "outcomes": result,
               "stability": {k: _finite_or_none(v) for k, v in stability_summary(model).items()}}
    outputs = {
        "metrics.csv": lambda path: table.to_csv(path),
        "metrics.parquet": lambda path: table.to_parquet(path),
        "contracts.csv": lambda path: contracts_table(model).to_csv(path, index=False),
        "timeseries.png": lambda path: timeseries_figure(table, title).savefig(path, dpi=130, format="png"),
        "network.png": lambda path: network_figure(
            model, f"Alliances and contracts after {args.steps} steps ({title})").savefig(
                path, dpi=130, format="png"),
        "summary.json": lambda path: path.write_text(json.dumps(summary, indent=2, default=str)),
    }
    skip = {"csv": {"metrics.parquet"}, "parquet": {"metrics.csv"}, "both": set()}[args.format]
    written = [_write_atomically(out / name, write) for name, write in outputs.items()
               if name not in skip]
    if graphml is not None:
        try:
            written.append(_write_atomically(graphml, lambda path: write_graphml(model, path)))
        except ExportError as err:
            raise ParameterError(f"--graphml: {err}") from None
    m = model.metrics
    print(f"Ran {args.steps} steps with {model.params.n_groups} groups (seed {args.seed}).")
    print(f"  alliances now:             {m['n_alliances']} "
          f"(largest holds {m['largest_alliance_share']:.0%} of the population)")
    print(f"  stable alliance formed:    {'yes' if result['stable_alliance_formed'] else 'no'} "
          f"(largest: {result['largest_stable_alliance_groups']} groups)")
    print(f"  contracts signed:          {result['contracts_signed']} "
          f"({result['renewal_share']:.0%} renewed at least once)")
    print(f"  hostility:                 {m['hostility']:.2f} (share of pairs in contact)")
    print(f"  mean openness:             {m['mean_openness']:.2f}")
    print(f"  commons level:             {m['commons']:.2f}")
    print("Outputs:")
    for path in written:
        print(f"  {path}")
    return 0


def _patterns(args) -> int:
    from model.analysis.contact_patterns import evaluate
    from .run import contact_records

    for flag, value in (("--seeds", args.seeds), ("--steps", args.steps)):
        if value < 1:
            raise ParameterError(f"{flag} = {value} is not allowed: expected a positive integer")
    check_steps(args.steps, "--steps")
    check_runs(args.seeds, "--seeds")
    params = dict(parse_assignment(a) for a in args.assignments)
    results = evaluate(contact_records(params, seeds=range(args.seeds), steps=args.steps,
                                       scenario=args.scenario))
    print(f"Contact patterns over {args.seeds} seeds x {args.steps} steps "
          f"(mean and 95% interval over seeds; targets and sources: "
          f"model/analysis/targets.toml)")
    print(f"  {'pattern':26s} {'statistic':34s} {'target':>15s} {'mean':>8s} {'95% interval':>19s}")
    for r in results:
        t = r.target
        target = f"[{t.low:g}, {t.high:g}]".replace("-inf", "-\u221e").replace("inf", "\u221e")
        print(f"  {t.name:26s} {t.statistic:34s} {target:>15s} {r.mean:8.3f} "
              f"[{r.low:7.3f}, {r.high:7.3f}]  {'holds' if r.holds else 'FAILS'}")
    print(f"{sum(r.holds for r in results)} of {len(results)} hold.")
    return 0


def _write_atomically(path: Path, write) -> Path:
    """Write through a temporary file in the same folder, then rename: a file is either
    whole or absent, never half-written (an interrupted run leaves no truncated output)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _finite_or_none(value):
    """JSON has no inf or NaN: report them as null (e.g. a median lifetime not reached)."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value.item() if isinstance(value, np.generic) else value
