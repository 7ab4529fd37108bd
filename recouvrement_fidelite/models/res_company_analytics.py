# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

#: The analyses kept between refreshes that read each window.
ANALYSES_BY_WINDOW = {
    "collection_analysis_window_days": "collection.report.step",
    "collection_retention_months": "collection.report.retention",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_analysis_window_days = fields.Integer(
        string="Reaction window (days)",
        default=15,
        help="Step effectiveness: a customer who pays or reacts (portal visit, "
        "feedback, promise, payment plan) within this many days after a "
        "reminder step is counted for that step.",
    )
    collection_analysis_min_steps = fields.Integer(
        string="Steps before judging",
        default=20,
        help="A step is flagged as making nobody react only once it was "
        "sent at least this many times.",
    )
    collection_retention_months = fields.Integer(
        string="Retention window (months)",
        default=6,
        help="Retention after collection: a customer bought again when "
        "invoiced within this many months after reaching a reminder level.",
    )

    def write(self, vals):
        result = super().write(vals)
        # The analyses reading a window are kept between refreshes: a new
        # window shows at once, not the next night.
        for field, analysis in ANALYSES_BY_WINDOW.items():
            if field in vals:
                self.env[analysis].sudo().action_refresh()
        return result

    _sql_constraints = [
        (
            "collection_analysis_windows_positive",
            "CHECK(collection_analysis_window_days > 0"
            " AND collection_analysis_min_steps > 0"
            " AND collection_retention_months > 0)",
            "The analysis windows and the number of steps before judging are "
            "at least 1.",
        ),
    ]
