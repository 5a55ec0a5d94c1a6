"""Figures (model.plots): one palette, one network drawing, one definition of a hostile pair."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from model import plots  # noqa: E402
from model.analysis.polarisation import HOSTILE_TRUST, trust_summary  # noqa: E402
from model.core.model import AllianceModel  # noqa: E402


@pytest.fixture(scope="module")
def model():
    m = AllianceModel(seed=5, n_groups=30)
    for _ in range(60):
        m.step()
    return m


def test_every_palette_is_read_from_the_one_okabe_ito_mapping():
    from experiments.style import OKABE_ITO

    colours = set(plots.OKABE_ITO_COLOURS.values())
    assert len(colours) == 8
    assert set(OKABE_ITO) == colours and len(OKABE_ITO) == 8
    assert set(plots.PALETTE) <= colours and len(set(plots.PALETTE)) == len(plots.PALETTE)
    assert plots.PALETTE == ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
                             "#000000")
    assert OKABE_ITO == ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                         "#F0E442", "#000000")


def test_the_figures_draw_as_hostile_the_pairs_the_hostility_metric_counts(model):
    s = model.state
    pairs = plots.hostile_pairs(s)
    met_pairs = np.count_nonzero(np.triu(s.met, 1))
    assert len(pairs) > 0
    assert len(pairs) / met_pairs == trust_summary(s.trust, s.met)[1] == model.metrics["hostility"]
    mutual = 0.5 * (s.trust + s.trust.T)
    assert np.all(mutual[pairs[:, 0], pairs[:, 1]] < HOSTILE_TRUST)
    worst = plots.hostile_pairs(s, limit=5)
    assert len(worst) == 5
    assert mutual[worst[:, 0], worst[:, 1]].max() <= np.sort(mutual[pairs[:, 0], pairs[:, 1]])[4]


def test_one_network_drawing_on_any_layout(model):
    s = model.state
    fig = plots.network_figure(model, "title")
    ax = fig.axes[0]
    hostile, contracts = ax.collections[0], ax.collections[1]
    assert len(hostile.get_segments()) == len(plots.hostile_pairs(s))
    assert len(contracts.get_segments()) == len(s.contracts.active_ids)
    assert ax.get_title(loc="left") == "title"
    plt.close(fig)
    positions = plots.spring_layout(s)
    assert positions.shape == (s.n, 2)
    assert np.array_equal(positions, plots.spring_layout(s))  # seeded, so the same each time
    fig, ax = plt.subplots()
    plots.draw_network(ax, s, np.random.default_rng(0).random((s.n, 2)), max_hostile=3)
    assert len(ax.collections[0].get_segments()) == 3
    plt.close(fig)
    assert [plots.alliance_colour(x) for x in (-1, 0, 6)] == [plots.UNALLIED, plots.PALETTE[0],
                                                              plots.PALETTE[0]]
