"""Every relative link and every repository path written in code font in the READMEs and docs/
points to something in the repository, so a moved or missing file is caught, not published.

The rule, precisely. Documents: README.md, docs/*.md, experiments/README.md and
notebooks/README.md. Fenced code blocks are left out (inside them backticks are not code spans
and commands are not links).
- A link ``[text](target)`` or ``![alt](target)`` whose target has no scheme (``https:``,
  ``mailto:``) and is not only an anchor must name a file or folder relative to the document's
  folder (the anchor, if any, is dropped).
- A code span is a repository path when it is one word of letters, digits, ``_ . - / < >``
  with at least two non-empty parts around a ``/`` (``model/run.py``, ``docs/images/``; a lone
  folder name such as ``core/`` is read in the context of its sentence and is not checked).
  It must exist relative to the repository root or to the document's folder, unless it holds a
  placeholder (``<experiment>``, ``NAME``, ``DIR``, ``NNNNNN``, ``*``) or lies under what the
  set-up creates (``.venv/``, ``results/quickstart/``, written by ``make run``).
- ``NOT_SHIPPED`` names the few paths that are mentioned on purpose though not in the
  repository, each with its reason; an entry that no longer occurs, or whose path now exists,
  fails the test so the list cannot rot.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             ROOT / "experiments" / "README.md", ROOT / "notebooks" / "README.md"]

NOT_SHIPPED = {
    ("docs/design_note.md", "shared/seeds/"):
        "the source essays, cited in the ODD's references and not shipped (said in its header)",
    ("docs/extending.md", "model/mechanisms/solidarity_funds.py"):
        "the worked example of a mechanism a contributor would add",
}
CREATED_BY_SETUP = (".venv/", "results/quickstart/")

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")  # a code span may wrap across lines
_PATH = re.compile(r"[\w.<>-]+(?:/[\w.<>-]+)+/?")
_PLACEHOLDER = re.compile(r"<[^>]*>|\bNAME\b|\bDIR\b|N{3,}|\*")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _prose(text: str) -> str:
    """The document without its fenced code blocks (line count kept, for messages)."""
    return _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def dangling(text: str, folder: Path, name: str, root: Path = ROOT) -> list[str]:
    """The links and code-font repository paths of one document that point nowhere, as
    ``name:line: what`` (``folder`` is the document's folder, ``name`` its repository path)."""
    text = _prose(text)
    found = []
    for m in _LINK.finditer(text):
        target = m.group(1)
        if _SCHEME.match(target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if not (folder / path).exists():
            found.append(f"{name}:{_line(text, m.start())}: link to {target!r} points nowhere")
    for m in _CODE.finditer(text):
        span = m.group(1)
        if not _PATH.fullmatch(span) or _PLACEHOLDER.search(span):
            continue
        if span.startswith(CREATED_BY_SETUP) or (name, span) in NOT_SHIPPED:
            continue
        if not ((root / span).exists() or (folder / span).exists()):
            found.append(f"{name}:{_line(text, m.start())}: `{span}` is not in the repository")
    return found


def _name(doc: Path) -> str:
    return doc.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_name)
def test_links_and_paths_in_the_docs_exist(doc):
    """Every relative link and repository path in the document exists."""
    problems = dangling(doc.read_text(encoding="utf-8"), doc.parent, _name(doc))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name, span", sorted(NOT_SHIPPED))
def test_every_path_mentioned_but_not_shipped_is_still_mentioned_and_still_absent(name, span):
    """An exemption for a path that is gone from its document, or now exists, is removed."""
    assert f"`{span}`" in (ROOT / name).read_text(encoding="utf-8"), f"{name} no longer says {span}"
    assert not (ROOT / span).exists(), f"{span} exists now: drop it from NOT_SHIPPED"


def test_the_checker_reports_a_dangling_link_and_path_and_nothing_else(tmp_path):
    """The rule is not a formality: the ODD's former reference and a broken link are caught,
    while URLs, anchors, placeholders, context folder names and set-up outputs pass."""
    (tmp_path / "here.md").write_text("x")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "run.py").write_text("x")
    text = "\n".join([
        "Where the code departs from the design note",
        "(`shared/DESIGN.md`), the departure is stated.",
        "See [the ODD](ODD.md#purpose) and ![a figure](images/missing.png).",
        "Fine: [here](here.md#top), [web](https://example.org/a/b), [up](#anchor),",
        "`model/run.py`, `results/<experiment>/`, `results/NAME/`, `runs/part-NNNNNN.parquet`,",
        "`core/`, `.venv/bin/python`, `results/quickstart/metrics.csv`, `a.b`, `x / y`,",
        "`python -m model run`, `tcp://host:8786`.",
        "```bash",
        "cat missing/file.txt `not/checked/either`",
        "```",
        "And `model/gone.py` after the block, then a wrapped `python -m",
        "playwright install chromium` span and `model/lost.py`.",
    ])
    assert dangling(text, tmp_path, "doc.md", root=tmp_path) == [
        "doc.md:3: link to 'ODD.md#purpose' points nowhere",
        "doc.md:3: link to 'images/missing.png' points nowhere",
        "doc.md:2: `shared/DESIGN.md` is not in the repository",
        "doc.md:11: `model/gone.py` is not in the repository",
        "doc.md:12: `model/lost.py` is not in the repository",
    ]
