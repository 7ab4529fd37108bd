# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Collection settings of a company.

Two groups, both shown in Settings > Accounting > Collection:

- legal defaults: which law applies when the country is unknown (the figures
  of the law itself are legal profiles, ``collection.legal.profile``);
- collection policy: how this company chooses to collect.

Every figure is a default an administrator may change: none is written in
the code that uses it (see ``LEGAL.md``).
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: Call hours, in the order of the settings (morning from/to, afternoon from/to).
CALL_HOUR_FIELDS = [
    "collection_call_morning_from",
    "collection_call_morning_to",
    "collection_call_afternoon_from",
    "collection_call_afternoon_to",
]
#: Bounds of the numbers of the collection settings: below or above them, a
#: value is a typing mistake rather than a policy.
SETTING_BOUNDS = {
    "collection_letter_deadline_days": (1, 90),
    "collection_history_months": (1, 120),
    "collection_unanswered_calls_days": (1, 730),
    "collection_max_installments": (2, 120),
    "collection_campaign_quiet_days": (1, 365),
    "collection_promise_grace_days": (0, 60),
    "collection_plan_break_days": (0, 365),
    "collection_portal_link_days": (1, 730),
    "collection_portal_post_limit": (1, 1000),
    "collection_portal_promise_days": (1, 365),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_default_scenario_id = fields.Many2one(
        "collection.scenario",
        string="Default reminder scenario",
        domain="[('company_id', '=', id)]",
        help="Reminder levels used for customers whose typology has no scenario "
        "of this company, or who have no typology.",
    )
    collection_run_enabled = fields.Boolean(
        string="Daily collection run",
        help="Every day, apply the collection rules to the open invoices of "
        "this company: send the reminders that are due, plan calls and propose "
        "escalations. Off: reminders only leave when someone runs them by hand.",
    )
    collection_approver_id = fields.Many2one(
        "res.users",
        string="Reminder approver",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Reminders of levels that require approval are submitted to this "
        "person. Empty: any collection manager may approve them.",
    )

    collection_contact_user_id = fields.Many2one(
        "res.users",
        string="Default contact for customers",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="The person reminders name as the customer's contact, and who "
        "signs them, when neither the customer nor the invoice has a person "
        "in charge. Empty: the company itself, with its email and phone.",
    )
    collection_contact_email = fields.Char(
        related="collection_contact_user_id.email", string="Contact email"
    )
    collection_contact_phone = fields.Char(
        related="collection_contact_user_id.phone", string="Contact phone"
    )

    # Legal defaults

    collection_law_country_id = fields.Many2one(
        "res.country",
        string="Law when the country is unknown",
        default=lambda self: self.env.ref("base.fr", raise_if_not_found=False),
        help="Customers without a country get the legal profile of the "
        "company's country; when the company has no country either, of this "
        "country.",
    )
    # Collection policy

    collection_letter_deadline_days = fields.Integer(
        string="Deadline to pay after a letter (days)",
        default=8,
        help="The reminder letters that set a deadline ask to pay within this "
        "many days from the letter's date.",
    )
    collection_portal_link_days = fields.Integer(
        string="Collection link validity (days)",
        default=90,
        help="The link to the customer's collection page that reminders carry "
        "works without logging in for this many days; a new reminder gives a "
        "new link when the former one has expired.",
    )
    collection_portal_post_limit = fields.Integer(
        string="Forms a customer may send per hour",
        default=20,
        help="Beyond this many forms (feedback, promise, plan request, contact "
        "preferences...) sent from a customer's collection page in one hour, the "
        "page asks them to try again later: a script cannot flood the back "
        "office.",
    )
    collection_portal_promise_days = fields.Integer(
        string="Latest promised date on the collection page (days)",
        default=30,
        help="On their collection page, customers may promise to pay, or "
        "start a payment plan, at most this many days from today; a "
        "typology may set its own limit. Beyond it, they are asked to "
        "choose an earlier date or to contact you.",
    )
    collection_statement_period = fields.Date(
        string="Monthly statements sent for",
        readonly=True,
        copy=False,
        help="The last day of the last month whose statements of account "
        "were all sent (see the scheduled action of monthly statements).",
    )
    collection_history_months = fields.Integer(
        string="Payment history (months)",
        default=12,
        help="Months of invoices and payments read to compute a customer's "
        "payment history (share paid late, average delay), which the "
        "typology suggestion and the rules use.",
    )
    collection_promise_grace_days = fields.Integer(
        string="Grace period after a promised date (days)",
        default=3,
        help="Reminders on the invoices covered by a promise to pay pause until "
        "the promised date plus this many days, the time for a payment to "
        "arrive and be reconciled; the promise is then checked and found kept, "
        "partially kept or broken.",
    )
    collection_unanswered_calls_days = fields.Integer(
        string="Unanswered calls window (days)",
        default=90,
        help="The rules count the collection calls a customer did not answer "
        "over this many days.",
    )
    collection_call_morning_from = fields.Float(
        string="Default morning call hours from",
        default=10.0,
        help="Call hours given to new customers (each customer's own hours "
        "may then be changed). Defaults follow the rule on telephone "
        "canvassing (French Consumer Code D223-9): 10:00-13:00 and "
        "14:00-20:00. The same hour twice: no call in that half of the day.",
    )
    collection_call_morning_to = fields.Float(
        string="Default morning call hours to", default=13.0
    )
    collection_call_afternoon_from = fields.Float(
        string="Default afternoon call hours from", default=14.0
    )
    collection_call_afternoon_to = fields.Float(
        string="Default afternoon call hours to", default=20.0
    )
    collection_max_installments = fields.Integer(
        string="Maximum installments",
        default=24,
        help="The most installments a rule may offer in a payment plan. In "
        "France a judge may spread a debt over 24 months at most (Civil Code "
        "1343-5).",
    )

    collection_interest_account_id = fields.Many2one(
        "account.account",
        string="Late interest income account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Account of the late-interest lines when late-payment charges are "
        "invoiced to a business customer. Empty: the sales journal's income "
        "account.",
    )
    collection_indemnity_account_id = fields.Many2one(
        "account.account",
        string="Recovery indemnity income account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Account of the fixed recovery indemnity lines (outside the scope "
        "of VAT). Empty: the sales journal's income account.",
    )

    collection_write_off_account_id = fields.Many2one(
        "account.account",
        string="Bad debt account",
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="The expense account a written-off claim is booked to (France: "
        "654 Pertes sur créances irrécouvrables). Required to write off.",
    )
    collection_write_off_journal_id = fields.Many2one(
        "account.journal",
        string="Write-off journal",
        domain="[('type', '=', 'general')]",
        help="The journal of write-off entries. Empty: the first miscellaneous "
        "operations journal of the company.",
    )

    collection_plan_break_days = fields.Integer(
        string="Payment plan broken after (days late)",
        default=15,
        help="An installment of an active payment plan late by more than this "
        "many days breaks the plan: reminders of its invoices resume and the "
        "responsible is told. Until then each installment is reminded through "
        "the levels of the customer's scenario whose delay is within this "
        "period.",
    )
    collection_campaign_quiet_days = fields.Integer(
        string="No campaign after a reminder (days)",
        default=14,
        help="By default, campaigns skip customers reminded less than this "
        "many days ago, or with a reminder waiting to be sent; each campaign "
        "may change it.",
    )

    @api.constrains(*SETTING_BOUNDS)
    def _check_collection_setting_bounds(self):
        for company in self:
            for name, (low, high) in SETTING_BOUNDS.items():
                if not low <= company[name] <= high:
                    raise ValidationError(
                        _(
                            "%(setting)s of %(company)s must be between %(low)s "
                            "and %(high)s, not %(value)s.",
                            setting=self._fields[name].get_description(self.env)[
                                "string"
                            ],
                            company=company.name,
                            low=low,
                            high=high,
                            value=company[name],
                        )
                    )

    @api.constrains(*CALL_HOUR_FIELDS)
    def _check_collection_call_hours(self):
        for company in self:
            problems = self.env["res.partner"]._collection_call_hour_problems(
                *(company[name] for name in CALL_HOUR_FIELDS)
            )
            if problems:
                raise ValidationError(
                    _(
                        "Default call hours of %(company)s: %(problems)s.",
                        company=company.name,
                        problems="; ".join(problems),
                    )
                )

    @api.constrains("collection_default_scenario_id")
    def _check_collection_default_scenario(self):
        for company in self:
            scenario = company.collection_default_scenario_id
            if scenario and scenario.company_id != company:
                raise ValidationError(
                    _(
                        "The default reminder scenario of %(company)s must belong "
                        "to that company; %(scenario)s belongs to %(other)s.",
                        company=company.name,
                        scenario=scenario.name,
                        other=scenario.company_id.name,
                    )
                )
