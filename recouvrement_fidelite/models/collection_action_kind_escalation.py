# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Escalating invoices to a stage (formal notice, small claims, agency…):
the rules' ``escalate`` decision opens the customer's escalation case, or
adds the invoices to it and moves it forward (``collection.case``)."""

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools.translate import LazyTranslate

from .account_move import COLLECTION_MANAGER_GROUP

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
    def _plan(self, decisions, planning):
        planned = super()._plan(decisions, planning)
        if planned and planning.state != "proposed":
            # An escalation waits for a collection manager when the level
            # (as any action) or the customer's typology asks for it.
            customer = planning.invoice.commercial_partner_id
            typology = customer._collection_typology(planning.session.company)
            if typology.escalation_requires_approval:
                for values in planned:
                    values["state"] = "proposed"
        return planned

    @api.model
    def _dedup_extra(self, decision, planning):
        return decision.params["stage"]

    @api.model
    def _group_key(self, action):
        # One case per customer and currency; a stage at a time.
        return (action._params().get("stage"), action.invoice_id.currency_id.id)

    @api.model
    def _check_approval(self, actions):
        """A proposed escalation is approved by a collection manager."""
        if not (self.env.su or self.env.user.has_group(COLLECTION_MANAGER_GROUP)):
            raise AccessError(
                _(
                    "Only a collection manager may approve an escalation "
                    "(formal notice, small claims, agency, write-off)."
                )
            )

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
        main = actions._main_action()
        stage = main._params().get("stage")
        explanation = main.explanation or ""
        origin = "\n".join([_("Decided by the collection rules."), explanation]).strip()
        # Raises a CollectionFailure when the law refuses the stage (above
        # the threshold, insolvency, time-barred): the actions fail with the
        # reason, nothing written (``_execute_isolated``'s savepoint).
        case = self.env["collection.case"]._escalate(
            actions.invoice_id,
            stage,
            user=actions._responsible(),
            origin=origin,
        )
        actions._mark_done(
            collection_case_id=case.id,
            activity_id=case.activity_ids[-1:].id,
            note=_(
                "Escalation case %(case)s, stage %(stage)s.",
                case=case.name,
                stage=self._stage_label(case.stage, case.company_id),
            ),
        )
