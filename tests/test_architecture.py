"""The house's rules, checked: imports go one way, mechanisms take their parameters one way,
and a switch reaches every place a newcomer must touch (docs/extending.md)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboards.explanations import EXPLANATIONS
from model.core.parameters import SCHEMA_BY_NAME, SWITCHES
from model.odd import END, START

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.fail("lint-imports is missing: run `make test` (it installs the dev extra)")
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_import_contracts_hold():
    """The layers written in pyproject.toml ([tool.importlinter]) are kept."""
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module, bad_import, contract", [
    ("model/mechanisms/trust.py", "import model.core.model", "model.mechanisms is not allowed to import model.core"),
    ("model/analysis/survival.py", "import model.plots", "model.analysis.survival -> model.plots"),
    ("model/core/metrics.py", "import model.run", "model.core.metrics -> model.run"),
    ("model/run.py", "import experiments.runner", "model is not allowed to import experiments"),
])
def test_import_contracts_catch_a_wrong_import(tmp_path, module, bad_import, contract):
    """The checker is not a formality: one wrong import in a copy of the code breaks it."""
    for folder in ("model", "experiments", "dashboards"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.toml", "vue"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / module, "a") as f:
        f.write(f"\n{bad_import}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0 and contract in result.stdout, result.stdout


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_benchmarks_do_not_import_the_tests():
    """Benchmarks time the model; the tests' reference implementations stay in the tests."""
    for path in (ROOT / "benchmarks").glob("*.py"):
        assert not {n for n in _imports(path) if n.split(".")[0] == "tests"}, path.name


GENERIC = {"p", "params", "rate", "weight", "gain", "cost", "level", "mode", "term", "decay",
           "reach", "effect", "ratio", "base"}
NAMED_LIKE_PARAMETERS = ("_rate", "_weight", "_base", "_effect", "_gain", "_decay", "_bias",
                         "_value", "_threshold", "_term", "_cost", "_reach", "_mode")


def _mechanism_functions():
    for path in sorted((ROOT / "model" / "mechanisms").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                yield path.stem, node


def test_mechanisms_take_parameters_by_their_schema_names():
    """One convention: a mechanism receives the numbers it uses, named as in the schema;
    never the whole Params, never a generic name, never a switch (the step decides)."""
    checked = 0
    for module, fn in _mechanism_functions():
        for arg in fn.args.args + fn.args.kwonlyargs:
            name = arg.arg
            where = f"model/mechanisms/{module}.py:{fn.name}({name})"
            assert name not in GENERIC, f"{where}: name the parameter as in the schema"
            assert not name.startswith("enable_"), f"{where}: switches are decided in the step"
            if name.endswith(NAMED_LIKE_PARAMETERS) and not name.startswith("u_"):  # u_: draws
                assert name in SCHEMA_BY_NAME, f"{where}: not a parameter of the schema"
                checked += 1
    assert checked >= 20
    for path in (ROOT / "model" / "mechanisms").glob("*.py"):
        assert "model.core.parameters" not in _imports(path), path.name


def _odd_outside_table() -> str:
    text = (ROOT / "docs" / "ODD.md").read_text()
    head, rest = text.split(START, 1)
    return head + rest.split(END, 1)[1]


@pytest.mark.parametrize("switch", SWITCHES)
def test_every_switch_reaches_the_step_the_oracle_the_dashboard_and_the_odd(switch):
    """Adding a mechanism touches these places (docs/extending.md); none may be forgotten."""
    assert SCHEMA_BY_NAME[switch].kind is bool
    step = (ROOT / "model" / "core" / "model.py").read_text()
    assert f"p.{switch}" in step, "the model's step never reads the switch"
    assert f"p.{switch}" in (ROOT / "tests" / "oracle.py").read_text(), "the test oracle ignores it"
    assert switch in EXPLANATIONS, "the dashboard cannot explain it to a workshop"
    assert f"`{switch}`" in _odd_outside_table(), "the ODD's process description does not name it"
    switch_tests = (ROOT / "tests" / "test_switches.py").read_text()
    short = switch.removeprefix("enable_")
    assert f'"{short}"' in switch_tests or f"{switch}=False" in switch_tests, "no test turns it off"
