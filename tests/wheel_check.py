"""The project as a user installs it: build the wheel, install it into a fresh venv, and run the
model, a sweep and the dashboard's first page from a folder that is not the repository.

    python -m tests.wheel_check [--keep DIR] [--compile]

Each step prints what it did and its result. No network is used: the wheel is built with the
venv's own setuptools, and the fresh venv sees only the installed distributions the wheel
declares (and theirs), through links, never the project's editable install; so ``pip check``
there proves the declared requirements are met, and an undeclared import fails.

numba caches compiled kernels by the path of their source folder and the content of the file.
The installed files have the repository's content at another path, so the check copies this
venv's compiled kernels under the fresh venv's folder names (a kernel whose source differs is
compiled again by numba); compiling them all anew takes a minute of a busy 2-core machine.
``--compile`` skips that copy and compiles in the fresh venv, as a user's first run does.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "experiments", "dashboards")
SCRIPTS = ("alliance-model", "alliance-experiments", "alliance-dashboard")
NOT_SOURCES = ("__pycache__", "*.pyc")
"""Left out of the copy the wheel is built from (besides everything but the top-level files and
PACKAGES: tests, docs, results, earlier builds in build/)."""
SWEEP = "mediation_demo"
"""The built-in experiment whose quick variant is the sweep (8 runs of 15 groups, 30 steps)."""
FIRST_VIEW = ('.abm-step[data-step="0"]', ".abm-network circle")
"""The first page's own content: the step counter at 0 and the network's groups (a Vue view)."""
PAGE_ERRORS = ("Could not create widget", "Traceback")
"""Text of a page that failed: a Vue view that did not load, or a Python error shown in it."""


class WheelCheckError(RuntimeError):
    """A step of the check failed; the message names the step and shows what went wrong."""


def data_files(root: Path = ROOT) -> list[str]:
    """Every file the packages load at run time: all but Python sources and their READMEs."""
    found = []
    for package in PACKAGES:
        for path in (root / package).rglob("*"):
            if (path.is_file() and path.suffix not in (".py", ".pyc", ".md")
                    and "__pycache__" not in path.parts):
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def missing_from_wheel(wheel: Path, expected: list[str]) -> list[str]:
    """The expected files and the console scripts that the wheel does not carry."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next((archive.read(n).decode() for n in names
                             if n.endswith(".dist-info/entry_points.txt")), "")
    missing = [name for name in expected if name not in names]
    return missing + [f"console script {s}" for s in SCRIPTS
                      if not re.search(rf"^{s} = ", entry_points, re.M)]


def build_warnings(log: str) -> list[str]:
    """Lines of a verbose build log that warn (byte-compiling skipped by the environment aside)."""
    return [line.strip() for line in log.splitlines()
            if re.search(r"warn|deprecat|absent from", line, re.I)
            and "byte-compiling is disabled" not in line]


def wheel_requires(wheel: Path) -> list[str]:
    """The wheel's declared requirements (Requires-Dist of its METADATA)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode()
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.startswith("Requires-Dist:")]


def site_dirs() -> list[Path]:
    """This venv's site-packages (found from the running interpreter, not a fixed path)."""
    return sorted({Path(sysconfig.get_path(k)) for k in ("purelib", "platlib")})


def requirement_closure(requires: list[str], tools: tuple[str, ...] = ("pip",)) -> list:
    """The installed distributions that ``requires`` needs, with theirs in turn, plus ``tools``.

    Only what the wheel declares is followed, so a package the code imports without declaring
    it is missing in the fresh venv and the run fails there, as it would for a user.
    """
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    installed = {canonicalize_name(d.metadata["Name"]): d
                 for d in metadata.distributions(path=[str(p) for p in site_dirs()])}
    found: dict[str, set[str]] = {}
    todo = [(Requirement(r), {""}) for r in [*requires, *tools]]
    while todo:
        req, extras = todo.pop()
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in extras):
            continue
        name = canonicalize_name(req.name)
        if name not in installed:
            raise WheelCheckError(f"requirement {req} is not installed in {sys.prefix}")
        wanted = set(req.extras) | {""}
        if wanted <= found.get(name, set()):
            continue
        found[name] = found.get(name, set()) | wanted
        todo += [(Requirement(r), wanted) for r in installed[name].requires or []]
    return [installed[name] for name in sorted(found)]


