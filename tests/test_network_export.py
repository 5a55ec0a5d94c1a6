"""The alliance network as networkx and GraphML (model.core.network_export): nodes, edges and
their attributes read off the model, and kept by a GraphML round trip."""

import networkx as nx
import numpy as np
import pytest

from model.core.model import AllianceModel
from model.core.network_export import ExportError, write_graphml

PARAMS = dict(n_groups=30, contract_term=5, mediation_capacity=0.8, contract_threshold=0.2,
              renewal_threshold=0.1, stable_alliance_min_size=3, stable_alliance_min_share=0.0)


@pytest.fixture(scope="module")
def model():
    return AllianceModel(seed=1, **PARAMS).run(40)


def test_one_node_per_group_and_one_edge_per_active_contract(model):
    s, c = model.state, model.state.contracts
    graph = model.to_networkx()
    assert isinstance(graph, nx.Graph) and not graph.is_directed()
    assert sorted(graph.nodes) == list(range(s.n))
    active = c.active
    pairs = {(int(a), int(b)) for a, b in zip(c.a[active], c.b[active])}
    assert len(pairs) == active.sum() > 0
    assert {tuple(sorted(e)) for e in graph.edges} == pairs
    for i in (0, 7, s.n - 1):
        node = graph.nodes[i]
        assert node["name"] == s.group_names[i]
        assert (node["size"], node["openness"], node["resources"], node["wariness"]) == (
            s.sizes[i], s.openness[i], s.resources[i], s.wariness[i])
        assert (node["alliance"], node["stable_alliance"]) == (s.alliance[i], s.stable_alliance[i])
        assert {f"side_{a}": v for a, v in model.groups[i].identity.items()} == {
            k: v for k, v in node.items() if k.startswith("side_")}
    qualified = stable = 0
    for x in np.flatnonzero(active):
        a, b = int(c.a[x]), int(c.b[x])
        edge = graph.edges[a, b]
        assert (edge["start"], edge["renewals"]) == (c.start[x], c.renewals[x])
        assert edge["mitigation"] == 0.5 * (c.mit_ab[x] + c.mit_ba[x])
        assert edge["interdependence"] == c.interdependence[x]
        assert edge["trust"] == 0.5 * (s.trust[a, b] + s.trust[b, a])
        assert edge["qualified"] == (c.renewals[x] >= model.params.stable_alliance_min_renewals)
        assert edge["in_stable_alliance"] == (edge["qualified"] and s.stable_alliance[a] >= 0)
        qualified += edge["qualified"]
        stable += edge["in_stable_alliance"]
    assert 0 < stable <= qualified < active.sum()  # every kind of edge was checked
    assert graph.graph["time"] == 40


def test_attributes_are_plain_python_values(model):
    graph = model.to_networkx()
    values = [v for _, d in graph.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in graph.edges(data=True) for v in d.values()]
    values += list(graph.graph.values())
    assert {type(v) for v in values} <= {str, int, float, bool}


def test_graphml_round_trip_keeps_nodes_edges_and_attributes(model, tmp_path):
    path = write_graphml(model, tmp_path / "alliances.graphml")
    back = nx.read_graphml(path, node_type=int)
    graph = model.to_networkx()
    assert sorted(back.nodes) == sorted(graph.nodes)
    assert {tuple(sorted(e)) for e in back.edges} == {tuple(sorted(e)) for e in graph.edges}
    for i, data in graph.nodes(data=True):
        assert back.nodes[i] == data
    for a, b, data in graph.edges(data=True):
        assert back.edges[a, b] == data
    assert {k: back.graph[k] for k in graph.graph} == graph.graph


def test_an_unwritable_graphml_path_is_named(model, tmp_path):
    with pytest.raises(ExportError, match="missing/net.graphml.*folder .* does not exist"):
        write_graphml(model, tmp_path / "missing" / "net.graphml")


def test_the_command_line_writes_the_final_network(tmp_path, capsys):
    from model.cli import main

    path = tmp_path / "net.graphml"
    args = ["run", "--steps", "15", "--seed", "3", "--set", "n_groups=12", "--set",
            "contract_threshold=0.2", "--out", str(tmp_path / "out"), "--format", "csv"]
    assert main(args + ["--graphml", str(path)]) == 0
    assert str(path) in capsys.readouterr().out
    back = nx.read_graphml(path, node_type=int)
    expected = AllianceModel(seed=3, n_groups=12, contract_threshold=0.2).run(15).to_networkx()
    assert back.number_of_edges() == expected.number_of_edges() > 0
    assert all(back.edges[a, b] == d for a, b, d in expected.edges(data=True))
    assert all(back.nodes[i] == d for i, d in expected.nodes(data=True))


def test_the_command_line_refuses_a_graphml_path_in_no_folder(tmp_path, capsys):
    from model.cli import main

    path = tmp_path / "missing" / "net.graphml"
    assert main(["run", "--steps", "5", "--set", "n_groups=8", "--out", str(tmp_path / "out"),
                 "--graphml", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"--graphml = {str(path)!r} cannot be written" in err and "does not exist" in err
    assert not (tmp_path / "out").exists()  # refused before the run
