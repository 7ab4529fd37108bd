# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Telling the person responsible for the customer something (an activity)."""

from odoo import _, api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindNotify(models.AbstractModel):
    _name = "collection.action.kind.notify"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: notify the responsible"

    _kind = "notify"
    _kind_label = _lt("Notify the responsible")
    _kind_sequence = 60
    _engine_actions = ("notify_responsible",)

    @api.model
    def _dedup_extra(self, decision, planning):
        # Another message is another notice.
        return self._digest(decision.params.get("message") or decision.rule)

    @api.model
    def _execute(self, actions, channel):
        main = actions._main_action()
        # Without a message of its own, the notice is titled with the rule's
        # name, in the language of the person who reads it.
        title = main._params().get("message") or (
            main.rule_id.with_context(lang=actions._responsible().lang).name
            or main.rule
            or _("Collection")
        )
        activity = actions._plan_activity(
            title,
            ["\n".join(actions._invoices_table()), actions[:1].explanation or ""],
        )
        actions._mark_done(activity_id=activity.id)
