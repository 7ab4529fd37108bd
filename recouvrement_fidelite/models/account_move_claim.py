# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the law adds to a late invoice: late interest, the recovery
indemnity, the total claim and when it becomes time-barred, by the
customer's legal profile (``collection.legal.profile``)."""

from odoo import api, fields, models

COLLECTION_USERS = "recouvrement_fidelite.group_collection_user"


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_legal_profile_id = fields.Many2one(
        "collection.legal.profile",
        string="Legal profile",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
        help="The legal rules applied to this customer: by their type "
        "(business or consumer) and country.",
    )
    collection_interest_due = fields.Monetary(
        string="Late interest to date",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
        help="Late interest on what is left to pay, from the day after the due "
        "date to today, by the legal profile.",
    )
    collection_indemnity_due = fields.Monetary(
        string="Recovery indemnity",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
        help="The fixed indemnity for recovery costs owed for this late "
        "invoice (businesses only, never during insolvency proceedings), in "
        "the invoice's currency.",
    )
    collection_claim_total = fields.Monetary(
        string="Total claim",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
        help="What is left to pay, plus late interest and the recovery indemnity.",
    )
    collection_prescription_date = fields.Date(
        string="Time-barred after",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
        help="The last day on which the claim can still be acted on, by the "
        "legal profile's prescription.",
    )
    collection_prescription_warning = fields.Boolean(
        string="Prescription close",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
    )

    @api.depends(
        "amount_residual",
        "invoice_date_due",
        "commercial_partner_id.country_id",
        "commercial_partner_id.collection_customer_type",
        "commercial_partner_id.collection_insolvency_date",
        "commercial_partner_id.collection_insolvency_end",
    )
    @api.depends_context("company")
    def _compute_collection_claim(self):
        today = fields.Date.context_today(self)
        claims = self._collection_claims(today)
        for move in self:
            claim = claims[move.id]
            move.collection_legal_profile_id = claim["profile"]
            move.collection_interest_due = claim["interest"]
            move.collection_indemnity_due = claim["indemnity"]
            move.collection_claim_total = claim["total"]
            move.collection_prescription_date = claim["prescription_date"]
            move.collection_prescription_warning = claim["warning"]

    def _collection_claims(self, today):
        """``{invoice id: claim}`` on ``today``: the legal profile, late
        interest, indemnity, total, prescription date, days before it and
        whether to warn. Profiles are looked up once per company for all the
        customers, and each currency rate once."""
        Profile = self.env["collection.legal.profile"]
        profiles = {}
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            for customer_id, profile in Profile._for_partners(
                moves.commercial_partner_id, company
            ).items():
                profiles[customer_id, company.id] = profile
        rates = {}

        def convert(amount, source, target, company):
            if source == target:
                return amount
            key = (source.id, target.id, company.id)
            if key not in rates:
                rates[key] = source._get_conversion_rate(source, target, company, today)
            return target.round(amount * rates[key])

        return {
            move.id: move._collection_claim(
                today,
                profiles.get((move.commercial_partner_id.id, move.company_id.id))
                or Profile,
                convert,
            )
            for move in self
        }

    def _collection_claim(self, today, profile, convert):
        """The claim of this invoice on ``today`` under ``profile``."""
        self.ensure_one()
        nothing = {
            "profile": profile.browse(),
            "interest": 0.0,
            "indemnity": 0.0,
            "total": self.amount_residual,
            "prescription_date": False,
            "days_before_prescription": None,
            "warning": False,
            "principal_and_interest": 0.0,
        }
        if (
            not profile
            or self.move_type != "out_invoice"
            or self.state != "posted"
            or not self.invoice_date_due
            or self.currency_id.is_zero(self.amount_residual)
        ):
            return nothing
        customer = self.commercial_partner_id
        due = self.invoice_date_due
        late = today > due
        interest = profile._interest(self.amount_residual, due, today) if late else 0.0
        indemnity = 0.0
        if late:
            band_currency = profile.indemnity_currency_id
            owed = profile._indemnity(
                convert(
                    self.amount_total, self.currency_id, band_currency, self.company_id
                ),
                consumer=customer.collection_customer_type == "b2c",
                insolvent=customer._collection_in_insolvency(today),
            )
            indemnity = convert(owed, band_currency, self.currency_id, self.company_id)
        prescription = profile._prescription_date(due)
        days_left = (prescription - today).days
        return {
            "profile": profile,
            "interest": interest,
            "indemnity": indemnity,
            "total": self.amount_residual + interest + indemnity,
            "prescription_date": prescription,
            "days_before_prescription": days_left,
            "warning": days_left <= profile.prescription_warning_days,
            # Principal and interest in the profile's currency, for its
            # thresholds.
            "principal_and_interest": convert(
                self.amount_residual + interest,
                self.currency_id,
                profile.indemnity_currency_id,
                self.company_id,
            ),
        }
