"""The measurements of the collection-run benchmark, on data already there.

- :func:`situation`: how the open invoices are spread (due, overdue,
  disputed, already reminded);
- :func:`dry_run` and :func:`print_dry_run`: every candidate invoice decided
  batch by batch as ``collection.run._process`` does, creating nothing;
  seconds, invoices per second, queries per batch, time in SQL and the
  slowest queries, peak resident memory after 10 %, 50 % and 100 %;
- :func:`trace_memory`: the dry run again under tracemalloc (Python
  allocation peak per batch);
- :func:`profile`: some dry-run batches under cProfile;
- :func:`real_run`: a real ``collection.run`` (actions recorded and
  dispatched, mails and SMS only queued, never sent) and what it produced;
- :func:`worker_runs`: the same real run by 1, 2... worker processes at once
  on one run (:func:`worker_process` is one of them): throughput, queries
  per invoice and duplicate actions;
- :func:`wait_for_idle` and :func:`print_environment`: the conditions of
  the measurement.
"""

import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from contextlib import contextmanager
from unittest import mock

from bench_common import (
    TRANSLATION_WARNINGS,
    bench_journal,
    bench_marker,
    current_rss_kb,
    environment,
    heading,
    log,
    megabytes,
    peak_rss_kb,
    pg_settings,
    reset_peak,
    row,
    set_marker,
)

# The real run's targets (issue 9): invoices handled per second, queries
# per invoice.
REAL_RUN_TARGET_SPEED = 400
REAL_RUN_TARGET_QUERIES = 3


def situation(env):
    """How the open invoices are spread, to show what the runs decide on."""
    journal = bench_journal(env)
    env.cr.execute(
        """
        SELECT CASE WHEN invoice_date_due > CURRENT_DATE + 5 THEN '1 not yet due'
                    WHEN invoice_date_due >= CURRENT_DATE THEN '2 courtesy window'
                    WHEN invoice_date_due > CURRENT_DATE - 30 THEN '3 overdue < 30 days'
                    WHEN invoice_date_due > CURRENT_DATE - 60
                         THEN '4 overdue 30-59 days'
                    ELSE '5 overdue >= 60 days' END,
               COUNT(*),
               COUNT(*) FILTER (
                   WHERE collection_dispute_state IN ('open', 'under_review')),
               COUNT(*) FILTER (WHERE collection_level_id IS NOT NULL)
          FROM account_move WHERE journal_id = %s GROUP BY 1 ORDER BY 1
        """,
        [journal.id],
    )
    for bucket, count, disputed, reminded in env.cr.fetchall():
        row(
            bucket[2:],
            f"{count:>7,} invoices ({disputed:,} disputed, "
            f"{reminded:,} already reminded)",
        )


def query_kind(query):
    """A short label for a query: its first words, or the table the ORM reads."""
    text = " ".join(str(getattr(query, "code", query)).split())
    if text.startswith('SELECT "'):
        found = re.search(r' FROM "(\w+)"', text)
        return f"ORM: SELECT ... FROM {found.group(1) if found else '?'}"
    return text[:70]


