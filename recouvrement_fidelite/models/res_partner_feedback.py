# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's feedback and ratings, in their collection tab."""

from odoo import fields, models

from .account_move import COLLECTION_USERS


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_feedback_ids = fields.One2many(
        "collection.feedback",
        "partner_id",
        string="Customer feedback",
        readonly=True,
        groups=COLLECTION_USERS,
    )
    collection_satisfaction_ids = fields.One2many(
        "collection.satisfaction",
        "partner_id",
        string="Satisfaction with the collection",
        readonly=True,
        domain=[("state", "=", "answered")],
        groups=COLLECTION_USERS,
    )
    collection_feedback_count = fields.Integer(
        string="Feedback",
        compute="_compute_collection_feedback_count",
        groups=COLLECTION_USERS,
    )
    collection_last_rating = fields.Integer(
        string="Last rating of the collection",
        compute="_compute_collection_feedback_count",
        groups=COLLECTION_USERS,
        help="The customer's latest rating, from 1 to 5 (0: never rated).",
    )

    def _compute_collection_feedback_count(self):
        customers = self.commercial_partner_id
        counts = dict(
            self.env["collection.feedback"]._read_group(
                [("partner_id", "in", customers.ids)], ["partner_id"], ["__count"]
            )
        )
        latest = {}
        for answer in self.env["collection.satisfaction"].search(
            [("partner_id", "in", customers.ids), ("state", "=", "answered")],
            order="date_answered desc, id desc",
        ):
            latest.setdefault(answer.partner_id, answer.rating)
        for partner in self:
            customer = partner.commercial_partner_id
            partner.collection_feedback_count = counts.get(customer, 0)
            partner.collection_last_rating = latest.get(customer, 0)

    def action_view_collection_feedback(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        return self.env["collection.feedback"]._action_for(
            [("partner_id", "=", customer.id)]
        )
