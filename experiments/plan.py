"""A plan before the run: what an experiment tests and how its verdict follows, fixed in writing.

``python -m experiments plan NAME`` writes ``results/NAME/plan.md`` from the experiment's module
alone: the hypothesis, the outcome and its definition, the contrast, the test, the decision rule,
the correction for multiple comparisons, the settings where the hypothesis fails ("could it have
failed?"), the design (levels, fixed values, replicates, steps, seeds) with the reason for its
sizes, and the spec's hash. Committed before the sweep, it lets a referee check that the question
was not fitted to the answer: a full run of an experiment with a hypothesis refuses to start
without it (``--no-plan`` runs anyway, marked as exploration in the manifest, the summary and the
report), and the summary lists every difference between the plan's design and the run's.

An experiment module with its own analysis (``experiments.analysis.has_analysis``) declares,
besides ``HYPOTHESIS`` and ``SIZING``:

* ``OUTCOME``: the name of the outcome the hypothesis is about (its definition is looked up, or
  given as ``OUTCOME_DEFINITION``);
* ``CONTRAST``: what is compared with what;
* ``TEST``: the effect sizes and intervals that decide;
* ``DECISION_RULE``: how the verdict follows from them, as ``analyse`` computes it;
* ``COULD_FAIL``: ``dict(settings={NAME: (values, result)}, rules=...)``, read as a
  :class:`CouldFail`: the settings of ``tests/test_open_questions.py`` where the effect vanishes
  or reverses, and what in the rules does and does not imply it (a plain dict, so that an
  experiment module needs nothing from this one);
* optionally ``CORRECTION``, else :data:`CORRECTION` (Holm).

Quick runs (``--quick``) are tiny variants for tests and trying things out, whose numbers are
not evidence; they never need a plan (the test suite runs many into temporary folders) and are
marked unplanned unless a plan of the quick variant exists. Sweeps without a hypothesis (TOML
specs, the demo) have nothing to plan and are marked unplanned too.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Mapping

from model.core.metrics import METRICS

from .spec import Spec, show
from .store import PLAN, ROOT, atomic_write_bytes

CORRECTION = ("Holm's step-down procedure (statsmodels.stats.multitest.multipletests, method "
              "'holm') over the family of headline tests that the decision rule reads, at a "
              "familywise error rate of 5%.")
"""The correction for multiple comparisons, unless a module sets ``CORRECTION``."""

PLAN_FIELDS = ("OUTCOME", "CONTRAST", "TEST", "DECISION_RULE", "COULD_FAIL")
"""The module constants a plan is written from, besides HYPOTHESIS and SIZING."""

DESIGN_FIELDS = ("design", "varied", "fixed", "replicates", "steps", "samples", "root_seed",
                 "outcomes", "scenario", "measure")
"""The spec fields a plan fixes and a run is compared with (with the hash and run count)."""

START, END = "```json plan-design", "```"
"""The fences of the machine-readable design at the end of plan.md."""

RUN_OUTCOME_DEFINITIONS = {
    "stable_alliance_formed": "1 if a stable alliance existed at any step of the run, else 0; a "
                              "stable alliance is a component of active contracts each renewed "
                              "at least `stable_alliance_min_renewals` times, with at least "
                              "`stable_alliance_min_size` groups and "
                              "`stable_alliance_min_share` of the population (docs/ODD.md 7.14)",
    "largest_stable_alliance_groups": "most groups in any stable alliance seen during the run",
    "largest_stable_alliance_share": "largest population share of any stable alliance seen "
                                     "during the run (0 if none)",
    "contracts_signed": "all contracts ever signed in the run",
    "renewal_share": "share of the signed contracts renewed at least once",
    "mean_contract_lifetime": "mean of `ended - start` over the contracts, `time - start` for "
                              "those still active (right-censored at the end of the run)",
    "alliances_formed": "alliances tracked over the run (docs/ODD.md 7.18)",
    "median_alliance_lifetime": "Kaplan-Meier median lifetime of the alliances tracked over "
                                "the run (inf when more than half outlive it; docs/ODD.md 7.18)",
    "mean_partition_ari": "mean adjusted Rand index between consecutive alliance partitions "
                          "over the last 100 steps (docs/ODD.md 7.18)",
    "faultline_strength": "average silhouette width of the groups' identities (docs/ODD.md "
                          "7.16)",
}
"""What each headline outcome of ``model.run.outcomes_of`` is (docs/ODD.md 7.15)."""

ODD = ROOT / "docs" / "ODD.md"


class PlanError(ValueError):
    """A plan that is missing, cannot be written, or cannot be read; the message names it."""


@dataclass(frozen=True)
class CouldFail:
    """Where an experiment's hypothesis fails inside the model, so the rules do not imply it.

    ``settings`` maps the name of a setting in ``tests/test_open_questions.py`` to its values,
    written as they stand there (``"n_groups=20, instigation=0.4"``; a test checks them), and
    what comes out there; ``rules`` says in a sentence or two what in the rules does and does
    not imply the effect. An experiment that no setting there tests leaves ``settings`` empty
    and says why in ``rules``.
    """

    settings: Mapping[str, tuple[str, str]]
    rules: str

    def __post_init__(self):
        if not isinstance(self.settings, Mapping):
            raise ValueError(f"CouldFail.settings = {show(self.settings)} is not allowed: "
                             "expected a mapping of setting name -> (values, result)")
        for name, entry in self.settings.items():
            if not (isinstance(name, str) and name.isidentifier() and isinstance(entry, tuple)
                    and len(entry) == 2 and all(isinstance(x, str) and x for x in entry)):
                raise ValueError(f"CouldFail.settings[{show(name)}] = {show(entry)} is not "
                                 "allowed: expected a constant name of tests/test_open_questions"
                                 ".py -> (its values, what comes out), both non-empty strings")
        if not isinstance(self.rules, str) or not self.rules.strip():
            raise ValueError(f"CouldFail.rules = {show(self.rules)} is not allowed: expected "
                             "one or two sentences on what in the rules does and does not "
                             "imply the effect")

    def markdown(self) -> list[str]:
        """The section's lines: each setting with its values and result, then the rules."""
        out = []
        if self.settings:
            out += ["Settings of `tests/test_open_questions.py` where the effect vanishes or "
                    "reverses (seeded miniatures, the same seeds in both arms):", ""]
            out += [f"- `{name}` ({values}): {result}"
                    for name, (values, result) in self.settings.items()]
            out.append("")
        return out + [self.rules, ""]


