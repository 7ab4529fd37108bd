"""Generating, reusing and restoring the benchmark data in the database.

:func:`ensure_data` is the entry point: it reuses the data when the marker
(a system parameter) matches the options, restores them (:func:`refresh`)
when a real run changed them or the day changed, and otherwise generates
them (:func:`generate`):

- :func:`setup_company`: a French company in euros and a sale journal of
  its own (code ``BENCH``) for the clones;
- :func:`create_customers`: the customers of the plan, by the ORM in batches
  (their stored computed fields, such as the E.164 phone numbers, are
  computed as in real life), referenced ``BENCH-00001...``;
- :func:`create_templates`: three template invoices created and posted by
  the ORM (30-day payment term, with and without tax);
- :func:`invoice_rows` and :func:`clone_invoices`: the invoices of the plan,
  cloned by SQL from the templates into ``account_move``,
  ``account_move_line`` and the lines' many2many tables, every column
  copied except those that make each invoice itself (number, customer,
  dates, amounts scaled so that each entry stays balanced, dispute and
  reminder history), numbered ``BENCH/<year>/000001...``;
- :func:`refresh`: removes what the real runs created and rewrites the
  dates and reminder history of every invoice from the seeded plan, so that
  every run measures the same situation.
"""

import datetime
import io
import time

from bench_common import (
    JOURNAL_CODE,
    bench_journal,
    bench_marker,
    environment,
    log,
    pg_connect,
    set_marker,
)
from bench_plan import (
    FOREIGN,
    SCENARIO_DELAYS,
    TYPOLOGIES,
    Plan,
)
from psycopg2 import sql

#: What a real run writes and a restore rewrites or removes: vacuumed after a
#: restore, so that the next measurement does not read the dead rows they
#: leave (on a server without autovacuum, or before it passes, they pile up
#: run after run: 199,038 dead collection actions were seen after a few).
REWRITTEN_TABLES = (
    "account_move",
    "account_move_line",
    "res_partner",
    "collection_action",
    "collection_run",
    "mail_message",
    "mail_mail",
    "mail_notification",
    "mail_followers",
    "mail_activity",
    "ir_attachment",
    "sms_sms",
)

#: Why the few customers of the plan with a pause have their reminders paused.
PAUSE_REASON = "Negotiating a commercial gesture"


def count_bench_data(env):
    env.cr.execute(
        "SELECT COUNT(*) FROM res_partner"
        " WHERE ref LIKE 'BENCH-%%' AND parent_id IS NULL"
    )
    customers = env.cr.fetchone()[0]
    journal = bench_journal(env)
    invoices = 0
    if journal:
        env.cr.execute(
            "SELECT COUNT(*) FROM account_move WHERE journal_id = %s", [journal.id]
        )
        invoices = env.cr.fetchone()[0]
    return customers, invoices


def table_columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s"
        " ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def setup_company(env):
    """A French company in euros, and a sale journal for the clones."""
    company = env.ref("base.main_company")
    values = {"country_id": env.ref("base.fr").id}
    eur = env.ref("base.EUR")
    if company.currency_id != eur and not env["account.move.line"].search_count(
        [("company_id", "=", company.id)], limit=1
    ):
        eur.active = True
        values["currency_id"] = eur.id
    company.write(values)
    journal = bench_journal(env)
    if not journal:
        sale = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        journal = sale.copy(
            {
                "name": "Benchmark invoices",
                "code": JOURNAL_CODE,
                "default_account_id": sale.default_account_id.id,
            }
        )
    return company, journal


