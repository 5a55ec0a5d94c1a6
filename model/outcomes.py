"""Context and outcome of an encounter: virtuous, hostile or neutral.

Muto (2009/2018): mediated interaction in a favourable context is virtuous; unmediated
interaction in a hostile, instigated context escalates hostility. The log-odds forms follow
contact theory's conditions (Allport 1954; Pettigrew and Tropp 2006: contact works better
under equal status and institutional support, here openness, trust and low domination).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

HOSTILE, NEUTRAL, VIRTUOUS = -1, 0, 1


def expected_trust(attitudes: np.ndarray, categories: np.ndarray, i: np.ndarray,
                   j: np.ndarray) -> np.ndarray:
    """What i expects of a group j it never met: its mean attitude toward j's categories."""
    cats = categories[j]
    return attitudes[i[:, None], cats].sum(axis=1) / cats.shape[1]  # the mean, less overhead


def pair_trust(trust: np.ndarray, met: np.ndarray, attitudes: np.ndarray,
               categories: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Trust of i in j: remembered if they met, expected from attitudes otherwise."""
    n = trust.shape[1]
    key = i * n + j
    out = trust.reshape(-1)[key]
    new = np.flatnonzero(~met.reshape(-1)[key])
    if len(new):
        out[new] = expected_trust(attitudes, categories, i[new], j[new])
    return out


def cultural_similarity(traits: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Share of cultural traits two groups share, mapped to [-1, 1] (0 without traits)."""
    if traits.shape[1] == 0:
        return np.zeros(len(i))
    return 2.0 * ((traits[i] == traits[j]).sum(axis=1, dtype=np.float64) / traits.shape[1]) - 1.0


def virtuous_probability(openness_i, openness_j, mean_trust, dom_sym, similarity, p) -> np.ndarray:
    """P(virtuous | mediated): rises with openness, trust, bond and similarity, falls with domination."""
    logit = (p.virtuous_base + p.openness_weight * (openness_i + openness_j - 1.0)
             + p.trust_weight * mean_trust + p.bond - p.domination_weight * dom_sym
             + p.cultural_similarity_weight * similarity)
    return expit(logit)


def hostile_probability(instigation, scarcity, dom_sym, mean_trust, p) -> np.ndarray:
    """P(hostile | unmediated): rises with instigation, scarcity and domination, falls with trust."""
    logit = (p.hostility_base + p.instigation_weight * instigation + p.scarcity_weight * scarcity
             + p.domination_weight * dom_sym - p.trust_weight * mean_trust)
    return expit(logit)


def classify(mediated: np.ndarray, p_virtuous: np.ndarray, p_hostile: np.ndarray,
             u_outcome: np.ndarray) -> np.ndarray:
    """Outcome codes: mediated -> virtuous or neutral; unmediated -> hostile or neutral."""
    return np.where(mediated, np.where(u_outcome < p_virtuous, VIRTUOUS, NEUTRAL),
                    np.where(u_outcome < p_hostile, HOSTILE, NEUTRAL)).astype(np.int64)