# -- what a plan says ----------------------------------------------------------------------
def plan_path(spec: Spec, results_dir: str | Path = "results") -> Path:
    """Where the plan of ``spec`` lives: beside its results (quick variants have their own)."""
    return Path(results_dir) / spec.results_name / PLAN


def check_module(spec: Spec, module: ModuleType | None) -> None:
    """Raise PlanError unless ``module`` declares everything a plan is written from."""
    from .analysis import has_analysis

    if not has_analysis(module):
        raise PlanError(f"experiment {spec.name!r} declares no hypothesis and analysis "
                        "(HYPOTHESIS, SIZING, analyse, figure in experiments/NAME.py): there "
                        "is nothing to plan; run it as an exploration")
    missing = [f for f in PLAN_FIELDS if not hasattr(module, f)]
    if missing:
        raise PlanError(f"experiment {spec.name!r}: experiments/{spec.name}.py lacks "
                        f"{', '.join(missing)}; a plan needs " + ", ".join(PLAN_FIELDS))
    could_fail(module, spec.name)
    for name in ("OUTCOME", "CONTRAST", "TEST", "DECISION_RULE"):
        value = getattr(module, name)
        if not isinstance(value, str) or not value.strip():
            raise PlanError(f"experiment {spec.name!r}: {name} = {show(value)} is not allowed: "
                            "expected a non-empty string")


