# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The injunction to pay: not during insolvency proceedings nor for a
time-barred claim, the court by the customer's type, the request with the
Cerfa information, the service and opposition periods, the outcome."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_escalation_case import EscalationCase
from .test_formal_notice import text_of

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestInjunction(EscalationCase):
    def injunction(self, invoices):
        case = self.escalate(invoices).with_user(self.collector)
        case.action_stage_injunction()
        return case

    @freeze_time(TODAY)
    def test_a_business_claim_goes_to_the_commercial_court(self):
        invoice = self.invoice(self.dupont, 7200.0, "2026-02-01", "2026-01-15")
        case = self.injunction(invoice)
        self.assertEqual(case.stage, "injunction")
        self.assertEqual(case.inj_court_kind, "commercial")
        self.assertEqual(case.next_step, "Request to file with the court")
        case.action_injunction_file()
        self.assertEqual(str(case.inj_filed_date), TODAY)
        text = text_of(case.inj_dossier_id.raw)
        for expected in (
            "Request for an injunction to pay",
            "To the President of the Commercial court of Lyon",
            "Dupont Menuiserie SARL",
            invoice.name,
            "plus 10 points, from the day after each due date",
            "Annex: information for form Cerfa 12946",
            "Unpaid invoices: " + invoice.name,
        ):
            self.assertIn(expected, text)
        with self.assertRaisesRegex(UserError, "was filed on"):
            case.action_injunction_file()
        # The order must be served within six months, then one month to oppose.
        with self.assertRaisesRegex(UserError, "before the request was filed"):
            with self.cr.savepoint():
                case.inj_order_date = "2026-03-01"
        case.inj_order_date = "2026-04-10"
        self.assertEqual(str(case.inj_service_deadline), "2026-10-10")
        self.assertEqual(case.date_deadline, case.inj_service_deadline)
        self.assertIn("to serve by 10/10/2026", case.next_step)
        with self.assertRaisesRegex(UserError, "lapsed on 10/10/2026"):
            with self.cr.savepoint():
                case.inj_served_date = "2026-10-11"
        case.inj_served_date = "2026-04-20"
        self.assertEqual(str(case.inj_opposition_deadline), "2026-05-20")
        self.assertEqual(case.date_deadline, case.inj_opposition_deadline)
        with self.assertRaisesRegex(UserError, "may oppose until 05/20/2026"):
            case.action_injunction_enforceable()
        with freeze_time("2026-05-21"):
            case.action_injunction_enforceable()
            self.assertEqual(case.inj_outcome, "enforceable")
            self.assertIn(
                "Ask the court for the enforcement formula, then a commissaire de "
                "justice to enforce the order",
                case.activity_ids.mapped("summary"),
            )

    @freeze_time(TODAY)
    def test_a_consumer_claim_goes_to_the_judicial_court(self):
        case = self.injunction(
            self.invoice(self.martin, 300.0, "2026-02-01", "2026-01-15")
        )
        self.assertEqual(case.inj_court_kind, "judicial")
        case.action_injunction_file()
        text = text_of(case.inj_dossier_id.raw)
        self.assertIn("To the judge of the Judicial court of Lyon", text)
        self.assertIn("Cerfa 12948", text)
        self.assertIn("from the formal notice", text)
        self.assertNotIn("indemnity", text)
        case.action_injunction_rejected()
        self.assertEqual(case.inj_outcome, "rejected")

    @freeze_time(TODAY)
    def test_insolvency_or_prescription_refuse_the_injunction(self):
        self.dupont.collection_insolvency_date = "2026-03-01"
        case = self.escalate(
            self.invoice(self.dupont, 500.0, "2026-02-01", "2026-01-15")
        )
        with self.assertRaisesRegex(UserError, "insolvency proceedings"):
            case.with_user(self.collector).action_stage_injunction()
        self.assertEqual(case.stage, "formal_notice")
        old = self.invoice(self.martin, 300.0, "2024-03-01", "2024-02-01")
        barred = self.escalate(old).with_user(self.collector)
        with self.assertRaisesRegex(UserError, "time-barred"):
            barred.action_stage_injunction()

    @freeze_time(TODAY)
    def test_an_opposition_needs_the_order_served(self):
        case = self.injunction(
            self.invoice(self.dupont, 900.0, "2026-02-01", "2026-01-15")
        )
        case.action_injunction_file()
        with self.assertRaisesRegex(UserError, "served first"):
            case.action_injunction_opposition()
        with self.assertRaisesRegex(UserError, "record its date first"):
            with self.cr.savepoint():
                case.inj_served_date = TODAY
        case.inj_order_date = TODAY
        case.inj_served_date = TODAY
        case.action_injunction_opposition()
        self.assertEqual(case.inj_outcome, "opposition")
        with self.assertRaisesRegex(UserError, "already recorded"):
            case.action_injunction_rejected()
