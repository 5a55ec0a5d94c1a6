"""What a model library (CoMSES) expects beside the code: licence, citation, ODD."""

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_citation_file_cites_the_software_and_the_essays():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"]  # an SPDX expression (PEP 639)
    cited = {(r["authors"][0].get("family-names"), r["year"]) for r in cff["references"]}
    assert {("Muto", 2018), ("Muto", 2019), ("Beaudet", 2021), ("Mestrum", 2021)} <= cited


def test_licence_is_the_one_the_package_declares():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    readme = (ROOT / "README.md").read_text()
    assert "## How to cite" in readme and "CITATION.cff" in readme
