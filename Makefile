# disclosure-service: `make run` to try it, `make test` to check it. `make` lists everything.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed" or 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## create the virtual environment and install the service with its dev tools

.PHONY: run
run: $(STAMP) ## run on 127.0.0.1:8000 with an embedded PostgreSQL and demo data (Ctrl+C stops)
	$(BIN)/disclosure-service serve --demo --host 127.0.0.1 --port 8000

.PHONY: test
test: lint typecheck pytest ## everything: lint, types, the whole test suite (browser tests if Chromium is installed)

.PHONY: lint
lint: $(STAMP) ## ruff: style, naive datetimes, security rules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: typecheck
typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy

.PHONY: pytest
pytest: $(STAMP) ## the test suite only (TEST_DATABASE_URL=postgresql://... to use a server)
	$(BIN)/pytest

.PHONY: audit
audit: $(STAMP) ## known vulnerabilities in the installed packages (pip-audit; exit 3 if the data cannot be reached)
	$(BIN)/python scripts/audit_dependencies.py

.PHONY: format
format: $(STAMP) ## reformat and autofix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: bench
bench: $(STAMP) ## benchmarks that print figures (they take minutes)
	$(BIN)/python -m benchmarks

.PHONY: assets
assets: ## rebuild the committed CSS/JS from the pinned npm packages (needs Node)
	scripts/build_assets.sh

.PHONY: migration
migration: $(STAMP) ## write a new migration from the table definitions: make migration DESC="what changed" (needs DATABASE_URL)
	$(BIN)/piccolo migrations new disclosure_service --auto --desc "$(DESC)"

.PHONY: browser
browser: ## install Debian's Chromium for the browser tests (needs root and apt)
	command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

.PHONY: clean
clean: ## remove the virtual environment and caches (keeps var/, the embedded database)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
