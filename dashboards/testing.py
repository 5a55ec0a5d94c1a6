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
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
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


def dashboard_command(port: int) -> list[str]:
    """What ``make dashboard`` and ``alliance-dashboard`` run (dashboards.cli), from ROOT."""
    return [sys.executable, "-m", "dashboards", "--host", "127.0.0.1", "--port", str(port),
            "--no-open"]


@contextlib.contextmanager
def dashboard_server(timeout: float = 90.0, command: Callable[[int], list[str]] = dashboard_command,
                     cwd: Path = ROOT, env: dict[str, str] | None = None):
    """Run ``command(port)`` (by default ``python -m dashboards`` in ROOT) on a free local
    port; yield its URL; always stop it. The wheel test passes the installed console script.

    The server runs in its own process group so that stopping it stops every child too.
    """
    port = free_port()
    log = tempfile.NamedTemporaryFile("w+", prefix="dashboard-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(command(port), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
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
