# MTW Portal. `make demo` serves the demo; `make test` runs the whole suite (`make test FAST=1`: all
# but the slow tests that run subprocesses).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in the demo's emails (invitations, retention checks) point to the port served.
MTW_BASE_URL ?= http://127.0.0.1:$(PORT)
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: demo test lint format migrations-check messages bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# The periodic jobs (retention reminders, ...) run beside the server in `manage.py run_periodic`
# (no Celery beat in the demo); it stops with the server.
demo: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py createcachetable
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	@echo "MTW Portal: http://127.0.0.1:$(PORT)  (log in as staff@demo.test / $${DEMO_PASSWORD:-mtw-demo-pass}; Ctrl-C stops)"
	DJANGO_DEBUG=1 MTW_BASE_URL=$(MTW_BASE_URL) $(PY) manage.py run_periodic & periodic=$$!; \
	  trap 'kill $$periodic 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=1 MTW_BASE_URL=$(MTW_BASE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs with DEBUG off, as production does, but over plain http (DJANGO_HTTPS=0;
# tests/conftest.py turns the https redirect off as well); the key below is for tests only.
# Without a path in PYTEST_ARGS the tests are spread over the cores (pytest-xdist, -n auto); with
# one (`make test PYTEST_ARGS=tests/participants`) they run in one process, which starts faster.
# JOBS=N (0: one process) overrides. FAST=1 leaves out the slow tests marked `subprocess`, whatever
# -m PYTEST_ARGS gives (tests/conftest.py deselects them). Each xdist worker takes the tests in the
# suite's order (--no-loadscope-reorder: pytest-django runs the tests that empty the tables last);
# the tests of one xdist_group (the Celery worker's) run in one xdist worker.
TEST_PATHS := $(wildcard $(foreach arg,$(PYTEST_ARGS),$(firstword $(subst ::, ,$(arg)))))
JOBS ?= $(if $(TEST_PATHS),0,auto)
test: $(VENV)/.installed
	DJANGO_HTTPS=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production-use} \
	  $(if $(filter 1,$(FAST)),MTW_SKIP_SUBPROCESS_TESTS=1) \
	  $(PY) -m pytest -n $(JOBS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es -l ht --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*'

# The bench (README, "Benchmarks"): at each of SIZES participants, the key pages against the
# logged-in floor, the roll-up against the hand-written SQL, a 10,000-row import and the mixed
# load against gunicorn; the roll-up alone at ROLLUP_SIZES. PostgreSQL only (DATABASE_URL, one
# database per size beside it, kept); writes bench/RESULTS.md. QUICK=1: a smoke run. Not in `make test`.
SIZES ?= 1000 100000
ROLLUP_SIZES ?= 1000000
bench: $(VENV)/.installed
	$(PY) bench/run.py --sizes "$(SIZES)" --rollup-sizes "$(ROLLUP_SIZES)" $(if $(filter 1,$(QUICK)),--quick)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
