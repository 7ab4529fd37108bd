# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a customer did on their collection page: visits and posts.

One row per visit or form sent, per commercial entity and company. The rules
read it (a visit since the last reminder), the analytics count reactions after
a reminder step, and the portal limits how many forms a customer may send per
hour (``collection_portal_post_limit``) so that a script cannot flood the
back office with feedback or requests.
"""

from datetime import timedelta

from odoo import api, fields, models

#: What a customer can do on the collection page. ``visit`` is a page view;
#: every other type is a form sent and counts towards the rate limit.
EVENT_TYPES = [
    ("visit", "Visit"),
    ("feedback", "Feedback"),
    ("promise", "Promise to pay"),
    ("plan_request", "Payment plan request"),
    ("contact_preferences", "Contact preferences"),
    ("payment", "Payment started"),
    ("rating", "Satisfaction rating"),
    ("courtesy_answer", "Answer to a courtesy reminder"),
]


class CollectionPortalEvent(models.Model):
    _name = "collection.portal.event"
    _description = "Collection page event"
    _order = "create_date desc, id desc"
    _log_access = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", readonly=True
    )
    access_id = fields.Many2one(
        "collection.portal.access",
        string="Link used",
        ondelete="set null",
        readonly=True,
        help="Empty when the customer was logged in on the portal.",
    )
    event_type = fields.Selection(
        EVENT_TYPES, string="Event", required=True, readonly=True, index=True
    )
    res_model = fields.Char(string="Record model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", readonly=True
    )

    @api.model
    def _log(self, partner, company, event_type, access=None, record=None):
        """Record that ``partner``'s commercial entity did ``event_type`` on
        its collection page (``record``: what the form created)."""
        return self.sudo().create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "company_id": company.id,
                "access_id": access.id if access else False,
                "event_type": event_type,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
            }
        )

    @api.model
    def _posts_left(self, partner, company):
        """How many more forms ``partner``'s commercial entity may send in
        ``company`` this hour (the company's limit minus those of the last
        hour)."""
        since = fields.Datetime.now() - timedelta(hours=1)
        sent = self.sudo().search_count(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("event_type", "!=", "visit"),
                ("create_date", ">=", since),
            ]
        )
        return max(company.collection_portal_post_limit - sent, 0)
