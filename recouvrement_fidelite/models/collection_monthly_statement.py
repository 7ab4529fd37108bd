# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The monthly statement of account, sent without the customer asking.

At each month end, a scheduled action emails the statement of account (PDF)
with the link to their collection page to:

- the customers who asked for a monthly statement
  (``res.partner.collection_monthly_statement``, set by the back office or
  by the customer in their contact preferences);
- the customers whose small amounts a rule grouped into the statement (the
  ``group_in_statement`` action, ``collection.action.kind.statement``): those
  actions wait, pending, for this statement, and are done once it is sent.

One record per customer, company and month says what happened (sent,
nothing owed, failed): a customer never gets the same month's statement
twice, whatever the runs (unique key). The month of a statement is the
month whose last day is today, or the last month ended; a month is
processed once for the company (``res.company.collection_statement_period``),
so a customer who asks for a statement in the middle of a month gets their
first at its end, and a month end the server missed is caught up the day
after.
"""

import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .account_move import COLLECTION_MANAGER_GROUP

_logger = logging.getLogger(__name__)

STATEMENT_STATES = [
    ("sent", "Sent"),
    ("nothing", "Nothing owed"),
    ("failed", "Failed"),
]


class CollectionMonthlyStatement(models.Model):
    _name = "collection.monthly.statement"
    _description = "Monthly statement of account"
    _order = "period desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    period = fields.Date(
        string="Month ending on",
        required=True,
        readonly=True,
        help="The last day of the month the statement is for.",
    )
    state = fields.Selection(STATEMENT_STATES, required=True, readonly=True)
    date_sent = fields.Datetime(string="Sent on", readonly=True)
    balance = fields.Monetary(
        string="Balance stated", readonly=True, currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    message_id = fields.Many2one("mail.message", string="Email", readonly=True)
    action_ids = fields.Many2many(
        "collection.action",
        "collection_monthly_statement_action_rel",
        "statement_id",
        "action_id",
        string="Grouped reminders",
        readonly=True,
        help="The invoices a rule grouped into this statement instead of "
        "reminding them one by one.",
    )
    failure_reason = fields.Text(string="Problem", readonly=True)

    _sql_constraints = [
        (
            "customer_month_unique",
            "unique(partner_id, company_id, period)",
            "A customer gets one statement per company and month.",
        )
    ]

    # -- which month, which customers -----------------------------------------

    @api.model
    def _period_due(self, today):
        """The last day of the month whose statements are due on ``today``:
        today when it is a month end, else the last day of last month."""
        month_end = today + relativedelta(day=31)
        if today == month_end:
            return today
        return today + relativedelta(day=1) - relativedelta(days=1)

    @api.model
    def _customers_due(self, company, period):
        """Customers of ``company`` to send ``period``'s statement to, who
        have none for it yet."""
        asked = (
            self.env["res.partner"]
            .sudo()
            .search([("collection_monthly_statement", "=", True)])
            .commercial_partner_id
        ) & self._customers_owing(company)
        grouped = self._grouped_actions(company).partner_id.commercial_partner_id
        done = (
            self.sudo()
            .search([("company_id", "=", company.id), ("period", "=", period)])
            .partner_id
        )
        return (asked | grouped) - done

    @api.model
    def _customers_owing(self, company):
        """Customers with something open in ``company``'s receivables (what
        a statement states), in one grouped query: a customer who asked for
        a statement but has nothing open there gets none from it."""
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "!=", 0),
                    ("partner_id", "!=", False),
                ],
                ["partner_id"],
            )
        )
        partners = (
            self.env["res.partner"].sudo().browse(partner.id for (partner,) in groups)
        )
        return partners.commercial_partner_id

    @api.model
    def _grouped_actions(self, company, customer=None):
        """Actions waiting to be grouped into the next statement."""
        domain = [
            ("kind", "=", "statement"),
            ("state", "=", "pending"),
            ("company_id", "=", company.id),
        ]
        if customer:
            domain.append(("partner_id", "child_of", customer.id))
        return self.env["collection.action"].sudo().search(domain)

    # -- the scheduled action -------------------------------------------------

    @api.model
    def _cron_send_monthly_statements(self, batch_size=200, today=None):
        """Daily: send the month's statements once the month has ended, in
        batches (the scheduler calls again until every company is done)."""
        today = today or fields.Date.context_today(self)
        period = self._period_due(today)
        remaining = 0
        done = 0
        for company in self.env["res.company"].sudo().search([]):
            last = company.collection_statement_period
            if last and last >= period:
                continue
            if not last and today != period:
                # First run, in the middle of a month: the first statements
                # are the next month end's, not the last month's.
                company.collection_statement_period = period
                continue
            customers = self._customers_due(company, period)
            batch, rest = customers[:batch_size], customers[batch_size:]
            for customer in batch:
                self._send(customer, company, period)
            done += len(batch)
            remaining += len(rest)
            if not rest:
                company.collection_statement_period = period
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            cron = self.env.ref(
                "recouvrement_fidelite.ir_cron_collection_monthly_statements",
                raise_if_not_found=False,
            )
            if cron:
                cron._trigger()
        return True

    @api.model
    def _send(self, customer, company, period):
        """Send ``period``'s statement to ``customer`` for ``company`` and
        record it; the grouped actions are done once it is sent."""
        Statement = self.sudo()
        actions = self._grouped_actions(company, customer)
        values = {
            "partner_id": customer.id,
            "company_id": company.id,
            "period": period,
            "action_ids": [fields.Command.set(actions.ids)],
        }
        data = self.env["collection.portal.access"]._statement_data(customer, company)
        if not data["rows"]:
            statement = Statement.create(dict(values, state="nothing"))
            if actions:
                actions.write(
                    {
                        "state": "cancelled",
                        "note": _(
                            "Not sent: nothing was owed any more at the month end."
                        ),
                    }
                )
                actions._log_history()
            return statement
        recipient = customer.collection_contact_id or customer
        try:
            with self.env.cr.savepoint():
                if not (recipient.email or customer.email):
                    raise UserError(
                        _(
                            "%(customer)s has no email address to send the "
                            "statement to.",
                            customer=recipient.display_name,
                        )
                    )
                message = self._post(customer, company, period, data, actions)
                statement = Statement.create(
                    dict(
                        values,
                        state="sent",
                        date_sent=fields.Datetime.now(),
                        balance=data["balance"],
                        message_id=message.id,
                    )
                )
                actions._mark_done(message_id=message.id)
        except Exception as error:  # noqa: BLE001 - recorded on the statement
            _logger.warning(
                "Monthly statement of %s (%s) not sent: %s",
                customer.display_name,
                company.name,
                error,
            )
            statement = Statement.create(
                dict(values, state="failed", failure_reason=str(error) or repr(error))
            )
        return statement

    @api.model
    def _post(self, customer, company, period, data, actions):
        """Email the statement (PDF) with the page link; posted on the
        customer, sent through the mail queue."""
        lang = customer.lang or company.partner_id.lang
        customer = customer.sudo().with_company(company).with_context(lang=lang)
        pdf, __ = (
            self.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            .with_context(lang=lang)
            ._render_qweb_pdf(
                "recouvrement_fidelite.action_report_collection_statement",
                customer.ids,
                data={"company_id": company.id},
            )
        )
        month = format_date(customer.env, period, date_format="MMMM y")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": customer.env._(
                        "Statement of account - %(month)s.pdf", month=month
                    ),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": customer.id,
                }
            )
        )
        template = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_monthly_statement"
        )
        statement = {
            "period": period,
            "company_name": company.name,
            "url": customer._collection_portal_url(company),
            "balance": data["balance"],
            "overdue": data["overdue"],
            "currency": data["currency"],
            "grouped": actions.invoice_id.filtered("amount_residual").sorted(
                "invoice_date_due"
            ),
            "contact": customer._collection_contact_values(company=company),
        }
        message = customer.with_context(
            mail_notify_force_send=False, collection_statement=statement
        ).message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            attachment_ids=attachment.ids,
        )
        return message[:1]

    def action_send_again(self):
        """Send a failed statement again (collection managers)."""
        if not self.env.user.has_group(COLLECTION_MANAGER_GROUP):
            raise AccessError(_("Only collection managers may send a statement again."))
        for statement in self.filtered(lambda s: s.state == "failed"):
            customer, company, period = (
                statement.partner_id,
                statement.company_id,
                statement.period,
            )
            statement.sudo().unlink()
            self.browse()._send(customer, company, period)
        return True
