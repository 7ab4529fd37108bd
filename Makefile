# recouvrement_fidelite — developer commands. See README.md.
#
#   make demo         serve a demo database on http://localhost:8069 (admin/admin)
#   make test         engine tests, then Odoo tests in a fresh database
#   make test-engine  engine tests only (no Odoo needed)
#   make test-odoo    Odoo tests only
#   make lint         ruff check
#   make bench        engine benchmark
#   make clean        remove the venv, caches and test artefacts
#
# Variables: ODOO_PYTHON (interpreter that imports Odoo 18, default python3),
# PGHOST, PGPORT, PGUSER, PYTEST_ARGS (extra pytest arguments), e.g.
#   make test PYTEST_ARGS="-k dispute -x"

ODOO_PYTHON ?= python3
PYTEST_ARGS ?=
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
ODOO_CHECK := import odoo.release as r; assert r.version_info[0] == 18

# PGHOST, PGPORT, PGUSER reach the scripts from the environment or command line.
export ODOO_PYTHON PYTEST_ARGS

.PHONY: venv test test-engine test-odoo lint bench bench-run demo clean FORCE

venv: $(STAMP)

# Rebuild the venv when the requirements change, or when ODOO_PYTHON is not
# the interpreter it was built from.
ifneq ($(shell cat $(VENV)/.odoo-python 2>/dev/null),$(ODOO_PYTHON))
$(STAMP): FORCE
endif
$(STAMP): requirements.txt requirements-test.txt
	rm -rf $(VENV)
	@if $(ODOO_PYTHON) -c '$(ODOO_CHECK)' >/dev/null 2>&1; then \
		echo "Odoo 18 found in $(ODOO_PYTHON): $(VENV) uses its site packages"; \
		$(ODOO_PYTHON) -m venv --system-site-packages $(VENV); \
	else \
		echo "Odoo 18 is not importable by $(ODOO_PYTHON): plain $(VENV)," \
			"only the engine tests will run (set ODOO_PYTHON)"; \
		python3 -m venv $(VENV); \
	fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	echo '$(ODOO_PYTHON)' > $(VENV)/.odoo-python
	touch $@

FORCE:

test: venv
	scripts/run-tests all

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
			echo "bench-run: Odoo 18 is not importable by $$PYTHON (set ODOO_PYTHON)" >&2; \
			exit 1; \
		fi && \
		if ! postgres_answers 2>/dev/null; then \
			echo "bench-run: PostgreSQL does not answer on $$PGHOST:$$PGPORT as $$PGUSER" >&2; \
			exit 1; \
		fi && \
		exec "$$PYTHON" scripts/bench_run.py $(BENCH_ARGS)'

demo: venv
	scripts/demo

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis .benchmarks
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
