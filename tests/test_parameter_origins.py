"""Every default says where it comes from (model.core.parameter_origins), and what it says is
checked against the ODD: calibrated ones are among 8.1's, literature names a cited source."""

import re
from pathlib import Path

from model.core.parameter_origins import KINDS, ORIGINS, origin
from model.core.parameters import SCHEMA, SCHEMA_BY_NAME, odd_table

ODD = (Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text()


def section(title: str, following: str) -> str:
    start = ODD.index(title)
    end = ODD.find(following, start)
    return ODD[start:] if end < 0 else ODD[start:end]


def test_every_listed_origin_is_a_parameter_of_a_known_kind():
    assert set(ORIGINS) <= set(SCHEMA_BY_NAME)
    assert {kind for kind, _ in map(origin, SCHEMA_BY_NAME)} <= set(KINDS)
    assert all(where.strip() for _, where in map(origin, SCHEMA_BY_NAME))


def test_calibrated_defaults_are_the_ones_odd_8_says_were_calibrated():
    calibrated = {p.name for p in SCHEMA if origin(p.name)[0] == "calibrated"}
    how = section("### 8.1 How the defaults were chosen", "\n## 9.")
    named = set(re.findall(r"`(\w+)`", how)) & set(SCHEMA_BY_NAME)
    assert calibrated and calibrated <= named
    for name in calibrated:
        assert re.search(rf"`{name}`\s+-?[\d.]+", how), f"8 gives no value for {name}"


def test_the_defaults_the_posterior_moved_are_the_ones_said_to_come_from_it():
    import pandas as pd

    table = pd.read_csv(Path(__file__).resolve().parents[1] / "results" / "calibration"
                        / "defaults.csv")
    moved = set(table.loc[table["changed"], "parameter"])
    from_abc = {p.name for p in SCHEMA if "ABC-SMC against" in origin(p.name)[1]}
    assert moved and moved == from_abc


def test_literature_defaults_name_a_source_in_the_references():
    references = section("## 9. References", "\n---")
    for p in SCHEMA:
        kind, where = origin(p.name)
        if kind == "literature":
            authors = re.findall(r"([A-Z][a-z]+)(?: et al\.)?,? (?:\(|and [A-Z]\w+ \()?(\d{4})",
                                 where)
            assert authors, f"{p.name}: no author and year in {where!r}"
            for author, year in authors:
                assert re.search(rf"{author}.{{0,120}}{year}", references, re.S), \
                    f"{p.name}: {author} {year} is not in the ODD's references"


def test_switches_are_settings_and_the_table_shows_every_origin():
    assert all(origin(p.name)[0] == "setting" for p in SCHEMA if p.section == "switches")
    table = odd_table()
    assert table.splitlines()[0].endswith("| origin |")
    for p in SCHEMA:
        kind, _ = origin(p.name)
        assert f"| **{kind}**: " in next(line for line in table.splitlines()
                                         if line.startswith(f"| `{p.name}` |"))
