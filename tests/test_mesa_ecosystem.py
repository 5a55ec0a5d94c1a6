"""The model with Mesa's own tools: batch_run, agent-level DataCollector, SolaraViz."""

import tomllib
import warnings
from pathlib import Path

import mesa
import numpy as np
import pytest

from model.core.agents import Group
from model.core.collection import GROUP_REPORTERS, UncollectedStep
from model.core.model import AllianceModel
from model.core.parameters import SCHEMA_BY_NAME, ParameterError

ROOT = Path(__file__).resolve().parents[1]
BASE = {"seed": 4, "n_groups": 20, "n_movements": 4, "contract_threshold": 0.4}


def _batch(period, max_steps=20, **extra):
    return mesa.batch_run(AllianceModel, {**BASE, **extra}, iterations=1, max_steps=max_steps,
                          data_collection_period=period, display_progress=False)


@pytest.fixture(scope="module")
def direct():
    """The same run stepped by hand: batch_run's rows must be its rows at their steps."""
    return AllianceModel(**BASE).run(20).datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize("period, steps", [(1, list(range(21))), (10, [0, 10, 20]), (-1, [20])])
def test_batch_run_gives_the_metrics_of_the_right_steps(direct, period, steps):
    rows = _batch(period)
    assert [r["Step"] for r in rows] == steps
    for r in rows:
        expected = direct.loc[r["Step"]]
        assert [r[name] for name in direct.columns] == expected.tolist()
    assert direct["active_contracts"].iloc[-1] > 0  # the run is not trivially constant


@pytest.mark.parametrize("period", [1, 10, -1])
def test_batch_run_refuses_collect_every_above_one_with_the_reason(period):
    with pytest.raises(UncollectedStep, match=r"'collect_every' = 10 .*mesa\.batch_run .*"
                                              r"only 'collect_every' = 1"):
        _batch(period, collect_every=10)


def test_rows_stay_a_list_of_collections():
    model = AllianceModel(**BASE, collect_every=5).run(10)
    rows = model.datacollector.model_vars["mean_trust"]
    assert len(rows) == 3 and rows[-1] == model.metrics["mean_trust"] and rows[1:] == rows[-2:]
    with pytest.raises(IndexError, match="there is no row 3"):
        rows[3]
    every_step = AllianceModel(**BASE).datacollector.model_vars["mean_trust"]
    with pytest.raises(IndexError) as plain:
        every_step[5]
    assert not isinstance(plain.value, UncollectedStep)


def test_agent_collection_is_off_by_default_and_not_a_parameter():
    assert "collect_agents" not in SCHEMA_BY_NAME
    model = AllianceModel(**BASE).run(2)
    with pytest.raises(UserWarning, match="collect_agents=True"):
        model.datacollector.get_agent_vars_dataframe()
    with pytest.raises(ParameterError, match="'collect_agents' = 'yes' .*true or false"):
        AllianceModel(**BASE, collect_agents="yes")


def test_agent_reporters_give_one_row_per_group_per_collection():
    model = AllianceModel(**BASE, collect_agents=True, collect_every=3).run(9)
    df = model.datacollector.get_agent_vars_dataframe()
    assert list(df.columns) == list(GROUP_REPORTERS)
    assert sorted(set(df.index.get_level_values("Step"))) == [0, 3, 6, 9]
    assert len(df) == 4 * BASE["n_groups"]  # movements get no rows
    last = df.xs(9, level="Step")
    ids = [g.unique_id for g in model.groups]
    s = model.state
    for column, values in [("openness", s.openness), ("resources", s.resources),
                           ("wariness", s.wariness), ("alliance", s.alliance)]:
        assert np.array_equal(last.loc[ids, column].to_numpy(), values), column
    first = df.xs(0, level="Step")
    assert not np.array_equal(first["openness"].to_numpy(), s.openness)  # snapshots, not views
    assert model.datacollector.get_agenttype_vars_dataframe(Group).equals(df)


def test_agent_collection_changes_nothing_that_happens():
    plain = AllianceModel(**BASE).run(15).datacollector.get_model_vars_dataframe()
    watched = AllianceModel(**BASE, collect_agents=True).run(15)
    assert watched.datacollector.get_model_vars_dataframe().equals(plain)


def test_batch_run_accepts_collect_agents_and_keeps_one_row_per_step():
    rows = _batch(10, collect_agents=True)
    assert [r["Step"] for r in rows] == [0, 10, 20]


def test_altair_is_a_declared_dependency():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("altair") for d in deps)
    for pin in ("solara==1.58.2", "ipyvuetify<3", "ipyvue<3"):
        assert pin in deps


@pytest.mark.filterwarnings("ignore:.*ComponentsView.*:UserWarning")  # Mesa's own code
def test_solaraviz_inputs_come_from_the_schema():
    from dashboards.controls import LIVE_LIMITS
    from dashboards.mesa_viz import SLIDERS, model_params

    params = model_params()
    assert params["seed"] == 42 and set(params) == {"seed", *SLIDERS}
    for name in SLIDERS:
        p, entry = SCHEMA_BY_NAME[name], params[name]
        assert entry["value"] == p.default
        if p.kind is bool:
            assert entry["type"] == "Checkbox"
        else:
            assert entry["type"] == ("SliderInt" if p.kind is int else "SliderFloat")
            assert entry["min"] == p.low
            assert entry["max"] == min(p.high, LIVE_LIMITS.get(name, (p.high,))[0])
    with pytest.raises(ValueError, match="'collect_every' is not allowed"):
        model_params(["collect_every"])
    with pytest.raises(ValueError, match="'nonsense' is not allowed"):
        model_params(["nonsense"])


def test_solaraviz_page_renders_steps_and_resets_headless():
    import ipyvuetify as v
    import ipywidgets
    import solara

    from dashboards.mesa_viz import PLOTS, make_page

    model = solara.reactive(AllianceModel(seed=42, n_groups=30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Mesa's own ComponentsView trips solara's hook check
        box, rc = solara.render(solara.AppLayout(children=[make_page(model)]),
                                handle_error=False)
    plots = rc.find(ipywidgets.Image).widgets
    assert len(plots) == len(PLOTS)
    before = [bytes(p.value) for p in plots]
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.value.steps == 1
    after = [bytes(p.value) for p in rc.find(ipywidgets.Image).widgets]
    assert all(a != b for a, b in zip(after, before))  # every plot redrawn with the new step
    slider = next(w for w in rc.find(v.Slider).widgets if w.label == "n_groups")
    slider.v_model = 12
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert model.value.steps == 0 and model.value.params.n_groups == 12
    box.close()
