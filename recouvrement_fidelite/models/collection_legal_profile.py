# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the law of a country says about a late invoice, as editable data."""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_is_zero, formatLang

from ..engine import legal
from ..engine.concepts import CUSTOMER_TYPES

#: Where the late-payment mention prints the recovery indemnity.
INDEMNITY_PLACEHOLDER = "{indemnity}"
FIXINGS = [
    ("daily", "As the rate changes"),
    ("half_year", "Rate in force on 1 January and 1 July"),
    ("half_year_before", "Rate in force on 31 December and 30 June"),
]


class CollectionLegalProfile(models.Model):
    """The legal rules applied to the customers of one kind and countries.

    A customer's profile is the one of their type (business or consumer)
    that names their country, else the one of a country group that holds
    it, else the one without country; a company's own profile comes before
    a shared one. Every figure (reference rate and margin, indemnity,
    prescription, thresholds) is data that an administrator can change: the
    computations (``engine.legal``) hold none.
    """

    _name = "collection.legal.profile"
    _description = "Legal profile"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the profile between companies."
    )
    customer_type = fields.Selection(
        list(CUSTOMER_TYPES), string="Customer type", required=True, default="b2b"
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        help="Customers of these countries. Empty, with no country group: the "
        "profile of every other country.",
    )
    country_group_id = fields.Many2one(
        "res.country.group",
        string="Country group",
        help="Customers of the countries of this group that no other profile "
        "names (e.g. the European Union).",
    )
    note = fields.Text(translate=True, help="The texts of law the profile follows.")

    # Late interest
    interest_reference_id = fields.Many2one(
        "collection.legal.reference",
        string="Reference rate",
        help="Late interest is this rate plus the margin. Empty: no late "
        "interest is computed.",
    )
    interest_margin = fields.Float(
        string="Margin (points)",
        digits=(16, 2),
        help="Points added to the reference rate (France B2B: ECB main "
        "refinancing rate + 10 points, Code de commerce L441-10).",
    )
    interest_fixing = fields.Selection(
        FIXINGS,
        string="Rate applied",
        required=True,
        default="daily",
        help="Which reference rate applies on a day: as it changes, or fixed "
        "for each half-year (France: the rate in force on 1 January for the "
        "first half-year and on 1 July for the second; United Kingdom: on "
        "31 December and 30 June).",
    )
    interest_basis = fields.Integer(
        string="Days in a year",
        default=365,
        required=True,
        help="Interest is counted day by day over this many days a year (actual/365).",
    )
    contractual_floor_multiple = fields.Float(
        string="Floor of a contractual rate (x legal rate)",
        digits=(16, 2),
        help="A contractual late-payment rate may not be below this multiple "
        "of the legal interest rate (France: 3). 0: no floor.",
    )
    legal_rate_reference_id = fields.Many2one(
        "collection.legal.reference",
        string="Legal interest rate",
        help="The legal interest rate the floor is a multiple of.",
    )

    # Recovery indemnity
    indemnity_currency_id = fields.Many2one(
        "res.currency",
        string="Indemnity currency",
        required=True,
        default=lambda self: self.env.ref("base.EUR", raise_if_not_found=False),
        help="The law fixes the indemnity in its own currency.",
    )
    indemnity_band_ids = fields.One2many(
        "collection.legal.indemnity.band",
        "profile_id",
        string="Recovery indemnity",
        copy=True,
        help="Fixed indemnity for recovery costs owed per late invoice (France "
        "and the EU: 40 euros, D441-5; United Kingdom: 40, 70 or 100 pounds by "
        "amount). Never owed by consumers nor during insolvency proceedings. "
        "No band: no indemnity.",
    )
    late_payment_mention = fields.Text(
        string="Late-payment mention",
        translate=True,
        help="Printed at the foot of the reminder letters to these customers. "
        "{indemnity} is replaced by the recovery indemnity with its currency. "
        "Empty: no mention.",
    )

    # Deadlines and thresholds
    prescription_years = fields.Integer(
        string="Prescription (years)",
        default=5,
        required=True,
        help="Years after the due date after which the claim is time-barred "
        "(France: 5 years between traders, L110-4 Code de commerce; 2 years "
        "for a professional's claim against a consumer, L218-2 Code de la "
        "consommation).",
    )
    prescription_warning_days = fields.Integer(
        string="Warn before prescription (days)",
        default=90,
        help="Invoices and customers show a warning this many days before "
        "the claim becomes time-barred.",
    )
    small_claims_threshold = fields.Monetary(
        string="Simplified procedure threshold",
        currency_field="indemnity_currency_id",
        help="Claims (principal and interest together) up to this amount may "
        "go through the simplified small-claims procedure (France: 5,000 "
        "euros, L125-1 CPCE). 0: no such procedure.",
    )
    small_claims_inclusive = fields.Boolean(
        string="Threshold included",
        default=True,
        help="On: a claim of exactly the threshold qualifies (up to and "
        "including). Whether it does is not settled in the texts: check it.",
    )
    small_claims_answer_months = fields.Integer(
        string="Simplified procedure answer period (months)",
        default=1,
        help="Months the debtor has to answer the commissaire de justice's "
        "invitation in the simplified small-claims procedure (France: one "
        "month, CPCE R125-1 and following).",
    )
    injunction_service_months = fields.Integer(
        string="Injunction: service period (months)",
        default=6,
        help="An injunction to pay lapses when it is not served within this "
        "many months of the order (France: 6 months, CPC 1411).",
    )
    injunction_opposition_months = fields.Integer(
        string="Injunction: opposition period (months)",
        default=1,
        help="Months the debtor has to oppose the injunction to pay once "
        "served (France: one month, CPC 1416).",
    )
    interest_after_formal_notice = fields.Boolean(
        string="Interest runs from the formal notice",
        help="On: an escalation case claims late interest only from the "
        "formal notice (France, consumers: the legal interest rate runs from "
        "the formal notice, Code civil 1231-6 and 1344-1). Off: from the day "
        "after the due date (France, businesses: L441-10 Code de commerce).",
    )
    formal_notice_mention = fields.Text(
        string="Formal notice mention",
        translate=True,
        help="Printed on the formal notice of an escalation case to these "
        "customers: what the law says the notice does (e.g. France: a formal "
        "notice within the meaning of article 1344 of the Civil Code, which "
        "makes interest run). Empty: no mention.",
    )
    formal_notice_days = fields.Integer(
        string="Formal notice deadline (days)",
        default=8,
        help="Days the formal notice gives the customer to pay (usually 8 to 15).",
    )

    @api.constrains(
        "interest_margin",
        "interest_basis",
        "prescription_years",
        "prescription_warning_days",
        "small_claims_threshold",
        "formal_notice_days",
        "contractual_floor_multiple",
        "small_claims_answer_months",
        "injunction_service_months",
        "injunction_opposition_months",
    )
    def _check_figures(self):
        for profile in self:
            problems = []
            if not -100 <= profile.interest_margin <= 100:
                problems.append(_("the margin must be between -100 and 100 points"))
            if not 1 <= profile.interest_basis <= 366:
                problems.append(_("a year counts between 1 and 366 days"))
            if profile.prescription_years < 1:
                problems.append(_("the prescription lasts at least one year"))
            if profile.prescription_warning_days < 0:
                problems.append(_("the warning cannot come after the prescription"))
            if profile.small_claims_threshold < 0:
                problems.append(_("the threshold cannot be negative"))
            if (
                profile.injunction_service_months < 1
                or profile.injunction_opposition_months < 1
            ):
                problems.append(_("the injunction periods last at least one month"))
            if profile.small_claims_answer_months < 1:
                problems.append(_("the answer period lasts at least one month"))
            if profile.formal_notice_days < 1:
                problems.append(_("a formal notice gives at least one day"))
            if profile.contractual_floor_multiple < 0:
                problems.append(_("the floor cannot be negative"))
            if problems:
                raise ValidationError(
                    _(
                        "The legal profile %(profile)s cannot be saved: %(problems)s.",
                        profile=profile.name,
                        problems="; ".join(problems),
                    )
                )

    @api.constrains("late_payment_mention")
    def _check_late_payment_mention(self):
        for profile in self:
            rest = (profile.late_payment_mention or "").replace(
                INDEMNITY_PLACEHOLDER, ""
            )
            if "{" in rest or "}" in rest:
                raise ValidationError(
                    _(
                        "The late-payment mention of %(profile)s may contain only "
                        "one placeholder, %(placeholder)s, for the recovery "
                        "indemnity; remove the other braces.",
                        profile=profile.name,
                        placeholder=INDEMNITY_PLACEHOLDER,
                    )
                )

    # Which profile

    @api.model
    def _for_partner(self, partner, company):
        """The profile of a customer for ``company`` (empty when none fits)."""
        customer = partner.commercial_partner_id
        return self._for_partners(customer, company)[customer.id]

    @api.model
    def _for_partners(self, customers, company):
        """``{customer id: profile}`` for commercial partners, in one search."""
        profiles = self.search([("company_id", "in", [company.id, False])])
        fallback = (
            company.country_id
            or company.account_fiscal_country_id
            or company.collection_law_country_id
        )

        def rank(profile, country):
            if country and country in profile.country_ids:
                place = 0
            elif (
                country
                and not profile.country_ids
                and country in profile.country_group_id.country_ids
            ):
                place = 1
            elif not profile.country_ids and not profile.country_group_id:
                place = 2
            else:
                return None
            return (place, 0 if profile.company_id else 1, profile.sequence, profile.id)

        found = {}
        for customer in customers:
            country = customer.country_id or fallback
            kind = customer.collection_customer_type or "b2b"
            ranked = sorted(
                (key, profile)
                for profile in profiles
                if profile.customer_type == kind
                and (key := rank(profile, country)) is not None
            )
            found[customer.id] = ranked[0][1] if ranked else self.browse()
        return found

    # Computations (engine.legal), from the profile's figures

    def _interest(self, principal, due, end):
        """Late interest on ``principal`` (a float) from ``due`` to ``end``."""
        self.ensure_one()
        if not self.interest_reference_id or not due or not end:
            return 0.0
        try:
            return float(
                legal.late_interest(
                    Decimal(str(principal)),
                    due,
                    end,
                    self.interest_reference_id._rate_table(),
                    margin=Decimal(str(self.interest_margin)),
                    fixing=self.interest_fixing,
                    basis=self.interest_basis,
                )
            )
        except ValueError:
            # No rate known for the period: nothing is claimed rather than a
            # wrong figure; the reference's form shows the missing rates.
            return 0.0

    def _indemnity(self, amount_in_bands, consumer=False, insolvent=False):
        """The recovery indemnity (in the profile's currency) for an invoice
        of ``amount_in_bands`` (in the profile's currency too)."""
        self.ensure_one()
        bands = [
            (Decimal(str(b.amount_from)), Decimal(str(b.indemnity)))
            for b in self.indemnity_band_ids
        ]
        return float(
            legal.recovery_indemnity(
                Decimal(str(amount_in_bands)),
                bands,
                consumer=consumer or self.customer_type == "b2c",
                insolvent=insolvent,
            )
        )

    def _prescription_date(self, due):
        self.ensure_one()
        return legal.prescription_date(due, self.prescription_years) if due else False

    def _within_small_claims(self, principal, interest):
        self.ensure_one()
        if not self.small_claims_threshold:
            return False
        return legal.within_threshold(
            Decimal(str(principal)),
            Decimal(str(interest)),
            Decimal(str(self.small_claims_threshold)),
            inclusive=self.small_claims_inclusive,
        )

    def _late_payment_mention(self):
        """The mention in the environment's language, with the indemnity of
        the first band worded as the law words it ("EUR 40")."""
        self.ensure_one()
        terms = self.late_payment_mention or ""
        band = self.indemnity_band_ids.sorted("amount_from")[:1]
        if INDEMNITY_PLACEHOLDER in terms and band:
            currency = self.indemnity_currency_id
            amount = band.indemnity
            digits = 0 if float_is_zero(amount % 1, 2) else currency.decimal_places
            terms = terms.replace(
                INDEMNITY_PLACEHOLDER,
                self.env._(
                    "%(currency)s %(amount)s",
                    currency=currency.name,
                    amount=formatLang(self.env, amount, digits=digits),
                ),
            )
        return terms.strip()
