# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Insolvency proceedings of a customer: no recovery indemnity, no
injunction to pay while they last."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

INTERNAL_USERS = "base.group_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_insolvency_date = fields.Date(
        string="Insolvency proceedings since",
        tracking=True,
        groups=INTERNAL_USERS,
        help="Safeguard, receivership or liquidation opened on this date: no "
        "recovery indemnity is claimed, and no injunction to pay, while they "
        "last.",
    )
    collection_insolvency_end = fields.Date(
        string="Insolvency proceedings closed on",
        tracking=True,
        groups=INTERNAL_USERS,
    )
    collection_in_insolvency = fields.Boolean(
        string="In insolvency proceedings",
        compute="_compute_collection_in_insolvency",
        groups=INTERNAL_USERS,
    )

    @api.depends("collection_insolvency_date", "collection_insolvency_end")
    def _compute_collection_in_insolvency(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.collection_in_insolvency = partner._collection_in_insolvency(today)

    def _collection_in_insolvency(self, day):
        customer = self.commercial_partner_id
        start = customer.collection_insolvency_date
        end = customer.collection_insolvency_end
        return bool(start and start <= day and (not end or end >= day))

    @api.constrains("collection_insolvency_date", "collection_insolvency_end")
    def _check_collection_insolvency_dates(self):
        for partner in self:
            start = partner.collection_insolvency_date
            end = partner.collection_insolvency_end
            if end and not start:
                raise ValidationError(
                    _("Give the date the insolvency proceedings were opened.")
                )
            if start and end and end < start:
                raise ValidationError(
                    _("Insolvency proceedings cannot close before they open.")
                )