def link_distributions(dists: list, folder: Path, venv: Path) -> None:
    """Link the files of ``dists`` for the fresh ``venv``: their packages into ``folder`` (which
    a .pth file puts on its path), the data files they install beside the venv (the page's
    scripts in share/, Jupyter's settings in etc/) to the same place in ``venv``. Their
    commands in bin/ are left out, since they would run this venv's Python."""
    folder.mkdir(parents=True)
    for dist in dists:
        for file in dist.files or []:
            top = Path(file).parts[0]
            if top != "..":
                if not (top.endswith(".pth") or top.startswith(("alliance_abm", "__editable__"))
                        or (folder / top).exists()):
                    (folder / top).symlink_to(Path(dist.locate_file(top)))
                continue
            installed = Path(os.path.normpath(dist.locate_file(file)))
            if not installed.is_relative_to(sys.prefix) or not installed.is_file():
                continue
            inside = installed.relative_to(sys.prefix)
            link = venv / inside
            if inside.parts[0] != "bin" and not link.exists():
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(installed)


def seed_kernel_cache(site: Path, target_root: Path) -> int:
    """Copy this venv's compiled kernels of the repository's model/ to where numba looks for
    those of ``site``/model/ under ``target_root``; return how many cache files were copied."""
    from model.numerics.jit import cache_dir  # first: it sets numba's cache folder
    from model.run import compile_kernels

    import numba
    from numba.core.caching import _CacheLocator

    compile_kernels()  # loads them, or compiles them once for the repository
    source_root = Path(numba.config.CACHE_DIR)
    target = target_root / cache_dir(site / "model").name
    copied = 0
    for folder in sorted(p for p in (ROOT / "model").rglob("*") if p.is_dir()):
        cached = source_root / _CacheLocator.get_suitable_cache_subpath(str(folder / "k.py"))
        if cached.is_dir():
            inside = folder.relative_to(ROOT)
            place = target / _CacheLocator.get_suitable_cache_subpath(str(site / inside / "k.py"))
            shutil.copytree(cached, place)
            copied += sum(1 for _ in place.iterdir())
    return copied


def copy_sources(target: Path) -> None:
    """Copy what the wheel is built from: the top-level files (pyproject.toml, README.md,
    LICENSE...) and the packages, so that no earlier build/ folder leaks into the wheel."""
    target.mkdir(parents=True)
    for path in ROOT.iterdir():
        if path.is_file():
            shutil.copy2(path, target / path.name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns(*NOT_SOURCES))


