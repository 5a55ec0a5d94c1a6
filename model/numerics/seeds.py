"""What a random seed may be, said once for every layer (model, analysis, command lines).

numpy and Mesa take any whole number >= 0, but result tables (a sweep's Parquet files, the
dashboard's CSV) keep seeds in 64-bit signed integer columns, so a seed is a whole number
from 0 to 2**63 - 1: every seed a run accepts can be written down and run again.
"""

from __future__ import annotations

import numbers

SEED_HIGH = 2**63 - 1
"""Largest seed: the largest value of a 64-bit signed integer column."""

SEED_ALLOWED = f"a whole number in [0, 2**63 - 1] = [0, {SEED_HIGH}]"
"""What a seed may be, as error messages say it."""


def is_seed(value) -> bool:
    """True for a whole number (Python or numpy integer, not a bool) in [0, SEED_HIGH]."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return False
    return isinstance(value, numbers.Integral) and 0 <= int(value) <= SEED_HIGH