def metric_definitions(path: Path = ODD) -> dict[str, str]:
    """Each metric's definition, read from the table of docs/ODD.md section 7.15 (empty when
    the document is not there, as in an installed wheel)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    section = text.split("### 7.15", 1)[-1].split("\n### ", 1)[0]
    found = {}
    for names, definition in re.findall(r"^\| ((?:`\w+`(?:, )?)+) \| (.+) \|$", section, re.M):
        for name in re.findall(r"`(\w+)`", names):
            found[name] = definition.strip()
    return found


def outcome_definition(name: str, spec: Spec, module: ModuleType | None = None) -> str:
    """What an outcome is: the module's ``OUTCOME_DEFINITION`` for its own outcome, a headline
    outcome's or a metric's definition, else the first paragraph of the measure that adds it."""
    own = getattr(module, "OUTCOME_DEFINITION", None)
    if own and name == getattr(module, "OUTCOME", None):
        return own
    if name in RUN_OUTCOME_DEFINITIONS:
        return RUN_OUTCOME_DEFINITIONS[name]
    metric = name.removeprefix("final_")
    if name.startswith("final_") and metric in METRICS:
        definition = metric_definitions().get(metric, "see docs/ODD.md 7.15")
        return f"value at the last collection of the metric `{metric}`: {definition}"
    if spec.measure:
        from .spec import load_measure

        doc = (load_measure(spec.measure).__doc__ or "").strip().split("\n\n")[0]
        if doc:
            return " ".join(doc.split()) + f" (returned by `{spec.measure}`)"
    return f"returned by the spec's measure `{spec.measure}`"


def seed_digest(seeds) -> str:
    """A short digest of the runs' seeds in run order: the spec's hash does not cover how
    seeds are drawn from the root seed, so a change of that scheme shows here."""
    return hashlib.sha256(",".join(str(int(x)) for x in seeds).encode()).hexdigest()[:16]


def design_record(spec: Spec) -> dict[str, Any]:
    """The design a plan fixes, in JSON form: spec fields, hash, number of runs and a digest
    of their seeds."""
    from .design import plan as make_plan

    runs = make_plan(spec).runs
    d = spec.to_dict()
    record = {"name": spec.name, "quick": spec.is_quick, "spec_hash": spec.hash(),
              "planned_runs": len(runs), "seeds_sha256": seed_digest(r.seed for r in runs),
              **{k: d[k] for k in DESIGN_FIELDS}}
    return json.loads(json.dumps(record))


def _levels(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"low", "high"}:
        return f"range [{value['low']:g}, {value['high']:g}]"
    return ", ".join(str(v) for v in value)


def plan_text(spec: Spec, module: ModuleType) -> str:
    """The text of plan.md (deterministic: the same module and spec give the same bytes)."""
    check_module(spec, module)
    record = design_record(spec)
    title = (module.__doc__ or spec.name).strip().splitlines()[0].rstrip(".")
    flag = " --quick" if spec.is_quick else ""
    others = [o for o in spec.outcomes if o != module.OUTCOME]
    out = [f"# Plan: {title}", "",
           f"Written by `python -m experiments plan {spec.name}{flag}` from "
           f"`experiments/{spec.name}.py` before the sweep, and committed before it runs. "
           f"`python -m experiments run {spec.name}` refuses a full run without it, and the "
           "run's summary lists every difference between this design and the run's.", "",
           f"**Hypothesis.** {module.HYPOTHESIS}", "",
           "## Outcome", "",
           f"`{module.OUTCOME}`: {outcome_definition(module.OUTCOME, spec, module)}.", ""]
    if others:
        out += ["Also kept, for the other findings: "
                + ", ".join(f"`{o}`" for o in others) + ".", ""]
    out += ["## Contrast", "", module.CONTRAST, "",
            "## Test", "", module.TEST, "",
            "## Decision rule", "", module.DECISION_RULE, "",
            "## Multiple comparisons", "", getattr(module, "CORRECTION", CORRECTION), "",
            "## Could it have failed?", "", *could_fail(module, spec.name).markdown(),
            "## Design", "",
            f"- design: {record['design']}" + (f", base sample size {record['samples']}"
                                                if record["design"] != "grid" else "")]
    out += [f"- varied `{k}`: {_levels(v)}" for k, v in record["varied"].items()]
    if record["fixed"]:
        out.append("- fixed: " + ", ".join(f"`{k}` = {v}" for k, v in record["fixed"].items()))
    out += [f"- replicates per point: {record['replicates']}; steps per run: {record['steps']}",
            f"- runs: {record['planned_runs']}; each run's seed is spawned from the root seed "
            f"{record['root_seed']} (experiments.design), so the runs are fixed now (digest of "
            f"the seeds in run order: `{record['seeds_sha256']}`)",
            f"- spec hash: `{record['spec_hash']}`", "",
            f"**Why these sizes.** {module.SIZING}", "",
            "## Design, machine-readable", "",
            "Read back by the summary to list deviations; do not edit by hand.", "",
            START, _json_lines(record), END, ""]
    return "\n".join(out)


def _json_lines(record: dict[str, Any]) -> str:
    """JSON with one field per line: short enough to read, and a changed field is one line in
    the plan's history."""
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}"
                               for k, v in record.items()) + "\n}"


