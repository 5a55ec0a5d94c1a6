"""Alliances (``model/analysis/components.py``): connected components of the active-contract
graph (union-find), and stable alliances.

Muto (2009/2018): contracts renewed as relations change accumulate into a people's charter;
an alliance is the set of groups linked, directly or through others, by active contracts.

Definition (the run's headline outcome, also in docs/ODD.md): a *stable alliance* is a set
of groups connected, at one step, by active contracts each of which has been renewed at
least once, with at least ``stable_alliance_min_size`` groups and at least
``stable_alliance_min_share`` of the population. Renewal needs trust that held for a whole
term and domination mitigated enough (structural change), so these are the contracts
"renewed under structural change" of the design. A run *formed a stable alliance* if one
existed at any step.
"""

from __future__ import annotations

import numpy as np

from model.numerics.jit import kernel


def component_roots(n: int, a: np.ndarray, b: np.ndarray, roots: np.ndarray | None = None) -> np.ndarray:
    """Smallest member of each group's connected component.

    Union-find in which each edge hooks the larger of its two roots under the smaller, so
    parent[x] <= x always holds and each component ends rooted at its smallest member (the
    roots are a function of the graph alone, not of the edge order). Given the ``roots`` of
    a graph (as this function returns them: each group's own root), returns those of that
    graph plus the edges (a, b), so added edges cost only their own number.
    """
    return spanning_forest(n, a, b, roots)[0]


