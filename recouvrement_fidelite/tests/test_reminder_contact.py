# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Whom a reminder names as the customer's contact, and who signs it (issue
10): a person who can answer, else the company, never a technical user."""

from freezegun import freeze_time

from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestReminderContact(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Messages checked in English, whatever the database's language.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company = cls.env.company
        cls.company.write(
            {"email": "recouvrement@company.example", "phone": "+33 4 72 00 00 00"}
        )
        groups = (
            "base.group_user,account.group_account_invoice,"
            "recouvrement_fidelite.group_collection_user"
        )
        cls.collector = new_test_user(
            cls.env,
            login="collector.contact",
            name="Claire Martin",
            email="claire.martin@company.example",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.collector.partner_id.phone = "+33 4 72 11 22 33"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Sans Responsable SARL",
                "is_company": True,
                "email": "compta@sans-responsable.example",
                "street": "3 rue Neuve",
                "zip": "69002",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "lang": "en_US",
            }
        )
        cls.invoice = cls.invoice(cls.customer, 300.0, "2026-02-01")
        # Invoices created by a scheduled job, an import or the install have
        # OdooBot as salesperson: it must never be named to a customer.
        cls.odoobot = cls.env.ref("base.user_root")
        cls.invoice.invoice_user_id = cls.odoobot

    def send_reminder(self):
        """The first reminder email, sent by a campaign launched by the
        collector: the message on the invoice."""
        Campaign = self.env["collection.campaign"].with_user(self.collector)
        campaign = Campaign.create(
            {
                "name": "Contact check",
                "partner_domain": f"[('id', '=', {self.customer.id})]",
                "channel": "email",
                "mail_template_id": self.env.ref(
                    "recouvrement_fidelite.mail_template_collection_first"
                ).id,
            }
        )
        with freeze_time(TODAY):
            campaign.action_preview()
            campaign.action_launch()
        action = campaign.action_ids
        self.assertEqual(action.state, "done", action.failure_reason)
        return action.message_id

    def assertNoTechnicalUser(self, message):
        for text in (message.body, message.email_from, message.author_id.name):
            self.assertNotIn("OdooBot", text or "")
            self.assertNotIn("odoobot", (text or "").lower())

    def test_template_names_the_company_collection_contact(self):
        self.company.collection_contact_user_id = self.collector
        message = self.send_reminder()
        self.assertNoTechnicalUser(message)
        self.assertIn(
            "Claire Martin, claire.martin@company.example, +33 4 72 11 22 33",
            message.body,
        )
        self.assertEqual(message.author_id, self.collector.partner_id)
        self.assertIn("claire.martin@company.example", message.email_from)

    def test_template_without_contact_names_the_company(self):
        message = self.send_reminder()
        self.assertNoTechnicalUser(message)
        self.assertIn(
            f"{self.company.name}, recouvrement@company.example, +33 4 72 00 00 00",
            message.body,
        )
        self.assertEqual(message.author_id, self.company.partner_id)
        self.assertIn("recouvrement@company.example", message.email_from)

    def test_template_contact_is_never_a_technical_or_archived_user(self):
        archived = new_test_user(
            self.env,
            login="gone",
            name="Former Colleague",
            email="former@company.example",
            groups="base.group_user",
        )
        archived.active = False
        self.company.collection_contact_user_id = archived
        self.customer.collection_user_id = self.odoobot
        values = self.customer._collection_contact_values(self.invoice)
        self.assertFalse(values["user"])
        self.assertEqual(values["name"], self.company.name)
        self.assertEqual(values["partner"], self.company.partner_id)
        message = self.send_reminder()
        self.assertNoTechnicalUser(message)
        self.assertNotIn("Former Colleague", message.body)
        self.assertIn(self.company.name, message.body)

    def test_template_names_the_customer_responsible_first(self):
        responsible = new_test_user(
            self.env,
            login="responsible",
            name="Paul Responsable",
            email="paul@company.example",
            groups="base.group_user",
        )
        self.company.collection_contact_user_id = self.collector
        self.customer.collection_user_id = responsible
        message = self.send_reminder()
        self.assertIn("Paul Responsable, paul@company.example", message.body)
        self.assertEqual(message.author_id, responsible.partner_id)
        # Without a responsible, the invoice's salesperson (a real person)
        # comes before the company's contact.
        self.customer.collection_user_id = False
        self.invoice.invoice_user_id = responsible
        self.assertEqual(
            self.customer._collection_contact_values(self.invoice)["user"],
            responsible,
        )

    def test_letter_names_the_company_collection_contact(self):
        Letter = self.env["report.recouvrement_fidelite.collection_letter"]
        letter = Letter.with_user(self.collector)._get_report_values(self.invoice.ids)[
            "letters"
        ][0]
        self.assertEqual(letter["contact_name"], self.company.name)
        self.assertEqual(letter["contact_email"], "recouvrement@company.example")
        self.assertFalse(letter["responsible"])
        self.company.collection_contact_user_id = self.collector
        letter = Letter.with_user(self.collector)._get_report_values(self.invoice.ids)[
            "letters"
        ][0]
        self.assertEqual(letter["contact_name"], "Claire Martin")
        self.assertEqual(letter["contact_phone"], "+33 4 72 11 22 33")
        self.assertEqual(letter["contact_email"], "claire.martin@company.example")

    def test_config_sets_the_collection_contact(self):
        settings = Form(self.env["res.config.settings"])
        settings.collection_contact_user_id = self.collector
        settings.collection_campaign_quiet_days = 21
        settings.save().execute()
        self.assertEqual(self.company.collection_contact_user_id, self.collector)
        self.assertEqual(self.company.collection_campaign_quiet_days, 21)
        self.assertEqual(
            self.env["res.config.settings"].create({}).collection_contact_email,
            "claire.martin@company.example",
        )
