# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Escalation cases: one per customer, the invoices and the claim, the stop
of reminders, what the customer's payment, plan or dispute does to the case,
and the rules' escalate decision (with a manager's approval)."""

import json

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_collection_run import CollectionRunCase, leaf

TODAY = "2026-03-20"


class EscalationCase(CollectionRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = new_test_user(
            cls.env,
            login="case_collector",
            name="Claire Collector",
            email="claire@company.example",
            groups="account.group_account_invoice,"
            "recouvrement_fidelite.group_collection_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="case_manager",
            name="Marc Manager",
            email="marc@company.example",
            groups="account.group_account_invoice,"
            "recouvrement_fidelite.group_collection_manager",
        )
        Partner = cls.env["res.partner"]
        address = {
            "street": "12 rue de la République",
            "zip": "69002",
            "city": "Lyon",
            "country_id": cls.env.ref("base.fr").id,
        }
        cls.dupont = Partner.create(
            dict(
                address,
                name="Dupont Menuiserie SARL",
                is_company=True,
                email="compta@dupont.example",
            )
        )
        cls.martin = Partner.create(
            dict(address, name="Jeanne Martin", email="jeanne@martin.example")
        )
        cls.martin.collection_customer_type = "b2c"
        cls.company_data["company"].write(
            {
                "street": "5 avenue Foch",
                "zip": "75016",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
            }
        )

    def escalate(self, invoices, user=None, stage="formal_notice"):
        Case = self.env["collection.case"].with_user(user or self.collector)
        return Case._escalate(invoices.with_user(user or self.collector), stage)

    def pay(self, invoice, amount=None):
        register = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount or invoice.amount_residual})
        )
        register._create_payments()


@tagged("post_install", "-at_install")
class TestEscalationCase(EscalationCase):
    @freeze_time(TODAY)
    def test_one_case_per_customer_holds_the_invoices_and_stops_reminders(self):
        first = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        second = self.invoice(self.dupont, 500.0, "2026-02-10", "2026-01-25")
        case = self.escalate(first)
        self.assertEqual(case.partner_id, self.dupont)
        self.assertEqual(case.stage, "formal_notice")
        self.assertEqual(case.state, "open")
        self.assertEqual(case.user_id, self.collector)
        self.assertTrue(case.name.startswith("ESC/2026/"))
        self.assertEqual(
            case.activity_ids.summary, "Send the formal notice", "the task to do"
        )
        # Escalating another invoice of the customer adds it to the case.
        again = self.escalate(second)
        self.assertEqual(again, case)
        self.assertEqual(case.invoice_ids, first | second)
        # Reminders stop on both, and the run leaves them alone.
        for invoice in (first, second):
            invoice.invalidate_recordset()
            self.assertTrue(invoice.with_user(self.collector).collection_paused)
            self.assertIn(
                case.name, invoice.with_user(self.collector).collection_pause_info
            )
        other = self.invoice(self.alice, 300.0, "2026-02-10", "2026-01-25")
        with self.mockSMSGateway():
            self.run_collection()
        self.assertTrue(self.actions(invoice_id=other.id, kind="reminder"))
        self.assertFalse(self.actions(invoice_id=first.id))
        self.assertFalse(self.actions(invoice_id=second.id))
        paused = self.env["account.move"].search([("collection_paused", "=", True)])
        self.assertLessEqual(first | second, paused)
        self.assertNotIn(other, paused)
        # The invoice says it entered the case.
        self.assertIn(case.name, first.message_ids[0].body)

    @freeze_time(TODAY)
    def test_invoices_of_another_customer_are_refused(self):
        mine = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        theirs = self.invoice(self.alice, 200.0, "2026-01-20", "2026-01-05")
        with self.assertRaisesRegex(UserError, "invoices of one customer"):
            self.escalate(mine | theirs)
        self.assertFalse(self.env["collection.case"].search([]), "nothing written")
        case = self.escalate(mine)
        with self.assertRaisesRegex(
            ValidationError, "a case concerns the invoices of one customer"
        ):
            with self.cr.savepoint():
                case.with_user(self.collector).invoice_ids = [Command.link(theirs.id)]
        self.assertEqual(case.invoice_ids, mine)
        # A second live case for the customer, or a case without invoices.
        later = self.invoice(self.dupont, 100.0, "2026-02-20", "2026-02-05")
        Case = self.env["collection.case"].with_user(self.collector)
        with self.assertRaisesRegex(ValidationError, "already has the escalation case"):
            with self.cr.savepoint():
                Case.create(
                    {
                        "partner_id": self.dupont.id,
                        "invoice_ids": [Command.set(later.ids)],
                    }
                )
        with self.assertRaisesRegex(ValidationError, "at least one invoice"):
            with self.cr.savepoint():
                Case.create({"partner_id": self.alice.id})
        with self.assertRaisesRegex(UserError, "do not change"):
            with self.cr.savepoint():
                case.with_user(self.collector).partner_id = self.alice
        # A contact is not the debtor.
        contact = self.env["res.partner"].create(
            {"name": "Paul Dupont", "parent_id": self.dupont.id}
        )
        with self.assertRaisesRegex(ValidationError, "not one of its contacts"):
            with self.cr.savepoint():
                Case.create(
                    {"partner_id": contact.id, "invoice_ids": [Command.set(later.ids)]}
                )
        # A draft or a vendor bill is not claimed.
        draft = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.alice.id}
        )
        with self.assertRaisesRegex(ValidationError, "not a posted customer invoice"):
            with self.cr.savepoint():
                Case.create(
                    {
                        "partner_id": self.alice.id,
                        "invoice_ids": [Command.set(draft.ids)],
                    }
                )

    @freeze_time("2025-07-10")
    def test_the_claim_adds_interest_indemnity_and_the_costs_the_debtor_bears(self):
        # France, business: 10 days at 13.15 % (3.60) then 10 days at 12.15 %
        # (3.33) on 1,000.00, and 40.00 of indemnity per late invoice.
        invoice = self.invoice(self.dupont, 1000.0, "2025-06-20", "2025-06-01")
        case = self.escalate(invoice).with_user(self.collector)
        self.assertAlmostEqual(case.amount_principal, 1000.0)
        self.assertAlmostEqual(case.amount_interest, 6.93)
        self.assertAlmostEqual(case.amount_indemnity, 40.0)
        self.assertAlmostEqual(case.amount_total, 1046.93)
        self.assertEqual(str(case.prescription_date), "2030-06-20")
        case.cost_ids = [
            Command.create(
                {"name": "Registered letter", "amount": 8.50, "borne_by": "creditor"}
            ),
            Command.create({"name": "Court fee", "amount": 35.0, "borne_by": "debtor"}),
        ]
        self.assertAlmostEqual(case.amount_costs, 35.0)
        self.assertAlmostEqual(case.amount_creditor_costs, 8.50)
        self.assertAlmostEqual(case.amount_total, 1081.93)
        self.assertEqual(case.cost_ids[0].stage, "formal_notice")
        with self.assertRaisesRegex(ValidationError, "positive amount"):
            with self.cr.savepoint():
                case.cost_ids = [Command.create({"name": "Oops", "amount": -5})]

    @freeze_time(TODAY)
    def test_a_consumer_owes_interest_only_from_the_formal_notice(self):
        invoice = self.invoice(self.martin, 1000.0, "2026-01-10", "2026-01-01")
        # The invoice shows interest from its due date; the case claims it
        # only from the formal notice (Code civil 1344-1), none before.
        self.assertGreater(invoice.collection_interest_due, 0)
        case = self.escalate(invoice).with_user(self.collector)
        self.assertEqual(case.amount_interest, 0.0)
        self.assertEqual(case.amount_indemnity, 0.0, "never for a consumer")
        self.assertAlmostEqual(case.amount_total, 1000.0)

    @freeze_time(TODAY)
    def test_a_payment_in_full_closes_the_case(self):
        first = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        second = self.invoice(self.dupont, 500.0, "2026-02-10", "2026-01-25")
        case = self.escalate(first | second)
        self.pay(first)
        self.assertEqual(case.state, "open", "something is still owed")
        self.pay(second, 200.0)
        self.assertEqual(case.state, "open")
        self.pay(second)
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "paid")
        self.assertEqual(str(case.date_closed), TODAY)
        self.assertFalse(case.activity_ids, "nothing left to do")
        first.invalidate_recordset()
        self.assertFalse(first.collection_case_id)
        # Closed: a new case may be opened for the customer.
        third = self.invoice(self.dupont, 80.0, "2026-02-15", "2026-02-01")
        self.assertNotEqual(self.escalate(third), case)

    @freeze_time(TODAY)
    def test_an_active_plan_suspends_the_case_and_its_break_resumes_it(self):
        invoice = self.invoice(self.dupont, 900.0, "2026-01-20", "2026-01-05")
        case = self.escalate(invoice)
        plan = (
            self.env["collection.payment.plan"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.dupont.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "installment_count": 3,
                    "first_date": "2026-03-25",
                }
            )
        )
        plan.action_compute_schedule()
        plan.action_propose()
        self.assertEqual(case.state, "open", "a proposal changes nothing yet")
        plan.action_activate()
        self.assertEqual(case.state, "suspended")
        self.assertEqual(case.suspend_reason, "plan")
        self.assertEqual(
            case.with_user(self.collector).next_step, "Suspended: Payment plan"
        )
        invoice.invalidate_recordset()
        self.assertTrue(invoice.collection_paused)
        with freeze_time("2026-05-10"):
            plan._check_progress()
            self.assertEqual(plan.state, "broken")
            self.assertEqual(case.state, "open")
            self.assertEqual(
                case.activity_ids.mapped("summary")[-1:],
                ["Escalation case resumed: decide the next step"],
            )

    @freeze_time(TODAY)
    def test_a_dispute_suspends_the_case_rejected_resumes_resolved_closes(self):
        invoice = self.invoice(self.dupont, 900.0, "2026-01-20", "2026-01-05")
        case = self.escalate(invoice)
        disputed = invoice.with_user(self.collector)
        disputed._collection_dispute_open("delivery")
        self.assertEqual(case.state, "suspended")
        self.assertEqual(case.suspend_reason, "dispute")
        disputed._collection_dispute_reject("Delivery note signed.")
        self.assertEqual(case.state, "open")
        disputed._collection_dispute_open("price")
        self.assertEqual(case.state, "suspended")
        disputed._collection_dispute_resolve("Credit note for the price difference.")
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "dispute_resolved")
        invoice.invalidate_recordset()
        self.assertFalse(invoice.collection_paused, "reminders resume")

    @freeze_time(TODAY)
    def test_a_case_moves_forward_only_and_managers_abandon_it(self):
        invoice = self.invoice(self.dupont, 900.0, "2026-01-20", "2026-01-05")
        case = self.escalate(invoice).with_user(self.collector)
        case.action_stage_agency()
        self.assertEqual(case.stage, "agency")
        self.assertEqual(case.previous_stage, "formal_notice")
        self.assertIn(
            "Hand the file over to the collection agency",
            case.activity_ids.mapped("summary"),
        )
        # A drag back in the kanban goes through the same checks.
        with self.assertRaisesRegex(UserError, "only moves forward"):
            case.write({"stage": "formal_notice"})
        with self.assertRaises(AccessError):
            case.action_withdraw()
        with self.assertRaisesRegex(UserError, "Only closed"):
            case.with_user(self.manager).unlink()
        case.with_user(self.manager).action_withdraw()
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "withdrawn")
        with self.assertRaisesRegex(UserError, "closed: this step is not possible"):
            case.action_stage_injunction()

    @freeze_time(TODAY)
    def test_users_see_the_cases_of_their_companies_only(self):
        other = self.setup_other_company(name="Other company")["company"]
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.dupont.id,
                    "invoice_date": "2026-01-05",
                    "invoice_date_due": "2026-01-20",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": 10.0}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        theirs = (
            self.env["collection.case"]
            .with_company(other)
            ._escalate(invoice, "formal_notice")
        )
        self.assertEqual(theirs.company_id, other)
        mine = self.escalate(
            self.invoice(self.dupont, 90.0, "2026-01-20", "2026-01-05")
        )
        self.assertNotEqual(mine, theirs, "one case per company")
        seen = self.env["collection.case"].with_user(self.collector).search([])
        self.assertEqual(seen, mine)

    @freeze_time(TODAY)
    def test_invoicing_users_without_collection_rights_cannot_open_a_case(self):
        accountant = new_test_user(
            self.env, login="just_invoicing", groups="account.group_account_invoice"
        )
        invoice = self.invoice(self.dupont, 900.0, "2026-01-20", "2026-01-05")
        with self.assertRaises(AccessError):
            self.escalate(invoice, user=accountant)
        # They still see the invoices of a case paused, and search them.
        self.escalate(invoice)
        as_accountant = invoice.with_user(accountant)
        self.assertTrue(as_accountant.collection_paused)
        self.assertIn(
            invoice,
            self.env["account.move"]
            .with_user(accountant)
            .search([("collection_paused", "=", True)]),
        )
        with self.assertRaises(AccessError):
            self.env["collection.case"].with_user(accountant).search([])


@tagged("post_install", "-at_install")
class TestEscalationByRules(EscalationCase):
    def escalation_rules(self, stage="formal_notice"):
        self.rule_set.rule_ids[0].write(
            {
                "conditions": json.dumps(
                    leaf("days_overdue", "greater_than_or_equal_to", 45)
                ),
                "actions": json.dumps(
                    [{"name": "escalate", "params": {"stage": stage}}]
                ),
            }
        )

    @freeze_time(TODAY)
    def test_the_rules_open_the_case_then_add_invoices_to_it(self):
        self.escalation_rules()
        old = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        recent = self.invoice(self.dupont, 300.0, "2026-03-01", "2026-02-15")
        with self.mockSMSGateway():
            self.run_collection()
        decided = self.actions(invoice_id=old.id, kind="escalation")
        self.assertEqual(decided.state, "done")
        case = decided.collection_case_id
        self.assertEqual(case.invoice_ids, old)
        self.assertEqual(case.stage, "formal_notice")
        self.assertIn("Decided by the collection rules.", case.origin)
        self.assertIn(case.name, decided.note)
        self.assertEqual(case.action_ids, decided)
        # The other invoice gets its reminder, not an escalation.
        self.assertFalse(self.actions(invoice_id=recent.id, kind="escalation"))
        # 45 days later, the recent one is escalated too: into the same case.
        with freeze_time("2026-04-20"):
            with self.mockSMSGateway():
                self.run_collection()
        self.assertEqual(case.invoice_ids, old | recent)
        self.assertEqual(self.env["collection.case"].search_count([]), 1)

    @freeze_time(TODAY)
    def test_a_later_stage_decided_by_the_rules_moves_the_case_forward(self):
        self.escalation_rules("agency")
        case = self.escalate(
            self.invoice(self.dupont, 100.0, "2026-03-10", "2026-03-01")
        )
        self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        with self.mockSMSGateway():
            self.run_collection()
        self.assertEqual(case.stage, "agency")
        self.assertEqual(len(case.invoice_ids), 2)

    @freeze_time(TODAY)
    def test_a_typology_makes_escalations_wait_for_a_manager(self):
        self.escalation_rules()
        typology = self.env["collection.typology"].create(
            {
                "name": "Key account",
                "code": "key_account_test",
                "escalation_requires_approval": True,
            }
        )
        self.dupont.collection_typology_id = typology
        invoice = self.invoice(self.dupont, 1000.0, "2026-01-20", "2026-01-05")
        with self.mockSMSGateway():
            self.run_collection()
        waiting = self.actions(invoice_id=invoice.id, kind="escalation")
        self.assertEqual(waiting.state, "proposed")
        self.assertFalse(self.env["collection.case"].search([]))
        with self.assertRaisesRegex(AccessError, "collection manager"):
            waiting.with_user(self.collector).action_approve()
        self.assertEqual(waiting.state, "proposed")
        waiting.with_user(self.manager).action_approve()
        self.assertEqual(waiting.state, "done")
        self.assertEqual(waiting.collection_case_id.invoice_ids, invoice)
        self.assertEqual(
            fields.Date.to_string(waiting.collection_case_id.date_open), TODAY
        )
