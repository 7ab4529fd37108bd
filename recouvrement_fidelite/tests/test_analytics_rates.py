# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Rate analyses (issue 14): dispute rate in count and amount by reason,
promise-kept rate, payment-plan completion, days to pay after each level,
agency recovery and commission — SQL views read on hand-built data,
checked against figures worked out by hand, as a collection user of the
test company (and of another company, who sees none of it)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import analysis, collection_user, give_default_configuration

RATE_MODELS = (
    "collection.report.dispute",
    "collection.report.promise",
    "collection.report.payment.plan",
    "collection.report.level.payment",
    "collection.report.agency",
)


@tagged("post_install", "-at_install")
class TestRateAnalytics(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()
        cls.company = cls.setup_other_company(name="Rates analytics")["company"]
        cls.levels = give_default_configuration(cls.env, cls.company)
        cls.user = collection_user(cls.env, "rates_analyst", cls.company)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Durand SARL", "is_company": True}
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )

    def post(self, amount, invoice_date=None, due=None, partner=None):
        invoice_date = invoice_date or self.today - timedelta(days=40)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": invoice_date,
                "invoice_date_due": due or invoice_date + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def pay(self, invoice, when, amount=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount or invoice.amount_residual, "payment_date": when}
        )._create_payments()

    def rows(self, model, domain=()):
        return analysis(self.env, model, self.user).search(list(domain))

    def groups(self, model, measures, groupby, domain=()):
        return analysis(self.env, model, self.user).read_group(
            list(domain), measures, groupby, lazy=False
        )

    def test_dispute_rate_in_count_and_amount_by_reason(self):
        month_day = self.today.replace(day=1)
        invoices = [self.post(amount, month_day) for amount in (100, 200, 300, 400)]
        invoices[1]._collection_dispute_open("price")
        invoices[2]._collection_dispute_open("delivery")
        # Two of four disputed: 50 % in count; 500 of 1000: 50 % in amount,
        # 20 points for the price, 30 for the delivery.
        [total] = self.groups(
            "collection.report.dispute",
            ["dispute_rate:avg", "dispute_amount_rate:sum", "amount_disputed:sum"],
            [],
        )
        self.assertAlmostEqual(total["dispute_rate"], 50.0)
        self.assertAlmostEqual(total["dispute_amount_rate"], 50.0)
        self.assertEqual(total["amount_disputed"], 500.0)
        by_reason = {
            group["dispute_reason"]: group["dispute_amount_rate"]
            for group in self.groups(
                "collection.report.dispute",
                ["dispute_amount_rate:sum"],
                ["dispute_reason"],
            )
        }
        self.assertAlmostEqual(by_reason["price"], 20.0)
        self.assertAlmostEqual(by_reason["delivery"], 30.0)
        # A resolved dispute still counts: the invoice was disputed.
        invoices[1].collection_dispute_state = "resolved"
        [total] = self.groups("collection.report.dispute", ["dispute_rate:avg"], [])
        self.assertAlmostEqual(total["dispute_rate"], 50.0)

    def test_promise_kept_rate(self):
        invoice = self.post(1000)
        promises = {}
        for state in ("kept", "broken", "partial", "pending", "cancelled"):
            promises[state] = self.env["collection.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "amount": 100.0,
                    "date_promised": self.today + timedelta(days=5),
                }
            )
        for state, promise in promises.items():
            promise.state = state
        # Kept / (kept + broken + partly kept) = 1/3; pending and cancelled
        # are left out.
        [total] = self.groups(
            "collection.report.promise",
            ["kept_rate:avg", "partial_rate:avg", "amount:sum"],
            [],
        )
        self.assertAlmostEqual(total["kept_rate"], 100 / 3)
        self.assertAlmostEqual(total["partial_rate"], 100 / 3)
        self.assertEqual(total["amount"], 500.0)
        self.assertEqual(total["__count"], 5)

    def test_payment_plan_completion_and_late_installments(self):
        plans = {}
        # Plans agreed 80 days ago, three monthly installments from 70 days ago.
        with freeze_time(self.today - timedelta(days=80)):
            for state in ("completed", "broken", "active", "cancelled"):
                invoice = self.post(900, self.today - timedelta(days=120))
                plan = self.env["collection.payment.plan"].create(
                    {
                        "partner_id": self.customer.id,
                        "invoice_ids": [Command.set(invoice.ids)],
                        "installment_count": 3,
                        "frequency": "monthly",
                        "first_date": fields.Date.to_string(
                            self.today - timedelta(days=70)
                        ),
                    }
                )
                plan.action_compute_schedule()
                plan.action_propose()
                plan._activate()
                plans[state] = plan
        for state, plan in plans.items():
            plan.state = state
        [total] = self.groups(
            "collection.report.payment.plan", ["completion_rate:avg"], []
        )
        # Completed / (completed + broken) = 1/2.
        self.assertAlmostEqual(total["completion_rate"], 50.0)
        active = self.rows(
            "collection.report.payment.plan", [("plan_id", "=", plans["active"].id)]
        )
        # About 70, 40 and 10 days ago: the three are late on the active plan.
        self.assertEqual(
            (active.installment_count, active.installment_late_count), (3, 3)
        )
        broken = self.rows(
            "collection.report.payment.plan", [("plan_id", "=", plans["broken"].id)]
        )
        self.assertEqual(broken.installment_late_count, 0, "only running plans")

    def test_days_to_pay_after_each_level(self):
        level_1 = self.levels["collection_level_standard_1"]
        level_2 = self.levels["collection_level_standard_2"]
        paid = self.post(600, self.today - timedelta(days=90))
        unpaid = self.post(400, self.today - timedelta(days=90))
        day = self.today - timedelta(days=30)

        def step(invoice, level, when, channel="email"):
            return self.env["collection.action"]._record(
                {
                    "partner_id": self.customer.id,
                    "invoice_id": invoice.id,
                    "company_id": self.company.id,
                    "kind": "reminder",
                    "channel": channel,
                    "level_id": level.id,
                    "state": "done",
                    "date": when,
                }
            )

        step(paid, level_1, day)
        step(paid, level_2, day + timedelta(days=10), "letter")
        step(unpaid, level_1, day)
        step(unpaid, level_1, day, "none").state = "cancelled"  # not a step done
        self.pay(paid, day + timedelta(days=15))
        by_level = {
            group["level_id"][0]: group
            for group in self.groups(
                "collection.report.level.payment",
                ["days_to_pay:avg", "paid_rate:avg"],
                ["level_id"],
            )
        }
        # Level 1: paid 15 days after it on one invoice of two; level 2: 5 days.
        self.assertAlmostEqual(by_level[level_1.id]["days_to_pay"], 15.0)
        self.assertAlmostEqual(by_level[level_1.id]["paid_rate"], 50.0)
        self.assertEqual(by_level[level_1.id]["__count"], 2)
        self.assertAlmostEqual(by_level[level_2.id]["days_to_pay"], 5.0)
        self.assertAlmostEqual(by_level[level_2.id]["paid_rate"], 100.0)
        # A partial payment is not a payment in full.
        self.pay(unpaid, self.today, 100.0)
        row = self.rows(
            "collection.report.level.payment", [("move_id", "=", unpaid.id)]
        )
        self.assertFalse(row.date_paid)

    def test_agency_recovery_and_commission(self):
        agency = self.env["res.partner"].create(
            {"name": "Recouvrement Express", "is_company": True}
        )
        agency.collection_is_agency = True
        premium = self.env.ref("recouvrement_fidelite.collection_typology_premium")
        self.customer.collection_typology_id = premium
        invoice = self.post(1000, self.today - timedelta(days=200))
        case = self.env["collection.case"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "invoice_ids": [Command.set(invoice.ids)],
                "stage": "agency",
                "agency_id": agency.id,
                "agency_commission_rate": 10.0,
            }
        )
        case.agency_transfer_date = self.today - timedelta(days=60)
        Payment = self.env["collection.case.agency.payment"]
        Payment.create(
            {
                "case_id": case.id,
                "date": self.today - timedelta(days=30),
                "amount": 300.0,
                "remitted_date": self.today - timedelta(days=10),
            }
        )
        Payment.create(
            {
                "case_id": case.id,
                "date": self.today - timedelta(days=5),
                "amount": 100.0,
            }
        )
        row = self.rows("collection.report.agency")
        # Handed over 1000; collected 300 + 100; commission 10 %: 40;
        # remitted 300 - 30 = 270; still to remit 400 - 40 - 270 = 90.
        self.assertEqual(
            (
                row.agency_id,
                row.amount_transferred,
                row.amount_collected,
                row.amount_commission,
                row.amount_remitted,
                row.amount_to_remit,
            ),
            (agency, 1000.0, 400.0, 40.0, 270.0, 90.0),
        )
        self.assertAlmostEqual(row.recovery_rate, 40.0)
        self.assertEqual(row.typology_id, premium)

    def test_a_user_sees_only_the_rates_of_their_companies(self):
        invoice = self.post(250)
        invoice._collection_dispute_open("price")
        outsider = collection_user(
            self.env, "rates_outsider", self.env.ref("base.main_company")
        )
        self.assertTrue(self.rows("collection.report.dispute"))
        for model in RATE_MODELS:
            with self.subTest(model=model):
                seen = (
                    self.env[model]
                    .with_user(outsider)
                    .with_context(allowed_company_ids=outsider.company_ids.ids)
                    .search([])
                )
                self.assertFalse(seen.filtered(lambda r: r.company_id == self.company))
