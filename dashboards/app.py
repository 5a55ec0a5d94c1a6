"""The workshop dashboard: ``alliance-dashboard`` or ``make dashboard`` (dashboards.cli serves it).

An educator picks a preset, steps or plays the model, changes parameters and compares the
same run with one mechanism switched off. Every action goes through ``Session`` and any
error becomes a message on the page: nothing a room does can crash the app.

Built with plain Solara components rather than Mesa's SolaraViz: SolaraViz rebuilds the
model from its own parameter widgets and has no place for a refused value's message, a
twin run stepped alongside, or presets that reset parameters and model together.
"""

from __future__ import annotations

import base64
import html
import logging
import re
import time
import traceback
from pathlib import Path
from typing import Callable

import solara
import solara.lab
from solara.alias import rv

from dashboards.controls import SECTION_TITLES, Control, sections
from dashboards.explanations import EXPLANATIONS
from dashboards.presets import PRESETS, PRESETS_BY_NAME
from dashboards.session import Frame, Session, describe_error
from model.analysis.polarisation import HOSTILE_TRUST
from model.core.parameters import SWITCHES

log = logging.getLogger("dashboards")
HERE = Path(__file__).parent
SPEEDS = {"slow (2 steps/s)": 0.5, "normal (5 steps/s)": 0.2, "fast (up to 20 steps/s)": 0.05}
NO_COMPARISON = "no comparison"


@solara.component_vue(str(HERE / "vue" / "network.vue"))
def NetworkView(graph: dict, selected: int, event_select: Callable[[int], None]):
    """Groups and contracts as SVG: hovering shows a group's details, clicking selects it."""


@solara.component_vue(str(HERE / "vue" / "timeseries.vue"))
def SeriesView(panels: list, step: int):
    """The time-series panels as SVG polylines (views.timeseries_data)."""


@solara.component_vue(str(HERE / "vue" / "heatmap.vue"))
def HeatmapView(png: str, edges: list, step: int):
    """The trust heatmap, scaled by the browser, with lines between alliances."""


def Prose(text: str, classes: tuple[str, ...] = (), style: str = ""):
    """Text with **bold**, *italic*, `code`, line breaks and a #### heading, as HTML.

    Not solara.Markdown: its math support asks for KaTeX files that solara-assets does not
    ship, which offline means a failed request and a console error on every page load.
    """
    tag = "div"
    if text.startswith("#### "):
        tag, text = "h4", text[5:]
    body = html.escape(text, quote=False)
    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", body)
    body = re.sub(r"\*(.+?)\*", r"<i>\1</i>", body)
    body = re.sub(r"`(.+?)`", r"<code>\1</code>", body)
    body = body.replace("  \n", "<br>")
    return solara.HTML(tag=tag, unsafe_innerHTML=body, classes=list(classes), style=style or None)


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@solara.component
def NumberControl(control: Control, value, on_change: Callable[[str, object], None]):
    """A slider over the allowed range, plus a field to type an exact value."""
    c = control
    with solara.Column(gap="0px", classes=[f"abm-param-{c.name}"]):
        slider = rv.Slider(v_model=value, min=c.low, max=c.high, step=c.step, label=c.name,
                           hint=f"{c.help} ({c.allowed})", persistent_hint=True, dense=True,
                           thumb_label=True, class_="abm-slider")
        rv.use_event(slider, "change", lambda *args: on_change(c.name, args[-1]))
        solara.InputText(label=f"{c.name}: type a value", value=_fmt(value), continuous_update=False,
                         on_value=lambda text: on_change(c.name, text), classes=["abm-typed"])


@solara.component
def ParameterControl(control: Control, value, on_change: Callable[[str, object], None]):
    """One parameter: checkbox for a switch, select for choices, slider and field for numbers."""
    c = control
    if c.widget == "checkbox":
        rv.Checkbox(v_model=bool(value), label=c.name, hint=c.help, persistent_hint=True, dense=True,
                    on_v_model=lambda v: on_change(c.name, bool(v)), class_=f"abm-param-{c.name}")
    elif c.widget == "select":
        rv.Select(v_model=value, items=list(c.choices), label=c.name, hint=c.help,
                  persistent_hint=True, dense=True, on_v_model=lambda v: on_change(c.name, v),
                  class_=f"abm-param-{c.name}")
    else:
        NumberControl(c, value, on_change)


@solara.component
def ParameterPanels(values: dict, on_change: Callable[[str, object], None], refusals: int):
    """Parameters grouped by the schema's sections; only the open section's controls exist.

    Controls are keyed by the number of refusals so far, so a refused value typed into a
    field is replaced by the value still in force.
    """
    groups = sections()
    names = list(groups)
    open_panel = solara.use_reactive(None)
    with rv.ExpansionPanels(v_model=open_panel.value, on_v_model=open_panel.set, accordion=True):
        for k, section in enumerate(names):
            with rv.ExpansionPanel():
                rv.ExpansionPanelHeader(children=[SECTION_TITLES.get(section, section)],
                                        class_=f"abm-section-{section.replace(' ', '-')}")
                with rv.ExpansionPanelContent():
                    if open_panel.value == k:
                        for control in groups[section]:
                            ParameterControl(control, values[control.name], on_change).key(
                                f"{control.name}-{refusals}")


