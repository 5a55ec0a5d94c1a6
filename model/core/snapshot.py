"""Snapshots: write a run to a file and read it back, to resume it exactly where it stopped.

Format: one ``.npz`` archive (numpy's zip of ``.npy`` arrays), read with
``allow_pickle=False``. Every array (the state, the contract store's columns, the alliance
tracker's forests, the DataCollector's columns) is stored with its dtype and shape, so a
resumed run gets the same bits; everything else (format version, parameter values, clock,
counters, random generators' states, names) is one JSON header stored as UTF-8 bytes.
Pickling the model would be shorter, but loading a pickle runs whatever code the file
names, so a snapshot shared by someone else would have to be trusted; reading this format
only ever builds arrays and plain JSON values. Python's JSON writes floats exactly (and NaN
as ``NaN``), so no number loses a bit on the way.

The records of every group (a model built with ``collect_agents=True``) are kept, one array
per reporter. Not saved: the model's ``observers`` (recorders such as model.core.contact_record attach
themselves again) and caches that are derived from the state and rebuilt on load.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from model.core.agents import Group
from model.core.alliances import AllianceTracker
from model.core.contract_store import Contracts, _Journal
from model.core.parameters import ParameterError
from model.core.state import State

FORMAT_VERSION = 2
"""Raised whenever what is stored, or how, changes; other versions are refused, not guessed.
Version 2 added the groups' records; version 1 files (which never hold them) still load."""

READABLE_VERSIONS = (1, 2)

_KIND = "alliance-abm snapshot"
_HEADER = "header"
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_TRACKER_ARRAYS = ("_roots", "_stable_roots", "_forest", "_stable_forest")


class SnapshotError(ValueError):
    """A snapshot file that cannot be written or read back (missing, corrupt, other version)."""


