# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

_logger = logging.getLogger(__name__)

#: Typology codes are read in collection rules: keep them identifiers.
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class CollectionTypology(models.Model):
    """A kind of customer, with its reminder scenario and how to recognise it.

    A typology may be *suggested* from the customer's payment history over
    the last 12 months (see ``res.partner._collection_payment_stats``). Its
    criteria are:

    - a number of invoices (at least ``min_invoice_count``, at most
      ``max_invoice_count`` unless 0) and an amount invoiced (at least
      ``min_invoiced``): both must hold;
    - a range of the share of invoices paid late and a range of the average
      delay of the late ones. A range left open (0-100 %, or 0 days to no
      maximum) is no criterion; ``payment_match`` says whether both set
      ranges must hold or either is enough.

    Typologies are tried in sequence order and the first one that fits is
    suggested, so the most specific (at risk, late payer) come first.

    Collection rules name typologies by code. Renaming a code rewrites the
    rules that name it (every company's, for a shared typology), so that
    they keep deciding for the same customers; a typology named by a rule
    cannot be deleted, nor moved to a company whose rules are not the ones
    naming it. Archiving is allowed: an archived typology stays a valid
    choice in rules, as customers may still have it.
    """

    _name = "collection.typology"
    _description = "Customer typology"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical name used in collection rules (e.g. late_payer): "
        "lowercase letters, digits and underscores.",
    )
    sequence = fields.Integer(
        default=10,
        help="Order in which typologies are tried when suggesting one: the "
        "first whose criteria hold is suggested.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the typology between companies."
    )
    scenario_id = fields.Many2one(
        "collection.scenario",
        string="Reminder scenario",
        help="Reminder levels used for customers of this typology; empty: the "
        "company's default scenario.",
    )
    suggest = fields.Boolean(
        string="Suggest from payment history",
        help="Suggest this typology for customers whose payment history over "
        "the last 12 months fits the criteria below.",
    )
    requires_approval = fields.Boolean(
        string="Reminders need approval",
        help="Reminders to customers of this typology wait for a credit "
        "controller's approval, whatever their level.",
    )
    auto_apply = fields.Boolean(
        string="Apply suggestion automatically",
        help="The monthly scheduled action sets this typology on the customers "
        "it is suggested for, instead of only showing the suggestion. It never "
        "replaces a typology that is not suggested from payment history (such "
        "as key account): that one was chosen by a person.",
    )
    payment_match = fields.Selection(
        [("all", "Both ranges"), ("any", "Either range")],
        string="Late payments and delay",
        default="all",
        required=True,
        help="Whether the customer must be in both the late payment range and "
        "the average delay range, or in either of them. A range left open is "
        "ignored.",
    )
    min_late_ratio = fields.Float(string="Late payments from (%)", default=0.0)
    max_late_ratio = fields.Float(string="Late payments up to (%)", default=100.0)
    min_average_days_late = fields.Float(
        string="Average delay from (days)",
        help="Average number of days late of the invoices paid late.",
    )
    max_average_days_late = fields.Float(
        string="Average delay up to (days)", help="0: no maximum."
    )
    min_invoiced = fields.Float(
        string="Invoiced at least",
        help="Amount invoiced over the last 12 months, taxes included, in "
        "company currency.",
    )
    min_invoice_count = fields.Integer(
        string="Invoices at least",
        default=1,
        help="Invoices issued over the last 12 months. With 0, customers "
        "without any invoice can be suggested this typology.",
    )
    max_invoice_count = fields.Integer(string="Invoices at most", help="0: no maximum.")
    min_broken_promises = fields.Integer(
        string="Broken promises from",
        help="Promises to pay broken or kept only in part over the payment "
        "history period (Settings). With a number, a customer who broke at "
        "least that many promises fits this typology, combined with the late "
        "payment ranges as chosen above (both, or either). 0: not a criterion.",
    )
    # Payment plan limits. In France a judge may spread a debt over up to two
    # years (Code civil art. 1343-5): the defaults stay within that.
    plan_max_installments = fields.Integer(
        string="Plan: maximum installments",
        help="The most installments (down payment aside) a payment plan of a "
        "customer of this typology may have; 0: only the company's maximum "
        "applies. A French judge may spread a debt over up to two years "
        "(Code civil art. 1343-5).",
    )
    plan_max_months = fields.Integer(
        string="Plan: maximum duration (months)",
        help="The last installment falls at most this many months after the "
        "plan is proposed; 0: no limit. A French judge may spread a debt "
        "over up to two years (Code civil art. 1343-5), i.e. 24 months.",
    )
    plan_min_installment = fields.Float(
        string="Plan: minimum installment",
        help="No installment below this amount (company currency); 0: none.",
    )
    plan_down_payment_required = fields.Boolean(
        string="Plan: down payment required",
        help="A plan for a customer of this typology must start with a down payment.",
    )
    plan_accept_without_manager = fields.Boolean(
        string="Plan may be accepted without a manager",
        help="A collection user (and, once the portal exists, the customer "
        "themselves) may activate a plan within these limits without a "
        "collection manager's approval. The limits are checked when a plan is "
        "proposed: a collection manager may still propose a plan beyond them, "
        "which the plan's history records.",
    )
    promise_max_days = fields.Integer(
        string="Portal: latest promised date (days ahead)",
        help="On their collection page, customers of this typology may promise "
        "to pay, or start a payment plan, at most this many days from today. "
        "0: the company's limit (Settings).",
    )
    criteria_summary = fields.Char(
        string="Suggested when", compute="_compute_criteria_summary"
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "A typology code must be unique per company.",
        )
    ]

    @api.depends(
        "suggest",
        "payment_match",
        "min_late_ratio",
        "max_late_ratio",
        "min_average_days_late",
        "max_average_days_late",
        "min_invoiced",
        "min_invoice_count",
        "max_invoice_count",
        "min_broken_promises",
        "company_id",
    )
    def _compute_criteria_summary(self):
        for typology in self:
            typology.criteria_summary = (
                typology._criteria_text() if typology.suggest else False
            )

    def _criteria_text(self):
        """The suggestion criteria in one short line, e.g. "paid late: ≥ 40 %"."""
        self.ensure_one()

        def span(low, high):
            low_text, high_text = f"{low:g}", f"{high:g}"
            if low and high:
                return _("%(low)s to %(high)s", low=low_text, high=high_text)
            return f"≥ {low_text}" if low else f"≤ {high_text}"

        payment = []
        max_ratio = self.max_late_ratio if self.max_late_ratio < 100 else 0
        if self.min_late_ratio or max_ratio:
            payment.append(
                _("paid late: %(range)s %%", range=span(self.min_late_ratio, max_ratio))
            )
        if self.min_average_days_late or self.max_average_days_late:
            payment.append(
                _(
                    "average delay: %(range)s days",
                    range=span(self.min_average_days_late, self.max_average_days_late),
                )
            )
        if self.min_broken_promises:
            payment.append(
                _("broken promises: ≥ %(count)s", count=self.min_broken_promises)
            )
        parts = []
        if payment:
            glue = _(" or ") if self.payment_match == "any" else _(" and ")
            parts.append(glue.join(payment))
        if self.min_invoice_count or self.max_invoice_count:
            parts.append(
                _(
                    "invoices: %(range)s",
                    range=span(self.min_invoice_count, self.max_invoice_count),
                )
            )
        if self.min_invoiced:
            currency = (self.company_id or self.env.company).currency_id
            parts.append(
                _(
                    "invoiced: ≥ %(amount)s",
                    amount=format_amount(self.env, self.min_invoiced, currency),
                )
            )
        return "; ".join(parts) or _("any payment history")

    # Rules name typologies by code

    def _rule_companies(self):
        """The companies whose rules may name this typology (None: all)."""
        self.ensure_one()
        return self.company_id or None

    def write(self, vals):
        if "company_id" in vals:
            self._check_rules_follow_company(vals["company_id"])
        renamed = {}
        if "code" in vals:
            renamed = {
                typology: typology.code
                for typology in self
                if typology.code and typology.code != vals["code"]
            }
        result = super().write(vals)
        for typology, old_code in renamed.items():
            typology._rename_in_rules(old_code)
        return result

    def _rename_in_rules(self, old_code):
        """Rules naming ``old_code`` name this typology's new code instead."""
        self.ensure_one()
        Rule = self.env["collection.rule"]
        rules = Rule._rules_using_typology(old_code, self._rule_companies())
        if not rules:
            return
        rules._rename_typology(old_code, self.code)
        _logger.info(
            "Typology %s (id %s): code %r renamed to %r in rules %s",
            self.name,
            self.id,
            old_code,
            self.code,
            rules.ids,
        )

    def _check_rules_follow_company(self, company_id):
        """Refuse to make a typology private to a company while rules of other
        companies name it: they would become invalid."""
        if not company_id:
            return
        company = self.env["res.company"].browse(company_id)
        Rule = self.env["collection.rule"]
        for typology in self.filtered("code"):
            others = Rule._rules_using_typology(
                typology.code, typology._rule_companies()
            ).filtered(lambda rule, company=company: rule.company_id != company)
            if others:
                raise UserError(
                    _(
                        "The typology %(typology)s cannot be reserved to "
                        "%(company)s: rules of other companies use its code "
                        "“%(code)s”: %(rules)s.",
                        typology=typology.name,
                        company=company.name,
                        code=typology.code,
                        rules=others._names_for_message(),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_in_rules(self):
        Rule = self.env["collection.rule"]
        for typology in self.filtered("code"):
            rules = Rule._rules_using_typology(
                typology.code, typology._rule_companies()
            )
            if rules:
                raise UserError(
                    _(
                        "The typology %(typology)s cannot be deleted: these "
                        "rules use its code “%(code)s”: %(rules)s. Change "
                        "these rules first, or archive the typology instead.",
                        typology=typology.name,
                        code=typology.code,
                        rules=rules._names_for_message(),
                    )
                )

    @api.model
    def _customer_domain(self):
        """Commercial entities only: their contacts carry a copy of the typology."""
        return ["|", ("is_company", "=", True), ("parent_id", "=", False)]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("collection_typology_id", "in", self.ids), *self._customer_domain()],
                ["collection_typology_id"],
                ["__count"],
            )
        )
        for typology in self:
            typology.partner_count = counts.get(typology, 0)

    @api.constrains("code", "company_id")
    def _check_code(self):
        for typology in self:
            if not CODE_PATTERN.match(typology.code or ""):
                raise ValidationError(
                    _(
                        "The code “%(code)s” of typology %(name)s must start "
                        "with a lowercase letter and contain only lowercase "
                        "letters, digits and underscores: collection rules "
                        "refer to it.",
                        code=typology.code,
                        name=typology.name,
                    )
                )
            # A SQL unique constraint would let two shared typologies (no
            # company, NULL) have the same code. A shared typology clashes
            # with every company's.
            domain = [("id", "!=", typology.id), ("code", "=", typology.code)]
            if typology.company_id:
                domain.append(("company_id", "in", [False, typology.company_id.id]))
            duplicate = (
                self.with_context(active_test=False).sudo().search(domain, limit=1)
            )
            if duplicate:
                raise ValidationError(
                    _(
                        "The code “%(code)s” is already used by typology %(other)s.",
                        code=typology.code,
                        other=duplicate.display_name,
                    )
                )

    @api.constrains(
        "min_late_ratio",
        "max_late_ratio",
        "min_average_days_late",
        "max_average_days_late",
        "min_invoiced",
        "min_invoice_count",
        "max_invoice_count",
        "min_broken_promises",
        "promise_max_days",
    )
    def _check_ranges(self):
        for typology in self:
            problems = []
            if not (0 <= typology.min_late_ratio <= typology.max_late_ratio <= 100):
                problems.append(
                    _(
                        "the late payment range must go from a lower to a "
                        "higher percentage, between 0 and 100"
                    )
                )
            if typology.min_average_days_late < 0 or (
                typology.max_average_days_late
                and typology.max_average_days_late < typology.min_average_days_late
            ):
                problems.append(
                    _(
                        "the average delay range must go from a lower to a "
                        "higher number of days (0 as maximum: no maximum)"
                    )
                )
            if typology.max_average_days_late < 0:
                problems.append(_("the maximum average delay cannot be negative"))
            if typology.min_invoiced < 0:
                problems.append(_("the minimum amount invoiced cannot be negative"))
            if typology.min_broken_promises < 0:
                problems.append(_("the number of broken promises cannot be negative"))
            if typology.promise_max_days < 0:
                problems.append(_("the latest promised date cannot be negative"))
            if typology.min_invoice_count < 0 or typology.max_invoice_count < 0:
                problems.append(_("numbers of invoices cannot be negative"))
            elif (
                typology.max_invoice_count
                and typology.max_invoice_count < typology.min_invoice_count
            ):
                problems.append(
                    _(
                        "the maximum number of invoices is lower than the "
                        "minimum (0 as maximum: no maximum)"
                    )
                )
            if problems:
                raise ValidationError(
                    _(
                        "Typology %(name)s: %(problems)s.",
                        name=typology.name,
                        problems="; ".join(problems),
                    )
                )

    def _fits(self, stats):
        """Whether payment ``stats`` (see res.partner) meet this typology's criteria."""
        self.ensure_one()
        count = stats["invoice_count"]
        if count < self.min_invoice_count:
            return False
        if self.max_invoice_count and count > self.max_invoice_count:
            return False
        if stats["invoiced"] < self.min_invoiced:
            return False
        checks = []
        if self.min_late_ratio > 0 or self.max_late_ratio < 100:
            checks.append(
                self.min_late_ratio <= stats["late_ratio"] <= self.max_late_ratio
            )
        if self.min_average_days_late > 0 or self.max_average_days_late > 0:
            days = stats["average_days_late"]
            checks.append(
                days >= self.min_average_days_late
                and (
                    not self.max_average_days_late or days <= self.max_average_days_late
                )
            )
        if self.min_broken_promises > 0:
            checks.append(stats.get("broken_promises", 0) >= self.min_broken_promises)
        if not checks:
            return True
        return any(checks) if self.payment_match == "any" else all(checks)

    @api.model
    def _suggestion_candidates(self, company):
        """The typologies that may be suggested to customers of ``company``."""
        return self.search(
            [("suggest", "=", True), ("company_id", "in", [False, company.id])]
        )

    def _pick(self, stats):
        """The first of these typologies whose criteria hold, or an empty record."""
        return next((typology for typology in self if typology._fits(stats)), self[:0])

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [
                ("collection_typology_id", "=", self.id),
                *self._customer_domain(),
            ],
            "context": {"default_collection_typology_id": self.id},
        }