@solara.component
def GroupDetails(session: Session, selected: int):
    """The clicked group: identity on every axis, openness, resources, allies."""
    if selected < 0 or selected >= session.model.state.n:
        Prose("*Hover over a group to see who it is; click it to keep its details here.*")
        return
    d = session.details(selected)
    identity = ", ".join(f"{axis}: {side}" for axis, side in d["identity"])
    alliance = f"alliance {d['alliance'] + 1}" if d["alliance"] >= 0 else "not in an alliance"
    Prose(
        f"**{d['name']}**, {100 * d['share']:.1f}% of the population, {alliance}  \n"
        f"Identity: {identity}  \n"
        f"Openness {d['openness']:.2f} (share of power held by its open faction), "
        f"resources {d['resources']:.2f}  \n"
        f"Allies (active contracts): {', '.join(d['allies']) or 'none'}",
        classes=("abm-group-details",))


@solara.component
def Legend():
    """How to read the network: size, colour, outline, lines, and which pairs count as hostile."""
    Prose(
        "Circle size: population share. Colour: alliance (grey: unallied). Outline: openness "
        "(thicker = more open). Black line: active contract (thick once renewed). "
        f"Thin red line: hostile pair (they met and their mean mutual trust is below "
        f"{HOSTILE_TRUST:g}: the pairs the hostility share counts).", style="font-size: 13px")


@solara.component
def Explanations(values: solara.Reactive):
    """Each mechanism in plain words, with the essay idea it stands for (and whether it is on).

    The text exists only while the panel is open, which keeps the first page load light.
    """
    shown = solara.use_reactive(None)
    with rv.ExpansionPanels(v_model=shown.value, on_v_model=shown.set, accordion=True):
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=["What the mechanisms mean (and the ideas behind them)"],
                                    class_="abm-explanations")
            with rv.ExpansionPanelContent():
                if shown.value == 0:
                    for switch, e in EXPLANATIONS.items():
                        state = "on" if values.value.get(switch, True) else "OFF"
                        Prose(f"**{e.title}** ({state}; `{switch}`). {e.what}  \n"
                              f"*The idea:* {e.idea} (docs/ODD.md, section {e.odd_section})",
                              classes=("abm-explanation",))


@solara.component
def Page():
    """The page, behind an error boundary: a failure while drawing becomes a message."""
    session = solara.use_memo(Session, [])
    error, clear = solara.use_exception()
    if error is not None:
        log.warning("dashboard render failed: %r", error)
        solara.Title("Alliance formation: workshop dashboard")
        solara.Error(f"The page could not be drawn ({type(error).__name__}: {error}).",
                     classes=["abm-error"])
        solara.Button("Reset the run and redraw", color="primary",
                      on_click=lambda: (session.reset(), clear()))
        return
    Dashboard(session)


