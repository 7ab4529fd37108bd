# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_plan(self, reconciliation_plan):
        # A payment reconciled with the invoices of a payment plan may pay
        # the plan in full: it is completed at once, not at the next daily
        # check. Every reconciliation (a payment registered, an outstanding
        # payment added to the invoice, a bank statement line) goes through
        # here.
        result = super()._reconcile_plan(reconciliation_plan)
        lines = self.browse().union(*_flatten(reconciliation_plan))
        self.env["collection.payment.plan"]._complete_paid_plans(lines.move_id)
        return result


def _flatten(plan):
    """The recordsets of a reconciliation plan (nested lists of them)."""
    for item in plan:
        if isinstance(item, models.BaseModel):
            yield item
        else:
            yield from _flatten(item)
