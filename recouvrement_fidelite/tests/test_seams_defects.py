# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Defects found while reading the run (issue 9): planning failures recorded
once, failure notices that are real HTML lists with data escaped, and
"group in the statement" decisions that do not claim to be done before the
monthly statement carries them."""

import json
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .test_collection_run import TODAY, CollectionRunCase, leaf

NEXT_DAY = "2026-03-21"


@tagged("post_install", "-at_install")
class TestSeamsDefects(CollectionRunCase):
    @contextmanager
    def broken_facts(self, invoice, value="nineteen"):
        """The facts of ``invoice`` carry a value the rules cannot use."""
        engine_class = type(self.env["collection.engine"])
        original = engine_class._facts

        def facts(model, invoices):
            result = original(model, invoices)
            for fact in result:
                if fact["invoice_id"] == invoice.id:
                    fact["days_overdue"] = value
            return result

        with patch.object(engine_class, "_facts", facts), self.mockSMSGateway():
            yield

    def test_a_planning_failure_is_recorded_once_over_two_runs(self):
        bad = self.invoice(self.alice, 100.0, "2026-03-12")
        with freeze_time(TODAY), self.broken_facts(bad):
            self.run_collection()
        with freeze_time(NEXT_DAY), self.broken_facts(bad):
            second = self.run_collection()
        failed = self.actions(invoice_id=bad.id)
        self.assertEqual(len(failed), 1, "the same failure is not recorded twice")
        self.assertEqual(failed.state, "failed")
        self.assertIn("could not be evaluated", failed.failure_reason)
        self.assertTrue(failed.dedup_key)
        self.assertEqual(second.action_count, 0)
        # Once the cause is fixed, the run plans the real reminder.
        with freeze_time("2026-03-22"), self.mockSMSGateway():
            self.run_collection()
        reminder = self.actions(invoice_id=bad.id, state="done")
        self.assertEqual(reminder.level_id, self.level_1)
        self.assertEqual(failed.state, "failed", "the failure stays for the record")

    def test_a_planning_failure_is_worded_in_the_readers_language(self):
        bad = self.invoice(self.alice, 100.0, "2026-03-12")
        with freeze_time(TODAY), self.broken_facts(bad):
            self.run_collection()  # run in English
        failed = self.actions(invoice_id=bad.id)
        self.assertEqual(
            failed.failure_data["template"],
            "The rules could not be evaluated: %(error)s",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        french = failed.with_context(lang="fr_FR")
        self.assertIn("Les règles n'ont pas pu être évaluées", french.failure_message)
        self.assertIn("could not be evaluated", failed.failure_message)

    def test_a_missing_level_is_recorded_once_over_two_runs(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")  # level 1
        # Saving rules that name a missing level is refused, and a level that
        # rules use cannot be deleted: only the database can lose it. Another
        # scenario keeps level 1, so the rules stay valid for the company.
        other = self.env["collection.scenario"].create(
            {"name": "Other scenario", "company_id": self.env.company.id}
        )
        self.env["collection.level"].create(
            {
                "scenario_id": other.id,
                "name": "Other first reminder",
                "level_number": 1,
                "delay_days": 5,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM collection_level WHERE id = %s", [self.level_1.id]
        )
        self.env.invalidate_all()
        with freeze_time(TODAY), self.mockSMSGateway():
            self.run_collection()
        with freeze_time(NEXT_DAY), self.mockSMSGateway():
            self.run_collection()
        failed = self.actions(invoice_id=invoice.id)
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed.state, "failed")
        self.assertIn("Level 1 does not exist", failed.failure_reason)

    @freeze_time(TODAY)
    def test_the_failure_notice_is_a_list_with_data_escaped(self):
        customer = self.env["res.partner"].create(
            {"name": "<b>x</b>", "is_company": True}
        )
        bad = self.invoice(customer, 100.0, "2026-03-01")
        with self.broken_facts(bad, value="<i>nineteen</i>"):
            run = self.run_collection()
        notice = run.message_ids.filtered(
            lambda m: "failed in this run" in (m.body or "")
        )
        self.assertEqual(len(notice), 1)
        body = str(notice.body)
        self.assertIn("<ul>", body)
        self.assertIn("<li>", body)
        self.assertNotIn("&lt;li&gt;", body)
        self.assertIn("&lt;b&gt;x&lt;/b&gt;", body)
        self.assertNotIn("<b>x</b>", body)
        self.assertIn("&lt;i&gt;nineteen&lt;/i&gt;", body)
        self.assertNotIn("<i>", body)

    @freeze_time(TODAY)
    def test_the_failure_notice_reads_only_the_failed_actions(self):
        """The notice counts the failures and lists the first 50 without
        reading the run's other actions (a large run has thousands)."""
        customer = self.env["res.partner"].create(
            {"name": "Without address", "is_company": True}
        )
        bad = self.invoice(customer, 100.0, "2026-03-01")
        self.invoice(self.alice, 300.0, "2026-03-12")  # reminded
        with self.broken_facts(bad):
            run = self.run_collection()
        failed = run.action_ids.filtered(lambda a: a.state == "failed")
        others = run.action_ids - failed
        self.assertTrue(failed)
        self.assertTrue(others, "the run did other things too")
        run.message_ids.filtered(
            lambda m: "failed in this run" in (m.body or "")
        ).unlink()
        self.env.invalidate_all()
        run._notify_failures()
        self.assertFalse(
            any(
                self.env.cache.contains(action, action._fields["state"])
                for action in others
            ),
            "the actions that did not fail are not read",
        )
        notice = run.message_ids.filtered(
            lambda m: "failed in this run" in (m.body or "")
        )
        self.assertIn(f"{len(failed)} collection actions failed", str(notice.body))
        self.assertIn(bad.name, str(notice.body))

    def test_a_statement_decision_waits_for_the_monthly_statement(self):
        self.rule_set.active = False
        self.env["collection.rule.set"].create(
            {
                "name": "Statement rules",
                "priority": 1,
                "company_id": self.env.company.id,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Small amount: statement",
                            "conditions": json.dumps(
                                leaf("residual_amount", "less_than", 50)
                            ),
                            "actions": json.dumps(
                                [{"name": "group_in_statement", "params": {}}]
                            ),
                        },
                    )
                ],
            }
        )
        small = self.invoice(self.alice, 20.0, "2026-03-12")
        with freeze_time(TODAY), self.mockSMSGateway():
            run = self.run_collection()
        statement = self.actions(invoice_id=small.id)
        self.assertEqual(statement.kind, "statement")
        # Done only once the monthly statement carrying it is sent
        # (collection.monthly.statement, tested with the portal).
        self.assertNotEqual(statement.state, "done")
        self.assertEqual(statement.state, "pending")
        self.assertFalse(statement.done_at)
        self.assertIn("next monthly statement", statement.note)
        self.assertEqual(run.done_count, 0)
        # Traceable from the invoice (its actions) and the customer (issue 9:
        # the customer's note replaces the one per invoice).
        self.assertIn(
            "next monthly statement",
            " ".join(
                self.env["collection.action"]
                .search(small.action_view_collection_actions()["domain"])
                .mapped("note")
            ),
        )
        self.assertIn(
            "next monthly statement", " ".join(self.alice.message_ids.mapped("body"))
        )
        # It does not pile up: the next run finds it waiting.
        with freeze_time(NEXT_DAY), self.mockSMSGateway():
            self.run_collection()
        self.assertEqual(self.actions(invoice_id=small.id), statement)
        # At the month end, the statement carries it: done, with its email.
        with freeze_time("2026-03-31"):
            self.env["collection.monthly.statement"]._cron_send_monthly_statements()
        sent = self.env["collection.monthly.statement"].search(
            [("partner_id", "=", self.alice.id)]
        )
        self.assertEqual(sent.state, "sent")
        self.assertEqual(statement.state, "done")
        self.assertEqual(statement.message_id, sent.message_id)
        self.assertIn(small.name, sent.message_id.body)
