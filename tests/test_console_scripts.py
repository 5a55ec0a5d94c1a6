"""The installed commands (pyproject.toml [project.scripts]): each names a main() that returns
an exit status, usage lines name the command as typed, and the dashboard's command refuses an
address it cannot serve with one message and exit status 2."""

import importlib
import socket
import tomllib
from pathlib import Path

import pytest

from dashboards import cli as dashboard_cli
from experiments import cli as experiments_cli
from model import cli as model_cli

ROOT = Path(__file__).resolve().parents[1]


def test_each_console_script_names_a_main_function():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"alliance-model": "model.cli:main",
                       "alliance-experiments": "experiments.cli:main",
                       "alliance-dashboard": "dashboards.cli:main"}
    for target in scripts.values():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function))


def test_usage_names_the_command_as_typed(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["/venv/bin/alliance-model"])
    assert model_cli.build_parser().prog == "alliance-model"
    monkeypatch.setattr("sys.argv", ["/venv/bin/alliance-experiments"])
    assert experiments_cli.build_parser().prog == "alliance-experiments"
    monkeypatch.setattr("sys.argv", ["/repo/model/__main__.py"])
    assert model_cli.build_parser().prog == "python -m model"
    assert experiments_cli.build_parser().prog == "python -m experiments"


def test_the_model_and_experiments_commands_return_their_exit_status(capsys):
    assert model_cli.main(["params"]) == 0
    assert "n_groups" in capsys.readouterr().out
    assert model_cli.main(["run", "--steps", "1", "--set", "n_groups=1"]) == 2
    assert "n_groups" in capsys.readouterr().err
    assert experiments_cli.main(["run", "no_such_experiment"]) == 2
    assert "unknown experiment 'no_such_experiment'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--port", "0"], "--port = 0 is not allowed: expected an integer from 1 to 65535"),
    (["--port", "70000"], "--port = 70000 is not allowed: expected an integer from 1 to 65535"),
    (["--host", "no-such-host.invalid"], "--host = 'no-such-host.invalid' is not allowed"),
])
def test_the_dashboard_refuses_an_address_with_one_message(argv, message, capsys):
    assert dashboard_cli.main([*argv, "--no-compile", "--no-open"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}") and err.count("\n") == 1


def test_the_dashboard_refuses_a_port_in_use(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert dashboard_cli.main(["--port", str(port), "--no-compile", "--no-open"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --host = '127.0.0.1', --port = {port}: cannot listen there")
    assert dashboard_cli.unusable_address("127.0.0.1", port) is None  # free again
