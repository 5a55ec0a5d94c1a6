"""Every public module, function, class and method says why it exists in a docstring (the issue
asked for it); this keeps it so, reading the source with ast so nothing is imported."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["model", "experiments", "dashboards", "benchmarks"]
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _lacks(node) -> bool:
    return not (ast.get_docstring(node) or "").strip()


def missing_docstrings(source: str, path: str = "<source>") -> list[str]:
    """The public items of one module's source without a docstring, as `path:line name`."""
    tree = ast.parse(source)
    missing = [f"{path}:1 <module>"] if _lacks(tree) else []
    for node in tree.body:
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)) or node.name.startswith("_"):
            continue
        if _lacks(node):
            missing.append(f"{path}:{node.lineno} {node.name}")
        if isinstance(node, ast.ClassDef):
            missing += [f"{path}:{item.lineno} {node.name}.{item.name}" for item in node.body
                        if isinstance(item, FUNCTIONS) and not item.name.startswith("_")
                        and _lacks(item)]
    return missing


def test_every_public_item_has_a_docstring():
    """Scans model/, experiments/, dashboards/ and benchmarks/."""
    missing = []
    for folder in FOLDERS:
        for file in sorted((ROOT / folder).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            missing += missing_docstrings(file.read_text(encoding="utf-8"), path)
    assert not missing, "missing docstrings:\n" + "\n".join(missing)


def test_the_checker_reports_exactly_the_public_items():
    """The checker is not a formality: it names what lacks a docstring and skips private names."""
    source = '''"""A module."""
def public(): pass
def _private(): pass
class Public:
    """A class."""
    def method(self): pass
    def _helper(self): pass
    def __len__(self): return 0
    @property
    def blank(self):
        """  """
class _Private:
    def method(self): pass
'''
    assert missing_docstrings(source, "m.py") == [
        "m.py:2 public", "m.py:6 Public.method", "m.py:10 Public.blank"]
    assert missing_docstrings("def f(): pass\n") == ["<source>:1 <module>", "<source>:1 f"]
