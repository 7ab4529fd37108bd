# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..engine.concepts import PREFERRED_CHANNELS
from ..models.collection_feedback import (
    CONTACT_TIMES,
    MAX_COMMENT_LENGTH,
    MAX_CONTACT_DETAIL_LENGTH,
    _clean_text,
)


class CollectionFeedbackWizard(models.TransientModel):
    """Record what a customer told a colleague (on the phone, in a letter,
    at the counter) about an unpaid invoice, as if they had sent it from
    their collection page: the reason's follow-up applies the same way (a
    dispute opened, reminders paused, an activity for the responsible)."""

    _name = "collection.feedback.wizard"
    _description = "Record customer feedback"

    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
        help="The unpaid customer invoice the customer talked about.",
    )
    company_id = fields.Many2one(related="invoice_id.company_id")
    partner_id = fields.Many2one(
        related="invoice_id.commercial_partner_id", string="Customer"
    )
    reason_id = fields.Many2one(
        "collection.feedback.reason",
        string="Reason",
        required=True,
        domain="[('company_id', 'in', [False, company_id])]",
        help="Why the invoice is not paid, in the customer's words: the "
        "reason says what follows.",
    )
    reason_description = fields.Char(related="reason_id.description")
    follow_up = fields.Selection(related="reason_id.follow_up", string="What follows")
    comment_required = fields.Boolean(related="reason_id.comment_required")
    comment = fields.Text(help="What the customer said, in their words.")
    contact_channel = fields.Selection(
        list(PREFERRED_CHANNELS),
        string="Contact by",
        help="How the customer wants to be contacted about it (empty: no preference).",
    )
    contact_time = fields.Selection(CONTACT_TIMES, string="Contact when")
    contact_detail = fields.Char(
        string="Phone or email given",
        help="Where the customer asked to be reached, if not their usual contact.",
    )

    def action_confirm(self):
        """Record the feedback, apply its follow-up and open it."""
        self.ensure_one()
        feedback = self.env["collection.feedback"]._back_office_record(
            self.invoice_id, self._feedback_values()
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.feedback",
            "res_id": feedback.id,
            "view_mode": "form",
            "target": "current",
        }

    def _feedback_values(self):
        """The feedback's values, or ``UserError`` saying what to correct."""
        invoice = self.invoice_id
        if not (
            invoice.move_type == "out_invoice"
            and invoice.state == "posted"
            and invoice.payment_state in ("not_paid", "partial")
        ):
            raise UserError(
                _(
                    "%(invoice)s is not an unpaid customer invoice: feedback is "
                    "recorded on what the customer still owes.",
                    invoice=invoice.display_name,
                )
            )
        reason = self.reason_id
        if reason.company_id and reason.company_id != invoice.company_id:
            raise UserError(
                _(
                    "The reason “%(reason)s” is not offered to the customers of "
                    "%(company)s.",
                    reason=reason.name,
                    company=invoice.company_id.name,
                )
            )
        comment = _clean_text(self.comment, MAX_COMMENT_LENGTH)
        if comment is None:
            raise UserError(
                _(
                    "The comment is too long: %(limit)s characters at most.",
                    limit=MAX_COMMENT_LENGTH,
                )
            )
        if reason.comment_required and not comment:
            raise UserError(
                _(
                    "The reason “%(reason)s” needs the customer's words: write "
                    "them in the comment.",
                    reason=reason.name,
                )
            )
        detail = _clean_text(self.contact_detail, MAX_CONTACT_DETAIL_LENGTH)
        if detail is None:
            raise UserError(
                _(
                    "The phone number or email is too long: %(limit)s characters "
                    "at most.",
                    limit=MAX_CONTACT_DETAIL_LENGTH,
                )
            )
        return {
            "reason_id": reason.id,
            "comment": comment or False,
            "contact_channel": self.contact_channel or False,
            "contact_time": self.contact_time or False,
            "contact_detail": detail or False,
        }
