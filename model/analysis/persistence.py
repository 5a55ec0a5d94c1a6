"""Alliance persistence and renewal, measured from a run's contract history alone
(``model/analysis/persistence.py``).

Muto (2009/2018) describes a people's alliance as a process that is continually formed and
renewed; whether alliances *last* is therefore an outcome of its own, not only whether one
forms (docs/ODD.md 7.14, 7.15). This module reconstructs every alliance's birth, death and
membership from a contract history (the model's, or any hand-made table with the same
columns), tracks alliance identity across steps by membership overlap (Jaccard 1912),
summarises lifetimes with censoring (``model.analysis.survival``), compares consecutive alliance
partitions with the adjusted Rand index (Hubert and Arabie 1985), and measures renewal.

A contract is active at step t when ``start <= t`` and (``ended < 0`` or ``ended > t``): it
was signed at step ``start`` and lapsed at step ``ended`` (-1 = still active at the end).
An alliance at step t is a connected component (>= 2 groups) of the active-contract graph
(``model.analysis.components.components``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.analysis.components import components
from model.analysis.survival import median_lifetime

ALLIANCE_COLUMNS = ("alliance", "birth", "death", "censored", "lifetime", "size_at_birth",
                    "peak_size", "peak_share", "fate")


@dataclass(frozen=True)
class AllianceHistory:
    """Alliances reconstructed from a contract history (see :func:`alliance_history`).

    Attributes
    ----------
    steps : numpy.ndarray
        The observed steps, increasing.
    labels : numpy.ndarray
        ``(len(steps), n)`` alliance identity of each group at each observed step, -1 when
        the group is in no alliance.
    alliances : pandas.DataFrame
        One row per alliance identity: ``alliance``, ``birth`` (first observed step),
        ``death`` (first observed step at which it is no longer there; -1 when censored),
        ``censored`` (still alive at the last observed step), ``lifetime`` (``death -
        birth``, or ``last step - birth`` when censored, meaning "longer than this"),
        ``size_at_birth``, ``peak_size`` (groups), ``peak_share`` (population share) and
        ``fate`` ("merged", "split", "dissolved" or "censored"; see :func:`death_fates`).
    threshold : float
        The Jaccard threshold used for tracking.
    """

    steps: np.ndarray
    labels: np.ndarray
    alliances: pd.DataFrame
    threshold: float

    def membership(self) -> pd.DataFrame:
        """Tidy membership over time: one row (step, alliance, group) per allied group."""
        row, group = np.nonzero(self.labels >= 0)
        return pd.DataFrame({"step": self.steps[row], "alliance": self.labels[row, group],
                             "group": group})

    def partition(self, step: int) -> np.ndarray:
        """Alliance identity of each group at an observed step (-1 = unallied)."""
        k = np.searchsorted(self.steps, step)
        if k == len(self.steps) or self.steps[k] != step:
            raise KeyError(f"step {step} was not observed")
        return self.labels[k]


CONTRACT_TABLE = {
    "a": "one party: an integer id (a float only if whole) or a name; required",
    "b": "the other party, as ``a``, and not the same as ``a``; required",
    "start": "step (whole number >= 0) at which the contract was signed; required",
    "ended": "step at which it lapsed, >= start; -1 or missing = still active (default -1)",
    "renewals": "times it was renewed, a whole number >= 0 (default 0)",
}
"""The columns a contract table from outside the model may have; others are ignored."""


def contract_columns(table) -> tuple[dict[str, np.ndarray], list]:
    """Check a contract table from anywhere (a mapping of columns or a DataFrame) against
    :data:`CONTRACT_TABLE` and return its columns as integer arrays, with the party names
    when ids are names (group i is ``names[i]``, sorted), else an empty list.

    Every problem is listed in one ``ValueError``, naming the column, the row and the value.
    """
    frame = table
    if not isinstance(table, pd.DataFrame):
        columns = {k: pd.Series(v if np.ndim(v) else [v]) for k, v in dict(table).items()}
        lengths = {k: len(v) for k, v in columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"contract table: columns have different lengths: {lengths}")
        frame = pd.DataFrame(columns)
    problems = [f"column {name!r} is missing ({CONTRACT_TABLE[name]})"
                for name in ("a", "b", "start") if name not in frame.columns]
    if problems:
        raise ValueError("contract table: " + "; ".join(problems))
    n_rows = len(frame)
    out, names = {}, []
    a, b = frame["a"].to_numpy(), frame["b"].to_numpy()
    if a.dtype.kind in "OUS" or b.dtype.kind in "OUS":
        bad = [f"row {r}: a = {x!r}" for r, x in enumerate(a) if not isinstance(x, str)] + \
              [f"row {r}: b = {x!r}" for r, x in enumerate(b) if not isinstance(x, str)]
        if bad:
            problems.append("ids must be all names or all whole numbers; " + ", ".join(bad[:5]))
        else:
            names = sorted(set(a) | set(b))
            code = {name: k for k, name in enumerate(names)}
            out["a"] = np.array([code[x] for x in a], dtype=np.int64)
            out["b"] = np.array([code[x] for x in b], dtype=np.int64)
    else:
        for name in ("a", "b"):
            values = _whole(frame[name], name, problems, low=0)
            if values is not None:
                out[name] = values
    if "a" in out and "b" in out:
        same = np.flatnonzero(out["a"] == out["b"])
        if len(same):
            problems.append(f"a contract needs two parties; row {same[0]} has a = b")
    start = _whole(frame["start"], "start", problems, low=0)
    ended = _whole(frame["ended"].fillna(-1) if "ended" in frame.columns
                   else pd.Series(np.full(n_rows, -1)), "ended", problems, low=-1)
    renewals = _whole(frame["renewals"] if "renewals" in frame.columns
                      else pd.Series(np.zeros(n_rows, dtype=np.int64)), "renewals", problems, low=0)
    if start is not None and ended is not None:
        early = np.flatnonzero((ended >= 0) & (ended < start))
        if len(early):
            r = early[0]
            problems.append(f"column 'ended', row {r}: {ended[r]} is before start = {start[r]} "
                            f"(allowed: -1 or a step >= start)")
    if problems:
        raise ValueError("contract table: " + "; ".join(problems))
    out.update(start=start, ended=ended, renewals=renewals)
    return out, names


def _whole(series: pd.Series, name: str, problems: list, low: int):
    """The column as int64 if every value is a whole number >= ``low``, else None with the
    first offending row added to ``problems``."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    raw = series.to_numpy()
    bad = np.flatnonzero(~np.isfinite(values) | (values != np.round(values)) | (values < low))
    if len(bad):
        r = bad[0]
        value = raw[r].item() if isinstance(raw[r], np.generic) else raw[r]
        problems.append(f"column {name!r}, row {r}: {value!r} is not allowed "
                        f"({CONTRACT_TABLE[name]})")
        return None
    return values.astype(np.int64)