@solara.component
def Dashboard(session: Session):
    """Wires the page: actions in the sidebar, views in the main area.

    Reactive values are passed down, not read here, so a step re-renders only the views
    that show the new frame, not the sidebar's many controls.
    """
    initial = solara.use_memo(session.frame, [])
    frame = solara.use_reactive(initial)
    message = solara.use_reactive(None)
    notice = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(list(SPEEDS)[1])
    selected = solara.use_reactive(-1)
    preset_name = solara.use_reactive(session.preset.name)
    comparison = solara.use_reactive(NO_COMPARISON)
    values = solara.use_reactive(session.values)
    refusals = solara.use_reactive(0)

    def guarded(action: Callable[[], None], done: str | None = None, restart: bool = False) -> bool:
        """Run an action; a failure becomes a message and the previous run stays on screen."""
        try:
            action()
            new_frame = session.frame()
        except Exception as err:  # the room must never see a crash
            log.warning("dashboard action failed: %s\n%s", err, traceback.format_exc())
            message.set(describe_error(err))
            refusals.set(refusals.value + 1)
            return False
        message.set(None)
        notice.set(done)
        if restart:
            selected.set(-1)
        values.set(session.values)
        frame.set(new_frame)
        return True

    def play_loop():
        while playing.value:
            started = time.perf_counter()
            if not guarded(session.step):
                playing.set(False)
                return
            time.sleep(max(0.0, SPEEDS[speed.value] - (time.perf_counter() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def step():
        guarded(session.step)

    def reset():
        playing.set(False)
        guarded(session.reset, "The run restarted from step 0.", restart=True)

    def change_param(name, value):
        playing.set(False)
        guarded(lambda: session.set_param(name, value),
                f"{name} = {value}: the run restarted from step 0 with seed {session.seed}.",
                restart=True)

    def change_seed(text):
        playing.set(False)
        guarded(lambda: session.set_seed(text), f"Seed {text}: the run restarted.", restart=True)

    def choose_preset(name):
        playing.set(False)
        if guarded(lambda: session.apply_preset(PRESETS_BY_NAME[name]),
                   f"Preset '{name}' loaded: parameters set and the run restarted.", restart=True):
            preset_name.set(name)

    def choose_comparison(name):
        if guarded(lambda: session.set_comparison(None if name == NO_COMPARISON else name)):
            comparison.set(name)

    solara.Title("Alliance formation: workshop dashboard")
    with solara.Sidebar():
        Controls(session, preset_name, playing, speed, comparison, values, refusals,
                 dict(step=step, reset=reset, preset=choose_preset, seed=change_seed,
                      compare=choose_comparison, param=change_param))
    Messages(message, notice)
    Views(session, frame, selected, comparison)
    Explanations(values)


@solara.component
def Messages(message: solara.Reactive, notice: solara.Reactive):
    """A refusal or failure (red), or what the last action did (blue)."""
    if message.value:
        solara.Error(message.value, classes=["abm-error"])
    elif notice.value:
        solara.Info(notice.value, classes=["abm-notice"])


@solara.component
def Controls(session: Session, preset_name, playing, speed, comparison, values, refusals,
             on: dict):
    """The sidebar: preset, run controls, comparison, export and every parameter."""
    preset = PRESETS_BY_NAME[preset_name.value]
    with solara.Card("Preset", margin=0, elevation=0):
        solara.Select(label="Scenario preset", value=preset_name.value,
                      values=[p.name for p in PRESETS], on_value=on["preset"],
                      classes=["abm-preset"])
        Prose(f"**What to watch:** {preset.watch}", style="font-size: 14px")
    with solara.Card("Run", margin=0, elevation=0):
        with solara.Row():
            solara.Button("Step", color="primary", on_click=on["step"], disabled=playing.value,
                          classes=["abm-step-button"])
            solara.Button("Pause" if playing.value else "Play", color="primary",
                          on_click=lambda: playing.set(not playing.value),
                          classes=["abm-play-button"])
            solara.Button("Reset", on_click=on["reset"], classes=["abm-reset-button"])
        solara.Select(label="Speed", value=speed.value, values=list(SPEEDS), on_value=speed.set)
        solara.InputText(label="Seed (a whole number)", value=str(session.seed),
                         continuous_update=False, classes=["abm-seed"], on_value=on["seed"])
    with solara.Card("Compare", margin=0, elevation=0):
        solara.Select(label="Same seed, with this mechanism switched off",
                      value=comparison.value, values=[NO_COMPARISON, *SWITCHES],
                      on_value=on["compare"], classes=["abm-compare"])
    with solara.Card("Export", margin=0, elevation=0):
        with solara.Row():
            solara.FileDownload(session.metrics_csv, filename="alliance_metrics.csv",
                                label="Metrics (CSV)")
            solara.FileDownload(session.view_png, filename="alliance_view.png", label="View (PNG)")
    Prose("**Parameters** (a change restarts the run with the same seed)")
    ParameterPanels(values.value, on["param"], refusals.value)


@solara.component
def Views(session: Session, frame: solara.Reactive, selected: solara.Reactive,
          comparison: solara.Reactive):
    """Step and headline, network with group details, trust heatmap, twin, time series."""
    f: Frame = frame.value
    s = f.summary["main"]
    with solara.Row(style={"align-items": "baseline"}):
        rv.Html(tag="h2", children=[f"Step {f.step}"], class_="abm-step",
                attributes={"data-step": str(f.step)})
        Prose(f"{s['alliances']} alliances; the largest holds {100 * s['largest']:.0f}% of the "
              f"population; {100 * s['hostility']:.0f}% of pairs in contact are hostile; "
              f"{s['contracts']} active contracts.", classes=("abm-summary",))
    with solara.Columns([3, 2]):
        with solara.Column():
            Prose("#### Groups and alliances")
            NetworkView(graph=f.network, selected=selected.value, event_select=selected.set)
            Legend()
            GroupDetails(session, selected.value)
        with solara.Column():
            Prose("#### Trust between groups, ordered by alliance")
            HeatmapView(png=base64.b64encode(f.heatmap).decode(), edges=f.heatmap_edges,
                        step=f.step)
            Prose("Blue: trust, red: distrust, pale grey: never met. Dark lines separate "
                  "alliances (largest first, unallied last).", style="font-size: 13px")
    if f.twin_network is not None:
        t = f.summary["twin"]
        Prose(f"#### Side by side: the same seed with `{comparison.value}` off")
        Prose(f"With the mechanism: largest alliance {100 * s['largest']:.0f}%, hostility "
              f"{100 * s['hostility']:.0f}%. Without it: largest alliance "
              f"{100 * t['largest']:.0f}%, hostility {100 * t['hostility']:.0f}%.",
              classes=("abm-compare-summary",))
        with solara.Columns([1, 1]):
            NetworkView(graph=f.network, selected=selected.value, event_select=selected.set)
            NetworkView(graph=f.twin_network, selected=selected.value, event_select=selected.set)
    Prose("#### Over time" + (" (dashed: with the mechanism off)"
                              if f.twin_network is not None else ""))
    SeriesView(panels=f.timeseries, step=f.step)


page = Page
