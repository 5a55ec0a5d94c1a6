"""docs/analysis.md shows what the analysis layer does on the shipped published data: its
Python blocks run, in order, from the repository's root, and print the values the page
quotes."""

import contextlib
import io
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "analysis.md"


def _run_blocks() -> str:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert len(blocks) >= 5
    out, here = io.StringIO(), os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            for block in blocks:
                exec(compile(block, str(PAGE), "exec"), {})
    finally:
        os.chdir(here)
    return out.getvalue()


def test_the_pages_examples_run_and_print_the_published_values():
    out = _run_blocks()
    assert "1 0.3318 [0, 1, 0, 1, 1, 0] 0.5513" in out
    assert "2 0.8055 [0, 0, 1, 1, 2, 2] 0.7748" in out
    assert "(23.0, 13.0, inf)" in out
    assert "1.354 0.784 2.336" in out
    assert "rises to a peak near age 6.31" in out
    assert "7 ['Gama', 'Gavev', 'Kotun', 'Nagad']" in out


def test_the_pages_commands_name_only_real_options():
    from model.analysis.__main__ import _parser

    page = PAGE.read_text()
    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices
    for name in ("faultlines", "survival"):
        known = {opt for action in commands[name]._actions for opt in action.option_strings}
        for line in re.findall(rf"model\.analysis {name} [^\n]*(?:\\\n[^\n]*)*", page):
            for option in re.findall(r"--[a-z-]+", line):
                assert option in known, (name, option)
