# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Insolvency proceedings of a customer: no recovery indemnity, no
injunction to pay while they last."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

INTERNAL_USERS = "base.group_user"
COLLECTION_USERS = "recouvrement_fidelite.group_collection_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_insolvency_date = fields.Date(
        string="Insolvency proceedings since",
        tracking=True,
        groups=INTERNAL_USERS,
        help="Safeguard, receivership or liquidation opened on this date: no "
        "recovery indemnity is claimed, and no injunction to pay, while they "
        "last.",
    )
    collection_insolvency_end = fields.Date(
        string="Insolvency proceedings closed on",
        tracking=True,
        groups=INTERNAL_USERS,
    )
    collection_in_insolvency = fields.Boolean(
        string="In insolvency proceedings",
        compute="_compute_collection_in_insolvency",
        groups=INTERNAL_USERS,
    )

    # The claim by the law over the customer's open invoices (follow-up).
    collection_claim_interest = fields.Monetary(
        string="Late interest to date",
        compute="_compute_collection_claim",
        currency_field="collection_followup_currency_id",
        groups=COLLECTION_USERS,
    )
    collection_claim_indemnity = fields.Monetary(
        string="Recovery indemnities",
        compute="_compute_collection_claim",
        currency_field="collection_followup_currency_id",
        groups=COLLECTION_USERS,
    )
    collection_claim_total = fields.Monetary(
        string="Total claim",
        compute="_compute_collection_claim",
        currency_field="collection_followup_currency_id",
        groups=COLLECTION_USERS,
        help="What the customer owes on open invoices, plus late interest and "
        "recovery indemnities by their legal profile.",
    )
    collection_claim_prescription = fields.Date(
        string="First invoice time-barred after",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
    )
    collection_claim_warning = fields.Boolean(
        string="Prescription close",
        compute="_compute_collection_claim",
        groups=COLLECTION_USERS,
    )

    @api.depends_context("company")
    def _compute_collection_claim(self):
        today = fields.Date.context_today(self)
        company = self.env.company
        invoices = self.collection_followup_invoice_ids
        claims = invoices._collection_claims(today)
        for partner in self:
            interest = indemnity = total = 0.0
            prescriptions = []
            warning = False
            for invoice in partner.collection_followup_invoice_ids:
                claim = claims[invoice.id]

                def in_company(amount, invoice=invoice):
                    return invoice.currency_id._convert(
                        amount, company.currency_id, company, today
                    )

                interest += in_company(claim["interest"])
                indemnity += in_company(claim["indemnity"])
                total += in_company(claim["total"])
                if claim["prescription_date"]:
                    prescriptions.append(claim["prescription_date"])
                warning = warning or claim["warning"]
            partner.collection_claim_interest = interest
            partner.collection_claim_indemnity = indemnity
            partner.collection_claim_total = total
            partner.collection_claim_prescription = min(prescriptions, default=False)
            partner.collection_claim_warning = warning

    @api.depends("collection_insolvency_date", "collection_insolvency_end")
    def _compute_collection_in_insolvency(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.collection_in_insolvency = partner._collection_in_insolvency(today)

    def _collection_in_insolvency(self, day):
        customer = self.commercial_partner_id
        start = customer.collection_insolvency_date
        end = customer.collection_insolvency_end
        return bool(start and start <= day and (not end or end >= day))

    @api.constrains("collection_insolvency_date", "collection_insolvency_end")
    def _check_collection_insolvency_dates(self):
        for partner in self:
            start = partner.collection_insolvency_date
            end = partner.collection_insolvency_end
            if end and not start:
                raise ValidationError(
                    _("Give the date the insolvency proceedings were opened.")
                )
            if start and end and end < start:
                raise ValidationError(
                    _("Insolvency proceedings cannot close before they open.")
                )

    def action_collection_charge_late_fees(self):
        """Invoice the late-payment charges of all the customer's overdue
        invoices (see ``account.move.action_collection_charge_late_fees``)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        invoices = self.collection_followup_invoice_ids.filtered(
            lambda m: m.invoice_date_due and m.invoice_date_due < today
        )
        if not invoices:
            raise UserError(_("%s has no overdue invoice.", self.display_name))
        return invoices.action_collection_charge_late_fees()
