# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A modeller's tour
#
# For people who build and run models in Python. In about a minute this notebook shows
# the three ways to run the alliance model and read what it produced:
#
# 1. **one run**, stepped by hand, with Mesa's DataCollector read as pandas tables;
# 2. **`mesa.batch_run`**, Mesa's own tool for a small grid of parameters;
# 3. **a sweep with the project's experiment engine** (the one behind every experiment in
#    `results/`), its Parquet tables read back with pandas and queried with DuckDB.
#
# Everything is small (30 to 40 groups, at most 200 steps) so that it runs in seconds;
# the model itself is described in `docs/ODD.md`. Nothing is written into the repository:
# the sweep goes to a temporary folder that is deleted at the end.

# %%
import json
import tempfile
from pathlib import Path

import duckdb
import matplotlib.pyplot as plt
import mesa
import pandas as pd

from model.core.model import AllianceModel

# %% [markdown]
# ## 1. One run
#
# Parameters are keyword arguments (`python -m model params` lists all of them with their
# meaning and allowed range); the seed fixes every random draw, so the same parameters and
# seed give the same numbers on any machine. Here: 40 groups and no divide-and-rule
# instigation, a setting in which alliances form within a couple of hundred steps.

# %%
model = AllianceModel(seed=7, n_groups=40, instigation=0.0)
for _ in range(200):
    model.step()
print(f"step {model.time}: stable alliance formed: {model.stable_alliance_formed}")

# %% [markdown]
# Every step the model's DataCollector records its metrics (trust, hostility, the share of
# the population in the largest alliance, encounters per step, ...). Mesa returns them as a
# pandas DataFrame with one row per step; the metrics are defined in `docs/ODD.md`,
# section 7.15.

# %%
metrics = model.datacollector.get_model_vars_dataframe()
print(f"{len(metrics)} rows (steps 0 to {metrics.index[-1]}), {metrics.shape[1]} metrics")
metrics[["mean_trust", "hostility", "active_contracts", "largest_stable_alliance_share"]].iloc[::25]

# %% [markdown]
# Plotting is pandas' own: trust rises as virtuous encounters accumulate, hostility falls,
# and once contracts have been renewed often enough a *stable alliance* appears.
# (`model.plots.timeseries_figure(metrics)` draws the project's four-panel figure of a run.)

# %%
ax = metrics[["mean_trust", "hostility", "largest_stable_alliance_share"]].plot(
    figsize=(7, 3.5), xlabel="step", title="One run: 40 groups, seed 7")
ax.legend(["mean trust", "hostility (share of pairs in contact)", "largest stable alliance (share)"])
plt.show()

# %% [markdown]
# **Group records.** Recording every group at every step costs time, so it is off unless
# asked for with `collect_agents=True`. It is not a parameter: it changes what is
# recorded, never what happens, so the same seed gives the same run.

# %%
recorded = AllianceModel(seed=7, n_groups=40, instigation=0.0, collect_agents=True)
recorded.run(200)
groups = recorded.datacollector.get_agent_vars_dataframe()
same = recorded.datacollector.get_model_vars_dataframe().equals(metrics)
print(f"{len(groups)} rows indexed by {list(groups.index.names)}; same metrics as before: {same}")
groups.xs(200, level="Step").head()

# %% [markdown]
# With the groups in a table, pandas answers questions about them, here: how open were
# the groups in each alliance at the end (`alliance` = -1 means in no alliance)?

# %%
final = groups.xs(200, level="Step")
final.groupby("alliance").agg(groups=("openness", "size"), mean_openness=("openness", "mean"))

# %% [markdown]
# ## 2. `mesa.batch_run`
#
# Mesa's batch runner takes every combination of the listed values. Giving `seed` a list
# makes the replicates reproducible (without it, each run draws a fresh seed). Here:
# mediation capacity (how much movements can mediate) against instigation (divide and
# rule), two seeds each, 150 steps, metrics of the last step only
# (`data_collection_period=-1`). Keep `number_processes=1` in a notebook: Mesa's own
# documentation advises against its multiprocessing in Jupyter.

# %%
rows = mesa.batch_run(
    AllianceModel,
    parameters={"n_groups": 30, "mediation_capacity": [0.1, 0.4], "instigation": [0.0, 0.3],
                "seed": [1, 2]},
    iterations=1, max_steps=150, number_processes=1, data_collection_period=-1,
    display_progress=False,
)
batch = pd.DataFrame(rows)
batch[["mediation_capacity", "instigation", "seed", "Step", "mean_trust", "hostility",
       "largest_stable_alliance_share"]]