def write_plan(spec: Spec, module: ModuleType, results_dir: str | Path = "results",
               replace: bool = False) -> tuple[Path, bool]:
    """Write plan.md; return its path and whether it changed. An existing, different plan is
    replaced only with ``replace`` (the committed one stays in the history)."""
    text = plan_text(spec, module)
    path = plan_path(spec, results_dir)
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return path, False
        if not replace:
            raise PlanError(f"{path} already holds a different plan; pass --replace to rewrite "
                            "it (a plan rewritten after its run is a deviation the summary "
                            "cannot see; commit the new one before running)")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path, True


def read_design(path: Path) -> dict[str, Any]:
    """The machine-readable design of a plan.md, or PlanError naming the file."""
    text = path.read_text(encoding="utf-8")
    block = text.split(START + "\n", 1)[-1].split("\n" + END, 1)[0] if START in text else None
    try:
        record = json.loads(block) if block is not None else None
    except json.JSONDecodeError as e:
        raise PlanError(f"{path}: the design block is not valid JSON ({e}); rewrite the plan "
                        "with `python -m experiments plan NAME --replace`") from None
    if not isinstance(record, dict) or "spec_hash" not in record:
        raise PlanError(f"{path}: no design block ({START} ... {END}); rewrite the plan with "
                        "`python -m experiments plan NAME --replace`")
    return record


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


# -- whether a run follows a plan ---------------------------------------------------------
def plan_record(spec: Spec, module: ModuleType | None, results_dir: str | Path = "results",
                no_plan: bool = False) -> dict[str, Any]:
    """What the manifest records of the plan a run follows, or PlanError for a full run of an
    experiment with a hypothesis and no plan (unless ``no_plan``)."""
    from .analysis import has_analysis

    path = plan_path(spec, results_dir)
    if no_plan:
        return {"status": "unplanned", "reason": "--no-plan: exploration"}
    if path.exists():
        design = read_design(path)
        return {"status": "planned", "file": PLAN, "sha256": _digest(path),
                "spec_hash": design["spec_hash"]}
    if spec.is_quick:
        return {"status": "unplanned", "reason": "quick run: exploration, needs no plan"}
    if not has_analysis(module):
        return {"status": "unplanned", "reason": "no hypothesis declared: an exploration sweep"}
    raise PlanError(f"experiment {spec.name!r}: no plan at {path}; write it with python -m "
                    f"experiments plan {spec.name}, or pass --no-plan for exploration")


