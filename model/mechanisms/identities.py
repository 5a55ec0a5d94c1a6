"""Intersecting identities: positions on domination axes, cultural traits, categories.

Muto (2009/2018) describes people's groups divided along many historic lines of domination
(North-South, gender, class, ...) whose identities overlap and intersect. Here each group
sits on the dominant or dominated side of K axes; a faultline-alignment parameter sets how
far the axes line up into one split (strong faultlines, Lau and Murnighan 1998) or cut
across one another.
"""

from __future__ import annotations

import numpy as np


def draw_sides(alignment: float, dominated_share: float, u_master: np.ndarray,
               u_copy: np.ndarray, u_own: np.ndarray) -> np.ndarray:
    """Sides (1.0 = dominated) of N groups on K axes from uniform draws.

    Each group has a master side; on each axis it takes the master side with probability
    ``alignment`` and an independent side otherwise. Both are dominated with probability
    ``dominated_share``, so the marginal share dominated on every axis is the same whatever
    the alignment, and only the correlation between axes changes.
    """
    master = u_master[:, None] < dominated_share
    own = u_own < dominated_share
    return np.where(u_copy < alignment, master, own).astype(np.float64)


def draw_traits(alignment: float, trait_values: int, master_side: np.ndarray,
                u_copy: np.ndarray, u_value: np.ndarray) -> np.ndarray:
    """Cultural trait values (N, T): aligned with the master split with prob ``alignment``."""
    own = np.floor(u_value * trait_values).astype(np.int64)
    aligned = master_side.astype(np.int64)[:, None] * np.ones_like(own)
    return np.where(u_copy < alignment, aligned, own)


def category_index(sides: np.ndarray, traits: np.ndarray, trait_values: int) -> tuple[np.ndarray, int]:
    """Category of each group on each axis (2 per axis) and trait (``trait_values`` each).

    Categories are what attitudes are held toward: contact with one group generalises to
    the categories it belongs to (secondary transfer, Pettigrew 2009).
    """
    n, k = sides.shape
    t = traits.shape[1]
    axis_cats = 2 * np.arange(k)[None, :] + sides.astype(np.int64)
    trait_cats = 2 * k + trait_values * np.arange(t)[None, :] + traits
    cats = np.concatenate([axis_cats, trait_cats], axis=1) if t else axis_cats
    return cats.astype(np.int64), 2 * k + trait_values * t


def domination(sides_i: np.ndarray, sides_j: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Salience-weighted share of axes on which i is dominant and j dominated.

    Works row-wise on paired arrays (E, K) -> (E,), the imposed hierarchical tie of i over j.
    """
    return ((1.0 - sides_i) * sides_j) @ salience


def identity_codes(sides: np.ndarray) -> np.ndarray:
    """Each group's sides as one integer (bit a = dominated on axis a): 2**K identities."""
    return (sides.astype(np.int64) << np.arange(sides.shape[1])).sum(axis=1)


def domination_table(k: int, salience: np.ndarray) -> np.ndarray:
    """D between every pair of identity codes, so D[i, j] = table[code_i, code_j].

    With at most 2**7 identities, the table is tiny and turns domination into one gather.
    """
    bits = ((np.arange(2**k)[:, None] >> np.arange(k)) & 1).astype(np.float64)
    return ((1.0 - bits) * salience) @ bits.T


def domination_matrix(sides: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Full (N, N) domination matrix D[i, j]; for analysis of small populations only."""
    return ((1.0 - sides) * salience) @ sides.T


def mean_domination(sides: np.ndarray, salience: np.ndarray, sizes: np.ndarray) -> float:
    """Size-weighted mean of D[i, j] over ordered pairs i != j, without forming D."""
    dom = (1.0 - sides) * salience
    total = (sizes @ dom) @ (sizes @ sides)
    own = np.sum(sizes**2 * np.sum(dom * sides, axis=1))
    norm = 1.0 - np.sum(sizes**2)
    return float((total - own) / norm) if norm > 0 else 0.0