# %%
batch.groupby(["instigation", "mediation_capacity"])[["mean_trust", "hostility"]].mean()

# %% [markdown]
# ## 3. A sweep with the experiment engine
#
# For more than a handful of runs the project has its own engine (`experiments/README.md`):
# an experiment is declared once, as a Python `Spec` or a TOML file, and the engine gives
# every run its own seed spawned from one root seed, runs them on all cores (or a Dask
# cluster), writes them to Parquet as they finish, and can resume after a crash.
#
# Here the spec is a TOML file, the form the command line takes
# (`python -m experiments run my_sweep.toml --results DIR`). It is checked against the
# model's parameters before anything runs: a misspelt name or a value out of range is
# refused with a message naming it.

# %%
workdir = tempfile.TemporaryDirectory()
folder = Path(workdir.name)
spec_file = folder / "my_sweep.toml"
spec_file.write_text("""
[experiment]
name = "my_sweep"
design = "grid"
replicates = 3
steps = 150
root_seed = 2024
outcomes = ["stable_alliance_formed", "final_mean_trust", "final_hostility"]
timeseries = true                 # also keep every run's metrics at every step

[varied]
mediation_capacity = [0.1, 0.4]
instigation = [0.0, 0.3]

[fixed]
n_groups = 30
""")

from experiments.runner import run_sweep
from experiments.spec import load_file

spec = load_file(spec_file)
sweep = run_sweep(spec, folder / "results", workers=1, quiet=True)
print(f"{sweep.executed} runs in {sweep.elapsed:.1f} s; written to {sweep.directory.name}/:")
print(sorted(p.name for p in sweep.directory.iterdir()))

# %% [markdown]
# **Read back with pandas.** `runs.parquet` has one row per run: its id, design point,
# replicate, seed, parameters, outcomes and wall time; `manifest.json` records the spec,
# its hash, the git commit and the versions used.

# %%
runs = pd.read_parquet(sweep.directory / "runs.parquet")
manifest = json.loads((sweep.directory / "manifest.json").read_text())
print(f"status {manifest['status']}: {manifest['completed_runs']} of {manifest['planned_runs']} runs, "
      f"spec hash {manifest['spec_hash']}")
runs[["run_id", "seed", "mediation_capacity", "instigation", "stable_alliance_formed",
      "final_mean_trust", "final_hostility"]]

# %% [markdown]
# **Query with DuckDB.** DuckDB runs SQL directly on Parquet files, without loading them
# first, which suits tables too large for memory. The mean outcome by condition:

# %%
runs_file = str(sweep.directory / "runs.parquet")
by_condition = duckdb.execute("""
    SELECT instigation, mediation_capacity, count(*) AS runs,
           avg(stable_alliance_formed) AS p_stable_alliance,
           avg(final_mean_trust) AS mean_trust, avg(final_hostility) AS hostility
    FROM read_parquet(?)
    GROUP BY instigation, mediation_capacity
    ORDER BY instigation, mediation_capacity
""", [runs_file]).df()
by_condition

# %% [markdown]
# The same numbers come from pandas, as they should:

# %%
pandas_means = (runs.groupby(["instigation", "mediation_capacity"], as_index=False)
                [["final_mean_trust", "final_hostility"]].mean())
assert (pandas_means["final_mean_trust"] - by_condition["mean_trust"]).abs().max() < 1e-12
assert (pandas_means["final_hostility"] - by_condition["hostility"]).abs().max() < 1e-12
print("pandas and DuckDB agree")

# %% [markdown]
# SQL is at its best joining tables: `timeseries.parquet` holds every run's metrics at
# every step, keyed by `run_id`. Mean trust over time per instigation level, in one query:

# %%
series_file = str(sweep.directory / "timeseries.parquet")
trust = duckdb.execute("""
    SELECT r.instigation, t.step, avg(t.mean_trust) AS mean_trust
    FROM read_parquet(?) AS t JOIN read_parquet(?) AS r USING (run_id)
    GROUP BY r.instigation, t.step
    ORDER BY t.step
""", [series_file, runs_file]).df()
ax = trust.pivot(index="step", columns="instigation", values="mean_trust").plot(
    figsize=(7, 3.5), ylabel="mean trust (runs averaged)", title="Trust over time by instigation")
ax.legend(title="instigation")
plt.show()

# %% [markdown]
# To finish, the temporary folder is removed. For real sweeps, see
# `python -m experiments list` and `experiments/README.md` (designs: grid, Latin hypercube,
# Sobol', Morris; `--resume`; `--scheduler` for a Dask cluster).

# %%
workdir.cleanup()
