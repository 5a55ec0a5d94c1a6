"""The analysis layer on files from anywhere: ``python -m model.analysis COMMAND FILE.csv``.

Three commands, each with ``--help``: ``faultlines`` (ASW and Fau of a table of members with
declared column types), ``survival`` (Kaplan-Meier median and Weibull and log-logistic fits of
lifetimes with censoring: does the hazard rise or fall with age?) and ``landscape`` (the
landscape theory of aggregation on a named propensity matrix; the same as
``python -m model.landscape``). Like that command this module is an edge: it reads files,
calls the layer's functions and prints; bad input ends with one ``error:`` line naming the
file, line and column, and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from model.analysis.input_errors import InputError

PROG = "python -m model.analysis"


def _names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _weights(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--weight {item!r}: expected COLUMN=NUMBER, e.g. --weight age=0.1")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--weight {item!r}: {value!r} is not a number") from None
    return out


def _faultlines(args) -> str:
    from model.analysis.faultlines import average_silhouette_width, thatcher_fau
    from model.analysis.table_files import numbers, read_table_csv, require_columns, texts

    numeric, nominal = _names(args.numeric), _names(args.nominal)
    if not numeric and not nominal:
        raise InputError("declare the attributes: --numeric COL[,COL...] and/or "
                         "--nominal COL[,COL...] (no column type is guessed)")
    both = sorted(set(numeric) & set(nominal))
    if both:
        raise InputError(f"column {both[0]!r} is declared both --numeric and --nominal")
    frame = read_table_csv(args.file)
    extra = [c for c in (args.id, args.group) if c]
    require_columns(frame, numeric + nominal + extra)
    import pandas as pd

    table = pd.DataFrame({**{c: numbers(frame, c) for c in numeric},
                          **{c: texts(frame, c) for c in nominal}})[numeric + nominal]
    types = {**{c: "numeric" for c in numeric}, **{c: "nominal" for c in nominal}}
    weights = _weights(args.weight)
    unknown = [c for c in weights if c not in types]
    if unknown:
        raise InputError(f"--weight names {unknown[0]!r}, which is not a declared attribute")
    scale = None if args.scale == "none" else args.scale
    ids = texts(frame, args.id) if args.id else np.array([str(r + 1) for r in range(len(frame))])
    groups = texts(frame, args.group) if args.group else np.full(len(frame), "all")
    lines = [f"Faultlines of {args.file}: {len(frame)} members"
             + (f" in groups by {args.group!r}" if args.group else "") + "; attributes "
             + ", ".join(f"{c} ({types[c]}, weight {weights.get(c, 1):g})" for c in types)
             + f"; numeric scaling: {args.scale}"]
    for name in dict.fromkeys(groups):
        rows = np.flatnonzero(groups == name)
        part = table.iloc[rows].reset_index(drop=True)
        asw = average_silhouette_width(part, types=types, weights=weights or None, scale=scale,
                                       k_max=args.k_max)
        fau = thatcher_fau(part, types=types, weights=weights or None, scale=scale)
        if args.group:
            lines.append(f"{args.group} {name} ({len(rows)} members):")
        for title, result, source in (
                ("ASW", asw, "average silhouette width, Meyer and Glenz 2013"),
                ("Fau", fau, "best two-subgroup split, Thatcher, Jehn and Zanutto 2003")):
            how = "exact" if result.exact else "heuristic search (a lower bound)"
            lines.append(f"  {title} = {result.value:.4f}  ({source}; {how})")
            for g in range(result.n_subgroups):
                members = ids[rows[result.labels == g]]
                lines.append(f"    subgroup {g + 1}: {', '.join(members)}")
    return "\n".join(lines)


def _survival(args) -> str:
    from model.analysis.parametric_survival import fit_loglogistic, fit_weibull
    from model.analysis.survival import median_lifetime
    from model.analysis.table_files import numbers, read_table_csv, require_columns, texts

    if (args.event is None) == (args.censored is None):
        raise InputError("give exactly one of --event COL (1 = the end was observed) or "
                         "--censored COL (1 = still alive when observation ended)")
    flag = args.event or args.censored
    frame = read_table_csv(args.file)
    require_columns(frame, [args.duration, flag] + ([args.group] if args.group else []))
    durations = numbers(frame, args.duration)
    flags = numbers(frame, flag)
    bad = np.flatnonzero(~np.isin(flags, (0.0, 1.0)))
    if len(bad):
        raise InputError(f"{args.file}, data row {bad[0] + 1}, column {flag!r}: "
                         f"{frame[flag].iloc[bad[0]]!r} is not 0 or 1")
    observed = flags == 1.0 if args.event else flags == 0.0
    groups = texts(frame, args.group) if args.group else np.full(len(frame), "all")
    kind = "event" if args.event else "censored"
    lines = [f"Lifetimes in {args.file}: column {args.duration!r}, ends observed where "
             f"{flag!r} is {'1' if args.event else '0'} ({kind} flag); "
             f"{'by ' + repr(args.group) if args.group else 'one sample'}"]
    fits_for_figure = []
    for name in dict.fromkeys(groups):  # in order of first appearance
        rows = groups == name
        t, e = durations[rows], observed[rows]
        median, low, high = median_lifetime(t, event=e)
        lines.append(f"{name}: n = {rows.sum()}, ends observed = {int(e.sum())}; Kaplan-Meier "
                     f"median {median:.4g} (95% interval {low:.4g} to {high:.4g})")
        for fit in (fit_weibull(t, event=e), fit_loglogistic(t, event=e)):
            lines.append(f"  {fit.model}: scale {fit.scale:.4g}, shape {fit.shape:.4g} "
                         f"[{fit.shape_low:.4g}, {fit.shape_high:.4g}], AIC {fit.aic:.2f}: "
                         f"{fit.reading}")
            fits_for_figure.append((name, t, e, fit))
    if args.figure:
        written = _hazard_figures(args.figure, fits_for_figure)
        lines.append(("Figure: " if len(written) == 1 else "Figures: ")
                     + ", ".join(str(path) for path in written))
    return "\n".join(lines)


def _hazard_figures(path: Path, fits) -> list[Path]:
    """One figure per group (Kaplan-Meier beside the fits); several groups: one file each,
    named after the group (characters a file name cannot hold become ``_``). Returns the
    files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from model.plots import plot_hazard_fit

    names = list(dict.fromkeys(name for name, *_ in fits))
    targets = [path] if len(names) == 1 else _figure_paths(path, names)
    for name, target in zip(names, targets):
        mine = [(t, e, fit) for n, t, e, fit in fits if n == name]
        t, e = mine[0][0], mine[0][1]
        fig = plot_hazard_fit(t, [fit for *_, fit in mine], event=e)
        fig.savefig(target, dpi=120)
        plt.close(fig)
    return targets


