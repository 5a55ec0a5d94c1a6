"""The sweep engine's posterior design: parameter sets drawn from a calibrated posterior in
proportion to their weights, each crossed with the varied levels, reproducibly."""

import numpy as np
import pandas as pd
import pytest

from experiments.design import plan
from experiments.runner import run_sweep
from experiments.spec import Spec, SpecError


def posterior(path, weights=(0.5, 0.3, 0.2, 0.0), **extra):
    table = pd.DataFrame({"trust_gain": [0.05, 0.1, 0.2, 0.3][:len(weights)],
                          "negativity_bias": [1.5, 2.0, 2.5, 3.0][:len(weights)],
                          "weight": list(weights), "generation": 3, **extra})
    table.to_parquet(path, index=False)
    return str(path)


def spec(path, **changes):
    base = dict(name="post", design="posterior", posterior=str(path), samples=6,
                varied={"enable_mediation": [True, False]}, fixed={"n_groups": 8}, steps=5,
                outcomes=("final_mean_trust",))
    return Spec(**{**base, **changes})


def test_each_drawn_set_runs_with_every_level_and_the_draws_are_reproducible(tmp_path):
    p = plan(spec(posterior(tmp_path / "post.parquet")))
    assert len(p.points) == 12 and len(p) == 12
    for first, second in zip(p.points[::2], p.points[1::2]):  # the two conditions of a draw
        assert (first["trust_gain"], first["negativity_bias"]) == \
            (second["trust_gain"], second["negativity_bias"])
        assert (first["enable_mediation"], second["enable_mediation"]) == (True, False)
    drawn = {(q["trust_gain"], q["negativity_bias"]) for q in p.points}
    assert drawn <= {(0.05, 1.5), (0.1, 2.0), (0.2, 2.5)}  # never the particle of weight 0
    again = plan(spec(tmp_path / "post.parquet"))
    assert again.points == p.points and [r.seed for r in again.runs] == [r.seed for r in p.runs]
    other = plan(spec(tmp_path / "post.parquet", root_seed=7, samples=40))
    assert other.points[:12] != p.points


def test_draws_follow_the_weights(tmp_path):
    path = posterior(tmp_path / "post.parquet", weights=(0.9, 0.1, 0.0, 0.0))
    p = plan(spec(path, samples=2000, varied={}, design="posterior"))
    share = np.mean([q["trust_gain"] == 0.05 for q in p.points])
    assert 0.87 < share < 0.93  # 0.9 within 3.4 binomial standard errors
    assert not any(q["trust_gain"] in (0.2, 0.3) for q in p.points)


def test_a_sweep_records_the_drawn_parameters(tmp_path):
    s = spec(posterior(tmp_path / "post.parquet"), samples=2)
    result = run_sweep(s, tmp_path / "results", workers=1, quiet=True, log=lambda m: None)
    runs = result.runs.sort_values("run_id")
    assert list(runs["trust_gain"]) == [q["trust_gain"] for q in plan(s).points]
    assert runs["error"].isna().all() and len(runs) == 4


def test_a_new_posterior_is_a_new_sweep(tmp_path):
    path = posterior(tmp_path / "post.parquet")
    before = spec(path).hash()
    posterior(path, weights=(0.25, 0.25, 0.25, 0.25))
    assert spec(path).hash() != before


@pytest.mark.parametrize("change, field, message", [
    (dict(posterior="no/such.parquet"), "posterior", "cannot be read"),
    (dict(samples=0), "samples", "number of parameter sets to draw"),
    (dict(varied={"trust_gain": [0.1, 0.2]}), "posterior", "trust_gain come from the posterior"),
    (dict(fixed={"negativity_bias": 2.0}), "posterior", "negativity_bias come from"),
    (dict(design="grid", samples=0), "posterior", "only read by design 'posterior'"),
    (dict(varied={"enable_mediation": {"low": 0, "high": 1}}), None, "list of levels"),
])
def test_bad_posterior_specs_name_the_field(tmp_path, change, field, message):
    posterior(tmp_path / "post.parquet")
    with pytest.raises(SpecError, match=message) as err:
        spec(tmp_path / "post.parquet", **change)
    if field:
        assert err.value.field == field


@pytest.mark.parametrize("extra, weights, message", [
    ({"mystery": 1.0}, (1.0, 0.0, 0.0, 0.0), "'mystery' is not a numeric model parameter"),
    ({}, (1.0, -1.0, 0.0, 0.0), "finite non-negative"),
    ({"n_groups": 1}, (1.0, 0.0, 0.0, 0.0), "parameter 'n_groups' = 1.0 is not allowed"),
])
def test_bad_posterior_files_name_the_column(tmp_path, extra, weights, message):
    path = posterior(tmp_path / "post.parquet", weights=weights, **extra)
    with pytest.raises(SpecError, match=message):
        spec(path, fixed={})


def test_a_file_that_is_not_parquet_is_refused(tmp_path):
    (tmp_path / "post.parquet").write_text("not parquet")
    with pytest.raises(SpecError, match="not a readable Parquet file"):
        spec(tmp_path / "post.parquet")
