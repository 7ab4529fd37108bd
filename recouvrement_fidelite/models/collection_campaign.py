# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Ad-hoc reminder campaigns, beside the scheduled scenarios.

A campaign picks customers by a filter on contacts (region, sector,
typology...) and by what they owe, previews who would get what, then sends
one reminder per customer on the chosen channel and template, listing the
customer's invoices. The reminders are ordinary ``collection.action``
records, dispatched like those of the collection run (one message per
customer and channel), so they appear in the invoice and customer history.

Their ``dedup_key`` holds the campaign: a campaign never reminds the same
invoice twice, and never collides with the reminders of the scheduled run,
which go on independently. Campaign reminders have no level: they do not
move invoices along their scenario.
"""

from ast import literal_eval

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_amount, format_datetime
from odoo.tools.translate import LazyTranslate

from ..engine.concepts import CAMPAIGN_CHANNELS, TONES
from .account_move import ACTIVE_DISPUTE_STATES
from .failure_messages import date, message, records_field, selection, sentence

_lt = LazyTranslate(__name__)

#: Changing one of these fields changes who gets what: the preview is redone.
SELECTION_FIELDS = frozenset(
    {
        "partner_domain",
        "min_overdue_amount",
        "max_overdue_amount",
        "overdue_only",
        "channel",
        "company_id",
        "skip_beyond_level",
        "max_level_number",
        "skip_recent_reminder",
        "recent_reminder_days",
        "skip_escalated",
        "skip_disputed",
    }
)
#: States of an action that stand for a reminder sent or about to be sent.
PENDING_OR_SENT = ("proposed", "approved", "done")


class CollectionCampaign(models.Model):
    _name = "collection.campaign"
    _description = "Reminder campaign"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("previewed", "Previewed"),
            ("done", "Launched"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        copy=False,
        tracking=True,
    )
    partner_domain = fields.Char(
        string="Customer filter",
        default="[]",
        required=True,
        help="Which customers: a filter on contacts (country, region, city, "
        "industry, typology, customer type, tags...). A contact that matches "
        "selects its company.",
    )
    overdue_only = fields.Boolean(
        string="Only overdue invoices",
        default=True,
        help="On: only customers with invoices past their due date are "
        "selected, and only those invoices are reminded. Off: every open "
        "invoice counts, including those not yet due (e.g. a courtesy "
        "campaign before a closing).",
    )
    min_overdue_amount = fields.Monetary(
        string="Overdue amount from",
        help="Only customers who owe at least this amount past its due date, "
        "in company currency. Zero: no minimum.",
    )
    max_overdue_amount = fields.Monetary(
        string="Overdue amount up to",
        help="Only customers who owe at most this amount past its due date, "
        "in company currency. Zero: no maximum.",
    )
    # The customer's collection state: a campaign's wording ("probably an
    # oversight") must not contradict what the scheduled reminders already
    # said or decided. Every check is on by default.
    skip_beyond_level = fields.Boolean(
        string="Skip customers reminded beyond a level",
        default=True,
        help="On: customers with an open invoice whose scheduled reminders "
        "went beyond the level below are skipped.",
    )
    max_level_number = fields.Integer(
        string="Highest reminder level",
        default=1,
        help="Customers with an open invoice at a higher reminder level are "
        "skipped (when the option above is on).",
    )
    skip_recent_reminder = fields.Boolean(
        string="Skip customers reminded recently",
        default=True,
        help="On: customers reminded within the days below, or with a "
        "reminder waiting for approval or to be sent, are skipped.",
    )
    recent_reminder_days = fields.Integer(
        string="Reminded within (days)",
        default=lambda self: self.env.company.collection_campaign_quiet_days,
        help="Default: the company's setting (Settings, Collection: policy).",
    )
    skip_escalated = fields.Boolean(
        string="Skip customers with an escalation",
        default=True,
        help="On: customers for whom an escalation (formal notice, agency, "
        "court...) was proposed, approved or carried out on an open invoice "
        "are skipped.",
    )
    skip_disputed = fields.Boolean(
        string="Skip customers with a dispute",
        default=True,
        help="On: customers with an open or under-review dispute are skipped "
        "altogether. Off: only the disputed invoices are left out.",
    )
    channel = fields.Selection(list(CAMPAIGN_CHANNELS), required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email template",
        domain="[('model', '=', 'account.move')]",
        default=lambda self: self.env.ref(
            "recouvrement_fidelite.mail_template_collection_first",
            raise_if_not_found=False,
        ),
        help="Rendered on the customer's oldest invoice, listing all the "
        "invoices of the reminder.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        domain="[('model', '=', 'account.move')]",
        default=lambda self: self.env.ref(
            "recouvrement_fidelite.sms_template_collection_first",
            raise_if_not_found=False,
        ),
    )
    letter_report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter template",
        domain="[('model', '=', 'account.move'), ('report_type', '=', 'qweb-pdf')]",
        default=lambda self: self.env.ref(
            "recouvrement_fidelite.collection_letter_report",
            raise_if_not_found=False,
        ),
    )
    letter_tone = fields.Selection(
        list(TONES),
        string="Letter tone",
        default="neutral",
        required=True,
        help="Wording of the letter.",
    )
    note = fields.Html(string="Notes")
    line_ids = fields.One2many(
        "collection.campaign.line",
        "campaign_id",
        string="Campaign customers",
        copy=False,
    )
    action_ids = fields.One2many(
        "collection.action", "campaign_id", string="Reminder actions", copy=False
    )
    preview_date = fields.Datetime(string="Previewed on", readonly=True, copy=False)
    launch_date = fields.Datetime(string="Launched on", readonly=True, copy=False)
    launch_user_id = fields.Many2one(
        "res.users", string="Launched by", readonly=True, copy=False
    )
    customer_count = fields.Integer(
        string="Customers", compute="_compute_preview_counts"
    )
    reachable_count = fields.Integer(
        string="Reachable customers", compute="_compute_preview_counts"
    )
    invoice_count = fields.Integer(
        string="Invoices to remind", compute="_compute_preview_counts"
    )
    overdue_total = fields.Monetary(
        string="Overdue amount", compute="_compute_preview_counts"
    )
    action_count = fields.Integer(string="Reminders", compute="_compute_result_counts")
    done_count = fields.Integer(
        string="Reminders sent", compute="_compute_result_counts"
    )
    failed_count = fields.Integer(
        string="Reminders failed", compute="_compute_result_counts"
    )
    reached_count = fields.Integer(
        string="Customers reminded", compute="_compute_result_counts"
    )

    @api.depends(
        "line_ids.reachable", "line_ids.invoice_count", "line_ids.overdue_amount"
    )
    def _compute_preview_counts(self):
        for campaign in self:
            lines = campaign.line_ids
            campaign.customer_count = len(lines)
            campaign.reachable_count = len(
                lines.filtered(lambda line: line.reachable and line.invoice_count)
            )
            campaign.invoice_count = sum(lines.mapped("invoice_count"))
            campaign.overdue_total = sum(lines.mapped("overdue_amount"))

    @api.depends("action_ids.state")
    def _compute_result_counts(self):
        groups = self.env["collection.action"]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state"],
            ["__count", "partner_id:count_distinct"],
        )
        counts = {}
        for campaign, state, count, customers in groups:
            counts.setdefault(campaign.id, {})[state] = (count, customers)
        for campaign in self:
            by_state = counts.get(campaign.id, {})
            campaign.action_count = sum(
                count for count, _customers in by_state.values()
            )
            campaign.done_count = by_state.get("done", (0, 0))[0]
            campaign.failed_count = by_state.get("failed", (0, 0))[0]
            campaign.reached_count = by_state.get("done", (0, 0))[1]

    # Checks

    def _partner_domain(self):
        """The customer filter as a domain; a clear error when it is not one."""
        self.ensure_one()
        try:
            domain = literal_eval(self.partner_domain or "[]")
        except (ValueError, SyntaxError) as error:
            raise ValidationError(
                _(
                    "The customer filter of campaign %(campaign)s is not valid: "
                    "%(error)s",
                    campaign=self.name,
                    error=error,
                )
            ) from error
        if not isinstance(domain, (list, tuple)):
            raise ValidationError(
                _(
                    "The customer filter of campaign %(campaign)s must be a list of "
                    'conditions, e.g. [("country_id.code", "=", "FR")].',
                    campaign=self.name,
                )
            )
        return list(domain)

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for campaign in self:
            domain = campaign._partner_domain()
            try:
                self.env["res.partner"].search_count(domain, limit=1)
            except Exception as error:  # noqa: BLE001 - any invalid domain
                raise ValidationError(
                    _(
                        "The customer filter of campaign %(campaign)s is not valid: "
                        "%(error)s",
                        campaign=campaign.name,
                        error=error,
                    )
                ) from error

    @api.constrains("max_level_number", "recent_reminder_days")
    def _check_collection_state_filters(self):
        for campaign in self:
            if campaign.max_level_number < 0 or campaign.recent_reminder_days < 0:
                raise ValidationError(
                    _(
                        "Campaign %(campaign)s: the highest reminder level and "
                        "the number of days cannot be negative.",
                        campaign=campaign.name,
                    )
                )

    @api.constrains("min_overdue_amount", "max_overdue_amount")
    def _check_amounts(self):
        for campaign in self:
            low, high = campaign.min_overdue_amount, campaign.max_overdue_amount
            if low < 0 or high < 0:
                raise ValidationError(
                    _("The overdue amounts of a campaign cannot be negative.")
                )
            if low and high and high < low:
                raise ValidationError(
                    _(
                        "Campaign %(campaign)s: the maximum overdue amount "
                        "(%(high)s) is below the minimum (%(low)s).",
                        campaign=campaign.name,
                        high=format_amount(self.env, high, campaign.currency_id),
                        low=format_amount(self.env, low, campaign.currency_id),
                    )
                )

    # Life cycle

    def write(self, vals):
        # A preview made for other filters would send to the wrong customers.
        stale = self.browse()
        if SELECTION_FIELDS.intersection(vals):
            stale = self.filtered(lambda c: c.state == "previewed")
        result = super().write(vals)
        if stale:
            stale.line_ids.unlink()
            stale.write({"state": "draft", "preview_date": False})
        return result

    def unlink(self):
        if self.filtered(lambda c: c.state == "done"):
            raise UserError(
                _(
                    "A launched campaign cannot be deleted: its reminders are part "
                    "of the customers' history."
                )
            )
        return super().unlink()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for campaign, vals in zip(self, vals_list, strict=True):
            if not (default or {}).get("name"):
                vals["name"] = _("%s (copy)", campaign.name)
        return vals_list

    # Selection

    def _invoice_domain(self, today):
        self.ensure_one()
        domain = self.env["collection.engine"]._open_invoice_domain(self.company_id)
        if self.overdue_only:
            domain = domain + [("invoice_date_due", "<", today)]
        return domain

    def _select_customers(self, today):
        """Commercial entities the filters select, with what each owes.

        Returns ``(customers, balances)``; ``balances`` as
        ``collection.engine._customer_balances``.
        """
        self.ensure_one()
        Move = self.env["account.move"]
        with_invoices = [
            partner.id
            for (partner,) in Move._read_group(
                self._invoice_domain(today), ["commercial_partner_id"]
            )
        ]
        if not with_invoices:
            return self.env["res.partner"], {}
        matching = self.env["res.partner"].search(
            expression.AND(
                [
                    self._partner_domain(),
                    [("commercial_partner_id", "in", with_invoices)],
                ]
            )
        )
        customers = matching.commercial_partner_id
        balances = self.env["collection.engine"]._customer_balances(
            customers.ids, self.company_id, today
        )
        low, high = self.min_overdue_amount, self.max_overdue_amount

        def selected(customer):
            owed = balances.get(customer.id, {}).get("overdue_amount", 0.0)
            compare = self.currency_id.compare_amounts
            if low and compare(owed, low) < 0:
                return False
            if high and compare(owed, high) > 0:
                return False
            return True

        return customers.filtered(selected), balances

    def _skip_reasons(self, customers, today):
        """Customers the campaign skips for their collection state, with
        why: ``{customer id: [reason, ...]}``, each reason a message as data
        (``failure_messages``) worded when shown, in the reader's language.

        Read in a few queries for all the customers; the preview shows the
        reasons and the launch checks them again.
        """
        self.ensure_one()
        reasons = {}
        if not customers:
            return reasons

        def skip(customer_id, reason):
            reasons.setdefault(customer_id, []).append(reason)

        def by_customer(records, customer_of):
            """``{customer id: [record, ...]}``, in the records' order."""
            groups = {}
            for record in records:
                groups.setdefault(customer_of(record).id, []).append(record)
            return groups

        def invoice_customer(invoice):
            return invoice.commercial_partner_id

        def action_customer(action):
            return action.partner_id.commercial_partner_id

        open_invoices = self.env["account.move"].search(
            self.env["collection.engine"]._open_invoice_domain(self.company_id)
            + [("commercial_partner_id", "in", customers.ids)],
            order="invoice_date_due, id",
        )
        if self.skip_beyond_level:
            beyond = open_invoices.filtered(
                lambda inv: inv.collection_level_id.level_number > self.max_level_number
            )
            for customer_id, invoices in by_customer(beyond, invoice_customer).items():
                invoice = max(
                    invoices, key=lambda inv: inv.collection_level_id.level_number
                )
                skip(
                    customer_id,
                    message(
                        _lt(
                            "Skipped: invoice %(invoice)s reached reminder level "
                            "%(level)s (%(name)s), beyond level %(max)s."
                        ),
                        invoice=invoice.name,
                        level=invoice.collection_level_id.level_number,
                        name=records_field(invoice.collection_level_id, "name"),
                        max=self.max_level_number,
                    ),
                )
        if self.skip_disputed:
            disputed = open_invoices.filtered(
                lambda inv: inv.collection_dispute_state in ACTIVE_DISPUTE_STATES
            )
            for customer_id, invoices in by_customer(
                disputed, invoice_customer
            ).items():
                skip(
                    customer_id,
                    message(
                        _lt("Skipped: disputed invoice(s) %(invoices)s. %(why)s"),
                        invoices=", ".join(inv.name for inv in invoices),
                        why=records_field(
                            self.env["account.move"].union(*invoices),
                            "collection_pause_info",
                        ),
                    ),
                )
        Action = self.env["collection.action"]
        customer_actions = [
            ("company_id", "=", self.company_id.id),
            ("partner_id", "child_of", customers.ids),
            ("state", "in", PENDING_OR_SENT),
        ]
        if self.skip_recent_reminder:
            since = fields.Date.subtract(today, days=self.recent_reminder_days)
            reminders = Action.search(
                customer_actions
                + [
                    ("kind", "=", "reminder"),
                    # A campaign launched again retries its own failures.
                    ("campaign_id", "!=", self.id),
                    "|",
                    ("state", "!=", "done"),
                    ("done_at", ">=", fields.Datetime.to_datetime(since)),
                ],
                order="done_at desc, id desc",
            )
            for customer_id, actions in by_customer(reminders, action_customer).items():
                sent = [action for action in actions if action.state == "done"]
                if sent:
                    # The day the customer received it, in the user's time zone.
                    sent_on = fields.Datetime.context_timestamp(self, sent[0].done_at)
                    skip(
                        customer_id,
                        message(
                            _lt(
                                "Skipped: reminded on %(date)s, less than %(days)s "
                                "days ago."
                            ),
                            date=date(sent_on.date()),
                            days=self.recent_reminder_days,
                        ),
                    )
                else:
                    skip(
                        customer_id,
                        message(
                            _lt(
                                "Skipped: a reminder is waiting for approval or "
                                "to be sent."
                            )
                        ),
                    )
        if self.skip_escalated:
            escalations = Action.search(
                customer_actions
                + [
                    ("kind", "=", "escalation"),
                    "|",
                    ("invoice_id", "=", False),
                    ("invoice_id", "in", open_invoices.ids),
                ],
                order="date desc, id desc",
            )
            for customer_id, actions in by_customer(
                escalations, action_customer
            ).items():
                escalation = actions[0]
                skip(
                    customer_id,
                    message(
                        _lt(
                            "Skipped: an escalation was decided on %(date)s "
                            "(%(state)s)."
                        ),
                        date=date(escalation.date),
                        state=selection("collection.action", "state", escalation.state),
                    ),
                )
        return reasons

    def _line_values(self, today):
        """Preview lines: who gets what, and whether they can be reached."""
        self.ensure_one()
        customers, balances = self._select_customers(today)
        if not customers:
            return []
        invoices = self.env["account.move"].search(
            self._invoice_domain(today)
            + [("commercial_partner_id", "in", customers.ids)],
            order="commercial_partner_id, invoice_date_due, id",
        )
        by_customer = {}
        for invoice in invoices:
            by_customer.setdefault(invoice.commercial_partner_id.id, []).append(invoice)
        skipped = self._skip_reasons(customers, today)
        lines = []
        for customer in customers:
            customer_invoices = by_customer.get(customer.id, [])
            to_remind = [inv for inv in customer_invoices if not inv.collection_paused]
            left_out = [inv for inv in customer_invoices if inv.collection_paused]
            reasons = []
            # The same reachability check as the dispatch.
            why_not = customer._collection_unreachable_data(
                customer.collection_contact_id or customer, self.channel
            )
            reachable = not why_not
            if why_not:
                reasons.append(sentence(why_not))
            if left_out:
                pauses = records_field(
                    self.env["account.move"].union(*left_out), "collection_pause_info"
                )
                if to_remind:
                    reasons.append(
                        message(
                            _lt("%(count)s invoice(s) left out: %(why)s"),
                            count=len(left_out),
                            why=pauses,
                        )
                    )
                else:
                    reachable = False
                    reasons.append(message(_lt("Nothing to send: %(why)s"), why=pauses))
            balance = balances.get(customer.id, {})
            # As in the collection run: nothing is claimed from a customer
            # whose credit notes and payments not yet matched cover what
            # they owe.
            if self.env["collection.engine"]._owes_nothing(
                balance.get("balance"), self.company_id
            ):
                reachable = False
                to_remind = []
                reasons = [
                    message(
                        _lt(
                            "Nothing to send: the customer owes nothing in total; "
                            "their credit notes and payments not yet matched "
                            "cover their invoices."
                        )
                    )
                ]
            elif customer.id in skipped:
                reachable = False
                to_remind = []
                reasons = skipped[customer.id]
            lines.append(
                {
                    "campaign_id": self.id,
                    "partner_id": customer.id,
                    "overdue_amount": balance.get("overdue_amount", 0.0),
                    "overdue_count": balance.get("overdue_count", 0),
                    "invoice_ids": [fields.Command.set([inv.id for inv in to_remind])],
                    "reachable": reachable,
                    "reason_data": reasons or False,
                }
            )
        return lines

    # Buttons

    def action_preview(self):
        for campaign in self:
            if campaign.state not in ("draft", "previewed"):
                raise UserError(
                    _(
                        "Campaign %(campaign)s is %(state)s: its preview cannot "
                        "change any more.",
                        campaign=campaign.name,
                        state=campaign._state_label(),
                    )
                )
            today = fields.Date.context_today(campaign)
            campaign.line_ids.unlink()
            values = campaign._line_values(today)
            self.env["collection.campaign.line"].create(values)
            campaign.write(
                {"state": "previewed", "preview_date": fields.Datetime.now()}
            )
        return True

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_launchable(self):
        self.ensure_one()
        if self.state == "done":
            raise UserError(
                _(
                    "Campaign %(campaign)s was already launched on %(date)s: its "
                    "reminders are never sent twice. To remind these customers "
                    "again, duplicate the campaign.",
                    campaign=self.name,
                    date=format_datetime(self.env, self.launch_date),
                )
            )
        if self.state == "cancelled":
            raise UserError(
                _("Campaign %s is cancelled: set it back to draft first.", self.name)
            )
        if self.state != "previewed":
            raise UserError(
                _(
                    "Preview campaign %s before launching it: the preview shows "
                    "who gets what.",
                    self.name,
                )
            )
        if self.channel == "email" and not self.mail_template_id:
            raise UserError(_("Choose the email template of campaign %s.", self.name))
        if self.channel == "sms" and not self.sms_template_id:
            raise UserError(_("Choose the SMS template of campaign %s.", self.name))
        if self.channel == "letter" and not self.letter_report_id:
            raise UserError(_("Choose the letter template of campaign %s.", self.name))
        if not self.line_ids.invoice_ids:
            raise UserError(
                _(
                    "Campaign %s has nobody to remind: change its filters and "
                    "preview it again.",
                    self.name,
                )
            )

    def action_launch(self):
        """Send the reminders of the preview, one message per customer."""
        self.ensure_one()
        # Rights first: the lock below is plain SQL, which record rules skip.
        self.check_access("write")
        # Two people launching at once: the second waits for the first and,
        # its transaction retried, finds the campaign launched.
        self.env.cr.execute(
            "SELECT id FROM collection_campaign WHERE id = %s FOR NO KEY UPDATE",
            [self.id],
        )
        self.invalidate_recordset(["state"])
        self._check_launchable()
        today = fields.Date.context_today(self)
        Action = self.env["collection.action"]
        # Invoices paid, disputed or paused since the preview are left out.
        still_due = self.env["account.move"].search(
            [("id", "in", self.line_ids.invoice_ids.ids)]
            + self.env["collection.engine"]._open_invoice_domain(self.company_id)
            + [("collection_paused", "=", False)]
        )
        # The customer's collection state may have changed since the
        # preview (a reminder sent, an escalation decided): checked again,
        # and the line says why the customer was skipped.
        skipped = self._skip_reasons(self.line_ids.partner_id, today)
        for line in self.line_ids.filtered(lambda line: line.partner_id.id in skipped):
            line.write({"reachable": False, "reason_data": skipped[line.partner_id.id]})
        no_level = self.env["collection.level"]
        extra = f"campaign-{self.id}"
        planned = []
        for line in self.line_ids:
            if line.partner_id.id in skipped:
                continue
            for invoice in line.invoice_ids & still_due:
                planned.append(
                    {
                        "campaign_id": self.id,
                        "company_id": self.company_id.id,
                        "invoice_id": invoice.id,
                        "partner_id": line.partner_id.id,
                        "kind": "reminder",
                        "channel": self.channel,
                        "state": "approved",
                        "date": today,
                        "mail_template_id": self.mail_template_id.id
                        if self.channel == "email"
                        else False,
                        "sms_template_id": self.sms_template_id.id
                        if self.channel == "sms"
                        else False,
                        "explanation_data": {"campaign": self.name},
                        "dedup_key": Action._dedup_key(
                            invoice, "reminder", self.channel, no_level, extra
                        ),
                    }
                )
        recorded = Action._recorded_keys(
            [values["dedup_key"] for values in planned], retry_failed=True
        )
        actions = Action._record(
            [values for values in planned if values["dedup_key"] not in recorded]
        )
        self.write(
            {
                "state": "done",
                "launch_date": fields.Datetime.now(),
                "launch_user_id": self.env.uid,
            }
        )
        # The reminder's letter is attached to its email: without this key,
        # Odoo reads an attachment posted on an invoice as a document to
        # import and notes "The invoice is not a draft, it was not updated
        # from the attachment" on every invoice reminded.
        actions.with_context(no_new_invoice=True)._dispatch()
        self._post_results(
            skipped=self.line_ids.partner_id.filtered(
                lambda partner: partner.id in skipped
            )
        )
        return True

    def _post_results(self, skipped=None):
        """Say in the chatter what the launch did, and whom it skipped."""
        self.ensure_one()
        self.invalidate_recordset(
            ["action_count", "done_count", "failed_count", "reached_count"]
        )
        body = Markup("<p>%s</p>") % _(
            "Campaign launched: %(sent)s invoice(s) reminded to %(customers)s "
            "customer(s), %(failed)s failed.",
            sent=self.done_count,
            customers=self.reached_count,
            failed=self.failed_count,
        )
        if skipped:
            body += Markup("<p>%s</p>") % _(
                "Skipped for their collection state: %(customers)s (reasons in "
                "the Customers tab).",
                customers=", ".join(skipped.mapped("display_name")),
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_cancel(self):
        if self.filtered(lambda c: c.state == "done"):
            raise UserError(
                _("A launched campaign cannot be cancelled: its reminders are sent.")
            )
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        self.filtered(lambda c: c.state == "cancelled").write({"state": "draft"})
        return True

    def _actions_window(self, name, domain):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "collection.action",
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False},
        }

    def action_view_actions(self):
        self.ensure_one()
        return self._actions_window(self.name, [("campaign_id", "=", self.id)])

    def action_view_failed(self):
        self.ensure_one()
        return self._actions_window(
            _("Failed reminders of %s", self.name),
            [("campaign_id", "=", self.id), ("state", "=", "failed")],
        )
