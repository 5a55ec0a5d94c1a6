"""The validation report: every pattern and published case the project reproduces, checked.

Two steps keep the report honest. ``compute_checks`` runs the checks (the model's contact
patterns at the defaults, the analysis layer on each published data set) and stores them in
``results/validation/checks.csv``; ``render`` writes ``README.md`` from that stored table
only. A test recomputes the table and compares it with the stored one, so the report cannot
describe a model or a data set other than the committed ones.
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from model.analysis.contact_patterns import PATTERN_STEPS

from .store import atomic_write_bytes

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data"
"""The published data sets, each with a README saying where it comes from."""

PATTERN_SEEDS = 20
"""The contact patterns' seeds, as in ``python -m model patterns --seeds 20`` (at its run
length, ``model.analysis.contact_patterns.PATTERN_STEPS``)."""

TITLE = "# Validation: what the project reproduces"


@dataclass(frozen=True)
class Check:
    """One reproduced number: where it comes from, what it should be, what the project gives."""

    area: str
    case: str
    statistic: str
    source: str
    data: str
    target: str
    value: str
    passed: bool


def _number(x: float) -> str:
    """A value as the report prints it: exact for integers, 4 significant digits otherwise."""
    if isinstance(x, (int, np.integer)) or float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}"


def contact_pattern_checks(seeds: int = PATTERN_SEEDS, steps: int = PATTERN_STEPS) -> list[Check]:
    """The contact patterns P1-P4 at the model's defaults (mean over seeds, 95% interval)."""
    from model.analysis.contact_patterns import evaluate
    from model.run import contact_records

    checks = []
    for r in evaluate(contact_records({}, seeds=range(seeds), steps=steps)):
        t = r.target
        target = (f"[{_number(t.low)}, {_number(t.high)}]" if math.isfinite(t.low)
                  and math.isfinite(t.high) else f"> {_number(t.low)}" if math.isfinite(t.low)
                  else f"< {_number(t.high)}")
        checks.append(Check(
            "contact patterns", t.name, t.statistic, f"{t.source} {t.where}",
            f"model defaults, {seeds} seeds x {steps} steps",
            target, f"{r.mean:.3f} [{r.low:.3f}, {r.high:.3f}]", r.holds))
    return checks


def faultline_checks() -> list[Check]:
    """asw.cluster's documented example: ASW and Fau of two teams, value and subgroups."""
    from model.analysis import faultlines as F

    case = CASES / "faultlines_asw_cluster"
    types = {"age": "numeric", "gender": "nominal", "ethnicity": "nominal"}
    weights = {"age": 0.1, "gender": 1, "ethnicity": 1}
    members = pd.read_csv(case / "teams.csv")
    checks = []
    for row in pd.read_csv(case / "expected.csv").itertuples():
        team = members[members["teamid"] == row.teamid].drop(columns="teamid").reset_index(drop=True)
        measure = {"asw": F.average_silhouette_width, "thatcher": F.thatcher_fau}[row.method]
        result = measure(team, types=types, weights=weights)
        labels = [int(v) - 1 for v in row.mbr_to_subgroups.split(",")]
        same_split = np.array_equal(result.labels, labels)
        checks.append(Check(
            "faultlines", f"team {row.teamid}", f"{row.method} (and its subgroups)",
            "Meyer & Glenz, R package asw.cluster 2.10.3, man/faultlines.Rd, examples",
            "tests/data/faultlines_asw_cluster", f"{row.fl_value:.7f}",
            f"{result.value:.7f}" + ("" if same_split else " (other subgroups)"),
            bool(round(result.value, 7) == round(row.fl_value, 7) and same_split)))
    return checks


