# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each bootstraps .venv (Python 3.11 or 3.12: durable_rules does not import on 3.13).
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if (3,11)<=v<(3,13) else "ccrules needs Python 3.11 or 3.12, found %d.%d" % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Until the HTTP service lands, `make run` shows how to use the command line.
run: $(STAMP)
	@echo "ccrules is installed in $(VENV). The HTTP service is not built yet; use the CLI:"
	@echo "  $(BIN)/ccrules evaluate examples/ilcop.json [--format text|json|markdown]"
	@echo "  $(BIN)/ccrules rules list | show ID | check"
	@echo
	$(BIN)/ccrules evaluate examples/michigan-keystone.json

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