def create_customers(env, plan, today):
    """Customers by the ORM, in batches: stored computed fields as in real life."""
    Partner = env["res.partner"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )
    typologies = {
        code: env.ref(f"recouvrement_fidelite.collection_typology_{code}").id
        for code, _weight in TYPOLOGIES
        if code
    }
    countries = {code: env.ref(f"base.{code.lower()}").id for code in ["FR", *FOREIGN]}
    ids = []
    batch = 1000
    for start in range(0, len(plan.customers), batch):
        values = []
        for customer in plan.customers[start : start + batch]:
            pause = customer["pause_days"]
            values.append(
                {
                    "name": customer["name"],
                    "ref": customer["ref"],
                    "is_company": customer["is_company"],
                    "customer_rank": 1,
                    "country_id": countries[customer["country"]],
                    "email": customer["email"],
                    "phone": customer["phone"],
                    "mobile": customer["mobile"],
                    "street": customer["street"],
                    "zip": customer["zip"],
                    "city": customer["city"],
                    "collection_typology_id": typologies.get(customer["typology"]),
                    "collection_preferred_channel": customer["channel"],
                    "collection_pause_until": (
                        today + datetime.timedelta(days=pause) if pause else False
                    ),
                    "collection_pause_reason": PAUSE_REASON if pause else False,
                }
            )
        ids += Partner.create(values).ids
        env.flush_all()
        env.invalidate_all()
    # A tenth of the companies have an accounts-payable contact, who
    # receives the reminders.
    with_contact = [
        (ids[index], customer)
        for index, customer in enumerate(plan.customers)
        if customer["contact"]
    ]
    contacts = Partner.create(
        [
            {
                "parent_id": customer_id,
                "type": "invoice",
                "name": f"Service comptabilité {customer['ref'][-5:]}",
                "email": f"fournisseurs{customer['ref'][-5:]}@contact.example",
                "mobile": customer["contact"],
            }
            for customer_id, customer in with_contact
        ]
    )
    env.flush_all()
    env.cr.execute(
        """
        UPDATE res_partner SET collection_contact_id = pair.contact_id
          FROM unnest(%s, %s) AS pair(customer_id, contact_id)
         WHERE res_partner.id = pair.customer_id
        """,
        [[customer_id for customer_id, _c in with_contact], contacts.ids],
    )
    env.invalidate_all()
    return ids, dict(zip([c for c, _x in with_contact], contacts.ids, strict=True))


def create_templates(env, journal):
    """Three posted invoices of round amounts, cloned below.

    Round amounts (100, tax 15 %) scaled by a factor with two decimals stay
    exact to the cent on every line, so each clone is balanced.
    """
    customer = env["res.partner"].create({"name": "Benchmark template customer"})
    company = journal.company_id
    tax = env["account.tax"].search(
        [
            ("type_tax_use", "=", "sale"),
            ("company_id", "=", company.id),
            ("amount_type", "=", "percent"),
            ("amount", ">", 0),
        ],
        limit=1,
    )
    term = env.ref("account.account_payment_term_30days")
    layouts = [
        [("Services", 100.0, tax)],
        [("Goods", 100.0, tax), ("Delivery", 100.0, tax)],
        [("Consulting (no VAT)", 100.0, env["account.tax"])],
    ]
    templates = env["account.move"]
    for lines in layouts:
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "journal_id": journal.id,
                "invoice_date": fields_today(env),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [(6, 0, taxes.ids)],
                        },
                    )
                    for name, price, taxes in lines
                ],
            }
        )
        move.action_post()
        templates |= move
    for move in templates:
        if (
            move.amount_total != round(move.amount_total)
            or move.payment_state != "not_paid"
        ):
            raise RuntimeError(f"template {move.name} is not a round unpaid invoice")
    return customer, templates


def fields_today(env):
    from odoo import fields

    return fields.Date.context_today(env["res.partner"])


def level_ids(env):
    """{scenario key: {level number: level id}} of the default scenarios."""
    levels = {}
    for scenario in SCENARIO_DELAYS:
        record = env.ref(f"recouvrement_fidelite.collection_scenario_{scenario}")
        levels[scenario] = {level.level_number: level.id for level in record.level_ids}
    return levels