def balance_checks() -> list[Check]:
    """The Highland tribes' frustration index (Read 1954): 7, with the published split."""
    from model.analysis.balance import frustration_index

    case = CASES / "frustration_highland_tribes"
    edges = pd.read_csv(case / "edges.csv")
    names = list(dict.fromkeys(np.ravel(edges[["tribe_a", "tribe_b"]].to_numpy())))
    index = {name: k for k, name in enumerate(names)}
    matrix = np.zeros((len(names), len(names)))
    for a, b, sign in edges[["tribe_a", "tribe_b", "sign"]].itertuples(index=False):
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = sign
    result = frustration_index(matrix)
    camp = {names[k] for k, side in enumerate(result.partitions[0])
            if side == result.partitions[0][0]} if len(result.partitions) == 1 else set()
    published = {"Gavev", "Kotun", "Nagad", "Gama"}
    return [Check(
        "signed networks", "Highland tribes (Gahuku-Gama)", "frustration index and its split",
        "Read 1954, Southwestern J. Anthropology 10(1); L(G) = 7 and the split as computed in "
        "Schoch 2023, J. Open Source Software 8(81):4987 (signnet), after Aref & Wilson 2019",
        "tests/data/frustration_highland_tribes", "7, {Gavev, Kotun, Nagad, Gama} apart",
        f"{result.index}, " + ("the same split" if camp in (published, set(names) - published)
                               else f"{len(result.partitions)} split(s)"),
        bool(result.index == 7 and camp in (published, set(names) - published)))]


def landscape_checks() -> list[Check]:
    """Furnas's Syria case: the landscape's exact minimum against the repository's optimum."""
    from model.analysis.landscape import exact_minima
    from model.analysis.landscape_files import read_propensity_csv, read_sizes_csv

    case = CASES / "landscape_furnas_syria"
    names, propensity = read_propensity_csv(case / "propensity.csv")
    checks = []
    for sizes_file, side_b, energy in (("sizes.csv", {"Tur", "ISIS", "Nursa"}, -83200.0),
                                       ("sizes_weak_syria.csv", {"ISIS", "Nursa"}, -65600.0)):
        result = exact_minima(propensity, read_sizes_csv(case / sizes_file, names))
        stated = [1 if name in side_b else 0 for name in names]
        found = result.partitions.tolist()
        checks.append(Check(
            "landscape theory", f"Syria and ISIS, {sizes_file}", "minimum energy and alignment",
            "Furnas & Axelrod, github.com/alexanderfurnas/Landscape_Theory (informal data, "
            "an independent implementation's optimum)",
            "tests/data/landscape_furnas_syria",
            f"{_number(energy)}, {{{', '.join(sorted(side_b))}}} apart",
            f"{_number(result.energy)}, " + ("the same alignment" if found == [stated]
                                             else f"{len(found)} other alignment(s)"),
            bool(found == [stated] and math.isclose(result.energy, energy))))
    return checks


def survival_checks() -> list[Check]:
    """Freireich's remission times: Kaplan-Meier medians (textbook) and Weibull and
    log-logistic fits (lifelines, an independent implementation)."""
    from model.analysis.parametric_survival import fit_loglogistic, fit_weibull
    from model.analysis.survival import median_lifetime

    case = CASES / "survival_freireich"
    data = pd.read_csv(case / "remission.csv")
    reference = pd.read_csv(case / "lifelines_reference.csv").set_index(["arm", "model"])
    source = "Freireich et al. 1963, Blood 21(6); tabulated in Cox & Oakes 1984 p. 7"
    checks = []
    for arm, median in (("6-MP", 23.0), ("placebo", 8.0)):
        rows = data[data["arm"] == arm]
        found = median_lifetime(rows["weeks"], event=rows["relapsed"])[0]
        checks.append(Check(
            "survival", f"{arm} arm", "Kaplan-Meier median remission (weeks)",
            source + "; median as in Kleinbaum & Klein, Survival Analysis, ch. 2",
            "tests/data/survival_freireich", _number(median), _number(found), found == median))
        for model, fit in (("weibull", fit_weibull), ("log-logistic", fit_loglogistic)):
            result = fit(rows["weeks"], event=rows["relapsed"])
            theirs = reference.loc[(arm, model)]
            checks.append(Check(
                "survival", f"{arm} arm", f"{model} scale and shape",
                source + f"; lifelines {theirs['lifelines_version']} fit as the reference",
                "tests/data/survival_freireich",
                f"{theirs['scale']:.4f}, {theirs['shape']:.4f}",
                f"{result.scale:.4f}, {result.shape:.4f}",
                bool(math.isclose(result.scale, theirs["scale"], rel_tol=1e-4)
                     and math.isclose(result.shape, theirs["shape"], rel_tol=1e-4))))
    return checks


