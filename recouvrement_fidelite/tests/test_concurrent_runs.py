# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two collection runs at the same time never process an invoice twice.

This test needs real transactions seen by two database connections, so it
commits its data through its own cursors (in the test database) and removes
it at the end.
"""

import json
import threading
import time
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

RULES = [
    {
        "name": "Late",
        "conditions": {"name": "days_overdue", "operator": "greater_than", "value": 0},
        "actions": [{"name": "set_reminder_level", "params": {"level": 1}}],
    }
]


@tagged("post_install", "-at_install")
class TestConcurrentRuns(TransactionCase):
    def _committed_env(self):
        cr = self.registry.cursor()
        return cr, api.Environment(cr, SUPERUSER_ID, {})

    def _build(self, env, customers=6):
        company = env.ref("base.main_company")
        env["collection.rule.set"].search([("company_id", "=", company.id)]).write(
            {"active": False}
        )
        template = env["mail.template"].create(
            {
                "name": "Concurrency reminder",
                "model_id": env.ref("account.model_account_move").id,
                "subject": "Reminder {{ object.name }}",
                "body_html": "<p>Please pay.</p>",
            }
        )
        scenario = env["collection.scenario"].create(
            {"name": "Concurrency scenario", "company_id": company.id}
        )
        env["collection.level"].create(
            {
                "scenario_id": scenario.id,
                "name": "Concurrency level",
                "level_number": 1,
                "delay_days": 1,
                "use_email": True,
                "mail_template_id": template.id,
            }
        )
        previous_scenario = company.collection_default_scenario_id
        company.collection_default_scenario_id = scenario
        rule_set = env["collection.rule.set"].create(
            {
                "name": "Concurrency rules",
                "company_id": company.id,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": r["name"],
                            "conditions": json.dumps(r["conditions"]),
                            "actions": json.dumps(r["actions"]),
                        },
                    )
                    for r in RULES
                ],
            }
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Concurrent customer {i}",
                    "is_company": True,
                    "email": f"customer{i}@example.com",
                }
                for i in range(customers)
            ]
        )
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": "2020-01-01",
                    "invoice_date_due": "2020-01-31",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Goods",
                                "quantity": 1,
                                "price_unit": 100,
                                "tax_ids": [],
                            },
                        )
                    ],
                }
                for partner in partners
                for _ in range(2)
            ]
        )
        invoices.action_post()
        return {
            "company": company.id,
            "previous_scenario": previous_scenario.id,
            "template": template.id,
            "scenario": scenario.id,
            "rule_set": rule_set.id,
            "partners": partners.ids,
            "invoices": invoices.ids,
        }

    def assert_each_reminder_out_once(self, actions):
        """Each reminder went out once; with no mail server here, the mail
        queue may then report it undelivered (states tell the truth)."""
        for action in actions:
            self.assertTrue(
                action.state == "done"
                or (action.failure_reason or "").startswith("Sent, then not delivered"),
                action.failure_reason,
            )

    def _cleanup(self, env, data):
        actions = env["collection.action"].search(
            [("invoice_id", "in", data["invoices"])]
        )
        runs = actions.run_id
        invoices = env["account.move"].browse(data["invoices"])
        env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "in", invoices.ids)]
        ).unlink()
        actions.unlink()
        runs.unlink()
        invoices.button_draft()
        invoices.with_context(force_delete=True).unlink()
        env["res.partner"].browse(data["partners"]).unlink()
        env["collection.rule.set"].browse(data["rule_set"]).unlink()
        company = env["res.company"].browse(data["company"])
        company.collection_default_scenario_id = data["previous_scenario"] or False
        env["collection.scenario"].browse(data["scenario"]).unlink()
        env["mail.template"].browse(data["template"]).unlink()
        env["collection.rule.set"].with_context(active_test=False).search(
            [("company_id", "=", company.id), ("active", "=", False)]
        ).write({"active": True})

    def test_two_runs_at_once_send_each_reminder_once(self):
        cr, env = self._committed_env()
        with cr:
            data = self._build(env)
        try:
            self._race(data)
            cr, env = self._committed_env()
            with cr:
                actions = env["collection.action"].search(
                    [("invoice_id", "in", data["invoices"])]
                )
                self.assertEqual(len(actions), len(data["invoices"]))
                self.assertEqual(
                    sorted(actions.invoice_id.ids),
                    sorted(data["invoices"]),
                    "every invoice exactly once",
                )
                self.assert_each_reminder_out_once(actions)
                self.assertEqual(
                    len(actions.message_id),
                    len(data["partners"]),
                    "one email per customer",
                )
                self.assertEqual(len(actions.run_id), 2, "both runs took part")
        finally:
            cr, env = self._committed_env()
            with cr:
                self._cleanup(env, data)

    def _race(self, data):
        barrier = threading.Barrier(2)
        errors = []
        run_class = type(self.env["collection.run"])
        original = run_class._process_batch

        def slow_batch(run, customer_ids, evaluator):
            result = original(run, customer_ids, evaluator)
            time.sleep(0.2)  # keep the customers locked while the other run works
            return result

        def worker():
            try:
                cr, env = self._committed_env()
                with cr:
                    run = env["collection.run"].create({"company_id": data["company"]})
                    cr.commit()
                    barrier.wait(timeout=30)
                    run._process(batch_size=2)
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        with patch.object(run_class, "_process_batch", slow_batch):
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(errors, [])

    def test_two_workers_share_one_run_and_do_each_action_once(self):
        """Issue 9: two workers (here threads, with their own transactions)
        process the same run; each batch is claimed by one of them."""
        cr, env = self._committed_env()
        with cr:
            data = self._build(env)
            run_id = env["collection.run"].create({"company_id": data["company"]}).id
        try:
            barrier = threading.Barrier(2)
            errors = []
            workers = set()
            run_class = type(self.env["collection.run"])
            original = run_class._process_batch

            def slow_batch(run, customer_ids, evaluator):
                workers.add(threading.get_ident())
                result = original(run, customer_ids, evaluator)
                time.sleep(0.2)  # the other worker claims meanwhile
                return result

            def worker():
                try:
                    cr, env = self._committed_env()
                    with cr:
                        barrier.wait(timeout=30)
                        env["collection.run"].browse(run_id)._process(batch_size=2)
                except Exception as error:  # noqa: BLE001 - reported by the test
                    errors.append(error)

            with (
                patch.object(run_class, "_process_batch", slow_batch),
                # Outside tests every claim and batch is committed.
                patch.object(run_class, "_can_commit", return_value=True),
            ):
                threads = [threading.Thread(target=worker) for _ in range(2)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
            self.assertEqual(errors, [])
            self.assertEqual(len(workers), 2, "both workers took batches")
            cr, env = self._committed_env()
            with cr:
                run = env["collection.run"].browse(run_id)
                self.assertEqual(run.state, "done")
                self.assertEqual(run.customer_done, len(data["partners"]))
                self.assertEqual(run.invoice_count, len(data["invoices"]))
                self.assertEqual(set(run.batch_ids.mapped("state")), {"done"})
                self.assertEqual(set(run.batch_ids.mapped("claim_count")), {1})
                actions = env["collection.action"].search(
                    [("invoice_id", "in", data["invoices"])]
                )
                self.assertEqual(
                    sorted(actions.invoice_id.ids),
                    sorted(data["invoices"]),
                    "every invoice exactly once",
                )
                self.assert_each_reminder_out_once(actions)
                self.assertEqual(
                    len(actions.message_id),
                    len(data["partners"]),
                    "one email per customer",
                )
        finally:
            cr, env = self._committed_env()
            with cr:
                self._cleanup(env, data)
                env["collection.run"].browse(run_id).exists().unlink()
