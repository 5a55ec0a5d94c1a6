"""Where the simulations run: in this process, in local worker processes, or on a Dask
cluster, through pyabc's samplers; and the same choice for the predictive check's runs.

``--workers 1`` samples in this process (pyabc's SingleCoreSampler), which is the only way
that is bit-reproducible: pyabc's multicore sampler reseeds its workers from the operating
system, and on any parallel sampler the order in which particles finish decides which are
kept. Each particle's own runs are reproducible everywhere (``simulate.particle_seeds``).
"""

from __future__ import annotations

import multiprocessing
from typing import Callable, Iterable

from .settings import CalibrationError

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler before giving up with a clear message."""


def connect(address: str):
    """A Dask client of the scheduler at ``address``, through the sweep engine's connection
    (experiments.runner.connect: address checked, server asked who it is, all within
    CONNECT_TIMEOUT seconds), or one CalibrationError naming the address."""
    from ..runner import SchedulerError
    from ..runner import connect as connect_scheduler

    try:
        return connect_scheduler(address, CONNECT_TIMEOUT)
    except SchedulerError as err:
        raise CalibrationError(f"cannot reach the Dask scheduler at {address}: {err}") from None


def sampler(workers: int, client=None):
    """pyabc's sampler: Dask's if a client is given, else local processes (or this process
    for one worker). Local samplers stop a generation at its evaluation budget (pyabc's
    ``check_max_eval``); the Dask sampler does not, so the last generation on a cluster can
    cost more than ``population_size / min_acceptance_rate`` simulations."""
    from pyabc.sampler import (DaskDistributedSampler, MulticoreEvalParallelSampler,
                               SingleCoreSampler)

    if client is not None:
        return DaskDistributedSampler(dask_client=client)
    if workers == 1:
        return SingleCoreSampler(check_max_eval=True)
    return MulticoreEvalParallelSampler(n_procs=workers, check_max_eval=True)


def map_runs(function: Callable, items: Iterable, workers: int, client=None) -> list:
    """``[function(item) for item in items]``, spread like the sampler's simulations."""
    items = list(items)
    if client is not None:
        futures = client.map(function, items, pure=False)
        return client.gather(futures)
    if workers == 1 or len(items) < 2:
        return [function(item) for item in items]
    with multiprocessing.get_context("fork").Pool(min(workers, len(items))) as pool:
        return pool.map(function, items, chunksize=1)
