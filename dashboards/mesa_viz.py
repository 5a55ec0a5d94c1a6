"""The model in Mesa's own ``SolaraViz``: for Mesa users who know that page, not ours.

Serve it with ``solara run dashboards/mesa_viz.py``. The model has no space, so the page
holds model-level plots only; its sliders come from the parameter schema (through
``dashboards.controls``, which also narrows ranges for a live page).
"""

from __future__ import annotations

from mesa.visualization import SolaraViz, make_plot_component

from dashboards.controls import SCHEMA_BY_NAME, control_for
from model.core.model import AllianceModel

SLIDERS = ("n_groups", "n_movements", "contract_threshold", "trust_gain", "mediation_reach",
           "instigation", "enable_mediation", "enable_instigation")
"""The parameters the page lets one change; the rest keep their schema defaults."""

PLOTS = (("share_allied", "largest_alliance_share"), ("mean_trust", "hostility"),
         ("mean_openness", "mean_wariness"), ("active_contracts",))
"""Model-level metrics drawn together, one plot per tuple."""

SEED = 42

_WIDGETS = {"slider_int": "SliderInt", "slider_float": "SliderFloat", "select": "Select",
            "checkbox": "Checkbox"}


def model_params(names=SLIDERS, seed: int = SEED) -> dict:
    """SolaraViz's ``model_params`` for the named schema parameters, plus a fixed seed.

    ``collect_every`` is left out on purpose: Mesa's plots draw one collection per step.
    """
    params = {"seed": seed}
    for name in names:
        if name not in SCHEMA_BY_NAME or name == "collect_every":
            raise ValueError(f"'{name}' is not allowed as a SolaraViz input: one of the "
                             f"schema's parameters other than collect_every")
        c = control_for(SCHEMA_BY_NAME[name])
        entry = {"type": _WIDGETS[c.widget], "value": c.default, "label": name}
        if c.widget.startswith("slider"):
            entry.update(min=c.low, max=c.high, step=c.step)
        elif c.widget == "select":
            entry["values"] = list(c.choices)
        params[name] = entry
    return params


def make_page(model: AllianceModel | None = None):
    """The SolaraViz element for ``model`` (by default one at the defaults of ``model_params``)."""
    params = model_params()
    if model is None:
        model = AllianceModel(**{k: v["value"] if isinstance(v, dict) else v
                                 for k, v in params.items()})
    components = [make_plot_component(list(measures)) for measures in PLOTS]
    return SolaraViz(model, components=components, model_params=params,
                     name="Alliance formation (Mesa SolaraViz)")


page = make_page()
