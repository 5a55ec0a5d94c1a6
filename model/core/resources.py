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
