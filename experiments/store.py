"""Where a sweep's results live, written so that nothing is lost.

``results/NAME/`` holds:

* ``runs/part-NNNNNN.parquet`` while the sweep runs: completed runs in small batches, each
  written atomically (temporary file, fsync, rename), tagged with the spec hash;
* ``timeseries/part-NNNNNN.parquet``: per-step metrics of the same batch, if the spec asks
  for them, and ``records/part-NNNNNN.parquet``: the records of the spec's ``measure`` (both
  written *before* the runs part of the same number, which commits the batch);
* ``runs.parquet``, ``timeseries.parquet`` and ``records.parquet``: the consolidated tables,
  sorted by run_id, written when every planned run is done (the parts are then removed);
* ``manifest.json``: the spec and its hash, root seed, git commit, versions, start and end
  time, planned, completed and failed run counts;
* ``plan.md``: the plan written by ``python -m experiments plan`` before the sweep
  (experiments.plan); a sweep never counts it as a result nor removes it;
* ``report.md`` and ``report.png`` from ``python -m experiments report`` (an experiment with
  its own analysis writes ``summary.md``, ``summary.json``, ``figure.png`` and ``figure.pdf``).

Anything else, a part that cannot be read (truncated), or a part written for another spec is
reported by file name (:class:`StoreError`), never silently read. A missing or unreadable
``manifest.json`` beside stored runs is rebuilt by ``--resume`` when every stored file carries
this spec's hash (the hash is kept in each Parquet file's metadata), so good results are never
thrown away for want of their manifest.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import shutil
import socket
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.core.parameters import SCHEMA_BY_NAME

from .spec import Spec

HASH_KEY = b"experiments.spec_hash"
PART = re.compile(r"part-(\d{6})\.parquet")
TMP = re.compile(r"\.part-\d{6}\.parquet\.tmp|\.[\w.-]+\.tmp")
TABLES = ("timeseries", "records")
"""Per-run tables besides the runs table, each keyed by run_id."""
REPORTS = {"report.md", "report.png", "summary.md", "summary.json", "figure.png", "figure.pdf"}
PLAN = "plan.md"
"""The experiment's plan (experiments.plan), written before its runs and kept through --fresh."""
KEPT = {".lock", PLAN}
"""Files that are not results: a sweep neither counts them as stored results nor removes them."""
TOP_LEVEL = {"manifest.json", "runs.parquet", "runs", *KEPT, *REPORTS,
             *TABLES, *(f"{t}.parquet" for t in TABLES)}
ROOT = Path(__file__).resolve().parents[1]


class StoreError(RuntimeError):
    """Results that cannot be used as they are; the message names the file."""


def check_results_dir(results_dir: str | Path, spec: Spec) -> Path:
    """The results folder of ``spec``, once it is known to be usable: the results directory
    exists or can be created, and a file can be written where the sweep will write. Checked
    before any run, so a bad ``--results`` never costs a simulation."""
    root = Path(results_dir)
    folder = root / spec.results_name

    def unusable(why: str) -> StoreError:
        return StoreError(f"--results = '{root}' is not usable: {why}; expected a folder that "
                          "exists or can be created, and that this user can write to")

    for p in (root, folder):
        if p.exists() and not p.is_dir():
            raise unusable(f"{p} is a file, not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise unusable(f"the folder cannot be created ({e.strerror or e})") from None
    target = folder if folder.is_dir() else root
    try:  # a name scan() takes for a leftover temporary file, should the process die here
        with tempfile.NamedTemporaryFile(dir=target, prefix=".probe-", suffix=".tmp"):
            pass
    except OSError as e:
        raise unusable(f"{target} cannot be written to ({e.strerror or e})") from None
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def now() -> str:
    """The current UTC time to the second (ISO 8601), for the manifest's start and end."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def git_commit(root: Path = ROOT) -> str:
    """The checked-out commit, read from .git without running git ("unknown" if none)."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(None, 1)[1]
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return "unknown"


def versions() -> dict[str, str]:
    """Versions of Python, the project and its main libraries, recorded in the manifest."""
    import mesa
    import numpy

    try:
        project = metadata.version("alliance-abm")
    except metadata.PackageNotFoundError:
        project = "unknown"
    return {"python": platform.python_version(), "numpy": numpy.__version__,
            "mesa": mesa.__version__, "alliance-abm": project, "pandas": pd.__version__,
            "pyarrow": pa.__version__}


def runs_schema(spec: Spec) -> pa.Schema:
    """Columns of the runs table: ids, seed, parameters, outcomes (float64), wall time of the
    model run, start time (Unix seconds) and worker (host:pid) of the run, error."""
    kinds = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}
    fields = [pa.field(n, pa.int64()) for n in ("run_id", "point", "replicate", "seed")]
    for name in spec.parameter_names():
        fields.append(pa.field(name, kinds[SCHEMA_BY_NAME[name].kind]))
    fields += [pa.field(o, pa.float64()) for o in spec.outcomes]
    fields += [pa.field("wall_time", pa.float64()), pa.field("started_at", pa.float64()),
               pa.field("worker", pa.string()), pa.field("error", pa.string())]
    return pa.schema(fields)


