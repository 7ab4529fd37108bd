# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Promises to pay: a date and an amount a customer committed to.

A promise covers open invoices of one customer. While it is pending,
reminders on those invoices pause until the promised date plus the company's
grace period (``res.company.collection_promise_grace_days``). Once that
deadline has passed, the daily check decides it from the payments reconciled
on the covered invoices since the promise was recorded: kept when they cover
the promised amount, partially kept when some came, broken when none did. A
promise whose invoices are all paid is kept at once. Each decision is logged
on the promise and the customer; a broken or partially kept one gives the
customer's collection contact an activity.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date

from .account_move import COLLECTION_MANAGER_GROUP, COLLECTION_USER_GROUP

PROMISE_STATES = [
    ("pending", "Pending"),
    ("kept", "Kept"),
    ("partial", "Partly kept"),
    ("broken", "Not kept"),
    ("cancelled", "Cancelled"),
]
#: Decided promises that were not kept in full: the rules see them as broken.
BROKEN_STATES = ("broken", "partial")
#: Promises decided from the payments (cancelled ones are not decided).
DECIDED_STATES = ("kept", "partial", "broken")
PROMISE_CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("in_person", "In person"),
    ("portal", "Portal"),
]
#: What people other than collection managers may still change on a pending
#: promise they recorded (what was promised is fixed once recorded).
NOTE_FIELDS = frozenset({"note", "given_by_id", "channel"})


