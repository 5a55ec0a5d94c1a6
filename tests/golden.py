"""Reference runs whose metrics are stored in tests/data/golden/, to catch unintended changes.

A change that should not alter the model's numbers (a speed-up, a refactor) must leave these
runs identical; a change that alters the model on purpose regenerates them with
``python -m tests.golden --write`` and says why in its commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from model.core.model import AllianceModel

DATA = Path(__file__).resolve().parent / "data" / "golden"
CASES = {
    "default": (dict(n_groups=40), 3, 150),
    "everything_on": (dict(n_groups=30, n_traits=2, instigation_mode="targeted", instigation=0.5,
                           enemy_schedule="pulse", enemy_onset=20, contract_term=8,
                           mediation_capacity=0.4), 7, 150),
    "large_sparse": (dict(n_groups=300, encounter_rate=1), 5, 60),
}


def run_case(name: str) -> pd.DataFrame:
    params, seed, steps = CASES[name]
    model = AllianceModel(seed=seed, **params).run(steps)
    df = model.datacollector.get_model_vars_dataframe().astype(float)
    df.index.name = "collection"
    return df


def write() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        run_case(name).to_csv(DATA / f"{name}.csv", float_format="%.17g")
        print(f"wrote {DATA / name}.csv")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.golden --write")
    write()
