# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

from ..engine import normalize_phone

CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("phone", "Phone call"),
    ("portal", "Customer portal"),
]
WEEKDAY_FIELDS = [
    "collection_call_monday",
    "collection_call_tuesday",
    "collection_call_wednesday",
    "collection_call_thursday",
    "collection_call_friday",
    "collection_call_saturday",
    "collection_call_sunday",
]
PHONE_REASONS = {
    "unknown_country": lambda: _(
        "the country calling code is unknown, or the number has no "
        "international prefix and the customer has no country"
    ),
    "not_a_number": lambda: _("this is not a phone number"),
    "too_short": lambda: _("the number is too short"),
    "too_long": lambda: _("the number is too long"),
    "invalid_length": lambda: _("the number has a wrong length for its country"),
    "local_only": lambda: _("the number can only be dialled locally; add its area code"),
    "not_assigned": lambda: _("no such number exists in its country"),
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_typology_id = fields.Many2one(
        "collection.typology", string="Typology", tracking=True, index=True
    )
    collection_customer_type = fields.Selection(
        [("b2b", "Business (B2B)"), ("b2c", "Consumer (B2C)")],
        string="Customer type",
        compute="_compute_collection_customer_type",
        store=True,
        readonly=False,
        help="Derived from the company flag; may be changed.",
    )
    collection_suggested_typology_id = fields.Many2one(
        "collection.typology", string="Suggested typology", readonly=True
    )
    collection_late_ratio = fields.Float(string="Paid late (%)", readonly=True)
    collection_average_days_late = fields.Float(
        string="Average delay (days)", readonly=True
    )
    collection_invoiced = fields.Float(string="Invoiced over the period", readonly=True)
    collection_invoice_count = fields.Integer(
        string="Invoices over the period", readonly=True
    )
    collection_stats_date = fields.Date(string="Payment history computed on", readonly=True)

    collection_preferred_channel = fields.Selection(CHANNELS, string="Preferred channel")
    collection_call_monday = fields.Boolean(string="Monday", default=True)
    collection_call_tuesday = fields.Boolean(string="Tuesday", default=True)
    collection_call_wednesday = fields.Boolean(string="Wednesday", default=True)
    collection_call_thursday = fields.Boolean(string="Thursday", default=True)
    collection_call_friday = fields.Boolean(string="Friday", default=True)
    collection_call_saturday = fields.Boolean(string="Saturday")
    collection_call_sunday = fields.Boolean(string="Sunday")
    collection_call_morning_from = fields.Float(string="Morning from", default=10.0)
    collection_call_morning_to = fields.Float(string="Morning to", default=13.0)
    collection_call_afternoon_from = fields.Float(string="Afternoon from", default=14.0)
    collection_call_afternoon_to = fields.Float(string="Afternoon to", default=20.0)
    collection_contact_id = fields.Many2one(
        "res.partner",
        string="Collection contact",
        domain="[('id', 'child_of', id), ('id', '!=', id)]",
        help="The person to contact about unpaid invoices.",
    )
    collection_monthly_statement = fields.Boolean(
        string="Monthly statement of account",
        help="The customer wishes to receive a statement of account every month.",
    )
    collection_pause_until = fields.Date(string="Reminders paused until", tracking=True)
    collection_pause_reason = fields.Char(string="Pause reason", tracking=True)
    collection_paused = fields.Boolean(
        string="Reminders paused",
        compute="_compute_collection_paused",
        search="_search_collection_paused",
    )
    collection_user_id = fields.Many2one(
        "res.users", string="Collection responsible", tracking=True
    )
    collection_note = fields.Html(string="Collection notes")

    collection_phone_e164 = fields.Char(
        string="Phone (E.164)", compute="_compute_collection_phones", store=True
    )
    collection_mobile_e164 = fields.Char(
        string="Mobile (E.164)", compute="_compute_collection_phones", store=True
    )
    collection_sms_number = fields.Char(
        string="Number for SMS",
        compute="_compute_collection_phones",
        store=True,
        help="A valid mobile number, in E.164 form, to send SMS reminders to.",
    )
    collection_phone_issue = fields.Char(
        string="Phone number problem", compute="_compute_collection_phones", store=True
    )
    collection_phone_invalid = fields.Boolean(
        string="Invalid phone number",
        compute="_compute_collection_phones",
        store=True,
        index=True,
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "collection_typology_id",
            "collection_customer_type",
            "collection_preferred_channel",
            "collection_monthly_statement",
            "collection_pause_until",
            "collection_pause_reason",
            "collection_user_id",
        ]

    @api.depends("is_company", "commercial_partner_id.is_company")
    def _compute_collection_customer_type(self):
        for partner in self:
            if not partner.collection_customer_type:
                is_company = partner.commercial_partner_id.is_company or partner.is_company
                partner.collection_customer_type = "b2b" if is_company else "b2c"

    @api.depends("collection_pause_until")
    def _compute_collection_paused(self):
        today = fields.Date.context_today(self)
        for partner in self:
            until = partner.commercial_partner_id.collection_pause_until
            partner.collection_paused = bool(until and until >= today)

    def _search_collection_paused(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on paused reminders."))
        today = fields.Date.context_today(self)
        paused = [("commercial_partner_id.collection_pause_until", ">=", today)]
        if (operator == "=") == value:
            return paused
        return ["!", *paused]

    @api.depends("phone", "mobile", "country_id")
    def _compute_collection_phones(self):
        for partner in self:
            country = partner.country_id.code or partner.commercial_partner_id.country_id.code
            checks = {
                field: normalize_phone(partner[field] or "", country)
                for field in ("phone", "mobile")
            }
            partner.collection_phone_e164 = checks["phone"].e164
            partner.collection_mobile_e164 = checks["mobile"].e164
            mobile = next(
                (c for c in (checks["mobile"], checks["phone"]) if c.valid and c.is_mobile),
                None,
            )
            partner.collection_sms_number = mobile.e164 if mobile else False
            issues = []
            for field, check in checks.items():
                if check.status == "invalid":
                    reason = PHONE_REASONS.get(check.reason_code, lambda: check.reason)()
                    label = self._fields[field].get_description(self.env)["string"]
                    issues.append(f"{label} «{check.raw}»: {reason}")
            partner.collection_phone_issue = "; ".join(issues) or False
            partner.collection_phone_invalid = bool(issues)

    def _collection_call_windows(self):
        """Days (0 = Monday) and hour ranges when the customer may be called."""
        self.ensure_one()
        partner = self.commercial_partner_id
        days = [index for index, name in enumerate(WEEKDAY_FIELDS) if partner[name]]
        ranges = [
            (partner.collection_call_morning_from, partner.collection_call_morning_to),
            (partner.collection_call_afternoon_from, partner.collection_call_afternoon_to),
        ]
        return days, [(start, end) for start, end in ranges if end > start]

    # Payment history

    @api.model
    def _collection_payment_stats(self, partner_ids, company, months=12):
        """Payment history of commercial partners over the last ``months``.

        One query for all partners. For each invoice posted in the period
        whose due date has passed, the delay is the days from the due date
        to its full payment (or to today when it is not fully paid); the
        invoice was paid late when the delay is positive. Returns
        ``{partner_id: {"late_ratio", "average_days_late", "invoiced",
        "invoice_count"}}``.
        """
        today = fields.Date.context_today(self)
        date_from = today - relativedelta(months=months)
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            """
            WITH invoice AS (
                SELECT move.commercial_partner_id AS partner_id,
                       move.amount_total_signed AS amount,
                       COALESCE(move.invoice_date_due, move.invoice_date) AS due,
                       CASE WHEN move.payment_state IN ('paid', 'in_payment')
                            THEN (SELECT MAX(partial.max_date)
                                    FROM account_move_line line
                                    JOIN account_partial_reconcile partial
                                      ON partial.debit_move_id = line.id
                                   WHERE line.move_id = move.id
                                     AND line.display_type = 'payment_term')
                       END AS paid_on
                  FROM account_move move
                 WHERE move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.company_id = %(company)s
                   AND move.commercial_partner_id = ANY(%(partners)s)
                   AND move.invoice_date >= %(date_from)s
            ), delay AS (
                SELECT partner_id, amount, due,
                       CASE WHEN due < %(today)s
                            THEN COALESCE(paid_on, %(today)s) - due END AS days
                  FROM invoice
            )
            SELECT partner_id,
                   COUNT(*),
                   COALESCE(SUM(amount), 0),
                   COUNT(days),
                   COUNT(*) FILTER (WHERE days > 0),
                   COALESCE(AVG(days) FILTER (WHERE days > 0), 0)
              FROM delay
             GROUP BY partner_id
            """,
            {
                "company": company.id,
                "partners": list(partner_ids),
                "date_from": date_from,
                "today": today,
            },
        )
        stats = {
            partner_id: {
                "late_ratio": 0.0,
                "average_days_late": 0.0,
                "invoiced": 0.0,
                "invoice_count": 0,
            }
            for partner_id in partner_ids
        }
        for partner_id, count, invoiced, due_count, late_count, average in (
            self.env.cr.fetchall()
        ):
            stats[partner_id] = {
                "late_ratio": 100.0 * late_count / due_count if due_count else 0.0,
                "average_days_late": float(average),
                "invoiced": float(invoiced),
                "invoice_count": count,
            }
        return stats

    def action_collection_compute_suggestion(self):
        """Compute payment history and suggested typology of these customers."""
        partners = self.commercial_partner_id
        Typology = self.env["collection.typology"]
        company = self.env.company
        stats = self._collection_payment_stats(partners.ids, company)
        today = fields.Date.context_today(self)
        for partner in partners:
            figures = stats[partner.id]
            partner.write(
                {
                    "collection_late_ratio": figures["late_ratio"],
                    "collection_average_days_late": figures["average_days_late"],
                    "collection_invoiced": figures["invoiced"],
                    "collection_invoice_count": figures["invoice_count"],
                    "collection_stats_date": today,
                    "collection_suggested_typology_id": Typology._suggest_for(
                        figures, company
                    ).id,
                }
            )
        return True

    def action_collection_apply_suggestion(self):
        """Set the suggested typology on these customers."""
        for partner in self.commercial_partner_id.filtered(
            "collection_suggested_typology_id"
        ):
            partner.collection_typology_id = partner.collection_suggested_typology_id
        return True

    @api.model
    def _cron_collection_suggest_typologies(self, batch_size=500):
        """Monthly: refresh suggestions, apply those allowed automatically."""
        customers = self.search(
            [("customer_rank", ">", 0), ("is_company", "=", True)]
        ) | self.search([("customer_rank", ">", 0), ("parent_id", "=", False)])
        done = 0
        for start in range(0, len(customers), batch_size):
            batch = customers[start : start + batch_size]
            batch.action_collection_compute_suggestion()
            batch.filtered(
                lambda p: p.collection_suggested_typology_id.auto_apply
                and p.collection_typology_id != p.collection_suggested_typology_id
            ).action_collection_apply_suggestion()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(customers) - done
            )
        return True