def save(model, path) -> Path:
    """Write ``model`` (an AllianceModel) to ``path``; returns the path.

    The file is written through a temporary file in the same folder and then renamed, so it
    is either whole or absent.
    """
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    groups_recorded = _group_records_into(model.datacollector, arrays)
    state = model.state
    values = {}
    for f in dataclasses.fields(State):
        v = getattr(state, f.name)
        if isinstance(v, np.ndarray):
            arrays[f"state/{f.name}"] = v
        elif isinstance(v, Contracts):
            _contracts_into(v, arrays)
        else:
            values[f.name] = list(v) if isinstance(v, tuple) else v
    c = state.contracts
    journal = c._journal
    tracker = model.alliances
    for name in _TRACKER_ARRAYS:
        if getattr(tracker, name) is not None:
            arrays[f"alliances/{name}"] = getattr(tracker, name)
    if journal._ended is not None:
        arrays["journal/ended"] = _joined(journal._ended)
    arrays["journal/first"] = _joined(journal._first)
    for name, column in model.datacollector.model_vars.items():
        arrays[f"collector/{name}"] = np.asarray(column)
    header = {
        "kind": _KIND,
        "format_version": FORMAT_VERSION,
        "parameters": dict(vars(model.params)),
        "state": values,
        "contracts": {"n_groups": c.n_groups, "milestone": c.milestone, "size": c.size},
        "journal": {"changed": journal.changed, "renewed_changed": journal.renewed_changed,
                    "ended_known": journal._ended is not None},
        "alliances": {"largest_stable_size": tracker.largest_stable_size,
                      "largest_stable_share": tracker.largest_stable_share,
                      "size_seen": tracker._size_seen},
        "model": {"time": model.time, "steps": model.steps, "running": model.running,
                  "counts": model._counts, "counted_steps": model._counted_steps,
                  "metrics": model.metrics,
                  "collector_columns": list(model.datacollector.model_vars),
                  "collect_agents": groups_recorded},
        "random": {"rng": model.rng.bit_generator.state, "rng_initial": model._rng,
                   "stdlib": model.random.getstate(),
                   "seed": model._seed if isinstance(model._seed, (int, type(None))) else None},
    }
    arrays[_HEADER] = np.frombuffer(json.dumps(header, default=_plain).encode("utf-8"),
                                    dtype=np.uint8)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as out:
            np.savez(out, **arrays)
        os.replace(tmp, path)
    except OSError as err:
        raise SnapshotError(f"snapshot {str(path)!r} cannot be written: {err.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load(path, model_class):
    """Read a snapshot written by ``save`` into a new ``model_class`` (AllianceModel), ready to
    step on: its next steps give the numbers the saved run would have given."""
    path = Path(path)
    header, arrays = _read(path)
    try:
        return _restore(header, arrays, model_class)
    except KeyError as err:
        raise SnapshotError(f"snapshot {str(path)!r} is corrupt: entry {err} is missing") from None
    except ParameterError as err:
        raise SnapshotError(f"snapshot {str(path)!r} holds parameters this package refuses: "
                            f"{err}") from None


def _read(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and every array of the file, or one SnapshotError saying what is wrong."""
    if not path.exists():
        raise SnapshotError(f"snapshot {str(path)!r} cannot be read: no such file")
    if not path.is_file():
        raise SnapshotError(f"snapshot {str(path)!r} cannot be read: not a file")
    if not zipfile.is_zipfile(path):
        raise SnapshotError(f"snapshot {str(path)!r} is truncated or corrupt: it is not an .npz "
                            f"archive (expected one of format version {FORMAT_VERSION})")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _HEADER not in archive.files:
                raise SnapshotError(f"snapshot {str(path)!r} is not a model snapshot: it has no "
                                    f"header (expected format version {FORMAT_VERSION})")
            header = json.loads(archive[_HEADER].tobytes().decode("utf-8"))
            if not isinstance(header, dict) or header.get("kind") != _KIND:
                raise SnapshotError(f"snapshot {str(path)!r} is not a model snapshot (expected "
                                    f"format version {FORMAT_VERSION})")
            found = header.get("format_version")
            if found not in READABLE_VERSIONS:
                raise SnapshotError(
                    f"snapshot {str(path)!r} has format version {found!r}; this package reads "
                    f"format version {FORMAT_VERSION} (and the older 1)")
            arrays = {name: archive[name] for name in archive.files if name != _HEADER}
    except SnapshotError:
        raise
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as err:
        raise SnapshotError(f"snapshot {str(path)!r} is truncated or corrupt ({err}); expected "
                            f"an .npz archive of format version {FORMAT_VERSION}") from None
    return header, arrays


def _restore(header: dict, arrays: dict[str, np.ndarray], model_class):
    """A model built from the saved parameters and state, with every counter, record and
    random generator set back to where the saved run was."""
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in header["state"].items()}
    fields = {}
    for f in dataclasses.fields(State):
        if f.name == "contracts":
            fields[f.name] = Contracts(len(arrays["state/sizes"]))
        elif f.name in values:
            fields[f.name] = values[f.name]
        else:
            fields[f.name] = arrays[f"state/{f.name}"]
    state = State(**fields)
    groups_recorded = header["model"].get("collect_agents", False)
    model = model_class(rng=0, scenario=_Saved(header["parameters"], state),
                        collect_agents=groups_recorded)
    m, r = header["model"], header["random"]
    state.contracts = _contracts_from(header, arrays)
    state.enemy = values["enemy"]
    tracker = AllianceTracker()
    tracker.largest_stable_size = header["alliances"]["largest_stable_size"]
    tracker.largest_stable_share = header["alliances"]["largest_stable_share"]
    tracker._size_seen = header["alliances"]["size_seen"]
    for name in _TRACKER_ARRAYS:
        setattr(tracker, name, arrays.get(f"alliances/{name}"))
    model.alliances = tracker
    model.time, model.steps, model.running = m["time"], m["steps"], m["running"]
    model._counts, model._counted_steps = m["counts"], m["counted_steps"]
    model.metrics = m["metrics"]
    for name in m["collector_columns"]:
        column = model.datacollector.model_vars[name]
        column.clear()
        column.extend(arrays[f"collector/{name}"].tolist())
    if groups_recorded:
        _group_records_from(model.datacollector, arrays)
    model.rng = _generator(r["rng"])
    model._rng = r["rng_initial"]
    version, internal, gauss = r["stdlib"]
    model.random.setstate((version, tuple(internal), gauss))
    model._seed = r["seed"]
    return model


class _Saved:
    """The saved population, handed to the model's constructor as a scenario is: it builds the
    state from the file instead of drawing one, and fixes nothing."""

    name = "snapshot"
    fixed: dict = {}

    def __init__(self, parameters: dict, state: State):
        self.parameters = parameters
        self._state = state

    def build(self, params) -> State:
        """The saved state (its contracts are put back once the model exists)."""
        return self._state


def _group_records_into(collector, arrays: dict) -> bool:
    """Each group's recorded values (collect_agents=True) as one column per reporter, with
    the step and agent id of each row; False when groups are not recorded."""
    reporters = collector.agenttype_reporters.get(Group)
    if not reporters:
        return False
    rows = [row for by_type in collector._agenttype_records.values()
            for row in by_type.get(Group, ())]
    names = ["Step", "AgentID", *reporters]
    for k, name in enumerate(names):
        column = np.array([row[k] for row in rows])
        arrays[f"groups/{name}"] = column if len(rows) else np.zeros(0)
    arrays["groups/collections"] = np.array(list(collector._agenttype_records), dtype=np.int64)
    return True


def _group_records_from(collector, arrays: dict) -> None:
    """Mesa's per-collection records of every group, rebuilt row by row as they were taken."""
    names = ["Step", "AgentID", *collector.agenttype_reporters[Group]]
    columns = [arrays[f"groups/{name}"].tolist() for name in names]
    by_step: dict[int, list] = {int(step): [] for step in arrays["groups/collections"]}
    for row in zip(*columns):
        by_step[row[0]].append(row)
    collector._agenttype_records = {step: {Group: rows} for step, rows in by_step.items()}


def _contracts_into(c: Contracts, arrays: dict) -> None:
    for name, column in c.as_dict().items():
        arrays[f"contracts/{name}"] = column


def _contracts_from(header: dict, arrays: dict) -> Contracts:
    """The contract store as saved: history columns, live columns rebuilt in id order (as the
    run kept them) and the journal of changes the alliance tracker has not read yet."""
    h = header["contracts"]
    columns = {k[len("contracts/"):]: v for k, v in arrays.items() if k.startswith("contracts/")}
    c = Contracts(h["n_groups"], capacity=max(1, h["size"]), milestone=h["milestone"])
    c.size = h["size"]
    for name in c._cols:
        c._cols[name][: c.size] = columns[name]
    c.reindex()
    j = header["journal"]
    journal = _Journal()
    journal.changed, journal.renewed_changed = j["changed"], j["renewed_changed"]
    journal._ended = [arrays["journal/ended"]] if j["ended_known"] else None
    journal._first = [arrays["journal/first"]] if len(arrays["journal/first"]) else []
    if journal._ended is not None and not len(journal._ended[0]):
        journal._ended = []
    c._journal = journal
    return c


def _generator(state: dict) -> np.random.Generator:
    """A numpy Generator in the saved state (its bit generator named in an allow-list)."""
    name = state.get("bit_generator")
    if name not in _BIT_GENERATORS:
        raise SnapshotError(f"random generator {name!r} is not one of {', '.join(_BIT_GENERATORS)}")
    bits = getattr(np.random, name)()
    if name == "MT19937":
        state = {**state, "state": {**state["state"],
                                    "key": np.asarray(state["state"]["key"], dtype=np.uint32)}}
    bits.state = state
    return np.random.Generator(bits)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _plain(value: Any):
    """JSON for the numpy values a header may hold."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot be stored in a snapshot header")
