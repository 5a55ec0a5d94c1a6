"""Context and outcome of an encounter: virtuous, neutral or hostile.

Muto (2009/2018): mediated interaction in a favourable context is virtuous; unmediated
interaction in a hostile, instigated context escalates hostility. The log-odds forms follow
contact theory's conditions (Allport 1954; Pettigrew and Tropp 2006: contact works better
under equal status and institutional support, here openness, trust and low domination).
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel, ufunc

HOSTILE, NEUTRAL, VIRTUOUS = -1, 0, 1
"""Outcome codes of an encounter."""


@kernel
def cultural_similarity(traits: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Share of cultural traits two groups share, mapped to [-1, 1] (0 without traits)."""
    t = traits.shape[1]
    out = np.zeros(len(i))
    if t == 0:
        return out
    for e in range(len(i)):
        same = 0
        for x in range(t):
            same += traits[i[e], x] == traits[j[e], x]
        out[e] = 2.0 * (same / t) - 1.0
    return out


@ufunc("float64(float64, float64, float64, float64, float64, float64, float64, float64, "
       "float64, float64, float64)")
def virtuous_probability(openness_i, openness_j, mean_trust, domination, similarity,
                         virtuous_base, openness_weight, trust_weight, bond, domination_weight,
                         cultural_similarity_weight):
    """P(virtuous | mediated): rises with openness, trust, bond and similarity, falls with
    effective domination (``domination`` = D_ij + D_ji after mitigation).

    The logistic of a weighted sum (scipy's ``expit``, written out so that it compiles into
    one pass)."""
    logit = (virtuous_base + openness_weight * (openness_i + openness_j - 1.0)
             + trust_weight * mean_trust + bond - domination_weight * domination
             + cultural_similarity_weight * similarity)
    return 1.0 / (1.0 + np.exp(-logit))


@ufunc("float64(float64, float64, float64, float64, float64, float64, float64, float64, "
       "float64)")
def hostile_probability(pressure, scarcity, domination, mean_trust, hostility_base,
                        instigation_weight, scarcity_weight, domination_weight, trust_weight):
    """P(hostile | unmediated): rises with instigation ``pressure``, commons scarcity and
    effective domination, falls with trust."""
    logit = (hostility_base + instigation_weight * pressure + scarcity_weight * scarcity
             + domination_weight * domination - trust_weight * mean_trust)
    return 1.0 / (1.0 + np.exp(-logit))


@ufunc("int64(boolean, float64, float64, float64)")
def classify(mediated, p_virtuous, p_hostile, u_outcome):
    """Outcome codes: mediated -> virtuous or neutral; unmediated -> hostile or neutral."""
    if mediated:
        return VIRTUOUS if u_outcome < p_virtuous else NEUTRAL
    return HOSTILE if u_outcome < p_hostile else NEUTRAL


@kernel
def tally(outcome: np.ndarray) -> tuple[int, int, int]:
    """How many encounters were hostile, neutral and virtuous."""
    counts = np.zeros(3, dtype=np.int64)
    for code in outcome:
        counts[code - HOSTILE] += 1
    return counts[0], counts[1], counts[2]
