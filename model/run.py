"""One run as a function: parameters and seed in, metrics and outcomes out.

``run`` is a plain, picklable function so a sweep engine can ship it to another process or
machine (the EMA workbench convention); the experiments' sweep engine calls it for every run.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from model.core.model import AllianceModel, check_step_count
from model.core.parameters import ParameterError, show
from model.analysis.persistence import stability_summary


def run(params: Mapping[str, Any] | None = None, /, *, seed: int = 0, steps: int = 500,
        scenario=None, outcomes: Sequence[str] | None = None,
        measure: Callable[[AllianceModel], Mapping[str, Any]] | None = None,
        timeseries: bool = False, **more: Any) -> dict[str, Any]:
    """Run the model once and return its outcomes: the one run function of the project.

    Parameters may come as a mapping, as keywords, or both (keywords win), so the same
    function serves ``run({"n_groups": 60}, seed=3)``, a sweep engine, and EMA workbench's
    ``Model("alliance", function=run)``, which calls ``run(**experiment)``.

    Parameters
    ----------
    params : mapping, optional
        Parameter values by schema name (``model.core.parameters.SCHEMA``).
    seed, steps, scenario
        The random seed, the number of steps, and a scenario file or name (optional).
    outcomes : sequence of str, optional
        Only these of ``RUN_OUTCOMES`` and ``final_<metric>`` are needed (the others may be
        skipped where they cost time); default all.
    measure : callable, optional
        ``measure(model)`` after the run returns more outcomes; a ``"records"`` entry (rows
        of a table) is returned as a DataFrame under ``"records"``.
    timeseries : bool
        Also return the collected metrics (:func:`metrics_table`) under ``"timeseries"``.
    **more
        Further parameter values by name.

    Returns
    -------
    dict
        Outcome name -> value (see docs/ODD.md, Observation), and ``wall_time`` in seconds.
    """
    start = time.perf_counter()
    check_step_count(steps)
    values = {**_mapping(params), **more}
    model = AllianceModel(seed=seed, scenario=scenario, **values).run(steps)
    out = outcomes_of(model, outcomes)
    if measure is not None:
        extra = dict(measure(model))
        records = extra.pop("records", None)
        out.update(extra)
        if records is not None:
            out["records"] = pd.DataFrame(records).reset_index(drop=True)
    if timeseries:
        out["timeseries"] = metrics_table(model)
    out["wall_time"] = time.perf_counter() - start
    return out


def _mapping(params) -> dict:
    """The parameters given as a mapping (or none), as a dict; anything else is refused."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise ParameterError(f"parameters = {show(params)} is not allowed: expected a mapping "
                             "of parameter name to value")
    odd = [key for key in params if not isinstance(key, str)]
    if odd:
        raise ParameterError(f"unknown parameter {show(odd[0])}: parameter names are strings; "
                             "known parameters are listed by `python -m model params`")
    return dict(params)


RUN_OUTCOMES = ("stable_alliance_formed", "largest_stable_alliance_groups",
                "largest_stable_alliance_share", "contracts_signed", "renewal_share",
                "mean_contract_lifetime", "alliances_formed", "median_alliance_lifetime",
                "mean_partition_ari", "faultline_strength")
"""Headline outcomes of a run, besides ``final_<metric>`` for every metric and wall time."""


def outcomes_of(model: AllianceModel, names: Sequence[str] | None = None) -> dict[str, Any]:
    """Headline outcomes of a finished run (keys: RUN_OUTCOMES and final_<metric>).

    Alliance lifetimes come from model.analysis.persistence: the Kaplan-Meier median (inf when more
    than half the alliances outlive the run), and the mean adjusted Rand index between
    consecutive alliance partitions over the last 100 steps (partition stability).
    ``names`` limits the work to the outcomes asked for: the alliance history and the
    faultline strength cost more than a short run itself.
    """
    wanted = set(RUN_OUTCOMES if names is None else names)
    c = model.state.contracts
    signed = c.size
    out: dict[str, Any] = {
        "stable_alliance_formed": bool(model.stable_alliance_formed),
        "largest_stable_alliance_groups": int(model.largest_stable_size),
        "largest_stable_alliance_share": float(model.largest_stable_share),
        "contracts_signed": int(signed),
    }
    if "mean_contract_lifetime" in wanted:
        lifetimes = np.where(c.ended >= 0, c.ended, model.time) - c.start
        out["mean_contract_lifetime"] = float(lifetimes.mean()) if signed else 0.0
    if wanted & {"renewal_share", "alliances_formed", "median_alliance_lifetime",
                 "mean_partition_ari"}:
        stability = stability_summary(model)
        out.update({
            "renewal_share": float(stability["renewal_share"]),
            "alliances_formed": int(stability["n_alliances"]),
            "median_alliance_lifetime": float(stability["median_lifetime"]),
            "mean_partition_ari": float(stability["mean_ari"]),
        })
    if "faultline_strength" in wanted:
        out["faultline_strength"] = float(model.faultline_strength)
    out = {k: out[k] for k in RUN_OUTCOMES if k in out}
    out.update({f"final_{k}": v for k, v in model.metrics.items()})
    return out


def metrics_table(model: AllianceModel) -> pd.DataFrame:
    """The collected metrics, one row per collection, indexed by step."""
    df = model.datacollector.get_model_vars_dataframe()
    every = model.params.collect_every
    df.index = np.arange(len(df)) * every
    df.index.name = "step"
    return df


def contracts_table(model: AllianceModel) -> pd.DataFrame:
    """Every contract signed during the run, with both parties' names."""
    c = model.state.contracts.as_dict()
    df = pd.DataFrame(c)
    names = np.array(model.state.group_names, dtype=object)
    df.insert(2, "name_a", names[df["a"]] if len(df) else [])
    df.insert(3, "name_b", names[df["b"]] if len(df) else [])
    return df


WARM_UP = dict(n_groups=16, n_traits=2, instigation=0.3, instigation_mode="targeted",
               enemy_schedule="pulse", enemy_onset=5, contract_term=4, mediation_capacity=0.6)
"""A small population in which every mechanism acts within a few dozen steps."""


def compile_kernels(steps: int = 80) -> float:
    """Compile the model's kernels (or load them from the cache) by running ``WARM_UP``;
    returns the seconds it took. Later processes then start at full speed."""
    start = time.perf_counter()
    AllianceModel(seed=0, **WARM_UP).run(steps)
    return time.perf_counter() - start


def contact_records(params: Mapping[str, Any] | None = None, *, seeds: Sequence[int] = range(20),
                    steps: int | None = None, scenario=None) -> list:
    """One per-group contact record (model.core.contact_record) per seed, for checking the
    contact patterns of model.analysis.contact_patterns against the model's output, by default
    at the patterns' run length (``PATTERN_STEPS``)."""
    from model.analysis.contact_patterns import PATTERN_STEPS
    from model.core.contact_record import ContactRecorder

    steps = PATTERN_STEPS if steps is None else steps
    check_step_count(steps)
    records = []
    for seed in seeds:
        model = AllianceModel(seed=seed, scenario=scenario, **_mapping(params))
        recorder = ContactRecorder(model)
        model.run(steps)
        records.append(recorder.record())
    return records
