# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The debtor's agreement in the simplified small-claims procedure: the
enforceable title and the agreed schedule, which becomes a payment plan."""

from datetime import timedelta

from odoo import fields, models

from ..models.collection_payment_plan import FREQUENCIES


class CollectionCaseAgreement(models.TransientModel):
    _name = "collection.case.agreement"
    _description = "Agreement in the simplified small-claims procedure"

    case_id = fields.Many2one("collection.case", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="case_id.currency_id")
    amount_principal = fields.Monetary(related="case_id.amount_principal")
    title_ref = fields.Char(
        string="Enforceable title",
        required=True,
        help="The reference the commissaire de justice gave the title.",
    )
    installment_count = fields.Integer(
        string="Number of installments", default=1, required=True
    )
    frequency = fields.Selection(FREQUENCIES, default="monthly", required=True)
    first_date = fields.Date(
        string="First payment on",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
    )
    down_payment = fields.Monetary(string="Down payment")

    def action_confirm(self):
        self.ensure_one()
        plan = self.case_id._small_claims_agreed(
            self.title_ref,
            {
                "installment_count": self.installment_count,
                "frequency": self.frequency,
                "first_date": self.first_date,
                "down_payment": self.down_payment,
            },
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.payment.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
