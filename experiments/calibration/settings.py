"""The calibration's settings: the full run the issue asks for and the quick one the tests run.

A calibration's results depend on these numbers, so they are stored with its database and a
stored calibration is resumed only under the same settings (``pipeline``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from model.analysis.contact_patterns import PATTERN_STEPS


class CalibrationError(ValueError):
    """A calibration that cannot run as asked: bad priors or targets, a database made under
    other settings, a scheduler that cannot be reached. The message names what and where."""


@dataclass(frozen=True)
class Settings:
    """How much simulation one calibration spends and how each simulation is measured.

    ``population_size`` particles per generation; at most ``max_generations`` generations; the
    run stops after the first generation that brings the simulations (prior sample included)
    to ``max_simulations`` (a simulation is one particle's evaluation, of
    ``seeds_per_simulation`` model runs), or when a generation's acceptance rate would fall below
    ``min_acceptance_rate`` (a generation then stops after ``population_size /
    min_acceptance_rate`` simulations, which bounds its cost). Each simulation runs
    ``seeds_per_simulation`` seeds of the model for ``steps`` steps and averages their
    statistics; ``predictive_draws`` posterior draws (and as many runs at the defaults) make
    the posterior predictive check; ``seed`` is the calibration's seed, from which every
    simulation's seeds are derived. The defaults are chosen (``point``) among the hand-set
    point and a grid of ``point_quantiles`` of each pinned combination, each candidate run on
    ``point_seeds`` seeds.
    """

    population_size: int
    max_generations: int
    max_simulations: int
    min_acceptance_rate: float
    steps: int
    seeds_per_simulation: int
    predictive_draws: int
    seed: int = 1
    point_seeds: int = 20
    point_quantiles: tuple[float, ...] = (0.025, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.975)

    def __post_init__(self):
        for name in ("population_size", "max_generations", "max_simulations", "steps",
                     "seeds_per_simulation", "predictive_draws", "point_seeds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise CalibrationError(f"setting {name} = {value!r} is not allowed: expected a "
                                       "positive integer")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise CalibrationError(f"--seed = {self.seed!r} is not allowed: expected an integer "
                                   ">= 0")
        if not self.point_quantiles or not all(0.0 < q < 1.0 for q in self.point_quantiles):
            raise CalibrationError(f"setting point_quantiles = {self.point_quantiles!r} is not "
                                   "allowed: expected quantiles strictly between 0 and 1")
        if not 0.0 <= self.min_acceptance_rate < 1.0:
            raise CalibrationError(f"setting min_acceptance_rate = {self.min_acceptance_rate!r} "
                                   "is not allowed: expected a number in [0, 1)")

    def with_seed(self, seed: int) -> "Settings":
        """The same settings under another calibration seed."""
        return replace(self, seed=seed)

    def as_dict(self) -> dict:
        """Plain values, for the database, settings.json and summary.md."""
        return asdict(self)


FULL = Settings(population_size=150, max_generations=50, max_simulations=2_500,
                min_acceptance_rate=0.15, steps=PATTERN_STEPS, seeds_per_simulation=4,
                predictive_draws=100)
"""The calibration the issue asks for: 2,500 simulations of four runs each, 10,000 model runs
in all, of 300 steps of 50 groups (``PATTERN_STEPS``: past the transient from initial
prejudice, the run length of most experiments, and the longest runs that fit 30 minutes on 2
cores; ODD 8.2). A
simulation's statistics are the means over its four runs because the patterns are means over
samples (ODD 8.2): one run's contact-trust correlation scatters by 0.17 between seeds, more
than the target's own uncertainty. A generation is cut off below a 15% acceptance rate, so the
last one adds at most 1,000 simulations (4,000 runs of about 0.23 s on a free core)."""

QUICK = Settings(population_size=12, max_generations=2, max_simulations=10_000,
                 min_acceptance_rate=0.0, steps=60, seeds_per_simulation=2,
                 predictive_draws=6, point_seeds=2, point_quantiles=(0.25, 0.75))
"""The same pipeline in seconds, for the tests: two generations of 12 particles, each the
mean of two 60-step runs. Its posterior means nothing; it shows that every step works."""
