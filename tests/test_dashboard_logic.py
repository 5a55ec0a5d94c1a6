"""The workshop dashboard's logic, without a browser: presets, controls, views, export."""

import importlib.metadata
import io
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from dashboards import views
from dashboards.controls import CONTROLS, LIVE_LIMITS, checked, sections
from dashboards.explanations import EXPLANATIONS
from dashboards.presets import PRESETS
from dashboards.session import Session
from model.core.model import AllianceModel
from model.core.parameters import DEFAULTS, SCHEMA, SWITCHES, ParameterError
from model.run import metrics_table


@pytest.fixture(scope="module")
def stepped():
    model = AllianceModel(seed=3, n_groups=40, contract_threshold=0.5)  # some alliances by step 60
    for _ in range(60):
        model.step()
    return model


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_runs_and_says_what_to_watch(preset):
    session = Session(preset)
    session.step(5)
    assert session.model.time == 5
    for name, value in preset.params.items():
        assert session.values[name] == value
    sentences = [s for s in preset.watch.split(". ") if s.strip()]
    assert len(sentences) == 2, preset.watch
    assert np.isfinite(list(session.model.metrics.values())).all()


def test_preset_names_are_unique_and_include_the_issue_examples():
    names = [p.name for p in PRESETS]
    assert len(set(names)) == len(names)
    for wanted in ("Divide and rule", "Mediated convergence", "Lip service",
                   "A fading common enemy", "Scarce commons"):
        assert wanted in names


def test_every_switch_is_explained_and_nothing_else():
    assert set(EXPLANATIONS) == set(SWITCHES)
    for e in EXPLANATIONS.values():
        assert e.title and e.what and e.idea and e.odd_section.startswith("7.")
        assert e.what.count(". ") <= 1, e.what


def test_controls_cover_the_schema_with_its_ranges_and_meanings():
    assert [c.name for c in CONTROLS] == [p.name for p in SCHEMA]
    for c, p in zip(CONTROLS, SCHEMA):
        assert c.help == p.meaning and c.section == p.section
        if p.kind is bool:
            assert c.widget == "checkbox"
        elif p.choices:
            assert c.widget == "select" and c.choices == p.choices
        else:
            assert c.low == p.low
            assert c.high == (min(p.high, LIVE_LIMITS[p.name][0]) if p.name in LIVE_LIMITS else p.high)
            assert 0 < c.step <= c.high - c.low
    assert sum(len(v) for v in sections().values()) == len(SCHEMA)


@pytest.mark.parametrize("name, typed, allowed", [
    ("mediation_capacity", "1.7", "[0, 1]"),
    ("contract_term", "0", "[1, 10000]"),
    ("n_groups", "5000", "[2, 500]"),
    ("instigation_mode", "loud", "uniform, targeted"),
    ("trust_gain", "a lot", "[0, 1]"),
])
def test_a_refused_value_names_the_parameter_value_and_range(name, typed, allowed):
    with pytest.raises(ParameterError) as err:
        checked(DEFAULTS, name, typed)
    message = str(err.value)
    assert name in message and typed in message and allowed in message


def test_a_refused_value_keeps_the_running_model():
    session = Session()
    session.step(4)
    model = session.model
    with pytest.raises(ParameterError):
        session.set_param("mediation_capacity", "1.7")
    assert session.model is model and session.model.time == 4
    session.set_param("mediation_capacity", "0.6")
    assert session.model.time == 0 and session.values["mediation_capacity"] == 0.6


def test_a_scenario_refuses_a_change_to_what_it_fixes():
    session = Session(next(p for p in PRESETS if p.scenario))
    with pytest.raises(ParameterError, match="fixes it"):
        session.set_param("n_groups", "30")


