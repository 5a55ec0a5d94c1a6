"""What is measured (DESIGN section 5): one dictionary of numbers per collection.

Mean trust, hostility and polarisation come in one pass from
``model.analysis.polarisation.trust_summary``, which reads the (N, N) trust matrix without a
full-size temporary (a 10,000-group trust matrix alone is 800 MB).
"""

from __future__ import annotations

import numpy as np

from model.analysis.components import alliance_shares
from model.mechanisms.identities import identity_codes, mean_domination
from model.mechanisms.movements import tie_density
from model.analysis.polarisation import trust_summary
from model.core.state import State

COUNTERS = ("encounters", "mediated", "virtuous", "hostile", "neutral",
            "signed", "renewed", "lapsed")
"""Per-step event counts; reported as means per step over each collection interval."""

METRICS = (
    "n_alliances", "share_allied", "largest_alliance_share", "n_stable_alliances",
    "largest_stable_alliance_share", "mean_trust", "hostility", "polarisation",
    "mean_openness", "mean_wariness", "structural_inequality", "active_contracts", "charter_coverage",
    "commons", "enemy_salience", "tie_density", "mean_resources",
) + tuple(f"{c}_per_step" for c in COUNTERS)


def charter_coverage(codes: np.ndarray, k: int, a: np.ndarray, b: np.ndarray) -> float:
    """Share of domination axes bridged by at least one active contract across the divide.

    ``codes`` are identity codes (bit x = dominated on axis x), so the axes a contract
    bridges are the bits of code_a XOR code_b.
    """
    if len(a) == 0:
        return 0.0
    bridged = int(np.bitwise_or.reduce(codes[a] ^ codes[b]))
    return bin(bridged).count("1") / k


def structural_inequality(state: State, base: float) -> float:
    """Size-weighted mean effective domination over ordered pairs (mitigation subtracted).

    ``base`` is the unmitigated mean (model.mechanisms.identities.mean_domination), fixed by identities.
    """
    c = state.contracts
    s = state.sizes
    norm = 1.0 - np.sum(s**2)
    a, b = c.live("a"), c.live("b")
    if len(a) == 0 or norm <= 0:
        return base
    mitigated = np.sum(s[a] * s[b] * (c.live("dom_ab") * c.live("mit_ab")
                                      + c.live("dom_ba") * c.live("mit_ba")))
    return float(base - mitigated / norm)


def compute_metrics(state: State, counts: dict, steps: int, codes: np.ndarray | None = None,
                    base_domination: float | None = None) -> dict:
    """All metrics of the current state; ``counts`` are event totals over ``steps`` steps.

    ``codes`` and ``base_domination`` depend only on identities; a model passes them in
    so they are not recomputed at every collection.
    """
    if codes is None:
        codes = identity_codes(state.sides)
    if base_domination is None:
        base_domination = mean_domination(state.sides, state.salience, state.sizes)
    c = state.contracts
    a, b = c.live("a"), c.live("b")
    shares = alliance_shares(state.alliance, state.sizes)
    stable = alliance_shares(state.stable_alliance, state.sizes)
    mean_trust, hostility, polarisation = trust_summary(state.trust, state.met)
    out = {
        "n_alliances": int(len(shares)),
        "share_allied": float(shares.sum()),
        "largest_alliance_share": float(shares.max()) if len(shares) else 0.0,
        "n_stable_alliances": int(len(stable)),
        "largest_stable_alliance_share": float(stable.max()) if len(stable) else 0.0,
        "mean_trust": mean_trust,
        "hostility": hostility,
        "polarisation": polarisation,
        "mean_openness": float(state.openness.sum()) / state.n,  # np.mean, less overhead
        "mean_wariness": float(state.wariness.sum()) / state.n,
        "structural_inequality": structural_inequality(state, base_domination),
        "active_contracts": int(len(a)),
        "charter_coverage": charter_coverage(codes, state.k, a, b),
        "commons": float(state.commons),
        "enemy_salience": float(state.enemy),
        "tie_density": tie_density(state.ties),
        "mean_resources": float(state.resources.sum()) / state.n,
    }
    for c in COUNTERS:
        out[f"{c}_per_step"] = counts.get(c, 0) / steps if steps else 0.0
    return out
