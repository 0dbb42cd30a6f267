# spa_pkg: `make run` sets up everything and starts the server; `make test` runs the suite.
#   make run                      http://127.0.0.1:8000 (installs requirements.txt only)
#   make run HOST=0.0.0.0 PORT=8080   another address or port (HOST and PORT may also be exported;
#                                 another machine's browser needs ALLOWED_HOSTS=<this machine's address>)
#   make test / lint / bench ...  add the test tools (requirements-dev.txt)
# The worker's output goes to var/log/worker.log.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the suite is mostly database round trips, and these machines have two cores.
PYTEST_ARGS ?= -n 2
# More pytest options for every test target, e.g. PYTEST_EXTRA=--junitxml=report.xml (.ci/run does).
PYTEST_EXTRA ?=
# With DEBUG off the settings refuse to start without SECRET_KEY. `make run` is for development
# (DEBUG=true, a development key); lint only needs some key to load the settings.
LINT_ENV := SECRET_KEY=$${SECRET_KEY:-make-lint-only-not-a-secret-key}

# The worker beside the server: no request talks to a gateway, a bill queues its notices and
# `db_worker` sends them (Django's task framework, its queue a table in the database; with
# CELERY_BROKER_URL the Celery worker of `make worker` sends instead and this one finds nothing
# to do). Started in the background and stopped when the server stops, Ctrl-C included.
# Its output (the console e-mails and SMS) goes to $(RUN_LOG), not into the terminal.
RUN_LOG := var/log/worker.log
RUN_WITH_WORKER = $(BIN)/python manage.py db_worker --no-reload >>$(RUN_LOG) 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

.PHONY: run worker test test-postgres test-browser screenshots test-ops lint bench schemathesis clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Two stamps, each re-installed when its file changes: what runs the app (`make run`, `make worker`),
# then the test tools on top (`make test` and the other test, lint and bench targets).
$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# A development .env (DEBUG=true, a generated SECRET_KEY) unless one exists, so the README's
# management commands work as written (spa_pkg/devenv.py); seed_demo prints the logins.
run: export DEBUG ?= true
run: $(VENV)/.installed-run
	@$(BIN)/python -m spa_pkg.devenv
	@mkdir -p $(dir $(RUN_LOG))
	@echo "  Preparing the database and the demo shop..."
	@$(BIN)/python manage.py migrate --noinput --verbosity 0 --skip-checks
	@$(BIN)/python manage.py collectstatic --noinput --verbosity 0 --skip-checks
	@$(BIN)/python manage.py seed_demo 2>>$(RUN_LOG)
	@echo ""
	@echo "  spa_pkg is starting at http://$(HOST):$(PORT)/   (another address: make run HOST=0.0.0.0 PORT=8080)"
	@echo "  Billing counter: http://$(HOST):$(PORT)/integrated-billing   Admin: http://$(HOST):$(PORT)/admin/"
	@echo "  The worker (manage.py db_worker) sends reminders and notices; its output: $(RUN_LOG). Ctrl-C stops both."
	@echo ""
	@$(RUN_WITH_WORKER) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# A Celery worker with beat: the daily expire_packages and send_reminders at REMINDER_HOUR, and
# the sends. Needs CELERY_BROKER_URL (Redis); without it `make run` starts its own worker
# (db_worker) and cron runs the daily commands.
worker: $(VENV)/.installed-run
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/1"; exit 2; }
	$(BIN)/celery -A spa_pkg worker -B --loglevel INFO --concurrency 2 --schedule $${CELERY_BEAT_SCHEDULE_FILE:-celerybeat-schedule}

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(PYTEST_EXTRA)

test-postgres: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/spa_pkg} $(BIN)/python -m pytest $(PYTEST_ARGS) $(PYTEST_EXTRA)

test-browser: $(VENV)/.installed-dev
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser $(PYTEST_EXTRA)

# The browser tests, redrawing the README's pictures in docs/screenshots/ as they go.
screenshots: $(VENV)/.installed-dev
	SCREENSHOTS=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser $(PYTEST_EXTRA)

# Real gunicorn servers on one PostgreSQL and one Redis (tests/ops): two servers billing one
# package, the token throttle across them, a kill -9 in the middle of a billing load, and the
# reports read from a streaming replica (a PostgreSQL pair of its own, made with initdb and pg_basebackup).
# Each test makes and drops its own database, <DATABASE_URL's name>_ops.
test-ops: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/spa_pkg} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/2} \
	$(BIN)/python -m pytest -m ops -p no:xdist -rA tests/ops $(PYTEST_EXTRA)

# xenon (radon's complexity ranks): no function worse than C, no module worse than B, the
# average A, so a long, branchy service is split into named steps before it is merged.
XENON_LIMITS := --max-absolute C --max-modules B --max-average A
XENON_EXCLUDE := .venv/*,tests/*,*/migrations/*,bench/*,staticfiles/*
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/xenon $(XENON_LIMITS) --exclude '$(XENON_EXCLUDE)' .
	$(LINT_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(LINT_ENV) $(BIN)/python manage.py check

# SQLite, then PostgreSQL when one answers on 127.0.0.1:5432 (BENCH_POSTGRES_URL to point elsewhere),
# then the chain run there: 4 workers at one branch, then at 4 branches at once; then the value
# journal's reports on 500,000 assignments and 5,000,000 journal rows (BENCH_JOURNAL_ARGS). Each database
# also times bringing in 10,000 packages customers hold (bench/importing.py).
BENCH_JOURNAL_ARGS ?= --large
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.importing
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
	  $(BIN)/python -m bench.run --postgres $(BENCH_ARGS) && \
	  $(BIN)/python -m bench.importing --postgres && \
	  $(BIN)/python -m bench.run --postgres --branches 4 $(BENCH_ARGS) && \
	  $(BIN)/python -m bench.run --postgres --journal $(BENCH_JOURNAL_ARGS); \
	else echo "No PostgreSQL on 127.0.0.1:5432: the PostgreSQL benchmark was skipped."; fi

schemathesis: $(VENV)/.installed-dev
	bash tests/schemathesis_run.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 test_db.sqlite3
