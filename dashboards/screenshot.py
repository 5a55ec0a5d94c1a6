"""Take the README's picture of the real dashboard: ``python -m dashboards.screenshot [PATH]``.

Starts the server, picks a preset, plays the run for a while in Debian's chromium and saves a
screenshot (default ``docs/images/dashboard.png``), so the picture always shows the app as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboards.testing import ROOT, dashboard_server, launch_chromium, missing_chromium


def take(path: Path, preset: str, steps: int, group: int) -> None:
    """Play ``steps`` steps of ``preset``, hover one group, and save the page to ``path``."""
    from playwright.sync_api import sync_playwright

    with dashboard_server() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector('.abm-step[data-step="0"]')
            page.click(".abm-preset")
            page.get_by_role("option", name=preset).click()
            page.wait_for_selector(".abm-notice")
            page.click(".abm-play-button")
            page.wait_for_function(
                f"() => Number(document.querySelector('.abm-step').dataset.step) >= {steps}",
                timeout=300_000)
            page.click(".abm-play-button")
            page.wait_for_timeout(1000)
            page.locator(".abm-network circle").nth(group).hover()
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path))
        finally:
            browser.close()


def main(argv=None) -> int:
    """Take the picture from the command line; exit 2 with the reason when chromium is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=ROOT / "docs" / "images" / "dashboard.png")
    parser.add_argument("--preset", default="Mediated convergence")
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--group", type=int, default=5, help="index of the group to hover over")
    args = parser.parse_args(argv)
    reason = missing_chromium()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    take(args.path, args.preset, args.steps, args.group)
    print(f"saved {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
