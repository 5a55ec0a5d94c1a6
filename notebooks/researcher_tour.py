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
# # A researcher's tour: rebuilding an experiment's figure from its committed table
#
# For people who want to check a result before they cite it. Every experiment of the study
# has a folder in `results/` holding the table of its runs (`runs.parquet`, one row per
# model run), the record of how they were made (`manifest.json`), and what was concluded
# from them (`summary.json`, `summary.md`, `figure.png`). The conclusions are computed from
# the table alone, so they can be checked without running the model again.
#
# This notebook does that for **Experiment 1, mediation capacity against divide-and-rule
# instigation**: it reads the committed table, recomputes the effect sizes and the verdict
# with the experiment's own analysis, checks that they equal the committed summary (the
# notebook stops with an error if they do not), and redraws the figure. It runs no model
# and writes nothing.

# %%
import json
import math

import numpy as np
import pandas as pd
from IPython.display import Image, display

from experiments import e1_mediation_instigation as e1
from experiments.analysis import load, to_json
from experiments.store import ROOT
from experiments.style import style

FOLDER = ROOT / "results" / e1.SPEC.name
if not (FOLDER / "runs.parquet").exists():
    raise FileNotFoundError(f"{FOLDER / 'runs.parquet'} is missing: this notebook reads the "
                            "committed results of a clone of the repository")
print(f"reading {FOLDER.relative_to(ROOT)}/: " + ", ".join(sorted(p.name for p in FOLDER.iterdir())))

# %% [markdown]
# ## The hypothesis and the design
#
# The experiment module states its hypothesis and its design (`SPEC`): which parameters
# were varied, over which levels, with how many replicates.

# %%
print(e1.HYPOTHESIS)
print()
print("varied:", dict(e1.SPEC.varied))
print("fixed: ", e1.SPEC.fixed, f"| {e1.SPEC.replicates} replicates, {e1.SPEC.steps} steps each")

# %% [markdown]
# ## The table of runs
#
# One row per run: its seed, its parameters, and the outcomes the spec asked for. It is an
# ordinary Parquet file, readable by pandas, R (`arrow::read_parquet`), DuckDB or any
# other tool. The manifest says which code produced it.

# %%
runs = pd.read_parquet(FOLDER / "runs.parquet")
manifest = json.loads((FOLDER / "manifest.json").read_text())
print(f"{len(runs)} runs, {runs['error'].notna().sum()} failed; "
      f"git commit {manifest['git_commit'][:12]}, spec hash {manifest['spec_hash']}")
runs[["run_id", "seed", "mediation_capacity", "instigation", "stable_alliance_formed",
      "median_alliance_lifetime", "final_mean_trust"]].head()

# %% [markdown]
# The experiment's main measure is the probability that a stable alliance forms. With plain
# pandas, per cell of the grid (instigation down, mediation capacity across):

# %%
p_stable = runs.pivot_table(index="instigation", columns="mediation_capacity",
                            values="stable_alliance_formed", aggfunc="mean")
p_stable.round(2)

# %% [markdown]
# ## The analysis, recomputed
#
# `load` reads the same files the way the `report` command does, and `e1.analyse` computes
# the effect sizes with their 95% bootstrap intervals and the verdict. Its bootstraps use
# fixed seeds, so a rebuild gives the same intervals.

# %%
data = load(e1.SPEC, ROOT / "results")
analysis = e1.analyse(data)
print(f"verdict: {analysis.verdict}")
pd.DataFrame([vars(f) for f in analysis.findings])[["name", "estimate", "low", "high"]]

# %% [markdown]
# ## Check: the recomputed numbers are the committed ones
#
# `to_json` gives the recomputed summary in the form of `summary.json`. Every entry is
# compared with the committed file: texts exactly, numbers to nine significant digits.
# If the table, the analysis code or a library changed what the experiment concludes, the
# next cell fails and says where.