def missing_plans(specs: list[Spec], results_dir: str | Path = "results") -> list[Path]:
    """The plans that full runs of ``specs`` would need and do not find (none for quick)."""
    return [plan_path(s, results_dir) for s in specs
            if not s.is_quick and not plan_path(s, results_dir).exists()]


def unplanned(manifest: dict) -> str | None:
    """Why a stored run followed no plan (None if it followed one)."""
    record = manifest.get("plan")
    if not isinstance(record, dict):
        return "no plan recorded in its manifest"
    return None if record.get("status") == "planned" else str(record.get("reason", "unplanned"))


def banner(manifest: dict) -> list[str]:
    """The line that marks an unplanned run at the top of its summary and report."""
    why = unplanned(manifest)
    if why is None:
        return []
    return [f"> **Unplanned run ({why}).** No plan fixed its test and decision rule before it "
            "ran; read its numbers as exploration.", ""]


def deviations(spec: Spec, manifest: dict, folder: Path, seeds=None) -> list[str]:
    """Every difference between the plan a run followed and the run: the plan file since the
    run, the spec hash, the number of runs, the seeds (``seeds``: those of the stored runs in
    run order, else the spec's) and each design field; empty when none."""
    record = manifest["plan"]
    path = folder / PLAN
    if not path.exists():
        return [f"the plan the run followed ({PLAN}, sha256 {record.get('sha256')}) is no "
                "longer in the results folder"]
    out = []
    if _digest(path) != record.get("sha256"):
        out.append(f"{PLAN} changed after the run (sha256 {record.get('sha256')} when it "
                   f"started, {_digest(path)} now); compared with the plan as it is now")
    planned = read_design(path)
    ran = {**design_record(spec), "spec_hash": manifest.get("spec_hash"),
           "planned_runs": manifest.get("planned_runs")}
    if seeds is not None:
        ran["seeds_sha256"] = seed_digest(seeds)
    for key in ("spec_hash", "planned_runs", "seeds_sha256", *DESIGN_FIELDS):
        a, b = planned.get(key), ran.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    out.append(f"{key} `{k}`: planned {_shown(a, k)}, run {_shown(b, k)}")
        else:
            out.append(f"{key}: planned {json.dumps(a)}, run {json.dumps(b)}")
    return out


def _shown(d: dict, key: str) -> str:
    return json.dumps(d[key]) if key in d else "(not set)"


def plan_section(spec: Spec, manifest: dict, folder: Path, seeds=None) -> list[str]:
    """The summary's "Plan and deviations" section (``seeds`` as for :func:`deviations`)."""
    out = ["## Plan and deviations", ""]
    why = unplanned(manifest)
    if why is not None:
        return out + [f"No plan: {why}.", ""]
    found = deviations(spec, manifest, folder, seeds)
    out.append(f"The run followed [{PLAN}]({PLAN}) (spec hash "
               f"`{manifest['plan'].get('spec_hash')}`). Deviations from it:")
    out.append("")
    out += [f"- {d}" for d in found] if found else ["- none"]
    return out + [""]


def could_fail(module: ModuleType, name: str) -> CouldFail:
    """An experiment module's ``COULD_FAIL``, checked, or PlanError naming what is wrong."""
    value = getattr(module, "COULD_FAIL", None)
    if isinstance(value, CouldFail):
        return value
    if not isinstance(value, Mapping) or set(value) != {"settings", "rules"}:
        raise PlanError(f"experiment {name!r}: COULD_FAIL = {show(value)} is not allowed: "
                        "expected dict(settings={NAME: (values, result)}, rules='...')")
    try:
        return CouldFail(**value)
    except ValueError as e:
        raise PlanError(f"experiment {name!r}: COULD_FAIL: {e}") from None


def could_fail_section(module: ModuleType, name: str) -> list[str]:
    """The summary's "Could it have failed?" section (empty for a module without one)."""
    if not hasattr(module, "COULD_FAIL"):
        return []
    return ["## Could it have failed?", "", *could_fail(module, name).markdown()]
