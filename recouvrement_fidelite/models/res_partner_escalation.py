# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A customer's escalation cases."""

from odoo import fields, models

COLLECTION_USERS = "recouvrement_fidelite.group_collection_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_is_bailiff = fields.Boolean(
        string="Commissaire de justice",
        groups=COLLECTION_USERS,
        help="Offered as the commissaire de justice of the simplified "
        "small-claims procedure of escalation cases.",
    )
    collection_case_count = fields.Integer(
        string="Escalation cases",
        compute="_compute_collection_case_count",
        groups=COLLECTION_USERS,
    )

    def _compute_collection_case_count(self):
        counts = dict(
            self.env["collection.case"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.collection_case_count = counts.get(partner.commercial_partner_id, 0)

    def action_collection_cases(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        return self.env["collection.case"]._action_for(
            [("partner_id", "=", customer.id)],
            {"default_partner_id": customer.id},
        )
