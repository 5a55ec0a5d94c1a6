"""The calibration's settings: the full run the issue asks for and the quick one the tests run.

A calibration's results depend on these numbers, so they are stored with its database and a
stored calibration is resumed only under the same settings (``pipeline``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


class CalibrationError(ValueError):
    """A calibration that cannot run as asked: bad priors or targets, a database made under
    other settings, a scheduler that cannot be reached. The message names what and where."""


@dataclass(frozen=True)
class Settings:
    """How much simulation one calibration spends and how each simulation is measured.

    ``population_size`` particles per generation; at most ``max_generations`` generations; the
    run stops after the first generation that brings the simulations (prior sample included)
    to ``max_simulations``, or when a generation's acceptance rate would fall below
    ``min_acceptance_rate`` (a generation then stops after ``population_size /
    min_acceptance_rate`` simulations, which bounds its cost). Each simulation runs
    ``seeds_per_simulation`` seeds of the model for ``steps`` steps and averages their
    statistics; ``predictive_draws`` posterior draws (and as many runs at the defaults) make
    the posterior predictive check; ``seed`` is the calibration's seed, from which every
    simulation's seeds are derived.
    """

    population_size: int
    max_generations: int
    max_simulations: int
    min_acceptance_rate: float
    steps: int
    seeds_per_simulation: int
    predictive_draws: int
    seed: int = 1

    def __post_init__(self):
        for name in ("population_size", "max_generations", "max_simulations", "steps",
                     "seeds_per_simulation", "predictive_draws"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise CalibrationError(f"setting {name} = {value!r} is not allowed: expected a "
                                       "positive integer")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise CalibrationError(f"--seed = {self.seed!r} is not allowed: expected an integer "
                                   ">= 0")
        if not 0.0 <= self.min_acceptance_rate < 1.0:
            raise CalibrationError(f"setting min_acceptance_rate = {self.min_acceptance_rate!r} "
                                   "is not allowed: expected a number in [0, 1)")

    def with_seed(self, seed: int) -> "Settings":
        """The same settings under another calibration seed."""
        return replace(self, seed=seed)

    def as_dict(self) -> dict:
        """Plain values, for the database, settings.json and summary.md."""
        return asdict(self)


FULL = Settings(population_size=200, max_generations=50, max_simulations=10_000,
                min_acceptance_rate=0.05, steps=300, seeds_per_simulation=1,
                predictive_draws=100)
"""The calibration the issue asks for: at least 10,000 simulations of 300 steps of 50 groups
(past the transient from initial prejudice, and the longest runs that fit 30 minutes on 2
cores; ODD 8.2 says why), one seed each; a generation is cut off below a 5% acceptance rate,
so the last one adds at most 4,000 simulations (about 0.2 s each on a free core)."""

QUICK = Settings(population_size=12, max_generations=2, max_simulations=10_000,
                 min_acceptance_rate=0.0, steps=60, seeds_per_simulation=1,
                 predictive_draws=6)
"""The same pipeline in seconds, for the tests: two generations of 12 particles on 60-step
runs. Its posterior means nothing; it shows that every step works."""
