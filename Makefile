# The clinic portal. `make run` serves the demo; `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
WORKERS ?= 2

.PHONY: install run test lint format bench clean reset-demo

install: $(STAMP)

# The virtual environment, rebuilt when the pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi seed demo --if-empty
	$(BIN)/gunicorn --no-control-socket --workers $(WORKERS) --bind 127.0.0.1:$(PORT) \
		--access-logfile - wsgi:app

test: $(STAMP)
	scripts/test-all

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every page for every role against 10,000 synthetic clients, on SQLite; `make bench
# DB=postgresql` (or DB=sqlite,postgresql) on a throwaway PostgreSQL; BENCH_CLIENTS=1000,10000
# for several sizes. Tables in reports/; docs/benchmark.md says how to read them.
DB ?= sqlite
bench: $(STAMP)
	DB=$(DB) $(BIN)/python scripts/bench

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Forget the demo database; the next `make run` migrates and loads the demo clinic again.
reset-demo:
	rm -f instance/clinic.db instance/clinic.db-wal instance/clinic.db-shm

clean:
	rm -rf $(VENV) instance/clinic.db instance/clinic.db-wal instance/clinic.db-shm test-results reports
