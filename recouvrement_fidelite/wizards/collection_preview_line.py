# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class CollectionPreviewLine(models.TransientModel):
    _name = "collection.preview.line"
    _description = "Rule set preview: one invoice"
    _order = "id"

    preview_id = fields.Many2one(
        "collection.preview", required=True, ondelete="cascade"
    )
    invoice_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one(
        related="invoice_id.commercial_partner_id", string="Customer"
    )
    typology_id = fields.Many2one(
        related="invoice_id.commercial_partner_id.collection_typology_id",
        string="Typology",
    )
    invoice_date_due = fields.Date(related="invoice_id.invoice_date_due")
    amount_residual = fields.Monetary(
        related="invoice_id.amount_residual_signed", string="Amount due"
    )
    currency_id = fields.Many2one(related="invoice_id.company_currency_id")
    rules = fields.Text(string="Triggered rules", readonly=True)
    decisions = fields.Text(readonly=True)
    explanation = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    outcome = fields.Text(
        string="What the run would do",
        readonly=True,
        help="What the collection run would record today for this invoice "
        "with this rule set, or why it leaves the invoice alone.",
    )
    left_alone = fields.Boolean(
        string="Left alone by the run",
        readonly=True,
        help="The collection run does not look at this invoice today "
        "(paused, disputed or not in the collection yet).",
    )

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
