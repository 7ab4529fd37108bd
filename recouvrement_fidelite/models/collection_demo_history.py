# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A past for the demo database, so that its analyses have something to show.

Loaded by the demo data only (``demo/collection_analytics_demo.xml``): eight
months of monthly invoices for the demo customers, each paid the way its
typology pays — early, on time, after one, two or three reminders — with
the reminder steps done, the feedback and the disputes customers sent, the
ratings they gave once their case ended, and a customer at risk who stopped
buying. Everything is dated from today, so the demo reads the same whatever
the day it is installed.
"""

from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models

DEMO_MONTHS = 8
#: Per demo customer: monthly amount, the reminder levels reached (level
#: number, days after the due date, channel), the day of payment after the
#: due date, and the last month (counted back from today) it bought in.
DEMO_BEHAVIOURS = {
    "demo_partner_premium": (2400.0, [], -2, 1),
    "demo_partner_key_account": (12400.0, [(0, -5, "email")], 3, 1),
    "demo_partner_standard": (680.0, [(1, 5, "email")], 9, 1),
    "demo_partner_occasional": (450.0, [(1, 5, "email"), (2, 15, "sms")], 20, 3),
    "demo_partner_late_payer": (
        1900.0,
        [(1, 5, "email"), (2, 15, "sms"), (3, 30, "letter")],
        35,
        1,
    ),
    "demo_partner_at_risk": (
        3280.0,
        [(1, 5, "email"), (2, 15, "sms"), (3, 30, "letter")],
        48,
        5,
    ),
    # Reached the last level on its only invoice, paid late, never came back.
    "demo_partner_lost": (
        1750.0,
        [(1, 5, "email"), (2, 15, "sms"), (3, 30, "letter")],
        52,
        DEMO_MONTHS,
    ),
}
#: Ratings given once a case ended, by customer.
DEMO_RATINGS = {
    "demo_partner_standard": 5,
    "demo_partner_occasional": 4,
    "demo_partner_late_payer": 3,
    "demo_partner_at_risk": 2,
    "demo_partner_lost": 1,
}
#: What the customers said on their collection page, and when (days after due).
DEMO_FEEDBACK = {
    "demo_partner_late_payer": ("financial_difficulty", 16),
    "demo_partner_at_risk": ("billing_error", 18),
    "demo_partner_lost": ("delivery_problem", 17),
    "demo_partner_occasional": ("invoice_not_received", 6),
}


class CollectionDemoHistory(models.AbstractModel):
    _name = "collection.demo.history"
    _description = "Demo history of the collection"

    @api.model
    def _lay(self):
        today = fields.Date.context_today(self)
        module = "recouvrement_fidelite"
        levels = {
            number: self.env.ref(f"{module}.collection_level_standard_{number}")
            for number in range(4)
        }
        for xmlid, (amount, steps, paid_after, last_month) in DEMO_BEHAVIOURS.items():
            customer = self.env.ref(f"{module}.{xmlid}")
            for months_ago in range(DEMO_MONTHS, last_month - 1, -1):
                invoice_date = today - timedelta(days=30 * months_ago + 30)
                due = invoice_date + timedelta(days=30)
                invoice = self._demo_invoice(customer, amount, invoice_date, due)
                for number, days, channel in steps:
                    self._demo_step(
                        invoice, levels[number], due + timedelta(days), channel
                    )
                if xmlid in DEMO_FEEDBACK and months_ago % 2 == 0:
                    code, days = DEMO_FEEDBACK[xmlid]
                    self._demo_feedback(invoice, code, due + timedelta(days))
                if xmlid == "demo_partner_at_risk" and months_ago == 6:
                    invoice._collection_dispute_open("billing_error")
                    invoice.collection_dispute_date_open = due + timedelta(days=18)
                    invoice.collection_dispute_state = "resolved"
                paid_on = due + timedelta(days=paid_after)
                if paid_on < today:
                    self._demo_pay(invoice, paid_on)
                    if xmlid in DEMO_RATINGS and months_ago in (4, 6, 8):
                        self._demo_rating(invoice, DEMO_RATINGS[xmlid], paid_on)
        # The analyses kept between refreshes show the history at once.
        self.env["collection.report.materialized"]._cron_refresh_materialized()

    def _demo_invoice(self, customer, amount, invoice_date, due):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Monthly supply", "quantity": 1, "price_unit": amount}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _demo_step(self, invoice, level, when, channel):
        self.env["collection.action"]._record(
            {
                "company_id": invoice.company_id.id,
                "invoice_id": invoice.id,
                "partner_id": invoice.commercial_partner_id.id,
                "kind": "reminder",
                "channel": channel,
                "level_id": level.id,
                "state": "done",
                "date": when,
                "done_at": datetime.combine(when, time(9)),
            }
        )

    def _demo_pay(self, invoice, when):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": when})._create_payments()

    def _demo_feedback(self, invoice, code, when):
        reason = self.env["collection.feedback.reason"].search(
            [("code", "=", code)], limit=1
        )
        self.env["collection.feedback"].create(
            {
                "partner_id": invoice.commercial_partner_id.id,
                "invoice_id": invoice.id,
                "company_id": invoice.company_id.id,
                "reason_id": reason.id,
                "date": datetime.combine(when, time(11)),
                "source": "portal",
                "state": "done",
            }
        )

    def _demo_rating(self, invoice, rating, ended):
        self.env["collection.satisfaction"].create(
            {
                "partner_id": invoice.commercial_partner_id.id,
                "company_id": invoice.company_id.id,
                "case_type": "invoice_paid",
                "case_key": f"demo-invoice-{invoice.id}",
                "invoice_id": invoice.id,
                "date_ended": ended,
                "state": "answered",
                "rating": rating,
                "date_answered": datetime.combine(ended + timedelta(days=2), time(15)),
            }
        )