class CollectionPromise(models.Model):
    _name = "collection.promise"
    _description = "Promise to pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_promised desc, id desc"
    _rec_names_search = ["partner_id"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The customer (the company, not one of its contacts) who promised.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "collection_promise_account_move_rel",
        "promise_id",
        "move_id",
        string="Invoices covered",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial')),"
        " ('commercial_partner_id', '=', partner_id)]",
        help="Open invoices of the customer the payment is promised for: their "
        "reminders pause until the promised date plus the grace period.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The currency of the invoices covered.",
    )
    amount = fields.Monetary(
        string="Promised amount",
        required=True,
        tracking=True,
        currency_field="currency_id",
    )
    amount_owed = fields.Monetary(
        string="Still owed on the invoices",
        compute="_compute_amounts",
        currency_field="currency_id",
    )
    amount_received = fields.Monetary(
        string="Received since recorded",
        compute="_compute_amounts",
        currency_field="currency_id",
        help="Payments reconciled with the invoices covered since the promise "
        "was recorded.",
    )
    amount_decided = fields.Monetary(
        string="Received by the deadline",
        readonly=True,
        copy=False,
        currency_field="currency_id",
        help="What had been received when the promise was decided.",
    )
    date_promised = fields.Date(
        string="Promised for", required=True, tracking=True, index=True
    )
    date_deadline = fields.Date(
        string="Checked after",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        help="The promised date plus the company's grace period (Settings): "
        "reminders on the invoices covered pause until then, and the promise "
        "is decided the day after.",
    )
    date_recorded = fields.Date(
        string="Recorded on",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        copy=False,
    )
    date_decided = fields.Date(string="Decided on", readonly=True, copy=False)
    channel = fields.Selection(
        PROMISE_CHANNELS,
        string="Given through",
        required=True,
        default="phone",
        help="How the customer made the promise.",
    )
    given_by_id = fields.Many2one(
        "res.partner",
        string="Given by",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person at the customer who made the promise.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
    )
    call_action_id = fields.Many2one(
        "collection.action",
        string="From the call",
        domain="[('channel', '=', 'phone'), ('partner_id', '=', partner_id)]",
        check_company=True,
        ondelete="set null",
        # Removing actions looks their promises up through it.
        index="btree_not_null",
        help="The collection call during which the customer made the promise.",
    )
    state = fields.Selection(
        PROMISE_STATES,
        string="Status",
        required=True,
        default="pending",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    note = fields.Text()

    @api.depends("partner_id", "date_promised")
    def _compute_display_name(self):
        for promise in self:
            customer = promise.partner_id.display_name or ""
            if not promise.date_promised:
                promise.display_name = customer
                continue
            promise.display_name = _(
                "%(customer)s, %(date)s",
                customer=customer,
                date=format_date(self.env, promise.date_promised),
            )

    @api.depends("invoice_ids", "company_id")
    def _compute_currency_id(self):
        for promise in self:
            promise.currency_id = (
                promise.invoice_ids.currency_id[:1] or promise.company_id.currency_id
            )

    @api.depends("date_promised", "company_id.collection_promise_grace_days")
    def _compute_date_deadline(self):
        for promise in self:
            promise.date_deadline = promise.date_promised and (
                promise.date_promised
                + timedelta(days=promise.company_id.collection_promise_grace_days)
            )

    @api.depends("invoice_ids.amount_residual", "date_recorded")
    def _compute_amounts(self):
        received = self._received_amounts()
        for promise in self:
            promise.amount_owed = sum(promise.invoice_ids.mapped("amount_residual"))
            promise.amount_received = received.get(promise.id, 0.0)

    def _received_amounts(self):
        """Payments received on each promise's invoices since it was recorded,
        in the invoices' currency, in one query for all the promises.

        A payment reaches an invoice as an ``account.partial.reconcile``
        between the invoice's receivable line (``debit_move_id``) and the
        payment's (``credit_move_id``); its ``debit_amount_currency`` is what
        it paid in the invoice's currency. Payments matched with an invoice
        without a journal entry of their own (Odoo 18's payments without
        outstanding account) count by their amount. Credit notes reduce what
        is owed but are not payments: they are left out.
        """
        promises = self.filtered(lambda promise: isinstance(promise.id, int))
        if not promises:
            return {}
        for model in (
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
            "account.payment",
        ):
            self.env[model].flush_model()
        self.flush_model(["date_recorded"])
        self.env.cr.execute(
            """
            SELECT promise_id, COALESCE(SUM(amount), 0)
              FROM (
                SELECT rel.promise_id, partial.debit_amount_currency AS amount
                  FROM collection_promise_account_move_rel rel
                  JOIN collection_promise promise ON promise.id = rel.promise_id
                  JOIN account_move_line line
                    ON line.move_id = rel.move_id
                   AND line.display_type = 'payment_term'
                  JOIN account_partial_reconcile partial
                    ON partial.debit_move_id = line.id
                  JOIN account_move_line counterpart
                    ON counterpart.id = partial.credit_move_id
                  JOIN account_move source ON source.id = counterpart.move_id
                 WHERE rel.promise_id = ANY(%(promises)s)
                   AND partial.max_date >= promise.date_recorded
                   AND source.move_type NOT IN ('out_refund', 'in_refund')
                UNION ALL
                SELECT DISTINCT ON (rel.promise_id, payment.id)
                       rel.promise_id, payment.amount
                  FROM collection_promise_account_move_rel rel
                  JOIN collection_promise promise ON promise.id = rel.promise_id
                  JOIN account_move__account_payment link
                    ON link.invoice_id = rel.move_id
                  JOIN account_payment payment ON payment.id = link.payment_id
                 WHERE rel.promise_id = ANY(%(promises)s)
                   AND payment.move_id IS NULL
                   AND payment.state IN ('in_process', 'paid')
                   AND payment.date >= promise.date_recorded
              ) received
             GROUP BY promise_id
            """,
            {"promises": promises.ids},
        )
        return dict(self.env.cr.fetchall())

    # Checks: refused with a clear message, nothing written

    @api.constrains(
        "amount", "date_promised", "invoice_ids", "partner_id", "company_id", "state"
    )
    def _check_promise(self):
        today = fields.Date.context_today(self)
        for promise in self:
            problems = promise._promise_problems(today)
            if problems:
                raise ValidationError(
                    _(
                        "This promise to pay cannot be recorded: %(problems)s.",
                        problems="; ".join(problems),
                    )
                )

    def _promise_problems(self, today):
        """What is wrong with this promise, as phrases (none: it is fine).

        What was promised is checked while the promise is pending: once
        decided, invoices get paid and dates pass, which is the point.
        """
        self.ensure_one()
        if self.state != "pending":
            return []
        problems = []
        invoices = self.invoice_ids
        customer = self.partner_id.commercial_partner_id
        if self.partner_id != customer:
            problems.append(
                _(
                    "a promise is made by the customer %(customer)s, not by one "
                    "of its contacts",
                    customer=customer.display_name,
                )
            )
        if not invoices:
            problems.append(_("choose at least one invoice it covers"))
        others = invoices.filtered(lambda move: move.commercial_partner_id != customer)
        if others:
            problems.append(
                _(
                    "%(invoices)s belong to another customer",
                    invoices=", ".join(others.mapped("name")),
                )
            )
        foreign = invoices.filtered(lambda move: move.company_id != self.company_id)
        if foreign:
            problems.append(
                _(
                    "%(invoices)s belong to another company",
                    invoices=", ".join(foreign.mapped("name")),
                )
            )
        not_open = invoices.filtered(
            lambda move: (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or move.payment_state not in ("not_paid", "partial")
            )
        )
        if not_open:
            problems.append(
                _(
                    "%(invoices)s are not open customer invoices (paid, "
                    "cancelled or draft)",
                    invoices=", ".join(
                        not_open.mapped(lambda move: move.name or _("draft"))
                    ),
                )
            )
        if len(invoices.currency_id) > 1:
            problems.append(
                _(
                    "the invoices are in several currencies (%(currencies)s): "
                    "record one promise per currency",
                    currencies=", ".join(invoices.currency_id.mapped("name")),
                )
            )
        if self.amount <= 0:
            problems.append(_("the promised amount must be positive"))
        elif (
            invoices
            and not others
            and not not_open
            and len(invoices.currency_id) == 1
            and self.currency_id.compare_amounts(
                self.amount, sum(invoices.mapped("amount_residual"))
            )
            > 0
        ):
            problems.append(
                _(
                    "the promised amount %(amount)s is more than the %(owed)s "
                    "still owed on the invoices",
                    amount=format_amount(self.env, self.amount, self.currency_id),
                    owed=format_amount(
                        self.env,
                        sum(invoices.mapped("amount_residual")),
                        self.currency_id,
                    ),
                )
            )
        if not self.date_promised:
            problems.append(_("give the promised date"))
        elif self.date_promised < self.date_recorded:
            problems.append(
                _(
                    "the promised date %(date)s is in the past",
                    date=format_date(self.env, self.date_promised),
                )
            )
        return problems

    # Rights: collection users record, collection managers correct and cancel

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # Buttons pass the invoice of a call, which may be empty.
        if "invoice_ids" in values:
            ids = [
                command[1] if isinstance(command, (list, tuple)) else command
                for command in values["invoice_ids"]
                if command
                and not (isinstance(command, (list, tuple)) and command[0] == 6)
            ]
            for command in values["invoice_ids"]:
                if isinstance(command, (list, tuple)) and command[0] == 6:
                    ids.extend(command[2])
            values["invoice_ids"] = [(6, 0, [i for i in ids if i])]
        partner = values.get("partner_id")
        if partner:
            values["partner_id"] = (
                self.env["res.partner"].browse(partner).commercial_partner_id.id
            )
        return values

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        customer = self.partner_id.commercial_partner_id
        self.invoice_ids = self.invoice_ids.filtered(
            lambda move: move.commercial_partner_id == customer
        )
        if self.given_by_id and self.given_by_id.commercial_partner_id != customer:
            self.given_by_id = False

    @api.onchange("invoice_ids")
    def _onchange_invoice_ids(self):
        if not self.amount and self.invoice_ids:
            self.amount = sum(self.invoice_ids.mapped("amount_residual"))

    def _is_manager(self):
        return self.env.su or self.env.user.has_group(COLLECTION_MANAGER_GROUP)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "pending") != "pending" and not self._is_manager():
                raise AccessError(
                    _("A promise to pay is recorded pending; the check decides it.")
                )
        promises = super().create(vals_list)
        for promise in promises:
            promise._log_on_customer(
                _(
                    "Promise to pay recorded by %(user)s: %(amount)s for %(date)s "
                    "(%(invoices)s).",
                    user=promise.user_id.name,
                    amount=format_amount(self.env, promise.amount, promise.currency_id),
                    date=format_date(self.env, promise.date_promised),
                    invoices=", ".join(promise.invoice_ids.mapped("name")),
                )
            )
        return promises

    def write(self, vals):
        if not self._is_manager():
            if self.filtered(lambda promise: promise.state != "pending"):
                raise AccessError(
                    _(
                        "Only collection managers may change a promise to pay "
                        "that is decided or cancelled."
                    )
                )
            changed = set(vals) - NOTE_FIELDS
            if changed and self.filtered(lambda p: p.user_id != self.env.user):
                raise AccessError(
                    _(
                        "Only collection managers may change what another person "
                        "recorded as promised; you may add a note."
                    )
                )
        return super().write(vals)

    def unlink(self):
        if not self._is_manager():
            raise AccessError(
                _(
                    "Only collection managers may delete a promise to pay; "
                    "cancel it instead."
                )
            )
        return super().unlink()

    # Transitions

    def action_cancel(self):
        if not self._is_manager():
            raise AccessError(
                _("Only collection managers may cancel a promise to pay.")
            )
        pending = self.filtered(lambda promise: promise.state == "pending")
        if pending != self:
            raise UserError(_("Only pending promises to pay can be cancelled."))
        pending.write(
            {"state": "cancelled", "date_decided": fields.Date.context_today(self)}
        )
        for promise in pending:
            promise._log_on_customer(
                _(
                    "Promise to pay of %(amount)s for %(date)s cancelled by %(user)s.",
                    amount=format_amount(self.env, promise.amount, promise.currency_id),
                    date=format_date(self.env, promise.date_promised),
                    user=self.env.user.name,
                )
            )
        return True

    def action_check(self):
        """Decide these pending promises if their deadline has passed or their
        invoices are paid (the button does what the daily check does)."""
        if not (self.env.su or self.env.user.has_group(COLLECTION_USER_GROUP)):
            raise AccessError(_("Only collection users may check promises to pay."))
        pending = self.filtered(lambda promise: promise.state == "pending")
        today = fields.Date.context_today(self)
        due = pending.filtered(lambda promise: promise.date_deadline < today)
        # sudo: deciding writes the state, which no person sets by hand.
        (pending - due).sudo()._check_settled()
        due.sudo()._decide(today)
        return True

    @api.model
    def _cron_check_promises(self):
        """Daily: decide the pending promises whose deadline has passed, and
        keep at once those whose invoices are all paid."""
        today = fields.Date.context_today(self)
        pending = self.search([("state", "=", "pending")])
        due = pending.filtered(lambda promise: promise.date_deadline < today)
        (pending - due)._check_settled()
        due._decide(today)
        return True

    def _check_settled(self):
        """Keep at once the pending promises whose invoices are all paid."""
        settled = self.filtered(
            lambda promise: (
                promise.state == "pending"
                and promise.invoice_ids
                and all(
                    move.payment_state not in ("not_paid", "partial")
                    for move in promise.invoice_ids
                )
            )
        )
        settled._decide(fields.Date.context_today(self), settled=True)

    def _decide(self, today, settled=False):
        """Decide these pending promises from the payments received since."""
        for promise in self.filtered(lambda p: p.state == "pending"):
            received = promise.amount_received
            currency = promise.currency_id
            if settled or currency.compare_amounts(received, promise.amount) >= 0:
                state = "kept"
            elif not currency.is_zero(received):
                state = "partial"
            else:
                state = "broken"
            promise.write(
                {"state": state, "date_decided": today, "amount_decided": received}
            )
            promise._announce(state, received)

    def _announce(self, state, received):
        """Log the outcome on the promise and the customer; ask the customer's
        collection contact to act on a promise not kept in full."""
        self.ensure_one()
        customer = self.partner_id
        promise = self
        values = {
            "amount": format_amount(promise.env, promise.amount, promise.currency_id),
            "date": format_date(promise.env, promise.date_promised),
            "received": format_amount(promise.env, received, promise.currency_id),
            "missing": format_amount(
                promise.env, promise.amount - received, promise.currency_id
            ),
        }
        if state == "kept":
            text = _(
                "Promise to pay kept: %(received)s received for the %(amount)s "
                "promised for %(date)s.",
                **values,
            )
        elif state == "partial":
            text = _(
                "Promise to pay partially kept: %(received)s received of the "
                "%(amount)s promised for %(date)s; %(missing)s missing.",
                **values,
            )
        else:
            text = _(
                "Promise to pay broken: nothing received of the %(amount)s "
                "promised for %(date)s.",
                **values,
            )
        promise._log_on_customer(text)
        if state == "kept":
            return
        user = customer._collection_contact_user(
            promise.invoice_ids, promise.company_id
        )
        if not user:
            return
        if state == "partial":
            note = _(
                "%(customer)s paid %(received)s of the %(amount)s promised for "
                "%(date)s. Call them to agree on the %(missing)s left (a new "
                "date, or a payment plan); reminders have resumed.",
                customer=customer.display_name,
                **values,
            )
        else:
            note = _(
                "%(customer)s did not pay the %(amount)s promised for %(date)s. "
                "Call them to know why; reminders have resumed and the rules "
                "now treat the customer more firmly.",
                customer=customer.display_name,
                **values,
            )
        customer.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=_("Promise to pay not kept"),
            note=note,
            user_id=user.id,
        )

    def _log_on_customer(self, text):
        """The same trace on the promise and in the customer's history."""
        self.ensure_one()
        body = Markup("<p>%s</p>") % text
        self._message_log(body=body)
        self.partner_id._message_log(body=body)

    # Pauses (see account.move._collection_pause_sources)

    @api.model
    def _pending_for_invoices(self, invoices, today):
        """Pending promises that pause reminders on ``invoices`` today."""
        # sudo: reminders pause for whoever runs them (the dry run of an
        # invoicing user, the scheduler).
        return self.sudo().search(
            [
                ("state", "=", "pending"),
                ("date_deadline", ">=", today),
                ("invoice_ids", "in", invoices.ids),
            ]
        )

    # History (facts for the rules, typology suggestion)

    @api.model
    def _history(self, partner_ids, company, date_from):
        """Promises of each customer of ``company`` decided since
        ``date_from``, in one grouped query: ``{partner_id: {"kept",
        "broken" (broken or partially kept), "decided"}}``."""
        history = {}
        if not partner_ids:
            return history
        # sudo: the figures feed the rules and the suggestion, for whoever
        # runs them.
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", list(partner_ids)),
                ("company_id", "=", company.id),
                ("state", "in", list(DECIDED_STATES)),
                ("date_decided", ">=", date_from),
            ],
            ["partner_id", "state"],
            ["__count"],
        )
        for partner, state, count in groups:
            figures = history.setdefault(
                partner.id, {"kept": 0, "broken": 0, "decided": 0}
            )
            figures["decided"] += count
            figures["kept" if state == "kept" else "broken"] += count
        return history

    # Screens

    def action_open_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices covered"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.invoice_ids.ids)],
        }