def invoice_rows(plan, today, levels, customer_ids, contacts, names, templates):
    """One tuple per invoice for the plan table (see ``PLAN_COLUMNS``)."""
    year = today.year
    rows = []
    for invoice in plan.invoices:
        customer = plan.customers[invoice["customer"]]
        customer_id = customer_ids[invoice["customer"]]
        due = today - datetime.timedelta(days=invoice["days_overdue"])
        template_id, template_total = templates[invoice["template"]]
        factor = max(round(invoice["amount"] / template_total, 2), 0.01)
        last = invoice["last_reminder"]
        level = invoice["level"]
        dispute = invoice["dispute"]
        rows.append(
            (
                invoice["number"],
                template_id,
                contacts.get(customer_id, customer_id),
                customer_id,
                names[customer_id],
                f"{JOURNAL_CODE}/{year}/{invoice['number']:06d}",
                due - datetime.timedelta(days=30),
                due,
                factor,
                dispute,
                invoice["dispute_reason"],
                min(due + datetime.timedelta(days=5), today)
                if dispute != "none"
                else None,
                (
                    "The customer says the delivery was incomplete."
                    if dispute != "none"
                    else None
                ),
                levels[invoice["scenario"]].get(level) if level is not None else None,
                due + datetime.timedelta(days=last) if last is not None else None,
                invoice["reminders_sent"],
                customer["typology"],
            )
        )
    return rows


PLAN_COLUMNS = """
    number integer PRIMARY KEY, template_id integer, partner_id integer,
    customer_id integer, display_name varchar, name varchar, invoice_date date,
    due date, factor numeric, dispute varchar, dispute_reason varchar,
    dispute_open date, dispute_note text, level_id integer, last_reminder date,
    reminders_sent integer, typology varchar
"""


def load_plan_table(cr, rows):
    cr.execute(f"CREATE TEMP TABLE bench_plan ({PLAN_COLUMNS}) ON COMMIT DROP")
    buffer = io.StringIO()
    for values in rows:
        buffer.write(
            "\t".join(
                "\\N" if value is None else str(value).replace("\t", " ")
                for value in values
            )
            + "\n"
        )
    buffer.seek(0)
    cr._obj.copy_from(buffer, "bench_plan")
    cr.execute("ANALYZE bench_plan")


#: Columns of account_move and account_move_line multiplied by the factor.
MOVE_AMOUNTS = {
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "quick_edit_total_amount",
}
LINE_AMOUNTS = {
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "tax_base_amount",
    "amount_residual",
    "amount_residual_currency",
    "price_unit",
    "price_subtotal",
    "price_total",
    "discount_amount_currency",
    "discount_balance",
}
NOW_UTC = "(now() AT TIME ZONE 'UTC')"


