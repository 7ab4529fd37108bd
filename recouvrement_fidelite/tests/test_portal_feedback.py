# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer's feedback through HTTP, as a browser sends it: "Tell us
why" with each reason's follow-up, the courtesy reminder's yes and no, the
rating of the collection; and what a forger gets: 404 for what is not
theirs, 400 for a missing CSRF token or a bad form, 405 for a wrong method,
429 over the hourly limit, never a 500 and never another customer's data."""

import base64
import re
import secrets
from datetime import timedelta
from urllib.parse import quote

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)
HOSTILE = "<script>alert('x')</script><b>bold</b>'; DROP TABLE res_partner; --"


@tagged("post_install", "-at_install")
class TestPortalFeedback(InvoiceMixin, AccountTestInvoicingCommon, HttpCase):
    invoice_issued_days_ago = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        users = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.collector = new_test_user(
            cls.env,
            login="rf_fb_collector",
            name="Claire Collector",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            **users,
        )
        cls.customer_a = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "lang": "en_US",
                "email": "martin@example.com",
                "collection_user_id": cls.collector.id,
            }
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Garage Dupont", "is_company": True, "email": "dupont@example.com"}
        )
        cls.inv_a = cls.invoice_due_in(cls.customer_a, 1000.0, -20)
        cls.inv_a2 = cls.invoice_due_in(cls.customer_a, 300.0, 10)
        cls.inv_b = cls.invoice_due_in(cls.customer_b, 777.0, -20)
        cls.other = cls.setup_other_company(name="Other Company")["company"]
        cls.inv_a_other = cls.invoice_due_in(
            cls.customer_a, 999.0, -20, company=cls.other
        )
        cls.portal_a = new_test_user(
            cls.env,
            login="rf_fb_portal_a",
            password="rf_fb_portal_a_pw",
            groups="base.group_portal",
            **users,
        )
        cls.portal_a.partner_id.parent_id = cls.customer_a
        cls.reasons = {
            reason.code: reason
            for reason in cls.env["collection.feedback.reason"]._for_company(
                cls.company
            )
        }

    # -- helpers -------------------------------------------------------------------

    def page(self, partner=None, company=None):
        """The path of ``partner``'s collection page (token link)."""
        partner = partner or self.customer_a
        company = company or self.company
        url = partner.with_company(company)._collection_portal_url(company=company)
        return url[len(company.get_base_url()) :]

    def csrf(self, path):
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200, path)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def send(self, path, data, files=None, csrf=True):
        data = dict(data)
        if csrf is True:
            data["csrf_token"] = self.csrf(path)
        elif csrf:
            data["csrf_token"] = csrf
        return self.url_open(path, data=data, files=files, allow_redirects=False)

    def tell(self, code, invoice=None, page=None, **data):
        invoice = invoice or self.inv_a
        path = f"{page or self.page()}/feedback/{invoice.id}"
        return self.send(path, dict({"reason_id": self.reasons[code].id}, **data))

    def courtesy_link(self, invoice, answer):
        """The path of the "yes" or "no" link of ``invoice``'s courtesy
        reminder, taken from the email as the run renders it (rendering it
        also gives the customer their collection link)."""
        template = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_courtesy"
        )
        body = str(template._render_field("body_html", invoice.ids)[invoice.id])
        url = invoice._collection_courtesy_url(answer)
        self.assertIn(url, body)
        return url[len(invoice.company_id.get_base_url()) :]

    def feedback(self, **domain):
        return self.env["collection.feedback"].search(
            [(key, "=", value) for key, value in domain.items()]
        )

    def counts(self):
        """What a refused request must not have changed."""
        return (
            self.env["collection.feedback"].search_count([]),
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "collection.feedback")]
            ),
            self.env["collection.portal.event"].search_count(
                [("event_type", "!=", "visit")]
            ),
            self.env["mail.message"].search_count([]),
            self.env["collection.satisfaction"].search_count(
                [("state", "=", "answered")]
            ),
        )

    def assertNotLeaking(self, response):
        for text in (self.inv_b.name, "Garage Dupont", "777.00", "999.00"):
            self.assertNotIn(text, response.text)

    # -- Tell us why ---------------------------------------------------------------

    def test_form_lists_the_reasons_of_an_open_invoice(self):
        page = self.page()
        listing = self.url_open(page).text
        self.assertIn(f"{page}/feedback/{self.inv_a.id}", listing)
        self.assertIn("Tell us why", listing)
        self.assertIn("Report a problem", listing, "not yet due")
        response = self.url_open(f"{page}/feedback/{self.inv_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_a.name, response.text)
        for reason in self.reasons.values():
            self.assertIn(f'value="{reason.id}"', response.text)
        self.assertIn("Temporary financial difficulty", response.text)
        self.assertIn('name="csrf_token"', response.text)
        self.assertIn('<textarea id="collection_comment" name="comment"', response.text)
        self.assertIn('accept=".jpeg,.jpg,.pdf,.png"', response.text)
        self.assertNotLeaking(response)

    def test_dispute_reason_opens_a_dispute_routed_to_the_responsible(self):
        response = self.tell("billing_error", comment="Quantity is 10, not 12.")
        self.assertEqual(response.status_code, 303)
        feedback = self.feedback(invoice_id=self.inv_a.id)
        self.assertEqual(len(feedback), 1)
        self.assertIn(f"/feedback-sent/{feedback.id}", response.headers["Location"])
        self.assertEqual(feedback.partner_id, self.customer_a)
        self.assertEqual(feedback.source, "portal")
        self.assertTrue(feedback.access_id)
        self.assertFalse(feedback.submitted_by_id)
        self.assertEqual(feedback.comment, "Quantity is 10, not 12.")
        self.assertEqual(feedback.user_id, self.collector)
        self.assertTrue(feedback.dispute_opened)
        self.assertEqual(self.inv_a.collection_dispute_state, "open")
        self.assertEqual(self.inv_a.collection_dispute_reason, "billing_error")
        self.assertEqual(self.inv_a.collection_dispute_user_id, self.collector)
        self.assertEqual(self.inv_a.collection_dispute_note, "Quantity is 10, not 12.")
        activity = feedback.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            activity.summary, "Check the invoice the customer contests and answer them"
        )
        event = self.env["collection.portal.event"].search(
            [("event_type", "=", "feedback")]
        )
        self.assertEqual((event.res_model, event.res_id), (feedback._name, feedback.id))
        # The collection user reads it; the customer's words are on the invoice.
        self.assertTrue(feedback.with_user(self.collector).reason_id.name)
        self.assertIn(
            "Quantity is 10, not 12.",
            "".join(self.inv_a.message_ids.mapped("body")),
        )
        sent = self.url_open(response.headers["Location"])
        self.assertEqual(sent.status_code, 200)
        self.assertIn("We have opened a dispute on invoice", sent.text)
        self.assertIn("We will check the invoice", sent.text)
        # A second dispute reason: the dispute stays as it is, the feedback
        # is added.
        self.tell("price_disagreement", comment="And the price too")
        second = self.feedback(invoice_id=self.inv_a.id) - feedback
        self.assertFalse(second.dispute_opened)
        self.assertEqual(self.inv_a.collection_dispute_reason, "billing_error")
        sent = self.url_open(f"{self.page()}/feedback-sent/{second.id}")
        self.assertIn("A dispute is already open", sent.text)

    def test_each_reason_follows_its_configuration(self):
        expected = {
            "invoice_not_received": ("check", None, 7),
            "billing_error": ("dispute", "billing_error", 0),
            "delivery_problem": ("dispute", "delivery", 0),
            "non_conformity": ("dispute", "non_conformity", 0),
            "price_disagreement": ("dispute", "price", 0),
            "financial_difficulty": ("offer", None, 0),
            "payment_sent": ("check", None, 7),
            "payment_method": ("check", None, 5),
            "other": ("check", None, 0),
        }
        self.assertEqual(set(expected), set(self.reasons))
        self.company.collection_portal_post_limit = 100
        for code, (follow_up, dispute, pause) in expected.items():
            invoice = self.invoice_due_in(self.customer_a, 100.0, -15)
            response = self.tell(code, invoice, comment=f"About {code}")
            self.assertEqual(response.status_code, 303, code)
            feedback = self.feedback(invoice_id=invoice.id)
            self.assertEqual(feedback.reason_id.code, code)
            self.assertEqual(feedback.follow_up, follow_up, code)
            self.assertEqual(invoice.collection_dispute_reason or None, dispute, code)
            self.assertEqual(
                feedback.pause_until,
                self.today + timedelta(days=pause) if pause else False,
                code,
            )
            invoice.invalidate_recordset()
            self.assertEqual(invoice.collection_paused, bool(dispute or pause), code)
            self.assertEqual(feedback.activity_ids.user_id, self.collector, code)
            self.assertEqual(
                feedback.activity_ids.summary, feedback.reason_id.activity_summary
            )
            sent = self.url_open(response.headers["Location"]).text
            self.assertIn(feedback.reason_id.customer_message.split(".")[0], sent)
            offers = (
                f"/plan?invoice_id={invoice.id}",
                f"/promise?invoice_id={invoice.id}",
            )
            for offer in offers:
                self.assertEqual(offer in sent, follow_up == "offer", code)
            if pause:
                self.assertIn("We will send you no reminder", sent)

    def test_reason_configuration_changes_the_follow_up(self):
        reason = self.reasons["other"]
        reason.write(
            {
                "follow_up": "dispute",
                "dispute_reason": "other",
                "user_id": self.env.user.id,
                "activity_summary": False,
            }
        )
        self.env.user.groups_id |= self.env.ref(
            "recouvrement_fidelite.group_collection_user"
        )
        self.tell("other", comment="Something else")
        feedback = self.feedback(invoice_id=self.inv_a.id)
        self.assertEqual(self.inv_a.collection_dispute_state, "open")
        self.assertEqual(self.inv_a.collection_dispute_user_id, self.env.user)
        self.assertEqual(feedback.user_id, self.env.user)
        self.assertFalse(feedback.activity_ids, "no activity summary, no activity")

    def test_logged_in_customer_sends_feedback(self):
        self.authenticate("rf_fb_portal_a", "rf_fb_portal_a_pw")
        path = f"/my/collection/feedback/{self.inv_a.id}"
        response = self.send(
            path,
            {
                "reason_id": self.reasons["payment_sent"].id,
                "comment": "Paid by transfer on Monday",
                "contact_channel": "phone",
                "contact_time": "morning",
                "contact_detail": "+33 6 12 34 56 78",
            },
            files={"attachment": ("proof.pdf", PDF, "application/pdf")},
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].startswith("/my/collection/feedback-sent/")
        )
        feedback = self.feedback(invoice_id=self.inv_a.id)
        self.assertEqual(feedback.submitted_by_id, self.portal_a.partner_id)
        self.assertFalse(feedback.access_id)
        self.assertEqual(
            (feedback.contact_channel, feedback.contact_time, feedback.contact_detail),
            ("phone", "morning", "+33 6 12 34 56 78"),
        )
        self.assertEqual(feedback.attachment_id.raw, PDF)
        self.assertEqual(feedback.attachment_id.mimetype, "application/pdf")
        self.assertEqual(feedback.attachment_id.name, "proof.pdf")
        sent = self.url_open(response.headers["Location"]).text
        self.assertIn("We will contact you as you asked: phone call.", sent)
        # The collection page lists it, with its status.
        listing = self.url_open("/my/collection").text
        self.assertIn("Your messages", listing)
        self.assertIn("Payment already sent", listing)

    def test_courtesy_no_leads_to_the_feedback_form(self):
        yes = self.courtesy_link(self.inv_a2, "yes")
        no = self.courtesy_link(self.inv_a2, "no")
        response = self.url_open(no, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = response.headers["Location"]
        self.assertIn(
            f"{self.page()}/feedback/{self.inv_a2.id}?source=courtesy", location
        )
        form = self.url_open(location)
        self.assertIn("We are sorry something did not go as expected", form.text)
        self.assertIn('name="source" value="courtesy"', form.text)
        self.assertFalse(self.feedback(), "a click on 'no' records nothing")
        response = self.send(
            f"{self.page()}/feedback/{self.inv_a2.id}",
            {
                "reason_id": self.reasons["delivery_problem"].id,
                "source": "courtesy",
                "comment": "Two boxes missing",
            },
        )
        self.assertEqual(response.status_code, 303)
        feedback = self.feedback(invoice_id=self.inv_a2.id)
        self.assertEqual(feedback.source, "courtesy")
        # Found before the due date: a dispute on a not yet due invoice.
        self.assertEqual(self.inv_a2.collection_dispute_state, "open")
        # The "yes" of the same email is another link, signed alike.
        self.assertEqual(yes.rsplit("/", 1)[1], no.rsplit("/", 1)[1])

    def test_courtesy_yes_is_recorded_once_and_thanked(self):
        path = self.courtesy_link(self.inv_a2, "yes")
        Event = self.env["collection.portal.event"]
        domain = [("event_type", "=", "courtesy_answer")]
        # Opening the link (as a mail filter scanning the email does) only
        # asks the customer to confirm.
        before = self.counts()
        for _opened in range(2):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Did everything go well", response.text)
            self.assertIn(self.inv_a2.name, response.text)
            self.assertIn(self.inv_a2._collection_courtesy_url("no"), response.text)
            self.assertNotIn("Thank you for your answer", response.text)
            self.assertNotLeaking(response)
        self.assertEqual(Event.search_count(domain), 0)
        self.assertEqual(self.counts(), before)
        self.assertNotIn(
            "everything went well", "".join(self.inv_a2.message_ids.mapped("body"))
        )
        # A confirmation without the page's token is refused.
        response = self.send(path, {}, csrf="forged")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Event.search_count(domain), 0)
        # The customer's click.
        token = self.csrf(path)
        response = self.send(path, {}, csrf=token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you for your answer", response.text)
        self.assertIn(self.inv_a2.name, response.text)
        self.assertNotLeaking(response)
        self.assertEqual(Event.search_count(domain), 1)
        event = Event.search(domain)
        self.assertEqual(
            (event.res_model, event.res_id), ("account.move", self.inv_a2.id)
        )
        self.assertEqual(event.partner_id, self.customer_a)
        self.assertIn(
            "everything went well", "".join(self.inv_a2.message_ids.mapped("body"))
        )
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you for your answer", response.text, "already answered")
        self.assertEqual(self.send(path, {}, csrf=token).status_code, 200)
        self.assertEqual(Event.search_count(domain), 1, "answered once")

    def test_courtesy_reminder_email_carries_the_answers(self):
        template = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_courtesy"
        )
        body = str(template._render_field("body_html", self.inv_a2.ids)[self.inv_a2.id])
        self.assertIn("Did everything go well with the delivery or the service?", body)
        self.assertIn(self.inv_a2._collection_courtesy_url("yes"), body)
        self.assertIn(self.inv_a2._collection_courtesy_url("no"), body)
        # A reminder for two invoices asks about each.
        both = (self.inv_a | self.inv_a2).ids
        body = str(
            template.with_context(collection_invoice_ids=both)._render_field(
                "body_html", self.inv_a2.ids
            )[self.inv_a2.id]
        )
        for invoice in self.inv_a | self.inv_a2:
            self.assertIn(invoice._collection_courtesy_url("no"), body)
        # The link of the email works.
        url = self.inv_a2._collection_courtesy_url("yes")
        self.assertEqual(
            self.url_open(url[len(self.company.get_base_url()) :]).status_code, 200
        )

    def test_courtesy_links_cannot_be_forged(self):
        before = self.counts()
        good = self.courtesy_link(self.inv_a2, "yes")
        signature = good.rsplit("/", 1)[1]
        other = self.courtesy_link(self.inv_b, "yes")
        forged = [
            good[:-1] + ("A" if good[-1] != "A" else "B"),
            good.replace("/yes/", "/maybe/"),
            f"/my/collection/courtesy/{self.inv_b.id}/yes/{signature}",
            f"/my/collection/courtesy/{self.inv_b.id}/no/{signature}",
            f"/my/collection/courtesy/{self.inv_a2.id}/yes/" + other.rsplit("/", 1)[1],
            f"/my/collection/courtesy/999999999/yes/{signature}",
            f"/my/collection/courtesy/{self.inv_a2.id}/yes/",
            f"/my/collection/courtesy/{self.inv_a2.id}/yes/%27%20OR%201=1--",
            f"/my/collection/courtesy/{self.inv_a2.id}/yes/" + "x" * 600,
        ]
        for path in forged:
            response = self.url_open(path, allow_redirects=False)
            self.assertEqual(response.status_code, 404, path)
            self.assertNotLeaking(response)
        response = self.url_open(good, data={"x": "1"}, allow_redirects=False)
        self.assertEqual(response.status_code, 400, "POST without the page's token")
        # A forged link confirmed with a valid token is no more found.
        token = self.csrf(good)
        for path in forged[:6]:
            response = self.send(path, {}, csrf=token)
            self.assertEqual(response.status_code, 404, path)
        self.assertEqual(self.counts(), before)
        # Revoking the customer's link closes the answers of sent emails too.
        no = self.courtesy_link(self.inv_a2, "no")
        self.assertEqual(self.url_open(no, allow_redirects=False).status_code, 303)
        self.customer_a.with_user(self.collector).action_collection_portal_revoke()
        for path in (good, no):
            response = self.url_open(path, allow_redirects=False)
            self.assertEqual(response.status_code, 404, path)
        self.assertEqual(self.counts(), before)
        self.assertEqual(
            self.env["collection.portal.access"].search_count(
                [("partner_id", "=", self.customer_a.id), ("revoked", "=", False)]
            ),
            0,
            "no new link handed out",
        )

    # -- Rating --------------------------------------------------------------------

    def question(self, partner=None, company=None, state="sent"):
        partner = partner or self.customer_a
        if company:
            invoice = self.inv_a_other
        else:
            invoice = self.inv_a if partner == self.customer_a else self.inv_b
        return (
            self.env["collection.satisfaction"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": (company or self.company).id,
                    "case_type": "dispute_resolved",
                    "case_key": secrets.token_hex(8),
                    "invoice_id": invoice.id,
                    "state": state,
                    "date_sent": fields.Datetime.now(),
                }
            )
        )

    def test_rating_once(self):
        question = self.question()
        path = f"{self.page()}/rating/{question.id}"
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"the dispute on invoice {self.inv_a.name}", response.text)
        self.assertIn("Very satisfied", response.text)
        self.assertIn('name="comment"', response.text)
        response = self.send(path, {"rating": "4", "comment": HOSTILE})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your rating helps us", response.text)
        self.assertEqual((question.state, question.rating), ("answered", 4))
        self.assertEqual(question.comment, HOSTILE)
        self.assertTrue(question.date_answered)
        # Once: a second answer changes nothing.
        token = self.csrf(f"{self.page()}/feedback/{self.inv_a.id}")
        response = self.send(path, {"rating": "1", "comment": "changed"}, csrf=token)
        self.assertIn("We had already received your rating", response.text)
        self.assertEqual((question.rating, question.comment), (4, HOSTILE))
        self.assertEqual(
            self.env["collection.portal.event"].search_count(
                [("event_type", "=", "rating")]
            ),
            1,
        )
        # The collection page offers no more rating.
        self.assertNotIn(f"/rating/{question.id}", self.url_open(self.page()).text)

    def test_rating_refused_when_wrong(self):
        question = self.question()
        path = f"{self.page()}/rating/{question.id}"
        self.assertIn(f"{path}", self.url_open(self.page()).text, "offered on the page")
        before = self.counts()
        for rating in ("0", "6", "", "4.5", "abc", "<b>5</b>"):
            response = self.send(path, {"rating": rating})
            self.assertEqual(response.status_code, 400, rating)
            self.assertIn("Choose a rating from 1 to 5", response.text)
        response = self.send(path, {"rating": "5", "comment": "x" * 2001})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.counts(), before)
        self.assertEqual(question.state, "sent")
        # Someone else's question, another company's, one never sent: 404.
        for other in (
            self.question(self.customer_b),
            self.question(company=self.other),
            self.question(state="skipped"),
        ):
            response = self.url_open(f"{self.page()}/rating/{other.id}")
            self.assertEqual(response.status_code, 404)
            response = self.url_open(
                f"{self.page()}/rating/{other.id}",
                data={
                    "rating": "5",
                    "csrf_token": self.csrf(f"{self.page()}/feedback/{self.inv_a.id}"),
                },
            )
            self.assertEqual(response.status_code, 404)
            self.assertNotEqual(other.state, "answered")

    def test_rating_email_link_opens_the_page(self):
        question = self.question()
        url = question._rating_url()
        self.assertTrue(url.startswith(self.company.get_base_url()))
        response = self.url_open(url[len(self.company.get_base_url()) :])
        self.assertEqual(response.status_code, 200)
        self.authenticate("rf_fb_portal_a", "rf_fb_portal_a_pw")
        self.assertEqual(
            self.url_open(f"/my/collection/rating/{question.id}").status_code, 200
        )

    # -- Forged requests -----------------------------------------------------------

    def test_other_customers_and_companies_invoices_are_not_found(self):
        page = self.page()
        before = self.counts()
        token = self.csrf(f"{page}/feedback/{self.inv_a.id}")
        for invoice in (self.inv_b, self.inv_a_other):
            path = f"{page}/feedback/{invoice.id}"
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404)
            self.assertNotLeaking(response)
            response = self.send(
                path, {"reason_id": self.reasons["billing_error"].id}, csrf=token
            )
            self.assertEqual(response.status_code, 404)
        for path in (
            f"{page}/feedback/999999999",
            f"{page}/feedback/-1",
            f"{page}/feedback/abc",
            f"{page}/feedback/{self.inv_a.id}%20OR%201=1",
            f"/my/collection/{secrets.token_urlsafe(32)}/feedback/{self.inv_a.id}",
            f"/my/collection/{secrets.token_urlsafe(32)}/rating/1",
            f"/my/collection/{secrets.token_urlsafe(32)}/feedback-sent/1",
        ):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404, path)
        # Customer B's feedback is not shown on A's page.
        self.tell("billing_error", self.inv_b, self.page(self.customer_b))
        feedback_b = self.feedback(invoice_id=self.inv_b.id)
        response = self.url_open(f"{page}/feedback-sent/{feedback_b.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotLeaking(response)
        self.assertNotIn("Billing error", self.url_open(page).text)
        # A's link in the other company reaches A's invoices there only.
        page_other = self.page(company=self.other)
        response = self.url_open(f"{page_other}/feedback/{self.inv_a.id}")
        self.assertEqual(response.status_code, 404)
        response = self.url_open(f"{page_other}/feedback/{self.inv_a_other.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts()[0], before[0] + 1)
        self.assertFalse(self.feedback(invoice_id=self.inv_a_other.id))
        self.assertEqual(self.inv_a.collection_dispute_state, "none")

    def test_revoked_and_expired_links_are_not_found(self):
        page = self.page()
        path = f"{page}/feedback/{self.inv_a.id}"
        token = self.csrf(path)
        access = self.env["collection.portal.access"].search(
            [
                ("partner_id", "=", self.customer_a.id),
                ("company_id", "=", self.company.id),
            ]
        )
        access.expiry_date = self.today - timedelta(days=1)
        before = self.counts()
        data = {"reason_id": self.reasons["billing_error"].id, "csrf_token": token}
        self.assertEqual(self.url_open(path).status_code, 404)
        self.assertEqual(self.url_open(path, data=data).status_code, 404)
        access.expiry_date = self.today + timedelta(days=3)
        access.revoked = True
        self.assertEqual(self.url_open(path, data=data).status_code, 404)
        self.assertEqual(self.counts(), before)

    def test_csrf_is_required(self):
        path = f"{self.page()}/feedback/{self.inv_a.id}"
        self.url_open(path)
        before = self.counts()
        data = {"reason_id": self.reasons["billing_error"].id, "comment": "No token"}
        for csrf in (
            False,
            "",
            "0123456789abcdef0123456789abcdef01234567o1700000000",
            secrets.token_hex(20),
        ):
            response = self.send(path, data, csrf=csrf)
            self.assertEqual(response.status_code, 400, csrf)
            self.assertNotLeaking(response)
        # A token from another session is not this session's.
        self.authenticate("rf_fb_portal_a", "rf_fb_portal_a_pw")
        stolen = self.csrf(f"/my/collection/feedback/{self.inv_a.id}")
        self.authenticate(None, None)
        self.assertEqual(self.send(path, data, csrf=stolen).status_code, 400)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.inv_a.collection_dispute_state, "none")

    def test_wrong_methods(self):
        path = f"{self.page()}/feedback/{self.inv_a.id}"
        for method in ("PUT", "DELETE", "PATCH"):
            response = self.opener.request(
                method, self.base_url() + path, timeout=30, allow_redirects=False
            )
            self.assertEqual(response.status_code, 405, method)
        response = self.url_open(f"{self.page()}/feedback-sent/1", data={"x": 1})
        self.assertEqual(response.status_code, 405)

    def test_bad_forms_are_refused_clearly(self):
        path = f"{self.page()}/feedback/{self.inv_a.id}"
        before = self.counts()
        other_company_reason = self.env["collection.feedback.reason"].create(
            {
                "name": "Other company's reason",
                "code": "other_company_reason",
                "company_id": self.other.id,
                "follow_up": "check",
            }
        )
        archived = self.reasons["payment_method"]
        archived.active = False
        cases = [
            ({}, "Choose why the invoice is not paid"),
            ({"reason_id": "abc"}, "Choose why the invoice is not paid"),
            ({"reason_id": "999999"}, "Choose why the invoice is not paid"),
            (
                {"reason_id": other_company_reason.id},
                "Choose why the invoice is not paid",
            ),
            ({"reason_id": archived.id}, "Choose why the invoice is not paid"),
            ({"reason_id": "1 OR 1=1"}, "Choose why the invoice is not paid"),
            ({"reason_id": self.reasons["other"].id}, "Please tell us more"),
            (
                {"reason_id": self.reasons["other"].id, "comment": "  \x00 "},
                "Please tell us more",
            ),
            (
                {"reason_id": self.reasons["payment_sent"].id, "comment": "x" * 5001},
                "Your comment is too long",
            ),
            (
                {
                    "reason_id": self.reasons["payment_sent"].id,
                    "contact_detail": "9" * 121,
                },
                "too long",
            ),
            (
                {
                    "reason_id": self.reasons["payment_sent"].id,
                    "contact_channel": "fax",
                },
                "Choose how you want to be contacted",
            ),
            (
                {"reason_id": self.reasons["payment_sent"].id, "contact_time": "<b>"},
                "Choose when you want to be contacted",
            ),
        ]
        for data, message in cases:
            response = self.send(path, data)
            self.assertEqual(response.status_code, 400, data)
            self.assertIn(message, response.text, data)
            self.assertNotLeaking(response)
        self.assertEqual(self.counts(), before)
        # What was typed comes back, escaped.
        response = self.send(
            path, {"reason_id": self.reasons["other"].id, "contact_detail": HOSTILE}
        )
        self.assertNotIn("<script>alert", response.text)
        self.assertIn("&lt;script&gt;", response.text)

    def test_attachments_checked(self):
        path = f"{self.page()}/feedback/{self.inv_a.id}"
        self.company.collection_feedback_attachment_max_mb = 1
        self.company.collection_portal_post_limit = 100
        data = {"reason_id": self.reasons["payment_sent"].id}
        before = self.counts()
        refused = [
            (
                (
                    "virus.exe",
                    b"MZ\x90\x00" + b"\x00" * 100,
                    "application/octet-stream",
                ),
                "This type of file is not accepted",
            ),
            (
                ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
                "This type of file is not accepted",
            ),
            (
                (
                    "image.svg",
                    b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
                    "image/svg+xml",
                ),
                "This type of file is not accepted",
            ),
            (
                ("noextension", PDF, "application/pdf"),
                "This type of file is not accepted",
            ),
            (
                (
                    "fake.pdf",
                    b"<html><script>alert(1)</script></html>",
                    "application/pdf",
                ),
                "is not a PDF file",
            ),
            (("fake.png", PDF, "image/png"), "is not a PNG file"),
            (("empty.pdf", b"", "application/pdf"), "The file is empty"),
            (
                ("big.pdf", PDF + b"0" * (1024 * 1024), "application/pdf"),
                "The file is too large: 1 MB at most",
            ),
        ]
        for upload, message in refused:
            response = self.send(path, data, files={"attachment": upload})
            self.assertEqual(response.status_code, 400, upload[0])
            self.assertIn(message, response.text, upload[0])
        self.assertEqual(self.counts(), before)
        self.company.collection_feedback_attachment_types = False
        response = self.send(
            path, data, files={"attachment": ("proof.pdf", PDF, "application/pdf")}
        )
        self.assertIn("Attachments are not accepted", response.text)
        self.assertEqual(self.counts(), before)
        self.company.collection_feedback_attachment_types = "pdf,png"
        long_name = "../../etc/" + "a" * 300 + ".png"
        response = self.send(
            path, data, files={"attachment": (long_name, PNG, "image/png")}
        )
        self.assertEqual(response.status_code, 303)
        attachment = self.feedback(invoice_id=self.inv_a.id).attachment_id
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertNotIn("/", attachment.name)
        self.assertLessEqual(len(attachment.name), 120)
        self.assertEqual(attachment.res_model, "collection.feedback")

    def test_hostile_text_is_stored_as_typed_and_escaped_everywhere(self):
        response = self.tell(
            "billing_error",
            comment=HOSTILE,
            contact_detail="<img src=x onerror=alert(1)>",
            contact_channel="email",
        )
        self.assertEqual(response.status_code, 303)
        feedback = self.feedback(invoice_id=self.inv_a.id)
        self.assertEqual(feedback.comment, HOSTILE)
        self.assertTrue(self.env["res.partner"].search_count([]))
        for html in (
            "".join(self.inv_a.message_ids.mapped("body")),
            str(feedback.activity_ids.note),
            str(self.url_open(response.headers["Location"]).text),
            str(self.url_open(self.page()).text),
        ):
            self.assertNotIn("<script>", html)
            self.assertNotIn("<img src=x", html)
            self.assertNotIn("<b>bold</b>", html)
        self.assertIn("&lt;script&gt;", "".join(self.inv_a.message_ids.mapped("body")))
        self.assertIn("&lt;img src=x", str(feedback.activity_ids.note))
        # The dispute's note keeps the words as text, escaped in the chatter.
        self.assertEqual(self.inv_a.collection_dispute_note, HOSTILE)
        # The activity email to the responsible escapes them too.
        mails = self.env["mail.mail"].search([("body_html", "ilike", "DROP TABLE")])
        self.assertTrue(mails, "the responsible is told of the activity by email")
        for mail in mails:
            self.assertNotIn("<script>", mail.body_html)

    def test_hourly_limit(self):
        self.company.collection_portal_post_limit = 2
        question = self.question()
        self.assertEqual(self.tell("payment_sent").status_code, 303)
        self.assertEqual(self.tell("payment_method", self.inv_a2).status_code, 303)
        before = self.counts()
        response = self.tell("billing_error")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Please try again later", response.text)
        response = self.send(f"{self.page()}/rating/{question.id}", {"rating": "5"})
        self.assertEqual(response.status_code, 429)
        path = self.courtesy_link(self.inv_a2, "yes")
        # The courtesy answer's page opens; its confirmation is limited.
        self.assertEqual(self.url_open(path).status_code, 200)
        self.assertEqual(self.send(path, {}).status_code, 429)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.inv_a.collection_dispute_state, "none")
        # The form itself still opens; another customer is not limited.
        self.assertEqual(
            self.url_open(f"{self.page()}/feedback/{self.inv_a.id}").status_code, 200
        )
        response = self.tell("billing_error", self.inv_b, self.page(self.customer_b))
        self.assertEqual(response.status_code, 303)

    def test_many_forged_requests(self):
        """Random forged requests on every route: only 404, 400, 405 or 429,
        nothing of another customer shown, nothing written for customer A."""
        page_b = self.page(self.customer_b)
        token_b = self.csrf(f"{page_b}/feedback/{self.inv_b.id}")
        feedback_a = self.tell("payment_sent")
        self.assertEqual(feedback_a.status_code, 303)
        feedback_a = self.feedback(invoice_id=self.inv_a.id)
        question_a = self.question()
        before = self.counts()
        dispute_a = self.inv_a.collection_dispute_state
        rng = secrets.SystemRandom()
        ids = [
            self.inv_a.id,
            self.inv_a2.id,
            self.inv_a_other.id,
            feedback_a.id,
            question_a.id,
            0,
            999999999,
        ]
        texts = [HOSTILE, "' OR '1'='1", "\x00", "é" * 10, "<b>x</b>", "1; --"]
        statuses = {}
        for __ in range(700):
            identifier = rng.choice(ids)
            path = rng.choice(
                [
                    f"{page_b}/feedback/{identifier}",
                    f"{page_b}/feedback-sent/{identifier}",
                    f"{page_b}/rating/{identifier}",
                    f"/my/collection/{secrets.token_urlsafe(32)}/feedback/{identifier}",
                    f"/my/collection/courtesy/{identifier}/yes/{secrets.token_hex(32)}",
                    # (No NUL in paths: Odoo itself answers 500 to a path
                    # with %00 that no route matches, see the report.)
                    f"/my/collection/courtesy/{identifier}/no/"
                    + quote(rng.choice(texts).replace("\x00", ""), safe=""),
                    f"/my/collection/feedback/{identifier}",
                ]
            )
            data = None
            if rng.random() < 0.6:
                data = {
                    "reason_id": rng.choice(
                        [str(r.id) for r in self.reasons.values()]
                        + rng.sample(texts, 1)
                    ),
                    "comment": rng.choice(texts),
                    "rating": rng.choice(["1", "5", "9", rng.choice(texts)]),
                }
                token = rng.choice([token_b, None, secrets.token_hex(20)])
                if token:
                    data["csrf_token"] = token
            response = self.url_open(path, data=data, allow_redirects=False)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            self.assertIn(response.status_code, (303, 400, 404, 405, 429), (path, data))
            if response.status_code == 303:
                # Anonymous on a logged-in page: the login.
                self.assertIn("/web/login", response.headers["Location"], path)
            self.assertNotIn(self.inv_a.name, response.text, path)
            self.assertNotIn("Boulangerie Martin", response.text, path)
        self.assertEqual(self.counts()[:2], before[:2])
        self.assertEqual(self.inv_a.collection_dispute_state, dispute_a)
        self.assertEqual(question_a.state, "sent")
        self.assertGreater(statuses.get(404, 0), 200)
