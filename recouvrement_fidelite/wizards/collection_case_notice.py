# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Sending the formal notice of an escalation case: by email, by registered
post, or both, with the deadline of the customer's legal profile."""

from odoo import _, api, fields, models


class CollectionCaseNotice(models.TransientModel):
    _name = "collection.case.notice"
    _description = "Send a formal notice"

    case_id = fields.Many2one("collection.case", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="case_id.partner_id")
    recipient_id = fields.Many2one(
        "res.partner",
        string="Addressed to",
        compute="_compute_recipient_id",
        store=True,
        readonly=False,
        help="The customer's collection contact, else the customer.",
    )
    recipient_email = fields.Char(related="recipient_id.email")
    by_email = fields.Boolean(
        string="By email",
        compute="_compute_channels",
        store=True,
        readonly=False,
        help="Sent at once, the letter attached as a PDF.",
    )
    by_post = fields.Boolean(
        string="By registered post",
        default=True,
        help="The letter is printed to be sent by registered letter with "
        "acknowledgement of receipt, the usual proof of a formal notice.",
    )
    days = fields.Integer(
        string="Days to pay",
        compute="_compute_days",
        store=True,
        readonly=False,
        help="From the customer's legal profile (usually 8 to 15 days).",
    )
    deadline = fields.Date(string="Pay by", compute="_compute_deadline")
    amount_total = fields.Monetary(related="case_id.amount_total")
    currency_id = fields.Many2one(related="case_id.currency_id")

    @api.depends("case_id")
    def _compute_recipient_id(self):
        for wizard in self:
            wizard.recipient_id = wizard.case_id._notice_recipient()

    @api.depends("recipient_id")
    def _compute_channels(self):
        for wizard in self:
            wizard.by_email = bool(wizard.recipient_id.email)

    @api.depends("case_id")
    def _compute_days(self):
        for wizard in self:
            wizard.days = wizard.case_id._notice_days() if wizard.case_id else 0

    @api.depends("days")
    @api.depends_context("date")
    def _compute_deadline(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.deadline = fields.Date.add(today, days=max(wizard.days, 0))

    def action_preview(self):
        self.ensure_one()
        return self.env.ref(
            "recouvrement_fidelite.collection_case_formal_notice_report"
        ).report_action(self.case_id.with_context(collection_notice_days=self.days))

    def action_send(self):
        self.ensure_one()
        letter = self.case_id._send_formal_notice(
            self.by_email, self.by_post, self.days, self.recipient_id
        )
        if self.by_post:
            # The letter to print and post at once.
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{letter.id}?download=true",
                "target": "self",
                "close": True,
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Formal notice sent"),
                "message": _(
                    "Sent by email to %(email)s; pay by %(deadline)s.",
                    email=self.recipient_id.email,
                    deadline=self.case_id._date(self.case_id.notice_deadline),
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
