# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Escalating an invoice to a stage (formal notice, small claims, agency…)."""

from odoo import _, api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindEscalation(models.AbstractModel):
    _name = "collection.action.kind.escalation"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: escalation"

    _kind = "escalation"
    _kind_label = _lt("Escalation")
    _kind_sequence = 50
    _engine_actions = ("escalate",)
    _customer_facing = True

    @api.model
    def _dedup_extra(self, decision, planning):
        return decision.params["stage"]

    @api.model
    def _stage_label(self, stage, company):
        """An escalation stage as the catalogue names it, in the user's language."""
        if not stage:
            return _("(none)")
        words = self.env["collection.engine"]._words(company)
        specs = words.actions.get("escalate", {}).get("params", [])
        options = next((p.get("options") for p in specs if p["name"] == "stage"), [])
        return words.show(stage, options)

    @api.model
    def _execute(self, actions, channel):
        params = actions._main_action()._params()
        stage = self._stage_label(params.get("stage"), actions.company_id[:1])
        activity = actions._plan_activity(
            _("Escalate: %s", stage),
            ["\n".join(actions._invoices_table()), actions[:1].explanation or ""],
        )
        actions._mark_done(activity_id=activity.id)
