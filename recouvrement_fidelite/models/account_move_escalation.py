# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Invoices in an escalation case: their reminders stop, and what happens
to them (paid, disputed) moves the case."""

from odoo import _, api, fields, models

from .account_move import INTERNAL_USERS
from .collection_case import LIVE_STATES

COLLECTION_USERS = "recouvrement_fidelite.group_collection_user"


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_case_ids = fields.Many2many(
        "collection.case",
        "collection_case_invoice_rel",
        "move_id",
        "case_id",
        string="Escalation cases",
        readonly=True,
        copy=False,
        groups=INTERNAL_USERS,
    )
    collection_case_id = fields.Many2one(
        "collection.case",
        string="Escalation case",
        compute="_compute_collection_case_id",
        groups=COLLECTION_USERS,
        help="The open or suspended escalation case that claims this invoice.",
    )

    @api.depends("collection_case_ids.state")
    def _compute_collection_case_id(self):
        for move in self:
            move.collection_case_id = move.sudo().collection_case_ids.filtered(
                lambda c: c.state in LIVE_STATES
            )[:1]

    # Reminders stop while a case claims the invoice (see
    # account.move._collection_pause_sources).

    @api.model
    def _collection_pause_sources(self):
        return super()._collection_pause_sources() + ["case"]

    def _collection_pauses_case(self, today):
        # sudo: reminders pause for whoever runs them.
        cases = (
            self.env["collection.case"]
            .sudo()
            .search([("state", "in", LIVE_STATES), ("invoice_ids", "in", self.ids)])
        )
        paused = {}
        for case in cases:
            for move in case.invoice_ids & self:
                paused[move] = _(
                    "In the escalation case %(case)s: reminders stop while it is open.",
                    case=case.name,
                )
        return paused

    @api.model
    def _collection_paused_domain_case(self, today):
        # sudo: who may not read escalation cases (an invoicing user) still
        # sees the invoices paused.
        cases = (
            self.env["collection.case"].sudo().search([("state", "in", LIVE_STATES)])
        )
        return [("id", "in", cases.invoice_ids.ids)]

    # What happens to the invoice moves its case.

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self._collection_sync_cases()
        return result

    def write(self, vals):
        result = super().write(vals)
        if "collection_dispute_state" in vals:
            self._collection_sync_cases()
        return result

    def _collection_sync_cases(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if not invoices:
            return
        # sudo: a payment or a dispute recorded by someone who does not
        # handle escalation cases still moves them.
        cases = (
            self.env["collection.case"]
            .sudo()
            .search([("state", "in", LIVE_STATES), ("invoice_ids", "in", invoices.ids)])
        )
        cases._sync()

    # Screens

    def action_collection_escalate(self):
        """Open an escalation case for these invoices (one customer) at the
        formal notice, or add them to the customer's open case."""
        case = self.env["collection.case"]._escalate(
            self,
            "formal_notice",
            origin=_("Opened by %(user)s.", user=self.env.user.name),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.case",
            "res_id": case.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_collection_case(self):
        self.ensure_one()
        cases = self.collection_case_ids
        if len(cases) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "collection.case",
                "res_id": cases.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return self.env["collection.case"]._action_for([("id", "in", cases.ids)])
