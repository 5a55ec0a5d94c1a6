"""The experiments that ``python -m experiments list`` knows, and how a name is resolved.

An experiment is a module in this package that defines ``SPEC`` (an experiments.spec.Spec), or
a TOML file in ``experiments/specs/``. ``NAME`` on the command line may also be a path to a
``.py`` or ``.toml`` spec file anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from .spec import Spec, SpecError, load_file, load_toml

PACKAGE = Path(__file__).resolve().parent
SPECS_DIR = PACKAGE / "specs"
ENGINE_MODULES = {"__main__", "analysis", "catalog", "cli", "design", "figures", "plan",
                  "posterior", "readme", "report", "runner", "spec", "spec_reference",
                  "statistics", "store", "style", "validation"}
"""The engine: declaring, running, storing and reporting experiments."""
SHARED_MODULES = {"alliance_survival", "sensitivity_setup"}
"""What several experiments share (an experiment module imports these, never another
experiment module)."""
NOT_EXPERIMENTS = ENGINE_MODULES | SHARED_MODULES
"""Modules of this package that declare no experiment."""


def discover() -> dict[str, Spec]:
    """Every declared experiment that can be declared here, by name (a duplicate name is an
    error); one whose spec cannot be built in this installation is in ``unavailable()``."""
    return _declared()[0]


def unavailable() -> dict[str, SpecError]:
    """Experiments whose spec cannot be built here, by module name, with the reason: e.g. a
    posterior design whose committed posterior is absent from an installed wheel. They fail
    only when asked for by name, never a run of another experiment."""
    return _declared()[1]


def _declared() -> tuple[dict[str, Spec], dict[str, SpecError]]:
    found: dict[str, Spec] = {}
    broken: dict[str, SpecError] = {}

    def add(spec: Spec, where: str) -> None:
        if spec.name in found:
            raise SpecError(f"experiment name {spec.name!r} declared twice ({where})")
        found[spec.name] = spec

    for info in pkgutil.iter_modules([str(PACKAGE)]):
        if info.name in NOT_EXPERIMENTS or info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"experiments.{info.name}")
        except SpecError as err:
            broken[info.name] = err
            continue
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, Spec):
            add(spec, f"experiments/{info.name}.py")
    if SPECS_DIR.is_dir():
        for path in sorted(SPECS_DIR.glob("*.toml")):
            add(load_toml(path), str(path))
    return dict(sorted(found.items())), broken


def resolve(name: str) -> Spec:
    """A spec by experiment name or by path to a spec file."""
    path = Path(name)
    if path.suffix in (".py", ".toml") and path.exists():
        return load_file(path)
    specs, broken = _declared()
    if name in broken:
        raise broken[name]
    if name not in specs:
        raise SpecError(f"unknown experiment {name!r}; known: {', '.join(specs) or 'none'} "
                        "(or give the path to a .py or .toml spec file)")
    return specs[name]


def module_for(spec: Spec):
    """The experiment module that declares ``spec`` (None for TOML specs and other files)."""
    if spec.name in NOT_EXPERIMENTS or not (PACKAGE / f"{spec.name}.py").exists():
        return None
    module = importlib.import_module(f"experiments.{spec.name}")
    declared = getattr(module, "SPEC", None)
    return module if isinstance(declared, Spec) and declared.name == spec.name else None
