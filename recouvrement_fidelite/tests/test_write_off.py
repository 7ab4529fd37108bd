# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Write-off of an escalation case: requested with a reason, approved by a
collection manager, booked through accounting to the bad-debt account of
the settings, closing the case; refused, the case goes back."""

import json

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_collection_run import leaf
from .test_escalation_case import EscalationCase

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestWriteOff(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bad_debts = cls.env["account.account"].create(
            {
                "code": "654100",
                "name": "Bad debts",
                "account_type": "expense",
            }
        )
        # The setting of Settings > Accounting (a field of the company).
        cls.env["res.config.settings"].create(
            {"collection_write_off_account_id": cls.bad_debts.id}
        ).execute()
        cls.env.company.collection_approver_id = cls.manager

    def request(
        self, case, reason="The customer's liquidation closed for lack of assets."
    ):
        wizard = (
            self.env["collection.case.write.off"]
            .with_user(self.collector)
            .create({"case_id": case.id, "reason": reason})
        )
        return wizard.action_request()

    @freeze_time(TODAY)
    def test_a_manager_approves_the_write_off_booked_to_the_bad_debt_account(self):
        first = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        second = self.invoice(self.dupont, 500.0, "2026-02-10", "2026-01-25")
        self.pay(second, 200.0)
        case = self.escalate(first | second).with_user(self.collector)
        opened = case.action_request_write_off()
        self.assertEqual(opened["res_model"], "collection.case.write.off")
        self.request(case)
        self.assertEqual(case.stage, "write_off")
        self.assertEqual(case.previous_stage, "formal_notice")
        self.assertEqual(case.write_off_state, "requested")
        self.assertEqual(case.write_off_requested_by, self.collector)
        self.assertEqual(
            case.next_step, "Write-off waiting for a collection manager's approval"
        )
        task = case.activity_ids.filtered(
            lambda a: a.summary == "Approve or refuse the write-off"
        )
        self.assertEqual(task.user_id, self.manager, "the company's approver")
        # Credit controllers request, managers decide.
        with self.assertRaisesRegex(AccessError, "collection manager"):
            case.action_approve_write_off()
        with self.assertRaises(AccessError):
            case.action_refuse_write_off()
        case.with_user(self.manager).action_approve_write_off()
        entry = case.write_off_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id.type, "general")
        debit = entry.line_ids.filtered(lambda line: line.account_id == self.bad_debts)
        self.assertAlmostEqual(debit.debit, 1300.0, "what was left to pay")
        self.assertEqual(debit.partner_id, self.dupont)
        credits = entry.line_ids - debit
        self.assertEqual(
            set(credits.mapped("account_id.account_type")), {"asset_receivable"}
        )
        self.assertAlmostEqual(sum(credits.mapped("credit")), 1300.0)
        for invoice in (first, second):
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "written_off")
        self.assertEqual(case.write_off_state, "approved")
        self.assertEqual(case.write_off_decided_by, self.manager)
        self.assertAlmostEqual(case.write_off_amount, 1300.0)
        self.assertTrue(
            case.message_ids.filtered(
                lambda m: "Write-off approved by Marc Manager" in m.body
            )
        )
        self.assertFalse(case.activity_ids)

    @freeze_time(TODAY)
    def test_a_refused_write_off_sends_the_case_back(self):
        invoice = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        case = self.escalate(invoice).with_user(self.collector)
        case.action_stage_agency()
        self.request(case)
        case.with_user(self.manager).action_refuse_write_off()
        self.assertEqual(case.stage, "agency", "back where it came from")
        self.assertEqual(case.write_off_state, "refused")
        self.assertEqual(case.state, "open")
        self.assertFalse(case.write_off_move_id)
        self.assertEqual(invoice.amount_residual, 1000.0)
        self.assertIn(
            "Write-off refused: decide the next step",
            case.activity_ids.mapped("summary"),
        )
        self.assertNotIn(
            "Approve or refuse the write-off", case.activity_ids.mapped("summary")
        )
        with self.assertRaisesRegex(UserError, "no write-off waiting"):
            case.with_user(self.manager).action_approve_write_off()

    @freeze_time(TODAY)
    def test_bad_requests_are_refused_clearly(self):
        invoice = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        case = self.escalate(invoice).with_user(self.collector)
        with self.assertRaisesRegex(UserError, "Say why"):
            case._request_write_off("  ")
        self.assertEqual(case.stage, "formal_notice")
        self.request(case)
        # Without a bad-debt account: refused, nothing booked.
        self.env.company.collection_write_off_account_id = False
        with self.assertRaisesRegex(UserError, "Choose the bad-debt account"):
            case.with_user(self.manager).action_approve_write_off()
        self.assertEqual(case.write_off_state, "requested")
        self.assertFalse(
            self.env["account.move"].search([("ref", "like", case.name)]),
            "no entry left behind",
        )
        self.assertEqual(invoice.payment_state, "not_paid")

    @freeze_time(TODAY)
    def test_the_rules_request_a_write_off(self):
        self.rule_set.rule_ids[0].write(
            {
                "conditions": json.dumps(
                    leaf("days_overdue", "greater_than_or_equal_to", 45)
                ),
                "actions": json.dumps(
                    [{"name": "escalate", "params": {"stage": "write_off"}}]
                ),
            }
        )
        invoice = self.invoice(self.dupont, 40.0, "2026-01-20", "2026-01-05")
        with self.mockSMSGateway():
            self.run_collection()
        case = self.actions(invoice_id=invoice.id, kind="escalation").collection_case_id
        self.assertEqual(case.stage, "write_off")
        self.assertEqual(case.write_off_state, "requested")
        self.assertEqual(case.write_off_reason, "Decided by the collection rules.")
        self.assertEqual(invoice.payment_state, "not_paid", "nothing booked yet")
