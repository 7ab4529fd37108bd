# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Why a customer has not paid: the reasons offered on the collection page.

Each reason says what follows when a customer gives it (configuration, not
code; collection managers edit them in Accounting > Configuration >
Collection > Feedback reasons):

- ``dispute``: a dispute of the reason's type opens on the invoice, handled
  by the reason's person (else the customer's collection responsible), and
  reminders on the invoice pause while it is open;
- ``check``: reminders on the invoice pause for the reason's number of days
  (none when 0) while someone checks (a payment announced, an invoice to
  send again);
- ``offer``: the customer is offered a payment plan and/or a promise to pay
  (the pages of the collection page).

Whatever follows, the responsible gets an activity on the feedback, titled
with the reason's summary, when a person must act. The reason's code is
what the rules read (``last_feedback_reason``).
"""

import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .account_move import DISPUTE_REASONS

FOLLOW_UPS = [
    ("dispute", "Open a dispute"),
    ("check", "Pause reminders and check"),
    ("offer", "Offer a payment plan or a promise to pay"),
]


class CollectionFeedbackReason(models.Model):
    _name = "collection.feedback.reason"
    _description = "Customer feedback reason"
    _order = "sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
        help="As the customer reads it on the collection page.",
    )
    code = fields.Char(
        required=True,
        help="What the collection rules read (Last feedback reason): keep it "
        "when renaming the reason.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Empty: offered to the customers of every company.",
    )
    description = fields.Char(
        string="Hint for the customer",
        translate=True,
        help="Shown under the reason on the collection page.",
    )
    comment_required = fields.Boolean(
        string="Comment required",
        help="The customer must explain in a comment (e.g. for “Other”).",
    )
    follow_up = fields.Selection(
        FOLLOW_UPS,
        string="What follows",
        required=True,
        default="check",
    )
    dispute_reason = fields.Selection(
        DISPUTE_REASONS,
        string="Dispute type",
        help="The reason of the dispute opened on the invoice.",
    )
    pause_days = fields.Integer(
        string="Pause reminders (days)",
        help="Reminders on the invoice pause this many days from the feedback "
        "(0: no pause).",
    )
    offer_plan = fields.Boolean(
        string="Offer a payment plan",
        help="The confirmation page offers to ask for a payment plan.",
    )
    offer_promise = fields.Boolean(
        string="Offer a promise to pay",
        help="The confirmation page offers to promise a payment date.",
    )
    declares_difficulty = fields.Boolean(
        string="Declares a financial difficulty",
        help="The rules see the customer as in difficulty (Declared a financial "
        "difficulty) until this feedback is done.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handled by",
        domain="[('share', '=', False)]",
        help="Who handles this reason's feedback (and its dispute). Empty: the "
        "customer's collection responsible, else the invoice's salesperson, "
        "else the company's default contact for customers.",
    )
    activity_summary = fields.Char(
        string="Activity for the responsible",
        translate=True,
        help="Summary of the activity the responsible gets on the feedback. "
        "Empty: no activity.",
    )
    activity_days = fields.Integer(
        string="Activity due in (days)",
        default=1,
        help="Days from the feedback to the activity's deadline.",
    )
    customer_message = fields.Text(
        string="What happens next (for the customer)",
        translate=True,
        help="Shown to the customer once the feedback is sent, before what the "
        "follow-up adds (dispute, pause, offers).",
    )
    feedback_count = fields.Integer(
        string="Feedback", compute="_compute_feedback_count"
    )

    @api.constrains("code", "company_id")
    def _check_code(self):
        for reason in self:
            if not re.fullmatch(r"[a-z0-9_]{1,64}", reason.code or ""):
                raise ValidationError(
                    _(
                        "The code of feedback reason “%(reason)s” is what the "
                        "rules read: lower-case letters, digits and _ only "
                        "(e.g. payment_sent), not “%(code)s”.",
                        reason=reason.name,
                        code=reason.code,
                    )
                )
            domain = [("id", "!=", reason.id), ("code", "=", reason.code)]
            if reason.company_id:
                domain.append(("company_id", "in", [False, reason.company_id.id]))
            # sudo: a twin in a company the user cannot see still conflicts.
            twins = self.sudo().with_context(active_test=False).search_count(domain)
            if twins:
                raise ValidationError(
                    _(
                        "Another feedback reason already has the code “%(code)s”: "
                        "the rules could not tell them apart.",
                        code=reason.code,
                    )
                )

    @api.constrains("follow_up", "dispute_reason", "pause_days", "activity_days")
    def _check_follow_up(self):
        for reason in self:
            if reason.follow_up == "dispute" and not reason.dispute_reason:
                raise ValidationError(
                    _(
                        "Feedback reason “%(reason)s” opens a dispute: choose the "
                        "dispute type.",
                        reason=reason.name,
                    )
                )
            if not 0 <= reason.pause_days <= 366:
                raise ValidationError(
                    _(
                        "Feedback reason “%(reason)s”: reminders may pause from 0 "
                        "to 366 days, not %(days)s.",
                        reason=reason.name,
                        days=reason.pause_days,
                    )
                )
            if not 0 <= reason.activity_days <= 366:
                raise ValidationError(
                    _(
                        "Feedback reason “%(reason)s”: the activity is due within 0 "
                        "to 366 days, not %(days)s.",
                        reason=reason.name,
                        days=reason.activity_days,
                    )
                )

    def _compute_feedback_count(self):
        counts = dict(
            self.env["collection.feedback"]._read_group(
                [("reason_id", "in", self.ids)], ["reason_id"], ["__count"]
            )
        )
        for reason in self:
            reason.feedback_count = counts.get(reason, 0)

    @api.model
    def _for_company(self, company):
        """The active reasons offered to ``company``'s customers, in order."""
        return self.sudo().search([("company_id", "in", [False, company.id])])
