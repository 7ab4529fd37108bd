# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo data (issue 10): a French company, French users, and a history
in the demo user's language.

The suite's database has no demo data: the demo file is loaded here, in the
test's transaction, on top of the main company. The company's currency is
set when `make demo` creates the database (scripts/demo), before accounting
exists: it cannot change once journal items exist, so it is not checked here.
"""

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

MODULE = "recouvrement_fidelite"


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_demo_installs_a_french_company_with_a_french_history(self):
        convert_file(
            self.env,
            MODULE,
            "demo/collection_demo.xml",
            {},
            mode="init",
            noupdate=False,
            kind="demo",
        )
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id.code, "FR")
        self.assertEqual(company.vat, "FR11123456782")
        self.assertEqual((company.zip, company.city), ("69002", "Lyon"))
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.lang, "fr_FR")
        controller = self.env.ref(f"{MODULE}.demo_user_credit_controller")
        self.assertEqual(company.collection_contact_user_id, controller)
        self.assertEqual(controller.lang, "fr_FR")
        customers = self.env["res.partner"].browse(
            [
                self.env.ref(f"{MODULE}.{name}").id
                for name in (
                    "demo_partner_premium",
                    "demo_partner_standard",
                    "demo_partner_occasional",
                    "demo_partner_paused",
                )
            ]
        )
        self.assertEqual(set(customers.mapped("lang")), {"fr_FR"})
        # The collection run of the demo wrote the history in French: on the
        # customer, one note per channel (the invoice's own history is its
        # collection actions).
        invoice = self.env.ref(f"{MODULE}.demo_invoice_occasional_late")
        notes = " ".join(invoice.commercial_partner_id.message_ids.mapped("body"))
        self.assertIn("Recouvrement :", notes)
        self.assertIn("Pourquoi :", notes)
        self.assertNotIn("Why:", notes)
        # The reminder reached the French customer in French, naming the
        # credit controller (the customer has no collection responsible).
        emails = invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertTrue(emails)
        self.assertIn("Votre interlocuteur pour toute question", emails[0].body)
        self.assertIn("Sophie Garnier", emails[0].body)
        self.assertNotIn("OdooBot", emails[0].body)
        self.assertEqual(emails[0].author_id, controller.partner_id)

    def test_the_demo_history_gives_the_analyses_something_to_show(self):
        for name in ("collection_demo.xml", "collection_analytics_demo.xml"):
            convert_file(
                self.env, MODULE, f"demo/{name}", {}, mode="init", noupdate=False
            )
        self.env.flush_all()
        lost = self.env.ref(f"{MODULE}.demo_partner_lost")
        late_payer = self.env.ref(f"{MODULE}.demo_partner_late_payer")
        retention = self.env["collection.report.retention"].search([])
        # The lost customer reached the last level and never bought again;
        # the late payer reached it too, and kept buying every month.
        self.assertEqual(
            retention.filtered(
                lambda r: r.partner_id == lost and r.level_reached == "3"
            ).bought_again,
            0,
        )
        self.assertEqual(
            retention.filtered(
                lambda r: r.partner_id == late_payer and r.level_reached == "3"
            ).bought_again,
            100,
        )
        ratings = self.env["collection.report.satisfaction"].search([])
        self.assertEqual(
            set(ratings.mapped("rating")), {1.0, 2.0, 3.0, 4.0, 5.0}, "every mood"
        )
        steps = self.env["collection.report.step"].search([])
        self.assertEqual(set(steps.mapped("channel")), {"email", "sms", "letter"})
        self.assertTrue(self.env["collection.report.late.reason"].search([]))
        paid = self.env["collection.report.level.payment"].search(
            [("date_paid", "!=", False)]
        )
        self.assertTrue(paid)
