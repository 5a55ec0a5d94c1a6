"""Saving and resuming a run (model.core.snapshot): a resumed run is the uninterrupted one, bit
for bit, and a file that is not a snapshot of this format is refused with one clear error."""

import json
import random

import numpy as np
import pandas as pd
import pytest

from model.core.model import AllianceModel
from model.core.snapshot import FORMAT_VERSION, SnapshotError

# Contracts are signed, renewed, lapse and form a stable alliance before step 40 and after.
PARAMS = dict(n_groups=30, contract_term=5, mediation_capacity=0.8, contract_threshold=0.2,
              renewal_threshold=0.1, stable_alliance_min_size=3, stable_alliance_min_share=0.0,
              enemy_schedule="pulse", enemy_onset=5, collect_every=3)


def _assert_same_run(a: AllianceModel, b: AllianceModel) -> None:
    sa, sb = a.state.arrays(), b.state.arrays()
    assert sa.keys() == sb.keys()
    for name in sa:
        assert sa[name].dtype == sb[name].dtype, name
        assert np.array_equal(sa[name], sb[name]), name
    ca, cb = a.state.contracts.as_dict(), b.state.contracts.as_dict()
    assert ca.keys() == cb.keys() and all(np.array_equal(ca[k], cb[k]) for k in ca)
    pd.testing.assert_frame_equal(a.datacollector.get_model_vars_dataframe(),
                                  b.datacollector.get_model_vars_dataframe(), check_exact=True)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.random.getstate() == b.random.getstate()
    assert (a.time, a.steps, a.metrics) == (b.time, b.steps, b.metrics)
    assert (a.largest_stable_size, a.largest_stable_share) == (b.largest_stable_size,
                                                               b.largest_stable_share)
    assert a.state.group_names == b.state.group_names


@pytest.fixture(scope="module")
def straight():
    return AllianceModel(seed=1, **PARAMS).run(100)


def test_a_resumed_run_equals_the_uninterrupted_one(tmp_path, straight):
    model = AllianceModel(seed=1, **PARAMS).run(40)
    c = model.state.contracts
    assert model.largest_stable_size > 0 and c.active.sum() > 0 and (c.renewals > 0).any()
    path = model.save(tmp_path / "run.snapshot")
    resumed = AllianceModel.load(path)
    assert resumed.time == 40 and resumed.steps == 40
    _assert_same_run(resumed, model)  # the alliance record included, before any step
    resumed.run(60)
    _assert_same_run(resumed, straight)
    assert (straight.state.contracts.ended > 40).any()  # contracts lapsed after the save
    model.run(60)  # saving changed nothing in the saved model
    _assert_same_run(model, straight)


def test_a_resumed_run_reads_back_again_the_same(tmp_path):
    """A loaded run saved again and loaded again is still the same run (nothing is lost or
    added by a round trip); a freshly built model round-trips too."""
    model = AllianceModel(seed=4, **PARAMS)
    twin = AllianceModel.load(AllianceModel.load(model.save(tmp_path / "a")).save(tmp_path / "b"))
    _assert_same_run(model.run(20), twin.run(20))


def test_a_scenario_run_resumes_with_its_names(tmp_path):
    straight = AllianceModel(seed=2, scenario="river_valley").run(30)
    model = AllianceModel(seed=2, scenario="river_valley").run(12)
    resumed = AllianceModel.load(model.save(tmp_path / "valley.npz")).run(18)
    assert resumed.state.movement_names == straight.state.movement_names
    _assert_same_run(resumed, straight)


def test_the_file_carries_its_format_version_and_parameters(tmp_path):
    path = AllianceModel(seed=1, **PARAMS).save(tmp_path / "run.snapshot")
    assert path.exists() and not (tmp_path / "run.snapshot.npz").exists()
    with np.load(path, allow_pickle=False) as archive:
        header = json.loads(archive["header"].tobytes())
    assert header["format_version"] == FORMAT_VERSION
    assert header["parameters"]["contract_threshold"] == 0.2
    assert header["parameters"]["n_groups"] == 30
    assert AllianceModel.load(path).params == AllianceModel(seed=1, **PARAMS).params


