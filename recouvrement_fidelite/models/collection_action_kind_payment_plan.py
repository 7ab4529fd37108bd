# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Offering a payment plan: an activity for the person responsible."""

from odoo import _, api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindPaymentPlan(models.AbstractModel):
    _name = "collection.action.kind.payment_plan"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: offer a payment plan"

    _kind = "payment_plan"
    _kind_label = _lt("Offer a payment plan")
    _kind_sequence = 40
    _engine_actions = ("offer_payment_plan",)
    _customer_facing = True

    @api.model
    def _execute(self, actions, channel):
        params = actions._main_action()._params()
        activity = actions._plan_activity(
            _("Offer a payment plan"),
            [
                _(
                    "Offer a payment plan of up to %s installments.",
                    params.get("max_installments"),
                ),
                "\n".join(actions._invoices_table()),
            ],
        )
        actions._mark_done(activity_id=activity.id)
