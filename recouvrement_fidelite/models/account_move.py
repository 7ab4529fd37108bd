# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import format_amount, format_date, plaintext2html

from ..engine import concepts

DISPUTE_STATES = list(concepts.DISPUTE_STATES)
DISPUTE_REASONS = [
    ("billing_error", "Billing error"),
    ("delivery", "Delivery"),
    ("non_conformity", "Non-conformity"),
    ("price", "Price"),
    ("other", "Other"),
]
#: Disputes in these states pause reminders on the invoice.
ACTIVE_DISPUTE_STATES = ("open", "under_review")
#: For each dispute status a transition leads to, the statuses it may start from.
DISPUTE_TRANSITIONS = {
    "open": ("none", "resolved", "rejected"),
    "under_review": ("open",),
    "resolved": ("open", "under_review"),
    "rejected": ("open", "under_review"),
}
#: Payment states of an invoice that still has something to pay.
TO_PAY_STATES = ("not_paid", "partial", "blocked")
#: Fields only collection users may change (invoicing users may write invoices).
DISPUTE_FIELDS = frozenset(
    {
        "collection_dispute_state",
        "collection_dispute_reason",
        "collection_dispute_user_id",
        "collection_dispute_date_open",
        "collection_dispute_date_closed",
        "collection_dispute_note",
        "collection_dispute_outcome",
    }
)
#: The collection's record of what was sent to the customer about an invoice.
#: The collection run writes them; collection managers may correct them, and
#: each correction is logged on the invoice.
REMINDER_FIELDS = frozenset(
    {
        "collection_level_id",
        "collection_reminder_count",
        "collection_last_reminder_date",
        "collection_next_level_id",
        "collection_next_action_date",
    }
)
COLLECTION_USER_GROUP = "recouvrement_fidelite.group_collection_user"
COLLECTION_MANAGER_GROUP = "recouvrement_fidelite.group_collection_manager"
#: What the collection knows of customers and invoices is internal: customers
#: (portal users) never read it through the ORM. The portal prepares what it
#: shows them in its controllers.
INTERNAL_USERS = "base.group_user"
#: Fields computed from collection records, which only collection users read.
COLLECTION_USERS = COLLECTION_USER_GROUP


