"""The model works the way Mesa users expect."""

import mesa
import numpy as np
import pytest

from model.core.agents import Group, Movement
from model.core.metrics import METRICS
from model.core.model import AllianceModel
from model.core.parameters import ParameterError


def test_keyword_parameters_step_and_datacollector():
    model = AllianceModel(seed=1, n_groups=20, n_movements=4, collect_every=2)
    for _ in range(6):
        model.step()
    assert model.steps == 6 and model.time == 6
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(METRICS)
    assert len(df) == 1 + 3  # initial state, then steps 2, 4, 6
    assert np.isfinite(df.to_numpy(dtype=float)).all()


def test_bad_keyword_is_a_clear_error():
    with pytest.raises(ParameterError, match="'n_groups' = -5"):
        AllianceModel(n_groups=-5)


def test_agents_are_views_of_the_state_arrays():
    model = AllianceModel(seed=2, n_groups=12, n_movements=3)
    groups = model.agents_by_type[Group]
    movements = model.agents_by_type[Movement]
    assert len(groups) == 12 and len(movements) == 3
    g = model.groups[5]
    model.state.openness[5] = 0.77
    assert g.openness == 0.77
    assert g.size == model.state.sizes[5]
    model.state.wariness[5] = 0.25
    assert g.wariness == 0.25
    assert set(g.identity) == set(model.state.axis_names)
    model.run(30)
    for grp in model.groups:
        for other in grp.allies:
            assert grp.index in model.groups[other].allies
    assert -1.0 <= g.trust_in(model.groups[0]) <= 1.0


def test_mesa_batch_run():
    results = mesa.batch_run(
        AllianceModel,
        parameters={"n_groups": [10, 15], "seed": [1, 2], "mediation_capacity": 0.6},
        iterations=1, max_steps=5, number_processes=1, data_collection_period=1,
        display_progress=False,
    )
    assert {r["n_groups"] for r in results} == {10, 15}
    assert {r["seed"] for r in results} == {1, 2}
    assert all("largest_alliance_share" in r for r in results)
    assert sorted({r["Step"] for r in results}) == list(range(6))
    assert len(results) == 4 * 6
    # the row of step 5 of a run is what a direct run of 5 steps collects
    direct = AllianceModel(seed=1, n_groups=10, mediation_capacity=0.6).run(5).metrics
    row = next(r for r in results if r["seed"] == 1 and r["n_groups"] == 10 and r["Step"] == 5)
    assert all(row[k] == v for k, v in direct.items())


def test_run_outcomes_have_the_declared_keys():
    from model.core.metrics import METRICS
    from model.run import RUN_OUTCOMES, run

    out = run({"n_groups": 15}, seed=2, steps=30)
    assert list(out) == [*RUN_OUTCOMES, *(f"final_{m}" for m in METRICS), "wall_time"]
    assert 0.0 <= out["renewal_share"] <= 1.0
    assert not out["median_alliance_lifetime"] < 0  # NaN when no alliance formed


def test_outcomes_asked_for_by_name_equal_the_full_set():
    from model.run import outcomes_of

    model = AllianceModel(seed=4, n_groups=20).run(40)
    full = outcomes_of(model)
    for names in (("faultline_strength",), ("median_alliance_lifetime", "contracts_signed"),
                  ("final_hostility",)):
        some = outcomes_of(model, names)
        assert all(np.array_equal(some[n], full[n], equal_nan=True) for n in names)
    assert "faultline_strength" not in outcomes_of(model, ("contracts_signed",))


@pytest.mark.parametrize("steps", [0, 30])
def test_metrics_are_plain_python_numbers(steps):
    """Metrics go to tables and JSON as they are: plain int or float, never numpy scalars,
    before the first meeting (hostility 0.0) and after."""
    model = AllianceModel(seed=2, n_groups=30).run(steps)
    assert set(model.metrics) == set(METRICS)
    assert {type(v) for v in model.metrics.values()} <= {int, float}


def test_run_takes_parameters_as_a_mapping_as_keywords_or_both():
    from model.run import run

    by_dict = run({"n_groups": 15, "mediation_capacity": 0.5}, seed=3, steps=25)
    by_keywords = run(n_groups=15, mediation_capacity=0.5, seed=3, steps=25)
    mixed = run({"n_groups": 15, "mediation_capacity": 0.1}, mediation_capacity=0.5, seed=3, steps=25)
    for other in (by_keywords, mixed):
        assert all(np.array_equal(by_dict[k], other[k], equal_nan=True)
                   for k in by_dict if k != "wall_time")
    assert run(n_groups=15, seed=4, steps=25)["final_mean_trust"] != by_dict["final_mean_trust"]


def test_run_returns_a_measure_and_the_time_series_when_asked():
    from model.run import run

    def measure(model):
        return {"groups": model.state.n, "records": [{"g": g} for g in range(model.state.n)]}

    out = run(n_groups=12, seed=1, steps=10, outcomes=("contracts_signed",), measure=measure,
              timeseries=True)
    assert out["groups"] == 12 and list(out["records"]["g"]) == list(range(12))
    assert list(out["timeseries"].index) == list(range(11))


def test_run_is_an_ema_workbench_model_function():
    """EMA workbench calls ``function(**experiment)``: ``run`` is given to it as it is."""
    ema = pytest.importorskip("ema_workbench", reason="ema_workbench (a dev dependency) is not installed")
    from model.run import run

    alliance = ema.Model("alliance", function=run)
    alliance.uncertainties = [ema.RealParameter("mediation_capacity", 0.1, 0.6)]
    alliance.constants = [ema.Constant("n_groups", 15), ema.Constant("steps", 20)]
    alliance.outcomes = [ema.ScalarOutcome("contracts_signed"), ema.ScalarOutcome("final_mean_trust")]
    experiments, outcomes = ema.perform_experiments(alliance, scenarios=3)
    assert len(experiments) == 3 and len(outcomes["contracts_signed"]) == 3
    first = experiments.iloc[0]
    direct = run(mediation_capacity=float(first["mediation_capacity"]), n_groups=15, steps=20)
    assert outcomes["final_mean_trust"][0] == direct["final_mean_trust"]
