# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Offering a payment plan: a plan prepared for the person responsible.

The rule action ``offer_payment_plan`` prepares a payment plan for the
customer's overdue invoices, within the limits of the customer's typology
(the rule's ``max_installments`` capped by the typology's and the
company's), proposed when it fits those limits and left a draft otherwise,
and gives the responsible an activity on it to review and send it. A
customer who already has a draft, proposed or active plan gets no second
one: the activity points to the open plan.
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

#: Days between the offer and the first payment of the plan prepared.
FIRST_PAYMENT_PARAM = "recouvrement_fidelite.plan_first_payment_days"


class CollectionActionKindPaymentPlan(models.AbstractModel):
    _name = "collection.action.kind.payment_plan"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: offer a payment plan"

    _kind = "payment_plan"
    _kind_label = _lt("Offer a payment plan")
    _kind_sequence = 40
    _engine_actions = ("offer_payment_plan",)
    _customer_facing = True

    @api.model
    def _execute(self, actions, channel):
        params = actions._main_action()._params()
        plan, created = self._prepare_plan(actions, params.get("max_installments"))
        if created:
            summary = _("Review and send the payment plan %(plan)s", plan=plan.name)
        else:
            summary = _(
                "%(customer)s already has the payment plan %(plan)s",
                customer=plan.partner_id.display_name,
                plan=plan.name,
            )
        activity = plan.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note="<br/>".join(actions._invoices_table()),
            user_id=actions._responsible().id,
        )
        actions._mark_done(activity_id=activity.id)

    @api.model
    def _prepare_plan(self, actions, max_installments):
        """The customer's open plan, or a new one: ``(plan, created)``."""
        Plan = self.env["collection.payment.plan"]
        customer = actions.partner_id.commercial_partner_id[:1]
        company = actions.company_id[:1] or self.env.company
        existing = Plan.search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("state", "in", ("draft", "proposed", "active")),
            ],
            limit=1,
        )
        if existing:
            return existing, False
        today = fields.Date.context_today(self)
        invoices = (
            self.env["account.move"].search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("commercial_partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("invoice_date_due", "<", today),
                    (
                        "collection_payment_plan_ids",
                        "not any",
                        [
                            ("state", "in", ("draft", "proposed", "active")),
                        ],
                    ),
                ],
                order="invoice_date_due, id",
            )
            or actions.invoice_id
        )
        currency = invoices[:1].currency_id
        invoices = invoices.filtered(lambda i: i.currency_id == currency)
        typology = customer._collection_typology(company)
        count = self._installment_count(invoices, max_installments, typology, company)
        total = sum(invoices.mapped("amount_residual"))
        down_payment = 0.0
        if typology.plan_down_payment_required:
            down_payment = currency.round(total / (count + 1))
        days = int(
            self.env["ir.config_parameter"].sudo().get_param(FIRST_PAYMENT_PARAM, 7)
        )
        plan = Plan.create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "currency_id": currency.id,
                "invoice_ids": [fields.Command.set(invoices.ids)],
                "installment_count": count,
                "frequency": "monthly",
                "first_date": today + relativedelta(days=days),
                "down_payment": down_payment,
                "user_id": actions._responsible().id,
            }
        )
        plan.action_compute_schedule()
        if not plan._limit_breaches():
            try:
                plan.action_propose()
            except (UserError, ValidationError) as error:
                plan.message_post(body=str(error.args[0]))
        return plan, True

    @api.model
    def _installment_count(self, invoices, max_installments, typology, company):
        """The most installments the rule, the typology and the company allow,
        fewer when the typology's minimum installment asks for it."""
        limits = [
            limit
            for limit in (
                max_installments,
                typology.plan_max_installments,
                company.collection_max_installments,
            )
            if limit
        ]
        count = max(1, min(limits, default=3))
        total = sum(invoices.mapped("amount_residual"))
        # The typology's minimum is in company currency, the invoices may
        # be in another.
        minimum = company.currency_id._convert(
            typology.plan_min_installment,
            invoices[:1].currency_id or company.currency_id,
            company,
            fields.Date.context_today(self),
        )
        if minimum:
            count = max(1, min(count, int(total // minimum)))
        return count
