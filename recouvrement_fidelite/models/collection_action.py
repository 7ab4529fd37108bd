# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A decision of the collection run for one invoice, and its execution.

Actions are created by the run (``collection.run``) from the engine's
decisions, wait for approval when their level or the customer's typology
asks for it, and are then dispatched: reminders of one customer on one
channel are sent as a single message listing all the invoices concerned.
A partial unique index on ``dedup_key`` guarantees that the same reminder
(invoice, level, channel) is never recorded twice unless the first one
failed or was cancelled, whatever runs overlap.
"""

import json
import logging
from urllib.parse import urlencode

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date, is_html_empty, pdf, plaintext2html
from odoo.tools.translate import LazyTranslate

from ..engine.concepts import ACTION_CHANNELS
from .failure_messages import CollectionFailure, message, render, selection

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

CHANNELS = list(ACTION_CHANNELS)
#: Context keys the reminder templates read (the reminder's invoices, the
#: credit deducted: see ``_send_reminder`` and ``_credit_context``).
TEMPLATE_CONTEXT_KEYS = ("collection_invoice_ids", "collection_credit")
STATES = [
    ("proposed", "Waiting for approval"),
    ("approved", "Approved"),
    # Carried out on our side, waiting for what it stands for to happen: a
    # call to make (done when its outcome is recorded), a letter to post
    # (done when marked posted).
    ("pending", "To do"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class CollectionAction(models.Model):
    _name = "collection.action"
    _description = "Collection action"
    _order = "date desc, id desc"
    _rec_name = "summary"
    _check_company_auto = True

    run_id = fields.Many2one(
        "collection.run", ondelete="set null", index=True, check_company=True
    )
    campaign_id = fields.Many2one(
        "collection.campaign", ondelete="set null", index=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    invoice_id = fields.Many2one(
        "account.move", ondelete="cascade", index=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    level_id = fields.Many2one(
        "collection.level", string="Level", ondelete="set null", check_company=True
    )
    installment_id = fields.Many2one(
        "collection.payment.plan.installment",
        string="Installment",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        help="The payment plan installment this reminder is about.",
    )
    payment_plan_id = fields.Many2one(
        "collection.payment.plan",
        string="Payment plan",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        help="The payment plan whose installment this reminder is about.",
    )
    kind = fields.Selection(
        selection="_kind_selection", required=True, default="reminder"
    )
    channel = fields.Selection(CHANNELS, required=True, default="none")
    state = fields.Selection(STATES, required=True, default="proposed", index=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    rule_set = fields.Char(string="Rule set (as decided)")
    rule = fields.Char(string="Rule (as decided)")
    rule_id = fields.Many2one(
        "collection.rule",
        string="Rule record",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    # The rule's and its set's names in the reader's language, or as they
    # were when decided once the rule is deleted.
    rule_label = fields.Char(string="Rule", compute="_compute_rule_label")
    rule_set_label = fields.Char(string="Rule set", compute="_compute_rule_label")
    explanation_data = fields.Json(
        string="Why (data)",
        readonly=True,
        copy=False,
        help="Why the action was decided, as data (the rule and the "
        "conditions that held, with the values tested), worded when shown.",
    )
    # Worded when read, in the reader's language, from the data above.
    explanation = fields.Text(compute="_compute_explanation")
    params = fields.Text(string="Parameters", help="The decision's parameters (JSON).")
    mail_template_id = fields.Many2one("mail.template", string="Email template")
    variant_id = fields.Many2one(
        "collection.level.variant",
        string="Variant",
        readonly=True,
        index="btree_not_null",
        help="The level's variant whose wording this reminder used.",
    )
    sms_template_id = fields.Many2one("sms.template", string="SMS template")
    user_id = fields.Many2one("res.users", string="Responsible")
    dedup_key = fields.Char(
        readonly=True, copy=False, index=True, help="The same key is never done twice."
    )
    done_at = fields.Datetime(readonly=True)
    step_counted = fields.Boolean(
        readonly=True,
        copy=False,
        help="Counted once as a reminder step on its invoice.",
    )
    call_outcome = fields.Selection(
        [
            ("answered", "Answered"),
            ("no_answer", "No answer"),
            ("wrong_number", "Wrong number"),
        ],
        help="What happened when the customer was called; unanswered calls "
        "feed the rules (fact: unanswered calls over the window set in "
        "Settings, 90 days by default).",
    )
    failure_reason = fields.Text(readonly=True)
    failure_data = fields.Json(
        string="Problem (data)",
        readonly=True,
        copy=False,
        help="The problem as data, worded when shown in the reader's language.",
    )
    failure_message = fields.Text(
        string="Problem",
        compute="_compute_failure_message",
        help="Why the action failed, in your language when the problem is "
        "known as data, else as it was written.",
    )
    note = fields.Text(help="Kept with the action, e.g. why a fallback was used.")
    message_id = fields.Many2one("mail.message", string="Message", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="Letter", readonly=True)
    # Several actions may concern one invoice: adding them up would count it twice.
    amount_residual = fields.Monetary(
        related="invoice_id.amount_residual_signed",
        string="Amount due",
        aggregator=None,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    summary = fields.Char(compute="_compute_summary")

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS collection_action_dedup_key_live
                ON collection_action (dedup_key)
             WHERE state NOT IN ('failed', 'cancelled') AND dedup_key IS NOT NULL
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        # An action is the record of what the collection decided and did:
        # only what decides (runs and campaigns, through ``_record``) creates
        # them, never a user by hand or over RPC, so that a customer's
        # history cannot be made up.
        if not (self.env.su or self.env.context.get("collection_recording")):
            raise AccessError(
                _(
                    "Collection actions are recorded by collection runs and "
                    "campaigns; they cannot be created by hand."
                )
            )
        return super().create(vals_list)

    @api.model
    def _record(self, vals_list):
        """Record the actions that a run or a campaign decided."""
        return (
            self.with_context(collection_recording=True)
            .create(vals_list)
            .with_context(collection_recording=False)
        )

    def _check_company(self, fnames=None):
        # A run records thousands of actions at once, and Odoo checks each
        # one's related records alone (a filtered search per action and
        # field). They are checked by company first, once per company and
        # field; when that finds a mismatch, Odoo's own check names it.
        if len(self) > 1 and self._companies_consistent(fnames):
            return
        super()._check_company(fnames)

    def _companies_consistent(self, fnames=None):
        """Whether the records these actions link to (the fields checked
        for company, ``fnames`` or all) all fit the action's company, as
        ``_check_company`` decides: checked once per company and field (the
        domain Odoo checks depends on the company only)."""
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = self._fields
        checked = [
            self._fields[name]
            for name in fnames
            if self._fields[name].relational and self._fields[name].check_company
        ]
        if any(field.company_dependent for field in checked):
            return False
        for company, actions in self.sudo().grouped("company_id").items():
            for field in checked:
                linked = actions.mapped(field.name)
                domain = linked._check_company_domain(company) if linked else None
                if not domain:
                    continue
                fitting = linked.with_context(active_test=False).filtered_domain(domain)
                if len(fitting) != len(linked):
                    return False
        return True

    @api.depends("kind", "channel", "invoice_id", "partner_id", "installment_id")
    @api.depends_context("lang")
    def _compute_summary(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for action in self:
            target = (
                action.installment_id.display_name
                or action.invoice_id.name
                or action.partner_id.display_name
                or ""
            )
            label = kinds.get(action.kind, "")
            # A call's channel says nothing its kind does not ("Call (Phone
            # call)"); the channel of other kinds tells them apart.
            if action.channel != "none" and action.kind != "call":
                label = f"{label} ({channels.get(action.channel, '')})"
            action.summary = f"{label} — {target}" if target else label

    @api.depends("failure_data", "failure_reason")
    @api.depends_context("lang")
    def _compute_failure_message(self):
        for action in self:
            action.failure_message = (
                render(self.env, action.failure_data)
                if action.failure_data
                else action.failure_reason
            )

    @api.depends("rule", "rule_set", "rule_id.name", "rule_id.rule_set_id.name")
    @api.depends_context("lang")
    def _compute_rule_label(self):
        for action in self:
            action.rule_label = action.rule_id.name or action.rule
            action.rule_set_label = action.rule_id.rule_set_id.name or action.rule_set

    @api.depends("explanation_data", "rule_id.name")
    @api.depends_context("lang")
    def _compute_explanation(self):
        words = {}
        for action in self:
            data = action.explanation_data or {}
            if data.get("rule") and action.rule_id:
                data = dict(data, rule=action.rule_id.name)
            if data.get("rule"):
                company = action.company_id
                if company not in words:
                    words[company] = self.env["collection.engine"]._words(company)
                action.explanation = words[company].stored_explanation_text(data)
            elif data.get("campaign"):
                action.explanation = _("Campaign “%s”.", data["campaign"])
            else:
                action.explanation = False

    @api.model
    def _dedup_key(self, invoice, kind, channel, level, extra=""):
        return ":".join(
            str(part) for part in (invoice.id, kind, channel, level.id or 0, extra)
        )

    @api.model
    def _recorded_keys(self, keys, retry_failed=False):
        """Of these deduplication keys, those already recorded.

        A key is recorded by an action that is not cancelled, so that a key
        is never done twice (the unique index on live actions guarantees it
        whatever processes overlap). A failed action waits for someone to fix
        the cause and retry it (or cancel it): runs do not pile up the same
        failure every day. ``retry_failed``: the caller tries failed keys
        again (a campaign launched again by hand retries its failures).
        """
        keys = [key for key in keys if key]
        if not keys:
            return set()
        excluded = ("cancelled", "failed") if retry_failed else ("cancelled",)
        return set(
            self.search(
                [("dedup_key", "in", keys), ("state", "not in", excluded)]
            ).mapped("dedup_key")
        )

    @api.model
    def _kind_selection(self):
        return self.env["collection.action.kind"]._selection()

    def _params(self):
        self.ensure_one()
        try:
            return json.loads(self.params or "{}")
        except ValueError:
            return {}

    # Approval

    def action_approve(self):
        to_approve = self.filtered(lambda a: a.state == "proposed")
        handlers = self.env["collection.action.kind"]._handlers()
        for kind in set(to_approve.mapped("kind")):
            handlers[kind]._check_approval(
                to_approve.filtered(lambda a, k=kind: a.kind == k)
            )
        to_approve.write({"state": "approved"})
        to_approve._dispatch()
        return True

    def action_cancel(self):
        if self.filtered(lambda a: a.state == "done"):
            raise UserError(_("Actions already done cannot be cancelled."))
        self.filtered(
            lambda a: a.state in ("proposed", "approved", "pending", "failed")
        ).write({"state": "cancelled"})
        return True

    def action_retry(self):
        self.filtered(lambda a: a.state == "failed").write(
            {"state": "approved", "failure_reason": False, "failure_data": False}
        )
        self.filtered(lambda a: a.state == "approved")._dispatch()
        return True

    def _record_call(self, outcome):
        """A call is done when its outcome is recorded: the calls of the
        rules and levels, and those of a plan's installments."""
        if self.filtered(lambda a: a.channel != "phone"):
            raise UserError(_("Only calls have an outcome."))
        if self.filtered(lambda a: a.state not in ("pending", "done")):
            raise UserError(_("Record the outcome of calls that were planned."))
        self.write({"call_outcome": outcome})
        self.filtered(lambda a: a.state == "pending")._mark_done()
        label = dict(self._fields["call_outcome"]._description_selection(self.env))[
            outcome
        ]
        for call in self:
            if call.activity_id.exists():
                call.activity_id.action_feedback(feedback=label)
        return True

    def action_mark_posted(self):
        """Letters printed and posted: done (their step counts from now)."""
        letters = self.filtered(
            lambda a: a.state == "pending" and a.channel == "letter"
        )
        if letters != self:
            raise UserError(
                _("Only letters waiting to be posted can be marked posted.")
            )
        letters._mark_done()
        return True

    def action_print_letters(self):
        """One PDF with every letter of these actions, to print at once."""
        letters = self.filtered(lambda a: a.channel == "letter" and a.attachment_id)
        if not letters:
            raise UserError(_("None of these actions has a letter to print."))
        if len(letters.attachment_id) == 1:
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{letters.attachment_id.id}?download=true",
                "target": "self",
            }
        content = pdf.merge_pdf([letter.raw for letter in letters.attachment_id])
        attachment = self.env["ir.attachment"].create(
            {
                "name": _("Letters to post %s.pdf", fields.Date.context_today(self)),
                "raw": content,
                "mimetype": "application/pdf",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_call_answered(self):
        return self._record_call("answered")

    def action_call_no_answer(self):
        return self._record_call("no_answer")

    def action_call_wrong_number(self):
        return self._record_call("wrong_number")

    # Dispatch

    def _dispatch(self):
        """Carry out approved actions; one message per customer and channel.

        Each kind's handler (``collection.action.kind``) carries out the
        actions of one customer and channel, in the handlers' dispatch
        order; it receives every such group of its kind and channel at once
        (``_execute_many``). A failure marks that group's actions as failed
        with the reason and never stops the others (by default each group
        runs in its own savepoint; the reminder handler sends a batch in one
        savepoint and, when a group fails there, each group again alone).
        The invoices' reminder record and the customers' history are written
        once, after the last group (``_update_invoices``, ``_log_history``):
        ``_mark_done`` and ``_log_history`` leave them to this method while
        the context holds ``collection_history_later``.
        """
        if not self.env.context.get("collection_history_later"):
            # The groups' history and reminder record are written once, for
            # all of them, after the last one (see ``_mark_done``).
            dispatched = self.filtered(lambda a: a.state == "approved")
            # Each template's body is compiled once for the whole dispatch
            # (see ``ir_qweb``), not once per message.
            compiled = self.env.context.get("collection_compiled_templates", {})
            self.with_context(
                collection_history_later=True,
                collection_compiled_templates=compiled,
            )._dispatch()
            dispatched = dispatched.with_env(self.env)
            dispatched.filtered(lambda a: a.state == "done")._update_invoices()
            dispatched._log_history()
            return True
        handlers = self.env["collection.action.kind"]._handlers()
        approved = self.filtered(lambda a: a.state == "approved").sorted(
            lambda a: (handlers[a.kind]._dispatch_sequence, a.id)
        )
        groups = {}
        for action in approved:
            key = (action.partner_id.id, action.kind, action.channel) + handlers[
                action.kind
            ]._group_key(action)
            groups.setdefault(key, self.browse())
            groups[key] |= action
        balances = approved.filtered(
            lambda a: handlers[a.kind]._customer_facing
        )._customer_balances()
        engine = self.env["collection.engine"]
        # Read for every group at once: posting a group's message empties
        # the cache, and reading them group by group would query each time.
        targets = {
            key: (
                actions.company_id[:1].id,
                actions.partner_id.commercial_partner_id[:1].id,
            )
            for key, actions in groups.items()
        }
        # Groups of one kind and channel go to their handler together
        # (``_execute_many``): a handler may send a batch at once.
        batches = {}
        for key, actions in groups.items():
            _partner, kind, channel = key[:3]
            company_id, customer_id = targets[key]
            company = self.env["res.company"].browse(company_id)
            balance = balances.get((company_id, customer_id))
            if handlers[kind]._customer_facing and engine._owes_nothing(
                (balance or {}).get("balance"), company
            ):
                actions._cancel_owing_nothing(balance)
                continue
            batches.setdefault((kind, channel), []).append(actions)
        for (kind, channel), batch in batches.items():
            handlers[kind]._execute_many(batch, channel)
        return True

    def _fail(self, error):
        """Failed, with the reason: ``error``'s message, and its data when
        the reason is known as data (worded again in the reader's language,
        see ``failure_messages``)."""
        _logger.info("Collection action failed: %s", error)
        self.write(
            {
                "state": "failed",
                "failure_reason": str(error) or repr(error),
                "failure_data": getattr(error, "data", False),
            }
        )
        self._log_history()

    def _log_history(self):
        """Write the actions, with why they were taken, in the customer's
        history: one internal note per customer and channel, never sent to
        the customer, listing each invoice's action.

        An invoice's own history is its collection actions (the invoice's
        "Collection" button): each holds the decision, why, its state, the
        problem or note and the message sent. A note per invoice would
        repeat them at the price of a message per invoice. While the
        actions are dispatched, the notes wait for the last group (see
        ``_dispatch``): one note per customer and channel for the whole
        dispatch.
        """
        if self.env.context.get("collection_history_later"):
            return
        bodies = {}
        for action in self.sorted(lambda a: (a.partner_id.id, a.channel, a.id)):
            key = (action.channel, action.partner_id.id)
            bodies.setdefault(key, []).append(
                Markup("<li>%s</li>") % plaintext2html(action._history_note())
            )
        Partner = self.env["res.partner"]
        for channel in sorted({channel for channel, _partner in bodies}):
            Partner.browse(
                partner for ch, partner in bodies if ch == channel
            )._message_log_batch(
                {
                    partner: Markup("<ul>%s</ul>") % Markup().join(items)
                    for (ch, partner), items in bodies.items()
                    if ch == channel
                }
            )

    def _customer_balances(self):
        """What the customers of these actions owe, by ``(company id,
        customer id)``: one query per company (see
        ``collection.engine._customer_balances``)."""
        today = fields.Date.context_today(self)
        balances = {}
        for company in self.company_id:
            customers = self.filtered(
                lambda a, c=company: a.company_id == c
            ).partner_id.commercial_partner_id
            found = self.env["collection.engine"]._customer_balances(
                customers.ids, company, today
            )
            balances.update(
                ((company.id, customer), balance) for customer, balance in found.items()
            )
        return balances

    def _cancel_owing_nothing(self, balance):
        """Cancel these actions of a customer who owes nothing in total.

        The run plans nothing for a customer whose credit notes and payments
        not yet matched cover what they owe; this catches a credit that
        arrived after an action was planned (e.g. while it waited for
        approval). Cancelled, not failed: there is nothing to fix, and the
        run plans again once the customer owes something.
        """
        company = self.company_id[:1]
        self.write(
            {
                "state": "cancelled",
                "note": _(
                    "Not carried out: %(customer)s owes nothing in total "
                    "(balance %(balance)s); their credit notes and payments "
                    "not yet matched cover their invoices.",
                    customer=self.partner_id.commercial_partner_id[:1].display_name,
                    balance=format_amount(
                        self.env, balance["balance"], company.currency_id
                    ),
                ),
            }
        )
        self._log_history()

    def _main_action(self):
        """The action whose invoice leads a grouped reminder: highest level, oldest."""
        return self.sorted(
            lambda a: (
                -(a.level_id.level_number or 0),
                a.invoice_id.invoice_date_due or fields.Date.today(),
                a.id,
            )
        )[:1]

    def _recipient(self):
        partner = self.partner_id.commercial_partner_id
        return partner.collection_contact_id or partner

    def _mark_pending(self, **values):
        """Carried out on our side, waiting for what it stands for to happen
        (see the ``pending`` state); written in the customer's history."""
        values.update(state="pending")
        self.write(values)
        self._log_history()

    def _mark_done(self, **values):
        """Done: recorded on the invoices and in the customer's history,
        at once or, while dispatching, after the last group (``_dispatch``)."""
        values.update(state="done", done_at=fields.Datetime.now())
        self.write(values)
        if self.env.context.get("collection_history_later"):
            return
        self._update_invoices()
        self._log_history()

    def _step(self):
        """The reminder step of an action: the level reached on an invoice on
        the day it was decided (or the campaign that sent it), whatever the
        channels that carry it."""
        self.ensure_one()
        return (self.invoice_id.id, self.date, self.level_id.id, self.campaign_id.id)

    def _update_invoices(self):
        """Record on the invoices the reminder steps these done actions carry.

        A step (email, SMS, letter, portal message or call of one level on
        one day) sets the invoice's level and last reminder date and counts
        as one reminder: a second channel of the step, a retry or a later
        dispatch of it never counts again.

        One statement for all the invoices (the run dispatches a batch of
        customers at once): the count is added to what the invoice holds,
        in the database, so that a correction made meanwhile is kept.
        """
        step_kinds = self.env["collection.action.kind"]._kinds_where("_reminder_step")
        steps = self.filtered(lambda a: a.kind in step_kinds and a.invoice_id)
        if not steps:
            return
        today = fields.Date.context_today(self)
        counted = {
            action._step()
            for action in self.search_fetch(
                [
                    ("invoice_id", "in", steps.invoice_id.ids),
                    ("kind", "in", step_kinds),
                    ("state", "=", "done"),
                    ("id", "not in", steps.ids),
                ],
                ["invoice_id", "date", "level_id", "campaign_id"],
            )
        }
        by_invoice = {}
        for action in steps:
            by_invoice.setdefault(action.invoice_id, steps.browse())
            by_invoice[action.invoice_id] |= action
        # The reminder record is the run's own: people may not write it (only
        # collection managers correct it), so the run writes it from this
        # private path only, on invoices of actions its user may read, and
        # reads it as superuser.
        Move = self.env["account.move"].sudo()
        fnames = [
            "collection_level_id",
            "collection_reminder_count",
            "collection_last_reminder_date",
            "collection_next_level_id",
            "collection_next_action_date",
        ]
        Move.flush_model(fnames)
        rows = []
        for invoice, actions in by_invoice.items():
            invoice = invoice.sudo()
            # An action counted once (e.g. a reminder delivered, then
            # reported undelivered and retried) never counts again.
            new_steps = {
                action._step() for action in actions if not action.step_counted
            } - counted
            level = actions.level_id.sorted("level_number")[-1:]
            level_id = following_id = next_date = None
            if level and (
                not invoice.collection_level_id
                or level.level_number >= invoice.collection_level_id.level_number
            ):
                level_id = level.id
                following = level.scenario_id.level_ids.filtered(
                    lambda lvl, number=level.level_number: lvl.level_number > number
                ).sorted("level_number")[:1]
                due = invoice.invoice_date_due or invoice.invoice_date
                if following and due:
                    following_id = following.id
                    next_date = fields.Date.add(due, days=following.delay_days)
            rows.append((invoice.id, len(new_steps), level_id, following_id, next_date))
        # Only collection fields change: no need to resynchronise the
        # invoice's accounting lines, nor to track the level in a message
        # per invoice: the done actions hold each step, its level and why.
        ids, added, levels, followings, next_dates = (
            list(column) for column in zip(*rows, strict=True)
        )
        self.env.cr.execute(
            """
            UPDATE account_move move
               SET collection_last_reminder_date = %s,
                   collection_reminder_count =
                       COALESCE(move.collection_reminder_count, 0) + step.added,
                   collection_level_id =
                       COALESCE(step.level_id, move.collection_level_id),
                   collection_next_level_id = CASE WHEN step.level_id IS NULL
                       THEN move.collection_next_level_id
                       ELSE step.next_level_id END,
                   collection_next_action_date = CASE WHEN step.level_id IS NULL
                       THEN move.collection_next_action_date
                       ELSE step.next_date END,
                   write_uid = %s,
                   write_date = %s
              FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::date[])
                   AS step(move_id, added, level_id, next_level_id, next_date)
             WHERE move.id = step.move_id
            """,
            [
                today,
                self.env.uid,
                fields.Datetime.now(),
                ids,
                added,
                levels,
                followings,
                next_dates,
            ],
        )
        Move.browse(ids).invalidate_recordset([*fnames, "write_uid", "write_date"])
        steps.filtered(lambda a: not a.step_counted).write({"step_counted": True})

    def _unreachable_reason(self, channel):
        """Why this action's customer cannot be reached on ``channel``, in
        the user's language; empty when they can (see ``res.partner.
        _collection_channel_problems``, which the rules' facts read too)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        return partner._collection_unreachable_reason(self._recipient(), channel)

    def _channel_label(self, channel):
        """A channel's name in the user's language."""
        return dict(self._fields["channel"]._description_selection(self.env))[channel]

    def _apply_fallback(self, channel):
        """Switch to the level's fallback channel when the channel is unreachable."""
        reason = self[:1]._unreachable_reason(channel)
        if not reason:
            return channel
        fallback = self._main_action().level_id.fallback_channel
        if (
            fallback
            and fallback != channel
            and not self[:1]._unreachable_reason(fallback)
        ):
            self.write(
                {
                    "channel": fallback,
                    "note": _(
                        "Sent by %(fallback)s instead of %(channel)s: %(reason)s.",
                        fallback=self._channel_label(fallback),
                        channel=self._channel_label(channel),
                        reason=reason,
                    ),
                }
            )
            return fallback
        partner = self.partner_id.commercial_partner_id[:1]
        raise CollectionFailure(
            self.env,
            message(
                _lt("%(channel)s not possible: %(reason)s."),
                channel=selection("collection.action", "channel", channel),
                reason=partner._collection_unreachable_data(
                    self[:1]._recipient(), channel
                ),
            ),
        )

    def _reminded_on(self, channel):
        """Those of these actions already reminded on ``channel`` at their
        level (sent, or about to be): an invoice by another reminder the
        same day, an installment by another of its reminders (one per
        installment and level). Falling back to that channel would remind
        them twice."""

        def reminded(action):
            if action.installment_id:
                return (action.installment_id, action.level_id)
            return (action.invoice_id, action.date, action.level_id)

        others = self.search(
            [
                "|",
                ("invoice_id", "in", self.invoice_id.ids),
                ("installment_id", "in", self.installment_id.ids),
                ("kind", "in", ("reminder", "installment")),
                ("channel", "=", channel),
                ("state", "in", ("approved", "pending", "done")),
                ("id", "not in", self.ids),
            ]
        )
        done = {reminded(action) for action in others}
        return self.filtered(lambda action: reminded(action) in done)

    def _done_already_reminded(self, channel):
        """Done without sending anything: reminded on ``channel`` at this
        level already, as the note adds."""
        sentence = _(
            "Already reminded by %s at this level: not sent again.",
            self._channel_label(channel),
        )
        for action in self:
            action.note = f"{action.note} {sentence}" if action.note else sentence
        self._mark_done()

    def _amounts(self):
        """What the reminder of these actions asks to pay, net of the
        customer's credit (``collection.engine._reminder_amounts``)."""
        invoices = self.invoice_id
        if not invoices or len(invoices.commercial_partner_id) != 1:
            return None
        return self.env["collection.engine"]._reminder_amounts(invoices)

    @api.model
    def _amounts_many(self, groups):
        """:meth:`_amounts` of several groups of actions, in the same order,
        worked out at once (``collection.engine._reminder_amounts_many``)."""
        valid = [
            actions
            for actions in groups
            if actions.invoice_id and len(actions.invoice_id.commercial_partner_id) == 1
        ]
        found = dict(
            zip(
                valid,
                self.env["collection.engine"]._reminder_amounts_many(
                    [actions.invoice_id for actions in valid]
                ),
                strict=True,
            )
        )
        return [found.get(actions) for actions in groups]

    @api.model
    def _credit_context(self, amounts):
        """Context for templates: the credit deducted, when there is one.

        ``collection_credit`` holds ``currency``, ``invoices_total``,
        ``credits`` (``document``, ``date``, ``is_credit_note``, ``amount``),
        ``credit_total``, ``deducted``, ``kept`` (credit left for invoices
        not in this reminder) and ``to_pay``; templates show it when present.
        """
        if not amounts or amounts["currency"].is_zero(amounts["deducted"]):
            return {}
        currency = amounts["currency"]
        return {
            "collection_credit": {
                "currency": currency,
                "invoices_total": amounts["invoices_total"],
                "credits": amounts["credits"],
                "credit_total": amounts["credit_total"],
                "deducted": amounts["deducted"],
                "kept": currency.round(amounts["credit_total"] - amounts["deducted"]),
                "to_pay": amounts["to_pay"],
            }
        }

    def _invoices_table(self, amounts=False):
        """The invoices of these actions, a line each, then the customer's
        credit deducted; ``amounts``: what they ask to pay (``_amounts``),
        when already worked out."""
        lines = [
            _(
                "%(invoice)s of %(date)s, due %(due)s: %(amount)s",
                invoice=a.invoice_id.name,
                date=format_date(self.env, a.invoice_id.invoice_date),
                due=format_date(self.env, a.invoice_id.invoice_date_due),
                amount=format_amount(
                    self.env, a.invoice_id.amount_residual, a.invoice_id.currency_id
                ),
            )
            for a in self.sorted(
                lambda a: a.invoice_id.invoice_date_due or fields.Date.today()
            )
        ]
        credit = self._credit_context(
            amounts if amounts is not False else self._amounts()
        ).get("collection_credit")
        if credit:
            currency = credit["currency"]
            for line in credit["credits"]:
                lines.append(
                    _(
                        "%(document)s of %(date)s: %(amount)s",
                        document=(
                            _("Credit note %s", line["document"])
                            if line["is_credit_note"]
                            else _("Payment %s", line["document"])
                        ),
                        date=format_date(self.env, line["date"]),
                        amount=format_amount(self.env, -line["amount"], currency),
                    )
                )
            if not currency.is_zero(credit["kept"]):
                lines.append(
                    _(
                        "Credit kept for your other invoices: %s",
                        format_amount(self.env, credit["kept"], currency),
                    )
                )
            lines.append(
                _(
                    "Deducted: %(deducted)s. Net amount to pay: %(to_pay)s",
                    deducted=format_amount(self.env, credit["deducted"], currency),
                    to_pay=format_amount(self.env, credit["to_pay"], currency),
                )
            )
        return lines

    def _history_note(self):
        """The decision as it appears in the invoice's history."""
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        note = _(
            "Collection: %(summary)s (%(state)s). Why: %(why)s",
            summary=self.summary,
            state=states[self.state],
            why=self.explanation or "-",
        )
        if self.failure_reason:
            note += " " + _("Problem: %s", self.failure_reason)
        if self.note:
            note += " " + self.note
        return note

    def _check_reminder(self, channel):
        """Raise when the reminder of these actions cannot be sent on
        ``channel`` for want of a template, before anything is sent."""
        main = self._main_action()
        level = main.level_id
        if channel == "email" and not (main.mail_template_id or level.mail_template_id):
            raise CollectionFailure(
                self.env,
                message(
                    _lt("No email template for level %(level)s."),
                    level=level.display_name,
                ),
            )
        if channel == "sms" and not (main.sms_template_id or level.sms_template_id):
            raise CollectionFailure(
                self.env,
                message(
                    _lt("No SMS template for level %(level)s."),
                    level=level.display_name,
                ),
            )

    def _send_reminder(self, channel, amounts=False):
        """Send one reminder on ``channel`` for these actions' invoices (one
        customer): the level's fallback channel when it cannot reach them.
        ``amounts``: what the reminder asks to pay (``_amounts``), when
        already worked out."""
        channel = self._apply_fallback(channel)
        main = self._main_action()
        invoice = main.invoice_id
        invoices = self.invoice_id
        if amounts is False:
            amounts = self._amounts()
        # Templates show the credit deducted and the net amount to pay.
        credit = self._credit_context(amounts)
        recipient = self._recipient()
        level = main.level_id
        attachments = self.env["ir.attachment"]
        report, letter_context = self._letter()
        if report and channel in ("email", "letter"):
            attachments = self.with_context(**letter_context)._render_letter(
                report, invoices
            )
        message = self.env["mail.message"]
        # Sent with a batch: kept for the batch's posting (``_collect_post``).
        collected = False
        if channel == "email":
            self._check_reminder(channel)
            template = main.mail_template_id or level.mail_template_id
            # Templates list every invoice of the reminder from the context.
            # ``no_new_invoice``: the letter attached is not a vendor bill to
            # read (the account module would note on the invoice that it is
            # not a draft and was not updated from the attachment).
            # ``mail_notify_force_send``: reminders wait in the mail queue
            # (its scheduled action sends them), never sent from inside the
            # run, which would wait on the mail server for each email.
            # ``collection_reminder_post``: the letter attached is not the
            # invoice's own document (see ``account.move.
            # _message_set_main_attachment_id``).
            post = invoice.with_context(
                collection_invoice_ids=invoices.ids,
                no_new_invoice=True,
                mail_notify_force_send=False,
                collection_reminder_post=True,
                **credit,
            )
            batch = self.env.context.get("collection_post_values") or {}
            # A template with attachments of its own: the composer copies
            # them for each email, as only a stored composer can.
            if ("email", invoice.id) in batch and not template.attachment_ids:
                # Sent with a batch (the reminder handler's ``_execute_many``):
                # what the composer and ``message_post`` would look up for
                # each email is worked out for the batch at once.
                self._collect_email(
                    post, template, recipient, attachments, batch["email", invoice.id]
                )
                collected = True
            else:
                message = post.message_post_with_source(
                    template,
                    **self._author_values(),
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=recipient.ids,
                    attachment_ids=attachments.ids,
                )
        elif channel == "sms":
            self._check_reminder(channel)
            template = main.sms_template_id or level.sms_template_id
            body = template.with_context(**credit)._render_field(
                "body", invoice.ids, compute_lang=True
            )[invoice.id]
            number = (
                recipient.collection_sms_number or self.partner_id.collection_sms_number
            )
            known = (self.env.context.get("collection_post_values") or {}).get(
                ("sms", invoice.id)
            )
            if known:
                # Sent with a batch: what ``message_post`` would look up for
                # this message was worked out for the batch at once
                # (``_post_values_many``).
                # An SMS is signed by the user's partner (``message_post``).
                sender = self.env.user.partner_id.email_formatted
                self._collect_post(
                    invoice,
                    {
                        "partner_ids": recipient.ids,
                        "sms_pid_to_number": {recipient.id: number},
                        "record_alias_domain_id": known["record_alias_domain_id"],
                        "record_company_id": known["record_company_id"],
                        "reply_to": self._batch_reply_to(known, invoice, sender),
                    },
                    sms=body,
                )
                collected = True
            else:
                message = invoice._message_sms(
                    body,
                    partner_ids=recipient.ids,
                    sms_pid_to_number={recipient.id: number},
                )
        elif channel == "letter":
            if not attachments:
                raise UserError(_("No letter for level %s.", level.display_name))
            message = invoice._message_log(
                body=_("Reminder letter ready to print and post: %s", attachments.name),
                attachment_ids=attachments.ids,
            )
        elif channel == "portal":
            lines = self._invoices_table(amounts)
            body = _(
                "Reminder: the following invoices are awaiting payment: %s",
                "; ".join(lines),
            )
            message = invoice.message_post(
                body=body,
                **self._author_values(),
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
                message_type="comment",
            )
        else:
            raise UserError(_("Unknown reminder channel %s.", channel))
        # Every action of the reminder links to its message (``message_id``):
        # each invoice's history shows the reminder that included it.
        if collected:
            # Done once posted with the batch (``_post_collected``).
            return
        values = {
            "message_id": message.id if message else False,
            "attachment_id": attachments[:1].id,
        }
        if channel == "letter":
            # Done once posted (``action_mark_posted``), not once printed.
            self._mark_pending(**values)
        else:
            self._mark_done(**values)

    def _collect_email(self, invoice, template, recipient, attachments, known):
        """Keep the reminder email of these actions on ``invoice`` for the
        batch's posting (``_collect_post``), with the values
        ``message_post_with_source`` gives ``message_post`` (the composer in
        comment mode) and what is known for the batch (``known``: the
        invoice's alias domain, company and reply-to addresses, worked out
        for every invoice at once by ``_post_values_many``).

        The template is rendered as the composer renders it
        (``_composer_values``), without one.
        """
        values = self._composer_values(invoice, template, recipient, attachments, known)
        if "reply_to" not in values:
            # The sender ``message_post`` takes: the template's, else the
            # author's.
            sender = (
                values.get("email_from")
                or (
                    invoice._message_compute_author(
                        values.get("author_id"), raise_on_email=False
                    )[1]
                )
            )
            values["reply_to"] = self._batch_reply_to(known, invoice, sender)
        # A new message has no tracking values: said, so that the email's
        # rendering does not look them up.
        values.setdefault("tracking_value_ids", [])
        # Rendered: the templates' context is of no more use. Kept, it would
        # give each invoice of the batch an environment of its own until the
        # batch is posted, and Odoo looks through every live environment
        # each time it makes one (``with_context``, ``sudo``…).
        posted_on = invoice.with_context(
            {
                key: value
                for key, value in invoice.env.context.items()
                if key not in TEMPLATE_CONTEXT_KEYS
            }
        )
        self._collect_post(posted_on, values, attachments=attachments)

    def _composer_values(self, invoice, template, recipient, attachments, known):
        """What the composer (comment mode, on ``invoice`` alone, with
        ``template``, these actions' author, ``recipient`` and
        ``attachments``) gives ``message_post``, worked out without a
        composer: one rendering of the template's fields, where the composer
        renders each field apart and computes its other fields, the same
        values (see ``mail.compose.message``: ``_prepare_mail_values_static``
        and ``_prepare_mail_values_rendered``, and the computes they read).
        ``invoice``'s context is the templates' (the reminder's invoices and
        credit)."""
        author = self._author_values()
        fields_rendered = ["body_html", "lang", "scheduled_date", "subject"]
        if not author and template.email_from:
            fields_rendered.append("email_from")
        rendered = template.with_env(invoice.env)._generate_template(
            invoice.ids, fields_rendered
        )[invoice.id]
        Composer = invoice.env["mail.compose.message"]
        user = invoice.env.user
        if author:
            # The composer keeps the author and the address given.
            author_id, email_from = author["author_id"], author["email_from"]
        else:
            # The template's sender (the user's when it names none), and
            # the partner of that address (else the user's).
            email_from = (
                rendered.get("email_from")
                if template.email_from
                else user.email_formatted
            )
            author_id = False
            if email_from:
                author_id = (
                    invoice.env["mail.thread"]
                    .with_context(active_test=False)
                    ._message_compute_author(None, email_from, raise_on_email=False)[0]
                    or user.partner_id.id
                )
        body = rendered.get("body_html")
        if body and is_html_empty(body):
            body = False
        # As the composer's body holds it (its own sanitizing).
        body = Composer._fields["body"].convert_to_cache(body, Composer)
        return {
            "author_id": author_id,
            "mail_activity_type_id": False,
            "mail_server_id": template.mail_server_id.id,
            "message_type": "comment",
            "parent_id": False,
            "record_name": invoice.display_name,
            "reply_to_force_new": False,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
            "email_add_signature": False,
            "email_layout_xmlid": template.email_layout_xmlid or False,
            "force_send": True,
            "mail_auto_delete": template.auto_delete,
            "model_description": invoice.env.context.get("model_description"),
            "record_alias_domain_id": known["record_alias_domain_id"],
            "record_company_id": known["record_company_id"],
            "attachment_ids": attachments.ids,
            "body": body or "",
            "email_from": email_from,
            "partner_ids": recipient.ids,
            "scheduled_date": rendered.get("scheduled_date") or False,
            "subject": rendered.get("subject")
            or invoice._message_compute_subject()
            or "",
            "force_email_lang": rendered.get("lang") or False,
        }

    def _collect_post(self, invoice, values, sms=False, attachments=None):
        """Keep the message of these actions (``message_post``'s values on
        ``invoice``, or with ``sms`` the SMS text, as ``_message_sms`` posts
        it) for the batch's posting (``collection_posts`` in the context,
        see the reminder handler): posted with the others by
        ``_post_collected``, which links the actions to it and to the letter
        attached (``attachments``), if any."""
        if sms is not False:
            values = dict(
                values,
                body=sms,
                message_type="sms",
                subtype_id=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                sms_numbers=None,
            )
        self.env.context["collection_posts"].append(
            {
                "actions": self,
                "record": invoice,
                "values": values,
                "attachment_id": attachments[:1].id if attachments else False,
            }
        )

    @api.model
    def _post_collected(self, posts):
        """Post the messages a batch collected (``_collect_post``) in bulk
        (``collection.message.bulk``) and mark their actions done, each
        linked to its message."""
        messages = self.env["collection.message.bulk"]._post(
            [(post["record"], post["values"]) for post in posts]
        )
        for post, posted in zip(posts, messages, strict=True):
            post["actions"]._mark_done(
                message_id=posted.id, attachment_id=post["attachment_id"]
            )

    @api.model
    def _post_values_many(self, groups, channel):
        """For the reminders of ``groups`` (actions, one customer each) on
        ``channel`` (email or SMS): what ``message_post`` looks up for each
        record, worked out for all the invoices at once,
        ``{(channel, invoice id): values}``: the invoice's alias domain and
        company, and the batch's reply-to addresses (``_batch_reply_to``)."""
        if channel not in ("email", "sms"):
            return {}
        invoices = (
            self.browse()
            .union(*(actions._main_action() for actions in groups))
            .invoice_id
        )
        if not invoices:
            return {}
        company = self.env.company
        domains = invoices.sudo()._mail_get_alias_domains(default_company=company)
        companies = invoices._mail_get_companies(default=company)
        # Shared by the batch's invoices: filled as the senders sign.
        reply_to = {"invoices": invoices, "by_sender": {}}
        return {
            (channel, invoice.id): {
                "record_alias_domain_id": domains[invoice.id].id,
                "record_company_id": companies[invoice.id].id,
                "reply_to": reply_to,
            }
            for invoice in invoices
        }

    @api.model
    def _batch_reply_to(self, known, invoice, sender):
        """The reply-to address ``message_post`` would give a message of
        ``sender`` on ``invoice``: worked out for every invoice of the batch
        the first time ``sender`` signs one (``known``: the invoice's values
        from ``_post_values_many``)."""
        by_sender = known["reply_to"]["by_sender"]
        if sender not in by_sender:
            by_sender[sender] = known["reply_to"]["invoices"]._notify_get_reply_to(
                default=sender
            )
        return by_sender[sender][invoice.id]

    def _letter(self):
        """The letter of this reminder and the context to render it with:
        the level's letter, else the campaign's (with its tone)."""
        main = self._main_action()
        if main.variant_id.letter_report_id:
            return main.variant_id.letter_report_id, {}
        if main.level_id.letter_report_id:
            return main.level_id.letter_report_id, {}
        campaign = main.campaign_id
        if campaign.letter_report_id:
            return campaign.letter_report_id, {
                "collection_letter_tone": campaign.letter_tone
            }
        return self.env["ir.actions.report"], {}

    def _render_letter(self, report, invoices):
        content, _format = self.env["ir.actions.report"]._render_qweb_pdf(
            report.report_name, invoices.ids
        )
        partner = self.partner_id.commercial_partner_id
        return self.env["ir.attachment"].create(
            {
                "name": _(
                    "Reminder %(partner)s %(date)s.pdf",
                    partner=partner.name,
                    date=fields.Date.context_today(self),
                ),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": self._main_action().invoice_id.id,
            }
        )

    def _author(self):
        """Who signs reminders: the customer's contact as the templates name
        it (``res.partner._collection_contact_values``: never a technical
        user), else the company, whichever has an email address; empty: the
        template's sender."""
        main = self._main_action()
        customer = main.partner_id.commercial_partner_id
        company = main.company_id or self.company_id[:1]
        contact = customer._collection_contact_values(main.invoice_id, company)
        candidates = contact["partner"] | company.partner_id
        return candidates.filtered("email")[:1]

    def _author_values(self):
        author = self._author()
        if not author:
            return {}
        # With an author, the composer does not take the template's sender.
        return {"author_id": author.id, "email_from": author.email_formatted}

    def _responsible(self):
        partner = self.partner_id.commercial_partner_id
        return (
            self[:1].user_id
            or partner.collection_user_id
            or self.invoice_id[:1].invoice_user_id
            or self.env.user
        )

    def _plan_activity(self, summary, paragraphs, deadline=None):
        """Plan the activity of these actions for the person responsible
        (see :meth:`_activity_values`); empty when activities are switched
        off (``mail_activity_automation_skip``, as ``activity_schedule``)."""
        return self._create_activities(
            [self._activity_values(summary, paragraphs, deadline)]
        )

    def _activity_values(self, summary, paragraphs, deadline=None, record=None):
        """The activity of these actions for the person responsible, as
        ``activity_schedule`` on ``record`` (by default the main invoice)
        would create it.

        ``paragraphs`` are plain texts (a line break starts a new line):
        the note is built from them as HTML, what comes from data escaped.
        """
        note = Markup().join(plaintext2html(text) for text in paragraphs if text)
        main = self._main_action()
        record = record or main.invoice_id
        activity_type = main.level_id.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        return {
            "activity_type_id": activity_type.id,
            "summary": summary or activity_type.summary,
            "automated": True,
            "note": note or activity_type.default_note,
            "date_deadline": deadline or fields.Date.context_today(self),
            "res_model_id": self.env["ir.model"]._get(record._name).id,
            "res_id": record.id,
            "user_id": self._responsible().id,
        }

    @api.model
    def _create_activities(self, values_list):
        """Create activities (values of :meth:`_activity_values`) at once;
        none when activities are switched off, as ``activity_schedule``."""
        if self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        return self.env["mail.activity"].create(values_list)

    # Screens: stored amount, preview of what will be sent, approval notice

    amount_due = fields.Monetary(
        string="Amount due when decided",
        compute="_compute_amount_due",
        store=True,
        readonly=True,
        help="What was left to pay on the invoice when the action was "
        "decided, kept as it was so that lists can sort and add it up "
        "(several actions of one invoice each count it).",
    )
    preview_subject = fields.Char(
        string="Subject", compute="_compute_preview", compute_sudo=False
    )
    preview_body = fields.Html(
        string="What will be sent",
        compute="_compute_preview",
        compute_sudo=False,
        sanitize=False,
    )

    detail = fields.Char(
        compute="_compute_detail",
        help="What the action is about when its kind says it only in part: "
        "the stage of an escalation, the installment of a payment plan.",
    )

    @api.depends("kind", "params", "installment_id")
    @api.depends_context("lang")
    def _compute_detail(self):
        escalations = self.filtered(lambda a: a.kind == "escalation")
        (self - escalations).detail = False
        for action in self.filtered("installment_id"):
            action.detail = action.installment_id.display_name
        if not escalations:
            return
        handler = self.env["collection.action.kind"]._handler("escalation")
        for action in escalations:
            action.detail = handler._stage_label(
                action._params().get("stage"), action.company_id
            )

    @api.depends("invoice_id", "installment_id")
    def _compute_amount_due(self):
        # Depends on the invoice only, not on its residual: the amount is
        # the one of the day the action was decided. An installment's
        # reminder asks for what is left of the installment.
        for action in self:
            installment = action.installment_id
            if installment:
                company = action.company_id
                action.amount_due = installment.currency_id._convert(
                    installment.remaining_amount,
                    company.currency_id,
                    company,
                    action.date or fields.Date.context_today(action),
                )
            else:
                action.amount_due = action.invoice_id.amount_residual_signed

    def _preview_siblings(self):
        """The actions this one would be sent with: those of its customer,
        kind and channel waiting for approval or dispatch (one message per
        customer and channel)."""
        self.ensure_one()
        return (
            self.search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("kind", "=", self.kind),
                    ("channel", "=", self.channel),
                    ("state", "in", ("proposed", "approved")),
                ]
            )
            | self
        )

    def _compute_preview(self):
        for action in self:
            action.preview_subject = False
            action.preview_body = False
            if action.state not in ("proposed", "approved") or not action.id:
                continue
            try:
                action._fill_preview()
            except Exception as error:  # noqa: BLE001 - shown to the user
                action.preview_body = Markup("<p class='text-danger'>%s</p>") % _(
                    "This message cannot be shown: %s", error
                )

    def _fill_preview(self):
        """Render what this action will send: the email or SMS its template
        makes for its invoices, the letter's button, or what an action that
        sends nothing will do."""
        self.ensure_one()
        if self.installment_id:
            subject, body = self.installment_id._reminder_preview(self.channel)
            self.preview_subject, self.preview_body = subject, body
            return
        actions = self._preview_siblings()
        main = actions._main_action()
        invoice = main.invoice_id
        level = main.level_id
        credit = actions._credit_context(actions._amounts()) if invoice else {}
        if self.kind == "reminder" and self.channel == "email":
            template = main.mail_template_id or level.mail_template_id
            if not template or not invoice:
                self.preview_body = Markup("<p>%s</p>") % _("No email template.")
                return
            template = template.with_context(
                collection_invoice_ids=actions.invoice_id.ids, **credit
            )
            self.preview_subject = template._render_field(
                "subject", invoice.ids, compute_lang=True
            )[invoice.id]
            self.preview_body = template._render_field(
                "body_html", invoice.ids, compute_lang=True
            )[invoice.id]
        elif self.kind == "reminder" and self.channel == "sms":
            template = main.sms_template_id or level.sms_template_id
            if not template or not invoice:
                self.preview_body = Markup("<p>%s</p>") % _("No SMS template.")
                return
            body = template.with_context(**credit)._render_field(
                "body", invoice.ids, compute_lang=True
            )[invoice.id]
            self.preview_body = plaintext2html(body)
        elif self.kind == "reminder" and self.channel == "letter":
            report, letter_context = actions._letter()
            if not report:
                self.preview_body = Markup("<p>%s</p>") % _(
                    "No letter for this reminder's level."
                )
                return
            # The letter's page as the run will print it (same template as
            # the PDF, shown as HTML: every browser displays it inline).
            url = "/report/html/{}/{}".format(
                report.report_name, ",".join(map(str, actions.invoice_id.ids))
            )
            if letter_context:
                url += "?" + urlencode({"context": json.dumps(letter_context)})
            frame = (
                '<iframe class="w-100 border" style="height: 80vh" src="%s"></iframe>'
            )
            self.preview_body = Markup(frame) % url
        else:
            lines = [self.summary or ""] + actions._invoices_table()
            if self.detail:
                lines.insert(1, self.detail)
            self.preview_body = Markup("<br/>").join(lines)

    def action_preview_letter(self):
        """The letter this reminder would print, as a PDF."""
        self.ensure_one()
        actions = self._preview_siblings()
        report, letter_context = actions._letter()
        if not report:
            raise UserError(_("No letter for this reminder's level."))
        return report.with_context(**letter_context).report_action(
            actions.invoice_id, config=False
        )

    def action_open_letter(self):
        """The printed letter (PDF) of this action, to print and post."""
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("No letter was printed for this action."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "new",
        }

    def action_approve_and_notify(self):
        """Approve and send, then say what was sent, and reload the list
        (so that no group emptied by the approval stays on screen)."""
        to_approve = self.filtered(lambda a: a.state == "proposed")
        self.action_approve()
        failed = "failed" in to_approve.mapped("state")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Approved"),
                "message": to_approve._approval_summary(),
                "type": "danger" if failed else "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _approval_summary(self):
        """What happened to these approved actions, in words: how many of
        each kind and channel are done, waiting or failed."""
        if not self:
            return _("Nothing was waiting for approval.")
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        states = dict(self._fields["state"]._description_selection(self.env))
        counts = {}
        for action in self:
            label = kinds.get(action.kind, action.kind)
            if action.channel != "none":
                label = f"{label} ({channels.get(action.channel, action.channel)})"
            key = (states[action.state], label)
            counts[key] = counts.get(key, 0) + 1
        summary = " ".join(
            _("%(state)s: %(count)s × %(what)s.", state=state, count=count, what=what)
            for (state, what), count in sorted(counts.items())
        )
        if "failed" in self.mapped("state"):
            summary += " " + _("Failures wait in Failures to fix, with their reason.")
        return summary
