# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a customer commits to on their collection page, through HTTP as a
browser does (the link of a reminder, CSRF tokens read from the forms):
promises to pay and payment-plan requests within and beyond the limits of
their typology, a proposed plan accepted from its email, contact
preferences, online payment of several invoices and of an installment with
Odoo's demo provider, the monthly statement, and forged requests."""

import json
import re
import secrets
from datetime import timedelta
from html import unescape

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPortalCommitments(InvoiceMixin, AccountTestInvoicingCommon, HttpCase):
    invoice_issued_days_ago = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company.write(
            {"collection_portal_promise_days": 30, "collection_max_installments": 24}
        )
        Typology = cls.env["collection.typology"]
        cls.self_service = Typology.create(
            {
                "name": "Self-service",
                "code": "rf_self_service",
                "company_id": cls.company.id,
                "plan_max_installments": 6,
                "plan_max_months": 6,
                "plan_min_installment": 50.0,
                "plan_accept_without_manager": True,
                "promise_max_days": 20,
            }
        )
        cls.needs_manager = Typology.create(
            {
                "name": "Needs a manager",
                "code": "rf_needs_manager",
                "company_id": cls.company.id,
                "plan_max_installments": 4,
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Boulangerie <b>Martin</b>",
                "is_company": True,
                "lang": "en_US",
                "email": "martin@example.com",
                "collection_typology_id": cls.self_service.id,
            }
        )
        cls.contact_a = Partner.create(
            {
                "name": "Paul Martin",
                "parent_id": cls.customer_a.id,
                "email": "paul@example.com",
            }
        )
        cls.customer_b = Partner.create(
            {
                "name": "Garage Dupont",
                "is_company": True,
                "lang": "en_US",
                "email": "dupont@example.com",
                "collection_typology_id": cls.needs_manager.id,
            }
        )
        cls.contact_b = Partner.create(
            {"name": "Jean Dupont", "parent_id": cls.customer_b.id}
        )
        cls.inv_a1 = cls.invoice_due_in(cls.customer_a, 1000.0, -45)
        cls.inv_a2 = cls.invoice_due_in(cls.customer_a, 300.0, -10)
        cls.inv_a3 = cls.invoice_due_in(cls.customer_a, 200.0, 10)
        cls.inv_b = cls.invoice_due_in(cls.customer_b, 777.0, -20)
        cls.other = cls.setup_other_company(name="Other Company")["company"]
        cls.inv_a_other = cls.invoice_due_in(
            cls.customer_a, 999.0, -20, company=cls.other
        )
        values = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.collector = new_test_user(
            cls.env,
            login="rf_commit_collector",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            **values,
        )
        cls.manager = new_test_user(
            cls.env,
            login="rf_commit_manager",
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
            **values,
        )
        cls.company.collection_approver_id = cls.manager
        cls.portal_a = new_test_user(
            cls.env,
            login="rf_commit_portal_a",
            password="rf_commit_portal_a_pw",
            groups="base.group_portal",
            **values,
        )
        cls.portal_a.partner_id.parent_id = cls.customer_a
        cls.env["ir.config_parameter"].set_param(
            "account_payment.enable_portal_payment", True
        )
        # The test user reads its company's providers only; the demo one is
        # the main company's, copied into the test companies.
        demo = (
            cls.env["payment.provider"].sudo().search([("code", "=", "demo")], limit=1)
        )
        assert demo, "the test database has Odoo's demo payment provider (payment_demo)"
        cls.provider = demo.copy({"company_id": cls.company.id})
        cls.provider.write({"state": "test", "is_published": True})
        cls.other_provider = demo.copy({"company_id": cls.other.id})
        cls.other_provider.write({"state": "test", "is_published": True})
        cls.payment_method = cls.provider.payment_method_ids[:1]

    # -- as a browser --------------------------------------------------------

    def _base(self, partner, company=None):
        """The path of ``partner``'s collection page, from a reminder's link."""
        company = company or self.company
        url = partner.with_company(company)._collection_portal_url(company=company)
        return url[len(company.get_base_url()) :]

    def _form(self, path, status=200):
        """GET a form as a browser; returns the page and its CSRF token."""
        response = self.url_open(path)
        self.assertEqual(response.status_code, status, path)
        match = CSRF.search(response.text)
        return response.text, match and match.group(1)

    def _post(self, path, data, csrf=True):
        """POST a form as a browser: ``data`` as (name, value) pairs, the
        CSRF token of the form's page unless told not to."""
        data = list(data.items()) if isinstance(data, dict) else list(data)
        if csrf:
            token = self._form(path.split("?")[0])[1] if csrf is True else csrf
            data.append(("csrf_token", token))
        return self.url_open(path, data=data, allow_redirects=False)

    def _date(self, days):
        return fields.Date.to_string(self.today + timedelta(days=days))

    def _promises(self, partner):
        return self.env["collection.promise"].search([("partner_id", "=", partner.id)])

    def _plans(self, partner):
        return self.env["collection.payment.plan"].search(
            [("partner_id", "=", partner.id)]
        )

    def _events(self, partner, event_type):
        return self.env["collection.portal.event"].search(
            [("partner_id", "=", partner.id), ("event_type", "=", event_type)]
        )

    def assertRefused(self, response, text):
        self.assertEqual(response.status_code, 400, response.text[:500])
        self.assertIn(text, unescape(response.text))

    # -- promise to pay ------------------------------------------------------

    def test_promise_within_limits(self):
        base = self._base(self.customer_a)
        page, __ = self._form(f"{base}/promise?invoice_id={self.inv_a1.id}")
        for invoice in (self.inv_a1, self.inv_a2, self.inv_a3):
            self.assertIn(invoice.name, page)
        self.assertNotIn(self.inv_b.name, page)
        # (The other company numbers its invoices on its own: ids, not names.)
        self.assertNotIn(f'value="{self.inv_a_other.id}"', page)
        self.assertIn(f'value="{self.inv_a1.id}" checked', page)
        response = self._post(
            f"{base}/promise",
            [
                ("invoice_ids", self.inv_a1.id),
                ("invoice_ids", self.inv_a2.id),
                ("date", self._date(15)),
                ("amount", "500,50"),
                ("note", "<script>alert('x')</script> next week"),
            ],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertTrue(response.headers["Location"].endswith(f"{base}?done=promise"))
        promise = self._promises(self.customer_a)
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.invoice_ids, self.inv_a1 | self.inv_a2)
        self.assertEqual(promise.amount, 500.5)
        self.assertEqual(promise.date_promised, self.today + timedelta(days=15))
        self.assertEqual(promise.channel, "portal")
        self.assertEqual(promise.state, "pending")
        self.assertEqual(promise.note, "<script>alert('x')</script> next week")
        self.assertEqual(self._events(self.customer_a, "promise").res_id, promise.id)
        # The trace escapes what the customer typed.
        bodies = " ".join(promise.with_user(self.collector).message_ids.mapped("body"))
        self.assertIn("collection page", bodies)
        self.assertNotIn("<script>", bodies)
        self.assertIn("&lt;script&gt;", bodies)
        # The page thanks them, shows the promise and the invoices' status.
        page = self.url_open(f"{base}?done=promise").text
        self.assertIn("your promise to pay is recorded", page)
        self.assertIn("Your promises to pay", page)
        self.assertIn("Promise to pay</span>", page)
        self.assertNotIn("<script>alert", page)
        # Promised invoices are no longer offered for another promise.
        page, __ = self._form(f"{base}/promise")
        self.assertNotIn(f'value="{self.inv_a1.id}"', page)
        response = self._post(
            f"{base}/promise",
            {"invoice_ids": self.inv_a1.id, "date": self._date(5)},
        )
        self.assertRefused(response, "already covered")
        self.assertEqual(len(self._promises(self.customer_a)), 1)

    def test_promise_empty_amount_is_everything_owed(self):
        base = self._base(self.customer_a)
        response = self._post(
            f"{base}/promise",
            {"invoice_ids": self.inv_a2.id, "date": self._date(3), "amount": ""},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._promises(self.customer_a).amount, 300.0)

    def test_promise_date_limited_by_typology_then_company(self):
        base_a = self._base(self.customer_a)
        # Typology Self-service: 20 days at most.
        response = self._post(
            f"{base_a}/promise", {"invoice_ids": self.inv_a1.id, "date": self._date(21)}
        )
        latest = self.today + timedelta(days=20)
        self.assertRefused(response, "on or before")
        self.assertIn(latest.strftime("%m/%d/%Y"), response.text)
        self.assertFalse(self._promises(self.customer_a))
        self.assertFalse(self._events(self.customer_a, "promise"))
        # The typology "Needs a manager" sets no limit: the company's 30 days.
        base_b = self._base(self.customer_b)
        response = self._post(
            f"{base_b}/promise", {"invoice_ids": self.inv_b.id, "date": self._date(25)}
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self._promises(self.customer_b)), 1)
        self._promises(self.customer_b).with_user(self.manager).action_cancel()
        response = self._post(
            f"{base_b}/promise", {"invoice_ids": self.inv_b.id, "date": self._date(31)}
        )
        self.assertRefused(response, "on or before")
        self.assertEqual(len(self._promises(self.customer_b)), 1)

    def test_promise_bad_input(self):
        base = self._base(self.customer_a)
        path = f"{base}/promise"
        csrf = self._form(path)[1]
        cases = [
            ({"date": self._date(5)}, "tick at least one invoice"),
            (
                {"invoice_ids": self.inv_a2.id, "date": self._date(5), "amount": "-5"},
                "more than zero",
            ),
            (
                {"invoice_ids": self.inv_a2.id, "date": self._date(5), "amount": "0"},
                "more than zero",
            ),
            (
                {"invoice_ids": self.inv_a2.id, "date": self._date(5), "amount": "abc"},
                "as a number",
            ),
            (
                {
                    "invoice_ids": self.inv_a2.id,
                    "date": self._date(5),
                    "amount": "1e308",
                },
                "as a number",
            ),
            (
                {"invoice_ids": self.inv_a2.id, "date": self._date(5), "amount": "inf"},
                "as a number",
            ),
            (
                {
                    "invoice_ids": self.inv_a2.id,
                    "date": self._date(5),
                    "amount": "999999999999",
                },
                "promise at most that",
            ),
            (
                {"invoice_ids": self.inv_a2.id, "date": self._date(5), "amount": "301"},
                "promise at most that",
            ),
            ({"invoice_ids": self.inv_a2.id, "date": self._date(-1)}, "is past"),
            ({"invoice_ids": self.inv_a2.id, "date": "2026-13-45"}, "calendar"),
            ({"invoice_ids": self.inv_a2.id, "date": "tomorrow"}, "calendar"),
            ({"invoice_ids": self.inv_a2.id, "date": ""}, "choose a date"),
            (
                {
                    "invoice_ids": self.inv_a2.id,
                    "date": self._date(5),
                    "note": "x" * 2001,
                },
                "under 2000 characters",
            ),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                self.assertRefused(self._post(path, data, csrf=csrf), message)
        self.assertFalse(self._promises(self.customer_a))
        self.assertFalse(self._events(self.customer_a, "promise"))

    def test_promise_logged_in(self):
        self.authenticate("rf_commit_portal_a", "rf_commit_portal_a_pw")
        response = self._post(
            "/my/collection/promise",
            {"invoice_ids": self.inv_a3.id, "date": self._date(12)},
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith("/my/collection?done=promise")
        )
        promise = self._promises(self.customer_a)
        self.assertEqual(promise.given_by_id, self.portal_a.partner_id)
        # Another customer's invoice: not found, as one that does not exist.
        response = self._post(
            "/my/collection/promise",
            {"invoice_ids": self.inv_b.id, "date": self._date(12)},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._promises(self.customer_b))

    # -- payment plan request ------------------------------------------------

    def _plan_request(self, partner, **values):
        data = [
            ("installments", "3"),
            ("frequency", "monthly"),
            ("first_date", self._date(7)),
        ]
        invoices = values.pop("invoices", None)
        if invoices is None:
            invoices = (
                self.inv_a1 | self.inv_a2 if partner == self.customer_a else self.inv_b
            )
        data += [("invoice_ids", invoice.id) for invoice in invoices]
        data = [(k, v) for k, v in data if k not in values] + list(values.items())
        return self._post(f"{self._base(partner)}/plan", data)

    def test_plan_within_limits_accepted_at_once(self):
        base = self._base(self.customer_a)
        page, __ = self._form(f"{base}/plan")
        self.assertIn("at most <span>6</span> installments", page)
        self.assertIn("your plan is active at once", page)
        response = self._plan_request(self.customer_a, note="<b>thanks</b>")
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertTrue(response.headers["Location"].endswith("?done=plan_active"))
        plan = self._plans(self.customer_a)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.invoice_ids, self.inv_a1 | self.inv_a2)
        self.assertEqual(len(plan.installment_ids), 3)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 1300.0)
        self.assertEqual(plan.first_date, self.today + timedelta(days=7))
        self.assertTrue(plan.date_accepted)
        self.assertEqual(self._events(self.customer_a, "plan_request").res_id, plan.id)
        self.assertIn(
            "&lt;b&gt;thanks&lt;/b&gt;",
            " ".join(plan.with_user(self.collector).message_ids.mapped("body")),
        )
        page = self.url_open(f"{base}?done=plan_active").text
        self.assertIn("your payment plan is active", page)
        self.assertIn(plan.name, page)
        self.assertEqual(page.count("o_collection_installment"), 3)
        self.assertIn("Pay the installment of", page)
        self.assertIn("Payment plan</span>", page)

    def test_plan_beyond_limits_goes_to_a_manager(self):
        # 10 installments: the typology allows 6.
        response = self._plan_request(self.customer_a, installments="10")
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertTrue(response.headers["Location"].endswith("?done=plan_review"))
        plan = self._plans(self.customer_a)
        self.assertEqual(plan.state, "draft")
        self.assertEqual(len(plan.installment_ids), 10)
        activity = plan.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("10 installments", activity.note)
        page = self.url_open(f"{self._base(self.customer_a)}?done=plan_review").text
        self.assertIn("sent to our team", page)
        self.assertIn("is being reviewed by our team", page)
        # A minimum installment of 50: 200 in 6 is below it.
        response = self._plan_request(
            self.customer_a, invoices=self.inv_a3, installments="6"
        )
        plan = self._plans(self.customer_a) - plan
        self.assertEqual(plan.state, "draft", "200 in 6 is below 50 an installment")
        self.assertIn("below", plan.activity_ids.note)

    def test_plan_within_limits_waits_for_a_manager(self):
        response = self._plan_request(self.customer_b)
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertTrue(response.headers["Location"].endswith("?done=plan_approval"))
        plan = self._plans(self.customer_b)
        self.assertEqual(plan.state, "proposed")
        self.assertTrue(plan.date_accepted)
        self.assertEqual(plan.activity_ids.user_id, self.manager)
        plan.with_user(self.manager).action_activate()
        self.assertEqual(plan.state, "active")

    def test_plan_bad_input(self):
        path = f"{self._base(self.customer_a)}/plan"
        csrf = self._form(path)[1]
        base = [
            ("invoice_ids", self.inv_a1.id),
            ("installments", "3"),
            ("frequency", "monthly"),
            ("first_date", self._date(7)),
        ]
        cases = [
            ({"installments": "0"}, "between 1 and 24"),
            ({"installments": "-3"}, "whole number"),
            ({"installments": "2.5"}, "whole number"),
            ({"installments": "abc"}, "whole number"),
            ({"installments": "999999999"}, "whole number"),
            ({"installments": "25"}, "between 1 and 24"),
            ({"frequency": "daily"}, "weekly or monthly"),
            ({"first_date": self._date(-1)}, "is past"),
            ({"first_date": self._date(21)}, "on or before"),
            ({"first_date": "9999-12-31"}, "on or before"),
            ({"down_payment": "1000"}, "less than"),
            ({"down_payment": "-1"}, "more than zero"),
            ({"down_payment": "1e5"}, "as a number"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                data = [(k, v) for k, v in base if k not in change]
                data += list(change.items())
                self.assertRefused(self._post(path, data, csrf=csrf), message)
        self.assertRefused(
            self._post(
                path, [(k, v) for k, v in base if k != "invoice_ids"], csrf=csrf
            ),
            "tick at least one invoice",
        )
        self.assertFalse(self._plans(self.customer_a))
        self.assertFalse(self._events(self.customer_a, "plan_request"))

    # -- a plan proposed by the back office ----------------------------------

    def _proposed_plan(self, partner, invoices):
        plan = (
            self.env["collection.payment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": partner.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "installment_count": 3,
                    "first_date": self.today + timedelta(days=10),
                }
            )
        )
        plan.action_compute_schedule()
        plan.action_propose()
        return plan

    def _email_link(self, plan):
        """The link of the proposal email, as the customer receives it."""
        template = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_payment_plan"
        )
        body = str(template._render_field("body_html", plan.ids)[plan.id])
        url = re.search(r'href="([^"]*/my/payment_plans/[^"]+)"', body).group(1)
        return unescape(url)[len(plan.get_base_url()) :]

    def test_proposed_plan_accepted_from_its_email(self):
        plan = self._proposed_plan(self.customer_a, self.inv_a2)
        path = self._email_link(plan)
        page, csrf = self._form(path)
        self.assertIn(plan.name, page)
        self.assertIn("Accept this payment plan", page)
        self.assertEqual(page.count("o_collection_installment"), 3)
        pdf = self.url_open(f"{path}&report_type=pdf")
        self.assertEqual(pdf.status_code, 200)
        token = path.split("access_token=")[1]
        response = self.url_open(
            f"/my/payment_plans/{plan.id}/accept",
            data={"access_token": token, "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("accepted=active", response.headers["Location"])
        self.assertEqual(plan.state, "active")
        self.assertTrue(plan.date_accepted)
        self.assertIn(
            "your payment plan is active", self.url_open(path + "&accepted=active").text
        )
        # Accepting twice: refused, nothing changes.
        response = self.url_open(
            f"/my/payment_plans/{plan.id}/accept",
            data={"access_token": token, "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertRefused(response, "no longer waiting for your answer")

    def test_proposed_plan_of_a_typology_needing_a_manager(self):
        plan = self._proposed_plan(self.customer_b, self.inv_b)
        path = self._email_link(plan)
        __, csrf = self._form(path)
        token = path.split("access_token=")[1]
        response = self.url_open(
            f"/my/payment_plans/{plan.id}/accept",
            data={"access_token": token, "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("accepted=approval", response.headers["Location"])
        self.assertEqual(plan.state, "proposed")
        self.assertTrue(plan.date_accepted)
        self.assertEqual(plan.activity_ids.user_id, self.manager)

    def test_proposed_plan_forged(self):
        plan_a = self._proposed_plan(self.customer_a, self.inv_a2)
        plan_b = self._proposed_plan(self.customer_b, self.inv_b)
        token_a = self._email_link(plan_a).split("access_token=")[1]
        __, csrf = self._form(self._email_link(plan_a))
        for path in (
            f"/my/payment_plans/{plan_a.id}",
            f"/my/payment_plans/{plan_a.id}?access_token=",
            f"/my/payment_plans/{plan_a.id}?access_token={secrets.token_urlsafe(16)}",
            f"/my/payment_plans/{plan_b.id}?access_token={token_a}",
            f"/my/payment_plans/{plan_b.id}?access_token={token_a}&report_type=pdf",
            f"/my/payment_plans/999999?access_token={token_a}",
            f"/my/payment_plans/99999999999?access_token={token_a}",
        ):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn("Garage Dupont", response.text)
        response = self.url_open(
            f"/my/payment_plans/{plan_b.id}/accept",
            data={"access_token": token_a, "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/payment_plans/{plan_a.id}/accept",
                data={"access_token": token_a},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 400, "no CSRF token")
        response = self.url_open(
            f"/my/payment_plans/{plan_a.id}/accept?access_token={token_a}"
        )
        self.assertEqual(response.status_code, 405, "GET on a POST route")
        self.assertEqual((plan_a | plan_b).mapped("state"), ["proposed", "proposed"])
        self.assertFalse(plan_a.date_accepted or plan_b.date_accepted)

    # -- contact preferences -------------------------------------------------

    def test_contact_preferences(self):
        base = self._base(self.customer_a)
        page, __ = self._form(f"{base}/contact")
        self.assertIn("Paul Martin", page)
        self.assertNotIn("Jean Dupont", page)
        response = self._post(
            f"{base}/contact",
            [
                ("channel", "sms"),
                ("collection_call_monday", "1"),
                ("collection_call_thursday", "1"),
                ("collection_call_morning_from", "09:00"),
                ("collection_call_morning_to", "12:30"),
                ("collection_call_afternoon_from", "14:00"),
                ("collection_call_afternoon_to", "17:00"),
                ("contact_id", str(self.contact_a.id)),
                ("monthly_statement", "1"),
            ],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertTrue(response.headers["Location"].endswith("?done=contact"))
        customer = self.customer_a.with_user(self.collector)
        self.assertEqual(customer.collection_preferred_channel, "sms")
        self.assertEqual(
            [
                customer[f"collection_call_{day}"]
                for day in ("monday", "tuesday", "thursday")
            ],
            [True, False, True],
        )
        self.assertEqual(customer.collection_call_morning_to, 12.5)
        self.assertEqual(customer.collection_call_afternoon_to, 17.0)
        self.assertEqual(customer.collection_contact_id, self.contact_a)
        self.assertTrue(customer.collection_monthly_statement)
        # The contacts follow their commercial entity.
        self.assertEqual(
            self.contact_a.with_user(self.collector).collection_preferred_channel, "sms"
        )
        trace = customer.message_ids[:1]
        self.assertIn("Contact preferences changed by the customer", trace.body)
        self.assertIn("SMS", trace.body)
        self.assertIn("12:30", trace.body)
        self.assertEqual(len(self._events(self.customer_a, "contact_preferences")), 1)
        # The form shows what was saved; sending it again changes nothing.
        page, __ = self._form(f"{base}/contact")
        self.assertIn('value="12:30"', page)
        response = self._post(
            f"{base}/contact",
            [
                ("channel", "sms"),
                ("collection_call_monday", "1"),
                ("collection_call_thursday", "1"),
                ("collection_call_morning_from", "09:00"),
                ("collection_call_morning_to", "12:30"),
                ("collection_call_afternoon_from", "14:00"),
                ("collection_call_afternoon_to", "17:00"),
                ("contact_id", str(self.contact_a.id)),
                ("monthly_statement", "1"),
            ],
        )
        self.assertTrue(
            response.headers["Location"].endswith("?done=contact_unchanged")
        )
        self.assertEqual(customer.message_ids[:1], trace)

    def test_contact_preferences_new_person_and_bad_input(self):
        base = self._base(self.customer_a)
        path = f"{base}/contact"
        csrf = self._form(path)[1]
        good = {
            "channel": "email",
            "collection_call_tuesday": "1",
            "collection_call_morning_from": "10:00",
            "collection_call_morning_to": "12:00",
            "collection_call_afternoon_from": "14:00",
            "collection_call_afternoon_to": "18:00",
        }
        cases = [
            ({"channel": "fax"}, "from the list"),
            ({"collection_call_tuesday": ""}, "at least one day"),
            ({"collection_call_morning_to": "25:00"}, "such as 09:30"),
            ({"collection_call_morning_to": "noon"}, "such as 09:30"),
            ({"collection_call_morning_to": "08:00"}, "ends before it starts"),
            ({"contact_id": str(self.contact_b.id)}, "from the list"),
            ({"contact_id": "abc"}, "from the list"),
            ({"contact_id": "new", "contact_name": ""}, "give their name"),
            (
                {
                    "contact_id": "new",
                    "contact_name": "X",
                    "contact_email": "not an email",
                },
                "email address looks wrong",
            ),
            (
                {"contact_id": "new", "contact_name": "X", "contact_phone": "<script>"},
                "phone number looks wrong",
            ),
            (
                {
                    "contact_id": "new",
                    "contact_name": "X" * 200,
                    "contact_phone": "0601",
                },
                "under 128 characters",
            ),
        ]
        before = self.customer_a.with_user(self.collector).read(
            ["collection_preferred_channel", "collection_call_morning_to"]
        )
        contacts = self.customer_a.child_ids
        for change, message in cases:
            with self.subTest(change=change):
                self.assertRefused(
                    self._post(path, dict(good, **change), csrf=csrf), message
                )
        self.assertEqual(
            self.customer_a.with_user(self.collector).read(
                ["collection_preferred_channel", "collection_call_morning_to"]
            ),
            before,
        )
        self.assertEqual(self.customer_a.child_ids, contacts)
        self.assertEqual(self.contact_b.parent_id, self.customer_b)
        # A new person, named with HTML: their record keeps the text, every
        # trace escapes it.
        response = self._post(
            path,
            dict(
                good,
                contact_id="new",
                contact_name="<img src=x onerror=alert(1)>",
                contact_email="new.person@example.com",
                contact_phone="+33 6 12 34 56 78",
            ),
            csrf=csrf,
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        contact = self.customer_a.with_user(self.collector).collection_contact_id
        self.assertEqual(contact.name, "<img src=x onerror=alert(1)>")
        self.assertEqual(contact.parent_id, self.customer_a)
        body = self.customer_a.with_user(self.collector).message_ids[:1].body
        self.assertNotIn("<img", body)
        self.assertIn("&lt;img", body)
        page = self._form(path)[0]
        self.assertNotIn("<img src=x", page)

    # -- online payment ------------------------------------------------------

    def _payment_form(self, path):
        """The payment form's data, as Odoo's payment JS reads it."""
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200, page.text[:500])
        form = re.search(r'<form[^>]*id="o_payment_form"[^>]*>', page.text)
        self.assertTrue(form, "the page shows Odoo's payment form")
        attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', form.group(0)))
        attributes["csrf_token"] = re.search(r'csrf_token: "([^"]+)"', page.text).group(
            1
        )
        return {key: unescape(value) for key, value in attributes.items()}, page.text

    def _pay(self, form, **overrides):
        """Create the transaction as the payment form does, then let the demo
        provider confirm it and Odoo post-process it (the status page's poll)."""
        params = {
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method.id,
            "token_id": None,
            "amount": float(form["amount"]),
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": form["landing-route"],
            "is_validation": False,
            "access_token": form["access-token"],
            "csrf_token": form["csrf_token"],
            "payment_reference": None,
        }
        params.update(overrides)
        processing = self.make_jsonrpc_request(form["transaction-route"], params)
        reference = processing["reference"]
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": reference,
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )
        status = self.make_jsonrpc_request(
            "/payment/status/poll", {"csrf_token": form["csrf_token"]}
        )
        self.assertEqual(status["state"], "done")
        tx = self.env["payment.transaction"].search([("reference", "=", reference)])
        return tx, status

    def _jsonrpc_error(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertIn("error", body, body)
        return body["error"]

    def test_pay_ticked_invoices_without_login(self):
        base = self._base(self.customer_a)
        page = self.url_open(base).text
        self.assertIn('form="o_collection_pay_selected"', page)
        form, page = self._payment_form(
            f"{base}/pay?invoice_ids={self.inv_a1.id}&invoice_ids={self.inv_a3.id}"
        )
        self.assertEqual(float(form["amount"]), 1200.0)
        self.assertIn(self.inv_a1.name, page)
        self.assertIn(self.inv_a3.name, page)
        self.assertEqual(
            form["transaction-route"],
            f"{base}/pay/transaction/inv-{self.inv_a1.id}-{self.inv_a3.id}",
        )
        tx, status = self._pay(form, amount=1.0)  # the amount sent is not used
        self.assertEqual(tx.invoice_ids, self.inv_a1 | self.inv_a3)
        self.assertEqual(tx.amount, 1200.0)
        self.assertEqual(tx.partner_id, self.customer_a)
        self.assertEqual(tx.company_id, self.company)
        self.assertTrue(tx.payment_id)
        for invoice in (self.inv_a1, self.inv_a3):
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), invoice.name)
        self.assertEqual(self.inv_a2.payment_state, "not_paid")
        self.assertEqual(self._events(self.customer_a, "payment").res_id, tx.id)
        # The landing page leads back to the collection page.
        landing = self.url_open(status["landing_route"])
        self.assertEqual(landing.status_code, 200)
        self.assertIn(tx.reference, landing.text)
        self.assertIn(base, landing.text)
        tampered = status["landing_route"].replace("access_token=", "access_token=x")
        self.assertEqual(self.url_open(tampered).status_code, 404)

    def test_pay_logged_in(self):
        self.authenticate("rf_commit_portal_a", "rf_commit_portal_a_pw")
        page = self.url_open("/my/collection").text
        self.assertIn("/my/collection/pay?overdue=1", page)
        form, __ = self._payment_form(
            f"/my/collection/pay?invoice_ids={self.inv_a2.id}"
        )
        self.assertEqual(
            form["transaction-route"],
            f"/my/collection/pay/transaction/inv-{self.inv_a2.id}",
        )
        tx, __ = self._pay(form)
        self.assertEqual(tx.invoice_ids, self.inv_a2)
        self.assertEqual(tx.partner_id, self.portal_a.partner_id)
        self.assertIn(self.inv_a2.payment_state, ("paid", "in_payment"))
        # Logged in as another customer's user: A's invoice is not found.
        self.authenticate("rf_commit_portal_a", "rf_commit_portal_a_pw")
        self.portal_a.partner_id.parent_id = self.customer_b
        response = self.url_open(f"/my/collection/pay?invoice_ids={self.inv_a1.id}")
        self.assertEqual(response.status_code, 404)

    def test_logged_in_forms_need_a_login(self):
        for path in ("promise", "plan", "contact", "pay"):
            response = self.url_open(f"/my/collection/{path}", allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), path)
            self.assertIn("/web/login", response.headers["Location"])

    def test_pay_all_overdue_invoices(self):
        self.inv_a2.sudo().collection_dispute_state = "open"
        base = self._base(self.customer_a)
        page = self.url_open(base).text
        self.assertIn("Pay all overdue invoices", page)
        form, __ = self._payment_form(f"{base}/pay?overdue=1")
        # inv_a1 only: inv_a2 is in dispute and inv_a3 not due.
        self.assertEqual(float(form["amount"]), 1000.0)
        tx, __ = self._pay(form)
        self.assertEqual(tx.invoice_ids, self.inv_a1)

    def test_pay_next_installment(self):
        response = self._plan_request(self.customer_a)
        plan = self._plans(self.customer_a)
        self.assertEqual(plan.state, "active")
        first = plan.installment_ids.sorted("date_due")[0]
        base = self._base(self.customer_a)
        form, page = self._payment_form(f"{base}/pay?plan_id={plan.id}")
        self.assertEqual(float(form["amount"]), first.amount)
        self.assertIn(plan.name, page)
        tx, __ = self._pay(form)
        self.assertEqual(tx.invoice_ids, self.inv_a1 | self.inv_a2)
        self.assertEqual(tx.amount, first.amount)
        self.assertTrue(tx.reference.startswith(plan.name))
        plan.invalidate_recordset()
        self.assertEqual(first.status, "paid")
        self.assertEqual(plan.installment_ids.sorted("date_due")[1].status, "due")
        self.assertAlmostEqual(plan.paid_amount, first.amount)
        # The page now offers the second installment.
        second = plan.installment_ids.sorted("date_due")[1]
        form, __ = self._payment_form(f"{base}/pay?plan_id={plan.id}")
        self.assertEqual(float(form["amount"]), second.amount)
        self.assertTrue(response)

    def test_pay_forged(self):
        base_a = self._base(self.customer_a)
        plan_b = self._proposed_plan(self.customer_b, self.inv_b)
        plan_b.with_user(self.manager).action_activate()
        for path in (
            f"{base_a}/pay?invoice_ids={self.inv_b.id}",
            f"{base_a}/pay?invoice_ids={self.inv_a1.id}&invoice_ids={self.inv_b.id}",
            f"{base_a}/pay?invoice_ids={self.inv_a_other.id}",
            f"{base_a}/pay?invoice_ids=abc",
            f"{base_a}/pay?invoice_ids=99999999",
            f"{base_a}/pay?plan_id={plan_b.id}",
            f"{base_a}/pay?plan_id=abc",
            f"/my/collection/{secrets.token_urlsafe(32)}/pay?invoice_ids={self.inv_a1.id}",
            f"{base_a}/pay?invoice_ids=99999999999",
            f"{base_a}/pay?plan_id=99999999999",
            "/my/collection/payment?tx_id=99999999999&access_token=x",
            "/my/collection/payment?tx_id=abc&access_token=x",
            "/my/collection/payment",
        ):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn("777.00", response.text)
        response = self.url_open(f"{base_a}/pay")
        self.assertRefused(response, "tick the invoices you want to pay")
        form, __ = self._payment_form(f"{base_a}/pay?invoice_ids={self.inv_a1.id}")
        params = {
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method.id,
            "token_id": None,
            "amount": 1000.0,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my/collection/payment",
            "is_validation": False,
            "access_token": form["access-token"],
        }
        route = form["transaction-route"]
        cases = [
            (f"{base_a}/pay/transaction/inv-{self.inv_b.id}", params),
            (f"{base_a}/pay/transaction/plan-{plan_b.id}", params),
            (f"{base_a}/pay/transaction/inv-{self.inv_a_other.id}", params),
            (f"{base_a}/pay/transaction/drop table", params),
            (f"{base_a}/pay/transaction/inv-99999999999", params),
            (f"{base_a}/pay/transaction/plan-99999999999", params),
            (route, dict(params, access_token="forged")),
            (route, dict(params, provider_id=self.other_provider.id)),
            (route, dict(params, payment_method_id=0)),
            (route, dict(params, flow="token", token_id=1)),
            (route, dict(params, is_validation=True)),
            (route, dict(params, partner_id=self.customer_b.id)),
            (route, dict(params, custom_create_values={"amount": 1})),
            (
                f"/my/collection/{secrets.token_urlsafe(32)}/pay/transaction/inv-{self.inv_a1.id}",
                params,
            ),
        ]
        for path, values in cases:
            with self.subTest(path=path, values=values):
                error = self._jsonrpc_error(path, values)
                self.assertNotIn("Traceback", json.dumps(error.get("message", "")))
        self.assertFalse(
            self.env["payment.transaction"].search(
                [("partner_id", "in", (self.customer_a | self.customer_b).ids)]
            )
        )
        # A paid invoice changes the amount: the form's token no longer fits.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.inv_a1.ids
        ).create({"amount": 100.0})._create_payments()
        error = self._jsonrpc_error(route, params)
        self.assertIn("changed", error["data"]["message"])

    # -- monthly statement ---------------------------------------------------

    def _month_end(self, months=0):
        return self.today + relativedelta(months=months, day=31)

    def _statements(self, partner):
        return self.env["collection.monthly.statement"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_monthly_statement_sent_once_a_month(self):
        Statement = self.env["collection.monthly.statement"]
        self.customer_a.collection_monthly_statement = True
        owes_nothing = self.env["res.partner"].create(
            {"name": "Nothing Owed", "is_company": True, "email": "n@example.com"}
        )
        owes_nothing.collection_monthly_statement = True
        # The first run in the middle of a month sends nothing: the first
        # statements are at the month end.
        middle = self._month_end() - timedelta(days=10)
        Statement._cron_send_monthly_statements(today=middle)
        self.assertFalse(self._statements(self.customer_a))
        month_end = self._month_end()
        Statement._cron_send_monthly_statements(today=month_end)
        statement = self._statements(self.customer_a)
        self.assertEqual(len(statement), 1)
        self.assertEqual(statement.state, "sent")
        self.assertEqual(statement.period, month_end)
        self.assertAlmostEqual(statement.balance, 1500.0)
        message = statement.message_id
        self.assertEqual(message.model, "res.partner")
        self.assertEqual(message.res_id, self.customer_a.id)
        self.assertIn(self._base(self.customer_a), message.body)
        self.assertEqual(message.attachment_ids.mimetype, "application/pdf")
        self.assertIn(self.inv_a1.name, message.attachment_ids.raw.decode())
        self.assertNotIn(self.inv_b.name, message.attachment_ids.raw.decode())
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.recipient_ids, self.customer_a)
        self.assertEqual(mail.state, "outgoing", "waits in the mail queue")
        # Not again that month, nor the next days; again at the next month end.
        Statement._cron_send_monthly_statements(today=month_end)
        Statement._cron_send_monthly_statements(today=month_end + timedelta(days=1))
        self.assertEqual(self._statements(self.customer_a), statement)
        self.assertFalse(self._statements(self.customer_b), "did not ask for one")
        self.assertFalse(self._statements(owes_nothing), "nothing to state")
        Statement._cron_send_monthly_statements(today=self._month_end(1))
        self.assertEqual(len(self._statements(self.customer_a)), 2)

    def test_monthly_statement_without_email_fails_with_the_reason(self):
        self.customer_b.write({"email": False, "collection_monthly_statement": True})
        Statement = self.env["collection.monthly.statement"]
        Statement._cron_send_monthly_statements(today=self._month_end())
        statement = self._statements(self.customer_b)
        self.assertEqual(statement.state, "failed")
        self.assertIn("no email address", statement.failure_reason)
        self.assertFalse(statement.message_id)
        with self.assertRaises(AccessError):
            statement.with_user(self.collector).action_send_again()
        self.customer_b.email = "dupont@example.com"
        statement.with_user(self.manager).action_send_again()
        self.assertEqual(self._statements(self.customer_b).state, "sent")

    def test_missed_month_end_caught_up_next_day(self):
        Statement = self.env["collection.monthly.statement"]
        self.customer_b.collection_monthly_statement = True
        self.company.collection_statement_period = self._month_end(-1)
        Statement._cron_send_monthly_statements(
            today=self._month_end() + timedelta(days=1)
        )
        statement = self._statements(self.customer_b)
        self.assertEqual(statement.period, self._month_end())

    def test_grouped_small_amounts_go_into_the_statement(self):
        Action = self.env["collection.action"]
        action = Action._record(
            [
                {
                    "invoice_id": self.inv_a3.id,
                    "partner_id": self.customer_a.id,
                    "company_id": self.company.id,
                    "kind": "statement",
                    "channel": "none",
                    "state": "approved",
                    "dedup_key": "test-statement",
                }
            ]
        )
        action._dispatch()
        self.assertEqual(action.state, "pending")
        self.assertIn("next monthly statement", action.note)
        self.assertFalse(self.customer_a.collection_monthly_statement)
        Statement = self.env["collection.monthly.statement"]
        Statement._cron_send_monthly_statements(today=self._month_end())
        statement = self._statements(self.customer_a)
        self.assertEqual(statement.state, "sent")
        self.assertEqual(statement.action_ids, action)
        self.assertEqual(action.state, "done")
        self.assertEqual(action.message_id, statement.message_id)
        self.assertIn("gathered these invoices", statement.message_id.body)
        self.assertIn(self.inv_a3.name, statement.message_id.body)

    # -- limits and forged requests ------------------------------------------

    def test_hourly_limit(self):
        self.company.collection_portal_post_limit = 2
        base = self._base(self.customer_a)
        path = f"{base}/promise"
        for invoice in (self.inv_a1, self.inv_a2):
            response = self._post(
                path, {"invoice_ids": invoice.id, "date": self._date(4)}
            )
            self.assertEqual(response.status_code, 303)
        response = self._post(
            path, {"invoice_ids": self.inv_a3.id, "date": self._date(4)}
        )
        self.assertEqual(response.status_code, 429)
        self.assertIn("try again later", response.text)
        self.assertEqual(len(self._promises(self.customer_a)), 2)
        for form in ("plan", "contact"):
            response = self._post(f"{base}/{form}", {"channel": "sms"})
            self.assertEqual(response.status_code, 429, form)
        self.assertFalse(self._plans(self.customer_a))
        # Another customer is not held back.
        response = self._post(
            f"{self._base(self.customer_b)}/promise",
            {"invoice_ids": self.inv_b.id, "date": self._date(4)},
        )
        self.assertEqual(response.status_code, 303)

    def test_forged_requests(self):
        """Hundreds of forged requests: someone else's and other companies'
        ids, bad tokens, no CSRF token, HTML and SQL in the text fields,
        oversized payloads, wrong methods; never a server error, never a
        record of another customer touched."""
        self.company.collection_portal_post_limit = 1000
        base_a = self._base(self.customer_a)
        base_b = self._base(self.customer_b)
        base_other = self._base(self.customer_a, self.other)
        csrf = self._form(f"{base_a}/promise")[1]
        foreign_ids = [
            self.inv_b.id,
            self.inv_a_other.id,
            0,
            -1,
            2**31,
            "1 OR 1=1",
            "abc",
        ]
        bad_tokens = [
            secrets.token_urlsafe(32),
            base_a.rsplit("/", 1)[1][:-1] + "A",
            "' OR 1=1--",
            "x" * 300,
        ]
        nasty = [
            "<script>alert(1)</script>",
            "'); DROP TABLE account_move;--",
            '" onmouseover="alert(1)',
            "x" * 5000,
        ]
        requests_sent = 0
        statuses = set()

        def check(response, allowed):
            nonlocal requests_sent
            requests_sent += 1
            statuses.add(response.status_code)
            self.assertIn(response.status_code, allowed, response.text[:300])
            self.assertNotIn("Traceback", response.text)
            self.assertNotIn("Garage Dupont", response.text.replace(base_b, ""))

        with mute_logger("odoo.http", "odoo.addons.http_routing.models.ir_http"):
            for form in ("promise", "plan"):
                for invoice_id in foreign_ids:
                    for field in ("invoice_ids", "invoice_id"):
                        response = self._post(
                            f"{base_a}/{form}",
                            {
                                field: invoice_id,
                                "date": self._date(3),
                                "first_date": self._date(3),
                                "installments": "2",
                                "frequency": "monthly",
                            },
                            csrf=csrf,
                        )
                        check(response, (400, 404))
                        response = self.url_open(
                            f"{base_a}/{form}?{field}={invoice_id}"
                        )
                        check(response, (200, 404))
                for token in bad_tokens:
                    check(self.url_open(f"/my/collection/{token}/{form}"), (404,))
                    response = self._post(
                        f"/my/collection/{token}/{form}",
                        {"invoice_ids": self.inv_a1.id, "date": self._date(3)},
                        csrf=csrf,
                    )
                    check(response, (404,))
                for text in nasty:
                    for field in (
                        "note",
                        "amount",
                        "date",
                        "installments",
                        "frequency",
                        "first_date",
                        "down_payment",
                    ):
                        response = self._post(
                            f"{base_a}/{form}",
                            {
                                "invoice_ids": self.inv_a3.id,
                                "date": self._date(3),
                                "first_date": self._date(3),
                                "installments": "2",
                                "frequency": "monthly",
                                field: text,
                            },
                            csrf=csrf,
                        )
                        check(response, (303, 400))
                        if response.status_code == 400:
                            self.assertNotIn("<script>alert(1)</script>", response.text)
                for method in ("PUT", "DELETE", "PATCH"):
                    response = self.opener.request(
                        method, self.base_url() + f"{base_a}/{form}"
                    )
                    check(response, (405,))
                response = self._post(
                    f"{base_a}/{form}",
                    {"invoice_ids": self.inv_a3.id, "date": self._date(3)},
                    csrf=False,
                )
                check(response, (400,))
                response = self._post(
                    f"{base_a}/{form}",
                    {"invoice_ids": self.inv_a3.id, "date": self._date(3)},
                    csrf="forged",
                )
                check(response, (400,))
            for text in nasty:
                for field in (
                    "channel",
                    "collection_call_morning_from",
                    "contact_id",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                ):
                    response = self._post(
                        f"{base_a}/contact",
                        {
                            "channel": "email",
                            "collection_call_monday": "1",
                            "collection_call_morning_from": "09:00",
                            "collection_call_morning_to": "12:00",
                            "collection_call_afternoon_from": "14:00",
                            "collection_call_afternoon_to": "18:00",
                            "contact_id": "new",
                            "contact_name": "Someone",
                            "contact_email": "someone@example.com",
                            field: text,
                        },
                        csrf=csrf,
                    )
                    check(response, (303, 400))
            for token in bad_tokens:
                for path in ("contact", "pay", f"pay?invoice_ids={self.inv_a1.id}"):
                    check(self.url_open(f"/my/collection/{token}/{path}"), (404,))
            # The other company's page reaches the other company's invoice only.
            response = self.url_open(f"{base_other}/promise")
            check(response, (200,))
            self.assertIn(f'value="{self.inv_a_other.id}"', response.text)
            self.assertNotIn(f'value="{self.inv_a1.id}"', response.text)
            response = self._post(
                f"{base_other}/promise",
                {"invoice_ids": self.inv_a1.id, "date": self._date(3)},
                csrf=csrf,
            )
            check(response, (404,))
            for _i in range(100):
                forged = secrets.token_urlsafe(secrets.choice([8, 16, 32, 43]))
                path = secrets.choice(["promise", "plan", "contact", "pay"])
                check(self.url_open(f"/my/collection/{forged}/{path}"), (404,))
        self.assertGreaterEqual(requests_sent, 250)
        self.assertNotIn(500, statuses)
        # Nothing written for customer B, nor in the other company.
        self.assertFalse(self._promises(self.customer_b))
        self.assertFalse(self._plans(self.customer_b))
        self.assertFalse(
            self.env["collection.promise"].search([("company_id", "=", self.other.id)])
        )
        self.assertEqual(self.customer_b.child_ids, self.contact_b)
        self.assertFalse(self._events(self.customer_b, "promise"))
        # What was accepted from A's page is A's, and stored as typed text.
        for promise in self._promises(self.customer_a):
            self.assertEqual(promise.invoice_ids, self.inv_a3)
