# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The simplified small-claims procedure: eligibility (threshold, insolvency,
prescription), the request to a commissaire de justice with its dossier, the
answer period, and the outcome (agreement: a payment plan; refusal or
silence: an injunction to pay proposed); its costs stay with us."""

import json

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_collection_run import leaf
from .test_escalation_case import EscalationCase
from .test_formal_notice import text_of

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestSmallClaims(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bailiff = cls.env["res.partner"].create(
            {
                "name": "SCP Lefèvre & Associés, commissaires de justice",
                "is_company": True,
                "street": "8 quai Saint-Antoine",
                "zip": "69002",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "email": "etude@lefevre.example",
                "collection_is_bailiff": True,
            }
        )

    def small_claims(self, invoices):
        case = self.escalate(invoices).with_user(self.collector)
        case.action_stage_small_claims()
        return case

    @freeze_time(TODAY)
    def test_the_whole_procedure_up_to_an_agreement_and_its_payment_plan(self):
        invoice = self.invoice(self.dupont, 2400.0, "2026-02-01", "2026-01-15")
        case = self.escalate(invoice).with_user(self.collector)
        case.env["collection.case.notice"].create(
            {"case_id": case.id, "by_email": False, "by_post": True}
        ).action_send()
        case.notice_tracking_ref = "1A 123 456 7890 1"
        case.action_mark_notice_posted()
        case.notice_delivery_date = "2026-03-23"
        with freeze_time("2026-04-01"):
            case.action_stage_small_claims()
            self.assertEqual(case.stage, "small_claims")
            self.assertEqual(
                case.next_step, "Request to send to a commissaire de justice"
            )
            self.assertIn(
                "Send the request to a commissaire de justice",
                case.activity_ids.mapped("summary"),
            )
            with self.assertRaisesRegex(UserError, "Choose the commissaire de justice"):
                case.action_small_claims_request()
            case.sc_bailiff_id = self.bailiff
            case.action_small_claims_request()
            self.assertEqual(str(case.sc_request_date), "2026-04-01")
            dossier = case.sc_dossier_id
            self.assertIn(dossier, case.document_ids)
            text = text_of(dossier.raw)
            for expected in (
                "Request for the simplified procedure for the recovery of small claims",
                "L125-1",
                "SCP Lefèvre",
                "12 rue de la République, 69002 Lyon, France",
                invoice.name,
                "Principal and interest:",
                "within the threshold of",
                "Formal notice dated 03/20/2026, giving until 03/28/2026 to pay.",
                "no. 1A 123 456 7890 1, delivered on 03/23/2026",
                "The invoices (1): " + invoice.name,
                case.notice_attachment_id.name.removesuffix(".pdf"),
                "costs of this procedure are borne by us as creditor",
            ):
                self.assertIn(expected, text)
            self.assertRegex(text, r"Dupont Menuiserie SARL \( ?business ?\)")
            with self.assertRaisesRegex(UserError, "went to the commissaire"):
                case.action_small_claims_request()
            # Its costs are ours.
            case.cost_ids = [
                Command.create(
                    {"name": "Fees of the commissaire de justice", "amount": 90.0}
                )
            ]
            self.assertEqual(case.cost_ids.stage, "small_claims")
            self.assertEqual(case.cost_ids.borne_by, "creditor")
            self.assertAlmostEqual(case.amount_creditor_costs, 90.0)
            self.assertEqual(case.amount_costs, 0.0, "never claimed")
            with self.assertRaisesRegex(ValidationError, "borne by the creditor"):
                with self.cr.savepoint():
                    case.cost_ids.borne_by = "debtor"
            # The outcome waits for the debtor to be invited.
            with self.assertRaisesRegex(UserError, "invited the debtor"):
                case.action_small_claims_refused()
            with self.assertRaisesRegex(UserError, "before the request was sent"):
                with self.cr.savepoint():
                    case.sc_notified_date = "2026-03-31"
            case.sc_notified_date = "2026-04-03"
            self.assertEqual(str(case.sc_answer_deadline), "2026-05-03", "one month")
            self.assertEqual(case.date_deadline, case.sc_answer_deadline)
            self.assertIn("answer expected by 05/03/2026", case.next_step)
        with freeze_time("2026-04-20"):
            plan_action = (
                self.env["collection.case.agreement"]
                .with_user(self.manager)
                .create(
                    {
                        "case_id": case.id,
                        "title_ref": "Titre n° 2026-0412",
                        "installment_count": 4,
                        "first_date": "2026-05-05",
                    }
                )
                .action_confirm()
            )
            plan = self.env["collection.payment.plan"].browse(plan_action["res_id"])
            self.assertEqual(case.sc_plan_id, plan)
            self.assertEqual(case.sc_outcome, "agreement")
            self.assertEqual(case.sc_title_ref, "Titre n° 2026-0412")
            self.assertEqual(plan.state, "active", "accepted by a manager")
            self.assertEqual(plan.invoice_ids, invoice)
            self.assertEqual(len(plan.installment_ids), 4)
            self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 2400.0)
            self.assertEqual(case.state, "suspended", "the plan is kept")
            self.assertEqual(case.suspend_reason, "plan")

    @freeze_time(TODAY)
    def test_refusal_or_silence_proposes_an_injunction_to_pay(self):
        invoice = self.invoice(self.dupont, 800.0, "2026-02-01", "2026-01-15")
        case = self.small_claims(invoice)
        case.sc_bailiff_id = self.bailiff
        case.action_small_claims_request()
        case.sc_notified_date = TODAY
        with self.assertRaisesRegex(UserError, "has until 04/20/2026 to answer"):
            case.action_small_claims_silence()
        with freeze_time("2026-04-21"):
            case.action_small_claims_silence()
            self.assertEqual(case.sc_outcome, "silence")
            self.assertEqual(
                case.next_step,
                "Simplified procedure failed: injunction to pay proposed",
            )
            self.assertIn(
                "Simplified procedure failed: request an injunction to pay",
                case.activity_ids.mapped("summary"),
            )
            with self.assertRaisesRegex(UserError, "already recorded"):
                case.action_small_claims_refused()
            case.action_stage_injunction()
            self.assertEqual(case.stage, "injunction")
        other = self.small_claims(
            self.invoice(self.alice, 300.0, "2026-02-01", "2026-01-15")
        )
        other.sc_bailiff_id = self.bailiff
        other.action_small_claims_request()
        other.sc_notified_date = TODAY
        other.action_small_claims_refused()
        self.assertEqual(other.sc_outcome, "refusal")

    @freeze_time(TODAY)
    def test_above_the_threshold_principal_and_interest_together(self):
        # 4,990.00 plus interest (12.15 % for 47 days = 78.07): above 5,000.
        above = self.invoice(self.dupont, 4990.0, "2026-02-01", "2026-01-15")
        case = self.escalate(above).with_user(self.collector)
        with self.assertRaisesRegex(
            UserError, r"come to 5,068.07\s€, above the threshold of 5,000.00\s€"
        ):
            case.action_stage_small_claims()
        self.assertEqual(case.stage, "formal_notice", "nothing written")
        self.assertIn(
            "principal and interest come to",
            case._stage_refusal("small_claims")["template"],
        )

    @freeze_time(TODAY)
    def test_the_threshold_itself_qualifies_when_the_profile_says_so(self):
        # Not yet due: no interest; exactly the threshold (in the company's
        # currency here, so that no conversion rounds it).
        profile = self.env.ref("recouvrement_fidelite.legal_profile_fr_b2b")
        profile.indemnity_currency_id = self.env.company.currency_id
        invoice = self.invoice(self.dupont, 5000.0, "2026-03-25", "2026-03-01")
        case = self.escalate(invoice).with_user(self.collector)
        self.assertIsNone(case._small_claims_threshold_refusal())
        case.legal_profile_id.sudo().small_claims_inclusive = False
        self.assertTrue(case._small_claims_threshold_refusal())

    @freeze_time(TODAY)
    def test_insolvency_and_prescription_refuse_the_procedure(self):
        self.dupont.collection_insolvency_date = "2026-03-01"
        case = self.escalate(
            self.invoice(self.dupont, 500.0, "2026-02-01", "2026-01-15")
        )
        with self.assertRaisesRegex(UserError, "insolvency proceedings"):
            case.with_user(self.collector).action_stage_small_claims()
        # A consumer's claim is time-barred after 2 years (France).
        old = self.invoice(self.martin, 300.0, "2024-03-01", "2024-02-01")
        barred = self.escalate(old).with_user(self.collector)
        with self.assertRaisesRegex(UserError, f"{old.name} is time-barred"):
            barred.action_stage_small_claims()
        # A customer whose legal profile has no such procedure.
        self.alice.country_id = self.env.ref("base.us")
        foreign = self.escalate(
            self.invoice(self.alice, 100.0, "2026-02-01", "2026-01-15")
        )
        with self.assertRaisesRegex(UserError, "offers none"):
            foreign.with_user(self.collector).action_stage_small_claims()

    @freeze_time(TODAY)
    def test_the_rules_refuse_a_procedure_the_law_does_not_allow(self):
        self.rule_set.rule_ids[0].write(
            {
                "conditions": json.dumps(
                    leaf("days_overdue", "greater_than_or_equal_to", 45)
                ),
                "actions": json.dumps(
                    [{"name": "escalate", "params": {"stage": "small_claims"}}]
                ),
            }
        )
        small = self.invoice(self.dupont, 900.0, "2026-01-20", "2026-01-05")
        big = self.invoice(self.alice, 9000.0, "2026-01-20", "2026-01-05")
        with self.mockSMSGateway():
            self.run_collection()
        done = self.actions(invoice_id=small.id, kind="escalation")
        self.assertEqual(done.state, "done")
        self.assertEqual(done.collection_case_id.stage, "small_claims")
        refused = self.actions(invoice_id=big.id, kind="escalation")
        self.assertEqual(refused.state, "failed")
        self.assertIn("above the threshold", refused.failure_message)
        self.assertFalse(
            self.env["collection.case"].search([("partner_id", "=", self.alice.id)]),
            "no case left half-written",
        )

    def test_only_commissaires_de_justice_run_it(self):
        with freeze_time(TODAY):
            case = self.small_claims(
                self.invoice(self.dupont, 500.0, "2026-02-01", "2026-01-15")
            )
            case.sc_bailiff_id = self.bob
            with self.assertRaisesRegex(UserError, "not marked as a commissaire"):
                case.action_small_claims_request()
            self.assertFalse(case.sc_request_date)
            self.assertFalse(case.sc_dossier_id)
