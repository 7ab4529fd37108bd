# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer after collection (issue 14): satisfaction with the
collection by typology and level reached, and retention — the share of
customers who bought again within N months after reaching a level, beside
the customers never reminded — on hand-built data, checked against figures
worked out by hand, as a collection user of the test company."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import analysis, collection_user, give_default_configuration


@tagged("post_install", "-at_install")
class TestCustomerAnalytics(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()
        cls.company = cls.setup_other_company(name="Customer analytics")["company"]
        cls.levels = give_default_configuration(cls.env, cls.company)
        cls.user = collection_user(cls.env, "customer_analyst", cls.company)
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.premium = cls.env.ref("recouvrement_fidelite.collection_typology_premium")
        cls.late_payer = cls.env.ref(
            "recouvrement_fidelite.collection_typology_late_payer"
        )

    def customer(self, name, typology=None):
        partner = self.env["res.partner"].create({"name": name, "is_company": True})
        partner.collection_typology_id = typology or self.premium
        return partner

    def post(self, partner, invoice_date, due=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due or invoice_date + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 300, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    def remind(self, invoice, number, when):
        level = self.levels[f"collection_level_standard_{number}"]
        return self.env["collection.action"]._record(
            {
                "partner_id": invoice.partner_id.id,
                "invoice_id": invoice.id,
                "company_id": self.company.id,
                "kind": "reminder",
                "channel": "email",
                "level_id": level.id,
                "state": "done",
                "date": when,
            }
        )

    def read(self, model, measures, groupby, refresh=True):
        return analysis(self.env, model, self.user, refresh).read_group(
            [], measures, groupby, lazy=False
        )

    def test_retention_beside_the_customers_never_reminded(self):
        months = self.company.collection_retention_months
        self.assertEqual(months, 6, "the default window")
        reached = self.today - relativedelta(months=8)
        early = reached - timedelta(days=60)
        # A reaches level 1, then level 2 ten days later, and buys again on
        # the last day of the window; B one day too late; C reached level 1
        # too recently to be judged.
        loyal, gone, recent = (
            self.customer("Loyal"),
            self.customer("Gone", self.late_payer),
            self.customer("Recent"),
        )
        first = self.post(loyal, early)
        self.remind(first, 1, reached)
        self.remind(first, 2, reached + timedelta(days=10))
        self.post(loyal, reached + relativedelta(months=months))
        self.remind(self.post(gone, early), 1, reached)
        self.post(gone, reached + relativedelta(months=months) + timedelta(days=1))
        self.remind(
            self.post(recent, self.today - relativedelta(months=4)),
            1,
            self.today - relativedelta(months=3),
        )
        # Never reminded: D bought again two months after its first due
        # date, E did not.
        again, once = self.customer("Again"), self.customer("Once")
        due = self.today - relativedelta(months=10)
        self.post(again, due - timedelta(days=30), due)
        self.post(again, due + relativedelta(months=2))
        self.post(once, due - timedelta(days=30), due)

        by_level = {
            group["level_reached"]: (group["__count"], group["bought_again"])
            for group in self.read(
                "collection.report.retention", ["bought_again:avg"], ["level_reached"]
            )
        }
        # Level 1: Loyal yes, Gone no (Recent not judged): 50 %. Level 2:
        # Loyal, 100 %. Never reminded: Again yes, Once no: 50 %.
        self.assertEqual(
            by_level, {"1": (2, 50.0), "2": (1, 100.0), "never": (2, 50.0)}
        )
        # By typology: the late payer is the one who left.
        by_typology = {
            (group["level_reached"], group["typology_id"][0]): group["bought_again"]
            for group in self.read(
                "collection.report.retention",
                ["bought_again:avg"],
                ["level_reached", "typology_id"],
            )
        }
        self.assertEqual(by_typology["1", self.premium.id], 100.0)
        self.assertEqual(by_typology["1", self.late_payer.id], 0.0)
        # The window is a setting: seven months count Gone's late purchase,
        # at once (changing it refreshes the figures).
        self.company.collection_retention_months = months + 1
        by_level = {
            group["level_reached"]: group["bought_again"]
            for group in self.read(
                "collection.report.retention",
                ["bought_again:avg"],
                ["level_reached"],
                refresh=False,
            )
        }
        self.assertEqual(by_level["1"], 100.0)

    def test_satisfaction_by_typology_and_level_reached(self):
        happy, unhappy, planned = (
            self.customer("Happy"),
            self.customer("Unhappy"),
            self.customer("Planned", self.late_payer),
        )
        ended = self.today - timedelta(days=5)
        invoice = self.post(happy, self.today - timedelta(days=90))
        self.remind(invoice, 1, self.today - timedelta(days=40))
        self.remind(invoice, 2, self.today - timedelta(days=20))
        self.remind(invoice, 3, self.today - timedelta(days=1))  # after the end
        plan_invoice = self.post(planned, self.today - timedelta(days=90))
        self.remind(plan_invoice, 1, self.today - timedelta(days=30))
        never = self.post(unhappy, self.today - timedelta(days=60))

        def rating(partner, value, case_type, invoice=None):
            return self.env["collection.satisfaction"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "case_type": case_type,
                    "case_key": f"{case_type}-{partner.id}",
                    "invoice_id": invoice.id if invoice else False,
                    "date_ended": ended,
                    "state": "answered",
                    "rating": value,
                    "date_answered": datetime.combine(self.today, time(9)),
                }
            )

        rating(happy, 5, "invoice_paid", invoice)
        rating(unhappy, 2, "dispute_resolved", never)
        rating(planned, 4, "plan_completed")
        self.env["collection.satisfaction"].create(
            {
                "partner_id": happy.id,
                "company_id": self.company.id,
                "case_type": "invoice_paid",
                "case_key": "asked-not-answered",
                "state": "sent",
            }
        )
        [total] = self.read(
            "collection.report.satisfaction",
            ["rating:avg", "satisfied_rate:avg", "dissatisfied_rate:avg"],
            [],
        )
        # (5 + 2 + 4) / 3; satisfied 2 of 3; dissatisfied 1 of 3.
        self.assertEqual(total["__count"], 3)
        self.assertAlmostEqual(total["rating"], 11 / 3)
        self.assertAlmostEqual(total["satisfied_rate"], 200 / 3)
        self.assertAlmostEqual(total["dissatisfied_rate"], 100 / 3)
        by_level = {
            group["level_reached"]: group["rating"]
            for group in self.read(
                "collection.report.satisfaction", ["rating:avg"], ["level_reached"]
            )
        }
        # The invoice reached level 2 before its case ended (level 3 came
        # after); the plan's customer level 1; the dispute no reminder.
        self.assertEqual(by_level, {"2": 5.0, "1": 4.0, "never": 2.0})
        by_typology = {
            group["typology_id"][0]: group["rating"]
            for group in self.read(
                "collection.report.satisfaction", ["rating:avg"], ["typology_id"]
            )
        }
        self.assertEqual(by_typology, {self.premium.id: 3.5, self.late_payer.id: 4.0})

    def test_a_user_sees_only_their_companys_customers(self):
        customer = self.customer("Somebody")
        self.post(customer, self.today - relativedelta(months=10))
        main = self.env.ref("base.main_company")
        outsider = collection_user(self.env, "customer_outsider", main)
        mine = analysis(self.env, "collection.report.retention", self.user).search([])
        self.assertIn(customer, mine.partner_id)
        seen = (
            self.env["collection.report.retention"]
            .with_user(outsider)
            .with_context(allowed_company_ids=main.ids)
            .search([])
        )
        self.assertNotIn(customer, seen.partner_id)
