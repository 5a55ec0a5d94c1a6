"""Attribute tables for the faultline measures (``model/analysis/faultline_data.py``).

Published faultline measures need to know which attributes are numeric (age in years) and
which are nominal (gender, ethnicity), and how much each counts; this module turns a table
with declared column types and weights into the coordinates both measures are computed on,
and checks a precomputed distance matrix. It refuses to guess: a column of integers whose
type is not declared could be either, so it is an error that says how to declare it.

The coding follows Meyer and Glenz's R package asw.cluster (``faultlines()``, version
2.10.3): a numeric attribute enters as its value times its weight, a nominal attribute as
one indicator column per category, each sqrt(2)/2 times the weight, so that two members in
different categories are ``weight`` apart, as members ``1/weight`` units apart on a numeric
attribute are. Euclidean distances between these rows are asw.cluster's ASW distances, and
the share of their variance between two subgroups is its Fau.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from model.analysis.input_errors import InputError, InputTypeError

NUMERIC = "numeric"
NOMINAL = "nominal"
SCALES = (None, "sd", "range")


def _table(data) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    x = np.asarray(data)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise InputError(f"attributes must be a table (rows = members), got an array of shape {x.shape}")
    return pd.DataFrame(x)


def _named(spec, columns, what: str, partial: bool) -> dict:
    """A per-column mapping from a mapping or a sequence in column order, checked."""
    if isinstance(spec, Mapping):
        unknown = [c for c in spec if c not in columns]
        if unknown:
            raise InputError(f"{what} names column {unknown[0]!r}, which the data lacks; "
                             f"its columns are {list(columns)}")
        out = dict(spec)
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        if len(spec) != len(columns):
            raise InputError(f"{what} has {len(spec)} entries for {len(columns)} columns "
                             f"{list(columns)}; give one per column or a mapping")
        out = dict(zip(columns, spec))
    else:
        raise InputTypeError(f"{what} must be a mapping column -> value or a sequence in column "
                             f"order, got {type(spec).__name__}")
    if not partial:
        missing = [c for c in columns if c not in out]
        if missing:
            raise InputError(f"{what} lacks column {missing[0]!r}: declare every column as "
                             f"'{NUMERIC}' or '{NOMINAL}'")
    return out


def _undeclared_type(name, values: pd.Series) -> str:
    """The type of a column nobody declared, when only one reading is possible."""
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        return NOMINAL
    x = values.to_numpy(dtype=np.float64)
    if np.array_equal(x, np.round(x)):
        example = f" (e.g. {x[0]:g})" if len(x) else ""
        raise InputError(
            f"column {name!r} holds integer values{example} and no type is declared: "
            f"they could be a quantity or category codes. Declare it, e.g. "
            f"types={{{name!r}: '{NUMERIC}'}} or types={{{name!r}: '{NOMINAL}'}} (or pass "
            f"metric='matching' when every column holds category codes)")
    return NUMERIC


def column_types(data, types=None) -> dict:
    """Every column's type, declared or, where only one reading is possible, read.

    Without a declaration a column of text, booleans or categories is nominal and a
    column with non-integer numbers numeric; integer-valued numbers are ambiguous (age in
    years or category codes) and raise ``ValueError`` saying how to declare them.

    Parameters
    ----------
    data : pandas.DataFrame or array_like, shape (n, p)
    types : mapping column -> {"numeric", "nominal"}, or sequence in column order, optional

    Returns
    -------
    dict
        Column name -> "numeric" or "nominal", in column order.
    """
    table = _table(data)
    declared = {} if types is None else _named(types, table.columns, "types", partial=False)
    out = {}
    for name in table.columns:
        kind = declared.get(name)
        if kind is None:
            kind = _undeclared_type(name, table[name])
        elif kind not in (NUMERIC, NOMINAL):
            raise InputError(f"types[{name!r}] = {kind!r}; allowed: '{NUMERIC}', '{NOMINAL}'")
        out[name] = kind
    return out


LARGEST_COORDINATE = 1e150
"""Largest magnitude of a weighted coordinate: distances between members are squared and
summed, and 1e150 squared still leaves room for sums (floats end near 1.8e308)."""


def declared_coordinates(data, types=None, weights=None, scale=None) -> np.ndarray:
    """Rows whose Euclidean distances and variances are asw.cluster's (see module doc).

    Parameters
    ----------
    data : pandas.DataFrame or array_like, shape (n, p)
        One row per member; no missing values.
    types : mapping or sequence, optional
        "numeric" or "nominal" per column (:func:`column_types`).
    weights : mapping or sequence, optional
        Non-negative weight per column (default 1; a mapping may name only some columns).
        asw.cluster's example weighs age in years 0.1 and gender and ethnicity 1, so that
        ten years count as much as a different gender.
    scale : {None, "sd", "range"}
        Numeric columns divided, before weighting, by nothing (asw.cluster's default),
        their sample standard deviation (asw.cluster's ``rescale = "sd"``) or their range
        (Gower 1971), each left as is when constant.

    Returns
    -------
    ndarray, shape (n, q)
        One column per numeric attribute and per category of each nominal attribute.
    """
    table = _table(data)
    kinds = column_types(table, types)
    w = {} if weights is None else _named(weights, table.columns, "weights", partial=True)
    if scale not in SCALES:
        raise InputError(f"scale = {scale!r}; allowed: None, 'sd', 'range'")
    blocks = []
    for name, kind in kinds.items():
        values = table[name]
        missing = int(values.isna().sum())
        if missing:
            raise InputError(f"column {name!r} has {missing} missing value(s); faultline "
                             f"measures need every attribute of every member")
        weight = w.get(name, 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float, np.number)) \
                or not np.isfinite(weight) or weight < 0:
            raise InputError(f"weights[{name!r}] = {weight!r}; allowed: a finite number >= 0")
        if kind == NUMERIC:
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                raise InputTypeError(f"column {name!r} is declared '{NUMERIC}' but holds "
                                     f"{values.dtype} values; declare it '{NOMINAL}' or convert it")
            x = values.to_numpy(dtype=np.float64)
            if not np.all(np.isfinite(x)):
                raise InputError(f"column {name!r} has infinite values; allowed: finite numbers")
            with np.errstate(over="ignore", invalid="ignore"):
                spread = {None: 0.0, "sd": x.std(ddof=1) if len(x) > 1 else 0.0,
                          "range": np.ptp(x) if len(x) else 0.0}[scale]
                block = (x / spread if spread > 0 else x)[:, None] * weight
        else:
            codes, _ = pd.factorize(values, sort=True)
            onehot = codes[:, None] == np.arange(codes.max() + 1 if len(codes) else 0)
            spread, block = 0.0, onehot * (weight * np.sqrt(0.5))
        if not (np.isfinite(spread) and np.all(np.abs(block) <= LARGEST_COORDINATE)):
            raise InputError(
                f"column {name!r} with weight {weight!r}: its values times the weight (after "
                f"scaling by {scale}) reach {float(np.max(np.abs(block), initial=0.0)):g}; "
                f"allowed: up to {LARGEST_COORDINATE:g} in magnitude, so that squared "
                "distances stay finite; rescale the column or lower its weight")
        blocks.append(block)
    if not blocks:
        return np.zeros((len(table), 0))
    return np.concatenate(blocks, axis=1).astype(np.float64)


def checked_distances(distances) -> np.ndarray:
    """A precomputed distance matrix, checked: square, finite, >= 0, symmetric, zero diagonal.

    Raises ``ValueError`` naming the first entry that breaks a rule, since a silhouette
    computed from a malformed matrix is a number without meaning.
    """
    d = np.asarray(distances, dtype=np.float64)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise InputError(f"distances must be a square (n, n) matrix, got shape {d.shape}")
    bad = np.argwhere(~np.isfinite(d) | (d < 0))
    if len(bad):
        i, j = bad[0]
        raise InputError(f"distances[{i}, {j}] = {float(d[i, j])}; allowed: finite numbers >= 0")
    large = np.argwhere(d > LARGEST_COORDINATE)
    if len(large):
        i, j = large[0]
        raise InputError(f"distances[{i}, {j}] = {float(d[i, j])}; allowed: up to "
                         f"{LARGEST_COORDINATE:g}, so that squared distances stay finite")
    tol = 1e-9 * max(1.0, float(d.max(initial=0.0)))
    diag = np.flatnonzero(np.abs(np.diag(d)) > tol)
    if len(diag):
        i = diag[0]
        raise InputError(f"distances[{i}, {i}] = {float(d[i, i])}; the diagonal must be 0")
    asym = np.argwhere(np.abs(d - d.T) > tol)
    if len(asym):
        i, j = asym[0]
        raise InputError(f"distances is not symmetric: [{i}, {j}] = {float(d[i, j])} but "
                         f"[{j}, {i}] = {float(d[j, i])}")
    return (d + d.T) / 2.0
