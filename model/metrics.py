"""What is measured (DESIGN section 5): one dictionary of numbers per collection.

Trust-based measures run over the (N, N) arrays in row blocks so that no full-size
temporary is made: a 10,000-group trust matrix alone is 800 MB.
"""

from __future__ import annotations

import numpy as np

from .alliances import alliance_shares
from .identities import mean_domination
from .movements import tie_density
from .polarisation import merge_moments, polarisation_from_moments, sample_moments
from .state import State

COUNTERS = ("encounters", "mediated", "virtuous", "hostile", "neutral",
            "signed", "renewed", "lapsed")
"""Per-step event counts; reported as means per step over each collection interval."""

METRICS = (
    "n_alliances", "share_allied", "largest_alliance_share", "n_stable_alliances",
    "largest_stable_alliance_share", "mean_trust", "hostility", "polarisation",
    "mean_openness", "structural_inequality", "active_contracts", "charter_coverage",
    "commons", "enemy_salience", "tie_density", "mean_resources",
) + tuple(f"{c}_per_step" for c in COUNTERS)

_BLOCK = 1 << 20


def trust_summary(trust: np.ndarray, met: np.ndarray) -> tuple[float, float, float]:
    """Mean trust over directed pairs that met, share of met pairs that are hostile, and
    trust polarisation (model.polarisation), in one pass over row blocks.

    A pair is hostile when its mean mutual trust (t_ij + t_ji) / 2 is below zero.
    """
    n = len(trust)
    rows = max(1, _BLOCK // max(n, 1))
    moments = sample_moments(np.zeros(0))
    hostile = pairs = 0
    cols = np.arange(n)
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        m = met[r0:r1]
        t = trust[r0:r1]
        moments = merge_moments(moments, sample_moments(t[m]))
        upper = m & (cols[None, :] > cols[r0:r1, None])
        hostile += np.count_nonzero((t + trust[:, r0:r1].T)[upper] < 0.0)
        pairs += np.count_nonzero(upper)
    return (float(moments.mean) if moments.n else 0.0, hostile / pairs if pairs else 0.0,
            polarisation_from_moments(moments))


def charter_coverage(state: State, active: np.ndarray) -> float:
    """Share of domination axes bridged by at least one active contract across the divide."""
    c = state.contracts
    if len(active) == 0:
        return 0.0
    across = state.sides[c.a[active]] != state.sides[c.b[active]]
    return float(np.mean(np.any(across, axis=0)))


def structural_inequality(state: State, active: np.ndarray) -> float:
    """Size-weighted mean effective domination over ordered pairs (mitigation subtracted)."""
    c = state.contracts
    s = state.sizes
    base = mean_domination(state.sides, state.salience, s)
    norm = 1.0 - np.sum(s**2)
    if len(active) == 0 or norm <= 0:
        return base
    a, b = c.a[active], c.b[active]
    mitigated = np.sum(s[a] * s[b] * (c.dom_ab[active] * c.mit_ab[active]
                                      + c.dom_ba[active] * c.mit_ba[active]))
    return float(base - mitigated / norm)


def compute_metrics(state: State, counts: dict, steps: int) -> dict:
    """All metrics of the current state; ``counts`` are event totals over ``steps`` steps."""
    active = state.contracts.active_ids
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
        "mean_openness": float(np.mean(state.openness)),
        "structural_inequality": structural_inequality(state, active),
        "active_contracts": int(len(active)),
        "charter_coverage": charter_coverage(state, active),
        "commons": float(state.commons),
        "enemy_salience": float(state.enemy),
        "tie_density": tie_density(state.ties),
        "mean_resources": float(np.mean(state.resources)),
    }
    for c in COUNTERS:
        out[f"{c}_per_step"] = counts.get(c, 0) / steps if steps else 0.0
    return out
