# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Kinds of collection actions, each with its handler.

A kind of ``collection.action`` (a reminder, a call, a pause, an escalation…)
is declared by one abstract model that inherits ``collection.action.kind``
and sets ``_kind``. The handler says, for its kind, everything the rest of
the addon needs to know:

- how it is shown: ``_kind_label`` (the choices of ``collection.action.kind``
  are the handlers', in ``_kind_sequence`` order);
- how it is planned: which engine decisions it takes (``_engine_actions``)
  and the action values it plans for them (:meth:`_plan`), with the part of
  the deduplication key that tells two actions of the kind apart on one
  invoice (:meth:`_dedup_extra`);
- how it is dispatched: :meth:`_execute` on the approved actions of one
  customer and channel, in ``_dispatch_sequence`` order, called through
  :meth:`_execute_many` with every customer of the batch on one channel (a
  handler may send them together, each failure staying with its customer);
  whether it reaches
  the customer (``_customer_facing``: never for a customer who owes nothing)
  and whether it is a reminder step on the invoice (``_reminder_step``: it
  records the invoice's level and last reminder date, and counts once per
  step);
- who approves it when it waits for approval (:meth:`_check_approval`);
- whether it acts on an invoice covered by an active payment plan
  (``_while_in_plan``): the plan's reminders do, every other kind waits as
  for a paused invoice.

A capability that brings a new kind of action (a payment plan offer, an
escalation stage) adds a handler model; nothing else is edited.
"""

import hashlib
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class CollectionActionKind(models.AbstractModel):
    _name = "collection.action.kind"
    _description = "Kind of collection action"

    #: Code stored on ``collection.action.kind``; None: not a kind (the base).
    _kind = None
    #: English name, marked for translation (``_lt``) where the kind is declared.
    _kind_label = None
    _kind_sequence = 100
    #: Engine actions (``engine.actions``) that plan actions of this kind.
    _engine_actions = ()
    #: Order of dispatch: lower first (a call that cannot be planned falls
    #: back to a reminder, and must see the reminders already sent).
    _dispatch_sequence = 100
    _customer_facing = False
    _reminder_step = False
    _while_in_plan = False

    # Registry

    @api.model
    def _handlers(self):
        """Every kind's handler, ``{code: handler}``, in ``_kind_sequence`` order."""
        names = self.env.registry.descendants([self._name], "_inherit") - {self._name}
        handlers = [self.env[name] for name in names if self.env[name]._kind]
        handlers.sort(key=lambda handler: (handler._kind_sequence, handler._kind))
        return {handler._kind: handler for handler in handlers}

    @api.model
    def _handler(self, kind):
        handler = self._handlers().get(kind)
        if handler is None:
            raise KeyError(f"No handler for the collection action kind {kind!r}")
        return handler

    @api.model
    def _selection(self):
        """The kinds as field choices, in the user's language."""
        return [
            (code, self.env._(handler._kind_label))
            for code, handler in self._handlers().items()
        ]

    @api.model
    def _kinds_where(self, attribute):
        """Codes of the kinds whose handler sets ``attribute``."""
        return [
            code
            for code, handler in self._handlers().items()
            if getattr(handler, attribute)
        ]

    # Planning

    @api.model
    def _plan(self, decisions, planning):
        """Action values for this kind's ``decisions`` on one invoice.

        ``planning`` (a ``collection.planner`` step) knows the invoice, its
        level, every decision of the invoice, and builds the values
        (:meth:`collection.planner._action_values`). By default one action
        per decision, on no channel.
        """
        return [
            planning.action(
                self._kind, "none", decision, self._dedup_extra(decision, planning)
            )
            for decision in decisions
        ]

    @api.model
    def _dedup_extra(self, decision, planning):
        """What tells two actions of this kind on one invoice and level apart
        (added to the deduplication key); empty: one a level."""
        return ""

    @api.model
    def _digest(self, text):
        return hashlib.sha1(str(text).encode()).hexdigest()[:12]

    # Approval

    @api.model
    def _check_approval(self, actions):
        """Raise when the user may not approve ``actions`` (proposed, this
        kind); by default whoever may write actions approves them."""
        return None

    # Dispatch

    @api.model
    def _group_key(self, action):
        """What else than the customer and the channel keeps two actions of
        this kind out of one message (a tuple); nothing by default."""
        return ()

    @api.model
    def _execute(self, actions, channel):
        """Carry out ``actions`` (approved, one customer, this kind, one
        channel); raise to fail them with the reason."""
        raise NotImplementedError(f"{self._name} does not carry out actions")

    @api.model
    def _execute_many(self, groups, channel):
        """Carry out several groups (each as :meth:`_execute` takes them:
        approved actions of one customer, this kind, ``channel``).

        A group that fails fails alone, with its reason, and never stops the
        others: by default each group runs in a savepoint of its own. A
        handler that sends a batch at once overrides this, and keeps that
        promise (see the reminder handler).
        """
        for actions in groups:
            self._execute_isolated(actions, channel)

    @api.model
    def _with_batch_amounts(self, groups, found=None):
        """This handler, knowing what each of ``groups`` asks to pay
        (``collection.action._amounts_many``, worked out for every customer
        at once unless given as ``found``) for :meth:`_batch_amounts`."""
        if found is None:
            found = self.env["collection.action"]._amounts_many(groups)
        return self.with_context(
            collection_batch_amounts={
                tuple(sorted(actions.ids)): amounts
                for actions, amounts in zip(groups, found, strict=True)
            }
        )

    @api.model
    def _batch_amounts(self, actions):
        """What ``actions`` ask to pay, as worked out for their batch
        (:meth:`_with_batch_amounts`); ``False`` when not worked out (the
        actions work it out: see ``collection.action._amounts``)."""
        return self.env.context.get("collection_batch_amounts", {}).get(
            tuple(sorted(actions.ids)), False
        )

    @api.model
    def _together_or_each_alone(self, together, groups):
        """Run ``together()`` (what a batch does at once) in a savepoint;
        when it fails, roll it back and carry out each of ``groups``
        (``(actions, channel, execute)``, as :meth:`_execute_isolated` takes
        them) in a savepoint of its own: the failing one fails alone with
        its reason, the others go on."""
        try:
            with self.env.cr.savepoint():
                together()
        except Exception as error:  # noqa: BLE001 - each is carried out again alone
            _logger.warning(
                "A %s of the batch failed (%s): each is carried out again alone",
                self._kind,
                error,
                exc_info=True,
            )
            for actions, channel, execute in groups:
                self._execute_isolated(actions, channel, execute)

    @api.model
    def _execute_isolated(self, actions, channel, execute=None):
        """Run ``execute(actions, channel)`` (default :meth:`_execute`) in a
        savepoint; on failure, mark the actions failed with the reason."""
        execute = execute or self._execute
        try:
            with self.env.cr.savepoint():
                execute(actions, channel)
        except Exception as error:  # noqa: BLE001 - reported on the actions
            actions._fail(error)
