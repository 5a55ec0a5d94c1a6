"""Agent-based model of alliance formation between people's groups (after Muto Ichiyo).

The package is built in layers, each a folder (see docs/extending.md and the import
contract in pyproject.toml):

- ``model.numerics``: how numbers are computed the same everywhere (compiled kernels,
  numpy's summation order, the C library's elementary functions);
- ``model.analysis``: measures that take any data (alliance graphs, polarisation,
  persistence, survival, faultlines, landscape theory); nothing of the step;
- ``model.mechanisms``: the essays' ideas as pure functions of arrays, one module each;
- ``model.core``: the parameter schema, the state, the population, the Mesa model that
  wires the mechanisms into one step, and its metrics;
- the edges, here at the top: ``model.run`` (one run as a function), ``model.cli``
  (``python -m model``), ``model.plots`` (figures), ``model.landscape`` (its command line).

The names below are imported on first use, so that ``import model`` stays cheap. The run
function is not among them: ``model.run`` is its module, so ``from model.run import run``.
"""

from __future__ import annotations

import importlib

_PUBLIC = {
    "AllianceModel": "model.core.model",
    "Params": "model.core.parameters",
    "ParameterError": "model.core.parameters",
    "SCHEMA": "model.core.parameters",
    "validate": "model.core.parameters",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    """Import a public name from its module the first time it is asked for (PEP 562)."""
    if name in _PUBLIC:
        try:
            module = importlib.import_module(_PUBLIC[name])
        except AttributeError as err:  # else Python reports it as "cannot import name"
            raise ImportError(f"importing {_PUBLIC[name]} failed: {err}") from err
        return getattr(module, name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
