"""Property tests of the analysis command line's input files: generated CSV for each command.

Every generated table, fed to ``python -m model.analysis faultlines|survival|landscape``
in-process (and to the public readers), ends in a result (exit 0, a report, the numbers of
the file unchanged) or in the named error: InputError from the readers, exit status 2 and
one ``error:`` line from the command; never another exception. Outcomes are counted with
``hypothesis.event`` by the kind of problem the message names.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

from model.analysis.__main__ import main
from model.analysis.input_errors import InputError
from model.analysis.landscape_files import read_propensity_csv, read_sizes_csv
from model.analysis.table_files import numbers, read_table_csv
from tests.properties import fast, single_line

NUMBER_CELLS = st.one_of(
    st.integers(-50, 50).map(str), st.floats(0.01, 100).map(lambda x: f"{x:.3g}"),
    st.floats().map(repr),
    st.sampled_from(["0", "1", "-0.0", "1e308", "-1e308", "1e400", "1e-320", "5e-324", "nan",
                     "inf", "-inf", "1e154", "3.5", " 2 ", "1_0", "0x1"]))
LABEL_CELLS = st.sampled_from(["a", "b", "c", "team 1", "été", "x,y", 'say "hi"', "line\nbreak"])
MISSING_CELLS = st.sampled_from(["", "NA", "null", "None", " "])
CELLS = st.integers(0, 9).flatmap(lambda r: (
    NUMBER_CELLS if r < 6 else LABEL_CELLS if r < 8 else MISSING_CELLS | st.text(max_size=6)))
"""Numbers of every size mostly, as a file holds them; labels, blanks and junk for the rest."""


def tables(columns: dict, low: int = 0, high: int = 9):
    """CSV text of a table with these columns: half the time every cell drawn from its
    column's own strategy (a file that may well be valid), else with a column renamed,
    repeated or dropped, ragged rows, generated cells, a byte-order mark or no rows."""
    names = list(columns)

    def text(rows, bom):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return ("\ufeff" if bom else "") + out.getvalue()

    typed = st.lists(st.tuples(*columns.values()).map(list), min_size=max(low, 1),
                     max_size=high).map(lambda rows: [names] + rows)
    header = st.just(names) | st.lists(st.sampled_from(names + ["", "other"]), min_size=1,
                                       max_size=len(names) + 1)

    def body(head):
        width = len(head)
        row = st.lists(CELLS, min_size=width, max_size=width) | st.lists(CELLS, max_size=width + 1)
        return st.lists(st.integers(0, 4).flatmap(
            lambda r: st.lists(CELLS, min_size=width, max_size=width) if r else row),
            min_size=low, max_size=high).map(lambda rows: [head] + rows)

    mixed = header.flatmap(body)
    return st.tuples(st.booleans().flatmap(lambda t: typed if t else mixed),
                     st.booleans()).map(lambda pair: text(*pair))


POSITIVE = st.integers(0, 29).flatmap(lambda r: st.sampled_from(["1e308", "5e-324", "1e-300"])
                                    if r == 0 else st.floats(0.1, 1000).map(lambda x: f"{x:.4g}"))
FLAGS = st.integers(0, 59).map(lambda r: ["2", "1.0"][r] if r < 2 else str(r % 2))


def propensity_tables():
    """A named propensity matrix: symmetric numbers mostly, with generated cells mixed in."""
    def matrix(n):
        names = [f"n{i}" for i in range(n)]
        values = st.lists(st.one_of(st.floats(-2, 2).map(lambda x: f"{x:.3g}"), NUMBER_CELLS),
                          min_size=n * n, max_size=n * n)

        def text(cells, symmetric, extra):
            grid = [cells[i * n:(i + 1) * n] for i in range(n)]
            if symmetric:
                grid = [[grid[min(i, j)][max(i, j)] if i != j else "0" for j in range(n)]
                        for i in range(n)]
            rows = [[""] + names] + [[names[i]] + grid[i] for i in range(n)] + extra
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            return out.getvalue(), names

        return st.tuples(values, st.booleans() | st.just(True),
                         st.lists(st.lists(CELLS, max_size=n + 1), max_size=1)).map(
            lambda t: text(*t))
    return st.integers(1, 7).flatmap(matrix)


def size_tables(names):
    """A name,size table for the actors, with generated sizes."""
    rows = st.lists(st.tuples(st.sampled_from(names + ["stranger"]), NUMBER_CELLS),
                    min_size=len(names), max_size=len(names) + 1)
    exact = st.tuples(*(st.tuples(st.just(n), NUMBER_CELLS) for n in names)).map(list)

    def text(pairs):
        out = io.StringIO()
        csv.writer(out).writerows([["name", "size"]] + [list(p) for p in pairs])
        return out.getvalue()
    return (exact | rows).map(text)


KIND = [("not a finite number", "cell not finite"), ("is not a number", "cell not a number"),
        ("missing value", "missing value"), ("cells, but the header", "ragged row"),
        ("values; expected", "ragged row"), ("expected two columns", "ragged row"),
        ("empty column name", "empty name"), ("empty actor name", "empty name"),
        ("appears twice", "repeated name"), ("no column", "missing column"),
        ("is empty", "empty table"), ("no data rows", "empty table"), ("not UTF-8", "not UTF-8"),
        ("malformed CSV", "malformed CSV"), ("is not 0 or 1", "flag not 0 or 1"),
        ("too large together", "energies overflow"), ("not symmetric", "not symmetric"),
        ("must be symmetric", "not symmetric"), ("negative", "negative value"),
        ("not among the column names", "unknown name"), ("not in the propensity", "unknown name"),
        ("no row for", "missing name"), ("no size for", "missing name"),
        ("must list actor names", "no names"), ("> 0", "duration not positive"),
        ("positive", "duration not positive"), ("whole number", "seed out of range"),
        ("likelihood", "no maximum-likelihood fit"), ("squared distances", "values too large"),
        ("allowed: a finite number >= 0", "weight not allowed")]


def kind_of(message: str) -> str:
    """The kind of problem an error message names, for the statistics."""
    for phrase, kind in KIND:
        if phrase in message:
            return kind
    return "other: " + re.sub(r"\d+", "N", message.split(": ")[-1])[:40]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def outcome(command: str, argv: list[str]) -> None:
    """Run the command; a result or one error line with exit 2, counted by kind."""
    code, out, err = run(argv)
    if code == 0:
        event(f"{command}: result")
        assert out.strip() and not err
        return
    assert code == 2, (code, out, err)
    if err.startswith("error: "):
        assert single_line(err), err
        event(f"{command}: error, {kind_of(err)}")
    else:
        assert "usage:" in err and err.strip().splitlines()[-1].startswith(
            "python -m model.analysis"), err
        event(f"{command}: usage error")


def write(folder: str, name: str, text: str | bytes) -> str:
    path = Path(folder) / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


ODD_BYTES = st.sampled_from([b"", b"\xff\xfe\x00a", b"a,b\n1,\xe9\n", b"\x00\x00", b'a\n"1'])


@fast(80)
@given(text=tables({"id": LABEL_CELLS, "age": POSITIVE | NUMBER_CELLS, "gender": LABEL_CELLS,
                    "team": st.sampled_from(["1", "2"])}) | ODD_BYTES,
       options=st.lists(st.sampled_from([["--weight", "age=0.1"], ["--weight", "age=1e308"],
                                          ["--weight", "gender=nan"], ["--scale", "sd"],
                                          ["--scale", "range"], ["--k-max", "3"],
                                          ["--k-max", "1000000"], ["--id", "id"],
                                          ["--group", "team"]]), max_size=3))
def test_faultlines_gives_a_result_or_one_error_line(text, options):
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "members.csv", text)
        outcome("faultlines", ["faultlines", path, "--numeric", "age", "--nominal", "gender",
                               *sum(options, [])])


@fast(30)
@given(text=tables({"weeks": POSITIVE, "relapsed": FLAGS, "arm": st.sampled_from(["a", "b"])},
                  low=4, high=8) | ODD_BYTES,
       flag=st.sampled_from(["--event", "--censored"]), group=st.booleans())
def test_survival_gives_a_result_or_one_error_line(text, flag, group):
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "lifetimes.csv", text)
        outcome("survival", ["survival", path, "--duration", "weeks", flag, "relapsed",
                             *(["--group", "arm"] if group else [])])


@fast(80)
@given(data=st.data(), table=propensity_tables(),
       coalitions=st.sampled_from(["2", "3", "5", "1000000", str(10**30)]),
       seed=st.sampled_from(["0", "7", str(2**63 - 1), str(2**63)]))
def test_landscape_gives_a_result_or_one_error_line(data, table, coalitions, seed):
    text, names = table
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "propensity.csv", text)
        argv = ["landscape", path, "--coalitions", coalitions, "--seed", seed]
        if data.draw(st.booleans(), label="with sizes"):
            argv += ["--sizes", write(folder, "sizes.csv", data.draw(size_tables(names)))]
        outcome("landscape", argv)


@fast(100)
@given(text=tables({"x": NUMBER_CELLS, "y": CELLS}) | ODD_BYTES)
def test_the_table_reader_keeps_every_number_or_names_the_cell(text):
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "table.csv", text)
        try:
            frame = read_table_csv(path)
            column = numbers(frame, "x")
        except InputError as err:
            assert single_line(str(err)) and path in str(err)
            event(f"read_table_csv: InputError, {kind_of(str(err))}")
            return
    event("read_table_csv: numbers")
    assert np.all(np.isfinite(column))
    assert column.tolist() == [float(cell) for cell in frame["x"]]


@fast(60)
@given(data=st.data(), table=propensity_tables())
def test_the_landscape_readers_keep_every_number_or_name_the_cell(data, table):
    text, names = table
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "propensity.csv", text)
        sizes_path = write(folder, "sizes.csv", data.draw(size_tables(names)))
        try:
            read_names, matrix = read_propensity_csv(path)
            sizes = read_sizes_csv(sizes_path, read_names)
        except InputError as err:
            assert single_line(str(err)) and folder in str(err)
            event(f"landscape readers: InputError, {kind_of(str(err))}")
            return
    event("landscape readers: arrays")
    rows = list(csv.reader(io.StringIO(text)))
    given_cells = {(r[0], name): float(cell) for r in rows[1:] for name, cell in zip(rows[0][1:], r[1:])}
    for i, a in enumerate(read_names):  # mirrors within the tolerance are averaged
        for j, b in enumerate(read_names):
            mean = given_cells[a, b] / 2 + given_cells[b, a] / 2
            assert matrix[i, j] == (0.0 if i == j else mean)
    assert np.all(np.isfinite(sizes)) and np.all(sizes >= 0)
