"""Resource limits checked before work starts: the memory a run needs, against a limit.

A run's state is dominated by its group-by-group matrices (trust, met, contact records), so
its memory grows with the square of ``n_groups``. Checking that estimate before allocating
turns a ``MemoryError`` deep inside numpy (or a machine brought to its knees by swapping)
into one message that names the parameter, the value and how to raise the limit.
"""

from __future__ import annotations

import math
import os

BYTES_PER_PAIR = 16
"""Bytes per ordered pair of groups; measured with tracemalloc at 200-1,600 groups (13.8 at
1,600 and falling toward 13.5), rounded up so that the estimate errs on the safe side."""

BASE_BYTES = 64 * 2**20
"""Memory of a run that does not grow with the number of groups (arrays, Mesa, collectors)."""

ENV_MEMORY = "ALLIANCE_ABM_MAX_MEMORY_GIB"
"""Environment variable that sets the memory limit in GiB (default: 80% of physical memory)."""

GIB = 2**30


class ResourceError(ValueError):
    """Work that would need more memory (or runs, or steps) than the limit allows."""


def run_bytes(n_groups: int) -> int:
    """Estimated peak memory of one run with ``n_groups`` groups, in bytes."""
    return BASE_BYTES + BYTES_PER_PAIR * int(n_groups) ** 2


def physical_bytes() -> int | None:
    """Physical memory of this machine, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_limit_bytes() -> int:
    """The memory limit: ``ALLIANCE_ABM_MAX_MEMORY_GIB`` if set, else 80% of physical memory."""
    raw = os.environ.get(ENV_MEMORY)
    if raw is not None and raw.strip():
        try:
            gib = float(raw)
        except ValueError:
            gib = math.nan
        if not math.isfinite(gib) or gib <= 0:
            raise ResourceError(
                f"environment variable {ENV_MEMORY} = {raw!r} is not allowed: expected a "
                "positive number of GiB")
        return int(gib * GIB)
    physical = physical_bytes()
    return int(0.8 * physical) if physical else 16 * GIB


def check_memory(n_groups: int, runs_at_once: int = 1, what: str = "a run") -> int:
    """Raise ResourceError if ``runs_at_once`` runs of ``n_groups`` would pass the limit.

    Returns the estimated bytes, so that callers can report them.
    """
    need = run_bytes(n_groups) * max(1, int(runs_at_once))
    limit = memory_limit_bytes()
    if need > limit:
        at_once = f" x {runs_at_once} runs at once" if runs_at_once > 1 else ""
        raise ResourceError(
            f"parameter 'n_groups' = {n_groups} is not allowed here: {what} would need about "
            f"{need / GIB:.1f} GiB{at_once}, more than the limit of {limit / GIB:.1f} GiB. "
            f"Use fewer groups (memory grows with n_groups squared) or fewer workers, or raise "
            f"the limit on purpose with {ENV_MEMORY}=<GiB>.")
    return need


ENV_STEPS = "ALLIANCE_ABM_MAX_STEPS"
"""Environment variable that raises (or lowers) the most steps one run may be asked for."""

ENV_RUNS = "ALLIANCE_ABM_MAX_RUNS"
"""Environment variable that raises (or lowers) the most runs one sweep may plan."""

DEFAULT_MAX_STEPS = 1_000_000
"""Steps of one run allowed by default: hours at the default population, never forever."""

DEFAULT_MAX_RUNS = 1_000_000
"""Runs of one sweep allowed by default: far beyond any experiment here, far below memory."""


def _limit_from_env(variable: str, default: int) -> int:
    raw = os.environ.get(variable)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ResourceError(
            f"environment variable {variable} = {raw!r} is not allowed: expected a positive "
            "whole number")
    return value


def max_steps() -> int:
    """The most steps a run may be asked for (``ALLIANCE_ABM_MAX_STEPS``, default 1,000,000)."""
    return _limit_from_env(ENV_STEPS, DEFAULT_MAX_STEPS)


def max_runs() -> int:
    """The most runs a sweep may plan (``ALLIANCE_ABM_MAX_RUNS``, default 1,000,000)."""
    return _limit_from_env(ENV_RUNS, DEFAULT_MAX_RUNS)


def check_steps(steps: int, field: str = "steps") -> int:
    """Raise ResourceError if ``steps`` passes the limit; return it otherwise."""
    limit = max_steps()
    if steps > limit:
        raise ResourceError(
            f"'{field}' = {steps} is not allowed: more than the limit of {limit:,} steps per "
            f"run; raise it on purpose with {ENV_STEPS}=<steps>.")
    return steps


def check_runs(runs: int, field: str = "replicates") -> int:
    """Raise ResourceError if a sweep of ``runs`` runs passes the limit; return it otherwise."""
    limit = max_runs()
    if runs > limit:
        raise ResourceError(
            f"'{field}' gives {runs:,} runs, which is not allowed: more than the limit of "
            f"{limit:,} runs per sweep; raise it on purpose with {ENV_RUNS}=<runs>.")
    return runs
