#!/usr/bin/env python3
"""Benchmark of the Collection dashboard and analyses on 100,000 invoices.

Usage: ``make bench-analytics`` (options through ``BENCH_ARGS``), or::

    .venv/bin/python scripts/bench_analytics.py [--reset] [--update]
        [--db recouvrement_bench_analytics] [--repeat 3]

What it does
------------
1. Database. Its own database (``--db``, default
   ``recouvrement_bench_analytics``), so that the history it adds never
   changes what ``make bench-run`` measures. The addon is installed (or
   updated when its code has columns the database lacks, or with
   ``--update``) and the run benchmark's data are generated in it the same
   way (``scripts/bench_data.py``: 20,000 customers, 100,000 invoices).
2. History. What the analyses read, laid by SQL at every start (the rows of
   the previous start are removed first, so the figures are repeatable):
   the reminder steps done on each overdue invoice, one per level of the
   default scenario whose delay has passed, rotating email, SMS and letter;
   a third of the invoices paid in full (a reconciliation dated between
   the due date and today); portal visits after a fifth of the steps. The
   tables are then analysed, as autovacuum would. Then what customers did
   besides paying (``lay_outcomes``): promises, payment plans, cases with a
   collection agency and satisfaction ratings.
3. Refresh. The analyses kept between refreshes (DSO, days to pay, step
   effectiveness, satisfaction, retention) are worked out again as the
   nightly job does, each timed.
4. Timing. Every window action under Collection > Analysis, and the
   dashboard, is opened the way the web client does, as the administrator
   (record rules apply): the action's default filters from its search view,
   then for each of its views (pivot, graph, list, kanban) the reads the
   client makes — pivot: the totals, the rows, the columns and the cells;
   graph: its groups; list: the first 80 records, and the count when the
   page is full (up to 10,001, as the client asks); kanban: the first 40
   records with their fields (the dashboard's tiles count
   their lists). Each is run ``--repeat`` times after one warm-up; the
   best time is printed with the number of rows the view read. The target
   is under 2 seconds each.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import (  # noqa: E402
    ROOT,
    addons_path,
    environment,
    heading,
    load_registry,
    log,
    missing_columns,
    prepare_database,
    run_odoo_cli,
)
from bench_data import ensure_data  # noqa: E402

#: Marks the history rows this benchmark lays, to remove them at the next start.
HISTORY_TAG = "bench-analytics"
TARGET_SECONDS = 2.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="recouvrement_bench_analytics")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--var-dir", default=os.path.join(ROOT, "var", "bench-analytics")
    )
    args = parser.parse_args()
    args.data_dir = os.path.join(args.var_dir, "data")
    return args


def lay_history(env):
    """The steps, payments and visits the analyses read (see the docstring)."""
    cr = env.cr
    started = time.perf_counter()
    remove_outcomes(cr)
    cr.execute("DELETE FROM collection_action WHERE rule_set = %s", [HISTORY_TAG])
    cr.execute(
        "SELECT l.id FROM account_move_line l JOIN account_move m ON m.id = l.move_id"
        " JOIN account_journal j ON j.id = m.journal_id"
        " WHERE j.code = 'BENCH' AND l.credit > 0 ORDER BY l.id LIMIT 1"
    )
    credit_line = cr.fetchone()[0]
    cr.execute(
        "DELETE FROM account_partial_reconcile WHERE credit_move_id = %s",
        [credit_line],
    )
    scenario = env.ref("recouvrement_fidelite.collection_scenario_standard", False)
    scenario_id = scenario.id if scenario else None
    # One done step per level whose delay has passed, channels in turn.
    cr.execute(
        """
        INSERT INTO collection_action (
            company_id, invoice_id, partner_id, level_id, kind, channel,
            state, date, done_at, rule_set, amount_due, create_uid,
            write_uid, create_date, write_date)
        SELECT m.company_id, m.id, m.commercial_partner_id, lvl.id, 'reminder',
               (ARRAY['email', 'sms', 'letter'])[1 + (m.id + lvl.level_number) %% 3],
               'done', m.invoice_date_due + lvl.delay_days,
               m.invoice_date_due + lvl.delay_days, %(tag)s, m.amount_residual,
               1, 1, now(), now()
          FROM account_move m
          JOIN account_journal j ON j.id = m.journal_id AND j.code = 'BENCH'
          JOIN collection_level lvl
            ON lvl.scenario_id = COALESCE(%(scenario)s, lvl.scenario_id)
           AND lvl.level_number > 0
         WHERE m.invoice_date_due + lvl.delay_days <= CURRENT_DATE
        """,
        {"tag": HISTORY_TAG, "scenario": scenario_id},
    )
    steps = cr.rowcount
    # A payment on a third of the invoices, between their due date and today.
    cr.execute(
        """
        INSERT INTO account_partial_reconcile (
            debit_move_id, credit_move_id, amount, debit_amount_currency,
            credit_amount_currency, debit_currency_id, credit_currency_id,
            company_id, max_date, create_uid, write_uid, create_date, write_date)
        SELECT l.id, %(credit)s, l.balance, l.balance, l.balance,
               l.currency_id, l.currency_id, l.company_id,
               LEAST(CURRENT_DATE, m.invoice_date_due + (m.id %% 60)),
               1, 1, now(), now()
          FROM account_move m
          JOIN account_journal j ON j.id = m.journal_id AND j.code = 'BENCH'
          JOIN account_move_line l ON l.move_id = m.id
          JOIN account_account a ON a.id = l.account_id
               AND a.account_type = 'asset_receivable'
         WHERE m.id %% 3 = 0
        """,
        {"credit": credit_line},
    )
    payments = cr.rowcount
    # Those invoices are paid in full.
    cr.execute(
        """
        UPDATE account_move_line l
           SET reconciled = TRUE, amount_residual = 0,
               amount_residual_currency = 0
          FROM account_partial_reconcile p
         WHERE p.credit_move_id = %s AND p.debit_move_id = l.id
        """,
        [credit_line],
    )
    cr.execute(
        """
        UPDATE account_move m
           SET payment_state = 'paid', amount_residual = 0,
               amount_residual_signed = 0
          FROM account_journal j
         WHERE j.id = m.journal_id AND j.code = 'BENCH' AND m.id % 3 = 0
           AND m.payment_state != 'paid'
        """
    )
    visits = lay_portal_visits(env)
    outcomes = lay_outcomes(env)
    # As autovacuum would: the planner needs to know the new rows.
    cr.execute(
        "ANALYZE collection_action, account_partial_reconcile, account_move,"
        " account_move_line, collection_portal_event, collection_promise,"
        " collection_payment_plan, collection_payment_plan_installment,"
        " collection_case, collection_case_invoice_rel,"
        " collection_case_agency_payment, collection_satisfaction"
    )
    env.invalidate_all()
    log(
        f"  history laid in {time.perf_counter() - started:.1f} s: {steps:,} steps"
        f" done, {payments:,} payments, {visits:,} portal visits,"
        f" {outcomes}"
    )


def remove_outcomes(cr):
    """The rows ``lay_outcomes`` laid at the previous start. Removed before
    the steps: promises refer to steps, and checking that reference for
    each step removed would read them all every time."""
    tag = HISTORY_TAG
    cr.execute("DELETE FROM collection_case_agency_payment WHERE reference = %s", [tag])
    cr.execute("DELETE FROM collection_case WHERE origin LIKE %s", [tag + ":%"])
    cr.execute(
        "DELETE FROM collection_payment_plan_installment i"
        " USING collection_payment_plan p WHERE p.id = i.plan_id AND p.note = %s",
        [tag],
    )
    cr.execute("DELETE FROM collection_payment_plan WHERE note = %s", [tag])
    cr.execute("DELETE FROM collection_promise WHERE note = %s", [tag])
    cr.execute(
        "DELETE FROM collection_satisfaction WHERE case_key LIKE %s", [tag + ":%"]
    )


def lay_outcomes(env):
    """What the customers did besides paying, on a share of the overdue
    invoices: promises (one invoice in ten, a quarter of each outcome),
    payment plans of six monthly installments (one customer in twenty with
    an overdue invoice: active, completed or broken), cases handed to a
    collection agency (one invoice in twenty overdue by more than 100 days,
    half with collections, half of those remitted) and satisfaction ratings
    (one paid invoice in nine)."""
    cr = env.cr
    tag = HISTORY_TAG
    user = env.ref("base.user_admin").id
    bench_invoices = """
          FROM account_move m
          JOIN account_journal j ON j.id = m.journal_id AND j.code = 'BENCH'
    """
    cr.execute(
        f"""
        INSERT INTO collection_promise (
            company_id, partner_id, currency_id, user_id, channel, state,
            date_promised, date_recorded, date_decided, amount, amount_decided,
            note, create_uid, write_uid, create_date, write_date)
        SELECT m.company_id, m.commercial_partner_id, m.currency_id, %(user)s,
               (ARRAY['phone', 'email', 'portal'])[1 + m.id %% 3],
               (ARRAY['kept', 'partial', 'broken', 'pending'])[1 + m.id / 10 %% 4],
               m.invoice_date_due + 20, m.invoice_date_due + 10,
               CASE WHEN m.id / 10 %% 4 < 3 THEN m.invoice_date_due + 21 END,
               m.amount_total,
               CASE m.id / 10 %% 4 WHEN 0 THEN m.amount_total
                                   WHEN 1 THEN m.amount_total / 2
                                   WHEN 2 THEN 0 END,
               %(tag)s, 1, 1, now(), now()
          {bench_invoices}
         WHERE m.id %% 10 = 1 AND m.invoice_date_due + 21 <= CURRENT_DATE
        """,
        {"tag": tag, "user": user},
    )
    promises = cr.rowcount
    cr.execute(
        f"""
        WITH owing AS (
            SELECT m.company_id, m.commercial_partner_id AS partner_id,
                   m.currency_id, min(m.invoice_date_due) + 15 AS first_date,
                   sum(m.amount_total) AS amount
              {bench_invoices}
             WHERE m.commercial_partner_id %% 20 = 0
               AND m.invoice_date_due + 15 <= CURRENT_DATE
             GROUP BY 1, 2, 3
        )
        INSERT INTO collection_payment_plan (
            company_id, partner_id, user_id, currency_id, installment_count,
            name, state, frequency, first_date, date_accepted, date_activated,
            date_closed, amount_total, paid_amount, note, create_uid,
            write_uid, create_date, write_date)
        SELECT company_id, partner_id, %(user)s, currency_id, 6,
               'BENCH/' || partner_id,
               (ARRAY['active', 'completed', 'broken'])[1 + partner_id / 20 %% 3],
               'monthly', first_date, first_date - 5, first_date - 5,
               CASE WHEN partner_id / 20 %% 3 > 0 THEN first_date + 150 END,
               amount, 0, %(tag)s, 1, 1, now(), now()
          FROM owing
        """,
        {"tag": tag, "user": user},
    )
    plans = cr.rowcount
    cr.execute(
        """
        INSERT INTO collection_payment_plan_installment (
            plan_id, company_id, partner_id, sequence, date_due, amount,
            paid_amount, payment_state, is_down_payment, create_uid, write_uid,
            create_date, write_date)
        SELECT p.id, p.company_id, p.partner_id, n, p.first_date + n * 30,
               p.amount_total / 6, paid.paid * p.amount_total / 6,
               CASE WHEN paid.paid = 1 THEN 'paid' ELSE 'not_paid' END, FALSE,
               1, 1, now(), now()
          FROM collection_payment_plan p
          CROSS JOIN generate_series(0, 5) AS n
          CROSS JOIN LATERAL (
              SELECT CASE
                  WHEN p.state = 'completed' THEN 1
                  WHEN p.state = 'broken' THEN (n < 2)::int
                  ELSE (p.first_date + n * 30 < CURRENT_DATE - 20)::int
              END AS paid
          ) paid
         WHERE p.note = %s
        """,
        [tag],
    )
    cr.execute(
        """
        UPDATE collection_payment_plan p
           SET paid_amount = i.paid, remaining_amount = p.amount_total - i.paid
          FROM (SELECT plan_id, sum(paid_amount) AS paid
                  FROM collection_payment_plan_installment GROUP BY plan_id) i
         WHERE i.plan_id = p.id AND p.note = %s
        """,
        [tag],
    )
    agency = env["res.partner"].search(
        [("name", "=", "Bench collection agency")], limit=1
    ) or env["res.partner"].create(
        {"name": "Bench collection agency", "is_company": True}
    )
    cr.execute(
        f"""
        INSERT INTO collection_case (
            company_id, partner_id, user_id, currency_id, name, stage, state,
            notice_state, stage_date, date_open, agency_id, agency_state,
            agency_transfer_date, agency_commission_rate, origin, create_uid,
            write_uid, create_date, write_date)
        SELECT m.company_id, m.commercial_partner_id, %(user)s, m.currency_id,
               'BENCH/' || m.id, 'agency', 'open', 'delivered',
               m.invoice_date_due + 100, m.invoice_date_due + 60, %(agency)s,
               'transferred', m.invoice_date_due + 100, 15,
               %(tag)s || ':' || m.id, 1, 1, now(), now()
          {bench_invoices}
         WHERE m.id %% 20 = 7 AND m.invoice_date_due + 100 <= CURRENT_DATE
        """,
        {"tag": tag, "agency": agency.id, "user": user},
    )
    cases = cr.rowcount
    cr.execute(
        """
        INSERT INTO collection_case_invoice_rel (case_id, move_id)
        SELECT c.id, split_part(c.origin, ':', 2)::int
          FROM collection_case c WHERE c.origin LIKE %s
        """,
        [tag + ":%"],
    )
    cr.execute(
        """
        INSERT INTO collection_case_agency_payment (
            case_id, company_id, reference, date, remit_by, remitted_date,
            amount, commission, create_uid, write_uid, create_date, write_date)
        SELECT c.id, c.company_id, %s, c.agency_transfer_date + 30,
               c.agency_transfer_date + 60,
               CASE WHEN c.id %% 4 = 0 THEN c.agency_transfer_date + 45 END,
               m.amount_total * 0.4, m.amount_total * 0.4 * 0.15,
               1, 1, now(), now()
          FROM collection_case c
          JOIN account_move m ON m.id = split_part(c.origin, ':', 2)::int
         WHERE c.origin LIKE %s AND c.id %% 2 = 0
        """,
        [tag, tag + ":%"],
    )
    cr.execute(
        f"""
        INSERT INTO collection_satisfaction (
            partner_id, company_id, invoice_id, rating, case_type, case_key,
            state, date_ended, date_sent, date_answered, create_uid,
            write_uid, create_date, write_date)
        SELECT m.commercial_partner_id, m.company_id, m.id, 1 + m.id / 9 %% 5,
               'invoice_paid', %(tag)s || ':' || m.id, 'answered',
               LEAST(CURRENT_DATE, m.invoice_date_due + (m.id %% 60)),
               LEAST(CURRENT_DATE, m.invoice_date_due + (m.id %% 60)),
               LEAST(CURRENT_DATE, m.invoice_date_due + (m.id %% 60) + 2),
               1, 1, now(), now()
          {bench_invoices}
         WHERE m.id %% 3 = 0 AND m.id %% 9 = 3
        """,
        {"tag": tag},
    )
    ratings = cr.rowcount
    return (
        f"{promises:,} promises, {plans:,} payment plans, {cases:,} agency"
        f" cases, {ratings:,} ratings"
    )


def vacuum(args):
    """Compact and analyse what the generator and the history rewrote: the
    generator rewrites every invoice each day, leaving several times more
    dead rows than live ones, far more than a database in use carries, and
    the views would be timed reading them."""
    from bench_common import pg_connect

    conn = pg_connect(args.db)
    conn.autocommit = True
    started = time.perf_counter()
    try:
        with conn.cursor() as cr:
            cr.execute(
                "VACUUM FULL ANALYZE res_partner, account_move, account_move_line,"
                " account_partial_reconcile, collection_action,"
                " collection_portal_event, collection_promise,"
                " collection_payment_plan, collection_payment_plan_installment,"
                " collection_case, collection_satisfaction"
            )
    finally:
        conn.close()
    log(f"  compacted and analysed in {time.perf_counter() - started:.1f} s")


def lay_portal_visits(env):
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'collection_portal_event'"
        " AND is_nullable = 'NO' AND column_default IS NULL"
    )
    required = {name for (name,) in cr.fetchall()} - {"id"}
    if not required <= {"partner_id", "company_id", "event_type", "create_date"}:
        log(f"  no portal visits laid: collection_portal_event needs {required}")
        return 0
    cr.execute(
        "DELETE FROM collection_portal_event WHERE res_model = %s", [HISTORY_TAG]
    )
    cr.execute(
        """
        INSERT INTO collection_portal_event (
            partner_id, company_id, event_type, res_model, create_uid,
            write_uid, create_date, write_date)
        SELECT a.partner_id, a.company_id, 'visit', %s, 1, 1,
               a.date + 2 + (a.id %% 10), a.date + 2 + (a.id %% 10)
          FROM collection_action a
         WHERE a.rule_set = %s AND a.id %% 5 = 0
        """,
        [HISTORY_TAG, HISTORY_TAG],
    )
    return cr.rowcount


# Opening a view as the web client does


def action_domain(env, action, model):
    """The action's domain and the default filters of its search view."""
    from odoo.osv import expression
    from odoo.tools.safe_eval import datetime as safe_datetime
    from odoo.tools.safe_eval import dateutil, safe_eval
    from odoo.tools.safe_eval import time as safe_time

    context = dict(env.context, uid=env.uid)
    eval_context = {
        "uid": env.uid,
        "context_today": lambda: __import__("odoo").fields.Date.context_today(model),
        "datetime": safe_datetime,
        "time": safe_time,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "current_date": time.strftime("%Y-%m-%d"),
        "allowed_company_ids": env.companies.ids,
        "company_ids": env.companies.ids,
        "context": context,
    }
    domains = [safe_eval(action.domain or "[]", eval_context)]
    action_context = safe_eval(action.context or "{}", eval_context)
    groupby = []
    if action_context:
        from lxml import etree

        view_id = action.search_view_id.id or None
        arch = etree.fromstring(model.get_view(view_id, "search")["arch"])
        for key, value in action_context.items():
            if not (key.startswith("search_default_") and value):
                continue
            name = key[len("search_default_") :]
            for node in arch.xpath(f"//filter[@name='{name}']"):
                if node.get("domain"):
                    domains.append(safe_eval(node.get("domain"), eval_context))
                if node.get("context"):
                    group = safe_eval(node.get("context"), eval_context).get("group_by")
                    if group:
                        groupby.append(group)
    return expression.AND(domains), groupby


