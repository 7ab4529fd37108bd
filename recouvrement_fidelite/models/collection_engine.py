# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The bridge between Odoo records and the pure decision engine.

``collection.engine`` turns open invoices into the engine's facts, in batches
and with a constant number of queries per batch, loads the active rule sets
of a company, and returns the engine's decisions. It performs no action:
callers (the preview, the collection run) decide what to do with them.
"""

import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..engine import Catalogue, Evaluator
from ..engine.variables import NO_LEVEL_DUE
from .account_move import COLLECTION_USER_GROUP
from .engine_texts import CatalogueWords

_logger = logging.getLogger(__name__)


class CollectionEngine(models.AbstractModel):
    _name = "collection.engine"
    _description = "Collection decision engine"

    @api.model
    def _catalogue(self, company=None):
        """The engine catalogue with what this company's rules may name.

        Its typology codes (shared and its own, archived ones included: a
        rule naming an archived typology stays valid) are the choices of
        "Customer typology"; the level numbers of its scenarios (archived
        ones included) are the choices of "Set the reminder level", so that
        a rule cannot set a level that exists nowhere. A company without any
        level accepts any number: the collection run then reports, invoice
        by invoice, that the customer has no scenario.
        """
        company = company or self.env.company
        # sudo: rules are checked against every typology and level of the
        # company, whoever saves them.
        typologies = (
            self.env["collection.typology"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", [False, company.id])])
        )
        levels = (
            self.env["collection.level"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )
        options = {}
        if typologies:
            options["customer_typology"] = [
                {"name": typology.code, "label": typology.name}
                for typology in typologies
            ]
        if levels:
            options["set_reminder_level.level"] = sorted(
                set(levels.mapped("level_number"))
            )
        bounds = {
            "offer_payment_plan.max_installments": {
                "max": company.collection_max_installments
            }
        }
        return Catalogue(options=options, bounds=bounds)

    @api.model
    def _words(self, company):
        """The catalogue's words for ``company`` in the env's language: those
        of a planning session of this cursor when there is one (see
        ``collection.planner``), else built now."""
        cached = self.env.cr.cache.get("collection_words", {})
        words = cached.get((company.id, self.env.lang))
        if words is None:
            words = CatalogueWords(self.env, self._catalogue(company).export())
        return words

    @api.model
    def get_catalogue(self):
        """The catalogue for the rule editor (JSON-ready)."""
        self._check_catalogue_access()
        return self._catalogue(self.env.company).export()

    @api.model
    def _check_catalogue_access(self):
        """The catalogue (with the company's typologies) is for collection users.

        Abstract models have no access rights: methods callable over RPC
        check who calls them.
        """
        if self.env.su or self.env.user.has_group(COLLECTION_USER_GROUP):
            return
        raise AccessError(
            _("Only collection users may read the catalogue of collection rules.")
        )

    @api.model
    def _open_invoice_domain(self, company):
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "=", company.id),
        ]

    @api.model
    def _evaluator(self, company, rule_sets=None):
        """An engine evaluator for the given (or the active) rule sets.

        Rule sets given by the caller must all be valid (ValidationError
        otherwise). Of the company's active rule sets, one that is no longer
        valid (changed in the database, or by a newer version of the engine)
        is left out rather than stopping every customer's collection: the
        evaluator's ``skipped_rule_sets`` lists ``(rule set, message)``, for
        :meth:`_report_skipped_rule_sets`. Rule sets are independent (each
        only adds decisions), so leaving one out never makes another decide
        more.
        """
        given = rule_sets is not None
        if not given:
            rule_sets = self.env["collection.rule.set"].search(
                [("company_id", "=", company.id)]
            )
        catalogue = self._catalogue(company)
        valid, skipped = [], []
        for rule_set in rule_sets:
            try:
                valid.append(rule_set._to_engine(catalogue))
            except ValidationError as error:
                if given:
                    raise
                _logger.warning(
                    "Rule set %s (id %s) left out of the collection: %s",
                    rule_set.name,
                    rule_set.id,
                    error.args[0],
                )
                skipped.append((rule_set, error.args[0]))
        evaluator = Evaluator(valid, catalogue)
        evaluator.skipped_rule_sets = skipped
        return evaluator

    @api.model
    def _report_skipped_rule_sets(self, evaluator, thread):
        """Tell the collection managers, on ``thread`` (a run), which rule
        sets were left out of it and why."""
        skipped = getattr(evaluator, "skipped_rule_sets", None)
        if not skipped:
            return
        managers = self.env.ref("recouvrement_fidelite.group_collection_manager").users
        items = Markup("").join(
            Markup("<li>%s</li>") % Markup("<br/>").join(message.splitlines())
            for _rule_set, message in skipped
        )
        thread.message_post(
            body=Markup("%s<ul>%s</ul>")
            % (
                _(
                    "These rule sets are invalid and were left out of the "
                    "collection: correct them in Accounting > Configuration > "
                    "Collection > Rule sets."
                ),
                items,
            ),
            partner_ids=managers.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    # Facts

    @api.model
    def _facts(self, invoices):
        """The engine's facts for each invoice, in order, in a few queries.

        Each provider of :meth:`_fact_providers` gives its facts for the
        whole batch of invoices at once, in a constant number of queries;
        the facts of an invoice are the union of what the providers say.
        """
        today = fields.Date.context_today(self)
        facts = [{} for _invoice in invoices]
        for provider in self._fact_providers():
            provided = getattr(self, provider)(invoices, today)
            for invoice_facts, more in zip(facts, provided, strict=True):
                invoice_facts.update(more)
        return facts

    @api.model
    def _fact_providers(self):
        """Names of the methods that provide facts, in order.

        Each is called as ``provider(invoices, today)`` and returns one dict
        of facts per invoice, in the invoices' order; a later provider may
        complete or override an earlier one's facts. Add a fact by adding a
        provider (an override of this method) rather than growing another
        provider.
        """
        return [
            "_invoice_customer_facts",
            "_scenario_facts",
            "_legal_facts",
            "_promise_facts",
            "_payment_plan_facts",
        ]

    @api.model
    def _promise_facts(self, invoices, today):
        """Promises to pay: one pending on the invoice or on another invoice
        of the customer, and how the customer kept theirs over the company's
        payment history period.

        Two queries for the batch: the customers' pending promises (with the
        invoices they cover), and one grouped count of their decided ones.
        """
        company = invoices.company_id[:1] or self.env.company
        Promise = self.env["collection.promise"].sudo()
        customers = invoices.commercial_partner_id
        pending = Promise.search(
            [
                ("state", "=", "pending"),
                ("company_id", "=", company.id),
                ("date_deadline", ">=", today),
                ("partner_id", "in", customers.ids),
            ]
        )
        promised = set(pending.invoice_ids.ids)
        promising = set(pending.partner_id.ids)
        date_from = today - relativedelta(months=company.collection_history_months)
        history = Promise._history(customers.ids, company, date_from)
        facts = []
        for invoice in invoices:
            customer_id = invoice.commercial_partner_id.id
            figures = history.get(customer_id, {})
            decided = figures.get("decided", 0)
            facts.append(
                {
                    "has_pending_promise": invoice.id in promised,
                    "customer_has_pending_promise": customer_id in promising,
                    "has_broken_promise": bool(figures.get("broken")),
                    "broken_promises": figures.get("broken", 0),
                    "promise_kept_ratio": (
                        100.0 * figures["kept"] / decided if decided else 100.0
                    ),
                }
            )
        return facts

    @api.model
    def _invoice_customer_facts(self, invoices, today):
        """Facts about the invoice itself and its customer.

        The invoices, their customers and the customers' typologies are read
        by the ORM in one query per model; what customers owe and how they
        paid are two grouped queries, whatever the number of invoices.
        """
        customers = invoices.commercial_partner_id
        company = invoices.company_id[:1] or self.env.company
        balances = self._customer_balances(customers.ids, company, today)
        history = self.env["res.partner"]._collection_payment_stats(
            customers.ids, company
        )
        unanswered = self._unanswered_calls(
            customers.ids, today, company.collection_unanswered_calls_days
        )
        facts = []
        for invoice in invoices:
            customer = invoice.commercial_partner_id
            recipient = customer.collection_contact_id or invoice.partner_id
            balance = balances.get(customer.id, {})
            payment = history.get(customer.id, {})
            due = invoice.invoice_date_due or invoice.invoice_date or today
            last_reminder = invoice.collection_last_reminder_date
            channels = customer._collection_reachable_channels(recipient)
            facts.append(
                {
                    "invoice_id": invoice.id,
                    "partner_id": customer.id,
                    "days_overdue": (today - due).days,
                    "residual_amount": invoice.amount_residual_signed,
                    "dispute_status": invoice.collection_dispute_state,
                    "reminder_level": invoice.collection_level_id.level_number,
                    "reminders_sent": invoice.collection_reminder_count,
                    "days_since_last_reminder": (
                        (today - last_reminder).days if last_reminder else None
                    ),
                    "customer_overdue_amount": balance.get("overdue_amount", 0.0),
                    "customer_balance": balance.get("balance", 0.0),
                    "customer_unapplied_credit": balance.get("unapplied_credit", 0.0),
                    "customer_open_invoice_count": balance.get("open_count", 0),
                    "customer_overdue_invoice_count": balance.get("overdue_count", 0),
                    "customer_typology": customer._collection_typology(company).code,
                    "customer_type": customer.collection_customer_type,
                    "late_payment_ratio": payment.get("late_ratio", 0.0),
                    "average_days_late": payment.get("average_days_late", 0.0),
                    "has_valid_mobile": "sms" in channels,
                    "has_email": "email" in channels,
                    "preferred_channel": customer.collection_preferred_channel,
                    "reachable_channels": channels,
                    "unanswered_calls": unanswered.get(customer.id, 0),
                    "country": customer.country_id.code,
                }
            )
        return facts

    @api.model
    def _scenario_facts(self, invoices, today):
        """Which level of the customer's reminder scenario is due today.

        The scenario is the customer's (:meth:`collection.scenario.
        _scenario_for_partner`); its levels are read once for the whole
        batch. ``scenario_level_due`` is the number of the last level whose
        delay the invoice has reached, -1 when none is: the default rules
        test it, so that a level's delay, and not a number written in a
        rule, says when the level fires.
        """
        Scenario = self.env["collection.scenario"]
        company = invoices.company_id[:1] or self.env.company
        scenario_by_customer = {
            customer.id: Scenario._scenario_for_partner(customer, company).id
            for customer in invoices.commercial_partner_id
        }
        # One read of every level of these scenarios, as (delay, number).
        levels = self.env["collection.level"].search_read(
            [
                (
                    "scenario_id",
                    "in",
                    [s for s in set(scenario_by_customer.values()) if s],
                )
            ],
            ["scenario_id", "delay_days", "level_number"],
            load=None,
        )
        steps = defaultdict(list)
        for level in levels:
            steps[level["scenario_id"]].append(
                (level["delay_days"], level["level_number"])
            )
        facts = []
        for invoice in invoices:
            due = invoice.invoice_date_due or invoice.invoice_date or today
            days_overdue = (today - due).days
            scenario_id = scenario_by_customer[invoice.commercial_partner_id.id]
            reached = [
                number
                for delay, number in steps.get(scenario_id, [])
                if delay <= days_overdue
            ]
            facts.append({"scenario_level_due": max(reached, default=NO_LEVEL_DUE)})
        return facts

    @api.model
    def _legal_facts(self, invoices, today):
        """What the law adds, by each customer's legal profile: late
        interest, the total claim, prescription, insolvency, and whether the
        simplified small-claims procedure is open.

        Profiles are looked up once per customer; the computations are
        ``engine.legal``'s, without queries. The procedure's threshold is
        compared with the principal and interest of the customer's overdue
        invoices decided together (a run decides all of a customer's
        invoices in one batch).
        """
        by_id = invoices._collection_claims(today)
        claims = [by_id[invoice.id] for invoice in invoices]
        owed = defaultdict(float)  # in the profile's currency
        for invoice, claim in zip(invoices, claims, strict=True):
            profile = claim["profile"]
            if profile and invoice.invoice_date_due < today:
                owed[invoice.commercial_partner_id] += claim["principal_and_interest"]
        facts = []
        for invoice, claim in zip(invoices, claims, strict=True):
            customer = invoice.commercial_partner_id
            insolvent = customer._collection_in_insolvency(today)
            days_left = claim["days_before_prescription"]
            profile = claim["profile"]
            facts.append(
                {
                    "interest_due": claim["interest"],
                    "total_claim": claim["total"],
                    "days_before_prescription": days_left,
                    "in_insolvency": insolvent,
                    "small_claims_eligible": bool(
                        profile
                        and not insolvent
                        and (days_left is None or days_left >= 0)
                        and owed.get(customer)
                        and profile._within_small_claims(owed[customer], 0.0)
                    ),
                }
            )
        return facts

    @api.model
    def _payment_plan_facts(self, invoices, today):
        """``payment_plan_status`` of each invoice, from its latest payment
        plan that is not cancelled: a draft or proposed plan is "requested";
        an active one is "in_arrears" when an installment's date has passed
        without it being paid in full.

        With it, for the installment handler (``remind_installments``; not a
        rule variable): ``installments_due``, the installments of each active
        plan due for a reminder today, given on one invoice of the plan (the
        first due of the batch: a run decides all of a customer's invoices in
        one batch). See :meth:`_installments_due`.

        A constant number of queries for the batch: the plans, their
        invoices, their unpaid installments, and the levels of their
        customers' scenarios.
        """
        # sudo: the rules see every plan, whoever runs them.
        plans = (
            self.env["collection.payment.plan"]
            .sudo()
            .search(
                [("invoice_ids", "in", invoices.ids), ("state", "!=", "cancelled")],
                order="id desc",
            )
        )
        latest = {}
        for plan in plans:
            for invoice_id in plan.invoice_ids.ids:
                latest.setdefault(invoice_id, plan)
        active = plans.filtered(lambda p: p.state == "active")
        unpaid = (
            self.env["collection.payment.plan.installment"]
            .sudo()
            .search(
                [("plan_id", "in", active.ids), ("payment_state", "!=", "paid")],
                order="date_due, sequence, id",
            )
        )
        late = {i.plan_id.id for i in unpaid if i.date_due < today}
        # The invoice that carries each active plan's reminders: its first
        # due in the batch.
        leads = {}
        for invoice in invoices.sorted(
            lambda i: (i.invoice_date_due or i.invoice_date or today, i.id)
        ):
            plan = latest.get(invoice.id)
            if plan and plan.state == "active":
                leads.setdefault(plan, invoice)
        due = self._installments_due(unpaid, leads, today)
        statuses = {
            "draft": "requested",
            "proposed": "requested",
            "active": "active",
            "completed": "completed",
            "broken": "broken",
        }
        facts = []
        for invoice in invoices:
            plan = latest.get(invoice.id)
            if not plan:
                status = "none"
            elif plan.state == "active" and plan.id in late:
                status = "in_arrears"
            else:
                status = statuses[plan.state]
            invoice_facts = {"payment_plan_status": status}
            if plan and leads.get(plan) == invoice:
                invoice_facts["installments_due"] = due.get(plan.id, [])
            facts.append(invoice_facts)
        return facts

    @api.model
    def _installments_due(self, installments, leads, today):
        """The reminders due today for these unpaid ``installments`` of the
        plans of ``leads`` (``{plan: invoice}``), ``{plan id: [reminder]}``.

        An installment is reminded as an invoice is, through the levels of
        its customer's scenario, their delays counted from the installment's
        date: the last level whose delay is reached, a level before the date
        (courtesy reminder) only until that date. Levels later than the
        company's grace period for a late installment are left out: the plan
        breaks then, and the invoices follow their own scenario again. Each
        reminder is a dict: ``installment_id``, ``plan_id``, ``level_id``,
        ``channels`` (the level's: its messages, and its call, planned for
        the person responsible) and ``requires_approval`` (the level's).
        """
        company = next(iter(leads.values())).company_id if leads else None
        if not company:
            return {}
        Scenario = self.env["collection.scenario"]
        scenario_of = {
            plan.id: Scenario._scenario_for_partner(plan.partner_id, company).id
            for plan in leads
        }
        # Every level of these scenarios at once (their fields in one read).
        levels = self.env["collection.level"].search(
            [("scenario_id", "in", [s for s in set(scenario_of.values()) if s])],
            order="level_number",
        )
        by_scenario = defaultdict(list)
        for level in levels:
            by_scenario[level.scenario_id.id].append(level)
        grace = company.collection_plan_break_days
        due = defaultdict(list)
        for installment in installments:
            plan = installment.plan_id
            if plan not in leads:
                continue
            days = (today - installment.date_due).days
            reached = [
                level
                for level in by_scenario.get(scenario_of[plan.id], [])
                if level.delay_days <= days
                and level.delay_days <= grace
                and (level.delay_days >= 0 or days <= 0)
            ]
            if not reached:
                continue
            level = reached[-1]
            channels = level._channels()
            if channels:
                due[plan.id].append(
                    {
                        "installment_id": installment.id,
                        "plan_id": plan.id,
                        "level_id": level.id,
                        "channels": channels,
                        "requires_approval": level.requires_approval,
                    }
                )
        return due

    @api.model
    def _unanswered_calls(self, customer_ids, today, days=None):
        """Collection calls each customer did not answer over the last
        ``days`` (by default the company's window, in Settings)."""
        if not customer_ids:
            return {}
        days = days or self.env.company.collection_unanswered_calls_days
        since = fields.Datetime.to_datetime(fields.Date.subtract(today, days=days))
        groups = self.env["collection.action"]._read_group(
            [
                ("partner_id", "in", list(customer_ids)),
                ("channel", "=", "phone"),
                ("call_outcome", "=", "no_answer"),
                ("done_at", ">=", since),
            ],
            ["partner_id"],
            ["__count"],
        )
        return {partner.id: count for partner, count in groups}

    @api.model
    def _customer_balances(self, customer_ids, company, today):
        """What each customer owes: balance, overdue amount, invoice counts.

        Every receivable line of the customer (and of their contacts) not yet
        reconciled counts: invoices add what is left to pay on them, credit
        notes and payments not yet matched with an invoice take off what is
        left of them. ``balance`` is the total, due or not (0 or less: the
        customer owes nothing); ``overdue_amount`` the part past its due date;
        ``unapplied_credit`` the credit notes and payments not yet matched
        (positive). Amounts in company currency. Returns ``{customer_id:
        {"balance", "overdue_amount", "unapplied_credit", "open_count",
        "overdue_count"}}``.
        """
        if not customer_ids:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        # Payments may be recorded on a contact of the customer: group by
        # the commercial entity, as the invoices are.
        self.env.cr.execute(
            """
            SELECT partner.commercial_partner_id,
                   COALESCE(SUM(line.amount_residual), 0),
                   COALESCE(SUM(line.amount_residual) FILTER (
                       WHERE COALESCE(line.date_maturity, line.date) < %(today)s
                   ), 0),
                   COALESCE(-SUM(line.amount_residual) FILTER (
                       WHERE line.amount_residual < 0
                   ), 0)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.company_id = %(company)s
               AND partner.commercial_partner_id = ANY(%(customers)s)
             GROUP BY partner.commercial_partner_id
            """,
            {"today": today, "company": company.id, "customers": list(customer_ids)},
        )
        balances = {
            partner_id: {
                "balance": float(balance),
                "overdue_amount": float(overdue),
                "unapplied_credit": float(credit),
                "open_count": 0,
                "overdue_count": 0,
            }
            for partner_id, balance, overdue, credit in self.env.cr.fetchall()
        }
        self.env.cr.execute(
            """
            SELECT commercial_partner_id,
                   COUNT(*),
                   COUNT(*) FILTER (
                       WHERE COALESCE(invoice_date_due, invoice_date) < %(today)s
                   )
              FROM account_move
             WHERE move_type = 'out_invoice'
               AND state = 'posted'
               AND payment_state IN ('not_paid', 'partial')
               AND company_id = %(company)s
               AND commercial_partner_id = ANY(%(customers)s)
             GROUP BY commercial_partner_id
            """,
            {"today": today, "company": company.id, "customers": list(customer_ids)},
        )
        for partner_id, open_count, overdue_count in self.env.cr.fetchall():
            balance = balances.setdefault(
                partner_id,
                {
                    "balance": 0.0,
                    "overdue_amount": 0.0,
                    "unapplied_credit": 0.0,
                    "open_count": 0,
                    "overdue_count": 0,
                },
            )
            balance["open_count"] = open_count
            balance["overdue_count"] = overdue_count
        return balances

    @api.model
    def _owes_nothing(self, balance, company):
        """Whether a customer whose total balance (``_customer_balances``'s
        ``balance``, the fact ``customer_balance``) is ``balance`` owes
        nothing: their credit notes and payments cover their invoices.
        ``None`` (not known) never counts as owing nothing."""
        if balance is None:
            return False
        return company.currency_id.compare_amounts(balance, 0.0) <= 0

    @api.model
    def _reminder_amounts(self, invoices):
        """What a reminder for these invoices of one customer asks to pay.

        The customer's credit notes and payments not yet matched with an
        invoice are deducted, up to what the customer owes in total: a
        reminder never asks for more than the customer's balance, and a
        credit larger than the invoices reminded leaves nothing to pay.
        Amounts are in the invoices' currency when every open receivable
        line of the customer is in it, else in company currency.

        Returns a dict: ``currency``, ``invoices_total`` (left to pay on the
        invoices), ``credit_lines`` (the unmatched credit notes and payments,
        ``account.move.line``), ``credit_total``, ``balance`` (what the
        customer owes in total), ``deducted`` and ``to_pay``.
        """
        invoices.commercial_partner_id.ensure_one()
        return self._reminder_amounts_many([invoices])[0]

    @api.model
    def _reminder_amounts_many(self, invoice_groups):
        """:meth:`_reminder_amounts` of several reminders at once, in the
        same order: one search of open receivable lines per company for
        every customer (a dispatch sends a batch of customers' reminders).
        Each group holds invoices of one customer and company."""
        customers_by_company = {}
        for invoices in invoice_groups:
            customers_by_company.setdefault(invoices.company_id[:1], set()).add(
                invoices.commercial_partner_id.id
            )
        Line = self.env["account.move.line"]
        # A line is the customer's when its partner is the customer or one
        # of its contacts, at any depth (``child_of``).
        lines_of = {}
        found = Line
        for company, customer_ids in customers_by_company.items():
            lines = Line.search(
                [
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", list(customer_ids)),
                ],
                order="date, id",
            )
            found |= lines
            for line in lines:
                partner = line.partner_id
                while partner:
                    if partner.id in customer_ids:
                        key = (company.id, partner.id)
                        lines_of.setdefault(key, []).append(line.id)
                    partner = partner.parent_id
        return [
            self._amounts_of(
                invoices,
                Line.browse(
                    lines_of.get(
                        (invoices.company_id[:1].id, invoices.commercial_partner_id.id),
                        [],
                    )
                ).with_prefetch(found._prefetch_ids),
            )
            for invoices in invoice_groups
        ]

    @api.model
    def _amounts_of(self, invoices, lines):
        """The amounts of :meth:`_reminder_amounts` from the customer's open
        receivable ``lines``."""
        company = invoices.company_id[:1]
        currencies = lines.currency_id | invoices.currency_id
        if len(currencies) == 1:
            currency = currencies

            def residual(line):
                return line.amount_residual_currency

        else:
            currency = company.currency_id

            def residual(line):
                return line.amount_residual

        invoice_lines = lines.filtered(lambda line: line.move_id in invoices)
        credit_lines = (lines - invoice_lines).filtered(
            lambda line: currency.compare_amounts(residual(line), 0.0) < 0
        )
        invoices_total = currency.round(sum(residual(line) for line in invoice_lines))
        balance = currency.round(sum(residual(line) for line in lines))
        to_pay = max(min(invoices_total, balance), 0.0)
        credits = [
            {
                "document": line.move_id.name,
                "date": line.date,
                "is_credit_note": line.move_id.move_type == "out_refund",
                "amount": currency.round(-residual(line)),
            }
            for line in credit_lines
        ]
        return {
            "currency": currency,
            "invoices_total": invoices_total,
            "credit_lines": credit_lines,
            "credits": credits,
            "credit_total": currency.round(
                -sum(residual(line) for line in credit_lines)
            ),
            "balance": balance,
            "deducted": currency.round(invoices_total - to_pay),
            "to_pay": currency.round(to_pay),
        }
