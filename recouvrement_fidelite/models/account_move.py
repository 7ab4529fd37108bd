# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

DISPUTE_STATES = [
    ("none", "No dispute"),
    ("open", "Open"),
    ("under_review", "Under review"),
    ("resolved", "Resolved"),
    ("rejected", "Rejected"),
]
DISPUTE_REASONS = [
    ("billing_error", "Billing error"),
    ("delivery", "Delivery"),
    ("non_conformity", "Non-conformity"),
    ("price", "Price"),
    ("other", "Other"),
]
#: Disputes in these states pause reminders on the invoice.
ACTIVE_DISPUTE_STATES = ("open", "under_review")


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_dispute_state = fields.Selection(
        DISPUTE_STATES,
        string="Dispute",
        default="none",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    collection_dispute_reason = fields.Selection(
        DISPUTE_REASONS, string="Dispute reason", copy=False, tracking=True
    )
    collection_dispute_user_id = fields.Many2one(
        "res.users", string="Dispute handled by", copy=False, tracking=True
    )
    collection_dispute_date_open = fields.Date(string="Dispute opened on", copy=False)
    collection_dispute_date_closed = fields.Date(string="Dispute closed on", copy=False)
    collection_dispute_note = fields.Text(string="Dispute notes", copy=False)

    collection_level_id = fields.Many2one(
        "collection.level", string="Reminder level", copy=False, tracking=True, index=True
    )
    collection_level_number = fields.Integer(
        related="collection_level_id.level_number", string="Level number"
    )
    collection_last_reminder_date = fields.Date(string="Last reminder", copy=False)
    collection_reminder_count = fields.Integer(string="Reminders sent", copy=False)
    collection_next_action = fields.Char(string="Next action", copy=False)
    collection_next_action_date = fields.Date(
        string="Next action on", copy=False, index=True
    )
    collection_paused = fields.Boolean(
        string="Reminders paused",
        compute="_compute_collection_paused",
        search="_search_collection_paused",
        help="An open dispute or a pause on the customer stops reminders.",
    )

    @api.depends(
        "collection_dispute_state", "commercial_partner_id.collection_pause_until"
    )
    def _compute_collection_paused(self):
        today = fields.Date.context_today(self)
        for move in self:
            until = move.commercial_partner_id.collection_pause_until
            move.collection_paused = move.collection_dispute_state in (
                ACTIVE_DISPUTE_STATES
            ) or bool(until and until >= today)

    def _search_collection_paused(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on paused reminders."))
        today = fields.Date.context_today(self)
        paused = [
            "|",
            ("collection_dispute_state", "in", list(ACTIVE_DISPUTE_STATES)),
            ("commercial_partner_id.collection_pause_until", ">=", today),
        ]
        if (operator == "=") == value:
            return paused
        return ["!", *paused]

    def _collection_check_disputable(self):
        """Refuse dispute changes on anything but an open customer invoice."""
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                raise UserError(
                    _(
                        "%(invoice)s: only posted customer invoices can be disputed.",
                        invoice=move.display_name,
                    )
                )
            if move.payment_state in ("paid", "in_payment", "reversed"):
                raise UserError(
                    _(
                        "%(invoice)s is already paid or reversed: there is "
                        "nothing left to dispute.",
                        invoice=move.display_name,
                    )
                )
