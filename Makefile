# remiss — the two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What running needs, and on top of it what testing, linting and measuring need (Playwright,
# Hypothesis, mypy, ruff, psycopg …): `make run` on a fresh clone waits for the first only.
RUN    := $(VENV)/.installed-run
TEST   := $(VENV)/.installed-test

.PHONY: run test lint format bench prod-check guide-pictures clean

# A current pip: the one a venv comes with takes twice as long to resolve the dependencies.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# --no-compile: Python compiles what a process imports, once, when it first imports it,
# instead of pip compiling every module of every dependency up front (half of the install).
$(RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --no-compile -e .
	touch $(RUN)

$(TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --no-compile -e '.[test]'
	touch $(RUN) $(TEST)

# With no coordinator configured, the sample rounds' coordinator may log in, so that a
# newcomer can follow a round at once; set REMISS_COORDINATORS (or .env) to change it.
run: $(RUN)
	$(BIN)/remiss db upgrade
	$(BIN)/remiss directory import examples/directory.yaml --if-empty
	@if [ -z "$$REMISS_COORDINATORS" ] && ! grep -qs '^REMISS_COORDINATORS=' .env; then \
	  export REMISS_COORDINATORS=kansli@sosr.example.org; fi; \
	if [ -z "$$REMISS_INBOUND_DOMAIN" ] && ! grep -qs '^REMISS_INBOUND_DOMAIN=' .env; then \
	  export REMISS_INBOUND_DOMAIN=inbound.localhost; fi; \
	exec $(BIN)/remiss serve

test: $(TEST)
	$(BIN)/python -m pytest -q -n auto --dist loadfile $(PYTEST_ARGS)

lint: $(TEST)
	$(BIN)/ruff check src flows tests bench deploy
	$(BIN)/ruff format --check src flows tests bench deploy
	$(BIN)/mypy

format: $(TEST)
	$(BIN)/ruff format src flows tests bench deploy
	$(BIN)/ruff check --fix src flows tests bench deploy

# Production's topology as processes (Prefect server on PostgreSQL, two workers, two web
# processes), a round driven through it and every message counted (README, Production).
prod-check: $(TEST)
	$(BIN)/python -m deploy.prodcheck $(PROD_CHECK_ARGS)

# Every benchmark on SQLite, and on PostgreSQL when it answers; ends with a table.
bench: $(TEST)
	$(BIN)/python bench/run_all.py

# The coordinator's guide (/guide) shows the pages as the browser tests see them.
guide-pictures: $(TEST)
	$(BIN)/python -m tests.browser.guide_pictures

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
