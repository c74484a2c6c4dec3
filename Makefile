# ReviewSec — two commands: `make run` serves the app, `make test` runs the checks.
# Both build .venv/ first (python3 -m venv + editable install with the dev extras).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install warm run test lint format worker beat bench clean lock audit

# The locked versions (requirements/dev.lock, from `make lock`), then the project itself without
# resolving anything again: every checkout installs exactly what CI tested.
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Compile the detector's numba kernels into their disk cache once (detector/warm.py), so the first
# `python -m detector` of a fresh checkout does not compile them in the parent and again in every
# --jobs worker. ~50-60 s of CPU on two cores, hence not part of `make install`.
warm: install
	$(BIN)/python -m detector.warm

# The embedded default: SQLite in var/, Celery tasks in-process, the demo marketplace on.
run: export DEMO_MARKET ?= 1
run: export DEMO_MARKET_BASE_URL ?= http://$(HOST):$(PORT)/demo-market
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_dev_superuser
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# ruff, the import contracts of DESIGN §1 ([tool.importlinter] in pyproject.toml), mypy --strict.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy --strict detector marketplaces

# Re-pin every dependency after editing pyproject.toml: dev.lock (make install, CI) and
# base.lock (the Docker image), for Python 3.11, by uv (installed with the dev extra).
lock:
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.lock --python-version 3.11 -q
	$(BIN)/uv pip compile pyproject.toml -o requirements/base.lock --python-version 3.11 -q

# pip-audit over the lock where an advisory source answers; a clear skip message where none does.
audit: install
	BIN=$(BIN) .ci/audit requirements/dev.lock

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	@if command -v node >/dev/null; then node --test extension/test/; \
	 else echo "node not found: extension logic tests skipped (CI installs nodejs)"; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A real Celery worker; needs REDIS_URL (and usually DATABASE_URL) in the environment.
worker: install
	$(BIN)/celery -A reviewsec worker --loglevel=info

beat: install
	$(BIN)/celery -A reviewsec beat --loglevel=info

bench: install
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles
