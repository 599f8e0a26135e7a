# The commands the README and CI use: one for a person, the same for CI.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test install install-test lint typecheck pytest clean

## run: install the project and ingest the bundled sample communiqués into ./data/warehouse.duckdb
run: install
	$(BIN)/communiques ingest samples
	$(BIN)/communiques status

## test: install with test dependencies, then ruff, mypy and the whole test suite
test: install-test lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(PIP) -e .

install-test: $(BIN)/python
	$(PIP) -e '.[test]'

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