class AccountMove(models.Model):
    _inherit = "account.move"

    # Dispute fields are readonly in every view: they change only through the
    # transitions below, which check rights, invoice and status and log them.
    # Collection reads and counts invoices per customer: without an index the
    # collection run scans every invoice for each batch of customers.
    commercial_partner_id = fields.Many2one(index=True)
    collection_dispute_state = fields.Selection(
        DISPUTE_STATES,
        string="Dispute",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        groups=INTERNAL_USERS,
    )
    collection_dispute_reason = fields.Selection(
        DISPUTE_REASONS,
        string="Dispute reason",
        readonly=True,
        copy=False,
        tracking=True,
        groups=INTERNAL_USERS,
    )
    collection_dispute_user_id = fields.Many2one(
        "res.users",
        string="Dispute handled by",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        groups=INTERNAL_USERS,
    )
    collection_dispute_date_open = fields.Date(
        string="Dispute opened on",
        readonly=True,
        copy=False,
        groups=INTERNAL_USERS,
    )
    collection_dispute_date_closed = fields.Date(
        string="Dispute closed on",
        readonly=True,
        copy=False,
        groups=INTERNAL_USERS,
    )
    collection_dispute_note = fields.Text(
        string="Dispute notes",
        readonly=True,
        copy=False,
        help="What the customer contests, as recorded when the dispute was opened.",
        groups=INTERNAL_USERS,
    )
    collection_dispute_outcome = fields.Text(
        string="Dispute outcome",
        readonly=True,
        copy=False,
        help="How the dispute was resolved, or why it was rejected.",
        groups=INTERNAL_USERS,
    )

    collection_level_id = fields.Many2one(
        "collection.level",
        string="Reminder level",
        copy=False,
        tracking=True,
        index=True,
        check_company=True,
        groups=INTERNAL_USERS,
    )
    collection_last_reminder_date = fields.Date(
        string="Last reminder", copy=False, groups=INTERNAL_USERS
    )
    collection_reminder_count = fields.Integer(
        string="Reminders sent", copy=False, groups=INTERNAL_USERS
    )
    # The level itself, not its name: shown in the reader's language, and
    # still right when the level is renamed.
    collection_next_level_id = fields.Many2one(
        "collection.level",
        string="Next action",
        copy=False,
        ondelete="set null",
        check_company=True,
        groups=INTERNAL_USERS,
    )
    # Not "the next action": whether and how the run acts on that day is the
    # rules' decision (the dry run shows it).
    collection_next_action_date = fields.Date(
        string="Next level due on",
        help="When the next level of the customer's reminder scenario falls "
        "due for this invoice. The rules decide whether and how the collection "
        "run acts then: the dry run shows what it would do today.",
        copy=False,
        index=True,
        groups=INTERNAL_USERS,
    )
    collection_action_count = fields.Integer(
        string="Collection actions",
        compute="_compute_collection_action_count",
        groups=COLLECTION_USERS,
    )
    collection_paused = fields.Boolean(
        string="Reminders paused",
        compute="_compute_collection_paused",
        search="_search_collection_paused",
        help="An open dispute or a pause on the customer stops reminders.",
        groups=INTERNAL_USERS,
    )
    collection_payment_plan_ids = fields.Many2many(
        "collection.payment.plan",
        "collection_payment_plan_invoice_rel",
        "move_id",
        "plan_id",
        string="Payment plans",
        copy=False,
        readonly=True,
        groups=INTERNAL_USERS,
    )
    collection_payment_plan_count = fields.Integer(
        string="Number of payment plans",
        compute="_compute_collection_payment_plan_count",
        groups=INTERNAL_USERS,
    )
    collection_in_plan = fields.Boolean(
        string="In a payment plan",
        compute="_compute_collection_payment_plan_count",
        search="_search_collection_in_plan",
        help="The invoice is covered by a draft, proposed or active payment plan.",
        groups=INTERNAL_USERS,
    )
    collection_can_edit_reminders = fields.Boolean(
        string="May correct the reminder record",
        compute="_compute_collection_can_edit_reminders",
        groups=INTERNAL_USERS,
    )
    collection_pause_info = fields.Char(
        string="Why reminders are paused",
        compute="_compute_collection_paused",
        groups=INTERNAL_USERS,
    )

    @api.depends(
        "collection_dispute_state",
        "collection_dispute_reason",
        "commercial_partner_id.collection_pause_until",
        "commercial_partner_id.collection_pause_reason",
    )
    def _compute_collection_paused(self):
        today = fields.Date.context_today(self)
        reasons = defaultdict(list)
        for source in self._collection_pause_sources():
            for move, reason in getattr(self, f"_collection_pauses_{source}")(
                today
            ).items():
                reasons[move].append(reason)
        for move in self:
            move.collection_paused = move in reasons
            move.collection_pause_info = " ".join(reasons.get(move, []))

    @api.model
    def _collection_pause_sources(self):
        """What may pause reminders on an invoice, each a source name.

        A source ``name`` is two methods: ``_collection_pauses_<name>(today)``
        returns, for the invoices of ``self`` it pauses, why (a sentence in
        the reader's language), and ``_collection_paused_domain_<name>(today)``
        the domain of the invoices it pauses. A capability that pauses
        reminders (a promise to pay, a payment plan) adds its source here
        rather than growing another one.
        """
        return ["dispute", "customer", "promise", "plan"]

    def _collection_pauses_dispute(self, today):
        reasons = self._collection_labels("collection_dispute_reason")
        paused = {}
        for move in self:
            if move.collection_dispute_state not in ACTIVE_DISPUTE_STATES:
                continue
            reason = reasons.get(move.collection_dispute_reason) or _("no reason given")
            if move.collection_dispute_state == "open":
                paused[move] = _("Dispute open: %(reason)s.", reason=reason)
            else:
                paused[move] = _("Dispute under review: %(reason)s.", reason=reason)
        return paused

    @api.model
    def _collection_paused_domain_dispute(self, today):
        return [("collection_dispute_state", "in", list(ACTIVE_DISPUTE_STATES))]

    def _collection_pauses_customer(self, today):
        paused = {}
        for move in self:
            partner = move.commercial_partner_id
            until = partner.collection_pause_until
            if not (until and until >= today):
                continue
            values = {
                "customer": partner.display_name,
                "date": format_date(self.env, until),
                "reason": partner.collection_pause_reason,
            }
            if partner.collection_pause_reason:
                paused[move] = _(
                    "Reminders to %(customer)s paused until %(date)s: %(reason)s.",
                    **values,
                )
            else:
                paused[move] = _(
                    "Reminders to %(customer)s paused until %(date)s.", **values
                )
        return paused

    @api.model
    def _collection_paused_domain_customer(self, today):
        return [("commercial_partner_id.collection_pause_until", ">=", today)]

    # A pending promise to pay pauses reminders on the invoices it covers
    # until its promised date plus the company's grace period.

    def _collection_pauses_promise(self, today):
        paused = {}
        promises = self.env["collection.promise"]._pending_for_invoices(self, today)
        for promise in promises.sorted("date_promised"):
            reason = _(
                "Payment promised for %(date)s (%(amount)s).",
                date=format_date(self.env, promise.date_promised),
                amount=format_amount(self.env, promise.amount, promise.currency_id),
            )
            for move in promise.invoice_ids & self:
                paused.setdefault(move, reason)
        return paused

    @api.model
    def _collection_paused_domain_promise(self, today):
        # sudo: who may not read promises still sees the invoices paused.
        promises = (
            self.env["collection.promise"]
            .sudo()
            .search([("state", "=", "pending"), ("date_deadline", ">=", today)])
        )
        return [("id", "in", promises.invoice_ids.ids)]

    # Payment plans: an active plan pauses the reminders of its invoices: its
    # installments are reminded instead, through the levels of the customer's
    # scenario (see collection.planner). A broken plan brings them back.

    def _collection_pauses_plan(self, today):
        paused = {}
        plans = (
            self.env["collection.payment.plan"]
            .sudo()
            .search(self._collection_paused_domain_plan_plans(today, self.ids))
        )
        for plan in plans:
            for move in plan.invoice_ids & self:
                paused[move] = _(
                    "Covered by the active payment plan %(plan)s: its "
                    "installments are reminded instead.",
                    plan=plan.name,
                )
        return paused

    @api.model
    def _collection_paused_domain_plan_plans(self, today, move_ids=None):
        domain = [("state", "=", "active")]
        if move_ids is not None:
            domain.append(("invoice_ids", "in", move_ids))
        return domain

    @api.model
    def _collection_paused_domain_plan(self, today):
        return [
            (
                "collection_payment_plan_ids",
                "any",
                self._collection_paused_domain_plan_plans(today),
            )
        ]

    @api.model
    def _collection_paused_domain(self, today, sources=None):
        """The invoices paused by ``sources`` (every pause source by default)."""
        return expression.OR(
            [
                getattr(self, f"_collection_paused_domain_{source}")(today)
                for source in sources or self._collection_pause_sources()
            ]
        )

    @api.model
    def _collection_installment_domain(self, today):
        """Invoices whose reminders an active payment plan took over, and
        that nothing else pauses: the collection run looks at them for the
        plan's installments."""
        others = [s for s in self._collection_pause_sources() if s != "plan"]
        domain = self._collection_paused_domain_plan(today)
        if others:
            domain = expression.AND(
                [domain, ["!", *self._collection_paused_domain(today, others)]]
            )
        return domain

    def _message_set_main_attachment_id(
        self, attachments, force=False, filter_xml=True
    ):
        # A reminder letter attached to a reminder email is not the invoice's
        # document: the invoice keeps its own PDF as main attachment (the one
        # its preview shows), and posting a reminder writes nothing on it.
        if self.env.context.get("collection_reminder_post"):
            return None
        return super()._message_set_main_attachment_id(
            attachments, force=force, filter_xml=filter_xml
        )

    def _collection_ensure_access_tokens(self):
        """Give these invoices their portal token where they have none, all
        at once: reminders link to the invoice's page, and
        ``get_portal_url`` would create each token by writing the invoice,
        which re-checks its entry (lines read, balance checked) each time."""
        missing = self.filtered(lambda move: not move.access_token)
        if not missing:
            return
        # The same random UUID strings as ``portal.mixin`` gives.
        self.env.cr.execute(
            "UPDATE account_move SET access_token = gen_random_uuid()::text"
            " WHERE id IN %s AND access_token IS NULL",
            [tuple(missing.ids)],
        )
        missing.invalidate_recordset(["access_token"])
        # Read back at once: each email reads its invoice's token alone,
        # one query per invoice otherwise.
        missing.fetch(["access_token"])

    def _collection_labels(self, field_name):
        """The translated labels of a selection field, by value."""
        return dict(self._fields[field_name]._description_selection(self.env))

    def _search_collection_paused(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on paused reminders."))
        today = fields.Date.context_today(self)
        paused = self._collection_paused_domain(today)
        if (operator == "=") == value:
            return paused
        return ["!", *paused]

    # Rights: invoicing users may write invoices, so the dispute fields and
    # the reminder record are guarded here, not only by hiding buttons.

    @api.model_create_multi
    def create(self, vals_list):
        if any(
            value and value != "none"
            for vals in vals_list
            for name, value in vals.items()
            if name in DISPUTE_FIELDS
        ):
            self._collection_check_dispute_rights()
        # Empty values are what a new invoice has anyway (forms send them).
        reminder_values = [
            {name: value for name, value in vals.items() if name in REMINDER_FIELDS}
            for vals in vals_list
        ]
        if any(value for values in reminder_values for value in values.values()):
            self._collection_check_reminder_rights()
        moves = super().create(vals_list)
        if not self.env.su:
            for move, values in zip(moves, reminder_values, strict=True):
                if any(values.values()):
                    move._collection_log_reminder_changes(
                        {name: move._fields[name].null(move) for name in values}
                    )
        return moves

    def write(self, vals):
        if DISPUTE_FIELDS.intersection(vals):
            self._collection_check_dispute_rights()
        reminder_fields = REMINDER_FIELDS.intersection(vals)
        before = {}
        if reminder_fields and not self.env.su:
            self._collection_check_reminder_rights()
            before = {
                move: {name: move[name] for name in reminder_fields} for move in self
            }
        result = super().write(vals)
        for move, values in before.items():
            move._collection_log_reminder_changes(values)
        return result

    def _collection_check_dispute_rights(self):
        """Only collection users (or the system, e.g. the portal) change disputes."""
        if self.env.su or self.env.user.has_group(COLLECTION_USER_GROUP):
            return
        raise AccessError(
            _(
                "Only collection users may handle disputes on invoices. Ask a "
                "collection manager to give you the “Collection user” access."
            )
        )

    def _collection_check_reminder_rights(self):
        """The reminder record is written by the collection run, which writes
        it as superuser (see ``collection.action._update_invoices``); people
        may only correct it as collection managers."""
        if self.env.su or self.env.user.has_group(COLLECTION_MANAGER_GROUP):
            return
        raise AccessError(
            _(
                "The reminder level, the reminders sent, the date of the last "
                "reminder and the next action of an invoice record what the "
                "collection run sent: only collection managers may correct them."
            )
        )

    @api.depends("collection_payment_plan_ids.state")
    def _compute_collection_payment_plan_count(self):
        for move in self:
            plans = move.sudo().collection_payment_plan_ids
            move.collection_payment_plan_count = len(plans)
            move.collection_in_plan = any(
                plan.state in ("draft", "proposed", "active") for plan in plans
            )

    def _search_collection_in_plan(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on payment plans."))
        domain = [
            (
                "collection_payment_plan_ids",
                "any",
                [("state", "in", ("draft", "proposed", "active"))],
            )
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    def action_collection_payment_plans(self):
        self.ensure_one()
        return self.env["collection.payment.plan"]._action_for(
            [("invoice_ids", "in", self.ids)],
            {
                "default_partner_id": self.commercial_partner_id.id,
                "default_invoice_ids": [self.id],
            },
        )

    @api.depends_context("uid")
    def _compute_collection_can_edit_reminders(self):
        can_edit = self.env.user.has_group(COLLECTION_MANAGER_GROUP)
        for move in self:
            move.collection_can_edit_reminders = can_edit

    def _collection_log_reminder_changes(self, before):
        """Log who corrected the reminder record by hand, and from what to what."""
        self.ensure_one()
        changes = []
        for name, old in before.items():
            new = self[name]
            if old == new:
                continue
            changes.append(
                Markup("<li>%s: %s → %s</li>")
                % (
                    self._fields[name].get_description(self.env)["string"],
                    self._collection_show(name, old),
                    self._collection_show(name, new),
                )
            )
        if not changes:
            return
        self._message_log(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _(
                    "Reminder record corrected by hand by %(user)s:",
                    user=self.env.user.name,
                ),
                Markup().join(changes),
            )
        )

    def _collection_show(self, name, value):
        """A value of a reminder record field, as a person reads it."""
        field = self._fields[name]
        if field.type == "many2one":
            return value.display_name or _("none")
        if field.type == "date":
            return format_date(self.env, value) if value else _("none")
        if field.type == "integer":
            return str(value or 0)
        return value or _("none")

    def _collection_check_disputable(self):
        """Refuse dispute changes on anything but a posted customer invoice to pay."""
        for move in self:
            if move.move_type != "out_invoice":
                raise UserError(
                    _(
                        "%(invoice)s is not a customer invoice: only customer "
                        "invoices can be disputed.",
                        invoice=move.display_name,
                    )
                )
            if move.state == "draft":
                raise UserError(
                    _(
                        "%(invoice)s is a draft: confirm it before handling a "
                        "dispute on it.",
                        invoice=move.display_name,
                    )
                )
            if move.state == "cancel":
                raise UserError(
                    _(
                        "%(invoice)s is cancelled: there is nothing left to dispute.",
                        invoice=move.display_name,
                    )
                )
            if move.payment_state not in TO_PAY_STATES:
                raise UserError(
                    _(
                        "%(invoice)s is already paid or reversed (payment status: "
                        "%(status)s): there is nothing left to dispute.",
                        invoice=move.display_name,
                        status=self._collection_labels("payment_state")[
                            move.payment_state
                        ],
                    )
                )

    def _collection_check_dispute_transition(self, target):
        """Check rights, invoices and current status before moving to ``target``."""
        self._collection_check_dispute_rights()
        self._collection_check_disputable()
        states = self._collection_labels("collection_dispute_state")
        for move in self:
            if move.collection_dispute_state in DISPUTE_TRANSITIONS[target]:
                continue
            values = {
                "invoice": move.display_name,
                "status": states[move.collection_dispute_state],
            }
            if target == "open":
                message = _(
                    "%(invoice)s already has a dispute in progress (status: "
                    "%(status)s): it cannot be opened again.",
                    **values,
                )
            elif target == "under_review":
                message = _(
                    "%(invoice)s: only an open dispute can be moved to review; "
                    "the dispute status is “%(status)s”.",
                    **values,
                )
            elif target == "resolved":
                message = _(
                    "%(invoice)s: only an open dispute or one under review can be "
                    "resolved; the dispute status is “%(status)s”.",
                    **values,
                )
            else:
                message = _(
                    "%(invoice)s: only an open dispute or one under review can be "
                    "rejected; the dispute status is “%(status)s”.",
                    **values,
                )
            raise UserError(message)

    # Transitions. They work on recordsets and are called by the dispute
    # wizard, and with sudo() by the customer portal.

    def _collection_default_dispute_user(self):
        """Who handles a new dispute: the customer's collection responsible,
        else the employee opening it, else the salesperson."""
        self.ensure_one()
        responsible = self.commercial_partner_id.collection_user_id
        if responsible:
            return responsible
        user = self.env.user
        # OdooBot (crons, scripts) handles nothing: fall back to the salesperson.
        if not user.share and not user._is_public() and not user._is_superuser():
            return user
        return self.invoice_user_id

    def _collection_dispute_open(self, reason, responsible=None, note=None):
        """Open (or re-open) a dispute on these invoices; reminders pause."""
        if reason not in dict(DISPUTE_REASONS):
            raise UserError(_("Choose the reason of the dispute."))
        self._collection_check_dispute_transition("open")
        reasons = self._collection_labels("collection_dispute_reason")
        today = fields.Date.context_today(self)
        for move in self:
            handler = responsible or move._collection_default_dispute_user()
            previous = move.collection_dispute_state
            move.with_context(mail_notrack=True).write(
                {
                    "collection_dispute_state": "open",
                    "collection_dispute_reason": reason,
                    "collection_dispute_user_id": handler.id,
                    "collection_dispute_date_open": today,
                    "collection_dispute_date_closed": False,
                    "collection_dispute_note": note or False,
                    "collection_dispute_outcome": False,
                }
            )
            if handler.partner_id:
                move.message_subscribe(partner_ids=handler.partner_id.ids)
            if previous == "resolved":
                title = _(
                    "Dispute re-opened (it was resolved): reminders are paused "
                    "on this invoice."
                )
            elif previous == "rejected":
                title = _(
                    "Dispute re-opened (it was rejected): reminders are paused "
                    "on this invoice."
                )
            else:
                title = _("Dispute opened: reminders are paused on this invoice.")
            move._collection_dispute_log(
                title,
                [
                    (_("Reason"), reasons[reason]),
                    (_("Handled by"), handler.name or _("nobody")),
                ],
                note=note,
                notify=handler,
            )
        return True

    def _collection_dispute_review(self):
        """Move open disputes to review; the reviewer handles them if nobody does."""
        self._collection_check_dispute_transition("under_review")
        for move in self:
            values = {"collection_dispute_state": "under_review"}
            reviewer = self.env.user
            if not move.collection_dispute_user_id and not (
                reviewer.share or reviewer._is_superuser()
            ):
                values["collection_dispute_user_id"] = reviewer.id
            move.with_context(mail_notrack=True).write(values)
            move._collection_dispute_log(
                _("Dispute moved to review."),
                [
                    (
                        _("Handled by"),
                        move.collection_dispute_user_id.name or _("nobody"),
                    )
                ],
            )
        return True

    def _collection_dispute_resolve(self, note=None):
        """Close disputes as resolved; reminders resume."""
        self._collection_check_dispute_transition("resolved")
        self._collection_dispute_close(
            "resolved",
            _("Dispute resolved: reminders resume on this invoice."),
            note,
        )
        return True

    def _collection_dispute_reject(self, note):
        """Close disputes as rejected, with the reason; reminders resume."""
        if not (note or "").strip():
            raise UserError(_("Give the reason why the dispute is rejected."))
        self._collection_check_dispute_transition("rejected")
        self._collection_dispute_close(
            "rejected",
            _("Dispute rejected: reminders resume on this invoice."),
            note,
        )
        return True

    def _collection_dispute_close(self, state, title, note):
        today = fields.Date.context_today(self)
        for move in self:
            move.with_context(mail_notrack=True).write(
                {
                    "collection_dispute_state": state,
                    "collection_dispute_date_closed": today,
                    "collection_dispute_outcome": note or False,
                }
            )
            move._collection_dispute_log(
                title,
                [
                    (
                        _("Opened on"),
                        format_date(self.env, move.collection_dispute_date_open)
                        or _("unknown"),
                    )
                ],
                note=note,
            )

    def _collection_dispute_log(self, title, details, note=None, notify=None):
        """Log a dispute step in the chatter; ``notify`` users get it in their inbox."""
        self.ensure_one()
        body = Markup("<p><strong>%s</strong></p>") % title
        if details:
            body += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s: %s</li>") % (label, value) for label, value in details
            )
        if note and note.strip():
            body += plaintext2html(note.strip())
        partners = (
            notify or self.env["res.users"]
        ).partner_id - self.env.user.partner_id
        self.message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=partners.ids,
        )

    # Buttons

    def _collection_dispute_wizard(self, action, title):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "collection.dispute.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_move_id": self.id, "default_action": action},
        }

    def action_collection_dispute_open(self):
        self._collection_check_dispute_transition("open")
        return self._collection_dispute_wizard("open", _("Open a Dispute"))

    def action_collection_dispute_review(self):
        return self._collection_dispute_review()

    def action_collection_dispute_resolve(self):
        self._collection_check_dispute_transition("resolved")
        return self._collection_dispute_wizard("resolve", _("Resolve the Dispute"))

    def action_collection_dispute_reject(self):
        self._collection_check_dispute_transition("rejected")
        return self._collection_dispute_wizard("reject", _("Reject the Dispute"))

    def _compute_collection_action_count(self):
        actions = self.env["collection.action"].search_fetch(
            self._collection_action_domain(), ["invoice_id", "payment_plan_id"]
        )
        for move in self:
            move.collection_action_count = len(
                actions.filtered(
                    lambda a, m=move: (
                        a.invoice_id == m or m in a.payment_plan_id.invoice_ids
                    )
                )
            )

    def _collection_action_domain(self):
        """The collection actions of these invoices: their own, and the
        reminders of the installments of the payment plans covering them."""
        return [
            "|",
            ("invoice_id", "in", self.ids),
            ("payment_plan_id.invoice_ids", "in", self.ids),
        ]

    def action_view_collection_actions(self):
        """The collection history of the invoice: every decision and why."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_action_action"
        )
        action["domain"] = self._collection_action_domain()
        action["context"] = {}
        return action

    # The customer's collection attributes, to group invoices by (not
    # stored: Odoo groups and sorts related fields through a join).
    collection_typology_id = fields.Many2one(
        related="commercial_partner_id.collection_typology_id",
        string="Typology",
        groups=INTERNAL_USERS,
    )
    collection_user_id = fields.Many2one(
        related="commercial_partner_id.collection_user_id",
        string="Collection responsible",
        groups=INTERNAL_USERS,
    )

    # Promises to pay covering the invoice

    collection_promise_ids = fields.Many2many(
        "collection.promise",
        "collection_promise_account_move_rel",
        "move_id",
        "promise_id",
        string="Promises to pay",
        copy=False,
        readonly=True,
        groups=COLLECTION_USERS,
    )
    collection_promise_count = fields.Integer(
        string="Promises",
        compute="_compute_collection_promise",
        groups=COLLECTION_USERS,
    )
    collection_promise_pending = fields.Boolean(
        string="Payment promised",
        compute="_compute_collection_promise",
        help="A pending promise to pay covers the invoice.",
        groups=COLLECTION_USERS,
    )

    collection_promise_date = fields.Date(
        string="Payment promised for",
        compute="_compute_collection_promise",
        help="The date of the pending promise to pay covering the invoice.",
        groups=COLLECTION_USERS,
    )

    def _compute_collection_promise(self):
        for move in self:
            pending = move.collection_promise_ids.filtered(
                lambda promise: promise.state == "pending"
            )
            move.collection_promise_count = len(move.collection_promise_ids)
            move.collection_promise_pending = bool(pending)
            move.collection_promise_date = min(
                pending.mapped("date_promised"), default=False
            )

    def action_view_collection_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_promise_action"
        )
        action["domain"] = [("invoice_ids", "in", self.ids)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_invoice_ids": [(6, 0, self.ids)],
        }
        return action
