# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links printed in certificates (QR code) and e-mails point at the served address.
RUN_ENV = LMS_PUBLIC_URL="$${LMS_PUBLIC_URL:-http://$(HOST):$(PORT)}" WAGTAILADMIN_BASE_URL="$${WAGTAILADMIN_BASE_URL:-http://$(HOST):$(PORT)}"
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run test install lint migrations-check test-sqlite test-postgres test-browser seed messages clean

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py certificates_keygen --if-missing
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Serving http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

seed: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py certificates_keygen --if-missing
	$(RUN_ENV) $(PY) manage.py seed_demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: install
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py check --fail-level WARNING

# Unit and integration tests on SQLite (browser tests run separately below).
test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# The same suite on PostgreSQL, when DATABASE_URL is set or a server answers locally.
test-postgres: install
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then \
	  echo "*** PostgreSQL leg SKIPPED: no DATABASE_URL and nothing answers on 127.0.0.1:5432 ***"; \
	else \
	  echo "*** PostgreSQL leg: $$url ***"; \
	  DATABASE_URL="$$url" $(PY) -m pytest -m "not browser" $(PYTEST_ARGS); \
	fi

test-browser: install
	env -u DATABASE_URL $(PY) -m pytest -m browser $(PYTEST_ARGS)

test: lint migrations-check test-sqlite test-postgres test-browser
	@echo "make test: all legs finished"

messages: install
	$(PY) manage.py makemessages -l uk --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l uk --ignore=.venv

clean:
	rm -rf var/test-db*.sqlite3* .pytest_cache

# Benchmarks, not part of `make test`: gunicorn + wrk on 127.0.0.1 against fresh
# SQLite and PostgreSQL databases (see docs/benchmarks.md). ~10 min; pass
# BENCH_ARGS=--quick for ~2 min. Installs wrk (Debian package) when missing.
BENCH_ARGS ?=
.PHONY: bench
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get install -y wrk || { $$SUDO apt-get update && $$SUDO apt-get install -y wrk; }; }
	$(PY) bench/run.py $(BENCH_ARGS)
