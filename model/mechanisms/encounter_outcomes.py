"""Context and outcome of an encounter: virtuous, hostile or neutral.

Muto (2009/2018): mediated interaction in a favourable context is virtuous; unmediated
interaction in a hostile, instigated context escalates hostility. The log-odds forms follow
contact theory's conditions (Allport 1954; Pettigrew and Tropp 2006: contact works better
under equal status and institutional support, here openness, trust and low domination).
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import LEAF, PREFETCH_AHEAD, kernel, leaf_sum, pairwise_sum, prefetch, ufunc

HOSTILE, NEUTRAL, VIRTUOUS = -1, 0, 1


def expected_trust(attitudes: np.ndarray, categories: np.ndarray, i: np.ndarray,
                   j: np.ndarray) -> np.ndarray:
    """What i expects of a group j it never met: its mean attitude toward j's categories."""
    return _expected(attitudes, categories, np.asarray(i, dtype=np.int64),
                     np.asarray(j, dtype=np.int64))


@kernel
def _expected(attitudes, categories, i, j):
    out = np.empty(len(i))
    row = np.empty(categories.shape[1])
    for e in range(len(i)):
        out[e] = _expectation(attitudes, categories, i[e], j[e], row)
    return out


@kernel
def _expectation(attitudes, categories, a, b, row):
    """a's mean attitude toward b's categories, summed in numpy's order (``row``: scratch)."""
    c = len(row)
    for x in range(c):
        row[x] = attitudes[a, categories[b, x]]
    return (leaf_sum(row, 0, c) if c <= LEAF else pairwise_sum(row, 0, c)) / c


def pair_trust(trust: np.ndarray, met: np.ndarray, attitudes: np.ndarray,
               categories: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Trust of i in j: remembered if they met, expected from attitudes otherwise."""
    return pair_trusts(trust, met, attitudes, categories, i, j)[0]


def pair_trusts(trust: np.ndarray, met: np.ndarray, attitudes: np.ndarray,
                categories: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trust of i in j and of j in i (see :func:`pair_trust`), in one pass over the pairs."""
    return _pair_trusts(trust, met, attitudes, categories, np.asarray(i, dtype=np.int64),
                        np.asarray(j, dtype=np.int64))


@kernel
def _pair_trusts(trust, met, attitudes, categories, i, j):
    t_ij = np.empty(len(i))
    t_ji = np.empty(len(i))
    row = np.empty(categories.shape[1])
    for e in range(len(i)):
        if e + PREFETCH_AHEAD < len(i):
            p, q = i[e + PREFETCH_AHEAD], j[e + PREFETCH_AHEAD]
            prefetch(met, p, q)
            prefetch(met, q, p)
            prefetch(trust, p, q)
            prefetch(trust, q, p)
        a, b = i[e], j[e]
        t_ij[e] = trust[a, b] if met[a, b] else _expectation(attitudes, categories, a, b, row)
        t_ji[e] = trust[b, a] if met[b, a] else _expectation(attitudes, categories, b, a, row)
    return t_ij, t_ji


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
def _virtuous(o_i, o_j, mean_trust, dom_sym, similarity, base, w_open, w_trust, bond, w_dom, w_sim):
    logit = (base + w_open * (o_i + o_j - 1.0) + w_trust * mean_trust + bond - w_dom * dom_sym
             + w_sim * similarity)
    return 1.0 / (1.0 + np.exp(-logit))


@ufunc("float64(float64, float64, float64, float64, float64, float64, float64, float64, "
            "float64)")
def _hostile(instigation, scarcity, dom_sym, mean_trust, base, w_inst, w_scarce, w_dom, w_trust):
    logit = base + w_inst * instigation + w_scarce * scarcity + w_dom * dom_sym - w_trust * mean_trust
    return 1.0 / (1.0 + np.exp(-logit))


def virtuous_probability(openness_i, openness_j, mean_trust, dom_sym, similarity, p) -> np.ndarray:
    """P(virtuous | mediated): rises with openness, trust, bond and similarity, falls with domination.

    The logistic of a weighted sum (the logistic function is scipy's ``expit``, written out
    so that it compiles into one pass)."""
    return _virtuous(openness_i, openness_j, mean_trust, dom_sym, similarity, p.virtuous_base,
                     p.openness_weight, p.trust_weight, p.bond, p.domination_weight,
                     p.cultural_similarity_weight)


def hostile_probability(instigation, scarcity, dom_sym, mean_trust, p) -> np.ndarray:
    """P(hostile | unmediated): rises with instigation, scarcity and domination, falls with trust."""
    return _hostile(instigation, scarcity, dom_sym, mean_trust, p.hostility_base,
                    p.instigation_weight, p.scarcity_weight, p.domination_weight, p.trust_weight)


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
