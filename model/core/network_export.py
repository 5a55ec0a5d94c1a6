"""The alliance network as a networkx graph and as GraphML, for Gephi, networkx or igraph.

One node per group, one edge per active contract. Every attribute is a plain str, int,
float or bool (never a numpy scalar, list or None), because GraphML can hold only those:
the graph ``to_networkx`` returns can be written as it is.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx


class ExportError(ValueError):
    """A network file that cannot be written (its folder is missing or not writable)."""


def to_networkx(model) -> nx.Graph:
    """The alliance network of ``model`` (an AllianceModel) now, as an undirected Graph.

    Nodes are group indices with: name, size, openness, resources, wariness, alliance and
    stable_alliance (labels, -1 = none) and ``side_<axis>`` ("dominated" or "dominant") for
    each domination axis. Edges are active contracts with: start, renewals, mitigation (mean
    of both directions) with mitigation_ab and mitigation_ba (a = the lower index), interdependence,
    qualified (renewed often enough to count toward a stable alliance), in_stable_alliance
    (qualified and its parties in one stable alliance) and trust (the mean of the two
    parties' trust in each other). The graph holds the step (``time``).
    """
    s = model.state
    graph = nx.Graph(time=int(model.time), n_groups=int(s.n))
    for i in range(s.n):
        attrs = {"name": str(s.group_names[i]), "size": float(s.sizes[i]),
                 "openness": float(s.openness[i]), "resources": float(s.resources[i]),
                 "wariness": float(s.wariness[i]), "alliance": int(s.alliance[i]),
                 "stable_alliance": int(s.stable_alliance[i])}
        for k, axis in enumerate(s.axis_names):
            attrs[f"side_{axis}"] = "dominated" if s.sides[i, k] == 1.0 else "dominant"
        graph.add_node(i, **attrs)
    c = s.contracts
    active = c.active
    cols = {k: v[active] for k, v in c.as_dict().items()}
    for x in range(len(cols["a"])):
        a, b = int(cols["a"][x]), int(cols["b"][x])
        qualified = bool(cols["renewals"][x] >= c.milestone)
        mit_ab, mit_ba = float(cols["mit_ab"][x]), float(cols["mit_ba"][x])
        graph.add_edge(
            a, b, start=int(cols["start"][x]), renewals=int(cols["renewals"][x]),
            mitigation=0.5 * (mit_ab + mit_ba), mitigation_ab=mit_ab, mitigation_ba=mit_ba,
            interdependence=float(cols["interdependence"][x]), qualified=qualified,
            in_stable_alliance=qualified and bool(s.stable_alliance[a] >= 0)
            and bool(s.stable_alliance[a] == s.stable_alliance[b]),
            trust=0.5 * (float(s.trust[a, b]) + float(s.trust[b, a])))
    return graph


def write_graphml(model, path) -> Path:
    """Write the alliance network of ``model`` (see ``to_networkx``) to ``path`` as GraphML."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"GraphML file {str(path)!r} cannot be written: folder "
                          f"{str(path.parent)!r} does not exist")
    try:
        nx.write_graphml(to_networkx(model), path)
    except OSError as err:
        raise ExportError(f"GraphML file {str(path)!r} cannot be written: {err.strerror}") from None
    return path
