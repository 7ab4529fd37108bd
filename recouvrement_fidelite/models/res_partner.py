# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the collection department knows about a customer.

Everything lives on the commercial entity (the company, or an individual
without parent) and is copied to its contacts as commercial fields, except
the payment history and the suggestion, which only the commercial entity
has, and the phone checks, which are per contact.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.sql import column_exists
from odoo.tools.translate import LazyTranslate

from ..engine import normalize_phone
from ..engine.concepts import CUSTOMER_TYPES, PREFERRED_CHANNELS
from .account_move import COLLECTION_USERS, INTERNAL_USERS
from .engine_texts import phone_reason_text
from .failure_messages import message, render

_lt = LazyTranslate(__name__)

WEEKDAY_FIELDS = [
    "collection_call_monday",
    "collection_call_tuesday",
    "collection_call_wednesday",
    "collection_call_thursday",
    "collection_call_friday",
    "collection_call_saturday",
    "collection_call_sunday",
]
HOUR_FIELDS = [
    "collection_call_morning_from",
    "collection_call_morning_to",
    "collection_call_afternoon_from",
    "collection_call_afternoon_to",
]


def _company_call_hour(field_name):
    """Default call hour of a new customer: the company's (Settings)."""

    def default(partner):
        company = partner.env.company
        if partner.pool._init and not column_exists(
            partner.env.cr, company._table, field_name
        ):
            # The module is being installed: the partners' columns are
            # filled before the company's exist; use the company's default.
            return company._fields[field_name].default(company)
        return company[field_name]

    return default


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_typology_id = fields.Many2one(
        "collection.typology",
        string="Typology",
        tracking=True,
        index=True,
        groups=INTERNAL_USERS,
    )
    collection_portal_valid_until = fields.Date(
        string="Collection link valid until",
        compute="_compute_collection_portal_link",
        groups=COLLECTION_USERS,
        help="The link to the collection page that reminders carry works "
        "without logging in until this date. Empty: the next reminder makes one.",
    )
    collection_portal_last_visit = fields.Datetime(
        string="Last visit of the collection page",
        compute="_compute_collection_portal_link",
        groups=COLLECTION_USERS,
    )
    collection_customer_type = fields.Selection(
        list(CUSTOMER_TYPES),
        string="Customer type",
        compute="_compute_collection_customer_type",
        store=True,
        readonly=False,
        tracking=True,
        help="Derived from the company flag, and derived again when the flag "
        "changes; may be changed (e.g. a sole trader buying for private use "
        "is a consumer). Decides which legal rules apply: the recovery "
        "indemnity and the charging of collection costs are for businesses "
        "only.",
        groups=INTERNAL_USERS,
    )
    collection_suggested_typology_id = fields.Many2one(
        "collection.typology",
        string="Suggested typology",
        readonly=True,
        help="The first typology, in sequence order, whose criteria fit the "
        "customer's payment history over the period set in Settings (12 "
        "months by default).",
        groups=INTERNAL_USERS,
    )
    collection_late_ratio = fields.Float(
        string="Paid late (%)",
        readonly=True,
        help="Share of the invoices of the payment history period (Settings, "
        "12 months by default), due by now, that were paid after their due "
        "date or are still unpaid past it.",
        groups=INTERNAL_USERS,
    )
    collection_average_days_late = fields.Float(
        string="Average delay (days)",
        readonly=True,
        help="Average number of days past the due date of the invoices paid "
        "late (counted until today for those still unpaid).",
        groups=INTERNAL_USERS,
    )
    collection_invoiced = fields.Float(
        string="Invoiced over the period",
        readonly=True,
        help="Amount invoiced over the payment history period (Settings, 12 "
        "months by default), taxes included, in company currency.",
        groups=INTERNAL_USERS,
    )
    collection_invoice_count = fields.Integer(
        string="Invoices over the period",
        readonly=True,
        groups=INTERNAL_USERS,
    )
    collection_stats_date = fields.Date(
        string="Payment history computed on",
        readonly=True,
        groups=INTERNAL_USERS,
    )

    collection_preferred_channel = fields.Selection(
        list(PREFERRED_CHANNELS),
        string="Preferred channel",
        groups=INTERNAL_USERS,
    )
    collection_call_monday = fields.Boolean(
        string="Monday", default=True, groups=INTERNAL_USERS
    )
    collection_call_tuesday = fields.Boolean(
        string="Tuesday", default=True, groups=INTERNAL_USERS
    )
    collection_call_wednesday = fields.Boolean(
        string="Wednesday", default=True, groups=INTERNAL_USERS
    )
    collection_call_thursday = fields.Boolean(
        string="Thursday", default=True, groups=INTERNAL_USERS
    )
    collection_call_friday = fields.Boolean(
        string="Friday", default=True, groups=INTERNAL_USERS
    )
    collection_call_saturday = fields.Boolean(string="Saturday", groups=INTERNAL_USERS)
    collection_call_sunday = fields.Boolean(string="Sunday", groups=INTERNAL_USERS)
    collection_call_morning_from = fields.Float(
        string="Morning from",
        default=_company_call_hour("collection_call_morning_from"),
        help="Hours when the customer may be called. New customers get the "
        "company's default call hours (Settings > Collection). The same hour "
        "twice: no call in that half of the day.",
        groups=INTERNAL_USERS,
    )
    collection_call_morning_to = fields.Float(
        string="Morning to",
        default=_company_call_hour("collection_call_morning_to"),
        groups=INTERNAL_USERS,
    )
    collection_call_afternoon_from = fields.Float(
        string="Afternoon from",
        default=_company_call_hour("collection_call_afternoon_from"),
        groups=INTERNAL_USERS,
    )
    collection_call_afternoon_to = fields.Float(
        string="Afternoon to",
        default=_company_call_hour("collection_call_afternoon_to"),
        groups=INTERNAL_USERS,
    )
    collection_contact_id = fields.Many2one(
        "res.partner",
        string="Collection contact",
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('id', '!=', id)]",
        index="btree_not_null",
        help="The person to contact about unpaid invoices, among the "
        "customer's contacts.",
        groups=INTERNAL_USERS,
    )
    collection_monthly_statement = fields.Boolean(
        string="Monthly statement of account",
        help="The customer wishes to receive a statement of account every month.",
        groups=INTERNAL_USERS,
    )
    collection_pause_until = fields.Date(
        string="Reminders paused until",
        tracking=True,
        help="No reminder is sent to the customer up to and including this date.",
        groups=INTERNAL_USERS,
    )
    collection_pause_reason = fields.Char(
        string="Pause reason", tracking=True, groups=INTERNAL_USERS
    )
    collection_paused = fields.Boolean(
        string="Reminders paused",
        compute="_compute_collection_paused",
        search="_search_collection_paused",
        groups=INTERNAL_USERS,
    )
    collection_user_id = fields.Many2one(
        "res.users",
        string="Collection responsible",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The person in charge of collecting this customer's invoices.",
        groups=INTERNAL_USERS,
    )
    collection_note = fields.Html(string="Collection notes", groups=INTERNAL_USERS)

    collection_action_count = fields.Integer(
        string="Collection actions",
        compute="_compute_collection_action_count",
        groups=COLLECTION_USERS,
    )
    collection_payment_plan_count = fields.Integer(
        string="Payment plans",
        compute="_compute_collection_payment_plan_count",
        groups=COLLECTION_USERS,
    )
    collection_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_collection_phones",
        store=True,
        groups=INTERNAL_USERS,
    )
    collection_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_collection_phones",
        store=True,
        groups=INTERNAL_USERS,
    )
    collection_sms_number = fields.Char(
        string="Number for SMS",
        compute="_compute_collection_phones",
        store=True,
        help="A valid mobile number, in E.164 form, to send SMS reminders to.",
        groups=INTERNAL_USERS,
    )
    collection_phone_invalid = fields.Boolean(
        string="Invalid phone number",
        compute="_compute_collection_phones",
        store=True,
        index=True,
        help="The phone or mobile number cannot be read as a valid number. It "
        "is kept as typed; correct it on the contact.",
        groups=INTERNAL_USERS,
    )
    # Not stored: worded in the language of whoever reads it.
    collection_phone_issue = fields.Char(
        string="Phone number problem",
        compute="_compute_collection_phone_issue",
        groups=INTERNAL_USERS,
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
            *WEEKDAY_FIELDS,
            *HOUR_FIELDS,
        ]

    def _collection_typology(self, company):
        """The customer's typology as ``company`` sees it: a shared typology
        or one of ``company``'s. Another company's typology (set on a customer
        both companies share) is that company's business, and its users only
        may read it."""
        self.ensure_one()
        typology = self.commercial_partner_id.collection_typology_id
        if typology.sudo().company_id not in (company, company.browse()):
            return typology.browse()
        return typology

    @api.depends("is_company", "commercial_partner_id.is_company")
    def _compute_collection_customer_type(self):
        # Recomputed only when the company flag changes, so a type chosen by
        # hand stays until then. Contacts take their commercial entity's type
        # (and then its chosen type, through the commercial fields sync).
        for partner in self:
            is_company = partner.commercial_partner_id.is_company or partner.is_company
            partner.collection_customer_type = "b2b" if is_company else "b2c"

    @api.depends(
        "collection_pause_until", "commercial_partner_id.collection_pause_until"
    )
    def _compute_collection_paused(self):
        today = fields.Date.context_today(self)
        for partner in self:
            until = (
                partner.commercial_partner_id.collection_pause_until
                or partner.collection_pause_until
            )
            partner.collection_paused = bool(until and until >= today)

    def _search_collection_paused(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on paused reminders."))
        today = fields.Date.context_today(self)
        paused = [("commercial_partner_id.collection_pause_until", ">=", today)]
        if (operator == "=") == value:
            return paused
        return ["!", *paused]

    def _collection_phone_checks(self):
        """``{"phone": PhoneCheck, "mobile": PhoneCheck}`` of this partner.

        A number without international prefix is read in the partner's
        country, or else in its commercial entity's (a contact often has no
        address of its own).
        """
        self.ensure_one()
        country = self.country_id.code or self.commercial_partner_id.country_id.code
        return {
            field: normalize_phone(self[field] or "", country)
            for field in ("phone", "mobile")
        }

    @api.depends("phone", "mobile", "country_id", "commercial_partner_id.country_id")
    def _compute_collection_phones(self):
        for partner in self:
            checks = partner._collection_phone_checks()
            partner.collection_phone_e164 = checks["phone"].e164 or False
            partner.collection_mobile_e164 = checks["mobile"].e164 or False
            mobile = next(
                (
                    check
                    for check in (checks["mobile"], checks["phone"])
                    if check.valid and check.is_mobile
                ),
                None,
            )
            partner.collection_sms_number = mobile.e164 if mobile else False
            partner.collection_phone_invalid = any(
                check.status == "invalid" for check in checks.values()
            )

    @api.depends("phone", "mobile", "country_id", "commercial_partner_id.country_id")
    @api.depends_context("lang")
    def _compute_collection_phone_issue(self):
        for partner in self:
            issues = []
            for field, check in partner._collection_phone_checks().items():
                if check.status != "invalid":
                    continue
                issues.append(
                    self.env._(
                        "%(field)s “%(number)s”: %(reason)s",
                        field=self._fields[field].get_description(self.env)["string"],
                        number=check.raw,
                        reason=phone_reason_text(self.env, check),
                    )
                )
            partner.collection_phone_issue = "; ".join(issues) or False

    @api.constrains(*HOUR_FIELDS)
    def _check_collection_call_hours(self):
        for partner in self:
            problems = self._collection_call_hour_problems(
                *(partner[name] for name in HOUR_FIELDS)
            )
            if problems:
                raise ValidationError(
                    _(
                        "Call hours of %(partner)s: %(problems)s.",
                        partner=partner.display_name,
                        problems="; ".join(problems),
                    )
                )

    @api.model
    def _collection_call_hour_problems(
        self, morning_from, morning_to, afternoon_from, afternoon_to
    ):
        """What is wrong with call hours (a customer's or a company's
        defaults), in the user's language; empty when they are right."""
        problems = []
        if any(
            not 0 <= hour <= 24
            for hour in (morning_from, morning_to, afternoon_from, afternoon_to)
        ):
            problems.append(_("hours must be between 00:00 and 24:00"))
        if morning_from > morning_to:
            problems.append(_("the morning range ends before it starts"))
        if afternoon_from > afternoon_to:
            problems.append(_("the afternoon range ends before it starts"))
        if (
            morning_from < morning_to
            and afternoon_from < afternoon_to
            and morning_to > afternoon_from
        ):
            problems.append(_("the morning range ends after the afternoon starts"))
        return problems

    @api.constrains("collection_pause_until")
    def _check_collection_pause_until(self):
        today = fields.Date.context_today(self)
        # Only the commercial entity's pause is a decision; contacts receive
        # a copy, possibly of a pause that has ended since.
        for partner in self.filtered(lambda p: p.commercial_partner_id == p):
            if (
                partner.collection_pause_until
                and partner.collection_pause_until < today
            ):
                raise ValidationError(
                    _(
                        "Reminders for %(partner)s cannot be paused until "
                        "%(date)s: that date is past. Choose a later date, or "
                        "clear it to end the pause.",
                        partner=partner.display_name,
                        date=fields.Date.to_string(partner.collection_pause_until),
                    )
                )

    @api.constrains("collection_contact_id", "parent_id", "is_company")
    def _check_collection_contact(self):
        # Checked from both ends: when the contact is chosen, and when a
        # chosen contact leaves for another company.
        customers = self | self.sudo().with_context(active_test=False).search(
            [("collection_contact_id", "in", self.ids)]
        )
        for customer in customers.filtered("collection_contact_id"):
            contact = customer.collection_contact_id
            if (
                contact == customer
                or contact.commercial_partner_id != customer.commercial_partner_id
            ):
                raise ValidationError(
                    _(
                        "%(contact)s cannot be the collection contact of "
                        "%(customer)s: choose one of the customer's own contacts.",
                        contact=contact.display_name,
                        customer=customer.commercial_partner_id.display_name,
                    )
                )

    @api.onchange("collection_pause_until")
    def _onchange_collection_pause_until(self):
        if not self.collection_pause_until:
            self.collection_pause_reason = False

    def write(self, vals):
        # Ending a pause ends its reason too (the chatter keeps both).
        if (
            "collection_pause_until" in vals
            and not vals["collection_pause_until"]
            and "collection_pause_reason" not in vals
        ):
            vals = dict(vals, collection_pause_reason=False)
        return super().write(vals)

    def _collection_call_windows(self):
        """Days (0 = Monday) and hour ranges when the customer may be called."""
        self.ensure_one()
        partner = self.commercial_partner_id
        days = [index for index, name in enumerate(WEEKDAY_FIELDS) if partner[name]]
        ranges = [
            (partner.collection_call_morning_from, partner.collection_call_morning_to),
            (
                partner.collection_call_afternoon_from,
                partner.collection_call_afternoon_to,
            ),
        ]
        return days, [(start, end) for start, end in ranges if end > start]

    # Who speaks to the customer

    def _collection_contact_user(self, invoices=None, company=None):
        """The person reminders name as this customer's contact and who signs
        them: the customer's collection responsible, else the salesperson of
        the (first) invoice, else the company's default contact for
        customers (Settings); empty when none of them is a person who can
        answer.

        Only active internal users count: a technical user (OdooBot, which
        creates the invoices of scheduled jobs and imports) or an archived
        one cannot answer a customer's call or email.
        """
        customer = self.commercial_partner_id[:1]
        invoices = invoices or self.env["account.move"]
        company = company or invoices.company_id[:1] or self.env.company
        candidates = [
            customer.collection_user_id,
            invoices[:1].invoice_user_id,
            company.collection_contact_user_id,
        ]
        for user in candidates:
            if user and user.active and not user.share and user.id != SUPERUSER_ID:
                return user
        return self.env["res.users"]

    def _collection_contact_values(self, invoices=None, company=None):
        """How reminders name the customer's contact: ``name``, ``email``,
        ``phone`` and ``email_formatted`` (the sender), and ``partner`` (the
        author of the message). The person of :meth:`_collection_contact_user`,
        else the company itself; what the person lacks (an email, a phone) is
        the company's. Mail templates, letters and the dispatch all read
        this one method.
        """
        invoices = invoices or self.env["account.move"]
        company = company or invoices.company_id[:1] or self.env.company
        user = self._collection_contact_user(invoices, company)
        if user.email:
            email_formatted = user.email_formatted
        else:
            email_formatted = company.email_formatted if company.email else ""
        return {
            "user": user,
            "partner": user.partner_id or company.partner_id,
            "name": user.name or company.name or "",
            "email": user.email or company.email or "",
            "phone": user.phone or user.mobile or company.phone or "",
            "email_formatted": email_formatted,
        }

    # Reaching the customer

    def _collection_channel_checks(self, recipient):
        """Which channels reach this customer, writing to ``recipient`` (their
        collection contact, or the invoice's contact): ``{channel: bool}``.

        The one place that says so: the rules' fact "reachable channels" and
        the dispatch of actions (which falls back or fails with the reason of
        :meth:`_collection_unreachable_reason`) both read it.
        """
        self.ensure_one()
        customer = self.commercial_partner_id
        people = recipient | customer
        return {
            "portal": True,
            "email": bool(recipient.email or customer.email),
            "sms": bool(
                recipient.collection_sms_number or customer.collection_sms_number
            ),
            "letter": bool(customer.street and customer.zip and customer.city),
            "phone": any(
                person.collection_phone_e164 or person.collection_mobile_e164
                for person in people
            ),
        }

    def _collection_reachable_channels(self, recipient):
        checks = self._collection_channel_checks(recipient)
        return [channel for channel, reachable in checks.items() if reachable]

    def _collection_unreachable_reason(self, recipient, channel):
        """Why ``channel`` does not reach this customer, in the user's
        language; empty when it does."""
        data = self._collection_unreachable_data(recipient, channel)
        return render(self.env, data) if data else ""

    def _collection_unreachable_data(self, recipient, channel):
        """Why ``channel`` does not reach this customer, as a message to word
        in the reader's language (``failure_messages``); None when it does."""
        if self._collection_channel_checks(recipient).get(channel, True):
            return None
        customer = self.commercial_partner_id
        if channel == "email":
            return message(_lt("the customer has no email address"))
        if channel == "sms":
            issue = recipient.collection_phone_issue or customer.collection_phone_issue
            return (
                message(_lt("no valid mobile number (%(issue)s)"), issue=issue)
                if issue
                else message(_lt("the customer has no mobile number"))
            )
        if channel == "letter":
            return message(_lt("the customer's postal address is incomplete"))
        return message(_lt("the customer has no valid phone number"))

    # Payment history

    @api.model
    def _collection_payment_stats(self, partner_ids, company, months=None):
        """Payment history of commercial partners over the last ``months``
        (by default the company's payment history period, in Settings).

        One query for all partners. The invoices are the customer invoices
        posted with an invoice date in the period (those cancelled by a
        credit note excluded). An invoice is paid on the latest date of its
        reconciliations, or of the payments matched without journal entry,
        once nothing is left to pay. Its delay is the days from its due date
        to that date, or to today while it is unpaid; it counts once it is
        paid or due, and it was paid late when its delay is positive.

        Returns ``{partner_id: {"late_ratio" (0-100), "average_days_late"
        (over the late invoices), "invoiced" (taxes included, company
        currency), "invoice_count", "broken_promises" (promises to pay
        broken or partially kept, decided in the period)}}``.
        """
        today = fields.Date.context_today(self)
        months = months or company.collection_history_months
        date_from = today - relativedelta(months=months)
        stats = {
            partner_id: {
                "late_ratio": 0.0,
                "average_days_late": 0.0,
                "invoiced": 0.0,
                "invoice_count": 0,
            }
            for partner_id in partner_ids
        }
        if not stats:
            return stats
        for model in (
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
            "account.payment",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            WITH invoice AS MATERIALIZED (
                SELECT move.commercial_partner_id AS partner_id,
                       move.amount_total_signed AS amount,
                       COALESCE(move.invoice_date_due, move.invoice_date) AS due,
                       CASE WHEN move.payment_state IN ('paid', 'in_payment')
                            THEN GREATEST(
                                (SELECT MAX(partial.max_date)
                                   FROM account_move_line line
                                   JOIN account_partial_reconcile partial
                                     ON partial.debit_move_id = line.id
                                  WHERE line.move_id = move.id
                                    AND line.display_type = 'payment_term'),
                                (SELECT MAX(payment.date)
                                   FROM account_move__account_payment rel
                                   JOIN account_payment payment
                                     ON payment.id = rel.payment_id
                                  WHERE rel.invoice_id = move.id
                                    AND payment.move_id IS NULL
                                    AND payment.state IN ('in_process', 'paid')))
                       END AS paid_on
                  FROM account_move move
                 WHERE move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state NOT IN ('reversed', 'invoicing_legacy')
                   AND move.company_id = %(company)s
                   AND move.commercial_partner_id = ANY(%(partners)s)
                   AND move.invoice_date >= %(date_from)s
                   AND move.invoice_date <= %(today)s
            ), delay AS (
                SELECT partner_id, amount,
                       CASE WHEN paid_on IS NOT NULL THEN paid_on - due
                            WHEN due < %(today)s THEN %(today)s - due
                       END AS days
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
        for row in self.env.cr.fetchall():
            partner_id, count, invoiced, counted, late_count, average = row
            stats[partner_id] = {
                "late_ratio": 100.0 * late_count / counted if counted else 0.0,
                "average_days_late": float(average),
                "invoiced": float(invoiced),
                "invoice_count": count,
            }
        # Promises to pay broken (or kept only in part) over the same period.
        promises = self.env["collection.promise"]._history(
            list(partner_ids), company, date_from
        )
        for partner_id, figures in stats.items():
            figures["broken_promises"] = promises.get(partner_id, {}).get("broken", 0)
        return stats

    @api.model
    def _collection_history_companies(self, customers):
        """The company whose invoices make each customer's payment history.

        The customer's own company when it has one; for customers shared
        between companies, the company that invoiced them most over the
        period (figures stay in one currency), or else the current company.
        People count only the invoices of their active companies, as they
        would see them; the scheduler (superuser) counts them all.
        """
        companies = {}
        shared = customers.filtered(lambda customer: not customer.company_id)
        if shared:
            # Companies are compared over the current company's period.
            date_from = fields.Date.context_today(self) - relativedelta(
                months=self.env.company.collection_history_months
            )
            self.env["account.move"].flush_model(
                ["commercial_partner_id", "company_id", "move_type", "state"]
            )
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (commercial_partner_id)
                       commercial_partner_id, company_id
                  FROM account_move
                 WHERE move_type = 'out_invoice'
                   AND state = 'posted'
                   AND commercial_partner_id = ANY(%s)
                   AND invoice_date >= %s
                   AND (%s OR company_id = ANY(%s))
                 GROUP BY commercial_partner_id, company_id
                 ORDER BY commercial_partner_id, COUNT(*) DESC, company_id
                """,
                [shared.ids, date_from, self.env.su, self.env.companies.ids],
            )
            companies = dict(self.env.cr.fetchall())
        Company = self.env["res.company"]
        return {
            customer: customer.company_id
            or Company.browse(companies.get(customer.id))
            or self.env.company
            for customer in customers
        }

    def action_collection_compute_suggestion(self):
        """Compute the payment history and suggested typology of these customers."""
        customers = self.commercial_partner_id
        today = fields.Date.context_today(self)
        by_company = defaultdict(lambda: self.browse())
        for customer, company in self._collection_history_companies(customers).items():
            by_company[company] |= customer
        Typology = self.env["collection.typology"]
        for company, partners in by_company.items():
            stats = self._collection_payment_stats(partners.ids, company)
            candidates = Typology._suggestion_candidates(company)
            for partner in partners:
                figures = stats[partner.id]
                partner.write(
                    {
                        "collection_late_ratio": figures["late_ratio"],
                        "collection_average_days_late": figures["average_days_late"],
                        "collection_invoiced": figures["invoiced"],
                        "collection_invoice_count": figures["invoice_count"],
                        "collection_stats_date": today,
                        "collection_suggested_typology_id": candidates._pick(
                            figures
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
    def _collection_customer_domain(self):
        """Commercial entities that are customers (or have a contact who is)."""
        return [
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            "|",
            ("customer_rank", ">", 0),
            ("child_ids.customer_rank", ">", 0),
        ]

    @api.model
    def _cron_collection_suggest_typologies(self, batch_size=500):
        """Monthly: refresh suggestions, apply those allowed automatically.

        Works in batches of customers whose history was not computed today,
        reports its progress to the scheduler (which calls it again until
        nothing is left), and once every customer is done, applies the
        suggestions of typologies marked "apply automatically". A typology
        that is not suggested from payment history (e.g. key account) was
        chosen by a person and is never replaced.
        """
        today = fields.Date.context_today(self)
        todo = [
            *self._collection_customer_domain(),
            "|",
            ("collection_stats_date", "=", False),
            ("collection_stats_date", "<", today),
        ]
        batch = self.search(todo, limit=batch_size, order="id")
        batch.action_collection_compute_suggestion()
        remaining = self.search_count(todo)
        if not remaining:
            self._collection_apply_automatic_suggestions()
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        if remaining:
            cron = self.env.ref(
                "recouvrement_fidelite.ir_cron_collection_suggest_typologies",
                raise_if_not_found=False,
            )
            if cron:
                cron._trigger()
        return True

    @api.model
    def _collection_apply_automatic_suggestions(self):
        """Apply the suggestions allowed to be applied automatically."""
        partners = self.search(
            [
                *self._collection_customer_domain(),
                ("collection_suggested_typology_id.auto_apply", "=", True),
                ("collection_suggested_typology_id.suggest", "=", True),
            ]
        ).filtered(
            lambda partner: (
                partner.collection_typology_id
                != partner.collection_suggested_typology_id
                and (
                    not partner.collection_typology_id
                    or partner.collection_typology_id.suggest
                )
            )
        )
        partners.action_collection_apply_suggestion()
        return partners

    # -- The customer's collection page (portal) --------------------------------

    def _collection_portal_url(self, company=None, short=False):
        """A valid link to the collection page of this customer's commercial
        entity in ``company`` (the current one by default), created when there
        is none; ``short`` gives the short link for SMS."""
        self.ensure_one()
        company = company or self.env.company
        access = self.env["collection.portal.access"]._get_valid(self, company)
        return access._url(short=short)

    def _collection_portal_accesses(self):
        return (
            self.env["collection.portal.access"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                    ("revoked", "=", False),
                ]
            )
        )

    def _compute_collection_portal_link(self):
        today = fields.Date.context_today(self)
        accesses = self._collection_portal_accesses()
        for partner in self:
            mine = accesses.filtered(
                lambda a, p=partner: (
                    a.partner_id == p.commercial_partner_id and a.expiry_date >= today
                )
            )
            partner.collection_portal_valid_until = max(
                mine.mapped("expiry_date"), default=False
            )
            partner.collection_portal_last_visit = max(
                (v for v in mine.mapped("last_visit") if v), default=False
            )

    def action_collection_portal_revoke(self):
        """Revoke the customer's collection links: the former links answer
        "not found"; the next reminder carries a new one."""
        self._check_collection_portal_rights()
        self._collection_portal_accesses().write({"revoked": True})
        return True

    def action_collection_portal_new_link(self):
        """Revoke the former link and make a new one."""
        self._check_collection_portal_rights()
        self.action_collection_portal_revoke()
        for partner in self:
            partner._collection_portal_url()
        return True

    def _check_collection_portal_rights(self):
        if not self.env.user.has_group("recouvrement_fidelite.group_collection_user"):
            raise AccessError(
                _("Only a credit controller may revoke or renew a collection link.")
            )

    def _compute_collection_action_count(self):
        counts = dict(
            self.env["collection.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.collection_action_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def _compute_collection_payment_plan_count(self):
        counts = dict(
            self.env["collection.payment.plan"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.collection_payment_plan_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_collection_payment_plans(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        return self.env["collection.payment.plan"]._action_for(
            [("partner_id", "=", customer.id)], {"default_partner_id": customer.id}
        )

    def action_view_collection_actions(self):
        """The customer's collection history: every decision and why."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    # Customer follow-up: what the customer owes and where collection stands,
    # in one place. Figures of the current company, computed per batch: one
    # balance query (collection.engine._customer_balances) and one search of
    # the open invoices, never one query per customer.

    collection_followup_currency_id = fields.Many2one(
        "res.currency",
        string="Follow-up currency",
        compute="_compute_collection_followup",
        groups=COLLECTION_USERS,
    )
    collection_followup_owed = fields.Monetary(
        string="Owed",
        currency_field="collection_followup_currency_id",
        compute="_compute_collection_followup",
        help="What the customer owes in total, due or not, net of their credit "
        "notes and payments not yet matched.",
        groups=COLLECTION_USERS,
    )
    collection_followup_overdue = fields.Monetary(
        string="Overdue",
        currency_field="collection_followup_currency_id",
        compute="_compute_collection_followup",
        groups=COLLECTION_USERS,
    )
    collection_followup_overdue_since = fields.Date(
        string="Overdue since",
        compute="_compute_collection_followup",
        help="Due date of the oldest open invoice past due.",
        groups=COLLECTION_USERS,
    )
    collection_followup_level_id = fields.Many2one(
        "collection.level",
        string="Level reached",
        compute="_compute_collection_followup",
        help="The highest reminder level reached on the open invoices.",
        groups=COLLECTION_USERS,
    )
    collection_followup_last_reminder = fields.Date(
        string="Last reminder",
        compute="_compute_collection_followup",
        groups=COLLECTION_USERS,
    )
    collection_followup_next_action = fields.Many2one(
        "collection.level",
        string="Next level",
        compute="_compute_collection_followup",
        help="The next reminder level of the customer's scenario, on the open "
        "invoice that reaches one first; what the run will actually do is in "
        "the actions waiting for approval or dispatch.",
        groups=COLLECTION_USERS,
    )
    collection_followup_next_action_date = fields.Date(
        string="Next level from",
        compute="_compute_collection_followup",
        groups=COLLECTION_USERS,
    )
    collection_followup_invoice_ids = fields.Many2many(
        "account.move",
        string="Open invoices",
        compute="_compute_collection_followup",
        groups=COLLECTION_USERS,
    )
    collection_followup_action_ids = fields.Many2many(
        "collection.action",
        string="Collection history",
        compute="_compute_collection_followup",
        groups=COLLECTION_USERS,
    )
    collection_followup_open = fields.Boolean(
        string="Owes something",
        compute="_compute_collection_followup",
        search="_search_collection_followup_open",
        groups=COLLECTION_USERS,
    )

    @api.depends_context("company")
    def _compute_collection_followup(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        customers = self.commercial_partner_id
        balances = self.env["collection.engine"]._customer_balances(
            customers.ids, company, today
        )
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", customers.ids),
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial", "in_payment")),
                ("amount_residual", ">", 0),
            ],
            order="invoice_date_due, id",
        )
        by_customer = defaultdict(lambda: self.env["account.move"])
        for invoice in invoices:
            by_customer[invoice.commercial_partner_id.id] |= invoice
        actions = self.env["collection.action"].search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", company.id),
            ]
        )
        actions_by_customer = defaultdict(lambda: self.env["collection.action"])
        for action in actions:
            actions_by_customer[action.partner_id.id] |= action
        for partner in self:
            customer = partner.commercial_partner_id
            balance = balances.get(customer.id, {})
            open_invoices = by_customer[customer.id]
            overdue = open_invoices.filtered(
                lambda inv: (inv.invoice_date_due or inv.invoice_date) < today
            )
            levels = open_invoices.collection_level_id.sorted("level_number")
            planned = open_invoices.filtered("collection_next_action_date").sorted(
                "collection_next_action_date"
            )[:1]
            reminders = open_invoices.filtered("collection_last_reminder_date")
            partner.collection_followup_currency_id = company.currency_id
            partner.collection_followup_owed = balance.get("balance", 0.0)
            partner.collection_followup_overdue = balance.get("overdue_amount", 0.0)
            partner.collection_followup_overdue_since = (
                min(inv.invoice_date_due or inv.invoice_date for inv in overdue)
                if overdue
                else False
            )
            partner.collection_followup_level_id = levels[-1:]
            partner.collection_followup_last_reminder = (
                max(reminders.mapped("collection_last_reminder_date"))
                if reminders
                else False
            )
            partner.collection_followup_next_action = planned.collection_next_level_id
            partner.collection_followup_next_action_date = (
                planned.collection_next_action_date
            )
            partner.collection_followup_invoice_ids = open_invoices
            partner.collection_followup_action_ids = actions_by_customer[customer.id]
            partner.collection_followup_open = balance.get("balance", 0.0) > 0

    def _search_collection_followup_open(self, operator, value):
        """Customers who owe something to the current company (their
        receivable lines not yet reconciled add up to more than zero)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValueError(_("Unsupported search on whether a customer owes."))
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            """
            SELECT partner.commercial_partner_id
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.company_id = %s
             GROUP BY partner.commercial_partner_id
            HAVING SUM(line.amount_residual) > 0
            """,
            [self.env.company.id],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    # Promises to pay

    collection_promise_count = fields.Integer(
        string="Promises",
        compute="_compute_collection_promise_count",
        groups=COLLECTION_USERS,
    )

    def _compute_collection_promise_count(self):
        counts = dict(
            self.env["collection.promise"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.collection_promise_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_view_collection_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_promise_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def signup_prepare(self, signup_type="signup"):
        # Each notification email to a customer without a user gives them a
        # link to sign up, and Odoo writes the customer's signup type again
        # for each email (the write synchronises the commercial entity's
        # contacts). A reminder leaves the partners already of that type.
        if self.env.context.get("collection_reminder_post"):
            self = self.filtered(
                lambda partner: partner.sudo().signup_type != signup_type
            )
            if not self:
                return True
        return super().signup_prepare(signup_type=signup_type)