def _column(columns, name: str) -> np.ndarray:
    return np.asarray(columns[name], dtype=np.int64)


def observation_steps(t_end: int, every: int = 1) -> np.ndarray:
    """Steps 0, every, 2 * every, ... up to ``t_end``, and ``t_end`` itself, so the end of
    the run (where censoring happens) is always observed."""
    if t_end < 0 or every < 1:
        raise ValueError("need t_end >= 0 and every >= 1")
    return np.unique(np.append(np.arange(0, t_end + 1, every), t_end))


def active_partitions(n: int, contracts_columns, steps: np.ndarray) -> np.ndarray:
    """Alliance labels (``model.analysis.components.components``) of the active contracts at each step.

    Components are recomputed only at steps where a contract was signed or lapsed since the
    previous observed step; elsewhere the previous row is copied. Contracts are sorted by
    ``start`` once, so each recomputation scans only those already signed.
    """
    a, b = _column(contracts_columns, "a"), _column(contracts_columns, "b")
    start, ended = _column(contracts_columns, "start"), _column(contracts_columns, "ended")
    end = np.where(ended < 0, np.iinfo(np.int64).max, ended)
    order = np.argsort(start, kind="stable")
    a, b, start, end = a[order], b[order], start[order], end[order]
    events = np.sort(np.concatenate([start, ended[ended >= 0]]))
    seen = np.searchsorted(events, steps, side="right")  # events up to each step
    signed = np.searchsorted(start, steps, side="right")
    out = np.full((len(steps), n), -1, dtype=np.int64)
    for k, t in enumerate(steps):
        if k > 0 and seen[k] == seen[k - 1]:
            out[k] = out[k - 1]
            continue
        live = np.flatnonzero(end[: signed[k]] > t)
        out[k] = components(n, a[live], b[live])
    return out


