"""Alliances as components of active contracts, and the stable-alliance definition."""

import numpy as np
import pytest

from model.analysis import components as alliances
from model.analysis.components import (components, stable_alliance_formed, stable_alliance_history,
                             stable_labels)


def test_components_label_connected_groups_and_leave_singletons_out():
    labels = components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, -1, 1, 1]


def test_components_respect_min_size():
    labels = components(6, np.array([0, 1, 4]), np.array([1, 2, 5]), min_size=3)
    assert labels.tolist() == [0, 0, 0, -1, -1, -1]


def test_labels_do_not_depend_on_edge_order():
    a, b = np.array([5, 1, 3, 0]), np.array([4, 2, 2, 1])
    order = np.array([2, 0, 3, 1])
    assert components(6, a, b).tolist() == components(6, a[order], b[order]).tolist()


def test_stable_alliance_needs_contracts_renewed_often_enough():
    a, b = np.array([0, 1]), np.array([1, 2])
    sizes = np.full(3, 1 / 3)
    one = dict(min_renewals=1)
    assert stable_labels(3, a, b, np.array([1, 0]), sizes, 3, 0.0, **one).tolist() == [-1, -1, -1]
    assert stable_labels(3, a, b, np.array([1, 2]), sizes, 3, 0.0, **one).tolist() == [0, 0, 0]
    two = dict(min_renewals=2)
    assert stable_labels(3, a, b, np.array([1, 2]), sizes, 3, 0.0, **two).tolist() == [-1, -1, -1]
    assert stable_labels(3, a, b, np.array([3, 2]), sizes, 3, 0.0, **two).tolist() == [0, 0, 0]


def test_stable_alliance_needs_enough_of_the_population():
    a, b = np.array([0, 1, 3]), np.array([1, 2, 4])
    renewed = np.array([1, 1, 1])
    sizes = np.array([0.05, 0.05, 0.05, 0.45, 0.4])
    labels = stable_labels(5, a, b, renewed, sizes, 2, 0.5, min_renewals=1)
    assert labels.tolist() == [-1, -1, -1, 0, 0]


# Hand-made contract histories: (a, b, qualified, ended); -1 = never / still active.
def _formed(history, n=5, min_size=3, sizes=None, min_share=0.0):
    a, b, first, ended = (np.array(col) for col in zip(*history))
    return stable_alliance_formed(n, a, b, first, ended, min_size, sizes, min_share)


def test_history_three_groups_linked_by_renewed_contracts_form_a_stable_alliance():
    assert _formed([(0, 1, 20, -1), (1, 2, 30, -1)])


def test_history_unrenewed_contracts_never_form_one():
    assert not _formed([(0, 1, -1, 20), (1, 2, -1, 25), (2, 3, -1, -1)])


def test_history_renewals_that_never_overlap_do_not_form_one():
    # 0-1 renewed at 20 but lapsed at 30; 1-2 renewed only at 30: never connected together.
    assert not _formed([(0, 1, 20, 30), (1, 2, 30, -1)])


def test_history_overlap_of_one_step_is_enough():
    assert _formed([(0, 1, 20, 31), (1, 2, 30, -1)])


def test_history_pair_alone_is_too_small():
    assert not _formed([(0, 1, 20, -1), (3, 4, 20, -1)])
    assert _formed([(0, 1, 20, -1), (3, 4, 20, -1)], min_size=2)


def test_history_small_groups_are_not_enough_of_the_population():
    sizes = np.array([0.1, 0.1, 0.1, 0.35, 0.35])
    assert not _formed([(0, 1, 20, -1), (1, 2, 20, -1)], sizes=sizes, min_share=0.5)
    assert _formed([(0, 1, 20, -1), (1, 2, 20, -1), (2, 3, 25, -1)], sizes=sizes, min_share=0.5)


def test_history_reports_largest_stable_alliance_over_time():
    steps, groups, shares = stable_alliance_history(
        5, np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([10, 20, 30]),
        np.array([40, -1, -1]), 3)
    assert dict(zip(steps.tolist(), groups.tolist())) == {10: 0, 20: 3, 30: 4, 40: 3}
    assert shares.tolist() == pytest.approx([0.0, 0.6, 0.8, 0.6])


