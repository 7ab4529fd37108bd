# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move import DISPUTE_REASONS


class CollectionDisputeWizard(models.TransientModel):
    """Open, resolve or reject the dispute on one customer invoice.

    The invoice does the checks and the logging (``_collection_dispute_*``);
    the wizard gathers what each step needs and, on resolution, can hand over
    to Odoo's own credit note window, filled in with the resolution.
    """

    _name = "collection.dispute.wizard"
    _description = "Invoice dispute step"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer"
    )
    dispute_state = fields.Selection(
        related="move_id.collection_dispute_state", string="Current status"
    )
    action = fields.Selection(
        [
            ("open", "Open a dispute"),
            ("resolve", "Resolve the dispute"),
            ("reject", "Reject the dispute"),
        ],
        required=True,
    )
    reason = fields.Selection(
        DISPUTE_REASONS,
        compute="_compute_from_move",
        store=True,
        readonly=False,
        help="What the customer contests.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handled by",
        compute="_compute_from_move",
        store=True,
        readonly=False,
        domain=[("share", "=", False)],
        help="The person in charge of the dispute; by default the customer's "
        "collection responsible, else you. They are notified.",
    )
    note = fields.Text(
        help="Opening: what the customer contests. Resolution: how it was settled. "
        "Rejection: why the dispute is unfounded. Logged on the invoice."
    )
    credit_note = fields.Boolean(
        string="Issue a credit note",
        help="After the resolution, open Odoo's credit note window for this "
        "invoice, with the resolution as reason.",
    )

    @api.depends("move_id")
    def _compute_from_move(self):
        for wizard in self:
            move = wizard.move_id
            # A re-opened dispute usually has the same reason as before.
            wizard.reason = move.collection_dispute_reason or False
            wizard.user_id = (
                move._collection_default_dispute_user() if move else self.env.user
            )

    def action_confirm(self):
        self.ensure_one()
        move = self.move_id
        if self.action == "open":
            if not self.reason:
                raise UserError(_("Choose the reason of the dispute."))
            move._collection_dispute_open(self.reason, self.user_id, self.note)
        elif self.action == "resolve":
            move._collection_dispute_resolve(self.note)
            if self.credit_note:
                return self._credit_note_action()
        else:
            move._collection_dispute_reject(self.note)
        return {"type": "ir.actions.act_window_close"}

    def _credit_note_reason(self):
        """One line for the credit note reference: the resolution, else the reason."""
        note = re.sub(r"\s+", " ", self.note or "").strip()
        if note:
            return note
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        return _(
            "Dispute resolved (%(reason)s)",
            reason=reasons.get(self.move_id.collection_dispute_reason) or _("other"),
        )

    def _credit_note_action(self):
        """Odoo's credit note window for the invoice, reason filled in."""
        move = self.move_id
        context = {"active_model": "account.move", "active_ids": move.ids}
        reversal = (
            self.env["account.move.reversal"]
            .with_context(**context)
            .create(
                {"reason": self._credit_note_reason(), "journal_id": move.journal_id.id}
            )
        )
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_view_account_move_reversal"
        )
        action.update(
            {
                "name": _("Credit Note"),
                "res_id": reversal.id,
                "view_mode": "form",
                "views": [(False, "form")],
                "context": context,
            }
        )
        return action
