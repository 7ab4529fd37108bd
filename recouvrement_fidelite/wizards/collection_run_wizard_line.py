# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from ..models.collection_action import CHANNELS, STATES

#: What a dry-run decision would become, in the dry run's words: an action
#: the run records as approved is carried out at once, nobody approves it.
DRY_RUN_STATES = [
    (state, "Carried out" if state == "approved" else label) for state, label in STATES
]


class CollectionRunWizardLine(models.TransientModel):
    _name = "collection.run.wizard.line"
    _description = "Dry run of the collection: one decision"

    wizard_id = fields.Many2one(
        "collection.run.wizard", required=True, ondelete="cascade"
    )
    selected = fields.Boolean(
        string="Send",
        default=True,
        help="Untick to leave this action out when running for real.",
    )
    dedup_key = fields.Char(readonly=True)
    invoice_id = fields.Many2one("account.move", string="Invoice")
    partner_id = fields.Many2one("res.partner", string="Customer")
    level_id = fields.Many2one("collection.level", string="Level")
    kind = fields.Selection(selection="_kind_selection")
    channel = fields.Selection(CHANNELS)
    state = fields.Selection(DRY_RUN_STATES, string="Would be")
    rule = fields.Char()
    explanation = fields.Text()
    failure_reason = fields.Text(string="Problem")
    amount_residual = fields.Monetary(
        related="invoice_id.amount_residual_signed", string="Amount due"
    )
    currency_id = fields.Many2one(related="invoice_id.company_currency_id")

    @api.model
    def _kind_selection(self):
        return self.env["collection.action.kind"]._selection()