@contextmanager
def query_log(cr):
    """Time spent per kind of query on this cursor: {kind: [count, seconds]}."""
    kinds = {}
    original = cr.execute

    def execute(query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return original(query, params, log_exceptions)
        finally:
            entry = kinds.setdefault(query_kind(query), [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    cr.execute = execute
    try:
        yield kinds
    finally:
        del cr.execute


@contextmanager
def sql_timer():
    """Counts the time the current thread spends in SQL (Odoo's own hook)."""
    import threading

    thread = threading.current_thread()
    thread.query_count = 0
    thread.query_time = 0.0
    try:
        yield thread
    finally:
        del thread.query_count
        del thread.query_time


def dry_run(registry, args, batch_hook=None, limit_batches=None):
    """Decide for every candidate invoice, batch by batch, creating nothing."""
    from odoo import fields

    with environment(registry) as env:
        Run = env["collection.run"]
        company = env.company
        today = fields.Date.context_today(Run)
        run = Run.new({"company_id": company.id, "run_date": today})
        planner = env["collection.planner"]
        cr = env.cr
        # How many invoices the run will decide, for the 10/50/100 % marks.
        query = env["account.move"]._search(planner._candidate_domain(company, today))
        cr.execute(query.select("COUNT(*)"))
        total = cr.fetchone()[0]
        reset_peak()
        memory_before = current_rss_kb()
        started = time.perf_counter()
        with sql_timer() as thread, query_log(cr) as kinds_sql:
            customer_ids = run._remaining_customer_ids()
            session = planner._session(company, today)
            batches = [
                customer_ids[start : start + args.batch_size]
                for start in range(0, len(customer_ids), args.batch_size)
            ][:limit_batches]
            queries = []
            invoices_done = 0
            kinds = Counter()
            errors = 0
            checkpoints = {}
            marks = [(0.1, "10 %"), (0.5, "50 %"), (1.0, "100 %")]
            for batch_ids in batches:
                before = cr.sql_log_count
                if batch_hook:
                    batch_hook("start")
                invoices = planner._candidates(company, today, batch_ids)
                results, planned = session.plan_batch(invoices)
                queries.append(cr.sql_log_count - before)
                invoices_done += len(invoices)
                errors += sum(1 for result in results if result.error)
                kinds.update(
                    (values["kind"], values.get("channel"), values["state"])
                    for values in planned
                )
                del invoices, results, planned
                # The run commits each batch, which empties the cache.
                env.invalidate_all()
                if batch_hook:
                    batch_hook("end")
                while marks and invoices_done >= marks[0][0] * total:
                    checkpoints[marks.pop(0)[1]] = (peak_rss_kb(), current_rss_kb())
            seconds = time.perf_counter() - started
            sql_seconds = thread.query_time
        for _fraction, label in marks:
            checkpoints[label] = (peak_rss_kb(), current_rss_kb())
        cr.rollback()
    return {
        "seconds": seconds,
        "sql_seconds": sql_seconds,
        "customers": sum(len(b) for b in batches),
        "invoices": invoices_done,
        "candidates": total,
        "queries": queries,
        "kinds": kinds,
        "errors": errors,
        "checkpoints": checkpoints,
        "memory_before": memory_before,
        "sql_kinds": kinds_sql,
    }


def print_dry_run(result, args):
    heading(
        f"dry run: {result['invoices']:,} candidate invoices of "
        f"{result['customers']:,} "
        f"customers, batches of {args.batch_size} customers"
    )
    seconds = result["seconds"]
    queries = result["queries"]
    row("total seconds", f"{seconds:.1f} s")
    row("invoices per second", f"{result['invoices'] / seconds:,.0f}")
    row(
        "queries per batch",
        f"min {min(queries)}, max {max(queries)}, "
        f"mean {sum(queries) / len(queries):.1f} "
        f"({len(queries)} batches)",
    )
    row(
        "time in SQL",
        f"{result['sql_seconds']:.1f} s "
        f"({100 * result['sql_seconds'] / seconds:.0f} %)",
    )
    slowest = sorted(result["sql_kinds"].items(), key=lambda item: -item[1][1])[:5]
    for kind, (count, kind_seconds) in slowest:
        log(f"      {kind_seconds:6.1f} s {count:>6,} × {kind}")
    row("memory before", megabytes(result["memory_before"]))
    for label, (peak, current) in result["checkpoints"].items():
        row(
            f"memory after {label}",
            f"peak {megabytes(peak)}, current {megabytes(current)}",
        )
    target = "MET" if seconds < 60 and result["invoices"] else "MISSED"
    row("target < 60 s", target)
    if result["errors"]:
        row("evaluation errors", f"{result['errors']:,}")
    planned = Counter()
    for (kind, channel, state), count in result["kinds"].items():
        planned[f"{kind}/{channel}/{state}"] += count
    row("actions planned", f"{sum(planned.values()):,}")
    for label, count in sorted(planned.items(), key=lambda item: -item[1]):
        log(f"      {label:<36} {count:>8,}")


def trace_memory(registry, args):
    peaks = []

    def hook(moment):
        if moment == "start":
            tracemalloc.reset_peak()
        else:
            peaks.append(tracemalloc.get_traced_memory()[1])

    tracemalloc.start()
    try:
        result = dry_run(registry, args, batch_hook=hook)
    finally:
        tracemalloc.stop()
    heading("dry run under tracemalloc: Python allocation peak per batch")
    count = len(peaks)
    for fraction, label in [(0.1, "10 %"), (0.5, "50 %"), (1.0, "100 %")]:
        index = max(int(count * fraction) - 1, 0)
        row(
            f"batch at {label}",
            f"{peaks[index] / 2**20:,.1f} MB "
            f"(max so far {max(peaks[: index + 1]) / 2**20:,.1f} MB)",
        )
    row("seconds (traced)", f"{result['seconds']:.1f} s")


def profile(registry, args):
    profiler = cProfile.Profile()

    def hook(moment):
        (profiler.enable if moment == "start" else profiler.disable)()

    result = dry_run(registry, args, batch_hook=hook, limit_batches=args.profile)
    heading(
        f"profile of {args.profile} dry-run batches ({result['invoices']:,} invoices)"
    )
    print_profile(profiler)


def print_profile(profiler, dump=None):
    if dump:
        # For a closer look: python -m pstats FILE (callers, callees).
        profiler.dump_stats(dump)
        log(f"profile written to {dump}")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(25)
        log(f"-- sorted by {order} --")
        log("\n".join(out.getvalue().splitlines()[4:]))


def real_run(registry, args):
    """A real collection run: actions recorded and dispatched, mails queued."""
    from odoo import fields

    attempts = Counter()
    with environment(registry, {"mail_notify_force_send": False}) as env:
        cr = env.cr
        company = env.company
        Run = env["collection.run"]
        run = Run.create(
            {
                "company_id": company.id,
                "trigger": "manual",
                "run_date": fields.Date.context_today(Run),
            }
        )
        remaining = run._remaining_customer_ids()
        if args.real_customers and args.real_customers < len(remaining):
            # The run's own cursor: customers up to it count as processed.
            run.cursor_partner_id = remaining[-args.real_customers - 1]
            scope = f"the last {args.real_customers:,} of {len(remaining):,} customers"
        else:
            scope = f"all {len(remaining):,} customers"
        marker = bench_marker(env)
        set_marker(env, dict(marker, dirty=True))

        def counts():
            queries = {
                "mails queued": (
                    "SELECT COUNT(*) FROM mail_mail WHERE state = 'outgoing'"
                ),
                "SMS queued": "SELECT COUNT(*) FROM sms_sms WHERE state = 'outgoing'",
                "activities": "SELECT COUNT(*) FROM mail_activity",
                "messages": "SELECT COUNT(*) FROM mail_message",
                "attachments": "SELECT COUNT(*) FROM ir_attachment",
            }
            found = {}
            for label, query in queries.items():
                cr.execute(query)
                found[label] = cr.fetchone()[0]
            return found

        before = counts()
        cr.commit()

        def no_mail(*_args, **_kwargs):
            attempts["mail"] += 1
            raise ConnectionRefusedError("the benchmark never sends mail")

        def no_sms(records, *_args, **_kwargs):
            attempts["sms"] += len(records)

        batches = []
        original = type(run)._process_batch

        def measured_batch(self, customer_ids, evaluator):
            start_queries = cr.sql_log_count
            start = time.perf_counter()
            invoices = original(self, customer_ids, evaluator)
            batches.append(
                (
                    cr.sql_log_count - start_queries,
                    time.perf_counter() - start,
                    invoices,
                    current_rss_kb(),
                )
            )
            return invoices

        profiler = cProfile.Profile() if args.profile_real else None
        TRANSLATION_WARNINGS.origins.clear()
        with (
            mock.patch.object(type(env["ir.mail_server"]), "send_email", no_mail),
            mock.patch.object(type(env["sms.sms"]), "_send", no_sms),
            mock.patch.object(type(run), "_process_batch", measured_batch),
            query_log(cr) as kinds_sql,
            sql_timer() as thread,
        ):
            reset_peak()
            memory_before = current_rss_kb()
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            run._process(batch_size=args.batch_size)
            if profiler:
                profiler.disable()
            cr.commit()
            seconds = time.perf_counter() - started
            # Every query of the run, claims (their own cursors) included.
            run_queries = thread.query_count
        after = counts()
        cr.execute(
            "SELECT kind, channel, state, COUNT(*) FROM collection_action"
            " WHERE run_id = %s GROUP BY 1, 2, 3 ORDER BY 4 DESC",
            [run.id],
        )
        actions = cr.fetchall()
        cr.execute(
            "SELECT failure_reason, COUNT(*) FROM collection_action"
            " WHERE run_id = %s AND state = 'failed'"
            " GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
            [run.id],
        )
        failures = cr.fetchall()
        run.invalidate_recordset()
        invoice_count = run.invoice_count
        customers = run.customer_done
    heading(
        f"real run: {scope}, batches of {args.batch_size} customers"
        + (" (under cProfile: slower)" if profiler else "")
    )
    row("customers processed", f"{customers:,}")
    row("invoices decided", f"{invoice_count:,}")
    row("total seconds", f"{seconds:.1f} s")
    row("invoices per second", f"{invoice_count / seconds:,.0f}" if seconds else "-")
    row("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if batches:
        queries = [b[0] for b in batches]
        row(
            "queries per batch",
            f"min {min(queries)}, max {max(queries)}, "
            f"mean {sum(queries) / len(queries):.0f} ({len(queries)} batches)",
        )
        per_invoice = sum(queries) / max(invoice_count, 1)
        row("queries per invoice", f"{per_invoice:.1f} in the batches")
        row(
            "",
            f"{run_queries / max(invoice_count, 1):.1f} in the whole run "
            f"({run_queries:,} queries, claims and commits included)",
        )
        if not profiler and seconds:
            row(
                f"target >= {REAL_RUN_TARGET_SPEED} invoices/s",
                "MET"
                if invoice_count / seconds >= REAL_RUN_TARGET_SPEED
                else "MISSED (one process)",
            )
            row(
                f"target <= {REAL_RUN_TARGET_QUERIES} queries/invoice",
                "MET"
                if run_queries / max(invoice_count, 1) <= REAL_RUN_TARGET_QUERIES
                else "MISSED",
            )
        sql_seconds = sum(entry[1] for entry in kinds_sql.values())
        row("time in SQL", f"{sql_seconds:.1f} s ({100 * sql_seconds / seconds:.0f} %)")
        slowest = sorted(kinds_sql.items(), key=lambda item: -item[1][1])[:5]
        for kind, (count, kind_seconds) in slowest:
            log(f"      {kind_seconds:6.1f} s {count:>6,} × {kind}")
        row("most frequent queries", "")
        frequent = sorted(kinds_sql.items(), key=lambda item: -item[1][0])[:12]
        for kind, (count, kind_seconds) in frequent:
            share = count / max(invoice_count, 1)
            log(
                f"      {count:>6,} × {kind}  "
                f"({share:.2f} per invoice, {kind_seconds:.1f} s)"
            )
        rss = [b[3] for b in batches]
        row(
            "memory (current)",
            "after 10 %: {}, 50 %: {}, 100 %: {}".format(
                *(
                    megabytes(rss[max(int(len(rss) * f) - 1, 0)])
                    for f in (0.1, 0.5, 1.0)
                )
            ),
        )
    row("memory before", megabytes(memory_before))
    row("peak memory", megabytes(peak_rss_kb()))
    states = Counter()
    for _kind, _channel, state, count in actions:
        states[state] += count
    row(
        "actions by state",
        ", ".join(f"{s} {c:,}" for s, c in states.most_common()) or "none",
    )
    for kind, channel, state, count in actions:
        log(f"      {f'{kind}/{channel}/{state}':<36} {count:>8,}")
    for label in before:
        row(label, f"+{after[label] - before[label]:,}")
    row(
        "sending intercepted",
        f"{attempts['mail']} calls to a mail server, {attempts['sms']} SMS "
        "kept in their queue (nothing delivered)",
    )
    for reason, count in failures:
        row("failed because", f"{count:,} × {(reason or '').splitlines()[0][:90]}")
    for origin, count in TRANSLATION_WARNINGS.origins.most_common():
        row(
            "warnings (hidden)",
            f"{count:,} × no translation language detected, at {origin}",
        )
    if profiler:
        print_profile(profiler, args.profile_dump)


def prepare_run(env, args):
    """A new run, its cursor set so that only the last customers remain."""
    from odoo import fields

    Run = env["collection.run"]
    run = Run.create(
        {
            "company_id": env.company.id,
            "trigger": "manual",
            "run_date": fields.Date.context_today(Run),
        }
    )
    remaining = run._remaining_customer_ids()
    if args.real_customers and args.real_customers < len(remaining):
        run.cursor_partner_id = remaining[-args.real_customers - 1]
    set_marker(env, dict(bench_marker(env), dirty=True))
    return run


def duplicates(cr, run_id):
    """Actions of the run done twice: (same dedup key, same invoice/kind/
    channel/level/date), among live actions (neither failed nor cancelled)."""
    live = (
        "FROM collection_action WHERE run_id = %s"
        " AND state NOT IN ('failed', 'cancelled')"
    )
    cr.execute(
        f"SELECT COUNT(*) FROM (SELECT dedup_key {live} AND dedup_key IS NOT NULL"
        " GROUP BY dedup_key HAVING COUNT(*) > 1) twice",
        [run_id],
    )
    keys = cr.fetchone()[0]
    cr.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 {live}"
        " GROUP BY invoice_id, kind, channel, level_id, date"
        " HAVING COUNT(*) > 1) twice",
        [run_id],
    )
    return keys, cr.fetchone()[0]


def worker_process(registry, args):
    """One worker of ``--workers`` (a process of its own, as an Odoo server).

    Loads the registry, says ``ready``, waits for a line on its input, then
    processes the run ``--worker-run`` with the other workers, mails and SMS
    intercepted as in :func:`real_run`; prints its figures as JSON.
    """
    attempts = Counter()

    def no_mail(*_args, **_kwargs):
        attempts["mail"] += 1
        raise ConnectionRefusedError("the benchmark never sends mail")

    def no_sms(records, *_args, **_kwargs):
        attempts["sms"] += len(records)

    with environment(registry, {"mail_notify_force_send": False}) as env:
        run = env["collection.run"].browse(args.worker_run)
        run.company_id.partner_id.lang  # noqa: B018 - loaded before the clock starts
        print("ready", flush=True)
        sys.stdin.readline()
        with (
            mock.patch.object(type(env["ir.mail_server"]), "send_email", no_mail),
            mock.patch.object(type(env["sms.sms"]), "_send", no_sms),
            sql_timer() as thread,
        ):
            started = time.perf_counter()
            run._process(batch_size=args.batch_size)
            env.cr.commit()
            seconds = time.perf_counter() - started
            queries = thread.query_count
    print(
        json.dumps(
            {
                "seconds": seconds,
                "queries": queries,
                "mail": attempts["mail"],
                "peak_kb": peak_rss_kb(),
            }
        ),
        flush=True,
    )
    return 0


def workers_run(registry, args, count):
    """The real run by ``count`` worker processes at once on the same run."""
    with environment(registry) as env:
        run_id = prepare_run(env, args).id
    command = [
        sys.executable,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_run.py"),
        f"--db={args.db}",
        f"--var-dir={args.var_dir}",
        f"--data-dir={args.data_dir}",
        f"--batch-size={args.batch_size}",
        f"--worker-run={run_id}",
    ]
    processes = []
    for number in range(count):
        logfile = open(  # noqa: SIM115 - closed below
            os.path.join(args.var_dir, f"worker-{number + 1}.log"), "w"
        )
        processes.append(
            (
                subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=logfile,
                    text=True,
                ),
                logfile,
            )
        )
    for process, _logfile in processes:
        while True:
            line = process.stdout.readline()
            if not line or line.strip() == "ready":
                break
    load = os.getloadavg()
    started = time.perf_counter()
    for process, _logfile in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    figures = []
    for process, logfile in processes:
        out, _err = process.communicate()
        logfile.close()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if process.returncode or not lines:
            raise SystemExit(f"a worker failed: see {logfile.name}")
        figures.append(json.loads(lines[-1]))
    seconds = time.perf_counter() - started
    with environment(registry) as env:
        run = env["collection.run"].browse(run_id)
        twice = duplicates(env.cr, run_id)
        env.cr.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE claim_count > 1)"
            " FROM collection_run_batch WHERE run_id = %s",
            [run_id],
        )
        batches, reclaimed = env.cr.fetchone()
        env.cr.execute(
            "SELECT COUNT(*) FROM collection_action WHERE run_id = %s", [run_id]
        )
        actions = env.cr.fetchone()[0]
        result = {
            "workers": count,
            "state": run.state,
            "customers": run.customer_done,
            "invoices": run.invoice_count,
            "actions": actions,
            "batches": batches,
            "reclaimed": reclaimed,
            "seconds": seconds,
            "queries": sum(figure["queries"] for figure in figures),
            "duplicates": twice,
            "load": load,
            "peak_kb": max(figure["peak_kb"] for figure in figures),
        }
    return result


