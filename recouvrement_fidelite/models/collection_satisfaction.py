# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""How customers felt about the collection: one question per ended case.

A case ends when an invoice is paid after at least one reminder, when a
dispute is resolved, or when a payment plan is completed. The daily survey
(:meth:`_cron_ask`) finds the cases that ended since the company switched
the survey on (``collection_satisfaction_since``) and were never asked
about, and records one row per case (``case_key`` is unique: a case is
asked about once). The customer gets an email with a link to a rating page
of their collection page, unless they were asked less than the company's
interval ago (``collection_satisfaction_interval_days``) or have no email:
the row then says why it was skipped, and the case is never asked about.

The customer answers once, from 1 to 5 with a comment (the rating page,
``controllers/portal_feedback.py``); the rules read the latest rating
(``last_satisfaction_rating``).
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import format_date

CASE_TYPES = [
    ("invoice_paid", "Invoice paid after a reminder"),
    ("dispute_resolved", "Dispute resolved"),
    ("plan_completed", "Payment plan completed"),
]
SATISFACTION_STATES = [
    ("skipped", "Not asked"),
    ("sent", "Asked"),
    ("answered", "Answered"),
]
RATINGS = [
    ("1", "Very dissatisfied"),
    ("2", "Dissatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very satisfied"),
]
#: The longest comment a customer may send: a guard, not a business rule.
MAX_RATING_COMMENT_LENGTH = 2000