def jaccard_matches(previous: np.ndarray, current: np.ndarray, threshold: float) -> np.ndarray:
    """Which earlier alliance each current alliance continues, by membership overlap.

    For every pair (earlier identity p, current alliance c) with Jaccard similarity
    J = |p & c| / |p | c| >= ``threshold`` (Jaccard 1912), pairs are taken greedily in
    order of decreasing J, ties broken by the smaller identity p and then the smaller
    current label c (numbered by smallest member); a pair is accepted when neither p nor c
    is already matched. Greedy matching keeps the rule simple and deterministic; with a
    threshold above 0.5 every alliance has at most one candidate, so it is also optimal.

    Parameters
    ----------
    previous : numpy.ndarray
        (n,) identities at the previous observed step, -1 = unallied.
    current : numpy.ndarray
        (n,) component labels now (0 .. C-1), -1 = unallied.
    threshold : float
        Smallest Jaccard similarity that continues an identity, in (0, 1].

    Returns
    -------
    numpy.ndarray
        (C,) the identity inherited by each current alliance, -1 when it is new.
    """
    n_current = int(current.max()) + 1 if len(current) else 0
    inherited = np.full(max(n_current, 0), -1, dtype=np.int64)
    both = (previous >= 0) & (current >= 0)
    if n_current <= 0 or not np.any(both):
        return inherited
    p_ids, p_sizes = np.unique(previous[previous >= 0], return_counts=True)
    c_sizes = np.bincount(current[current >= 0], minlength=n_current)
    p_index = np.searchsorted(p_ids, previous[both])
    cells, overlap = np.unique(p_index * n_current + current[both], return_counts=True)
    p, c = cells // n_current, cells % n_current
    jaccard = overlap / (p_sizes[p] + c_sizes[c] - overlap)
    keep = jaccard >= threshold
    p, c, jaccard = p[keep], c[keep], jaccard[keep]
    # A candidate sharing neither side with another is accepted whatever the order.
    alone = ((np.bincount(p, minlength=len(p_ids))[p] == 1)
             & (np.bincount(c, minlength=n_current)[c] == 1))
    inherited[c[alone]] = p_ids[p[alone]]
    p, c, jaccard = p[~alone], c[~alone], jaccard[~alone]
    taken = np.zeros(len(p_ids), dtype=bool)
    for k in np.lexsort((c, p, -jaccard)):
        if not taken[p[k]] and inherited[c[k]] < 0:
            taken[p[k]] = True
            inherited[c[k]] = p_ids[p[k]]
    return inherited


