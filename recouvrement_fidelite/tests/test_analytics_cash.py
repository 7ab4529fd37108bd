# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Cash analyses (issue 14): the aged balance with its buckets and
prescription, and DSO (simple and countback), CEI and recovery rate per
month, computed by SQL views on hand-built invoices and payments and
checked against figures worked out by hand. The views count from the
database's current date, so the data are dated from today.

Read as a collection user of the test company; the multi-company test reads
as a user of another company.
"""

import calendar
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import analysis, collection_user


@tagged("post_install", "-at_install")
class TestCashAnalytics(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()
        # A company of its own, so that its months hold only this test's data.
        cls.company = cls.setup_other_company(name="Cash analytics")["company"]
        cls.user = collection_user(cls.env, "cash_analyst", cls.company)
        france = cls.env.ref("base.fr")
        Partner = cls.env["res.partner"]
        cls.business = Partner.create(
            {"name": "Dupont SA", "is_company": True, "country_id": france.id}
        )
        cls.consumer = Partner.create(
            {"name": "Jeanne Martin", "country_id": france.id}
        )
        cls.consumer.collection_customer_type = "b2c"

    def post(self, partner, amount, invoice_date, due, move_type="out_invoice"):
        move = (
            self.env["account.move"]
            .with_company(self.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def pay(self, invoice, amount, when):
        self.env["account.payment.register"].with_company(self.company).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": when})._create_payments()

    def rows(self, model, domain=(), refresh=True):
        return analysis(self.env, model, self.user, refresh).search(list(domain))

    # Aged balance

    def test_buckets_at_their_edges(self):
        # Days overdue -> bucket: the edges of LEGAL.md's buckets.
        expected = {
            -5: "0_not_due",
            0: "0_not_due",  # due today: not yet late
            1: "1_30",
            30: "1_30",
            31: "2_60",
            60: "2_60",
            61: "3_90",
            90: "3_90",
            91: "4_over",
        }
        invoices = {
            days: self.post(
                self.business,
                100 + days,
                self.today - timedelta(days=max(days, 0) + 10),
                self.today - timedelta(days=days),
            )
            for days in expected
        }
        rows = self.rows("collection.report.aged.balance")
        by_move = {row.move_id: row for row in rows}
        for days, bucket in expected.items():
            with self.subTest(days_overdue=days):
                row = by_move[invoices[days]]
                self.assertEqual(row.age_bucket, bucket)
                self.assertEqual(row.days_overdue, days)
                self.assertEqual(row.amount_residual, 100 + days)
        # A partial payment leaves what is left; a paid invoice leaves.
        self.pay(invoices[31], 31.0, self.today)
        self.pay(invoices[91], 191.0, self.today)
        rows = self.rows("collection.report.aged.balance")
        by_move = {row.move_id: row for row in rows}
        self.assertEqual(by_move[invoices[31]].amount_residual, 100.0)
        self.assertNotIn(invoices[91], by_move)
        # The pivot's figures: sums by bucket.
        groups = (
            self.env["collection.report.aged.balance"]
            .with_user(self.user)
            .read_group([], ["amount_residual:sum"], ["age_bucket"])
        )
        totals = {g["age_bucket"]: g["amount_residual"] for g in groups}
        # not due: 95 + 100; 1-30: 101 + 130; 31-60: 100 + 160; 61-90: 161 + 190
        self.assertEqual(
            totals,
            {"0_not_due": 195.0, "1_30": 231.0, "2_60": 260.0, "3_90": 351.0},
        )

    def test_prescription_comes_from_the_customers_legal_profile(self):
        # France: 5 years for a business, 2 years for a consumer; warning 90
        # days before (the profiles' data).
        due = self.today - relativedelta(years=2) + timedelta(days=90)
        business = self.post(self.business, 500, due - timedelta(days=30), due)
        consumer = self.post(self.consumer, 300, due - timedelta(days=30), due)
        consumer_later = self.post(
            self.consumer, 200, due - timedelta(days=29), due + timedelta(days=1)
        )
        rows = {row.move_id: row for row in self.rows("collection.report.aged.balance")}
        self.assertEqual(rows[business].prescription_date, due + relativedelta(years=5))
        self.assertFalse(rows[business].prescription_close)
        # Time-barred on due + 2 years = today + 90 days: just within the
        # warning; one day later, just outside.
        self.assertEqual(rows[consumer].prescription_date, self.today + timedelta(90))
        self.assertEqual(rows[consumer].days_before_prescription, 90)
        self.assertTrue(rows[consumer].prescription_close)
        self.assertFalse(rows[consumer_later].prescription_close)
        self.assertEqual(rows[consumer].amount_prescription_close, 300.0)
        self.assertEqual(rows[consumer_later].amount_prescription_close, 0.0)
        # The same as the invoice shows.
        self.assertEqual(
            consumer.collection_prescription_date, rows[consumer].prescription_date
        )
        # The period is data: a manager makes consumers' claims last 3 years.
        self.env.ref(
            "recouvrement_fidelite.legal_profile_fr_b2c"
        ).prescription_years = 3
        rows = {row.move_id: row for row in self.rows("collection.report.aged.balance")}
        self.assertEqual(rows[consumer].prescription_date, due + relativedelta(years=3))

    # DSO, CEI, recovery rate

    def test_dso_cei_and_recovery_by_month(self):
        first = self.today.replace(day=1)
        a, b, c = (
            first - relativedelta(months=2),
            first - relativedelta(months=1),
            first,
        )
        days_a = calendar.monthrange(a.year, a.month)[1]
        days_b = calendar.monthrange(b.year, b.month)[1]
        # Month A: invoices of 1000 (due in month B) and 500 (due in A).
        i1 = self.post(self.business, 1000, a + timedelta(4), a + timedelta(34))
        i2 = self.post(self.business, 500, a + timedelta(9), a + timedelta(19))
        # Month B: I2 paid; a new invoice of 2000 due in month C.
        self.pay(i2, 500.0, b + timedelta(4))
        self.post(self.business, 2000, b + timedelta(9), b + timedelta(39))
        self.assertTrue(i1)
        rows = {row.month: row for row in self.rows("collection.report.period")}
        self.assertEqual(sorted(rows), [a, b, c])
        ra, rb, rc = rows[a], rows[b], rows[c]

        # A: opening 0, sales 1500, closing 1500, current 1000 (I1 due in B).
        self.assertEqual(
            (ra.opening, ra.credit_sales, ra.collected, ra.closing, ra.closing_current),
            (0.0, 1500.0, 0.0, 1500.0, 1000.0),
        )
        self.assertAlmostEqual(ra.dso, days_a, places=2)  # 1500 / 1500 x days
        self.assertAlmostEqual(ra.dso_countback, days_a, places=2)
        self.assertAlmostEqual(ra.cei, 0.0, places=2)  # (0+1500-1500)/(0+1500-1000)
        self.assertAlmostEqual(ra.recovery_rate, 0.0, places=2)

        # B: opening 1500, sales 2000, collected 500, closing 3000, current
        # 2000 (the new invoice; I1 fell due in B).
        self.assertEqual(
            (rb.opening, rb.credit_sales, rb.collected, rb.closing, rb.closing_current),
            (1500.0, 2000.0, 500.0, 3000.0, 2000.0),
        )
        self.assertAlmostEqual(rb.dso, 3000 / 2000 * days_b, places=2)
        # Countback: B's 2000 of sales use all of B, the 1000 left are 2/3
        # of A's 1500.
        self.assertAlmostEqual(rb.dso_countback, days_b + days_a * 2 / 3, places=2)
        # CEI = (1500 + 2000 - 3000) / (1500 + 2000 - 2000) = 500 / 1500
        self.assertAlmostEqual(rb.cei, 100 / 3, places=2)
        # Recovery = 500 / (1500 + 2000)
        self.assertAlmostEqual(rb.recovery_rate, 500 / 3500 * 100, places=2)

        # C (this month): nothing sold, nothing paid. DSO has no sales to
        # divide by; countback walks back through B and A as for B.
        self.assertEqual((rc.opening, rc.closing, rc.credit_sales), (3000.0, 3000.0, 0))
        self.assertFalse(rc.dso)
        self.assertAlmostEqual(rc.dso_countback, days_b + days_a * 2 / 3, places=2)

        # A past month reads as it was: paying I1 today changes this month's
        # closing, not B's current receivables nor its CEI.
        self.pay(i1, 1000.0, self.today)
        rows = {row.month: row for row in self.rows("collection.report.period")}
        self.assertEqual(rows[b].closing_current, 2000.0)
        self.assertAlmostEqual(rows[b].cei, 100 / 3, places=2)
        self.assertEqual(rows[c].closing, 2000.0)

    def test_a_credit_note_lowers_the_credit_sales(self):
        first = self.today.replace(day=1)
        self.post(self.business, 800, first, first + timedelta(days=40))
        self.post(self.business, 300, first, first + timedelta(days=40), "out_refund")
        row = self.rows("collection.report.period", [("month", "=", first)])
        self.assertEqual(row.credit_sales, 500.0)
        self.assertEqual(row.closing, 500.0)

    def test_a_user_sees_only_the_analyses_of_their_companies(self):
        self.post(self.business, 700, self.today, self.today + timedelta(days=10))
        outsider = collection_user(self.env, "cash_outsider", self.env.company)
        for model in ("collection.report.aged.balance", "collection.report.period"):
            with self.subTest(model=model):
                self.assertTrue(self.rows(model))
                theirs = self.env[model].with_user(outsider).search([])
                self.assertFalse(
                    theirs.filtered(lambda r: r.company_id == self.company)
                )
                self.assertTrue(
                    all(row.company_id == self.company for row in self.rows(model))
                )

    def test_dso_by_typology_treats_each_typology_apart(self):
        premium = self.env.ref("recouvrement_fidelite.collection_typology_premium")
        late = self.env.ref("recouvrement_fidelite.collection_typology_late_payer")
        self.business.collection_typology_id = premium
        self.consumer.collection_typology_id = late
        first = self.today.replace(day=1) - relativedelta(months=1)
        days = calendar.monthrange(first.year, first.month)[1]
        self.post(self.business, 1000, first, first + timedelta(days=45))
        owed = self.post(self.consumer, 500, first, first + timedelta(days=5))
        self.pay(owed, 250.0, first + timedelta(days=10))
        rows = {
            row.typology_id: row
            for row in self.rows(
                "collection.report.period.typology", [("month", "=", first)]
            )
        }
        # Premium: 1000 owed of 1000 sold -> all the month's days; its
        # invoice not yet due, nothing collected: CEI 0.
        self.assertAlmostEqual(rows[premium].dso, days, places=2)
        self.assertEqual(rows[premium].closing_current, 1000.0)
        # Late payers: 250 owed of 500 sold -> half the month; collected 250
        # of 500 -> recovery 50 %; CEI (500 - 250) / (500 - 0) = 50 %.
        self.assertAlmostEqual(rows[late].dso, days / 2, places=2)
        self.assertAlmostEqual(rows[late].recovery_rate, 50.0, places=2)
        self.assertAlmostEqual(rows[late].cei, 50.0, places=2)
        # The company's row adds them up: 1250 owed of 1500 sold.
        company = self.rows("collection.report.period", [("month", "=", first)])
        self.assertAlmostEqual(company.dso, 1250 / 1500 * days, places=2)

    def test_dso_by_customer_and_by_responsible_as_of_the_last_refresh(self):
        colleague = collection_user(self.env, "cash_colleague", self.company)
        Partner = self.env["res.partner"]
        settled = Partner.create({"name": "Settled SARL", "is_company": True})
        self.business.collection_user_id = self.user
        settled.collection_user_id = self.user
        self.consumer.collection_user_id = colleague
        last = self.today.replace(day=1) - relativedelta(months=1)
        before = last - relativedelta(months=1)
        days = calendar.monthrange(last.year, last.month)[1]
        # Settled bought and paid the month before: nothing owed since.
        old = self.post(settled, 400, before, before + timedelta(days=5))
        self.pay(old, 400.0, before + timedelta(days=6))
        self.post(self.business, 1000, last, last + timedelta(days=45))
        owed = self.post(self.consumer, 500, last, last + timedelta(days=5))
        self.pay(owed, 250.0, last + timedelta(days=10))

        by_customer = "collection.report.period.partner"
        by_responsible = "collection.report.period.responsible"
        # Kept between refreshes: nothing of this company until one.
        self.assertFalse(self.rows(by_customer, refresh=False))
        self.assertFalse(self.rows(by_responsible, refresh=False))

        rows = {
            row.partner_id: row
            for row in self.rows(by_customer, [("month", "=", last)])
        }
        # A customer who owed nothing and bought nothing that month has no row.
        self.assertEqual(set(rows), {self.business, self.consumer})
        business, consumer = rows[self.business], rows[self.consumer]
        # As of the refresh, in UTC as every date and time Odoo stores.
        self.assertIsNone(business.refreshed_at.tzinfo)
        self.assertLess(
            abs(fields.Datetime.now() - business.refreshed_at), timedelta(minutes=30)
        )
        # Dupont: 1000 owed of 1000 sold -> all the month's days, not due yet.
        self.assertAlmostEqual(business.dso, days, places=2)
        self.assertAlmostEqual(business.dso_countback, days, places=2)
        self.assertEqual(business.closing_current, 1000.0)
        self.assertEqual(
            (business.typology_id, business.user_id),
            (self.business.collection_typology_id, self.user),
        )
        # Martin: 250 owed of 500 sold -> half the month; CEI and recovery
        # (500 - 250) / 500.
        self.assertAlmostEqual(consumer.dso, days / 2, places=2)
        self.assertAlmostEqual(consumer.cei, 50.0, places=2)
        self.assertAlmostEqual(consumer.recovery_rate, 50.0, places=2)
        self.assertEqual(consumer.user_id, colleague)
        settled_rows = self.rows(by_customer, [("partner_id", "=", settled.id)])
        self.assertEqual(settled_rows.mapped("month"), [before])
        self.assertAlmostEqual(settled_rows.recovery_rate, 100.0, places=2)

        # By responsible: the analyst holds Dupont (and Settled, who adds
        # nothing that month), the colleague holds Martin.
        rows = {
            row.user_id: row
            for row in self.rows(by_responsible, [("month", "=", last)])
        }
        self.assertEqual(set(rows), {self.user, colleague})
        self.assertAlmostEqual(rows[self.user].dso, days, places=2)
        self.assertEqual(rows[self.user].credit_sales, 1000.0)
        self.assertAlmostEqual(rows[colleague].dso, days / 2, places=2)
        self.assertAlmostEqual(rows[colleague].cei, 50.0, places=2)

        # A payment shows at the next refresh, the nightly one here.
        self.pay(owed, 250.0, self.today)
        this_month = self.today.replace(day=1)
        [row] = self.rows(
            by_customer,
            [("partner_id", "=", self.consumer.id), ("month", "=", this_month)],
            refresh=False,
        )
        self.assertEqual(row.closing, 250.0)
        self.env["collection.report.materialized"]._cron_refresh_materialized()
        [row] = self.rows(
            by_customer,
            [("partner_id", "=", self.consumer.id), ("month", "=", this_month)],
            refresh=False,
        )
        self.assertEqual((row.opening, row.collected, row.closing), (250.0, 250.0, 0.0))
        [row] = self.rows(
            by_responsible,
            [("user_id", "=", colleague.id), ("month", "=", this_month)],
            refresh=False,
        )
        self.assertEqual(row.closing, 0.0)

        # Another company's user sees none of it.
        outsider = collection_user(self.env, "cash_outsider_refresh", self.env.company)
        for model in (by_customer, by_responsible):
            theirs = self.env[model].with_user(outsider).search([])
            self.assertFalse(theirs.filtered(lambda r: r.company_id == self.company))