def _figure_paths(path: Path, names: list[str]) -> list[Path]:
    """``path`` with ``_<group>`` before its suffix, one distinct file per group."""
    out, seen = [], set()
    for k, name in enumerate(names, start=1):
        safe = re.sub(r"[^\w\-. ]", "_", name)[:80].strip() or "group"
        stem = f"{path.stem}_{safe}" if safe not in seen else f"{path.stem}_{safe}_{k}"
        seen.add(safe)
        out.append(path.with_name(f"{stem}{path.suffix}"))
    return out


def _landscape(args, rest: list[str]) -> int:
    from model.landscape import main as landscape_main

    return landscape_main(["--propensity", str(args.file), *rest])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    f = commands.add_parser("faultlines", help="ASW and Fau of a table of members",
                            description="Faultline strength of one team or population: one row "
                                        "per member, attributes declared by type.")
    f.add_argument("file", type=Path, help="CSV with a header row; one row per member")
    f.add_argument("--numeric", help="comma-separated numeric attributes (e.g. age)")
    f.add_argument("--nominal", help="comma-separated nominal attributes (e.g. gender,ethnicity)")
    f.add_argument("--weight", action="append", default=[], metavar="COL=W",
                   help="weight of an attribute (default 1); repeat for several")
    f.add_argument("--scale", choices=("none", "sd", "range"), default="none",
                   help="divide numeric attributes by nothing (asw.cluster's default), their "
                        "standard deviation or their range")
    f.add_argument("--k-max", type=int, default=6, help="most subgroups for ASW (default 6)")
    f.add_argument("--id", help="column naming the members in the output (default: row number)")
    f.add_argument("--group", help="column splitting the rows into teams, each measured apart")
    s = commands.add_parser("survival", help="median lifetime and hazard shape",
                            description="Lifetimes with right censoring: Kaplan-Meier median and "
                                        "Weibull and log-logistic fits with the shape's 95% "
                                        "interval and a plain reading of the hazard.")
    s.add_argument("file", type=Path, help="CSV with a header row; one row per lifetime")
    s.add_argument("--duration", required=True, help="column of lifetimes (> 0)")
    s.add_argument("--event", help="column, 1 where the end was observed, 0 where censored")
    s.add_argument("--censored", help="column, 1 where still alive when observation ended")
    s.add_argument("--group", help="column splitting the lifetimes into samples (e.g. arm)")
    s.add_argument("--figure", type=Path, help="write Kaplan-Meier beside the fitted hazards here")
    la = commands.add_parser("landscape", help="landscape theory of aggregation",
                             description="Minimum-energy partitions of a named propensity matrix "
                                         "(python -m model.landscape --help lists the options).",
                             add_help=False)
    la.add_argument("file", type=Path, help="propensity CSV (header of names, then rows)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0, or 2 on bad input (one ``error:`` line on stderr)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    if argv[:1] == ["landscape"] and any(a in ("-h", "--help") for a in argv[1:]):
        from model.landscape import main as landscape_main

        return landscape_main(["--help"])
    args, rest = parser.parse_known_args(argv)
    if args.command == "landscape":
        return _landscape(args, rest)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    if getattr(args, "k_max", 2) < 2:
        parser.error(f"--k-max must be at least 2; got {args.k_max}")
    try:
        text = _faultlines(args) if args.command == "faultlines" else _survival(args)
    except (InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
