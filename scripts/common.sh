# Shared by scripts/run-tests, scripts/demo and `make bench-run` (sourced, not
# run). Sets ROOT, PYTHON, the state of Odoo in the venv and the PostgreSQL
# environment, and defines the checks these scripts need.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=recouvrement_fidelite
# The venv `make venv` builds (scripts/setup_odoo.py): it imports the Odoo 18
# that ODOO_PYTHON imports, or one installed into it from ODOO_SOURCE.
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}

# Whether the user named a PostgreSQL: one that answers is then always used,
# and one that refuses the role is an error (scripts/pg.py).
if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then PG_CONFIGURED=1; else PG_CONFIGURED=0; fi
export PG_CONFIGURED
# libpq reads these; Odoo and psycopg2 connect with them.
export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-$(id -un)}

if [ ! -x "$PYTHON" ]; then
    echo "$PYTHON does not exist: run 'make venv' first." >&2
    exit 1
fi

# ODOO_STATE (found, installed, missing), ODOO_MESSAGE (what was found or
# why not, naming the interpreter and the path), ODOO_ASKED (1 when
# ODOO_PYTHON or ODOO_SOURCE was set when the venv was built).
eval "$("$PYTHON" "$ROOT/scripts/setup_odoo.py" status)"

# Succeeds when $PYTHON imports Odoo 18; otherwise ODOO_MESSAGE says why.
odoo_importable() {
    local error
    if error=$("$PYTHON" -c 'import odoo.release as r
assert r.version_info[0] == 18, "it imports Odoo %s" % r.version' 2>&1); then
        return 0
    fi
    if [ "$ODOO_STATE" = found ] || [ "$ODOO_STATE" = installed ]; then
        # Odoo was there when the venv was built, and is gone: say both.
        ODOO_MESSAGE="$PYTHON does not import Odoo 18 any more ($(printf '%s' "$error" | tail -n 1)),"
        ODOO_MESSAGE+=" though when .venv was built: $ODOO_BUILD_MESSAGE; run make clean, then make again"
    fi
    return 1
}
ODOO_BUILD_MESSAGE=$ODOO_MESSAGE

# Makes PGHOST, PGPORT, PGUSER name a PostgreSQL that answers: the one
# configured, or the project's own (started when needed, held by this shell
# until release_postgres). Sets PG_DESCRIPTION.
PG_HELD=""
ensure_postgres() {
    local exports
    exports=$("$PYTHON" "$ROOT/scripts/pg.py" ensure --holder $$) || return 1
    eval "$exports"
    [ "$PG_SERVER" = project ] && PG_HELD=1
    return 0
}

# This shell is done with the project's own PostgreSQL: it stops when no
# other command holds it and a command (not a person) started it.
release_postgres() {
    if [ -n "$PG_HELD" ]; then
        "$PYTHON" "$ROOT/scripts/pg.py" release --holder $$
        PG_HELD=""
    fi
}

# Odoo's own addons folders, then the folder holding this addon.
odoo_addons_path() {
    printf '%s,%s\n' "$("$PYTHON" - <<'PY'
import os

import odoo
import odoo.addons

paths = [os.path.abspath(path) for path in odoo.addons.__path__]
# In a git checkout of Odoo the main addons (web, account...) sit in addons/
# beside the odoo package, as Odoo's own default addons path says.
main = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))), "addons")
if os.path.isdir(main) and not any(os.path.isdir(os.path.join(p, "web")) for p in paths):
    paths.append(main)
print(",".join(paths))
PY
)" "$ROOT"
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
