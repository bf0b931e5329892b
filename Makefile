# The two commands: `make run` and `make test`. Both install into .venv when needed:
# `make run` only what the server needs, the rest (tests, linters, types, bench) the dev
# tools on top, each install remembered by its own stamp.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Where `make run` listens: `make run PORT=8001` beside another server.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run test check lint format types schema openapi manifest sdks migrate bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the server into $(VENV) (about half a minute; log: $(VENV)/install.log) ..."
	@$(BIN)/python -m pip install --disable-pip-version-check -e . > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	@echo "installing the dev tools into $(VENV) (log: $(VENV)/install.log) ..."
	@$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

run: install
	$(BIN)/stateset-gql serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

types: install-dev
	$(BIN)/mypy

check: lint types test

schema: install
	$(BIN)/python -m stateset_gql.graphql.export > schema.graphql

openapi: install
	$(BIN)/python -m stateset_gql.rest.export docs

# The SDKs' source of truth, checked in; a test fails when it drifts from the routes.
manifest: install
	@mkdir -p sdks
	$(BIN)/python -m stateset_gql.rest.manifest > sdks/manifest.json

# The SDKs' resources and types, emitted from the manifest (checked in; a test fails on drift).
sdks:
	$(PYTHON) sdks/generate.py

migrate: install
	$(BIN)/stateset-gql migrate

bench: install-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/writes.py --scenarios hot
	$(BIN)/python bench/subscribers.py
	$(BIN)/python bench/sdks.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/request_logs.py
	$(BIN)/python bench/workers.py
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache stateset.db stateset.db-wal stateset.db-shm
