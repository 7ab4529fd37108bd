# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Collection settings of a company.

Two groups, both shown in Settings > Accounting > Collection:

- legal defaults: what the law of the company's country says (France first);
  a future per-country legal profile will own them;
- collection policy: how this company chooses to collect.

Every figure is a default an administrator may change: none is written in
the code that uses it (see ``LEGAL.md``).
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_is_zero, formatLang

#: Where the late-payment mention prints the recovery indemnity.
INDEMNITY_PLACEHOLDER = "{indemnity}"
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
    "collection_recovery_indemnity": (0, 10000),
    "collection_letter_deadline_days": (1, 90),
    "collection_history_months": (1, 120),
    "collection_unanswered_calls_days": (1, 730),
    "collection_max_installments": (2, 120),
    "collection_campaign_quiet_days": (1, 365),
    "collection_portal_link_days": (1, 730),
}


def _default_late_payment_terms(env):
    # The French-law wording (Code de commerce L441-10 and D441-5), the
    # default of the setting below; administrators edit it in Settings.
    return env._(
        "Under article L441-10 of the French Commercial Code, any late payment "
        "automatically gives rise, without a reminder being necessary, to "
        "late-payment penalties at the rate stated in our terms and "
        "conditions, and to a fixed indemnity of {indemnity} for recovery "
        "costs per invoice paid late (article D441-5 of the French Commercial "
        "Code)."
    )


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
        help="The creditor's law decides what the letters state: it is the "
        "law of the company's country. When the company has no country, this "
        "country's law applies.",
    )
    collection_recovery_indemnity = fields.Monetary(
        string="Recovery indemnity",
        currency_field="collection_recovery_indemnity_currency_id",
        default=40.0,
        help="Fixed indemnity for recovery costs that a business owes per "
        "invoice paid late (French Commercial Code L441-10 and D441-5: EUR 40). "
        "Printed in the late-payment mention of the letters to businesses; "
        "never charged to consumers.",
    )
    # The law fixes the indemnity in its own currency (euros in France,
    # pounds in the United Kingdom), whatever the company's currency.
    collection_recovery_indemnity_currency_id = fields.Many2one(
        "res.currency",
        string="Recovery indemnity currency",
        default=lambda self: self.env.ref("base.EUR", raise_if_not_found=False),
        required=True,
    )
    collection_late_payment_terms = fields.Text(
        string="Late-payment mention",
        translate=True,
        default=lambda self: _default_late_payment_terms(self.env),
        help="Printed at the foot of the reminder letters to businesses when "
        "French law applies. {indemnity} is replaced by the recovery "
        "indemnity above, with its currency. Empty: no mention.",
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
    collection_history_months = fields.Integer(
        string="Payment history (months)",
        default=12,
        help="Months of invoices and payments read to compute a customer's "
        "payment history (share paid late, average delay), which the "
        "typology suggestion and the rules use.",
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

    collection_campaign_quiet_days = fields.Integer(
        string="No campaign after a reminder (days)",
        default=14,
        help="By default, campaigns skip customers reminded less than this "
        "many days ago, or with a reminder waiting to be sent; each campaign "
        "may change it.",
    )

    def _collection_late_payment_mention(self):
        """The late-payment mention, in the language of the environment,
        with the recovery indemnity in it, worded as the law words it
        ("EUR 40")."""
        self.ensure_one()
        currency = self.collection_recovery_indemnity_currency_id
        amount = self.collection_recovery_indemnity
        digits = 0 if float_is_zero(amount % 1, 2) else currency.decimal_places
        indemnity = self.env._(
            "%(currency)s %(amount)s",
            currency=currency.name,
            amount=formatLang(self.env, amount, digits=digits),
        )
        terms = self.collection_late_payment_terms or ""
        return terms.replace(INDEMNITY_PLACEHOLDER, indemnity).strip()

    @api.model
    def _collection_fill_late_payment_terms(self):
        """Word the default late-payment mention in every active language.

        A new company (or the install of the module) stores the default
        mention in one language; each other language gets its translation,
        unless someone has worded it already.
        """
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for company in self.with_context(active_test=False).search([]):
            english = company.with_context(lang="en_US").collection_late_payment_terms
            if english != _default_late_payment_terms(
                self.with_context(lang="en_US").env
            ):
                continue
            translations = {}
            for lang in langs:
                if lang == "en_US":
                    continue
                current = company.with_context(lang=lang).collection_late_payment_terms
                if current in (english, False, ""):
                    translations[lang] = _default_late_payment_terms(
                        self.with_context(lang=lang).env
                    )
            if translations:
                company._update_field_translations(
                    "collection_late_payment_terms", translations
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._collection_fill_late_payment_terms()
        return companies

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

    @api.constrains("collection_late_payment_terms")
    def _check_collection_late_payment_terms(self):
        for company in self:
            rest = (company.collection_late_payment_terms or "").replace(
                INDEMNITY_PLACEHOLDER, ""
            )
            if "{" in rest or "}" in rest:
                raise ValidationError(
                    _(
                        "The late-payment mention of %(company)s may contain "
                        "only one placeholder, %(placeholder)s, for the "
                        "recovery indemnity; remove the other braces.",
                        company=company.name,
                        placeholder=INDEMNITY_PLACEHOLDER,
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
