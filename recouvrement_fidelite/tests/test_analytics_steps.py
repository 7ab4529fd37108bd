# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Step effectiveness and reasons for late payment (issue 14): paid or
reacted within the window after a step (day N counts, day N + 1 does not),
each level beside the previous one, steps that make nobody react flagged,
and the reasons given by month — SQL views read on hand-built data as a
collection user of the test company."""

from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import analysis, collection_user, give_default_configuration


def steps_ids(steps):
    return {action.id for action in steps.values()}


@tagged("post_install", "-at_install")
class TestStepAnalytics(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()
        cls.day = cls.today - timedelta(days=60)  # the first steps
        cls.company = cls.setup_other_company(name="Steps analytics")["company"]
        cls.levels = give_default_configuration(cls.env, cls.company)
        cls.level_1 = cls.levels["collection_level_standard_1"]
        cls.level_2 = cls.levels["collection_level_standard_2"]
        cls.user = collection_user(cls.env, "steps_analyst", cls.company)
        Partner = cls.env["res.partner"]
        cls.payer = Partner.create({"name": "Payer SA", "is_company": True})
        cls.talker = Partner.create({"name": "Talker SAS", "is_company": True})
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.reason = cls.env["collection.feedback.reason"].search(
            [("dispute_reason", "=", False)], limit=1
        )

    def post(self, partner, amount=500.0):
        invoice_date = self.day - timedelta(days=40)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def step(self, invoice, level, when, channel="email"):
        return self.env["collection.action"]._record(
            {
                "partner_id": invoice.partner_id.id,
                "invoice_id": invoice.id,
                "company_id": self.company.id,
                "kind": "reminder",
                "channel": channel,
                "level_id": level.id,
                "state": "done",
                "date": when,
            }
        )

    def pay(self, invoice, when):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": when})._create_payments()

    def feedback(self, partner, invoice, when, reason=None):
        return self.env["collection.feedback"].create(
            {
                "partner_id": partner.id,
                "invoice_id": invoice.id,
                "company_id": self.company.id,
                "reason_id": (reason or self.reason).id,
                "date": datetime.combine(when, time(10)),
                "source": "portal",
            }
        )

    def read(self, model, domain=(), refresh=True):
        return analysis(self.env, model, self.user, refresh).search(list(domain))

    def test_paid_or_reacted_within_the_window(self):
        window = self.company.collection_analysis_window_days
        self.assertEqual(window, 15, "the default window")
        paid_on_last_day = self.post(self.payer)
        paid_a_day_late = self.post(self.payer, 700.0)
        unpaid = self.post(self.talker)
        steps = {
            "paid_on_last_day": self.step(paid_on_last_day, self.level_1, self.day),
            "paid_a_day_late": self.step(paid_a_day_late, self.level_1, self.day),
            "talker": self.step(unpaid, self.level_1, self.day, "sms"),
        }
        self.pay(paid_on_last_day, self.day + timedelta(days=window))
        self.pay(paid_a_day_late, self.day + timedelta(days=window + 1))
        # The talker answers on the collection page one day too late...
        self.feedback(self.talker, unpaid, self.day + timedelta(days=window + 1))
        # Kept between refreshes: none of these steps before one.
        stale = self.read("collection.report.step", refresh=False)
        self.assertFalse(stale.filtered(lambda r: r.action_id.id in steps_ids(steps)))
        rows = {row.action_id: row for row in self.read("collection.report.step")}
        self.assertEqual(rows[steps["paid_on_last_day"]].paid_rate, 100)
        self.assertEqual(rows[steps["paid_a_day_late"]].paid_rate, 0)
        self.assertEqual(rows[steps["talker"]].reacted_rate, 0)
        # ... and once within the window: the step made them react.
        self.feedback(self.talker, unpaid, self.day + timedelta(days=window))
        rows = {row.action_id: row for row in self.read("collection.report.step")}
        self.assertEqual(rows[steps["talker"]].reacted_rate, 100)
        self.assertEqual(rows[steps["talker"]].paid_rate, 0)
        # The window is a setting: 16 days count the late payment, at once
        # (changing it refreshes the figures).
        self.company.collection_analysis_window_days = window + 1
        rows = {
            row.action_id: row
            for row in self.read("collection.report.step", refresh=False)
        }
        self.assertEqual(rows[steps["paid_a_day_late"]].paid_rate, 100)
        # By channel, as the pivot shows it: email 2 of 2 paid, SMS 1 reaction.
        groups = (
            self.env["collection.report.step"]
            .with_user(self.user)
            .read_group([], ["paid_rate:avg", "reacted_rate:avg"], ["channel"])
        )
        by_channel = {g["channel"]: g for g in groups}
        self.assertEqual(by_channel["email"]["paid_rate"], 100)
        self.assertEqual(by_channel["sms"]["reacted_rate"], 100)

    def test_each_level_beside_the_previous_and_steps_nobody_reacts_to(self):
        self.company.collection_analysis_min_steps = 2
        first = self.post(self.payer)
        second = self.post(self.talker)
        self.step(first, self.level_1, self.day)
        self.step(second, self.level_1, self.day)
        self.pay(first, self.day + timedelta(days=3))
        self.feedback(self.talker, second, self.day + timedelta(days=5))
        # Level 2 by SMS, twenty days later, on two invoices nobody pays.
        later = self.post(self.payer, 800.0)
        self.step(later, self.level_2, self.day + timedelta(days=20), "sms")
        self.step(second, self.level_2, self.day + timedelta(days=20), "sms")
        rows = {
            (row.level_id, row.channel): row
            for row in self.read("collection.report.step.summary")
        }
        level_1 = rows[self.level_1, "email"]
        level_2 = rows[self.level_2, "sms"]
        # Level 1: one of two paid, one of two reacted.
        self.assertEqual(
            (level_1.step_count, level_1.paid_rate, level_1.reacted_rate),
            (2, 50, 50),
        )
        self.assertFalse(level_1.no_reaction)
        # Level 2: nobody, beside level 1's 50 % and 50 %.
        self.assertEqual(
            (
                level_2.step_count,
                level_2.paid_rate,
                level_2.reacted_rate,
                level_2.previous_paid_rate,
                level_2.previous_reacted_rate,
            ),
            (2, 0, 0, 50, 50),
        )
        self.assertTrue(level_2.no_reaction)
        self.assertEqual(
            self.read("collection.report.step.summary", [("no_reaction", "=", True)]),
            level_2,
        )
        # Judged only once sent often enough.
        self.company.collection_analysis_min_steps = 3
        self.assertFalse(
            self.read("collection.report.step.summary", [("no_reaction", "=", True)])
        )

    def test_reasons_for_late_payment_by_month(self):
        invoice = self.post(self.talker)
        disputed = self.post(self.payer)
        self.feedback(self.talker, invoice, self.day)
        disputed._collection_dispute_open("billing_error")
        disputed.collection_dispute_date_open = self.today
        rows = self.read("collection.report.late.reason")
        self.assertEqual(
            sorted(
                (row.source, row.date, row.feedback_reason_id, row.dispute_reason)
                for row in rows
            ),
            sorted(
                [
                    ("dispute", self.today, self.reason.browse(), "billing_error"),
                    ("feedback", self.day, self.reason, False),
                ]
            ),
        )
        self.assertEqual(
            {row.source: row.reason for row in rows},
            {
                "feedback": f"feedback_{self.reason.id}",
                "dispute": "dispute_billing_error",
            },
        )
        labels = dict(
            self.env["collection.report.late.reason"]
            .with_user(self.user)
            ._fields["reason"]
            ._description_selection(self.env(user=self.user))
        )
        self.assertEqual(labels[f"feedback_{self.reason.id}"], self.reason.name)
        self.assertEqual(labels["dispute_billing_error"], "Billing error")
        by_month = (
            self.env["collection.report.late.reason"]
            .with_user(self.user)
            .read_group([], ["__count"], ["date:month", "source"], lazy=False)
        )
        # A group per month and source: the feedback, then the dispute.
        self.assertEqual(len(by_month), 2)

    def test_a_user_sees_only_the_steps_of_their_companies(self):
        invoice = self.post(self.payer)
        self.step(invoice, self.level_1, self.day)
        self.feedback(self.payer, invoice, self.day)
        main = self.env.ref("base.main_company")
        outsider = collection_user(self.env, "steps_outsider", main)
        for model in (
            "collection.report.step",
            "collection.report.step.summary",
            "collection.report.late.reason",
        ):
            with self.subTest(model=model):
                self.assertTrue(self.read(model))
                seen = (
                    self.env[model]
                    .with_user(outsider)
                    .with_context(allowed_company_ids=main.ids)
                    .search([])
                )
                self.assertFalse(seen.filtered(lambda r: r.company_id == self.company))
