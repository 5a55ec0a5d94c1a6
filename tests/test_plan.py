"""A plan before the run, and "could it have failed?" in every summary (experiments.plan).

Every experiment with a hypothesis states its outcome, contrast, test, decision rule and the
settings of tests/test_open_questions.py where its effect vanishes or reverses (checked against
that file, values included); `plan` writes results/NAME/plan.md; a full run or a full
`reproduce` without one is refused with one line (exit 2) before any run; `--no-plan` and quick
runs are marked unplanned; a run whose spec differs from its plan lists every deviation in its
summary. The runs here are quick variants of e9 (8 groups, 40 steps), run in this process (the
runner's worker processes are tested in tests/test_experiments.py).
"""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from experiments import cli
from experiments.analysis import build_summary
from experiments.plan import (DESIGN_FIELDS, RUN_OUTCOME_DEFINITIONS, PlanError, check_module,
                              could_fail, design_record, metric_definitions, plan_path,
                              plan_record, plan_text, read_design, write_plan)
from experiments.readme import experiments_with_analysis
from experiments.runner import run_sweep
from model.core.metrics import METRICS
from model.run import RUN_OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
OPEN_QUESTIONS = ROOT / "tests" / "test_open_questions.py"
EXPERIMENTS = {spec.name: (spec, module) for spec, module in experiments_with_analysis()}
HYPOTHESIS_TESTS = ("e1_", "e2_", "e3_", "e4_", "e5_", "e6_", "e7_")
"""Experiments whose "could have failed" settings are in tests/test_open_questions.py."""
FAST = "e9_landscape"