def arch_fields(model, view_type, view_id=None):
    from lxml import etree

    arch = etree.fromstring(model.get_view(view_id, view_type)["arch"])
    rows = [
        f.get("name") + (f"{':' + f.get('interval')}" if f.get("interval") else "")
        for f in arch.xpath("//field[@type='row']")
    ]
    cols = [
        f.get("name") + (f"{':' + f.get('interval')}" if f.get("interval") else "")
        for f in arch.xpath("//field[@type='col']")
    ]
    measures = [f.get("name") for f in arch.xpath("//field[@type='measure']")]
    fields = [f.get("name") for f in arch.xpath("//field") if f.get("name")]
    return rows, cols, measures, fields


def measure_specs(model, measures):
    specs = []
    for name in measures or ["__count"]:
        if name == "__count":
            specs.append("__count")
            continue
        field = model._fields[name]
        specs.append(f"{name}:{field.aggregator or 'sum'}")
    return specs


def open_view(model, view_type, view_id, domain, groupby):
    """The reads the web client makes to show one view; returns rows read."""
    rows, cols, measures, names = arch_fields(model, view_type, view_id)
    if view_type == "pivot":
        specs = measure_specs(model, measures)
        count = 0
        # The web client reads each combination of the first row and column
        # groupings once: the total, the rows, the columns, the cells.
        combinations = {
            (),
            tuple(rows[:1]),
            tuple(cols[:1]),
            tuple(rows[:1] + cols[:1]),
        }
        for group in sorted(combinations, key=len):
            count += len(model.read_group(domain, specs, list(group), lazy=False))
        return count
    if view_type == "graph":
        specs = measure_specs(model, measures)
        return len(model.read_group(domain, specs, rows + cols, lazy=False))
    if view_type in ("list", "kanban"):
        if groupby:
            return len(model.read_group(domain, ["__count"], groupby[:1], lazy=False))
        specification = {name: {} for name in names if name in model._fields}
        limit = 80 if view_type == "list" else 40
        # As the web client asks: the first page, and the count (up to its
        # limit of 10,000) only when the page is full.
        records = model.web_search_read(
            domain, specification, limit=limit, count_limit=10001
        )
        return records["length"]
    return 0


