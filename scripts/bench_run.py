#!/usr/bin/env python3
"""Benchmark of the collection run on 20,000 customers and 100,000 invoices.

Usage: ``make bench-run`` (options through ``BENCH_ARGS``, e.g.
``make bench-run BENCH_ARGS="--reset"``), or directly::

    .venv/bin/python scripts/bench_run.py [--reset] [--skip-real]
        [--real-customers N] [--profile N] [--wait-load 1.0] ...

What it does
------------
1. Database. Uses the database ``recouvrement_bench`` (``--db``). When it
   does not exist, or the addon is not installed in it, the addon is
   installed without demo data by ``python -m odoo -i ... --stop-after-init``
   (log in ``var/bench/install.log``). ``--reset`` drops it first.
   When the addon's code has fields the database lacks, the addon is
   upgraded (``-u``) first; ``--update`` forces that upgrade.
2. Data. 20,000 customers (``--customers``) and 100,000 open invoices
   (``--invoices``), generated once and reused by the next runs. Customers
   are created by the ORM in batches (their stored computed fields, such as
   the E.164 phone numbers, are computed as in real life): companies and
   consumers, French and foreign, with the default typologies, some without
   email, some with an invalid phone number or an incomplete address, some
   with a collection contact, a few with reminders paused. Invoices are too
   many for the ORM: three template invoices are created and posted by the
   ORM (30-day payment term, with and without tax), then cloned by SQL into
   ``account_move``, ``account_move_line`` and the lines' many2many tables,
   every column copied from the template except those that make each
   invoice itself (number, customer, dates, amounts scaled by a factor, so
   that each entry stays balanced, dispute and reminder history). Due dates
   run from 10 days ahead (not yet due, outside the courtesy window) to 120
   days overdue, so that every reminder level, the courtesy reminder and
   the formal-notice step are reached; some invoices are disputed, some
   were already reminded (level and date of the last reminder), some are
   new. Everything follows a seeded random generator (``--seed``): the
   same options always give the same data. The clones are numbered
   ``BENCH/<year>/000001...`` in a journal of their own (code ``BENCH``),
   and the customers have the reference ``BENCH-00001...``.

   The data remember the day they describe (a system parameter). When the
   benchmark runs on a later day, or after a real run changed the invoices
   (levels, last reminders) and created actions, messages, mails, SMS and
   activities, the next run first removes what the real runs created and
   rewrites the dates and reminder history of every invoice from the
   seeded plan, so every run measures the same situation.
3. Dry run. Walks the customers who have candidate invoices, in batches of
   200 customers (``--batch-size``), the way ``collection.run._process``
   does (same candidate search, same order, the cache emptied after each
   batch as the run's commit does), and for each batch builds the facts,
   evaluates the active rule sets and plans the actions, without creating
   anything. Prints seconds, invoices per second, queries per batch, the
   time spent in SQL and its slowest queries, and the peak resident memory
   (Linux VmHWM, reset when the dry run starts) after 10 %, 50 % and 100 %
   of the invoices: it stays flat, whatever the number of invoices.
4. Real run. Creates a ``collection.run`` and calls ``_process()``: actions
   are recorded and dispatched, each batch committed. Mails are only
   queued (``mail_notify_force_send=False``; no mail server is called:
   ``ir.mail_server.send_email`` is replaced by a function that counts the
   attempts, and the mail queue cron does not run in this process), SMS
   stay in their queue (``sms.sms._send`` counts and does nothing). By
   default only the last 2,000 customers (``--real-customers``, 0 for all)
   are processed, through the run's own cursor: sending reminders renders
   a mail template per customer and is much slower than deciding.
   ``--skip-real`` skips it. Prints seconds, invoices per second, queries
   per batch and per invoice (in the batches, and in the whole run), the
   slowest queries, memory, the actions by state, and what was queued
   (mails, SMS), logged (messages) and planned (activities).
   Then, for each number N of ``--workers`` (default ``1,2``; ``0`` skips
   it), the data are laid again and the same real run is made by N Odoo
   processes at once on one ``collection.run``, as cron workers on several
   servers would (each process: ``bench_run.py --worker-run RUN_ID``, its
   log in ``var/bench/worker-<n>.log``; the clock starts once every process
   has loaded its registry). Prints, per N, invoices per second, queries per
   invoice (every query of every process), the batches (and those taken
   again) and the duplicate actions, which must be 0: live actions of the
   run sharing a ``dedup_key``, or the same invoice, kind, channel, level
   and date.
5. ``--profile N`` profiles N batches of the dry run with cProfile (after
   the timed runs, so that it does not distort them) and prints where the
   time goes; ``--profile-real`` runs the real run under cProfile.
   ``--trace-memory`` repeats the dry run under tracemalloc and prints the
   Python allocation peak per batch.

The machine should be idle: ``--wait-load 1.0`` waits (up to 10 minutes)
until the 1-minute load average falls below 1.0 before measuring.
PostgreSQL is reached as libpq does: ``PGHOST``, ``PGPORT``, ``PGUSER``,
``PGPASSWORD`` (default ``127.0.0.1:5432`` and your login name).

Layout
------
This file is the entry point (options, then the steps above in order). The
work is in modules beside it, each readable on its own (``scripts/`` is on
``sys.path`` when this file runs as a script):

- ``bench_common.py``: printing, memory, PostgreSQL and Odoo set-up (install
  or update the addon, registry, environments), the data's marker;
- ``bench_plan.py``: the seeded plan of the customers and invoices (pure
  Python, no database);
- ``bench_data.py``: step 2, generating, reusing or restoring the data;
- ``bench_measure.py``: steps 3 to 5, the measurements and their figures.
"""

