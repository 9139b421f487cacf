# The README's two commands are `make run` and `make test`; each sets up what is missing
# (scripts/bootstrap.sh) and is quick to re-run.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
BOOTSTRAP := TAMIS_VENV=$(VENV) bash scripts/bootstrap.sh
# Extra arguments: make run ARGS='--port 9000', make test PYTEST_ARGS='-k lexicon -x'
ARGS ?=
PYTEST_ARGS ?=

.PHONY: help bootstrap run test lint fmt bench clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap: ## install what is missing: system packages, .venv, tamis (editable)
	@$(BOOTSTRAP)

run: ## set up, then serve with embedded defaults on 127.0.0.1:8000
	@$(BOOTSTRAP)
	$(BIN)/tamis serve --init $(ARGS)

test: ## set up (PostgreSQL included), then ruff, mypy and the whole test suite
	@$(BOOTSTRAP) --with-postgres
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: ## ruff (lint + format check) and mypy, no tests
	@$(BOOTSTRAP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: ## format and apply safe lint fixes
	@$(BOOTSTRAP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: ## run every bench/*.py in turn (installs the bench extras)
	@$(BOOTSTRAP) --extras test,bench
	@shopt -s nullglob; files=(bench/*.py); \
	if [[ $${#files[@]} -eq 0 ]]; then echo "no benchmarks in bench/"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(BIN)/python "$$f"; done

clean: ## remove caches and build output (keeps .venv and data)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
