# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Feedback a customer gives a colleague (on the phone, in a letter),
recorded in the back office: the same follow-up as feedback sent from the
collection page, by a collection user only, on an unpaid invoice of their
company, and what is wrong refused before anything is written."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin, give_default_configuration
from .test_feedback_rules import COLLECTION_USER

TODAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFeedbackBackOffice(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        give_default_configuration(cls.env, company)
        cls.collector = new_test_user(
            cls.env,
            login="rf_back_office_collector",
            name="Claire Collector",
            groups=COLLECTION_USER,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Pharmacie Leroy",
                "is_company": True,
                "email": "leroy@example.com",
                "country_id": cls.env.ref("base.fr").id,
                "collection_user_id": cls.collector.id,
            }
        )
        cls.reasons = {
            reason.code: reason
            for reason in cls.env["collection.feedback.reason"]._for_company(company)
        }

    def overdue(self, amount=1000.0):
        return self.invoice(
            self.customer,
            amount,
            TODAY - timedelta(days=20),
            invoice_date=TODAY - timedelta(days=50),
        )

    def wizard(self, invoice=None, user=None, **values):
        """The wizard as the collector fills it in from ``invoice``'s form."""
        env = self.env(user=user or self.collector)
        Wizard = env["collection.feedback.wizard"]
        if invoice:
            Wizard = Wizard.with_context(default_invoice_id=invoice.id)
        form = Form(Wizard)
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def test_a_colleague_records_what_the_customer_said(self):
        invoice = self.overdue()
        form = self.wizard(
            invoice,
            reason_id=self.reasons["delivery_problem"],
            comment="Two pallets of <b>the order</b> never arrived",
            contact_channel="phone",
            contact_time="morning",
        )
        self.assertEqual(form.partner_id, self.customer)
        action = form.save().action_confirm()
        feedback = self.env["collection.feedback"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "collection.feedback")
        mine = feedback.with_user(self.collector)
        self.assertEqual(
            (mine.source, mine.state, mine.partner_id, mine.invoice_id),
            ("back_office", "new", self.customer, invoice),
        )
        self.assertEqual(mine.comment, "Two pallets of <b>the order</b> never arrived")
        self.assertEqual(
            (mine.contact_channel, mine.contact_time), ("phone", "morning")
        )
        self.assertEqual(mine.create_uid, self.collector)
        # The reason's follow-up, as for feedback from the collection page:
        # a dispute opened, an activity for the responsible.
        self.assertTrue(mine.dispute_opened)
        self.assertEqual(invoice.collection_dispute_state, "open")
        self.assertEqual(invoice.collection_dispute_reason, "delivery")
        self.assertEqual(mine.user_id, self.collector)
        self.assertEqual(
            mine.activity_ids.summary, "Check the delivery with the customer"
        )
        # Logged on the invoice by the colleague, the customer's words escaped.
        note = invoice.message_ids.filtered(
            lambda m: "recorded why the customer has not paid" in str(m.body)
        )
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.collector.partner_id)
        self.assertIn("Claire Collector recorded", str(note.body))
        self.assertIn("&lt;b&gt;the order&lt;/b&gt;", str(note.body))
        self.assertNotIn("<b>the order</b>", str(note.body))

    def test_the_list_and_the_invoice_offer_to_record_feedback(self):
        action = self.env.ref("recouvrement_fidelite.collection_feedback_wizard_action")
        Feedback = self.env["collection.feedback"].with_user(self.collector)
        for view in ("list", "kanban"):
            arch = Feedback.get_views([(False, view)])["views"][view]["arch"]
            self.assertIn(f"{action.id}", arch)
            self.assertIn("Record Feedback", arch)
        Move = self.env["account.move"].with_user(self.collector)
        arch = Move.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(f'name="{action.id}"', arch)

    def test_a_comment_the_reason_asks_for_is_required(self):
        invoice = self.overdue()
        self.assertTrue(self.reasons["other"].comment_required)
        # The form asks for it…
        form = self.wizard(invoice, reason_id=self.reasons["other"])
        with self.assertRaisesRegex(AssertionError, "comment is a required field"):
            form.save()
        # …and so does the server.
        wizard = (
            self.env["collection.feedback.wizard"]
            .with_user(self.collector)
            .create({"invoice_id": invoice.id, "reason_id": self.reasons["other"].id})
        )
        with self.assertRaisesRegex(UserError, "needs the customer's words"):
            wizard.action_confirm()
        self.assertFalse(self.env["collection.feedback"].search([]))
        # Blanks are no comment.
        wizard.comment = "   "
        with self.assertRaisesRegex(UserError, "needs the customer's words"):
            wizard.action_confirm()
        wizard.comment = "x" * 5001
        wizard.reason_id = self.reasons["payment_sent"]
        with self.assertRaisesRegex(UserError, "too long"):
            wizard.action_confirm()
        self.assertFalse(self.env["collection.feedback"].search([]))
        self.assertFalse(invoice.collection_feedback_count)

    def test_only_an_unpaid_customer_invoice(self):
        paid = self.overdue()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        self.assertEqual(paid.payment_state, "paid")
        wizard = (
            self.env["collection.feedback.wizard"]
            .with_user(self.collector)
            .create(
                {"invoice_id": paid.id, "reason_id": self.reasons["payment_sent"].id}
            )
        )
        with self.assertRaisesRegex(UserError, "not an unpaid customer invoice"):
            wizard.action_confirm()
        self.assertFalse(self.env["collection.feedback"].search([]))

    def test_a_reason_of_another_company_is_refused(self):
        invoice = self.overdue()
        other = self.setup_other_company(name="Autre Société")["company"]
        foreign = self.reasons["payment_sent"].copy(
            {
                "name": "Paiement envoyé (autre)",
                "code": "payment_sent_elsewhere",
                "company_id": other.id,
            }
        )
        wizard = self.env["collection.feedback.wizard"].create(
            {"invoice_id": invoice.id, "reason_id": foreign.id}
        )
        with self.assertRaisesRegex(UserError, "not offered to the customers"):
            wizard.action_confirm()
        self.assertFalse(self.env["collection.feedback"].search([]))

    def test_who_may_record_feedback(self):
        invoice = self.overdue()
        clerk = new_test_user(
            self.env,
            login="rf_back_office_clerk",
            groups="base.group_user,account.group_account_invoice",
        )
        with self.assertRaises(AccessError):
            self.env["collection.feedback.wizard"].with_user(clerk).create(
                {"invoice_id": invoice.id, "reason_id": self.reasons["other"].id}
            )
        # A collection user of another company does not reach the invoice.
        other = self.setup_other_company(name="Autre Société")["company"]
        stranger = new_test_user(
            self.env,
            login="rf_back_office_stranger",
            groups=COLLECTION_USER,
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["collection.feedback.wizard"].with_user(stranger).create(
                {
                    "invoice_id": invoice.id,
                    "reason_id": self.reasons["payment_sent"].id,
                    "comment": "Paid",
                }
            ).action_confirm()
        self.assertFalse(self.env["collection.feedback"].search([]))