# %%
def differences(rebuilt, committed, where="summary"):
    """Where two summaries differ, as a list of 'place: rebuilt != committed'."""
    if isinstance(committed, dict):
        if not isinstance(rebuilt, dict) or rebuilt.keys() != committed.keys():
            return [f"{where}: keys {sorted(rebuilt)} != {sorted(committed)}"]
        return [d for k in committed for d in differences(rebuilt[k], committed[k], f"{where}.{k}")]
    if isinstance(committed, list):
        if not isinstance(rebuilt, list) or len(rebuilt) != len(committed):
            return [f"{where}: {len(rebuilt)} entries != {len(committed)}"]
        return [d for i, (r, c) in enumerate(zip(rebuilt, committed))
                for d in differences(r, c, f"{where}[{i}]")]
    if isinstance(committed, float) and isinstance(rebuilt, (int, float)):
        same = math.isclose(rebuilt, committed, rel_tol=1e-9, abs_tol=1e-12)
    else:
        same = rebuilt == committed
    return [] if same else [f"{where}: {rebuilt!r} != {committed!r}"]


rebuilt = json.loads(json.dumps(to_json(analysis, e1, data)))  # infinities as in the file
committed = json.loads((FOLDER / "summary.json").read_text())
problems = differences(rebuilt, committed)
assert not problems, "the rebuilt summary differs from the committed one:\n" + "\n".join(problems)
print(f"all {len(committed['findings'])} findings, {len(committed['numbers'])} numbers, "
      f"the verdict and the run counts equal the committed summary.json")

# %% [markdown]
# Side by side, the effect sizes as committed and as rebuilt (an estimate of `inf` or
# `-inf` for a boundary means P(stable alliance) never crossed, or was always above, one
# half at that instigation level):

# %%
pd.DataFrame({"finding": [f["name"] for f in committed["findings"]],
              "committed": [f["estimate"] for f in committed["findings"]],
              "rebuilt": [f["estimate"] for f in rebuilt["findings"]]})

# %% [markdown]
# ## The figure, redrawn
#
# `e1.figure` draws the published figure from the same data, in the study's house style:
# (a) P(stable alliance) per cell with the mediation capacity where it crosses one half,
# (b) the median alliance lifetime.

# %%
with style():
    fig = e1.figure(data, analysis)

# %% [markdown]
# **Check: the figure shows the committed numbers.** Panel (a)'s colours are the
# probabilities computed with pandas above, and its white markers sit at the boundaries
# of `summary.json` (at the instigation levels where the probability does cross one half).

# %%
panel_a = fig.axes[0]
shown = np.asarray(panel_a.images[0].get_array())
assert np.allclose(shown, p_stable.to_numpy()), "panel (a) does not show the table's probabilities"

levels = list(p_stable.columns)
finite = [k for k, v in committed["numbers"].items()
          if k.startswith("boundary_instigation_") and math.isfinite(float(v))]
marker_x, marker_row = panel_a.lines[0].get_data() if panel_a.lines else ([], [])
assert len(marker_x) == len(finite), "one marker per finite committed boundary"
if not finite:
    print("no instigation level has its crossing inside the mediation range: no markers")
for x, row in zip(marker_x, marker_row):
    instigation = p_stable.index[int(row)]
    boundary = np.interp(x, range(len(levels)), levels)  # marker position -> mediation capacity
    expected = float(committed["numbers"][f"boundary_instigation_{instigation:g}"])
    assert math.isclose(boundary, expected, rel_tol=1e-9), (instigation, boundary, expected)
    print(f"instigation {instigation:g}: marker at mediation capacity {boundary:.3g} "
          f"= committed boundary {expected:.3g}")

# %% [markdown]
# For comparison, the committed figure (`results/e1_mediation_instigation/figure.png`):

# %%
display(Image(filename=str(FOLDER / "figure.png"), width=420))

# %% [markdown]
# ## What the experiment concluded, and where to go next
#
# The verdict and its meaning, as committed:

# %%
print(f"Verdict: {committed['verdict']}.")
print(committed["meaning"])

# %% [markdown]
# - `results/README.md` lists all ten experiments with their verdicts; each folder's
#   `summary.md` has the design, the sample sizes and why they are enough.
# - From a shell, `python -m experiments report e1_mediation_instigation` rebuilds the
#   summary and the figure into `results/` (identical files, if nothing drifted), and
#   `python -m experiments run e1_mediation_instigation --fresh` reruns the 1,200 model
#   runs themselves (about the wall time in `summary.md`).
# - The analysis functions also work on data that did not come from the model (faultlines,
#   survival of alliances, alliance landscapes): `docs/analysis.md` applies them to
#   published cases and reproduces the published values.
