"""One simulation of the calibration: a particle's parameters in, the contact statistics and
their gaps out (``gaps.summary``), on seeds derived from the calibration's seed.

The seeds are a function of the calibration seed and the particle's values alone, never of
the order in which workers pick particles up, so a particle gives the same statistics in any
process, on any machine.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from typing import Mapping

import numpy as np

from model.analysis.contact_patterns import Target, pattern_statistics
from model.run import contact_records

from .gaps import mean_over_runs, summary

NO_METRICS = 1_000_000
"""``collect_every`` of the calibration's runs: the per-step metrics are not needed (the
contact record is), and collecting them costs a third of a run; the dynamics are the same."""


def particle_seeds(seed: int, values: Mapping[str, float], n: int) -> list[int]:
    """``n`` model seeds for a parameter set, derived from the calibration seed and the values."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(values):
        digest.update(name.encode())
        digest.update(np.float64(values[name]).tobytes())
    words = np.frombuffer(digest.digest(), dtype=np.uint32)
    state = np.random.SeedSequence([seed, *map(int, words)]).generate_state(n)
    return [int(s) for s in state]


def draw_seeds(seed: int, purpose: int, n: int) -> list[int]:
    """``n`` model seeds for the runs of the predictive check (``purpose`` tells its runs
    apart from each other and from the particles')."""
    state = np.random.SeedSequence([seed, 2**32 - 1, purpose]).generate_state(n)
    return [int(s) for s in state]


def run_statistics(params: Mapping, seeds: list[int], steps: int) -> list[dict]:
    """The contact statistics of one run per seed (model.analysis.contact_patterns)."""
    values = {"collect_every": NO_METRICS, **params}
    return [pattern_statistics(r) for r in contact_records(values, seeds=seeds, steps=steps)]


class PatternSimulator:
    """The model as pyabc sees it: ``simulator(particle) -> summary statistics``.

    ``fixed`` holds the parameters that are not calibrated (their defaults); a particle's
    values are added to them. With ``priors``, a particle holds each parameter on the logit
    scale of its prior's range (``Prior.from_logit``), as pyabc samples it. Picklable, so that
    Dask can ship it to remote workers.
    """

    def __init__(self, targets: tuple[Target, ...], fixed: Mapping, *, steps: int,
                 seeds_per_simulation: int, seed: int, priors: tuple = ()):
        self.targets = targets
        self.fixed = dict(fixed)
        self.steps = steps
        self.seeds_per_simulation = seeds_per_simulation
        self.seed = seed
        self.priors = {p.name: p for p in priors}
        self._parent = os.getpid()

    def values(self, particle: Mapping) -> dict[str, float]:
        """A particle's parameter values on the model's scale."""
        return {name: (self.priors[name].from_logit(v) if name in self.priors else float(v))
                for name, v in particle.items()}

    def __call__(self, particle: Mapping) -> dict[str, float]:
        """The summary statistics of one particle."""
        if os.getpid() != self._parent:
            quiet_worker()
        values = self.values(particle)
        seeds = particle_seeds(self.seed, values, self.seeds_per_simulation)
        return summary(self.targets, run_statistics({**self.fixed, **values}, seeds, self.steps))


class PredictiveRun:
    """One draw of the predictive check: ``(parameters, seeds) -> contact statistics``, each
    the mean over the seeds' runs (``gaps.mean_over_runs``), as a particle's are."""

    def __init__(self, fixed: Mapping, steps: int):
        self.fixed = dict(fixed)
        self.steps = steps
        self._parent = os.getpid()

    def __call__(self, item: tuple[Mapping, list[int]]) -> dict:
        """The statistics of ``item = (values, seeds)``, averaged over its runs."""
        if os.getpid() != self._parent:
            quiet_worker()
        values, seeds = item
        per_run = run_statistics({**self.fixed, **values}, list(seeds), self.steps)
        return {name: mean_over_runs([r[name] for r in per_run]) for name in per_run[0]}


_worker_ready = False


def quiet_worker() -> None:
    """In a local worker process: ignore Ctrl-C (the parent stops the calibration and reports
    it once, instead of every worker printing a traceback) and die with the parent if it is
    killed (Linux), instead of simulating on for nobody."""
    global _worker_ready
    if _worker_ready or threading.current_thread() is not threading.main_thread():
        return
    _worker_ready = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
