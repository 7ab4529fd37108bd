# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A cost of an escalation case (registered letters, a commissaire de
justice's fees, court fees), and who bears it.

Costs the creditor bears are recorded and never claimed: in France, the
simplified small-claims procedure is at the creditor's expense, and
collection costs without an enforceable title stay with the creditor (CPCE
L111-8). Only the costs marked as borne by the debtor add to the claim.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .collection_case import STAGES

BORNE_BY = [
    ("creditor", "Us (creditor)"),
    ("debtor", "The debtor"),
]


class CollectionCaseCost(models.Model):
    _name = "collection.case.cost"
    _description = "Escalation case cost"
    _order = "date, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "collection.case", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    name = fields.Char(string="Description", required=True)
    stage = fields.Selection(
        STAGES,
        help="The stage the cost belongs to.",
    )
    amount = fields.Monetary(required=True)
    borne_by = fields.Selection(
        BORNE_BY,
        string="Borne by",
        required=True,
        default="creditor",
        help="Costs borne by the debtor add to the claim; ours are recorded only.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Paid to",
        help="The commissaire de justice, agency, court or carrier.",
    )

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.amount <= 0:
                raise ValidationError(
                    _(
                        "A cost of %(case)s must be a positive amount.",
                        case=cost.case_id.name,
                    )
                )

    @api.constrains("stage", "borne_by")
    def _check_borne_by(self):
        for cost in self:
            # CPCE L125-1: the simplified procedure is at the
            # creditor's expense.
            if cost.stage == "small_claims" and cost.borne_by == "debtor":
                raise ValidationError(
                    _(
                        "The costs of the simplified small-claims procedure are "
                        "borne by the creditor (%(case)s): record them as ours.",
                        case=cost.case_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "stage" not in vals and vals.get("case_id"):
                vals["stage"] = (
                    self.env["collection.case"].browse(vals["case_id"]).stage
                )
        return super().create(vals_list)