def compute_checks(seeds: int = PATTERN_SEEDS, steps: int = PATTERN_STEPS) -> list[Check]:
    """Every check, in the report's order."""
    return (contact_pattern_checks(seeds, steps) + faultline_checks() + balance_checks()
            + landscape_checks() + survival_checks())


def write_checks(checks: list[Check], path: Path) -> Path:
    """Store the checks as CSV (one row each), whole or not at all (experiments.store)."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(Check)])
            writer.writeheader()
            writer.writerows(asdict(c) for c in checks)

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, write)
    return path


def read_checks(path: Path) -> list[Check]:
    """The stored checks; a missing or malformed table is one error naming file and row."""
    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as err:
        raise ValueError(f"{path}: cannot read the stored checks ({err.strerror}); run "
                         "`python -m experiments validate` to compute them") from None
    names = [f.name for f in fields(Check)]
    checks = []
    for k, row in enumerate(rows, start=2):
        if set(row) != set(names) or row["passed"] not in ("True", "False"):
            raise ValueError(f"{path}: line {k} is not a stored check (expected columns "
                             f"{', '.join(names)}, passed True or False)")
        checks.append(Check(**{**row, "passed": row["passed"] == "True"}))
    if not checks:
        raise ValueError(f"{path}: no checks stored")
    return checks


def render(checks: list[Check]) -> str:
    """The report (Markdown) from stored checks only."""
    passed = sum(c.passed for c in checks)
    lines = [TITLE, "",
             "Generated by `python -m experiments validate` from `checks.csv` in this folder "
             "(`--report-only` rewrites this file from the stored table alone); "
             "`tests/test_validation.py` recomputes the table and fails if it is out of date.",
             "", f"**{passed} of {len(checks)} checks pass.** A contact pattern passes when its "
             "mean over seeds lies in the target range; the interval beside it (95%, over "
             "seeds) says how surely. A published case passes when the project's public "
             "functions give the published number (to the digits shown) on the published data.",
             ""]
    for area in dict.fromkeys(c.area for c in checks):
        lines += [f"## {area[0].upper()}{area[1:]}", "",
                  "| case | statistic | target | project | result | data |",
                  "|---|---|---|---|---|---|"]
        for c in (c for c in checks if c.area == area):
            lines.append(f"| {c.case} | {c.statistic} | {c.target} | {c.value} | "
                         f"{'pass' if c.passed else '**FAIL**'} | {_where(c.data)} |")
        lines += ["", "Sources:", ""]
        for source in dict.fromkeys(c.source for c in checks if c.area == area):
            lines.append(f"- {source}")
        lines.append("")
    return "\n".join(lines)


def _where(data: str) -> str:
    return f"[`{data}`](../../{data})" if data.startswith("tests/") else data


def validate(results: Path | str = "results", report_only: bool = False,
             seeds: int = PATTERN_SEEDS, steps: int = PATTERN_STEPS) -> tuple[Path, list[Check]]:
    """Compute and store the checks (unless ``report_only``), then write the README from the
    stored table; returns the README's path and the checks."""
    folder = Path(results) / "validation"
    table = folder / "checks.csv"
    if not report_only:
        write_checks(compute_checks(seeds, steps), table)
    checks = read_checks(table)
    readme = folder / "README.md"
    readme.write_text(render(checks))
    return readme, checks