def clone_invoices(env, journal, rows):
    """Insert the invoices of the plan table as copies of their template."""
    cr = env.cr
    env.flush_all()
    load_plan_table(cr, rows)
    cr.execute("ALTER TABLE bench_plan ADD COLUMN move_id integer")
    cr.execute("UPDATE bench_plan SET move_id = nextval('account_move_id_seq')")
    prefix = rows[0][5].rsplit("/", 1)[0] + "/"
    move_overrides = {
        "id": "p.move_id",
        "name": "p.name",
        "journal_id": "%(journal)s",
        "sequence_prefix": "%(prefix)s",
        "sequence_number": "p.number",
        "partner_id": "p.partner_id",
        "commercial_partner_id": "p.customer_id",
        "partner_shipping_id": "p.partner_id",
        "invoice_partner_display_name": "p.display_name",
        "payment_reference": "p.name",
        "ref": "NULL",
        "access_token": "NULL",
        "message_main_attachment_id": "NULL",
        "date": "p.invoice_date",
        "invoice_date": "p.invoice_date",
        "invoice_date_due": "p.due",
        "payment_state": "'not_paid'",
        "is_move_sent": "TRUE",
        "create_date": NOW_UTC,
        "write_date": NOW_UTC,
        "collection_dispute_state": "p.dispute",
        "collection_dispute_reason": "p.dispute_reason",
        "collection_dispute_date_open": "p.dispute_open",
        "collection_dispute_note": "p.dispute_note",
        "collection_level_id": "p.level_id",
        "collection_last_reminder_date": "p.last_reminder",
        "collection_reminder_count": "p.reminders_sent",
    }
    line_overrides = {
        "id": "bl.id",
        "move_id": "p.move_id",
        "move_name": "p.name",
        "journal_id": "%(journal)s",
        "partner_id": "CASE WHEN t.partner_id IS NULL THEN NULL ELSE p.customer_id END",
        "name": "CASE WHEN t.display_type = 'payment_term' THEN p.name ELSE t.name END",
        "date": "p.invoice_date",
        "invoice_date": "p.invoice_date",
        "date_maturity": (
            "CASE WHEN t.display_type = 'payment_term' THEN p.due"
            " ELSE t.date_maturity + (p.invoice_date - t.invoice_date) END"
        ),
        "matching_number": "NULL",
        "full_reconcile_id": "NULL",
        "reconciled": "FALSE",
        "create_date": NOW_UTC,
        "write_date": NOW_UTC,
    }

    def select_list(table, overrides, amounts):
        columns = table_columns(cr, table)
        expressions = []
        for column in columns:
            if column in overrides:
                expressions.append(overrides[column])
            elif column in amounts:
                expressions.append(f"t.{column} * p.factor")
            else:
                expressions.append(f"t.{column}")
        return ", ".join(f'"{c}"' for c in columns), ", ".join(expressions)

    params = {"journal": journal.id, "prefix": prefix}
    columns, expressions = select_list("account_move", move_overrides, MOVE_AMOUNTS)
    cr.execute(
        f"""
        INSERT INTO account_move ({columns})
        SELECT {expressions}
          FROM bench_plan p JOIN account_move t ON t.id = p.template_id
         ORDER BY p.number
        """,
        params,
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_line ON COMMIT DROP AS
        SELECT nextval('account_move_line_id_seq') AS id, p.number,
               t.id AS template_line_id
          FROM bench_plan p JOIN account_move_line t ON t.move_id = p.template_id
         ORDER BY p.number, t.id
        """
    )
    columns, expressions = select_list(
        "account_move_line", line_overrides, LINE_AMOUNTS
    )
    cr.execute(
        f"""
        INSERT INTO account_move_line ({columns})
        SELECT {expressions}
          FROM bench_line bl
          JOIN bench_plan p ON p.number = bl.number
          JOIN account_move_line t ON t.id = bl.template_line_id
         ORDER BY bl.id
        """,
        params,
    )
    # Many2many of the lines (taxes, tax tags...) and of the moves.
    for model, table, key in (
        ("account.move.line", "bench_line", "template_line_id"),
        ("account.move", "bench_plan", "template_id"),
    ):
        target = "id" if model == "account.move.line" else "move_id"
        for field in env[model]._fields.values():
            if field.type != "many2many" or not field.store:
                continue
            cr.execute(
                sql.SQL(
                    """
                    INSERT INTO {rel} ({col1}, {col2})
                    SELECT b.{target}, rel.{col2}
                      FROM {table} b JOIN {rel} rel ON rel.{col1} = b.{key}
                    ON CONFLICT DO NOTHING
                    """
                ).format(
                    rel=sql.Identifier(field.relation),
                    col1=sql.Identifier(field.column1),
                    col2=sql.Identifier(field.column2),
                    target=sql.Identifier(target),
                    table=sql.Identifier(table),
                    key=sql.Identifier(key),
                )
            )
    env.invalidate_all()


def check_clones(env, journal):
    """Every clone balanced, its receivable line equal to what is due."""
    env.cr.execute(
        """
        SELECT COUNT(*) FILTER (WHERE balanced.total <> 0),
               COUNT(*) FILTER (WHERE balanced.receivable <> balanced.residual)
          FROM (
            SELECT move.id, SUM(line.balance) AS total,
                   SUM(line.amount_residual) FILTER (
                       WHERE line.display_type = 'payment_term') AS receivable,
                   MIN(move.amount_residual_signed) AS residual
              FROM account_move move
              JOIN account_move_line line ON line.move_id = move.id
             WHERE move.journal_id = %s
             GROUP BY move.id
          ) balanced
        """,
        [journal.id],
    )
    unbalanced, wrong_residual = env.cr.fetchone()
    if unbalanced or wrong_residual:
        raise RuntimeError(
            f"generated invoices are inconsistent: {unbalanced} unbalanced, "
            f"{wrong_residual} with a residual that differs from their receivable"
        )


def generate(registry, args, plan):
    """Create the customers and invoices of the plan; one transaction."""
    timings = {}
    with environment(registry) as env:
        today = fields_today(env)
        started = time.perf_counter()
        company, journal = setup_company(env)
        customer_ids, contacts = create_customers(env, plan, today)
        timings["customers (ORM)"] = time.perf_counter() - started
        log(
            f"  {len(customer_ids):,} customers and {len(contacts):,} contacts created "
            f"by the ORM in {timings['customers (ORM)']:.1f} s"
        )

        started = time.perf_counter()
        template_customer, templates = create_templates(env, journal)
        env.flush_all()
        names = dict(
            zip(
                customer_ids,
                env["res.partner"].browse(customer_ids).mapped("name"),
                strict=True,
            )
        )
        rows = invoice_rows(
            plan,
            today,
            level_ids(env),
            customer_ids,
            contacts,
            names,
            [(move.id, move.amount_total) for move in templates],
        )
        clone_invoices(env, journal, rows)
        check_clones(env, journal)
        # The templates served their purpose.
        templates.button_draft()
        templates.with_context(force_delete=True).unlink()
        template_customer.unlink()
        env.flush_all()
        timings["invoices (SQL)"] = time.perf_counter() - started
        log(
            f"  {len(rows):,} invoices cloned by SQL in "
            f"{timings['invoices (SQL)']:.1f} s"
        )
        set_marker(
            env,
            {
                "customers": plan.customer_count,
                "invoices": plan.invoice_count,
                "seed": plan.seed,
                "date": str(today),
                "dirty": False,
            },
        )
        env.cr.commit()
        started = time.perf_counter()
        env.cr.execute("ANALYZE res_partner, account_move, account_move_line")
        timings["analyze"] = time.perf_counter() - started
    return timings


def refresh(registry, plan, marker):
    """Lay the plan again on today, and remove what real runs created."""
    with environment(registry) as env:
        cr = env.cr
        today = fields_today(env)
        journal = bench_journal(env)
        started = time.perf_counter()
        cr.execute(
            "CREATE TEMP TABLE bench_move ON COMMIT DROP AS"
            " SELECT id FROM account_move WHERE journal_id = %s",
            [journal.id],
        )
        cr.execute("ALTER TABLE bench_move ADD PRIMARY KEY (id)")
        removed = {}
        for label, query in [
            ("actions", "DELETE FROM collection_action"),
            ("runs", "DELETE FROM collection_run"),
            (
                "messages",
                """DELETE FROM mail_message WHERE (model = 'account.move'
                AND res_id IN (SELECT id FROM bench_move))
                OR model = 'collection.run'""",
            ),
            (
                "activities",
                """DELETE FROM mail_activity WHERE res_model = 'account.move'
                AND res_id IN (SELECT id FROM bench_move)""",
            ),
            (
                "attachments",
                """DELETE FROM ir_attachment WHERE res_model = 'account.move'
                AND res_id IN (SELECT id FROM bench_move)""",
            ),
            (
                "followers",
                """DELETE FROM mail_followers WHERE res_model = 'account.move'
                AND res_id IN (SELECT id FROM bench_move)""",
            ),
            ("SMS", "DELETE FROM sms_sms"),
        ]:
            cr.execute(query)
            removed[label] = cr.rowcount
        cr.execute(
            "SELECT id, name FROM res_partner WHERE ref LIKE 'BENCH-%%'"
            " AND parent_id IS NULL ORDER BY ref"
        )
        found = cr.fetchall()
        customer_ids = [partner_id for partner_id, _name in found]
        names = dict(found)
        cr.execute(
            "SELECT parent_id, id FROM res_partner WHERE parent_id = ANY(%s)"
            " AND type = 'invoice'",
            [customer_ids],
        )
        contacts = dict(cr.fetchall())
        # Amounts are not rewritten: the templates do not matter here.
        rows = invoice_rows(
            plan,
            today,
            level_ids(env),
            customer_ids,
            contacts,
            names,
            [(None, 1.0)] * 3,
        )
        load_plan_table(cr, rows)
        cr.execute(
            """
            UPDATE account_move move
               SET invoice_date = p.invoice_date, date = p.invoice_date,
                   invoice_date_due = p.due,
                   collection_dispute_state = p.dispute,
                   collection_dispute_reason = p.dispute_reason,
                   collection_dispute_date_open = p.dispute_open,
                   collection_dispute_date_closed = NULL,
                   collection_level_id = p.level_id,
                   collection_last_reminder_date = p.last_reminder,
                   collection_reminder_count = p.reminders_sent,
                   collection_next_level_id = NULL,
                   collection_next_action_date = NULL
              FROM bench_plan p
             WHERE move.journal_id = %s AND move.sequence_number = p.number
            """,
            [journal.id],
        )
        invoices = cr.rowcount
        cr.execute(
            """
            UPDATE account_move_line line
               SET date = move.date, invoice_date = move.invoice_date,
                   date_maturity = CASE WHEN line.display_type = 'payment_term'
                                        THEN move.invoice_date_due
                                        ELSE line.date_maturity END
              FROM account_move move
             WHERE move.id = line.move_id AND move.journal_id = %s
               AND (line.date IS DISTINCT FROM move.date
                    OR (line.display_type = 'payment_term'
                        AND line.date_maturity IS DISTINCT FROM move.invoice_date_due))
            """,
            [journal.id],
        )
        lines = cr.rowcount
        pauses = [
            (partner_id, customer["pause_days"])
            for partner_id, customer in zip(customer_ids, plan.customers, strict=True)
        ]
        cr.execute(
            """
            UPDATE res_partner partner
               SET collection_pause_until = CASE WHEN pause.days IS NULL THEN NULL
                                                 ELSE %s::date + pause.days END,
                   collection_pause_reason = CASE WHEN pause.days IS NULL THEN NULL
                                                  ELSE %s END
              FROM unnest(%s, %s::integer[]) AS pause(partner_id, days)
             WHERE partner.id = pause.partner_id
            """,
            [today, PAUSE_REASON, [p for p, _d in pauses], [d for _p, d in pauses]],
        )
        # Contacts carry a copy of their company's pause (commercial field).
        cr.execute(
            """
            UPDATE res_partner contact
               SET collection_pause_until = parent.collection_pause_until,
                   collection_pause_reason = parent.collection_pause_reason
              FROM res_partner parent
             WHERE contact.parent_id = parent.id AND parent.ref LIKE 'BENCH-%%'
            """
        )
        env.invalidate_all()
        set_marker(env, dict(marker, date=str(today), dirty=False))
        env.cr.commit()
    vacuum(registry.db_name, REWRITTEN_TABLES)
    log(
        f"  laid again on {today} in {time.perf_counter() - started:.1f} s: "
        f"{invoices:,} invoices and {lines:,} lines rewritten; removed "
        + ", ".join(f"{count:,} {label}" for label, count in removed.items())
        + "; tables vacuumed"
    )


def vacuum(db, tables):
    """``VACUUM ANALYZE`` these tables (outside a transaction, as it must)."""
    connection = pg_connect(db)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute(
                sql.SQL("VACUUM ANALYZE {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, tables))
                )
            )
    finally:
        connection.close()


def ensure_data(registry, args):
    """Generate the data, or reuse them; True when they were written."""
    with environment(registry) as env:
        marker = bench_marker(env)
        customers, invoices = count_bench_data(env)
        today = str(fields_today(env))
    wanted = {"customers": args.customers, "invoices": args.invoices, "seed": args.seed}
    if (
        marker
        and {k: marker.get(k) for k in wanted} == wanted
        and (
            customers,
            invoices,
        )
        == (args.customers, args.invoices)
    ):
        log(
            f"reusing the data of {args.db}: {customers:,} customers, "
            f"{invoices:,} open invoices (generated for {marker['date']})"
        )
        if marker.get("dirty") or marker["date"] != today:
            why = "a real run changed them" if marker.get("dirty") else "a new day"
            log(f"  restoring the invoices' dates and reminder history ({why})")
            refresh(registry, Plan(args.customers, args.invoices, args.seed), marker)
            return True
        return False
    if customers or invoices or marker:
        log(
            f"{args.db} holds other benchmark data ({customers:,} customers, "
            f"{invoices:,} invoices, {marker}): run with --reset to regenerate."
        )
        raise SystemExit(1)
    log(f"generating {args.customers:,} customers and {args.invoices:,} invoices")
    started = time.perf_counter()
    plan = Plan(args.customers, args.invoices, args.seed)
    log(f"  plan worked out in {time.perf_counter() - started:.1f} s")
    generate(registry, args, plan)
    log(f"  data generated in {time.perf_counter() - started:.0f} s")
    return True
