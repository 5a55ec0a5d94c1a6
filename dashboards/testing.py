"""Start the real dashboard server and a headless Debian chromium: shared by the browser
tests and the benchmark, so both drive exactly what an educator runs."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboards" / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Without the background-networking flags chromium's own connections are refused, many at a
time, on a closed network."""


def free_port() -> int:
    """A local port free right now, so a test server does not clash with another."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dashboard_server(timeout: float = 90.0):
    """Run ``solara run dashboards/app.py`` on a free local port; yield its URL; always stop it.

    The server runs in its own process group so that stopping it stops every child too.
    """
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    log = tempfile.NamedTemporaryFile("w+", prefix="dashboard-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [str(solara), "run", str(APP), "--host", "127.0.0.1", "--port", str(port), "--production"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the dashboard server exited ({proc.returncode}); "
                                   f"log:\n{Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard server did not answer at {url} within {timeout} s")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
        os.unlink(log.name)


def missing_chromium() -> str | None:
    """Why the browser cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return (f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium "
                "(apt-get install chromium) before the tests")
    return None


def launch_chromium(playwright):
    """Debian's chromium through Playwright (no browser download)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
