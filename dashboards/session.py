"""The running model of one browser tab, its comparison twin, and what is exported.

Plain Python without Solara, so the logic is tested without a browser. Every change goes
through :meth:`Session.set_param` or :meth:`Session.apply_preset`, which validate first and
leave the running model untouched when a value is refused.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd

from model.core.model import AllianceModel
from model.core.parameters import (SCHEMA_BY_NAME, SWITCHES, ParameterError, as_dict, check_seed,
                                   show)
from model.run import metrics_table
from model.core.resources import ResourceError
from model.core.scenario import ScenarioError, load_scenario
from model.numerics.seeds import SEED_ALLOWED

from . import views
from .controls import checked
from .presets import DEFAULT_PRESET, Preset

MAX_STEPS = 100_000
"""A run longer than this in a workshop is a runaway play button; stepping stops there."""


@dataclass(frozen=True)
class Frame:
    """What every view shows after one step or reset, computed once, read by the page."""

    step: int
    network: dict
    heatmap: bytes
    heatmap_edges: list
    timeseries: list
    twin_network: dict | None
    summary: dict


class Session:
    """One run (and optionally its twin with one mechanism off), stepped together."""

    def __init__(self, preset: Preset = DEFAULT_PRESET):
        self.lock = threading.RLock()
        self.compare_switch: str | None = None
        self.twin: AllianceModel | None = None
        self.apply_preset(preset)

    # -- set-up ------------------------------------------------------------------------
    def apply_preset(self, preset: Preset) -> None:
        """Start over from a preset's parameters and seed."""
        scenario = load_scenario(preset.scenario) if preset.scenario else None
        params = {**(scenario.parameters if scenario else {}), **preset.params}
        with self.lock:
            self._rebuild(params, preset.seed, scenario)
            self.preset = preset

    def set_param(self, name: str, value: Any) -> None:
        """Change one parameter and restart the run with the same seed.

        Raises ParameterError (naming parameter, value and allowed range) and keeps the
        current run when the value is refused.
        """
        if name not in SCHEMA_BY_NAME:
            raise ParameterError(f"unknown parameter {name!r}")
        if self.scenario is not None and name in self.scenario.fixed:
            raise ParameterError(
                f"parameter '{name}' = {value!r} is not allowed with scenario "
                f"{self.scenario.name!r}: the scenario fixes it to {self.scenario.fixed[name]}")
        with self.lock:
            self._rebuild(checked(self.params, name, value), self.seed, self.scenario)

    def set_seed(self, value: Any) -> None:
        """Restart with another seed; refuses anything but a non-negative integer."""
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,19}", text):
            raise ParameterError(f"'seed' = {show(value)} is not allowed: expected {SEED_ALLOWED}")
        seed = check_seed(int(text))
        with self.lock:
            self._rebuild(self.params, seed, self.scenario)

    def set_comparison(self, switch: str | None) -> None:
        """Run a twin with ``switch`` off (same seed and parameters), caught up to this step."""
        if switch is not None and switch not in SWITCHES:
            raise ParameterError(f"{switch!r} is not a mechanism switch; expected one of "
                                 + ", ".join(SWITCHES))
        with self.lock:
            self.compare_switch = switch
            self.twin = self._twin()
            if self.twin is not None:
                for _ in range(self.model.time):
                    self.twin.step()

    def reset(self) -> None:
        """Back to step 0 with the current parameters and seed."""
        with self.lock:
            self._rebuild(self.params, self.seed, self.scenario)

    def _rebuild(self, params: dict, seed: int, scenario) -> None:
        model = AllianceModel(seed=seed, scenario=scenario, **params)
        self.params, self.seed, self.scenario, self.model = dict(params), seed, scenario, model
        self.layout = views.group_layout(model.state)
        self.twin = self._twin()

    def _twin(self) -> AllianceModel | None:
        if self.compare_switch is None:
            return None
        return AllianceModel(seed=self.seed, scenario=self.scenario,
                             **{**self.params, self.compare_switch: False})

    # -- running -----------------------------------------------------------------------
    def step(self, n: int = 1) -> None:
        """Advance the run (and its twin) by n steps."""
        with self.lock:
            for _ in range(n):
                if self.model.time >= MAX_STEPS:
                    raise ParameterError(f"the run reached {MAX_STEPS} steps; press reset")
                self.model.step()
                if self.twin is not None:
                    self.twin.step()

    @property
    def values(self) -> dict[str, Any]:
        """Every parameter's current value (defaults included), as the controls show them."""
        return as_dict(self.model.params)

    @property
    def twin_label(self) -> str:
        """What the twin is called in figures and exports: the switch it turns off."""
        return f"{self.compare_switch} off" if self.compare_switch else ""

    def frame(self) -> Frame:
        """Draw every view of the current state (the costly part of a step in the browser)."""
        with self.lock:
            s = self.model.state
            metrics = views.metric_columns(self.model)
            twin_metrics = views.metric_columns(self.twin) if self.twin is not None else None
            return Frame(
                step=self.model.time,
                network={**views.network_data(s, self.layout), "step": self.model.time},
                heatmap=views.heatmap_png(s),
                heatmap_edges=views.heatmap_edges(s),
                timeseries=views.timeseries_data(metrics, twin_metrics),
                twin_network=({**views.network_data(self.twin.state, self.layout),
                               "step": self.twin.time} if self.twin is not None else None),
                summary=self.summary(),
            )

    def summary(self) -> dict:
        """Headline numbers of the run (and twin) now, for the page's caption."""
        def numbers(m: AllianceModel) -> dict:
            k = m.metrics
            return {"alliances": k["n_alliances"], "largest": k["largest_alliance_share"],
                    "hostility": k["hostility"], "contracts": k["active_contracts"]}
        out = {"main": numbers(self.model)}
        if self.twin is not None:
            out["twin"] = numbers(self.twin)
        return out

    def details(self, g: int) -> dict:
        """One group's details (the click panel)."""
        with self.lock:
            return views.group_details(self.model.state, g)

    # -- export ------------------------------------------------------------------------
    def metrics_csv(self) -> bytes:
        """The run's metrics, one row per step, with preset and seed (and the twin's rows,
        marked in the ``run`` column): plain columns a spreadsheet opens as they are."""
        with self.lock:
            runs = [(self.model, "this run")]
            if self.twin is not None:
                runs.append((self.twin, self.twin_label))
            table = pd.concat([metrics_table(m).reset_index().assign(
                run=label, preset=self.preset.name, seed=self.seed) for m, label in runs])
            first = ["run", "preset", "seed", "step"]
            table = table[first + [c for c in table.columns if c not in first]]
            return table.to_csv(index=False).encode()

    def view_png(self) -> bytes:
        """Every current view on one PNG."""
        with self.lock:
            fig = views.snapshot_figure(
                self.model.state, self.layout, metrics_table(self.model),
                f"{self.preset.name}, seed {self.seed}, step {self.model.time}",
                self.twin.state if self.twin is not None else None,
                metrics_table(self.twin) if self.twin is not None else None, self.twin_label)
            return views.png(fig, dpi=90)


def describe_error(err: Exception) -> str:
    """A message for the room: refusals as they are, anything else with its type named."""
    if isinstance(err, (ParameterError, ScenarioError, ResourceError)):
        return str(err)
    return f"The model could not do that ({type(err).__name__}: {err}); the previous run is kept."


