"""The notebooks in notebooks/ run from start to end, and each .ipynb is its jupytext .py.

Each notebook is executed by nbmake in a separate pytest process, from a copy outside the
repository (so it cannot lean on its folder or write beside itself), with this checkout first
on the kernel's path (so a worktree runs its own code, not the installed one). A cell that
raises fails the test with nbmake's report of the cell; a notebook that raises on purpose
checks that this is so.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(p.stem for p in FOLDER.glob("*.py"))
WATCHED = (FOLDER, ROOT / "results")  # where a careless notebook would write


def run_notebook(notebook: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``pytest --nbmake`` on one notebook in its own process, with this checkout importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=240", "-q",
         "-p", "no:cacheprovider", str(notebook)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def snapshot() -> dict[str, tuple[int, int]]:
    """Size and modification time of every file where a notebook must not write."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for folder in WATCHED for p in folder.rglob("*") if p.is_file()}


def test_the_three_tours_each_have_a_py_and_an_ipynb():
    assert NOTEBOOKS == ["educator_tour", "modeller_tour", "researcher_tour"]
    assert sorted(p.stem for p in FOLDER.glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_ipynb_has_the_cells_of_its_py_and_no_outputs(name):
    text = jupytext.read(FOLDER / f"{name}.py")
    notebook = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert [(c.cell_type, c.source) for c in notebook.cells] == \
        [(c.cell_type, c.source) for c in text.cells], \
        f"notebooks/{name}.ipynb differs from its .py: run `jupytext --sync notebooks/{name}.py`"
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.metadata.jupytext.formats == "ipynb,py:percent"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                f"notebooks/{name}.ipynb is committed with outputs: clear them"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_from_anywhere_without_writing_into_the_repository(name, tmp_path):
    copy = tmp_path / f"{name}.ipynb"
    shutil.copy(FOLDER / f"{name}.ipynb", copy)
    before = snapshot()
    result = run_notebook(copy, tmp_path)
    assert result.returncode == 0 and "1 passed" in result.stdout, \
        result.stdout[-6000:] + result.stderr[-2000:]
    assert snapshot() == before, "the notebook wrote into notebooks/ or results/"


def test_a_notebook_that_raises_fails(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = 1"),
               nbformat.v4.new_code_cell("raise ValueError('a cell that fails')")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    path = tmp_path / "fails.ipynb"
    nbformat.write(notebook, path)
    result = run_notebook(path, tmp_path)
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout[-3000:]
    assert "a cell that fails" in result.stdout
