"""Contracts: agreements signed by trusting pairs, renewed or lapsed at punctuation points.

Muto (2009/2018): alliance building is a fluid process that needs times of punctuation,
when the parties negotiate terms; the resulting social contracts are renewable, and their
accumulation is a people's charter. Here a pair that just had a virtuous encounter and
trusts each other enough signs a contract for a fixed term; at the term's end it is renewed
if trust holds and domination inside the pair has been mitigated enough, else it lapses,
and a lapse costs trust.
"""

from __future__ import annotations

import numpy as np

from .identities import domination
from .outcomes import VIRTUOUS
from .state import Contracts


def virtuous_pairs(i: np.ndarray, j: np.ndarray, outcome: np.ndarray,
                   n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs (a < b) with at least one virtuous encounter, sorted by a * n + b."""
    v = outcome == VIRTUOUS
    a = np.minimum(i[v], j[v])
    b = np.maximum(i[v], j[v])
    keys = np.sort(a * n + b)
    if len(keys) > 1:  # np.unique, with less overhead
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys // n, keys % n


def mutual_trust(trust: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A contract needs both parties: the lower of the two directed trusts."""
    return np.minimum(trust[a, b], trust[b, a])


def pair_terms(a: np.ndarray, b: np.ndarray, sides: np.ndarray, salience: np.ndarray,
               economic_axes: np.ndarray, enemy_axis: int, nature_axis: int) -> dict:
    """The fixed terms of a pair's contract, read off their identities."""
    sa, sb = sides[a], sides[b]
    if len(economic_axes):
        complementarity = ((sa[:, economic_axes] != sb[:, economic_axes]).sum(axis=1, dtype=np.float64)
                           / len(economic_axes))  # the mean, less overhead
    else:
        complementarity = np.zeros(len(a))
    if nature_axis >= 0:
        voice_ab = (sa[:, nature_axis] == 0.0) & (sb[:, nature_axis] == 1.0)
        voice_ba = (sb[:, nature_axis] == 0.0) & (sa[:, nature_axis] == 1.0)
    else:
        voice_ab = voice_ba = np.zeros(len(a), dtype=bool)
    return dict(
        dom_ab=domination(sa, sb, salience), dom_ba=domination(sb, sa, salience),
        complementarity=complementarity,
        shares_enemy=(sa[:, enemy_axis] == 1.0) & (sb[:, enemy_axis] == 1.0),
        nature_voice_ab=voice_ab, nature_voice_ba=voice_ba,
    )


def sign(contracts: Contracts, a: np.ndarray, b: np.ndarray, t: int, term: int,
         terms: dict) -> np.ndarray:
    """Add new active contracts (no mitigation or interdependence yet)."""
    n = len(a)
    return contracts.add(
        a=a, b=b, start=np.full(n, t), due=np.full(n, t + term), renewals=np.zeros(n),
        first_renewal=np.full(n, -1), ended=np.full(n, -1),
        mit_ab=np.zeros(n), mit_ba=np.zeros(n), interdependence=np.zeros(n), **terms,
    )


def residual_domination(contracts: Contracts, rows: np.ndarray) -> np.ndarray:
    """Domination left unmitigated inside each pair, both directions (rows of the live columns)."""
    c = contracts
    return (c.live("dom_ab")[rows] * (1.0 - c.live("mit_ab")[rows])
            + c.live("dom_ba")[rows] * (1.0 - c.live("mit_ba")[rows]))


def due_now(contracts: Contracts, t: int) -> np.ndarray:
    """Active contracts that reach a punctuation point at step t: their live rows, in id order."""
    return np.flatnonzero(contracts.live("due") == t)


def renewal_ok(min_trust: np.ndarray, threshold: np.ndarray, residual: np.ndarray,
               max_residual: float) -> np.ndarray:
    """Renew when trust holds and domination inside the pair is mitigated enough."""
    return (min_trust >= threshold) & (residual <= max_residual)


def renew(contracts: Contracts, rows: np.ndarray, t: int, term: int) -> None:
    """Extend contracts (rows of the live columns) by a term; a first renewal is dated."""
    if contracts.date_first_renewal(rows, t):
        contracts.renewed_version += 1
    contracts.live("renewals")[rows] += 1
    contracts.live("due")[rows] = t + term


def lapse(contracts: Contracts, rows: np.ndarray, t: int, trust: np.ndarray, cost: float) -> None:
    """End contracts (rows of the live columns); each party loses ``cost`` of the way to
    full distrust of the other."""
    a, b = contracts.live("a")[rows], contracts.live("b")[rows]
    contracts.end(contracts.active_ids[rows], t)
    trust[a, b] -= cost * (1.0 + trust[a, b])
    trust[b, a] -= cost * (1.0 + trust[b, a])
