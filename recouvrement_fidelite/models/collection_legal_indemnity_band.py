# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CollectionLegalIndemnityBand(models.Model):
    """The fixed recovery indemnity owed for a late invoice from an amount on."""

    _name = "collection.legal.indemnity.band"
    _description = "Recovery indemnity band"
    _order = "profile_id, amount_from"

    profile_id = fields.Many2one(
        "collection.legal.profile",
        string="Legal profile",
        required=True,
        ondelete="cascade",
        index=True,
    )
    currency_id = fields.Many2one(related="profile_id.indemnity_currency_id")
    amount_from = fields.Monetary(
        string="From an invoice of",
        help="The band applies to invoices of at least this amount, up to the "
        "next band.",
    )
    indemnity = fields.Monetary(required=True)

    @api.constrains("amount_from", "indemnity")
    def _check_amounts(self):
        for band in self:
            if band.amount_from < 0 or band.indemnity < 0:
                raise ValidationError(
                    _("An indemnity band cannot have a negative amount.")
                )
