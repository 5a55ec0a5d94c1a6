"""The wheel as a user installs it (tests/wheel_check.py): built, installed into a fresh venv
and used from another folder for a run, a sweep and the dashboard's first page; and the
checker's parts, shown to catch what they are for."""

import zipfile

import pytest

from tests.wheel_check import (SCRIPTS, WheelCheckError, build_warnings, data_files,
                               missing_from_wheel, requirement_closure, run_checks)


def test_the_installed_wheel_runs_the_model_a_sweep_and_the_dashboard(tmp_path):
    lines: list[str] = []
    try:
        run_checks(tmp_path, echo=lines.append)
    except WheelCheckError as err:
        pytest.fail("\n".join([*lines, f"wheel check failed: {err}"]))
    print("\n".join(lines))
    assert lines[-1].startswith("wheel check passed")


def test_the_data_files_are_the_vue_views_the_scenarios_and_the_targets():
    files = data_files()
    assert {"dashboards/vue/network.vue", "dashboards/vue/heatmap.vue",
            "dashboards/vue/timeseries.vue", "model/scenarios/river_valley.toml",
            "model/analysis/targets.toml"} <= set(files)
    assert not [f for f in files if f.endswith((".py", ".md")) or "__pycache__" in f]


def _wheel(path, names, scripts):
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "")
        archive.writestr("alliance_abm-0.1.0.dist-info/entry_points.txt",
                         "[console_scripts]\n" + "".join(f"{s} = x:main\n" for s in scripts))
    return path


def test_a_wheel_without_a_vue_view_or_a_console_script_is_caught(tmp_path):
    expected = ["dashboards/vue/network.vue", "model/scenarios/river_valley.toml"]
    whole = _wheel(tmp_path / "whole.whl", expected, SCRIPTS)
    assert missing_from_wheel(whole, expected) == []
    partial = _wheel(tmp_path / "partial.whl", expected[1:], SCRIPTS[:-1])
    assert missing_from_wheel(partial, expected) == [
        "dashboards/vue/network.vue", f"console script {SCRIPTS[-1]}"]


def test_setuptools_warnings_in_the_build_log_are_caught():
    log = """running build_py
  BuildBackendWarning: `project.license` as a TOML table is deprecated
  warning: build_py: byte-compiling is disabled, skipping.
  Package 'model.scenarios' is absent from the `packages` configuration.
copying model/cli.py -> build/lib/model"""
    assert build_warnings(log) == [
        "BuildBackendWarning: `project.license` as a TOML table is deprecated",
        "Package 'model.scenarios' is absent from the `packages` configuration."]


def test_the_fresh_venv_gets_only_what_the_requirements_need():
    names = {d.metadata["Name"].lower() for d in requirement_closure(["numpy"])}
    assert names == {"numpy", "pip"}
    with_deps = {d.metadata["Name"].lower() for d in requirement_closure(["pandas>=2"])}
    assert {"pandas", "numpy", "python-dateutil"} <= with_deps
    assert "alliance-abm" not in with_deps and "matplotlib" not in with_deps
    with pytest.raises(WheelCheckError, match="not-a-package-here"):
        requirement_closure(["not-a-package-here>=1"])
