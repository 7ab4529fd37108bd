# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_feedback_attachment_types = fields.Char(
        related="company_id.collection_feedback_attachment_types", readonly=False
    )
    collection_feedback_attachment_max_mb = fields.Integer(
        related="company_id.collection_feedback_attachment_max_mb", readonly=False
    )
    collection_satisfaction_enabled = fields.Boolean(
        related="company_id.collection_satisfaction_enabled", readonly=False
    )
    collection_satisfaction_interval_days = fields.Integer(
        related="company_id.collection_satisfaction_interval_days", readonly=False
    )

    def action_collection_feedback_reasons(self):
        return self._collection_action(
            "recouvrement_fidelite.collection_feedback_reason_action",
            "collection.feedback.reason",
        )
