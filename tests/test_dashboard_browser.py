"""The workshop dashboard in a real browser: Debian's chromium driven by Playwright.

One server for the module (started on a free port, always stopped), a fresh page, and so a
fresh model, for every test. Without /usr/bin/chromium these tests fail and say to run
`make test`, which installs it: a dashboard nobody has opened in a browser is not tested.
"""

import importlib.metadata
import io
from urllib.parse import unquote, urlparse

import numpy as np
import pytest
from PIL import Image

from dashboards.explanations import EXPLANATIONS
from dashboards.presets import PRESETS_BY_NAME
from dashboards.testing import dashboard_server, launch_chromium, missing_chromium

try:
    from playwright import sync_api
except ImportError:  # reported by the browser fixture: these tests must fail, not skip
    sync_api = None


@pytest.fixture(scope="module")
def server():
    with dashboard_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if sync_api is None:
        pytest.fail("playwright is missing: run `make test` (it installs the dev extra)")
    reason = missing_chromium()
    if reason:
        pytest.fail(reason)
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


def shipped_assets() -> set[str]:
    """Paths under /_solara/cdn/ that the pinned solara-assets package installs locally.

    Solara proxies and caches anything else from a CDN, so a 200 alone does not prove that
    an asset came from the machine; membership of this set does.
    """
    marker = "share/solara/cdn/"
    files = importlib.metadata.files("solara-assets") or []
    paths = (f.as_posix() for f in files)
    return {p.split(marker, 1)[1] for p in paths if marker in p}


class Recorder:
    """Console messages, page errors and every request the page makes."""

    def __init__(self, page):
        self.console, self.errors, self.requests = [], [], []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfinished", lambda r: self.requests.append((r.url, r.response().status)))
        page.on("requestfailed", lambda r: self.requests.append((r.url, f"failed: {r.failure}")))


