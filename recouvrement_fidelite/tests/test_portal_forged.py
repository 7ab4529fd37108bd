# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Forged requests against every route of the customer's collection page.

The routes are read from Odoo's routing map (every URL under
``/my/collection`` and ``/c/``), so a page or form added later is attacked
too without editing this file. For each route the suite sends, as a browser
or a script would: tampered, random, revoked, expired and malformed tokens;
other customers' and other companies' record ids; wrong HTTP methods; forms
without their CSRF token; and, through the forms the pages really show, HTML,
SQL, oversized and malformed values in every field.

Whatever is sent: no server error, nothing of another customer in the answer,
nothing written on another customer's records, and what a customer typed is
never served back unescaped.
"""

import re
import secrets
import threading
from datetime import timedelta

from lxml import html as lxml_html

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin

#: URL arguments, as the routing map writes them (``<int:invoice_id>``).
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")

#: What a customer might type, and a script would rather send.
SCRIPT = "<script>alert('rf')</script>"
TEXT_PAYLOADS = [
    SCRIPT + "<b>bold</b>",
    "'; DROP TABLE account_move; --",
    '" onmouseover="alert(1)',
    "%s%s%n{0}${{7*7}}",
    "x" * 200_000,
    "",
]
NUMBER_PAYLOADS = ["-1", "0", "1e309", "NaN", "abc", "99999999999999999999"]
DATE_PAYLOADS = ["1900-01-01", "2999-12-31", "31/02/2026", "not a date"]


@tagged("post_install", "-at_install")
class TestPortalForgedRequests(InvoiceMixin, AccountTestInvoicingCommon, HttpCase):
    invoice_issued_days_ago = 90

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.collection_portal_post_limit = 1000
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer_a = cls.env["res.partner"].create(
            {
                "name": "Customer Alpha",
                "is_company": True,
                "email": "alpha@example.com",
                "mobile": "+33612345678",
                "lang": "en_US",
            }
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Victim Bravo", "is_company": True, "email": "b@example.com"}
        )
        cls.customer_c = cls.env["res.partner"].create(
            {"name": "Victim Charlie", "is_company": True, "email": "c@example.com"}
        )
        cls.other = cls.setup_other_company(name="Other Company")["company"]
        cls.inv_a = cls.invoice_due_in(cls.customer_a, 1000.0, -45)
        cls.inv_a_due = cls.invoice_due_in(cls.customer_a, 300.0, 10)
        cls.inv_b = cls.invoice_due_in(cls.customer_b, 777.0, -20)
        cls.inv_c = cls.invoice_due_in(cls.customer_c, 555.0, -30, company=cls.other)
        cls.inv_a_other = cls.invoice_due_in(
            cls.customer_a, 999.0, -20, company=cls.other
        )
        cls.collector = new_test_user(
            cls.env,
            login="rf_forged_collector",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        Access = cls.env["collection.portal.access"].sudo()
        cls.access_a = Access._get_valid(cls.customer_a, cls.company)
        cls.access_b = Access._get_valid(cls.customer_b, cls.company)
        cls.access_c = Access._get_valid(cls.customer_c, cls.other)
        revoked = Access.create(
            {"partner_id": cls.customer_a.id, "company_id": cls.company.id}
        )
        revoked.with_user(cls.collector).action_revoke()
        expired = Access.create(
            {
                "partner_id": cls.customer_a.id,
                "company_id": cls.company.id,
                "expiry_date": cls.today - timedelta(days=1),
            }
        )
        cls.revoked, cls.expired = revoked, expired
        cls.portal_a = new_test_user(
            cls.env,
            login="rf_forged_portal_a",
            password="rf_forged_portal_a_pw",
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal_a.partner_id.parent_id = cls.customer_a
        # Another company numbers its invoices from 1 again: a name that
        # customer A's own invoices also bear says nothing.
        own = set((cls.inv_a | cls.inv_a_due).mapped("name"))
        cls.forbidden_names = ["Victim Bravo", "Victim Charlie"] + [
            name
            for name in (cls.inv_b | cls.inv_c | cls.inv_a_other).sudo().mapped("name")
            if name not in own
        ]

    # -- the routes ------------------------------------------------------------

    def _routes(self):
        """``(pattern, routing)`` of every collection page route (ids in
        URLs are bounded by the route itself: ``<int(min=1, max=...)>``, so
        that an id beyond PostgreSQL's integer is a 404, not a failed
        query)."""
        routes = []
        # The routing map is built for the thread's database, as a request's.
        thread = threading.current_thread()
        thread.dbname = self.env.cr.dbname
        for rule in self.env["ir.http"].routing_map().iter_rules():
            if rule.rule.startswith(("/my/collection", "/c/", "/my/payment_plans")):
                routes.append((rule.rule, rule.endpoint.routing))
        return routes

    def _fill(self, pattern, values):
        """``pattern`` with its arguments replaced: ``values`` maps an
        argument's name, or its kind (``token``, ``short``, ``id``,
        ``other``), to the text to put there."""

        def replace(match):
            name, converter = match["name"], match["converter"] or "default"
            if name in values:
                return str(values[name])
            if name == "short_token":
                return str(values["short"])
            if "token" in name:
                return str(values["token"])
            if converter in ("int", "model", "models"):
                return str(values["id"])
            return str(values["other"])

        return ARGUMENT.sub(replace, pattern)

    def _valid_values(self):
        return {
            "token": self.access_a.sudo().token,
            "short": self.access_a.sudo().short_token,
            "id": self.inv_a.id,
            "other": "x",
        }

    # -- what must hold after each request --------------------------------------

    def _snapshot(self):
        """What a forged request must not change: every collection record of
        the other customers, their messages and their last write."""
        env = self.env
        env.invalidate_all()
        victims = (self.customer_b | self.customer_c).ids
        counts = {}
        for name, model in env.registry.items():
            if not name.startswith("collection.") or model._abstract:
                continue
            if model._transient or "partner_id" not in model._fields:
                continue
            field = model._fields["partner_id"]
            if field.type != "many2one" or field.comodel_name != "res.partner":
                continue
            counts[name] = (
                env[name].sudo().search_count([("partner_id", "in", victims)])
            )
        invoices = (self.inv_b | self.inv_c).ids
        counts["mail.message"] = (
            env["mail.message"]
            .sudo()
            .search_count(
                [
                    "|",
                    "&",
                    ("model", "=", "account.move"),
                    ("res_id", "in", invoices),
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", victims),
                ]
            )
        )
        counts["write_dates"] = tuple(
            env["res.partner"].sudo().browse(victims).mapped("write_date")
        ) + tuple(env["account.move"].sudo().browse(invoices).mapped("write_date"))
        return counts

    def _check(self, response, what, allowed=(200, 303, 400, 403, 404, 405, 429)):
        self.sent += 1
        self.assertLess(response.status_code, 500, what)
        self.assertIn(response.status_code, allowed, what)
        body = (
            response.text if "text" in response.headers.get("Content-Type", "") else ""
        )
        for name in self.forbidden_names:
            self.assertNotIn(name, body, what)
        self.assertNotIn(SCRIPT, body, f"{what}: what was typed is served unescaped")

    def _request(self, method, url, **kw):
        return self.opener.request(
            method, self.base_url() + url, allow_redirects=False, timeout=60, **kw
        )

    # -- the suite --------------------------------------------------------------

    def test_forged_requests(self):
        self.sent = 0
        routes = self._routes()
        self.assertGreaterEqual(len(routes), 4, "the collection routes are found")
        before = self._snapshot()
        valid = self._valid_values()
        forged_tokens = self._forged_tokens()
        forged_ids = [
            self.inv_b.id,
            self.inv_c.id,
            self.inv_a_other.id,
            0,
            -1,
            2**31,
            999999999,
        ]
        for pattern, routing in routes:
            methods = routing.get("methods") or ["GET", "POST"]
            method = "GET" if "GET" in methods else methods[0]
            has_token = "token>" in pattern
            # 1. Tokens: tampered, random, revoked, expired, malformed.
            if has_token:
                for token in forged_tokens:
                    values = dict(valid, token=token, short=token)
                    url = self._fill(pattern, values)
                    response = self._request(method, url)
                    self._check(response, f"{method} {url}", allowed=(400, 404, 405))
            # 2. Another customer's or company's records with a valid token.
            if re.search(r"<(int|model|models)[:(]", pattern):
                for record_id in forged_ids:
                    url = self._fill(pattern, dict(valid, id=record_id))
                    response = self._request(method, url)
                    self._check(
                        response, f"{method} {url}", allowed=(303, 400, 403, 404)
                    )
            # 3. Methods the route does not take.
            url = self._fill(pattern, valid)
            for wrong in ("PUT", "DELETE", "PATCH"):
                if routing.get("methods") and wrong not in routing["methods"]:
                    self._check(self._request(wrong, url), f"{wrong} {url}", (405,))
            # 4. A form sent without its CSRF token, or with a forged one.
            if (
                "POST" in methods
                and routing.get("csrf", True)
                and routing.get("type") == "http"
            ):
                for csrf in (None, "forged", "0" * 40 + "o" + "1" * 10):
                    data = {"comment": "no csrf"}
                    if csrf:
                        data["csrf_token"] = csrf
                    response = self._request("POST", url, data=data)
                    self._check(
                        response, f"POST {url} csrf={csrf}", (303, 400, 403, 404)
                    )
        self.assertEqual(self._snapshot(), before, "nothing written across customers")
        # 5. Every form the pages show, filled with what a script would send.
        self._fuzz_forms(routes, valid)
        self.assertEqual(self._snapshot(), before, "nothing written across customers")
        # 6. Logged in as the customer's portal user: the pages without a
        # token, with other customers' ids and forms sent without CSRF.
        self.authenticate("rf_forged_portal_a", "rf_forged_portal_a_pw")
        for pattern, routing in routes:
            if "token>" in pattern:
                continue
            methods = routing.get("methods") or ["GET", "POST"]
            method = "GET" if "GET" in methods else methods[0]
            if re.search(r"<(int|model|models)[:(]", pattern):
                for record_id in forged_ids:
                    url = self._fill(pattern, dict(valid, id=record_id))
                    response = self._request(method, url)
                    self._check(response, f"{method} {url}", allowed=(400, 403, 404))
            url = self._fill(pattern, valid)
            if "POST" in methods and routing.get("type") == "http":
                for csrf in (None, "forged"):
                    data = {"comment": "no csrf"}
                    if csrf:
                        data["csrf_token"] = csrf
                    response = self._request("POST", url, data=data)
                    self._check(response, f"POST {url} csrf={csrf}", (400, 403, 404))
        self._fuzz_forms(
            [
                (pattern, routing)
                for pattern, routing in routes
                if "token>" not in pattern
            ],
            valid,
        )
        self.assertEqual(self._snapshot(), before, "nothing written across customers")
        self.assertGreaterEqual(self.sent, 1000, "at least 1,000 forged requests")

    def _forged_tokens(self):
        token = self.access_a.sudo().token
        flipped = [
            token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
            for i in range(0, len(token), 4)
        ]
        return [
            *flipped,
            *(secrets.token_urlsafe(32) for __ in range(10)),
            *(secrets.token_urlsafe(9) for __ in range(10)),
            self.revoked.sudo().token,
            self.revoked.sudo().short_token,
            self.expired.sudo().token,
            self.expired.sudo().short_token,
            self.access_b.sudo().token[:-1],
            token[:-1],
            token + "x",
            token.upper(),
            "x" * 129,
            "x" * 5000,
            "%27%20OR%201%3D1--",
            "' OR 1=1 --",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "..%2F..%2Fetc%2Fpasswd",
            "null",
            "0",
            "-1",
            # Not "%00": a NUL byte in any URL that no route takes makes
            # Odoo's own fallback (ir.http._serve_fallback, looking for an
            # attachment of that URL) fail in PostgreSQL, before any route
            # of this addon is reached.
        ]

    def test_suite_sees_every_route(self):
        patterns = [pattern for pattern, __ in self._routes()]
        for expected in (
            "/my/collection",
            "/my/collection/<string:token>",
            "/my/collection/<string:token>/statement.pdf",
            "/c/<string:short_token>",
        ):
            self.assertIn(expected, patterns)

    def _forms(self, url):
        """The forms of the page at ``url``, as ``(action, method, fields)``."""
        response = self._request("GET", url)
        if response.status_code != 200 or "html" not in response.headers.get(
            "Content-Type", ""
        ):
            return []
        document = lxml_html.fromstring(response.text)
        forms = []
        for form in document.iter("form"):
            action = form.get("action") or url
            if not action.startswith(("/my/collection", "/c/", "/my/payment_plans")):
                continue
            fields_ = []
            for element in form.iter("input", "textarea", "select"):
                name = element.get("name")
                if not name:
                    continue
                kind = element.get("type", element.tag).lower()
                value = element.get("value", "")
                if element.tag == "select":
                    options = element.xpath(".//option/@value")
                    value = options[-1] if options else ""
                fields_.append((name, kind, value))
            forms.append((action, (form.get("method") or "get").upper(), fields_))
        return forms

    def _fuzz_forms(self, routes, valid):
        pages = {
            self._fill(pattern, valid)
            for pattern, routing in routes
            if "GET" in (routing.get("methods") or ["GET"])
        }
        seen = set()
        for page in sorted(pages):
            for action, method, fields_ in self._forms(page):
                key = (action, tuple(name for name, __, __ in fields_))
                if key in seen or method != "POST":
                    continue
                seen.add(key)
                self._fuzz_form(action, fields_)
        self.fuzzed_forms = len(seen)

    def _fuzz_form(self, action, fields_):
        base = {name: value for name, __, value in fields_}
        for name, kind, __ in fields_:
            if name == "csrf_token" or kind in ("submit", "button"):
                continue
            if kind in ("number", "range"):
                payloads = NUMBER_PAYLOADS
            elif kind in ("date", "datetime-local"):
                payloads = DATE_PAYLOADS
            elif kind in ("hidden", "checkbox", "radio", "select"):
                # Ids and choices: another customer's record, junk.
                payloads = [
                    str(self.inv_b.id),
                    str(self.inv_c.id),
                    "-1",
                    SCRIPT,
                    "1,2,3",
                ]
            elif kind == "file":
                continue
            else:
                payloads = TEXT_PAYLOADS + NUMBER_PAYLOADS[:2]
            for payload in payloads:
                data = dict(base, **{name: payload})
                response = self._request("POST", action, data=data)
                self._check(response, f"POST {action} {name}={payload[:30]!r}")
        # What was typed, once stored, is shown escaped on the page and in
        # the back office's messages.
        page = self._request(
            "GET", self._fill("/my/collection/<token>", self._valid_values())
        )
        self.assertNotIn(SCRIPT, page.text)
        messages = (
            self.env["mail.message"].sudo().search([("body", "ilike", "alert('rf')")])
        )
        for message in messages:
            self.assertNotIn(SCRIPT, str(message.body))
