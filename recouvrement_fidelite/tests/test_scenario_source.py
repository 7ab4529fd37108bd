# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The reminder scenario is the source of the ordinary path.

With the default rules, a level fires when the customer's scenario has it
due (its delay), on the level's channels; rules keep the exceptions.
"""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin, give_default_configuration

TODAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestScenarioIsTheSource(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        # The default configuration, in the test company.
        cls.defaults = give_default_configuration(cls.env, cls.env.company)
        cls.standard = cls.defaults["collection_scenario_standard"]
        cls.levels = {level.level_number: level for level in cls.standard.level_ids}
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Pharmacie Leroy",
                "is_company": True,
                "email": "leroy@example.com",
                "mobile": "06 12 34 56 78",
                "street": "3 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
            }
        )

    def overdue_invoice(self, customer, days):
        return self.invoice(customer, 900.0, TODAY - timedelta(days=days))

    def plan(self, invoice):
        """What a dry run plans for the invoice: ``[(level, channel)]``."""
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        lines = wizard.line_ids.filtered(lambda line: line.invoice_id == invoice)
        return sorted((line.level_id, line.channel) for line in lines)

    def test_fact_is_the_level_due_by_the_customer_scenario(self):
        premium = self.customer.copy(
            {
                "name": "Hotel Royal",
                "collection_typology_id": self.env.ref(
                    "recouvrement_fidelite.collection_typology_premium"
                ).id,
            }
        )
        invoices = (
            self.overdue_invoice(self.customer, 7)
            | self.overdue_invoice(premium, 7)
            | self.overdue_invoice(premium, 12)
            | self.overdue_invoice(self.customer, -10)
        )
        facts = self.env["collection.engine"]._facts(invoices)
        # Standard: level 1 after 5 days; Premium: level 1 after 10 days;
        # nothing is due 10 days before the due date.
        self.assertEqual([f["scenario_level_due"] for f in facts], [1, 0, 1, -1])
        self.assertEqual([f["days_overdue"] for f in facts], [7, 7, 12, -10])

    def test_changing_a_level_delay_changes_when_it_fires(self):
        invoice = self.overdue_invoice(self.customer, 7)
        self.assertEqual(self.plan(invoice), [(self.levels[1], "email")])
        self.levels[1].delay_days = 10
        self.assertEqual(
            self.env["collection.engine"]._facts(invoice)[0]["scenario_level_due"], 0
        )
        self.assertEqual(self.plan(invoice), [], "level 1 is not due before 10 days")

    def test_switching_sms_off_removes_it_from_the_plan(self):
        invoice = self.overdue_invoice(self.customer, 16)
        level_2 = self.levels[2]
        self.assertEqual(self.plan(invoice), [(level_2, "email"), (level_2, "sms")])
        level_2.use_sms = False
        self.assertEqual(self.plan(invoice), [(level_2, "email")])

    def test_rule_exceptions_still_win(self):
        self.levels[2].delay_days = 12
        reminded = {
            "collection_level_id": self.levels[1].id,
            "collection_reminder_count": 1,
            "collection_last_reminder_date": TODAY - timedelta(days=8),
        }
        # The ordinary path: level 2 is due after 12 days now, on its channels.
        ordinary = self.overdue_invoice(self.customer, 13)
        ordinary.write(reminded)
        self.assertEqual(
            self.plan(ordinary), [(self.levels[2], "email"), (self.levels[2], "sms")]
        )
        # A customer who does not answer calls: the last reminder by letter,
        # without a call, whatever the scenario has due.
        silent = self.customer.copy({"name": "Boulangerie Muette"})
        for _attempt in range(3):
            self.env["collection.action"]._record(
                {
                    "company_id": self.env.company.id,
                    "partner_id": silent.id,
                    "kind": "call",
                    "channel": "phone",
                    "state": "done",
                    "call_outcome": "no_answer",
                    "done_at": TODAY - timedelta(days=10),
                    "date": TODAY - timedelta(days=10),
                }
            )
        not_answering = self.overdue_invoice(silent, 16)
        not_answering.write(reminded)
        self.assertEqual(self.plan(not_answering), [(self.levels[3], "letter")])
        # A disputed invoice is not chased, even with a level due.
        disputed = self.overdue_invoice(self.customer.copy({"name": "Atelier"}), 13)
        disputed.collection_dispute_state = "open"
        self.assertEqual(self.plan(disputed), [])

    def test_level_form_lists_the_rules_that_fire_it(self):
        rules = self.defaults["collection_rule_set_default"].rule_ids
        rule_2 = rules.filtered(lambda rule: rule.sequence == 200)
        no_answer = rules.filtered(lambda rule: rule.sequence == 50)
        self.assertEqual(
            rule_2.name, "Second reminder when level 2 of the scenario is due"
        )
        self.assertIn(rule_2, self.levels[2].rule_ids)
        self.assertTrue(rule_2.follows_scenario)
        self.assertIn(no_answer, self.levels[3].rule_ids)
        self.assertFalse(no_answer.follows_scenario)
        self.assertNotIn(rule_2, self.levels[1].rule_ids)
        # Other companies' rules are theirs.
        main_rule_2 = self.env.ref(
            "recouvrement_fidelite.collection_rule_default_standard_2"
        )
        self.assertNotIn(main_rule_2.id, self.levels[2].rule_ids.ids)
