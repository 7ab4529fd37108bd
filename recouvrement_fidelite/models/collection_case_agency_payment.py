# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""An amount a collection agency collected on an escalation case: its
commission, and the date the agency must remit the rest by."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CollectionCaseAgencyPayment(models.Model):
    _name = "collection.case.agency.payment"
    _description = "Amount collected by an agency"
    _order = "date, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "collection.case", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    agency_id = fields.Many2one(related="case_id.agency_id")
    date = fields.Date(string="Collected on", required=True)
    amount = fields.Monetary(string="Collected", required=True)
    reference = fields.Char(help="The agency's reference of the payment.")
    commission = fields.Monetary(
        compute="_compute_commission",
        store=True,
        help="The agency's commission on this amount, at the mandate's rate.",
    )
    remit_by = fields.Date(
        string="To remit by",
        compute="_compute_remit_by",
        store=True,
        help="The agency remits what it collected, less its commission, by "
        "this date (the mandate's period).",
    )
    remitted_date = fields.Date(
        string="Remitted on", help="When the agency paid us this amount."
    )

    @api.depends("amount", "case_id.agency_commission_rate")
    def _compute_commission(self):
        for payment in self:
            rate = payment.case_id.agency_commission_rate
            payment.commission = payment.currency_id.round(payment.amount * rate / 100)

    @api.depends("date", "case_id.agency_remit_days")
    def _compute_remit_by(self):
        for payment in self:
            payment.remit_by = (
                fields.Date.add(payment.date, days=payment.case_id.agency_remit_days)
                if payment.date
                else False
            )

    @api.constrains("amount", "date", "remitted_date")
    def _check_amount(self):
        for payment in self:
            if payment.amount <= 0:
                raise ValidationError(
                    _(
                        "An amount collected for %(case)s must be positive.",
                        case=payment.case_id.name,
                    )
                )
            if payment.remitted_date and payment.remitted_date < payment.date:
                raise ValidationError(
                    _("An amount cannot be remitted before it was collected.")
                )
