"""Common enemy: an exogenous threat that eases alliances among the groups it dominates.

Muto (2009/2018) notes that the war and neoliberal globalisation gave movements a focus,
and that once that stimulus faded the question became how people constitute themselves
among themselves. The enemy's salience follows a schedule (constant, fading, pulse); among
groups dominated on the enemy's axis it makes encounters friendlier (a shared threat
favours solidarity, Sherif 1966's superordinate goals) and lowers contract and renewal
thresholds.
"""

from __future__ import annotations

import math

import numpy as np

from model.numerics.jit import kernel


def salience_at(t: int, enemy_schedule: str, enemy_salience: float, enemy_onset: int,
                enemy_fade_time: float, enemy_duration: int) -> float:
    """Salience of the common enemy at step t: ``enemy_salience`` at its peak, constant,
    fading exponentially after the onset, or a pulse of ``enemy_duration`` steps."""
    if enemy_schedule == "constant":
        return enemy_salience
    if enemy_schedule == "fading":
        if t < enemy_onset:
            return enemy_salience
        return enemy_salience * math.exp(-(t - enemy_onset) / enemy_fade_time)
    if enemy_schedule == "pulse":
        return enemy_salience if enemy_onset <= t < enemy_onset + enemy_duration else 0.0
    raise ValueError(f"unknown enemy_schedule {enemy_schedule!r}")


def threshold_relief(enemy_effect: float, salience: float, shares_enemy):
    """How much the enemy lowers a pair's contract or renewal threshold: effect times the
    enemy's salience now, where both parties are its targets (``shares_enemy``)."""
    return enemy_effect * salience * shares_enemy


@kernel
def enemy_bond(sides: np.ndarray, i: np.ndarray, j: np.ndarray, enemy_axis: int,
               salience: float) -> np.ndarray:
    """The enemy's salience for encounters between two of its targets (both dominated on
    its axis), 0 for the others: what a shared threat adds to an encounter's context."""
    out = np.zeros(len(i))
    if salience == 0.0:
        return out
    for e in range(len(i)):
        if sides[i[e], enemy_axis] == 1.0 and sides[j[e], enemy_axis] == 1.0:
            out[e] = salience
    return out
