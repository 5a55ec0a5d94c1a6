"""A posterior sample as a sweep reads it: parameter sets and their weights, from Parquet.

The calibration (experiments/calibration) writes ``posterior.parquet``: one column per
calibrated parameter, on the model's scale, a ``weight`` column summing to 1 and the
``generation``. A spec with ``design = "posterior"`` draws its parameter sets from such a file,
so that an experiment can ask whether a result holds across what the data allow and not only
at the defaults. The file's digest enters the spec's hash: a new calibration is a new sweep.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from model.core.parameters import SCHEMA_BY_NAME, ParameterError

DEFAULT_POSTERIOR = "results/calibration/posterior.parquet"
"""Where the committed calibration keeps its posterior (relative to the project's root)."""

BOOKKEEPING = ("weight", "generation")
"""Columns of the posterior file that are not parameters."""


class PosteriorError(ValueError):
    """A posterior file that cannot be drawn from; the message names the file and column."""


@dataclass(frozen=True)
class PosteriorSample:
    """Particles of a posterior: ``values[i, j]`` is parameter ``names[j]`` of particle i."""

    path: str
    names: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    digest: str

    def draw(self, n: int, seed: np.random.SeedSequence) -> np.ndarray:
        """``n`` particle indices drawn with replacement in proportion to their weights."""
        rng = np.random.default_rng(seed)
        return rng.choice(len(self.weights), size=n, replace=True, p=self.weights)


def resolve(path: str, root: Path) -> Path:
    """A posterior path as given, or relative to the project's root when it is not found
    relative to the working folder (so the default works from any folder of a clone)."""
    given = Path(path)
    return given if given.is_absolute() or given.exists() else root / given


def read_posterior(path: Path | str) -> PosteriorSample:
    """The sample in ``path``, checked: parameters of the schema, values it allows, finite
    non-negative weights with a positive total."""
    path = Path(path)
    try:
        stamp = path.stat()
    except OSError as err:
        raise PosteriorError(f"posterior = {str(path)!r} cannot be read: {err.strerror}; run "
                             "`python -m experiments calibrate` to make one") from None
    return _read(str(path.resolve()), stamp.st_mtime_ns, stamp.st_size)


@lru_cache(maxsize=8)
def _read(path: str, mtime: int, size: int) -> PosteriorSample:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = Path(path).read_bytes()
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise PosteriorError(f"posterior = {path!r} is not a readable Parquet file: {err}") \
            from None
    names = tuple(n for n in table.column_names if n not in BOOKKEEPING)
    if "weight" not in table.column_names:
        raise PosteriorError(f"posterior = {path!r} has no 'weight' column")
    if not names or not table.num_rows:
        raise PosteriorError(f"posterior = {path!r} holds no parameters or no particles")
    columns = []
    for name in names:
        param = SCHEMA_BY_NAME.get(name)
        if param is None or param.kind not in (int, float):
            raise PosteriorError(f"posterior = {path!r}: column {name!r} is not a numeric "
                                 "model parameter (see `python -m model params`)")
        try:
            column = np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=float)
        except (TypeError, ValueError, pa.ArrowException):
            raise PosteriorError(f"posterior = {path!r}: column {name!r} is not numeric") \
                from None
        for i, value in enumerate(column):
            try:
                param.coerce(float(value))
            except ParameterError as err:
                raise PosteriorError(f"posterior = {path!r}: particle {i}: {err}") from None
        columns.append(column)
    weights = np.asarray(table.column("weight").to_numpy(zero_copy_only=False), dtype=float)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise PosteriorError(f"posterior = {path!r}: column 'weight' must hold finite "
                             "non-negative numbers with a positive total")
    return PosteriorSample(path, names, np.column_stack(columns), weights / weights.sum(),
                           hashlib.sha256(data).hexdigest()[:16])