def worker_runs(registry, args, restore):
    """The real run by 1, 2... worker processes (``--workers``), each on the
    data laid again; prints throughput and duplicates."""
    results = []
    for count in args.workers:
        restore()
        results.append(workers_run(registry, args, count))
    heading(
        f"real run by worker processes on one run: the last "
        f"{args.real_customers:,} customers, batches of {args.batch_size}"
    )
    for result in results:
        invoices = result["invoices"]
        speed = invoices / result["seconds"]
        row(
            f"{result['workers']} worker{'s' if result['workers'] > 1 else ''}",
            f"{invoices:,} invoices in {result['seconds']:.1f} s: "
            f"{speed:,.0f} invoices per second "
            f"(target {REAL_RUN_TARGET_SPEED}: "
            f"{'met' if speed >= REAL_RUN_TARGET_SPEED else 'missed'}), "
            f"{result['queries'] / max(invoices, 1):.1f} queries per invoice",
        )
        row(
            "",
            f"run {result['state']}, {result['customers']:,} customers, "
            f"{result['actions']:,} actions, {result['batches']} batches "
            f"({result['reclaimed']} taken again), duplicate actions: "
            f"{result['duplicates'][0]} by key, {result['duplicates'][1]} by "
            f"invoice/kind/channel/level/date; peak memory per worker "
            f"{megabytes(result['peak_kb'])}; load average at start "
            + " ".join(f"{x:.2f}" for x in result["load"]),
        )
    return results


def wait_for_idle(max_load):
    deadline = time.monotonic() + 600
    while True:
        load = os.getloadavg()[0]
        if load < max_load:
            return load
        if time.monotonic() > deadline:
            log(f"  load average still {load:.2f} after 10 minutes: measuring anyway")
            return load
        log(f"  load average {load:.2f} >= {max_load}: waiting 30 s")
        time.sleep(30)


def print_environment(registry):
    import odoo.release

    with environment(registry) as env:
        env.cr.execute("SHOW server_version")
        postgres = env.cr.fetchone()[0]
    heading("environment")
    row("date", datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    row("CPU cores", os.cpu_count())
    row("Python", platform.python_version())
    row("Odoo", odoo.release.version)
    row("PostgreSQL", f"{postgres} on {pg_settings()['host']}")
    row("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
