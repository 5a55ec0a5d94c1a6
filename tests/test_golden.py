"""The reference runs still give their stored numbers (see tests/golden.py)."""

import numpy as np
import pandas as pd
import pytest

from tests.golden import CASES, DATA, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_reference_run_unchanged(name):
    stored = pd.read_csv(DATA / f"{name}.csv", index_col=0)
    now = run_case(name)
    assert list(now.columns) == list(stored.columns)
    # 1e-12 relative: identical on one machine; tolerant of a last-bit change from a numpy update
    np.testing.assert_allclose(now.to_numpy(), stored.to_numpy(), rtol=1e-12, atol=1e-15,
                               err_msg=f"reference run {name!r} changed; if on purpose, "
                                       "regenerate with `python -m tests.golden --write`")
