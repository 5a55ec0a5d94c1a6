"""The calibration run: pyabc's ABC-SMC over the priors, with its history in a SQLite database
in the output folder, resumed after an interruption when its settings match.

pyabc stores every finished generation (its particles, weights, statistics and threshold) in
the database as it goes, so a run stopped by Ctrl-C or killed loses at most the generation it
was in; ``calibrate`` then continues from the last stored generation (``ABCSMC.load``). What a
stored calibration means is fixed by its fingerprint (priors, targets, fixed parameters, run
length, seeds, population size): a database with another fingerprint is refused, not mixed.
The stopping rules (generations, simulations, acceptance rate) are not part of it, so a
finished calibration can be continued with a larger budget.
"""

from __future__ import annotations

import ast
import json
import logging
import math
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from model.analysis.contact_patterns import TARGETS_FILE, Target, load_targets

from .gaps import GapScales, check_targets, fixed_weights, observed
from .priors import PRIORS_FILE, Prior, fixed_parameters, load_priors
from .sampling import connect, sampler
from .settings import CalibrationError, Settings
from .simulate import NO_METRICS, PatternSimulator

DB_NAME = "calibration.db"
STATUS_NAME = "status.json"
OUTPUT_NAMES = ("posterior.parquet", "posterior.png", "predictive_check.csv",
                "predictive_check.md", "candidates.csv", "defaults.csv", "summary.md",
                "settings.json", STATUS_NAME)
"""What a calibration writes beside its database (``--fresh`` removes them all)."""

_MEANING = ("population_size", "steps", "seeds_per_simulation", "seed")
"""The settings that change what a stored particle means (the rest are stopping rules)."""


@dataclass
class Calibration:
    """A calibration's inputs and pyabc history, as ``outputs`` needs them."""

    out: Path
    settings: Settings
    priors: tuple[Prior, ...]
    targets: tuple[Target, ...]
    fixed: dict
    history: object
    status: dict

    @property
    def db(self) -> Path:
        """The pyabc database."""
        return self.out / DB_NAME


def fingerprint(settings: Settings, priors, targets, fixed) -> dict:
    """What a stored calibration means, as plain data (compared on resume)."""
    return {
        "settings": {k: getattr(settings, k) for k in _MEANING},
        "priors": {p.name: [p.low, p.high, p.block, "uniform, sampled on the logit scale"]
                   for p in priors},
        "targets": {t.name: [t.statistic, _num(t.low), _num(t.high), t.centre, t.scale]
                    for t in targets},
        "fixed": dict(fixed),
    }


def _num(x: float):
    return x if math.isfinite(x) else str(x)


def calibrate(settings: Settings, out: Path | str, *, workers: int = 1,
              scheduler: str | None = None, fresh: bool = False,
              targets_path: Path | str = TARGETS_FILE, priors_path: Path | str = PRIORS_FILE,
              log: Callable[[str], None] = print, quiet: bool = False,
              write: bool = True) -> Calibration:
    """Run (or resume, or just rewrite the outputs of) a calibration into ``out``.

    ``workers`` local processes, or the Dask cluster at ``scheduler``; ``fresh`` discards a
    stored calibration first; ``write=False`` leaves only the database (for tests and the
    benchmark). Raises CalibrationError for bad priors or targets, a database
    made under other settings, or a scheduler that cannot be reached; KeyboardInterrupt
    leaves the finished generations in the database for the next call to resume.
    """
    from .outputs import write_outputs

    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise CalibrationError(f"--workers = {workers!r} is not allowed: expected an integer "
                               ">= 1")
    priors = load_priors(priors_path)
    try:
        targets = check_targets(load_targets(targets_path), targets_path)
    except CalibrationError:
        raise
    except ValueError as err:
        raise CalibrationError(str(err)) from None
    fixed = {**fixed_parameters(priors), "collect_every": NO_METRICS}
    meaning = fingerprint(settings, priors, targets, fixed)
    client = connect(scheduler) if scheduler else None
    try:
        out = Path(out)
        if fresh:
            _discard(out)
        out.mkdir(parents=True, exist_ok=True)
        db = out / DB_NAME
        stored = _stored_fingerprint(db) if db.exists() else None
        if stored is not None and stored != meaning:
            raise CalibrationError(_mismatch(db, stored, meaning))
        _pyabc_logging(quiet)
        abc = _abcsmc(settings, priors, targets, fixed, sampler(workers, client))
        status = _read_status(out)
        if stored is None:
            _seed(settings.seed, 0)
            history = abc.new(f"sqlite:///{db.resolve()}", observed(targets),
                              meta_info={"calibration": json.dumps(meaning)})
            status = {}
            log(f"calibration: new run in {db}")
        else:
            history = abc.load(f"sqlite:///{db.resolve()}", 1)
            log(f"calibration: resuming {db} after {_generations(history)} stored generation(s), "
                f"{_simulations(history)} simulations")
        if not _finished(history, settings, status):
            _seed(settings.seed, _generations(history) + 1)
            abc.run(max_nr_populations=settings.max_generations - _generations(history),
                    max_total_nr_simulations=settings.max_simulations,
                    min_acceptance_rate=settings.min_acceptance_rate)
            status = _stopped(history, settings)
            _write_status(out, status)
        else:
            log("calibration: already finished under these stopping rules; rewriting outputs")
        result = Calibration(out, settings, priors, targets, fixed, history, status)
        if write and _generations(history) == 0:
            raise CalibrationError(f"{db}: no generation finished (stopped by the rule on "
                                   f"{status.get('stopped')}), so there is no posterior to write")
        if write:
            write_outputs(result, workers=workers, client=client, log=log)
        return result
    finally:
        if client is not None:
            client.close()


