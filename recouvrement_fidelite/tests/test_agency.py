# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Handing a case over to a collection agency: the mandate, the transfer
(reminders stay stopped), amounts collected by hand or from a CSV report
with the commission and the remittance date, the recall."""

import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_escalation_case import EscalationCase
from .test_formal_notice import text_of

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestAgency(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Recouvre Plus SAS",
                "is_company": True,
                "street": "40 rue Garibaldi",
                "zip": "69006",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "collection_is_agency": True,
                "collection_agency_commission": 12.5,
                "collection_agency_remit_days": 30,
            }
        )

    def import_csv(self, content, **values):
        return (
            self.env["collection.case.agency.import"]
            .with_user(self.collector)
            .create(dict(values, file=base64.b64encode(content.encode())))
            .action_import()
        )

    def handed_over(self, invoices):
        case = self.escalate(invoices).with_user(self.collector)
        case.action_stage_agency()
        case.agency_id = self.agency
        case.action_agency_mandate()
        case.action_agency_transfer()
        return case

    @freeze_time(TODAY)
    def test_the_mandate_then_the_transfer(self):
        invoice = self.invoice(self.dupont, 3000.0, "2026-01-20", "2026-01-05")
        case = self.escalate(invoice).with_user(self.collector)
        case.action_stage_agency()
        self.assertEqual(case.next_step, "Mandate to sign with an agency")
        with self.assertRaisesRegex(UserError, "Choose the collection agency"):
            case.action_agency_mandate()
        case.agency_id = self.bob
        with self.assertRaisesRegex(UserError, "not marked as a collection agency"):
            case.action_agency_mandate()
        with self.assertRaisesRegex(UserError, "Sign the mandate"):
            case.action_agency_transfer()
        case.agency_id = self.agency
        case.action_agency_mandate()
        self.assertEqual(case.agency_state, "mandate")
        self.assertEqual(case.agency_commission_rate, 12.5)
        self.assertIn(case.agency_mandate_id, case.document_ids)
        text = text_of(case.agency_mandate_id.raw)
        for expected in (
            "Amicable collection mandate",
            "Recouvre Plus SAS",
            "collect amicably, in the creditor's name and on its behalf",
            "Dupont Menuiserie SARL",
            invoice.name,
            "Fixed indemnity for recovery costs",
            "a commission of 12.50 % of the sums it actually collects",
            "within 30 days of receiving them",
            "article L111-8",
            "the second and third paragraphs of article L111-8",
            "article 28 of the General Data Protection Regulation",
        ):
            self.assertIn(expected, text)
        case.action_agency_transfer()
        self.assertEqual(case.agency_state, "transferred")
        self.assertIn("Handed over to Recouvre Plus SAS", case.next_step)
        invoice.invalidate_recordset()
        self.assertTrue(invoice.collection_paused, "our reminders stay stopped")
        self.assertIn(
            "handed over to the collection agency", invoice.message_ids[0].body
        )
        with self.assertRaisesRegex(UserError, "already signed"):
            case.action_agency_mandate()

    @freeze_time(TODAY)
    def test_collected_amounts_with_commission_and_remittance(self):
        case = self.handed_over(
            self.invoice(self.dupont, 3000.0, "2026-01-20", "2026-01-05")
        )
        case.agency_payment_ids = [
            Command.create({"date": "2026-02-10", "amount": 1000.0, "reference": "V1"}),
            Command.create({"date": "2026-03-15", "amount": 400.0}),
        ]
        first, second = case.agency_payment_ids
        self.assertAlmostEqual(first.commission, 125.0)
        self.assertEqual(str(first.remit_by), "2026-03-12")
        self.assertAlmostEqual(case.agency_collected, 1400.0)
        self.assertAlmostEqual(case.agency_commission, 175.0)
        self.assertAlmostEqual(case.agency_to_remit, 1225.0)
        self.assertTrue(case.agency_remit_late, "the first amount was due on 12 March")
        self.assertEqual(case.next_step, "Handed over; a remittance is late")
        first.remitted_date = "2026-03-11"
        self.assertFalse(case.agency_remit_late)
        self.assertAlmostEqual(case.agency_to_remit, 350.0)
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            with self.cr.savepoint():
                case.agency_payment_ids = [
                    Command.create({"date": TODAY, "amount": -5.0})
                ]
        with self.assertRaisesRegex(ValidationError, "before it was collected"):
            with self.cr.savepoint():
                second.remitted_date = "2026-03-01"

    @freeze_time(TODAY)
    def test_an_agency_report_is_imported_from_csv(self):
        first = self.handed_over(
            self.invoice(self.dupont, 3000.0, "2026-01-20", "2026-01-05")
        )
        first.agency_reference = "RP-77812"
        second = self.handed_over(
            self.invoice(self.alice, 900.0, "2026-01-20", "2026-01-05")
        )
        done = self.import_csv(
            "Référence;Date;Montant;Paiement\n"
            f"{first.name};12/03/2026;1 250,50;CHQ-1\n"
            "RP-77812;2026-03-18;100;\n"
            f"{second.name};2026-03-19;300.00;VIR-9\n",
            agency_id=self.agency.id,
        )
        self.assertIn(
            "3 amounts collected recorded on 2 cases", done["params"]["message"]
        )
        self.assertEqual(first.agency_payment_ids.mapped("amount"), [1250.5, 100.0])
        self.assertEqual(first.agency_payment_ids[0].reference, "CHQ-1")
        self.assertEqual(str(first.agency_payment_ids[0].date), "2026-03-12")
        self.assertEqual(second.agency_payment_ids.amount, 300.0)

    @freeze_time(TODAY)
    def test_a_bad_report_imports_nothing(self):
        case = self.handed_over(
            self.invoice(self.dupont, 3000.0, "2026-01-20", "2026-01-05")
        )
        other = self.escalate(
            self.invoice(self.alice, 900.0, "2026-01-20", "2026-01-05")
        )
        with self.assertRaises(UserError) as caught:
            self.import_csv(
                "reference,date,amount\n"
                f"{case.name},2026-03-12,200\n"
                "ESC/9999/0001,2026-03-12,200\n"
                f"{other.name},2026-03-12,50\n"
                f"{case.name},31/02/2026,-4\n"
            )
        problems = str(caught.exception)
        self.assertIn("Nothing was imported", problems)
        self.assertIn(
            "Line 3: no file handed over to an agency has the reference ESC/9999/0001",
            problems,
        )
        self.assertIn(
            f"Line 4: no file handed over to an agency has the reference {other.name}",
            problems,
        )
        self.assertIn("Line 5: 31/02/2026 is not a date", problems)
        self.assertIn("Line 5: -4 is not a positive amount", problems)
        self.assertFalse(case.agency_payment_ids, "not even the good line")
        with self.assertRaisesRegex(UserError, "missing: amount"):
            self.import_csv("reference;date\nX;2026-01-01\n")

    @freeze_time(TODAY)
    def test_a_file_is_recalled(self):
        case = self.handed_over(
            self.invoice(self.dupont, 3000.0, "2026-01-20", "2026-01-05")
        )
        case.action_agency_recall()
        self.assertEqual(case.agency_state, "recalled")
        self.assertEqual(case.next_step, "File recalled from the agency")
        self.assertIn(
            "File recalled from the agency: decide the next step",
            case.activity_ids.mapped("summary"),
        )
        with self.assertRaisesRegex(UserError, "not handed over to an agency"):
            case._agency_record([{"date": TODAY, "amount": 10.0}])
        with self.assertRaisesRegex(UserError, "not with an agency"):
            case.action_agency_recall()