def track_identities(partitions: np.ndarray, threshold: float) -> np.ndarray:
    """Replace component labels by persistent alliance identities, step after step.

    At the first step every alliance is new. At each later step a current alliance keeps
    the identity given by :func:`jaccard_matches` against the previous step; unmatched ones
    get fresh identities (numbered in order of smallest member); identities not inherited
    have died. An unchanged partition keeps its identities as they are.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    labels = np.full(partitions.shape, -1, dtype=np.int64)
    next_id = 0
    for k, current in enumerate(partitions):
        if k > 0 and np.array_equal(current, partitions[k - 1]):
            labels[k] = labels[k - 1]
            continue
        n_current = int(current.max()) + 1
        if n_current == 0:  # no alliance at this step: every earlier identity dies
            continue
        inherited = (jaccard_matches(labels[k - 1], current, threshold) if k > 0
                     else np.full(n_current, -1, dtype=np.int64))
        new = inherited < 0
        inherited[new] = next_id + np.arange(int(new.sum()))
        next_id += int(new.sum())
        labels[k] = np.where(current >= 0, inherited[np.maximum(current, 0)], -1)
    return labels


def death_fates(labels: np.ndarray, row: np.ndarray, group: np.ndarray, ident: np.ndarray,
                last_row: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """How each identity ended, read from where its last members are at its death step.

    A death is not always a break-up: an alliance absorbed into a larger one loses its
    identity too. With M the members at the last observed step alive: "merged" when more
    than half of M sit in one alliance at the death step, "split" when otherwise more
    than half of M are still allied (in several alliances), "dissolved" otherwise;
    "censored" when still alive at the end. ``row, group, ident`` list every membership
    (observed-step index, group, identity); identities are 0 .. len(last_row) - 1.
    """
    n_ids = len(last_row)
    fate = np.where(censored, "censored", "dissolved").astype(object)
    last = ~censored[ident] & (row == last_row[ident])
    who, after = ident[last], labels[row[last] + 1, group[last]]
    members = np.bincount(who, minlength=n_ids)
    allied = np.bincount(who[after >= 0], minlength=n_ids)
    largest = np.zeros(n_ids, dtype=np.int64)
    width = int(labels.max()) + 1
    cells, counts = np.unique(who[after >= 0] * width + after[after >= 0], return_counts=True)
    np.maximum.at(largest, cells // width, counts)
    fate[~censored & (2 * allied > members)] = "split"
    fate[~censored & (2 * largest > members)] = "merged"
    return fate


def alliance_table(steps: np.ndarray, labels: np.ndarray, sizes: np.ndarray) -> pd.DataFrame:
    """Birth, death or censoring, lifetime, sizes and fate of every identity in ``labels``.

    Works on the (identity, observed step) cells that are occupied only, so memory grows
    with memberships, not with identities times steps.
    """
    row, group = np.nonzero(labels >= 0)
    ident = labels[row, group]
    n_steps = len(steps)
    if len(ident) == 0:
        empty = {c: np.zeros(0, dtype=np.int64) for c in ALLIANCE_COLUMNS}
        empty.update(censored=np.zeros(0, dtype=bool), peak_share=np.zeros(0),
                     fate=np.zeros(0, dtype=object))
        return pd.DataFrame(empty)
    cells, where, counts = np.unique(ident * n_steps + row, return_inverse=True,
                                     return_counts=True)  # sorted by identity, then step
    shares = np.bincount(where, weights=sizes[group], minlength=len(cells))
    ids, first = np.unique(cells // n_steps, return_index=True)
    last_cell = np.append(first[1:], len(cells)) - 1
    first_row, last_row = cells[first] % n_steps, cells[last_cell] % n_steps
    censored = last_row == n_steps - 1
    birth = steps[first_row]
    death = np.where(censored, -1, steps[np.minimum(last_row + 1, n_steps - 1)])
    return pd.DataFrame({
        "alliance": ids, "birth": birth, "death": death, "censored": censored,
        "lifetime": np.where(censored, steps[-1], death) - birth,
        "size_at_birth": counts[first], "peak_size": np.maximum.reduceat(counts, first),
        "peak_share": np.maximum.reduceat(shares, first),
        "fate": death_fates(labels, row, group, ident, last_row, censored),
    })


def alliance_history(n: int, contracts_columns, t_end: int, every: int = 1,
                     threshold: float = 0.5, sizes=None) -> AllianceHistory:
    """Every alliance's birth, death (or censoring) and membership, from contracts alone.

    Rule (also in docs/ODD.md, "Alliance persistence and renewal"). Alliances are
    observed at steps 0, ``every``, ... and ``t_end``. An alliance at an observed step is a
    connected component (>= 2 groups) of the contracts active then (``start <= t`` and
    (``ended < 0`` or ``ended > t``)). Its identity is carried from one observed step to
    the next by membership overlap: each pair (earlier alliance p, current alliance c) with
    Jaccard similarity |p & c| / |p | c| >= ``threshold`` (Jaccard 1912) is a candidate;
    candidates are accepted greedily by decreasing similarity, ties broken by the smaller
    earlier identity, then by the current alliance with the smaller smallest member, each
    identity and each current alliance matched at most once. A current alliance without a
    match is born (new identity, numbered in order of birth, then of smallest member); an
    earlier identity without a match dies at this step. Alliances present at the first
    observed step are born there. An identity alive at the last observed step is
    right-censored there. With threshold 0.5 (the default), a split into two equal halves
    continues in the half holding the smaller group, and a merge of two equal alliances
    continues the older (smaller) identity.

    Parameters
    ----------
    n : int
        Number of groups (labelled 0 .. n-1 in columns ``a`` and ``b``).
    contracts_columns : mapping or pandas.DataFrame
        At least ``a``, ``b``, ``start``, ``ended`` (-1 = still active), e.g.
        ``model.state.contracts.as_dict()`` or ``model.run.contracts_table(model)``.
    t_end : int
        Last step of the run (``model.time``).
    every : int
        Observe every ``every`` steps; lifetimes are then known to that resolution.
    threshold : float
        Smallest Jaccard similarity that continues an identity, in (0, 1].
    sizes : array_like, optional
        Population share of each group (default equal shares), for ``peak_share``.

    Returns
    -------
    AllianceHistory
        ``steps``, ``labels`` (identity of each group at each step), the ``alliances``
        table and ``membership()``.
    """
    a, b = _column(contracts_columns, "a"), _column(contracts_columns, "b")
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n):
        raise ValueError(f"contract parties must be groups 0 .. {n - 1}")
    sizes = np.full(n, 1.0 / n) if sizes is None else np.asarray(sizes, dtype=float)
    steps = observation_steps(int(t_end), int(every))
    labels = track_identities(active_partitions(n, contracts_columns, steps), threshold)
    return AllianceHistory(steps, labels, alliance_table(steps, labels, sizes), float(threshold))


def singletons_apart(labels) -> np.ndarray:
    """Labels with every unallied group (negative label) given a cluster of its own."""
    labels = np.asarray(labels, dtype=np.int64).ravel()
    alone = labels < 0
    out = labels.copy()
    out[alone] = max(int(labels.max()) + 1 if len(labels) else 0, 0) + np.arange(int(alone.sum()))
    return out


def _pairs(counts: np.ndarray) -> float:
    counts = np.asarray(counts, dtype=np.int64)
    return float(np.sum(counts * (counts - 1) // 2))


def adjusted_rand_index(labels_a, labels_b) -> float:
    """Adjusted Rand index between two partitions of the same groups (Hubert and Arabie 1985).

    The share of group pairs on which two partitions agree, corrected for the agreement
    expected by chance under fixed cluster sizes, so that 1 means identical and about 0
    means unrelated. From the contingency table n_ij with row sums a_i, column sums b_j:

        ARI = (sum_ij C(n_ij, 2) - E) / ((sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2 - E),
        E = sum_i C(a_i, 2) * sum_j C(b_j, 2) / C(n, 2).

    Unallied groups (label -1, or any negative label) are each treated as a cluster of
    their own: being unallied is not a shared membership, so two unallied groups count as
    "apart". When the denominator is 0 (both partitions all singletons or both a single
    cluster, hence identical) and for fewer than two groups the index is 1, as in
    scikit-learn's ``adjusted_rand_score``.
    """
    a, b = singletons_apart(labels_a), singletons_apart(labels_b)
    if len(a) != len(b):
        raise ValueError(f"partitions differ in length ({len(a)} and {len(b)})")
    n = len(a)
    if n < 2:
        return 1.0
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    _, cells = np.unique(ai * (int(bi.max()) + 1) + bi, return_counts=True)
    index = _pairs(cells)
    sum_a, sum_b = _pairs(np.bincount(ai)), _pairs(np.bincount(bi))
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def partition_similarity(history: AllianceHistory, window: int) -> dict:
    """How much the alliance partition changes from one observed step to the next, late in a run.

    Adjusted Rand index between consecutive observed partitions whose steps both lie in the
    last ``window`` steps (``[last - window, last]``); 1 throughout means the alliances
    did not change at all.

    Returns
    -------
    dict
        ``mean_ari``, ``min_ari`` (NaN when fewer than two partitions fall in the window)
        and ``n_pairs``.
    """
    inside = np.flatnonzero(history.steps >= history.steps[-1] - window)
    values = [adjusted_rand_index(history.labels[k - 1], history.labels[k]) for k in inside[1:]]
    if not values:
        return {"mean_ari": float("nan"), "min_ari": float("nan"), "n_pairs": 0}
    return {"mean_ari": float(np.mean(values)), "min_ari": float(np.min(values)),
            "n_pairs": len(values)}


def renewal_share(contracts_columns) -> float:
    """Share of contracts renewed at least once (0 when there are none).

    Renewal needs trust that held for a whole term and mitigated domination (docs/ODD.md
    7.7), so this is the share of contracts that became lasting commitments.
    """
    renewals = np.asarray(contracts_columns["renewals"])
    return float(np.mean(renewals > 0)) if len(renewals) else 0.0


def stability_summary(source, t_end: int | None = None, n: int | None = None, sizes=None,
                      every: int = 1, threshold: float = 0.5, window: int = 100,
                      confidence: float = 0.95) -> dict:
    """Headline numbers on alliance persistence and renewal, for a model or plain columns.

    Parameters
    ----------
    source : AllianceModel or mapping or pandas.DataFrame
        A run (its contracts, ``time``, ``state.n`` and ``state.sizes`` are used), or a
        contract table from anywhere, checked by :func:`contract_columns` (columns in
        :data:`CONTRACT_TABLE`: ``a``, ``b``, ``start`` required; ``ended`` and ``renewals``
        optional; ids whole numbers or names).
    t_end, n, sizes
        For plain columns: last step (default: the last ``start`` or ``ended`` step), number
        of groups (default: largest party + 1) and sizes (default equal). Ignored for a model.
    every, threshold
        As in :func:`alliance_history`.
    window : int
        Steps at the end of the run over which :func:`partition_similarity` is taken.
    confidence : float
        Level of the median lifetime's interval (:func:`model.analysis.survival.median_lifetime`).

    Returns
    -------
    dict
        ``n_alliances`` (ever), ``median_lifetime``, ``median_lifetime_low``,
        ``median_lifetime_high`` (inf = not reached), ``share_censored`` (of alliances),
        ``mean_ari`` and ``min_ari`` over the last window, ``renewal_share``,
        ``contracts`` (number signed) and ``t_end``.
    """
    if not isinstance(source, (Mapping, pd.DataFrame)):  # a model run
        columns = source.state.contracts.as_dict()
        t_end, n, sizes = source.time, source.state.n, source.state.sizes
    else:
        columns, _ = contract_columns(source)
        a, b = columns["a"], columns["b"]
        if n is None:
            n = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
        if t_end is None:
            t_end = int(max(_column(columns, "start").max(initial=0),
                            _column(columns, "ended").max(initial=0)))
    history = alliance_history(n, columns, t_end, every, threshold, sizes)
    table = history.alliances
    median, low, high = median_lifetime(table["lifetime"], censored=table["censored"].to_numpy(),
                                        confidence=confidence)
    return {
        "n_alliances": int(len(table)),
        "median_lifetime": median, "median_lifetime_low": low, "median_lifetime_high": high,
        "share_censored": float(table["censored"].mean()) if len(table) else float("nan"),
        **{k: v for k, v in partition_similarity(history, window).items() if k != "n_pairs"},
        "renewal_share": renewal_share(columns),
        "contracts": int(len(np.asarray(columns["renewals"]))),
        "t_end": int(t_end),
    }
