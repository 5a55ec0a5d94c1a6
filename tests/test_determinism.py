"""Same parameters and seed give the same numbers, bit for bit, wherever they run."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from model.core.model import AllianceModel

ROOT = Path(__file__).resolve().parents[1]
PARAMS = dict(n_groups=25, n_traits=1, instigation_mode="targeted", enemy_schedule="pulse",
              enemy_onset=5, contract_term=6, collect_every=3)
SCRIPT = """
import json, sys
from model.core.model import AllianceModel
m = AllianceModel(seed=11, **json.loads(sys.argv[1])).run(60)
print(m.datacollector.get_model_vars_dataframe().to_numpy(dtype=float).tobytes().hex())
"""


def _table(seed=11):
    model = AllianceModel(seed=seed, **PARAMS).run(60)
    return model.datacollector.get_model_vars_dataframe(), model


def test_same_seed_same_metrics_alone_and_after_another_run():
    first, m1 = _table()
    _table(seed=99)  # another run in the same process in between
    second, m2 = _table()
    assert first.equals(second)
    for name, arr in m1.state.arrays().items():
        assert np.array_equal(arr, m2.state.arrays()[name]), name


def test_same_seed_same_metrics_in_another_process():
    here, _ = _table()
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(PARAMS)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    assert bytes.fromhex(out.strip()) == here.to_numpy(dtype=float).tobytes()


def test_different_seeds_differ():
    a, _ = _table(seed=1)
    b, _ = _table(seed=2)
    assert not a.equals(b)


def test_a_copied_or_pickled_model_runs_on_as_the_original():
    """Copies (the dashboard's and the oracle's) and pickles (worker processes) carry the
    whole state: the copy's next steps give the original's numbers."""
    import copy
    import pickle

    model = AllianceModel(seed=11, **PARAMS).run(30)
    model.state.contracts.live_columns("a", "mit_ab")  # views made before the copy
    twins = [copy.deepcopy(model), pickle.loads(pickle.dumps(model))]
    model.run(30)
    for twin in twins:
        twin.run(30)
        assert twin.datacollector.get_model_vars_dataframe().equals(
            model.datacollector.get_model_vars_dataframe())
        for name, arr in model.state.arrays().items():
            assert np.array_equal(arr, twin.state.arrays()[name]), name
        c, d = model.state.contracts.as_dict(), twin.state.contracts.as_dict()
        assert all(np.array_equal(c[k], d[k]) for k in c)
