# Two commands for a new user: `make run` and `make test`.
# Both create .venv and install the project from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Test processes (pytest-xdist); the machines have 2 cores, raise it on bigger ones.
TEST_WORKERS ?= 2

.PHONY: run test bench dashboard reproduce reproduce-quick clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
	  echo "python3-venv is missing; installing it with apt-get"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m model compile
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m model quickstart --out results/quickstart

test: $(STAMP)
	@test -x /usr/bin/chromium || { \
	  echo "chromium is missing (the dashboard's browser tests need it); installing it with apt-get"; \
	  apt-get update -qq && apt-get install -y -qq chromium; }
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --durations=15

# Every experiment at full scale (see results/README.md for the time each takes), or tiny.
reproduce: $(STAMP)
	$(BIN)/python -m experiments reproduce
	@echo "results and figures: results/README.md"

reproduce-quick: $(STAMP)
	$(BIN)/python -m experiments reproduce --quick
	@echo "quick results (not evidence, for checking the pipeline): results/README-quick.md"

# The workshop dashboard; HOST=0.0.0.0 shows it to other machines (no authentication).
HOST = 127.0.0.1
PORT = 8765
dashboard: $(STAMP)
	$(BIN)/alliance-dashboard --host $(HOST) --port $(PORT)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_step.py
	$(BIN)/python benchmarks/bench_landscape.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_dashboard.py

clean-venv:
	rm -rf $(VENV)