def open_question_settings() -> dict[str, object]:
    """The module-level settings of tests/test_open_questions.py, evaluated from the source:
    literals, and dict(...) calls of literals and earlier settings."""
    found: dict[str, object] = {}

    def value(node):
        if isinstance(node, ast.Name):
            return found[node.id]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "dict":
            out = {}
            for arg in node.args:
                out.update(value(arg))
            out.update({k.arg: ast.literal_eval(k.value) for k in node.keywords})
            return out
        return ast.literal_eval(node)

    for node in ast.parse(OPEN_QUESTIONS.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = value(node.value)
            except (ValueError, KeyError):
                continue
    return found


def written(setting: object) -> str:
    """A setting as COULD_FAIL quotes it: ``key=value, ...`` for a dict, else its repr."""
    if isinstance(setting, dict):
        return ", ".join(f"{k}={v!r}" for k, v in setting.items())
    return repr(setting)


# -- what every experiment declares ------------------------------------------------------------
def test_the_experiments_with_an_analysis_are_found():
    assert {n[:3] for n in EXPERIMENTS} >= {f"e{i}_" for i in range(1, 10)}


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_every_experiment_declares_its_plan(name):
    spec, module = EXPERIMENTS[name]
    check_module(spec, module)
    assert len(module.DECISION_RULE) > 80 and "upported" in module.DECISION_RULE, name
    assert module.OUTCOME in spec.outcomes or hasattr(module, "OUTCOME_DEFINITION"), \
        f"{name}: OUTCOME {module.OUTCOME!r} is not kept by the spec and has no definition"
    text = plan_text(spec, module)
    for part in (module.HYPOTHESIS, module.DECISION_RULE, module.CONTRAST, module.TEST,
                 module.SIZING, f"`{module.OUTCOME}`: ", spec.hash(), "Holm",
                 "## Could it have failed?"):
        assert part in text, f"{name}: plan lacks {part[:60]!r}"
    assert "returned by the spec's measure" not in text, f"{name}: outcome left undefined"


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_could_fail_names_settings_of_the_open_questions_with_their_values(name):
    _, module = EXPERIMENTS[name]
    settings = open_question_settings()
    could = could_fail(module, name)
    if name.startswith(HYPOTHESIS_TESTS):
        assert could.settings, f"{name}: no setting where its effect vanishes or reverses"
    for setting, (values, result) in could.settings.items():
        assert setting in settings, f"{name}: {setting} is not in {OPEN_QUESTIONS.name}"
        assert values == written(settings[setting]), \
            f"{name}: {setting} is quoted as {values!r}, the file has {written(settings[setting])!r}"
        assert len(result) > 20
    assert len(could.rules) > 80


def test_the_open_question_reader_sees_merged_settings():
    """The checker is not a formality: it resolves dict(BASE, key=value) as the file does."""
    settings = open_question_settings()
    assert written(settings["E7_VANISHES"]) == ("n_groups=40, instigation=0.3, "
                                                "commons_regrowth=0.1, extraction_rate=0.15")
    assert settings["BOUNDARY_INSTIGATION"] == 0.4


def test_a_malformed_could_fail_is_named():
    class Module:
        COULD_FAIL = dict(settings={"E1_VANISHES": ("n_groups=20",)}, rules="why")

    with pytest.raises(PlanError, match=r"'e0': COULD_FAIL: CouldFail.settings\['E1_VANISHES'\]"):
        could_fail(Module, "e0")
    Module.COULD_FAIL = {"settings": {}}
    with pytest.raises(PlanError, match="COULD_FAIL = .* is not allowed: expected dict"):
        could_fail(Module, "e0")


def test_every_outcome_has_a_definition():
    assert set(RUN_OUTCOME_DEFINITIONS) == set(RUN_OUTCOMES)
    defined = metric_definitions()
    assert set(METRICS) <= set(defined), sorted(set(METRICS) - set(defined))


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_the_committed_plan_is_the_module_s(name):
    """reproduce needs committed plans; a spec, or a seeding scheme, changed since its plan must
    be planned again before it runs (`python -m experiments plan NAME --replace`, then
    commit)."""
    spec, module = EXPERIMENTS[name]
    path = plan_path(spec, ROOT / "results")
    assert path.exists(), f"{path} is missing: python -m experiments plan {name}"
    planned, now = read_design(path), design_record(spec)
    changed = sorted(k for k in set(planned) | set(now) if planned.get(k) != now.get(k))
    assert not changed, (f"{name}: {', '.join(changed)} changed since {path} was written (the "
                         "spec, or how seeds are drawn); plan it again with --replace")


# -- the command line ---------------------------------------------------------------------------
@pytest.fixture
def in_process(monkeypatch):
    """Sweeps run their tasks here rather than in spawned workers: seconds, not a minute."""
    import experiments.runner as runner

    monkeypatch.setattr(runner, "run_local",
                        lambda tasks, workers: (runner.execute(t) for t in tasks))


def test_plan_writes_the_plan_and_keeps_a_different_one(capsys, tmp_path):
    spec, module = EXPERIMENTS[FAST]
    assert cli.main(["plan", FAST, "--results", str(tmp_path)]) == 0
    path = tmp_path / FAST / "plan.md"
    assert f"written {path}" in capsys.readouterr().out
    design = read_design(path)
    assert design["spec_hash"] == spec.hash() and design["replicates"] == spec.replicates
    assert set(DESIGN_FIELDS) <= set(design)
    assert cli.main(["plan", FAST, "--results", str(tmp_path)]) == 0
    assert "unchanged" in capsys.readouterr().out
    path.write_text(path.read_text().replace("**Hypothesis.**", "**Hypothesis (edited).**"))
    assert cli.main(["plan", FAST, "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "already holds a different plan; pass --replace" in err
    assert cli.main(["plan", FAST, "--results", str(tmp_path), "--replace"]) == 0
    assert path.read_text() == plan_text(spec, module)


def test_plan_refuses_a_sweep_without_a_hypothesis(capsys, tmp_path):
    assert cli.main(["plan", "mediation_demo", "--results", str(tmp_path)]) == 2
    assert "declares no hypothesis" in capsys.readouterr().err
    assert not (tmp_path / "mediation_demo").exists()


def test_a_full_run_without_a_plan_is_refused_before_any_run(capsys, tmp_path):
    name = "e1_mediation_instigation"
    assert cli.main(["run", name, "--results", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: experiment {name!r}: no plan at {tmp_path / name / 'plan.md'}; write "
                   f"it with python -m experiments plan {name}, or pass --no-plan for "
                   "exploration\n")
    assert not (tmp_path / name).exists()


def test_no_plan_lets_a_full_run_start_marked_as_exploration(monkeypatch, tmp_path):
    import experiments.runner

    seen = {}

    class Started(Exception):
        pass

    def run_sweep(spec, results, **kw):
        seen.update(spec=spec, extra=kw["manifest_extra"])
        raise Started

    monkeypatch.setattr(experiments.runner, "run_sweep", run_sweep)
    with pytest.raises(Started):
        cli.main(["run", "e1_mediation_instigation", "--results", str(tmp_path), "--no-plan"])
    assert not seen["spec"].is_quick
    assert seen["extra"] == {"plan": {"status": "unplanned", "reason": "--no-plan: exploration"}}


def test_reproduce_needs_committed_plans_for_full_runs(capsys, tmp_path):
    assert cli.main(["reproduce", "--only", FAST, "e1_mediation_instigation", "--results",
                     str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: reproduce runs only what was planned: no plan at ")
    assert str(tmp_path / FAST / "plan.md") in err and "reproduce --quick needs none" in err
    assert not any(tmp_path.iterdir())


def test_quick_runs_need_no_plan_and_are_marked_unplanned(capsys, tmp_path, in_process):
    args = ["--quick", "--results", str(tmp_path)]
    assert cli.main(["run", FAST, "--workers", "1", "--quiet", *args]) == 0
    folder = tmp_path / f"{FAST}-quick"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["plan"] == {"status": "unplanned",
                                "reason": "quick run: exploration, needs no plan"}
    assert cli.main(["report", FAST, *args]) == 0
    summary = (folder / "summary.md").read_text()
    assert "> **Unplanned run (quick run: exploration, needs no plan).**" in summary
    assert "## Plan and deviations\n\nNo plan: quick run" in summary
    assert "## Could it have failed?" in summary


def test_no_plan_is_marked_in_manifest_summary_and_report(capsys, tmp_path, in_process):
    args = ["--quick", "--results", str(tmp_path)]
    assert cli.main(["plan", FAST, *args]) == 0  # a plan exists, and --no-plan ignores it
    assert cli.main(["run", FAST, "--workers", "1", "--quiet", "--no-plan", *args]) == 0
    folder = tmp_path / f"{FAST}-quick"
    assert json.loads((folder / "manifest.json").read_text())["plan"]["reason"] == \
        "--no-plan: exploration"
    assert cli.main(["report", FAST, *args]) == 0
    assert "> **Unplanned run (--no-plan: exploration).**" in (folder / "summary.md").read_text()
    from experiments.report import build_report

    assert "> **Unplanned run (--no-plan: exploration).**" in \
        build_report(EXPERIMENTS[FAST][0].quick_variant(), tmp_path).read_text()


def test_a_run_that_follows_its_plan_lists_no_deviation_and_keeps_the_plan(tmp_path, in_process):
    spec, module = EXPERIMENTS[FAST]
    quick = spec.quick_variant()
    path, _ = write_plan(quick, module, tmp_path)
    for fresh in (False, True):  # the plan is not a stored result, and --fresh keeps it
        run_sweep(quick, tmp_path, workers=1, quiet=True, fresh=fresh,
                  manifest_extra={"plan": plan_record(quick, module, tmp_path)})
    summary = build_summary(quick, module, tmp_path).read_text()
    assert "Unplanned" not in summary and path.exists()
    assert "## Plan and deviations" in summary and "Deviations from it:\n\n- none\n" in summary


def test_deviations_from_the_plan_are_listed(tmp_path, in_process):
    """A plan for 3 replicates, then the spec changed to 2 replicates and 30 steps."""
    spec, module = EXPERIMENTS[FAST]
    quick = spec.quick_variant()
    write_plan(quick, module, tmp_path)
    changed = dataclasses.replace(quick, replicates=2, steps=30)
    record = plan_record(changed, module, tmp_path)
    assert record["status"] == "planned" and record["spec_hash"] == quick.hash()
    run_sweep(changed, tmp_path, workers=1, quiet=True, manifest_extra={"plan": record})
    summary = build_summary(changed, module, tmp_path).read_text()
    section = summary.split("## Plan and deviations", 1)[1].split("\n## ", 1)[0]
    points = len(quick.varied["mediation_capacity"])
    for line in (f"- spec_hash: planned \"{quick.hash()}\", run \"{changed.hash()}\"",
                 f"- planned_runs: planned {3 * points}, run {2 * points}",
                 "- replicates: planned 3, run 2", "- steps: planned 40, run 30"):
        assert line in section, section
    assert "- none" not in section


def test_seeds_drawn_otherwise_and_a_plan_edited_after_the_run_are_deviations(tmp_path):
    """The spec's hash does not cover how seeds are drawn; the plan's seed digest does."""
    from experiments.plan import deviations

    spec, module = EXPERIMENTS[FAST]
    quick = spec.quick_variant()
    path, _ = write_plan(quick, module, tmp_path)
    manifest = {"plan": plan_record(quick, module, tmp_path), "spec_hash": quick.hash(),
                "planned_runs": read_design(path)["planned_runs"]}
    assert deviations(quick, manifest, path.parent) == []
    found = deviations(quick, manifest, path.parent, seeds=[1, 2, 3, 4, 5, 6])
    assert len(found) == 1 and found[0].startswith("seeds_sha256: planned "), found
    path.write_text(path.read_text().replace('"replicates": 3', '"replicates": 4'))
    found = deviations(quick, manifest, path.parent)
    assert found[0].startswith("plan.md changed after the run") and \
        "replicates: planned 4, run 3" in found, found
