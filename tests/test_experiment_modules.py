"""The experiments package's layout: no module imports an experiment module.

An experiment module (``experiments/e1_...``, ``mediation_demo``, any module declaring
``SPEC``) stands on the engine and on the shared modules listed in
``experiments.catalog.SHARED_MODULES``; what two experiments share goes into such a module,
never into one experiment that the other imports. Parsed with ``ast``, nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from experiments.catalog import ENGINE_MODULES, NOT_EXPERIMENTS, SHARED_MODULES

PACKAGE = Path(__file__).resolve().parents[1] / "experiments"
MODULES = {p.stem: p for p in sorted(PACKAGE.glob("*.py"))}
EXPERIMENTS = sorted(n for n in MODULES if n not in NOT_EXPERIMENTS and not n.startswith("_"))


def imported_modules(path: Path) -> set[str]:
    """Names of the modules of the experiments package that ``path`` imports, anywhere in it
    (``import experiments.x``, ``from experiments.x import ...``, ``from experiments import
    x``, ``from .x import ...``, ``from . import x``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "experiments" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".") if node.module else []
            if node.level == 1 or (node.level == 0 and parts[:1] == ["experiments"]):
                inner = parts if node.level == 1 else parts[1:]
                if inner:
                    found.add(inner[0])
                else:  # from . import x / from experiments import x
                    found.update(alias.name for alias in node.names)
    return found


def test_the_parser_sees_every_form_of_import(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text("import experiments.a\nfrom experiments.b import c\nfrom experiments import d"
                    "\nfrom .e import f\nfrom . import g\nimport numpy\nfrom model.run import run"
                    "\n\ndef later():\n    from experiments.h import i\n")
    assert imported_modules(path) == {"a", "b", "d", "e", "g", "h"}


def test_the_experiments_are_found():
    assert {"e1_mediation_instigation", "e4_structural_change", "e5_fading_enemy",
            "e8_sensitivity", "e8b_sobol", "e9_landscape"} <= set(EXPERIMENTS)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_an_experiment_module(name):
    sideways = sorted((imported_modules(MODULES[name]) & set(EXPERIMENTS)) - {name})
    assert not sideways, (f"experiments/{name}.py imports the experiment module(s) {sideways}: "
                          "move what they share into a shared module (catalog.SHARED_MODULES)")


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_other_module_declares_an_experiment(name):
    """A module that declares no SPEC must be listed in the catalog as engine or shared."""
    tree = ast.parse(MODULES[name].read_text())
    declared = any(isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
        isinstance(t, ast.Name) and t.id == "SPEC"
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
        for node in tree.body)
    assert declared, (f"experiments/{name}.py declares no SPEC: list it in "
                      "catalog.ENGINE_MODULES or catalog.SHARED_MODULES")


def test_the_catalog_lists_only_modules_that_exist():
    missing = sorted(n for n in ENGINE_MODULES | SHARED_MODULES if n not in MODULES)
    assert not missing, f"catalog lists modules that do not exist: {missing}"
