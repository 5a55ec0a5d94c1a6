"""Running a plan: local processes or a Dask cluster, the same results either way.

Each run is :func:`execute` on a :class:`Task` (plain, picklable): it calls the project's one run
function, ``model.run.run``, with the run's parameters and seed, and returns a row (ids, seed,
parameters, the spec's outcomes as floats, wall time of the model run, when and on which worker
it started, error) and optionally its per-step metrics and the records of the spec's
``measure``. A run that raises is returned with its error text and NaN outcomes; the sweep goes
on. :func:`run_sweep` sends the missing runs to a backend, writes completed runs in small atomic
batches (see experiments.store) and shows a tqdm progress bar (runs done, runs per second, time
left).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import socket
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd

from .design import Plan, plan as make_plan
from .spec import Spec
from .store import ResultStore


@dataclass(frozen=True)
class Task:
    """Everything one run needs, nothing else (it travels to worker processes)."""

    run_id: int
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]
    steps: int
    outcomes: tuple[str, ...]
    timeseries: bool = False
    scenario: str | None = None
    measure: str | None = None


Result = tuple[dict[str, Any], dict[str, pd.DataFrame]]
"""A run's row, and its extra tables by name ("timeseries", "records"), each with run_id."""
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def execute(task: Task) -> Result:
    """Run one model through ``model.run.run``; never raises for a model error (it is
    recorded in the row)."""
    from model.core.parameters import SCHEMA_BY_NAME
    from model.run import run

    row: dict[str, Any] = {"run_id": task.run_id, "point": task.point,
                           "replicate": task.replicate, "seed": task.seed}
    for name, value in task.params.items():
        row[name] = SCHEMA_BY_NAME[name].coerce(value)
    tables: dict[str, pd.DataFrame] = {}
    started_at = time.time()
    start = time.perf_counter()
    try:
        measure = None
        if task.measure is not None:
            from .spec import load_measure

            measure = load_measure(task.measure)
        out = run(task.params, seed=task.seed, steps=task.steps, scenario=task.scenario,
                  outcomes=task.outcomes, measure=measure, timeseries=task.timeseries)
        values = {o: float(out[o]) for o in task.outcomes}
        if "records" in out:
            tables["records"] = out["records"]
            tables["records"].insert(0, "run_id", task.run_id)
        if task.timeseries:
            series = out["timeseries"].astype(float).reset_index()
            series.insert(0, "run_id", task.run_id)
            tables["timeseries"] = series
        error = None
    except Exception as e:  # recorded, the sweep goes on
        values = dict.fromkeys(task.outcomes, math.nan)
        tables = {}
        last = traceback.extract_tb(e.__traceback__)[-1]
        error = f"{type(e).__name__}: {e} (at {Path(last.filename).name}:{last.lineno})"
    row.update(values)
    row["wall_time"] = time.perf_counter() - start
    row["started_at"] = started_at
    row["worker"] = WORKER
    row["error"] = error
    return row, tables


def tasks_for(plan: Plan, skip: Iterable[int] = ()) -> list[Task]:
    """One self-contained task per planned run, leaving out ``skip`` (runs already stored)."""
    spec, skip = plan.spec, set(skip)
    return [Task(r.run_id, r.point, r.replicate, r.seed, r.params, spec.steps, spec.outcomes,
                 spec.timeseries, spec.scenario, spec.measure)
            for r in plan.runs if r.run_id not in skip]


# -- backends ----------------------------------------------------------------------------
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _warm() -> None:
    import model.core.model  # noqa: F401  (import once per worker, before the first run)


def run_local(tasks: list[Task], workers: int) -> Iterator[Result]:
    """Results as they complete, from a pool of ``workers`` spawned processes."""
    if not tasks:
        return
    ctx = multiprocessing.get_context("spawn")
    # one thread per worker: the workers are the parallelism (spawned children inherit this)
    saved = {k: os.environ.get(k) for k in THREAD_VARS}
    for k in THREAD_VARS:
        os.environ.setdefault(k, "1")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm)
    try:
        queue = iter(tasks)
        pending = set()

        def fill():
            for task in queue:
                pending.add(pool.submit(execute, task))
                if len(pending) >= 2 * workers:
                    break

        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pending.discard(future)
                yield future.result()
            fill()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_dask(tasks: list[Task], client) -> Iterator[Result]:
    """Results as they complete, from a connected ``distributed.Client``."""
    if not tasks:
        return
    from distributed import as_completed

    futures = client.map(execute, tasks, pure=False)
    for future in as_completed(futures, loop=client.loop):
        yield future.result()
        future.release()


