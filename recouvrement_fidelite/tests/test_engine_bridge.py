# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The engine inside Odoo: reachable, its catalogue exported, facts built in
batches with a constant number of queries."""

import inspect
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .. import engine
from ..engine import InvoiceFacts, validate_rule_set
from .common import InvoiceMixin


@tagged("post_install", "-at_install")
class TestEngineBridge(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.typology = cls.env["collection.typology"].create(
            {"name": "Wholesaler", "code": "wholesaler"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "email": "compta@martin.example",
                "mobile": "06 12 34 56 78",
                "country_id": cls.env.ref("base.fr").id,
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "collection_typology_id": cls.typology.id,
            }
        )
        cls.other = cls.env["res.partner"].create({"name": "Other customer"})

    def test_engine_is_the_addon_package(self):
        from odoo.addons.recouvrement_fidelite import engine as addon_engine

        self.assertIs(addon_engine, engine)
        rule_set = validate_rule_set(
            {
                "name": "Smoke",
                "rules": [
                    {
                        "name": "Late",
                        "conditions": {
                            "name": "days_overdue",
                            "operator": "greater_than",
                            "value": 0,
                        },
                        "actions": [
                            {"name": "set_reminder_level", "params": {"level": 1}}
                        ],
                    }
                ],
            }
        )
        result = engine.Evaluator([rule_set]).evaluate({"days_overdue": 3})
        self.assertEqual(result.decisions[0].params["level"], 1)

    def test_catalogue_exports_every_variable_and_action(self):
        catalogue = self.env["collection.engine"].get_catalogue()
        declared = {
            name
            for name, member in inspect.getmembers(InvoiceFacts)
            if getattr(member, "is_rule_variable", False)
        }
        exported = {v["name"]: v for v in catalogue["variables"]}
        self.assertEqual(set(exported), declared)
        self.assertEqual(
            {a["name"] for a in catalogue["actions"]},
            set(engine.DEFAULT_CATALOGUE.actions),
        )
        self.assertEqual(
            set(catalogue["variable_type_operators"]),
            {"numeric", "string", "boolean", "select", "select_multiple"},
        )
        typology_codes = {o["name"] for o in exported["customer_typology"]["options"]}
        self.assertIn("wholesaler", typology_codes)

    @freeze_time("2026-03-20")
    def test_facts_of_an_invoice_and_its_customer(self):
        late = self.invoice(
            self.customer, 1000.0, "2026-02-14", invoice_date="2026-01-15"
        )
        self.invoice(self.customer, 300.0, "2026-03-31", invoice_date="2026-03-01")
        refund = self.invoice(
            self.customer,
            200.0,
            "2026-02-20",
            invoice_date="2026-02-20",
            move_type="out_refund",
        )
        self.assertEqual(refund.state, "posted")
        late.collection_dispute_state = "open"
        late.collection_last_reminder_date = date(2026, 3, 10)
        late.collection_reminder_count = 2
        facts = self.env["collection.engine"]._facts(late)[0]
        self.assertEqual(facts["invoice_id"], late.id)
        self.assertEqual(facts["days_overdue"], 34)
        self.assertAlmostEqual(facts["residual_amount"], 1000.0)
        self.assertEqual(facts["dispute_status"], "open")
        self.assertEqual(facts["reminders_sent"], 2)
        self.assertEqual(facts["days_since_last_reminder"], 10)
        # The credit note (due already) reduces what is overdue; the invoice
        # not yet due does not count.
        self.assertAlmostEqual(facts["customer_overdue_amount"], 800.0)
        self.assertEqual(facts["customer_open_invoice_count"], 2)
        self.assertEqual(facts["customer_overdue_invoice_count"], 1)
        self.assertEqual(facts["customer_typology"], "wholesaler")
        self.assertEqual(facts["customer_type"], "b2b")
        self.assertTrue(facts["has_email"])
        self.assertTrue(facts["has_valid_mobile"])
        self.assertEqual(
            set(facts["reachable_channels"]),
            {"portal", "email", "sms", "letter", "phone"},
        )
        self.assertEqual(facts["country"], "FR")
        # One invoice of the last 12 months is past due and unpaid: 100 % late.
        self.assertEqual(facts["late_payment_ratio"], 100.0)
        self.assertEqual(facts["average_days_late"], 34.0)

    @freeze_time("2026-03-20")
    def test_facts_of_a_bare_customer_are_usable(self):
        invoice = self.invoice(
            self.other, 50.0, "2026-03-25", invoice_date="2026-03-20"
        )
        facts = self.env["collection.engine"]._facts(invoice)[0]
        self.assertEqual(facts["days_overdue"], -5)
        self.assertEqual(facts["reachable_channels"], ["portal"])
        self.assertFalse(facts["customer_typology"])
        self.assertIsNone(facts["days_since_last_reminder"])
        evaluator = self.env["collection.engine"]._evaluator(
            self.env.company, self.env["collection.rule.set"]
        )
        self.assertIsNone(evaluator.evaluate(facts).error)

    @freeze_time("2026-03-20")
    def test_facts_take_a_constant_number_of_queries(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(12)]
        )
        invoices = self.env["account.move"]
        for index in range(36):
            invoices |= self.invoice(
                customers[index % 12],
                100.0 + index,
                "2026-02-10",
                invoice_date="2026-01-10",
            )
        engine_model = self.env["collection.engine"]

        def queries_for(batch):
            # A fresh recordset: its prefetching covers this batch only.
            batch = self.env["account.move"].browse(batch.ids)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            facts = engine_model._facts(batch)
            self.assertEqual(len(facts), len(batch))
            return self.env.cr.sql_log_count - before

        queries_for(invoices[:1])  # warm the caches unrelated to the batch
        small = queries_for(invoices[:3])
        large = queries_for(invoices)
        self.assertEqual(small, large)
        # About one query per fact provider, whatever the batch's size (the
        # escalation provider brought the twentieth).
        self.assertLessEqual(large, 20)
