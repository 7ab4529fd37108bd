# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""An escalation case: what the collection does once amicable reminders
have failed, for one customer.

One open case per customer, company and currency gathers the invoices
concerned and the claim (principal, late interest, recovery indemnity and
the costs the debtor bears), and follows them through the escalation stages
of the engine (``engine.actions.ESCALATION_STAGES``: formal notice,
simplified small-claims procedure, injunction to pay, collection agency,
write-off), each with its dates, deadline, documents and responsible.

- Reminders stop on the invoices of an open or suspended case
  (``account.move._collection_pause_sources``): the case's own steps (the
  formal notice…) are what the customer receives meanwhile.
- The customer's answer changes the case (:meth:`_sync`): everything paid
  closes it; an active payment plan, or a dispute opened on one of its
  invoices, suspends it; the plan broken or cancelled, or the dispute
  rejected, resumes it; the dispute resolved closes it (the claim is no
  longer what the case claims).
- A stage is entered by hand or by the rules (``escalate`` through the
  escalation handler); a stage the law does not allow for this claim
  (:meth:`_stage_refusal`) is refused with the reason, nothing written.

The stages' own steps live beside this file (``collection_case_*.py``).
"""

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date
from odoo.tools.translate import LazyTranslate

from ..engine.actions import ESCALATION_STAGES
from .account_move import COLLECTION_MANAGER_GROUP, COLLECTION_USER_GROUP
from .failure_messages import CollectionFailure, message

_lt = LazyTranslate(__name__)

#: The stages, in the engine's order (the order a case moves forward in).
STAGES = [(stage["name"], stage["label"]) for stage in ESCALATION_STAGES]
STAGE_ORDER = {code: index for index, (code, _label) in enumerate(STAGES)}
CASE_STATES = [
    ("open", "Open"),
    ("suspended", "Suspended"),
    ("closed", "Closed"),
]
#: States of a case that still holds its invoices (their reminders stop).
LIVE_STATES = ("open", "suspended")
SUSPEND_REASONS = [
    ("plan", "Payment plan"),
    ("dispute", "Dispute"),
]
CLOSE_REASONS = [
    ("paid", "Paid"),
    ("dispute_resolved", "Dispute resolved"),
    ("written_off", "Written off"),
    ("withdrawn", "Abandoned"),
]
#: Fields that say whose claim the case is: set once.
FIXED_FIELDS = frozenset({"partner_id", "company_id", "currency_id"})
#: Payment states of an invoice with nothing left to collect.
SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")


class CollectionCase(models.Model):
    _name = "collection.case"
    _description = "Escalation case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, date_deadline, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        help="The debtor: the customer itself, not one of its contacts.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Who handles the case: sends the formal notice, follows the "
        "deadlines, decides the next stage.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        help="The currency of the invoices of the case.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "collection_case_invoice_rel",
        "case_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id),"
        " ('company_id', '=', company_id), ('currency_id', '=', currency_id)]",
        tracking=True,
        help="The customer's invoices the case claims. Their reminders stop "
        "while the case is open or suspended.",
    )
    stage = fields.Selection(
        STAGES,
        required=True,
        default="formal_notice",
        readonly=True,
        tracking=True,
        index=True,
        group_expand=True,
    )
    previous_stage = fields.Selection(STAGES, readonly=True, copy=False)
    stage_date = fields.Date(
        string="In this stage since",
        readonly=True,
        default=fields.Date.context_today,
        copy=False,
    )
    state = fields.Selection(
        CASE_STATES,
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    # Open cases first in lists, then suspended, then closed.
    state_sequence = fields.Integer(
        compute="_compute_state_sequence", store=True, readonly=True
    )
    suspend_reason = fields.Selection(
        SUSPEND_REASONS, string="Suspended by", readonly=True, copy=False
    )
    close_reason = fields.Selection(
        CLOSE_REASONS, string="Closed because", readonly=True, copy=False
    )
    date_open = fields.Date(
        string="Opened on",
        default=fields.Date.context_today,
        readonly=True,
        copy=False,
    )
    date_closed = fields.Date(string="Closed on", readonly=True, copy=False)
    date_deadline = fields.Date(
        string="Deadline",
        tracking=True,
        copy=False,
        index=True,
        help="The next date the case waits for: the deadline of the formal "
        "notice, the end of the customer's answer period…",
    )
    deadline_passed = fields.Boolean(compute="_compute_deadline_passed")
    next_step = fields.Char(
        compute="_compute_next_step",
        help="Where the stage stands and what comes next.",
    )
    origin = fields.Text(
        readonly=True,
        copy=False,
        help="Why the case was opened: the rule that decided it, or who opened it.",
    )
    document_ids = fields.Many2many(
        "ir.attachment",
        "collection_case_document_rel",
        "case_id",
        "attachment_id",
        string="Documents",
        copy=False,
        help="The letters and dossiers of the case, and what came back: "
        "proof of delivery, answers, court or agency documents.",
    )
    cost_ids = fields.One2many(
        "collection.case.cost", "case_id", string="Costs", copy=False
    )
    action_ids = fields.One2many(
        "collection.action",
        "collection_case_id",
        string="Decisions of the rules",
        readonly=True,
    )

    # The claim, in the case's currency, today.
    amount_principal = fields.Monetary(
        string="Principal",
        compute="_compute_claim",
        help="What is left to pay on the invoices of the case.",
    )
    amount_interest = fields.Monetary(
        string="Late interest",
        compute="_compute_claim",
        help="Late interest to date by the customer's legal profile.",
    )
    amount_indemnity = fields.Monetary(
        string="Recovery indemnity",
        compute="_compute_claim",
        help="The fixed indemnity for recovery costs owed per late invoice "
        "(businesses only, never during insolvency proceedings).",
    )
    amount_costs = fields.Monetary(
        string="Costs claimed",
        compute="_compute_claim",
        help="Costs of the case the debtor bears.",
    )
    amount_creditor_costs = fields.Monetary(
        string="Costs borne by us",
        compute="_compute_claim",
        help="Costs of the case the creditor bears (never claimed).",
    )
    amount_total = fields.Monetary(
        string="Total claim",
        compute="_compute_claim",
        help="Principal, late interest, indemnity and the costs the debtor bears.",
    )
    legal_profile_id = fields.Many2one(
        "collection.legal.profile",
        string="Legal profile",
        compute="_compute_legal_profile_id",
        help="The legal rules applied to the customer: by their type and country.",
    )
    customer_type = fields.Selection(related="partner_id.collection_customer_type")
    in_insolvency = fields.Boolean(related="partner_id.collection_in_insolvency")
    prescription_date = fields.Date(
        string="Time-barred after",
        compute="_compute_claim",
        help="The earliest date after which an invoice of the case is time-barred.",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    document_count = fields.Integer(compute="_compute_invoice_count")
    is_manager = fields.Boolean(compute="_compute_is_manager")

    _sql_constraints = [
        (
            "closed_has_reason",
            "CHECK(state != 'closed' OR close_reason IS NOT NULL)",
            "A closed case says why it was closed.",
        ),
    ]

    # Computations

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {state: index for index, (state, _label) in enumerate(CASE_STATES)}
        for case in self:
            case.state_sequence = order.get(case.state, 0)

    @api.depends("date_deadline", "state")
    @api.depends_context("date")
    def _compute_deadline_passed(self):
        today = fields.Date.context_today(self)
        for case in self:
            case.deadline_passed = bool(
                case.state == "open"
                and case.date_deadline
                and case.date_deadline < today
            )

    @api.depends("invoice_ids", "document_ids")
    def _compute_invoice_count(self):
        for case in self:
            case.invoice_count = len(case.invoice_ids)
            case.document_count = len(case.document_ids)

    @api.depends_context("uid")
    def _compute_is_manager(self):
        manager = self.env.user.has_group(COLLECTION_MANAGER_GROUP)
        for case in self:
            case.is_manager = manager

    @api.depends("partner_id", "company_id")
    def _compute_legal_profile_id(self):
        Profile = self.env["collection.legal.profile"]
        for case in self:
            case.legal_profile_id = (
                Profile._for_partner(case.partner_id, case.company_id)
                if case.partner_id
                else Profile
            )

    @api.depends(
        "invoice_ids.amount_residual",
        "cost_ids.amount",
        "cost_ids.borne_by",
        "partner_id",
        "state",
    )
    @api.depends_context("date")
    def _compute_claim(self):
        today = fields.Date.context_today(self)
        for case in self:
            lines = case._claim_lines(today)
            currency = case.currency_id or case.company_id.currency_id
            principal = sum(line["residual"] for line in lines)
            interest = sum(line["interest"] for line in lines)
            indemnity = sum(line["indemnity"] for line in lines)
            costs = sum(
                case.cost_ids.filtered(lambda c: c.borne_by == "debtor").mapped(
                    "amount"
                )
            )
            case.amount_principal = currency.round(principal)
            case.amount_interest = currency.round(interest)
            case.amount_indemnity = currency.round(indemnity)
            case.amount_costs = currency.round(costs)
            case.amount_creditor_costs = currency.round(
                sum(
                    case.cost_ids.filtered(lambda c: c.borne_by == "creditor").mapped(
                        "amount"
                    )
                )
            )
            case.amount_total = currency.round(principal + interest + indemnity + costs)
            dates = [
                line["prescription_date"] for line in lines if line["prescription_date"]
            ]
            case.prescription_date = min(dates) if dates else False

    def _claim_lines(self, today=None):
        """The claim of each open invoice of the case on ``today``: the
        invoice, what is left to pay, late interest, indemnity, the date it
        becomes time-barred and principal plus interest in the legal
        profile's currency (for its thresholds).

        The legal profile may have interest run only from the formal notice
        (a consumer in France: the legal interest rate from the notice, Code
        civil 1344-1): it then runs from the notice, and not before one was
        sent.
        """
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        invoices = self.invoice_ids.filtered(
            lambda m: (
                m.state == "posted" and not m.currency_id.is_zero(m.amount_residual)
            )
        ).sorted(lambda m: (m.invoice_date_due or m.invoice_date or today, m.id))
        if not invoices:
            return []
        claims = invoices.sudo()._collection_claims(today)
        notice_date = self._interest_start()
        lines = []
        for invoice in invoices:
            claim = claims[invoice.id]
            profile = claim["profile"]
            interest = claim["interest"]
            interest_from = claim.get("interest_from")
            if profile and profile.interest_after_formal_notice:
                if notice_date:
                    interest_from = max(notice_date, interest_from or notice_date)
                    interest = profile._interest(
                        invoice.amount_residual, interest_from, today
                    )
                else:
                    interest_from, interest = False, 0.0
            principal_and_interest = claim["principal_and_interest"]
            if profile and interest != claim["interest"]:
                principal_and_interest = invoice.currency_id._convert(
                    invoice.amount_residual + interest,
                    profile.indemnity_currency_id,
                    invoice.company_id,
                    today,
                )
            lines.append(
                {
                    "invoice": invoice,
                    "residual": invoice.amount_residual,
                    "interest": interest,
                    "interest_from": interest_from,
                    "indemnity": claim["indemnity"],
                    "prescription_date": claim["prescription_date"],
                    "days_before_prescription": claim["days_before_prescription"],
                    "profile": profile,
                    "principal_and_interest": principal_and_interest,
                }
            )
        return lines

    def _interest_start(self):
        """The day after which interest that runs from the formal notice
        starts (False before a notice was sent); see the formal notice."""
        return False

    @api.depends("stage", "state", "date_deadline")
    @api.depends_context("lang")
    def _compute_next_step(self):
        for case in self:
            case.next_step = case._next_step()

    def _next_step(self):
        """Where the case stands, in a few words (stages add theirs)."""
        self.ensure_one()
        if self.state == "closed":
            return dict(
                self._fields["close_reason"]._description_selection(self.env)
            ).get(self.close_reason, "")
        if self.state == "suspended":
            reason = dict(
                self._fields["suspend_reason"]._description_selection(self.env)
            ).get(self.suspend_reason, "")
            return _("Suspended: %s", reason)
        return ""

    # Input checks

    @api.constrains("partner_id", "company_id", "currency_id", "invoice_ids", "state")
    def _check_invoices(self):
        for case in self:
            customer = case.partner_id.commercial_partner_id
            if case.partner_id != customer:
                raise ValidationError(
                    _(
                        "An escalation case is opened against the customer itself "
                        "(%(customer)s), not one of its contacts.",
                        customer=customer.display_name,
                    )
                )
            refusal = case._invoices_refusal(case.invoice_ids)
            if refusal:
                raise ValidationError(refusal)
            if case.state in LIVE_STATES:
                case._check_one_live_case()

    def _invoices_refusal(self, invoices):
        """Why ``invoices`` cannot be in this case, in words; empty when they can."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        for invoice in invoices:
            name = invoice.display_name
            if invoice.move_type != "out_invoice" or invoice.state != "posted":
                return _("%(invoice)s is not a posted customer invoice.", invoice=name)
            if invoice.commercial_partner_id != customer:
                return _(
                    "%(invoice)s is an invoice of %(other)s, not of %(customer)s: "
                    "a case concerns the invoices of one customer.",
                    invoice=name,
                    other=invoice.commercial_partner_id.display_name,
                    customer=customer.display_name,
                )
            if invoice.company_id != self.company_id:
                return _(
                    "%(invoice)s belongs to %(other)s, not to %(company)s.",
                    invoice=name,
                    other=invoice.company_id.name,
                    company=self.company_id.name,
                )
            if invoice.currency_id != self.currency_id:
                return _(
                    "%(invoice)s is in %(currency)s and the case in "
                    "%(case_currency)s: a case claims invoices of one currency.",
                    invoice=name,
                    currency=invoice.currency_id.name,
                    case_currency=self.currency_id.name,
                )
        return ""

    def _check_one_live_case(self):
        """One open or suspended case per customer, company and currency,
        and an invoice in one of them at most."""
        self.ensure_one()
        # sudo: a case of another responsible counts too.
        others = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("state", "in", LIVE_STATES),
                ("company_id", "=", self.company_id.id),
                "|",
                "&",
                ("partner_id", "=", self.partner_id.id),
                ("currency_id", "=", self.currency_id.id),
                ("invoice_ids", "in", self.invoice_ids.ids),
            ],
            limit=1,
        )
        if others:
            raise ValidationError(
                _(
                    "%(customer)s already has the escalation case %(case)s open: "
                    "add the invoices to it rather than opening another.",
                    customer=self.partner_id.display_name,
                    case=others.name,
                )
            )

    # Records

    @api.model_create_multi
    def create(self, vals_list):
        self._check_user()
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "collection.case"
                ) or _("New")
            if not vals.get("currency_id"):
                invoices = self.env["account.move"].browse(
                    self._ids_of(vals.get("invoice_ids"))
                )
                vals["currency_id"] = (
                    invoices[:1].currency_id.id
                    or self.env["res.company"]
                    .browse(vals.get("company_id") or self.env.company.id)
                    .currency_id.id
                )
        cases = super().create(vals_list)
        for case in cases:
            if not case.invoice_ids:
                raise ValidationError(
                    _("An escalation case claims at least one invoice.")
                )
            if case.user_id:
                case.message_subscribe(partner_ids=case.user_id.partner_id.ids)
        cases._log_invoices(cases.invoice_ids, added=True)
        return cases

    @api.model
    def _ids_of(self, commands):
        """The record ids a list of x2many commands sets or links."""
        ids = []
        for command in commands or []:
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == Command.SET:
                ids = list(command[2])
            elif command[0] == Command.LINK:
                ids.append(command[1])
        return ids

    def write(self, vals):
        if FIXED_FIELDS.intersection(vals) and not self.env.su:
            for case in self:
                for name in FIXED_FIELDS.intersection(vals):
                    value = vals[name]
                    if case[name].id != value:
                        raise UserError(
                            _(
                                "The customer, company and currency of an "
                                "escalation case do not change; open another "
                                "case."
                            )
                        )
        if "stage" in vals and not self.env.context.get("collection_case_stage"):
            # Moved by hand (a drag in the kanban): through the stage's
            # checks and tasks, as every move.
            vals = dict(vals)
            stage = vals.pop("stage")
            result = super().write(vals) if vals else True
            for case in self.filtered(lambda c: c.stage != stage):
                case._enter_stage(stage)
            return result
        if "invoice_ids" in vals:
            before = {case: case.invoice_ids for case in self}
        result = super().write(vals)
        if "invoice_ids" in vals:
            for case, invoices in before.items():
                case._log_invoices(case.invoice_ids - invoices, added=True)
                case._log_invoices(invoices - case.invoice_ids, added=False)
                if not case.invoice_ids:
                    raise ValidationError(
                        _("An escalation case claims at least one invoice.")
                    )
        return result

    def unlink(self):
        if self.filtered(lambda c: c.state != "closed"):
            raise UserError(
                _("Only closed escalation cases may be deleted; close it first.")
            )
        return super().unlink()

    def _log_invoices(self, invoices, added):
        """Say on the invoices that they entered or left the case."""
        for case in self:
            link = case._get_html_link(title=case.name)
            for invoice in invoices & case.invoice_ids if added else invoices:
                body = (
                    _("Escalated in the case %s: reminders stop while it is open.")
                    if added
                    else _("Taken out of the escalation case %s.")
                )
                invoice._message_log(body=Markup(body) % link)

    # Rights

    def _check_user(self):
        if not (self.env.su or self.env.user.has_group(COLLECTION_USER_GROUP)):
            raise AccessError(_("Only collection users may handle escalation cases."))

    def _check_manager(self, what):
        if not (self.env.su or self.env.user.has_group(COLLECTION_MANAGER_GROUP)):
            raise AccessError(_("Only a collection manager may %(what)s.", what=what))

    def _check_state(self, *states):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for case in self:
            if case.state not in states:
                raise UserError(
                    _(
                        "%(case)s is %(state)s: this step is not possible.",
                        case=case.name,
                        state=labels[case.state].lower(),
                    )
                )

    def _check_stage(self, *stages):
        labels = dict(self._fields["stage"]._description_selection(self.env))
        for case in self:
            if case.stage not in stages:
                raise UserError(
                    _(
                        "%(case)s is at the stage %(stage)s: this step belongs "
                        "to another stage.",
                        case=case.name,
                        stage=labels[case.stage],
                    )
                )

    # Opening and moving forward

    @api.model
    def _live_for(self, customer, company, currency):
        """The open or suspended case of ``customer`` (commercial partner)
        in ``company`` and ``currency``, if any."""
        return self.search(
            [
                ("partner_id", "=", customer.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("currency_id", "=", currency.id),
                ("state", "in", LIVE_STATES),
            ],
            limit=1,
        )

    @api.model
    def _escalate(self, invoices, stage, user=None, origin=None):
        """Open a case for ``invoices`` (one customer) at ``stage``, or add
        them to the customer's live case and move it to ``stage`` when that
        comes later. Refused with the reason (``CollectionFailure``) when
        the stage is not possible; nothing is written then."""
        customer = invoices.commercial_partner_id
        if len(customer) != 1:
            raise CollectionFailure(
                self.env,
                message(
                    _lt(
                        "An escalation case concerns the invoices of one customer; "
                        "these belong to %(customers)s."
                    ),
                    customers=", ".join(customer.mapped("display_name")),
                ),
            )
        company = invoices.company_id
        case = self._live_for(customer, company[:1], invoices.currency_id[:1])
        if case:
            new = invoices - case.invoice_ids
            if new:
                case.invoice_ids = [Command.link(invoice.id) for invoice in new]
            if STAGE_ORDER[stage] > STAGE_ORDER[case.stage]:
                case._enter_stage(stage)
            return case
        case = self.create(
            {
                "partner_id": customer.id,
                "company_id": company[:1].id,
                "currency_id": invoices.currency_id[:1].id,
                "invoice_ids": [Command.set(invoices.ids)],
                "user_id": (user or self.env.user).id,
                "origin": origin or False,
                "stage": stage,
            }
        )
        refusal = case._stage_refusal(stage)
        if refusal:
            raise CollectionFailure(self.env, refusal)
        case._stage_entered()
        return case

    def _enter_stage(self, stage):
        """Move the case to ``stage``, or fail with the reason the law gives."""
        self.ensure_one()
        self._check_user()
        self._check_state("open")
        if STAGE_ORDER[stage] <= STAGE_ORDER[self.stage]:
            labels = dict(self._fields["stage"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(case)s is at the stage %(stage)s: a case only moves "
                    "forward, not back to %(target)s.",
                    case=self.name,
                    stage=labels[self.stage],
                    target=labels[stage],
                )
            )
        refusal = self._stage_refusal(stage)
        if refusal:
            raise CollectionFailure(self.env, refusal)
        self.with_context(collection_case_stage=True).write(
            {
                "previous_stage": self.stage,
                "stage": stage,
                "stage_date": fields.Date.context_today(self),
                "date_deadline": False,
            }
        )
        self._stage_entered()

    def _stage_refusal(self, stage):
        """Why this case may not enter ``stage``, as a message (see
        ``failure_messages``); None when it may. Stages add their checks."""
        self.ensure_one()
        return None

    def _stage_entered(self):
        """What entering the stage starts: the task of the responsible."""
        self.ensure_one()
        summary = self._stage_task()
        if summary:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                user_id=(self.user_id or self.env.user).id,
                date_deadline=fields.Date.context_today(self),
            )

    def _stage_task(self, stage=None):
        """What the responsible has to do on entering ``stage`` (the case's
        by default)."""
        return {
            "formal_notice": _("Send the formal notice"),
            "small_claims": _("Send the request to a commissaire de justice"),
            "injunction": _("Prepare the request for an injunction to pay"),
            "agency": _("Hand the file over to the collection agency"),
            "write_off": _("Approve or refuse the write-off"),
        }.get(stage or self.stage)

    def _time_barred_refusal(self, stage):
        """The invoices already time-barred refuse ``stage``."""
        barred = [
            line["invoice"].name
            for line in self._claim_lines()
            if line["days_before_prescription"] is not None
            and line["days_before_prescription"] < 0
        ]
        if barred:
            return message(
                _lt(
                    "%(stage)s is not possible: %(invoices)s is time-barred "
                    "(prescription of the legal profile)."
                ),
                stage={"selection": ["collection.case", "stage", stage]},
                invoices=", ".join(barred),
            )
        return None

    def _insolvency_refusal(self, stage):
        customer = self.partner_id
        if customer._collection_in_insolvency(fields.Date.context_today(self)):
            return message(
                _lt(
                    "%(stage)s is not possible: %(customer)s is in insolvency "
                    "proceedings; declare the claim to the court-appointed "
                    "representative instead."
                ),
                stage={"selection": ["collection.case", "stage", stage]},
                customer=customer.display_name,
            )
        return None

    # What the customer does meanwhile

    def _sync(self):
        """Close, suspend or resume live cases by what happened to their
        invoices: everything paid closes the case; an active payment plan or
        an open dispute suspends it; the plan broken or cancelled, or the
        dispute rejected, resumes it; the dispute resolved closes it."""
        for case in self.filtered(lambda c: c.state in LIVE_STATES):
            invoices = case.invoice_ids.sudo()
            if all(
                inv.payment_state in SETTLED_PAYMENT_STATES
                or inv.currency_id.is_zero(inv.amount_residual)
                for inv in invoices
            ):
                case._close(self.env.context.get("collection_close_reason", "paid"))
                continue
            disputes = set(invoices.mapped("collection_dispute_state"))
            plans = invoices.collection_payment_plan_ids.filtered(
                lambda p: p.state == "active"
            )
            if disputes & {"open", "under_review"}:
                case._suspend("dispute")
            elif plans:
                case._suspend("plan")
            elif (
                case.state == "suspended"
                and case.suspend_reason == "dispute"
                and ("resolved" in disputes)
            ):
                case._close("dispute_resolved")
            elif case.state == "suspended":
                case._resume()

    def _suspend(self, reason):
        self.ensure_one()
        if self.state == "suspended" and self.suspend_reason == reason:
            return
        self.write({"state": "suspended", "suspend_reason": reason})
        labels = dict(self._fields["suspend_reason"]._description_selection(self.env))
        self.message_post(
            body=_(
                "Case suspended: %(reason)s. It resumes by itself if the plan "
                "breaks or the dispute is rejected.",
                reason=labels[reason].lower(),
            )
        )

    def _resume(self):
        self.ensure_one()
        self.write({"state": "open", "suspend_reason": False})
        self.message_post(body=_("Case resumed at its stage."))
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Escalation case resumed: decide the next step"),
            user_id=(self.user_id or self.env.user).id,
            date_deadline=fields.Date.context_today(self),
        )

    def _close(self, reason):
        self.ensure_one()
        self.write(
            {
                "state": "closed",
                "close_reason": reason,
                "suspend_reason": False,
                "date_closed": fields.Date.context_today(self),
                "date_deadline": False,
            }
        )
        labels = dict(self._fields["close_reason"]._description_selection(self.env))
        self.message_post(body=_("Case closed: %s.", labels[reason].lower()))
        self.activity_ids.action_feedback(feedback=_("Case closed"))

    @api.model
    def _cron_check_cases(self):
        """Daily: what the customer did meanwhile, for every live case."""
        self.search([("state", "in", LIVE_STATES)])._sync()

    # Buttons

    def action_check_now(self):
        self._check_user()
        self._sync()
        return True

    def action_stage_small_claims(self):
        return self._action_enter("small_claims")

    def action_stage_injunction(self):
        return self._action_enter("injunction")

    def action_stage_agency(self):
        return self._action_enter("agency")

    def _action_enter(self, stage):
        for case in self:
            case._enter_stage(stage)
        return True

    def action_withdraw(self):
        """Close the case without further action (a manager's decision)."""
        self._check_manager(_("abandon an escalation case"))
        self._check_state(*LIVE_STATES)
        for case in self:
            case._close("withdrawn")
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Escalation case %s", self.name)

    @api.model
    def _action_for(self, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_fidelite.collection_case_action"
        )
        action["domain"] = domain
        action["context"] = dict(context or {}, search_default_live=0)
        return action

    def _format(self, amount):
        """An amount of the case in its currency, for messages."""
        return format_amount(self.env, amount, self.currency_id)

    def _date(self, day):
        return format_date(self.env, day)
