# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's escalation case as the rules see it: its stage and the
days in it, for the customer's other invoices (the case's own are paused),
in one query per batch; a rule that adds a new overdue invoice to the case
the customer already has."""

import json

from freezegun import freeze_time

from odoo.tests import tagged

from .test_collection_run import leaf
from .test_escalation_case import EscalationCase

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestEscalationFacts(EscalationCase):
    def facts(self, invoices):
        return self.env["collection.engine"]._facts(invoices)

    @freeze_time(TODAY)
    def test_the_stage_of_the_customers_case_and_the_days_in_it(self):
        in_case = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        with freeze_time("2026-03-08"):
            case = self.escalate(in_case)
        new = self.invoice(self.dupont, 300.0, "2026-03-01", "2026-02-15")
        other = self.invoice(self.martin, 200.0, "2026-03-01", "2026-02-15")
        facts = dict(zip((new | other).ids, self.facts(new | other), strict=True))
        self.assertEqual(facts[new.id]["customer_escalation_stage"], "formal_notice")
        self.assertEqual(facts[new.id]["days_in_escalation_stage"], 12)
        self.assertEqual(facts[other.id]["customer_escalation_stage"], "none")
        self.assertEqual(facts[other.id]["days_in_escalation_stage"], 9999)
        # A case moved forward: its new stage, counted from the move.
        with freeze_time("2026-03-15"):
            case.with_user(self.manager)._enter_stage("agency")
        [fact] = self.facts(new)
        self.assertEqual(
            (fact["customer_escalation_stage"], fact["days_in_escalation_stage"]),
            ("agency", 5),
        )
        # A suspended case still holds the invoices; a closed one does not.
        case.sudo().state = "suspended"
        [fact] = self.facts(new)
        self.assertEqual(fact["customer_escalation_stage"], "agency")
        case.sudo().write({"state": "closed", "close_reason": "withdrawn"})
        [fact] = self.facts(new)
        self.assertEqual(fact["customer_escalation_stage"], "none")

    @freeze_time(TODAY)
    def test_a_case_in_another_currency_is_not_this_invoices(self):
        other_currency = self.setup_other_currency("EUR")
        self.assertNotEqual(other_currency, self.env.company.currency_id)
        in_case = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        self.escalate(in_case)
        elsewhere = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.dupont.id,
                "currency_id": other_currency.id,
                "invoice_date": "2026-02-15",
                "invoice_date_due": "2026-03-01",
                "invoice_line_ids": [
                    (0, 0, {"name": "Service", "quantity": 1, "price_unit": 50.0})
                ],
            }
        )
        elsewhere.action_post()
        [fact] = self.facts(elsewhere)
        self.assertEqual(fact["customer_escalation_stage"], "none")

    @freeze_time(TODAY)
    def test_the_facts_of_a_batch_take_one_query(self):
        customers = [self.dupont, self.martin]
        for customer in customers:
            self.escalate(self.invoice(customer, 900.0, "2026-01-20", "2026-01-05"))
        few = self.invoice(self.dupont, 10.0, "2026-03-01", "2026-02-15")
        many = few
        for index in range(6):
            many |= self.invoice(
                customers[index % 2], 10.0 + index, "2026-03-01", "2026-02-15"
            )
        Engine = self.env["collection.engine"]

        def queries(batch):
            batch = self.env["account.move"].browse(batch.ids)
            self.env.invalidate_all()
            batch.mapped("commercial_partner_id")
            batch.mapped("currency_id")
            before = self.env.cr.sql_log_count
            Engine._escalation_facts(batch, batch[:1].invoice_date_due)
            return self.env.cr.sql_log_count - before

        queries(many)  # warm the caches unrelated to the batch
        self.assertEqual(queries(few), queries(many), "whatever the batch's size")
        self.assertEqual(queries(many), 1)

    @freeze_time(TODAY)
    def test_a_rule_adds_a_new_overdue_invoice_to_the_customers_case(self):
        """An administrator's rule: a customer already at the formal notice
        has any invoice 15 days overdue added to the case, without the
        ordinary reminders."""
        self.rule_set.rule_ids[0].write(
            {
                "conditions": json.dumps(
                    {
                        "all": [
                            leaf(
                                "customer_escalation_stage",
                                "contains",
                                "formal_notice",
                            ),
                            leaf("days_overdue", "greater_than_or_equal_to", 15),
                        ]
                    }
                ),
                "actions": json.dumps(
                    [{"name": "escalate", "params": {"stage": "formal_notice"}}]
                ),
            }
        )
        self.rule_set.stop_on_first_trigger = True
        in_case = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        case = self.escalate(in_case)
        late = self.invoice(self.dupont, 300.0, "2026-03-01", "2026-02-15")
        recent = self.invoice(self.dupont, 100.0, "2026-03-15", "2026-03-01")
        elsewhere = self.invoice(self.martin, 300.0, "2026-03-01", "2026-02-15")
        with self.mockSMSGateway():
            self.run_collection()
        added = self.actions(invoice_id=late.id, kind="escalation")
        self.assertEqual(added.state, "done")
        self.assertEqual(case.invoice_ids, in_case | late)
        self.assertIn("escalation stage", added.explanation.lower())
        # Not overdue enough, or no case: no escalation.
        self.assertFalse(self.actions(invoice_id=recent.id, kind="escalation"))
        self.assertFalse(self.actions(invoice_id=elsewhere.id, kind="escalation"))
        self.assertEqual(self.env["collection.case"].search_count([]), 1)
