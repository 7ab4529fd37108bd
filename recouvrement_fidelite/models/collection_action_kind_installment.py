# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Installment reminders: each installment of an active payment plan is
reminded as an invoice is.

The rule action ``remind_installments`` (decided on an invoice covered by an
active plan) plans, for the installments due for a reminder today, one
reminder per channel of the level reached: the levels of the customer's
scenario, their delays counted from the installment's date (a courtesy
reminder before it, reminders after it; see ``collection.engine.
_installments_due``, which gives them with the facts, so that planning asks
nothing more of the database). Each reminder is recorded once per
installment, level and channel, whatever the invoice that carries it; it
waits for approval when its level or the customer's typology asks for it,
leaves on the level's fallback channel when its own cannot reach the
customer, and is sent with the installment's wording on the plan's history
(``collection.payment.plan.installment._remind``). The level's call is an
activity on the plan for the person responsible, planned as the rules'
calls are, done once its outcome is recorded. The invoices' own
reminder record is left as it is: these are the plan's reminders.
"""

from odoo import _, api, models
from odoo.tools.translate import LazyTranslate

from .failure_messages import render

_lt = LazyTranslate(__name__)


class CollectionActionKindInstallment(models.AbstractModel):
    _name = "collection.action.kind.installment"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: installment reminder"

    _kind = "installment"
    _kind_label = _lt("Installment reminder")
    _kind_sequence = 15
    _engine_actions = ("remind_installments",)
    _dispatch_sequence = 20
    _customer_facing = True
    _while_in_plan = True

    @api.model
    def _plan(self, decisions, planning):
        if not decisions:
            return []
        decision = decisions[0]
        typology = planning.invoice.commercial_partner_id._collection_typology(
            planning.session.company
        )
        planned = []
        for due in planning.facts.get("installments_due") or []:
            waits = due["requires_approval"] or typology.requires_approval
            for channel in due["channels"]:
                values = planning.action(self._kind, channel, decision)
                values.update(
                    level_id=due["level_id"],
                    state="proposed" if waits else "approved",
                    installment_id=due["installment_id"],
                    payment_plan_id=due["plan_id"],
                    dedup_key=self._installment_key(
                        due["installment_id"], channel, due["level_id"]
                    ),
                )
                planned.append(values)
        return planned

    @api.model
    def _installment_key(self, installment_id, channel, level_id):
        """One reminder per installment, level and channel, whichever
        invoice of the plan carries it."""
        return f"installment:{installment_id}:{channel}:{level_id}"

    @api.model
    def _group_key(self, action):
        # One message per installment.
        return (action.installment_id.id, action.level_id.id)

    @api.model
    def _execute(self, actions, channel):
        installment = actions.installment_id
        installment.ensure_one()
        resolved = actions._apply_fallback(channel)
        if resolved == "phone":
            resolved = self._call(actions, installment)
            if resolved == "phone":
                return
        if resolved != channel and actions._reminded_on(resolved):
            # The level's own reminder on the fallback channel says it all.
            actions._done_already_reminded(resolved)
            return
        channel = resolved
        message, letter = installment._remind(
            channel, actions._recipient(), actions._author_values()
        )
        values = {"message_id": message.id, "attachment_id": letter.id}
        if channel == "letter":
            # Done once posted (``action_mark_posted``), not once printed.
            actions._mark_pending(**values)
        else:
            actions._mark_done(**values)

    @api.model
    def _call(self, actions, installment):
        """Plan the call of the level about ``installment``: an activity on
        its plan for the person responsible, on a day and at hours when the
        customer may be called (as the calls of the rules: see
        ``collection.action.kind.call``), pending until its outcome is
        recorded. Returns the channel the reminder leaves on: ``phone``, or
        the level's fallback channel when the customer may not be called
        (the reason noted on the actions)."""
        Call = self.env["collection.action.kind.call"]
        deadline, windows, reason = Call._call_window(actions)
        if reason:
            fallback = Call._fallback_channel(actions, reason)
            actions.write(
                {
                    "channel": fallback,
                    "note": _(
                        "No call planned: %(reason)s. Reminded by %(channel)s instead.",
                        reason=render(self.env, reason),
                        channel=actions._channel_label(fallback),
                    ),
                }
            )
            return fallback
        paragraphs = [
            installment._call_text(),
            _("Call between %s.", windows),
            actions[:1].explanation or "",
        ]
        partner = actions.partner_id.commercial_partner_id
        values = actions._activity_values(
            _("Collection call: %s", partner.name),
            paragraphs,
            deadline,
            record=installment.plan_id,
        )
        activity = actions._create_activities([values])
        actions._mark_pending(activity_id=activity.id)
        return "phone"
