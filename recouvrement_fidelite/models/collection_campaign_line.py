# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from .failure_messages import render

RESULTS = [
    ("pending", "To launch"),
    ("done", "Reminded"),
    ("failed", "Failure"),
    ("waiting", "In progress"),
    ("cancelled", "Cancelled"),
    ("skipped", "Nothing sent"),
]


class CollectionCampaignLine(models.Model):
    """One customer of a campaign: what the preview found, then what happened."""

    _name = "collection.campaign.line"
    _description = "Reminder campaign customer"
    _order = "overdue_amount desc, id"

    campaign_id = fields.Many2one(
        "collection.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    overdue_amount = fields.Monetary(
        string="Overdue amount",
        help="What the customer owes past its due date, in company currency, "
        "when the campaign was previewed.",
    )
    overdue_count = fields.Integer(string="Overdue invoices")
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices to remind",
        help="The invoices the reminder lists. Invoices with an open dispute, or "
        "of a customer whose reminders are paused, are left out.",
    )
    invoice_count = fields.Integer(
        string="Number of invoices", compute="_compute_invoice_count", store=True
    )
    reachable = fields.Boolean(
        help="The customer can be reached on the campaign's channel and has "
        "something to be reminded of."
    )
    reason_data = fields.Json(
        string="Remarks (data)",
        help="The remarks as data, worded when shown in the reader's language.",
    )
    reason = fields.Char(
        string="Remarks",
        compute="_compute_reason",
        help="Why the customer cannot be reached, or which invoices are left out.",
    )
    result = fields.Selection(RESULTS, compute="_compute_result")
    failure_reason = fields.Text(string="Failure reason", compute="_compute_result")

    @api.depends("reason_data")
    @api.depends_context("lang")
    def _compute_reason(self):
        for line in self:
            line.reason = render(self.env, line.reason_data) or False

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for line in self:
            line.invoice_count = len(line.invoice_ids)

    @api.depends("campaign_id.state", "campaign_id.action_ids.state")
    def _compute_result(self):
        actions = self.env["collection.action"].search(
            [("campaign_id", "in", self.campaign_id.ids)]
        )
        by_line = {}
        for action in actions:
            by_line.setdefault(
                (action.campaign_id.id, action.partner_id.id), []
            ).append(action)
        for line in self:
            line_actions = by_line.get((line.campaign_id.id, line.partner_id.id), [])
            states = {action.state for action in line_actions}
            line.failure_reason = False
            if line.campaign_id.state != "done":
                line.result = "pending"
            elif not line_actions:
                line.result = "skipped"
            elif "failed" in states:
                line.result = "failed"
                line.failure_reason = next(
                    a.failure_reason for a in line_actions if a.state == "failed"
                )
            elif "done" in states and states <= {"done", "cancelled"}:
                line.result = "done"
            elif states == {"cancelled"}:
                line.result = "cancelled"
            else:
                line.result = "waiting"
