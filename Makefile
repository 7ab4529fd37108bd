# recouvrement_fidelite — developer commands. See README.md.
#
#   make demo         serve a demo database on http://localhost:8069 (admin/admin)
#   make demo-stop    stop the demo server started by make demo
#   make test         setup and engine tests, then Odoo tests in a fresh database
#   make test-setup   set-up tests only (scripts/setup_odoo.py, scripts/pg.py)
#   make test-engine  engine tests only (no Odoo needed)
#   make test-odoo    Odoo tests only
#   make lint         ruff check
#   make bench        engine benchmark
#   make bench-analytics  time the dashboard and every analysis view on
#                     100,000 invoices (database recouvrement_bench_analytics)
#   make clean        remove the venv, caches, var/ (test artefacts, the
#                     project's own PostgreSQL data)
#
# Every command first builds .venv (scripts/setup_odoo.py): from the Python
# that imports Odoo 18 when there is one, else with Odoo 18 installed into it.
# Variables:
#   ODOO_PYTHON  interpreter that imports Odoo 18 (default: python3, then
#                python3.12, python3.11, python3.10); when it does not, Odoo is
#                installed into .venv, built from it
#   ODOO_SOURCE  where that Odoo comes from: a source folder, an archive or a
#                URL (default: the official nightly 18.0 source archive)
#   PGHOST, PGPORT, PGUSER (PGPASSWORD)  PostgreSQL (default 127.0.0.1:5432);
#                when nothing answers there, the project starts its own
#   PYTEST_ARGS  extra pytest arguments, e.g. make test PYTEST_ARGS="-k dispute -x"
#   DEMO_PORT, DEMO_DB, DEMO_RESET=1  see scripts/demo

# Runs scripts/setup_odoo.py, before .venv exists (any python3 from 3.8 on).
SETUP_PYTHON ?= python3
PYTEST_ARGS ?=
VENV := .venv
PYTHON := $(VENV)/bin/python

export ODOO_PYTHON ODOO_SOURCE PYTEST_ARGS

.PHONY: venv test test-setup test-engine test-odoo lint bench bench-run bench-analytics demo demo-stop clean

# Quick when .venv is up to date: it is rebuilt when ODOO_PYTHON, ODOO_SOURCE
# or a requirements file changes (never under a running demo server).
venv:
	@$(SETUP_PYTHON) scripts/setup_odoo.py venv

test: venv
	scripts/run-tests all

test-setup: venv
	scripts/run-tests setup

test-engine: venv
	scripts/run-tests engine

test-odoo: venv
	scripts/run-tests odoo

lint: venv
	$(PYTHON) -m ruff check .

bench: venv
	$(PYTHON) scripts/bench_engine.py

# Collection run on 20,000 customers and 100,000 invoices (database
# recouvrement_bench, created once); options: make bench-run BENCH_ARGS="--reset".
bench-run: venv
	@bash -c 'source scripts/common.sh && \
		if ! odoo_importable; then \
			echo "bench-run: $$ODOO_MESSAGE" >&2; \
			exit 1; \
		fi && \
		ensure_postgres && \
		trap release_postgres EXIT && \
		"$$PYTHON" scripts/bench_run.py $(BENCH_ARGS)'

bench-analytics: venv
	@bash -c 'source scripts/common.sh && \
		if ! odoo_importable; then \
			echo "bench-analytics: $$ODOO_MESSAGE" >&2; \
			exit 1; \
		fi && \
		ensure_postgres && \
		trap release_postgres EXIT && \
		"$$PYTHON" scripts/bench_analytics.py $(BENCH_ARGS)'

demo: venv
	scripts/demo

demo-stop:
	@if [ -f var/demo.pid ] && kill $$(cat var/demo.pid) 2>/dev/null; then \
		echo "Demo server (pid $$(cat var/demo.pid)) asked to stop."; \
	else \
		echo "No demo server runs (no live pid in var/demo.pid)."; \
	fi

clean:
	@$(SETUP_PYTHON) scripts/setup_odoo.py guard removed
	@if [ -x $(PYTHON) ]; then $(PYTHON) scripts/pg.py stop >/dev/null 2>&1 || true; fi
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis .benchmarks
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
