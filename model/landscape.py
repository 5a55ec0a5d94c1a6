"""Command line of the landscape analysis: ``python -m model.landscape --propensity P.csv ...``.

``model/landscape.py`` is an edge of the package: it reads the CSV files
(:mod:`model.analysis.landscape_files`), runs the landscape mathematics
(:mod:`model.analysis.landscape`: exact minima, local minima with basins, heuristic search,
Nash stability) and prints a report. Energies are printed per unordered pair (each pair
``{i, j}`` counted once, the convention of most papers) unless ``--ordered-pairs`` asks for
the analysis's own ordered-pair sums (twice as large; Axelrod & Bennett 1993, footnote 2);
the report's first line says which. Two coalitions are enumerated exactly up to 20 actors
(with basins), three or four up to :data:`model.analysis.landscape_exact.MAX_EXACT_ACTORS_BY_K`;
beyond that the search is heuristic and the report says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from model.analysis.input_errors import InputError
from model.analysis.landscape import (
    NashReport,
    canonical_labels,
    exact_minima,
    heuristic_minimum,
    local_minima_and_basins,
    nash_stability,
)
from model.analysis.landscape_exact import MAX_EXACT_ACTORS_BY_K, exact_minima_k
from model.analysis.landscape_files import read_propensity_csv, read_sizes_csv
from model.numerics.seeds import SEED_ALLOWED, is_seed


ENERGY_CONVENTION = ("Energy: summed over ordered pairs i != j, so each unordered pair counts "
                     "twice (Axelrod & Bennett 1993); halve it for the per-pair convention")
"""The first line of the report with ``--ordered-pairs``: the ordered-pair convention."""

PER_PAIR_CONVENTION = ("Energy: per unordered pair, each pair {i, j} counted once (the convention "
                       "of most papers); --ordered-pairs prints the ordered-pair sum, twice as large "
                       "(Axelrod & Bennett 1993)")
"""The first line of the default report: the per-pair convention."""

BASINS_MAX_ACTORS = 20
"""Largest system for which the two-coalition report also enumerates local minima and basins."""


def _coalition_names(count: int) -> list[str]:
    return [chr(ord("A") + index) if count <= 26 else str(index + 1) for index in range(count)]


def _describe(labels: np.ndarray, names: list[str]) -> str:
    canonical = canonical_labels(labels)
    groups = [
        "{" + ", ".join(name for name, label in zip(names, canonical) if label == coalition) + "}"
        for coalition in range(int(canonical.max()) + 1)
    ]
    return " vs ".join(groups) if len(groups) > 1 else groups[0] + " (one coalition)"


def _list_partition(labels: np.ndarray, names: list[str]) -> list[str]:
    canonical = canonical_labels(labels)
    letters = _coalition_names(int(canonical.max()) + 1)
    return [
        f"{letters[coalition]}: "
        + ", ".join(name for name, label in zip(names, canonical) if label == coalition)
        for coalition in range(len(letters))
    ]


def _describe_stability(report: NashReport, labels: np.ndarray, names: list[str]) -> list[str]:
    if report.stable:
        return ["stable: no actor lowers its own frustration by switching coalition"]
    canonical = canonical_labels(labels)
    letters = _coalition_names(max(int(canonical.max()) + 2, 2))
    lookup = {int(label): letters[int(new)] for label, new in zip(labels, canonical)}
    lines = [f"unstable: {len(report.unstable_actors)} actor(s) can lower their frustration"]
    for move in report.improving_moves:
        target = "a new coalition" if move.new_coalition else lookup[move.to_coalition]
        lines.append(
            f"  {names[move.actor]}: {lookup[move.from_coalition]} -> {target} "
            f"(frustration {move.frustration_change:+.6g})"
        )
    return lines


def _exact_two_coalitions(names, matrix, weights, top, scale) -> tuple[list[str], np.ndarray]:
    """Minimum, tied partitions, and every local minimum with its basin (k = 2, small n)."""
    minima = exact_minima(matrix, weights)
    local = local_minima_and_basins(matrix, weights)
    lines = [f"Search: exact enumeration of all {minima.n_configurations} two-coalition configurations", ""]
    count = minima.partitions.shape[0]
    lines.append(f"Minimum energy: {scale * minima.energy:.6g} ({count} partition{'s' if count != 1 else ''})")
    for rank, labels in enumerate(minima.partitions[:top], start=1):
        lines.extend(f"  {rank}. {text}" if position == 0 else f"     {text}"
                     for position, text in enumerate(_list_partition(labels, names)))
    if count > top:
        lines.append(f"  ... {count - top} more tied partitions not shown (--top {top})")
    lines.append("")
    lines.append(
        f"Local minima under single-actor switches: {len(local)} "
        f"(sorted by energy; basin = configurations whose steepest descent ends there)"
    )
    lines.append(f"  {'rank':>4}  {'energy':>12}  {'basin':>8}  {'share':>7}  partition")
    for rank, item in enumerate(local[:top], start=1):
        lines.append(
            f"  {rank:>4}  {scale * item.energy:>12.6g}  {item.basin_size:>8}  "
            f"{100 * item.basin_fraction:>6.1f}%  {_describe(item.labels, names)}"
        )
    if len(local) > top:
        lines.append(f"  ... {len(local) - top} more not shown (--top {top})")
    return lines, minima.partitions[0]


def _exact_partitions(names, matrix, weights, k, top, scale) -> tuple[list[str], np.ndarray]:
    """Minimum and tied partitions over every partition into at most k coalitions."""
    minima = exact_minima_k(matrix, weights, k, max_partitions=top)
    lines = [f"Search: exact enumeration of all {minima.n_configurations} partitions into at most "
             f"{k} coalitions (exact up to {MAX_EXACT_ACTORS_BY_K[k]} actors for k={k})", ""]
    count = minima.n_tied
    lines.append(f"Minimum energy: {scale * minima.energy:.6g} ({count} partition{'s' if count != 1 else ''})")
    for rank, labels in enumerate(minima.partitions, start=1):
        lines.extend(f"  {rank}. {text}" if position == 0 else f"     {text}"
                     for position, text in enumerate(_list_partition(labels, names)))
    if count > top:
        lines.append(f"  ... {count - top} more tied partitions not shown (--top {top})")
    return lines, minima.partitions[0]


def _heuristic(names, matrix, weights, k, seed, scale) -> tuple[list[str], np.ndarray]:
    """Best configuration of a multi-start local search, flagged as not proven optimal."""
    n = len(names)
    result = heuristic_minimum(matrix, weights, k, rng=seed)
    if k in MAX_EXACT_ACTORS_BY_K:
        reason = f"{n} actors > {MAX_EXACT_ACTORS_BY_K[k]}, the exact limit for {k} coalitions"
    else:
        reason = f"{k} coalitions > 4, the most the exact search handles"
    lines = [
        f"Search: heuristic multi-start local search ({reason}; seed {seed}); "
        f"best energy reached by {result.n_hits} of {result.n_starts} starts",
        "Note: a heuristic result is not guaranteed to be the global minimum.",
        "",
        f"Lowest energy found: {scale * result.energy:.6g}",
    ]
    lines.extend(f"  {text}" for text in _list_partition(result.labels, names))
    return lines, result.labels


def _report(names: list[str], matrix: np.ndarray, weights: np.ndarray, k: int, top: int,
            seed: int, sources: list[str], ordered_pairs: bool = False) -> str:
    """The printed report: convention, search, minima (with basins when k = 2) and Nash stability."""
    n = len(names)
    scale = 1.0 if ordered_pairs else 0.5
    lines = [ENERGY_CONVENTION if ordered_pairs else PER_PAIR_CONVENTION]
    lines += sources + [f"Actors: {n}; coalitions: at most {k}"]
    exact = k in MAX_EXACT_ACTORS_BY_K and n <= MAX_EXACT_ACTORS_BY_K[k]
    if k == 2 and n <= BASINS_MAX_ACTORS:
        body, best = _exact_two_coalitions(names, matrix, weights, top, scale)
    elif exact:
        body, best = _exact_partitions(names, matrix, weights, k, top, scale)
        body.append(f"Note: local minima with basins are enumerated only for 2 coalitions and "
                    f"n <= {BASINS_MAX_ACTORS}.")
    else:
        body, best = _heuristic(names, matrix, weights, k, seed, scale)
    lines += body
    lines.append("")
    lines.append("Nash stability of the minimum" + (" (first listed)" if exact else "") + ":")
    stability = nash_stability(best, matrix, weights, k)
    lines.extend(f"  {text}" for text in _describe_stability(stability, best, names))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m model.landscape --propensity P.csv ...``.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 2 on bad input (message on stderr, no traceback).
    """
    parser = argparse.ArgumentParser(
        prog="python -m model.landscape",
        description="Landscape theory of aggregation (Axelrod & Bennett 1993): minimum-energy "
                    "partitions, local minima with basins, and Nash stability.",
    )
    parser.add_argument("--propensity", required=True, type=Path,
                        help="CSV: header row of actor names, then one row per actor (name, values)")
    parser.add_argument("--sizes", type=Path,
                        help="CSV with header and two columns name,size (default: all sizes 1)")
    parser.add_argument("--coalitions", type=int, default=2, help="maximum number of coalitions (>= 2)")
    parser.add_argument("--top", type=int, default=10, help="how many partitions and minima to list")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the heuristic search")
    parser.add_argument("--ordered-pairs", action="store_true",
                        help="print energies summed over ordered pairs (twice the per-pair energy, "
                             "Axelrod & Bennett 1993) instead of per unordered pair")
    args = parser.parse_args(argv)
    if args.coalitions < 2:
        parser.error(f"--coalitions must be >= 2; got {args.coalitions}")
    if args.top < 1:
        parser.error(f"--top must be >= 1; got {args.top}")
    try:
        if not is_seed(args.seed):
            raise InputError(f"'--seed' = {args.seed} is not allowed: expected {SEED_ALLOWED}")
        names, matrix = read_propensity_csv(args.propensity)
        sources = [f"Propensity: {args.propensity}"]
        if args.sizes is None:
            weights = np.ones(len(names))
            sources.append("Sizes: all 1 (no --sizes given)")
        else:
            weights = read_sizes_csv(args.sizes, names)
            sources.append(f"Sizes: {args.sizes}")
        text = _report(names, matrix, weights, args.coalitions, args.top, args.seed, sources,
                       args.ordered_pairs)
    except (InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