def test_model_tracks_stable_alliances_as_its_contract_history_says():
    from model.core.model import AllianceModel

    for seed in range(3):
        m = AllianceModel(seed=seed, n_groups=30, contract_term=5, mediation_capacity=0.8).run(80)
        c, p = m.state.contracts, m.params
        steps, groups, shares = stable_alliance_history(
            m.state.n, c.a, c.b, c.qualified, c.ended, p.stable_alliance_min_size,
            m.state.sizes, p.stable_alliance_min_share)
        assert m.largest_stable_size == (groups.max() if len(groups) else 0)
        assert m.largest_stable_share == pytest.approx(shares.max() if len(shares) else 0.0)
        assert m.stable_alliance_formed == stable_alliance_formed(
            m.state.n, c.a, c.b, c.qualified, c.ended, p.stable_alliance_min_size,
            m.state.sizes, p.stable_alliance_min_share)


def test_alliance_shares_sum_members_sizes_in_group_order():
    rng = np.random.default_rng(4)
    labels = rng.integers(-1, 6, 500)
    sizes = rng.random(500)
    inside = labels >= 0
    assert np.array_equal(alliances.alliance_shares(labels, sizes),
                          np.bincount(labels[inside], weights=sizes[inside]))
    assert len(alliances.alliance_shares(np.full(4, -1), np.ones(4))) == 0


def test_big_enough_drops_small_alliances_and_relabels_in_order():
    labels = np.array([0, 0, 1, 2, 2, 2, -1])
    sizes = np.array([0.2, 0.1, 0.05, 0.1, 0.1, 0.1, 0.35])
    assert alliances.big_enough(labels, sizes, 0.25).tolist() == [0, 0, -1, 1, 1, 1, -1]
    assert alliances.big_enough(labels, sizes, 0.9).tolist() == [-1] * 7


