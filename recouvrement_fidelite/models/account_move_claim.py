# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the law adds to a late invoice: late interest, the recovery
indemnity, the total claim and when it becomes time-barred, by the
customer's legal profile (``collection.legal.profile``)."""

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from .failure_messages import CollectionFailure, message

_lt = LazyTranslate(__name__)

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
    # What was already charged to the customer, so that nothing is charged
    # twice: interest up to this date, the indemnity once.
    collection_interest_charged_until = fields.Date(
        string="Late interest invoiced up to",
        readonly=True,
        copy=False,
        groups=COLLECTION_USERS,
    )
    collection_indemnity_charged = fields.Boolean(
        string="Recovery indemnity invoiced",
        readonly=True,
        copy=False,
        groups=COLLECTION_USERS,
    )
    collection_charged_move_ids = fields.Many2many(
        "account.move",
        "collection_late_fee_charge_rel",
        "charge_id",
        "move_id",
        string="Late invoices charged",
        readonly=True,
        copy=False,
        groups=COLLECTION_USERS,
        help="The late invoices whose interest and indemnity this invoice charges.",
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
        # Interest already invoiced is not claimed again.
        start = max(due, self.collection_interest_charged_until or due)
        interest = (
            profile._interest(self.amount_residual, start, today) if late else 0.0
        )
        indemnity = 0.0
        if late and not self.collection_indemnity_charged:
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
            "interest_from": start,
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

    # Charging the law's amounts to a business customer

    def _collection_chargeable(self):
        """Why these late invoices cannot be charged late-payment fees, as a
        message to word in the reader's language (``failure_messages``), or
        None."""
        customers = self.commercial_partner_id
        if len(customers) != 1:
            return message(
                _lt("Late-payment charges are invoiced to one customer at a time.")
            )
        if len(self.company_id) != 1:
            return message(
                _lt("Late-payment charges are invoiced for one company at a time.")
            )
        if customers.collection_customer_type != "b2b":
            return message(
                _lt(
                    "%(customer)s is a consumer: late-payment charges and the "
                    "recovery indemnity are never invoiced to consumers."
                ),
                customer=customers.display_name,
            )
        if customers._collection_in_insolvency(fields.Date.context_today(self)):
            return message(
                _lt(
                    "%(customer)s is in insolvency proceedings: nothing is "
                    "charged while they last."
                ),
                customer=customers.display_name,
            )
        return None

    def action_collection_charge_late_fees(self):
        """Invoice to the customer the late interest and the recovery
        indemnity of these late invoices, as a draft to review: one interest
        line and one indemnity line per invoice, without VAT."""
        late = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.invoice_date_due
                and m.invoice_date_due < fields.Date.context_today(m)
            )
        )
        if not late:
            raise UserError(_("None of these invoices is overdue."))
        why_not = late._collection_chargeable()
        if why_not:
            raise CollectionFailure(self.env, why_not)
        today = fields.Date.context_today(self)
        claims = late._collection_claims(today)
        company = late.company_id
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal:
            raise UserError(_("%s has no sales journal.", company.name))
        lines = []
        charged = self.browse()
        for move in late:
            claim = claims[move.id]
            if claim["interest"] > 0:
                lines.append(
                    move._collection_charge_line(
                        _(
                            "Late interest on %(invoice)s from %(start)s to "
                            "%(end)s (%(profile)s)",
                            invoice=move.name,
                            start=format_date(
                                self.env,
                                fields.Date.add(claim["interest_from"], days=1),
                            ),
                            end=format_date(self.env, today),
                            profile=claim["profile"].name,
                        ),
                        claim["interest"],
                        company.collection_interest_account_id,
                    )
                )
            if claim["indemnity"] > 0:
                lines.append(
                    move._collection_charge_line(
                        _(
                            "Fixed indemnity for recovery costs on %(invoice)s "
                            "(outside the scope of VAT)",
                            invoice=move.name,
                        ),
                        claim["indemnity"],
                        company.collection_indemnity_account_id,
                    )
                )
            if claim["interest"] > 0 or claim["indemnity"] > 0:
                charged |= move
        if not lines:
            raise UserError(
                _("Nothing is left to charge: no late interest, no indemnity due.")
            )
        charge = self.create(
            {
                "move_type": "out_invoice",
                "partner_id": late.commercial_partner_id.id,
                "company_id": company.id,
                "journal_id": journal.id,
                "currency_id": late[:1].currency_id.id,
                "invoice_origin": ", ".join(charged.mapped("name")),
                "collection_charged_move_ids": [Command.set(charged.ids)],
                "invoice_line_ids": [Command.create(line) for line in lines],
            }
        )
        charged.sudo().write(
            {
                "collection_interest_charged_until": today,
                "collection_indemnity_charged": True,
            }
        )
        for move in charged:
            move.message_post(
                body=Markup(_("Late-payment charges invoiced in %s."))
                % charge._get_html_link(title=charge.display_name)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": charge.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _collection_charge_line(self, label, amount, account):
        values = {"name": label, "quantity": 1, "price_unit": amount, "tax_ids": []}
        if account:
            values["account_id"] = account.id
        return values