class Check:
    """One check in folder ``base``: its places, its commands' environment, its timed steps."""

    def __init__(self, base: Path, echo: Callable[[str], None] = print):
        self.base, self.echo = base, echo
        self.venv = base / "venv"
        self.work = base / "elsewhere"
        self.kernel_cache = base / "kernel-cache"
        self.start = time.perf_counter()

    def step(self, name: str, action: Callable[[], str]) -> str:
        """Run one step; print its result, or raise WheelCheckError naming it."""
        began = time.perf_counter()
        try:
            result = action()
        except Exception as err:  # any failure of a step is reported as that step's
            detail = err if isinstance(err, WheelCheckError) else f"{type(err).__name__}: {err}"
            raise WheelCheckError(f"{name}: {detail}") from err
        self.echo(f"[{time.perf_counter() - self.start:5.1f} s] {name} "
                  f"({time.perf_counter() - began:.1f} s): {result}")
        return result

    def at_once(self, steps: dict[str, Callable[[], str]]) -> None:
        """Run independent steps side by side (their commands mostly wait on a busy machine);
        raise the first failure once all have ended."""
        with ThreadPoolExecutor(len(steps)) as pool:
            futures = [pool.submit(self.step, name, action) for name, action in steps.items()]
        for future in futures:
            if future.exception() is not None:
                raise future.exception()

    def env(self) -> dict[str, str]:
        """The environment of the installed commands: the fresh venv first, no PYTHONPATH."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "NUMBA_CACHE_DIR")}
        env.update(VIRTUAL_ENV=str(self.venv), ALLIANCE_ABM_CACHE=str(self.kernel_cache),
                   PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
        return env

    def run(self, *command, timeout: float = 180) -> str:
        """Run a command from the work folder to its end; its output, or WheelCheckError with
        the output if it fails."""
        command = [str(c) for c in command]
        done = subprocess.run(command, cwd=self.work, env=self.env(), capture_output=True,
                              text=True, timeout=timeout)
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise WheelCheckError(f"`{' '.join(command)}` exited with {done.returncode}:\n{output}")
        return output


def run_checks(base: Path, compile: bool = False, echo: Callable[[str], None] = print) -> None:
    """Every step of the check in folder ``base``; raises WheelCheckError at the first failure.

    ``compile``: compile the kernels in the fresh venv instead of copying this venv's."""
    check = Check(base, echo)
    check.work.mkdir(parents=True)
    bin_ = check.venv / "bin"
    expected = data_files()
    found: dict[str, Path] = {}

    def build() -> str:
        source, dist = base / "source", base / "dist"
        copy_sources(source)
        log = check.run(sys.executable, "-m", "pip", "wheel", source, "--no-deps",
                        "--no-build-isolation", "--no-index", "-v", "-w", dist, timeout=300)
        warnings = build_warnings(log)
        if warnings:
            raise WheelCheckError("setuptools warned:\n" + "\n".join(warnings))
        found["wheel"] = wheel = next(dist.glob("alliance_abm-*.whl"))
        return f"{wheel.name}, {wheel.stat().st_size // 1024} KiB, no warnings"

    def contents() -> str:
        missing = missing_from_wheel(found["wheel"], expected)
        if missing:
            raise WheelCheckError(f"the wheel lacks {', '.join(missing)}")
        return f"{', '.join(expected)} and the console scripts {', '.join(SCRIPTS)}"

    def venv() -> str:
        check.run(sys.executable, "-m", "venv", "--without-pip", check.venv)
        where = "import sysconfig; print(sysconfig.get_path('purelib'))"
        found["site"] = site = Path(check.run(bin_ / "python", "-c", where).strip())
        requires = wheel_requires(found["wheel"])
        dists = requirement_closure(requires)
        link_distributions(dists, base / "deps", check.venv)
        (site / "_wheel_check_deps.pth").write_text(f"{base / 'deps'}\n")
        return (f"{check.venv}; the wheel's {len(requires)} requirements and theirs ({len(dists)} "
                f"distributions with pip) linked from {', '.join(map(str, site_dirs()))}")

    def install() -> str:
        check.run(bin_ / "python", "-m", "pip", "install", "--no-deps", "--no-index",
                  found["wheel"])
        absent = [s for s in SCRIPTS if not (bin_ / s).exists()]
        absent += [name for name in expected if not (found["site"] / name).is_file()]
        if absent:
            raise WheelCheckError(f"not installed: {', '.join(absent)}")
        return "`pip check`: " + check.run(bin_ / "python", "-m", "pip", "check").strip()

    def kernels() -> str:
        if compile:
            return "not copied (--compile): the first command compiles them"
        copied = seed_kernel_cache(found["site"], check.kernel_cache)
        return f"{copied} cache files copied into {check.kernel_cache}"

    def imports() -> str:
        code = ("import model, experiments, dashboards as d; "
                "print(model.__file__, experiments.__file__, d.__file__)")
        files = check.run(bin_ / "python", "-c", code).split()
        elsewhere = [f for f in files if not Path(f).is_relative_to(found["site"])]
        if elsewhere:
            raise WheelCheckError(f"imported from outside the fresh venv's {found['site']}: "
                                  f"{elsewhere}")
        return f"model, experiments, dashboards from {found['site']} (cwd {check.work})"

    def model_run() -> str:
        out = check.work / "run"
        check.run(bin_ / "alliance-model", "run", "--scenario", "river_valley", "--steps", "5",
                  "--seed", "3", "--out", out)
        written = sorted(p.name for p in out.iterdir())
        if "summary.json" not in written or "metrics.csv" not in written:
            raise WheelCheckError(f"{out} holds only {written}")
        return f"exit 0, wrote {', '.join(written)} in {out}"

    def sweep() -> str:
        import pandas as pd

        results = check.work / "results"
        check.run(bin_ / "alliance-experiments", "run", SWEEP, "--quick", "--workers", "1",
                  "--quiet", "--results", results, timeout=300)
        table = results / f"{SWEEP}-quick" / "runs.parquet"
        runs = pd.read_parquet(table)
        failed = int(runs["error"].notna().sum())
        if len(runs) == 0 or failed:
            raise WheelCheckError(f"{len(runs)} runs stored, {failed} failed")
        return f"exit 0, {len(runs)} runs in {table}, none failed"

    def dashboard() -> str:
        from playwright.sync_api import sync_playwright

        from dashboards.testing import dashboard_server, launch_chromium, missing_chromium

        reason = missing_chromium()
        if reason:
            raise WheelCheckError(reason)
        command = [str(bin_ / "alliance-dashboard"), "--no-open"]
        with dashboard_server(timeout=150, command=lambda port: [*command, "--port", str(port)],
                              cwd=check.work, env=check.env()) as url, sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.set_default_timeout(60_000)
                page.goto(url)
                for selector in FIRST_VIEW:
                    page.wait_for_selector(selector)
                text = page.inner_text("body")
                groups = page.locator(".abm-network circle").count()
                errors += page.locator(".abm-error").all_inner_texts()
            finally:
                browser.close()
        shown = [e for e in PAGE_ERRORS if e in text]
        if shown or errors:
            raise WheelCheckError(f"the first page shows {shown}, errors and messages {errors}")
        return (f"`alliance-dashboard --no-open --port P` served {url}: step 0, {groups} groups "
                "drawn, no error")

    check.step("build the wheel (pip wheel --no-deps --no-build-isolation)", build)
    check.step("the wheel carries", contents)
    check.step("fresh venv", venv)
    check.step("install the wheel (--no-deps)", install)
    check.step("compiled kernels", kernels)
    check.step("imports from another folder", imports)
    check.at_once({
        "alliance-model run --scenario river_valley --steps 5": model_run,
        f"alliance-experiments run {SWEEP} --quick": sweep,
        "alliance-dashboard, first page in chromium": dashboard,
    })
    echo(f"wheel check passed in {time.perf_counter() - check.start:.1f} s")


def main(argv: list[str] | None = None) -> int:
    """Run the check in a temporary folder (or --keep DIR); exit 1 naming the failed step."""
    parser = argparse.ArgumentParser(prog="python -m tests.wheel_check",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (a new folder) and keep it, instead of a temporary one")
    parser.add_argument("--compile", action="store_true",
                        help="compile the kernels in the fresh venv instead of copying this "
                             "venv's (a minute more on a busy 2-core machine)")
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.exists():
        print(f"error: --keep = {str(args.keep)!r} already exists: expected a new folder",
              file=sys.stderr)
        return 2
    try:
        if args.keep is not None:
            run_checks(args.keep.resolve(), args.compile)
        else:
            with tempfile.TemporaryDirectory(prefix="wheel-check-") as tmp:
                run_checks(Path(tmp), args.compile)
    except WheelCheckError as err:
        print(f"wheel check failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