def spanning_forest(n: int, a: np.ndarray, b: np.ndarray, roots: np.ndarray | None = None,
                    first: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``component_roots``, and a mask of the edges that joined two components: a spanning
    forest of the graph (of the added edges, given ``roots``). The edges at rows ``first``
    are hooked before the others.

    Removing an edge outside the forest changes no component, and the union stops once all
    groups with an edge are joined; so after edges were removed, hooking the surviving forest
    edges first (``roots_after_removal``) makes a dense graph cost little more than its forest.
    """
    parent = np.arange(n, dtype=np.int64) if roots is None else roots.astype(np.int64, copy=True)
    first = np.zeros(0, dtype=np.int64) if first is None else np.asarray(first, dtype=np.int64)
    joined = _union(parent, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), first)
    return parent, joined


def roots_after_removal(n: int, a: np.ndarray, b: np.ndarray, ids: np.ndarray,
                        forest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Roots of the graph of edges (a, b), with ascending edge ``ids``, and the ids of a new
    spanning forest, given the ids of the ``forest`` of an earlier graph from which edges have
    since been removed (and others added): its surviving edges are hooked first."""
    pos = np.searchsorted(ids, forest)
    present = pos < len(ids)
    present[present] = ids[pos[present]] == forest[present]
    roots, joined = spanning_forest(n, a, b, first=pos[present])
    return roots, ids[joined]


def forest_intact(forest: np.ndarray, ended: np.ndarray | None) -> bool:
    """No edge of the spanning ``forest`` (ascending ids) is among the ``ended`` ids, so their
    ending changed no component; False when what ended is unknown (None)."""
    if ended is None:
        return False
    if len(forest) == 0 or len(ended) == 0:
        return True
    pos = np.minimum(np.searchsorted(forest, ended), len(forest) - 1)
    return not np.any(forest[pos] == ended)


@kernel
def _union(parent, a, b, first):
    """Hook the edges at rows ``first``, then every edge; stop early once all groups that
    have an edge share one root (the rest of the edges then join nothing), as happens fast
    in a dense contract graph. Returns which edges joined two components."""
    n = len(parent)
    joined = np.zeros(len(a), dtype=np.bool_)
    has_edge = np.zeros(n, dtype=np.bool_)
    for e in range(len(a)):
        has_edge[a[e]] = True
        has_edge[b[e]] = True
    counted = np.zeros(n, dtype=np.bool_)
    components = 0  # distinct roots of the groups with an edge (parent holds roots here)
    for x in range(n):
        if has_edge[x] and not counted[parent[x]]:
            counted[parent[x]] = True
            components += 1
    for k in range(len(first) + len(a)):
        if components <= 1:
            break
        e = first[k] if k < len(first) else k - len(first)
        x, y = a[e], b[e]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x != y:
            parent[max(x, y)] = min(x, y)
            components -= 1
            joined[e] = True
    for x in range(len(parent)):
        parent[x] = parent[parent[x]]
    return joined


def labels_from_roots(root: np.ndarray, min_size: int = 2) -> np.ndarray:
    """Component labels (ordered by smallest member) from component roots, -1 for
    components smaller than ``min_size`` (and for groups alone)."""
    return _labels(np.asarray(root, dtype=np.int64), max(int(min_size), 2))


@kernel
def _labels(root, min_size):
    n = len(root)
    size = np.zeros(n, dtype=np.int64)
    for x in range(n):
        size[root[x]] += 1
    relabel = np.full(n, -1, dtype=np.int64)
    label = 0
    for x in range(n):
        if root[x] == x and size[x] >= min_size:  # a root is its own parent
            relabel[x] = label
            label += 1
    out = np.empty(n, dtype=np.int64)
    for x in range(n):
        out[x] = relabel[root[x]]
    return out


def components(n: int, a: np.ndarray, b: np.ndarray, min_size: int = 2) -> np.ndarray:
    """Label each group by its component (labels ordered by smallest member), -1 if alone.

    Components smaller than ``min_size`` are labelled -1 too.
    """
    if len(a) == 0:
        return np.full(n, -1, dtype=np.int64)
    return labels_from_roots(component_roots(n, a, b), min_size)


@kernel
def alliance_shares(labels: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Population share of each alliance, indexed by label (summed in group order, as
    ``np.bincount`` does)."""
    out = np.zeros(max(labels.max() + 1, 0) if len(labels) else 0)
    for g in range(len(labels)):
        if labels[g] >= 0:
            out[labels[g]] += sizes[g]
    return out


def stable_components(n: int, a: np.ndarray, b: np.ndarray, sizes: np.ndarray, min_size: int,
                      min_share: float) -> np.ndarray:
    """Components of the given (renewed, active) contracts that are big enough to count."""
    return big_enough(components(n, a, b, min_size), sizes, min_share)


@kernel
def big_enough(labels: np.ndarray, sizes: np.ndarray, min_share: float) -> np.ndarray:
    """Keep the labelled components with at least ``min_share`` of the population, relabelled."""
    share = alliance_shares(labels, sizes)
    relabel = np.full(len(share), -1, dtype=np.int64)
    kept = 0
    for x in range(len(share)):
        if share[x] >= min_share - 1e-12:
            relabel[x] = kept
            kept += 1
    out = np.full(len(labels), -1, dtype=np.int64)
    for g in range(len(labels)):
        if labels[g] >= 0:
            out[g] = relabel[labels[g]]
    return out


def stable_labels(n: int, a: np.ndarray, b: np.ndarray, renewals: np.ndarray,
                  sizes: np.ndarray, min_size: int, min_share: float, *,
                  min_renewals: int) -> np.ndarray:
    """Stable alliances now: big enough components of the given active contracts that
    have been renewed at least ``min_renewals`` times (they outlived that many terms)."""
    keep = np.asarray(renewals) >= min_renewals
    return stable_components(n, a[keep], b[keep], sizes, min_size, min_share)


def stable_alliance_history(n: int, a, b, qualified, ended, min_size: int,
                            sizes=None, min_share: float = 0.0):
    """Largest stable alliance (groups, population share) at every step where it could change.

    Works on a contract history alone (the model's or a hand-made one): contract c counts
    from step ``qualified[c]``, when it had been renewed as often as a stable alliance
    asks (the model's ``qualified`` column; -1 = never), until ``ended[c]`` (exclusive; -1 =
    still active). ``sizes`` default to equal shares. Returns (steps, groups, share), zeros
    when no stable alliance exists at a step.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    qualified, ended = np.asarray(qualified), np.asarray(ended)
    sizes = np.full(n, 1.0 / n) if sizes is None else np.asarray(sizes, dtype=float)
    renewed = qualified >= 0
    events = np.unique(np.concatenate([qualified[renewed], ended[renewed & (ended >= 0)]]))
    groups, shares = [], []
    for t in events:
        live = renewed & (qualified <= t) & ((ended < 0) | (ended > t))
        labels = stable_components(n, a[live], b[live], sizes, min_size, min_share)
        inside = labels >= 0
        groups.append(int(np.bincount(labels[inside]).max()) if np.any(inside) else 0)
        shares.append(float(alliance_shares(labels, sizes).max()) if np.any(inside) else 0.0)
    return events, np.array(groups, dtype=np.int64), np.array(shares)


def stable_alliance_formed(n: int, a, b, qualified, ended, min_size: int,
                           sizes=None, min_share: float = 0.0) -> bool:
    """Headline outcome: did a stable alliance exist at any step of this contract history?"""
    _, groups, _ = stable_alliance_history(n, a, b, qualified, ended, min_size, sizes, min_share)
    return bool(np.any(groups > 0))