def atomic_write_bytes(path: Path, write) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_parquet(table: pa.Table, path: Path, spec_hash: str) -> None:
    """Write a table atomically, tagged with the spec hash so reading can check it."""
    meta = dict(table.schema.metadata or {})
    meta[HASH_KEY] = spec_hash.encode()
    table = table.replace_schema_metadata(meta)
    atomic_write_bytes(path, lambda tmp: pq.write_table(table, tmp))


def write_json(path: Path, data: dict) -> None:
    """Write a JSON file atomically: an interrupted sweep never leaves half a manifest."""
    atomic_write_bytes(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, default=str)))


class ResultStore:
    """The results folder of one spec variant (see the module docstring)."""

    def __init__(self, results_dir: str | Path, spec: Spec, log=print):
        self.spec = spec
        self.hash = spec.hash()
        self.dir = Path(results_dir) / spec.results_name
        self.log = log

    # -- paths -----------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """The manifest: spec and hash, versions, times and run counts."""
        return self.dir / "manifest.json"

    @property
    def runs_path(self) -> Path:
        """The consolidated runs table, written once every planned run is done."""
        return self.dir / "runs.parquet"

    @property
    def timeseries_path(self) -> Path:
        """The consolidated per-step metrics, when the spec collects them."""
        return self.table_path("timeseries")

    def table_path(self, name: str) -> Path:
        """Where a per-run table (timeseries or records) is kept consolidated."""
        return self.dir / f"{name}.parquet"

    def _parts(self, sub: str) -> dict[int, Path]:
        folder = self.dir / sub
        if not folder.is_dir():
            return {}
        return {int(m.group(1)): p for p in sorted(folder.iterdir())
                if (m := PART.fullmatch(p.name))}

    # -- checks ----------------------------------------------------------------------
    def scan(self) -> list[Path]:
        """Temporary files left by an interrupted write; raise on anything foreign."""
        foreign, leftovers = [], []
        if not self.dir.exists():
            return []
        for p in sorted(self.dir.iterdir()):
            if TMP.fullmatch(p.name):
                leftovers.append(p)
            elif p.name not in TOP_LEVEL:
                foreign.append(p)
            elif p.name in ("runs", *TABLES):
                if not p.is_dir():
                    foreign.append(p)
                    continue
                for q in sorted(p.iterdir()):
                    if TMP.fullmatch(q.name):
                        leftovers.append(q)
                    elif not PART.fullmatch(q.name):
                        foreign.append(q)
        if foreign:
            raise StoreError("foreign file(s) in the results folder, not written by this "
                             "engine: " + ", ".join(str(p) for p in foreign)
                             + "; move them away")
        return leftovers

    def _read(self, path: Path) -> pd.DataFrame:
        try:
            table = pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as e:
            raise StoreError(f"{path}: unreadable Parquet file (truncated or corrupt: {e}); "
                             "move it away and rerun with --resume to redo its runs") from None
        got = (table.schema.metadata or {}).get(HASH_KEY)
        if got is None:
            raise StoreError(f"{path}: foreign Parquet file (no spec hash); move it away")
        if got.decode() != self.hash:
            raise StoreError(f"{path}: written for another spec (hash {got.decode()}, this spec "
                             f"{self.hash}); rerun with --fresh to discard old results")
        return table.to_pandas()

    def read_manifest(self) -> dict | None:
        """The stored manifest, None before any sweep; an unreadable one raises."""
        if not self.manifest_path.exists():
            return None
        try:
            data = json.loads(self.manifest_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise StoreError(f"{self.manifest_path}: unreadable manifest ({e}); "
                             f"{self._rebuild_advice()}") from None
        if not isinstance(data, dict) or not isinstance(data.get("spec_hash"), str):
            raise StoreError(f"{self.manifest_path}: unreadable manifest (no spec hash); "
                             f"{self._rebuild_advice()}")
        return data

    def _rebuild_advice(self) -> str:
        quick = " --quick" if self.spec.is_quick else ""
        return (f"rerunning the sweep with --resume (`python -m experiments run NAME{quick} "
                "--resume`) rebuilds it from the stored runs if they carry this spec's hash; "
                "no run is repeated")

    def stored_hashes(self) -> dict[Path, str | None]:
        """The spec hash in each stored runs file (consolidated table and parts), read from
        the Parquet metadata alone."""
        paths = [self.runs_path] if self.runs_path.exists() else []
        hashes = {}
        for path in [*paths, *self._parts("runs").values()]:
            try:
                meta = pq.read_schema(path).metadata or {}
            except (pa.ArrowInvalid, OSError) as e:
                raise StoreError(f"{path}: unreadable Parquet file (truncated or corrupt: {e}); "
                                 "move it away and rerun with --resume to redo its runs") from None
            got = meta.get(HASH_KEY)
            hashes[path] = got.decode() if got is not None else None
        return hashes

    def _manifest_to_resume(self) -> dict:
        """The manifest a resumed sweep starts from; a missing or unreadable one is rebuilt
        when every stored runs file carries this spec's hash, else StoreError."""
        try:
            manifest = self.read_manifest()
            state = "missing"
        except StoreError:
            manifest, state = None, "unreadable"
        if manifest is not None:
            if manifest["spec_hash"] != self.hash:
                raise StoreError(
                    f"{self.dir}: the spec changed since these results were written (hash "
                    f"{manifest['spec_hash']} there, {self.hash} now); --resume refused. Keep "
                    f"them by moving {self.dir} away (or by running the spec that wrote them); "
                    "--fresh discards them")
            return manifest
        others = {h for h in self.stored_hashes().values() if h != self.hash}
        if others:
            raise StoreError(
                f"{self.manifest_path} is {state}, and the stored runs were written for another "
                f"spec (hash {', '.join(sorted(map(str, others)))}; this spec {self.hash}); "
                f"--resume refused. Keep them by moving {self.dir} away; --fresh discards them")
        self.log(f"{self.manifest_path} is {state}; rebuilding it, since every stored run "
                 f"carries this spec's hash {self.hash}")
        return {"manifest_rebuilt": now()}

    def has_results(self) -> bool:
        """Whether anything but a lock or a plan is stored, so a sweep must resume or start
        fresh."""
        return self.dir.exists() and any(p.name not in KEPT for p in self.dir.iterdir())

    # -- one sweep at a time ----------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        """The lock file that keeps two sweeps from writing the same results."""
        return self.dir / ".lock"

    def acquire(self) -> None:
        """Claim the folder for this process; a lock left by a dead process on this machine
        is taken over, a live one is an error."""
        self.dir.mkdir(parents=True, exist_ok=True)
        me = f"{socket.gethostname()} {os.getpid()}"
        for _ in range(2):
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                owner = self.lock_path.read_text().strip()
                host, _, pid = owner.partition(" ")
                if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
                    self.log(f"taking over {self.lock_path} left by process {pid}, which ended")
                    self.lock_path.unlink()
                    continue
                raise StoreError(f"{self.lock_path}: another sweep ({owner}) is writing these "
                                 "results; wait for it, or delete the lock file if it is gone")
            with os.fdopen(fd, "w") as f:
                f.write(me)
            return

    def release(self) -> None:
        """Remove the lock after a sweep, but only if this process holds it."""
        try:
            if self.lock_path.read_text().strip() == f"{socket.gethostname()} {os.getpid()}":
                self.lock_path.unlink()
        except OSError:
            pass

    # -- opening a sweep -------------------------------------------------------------
    def open(self, *, resume: bool, fresh: bool, planned: int, info: dict[str, Any]) -> pd.DataFrame:
        """Prepare the folder for a sweep and return the runs already done (resume only)."""
        manifest: dict = {}
        if self.has_results():
            if fresh:
                self.scan()
                self._remove_all()
            elif not resume:
                raise StoreError(f"{self.dir} already holds results; use --resume to complete "
                                 "them or --fresh to discard them and start over")
            else:
                manifest = self._manifest_to_resume()
        self.dir.mkdir(parents=True, exist_ok=True)
        done = self.completed(clean=True)
        started = manifest.get("started") if resume else None
        self.manifest = {
            "name": self.spec.name,
            "quick": self.spec.is_quick,
            "spec": self.spec.to_dict(),
            "spec_hash": self.hash,
            "root_seed": self.spec.root_seed,
            "git_commit": git_commit(),
            "versions": versions(),
            "started": started or now(),
            "resumed": [*manifest.get("resumed", []), now()] if started else [],
            "finished": None,
            "status": "running",
            "planned_runs": planned,
            "completed_runs": len(done),
            "failed_runs": int(done["error"].notna().sum()) if len(done) else 0,
            **({"manifest_rebuilt": manifest["manifest_rebuilt"]}
               if "manifest_rebuilt" in manifest else {}),
            **info,
        }
        write_json(self.manifest_path, self.manifest)
        self._next_part = max([*self._parts("runs"), *(k for t in TABLES for k in self._parts(t)),
                               0]) + 1
        return done

    def _remove_all(self) -> None:
        for name in TOP_LEVEL - KEPT:
            p = self.dir / name
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
        for p in self.dir.iterdir():
            if TMP.fullmatch(p.name):
                p.unlink()

    def completed(self, clean: bool = False) -> pd.DataFrame:
        """Every stored run (consolidated table and parts). ``clean`` removes leftovers of an
        interrupted write: temporary files, time-series parts without their runs part, and
        parts already consolidated."""
        leftovers = self.scan()
        if clean:
            for p in leftovers:
                self.log(f"removing incomplete temporary file {p} (interrupted write)")
                p.unlink()
        frames = []
        consolidated: set[int] = set()
        if self.runs_path.exists():
            table = self._read(self.runs_path)
            consolidated = set(table["run_id"])
            frames.append(table)
        runs_parts = self._parts("runs")
        table_parts = {t: self._parts(t) for t in TABLES}
        for k, path in runs_parts.items():
            part = self._read(path)
            if consolidated and set(part["run_id"]) <= consolidated:
                if clean:
                    path.unlink()
                    for parts in table_parts.values():
                        if k in parts:
                            parts.pop(k).unlink()
                continue
            frames.append(part)
        if clean:
            for t, parts in table_parts.items():
                for k, path in parts.items():
                    if k not in runs_parts:
                        what = "time-series" if t == "timeseries" else t
                        self.log(f"removing {what} part {path} whose batch never committed")
                        path.unlink()
        if not frames:
            return pd.DataFrame({f.name: pd.Series(dtype=f.type.to_pandas_dtype())
                                 for f in runs_schema(self.spec)})
        df = pd.concat(frames, ignore_index=True)
        dup = df["run_id"][df["run_id"].duplicated()]
        if len(dup):
            raise StoreError(f"{self.dir}: run ids stored twice: {sorted(set(dup))[:10]}")
        return df.sort_values("run_id", ignore_index=True)

    # -- writing ---------------------------------------------------------------------
    def write_batch(self, rows: list[dict], tables: Iterable[dict[str, pd.DataFrame]] = ()) -> None:
        """One batch: the per-run tables' parts first, then the runs part that commits it."""
        if not rows:
            return
        k = self._next_part
        self._next_part += 1
        tables = list(tables)
        for name in TABLES:
            frames = [t[name] for t in tables if t and t.get(name) is not None and len(t[name])]
            if frames:
                (self.dir / name).mkdir(exist_ok=True)
                write_parquet(pa.Table.from_pandas(pd.concat(frames, ignore_index=True),
                                                   preserve_index=False),
                              self.dir / name / f"part-{k:06d}.parquet", self.hash)
        (self.dir / "runs").mkdir(exist_ok=True)
        table = pa.Table.from_pylist(rows, schema=runs_schema(self.spec))
        write_parquet(table, self.dir / "runs" / f"part-{k:06d}.parquet", self.hash)

    def finish(self, planned_ids: set[int]) -> pd.DataFrame:
        """Consolidate the parts into runs.parquet (and timeseries.parquet) once complete."""
        df = self.completed()
        missing = planned_ids - set(df["run_id"])
        extra = set(df["run_id"]) - planned_ids
        if extra:
            raise StoreError(f"{self.dir}: stored run ids not in the plan: {sorted(extra)[:10]}")
        self.manifest.update(completed_runs=len(df), failed_runs=int(df["error"].notna().sum()))
        if missing:
            self.manifest.update(status="incomplete")
            write_json(self.manifest_path, self.manifest)
            return df
        for name in TABLES:
            parts = self._parts(name)
            if not parts:
                continue
            new = pd.concat([self._read(p) for p in parts.values()], ignore_index=True)
            if self.table_path(name).exists():
                old = self._read(self.table_path(name))
                new = pd.concat([old[~old["run_id"].isin(new["run_id"])], new], ignore_index=True)
            new = new.sort_values(["run_id", "step"] if name == "timeseries" else "run_id",
                                  kind="stable", ignore_index=True)
            write_parquet(pa.Table.from_pandas(new, preserve_index=False), self.table_path(name),
                          self.hash)
        write_parquet(pa.Table.from_pandas(df, schema=runs_schema(self.spec), preserve_index=False),
                      self.runs_path, self.hash)
        for sub in ("runs", *TABLES):
            if (self.dir / sub).is_dir():
                shutil.rmtree(self.dir / sub)
        # "failed": every planned run is stored, but some raised (their rows hold the error)
        self.manifest.update(status="failed" if self.manifest["failed_runs"] else "complete",
                             finished=now())
        write_json(self.manifest_path, self.manifest)
        return df

    # -- reading for reports -----------------------------------------------------------
    def load(self) -> tuple[pd.DataFrame, dict]:
        """The stored runs and the manifest, for reports (no model runs)."""
        manifest = self.read_manifest()
        if manifest is None:
            if self.stored_hashes():
                raise StoreError(f"{self.manifest_path} is missing, but runs are stored in "
                                 f"{self.dir}; {self._rebuild_advice()}")
            raise StoreError(f"{self.dir}: no results (no manifest.json); run the sweep first")
        if manifest.get("spec_hash") != self.hash:
            raise StoreError(f"{self.dir}: results were written by another version of the spec "
                             f"(hash {manifest.get('spec_hash')}, now {self.hash}); rerun it")
        return self.completed(), manifest

    def load_timeseries(self) -> pd.DataFrame | None:
        """The per-step metrics of the stored runs, None if none were collected."""
        return self.load_table("timeseries")

    def load_table(self, name: str) -> pd.DataFrame | None:
        """A per-run table ("timeseries" or "records"), consolidated or from its parts."""
        if self.table_path(name).exists():
            return self._read(self.table_path(name))
        parts = self._parts(name)
        if not parts:
            return None
        return pd.concat([self._read(p) for p in parts.values()], ignore_index=True)