@pytest.fixture(scope="module")
def context(browser):
    """One browser context, so the page's scripts come from the HTTP cache after the first load."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(server, context):
    page = context.new_page()
    page.recorder = Recorder(page)
    page.set_default_timeout(30_000)
    page.goto(server)
    page.wait_for_selector('.abm-step[data-step="0"]')
    page.wait_for_selector(".abm-network circle")
    try:
        yield page
    finally:
        page.close()


def shown_step(page) -> int:
    return int(page.get_attribute(".abm-step", "data-step"))


def step(page, times: int = 1) -> None:
    for _ in range(times):
        target = shown_step(page) + 1
        page.click(".abm-step-button")
        page.wait_for_selector(f'.abm-series[data-step="{target}"]')


def open_section(page, section: str) -> None:
    page.click(f".abm-section-{section.replace(' ', '-')}")


def typed_field(page, name: str):
    return page.locator(f".abm-param-{name} .abm-typed input")


def test_page_loads_with_no_console_errors_and_only_local_assets(page, server):
    rec = page.recorder
    page.wait_for_timeout(500)
    assert not rec.errors, rec.errors
    assert not [m for m in rec.console if m[0] == "error"], rec.console
    host = urlparse(server).netloc
    elsewhere = [u for u, _ in rec.requests if urlparse(u).netloc != host and not u.startswith("data:")]
    assert not elsewhere, f"the page asked another host: {elsewhere}"
    assets = [(u, s) for u, s in rec.requests if "/_solara/cdn/" in u]
    assert assets, "no page assets were requested from the local server's /_solara/cdn/"
    assert all(s == 200 for _, s in assets), f"page assets not served locally: {assets}"
    shipped = shipped_assets()
    foreign = [u for u, _ in assets if unquote(urlparse(u).path.split("/_solara/cdn/", 1)[1]) not in shipped]
    assert not foreign, f"page assets not shipped by the pinned solara-assets package: {foreign}"
    assert all(s == 200 for _, s in rec.requests), rec.requests


def test_stepping_ten_times_changes_the_plotted_metrics(page):
    before = page.locator(".abm-series polyline").evaluate_all("ls => ls.map(l => l.getAttribute('points'))")
    step(page, 10)
    after = page.locator(".abm-series polyline").evaluate_all("ls => ls.map(l => l.getAttribute('points'))")
    assert shown_step(page) == 10
    assert page.get_attribute(".abm-heatmap", "data-step") == "10"
    assert page.get_attribute(".abm-network", "data-step") == "10"
    assert len(after) == len(before) and all(a != b for a, b in zip(after, before))
    assert all(len(a.split()) == 11 for a in after)


def test_choosing_a_preset_changes_the_parameters_and_resets_the_model(page):
    preset = PRESETS_BY_NAME["Divide and rule"]
    step(page, 3)
    page.click(".abm-preset")
    page.get_by_role("option", name=preset.name).click()
    page.wait_for_selector('.abm-step[data-step="0"]')
    assert preset.name in page.inner_text(".abm-notice")
    assert preset.watch.split(".")[0] in page.inner_text("body")
    open_section(page, "divide and rule")
    sync_api.expect(typed_field(page, "instigation")).to_have_value(str(preset.params["instigation"]))


def test_moving_a_slider_changes_the_model(page):
    assert page.locator(".abm-network circle").count() == 60
    step(page, 2)
    open_section(page, "population")
    page.locator(".abm-param-n_groups .v-slider__thumb-container").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelectorAll('.abm-network circle').length === 61")
    assert shown_step(page) == 0
    sync_api.expect(typed_field(page, "n_groups")).to_have_value("61")


def test_an_out_of_range_value_is_refused_with_a_message_and_the_app_keeps_running(page):
    step(page, 2)
    open_section(page, "movements")
    field = typed_field(page, "mediation_capacity")
    field.fill("1.7")
    field.press("Enter")
    page.wait_for_selector(".abm-error")
    message = page.inner_text(".abm-error")
    assert "mediation_capacity" in message and "1.7" in message and "[0, 1]" in message
    sync_api.expect(typed_field(page, "mediation_capacity")).to_have_value("0.3")
    assert shown_step(page) == 2
    step(page, 1)
    assert shown_step(page) == 3
    assert not page.recorder.errors


def test_play_runs_until_paused(page):
    page.click(".abm-play-button")
    page.wait_for_function("() => Number(document.querySelector('.abm-step').dataset.step) >= 3")
    page.click(".abm-play-button")
    page.wait_for_timeout(800)
    paused_at = shown_step(page)
    page.wait_for_timeout(1000)
    assert shown_step(page) == paused_at >= 3
    assert page.locator(".abm-step-button").is_enabled()


def test_clicking_a_group_shows_its_identity_openness_and_allies(page):
    page.locator(".abm-network circle").first.hover()
    tooltip = page.inner_text(".abm-tooltip")
    assert "dominated on:" in tooltip and "openness" in tooltip
    page.locator(".abm-network circle").first.click()
    details = page.inner_text(".abm-group-details")
    assert "Identity:" in details and "Openness" in details and "Allies" in details


def test_side_by_side_comparison_steps_the_twin_with_the_run(page):
    page.click(".abm-compare")
    page.get_by_role("option", name="enable_mediation").click()
    page.wait_for_selector(".abm-compare-summary")
    step(page, 3)
    assert page.locator(".abm-network").count() == 3
    assert page.locator(".abm-network").evaluate_all("ns => ns.map(n => n.dataset.step)") == ["3"] * 3
    assert page.locator(".abm-series polyline[stroke-dasharray='5,3']").count() == 7


def test_the_mechanism_panel_explains_every_switch(page):
    page.click(".abm-explanations")
    page.wait_for_selector(".abm-explanation")
    assert page.locator(".abm-explanation").count() == len(EXPLANATIONS)
    texts = page.locator(".abm-explanation").all_inner_texts()
    assert all("The idea:" in t for t in texts)
    assert [t.split(" (")[0] for t in texts] == [e.title for e in EXPLANATIONS.values()]


def test_export_gives_a_non_empty_csv_and_png(page):
    step(page, 4)
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Metrics (CSV)").click()
    lines = open(csv_download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("run,preset,seed,step,") and "largest_alliance_share" in lines[0]
    assert len(lines) == 1 + 5
    with page.expect_download() as png_download:
        page.get_by_role("button", name="View (PNG)").click()
    data = open(png_download.value.path(), "rb").read()
    assert data.startswith(b"\x89PNG") and Image.open(io.BytesIO(data)).size[0] > 800


def test_a_screenshot_of_the_page_is_not_blank(page):
    step(page, 5)
    pixels = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB")).reshape(-1, 3)
    packed = pixels.astype(np.int32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.int32)
    assert len(np.unique(packed)) > 200, "the page looks blank"
    assert (packed != 0xFFFFFF).mean() > 0.1