def _abcsmc(settings: Settings, priors, targets, fixed, the_sampler):
    import pyabc

    prior = pyabc.Distribution(**{p.name: pyabc.RV("logistic", 0.0, 1.0) for p in priors})
    distance = pyabc.AdaptivePNormDistance(p=2, scale_function=GapScales(targets),
                                           fixed_weights=fixed_weights(targets))
    simulator = PatternSimulator(targets, fixed, steps=settings.steps,
                                 seeds_per_simulation=settings.seeds_per_simulation,
                                 seed=settings.seed, priors=priors)
    return pyabc.ABCSMC(simulator, prior, distance, population_size=settings.population_size,
                        transitions=proposal(priors), sampler=the_sampler)


def proposal(priors):
    """pyabc's proposal: one multivariate normal kernel (Silverman's bandwidth) per block of
    priors (``block`` in priors.toml; a parameter without one is a block of its own), the
    blocks drawn independently. One kernel over all twelve parameters fails here: a kernel
    density of a few hundred particles in twelve dimensions is so lumpy that the importance
    weights of the next generation collapse (an effective sample size of 2 to 9 of 100 after
    one or two generations, ODD 8.2); blocks of one or two keep it at a third to a half."""
    import pyabc

    blocks: dict[str, list[str]] = {}
    for p in priors:
        blocks.setdefault(p.block or p.name, []).append(p.name)
    return pyabc.AggregatedTransition({tuple(names): pyabc.MultivariateNormalTransition()
                                       for names in blocks.values()})


def _seed(seed: int, generation: int) -> None:
    """Seed the generators pyabc draws particles from (numpy's and Python's global ones), from
    the calibration seed and the generation a run starts at."""
    state = np.random.SeedSequence([seed, generation]).generate_state(2)
    np.random.seed(int(state[0]))
    random.seed(int(state[1]))


def _generations(history) -> int:
    """Finished generations in the database (the prior sample not counted)."""
    t = history.max_t
    return 0 if t is None else int(t) + 1


def _simulations(history) -> int:
    """Simulations so far, the prior sample that calibrates the distance included."""
    return int(history.total_nr_simulations or 0)


def _finished(history, settings: Settings, status: dict) -> bool:
    """Whether the stored calibration already met a stopping rule of ``settings``."""
    if _generations(history) >= settings.max_generations:
        return True
    if _generations(history) > 0 and _simulations(history) >= settings.max_simulations:
        return True
    return (status.get("stopped") == "acceptance rate"
            and status.get("min_acceptance_rate") == settings.min_acceptance_rate
            and status.get("generations") == _generations(history))


def _stopped(history, settings: Settings) -> dict:
    """Why pyabc stopped, with the numbers summary.md reports."""
    populations = history.get_all_populations()
    if _generations(history) >= settings.max_generations:
        why = "generations"
    elif _simulations(history) >= settings.max_simulations:
        why = "simulations"
    else:
        why = "acceptance rate"
    return {"stopped": why, "generations": _generations(history),
            "simulations": _simulations(history),
            "min_acceptance_rate": settings.min_acceptance_rate,
            "sampling_seconds": float(populations["wall_time"].fillna(0).sum())}


def _read_status(out: Path) -> dict:
    try:
        return json.loads((out / STATUS_NAME).read_text())
    except (OSError, ValueError):
        return {}


def _write_status(out: Path, status: dict) -> None:
    tmp = out / f".{STATUS_NAME}.tmp"
    tmp.write_text(json.dumps(status, indent=2) + "\n")
    tmp.replace(out / STATUS_NAME)


def _discard(out: Path) -> None:
    """Remove a stored calibration and its outputs (``--fresh``), nothing else in the folder."""
    for name in (DB_NAME, *OUTPUT_NAMES):
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _stored_fingerprint(db: Path) -> dict:
    """The fingerprint a database was made with, or a clear error if it has none."""
    import pyabc

    try:
        history = pyabc.History(f"sqlite:///{db.resolve()}", create=False)
        history.id = 1
        options = ast.literal_eval(history.get_abc().json_parameters)
        return json.loads(options["calibration"])
    except Exception as err:  # any failure to read it means the same to the user
        reason = (str(err).splitlines() or [""])[0]
        raise CalibrationError(f"{db} is not a calibration database this command can resume "
                               f"({type(err).__name__}: {reason}); start over with --fresh, or "
                               "give another --out") from None


def _mismatch(db: Path, stored: dict, meaning: dict) -> str:
    """Which settings differ between a stored calibration and this one, in one line."""
    diffs = []
    for part in ("settings", "priors", "targets", "fixed"):
        a, b = stored.get(part), meaning.get(part)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    diffs.append(f"{part} {key}: {a.get(key, 'absent')} stored, "
                                 f"{b.get(key, 'absent')} now")
        else:
            diffs.append(f"{part}: {a} stored, {b} now")
    shown = "; ".join(diffs[:3]) + (f"; and {len(diffs) - 3} more" if len(diffs) > 3 else "")
    return (f"{db} holds a calibration made under other settings ({shown}); start over with "
            "--fresh, or give another --out")


def _pyabc_logging(quiet: bool) -> None:
    """pyabc reports each generation on its 'ABC' logger; quiet keeps only warnings."""
    import pyabc  # noqa: F401  (it sets its loggers' levels when first imported)

    logging.getLogger("ABC").setLevel(logging.WARNING if quiet else logging.INFO)
    for name in ("ABC.Sampler", "ABC.Distance", "ABC.Epsilon", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)
