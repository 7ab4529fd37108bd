# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's collection page, through HTTP as a browser reaches it:
with the token of a reminder's link, or logged in as a portal user."""

import secrets
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin


@tagged("post_install", "-at_install")
class TestPortalCollection(InvoiceMixin, AccountTestInvoicingCommon, HttpCase):
    invoice_issued_days_ago = 150

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer_a = cls.env["res.partner"].create(
            {"name": "Boulangerie <b>Martin</b>", "is_company": True, "lang": "en_US"}
        )
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "Paul Martin", "parent_id": cls.customer_a.id}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Garage Dupont", "is_company": True}
        )
        cls.inv_a_overdue = cls.invoice_due_in(cls.customer_a, 1000.0, -45)
        cls.inv_a_contact = cls.invoice_due_in(cls.contact_a, 200.0, -5)
        cls.inv_a_due = cls.invoice_due_in(cls.customer_a, 300.0, 10)
        cls.inv_a_old = cls.invoice_due_in(cls.customer_a, 50.0, -120)
        cls.refund_a = cls.invoice_due_in(cls.customer_a, 80.0, 0, "out_refund")
        cls.inv_b = cls.invoice_due_in(cls.customer_b, 777.0, -20)
        cls.other = cls.setup_other_company(name="Other Company")["company"]
        cls.inv_a_other_company = cls.invoice_due_in(
            cls.customer_a, 999.0, -20, company=cls.other
        )
        cls.collector = new_test_user(
            cls.env,
            login="rf_portal_collector",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.clerk = new_test_user(
            cls.env,
            login="rf_portal_clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal_a = new_test_user(
            cls.env,
            login="rf_portal_a",
            password="rf_portal_a_pw",
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal_a.partner_id.parent_id = cls.customer_a
        cls.portal_b = new_test_user(
            cls.env,
            login="rf_portal_b",
            password="rf_portal_b_pw",
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal_b.partner_id.parent_id = cls.customer_b

    def _url(self, partner, company=None, short=False):
        url = (
            partner.with_user(self.collector)
            .with_company(company or self.company)
            ._collection_portal_url(company=company, short=short)
        )
        return url[len(self.company.get_base_url()) :]

    def _token(self, partner, company=None):
        return self._url(partner, company).rsplit("/", 1)[1]

    def assertNotFound(self, path):
        response = self.url_open(path, allow_redirects=False)
        self.assertEqual(response.status_code, 404, path)
        for name in (
            self.inv_a_overdue.name,
            self.inv_b.name,
            "Garage Dupont",
            "Boulangerie",
        ):
            self.assertNotIn(name, response.text, path)
        return response

    # -- reaching the page ---------------------------------------------------

    def test_token_page_shows_own_statement_only(self):
        response = self.url_open(self._url(self.customer_a))
        self.assertEqual(response.status_code, 200)
        page = response.text
        for invoice in (
            self.inv_a_overdue,
            self.inv_a_contact,
            self.inv_a_due,
            self.inv_a_old,
            self.refund_a,
        ):
            self.assertIn(invoice.name, page)
        self.assertNotIn(self.inv_b.name, page)
        self.assertNotIn("Garage Dupont", page)
        self.assertNotIn("999.00", page, "other company")
        # Balance 1000 + 200 + 300 + 50 - 80 = 1470; overdue 1250.
        self.assertIn("1,470.00", page)
        self.assertIn("1,250.00", page)
        self.assertIn("Overdue", page)
        # Escaped customer name, never raw HTML.
        self.assertNotIn("<b>Martin</b>", page)
        self.assertIn("&lt;b&gt;Martin&lt;/b&gt;", page)
        # The invoice PDF and pay links go through Odoo's invoice portal.
        self.assertIn(f"/my/invoices/{self.inv_a_overdue.id}?access_token=", page)
        access = self.env["collection.portal.access"].search(
            [("partner_id", "=", self.customer_a.id)]
        )
        self.assertTrue(access.last_visit)

    def test_statement_data_buckets(self):
        data = self.env["collection.portal.access"]._statement_data(
            self.contact_a, self.company
        )
        self.assertEqual(data["partner"], self.customer_a)
        self.assertAlmostEqual(data["balance"], 1470.0)
        self.assertAlmostEqual(data["overdue"], 1250.0)
        buckets = data["buckets"]
        self.assertAlmostEqual(buckets["not_due"], 300.0 - 80.0)
        self.assertAlmostEqual(buckets["1_30"], 200.0)
        self.assertAlmostEqual(buckets["31_60"], 1000.0)
        self.assertAlmostEqual(buckets["61_90"], 0.0)
        self.assertAlmostEqual(buckets["over_90"], 50.0)

    def test_dispute_status_shown(self):
        self.inv_a_overdue.sudo().collection_dispute_state = "open"
        page = self.url_open(self._url(self.customer_a)).text
        self.assertIn("In dispute", page)

    def test_same_link_reused_and_short_link_redirects(self):
        url = self._url(self.customer_a)
        self.assertEqual(url, self._url(self.customer_a))
        self.assertEqual(url, self._url(self.contact_a), "commercial entity")
        short = self._url(self.customer_a, short=True)
        self.assertTrue(short.startswith("/c/"))
        self.assertLess(len(short), 20)
        response = self.url_open(short, allow_redirects=False)
        self.assertIn(response.status_code, (301, 302, 303))
        self.assertTrue(response.headers["Location"].endswith(url))

    def test_bad_tokens_all_not_found(self):
        token = self._token(self.customer_a)
        access = self.env["collection.portal.access"].search(
            [("partner_id", "=", self.customer_a.id)]
        )
        self.assertNotFound("/my/collection/" + secrets.token_urlsafe(32))
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        self.assertNotFound("/my/collection/" + tampered)
        self.assertNotFound("/my/collection/" + token.upper())
        self.assertNotFound("/my/collection/" + "x" * 500)
        self.assertNotFound("/my/collection/%27%20OR%201=1--")
        self.assertNotFound(f"/my/collection/{secrets.token_urlsafe(32)}/statement.pdf")
        self.assertNotFound("/c/" + secrets.token_urlsafe(9))
        access.expiry_date = self.today - timedelta(days=1)
        self.assertNotFound(f"/my/collection/{token}")
        self.assertNotFound(f"/my/collection/{token}/statement.pdf")
        access.expiry_date = self.today + timedelta(days=3)
        self.assertEqual(self.url_open(f"/my/collection/{token}").status_code, 200)
        self.customer_a.with_user(self.collector).action_collection_portal_revoke()
        self.assertNotFound(f"/my/collection/{token}")
        self.assertNotFound(f"/c/{access.short_token}")

    def test_forged_requests(self):
        self._token(self.customer_a)
        for __ in range(300):
            forged = secrets.token_urlsafe(secrets.choice([8, 9, 16, 32, 33]))
            path = secrets.choice(
                ["/my/collection/%s", "/my/collection/%s/statement.pdf", "/c/%s"]
            )
            response = self.url_open(path % forged, allow_redirects=False)
            self.assertEqual(response.status_code, 404, path % forged)
            self.assertNotIn(self.inv_a_overdue.name, response.text)

    def test_other_company_link_shows_other_company_only(self):
        url = self.customer_a._collection_portal_url(company=self.other)
        self.assertNotEqual(url, self.customer_a._collection_portal_url(self.company))
        page = self.url_open(url[len(self.other.get_base_url()) :]).text
        self.assertIn("999.00", page)
        self.assertNotIn("1,470.00", page)
        self.assertNotIn("1,000.00", page)

    def test_statement_pdf(self):
        token = self._token(self.customer_a)
        response = self.url_open(f"/my/collection/{token}/statement.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # Test mode renders the report's HTML instead of a real PDF.
        self.assertIn(self.inv_a_overdue.name, response.text)
        self.assertNotIn(self.inv_b.name, response.text)

    # -- logged in -----------------------------------------------------------

    def test_portal_user_sees_own_entity_only(self):
        self.authenticate("rf_portal_a", "rf_portal_a_pw")
        page = self.url_open("/my/collection").text
        self.assertIn(self.inv_a_overdue.name, page)
        self.assertNotIn(self.inv_b.name, page)
        self.authenticate("rf_portal_b", "rf_portal_b_pw")
        page = self.url_open("/my/collection").text
        self.assertIn(self.inv_b.name, page)
        self.assertNotIn(self.inv_a_overdue.name, page)
        pdf = self.url_open("/my/collection/statement.pdf").text
        self.assertIn(self.inv_b.name, pdf)
        self.assertNotIn(self.inv_a_overdue.name, pdf)

    def test_portal_home_counters(self):
        self.authenticate("rf_portal_a", "rf_portal_a_pw")
        self.assertIn("/my/collection", self.url_open("/my").text)
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["collection_open_count"]}
        )
        self.assertEqual(result["collection_open_count"], 4)

    def test_anonymous_needs_login_for_my_collection(self):
        response = self.url_open("/my/collection", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    # -- back office ---------------------------------------------------------

    def test_revoke_and_new_link_rights(self):
        url = self._url(self.customer_a)
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.clerk).action_collection_portal_new_link()
        self.customer_a.with_user(self.collector).action_collection_portal_new_link()
        new_url = self._url(self.customer_a)
        self.assertNotEqual(url, new_url)
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(new_url).status_code, 200)
        self.assertTrue(
            self.customer_a.with_user(self.collector).collection_portal_valid_until
        )

    # -- the link in every reminder -----------------------------------------

    def test_reminders_carry_the_link(self):
        url = self.customer_a._collection_portal_url(self.company)
        short = self.customer_a._collection_portal_url(self.company, short=True)
        for tone in ("courtesy", "first", "firm", "formal"):
            mail = self.env.ref(
                f"recouvrement_fidelite.mail_template_collection_{tone}"
            )
            body = mail._render_field("body_html", self.inv_a_overdue.ids)[
                self.inv_a_overdue.id
            ]
            self.assertIn(url, str(body), tone)
            sms = self.env.ref(f"recouvrement_fidelite.sms_template_collection_{tone}")
            text = sms._render_field("body", self.inv_a_overdue.ids)[
                self.inv_a_overdue.id
            ]
            self.assertIn(short, text, tone)
        # The link of the mail opens the page; the short one leads to it.
        path = url[len(self.company.get_base_url()) :]
        self.assertEqual(self.url_open(path).status_code, 200)
        short_path = short[len(self.company.get_base_url()) :]
        response = self.url_open(short_path, allow_redirects=False)
        self.assertTrue(response.headers["Location"].endswith(path))

    # -- events and the hourly limit ------------------------------------------

    def _events(self, partner, event_type):
        return self.env["collection.portal.event"].search_count(
            [("partner_id", "=", partner.id), ("event_type", "=", event_type)]
        )

    def test_visits_are_recorded_per_customer(self):
        url = self._url(self.customer_a)
        self.url_open(url)
        self.url_open(url)
        self.assertEqual(self._events(self.customer_a, "visit"), 2)
        self.assertEqual(self._events(self.customer_b, "visit"), 0)
        self.authenticate("rf_portal_b", "rf_portal_b_pw")
        self.url_open("/my/collection")
        self.assertEqual(self._events(self.customer_b, "visit"), 1)
        # A wrong token records nothing.
        self.url_open("/my/collection/" + secrets.token_urlsafe(32))
        self.assertEqual(self.env["collection.portal.event"].search_count([]), 3)

    def test_forms_per_hour_are_limited_per_customer(self):
        events = self.env["collection.portal.event"]
        self.company.collection_portal_post_limit = 3
        self.assertEqual(events._posts_left(self.customer_a, self.company), 3)
        for __ in range(2):
            events._log(self.contact_a, self.company, "feedback")
        # Visits do not count; a contact's forms count for its company.
        events._log(self.customer_a, self.company, "visit")
        self.assertEqual(events._posts_left(self.customer_a, self.company), 1)
        events._log(self.customer_a, self.company, "promise")
        self.assertEqual(events._posts_left(self.customer_a, self.company), 0)
        # Another customer, or the same customer in another company, is apart.
        self.assertEqual(events._posts_left(self.customer_b, self.company), 3)
        self.assertEqual(
            events._posts_left(self.customer_a, self.other),
            self.other.collection_portal_post_limit,
        )
        # Forms older than an hour no longer count.
        self.env.cr.execute(
            "UPDATE collection_portal_event "
            "SET create_date = now() - interval '2 hours'"
        )
        self.assertEqual(events._posts_left(self.customer_a, self.company), 3)

    def test_malformed_tokens_never_reach_the_database(self):
        Access = self.env["collection.portal.access"]
        token = self._token(self.customer_a)
        self.assertTrue(Access._find(token))
        # A NUL byte would make PostgreSQL fail (a server error): refused
        # before any query, as every token that is not made like ours.
        for forged in (token + "\x00", "\x00", token[:-1] + "é", "a b", "", None, 42):
            with self.assertQueryCount(0):
                self.assertFalse(Access._find(forged))
