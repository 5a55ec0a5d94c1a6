"""Reading a table of named columns from CSV for the analysis command line.

``model/analysis/table_files.py``. Survey and archive tables arrive with byte-order marks,
duplicated or empty column names, ragged rows, blanks and stray text in number columns; these
readers keep the text as it is and name the file, line and column of the first problem, so a
malformed table fails with a message a reader can act on instead of a parser's traceback.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from model.analysis.input_errors import InputError

MISSING = {"", "na", "n/a", "nan", "null", "none"}
"""Cell texts read as a missing value (case-insensitive)."""

FIRST_DATA_LINE = 2
"""File line of the table's first data row (line 1 is the header)."""


def read_table_csv(path) -> pd.DataFrame:
    """The table as text cells, one column per header name, in file order.

    Raises ``ValueError`` for an empty file, an empty or repeated column name, or a row with
    more or fewer cells than the header (naming the line), and ``OSError`` when the file
    cannot be read.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a CSV file")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except csv.Error as error:
        raise InputError(f"{path}: malformed CSV ({error})") from None
    rows = [(line, row) for line, row in rows if any(row)]
    if not rows:
        raise InputError(f"{path}: the file is empty (expected a header row of column names)")
    header_line, header = rows[0]
    seen = set()
    for position, name in enumerate(header, start=1):
        if not name:
            raise InputError(f"{path}, line {header_line}, column {position}: empty column name")
        if name in seen:
            raise InputError(f"{path}, line {header_line}: column name {name!r} appears twice")
        seen.add(name)
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise InputError(f"{path}, line {line}: {len(row)} cells, but the header names "
                             f"{len(header)} columns")
    if len(rows) == 1:
        raise InputError(f"{path}: the header has no data rows under it")
    frame = pd.DataFrame([row for _, row in rows[1:]], columns=header, dtype=object)
    frame.attrs["lines"] = [line for line, _ in rows[1:]]
    frame.attrs["path"] = str(path)
    return frame


def _where(frame: pd.DataFrame, row: int, column: str) -> str:
    lines = frame.attrs.get("lines") or list(range(FIRST_DATA_LINE, FIRST_DATA_LINE + len(frame)))
    return f"{frame.attrs.get('path', 'table')}, line {lines[row]}, column {column!r}"


def require_columns(frame: pd.DataFrame, names) -> None:
    """Every name must be a column; the error lists the missing ones and those there are."""
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(f"{frame.attrs.get('path', 'table')}: no column "
                         f"{', '.join(repr(m) for m in missing)}; the columns are "
                         f"{', '.join(repr(c) for c in frame.columns)}")


def numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as finite floats; a blank or non-numeric cell is an error naming its line."""
    require_columns(frame, [column])
    out = np.empty(len(frame))
    for row, text in enumerate(frame[column]):
        if str(text).lower() in MISSING:
            raise InputError(f"{_where(frame, row, column)}: missing value")
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"{_where(frame, row, column)}: {text!r} is not a number") from None
        if not np.isfinite(value):
            raise InputError(f"{_where(frame, row, column)}: {text!r} is not a finite number")
        out[row] = value
    return out


def texts(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column of category labels; a blank cell is an error naming its line."""
    require_columns(frame, [column])
    values = frame[column].astype(str).to_numpy()
    for row, text in enumerate(values):
        if text.lower() in MISSING:
            raise InputError(f"{_where(frame, row, column)}: missing value")
    return values
