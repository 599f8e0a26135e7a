# The commands the README and CI use: one for a person, the same for CI.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

OCR_PACKAGES = tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-chi-sim

.PHONY: run test install install-test system-deps lint typecheck pytest clean

## run: install the project (and Tesseract where possible), ingest samples/ into ./data/warehouse.duckdb
run: system-deps install
	$(BIN)/communiques ingest samples
	$(BIN)/communiques status

## test: install with test dependencies, then ruff, mypy and the whole test suite
test: install-test lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

## system-deps: Tesseract OCR from Debian packages when missing (needs root or passwordless sudo)
system-deps:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
	   && tesseract --list-langs 2>/dev/null | grep -qx rus; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; \
	else echo "note: Tesseract not installed; scanned PDFs will be quarantined until you run: apt-get install $(OCR_PACKAGES)"; fi

install: $(BIN)/python
	$(PIP) -e .

install-test: $(BIN)/python
	$(PIP) -e '.[test]'

lint:
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
