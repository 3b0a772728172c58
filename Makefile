# Set up a virtual environment and run things in it. Needs only python3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup scan test typecheck bench bench-index clean

$(STAMP): pyproject.toml integrations/wagtail/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet -e integrations/wagtail
	touch $(STAMP)

setup: $(STAMP)

## Scan the shipped example corpus and print the findings.
scan: $(STAMP)
	$(BIN)/dedupe scan fixtures/example --format table

## Type-check, lint and run the test suite (corpus tests skip when ../shared is absent).
## The Redis index tests start their own redis-server (installed here from Debian's package when missing).
test: $(STAMP)
	bash scripts/ensure-debs.sh
	$(BIN)/python -m mypy
	$(BIN)/python -m ruff check --select F,B --ignore B905 dedupe tests benchmarks integrations
	$(BIN)/python -m pytest -q

typecheck: $(STAMP)
	$(BIN)/python -m mypy

## Benchmarks over ../shared/corpora; results in benchmarks/results/latest.json.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py --output benchmarks/results/latest.json

## Pre-publish path: index both shared corpora (SQLite and Redis), add throughput and check latency.
bench-index: $(STAMP)
	bash scripts/ensure-debs.sh
	$(BIN)/python benchmarks/index_bench.py --backend sqlite --backend redis --output benchmarks/results/index.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis build *.egg-info
