# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Invoices and the customer's feedback: the feedback given on an invoice,
the pause it asked for, and the answers of a courtesy reminder.

A courtesy reminder (before the due date) asks whether the delivery or the
service went well, with a "yes" and a "no" link per invoice. The links work
without logging in: each carries a signature of the invoice (an HMAC with
the database secret), so nobody can answer for an invoice they were not
sent (see ``controllers/portal_feedback.py``).
"""

from odoo import _, api, fields, models
from odoo.tools import consteq, format_date
from odoo.tools.misc import hmac

from .account_move import COLLECTION_USERS

#: Scope of the courtesy links' signatures.
COURTESY_SCOPE = "recouvrement_fidelite.courtesy_answer"
COURTESY_ANSWERS = ("yes", "no")


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_feedback_ids = fields.One2many(
        "collection.feedback",
        "invoice_id",
        string="Customer feedback",
        readonly=True,
        groups=COLLECTION_USERS,
    )
    collection_feedback_count = fields.Integer(
        string="Feedback",
        compute="_compute_collection_feedback_count",
        groups=COLLECTION_USERS,
    )
    collection_satisfaction_ids = fields.One2many(
        "collection.satisfaction",
        "invoice_id",
        string="Satisfaction",
        readonly=True,
        groups=COLLECTION_USERS,
    )

    def _compute_collection_feedback_count(self):
        counts = dict(
            self.env["collection.feedback"]._read_group(
                [("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"]
            )
        )
        for move in self:
            move.collection_feedback_count = counts.get(move, 0)

    def action_view_collection_feedback(self):
        self.ensure_one()
        return self.env["collection.feedback"]._action_for(
            [("invoice_id", "=", self.id)]
        )

    # A feedback whose reason asks for a check pauses reminders on its
    # invoice for the reason's days, unless someone closes it before.

    @api.model
    def _collection_pause_sources(self):
        return super()._collection_pause_sources() + ["feedback"]

    @api.model
    def _collection_feedback_pausing(self, today, move_ids=None):
        domain = [("pause_until", ">=", today), ("state", "!=", "done")]
        if move_ids is not None:
            domain.append(("invoice_id", "in", move_ids))
        # sudo: who may not read feedback still sees the invoices paused.
        return self.env["collection.feedback"].sudo().search(domain)

    def _collection_pauses_feedback(self, today):
        paused = {}
        for feedback in self._collection_feedback_pausing(today, self.ids).sorted(
            "pause_until", reverse=True
        ):
            paused.setdefault(
                feedback.invoice_id,
                _(
                    "The customer said “%(reason)s”: paused until %(date)s while "
                    "someone checks.",
                    reason=feedback.reason_id.name,
                    date=format_date(self.env, feedback.pause_until),
                ),
            )
        return {move: reason for move, reason in paused.items() if move in self}

    @api.model
    def _collection_paused_domain_feedback(self, today):
        return [("id", "in", self._collection_feedback_pausing(today).invoice_id.ids)]

    # Courtesy reminders: "did everything go well?"

    def _collection_courtesy_signature(self):
        self.ensure_one()
        return hmac(self.env(su=True), COURTESY_SCOPE, self.id)

    def _collection_courtesy_check(self, signature):
        """Whether ``signature`` is this invoice's courtesy signature."""
        self.ensure_one()
        # consteq compares ASCII text only: anything else is not a signature.
        return (
            isinstance(signature, str)
            and signature.isascii()
            and consteq(signature, self._collection_courtesy_signature())
        )

    def _collection_courtesy_url(self, answer):
        """The link answering ``answer`` ("yes" or "no") to the
        courtesy reminder's question about this invoice."""
        self.ensure_one()
        if answer not in COURTESY_ANSWERS:
            raise ValueError(answer)
        base = self.company_id.get_base_url()
        signature = self._collection_courtesy_signature()
        return f"{base}/my/collection/courtesy/{self.id}/{answer}/{signature}"
