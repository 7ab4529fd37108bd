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
   per batch, the slowest queries, memory, the actions by state, and what
   was queued (mails, SMS), logged (messages) and planned (activities).
5. ``--profile N`` profiles N batches of the dry run with cProfile (after
   the timed runs, so that it does not distort them) and prints where the
   time goes; ``--profile-real`` runs the real run under cProfile.
   ``--trace-memory`` repeats the dry run under tracemalloc and prints the
   Python allocation peak per batch.

The machine should be idle: ``--wait-load 1.0`` waits (up to 10 minutes)
until the 1-minute load average falls below 1.0 before measuring.
PostgreSQL is reached as libpq does: ``PGHOST``, ``PGPORT``, ``PGUSER``,
``PGPASSWORD`` (default ``127.0.0.1:5432`` and your login name).
"""

import argparse
import cProfile
import datetime
import functools
import getpass
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from contextlib import contextmanager
from unittest import mock

import psycopg2
from psycopg2 import sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "recouvrement_fidelite"
#: The system parameter that describes the generated data.
PARAM = "recouvrement_fidelite.bench_data"
JOURNAL_CODE = "BENCH"
#: Typology codes (default data) and their share of the customers; ``None``:
#: no typology (the company's default scenario applies).
TYPOLOGIES = [
    ("standard", 45),
    ("occasional", 12),
    ("premium", 10),
    ("key_account", 4),
    ("late_payer", 15),
    ("at_risk", 6),
    (None, 8),
]
#: How many invoices a customer of each typology has, relatively.
INVOICE_WEIGHT = {
    "standard": 2.0,
    "occasional": 0.3,
    "premium": 4.0,
    "key_account": 8.0,
    "late_payer": 3.0,
    "at_risk": 2.0,
    None: 1.0,
}
#: Delays (days after the due date) of the levels 0-3 of the default scenarios.
SCENARIO_DELAYS = {
    "standard": (-5, 5, 15, 30),
    "premium": (-5, 10, 25, 45),
    "late_payer": (-5, 1, 7, 15),
}
SCENARIO_OF = {
    "premium": "premium",
    "key_account": "premium",
    "late_payer": "late_payer",
    "at_risk": "late_payer",
}
COMPANY_KINDS = [
    "Boulangerie",
    "Garage",
    "Cabinet",
    "Transports",
    "Menuiserie",
    "Pharmacie",
    "Hôtel",
    "Imprimerie",
    "Librairie",
    "Plomberie",
    "Restaurant",
    "Atelier",
    "Fromagerie",
    "Électricité",
    "Paysages",
    "Bureau d'études",
]
COMPANY_FORMS = ["SARL", "SAS", "SA", "EURL", "SNC", ""]
FIRST_NAMES = [
    "Camille",
    "Louis",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Jules",
    "Inès",
    "Arthur",
    "Sarah",
    "Paul",
    "Emma",
    "Gabriel",
    "Jeanne",
    "Nathan",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
]
CITIES = [
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13006", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("34000", "Montpellier"),
    ("21000", "Dijon"),
    ("37000", "Tours"),
]
FOREIGN = {
    # country: (share among foreign customers, mobile prefix, digits, city)
    "BE": (40, "+32 47", 7, ("1000", "Bruxelles")),
    "DE": (25, "+49 151 ", 8, ("10115", "Berlin")),
    "ES": (20, "+34 6", 8, ("28001", "Madrid")),
    "IT": (15, "+39 34", 8, ("20121", "Milano")),
}
PAUSE_REASON = "Negotiating a commercial gesture"
#: French mobile ranges in service (phonenumbers): 06 but 063 and 069, 073-079.
MOBILE_RANGES = [
    "60",
    "61",
    "62",
    "64",
    "65",
    "66",
    "67",
    "68",
    "73",
    "74",
    "75",
    "76",
    "77",
    "78",
    "79",
]
DISPUTE_REASONS = ["billing_error", "delivery", "non_conformity", "price", "other"]


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


# Generated data: the plan


class Plan:
    """The customers and invoices to generate, from a seeded generator.

    Dates are kept as offsets from the day the data describe, so that the
    same plan can be laid again on a later day.
    """

    def __init__(self, customers, invoices, seed):
        self.customer_count = customers
        self.invoice_count = invoices
        self.seed = seed
        rng = random.Random(seed)
        self.customers = [self._customer(rng, index) for index in range(customers)]
        self.invoices = self._invoices(rng)

    @staticmethod
    def _digits(rng, count):
        return "".join(str(rng.randint(0, 9)) for _ in range(count))

    @classmethod
    def _mobile(cls, rng):
        digits = "0" + rng.choice(MOBILE_RANGES) + cls._digits(rng, 7)
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))

    def _customer(self, rng, index):
        number = index + 1
        typology = rng.choices(
            [code for code, _weight in TYPOLOGIES],
            [weight for _code, weight in TYPOLOGIES],
        )[0]
        is_company = rng.random() < 0.75
        foreign = rng.random() < 0.1
        country = "FR"
        if foreign:
            country = rng.choices(list(FOREIGN), [v[0] for v in FOREIGN.values()])[0]
        last = rng.choice(LAST_NAMES)
        if is_company:
            form = rng.choice(COMPANY_FORMS)
            name = f"{rng.choice(COMPANY_KINDS)} {last} {form}".strip()
        else:
            name = f"{rng.choice(FIRST_NAMES)} {last}"
        name = f"{name} {number:05d}"
        slug = f"{last.lower().encode('ascii', 'ignore').decode() or 'client'}{number}"
        customer = {
            "ref": f"BENCH-{number:05d}",
            "name": name,
            "is_company": is_company,
            "country": country,
            "typology": typology,
            "email": None,
            "phone": None,
            "mobile": None,
            "street": None,
            "zip": None,
            "city": None,
            "channel": rng.choice(
                [None, None, None, "email", "sms", "letter", "phone", "portal"]
            ),
            "pause_days": rng.randint(5, 60) if rng.random() < 0.01 else None,
            # The mobile of an accounts-payable contact, for a tenth of the companies.
            "contact": (
                self._mobile(rng) if is_company and rng.random() < 0.1 else None
            ),
            "weight": INVOICE_WEIGHT[typology] * (0.5 + rng.random()),
        }
        if rng.random() < 0.9:
            domain = f"{slug}.example" if is_company else "mail.example"
            customer["email"] = f"{'compta' if is_company else slug}@{domain}"
        phone = rng.random()
        if country == "FR":
            if phone < 0.6:
                customer["mobile"] = self._mobile(rng)
            elif phone < 0.85:
                customer["phone"] = f"0{rng.randint(1, 5)} " + " ".join(
                    self._digits(rng, 2) for _ in range(4)
                )
            elif phone < 0.93:
                # Typed wrong: reported as invalid, never sent an SMS.
                customer["mobile"] = rng.choice(["06 12 34", "12 34 56 78", "+33 6 12"])
        else:
            _share, prefix, digits, _city = FOREIGN[country]
            if phone < 0.6:
                customer["mobile"] = prefix + self._digits(rng, digits)
            elif phone < 0.7:
                # No international prefix, wrong length: invalid.
                customer["mobile"] = self._digits(rng, 6)
        if rng.random() < 0.95:
            zip_code, city = (
                rng.choice(CITIES) if country == "FR" else FOREIGN[country][3]
            )
            customer.update(
                street=f"{rng.randint(1, 120)} rue {rng.choice(LAST_NAMES)}",
                zip=zip_code,
                city=city,
            )
        return customer

    def _invoices(self, rng):
        count = self.invoice_count
        customers = self.customers
        # Every customer has an invoice; the others follow the weights.
        owners = list(range(min(len(customers), count)))
        owners += rng.choices(
            range(len(customers)),
            [c["weight"] for c in customers],
            k=count - len(owners),
        )
        owners.sort()
        invoices = []
        for number, owner in enumerate(owners, start=1):
            customer = customers[owner]
            days_overdue = rng.randint(-10, 120)
            if rng.random() < 0.08:
                amount = rng.uniform(10, 49.99)
            else:
                amount = math.exp(rng.uniform(math.log(50), math.log(20000)))
            dispute = rng.choices(
                ["none", "open", "under_review", "resolved"], [95, 3, 1, 1]
            )[0]
            scenario = SCENARIO_OF.get(customer["typology"], "standard")
            delays = SCENARIO_DELAYS[scenario]
            level = None
            last_reminder = None
            count_sent = 0
            if rng.random() < 0.7:
                # Already followed by earlier runs, some of them a few days
                # behind: their next level is due today.
                lag = rng.choice([0, 0, 0, 3, 8, 15])
                reached = [n for n, d in enumerate(delays) if d <= days_overdue - lag]
                if reached:
                    level = reached[-1]
                    sent_on = delays[level] + rng.randint(0, lag)
                    last_reminder = min(sent_on, days_overdue)
                    count_sent = level + 1
            invoices.append(
                {
                    "number": number,
                    "customer": owner,
                    "template": rng.choice([0, 0, 1, 2]),
                    "days_overdue": days_overdue,
                    "amount": amount,
                    "dispute": dispute,
                    "dispute_reason": rng.choice(DISPUTE_REASONS)
                    if dispute != "none"
                    else None,
                    "scenario": scenario,
                    "level": level,
                    # Days after the due date the last reminder was sent.
                    "last_reminder": last_reminder,
                    "reminders_sent": count_sent,
                }
            )
        return invoices


# Generated data: in the database


def bench_marker(env):
    value = env["ir.config_parameter"].sudo().get_param(PARAM)
    return json.loads(value) if value else None


def set_marker(env, marker):
    env["ir.config_parameter"].sudo().set_param(
        PARAM, json.dumps(marker, sort_keys=True)
    )


def bench_journal(env):
    return env["account.journal"].search([("code", "=", JOURNAL_CODE)], limit=1)


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
                   collection_next_action = NULL,
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
        cr.execute("ANALYZE account_move, account_move_line, res_partner")
        log(
            f"  laid again on {today} in {time.perf_counter() - started:.1f} s: "
            f"{invoices:,} invoices and {lines:,} lines rewritten; removed "
            + ", ".join(f"{count:,} {label}" for label, count in removed.items())
        )


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


# Measurements


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
        engine = env["collection.engine"]
        cr = env.cr
        # How many invoices the run will decide, for the 10/50/100 % marks.
        query = env["account.move"]._search(Run._candidate_domain(company, today))
        cr.execute(query.select("COUNT(*)"))
        total = cr.fetchone()[0]
        reset_peak()
        memory_before = current_rss_kb()
        started = time.perf_counter()
        with sql_timer() as thread, query_log(cr) as kinds_sql:
            customer_ids = run._remaining_customer_ids()
            evaluator = engine._evaluator(company)
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
                invoices = env["account.move"].search(
                    Run._candidate_domain(company, today)
                    + [("commercial_partner_id", "in", batch_ids)],
                    order="commercial_partner_id, invoice_date_due, id",
                )
                results = evaluator.evaluate_many(engine._facts(invoices))
                planned = Run._plan(invoices, results, company, today)
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


def print_profile(profiler):
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
            invoices_before = self.invoice_count
            original(self, customer_ids, evaluator)
            batches.append(
                (
                    cr.sql_log_count - start_queries,
                    time.perf_counter() - start,
                    self.invoice_count - invoices_before,
                    current_rss_kb(),
                )
            )

        profiler = cProfile.Profile() if args.profile_real else None
        TRANSLATION_WARNINGS.origins.clear()
        with (
            mock.patch.object(type(env["ir.mail_server"]), "send_email", no_mail),
            mock.patch.object(type(env["sms.sms"]), "_send", no_sms),
            mock.patch.object(type(run), "_process_batch", measured_batch),
            query_log(cr) as kinds_sql,
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
    if batches:
        queries = [b[0] for b in batches]
        row(
            "queries per batch",
            f"min {min(queries)}, max {max(queries)}, "
            f"mean {sum(queries) / len(queries):.0f} ({len(queries)} batches)",
        )
        per_invoice = sum(queries) / max(invoice_count, 1)
        row("queries per invoice", f"{per_invoice:.1f}")
        sql_seconds = sum(entry[1] for entry in kinds_sql.values())
        row("time in SQL", f"{sql_seconds:.1f} s ({100 * sql_seconds / seconds:.0f} %)")
        slowest = sorted(kinds_sql.items(), key=lambda item: -item[1][1])[:5]
        for kind, (count, kind_seconds) in slowest:
            log(f"      {kind_seconds:6.1f} s {count:>6,} × {kind}")
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
        print_profile(profiler)


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
    return args


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
        log()
        log("The real run changed the invoices: the next run restores them first.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