def test_the_twin_has_one_mechanism_off_and_steps_with_the_run():
    session = Session()
    session.step(30)
    session.set_comparison("enable_mediation")
    assert session.twin.time == 30 and not session.twin.params.enable_mediation
    session.step(5)
    assert session.twin.time == 35
    assert session.twin.metrics["mediated_per_step"] == 0.0
    alone = AllianceModel(seed=session.seed, **{**session.params, "enable_mediation": False}).run(35)
    assert alone.metrics == session.twin.metrics


def test_views_draw_the_current_state(stepped):
    s = stepped.state
    layout = views.group_layout(s)
    assert layout.shape == (s.n, 2) and layout.min() >= 0 and layout.max() <= 1
    assert len(np.unique(layout.round(6), axis=0)) == s.n
    data = views.network_data(s, layout)
    assert len(data["nodes"]) == s.n and len(data["contracts"]) == len(s.contracts.active_ids)
    assert [n["fill"] for n in data["nodes"]] == [views.alliance_colour(a) for a in s.alliance]
    assert np.any(s.alliance >= 0) and np.any(s.alliance < 0)
    assert isinstance(views.network_figure(s, layout), Figure)
    assert isinstance(views.timeseries_figure(metrics_table(stepped)), Figure)
    panels = views.timeseries_data(metrics_table(stepped))
    assert [p["title"] for p in panels] == [t for t, _ in views.SERIES]
    image = Image.open(io.BytesIO(views.heatmap_png(s)))
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert image.size[0] >= s.n and len(np.unique(pixels, axis=0)) > 3


def test_the_network_shows_as_hostile_the_pairs_the_hostility_metric_counts(stepped):
    s = stepped.state
    data = views.network_data(s, views.group_layout(s))
    counted = round(stepped.metrics["hostility"] * np.count_nonzero(np.triu(s.met, 1)))
    assert 0 < len(data["hostile"]) == min(counted, views.MAX_HOSTILE_EDGES)


def test_heatmap_order_puts_each_alliance_together(stepped):
    s = stepped.state
    order, edges = views.trust_order(s)
    assert sorted(order) == list(range(s.n))
    labels = s.alliance[order]
    blocks = np.split(labels, edges)
    assert all(len(set(b.tolist())) == 1 for b in blocks)
    assert blocks[-1][0] == -1 or np.all(s.alliance >= 0)


def test_group_details_name_identity_openness_and_allies(stepped):
    s = stepped.state
    c = s.contracts
    g = int(c.a[c.active_ids][0]) if len(c.active_ids) else 0
    d = views.group_details(s, g)
    assert [axis for axis, _ in d["identity"]] == list(s.axis_names)
    assert d["openness"] == s.openness[g]
    assert set(d["allies"]) == {s.group_names[h] for h in views.allies(s, g)}
    assert d["name"] in views.group_tooltip(s, g)


def test_export_csv_and_png_hold_the_run():
    session = Session()
    session.step(6)
    session.set_comparison("enable_structural_change")
    table = pd.read_csv(io.BytesIO(session.metrics_csv()))
    assert list(table.columns[:4]) == ["run", "preset", "seed", "step"]
    assert set(table["run"]) == {"this run", "enable_structural_change off"}
    assert set(table["seed"]) == {7} and set(table["preset"]) == {session.preset.name}
    assert len(table) == 2 * 7 and "largest_alliance_share" in table
    png = session.view_png()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def test_the_offline_pins_are_declared_and_installed():
    """Without these the page is blank offline (Mesa 3.3.1; see dashboards/README.md)."""
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    declared = set(project["project"]["dependencies"])
    assert {"solara-assets==1.58.2", "ipyvuetify<3", "ipyvue<3"} <= declared
    assert importlib.metadata.version("solara-assets") == "1.58.2"
    assert int(importlib.metadata.version("ipyvue").split(".")[0]) < 3
    assert int(importlib.metadata.version("ipyvuetify").split(".")[0]) < 3
    assert "playwright" in " ".join(project["project"]["optional-dependencies"]["dev"])