def connect(address: str):
    """A Dask client of an existing scheduler (tcp://HOST:PORT)."""
    from distributed import Client

    return Client(address, set_as_default=False)


# -- the sweep ---------------------------------------------------------------------------
@dataclass
class SweepResult:
    """What a sweep returns: the stored runs, manifest and folder, and where time went."""
    runs: pd.DataFrame
    manifest: dict
    directory: Path
    executed: int
    elapsed: float
    startup: float  # seconds before the first run started (worker start-up, imports)
    last_result: float  # seconds from the start to the last completed run


def run_sweep(spec: Spec, results_dir: str | Path = "results", *, workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, fresh: bool = False,
              quiet: bool = False, batch_size: int = 10, batch_seconds: float = 10.0,
              log: Callable[[str], None] = print) -> SweepResult:
    """Run every planned run of ``spec`` not yet stored, then consolidate the results.

    ``scheduler`` (tcp://HOST:PORT) runs on an existing Dask cluster, else ``workers`` local
    processes (default: all cores). ``resume`` keeps stored runs of the same spec; ``fresh``
    discards stored results first; without either, existing results are an error.
    """
    plan = make_plan(spec)
    workers = workers or os.cpu_count() or 1
    backend = {"backend": "dask", "scheduler": scheduler} if scheduler else \
        {"backend": "local", "workers": workers}
    client = connect(scheduler) if scheduler else None  # before touching the results
    try:
        return _sweep(spec, plan, results_dir, workers, client, backend, resume, fresh, quiet,
                      batch_size, batch_seconds, log)
    finally:
        if client is not None:
            client.close()


def _sweep(spec, plan, results_dir, workers, client, backend, resume, fresh, quiet, batch_size,
           batch_seconds, log) -> SweepResult:
    """The sweep, once the backend is reachable: one sweep per results folder at a time."""
    store = ResultStore(results_dir, spec, log=log)
    store.acquire()
    try:
        return _sweep_locked(store, spec, plan, workers, client, backend, resume, fresh, quiet,
                             batch_size, batch_seconds)
    finally:
        store.release()


def _sweep_locked(store, spec, plan, workers, client, backend, resume, fresh, quiet, batch_size,
                  batch_seconds) -> SweepResult:
    from tqdm import tqdm

    done = store.open(resume=resume, fresh=fresh, planned=len(plan), info=backend)
    tasks = tasks_for(plan, skip=done["run_id"])
    results = run_dask(tasks, client) if client is not None else run_local(tasks, workers)
    rows: list[dict] = []
    tables: list[dict[str, pd.DataFrame]] = []
    last_flush = time.monotonic()
    start = time.perf_counter()
    startup = last_result = 0.0

    def flush():
        nonlocal rows, tables, last_flush
        store.write_batch(rows, tables)
        rows, tables, last_flush = [], [], time.monotonic()

    bar = tqdm(total=len(plan), initial=len(done), unit="run", disable=quiet,
               desc=spec.results_name, smoothing=0.1, dynamic_ncols=True)
    try:
        for i, (row, extra) in enumerate(results):
            last_result = time.perf_counter() - start
            if i == 0:
                startup = last_result - row["wall_time"]
            rows.append(row)
            tables.append(extra)
            bar.update(1)
            if len(rows) >= batch_size or time.monotonic() - last_flush >= batch_seconds:
                flush()
    finally:
        flush()
        bar.close()
    elapsed = time.perf_counter() - start
    df = store.finish({r.run_id for r in plan.runs})
    return SweepResult(runs=df, manifest=store.manifest, directory=store.dir,
                       executed=len(tasks), elapsed=elapsed, startup=startup,
                       last_result=last_result)
