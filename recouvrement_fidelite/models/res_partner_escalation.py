# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A customer's escalation cases."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

COLLECTION_USERS = "recouvrement_fidelite.group_collection_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_is_bailiff = fields.Boolean(
        string="Commissaire de justice",
        groups=COLLECTION_USERS,
        help="Offered as the commissaire de justice of the simplified "
        "small-claims procedure of escalation cases.",
    )
    collection_is_agency = fields.Boolean(
        string="Collection agency",
        groups=COLLECTION_USERS,
        help="Offered as the collection agency escalation cases are handed "
        "over to, on the commission terms below.",
    )
    collection_agency_commission = fields.Float(
        string="Agency commission (%)",
        digits=(16, 2),
        groups=COLLECTION_USERS,
        help="The agency's pay: this share of what it collects.",
    )
    collection_agency_remit_days = fields.Integer(
        string="Agency remits funds within (days)",
        default=30,
        groups=COLLECTION_USERS,
        help="Days the agency has to remit the funds it collects (France: one "
        "month at most, CPCE R124-1 and following).",
    )
    collection_case_count = fields.Integer(
        string="Escalation cases",
        compute="_compute_collection_case_count",
        groups=COLLECTION_USERS,
    )

    @api.constrains("collection_agency_commission", "collection_agency_remit_days")
    def _check_collection_agency_terms(self):
        for partner in self:
            if not 0 <= partner.collection_agency_commission <= 100:
                raise ValidationError(
                    _("An agency's commission is between 0 and 100 %.")
                )
            if (
                partner.collection_is_agency
                and partner.collection_agency_remit_days < 1
            ):
                raise ValidationError(
                    _("An agency remits the funds it collects within one day at least.")
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