class CollectionSatisfaction(models.Model):
    _name = "collection.satisfaction"
    _description = "Satisfaction with the collection"
    _order = "date_ended desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        help="The customer's commercial entity.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    case_type = fields.Selection(
        CASE_TYPES, string="Case", required=True, readonly=True
    )
    case_key = fields.Char(required=True, readonly=True, index=True)
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        check_company=True,
        ondelete="cascade",
    )
    plan_id = fields.Many2one(
        "collection.payment.plan",
        string="Payment plan",
        readonly=True,
        check_company=True,
        ondelete="cascade",
    )
    date_ended = fields.Date(string="Case ended on", readonly=True)
    state = fields.Selection(
        SATISFACTION_STATES, string="Status", required=True, readonly=True
    )
    skip_reason = fields.Char(string="Why not asked", readonly=True)
    recipient_id = fields.Many2one("res.partner", string="Asked", readonly=True)
    date_sent = fields.Datetime(string="Asked on", readonly=True)
    rating = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="From 1 (very dissatisfied) to 5 (very satisfied).",
    )
    rating_label = fields.Selection(RATINGS, string="Rating given", readonly=True)
    comment = fields.Text(readonly=True, help="As the customer typed it.")
    date_answered = fields.Datetime(string="Answered on", readonly=True)

    _sql_constraints = [
        ("case_key_unique", "unique(case_key)", "A case is asked about once."),
        (
            "rating_range",
            "CHECK(rating IS NULL OR rating = 0 OR (rating BETWEEN 1 AND 5))",
            "A rating goes from 1 to 5.",
        ),
    ]

    def _case_text(self):
        """The case, in a sentence for the customer (env's language)."""
        self.ensure_one()
        record = self.sudo()
        if record.case_type == "invoice_paid":
            return _(
                "the payment of invoice %(invoice)s", invoice=record.invoice_id.name
            )
        if record.case_type == "dispute_resolved":
            return _(
                "the dispute on invoice %(invoice)s", invoice=record.invoice_id.name
            )
        return _("your payment plan %(plan)s", plan=record.plan_id.name)

    def _rating_url(self):
        """The rating page, on the customer's collection page (no login)."""
        self.ensure_one()
        url = self.partner_id._collection_portal_url(self.company_id)
        return f"{url}/rating/{self.id}"

    @api.model
    def _pending_for(self, partner, company):
        """Questions the customer has not answered yet (superuser)."""
        return self.sudo().search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
            ]
        )

    def _record_rating(self, rating, comment):
        """Record the customer's answer, once. False when already answered
        (nothing changes)."""
        self.ensure_one()
        record = self.sudo()
        if record.state != "sent":
            return False
        record.write(
            {
                "state": "answered",
                "rating": rating,
                "rating_label": str(rating),
                "comment": comment or False,
                "date_answered": fields.Datetime.now(),
            }
        )
        return True

    # -- Finding ended cases and asking ------------------------------------------

    @api.model
    def _cron_ask(self):
        for company in (
            self.env["res.company"]
            .sudo()
            .search([("collection_satisfaction_enabled", "=", True)])
        ):
            self.sudo().with_company(company)._ask_company(company)

    @api.model
    def _ask_company(self, company, today=None):
        """Record and ask about the cases of ``company`` that ended since
        the survey was switched on and were never asked about."""
        today = today or fields.Date.context_today(self)
        cases = self._ended_cases(company, today)
        known = set(
            self.search([("case_key", "in", [c["case_key"] for c in cases])]).mapped(
                "case_key"
            )
        )
        cases = [case for case in cases if case["case_key"] not in known]
        if not cases:
            return self.browse()
        cases.sort(key=lambda case: (case["date_ended"], case["case_key"]))
        interval = timedelta(days=company.collection_satisfaction_interval_days)
        since = fields.Datetime.now() - interval
        asked = set(
            self.search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", list({c["partner_id"] for c in cases})),
                    ("date_sent", ">=", since),
                ]
            ).partner_id.ids
        )
        template = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_satisfaction"
        )
        records = self.browse()
        for case in cases:
            partner = self.env["res.partner"].browse(case["partner_id"])
            # The customer's collection contact, else the case's contact,
            # else the customer: the first with an email.
            candidates = partner.collection_contact_id | case.pop("recipient") | partner
            recipient = candidates.filtered("email")[:1] or candidates[:1]
            values = dict(case, company_id=company.id, recipient_id=recipient.id)
            if partner.id in asked:
                values.update(state="skipped", skip_reason=_("Asked recently"))
            elif not recipient.email:
                values.update(state="skipped", skip_reason=_("No email address"))
            else:
                values.update(state="sent", date_sent=fields.Datetime.now())
                asked.add(partner.id)
            record = self.create(values)
            if record.state == "sent":
                template.send_mail(
                    record.id, email_layout_xmlid="mail.mail_notification_light"
                )
            records |= record
        return records

    @api.model
    def _ended_cases(self, company, today):
        """The cases of ``company`` that ended between the survey's start
        and ``today``, as dicts of values (a few queries for all)."""
        since = company.collection_satisfaction_since or today
        Move = self.env["account.move"]
        cases = []
        paid_on = self._paid_invoices(company, since, today)
        for invoice in Move.browse(list(paid_on)):
            cases.append(
                self._case(
                    "invoice_paid",
                    f"invoice_paid:{invoice.id}",
                    invoice,
                    paid_on[invoice.id],
                )
            )
        resolved = Move.search(
            [
                ("move_type", "=", "out_invoice"),
                ("company_id", "=", company.id),
                ("collection_dispute_state", "=", "resolved"),
                ("collection_dispute_date_closed", ">=", since),
                ("collection_dispute_date_closed", "<=", today),
                (
                    "collection_satisfaction_ids",
                    "not any",
                    [("case_type", "=", "dispute_resolved")],
                ),
            ]
        )
        for invoice in resolved:
            cases.append(
                self._case(
                    "dispute_resolved",
                    f"dispute_resolved:{invoice.id}",
                    invoice,
                    invoice.collection_dispute_date_closed,
                )
            )
        plans = self.env["collection.payment.plan"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "completed"),
                ("date_closed", ">=", since),
                ("date_closed", "<=", today),
            ]
        )
        for plan in plans:
            cases.append(
                {
                    "case_type": "plan_completed",
                    "case_key": f"plan_completed:{plan.id}",
                    "partner_id": plan.partner_id.commercial_partner_id.id,
                    "plan_id": plan.id,
                    "date_ended": plan.date_closed,
                    "recipient": plan.partner_id,
                }
            )
        return cases

    @api.model
    def _case(self, case_type, key, invoice, ended):
        return {
            "case_type": case_type,
            "case_key": key,
            "partner_id": invoice.commercial_partner_id.id,
            "invoice_id": invoice.id,
            "date_ended": ended,
            "recipient": invoice.partner_id,
        }

    @api.model
    def _paid_invoices(self, company, since, today):
        """``{invoice id: date paid}`` of ``company``'s invoices paid (in full)
        after at least one reminder, last matched with a payment or credit
        note between ``since`` and ``today``, and never asked about (one
        query)."""
        for model in ("account.move", "account.move.line", "account.partial.reconcile"):
            self.env[model].flush_model()
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT move.id, MAX(partial.max_date)
              FROM account_move move
              JOIN account_move_line line ON line.move_id = move.id
              JOIN account_partial_reconcile partial
                ON partial.debit_move_id = line.id
             WHERE move.company_id = %(company)s
               AND move.move_type = 'out_invoice'
               AND move.state = 'posted'
               AND move.payment_state IN ('paid', 'in_payment')
               AND move.collection_reminder_count > 0
               AND NOT EXISTS (
                   SELECT 1 FROM collection_satisfaction asked
                    WHERE asked.invoice_id = move.id
                      AND asked.case_type = 'invoice_paid')
             GROUP BY move.id
            HAVING MAX(partial.max_date) BETWEEN %(since)s AND %(today)s
            """,
            {"company": company.id, "since": since, "today": today},
        )
        return dict(self.env.cr.fetchall())

    def _email_case_text(self):
        """The case for the email, with its end date."""
        self.ensure_one()
        return _(
            "%(case)s (%(date)s)",
            case=self._case_text(),
            date=format_date(self.env, self.date_ended),
        )
