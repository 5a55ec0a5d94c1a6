"""Context and outcome of an encounter: virtuous, neutral or hostile, for every encounter.

Muto (2009/2018) argues that mediation makes interaction virtuous and that unmediated,
instigated contact turns vicious; the model tests this rather than assuming it. Every
encounter draws its outcome from one ordered logit (McCullagh 1980) over a latent
propensity: the context sets it (Allport's 1954 conditions; Pettigrew and Tropp 2006:
contact reduces prejudice even without them, more with them), mediation shifts it and can
backfire as imposition across a large unmitigated status gap.
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
       "boolean, float64, float64, float64, float64, float64, float64, float64, float64, "
       "float64, float64)")
def propensity(openness_i, openness_j, mean_trust, domination, similarity, pressure,
               scarcity, enemy_bond, mediated, openness_weight, trust_weight, bond,
               domination_weight, cultural_similarity_weight, instigation_weight,
               scarcity_weight, enemy_solidarity, mediation_effect, imposition_weight):
    """Latent propensity of an encounter toward a virtuous outcome (the ordered logit's eta).

    Context: openness of both groups, mutual trust, the bond and cultural similarity, and a
    common enemy both parties face (``enemy_bond`` = salience if both are its targets, else
    0) raise it; effective ``domination`` (D_ij + D_ji after mitigation), instigation
    ``pressure`` and felt ``scarcity`` lower it. Mediation supplies Allport's conditions,
    ``mediation_effect``, but across an unmitigated status gap it turns into imposition:
    its net shift ``mediation_effect - imposition_weight * domination`` is negative above
    the gap ``mediation_effect / imposition_weight``.
    """
    eta = (openness_weight * (openness_i + openness_j - 1.0) + trust_weight * mean_trust + bond
           + cultural_similarity_weight * similarity + enemy_solidarity * enemy_bond
           - domination_weight * domination - instigation_weight * pressure
           - scarcity_weight * scarcity)
    if mediated:
        eta += mediation_effect - imposition_weight * domination
    return eta


@kernel
def _logistic(x: float) -> float:
    """scipy's ``expit``, written out so that the kernels calling it compile into one pass."""
    return 1.0 / (1.0 + np.exp(-x))


@ufunc("float64(float64, float64)")
def virtuous_probability(eta, virtuous_base):
    """P(virtuous) = expit(virtuous_base + eta) (ordered logit, upper category)."""
    return _logistic(virtuous_base + eta)


@ufunc("float64(float64, float64)")
def hostile_probability(eta, hostility_base):
    """P(hostile) = expit(hostility_base - eta) (ordered logit, lower category)."""
    return _logistic(hostility_base - eta)


@ufunc("int64(float64, float64, float64, float64)")
def classify(eta, virtuous_base, hostility_base, u_outcome):
    """Outcome of an ordered logit with cutpoints hostility_base < -virtuous_base: hostile
    when u < P(hostile), virtuous when u >= 1 - P(virtuous), neutral between.

    One uniform draw per encounter is the logistic error of the latent propensity
    (logit(u) + eta against the two cutpoints), so any encounter, mediated or not, can end
    any of the three ways; the context and mediation only move the odds (McCullagh 1980).
    """
    if u_outcome < _logistic(hostility_base - eta):
        return HOSTILE
    if u_outcome >= 1.0 - _logistic(virtuous_base + eta):
        return VIRTUOUS
    return NEUTRAL


@kernel
def tally(outcome: np.ndarray) -> tuple[int, int, int]:
    """How many encounters were hostile, neutral and virtuous."""
    counts = np.zeros(3, dtype=np.int64)
    for code in outcome:
        counts[code - HOSTILE] += 1
    return counts[0], counts[1], counts[2]
