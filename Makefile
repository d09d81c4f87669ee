# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each bootstraps .venv (Python 3.11 or 3.12: durable_rules does not import on 3.13).
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Python caches compiled modules in __pycache__ (git-ignored) unless PYTHONDONTWRITEBYTECODE
# is set, as it is on some machines: then every process of a run, each test worker and each
# command line the README test starts, compiles the project again (about 0.2 s a process,
# and pytest's assertion rewriting of every test module in each worker). Make's commands
# run without it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test quick bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if (3,11)<=v<(3,13) else "ccrules needs Python 3.11 or 3.12, found %d.%d" % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Serves the API and docs on http://127.0.0.1:8000/ with the embedded SQLite default
# (var/ccrules.db); on first run it creates an API token and prints it with the URL.
run: $(STAMP)
	$(BIN)/ccrules serve

# The whole suite, on two workers (pytest-xdist): about 4 minutes on the 2-core machine
# (246 s of pytest time on 2026-12-02; a fresh clone adds the install).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# The fast loop while working: everything but the slow, real-server and browser tests
# (markers in pyproject.toml), on both cores (pytest-xdist), without schemathesis' plugin
# (only the slow contract fuzzer needs it): about 25 s here (docs/performance.md, "The fast
# loop").
quick: $(STAMP)
	PYTEST_QUICK=1 $(BIN)/python -m pytest -q -n 2 -p no:schemathesis -m "not slow and not server and not browser"

# Benchmarks print JSON lines with their figures and the machine (see docs/performance.md).
bench: $(STAMP)
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.explain
	$(BIN)/python -m bench.rescreen
	$(BIN)/python -m bench.archive
	$(BIN)/python -m bench.memory
	$(BIN)/python -m bench.http_load
	$(BIN)/python -m bench.request_parts
	$(BIN)/python -m bench.intake
	$(BIN)/python -m bench.rules_load
	$(BIN)/python -m bench.rules_check

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
