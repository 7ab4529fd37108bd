# Shared by scripts/run-tests and scripts/demo (sourced, not run).
# Sets ROOT, PYTHON, ODOO_PYTHON and the PostgreSQL environment, and defines
# the checks both scripts need.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=recouvrement_fidelite
# The venv `make venv` builds from ODOO_PYTHON (with its site packages when it
# imports Odoo 18), holding requirements-test.txt.
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
ODOO_PYTHON=${ODOO_PYTHON:-python3}
# libpq reads these; Odoo and psycopg2 connect with them.
export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-$(id -un)}

if [ ! -x "$PYTHON" ]; then
    echo "$PYTHON does not exist: run 'make venv' first." >&2
    exit 1
fi

# Succeeds when $PYTHON imports Odoo 18.
odoo_importable() {
    "$PYTHON" -c 'import odoo.release as r; assert r.version_info[0] == 18' \
        >/dev/null 2>&1
}

# Succeeds when PostgreSQL accepts a connection as $PGUSER.
postgres_answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -t 5 || return 1
    fi
    "$PYTHON" -c 'import psycopg2
psycopg2.connect(dbname="postgres", connect_timeout=5).close()'
}

# Odoo's own addons folders, then the folder holding this addon.
odoo_addons_path() {
    printf '%s,%s\n' \
        "$("$PYTHON" -c 'import odoo.addons; print(",".join(odoo.addons.__path__))')" \
        "$ROOT"
}

# Drops a database if it exists, closing its connections first.
drop_database() {
    "$PYTHON" - "$1" <<'PY'
import sys

import psycopg2
from psycopg2 import sql

conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (sys.argv[1],),
    )
    cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(sys.argv[1])))
conn.close()
PY
}

# Prints the state of $MODULE in a database: installed, absent, no database...
module_state() {
    "$PYTHON" - "$1" "$MODULE" <<'PY'
import sys

import psycopg2

try:
    conn = psycopg2.connect(dbname=sys.argv[1])
except psycopg2.Error:
    print("no database")
    raise SystemExit from None
try:
    with conn.cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (sys.argv[2],))
        row = cr.fetchone()
    print(row[0] if row else "absent")
except psycopg2.Error:
    print("not initialised")
finally:
    conn.close()
PY
}
