# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_analysis_window_days = fields.Integer(
        related="company_id.collection_analysis_window_days", readonly=False
    )
    collection_analysis_min_steps = fields.Integer(
        related="company_id.collection_analysis_min_steps", readonly=False
    )
    collection_retention_months = fields.Integer(
        related="company_id.collection_retention_months", readonly=False
    )
