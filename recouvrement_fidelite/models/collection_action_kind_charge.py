# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Invoicing late-payment charges: late interest and the recovery indemnity
of the customer's legal profile, as a draft invoice for the responsible to
review and send."""

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindCharge(models.AbstractModel):
    _name = "collection.action.kind.charge"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: invoice late-payment charges"

    _kind = "charge"
    _kind_label = _lt("Invoice late-payment charges")
    _kind_sequence = 55
    _engine_actions = ("charge_late_fees",)
    _customer_facing = True

    @api.model
    def _plan(self, decisions, planning):
        # Once a level, and only when the law gives something to charge: a
        # rule may decide it for every late invoice of a business customer.
        if not decisions:
            return []
        # The claim was worked out with the facts: something is due beyond
        # what is left to pay (interest, indemnity), both in the invoice's
        # currency.
        facts = planning.facts
        owed = planning.invoice.amount_residual
        if facts.get("total_claim", owed) <= owed:
            return []
        return super()._plan(decisions[:1], planning)

    @api.model
    def _execute(self, actions, channel):
        # Raises a CollectionFailure (a consumer, insolvency proceedings,
        # nothing left to charge): the actions fail with the reason.
        opened = actions.invoice_id.action_collection_charge_late_fees()
        charge = self.env["account.move"].browse(opened["res_id"])
        activity = charge.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Review and send the late-payment charges"),
            user_id=actions._responsible().id,
            date_deadline=fields.Date.context_today(self),
        )
        actions._mark_done(
            activity_id=activity.id,
            note=_("Draft invoice of late-payment charges: %s", charge.display_name),
        )
