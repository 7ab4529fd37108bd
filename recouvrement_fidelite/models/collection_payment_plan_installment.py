# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""One installment of a payment plan, with what was paid of it.

What was paid on the plan (see ``collection.payment.plan.paid_amount``) is
allocated to its installments in date order: the earliest installment is
paid first, so an early payment pays the next installments and a partial
payment leaves the earliest unpaid one partly paid.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

INSTALLMENT_STATUSES = [
    ("paid", "Paid"),
    ("partial", "Partly paid"),
    ("due", "Due"),
    ("late", "Late"),
]


class CollectionPaymentPlanInstallment(models.Model):
    _name = "collection.payment.plan.installment"
    _description = "Payment plan installment"
    _order = "plan_id, date_due, sequence, id"

    plan_id = fields.Many2one(
        "collection.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_state = fields.Selection(related="plan_id.state", string="Plan state")
    sequence = fields.Integer(default=10)
    is_down_payment = fields.Boolean(string="Down payment")
    date_due = fields.Date(string="Due on", required=True)
    amount = fields.Monetary(required=True)
    paid_amount = fields.Monetary(
        string="Paid",
        compute="_compute_paid_amount",
        store=True,
        help="Share of the payments received on the plan's invoices, given to "
        "the installments in date order.",
    )
    payment_state = fields.Selection(
        [("not_paid", "Not paid"), ("partial", "Partly paid"), ("paid", "Paid")],
        compute="_compute_paid_amount",
        store=True,
        index=True,
    )
    notice_sent = fields.Boolean(
        string="Courtesy email sent", readonly=True, copy=False
    )
    reminder_sent = fields.Boolean(string="Reminder sent", readonly=True, copy=False)
    status = fields.Selection(
        INSTALLMENT_STATUSES,
        compute="_compute_status",
        help="Paid; late once its date has passed without being paid in full "
        "(even partly paid); partly paid before its date; due otherwise.",
    )

    @api.depends(
        "amount",
        "date_due",
        "plan_id.paid_amount",
        "plan_id.installment_ids.amount",
        "plan_id.installment_ids.date_due",
    )
    def _compute_paid_amount(self):
        for plan in self.plan_id:
            left = plan.paid_amount
            rounding = plan.currency_id.rounding
            for installment in plan.installment_ids.sorted(
                lambda i: (i.date_due, i.sequence, i.id or 0)
            ):
                paid = plan.currency_id.round(min(max(left, 0.0), installment.amount))
                left -= paid
                installment.paid_amount = paid
                if float_is_zero(paid, precision_rounding=rounding):
                    installment.payment_state = "not_paid"
                elif (
                    float_compare(paid, installment.amount, precision_rounding=rounding)
                    >= 0
                ):
                    installment.payment_state = "paid"
                else:
                    installment.payment_state = "partial"
        for installment in self - self.plan_id.installment_ids:
            installment.paid_amount = 0.0
            installment.payment_state = "not_paid"

    @api.depends("payment_state", "date_due")
    @api.depends_context("date")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for installment in self:
            if installment.payment_state == "paid":
                installment.status = "paid"
            elif installment.date_due and installment.date_due < today:
                installment.status = "late"
            elif installment.payment_state == "partial":
                installment.status = "partial"
            else:
                installment.status = "due"

    def _check_plan_draft(self):
        if self.env.su:
            return
        if self.plan_id.filtered(lambda p: p.state != "draft"):
            raise UserError(
                _("The schedule of a plan changes only while the plan is a draft.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        installments = super().create(vals_list)
        installments._check_plan_draft()
        return installments

    def write(self, vals):
        if {"amount", "date_due", "plan_id", "is_down_payment"}.intersection(vals):
            self._check_plan_draft()
        return super().write(vals)

    def unlink(self):
        self._check_plan_draft()
        return super().unlink()
