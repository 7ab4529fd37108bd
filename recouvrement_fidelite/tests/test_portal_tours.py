# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's side in a real browser, from the link of a real reminder.

Each test runs the collection for real, takes the link to the collection page
from the reminder email the run queued, and starts a Chromium tour there
(static/tests/tours/portal_collection_tours.js), logged out as the customer
is: a feedback that opens a dispute, a promise to pay, a payment plan, an
online payment with Odoo's demo provider. Then it checks what was recorded.
"""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin, give_default_configuration


@tagged("post_install", "-at_install")
class TestPortalTours(InvoiceMixin, AccountTestInvoicingCommon, HttpCase):
    invoice_issued_days_ago = 50
    invoice_label = "Beer kegs"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        # The scenarios, levels and rules the module ships, as a new
        # customer of the addon gets them.
        give_default_configuration(cls.env, cls.company)
        cls.typology = (
            cls.env["collection.typology"]
            .sudo()
            .create(
                {
                    "name": "Tour customers",
                    "code": "tour_customers",
                    "plan_max_installments": 6,
                    "plan_max_months": 6,
                    "plan_accept_without_manager": True,
                }
            )
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Brasserie du Port",
                "is_company": True,
                "email": "compta@brasserie-du-port.example",
                "lang": "en_US",
                "collection_typology_id": cls.typology.id,
            }
        )
        cls.invoice = cls.invoice_due_in(cls.customer, 1200.0, -20)
        demo = (
            cls.env["payment.provider"].sudo().search([("code", "=", "demo")], limit=1)
        )
        cls.provider = demo.copy({"company_id": cls.company.id})
        cls.provider.write({"state": "test", "is_published": True})

    def _link_from_reminder(self):
        """Run the collection for real and return the path of the link to
        the collection page in the reminder email it queued."""
        run = self.env["collection.run"].sudo().create({"company_id": self.company.id})
        run._process()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("recipient_ids", "in", self.customer.ids)], order="id desc", limit=1
            )
        )
        self.assertTrue(mail, "the run queued a reminder email")
        self.assertIn(self.invoice.name, mail.body_html)
        match = re.search(
            r'href="[^"]*?(/my/collection/[A-Za-z0-9_-]+)"', mail.body_html
        )
        self.assertTrue(match, "the reminder carries the link to the page")
        return match[1]

    def test_feedback_from_a_reminder_opens_a_dispute(self):
        link = self._link_from_reminder()
        self.start_tour(link, "recouvrement_fidelite_portal_feedback")
        feedback = (
            self.env["collection.feedback"]
            .sudo()
            .search([("invoice_id", "=", self.invoice.id)])
        )
        self.assertEqual(len(feedback), 1)
        self.assertEqual(feedback.reason_id.name, "Billing error")
        self.assertIn("we received 10", feedback.comment)
        self.invoice.invalidate_recordset()
        self.assertNotIn(
            self.invoice.collection_dispute_state,
            (False, "none", "resolved"),
            "a billing error opens a dispute",
        )

    def test_promise_from_a_reminder(self):
        link = self._link_from_reminder()
        self.start_tour(link, "recouvrement_fidelite_portal_promise")
        promise = (
            self.env["collection.promise"]
            .sudo()
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.date_promised, self.today + timedelta(days=7))
        self.assertEqual(promise.invoice_ids, self.invoice)
        self.assertTrue(self.invoice.collection_paused, "reminders wait for the date")

    def test_payment_plan_from_a_reminder(self):
        link = self._link_from_reminder()
        self.start_tour(link, "recouvrement_fidelite_portal_plan")
        plan = (
            self.env["collection.payment.plan"]
            .sudo()
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.state, "active", "within the typology's limits")
        self.assertEqual(len(plan.installment_ids), 3)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 1200.0)
        self.assertEqual(
            plan.installment_ids[0].date_due, self.today + timedelta(days=10)
        )

    def test_online_payment_from_a_reminder(self):
        link = self._link_from_reminder()
        self.start_tour(link, "recouvrement_fidelite_portal_payment")
        transaction = (
            self.env["payment.transaction"]
            .sudo()
            .search([("invoice_ids", "in", self.invoice.ids)])
        )
        self.assertEqual(len(transaction), 1)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.amount, 1200.0)
        self.invoice.invalidate_recordset()
        self.assertIn(self.invoice.payment_state, ("in_payment", "paid"))
