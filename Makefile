# 红寺堡教育帮扶门户 — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
# Every package, with its version and hashes: what `make install` (so `make run` and CI)
# installs. `make lock` writes it from pyproject.toml's bounds.
LOCK := requirements.lock
UV := $(BIN)/uv
UV_VERSION := 0.13.9
LOCK_FLAGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the PostgreSQL run of the database-specific tests goes; pytest-django creates and
# drops test_<name> there. Trust auth on the local server needs no password.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hongsibu_portal
export TEST_DATABASE_URL
# Python keeps the bytecode of the portal's own modules and pytest that of the rewritten test
# modules (in __pycache__, ignored by git). Where PYTHONDONTWRITEBYTECODE is set (this kind of
# machine sets it) every process of `make test` (six pytest processes, and the servers, shells
# and workers the tests start) compiled them again: about 3.5 s of CPU for each pytest process.
unexport PYTHONDONTWRITEBYTECODE

# The venv and uv in it. The venv is made without pip (ensurepip installing pip was 2.6 s of
# a fresh clone's set-up, for a pip that only installs uv): the machine's pip installs uv into
# it, or, where there is none, the venv's own pip after all.
define MAKE_VENV
test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
test -x $(UV) || $(PYTHON) -m pip --python $(PY) install --quiet uv==$(UV_VERSION) \
	|| { $(PY) -m ensurepip --default-pip && $(BIN)/pip install --quiet uv==$(UV_VERSION); }
endef

.DEFAULT_GOAL := help
.PHONY: help install lock run serve migrate demo test lint format check pytest pytest-postgres publish-scheduled clean
.PHONY: browser-deps media-tools test-browser check-deploy deploy-tools deploy-smoke

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# uv installs the locked set in seconds (pip took minutes) and removes what the lock lacks;
# the portal itself goes in editable, without dependencies of its own choosing. Bytecode is
# compiled once here: where PYTHONDONTWRITEBYTECODE is set (this kind of machine sets it),
# every Python process would otherwise compile Django and Wagtail again (seconds each, and
# the tests start many: servers, shells, workers).
$(STAMP): $(LOCK) pyproject.toml
	$(MAKE_VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(PY) --require-hashes $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the portal with its development tools, as locked

# Keeps the versions already locked and resolves only what is new or no longer fits;
# `make lock LOCK_FLAGS=--upgrade` moves everything to the newest within the bounds.
lock: ## Write requirements.lock from pyproject.toml (after changing a dependency)
	$(MAKE_VENV)
	$(UV) pip compile --quiet pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" $(LOCK_FLAGS) -o $(LOCK)

migrate: $(STAMP) ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate media-tools ## Load the demo content and accounts (safe to run again)
	$(PY) manage.py load_initial_data --demo-accounts

# The job worker (manage.py db_worker: document text, search index, renditions, previews) runs
# beside the web server, in a session of its own so that its autoreloader's child goes with it:
# when the server stops (Ctrl-C), the worker is stopped too, after the job it is running.
run: demo ## Set everything up and serve the demo portal on http://127.0.0.1:8000, with the job worker
	@setsid $(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill -TERM -$$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: $(STAMP) ## Serve without migrating or loading anything
	$(PY) manage.py runserver $(HOST):$(PORT)

# The SQLite and PostgreSQL runs go side by side, one per core (their output is kept apart):
# one after the other they took 16 minutes here. deploy-smoke goes beside them from the
# start in a third slot: most of its 75 s is waiting on servers and load windows, which the
# runs' CPU fills; queued behind the shorter run, with the checks, it was the last minute and a
# half of `make test`. The checks follow it in that slot. Any failure still fails `make test`.
# The PostgreSQL run, the shorter, runs at a lower priority (pytest-postgres), so that the
# SQLite run, the critical path, is not slowed by it and both end at about the same time.
test: $(STAMP) ## Run everything CI runs: lint, checks, tests on SQLite and PostgreSQL
	$(MAKE) --no-print-directory --output-sync=target -j3 deploy-smoke pytest pytest-postgres lint check check-deploy

lint: $(STAMP) ## ruff: lint and formatting; import-linter: the apps' layers, no import cycles
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP) ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# One process: makemigrations runs every system check first, as `manage.py check` would (the
# same checks, warnings shown, errors fail it), and booting Django and Wagtail twice cost 4 s
# of CPU for nothing.
check: $(STAMP) ## Django system checks; fail on model changes without a migration
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run

# nginx comes from deploy-tools: installing it here too, beside deploy-smoke's install, ran two
# apt-gets at once on a fresh machine and one failed on dpkg's lock.
check-deploy: $(STAMP) deploy-tools ## Check deploy/: nginx -t, gunicorn, systemd units, compose, check --deploy
	PY=$(PY) bash deploy/check.sh

# nginx and wrk (Debian's packages) for deploy-smoke; installed when missing (root or sudo).
deploy-tools: ## Make sure nginx and wrk are installed for make deploy-smoke
	@sh scripts/install-deploy-tools.sh

# The production layout of deploy/ on loopback: nginx, two gunicorn app servers, PostgreSQL
# (a database of its own, dropped after), Redis (SMOKE_REDIS_URL, database 10), an S3 store
# (moto's server mode) and the job worker; prints each check through nginx with PASS/FAIL.
deploy-smoke: $(STAMP) deploy-tools ## Start the production layout on loopback and check it through nginx
	$(PY) deploy/smoke.py

# Each run in two workers (pytest-xdist), each taking whole test classes and modules: the
# runs differ in length, and whichever ends first leaves its core to the other's workers
# instead of idling (one process a run: 7 min 36 s for the longer, the other core idle).
PYTEST_WORKERS ?= 2
# The long scopes first (tests/scheduling.py), rather than xdist's order by number of tests,
# which left the longest (single-test) scopes to the end of the run.
PYTEST_DIST ?= --dist loadscope --no-loadscope-reorder
pytest: $(STAMP) browser-deps media-tools ## The whole test suite on SQLite
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST)

