"""Running a plan: local processes or a Dask cluster, the same results either way.

Each run is :func:`execute` on a :class:`Task` (plain, picklable): it calls the project's one run
function, ``model.run.run``, with the run's parameters and seed, and returns a row (ids, seed,
parameters, the spec's outcomes as floats, wall time of the model run, when and on which worker
it started, error) and optionally its per-step metrics and the records of the spec's
``measure``. A run that raises is returned with its error text and NaN outcomes; the sweep goes
on. :func:`run_sweep` first checks everything a user can get wrong (the plan's size, steps and
memory against the limits of model.core.resources, every design point, the results folder, the
scheduler's address), so that a sweep either starts or stops at once with one message; then it
sends the missing runs to a backend, writes completed runs in small atomic batches (see
experiments.store) and shows a tqdm progress bar (runs done, runs per second, time left).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import socket
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd

from model.core.resources import ResourceError, check_memory, check_steps

from .design import Plan, plan as make_plan
from .spec import Spec, show
from .store import ResultStore, check_results_dir


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
    workers = min(workers, len(tasks))  # no idle processes
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


SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
"""Protocols of a Dask scheduler address (a bare HOST:PORT means tcp)."""
ADDRESS = re.compile(r"(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
                     r":(?P<port>[0-9]{1,5})")
DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler before giving up (``--connect-timeout``)."""


class SchedulerError(ConnectionError):
    """A Dask scheduler address that is malformed or cannot be reached; names the address."""


def parse_scheduler(address: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a scheduler address, or SchedulerError saying what is allowed."""
    allowed = ("expected SCHEME://HOST:PORT with SCHEME one of " + ", ".join(SCHEMES)
               + ", e.g. tcp://127.0.0.1:8786")
    m = ADDRESS.fullmatch(address) if isinstance(address, str) else None
    if m is None or (m["scheme"] or "tcp") not in SCHEMES or not 1 <= int(m["port"]) <= 65535:
        raise SchedulerError(f"--scheduler = {show(address)} is not allowed: {allowed}")
    return m["scheme"] or "tcp", m["host"].strip("[]"), int(m["port"])


def connect(address: str, timeout: float = DEFAULT_CONNECT_TIMEOUT):
    """A Dask client of an existing scheduler, or SchedulerError within ``timeout`` seconds."""
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise SchedulerError(f"--connect-timeout = {timeout!r} is not allowed: expected a "
                             "positive number of seconds")
    scheme, host, port = parse_scheduler(address)
    if scheme == "tcp":  # a plain socket first: quick, and no half-made client to clean up
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as e:
            reason = "timed out" if isinstance(e, TimeoutError) else (e.strerror or str(e))
            raise SchedulerError(f"--scheduler = {address!r} cannot be reached ({reason} within "
                                 f"{timeout:g} s): start the scheduler (`dask scheduler`) or "
                                 "check the address; --connect-timeout sets the wait") from None
    _identify(address, timeout)
    from distributed import Client

    client = Client.__new__(Client)  # kept, so a failed start can be closed at once
    try:
        client.__init__(address, set_as_default=False, timeout=timeout)
        return client
    except Exception as e:  # a scheduler that went away since _identify, in whatever way
        try:
            client.close(timeout=min(timeout, 1.0))  # else its __del__ waits 2 x timeout
        except Exception:  # noqa: S110  (closing what never opened; the cause is below)
            pass
        raise _unanswered(address, timeout, e) from None


def _unanswered(address: str, timeout: float, e: BaseException | None) -> SchedulerError:
    reason = f" ({type(e).__name__}{': ' + str(e)[:200] if str(e) else ''})" if e else ""
    return SchedulerError(f"--scheduler = {address!r}: no Dask scheduler answered within "
                          f"{timeout:g} s{reason}; check the address; --connect-timeout sets "
                          "the wait")


def _identify(address: str, timeout: float) -> None:
    """Ask the server at ``address`` who it is, within ``timeout`` seconds in all: a server
    that is not a Dask scheduler (one that never answers, or answers in another protocol)
    would otherwise keep distributed's Client waiting for ever."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect as open_comm

    async def ask() -> Any:
        comm = await open_comm(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(ask(), timeout)

    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the caller runs
        try:
            answer = pool.submit(asyncio.run, bounded()).result()
        except Exception as e:  # a foreign server can fail the exchange in any way
            raise _unanswered(address, timeout, e) from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise SchedulerError(f"--scheduler = {address!r}: the server there is not a Dask "
                             f"scheduler (it answered {show(answer)}); check the address")


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
              connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
              log: Callable[[str], None] = print,
              manifest_extra: dict[str, Any] | None = None) -> SweepResult:
    """Run every planned run of ``spec`` not yet stored, then consolidate the results.

    ``scheduler`` (tcp://HOST:PORT) runs on an existing Dask cluster, else ``workers`` local
    processes (default: all cores). ``resume`` keeps stored runs of the same spec; ``fresh``
    discards stored results first; without either, existing results are an error. Everything
    is checked before the first run (see :func:`preflight`). ``manifest_extra`` adds fields to
    the manifest (the command line records there whether the run followed a plan).
    """
    workers = workers or os.cpu_count() or 1
    plan = preflight(spec, results_dir, workers=1 if scheduler else workers)
    backend = {"backend": "dask", "scheduler": scheduler} if scheduler else \
        {"backend": "local", "workers": workers}
    backend.update(manifest_extra or {})
    client = connect(scheduler, connect_timeout) if scheduler else None  # before the results
    try:
        return _sweep(spec, plan, results_dir, workers, client, backend, resume, fresh, quiet,
                      batch_size, batch_seconds, log)
    finally:
        if client is not None:
            client.close()


def preflight(spec: Spec, results_dir: str | Path, workers: int) -> Plan:
    """The plan, once the limits, every design point and the results folder are checked.

    Steps per run against ``ALLIANCE_ABM_MAX_STEPS``, planned runs against
    ``ALLIANCE_ABM_MAX_RUNS`` (by arithmetic, before the plan exists), the memory of ``workers``
    runs at once of the largest population against ``ALLIANCE_ABM_MAX_MEMORY_GIB``: each a
    ResourceError; a point the model would refuse is a SpecError; an unusable results folder a
    StoreError.
    """
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ResourceError(f"--workers = {workers!r} is not allowed: expected an integer >= 1")
    name = spec.results_name
    try:
        check_steps(spec.steps)
    except ResourceError as e:
        raise ResourceError(f"experiment {name!r}: {e}") from None
    plan = make_plan(spec)
    try:
        check_memory(plan.max_n_groups, runs_at_once=min(workers, len(plan)))
    except ResourceError as e:
        raise ResourceError(f"experiment {name!r}: {e}") from None
    check_results_dir(results_dir, spec)
    return plan


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
