# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Calls: an activity for the person responsible to call the customer, on a
day and at hours when the customer may be called."""

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

from .failure_messages import CollectionFailure, message, render, selection

_lt = LazyTranslate(__name__)


class CollectionActionKindCall(models.AbstractModel):
    _name = "collection.action.kind.call"
    _inherit = "collection.action.kind"
    _description = "Collection action kind: call"

    _kind = "call"
    _kind_label = _lt("Call")
    _kind_sequence = 20
    _engine_actions = ("schedule_call",)
    # After the reminders: a call that cannot be planned falls back to a
    # reminder, and must see the reminders already sent.
    _dispatch_sequence = 20
    _customer_facing = True
    _reminder_step = True

    @api.model
    def _plan(self, decisions, planning):
        """A rule's "schedule a call" says when and why to call: it replaces
        the call of the level's channels (both would be the same call). A
        rule that names the reminder channels names them all: the level's
        call is then not made either."""
        if decisions:
            return [planning.action(self._kind, "phone", d) for d in decisions]
        level_decision = planning.level_decision
        if (
            level_decision
            and "phone" in planning.level._channels()
            and not planning.decisions_of("send_reminder")
        ):
            return [planning.action(self._kind, "phone", level_decision)]
        return []

    @api.model
    def _execute(self, actions, channel):
        deadline, windows, reason = self._call_window(actions)
        if reason:
            self._fall_back(actions, reason)
            return
        params = actions._main_action()._params()
        paragraphs = [
            params.get("note") or "",
            _("Call between %s.", windows) if windows else "",
            "\n".join(actions._invoices_table(self._batch_amounts(actions))),
            actions[:1].explanation or "",
        ]
        partner = actions.partner_id.commercial_partner_id
        values = actions._activity_values(
            _("Collection call: %s", partner.name), paragraphs, deadline
        )
        planned = self.env.context.get("collection_call_activities")
        if planned is not None:
            # Created with the batch's others (``_execute_many``).
            planned.append((actions, values))
            return
        self._schedule_calls([(actions, values)])

    @api.model
    def _call_window(self, actions):
        """When to call the customer of ``actions``: ``(deadline, windows,
        reason)``, the first day they may be called from the rule's
        ``within_days``, and the hours they may be called as text; or, when
        they may not be called at all, the reason (a message as data,
        ``failure_messages``) and no day."""
        partner = actions.partner_id.commercial_partner_id
        days, hours = partner._collection_call_windows()
        if not days:
            return (
                None,
                "",
                message(_lt("the customer may be called on no day of the week")),
            )
        if not hours:
            return (
                None,
                "",
                message(_lt("the customer has no hours when they may be called")),
            )
        params = actions._main_action()._params()
        deadline = self._next_call_day(
            fields.Date.context_today(actions),
            int(params.get("within_days") or 0),
            days,
        )
        windows = ", ".join(
            f"{int(start):02d}:{int(round(start % 1 * 60)):02d}-"
            f"{int(end):02d}:{int(round(end % 1 * 60)):02d}"
            for start, end in hours
        )
        return deadline, windows, None

    @api.model
    def _schedule_calls(self, planned):
        """Create the activities of ``planned`` calls (``(actions, activity
        values)``) at once; each call is pending until the outcome of the
        call is recorded (``_record_call``)."""
        activities = self.env["collection.action"]._create_activities(
            [values for _actions, values in planned]
        )
        for index, (actions, _values) in enumerate(planned):
            # No activity when activities are switched off.
            actions._mark_pending(
                activity_id=activities[index].id if activities else False
            )

    @api.model
    def _execute_many(self, groups, channel):
        """Plan the calls of a batch of customers.

        Each call is worked out in its own savepoint (see ``collection.
        action.kind``): a customer who cannot be called fails alone, or is
        reminded on the fallback channel. What each call's note lists to pay
        (the invoices net of the customer's credit) is worked out for every
        customer at once, and the activities of the calls are created
        together; should that fail, each is created again alone, so that
        the failing call fails alone with its reason.
        """
        planned = []
        handler = self._with_batch_amounts(groups).with_context(
            collection_call_activities=planned
        )
        super(CollectionActionKindCall, handler)._execute_many(
            [actions.with_env(handler.env) for actions in groups], channel
        )
        if not planned:
            return
        alone = self.with_context(collection_call_activities=None)
        planned = [(actions.with_env(alone.env), values) for actions, values in planned]
        alone._together_or_each_alone(
            lambda: alone._schedule_calls(planned),
            [
                (
                    actions,
                    channel,
                    lambda a, _c, v=values: alone._schedule_calls([(a, v)]),
                )
                for actions, values in planned
            ],
        )

    @api.model
    def _fall_back(self, actions, reason):
        """No call can be planned: remind on the level's fallback channel.

        ``reason`` is a message as data (``failure_messages``): a failure is
        worded in the reader's language.

        Without a fallback channel, the calls fail with the reason and wait
        for someone to set the customer's call days and hours, then retry.
        An invoice already reminded on the fallback channel at this level on
        the same day is not reminded twice.
        """
        fallback = self._fallback_channel(actions, reason)
        reason = render(self.env, reason)
        covered = actions._reminded_on(fallback)
        note = _(
            "No call planned: %(reason)s. Reminded by %(channel)s instead.",
            reason=reason,
            channel=actions._channel_label(fallback),
        )
        actions.write({"kind": "reminder", "channel": fallback, "note": note})
        if covered:
            covered.write(
                {
                    "note": _(
                        "No call planned: %(reason)s. Already reminded by "
                        "%(channel)s at this level.",
                        reason=reason,
                        channel=actions._channel_label(fallback),
                    )
                }
            )
            covered._mark_done()
        if actions - covered:
            (actions - covered)._send_reminder(fallback)

    @api.model
    def _fallback_channel(self, actions, reason):
        """The level's fallback channel of calls that cannot be planned for
        ``reason`` (a message as data); raise the failure, with both
        reasons, when there is none or it does not reach the customer
        either."""
        fallback = actions._main_action().level_id.fallback_channel
        if not fallback:
            raise CollectionFailure(
                self.env,
                message(
                    _lt(
                        "No call planned: %(reason)s. Set the days and hours when "
                        "the customer may be called, then retry."
                    ),
                    reason=reason,
                ),
            )
        partner = actions.partner_id.commercial_partner_id[:1]
        why_not = partner._collection_unreachable_data(
            actions[:1]._recipient(), fallback
        )
        if why_not:
            raise CollectionFailure(
                self.env,
                message(
                    _lt(
                        "No call planned: %(reason)s; %(channel)s not possible "
                        "either: %(why)s."
                    ),
                    reason=reason,
                    channel=selection("collection.action", "channel", fallback),
                    why=why_not,
                ),
            )
        return fallback

    @api.model
    def _next_call_day(self, start, within_days, call_days):
        """The first day from ``start + within_days`` the customer may be called."""
        day = fields.Date.add(start, days=within_days)
        if not call_days:
            return day
        for _offset in range(7):
            if day.weekday() in call_days:
                return day
            day = fields.Date.add(day, days=1)
        return day
