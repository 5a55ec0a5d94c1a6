"""Common enemy: an exogenous threat that eases alliances among the groups it dominates.

Muto (2009/2018) notes that the war and neoliberal globalisation gave movements a focus,
and that once that stimulus faded the question became how people constitute themselves
among themselves. The enemy's salience follows a schedule (constant, fading, pulse) and
lowers contract and renewal thresholds among groups dominated on the enemy's axis.
"""

from __future__ import annotations

import math


def enemy_salience(schedule: str, peak: float, onset: int, fade_time: float,
                   duration: int, t: int) -> float:
    """Salience of the common enemy at step t."""
    if schedule == "constant":
        return peak
    if schedule == "fading":
        return peak if t < onset else peak * math.exp(-(t - onset) / fade_time)
    if schedule == "pulse":
        return peak if onset <= t < onset + duration else 0.0
    raise ValueError(f"unknown enemy_schedule {schedule!r}")


def threshold_relief(effect: float, salience: float, shares_enemy):
    """How much the enemy lowers a pair's threshold: effect * salience if both are its targets."""
    return effect * salience * shares_enemy