import argparse
import os
import subprocess
import sys

import psycopg2
from bench_common import (
    ROOT,
    addons_path,
    bench_marker,
    environment,
    heading,
    load_registry,
    log,
    missing_columns,
    pg_connect,
    pg_settings,
    prepare_database,
    run_odoo_cli,
)
from bench_data import ensure_data, refresh
from bench_measure import (
    dry_run,
    print_dry_run,
    print_environment,
    profile,
    real_run,
    situation,
    trace_memory,
    wait_for_idle,
    worker_process,
    worker_runs,
)
from bench_plan import Plan


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring (scripts/bench_run.py) for details.",
    )
    parser.add_argument("--db", default="recouvrement_bench")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reset",
        action="store_true",
        help="drop the database and generate everything again",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="upgrade the addon in the database first (-u)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=200,
        help="customers per batch, as collection.run._process",
    )
    parser.add_argument("--skip-real", action="store_true", help="dry run only")
    parser.add_argument(
        "--real-customers",
        type=int,
        default=2_000,
        help="customers of the real run (0: all of them)",
    )
    parser.add_argument(
        "--workers",
        default="1,2",
        help="after the real run, run it again by this many worker processes "
        "on one run, for each number of this list (default 1,2; 0: not)",
    )
    parser.add_argument("--worker-run", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile N dry-run batches with cProfile",
    )
    parser.add_argument(
        "--profile-real",
        action="store_true",
        help="run the real run under cProfile and print where time goes",
    )
    parser.add_argument(
        "--profile-dump",
        metavar="FILE",
        help="with --profile-real, also write the profile to FILE (pstats)",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="repeat the dry run under tracemalloc",
    )
    parser.add_argument(
        "--wait-load",
        type=float,
        default=0.0,
        metavar="LOAD",
        help="wait until the load average is below LOAD",
    )
    parser.add_argument("--var-dir", default=os.path.join(ROOT, "var", "bench"))
    parser.add_argument(
        "--data-dir", default=None, help="Odoo data dir (default: <var-dir>/data)"
    )
    args = parser.parse_args()
    if args.invoices < args.customers:
        parser.error("--invoices must be at least --customers (each has one)")
    args.data_dir = args.data_dir or os.path.join(args.var_dir, "data")
    try:
        args.workers = [int(n) for n in args.workers.split(",") if int(n) > 0]
    except ValueError:
        parser.error("--workers takes numbers separated by commas, e.g. 1,2")
    return args


def restore(registry, args):
    """Lay the data again as they were before the real run."""
    with environment(registry) as env:
        marker = bench_marker(env)
    refresh(registry, Plan(args.customers, args.invoices, args.seed), marker)


def restart():
    """Run again in a child process (same options but --reset and --update).

    After an update the registry must be loaded again; after writing the
    data, the measurements start from a heap that did not hold them.
    """
    log("measuring in a new process")
    argv = [arg for arg in sys.argv[1:] if arg not in ("--reset", "--update")]
    sys.stdout.flush()
    command = [sys.executable, os.path.abspath(__file__), *argv]
    return subprocess.run(command, check=False).returncode


def main():
    args = parse_args()
    try:
        import odoo.release

        if odoo.release.version_info[0] != 18:
            raise ImportError(f"Odoo {odoo.release.version} instead of 18")
    except ImportError as error:
        log(
            f"Odoo 18 is not importable by {sys.executable} ({error}): set "
            "ODOO_PYTHON and run 'make venv'."
        )
        return 1
    try:
        pg_connect("postgres").close()
    except psycopg2.Error as error:
        settings = pg_settings()
        log(
            f"PostgreSQL does not answer on {settings['host']}:{settings['port']} as "
            f"{settings['user']}: {str(error).strip()}"
        )
        return 1
    addons_path()
    if args.worker_run:
        return worker_process(load_registry(args), args)
    prepare_database(args)
    registry = load_registry(args)
    missing = missing_columns(registry)
    if missing:
        log(
            f"the addon's code changed since {args.db} was set up (no column "
            f"{', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}): updating it"
        )
        run_odoo_cli(args, "-u", os.path.join(args.var_dir, "install.log"))
        return restart()
    if ensure_data(registry, args):
        return restart()
    with environment(registry) as env:
        heading("open invoices")
        situation(env)
    if args.wait_load:
        heading("waiting for an idle machine")
        wait_for_idle(args.wait_load)
    print_environment(registry)
    print_dry_run(dry_run(registry, args), args)
    if args.trace_memory:
        trace_memory(registry, args)
    if args.profile:
        profile(registry, args)
    if not args.skip_real:
        real_run(registry, args)
        if args.workers:
            worker_runs(registry, args, lambda: restore(registry, args))
        log()
        log("The real run changed the invoices: the next run restores them first.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
