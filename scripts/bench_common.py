"""Shared helpers of the collection-run benchmark (``scripts/bench_run.py``).

- printing: :func:`log`, :func:`heading`, :func:`row`, :func:`megabytes`;
- memory: the peak resident memory (Linux VmHWM), reset between runs;
- PostgreSQL and Odoo: connection settings (libpq's ``PG*`` variables),
  installing or updating the addon in the benchmark database in a separate
  process, loading the registry, superuser environments, and noticing when
  the addon's code has columns the database lacks;
- the marker of the generated data (a system parameter) and their journal,
  read by the generator and written by the real run.
"""

import functools
import getpass
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager

import psycopg2
from psycopg2 import sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "recouvrement_fidelite"
#: The system parameter that describes the generated data.
PARAM = "recouvrement_fidelite.bench_data"
JOURNAL_CODE = "BENCH"


# Printing and memory


def log(message=""):
    print(message, flush=True)


def heading(title):
    log()
    log(f"== {title} ==")


def row(label, value):
    log(f"  {label:<24} {value}")


def megabytes(kilobytes):
    return f"{kilobytes / 1024:,.0f} MB"


def peak_rss_kb():
    """The peak resident memory in kB since the last :func:`reset_peak`.

    Linux's VmHWM; ``ru_maxrss`` elsewhere (the peak since the process
    started, which on Linux even survives fork and exec).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak():
    """Start measuring the peak memory afresh (Linux 4.0 and later)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def current_rss_kb():
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return peak_rss_kb()
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


# Database and Odoo


def pg_settings():
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER") or getpass.getuser(),
        "password": os.environ.get("PGPASSWORD", ""),
    }


def pg_connect(dbname):
    settings = pg_settings()
    return psycopg2.connect(
        dbname=dbname,
        host=settings["host"],
        port=settings["port"],
        user=settings["user"],
        password=settings["password"] or None,
        connect_timeout=10,
    )


def module_state(db):
    """``installed``, ``no database``, ``absent``... of the addon in ``db``."""
    conn = pg_connect("postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
            if not cr.fetchone():
                return "no database"
    finally:
        conn.close()
    conn = pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
            found = cr.fetchone()
            return found[0] if found else "absent"
    except psycopg2.Error:
        return "not initialised"
    finally:
        conn.close()


def drop_database(db):
    conn = pg_connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [db],
            )
            cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(db)))
    finally:
        conn.close()


@functools.cache
def addons_path():
    """Odoo's addons folders, then this repository (before Odoo adds others)."""
    import odoo.addons

    return ",".join([*odoo.addons.__path__, ROOT])


def odoo_options(args):
    settings = pg_settings()
    options = [
        f"--addons-path={addons_path()}",
        f"--data-dir={args.data_dir}",
        f"--db_host={settings['host']}",
        f"--db_port={settings['port']}",
        f"--db_user={settings['user']}",
        "--no-http",
        "--max-cron-threads=0",
    ]
    if settings["password"]:
        options.append(f"--db_password={settings['password']}")
    return options


def run_odoo_cli(args, action, logfile):
    """Install (``-i``) or update (``-u``) the addon in a separate process."""
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        args.db,
        action,
        MODULE,
        "--without-demo=all",
        "--stop-after-init",
        f"--logfile={logfile}",
        *odoo_options(args),
    ]
    started = time.perf_counter()
    result = subprocess.run(command, check=False)
    state = module_state(args.db)
    if result.returncode or state != "installed":
        log(
            f"odoo {action} {MODULE} failed (exit code {result.returncode}, module "
            f"{state}); last lines of {logfile}:"
        )
        with open(logfile, errors="replace") as lines:
            log("".join(lines.readlines()[-30:]))
        raise SystemExit(1)
    return time.perf_counter() - started


def prepare_database(args):
    os.makedirs(args.var_dir, exist_ok=True)
    logfile = os.path.join(args.var_dir, "install.log")
    if args.reset:
        log(f"--reset: dropping the database {args.db}")
        drop_database(args.db)
    state = module_state(args.db)
    if state == "installed":
        if args.update:
            log(
                f"updating {MODULE} in {args.db} "
                f"(log: {os.path.relpath(logfile, ROOT)})"
            )
            seconds = run_odoo_cli(args, "-u", logfile)
            log(f"updated in {seconds:.0f} s")
        return
    if state not in ("no database", "absent", "uninstalled", "not initialised"):
        log(f"{MODULE} is in state {state!r} in {args.db}: run with --reset.")
        raise SystemExit(1)
    log(
        f"installing {MODULE} without demo data in {args.db} "
        f"(log: {os.path.relpath(logfile, ROOT)})"
    )
    seconds = run_odoo_cli(args, "-i", logfile)
    log(f"installed in {seconds:.0f} s")


class TranslationWarnings(logging.Filter):
    """Counts Odoo's "no translation language detected" warnings, by origin.

    They come once per phone-number problem described outside any
    environment and would drown the figures; they are counted and reported.
    """

    def __init__(self):
        super().__init__()
        self.origins = Counter()

    def filter(self, record):
        if not record.getMessage().startswith("no translation language detected"):
            return True
        frame = (
            record.args[0] if isinstance(record.args, tuple) and record.args else None
        )
        code = getattr(frame, "f_code", None)
        origin = (
            f"{os.path.relpath(code.co_filename, ROOT)}:{frame.f_lineno}"
            if code
            else "?"
        )
        self.origins[origin] += 1
        return False


TRANSLATION_WARNINGS = TranslationWarnings()


def load_registry(args):
    import odoo

    odoo.tools.config.parse_config(
        [*odoo_options(args), "--log-level=warn", f"--database={args.db}"],
        setup_logging=True,
    )
    logging.getLogger("odoo.tools.translate").addFilter(TRANSLATION_WARNINGS)
    return odoo.modules.registry.Registry(args.db)


@contextmanager
def environment(registry, context=None):
    """A superuser environment on a new cursor, committed at the end."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context or {})


# The generated data: their marker (read by the generator, set "dirty" by the
# real run) and their journal


def bench_marker(env):
    value = env["ir.config_parameter"].sudo().get_param(PARAM)
    return json.loads(value) if value else None


def set_marker(env, marker):
    env["ir.config_parameter"].sudo().set_param(
        PARAM, json.dumps(marker, sort_keys=True)
    )


def bench_journal(env):
    return env["account.journal"].search([("code", "=", JOURNAL_CODE)], limit=1)


# The addon's code against the database


def missing_columns(registry):
    """Columns the addon's code expects that the database lacks (code changed)."""
    with environment(registry) as env:
        env.cr.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
        existing = set(env.cr.fetchall())
        missing = []
        for model in env.registry.values():
            if model._abstract or not model._auto or model._table_query:
                continue
            for name, field in model._fields.items():
                if (
                    field.store
                    and field.column_type
                    and (model._table, name) not in existing
                ):
                    missing.append(f"{model._table}.{name}")
        return missing