@pytest.mark.parametrize("n_edges", [0, 5, 40, 400, 5000])
def test_component_roots_are_smallest_members_in_sparse_and_dense_graphs(n_edges):
    """Union-find stops early once every group with an edge is joined; the roots must be
    those of the whole graph, computed at once or edge batch by edge batch."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    rng = np.random.default_rng(n_edges)
    n = 120
    a, b = rng.integers(0, n, n_edges), rng.integers(0, n, n_edges)
    _, label = connected_components(coo_matrix((np.ones(n_edges), (a, b)), shape=(n, n)),
                                    directed=False)
    smallest = np.array([np.flatnonzero(label == label[x])[0] for x in range(n)])
    assert np.array_equal(alliances.component_roots(n, a, b), smallest)
    roots = None
    for part in np.array_split(np.arange(n_edges), 4):
        roots = alliances.component_roots(n, a[part], b[part], roots)
    assert np.array_equal(roots, smallest)


@pytest.mark.parametrize("n_edges", [10, 60, 3000])
def test_spanning_forest_spans_and_recomputing_after_removal_keeps_the_roots(n_edges):
    rng = np.random.default_rng(n_edges)
    n = 80
    a, b = rng.integers(0, n, n_edges), rng.integers(0, n, n_edges)
    ids = np.arange(n_edges) * 3  # ascending, not 0..E-1
    roots, joined = alliances.spanning_forest(n, a, b)
    assert joined.sum() == n - len(np.unique(roots))  # one edge per join
    assert np.array_equal(alliances.component_roots(n, a[joined], b[joined]), roots)
    forest = ids[joined]
    for _ in range(5):  # remove some edges (forest ones included) and add others
        keep = rng.random(len(a)) > 0.2
        extra = rng.integers(0, n, (2, 5))
        a = np.concatenate([a[keep], extra[0]])
        b = np.concatenate([b[keep], extra[1]])
        ids = np.concatenate([ids[keep], ids.max() + 1 + np.arange(5)])
        roots, forest = alliances.roots_after_removal(n, a, b, ids, forest)
        assert np.array_equal(roots, alliances.component_roots(n, a, b))
        assert np.all(np.isin(forest, ids)) and np.all(np.diff(forest) > 0)
        on = np.isin(ids, forest)
        assert np.array_equal(alliances.component_roots(n, a[on], b[on]), roots)


@pytest.mark.parametrize("seed", [0, 1])
def test_model_labels_match_components_recomputed_every_step(seed):
    """The model updates alliances incrementally (new contracts only, unless a contract of
    its spanning forest ended); at every step its labels must be those of the whole graph."""
    from model.core.model import AllianceModel

    m = AllianceModel(seed=seed, n_groups=40, contract_term=4, mediation_capacity=0.8,
                      contract_threshold=0.3, renewal_threshold=0.4, lip_service_rate=0.05,
                      lapse_cost=0.2)
    lapsed = 0
    for _ in range(150):
        m.step()
        s, c, p = m.state, m.state.contracts, m.params
        a, b = c.live("a"), c.live("b")
        assert np.array_equal(s.alliance, components(s.n, a, b))
        assert np.array_equal(s.stable_alliance, stable_labels(
            s.n, a, b, c.live("renewals"), s.sizes, p.stable_alliance_min_size,
            p.stable_alliance_min_share, min_renewals=p.stable_alliance_min_renewals))
        lapsed = int((c.ended >= 0).sum())
    assert lapsed > 20  # contracts did end, forest ones among them


def test_contracts_report_what_changed_and_when_what_ended_is_unknown():
    from model.core.contract_store import Contracts

    c = Contracts(5)
    assert not c.take_changes().any
    c.add(a=np.array([0, 1, 2]), b=np.array([1, 2, 3]), first_renewal=np.full(3, -1),
          qualified=np.full(3, -1), ended=np.full(3, -1))
    changes = c.take_changes()
    assert changes.any and not changes.renewed and changes.ended.tolist() == []
    c.renew(np.array([1]), t=2, due=6)
    changes = c.take_changes()
    assert changes.renewed and not changes.any and changes.qualified.tolist() == [1]
    c.renew(np.array([1]), t=6, due=10)  # a second renewal is no news for stable alliances
    assert not c.take_changes().renewed
    assert c.qualified.tolist() == [-1, 2, -1] and c.first_renewal.tolist() == [-1, 2, -1]
    two = Contracts(5, milestone=2)  # a store that asks for two renewals
    two.add(a=np.array([0]), b=np.array([1]), first_renewal=np.full(1, -1), qualified=np.full(1, -1),
            ended=np.full(1, -1))
    two.take_changes()
    two.renew(np.array([0]), t=4, due=8)
    assert not two.take_changes().renewed and two.qualified.tolist() == [-1]
    two.renew(np.array([0]), t=8, due=12)
    assert two.take_changes().qualified.tolist() == [0] and two.qualified.tolist() == [8]
    c.end(np.array([2, 0]), t=3)
    changes = c.take_changes()
    assert sorted(changes.ended.tolist()) == [0, 2] and changes.any and not changes.renewed
    c.end(np.array([1]), t=12)
    assert c.take_changes().renewed  # a renewed contract ended
    c.reindex()
    changes = c.take_changes()
    assert changes.ended is None and changes.any and changes.renewed
    assert c.take_changes().ended.tolist() == []


def test_reading_the_contract_history_changes_nothing_and_edits_are_explicit():
    from model.core.contract_store import Contracts

    c = Contracts(4)
    c.add(a=np.array([0, 1]), b=np.array([1, 2]), first_renewal=np.full(2, -1),
          ended=np.full(2, -1))
    c.take_changes()
    c.live("mit_ab")[0] = 0.4  # the step writes the live columns
    assert c.mit_ab.tolist() == [0.4, 0.0]  # the history shows them
    with pytest.raises(ValueError):
        c.mit_ab[1] = 0.5  # the history is read-only
    assert not c.take_changes().any  # reading rebuilt nothing
    (mit_ab,) = c.edit("mit_ab")
    mit_ab[1] = 0.5
    assert c.live("mit_ab").tolist() == [0.4, 0.5]  # an edit reaches the step
    assert c.take_changes().ended is None  # after a rebuild, what ended is unknown


def test_forest_intact_unless_a_forest_edge_ended_or_what_ended_is_unknown():
    forest = np.array([2, 5, 9])
    assert alliances.forest_intact(forest, np.array([1, 3, 10]))
    assert alliances.forest_intact(forest, np.zeros(0, dtype=np.int64))
    assert alliances.forest_intact(np.zeros(0, dtype=np.int64), np.array([4]))
    assert not alliances.forest_intact(forest, np.array([7, 9]))
    assert not alliances.forest_intact(forest, None)
