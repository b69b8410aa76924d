# remiss — the two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format bench prod-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# With no coordinator configured, the sample rounds' coordinator may log in, so that a
# newcomer can follow a round at once; set REMISS_COORDINATORS (or .env) to change it.
run: $(STAMP)
	$(BIN)/remiss db upgrade
	$(BIN)/remiss directory import examples/directory.yaml --if-empty
	@if [ -z "$$REMISS_COORDINATORS" ] && ! grep -qs '^REMISS_COORDINATORS=' .env; then \
	  export REMISS_COORDINATORS=kansli@sosr.example.org; fi; \
	exec $(BIN)/remiss serve

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src flows tests bench deploy
	$(BIN)/ruff format --check src flows tests bench deploy
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src flows tests bench deploy
	$(BIN)/ruff check --fix src flows tests bench deploy

# Production's topology as processes (Prefect server on PostgreSQL, two workers, two web
# processes), a round driven through it and every message counted (README, Production).
prod-check: $(STAMP)
	$(BIN)/python -m deploy.prodcheck $(PROD_CHECK_ARGS)

# Every benchmark on SQLite, and on PostgreSQL when it answers; ends with a table.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