def time_action(env, action, repeat):
    model = env[action.res_model]
    domain, groupby = action_domain(env, action, model)
    views = [(view.view_id.id or None, view.view_mode) for view in action.view_ids]
    known = {mode for _view, mode in views}
    views += [
        (action.view_id.id if action.view_id.type == mode else None, mode)
        for mode in action.view_mode.split(",")
        if mode not in known
    ]
    results = []
    for view_id, view_type in views:
        if view_type not in ("pivot", "graph", "list", "kanban"):
            continue
        open_view(model, view_type, view_id, domain, groupby)  # warm-up
        best = None
        for _round in range(repeat):
            env.invalidate_all()
            started = time.perf_counter()
            count = open_view(model, view_type, view_id, domain, groupby)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        results.append((view_type, best, count))
    return results


def analysis_actions(env):
    root = env.ref("recouvrement_fidelite.collection_analysis_menu")
    menus = env["ir.ui.menu"].search([("id", "child_of", root.id)])
    actions = [
        menu.action
        for menu in menus.sorted(lambda m: (m.parent_path, m.sequence))
        if menu.action and menu.action._name == "ir.actions.act_window"
    ]
    dashboard = env.ref("recouvrement_fidelite.collection_work_list_action")
    return [dashboard, *actions]


def main():
    args = parse_args()
    addons_path()
    prepare_database(args)
    registry = load_registry(args)
    if missing_columns(registry):
        log("the addon's code changed since the database was set up: updating it")
        run_odoo_cli(args, "-u", os.path.join(args.var_dir, "install.log"))
        registry = load_registry(args)
    ensure_data(registry, args)
    heading("history")
    with environment(registry) as env:
        lay_history(env)
    vacuum(args)
    heading("analyses kept between refreshes (the nightly job)")
    with environment(registry) as env:
        total = time.perf_counter()
        base = "collection.report.materialized"
        for name in env.registry.descendants([base], "_inherit"):
            model = env[name]
            if model._abstract:
                continue
            started = time.perf_counter()
            model.action_refresh()
            log(
                f"  {model._description[:46]:<46} refreshed in"
                f" {time.perf_counter() - started:6.2f} s"
            )
        log(f"  all refreshed in {time.perf_counter() - total:.1f} s")
    heading(f"opening each view (best of {args.repeat}, as the administrator)")
    slow = 0
    with environment(registry) as env:
        admin = env.ref("base.user_admin")
        env = env(user=admin.id, context={"lang": "en_US", "tz": "UTC"})
        for action in analysis_actions(env):
            for view_type, best, count in time_action(env, action, args.repeat):
                flag = "" if best < TARGET_SECONDS else "  SLOW"
                slow += best >= TARGET_SECONDS
                log(
                    f"  {action.name[:46]:<46} {view_type:<7} {best:6.3f} s"
                    f"  {count:>7,} rows{flag}"
                )
        env.cr.rollback()
    log()
    log(
        f"{'every view opened' if not slow else f'{slow} views did not open'}"
        f" in under {TARGET_SECONDS:.0f} s"
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