def _rewritten(src, dst, change):
    """A copy of snapshot ``src`` at ``dst`` with its header changed by ``change``."""
    with np.load(src, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    header = json.loads(arrays["header"].tobytes())
    change(header)
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(dst, "wb") as f:
        np.savez(f, **arrays)
    return dst


def test_bad_files_get_one_clear_error(tmp_path):
    good = AllianceModel(seed=1, **PARAMS).run(5).save(tmp_path / "good")
    data = good.read_bytes()
    (tmp_path / "truncated").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage").write_bytes(random.Random(0).randbytes(4000))
    (tmp_path / "text").write_text("<graphml/>")
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    broken = bytearray(data)
    broken[len(data) // 3: len(data) // 3 + 64] = bytes(64)  # inside an entry: a bad CRC
    (tmp_path / "damaged").write_bytes(bytes(broken))
    _rewritten(good, tmp_path / "v99", lambda h: h.update(format_version=99))
    _rewritten(good, tmp_path / "param", lambda h: h["parameters"].update(n_groups=-3))
    cases = {
        tmp_path / "missing": "no such file",
        tmp_path: "not a file",
        tmp_path / "truncated": "truncated or corrupt",
        tmp_path / "garbage": "truncated or corrupt: it is not an .npz archive",
        tmp_path / "text": "truncated or corrupt: it is not an .npz archive",
        tmp_path / "damaged": "truncated or corrupt",
        tmp_path / "other.npz": "not a model snapshot",
        tmp_path / "param": "parameters this package refuses: parameter 'n_groups' = -3",
        tmp_path / "v99": f"format version 99; this package reads format version {FORMAT_VERSION} \\(and the older 1\\)",
    }
    for path, message in cases.items():
        with pytest.raises(SnapshotError, match=message) as err:
            AllianceModel.load(path)
        assert repr(str(path)) in str(err.value)
        if "version" in str(err.value):
            assert f"format version {FORMAT_VERSION}" in str(err.value)


def test_a_snapshot_with_a_missing_entry_is_refused(tmp_path):
    good = AllianceModel(seed=1, **PARAMS).save(tmp_path / "good")
    with np.load(good, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files if k != "state/trust"}
    with open(tmp_path / "cut", "wb") as f:
        np.savez(f, **arrays)
    with pytest.raises(SnapshotError, match="corrupt: entry 'state/trust' is missing"):
        AllianceModel.load(tmp_path / "cut")


def test_a_snapshot_that_cannot_be_written_says_where(tmp_path):
    with pytest.raises(SnapshotError, match="no/such/folder/run.*cannot be written"):
        AllianceModel(seed=1, n_groups=10).save(tmp_path / "no" / "such" / "folder" / "run")


def test_a_model_recording_every_group_keeps_its_records_across_a_resume(tmp_path):
    straight = AllianceModel(seed=1, n_groups=8, collect_agents=True, collect_every=2).run(12)
    model = AllianceModel(seed=1, n_groups=8, collect_agents=True, collect_every=2).run(5)
    resumed = AllianceModel.load(model.save(tmp_path / "agents.npz"))
    saved = model.datacollector.get_agent_vars_dataframe()
    pd.testing.assert_frame_equal(resumed.datacollector.get_agent_vars_dataframe(), saved)
    resumed.run(7)
    pd.testing.assert_frame_equal(resumed.datacollector.get_agent_vars_dataframe(),
                                  straight.datacollector.get_agent_vars_dataframe())
    _assert_same_run(resumed, straight)


def test_a_resumed_run_still_refuses_batch_runs_reading_uncollected_steps(tmp_path):
    from model.core.collection import UncollectedStep

    model = AllianceModel(seed=1, n_groups=8, collect_every=5).run(10)
    resumed = AllianceModel.load(model.save(tmp_path / "every5.npz"))
    column = resumed.datacollector.model_vars["mean_trust"]
    assert len(column) == 3
    with pytest.raises(UncollectedStep, match="collect_every"):
        column[10]


def test_a_version_1_snapshot_still_loads_and_resumes_the_same(tmp_path, straight):
    def as_version_1(header):
        header["format_version"] = 1
        del header["model"]["collect_agents"]

    model = AllianceModel(seed=1, **PARAMS).run(40)
    old = _rewritten(model.save(tmp_path / "v2"), tmp_path / "v1", as_version_1)
    _assert_same_run(AllianceModel.load(old).run(60), straight)
