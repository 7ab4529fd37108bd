# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The reminder letter: one per customer, worded by tone, legal mentions by
customer type."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin

TODAY = "2026-03-20"
REPORT = "recouvrement_fidelite.collection_letter"


@tagged("post_install", "-at_install")
class TestCollectionLetter(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Messages checked in English, whatever the database's language.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_user"
        )
        company = cls.env.company
        company.write(
            {
                "country_id": cls.env.ref("base.fr").id,
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "phone": "+33 4 78 00 11 22",
                "email": "compta@atelier.example",
            }
        )
        cls.env["res.partner.bank"].create(
            {
                "partner_id": company.partner_id.id,
                "acc_number": "FR76 3000 6000 0112 3456 7890 189",
            }
        )
        cls.responsible = cls.env["res.users"].create(
            {
                "name": "Claire Collector",
                "login": "claire.collector",
                "email": "claire@atelier.example",
                "phone": "+33 4 78 00 11 25",
            }
        )
        address = {
            "lang": "en_US",
            "street": "8 avenue Jean Jaurès",
            "zip": "69007",
            "city": "Lyon",
            "country_id": cls.env.ref("base.fr").id,
        }
        Partner = cls.env["res.partner"]
        cls.business = Partner.create(
            dict(
                address,
                name="Boulangerie Martin SARL",
                is_company=True,
                collection_user_id=cls.responsible.id,
            )
        )
        cls.contact = Partner.create(
            {
                "name": "Paul Martin",
                "parent_id": cls.business.id,
                "type": "contact",
                "lang": "en_US",
            }
        )
        cls.business.collection_contact_id = cls.contact
        cls.consumer = Partner.create(dict(address, name="Sophie Bernard"))
        cls.first = cls.invoice(cls.business, 420.0, "2026-02-08")
        cls.second = cls.invoice(cls.business, 186.5, "2026-03-08")
        cls.private = cls.invoice(cls.consumer, 180.0, "2026-03-01")
        scenario = cls.env["collection.scenario"].create({"name": "Letters"})
        cls.level_firm = cls.env["collection.level"].create(
            {
                "scenario_id": scenario.id,
                "name": "Second reminder",
                "level_number": 2,
                "delay_days": 15,
                "tone": "firm",
            }
        )
        cls.level_formal = cls.env["collection.level"].create(
            {
                "scenario_id": scenario.id,
                "name": "Last reminder",
                "level_number": 3,
                "delay_days": 30,
                "tone": "formal",
            }
        )

    def html(self, invoices, data=None, **context):
        report = self.env["ir.actions.report"].with_context(**context)
        content, _format = report._render_qweb_html(REPORT, invoices.ids, data=data)
        return content.decode() if isinstance(content, bytes) else str(content)

    def letters(self, invoices, data=None):
        return self.env[
            "report.recouvrement_fidelite.collection_letter"
        ]._get_report_values(invoices.ids, data=data or {})["letters"]

    @freeze_time(TODAY)
    def test_pdf_renders(self):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, (self.first | self.second).ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    @freeze_time(TODAY)
    def test_one_letter_for_a_customer_with_two_invoices(self):
        html = self.html(self.first | self.second, data={"tone": "neutral"})
        self.assertEqual(html.count('class="page o_collection_letter"'), 1)
        self.assertIn(self.first.name, html)
        self.assertIn(self.second.name, html)
        self.assertIn("606.50", html, "the total of both invoices")
        self.assertIn("Reminder: overdue invoices", html)
        self.assertIn("the invoices below remain unpaid", html)
        # Addressed to the collection contact, at the customer's address.
        self.assertIn("Paul Martin", html)
        self.assertIn("69007", html)
        # Place and date, payment means, the company's contact.
        self.assertIn("Lyon, March 20, 2026", html)
        self.assertIn("FR76 3000 6000 0112 3456 7890 189", html)
        self.assertIn("IBAN", html)
        self.assertIn(f"/my/invoices/{self.first.id}?access_token=", html)
        self.assertIn(self.first.get_base_url(), html)
        self.assertIn("Claire Collector", html)
        self.assertIn("+33 4 78 00 11 25", html)
        self.assertIn("claire@atelier.example", html)
        # Days late, counted from the due date.
        letter = self.letters(self.first | self.second)[0]
        self.assertEqual([row["days_late"] for row in letter["rows"]], [40, 12])
        self.assertEqual(letter["invoices"], self.first | self.second)

    @freeze_time(TODAY)
    def test_late_payment_mention_for_businesses_only(self):
        business = self.html(self.first)
        self.assertIn("L441-10", business)
        self.assertIn("EUR 40", business)
        consumer = self.html(self.private)
        self.assertNotIn("L441-10", consumer)
        self.assertNotIn("EUR 40", consumer)
        self.assertNotIn("recovery costs", consumer)
        self.assertIn("Sophie Bernard", consumer)

    @freeze_time(TODAY)
    def test_several_customers_get_one_letter_each(self):
        html = self.html(self.first | self.private | self.second)
        self.assertEqual(html.count('class="page o_collection_letter"'), 2)
        letters = self.letters(self.first | self.private | self.second)
        self.assertEqual(
            {letter["customer"] for letter in letters}, {self.business, self.consumer}
        )

    @freeze_time(TODAY)
    def test_wording_follows_the_tone(self):
        expected = {
            "courteous": (
                "Reminder: invoices awaiting payment",
                "probably an oversight",
            ),
            "neutral": ("Reminder: overdue invoices", "by March 28, 2026"),
            "firm": ("payment required without delay", "without further delay"),
            "formal": ("Last reminder before formal notice", "last amicable reminder"),
        }
        for tone, (subject, body) in expected.items():
            with self.subTest(tone=tone):
                html = self.html(self.first, data={"tone": tone})
                self.assertIn(subject, html)
                self.assertIn(body, html)
                self.assertIn("the invoice below", html)
        # Never dressed up as a court document.
        formal = self.html(self.first | self.second, data={"tone": "formal"})
        for word in ("bailiff", "court", "judgment", "seizure"):
            self.assertNotIn(word, formal.lower())

    @freeze_time(TODAY)
    def test_a_first_contact_never_mentions_previous_reminders(self):
        """Letters and emails of a firm or formal level say "previous
        reminders" only when every invoice they concern was reminded."""
        invoices = self.first | self.second
        for tone in ("firm", "formal"):
            with self.subTest(tone=tone):
                html = self.html(invoices, data={"tone": tone})
                self.assertNotIn("previous reminders", html)
                self.assertIn("According to our records", html)
        template = self.env.ref("recouvrement_fidelite.mail_template_collection_firm")

        def body():
            return template.with_context(
                collection_invoice_ids=invoices.ids
            )._render_field("body_html", self.first.ids)[self.first.id]

        self.assertNotIn("previous reminder", body())
        self.assertIn("Unless we are mistaken", body())
        # One of the two was reminded before: still not "previous reminders".
        self.first.sudo().collection_reminder_count = 1
        self.assertNotIn("previous reminder", body())
        self.assertNotIn(
            "previous reminders", self.html(invoices, data={"tone": "firm"})
        )
        # Both were: now it is true.
        self.second.sudo().collection_reminder_count = 1
        self.assertIn("Despite our previous reminder", body())
        self.assertIn(
            "Despite our previous reminders", self.html(invoices, data={"tone": "firm"})
        )

    @freeze_time(TODAY)
    def test_tone_comes_from_the_level(self):
        # The level the invoices reached.
        self.first.collection_level_id = self.level_firm
        self.assertEqual(self.letters(self.first)[0]["tone"], "firm")
        # The level given by the caller wins.
        letter = self.letters(
            self.first, {"collection_level_id": self.level_formal.id}
        )[0]
        self.assertEqual(letter["tone"], "formal")
        # The reminder being sent: the run renders before recording the level.
        self.env["collection.action"]._record(
            {
                "company_id": self.env.company.id,
                "invoice_id": self.first.id,
                "partner_id": self.business.id,
                "level_id": self.level_formal.id,
                "kind": "reminder",
                "channel": "letter",
                "state": "approved",
            }
        )
        self.assertEqual(self.letters(self.first)[0]["tone"], "formal")
        # Nothing known: neutral.
        self.assertEqual(self.letters(self.private)[0]["tone"], "neutral")

    @freeze_time(TODAY)
    def test_letter_without_bank_account_or_contact(self):
        self.env.company.partner_id.bank_ids.unlink()
        self.private.invoice_user_id = False
        html = self.html(self.private)
        self.assertNotIn("IBAN", html)
        self.assertIn(f"/my/invoices/{self.private.id}?access_token=", html)
        # No collection responsible: the company is the contact.
        self.assertIn("compta@atelier.example", html)

    @freeze_time(TODAY)
    def test_only_customer_invoices(self):
        refund = self.first._reverse_moves()
        with self.assertRaisesRegex(UserError, "customer invoices only"):
            self.html(self.first | refund)
