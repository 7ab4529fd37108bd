# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Requesting the write-off of an escalation case's claim, with the reason;
a collection manager approves or refuses it on the case."""

from odoo import fields, models


class CollectionCaseWriteOff(models.TransientModel):
    _name = "collection.case.write.off"
    _description = "Request a write-off"

    case_id = fields.Many2one("collection.case", required=True, ondelete="cascade")
    amount_principal = fields.Monetary(related="case_id.amount_principal")
    currency_id = fields.Many2one(related="case_id.currency_id")
    reason = fields.Text(
        required=True,
        help="Why the claim is not worth pursuing; the collection manager "
        "reads it before approving.",
    )

    def action_request(self):
        self.ensure_one()
        self.case_id._request_write_off(self.reason)
        return {"type": "ir.actions.act_window_close"}