# The browser tests drive Debian's Chromium (never a browser Playwright downloads); the CJK font
# makes Chinese legible in their failure screenshots. Installs both when missing (root or sudo).
browser-deps: ## Make sure Chromium and the WenQuanYi font are installed for the browser tests
	@sh tests/browser/install-deps.sh

# ffmpeg, LibreOffice and poppler-utils (Debian's packages) process uploaded videos and
# documents in the sandbox; without them the portal runs, without renditions or previews.
media-tools: ## Make sure ffmpeg, LibreOffice (no GUI) and poppler-utils are installed
	@sh scripts/install-media-tools.sh

test-browser: $(STAMP) browser-deps media-tools ## Only the browser journeys and accessibility checks
	env -u DATABASE_URL $(BIN)/pytest tests/browser

# Every test marked both_databases runs again on PostgreSQL. Locally an unreachable server
# is reported and skipped; with REQUIRE_POSTGRES=1 (as .ci/run sets) it is a failure.
pytest-postgres: $(STAMP) media-tools ## The database-specific tests again on PostgreSQL
	@if $(PY) -c "import os, psycopg; psycopg.connect(os.environ['TEST_DATABASE_URL'], dbname='postgres', connect_timeout=5).close()" 2>/dev/null; then \
		echo "== PostgreSQL at $(TEST_DATABASE_URL): running the database-specific tests"; \
		DATABASE_URL=$(TEST_DATABASE_URL) nice -n 4 $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST) -m both_databases; rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "== no test is marked both_databases"; fi; \
		exit $$rc; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "== PostgreSQL is required but does not answer at $(TEST_DATABASE_URL)"; exit 1; \
	else \
		echo "== PostgreSQL does not answer at $(TEST_DATABASE_URL): PostgreSQL run skipped"; \
	fi

publish-scheduled: $(STAMP) ## Publish and unpublish pages whose scheduled time has come (cron: every 5 min)
	$(PY) manage.py publish_scheduled

clean: ## Remove the virtualenv, database, media and caches
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache test-artifacts
