# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A payment plan suspends the escalation case of its invoices while it is
active, and resumes it when it breaks or is cancelled."""

from odoo import models

from .collection_case import LIVE_STATES


class CollectionPaymentPlan(models.Model):
    _inherit = "collection.payment.plan"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            # sudo: the plan's responsible may not handle the case.
            self.env["collection.case"].sudo().search(
                [
                    ("state", "in", LIVE_STATES),
                    ("invoice_ids", "in", self.invoice_ids.ids),
                ]
            )._sync()
        return result
