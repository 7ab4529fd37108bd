# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Pausing a customer's reminders for a number of days."""

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindPause(models.AbstractModel):
    _name = "collection.action.kind.pause"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: pause reminders"

    _kind = "pause"
    _kind_label = _lt("Pause reminders")
    _kind_sequence = 30
    _engine_actions = ("pause_reminders",)

    @api.model
    def _dedup_extra(self, decision, planning):
        # One pause a day: a rule that keeps deciding it extends it daily.
        return str(planning.today)

    @api.model
    def _execute(self, actions, channel):
        params = actions._main_action()._params()
        partner = actions.partner_id.commercial_partner_id
        until = fields.Date.add(
            fields.Date.context_today(actions), days=int(params.get("days") or 1)
        )
        if not partner.collection_pause_until or partner.collection_pause_until < until:
            partner.write(
                {
                    "collection_pause_until": until,
                    "collection_pause_reason": params.get("reason"),
                }
            )
        actions._mark_done()
