# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reminders: an email, SMS, letter or portal message about overdue invoices.

A reminder is a step of the invoice's reminder scenario: the level's
channels send it, unless rules say on which channels (``send_reminder``).
"""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class CollectionActionKindReminder(models.AbstractModel):
    _name = "collection.action.kind.reminder"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: reminder"

    _kind = "reminder"
    _kind_label = _lt("Reminder")
    _kind_sequence = 10
    _engine_actions = ("send_reminder",)
    _dispatch_sequence = 10
    _customer_facing = True
    _reminder_step = True

    @api.model
    def _plan(self, decisions, planning):
        """One reminder per channel the rules name, else per channel of the
        level the invoice reaches (its calls are the call kind's)."""
        if not decisions:
            if not planning.level_decision:
                return []
            return [
                planning.action(
                    self._kind,
                    channel,
                    planning.level_decision,
                    **self._variant_values(planning, channel),
                )
                for channel in planning.level._channels()
                if channel != "phone"
            ]
        planned = []
        for decision in decisions:
            template = planning.template(decision.params.get("template"))
            values = {}
            if template and template._name == "mail.template":
                values["mail_template_id"] = template.id
            elif template and template._name == "sms.template":
                values["sms_template_id"] = template.id
            else:
                # A rule that names no template leaves the wording to the
                # level, and so to its variants.
                values = self._variant_values(planning, decision.params["channel"])
            planned.append(
                planning.action(
                    self._kind, decision.params["channel"], decision, **values
                )
            )
        return planned

    @api.model
    def _variant_values(self, planning, channel):
        """The wording of the level's variant this invoice gets, if any."""
        if not planning.level:
            return {}
        variant = planning.level._variant_for(planning.invoice)
        return variant._action_values(channel) if variant else {}

    @api.model
    def _group_key(self, action):
        # An invoice joins a grouped reminder only at a wording that fits it:
        # a 6-day-old invoice never rides in a mail that warns of penalties.
        # A campaign's actions share the campaign's wording.
        # Variants are worded differently: each goes in a mail of its own.
        return (action.level_id.id, action.campaign_id.id, action.variant_id.id)

    @api.model
    def _execute(self, actions, channel):
        # Amounts worked out for the whole batch (``_execute_many``), if any.
        actions._send_reminder(channel, amounts=self._batch_amounts(actions))

    @api.model
    def _execute_many(self, groups, channel):
        """Send the reminders of a batch of customers on ``channel``.

        What each reminder asks to pay is worked out for every customer at
        once (one query, not one per customer). A group that cannot be sent
        (customer unreachable, no template) fails alone, before anything is
        sent. The others are rendered, then their emails and SMS posted
        together (``collection.message.bulk``), in one savepoint; when one of
        them fails there, the savepoint is rolled back and each group is sent
        again in a savepoint of its own, so that the failing one fails alone with its
        reason and the others go out.
        """
        ready = []
        for actions in groups:
            try:
                resolved = actions._apply_fallback(channel)
                actions._check_reminder(resolved)
            except UserError as error:
                actions._fail(error)
                continue
            if resolved != channel:
                # The level's own reminder on the fallback channel says it
                # all: the invoices it carries are not reminded twice.
                covered = actions._reminded_on(resolved)
                if covered:
                    covered._done_already_reminded(resolved)
                    actions -= covered
                    if not actions:
                        continue
            ready.append((actions, resolved))
        if not ready:
            return
        Action = self.env["collection.action"]
        # The invoices' portal links the reminders carry, made at once.
        Action.union(
            *(actions for actions, _channel in ready)
        ).invoice_id.sudo()._collection_ensure_access_tokens()
        found = Action._amounts_many([actions for actions, _channel in ready])
        # What ``message_post`` looks up for each email, for the batch at
        # once (see ``collection.action._post_values_many``).
        post_values = {}
        for each in ("email", "sms"):
            post_values.update(
                Action._post_values_many(
                    [actions for actions, resolved in ready if resolved == each],
                    each,
                )
            )
        # The customers' collection links the reminders carry, looked up
        # (or made) at once.
        accesses = {}
        customers = {}
        for actions, _channel in ready:
            customers.setdefault(actions.company_id[:1], []).append(
                actions.partner_id.id
            )
        Access = self.env["collection.portal.access"]
        for company, partner_ids in customers.items():
            accesses.update(
                Access._get_valid_many(
                    self.env["res.partner"].browse(partner_ids), company
                )
            )
        handler = self._with_batch_amounts(
            [actions for actions, _channel in ready], found
        ).with_context(
            collection_portal_accesses=accesses,
            collection_post_values=post_values,
            # The batch's emails and SMS are posted together, once all are
            # rendered (``collection.action._post_collected``).
            collection_posts=[],
        )

        def together():
            for actions, resolved in ready:
                handler._execute(actions.with_env(handler.env), resolved)
            Action.with_env(handler.env)._post_collected(
                handler.env.context["collection_posts"]
            )

        # Alone, each as ``message_post`` posts it.
        alone = handler.with_context(collection_post_values=None, collection_posts=None)
        alone._together_or_each_alone(
            together,
            [
                (actions.with_env(alone.env), resolved, None)
                for actions, resolved in ready
            ],
        )
