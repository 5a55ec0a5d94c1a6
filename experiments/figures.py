"""Writing an experiment's figure to its results folder: PNG and PDF, atomically, no timestamps.

``experiments.style`` holds only the look of a figure; saving it is a matter of the results
files, so it lives here, beside ``experiments.store`` (which writes every other result file
atomically). The PNG is for the README and the PDF for papers; both are written without the
software and creation-date metadata, so a rebuilt figure does not differ from the committed
one only by its date.
"""

from __future__ import annotations

from pathlib import Path

from .store import atomic_write_bytes
from .style import style


def save_figure(fig, stem: str | Path) -> tuple[Path, Path]:
    """Write ``stem.png`` and ``stem.pdf`` in the house style (atomically, without timestamps)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    with style():
        for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None,
                                                                "Producer": None})):
            path = stem.with_suffix(f".{ext}")
            atomic_write_bytes(path, lambda tmp, ext=ext, meta=meta:
                               fig.savefig(tmp, format=ext, metadata=meta))
            paths.append(path)
    return tuple(paths)
