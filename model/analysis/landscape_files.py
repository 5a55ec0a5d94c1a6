"""Reading landscape data from CSV files: named propensity matrices and actor sizes.

``model/analysis/landscape_files.py``. Published landscape data sets (Axelrod & Bennett
1993 and later) come as tables of named actors; these readers turn them into the arrays
:mod:`model.analysis.landscape` works on, and name the file, line and column of the first
problem, so a malformed table fails with a message a reader can act on.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from model.analysis.input_errors import InputError
from model.analysis.landscape import _check_propensity, first_asymmetric_cell

_MISSING = {"", "na", "n/a", "nan", "null", "none"}
"""Cell texts read as a missing value (case-insensitive)."""


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a CSV file")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            rows = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except csv.Error as error:
        raise InputError(f"{path}: malformed CSV ({error})") from None
    return [(line, [cell.strip() for cell in row]) for line, row in rows if any(cell.strip() for cell in row)]


def _parse_cell(text: str, where: str) -> float:
    if text.lower() in _MISSING:
        raise InputError(f"{where}: missing value")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise InputError(f"{where}: {text!r} is not a finite number")
    return value


def _unique_names(names: list[str], where: str) -> None:
    seen = set()
    for position, name in enumerate(names, start=2):
        if not name:
            raise InputError(f"{where}, column {position}: empty actor name")
        if name in seen:
            raise InputError(f"{where}: actor name {name!r} appears twice")
        seen.add(name)


def read_propensity_csv(path) -> tuple[list[str], np.ndarray]:
    """Read a named propensity matrix from CSV.

    The header row lists actor names after one leading cell; each further row
    starts with an actor name followed by its propensities. Rows may come in a
    different order from the columns but must name the same actors.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV file.

    Returns
    -------
    names : list of str
        Actor names in column order.
    propensity : numpy.ndarray, shape (n, n)
        Validated symmetric matrix (diagonal set to zero).

    Raises
    ------
    ValueError
        With the file, row (line number) and column of the first problem.
    """
    path = Path(path)
    rows = _read_rows(path)
    if not rows:
        raise InputError(f"{path}: file is empty; expected a header row of actor names")
    header_line, header = rows[0]
    names = header[1:]
    if not names:
        raise InputError(f"{path}: line {header_line}: header row must list actor names after the first cell")
    _unique_names(names, f"{path}: line {header_line} (header)")
    index = {name: position for position, name in enumerate(names)}
    matrix = np.full((len(names), len(names)), np.nan)
    row_names: list[str] = []
    for line, row in rows[1:]:
        name = row[0]
        where = f"{path}: line {line} (row {name!r})"
        if len(row) != len(names) + 1:
            raise InputError(f"{where}: {len(row) - 1} values; expected {len(names)}, one per column")
        if name not in index:
            raise InputError(f"{where}: row name {name!r} is not among the column names {names}")
        if name in row_names:
            raise InputError(f"{where}: row name {name!r} appears twice")
        row_names.append(name)
        for column, text in zip(names, row[1:]):
            matrix[index[name], index[column]] = _parse_cell(text, f"{where}, column {column!r}")
    missing = [name for name in names if name not in row_names]
    if missing:
        raise InputError(
            f"{path}: no row for column name(s) {missing}; rows and columns must name the same actors"
        )
    found = first_asymmetric_cell(matrix)
    if found:
        i, j, _ = found
        raise InputError(
            f"{path}: propensity is not symmetric: row {names[i]!r}, column {names[j]!r} is "
            f"{matrix[i, j]:g} but row {names[j]!r}, column {names[i]!r} is {matrix[j, i]:g}"
        )
    return names, _check_propensity(matrix)


def read_sizes_csv(path, names: list[str]) -> np.ndarray:
    """Read actor sizes from a two-column CSV (``name,size`` with a header row).

    Parameters
    ----------
    path : str or pathlib.Path
        CSV file.
    names : list of str
        Actor names from the propensity file; every one needs exactly one size.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Sizes in the order of ``names``.

    Raises
    ------
    ValueError
        With the file, line and actor of the first problem.
    """
    path = Path(path)
    rows = _read_rows(path)
    if not rows:
        raise InputError(f"{path}: file is empty; expected a header row 'name,size'")
    header_line, header = rows[0]
    if len(header) != 2:
        raise InputError(
            f"{path}: line {header_line}: header must have two columns (name,size); got {len(header)}"
        )
    sizes: dict[str, float] = {}
    for line, row in rows[1:]:
        where = f"{path}: line {line}"
        if len(row) != 2:
            raise InputError(f"{where}: expected two columns (name,size); got {len(row)}")
        name, text = row
        if name not in names:
            raise InputError(f"{where}: actor {name!r} is not in the propensity file")
        if name in sizes:
            raise InputError(f"{where}: actor {name!r} appears twice")
        value = _parse_cell(text, f"{where} (actor {name!r}), column 'size'")
        if value < 0:
            raise InputError(
                f"{where} (actor {name!r}), column 'size': {value:g} is negative; sizes must be >= 0"
            )
        sizes[name] = value
    missing = [name for name in names if name not in sizes]
    if missing:
        raise InputError(f"{path}: no size for actor(s) {missing} named in the propensity file")
    return np.array([sizes[name] for name in names])
