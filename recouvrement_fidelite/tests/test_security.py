# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who sees and changes what: companies, customers on the portal, invoicing users.

Every access here is made as a real user with real groups and companies
(``with_user``, or logged in over HTTP), never with ``sudo()``.
"""

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import (
    AccountTestInvoicingCommon,
    AccountTestInvoicingHttpCommon,
)

from .common import InvoiceMixin
from .test_collection_run import TODAY, CollectionRunCase

COLLECTION_USER = "base.group_user,recouvrement_fidelite.group_collection_user"
COLLECTION_MANAGER = "base.group_user,recouvrement_fidelite.group_collection_manager"
INVOICING_USER = "base.group_user,account.group_account_invoice"
#: Collection fields a customer may read through the ORM: none. The portal
#: shows customers what concerns them through controllers.
PORTAL_READABLE = frozenset()


def collection_fields(model):
    """The fields the addon adds to a model (they all start with collection_)."""
    return sorted(name for name in model._fields if name.startswith("collection_"))


def invoice_in(env, company, partner, amount, due_date):
    """A posted customer invoice of ``company``."""
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2026-01-15",
                "invoice_date_due": due_date,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
    )
    move.action_post()
    return move


# 1. Company separation


@tagged("post_install", "-at_install")
class TestCompanySeparation(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Collection B")["company"]
        both = cls.company_a | cls.company_b
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        cls.collector_b = new_test_user(
            cls.env,
            login="collector_b",
            groups=COLLECTION_USER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="manager_b",
            groups=COLLECTION_MANAGER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.collector_ab = new_test_user(
            cls.env,
            login="collector_ab",
            groups=COLLECTION_USER,
            company_id=cls.company_b.id,
            company_ids=[Command.set(both.ids)],
        )
        # A customer both companies invoice.
        cls.customer = cls.env["res.partner"].create(
            {"name": "Shared customer", "email": "shared@example.com"}
        )
        cls.invoice_a = invoice_in(
            cls.env, cls.company_a, cls.customer, 100.0, "2026-01-31"
        )
        cls.invoice_b = invoice_in(
            cls.env, cls.company_b, cls.customer, 200.0, "2026-01-31"
        )
        cls.run_a = cls.env["collection.run"].create({"company_id": cls.company_a.id})
        cls.run_b = cls.env["collection.run"].create({"company_id": cls.company_b.id})
        Action = cls.env["collection.action"]
        cls.action_a, cls.action_b = (
            Action._record(
                {
                    "company_id": invoice.company_id.id,
                    "run_id": run.id,
                    "invoice_id": invoice.id,
                    "partner_id": cls.customer.id,
                    "kind": "reminder",
                    "channel": "email",
                    "state": "proposed",
                }
            )
            for invoice, run in ((cls.invoice_a, cls.run_a), (cls.invoice_b, cls.run_b))
        )
        cls.call_a = Action._record(
            {
                "company_id": cls.company_a.id,
                "invoice_id": cls.invoice_a.id,
                "partner_id": cls.customer.id,
                "kind": "call",
                "channel": "phone",
                "state": "done",
            }
        )
        Campaign = cls.env["collection.campaign"]
        cls.campaign_a = Campaign.create(
            {"name": "Campaign A", "company_id": cls.company_a.id}
        )
        cls.campaign_b = Campaign.create(
            {"name": "Campaign B", "company_id": cls.company_b.id}
        )
        cls.run_wizard_a = cls.env["collection.run.wizard"].create(
            {"company_id": cls.company_a.id}
        )
        cls.dispute_wizard_a = cls.env["collection.dispute.wizard"].create(
            {"move_id": cls.invoice_a.id, "action": "open", "reason": "price"}
        )

    def test_search_read_shows_only_the_users_companies(self):
        mine = {
            "collection.action": self.action_b,
            "collection.run": self.run_b,
            "collection.campaign": self.campaign_b,
        }
        others = {
            "collection.action": self.action_a | self.call_a,
            "collection.run": self.run_a,
            "collection.campaign": self.campaign_a,
        }
        for model, records in mine.items():
            with self.subTest(model=model):
                found = {
                    row["id"]
                    for row in self.env[model]
                    .with_user(self.collector_b)
                    .search_read([], ["company_id"])
                }
                self.assertLessEqual(set(records.ids), found)
                self.assertFalse(found & set(others[model].ids))

    def test_other_companys_records_cannot_be_read_or_changed(self):
        user = self.collector_b
        attempts = {
            "read action": lambda: self.action_a.with_user(user).read(["state"]),
            "write action": lambda: self.action_a.with_user(user).write(
                {"note": "mine now"}
            ),
            "cancel action": lambda: self.action_a.with_user(user).action_cancel(),
            "approve action": lambda: self.action_a.with_user(user).action_approve(),
            "retry action": lambda: self.action_a.with_user(user).action_retry(),
            "call outcome": lambda: self.call_a.with_user(user).action_call_no_answer(),
            "read run": lambda: self.run_a.with_user(user).read(["state"]),
            "continue run": lambda: self.run_a.with_user(user).action_continue(),
            "run actions": lambda: self.run_a.with_user(user).action_view_actions(),
            "read campaign": lambda: self.campaign_a.with_user(user).read(["state"]),
            "preview campaign": lambda: self.campaign_a.with_user(
                user
            ).action_preview(),
            "launch campaign": lambda: self.campaign_a.with_user(user).action_launch(),
            "cancel campaign": lambda: self.campaign_a.with_user(user).action_cancel(),
            "read run wizard": lambda: self.run_wizard_a.with_user(user).read(
                ["company_id"]
            ),
            "use run wizard": lambda: self.run_wizard_a.with_user(user).action_run(),
            "run wizard for A": lambda: (
                self.env["collection.run.wizard"]
                .with_user(user)
                .create({"company_id": self.company_a.id})
            ),
            "start a run for A": lambda: (
                self.env["collection.run"]
                .with_user(user)
                .create({"company_id": self.company_a.id})
            ),
            "read dispute wizard": lambda: self.dispute_wizard_a.with_user(user).read(
                ["reason"]
            ),
            "confirm dispute wizard": lambda: self.dispute_wizard_a.with_user(
                user
            ).action_confirm(),
        }
        for what, attempt in attempts.items():
            with self.subTest(what), self.assertRaises(AccessError):
                attempt()
        self.assertEqual(self.action_a.state, "proposed")
        self.assertFalse(self.action_a.note)
        self.assertEqual(self.campaign_a.state, "draft")
        self.assertEqual(self.invoice_a.collection_dispute_state, "none")

    def test_own_company_records_still_work(self):
        self.action_b.with_user(self.collector_b).action_cancel()
        self.assertEqual(self.action_b.state, "cancelled")
        wizard = (
            self.env["collection.run.wizard"]
            .with_user(self.collector_b)
            .create({"company_id": self.company_b.id})
        )
        wizard.action_run()
        self.assertEqual(wizard.state, "dry")

    def test_only_the_active_companies_count(self):
        """A user of both companies working in B sees B only, as in Odoo."""
        user = self.collector_ab
        in_b = (
            self.env["collection.action"]
            .with_user(user)
            .with_context(allowed_company_ids=self.company_b.ids)
        )
        self.assertEqual(
            in_b.search([("id", "in", (self.action_a | self.action_b).ids)]),
            self.action_b,
        )
        with self.assertRaises(AccessError):
            in_b.browse(self.action_a.id).action_cancel()
        in_both = in_b.with_context(
            allowed_company_ids=(self.company_b | self.company_a).ids
        )
        self.assertEqual(
            in_both.search([("id", "in", (self.action_a | self.action_b).ids)]),
            self.action_a | self.action_b,
        )

    def test_previews_of_other_companies_are_hidden(self):
        rule_set_a = self.env["collection.rule.set"].create(
            {"name": "Rules A", "company_id": self.company_a.id}
        )
        preview = self.env["collection.preview"].create({"rule_set_id": rule_set_a.id})
        line = self.env["collection.preview.line"].create(
            {"preview_id": preview.id, "invoice_id": self.invoice_a.id}
        )
        for record in (preview, line):
            with self.subTest(record._name), self.assertRaises(AccessError):
                record.with_user(self.manager_b).read(["id"])

    def test_actions_belong_to_the_company_of_their_records(self):
        with self.assertRaises(UserError):
            self.env["collection.action"]._record(
                {
                    "company_id": self.company_b.id,
                    "invoice_id": self.invoice_a.id,
                    "partner_id": self.customer.id,
                }
            )
        with self.assertRaises(UserError):
            self.action_b.run_id = self.run_a

    def test_actions_are_never_created_by_hand(self):
        """A collection user (or manager) cannot make up a customer's history
        over RPC: actions are recorded by runs and campaigns only."""
        values = {
            "company_id": self.company_b.id,
            "partner_id": self.customer.id,
            "kind": "reminder",
            "channel": "email",
            "state": "done",
        }
        before = self.env["collection.action"].search_count([])
        for user in (self.collector_b, self.manager_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["collection.action"].with_user(user).with_company(
                    self.company_b
                ).create(dict(values))
        self.assertEqual(self.env["collection.action"].search_count([]), before)

    def test_runs_ignore_the_typology_another_company_gave_a_customer(self):
        """A shared customer with company A's typology: B's run decides as
        for a customer without typology, and does not stop."""
        typology_a = self.env["collection.typology"].create(
            {
                "name": "Watched by A",
                "code": "watched_by_a",
                "company_id": self.company_a.id,
                "requires_approval": True,
            }
        )
        self.customer.collection_typology_id = typology_a
        # As in a new request of B's user: nothing of A's in the cache.
        self.env.invalidate_all()
        wizard = (
            self.env["collection.run.wizard"]
            .with_user(self.collector_b)
            .create({"company_id": self.company_b.id})
        )
        wizard.action_run()
        self.assertEqual(wizard.state, "dry")
        engine = self.env["collection.engine"].with_user(self.collector_b)
        facts = engine._facts(self.invoice_b.with_user(self.collector_b))
        self.assertFalse(facts[0]["customer_typology"])

    def test_rule_catalogue_of_another_company_is_not_given(self):
        self.env["collection.typology"].create(
            {"name": "Only in A", "code": "only_in_a", "company_id": self.company_a.id}
        )
        catalogue = (
            self.env["collection.rule"]
            .with_user(self.collector_b)
            .get_editor_catalogue(self.company_a.id)
        )
        self.assertNotIn("only_in_a", str(catalogue))


# 2. What customers see


class PortalCustomerMixin(InvoiceMixin):
    """A customer with a portal access, and what the collection knows of them."""

    NOTE = "Suspected insolvency: check the commercial court register"
    CLAIM = "Contests the price of the second delivery"

    @classmethod
    def setup_portal_customer(cls):
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        cls.typology = cls.env["collection.typology"].create(
            {"name": "Watched payer", "code": "watched_payer"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Portal Customer SARL",
                "is_company": True,
                "email": "billing@portal-customer.example",
                "street": "1 rue de la Paix",
                "city": "Paris",
                "zip": "75002",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_customer",
            groups="base.group_portal",
            name="Paula Portal",
            parent_id=cls.customer.id,
        )
        cls.customer.write(
            {
                "collection_typology_id": cls.typology.id,
                "collection_note": f"<p>{cls.NOTE}</p>",
                "collection_late_ratio": 80.0,
                "collection_preferred_channel": "letter",
            }
        )
        cls.invoice_due = cls.invoice(cls.customer, 1500.0, "2026-01-31")
        cls.invoice_due._collection_dispute_open("price", note=cls.CLAIM)
        scenario = cls.env["collection.scenario"].create(
            {"name": "Watched payers", "company_id": cls.env.company.id}
        )
        formal_notice = cls.env["collection.level"].create(
            {
                "scenario_id": scenario.id,
                "name": "Formal notice",
                "level_number": 3,
                "delay_days": 45,
            }
        )
        cls.invoice_due.write(
            {
                "collection_reminder_count": 2,
                "collection_next_level_id": formal_notice.id,
            }
        )
        cls.invoice_due.message_subscribe(partner_ids=cls.portal_user.partner_id.ids)


@tagged("post_install", "-at_install")
class TestPortalPrivacy(PortalCustomerMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_portal_customer()
        cls.invoicing_user = new_test_user(
            cls.env, login="invoicing_clerk", groups=INVOICING_USER
        )
        cls.collector = new_test_user(
            cls.env, login="collector_fr", groups=COLLECTION_USER
        )

    def test_portal_user_reads_no_collection_field(self):
        own = {
            "res.partner": self.portal_user.partner_id | self.customer,
            "account.move": self.invoice_due,
        }
        for model, records in own.items():
            as_customer = records.with_user(self.portal_user)
            # The customer may read their own records...
            as_customer.read(["name"])
            names = set(collection_fields(self.env[model])) - PORTAL_READABLE
            self.assertTrue(names)
            self.assertFalse(
                names & set(as_customer.fields_get()), "no collection field shown"
            )
            # ...but none of what the collection knows of them.
            for name in sorted(names):
                with self.subTest(model=model, field=name):
                    with self.assertRaises(AccessError):
                        as_customer.read([name])

    def test_portal_user_gets_no_collection_text(self):
        messages = (
            self.env["mail.message"]
            .with_user(self.portal_user)
            .search(
                [("model", "=", "account.move"), ("res_id", "=", self.invoice_due.id)]
            )
        )
        for message in messages:
            self.assertNotIn("price", (message.body or "").lower())
            self.assertNotIn(self.CLAIM, message.body or "")

    def test_internal_users_still_see_collection_fields(self):
        for user in (self.invoicing_user, self.collector):
            with self.subTest(user=user.login):
                values = self.customer.with_user(user).read(
                    ["collection_typology_id", "collection_late_ratio"]
                )[0]
                self.assertEqual(values["collection_typology_id"][0], self.typology.id)
                invoice = self.invoice_due.with_user(user)
                self.assertEqual(invoice.collection_dispute_state, "open")
                self.assertEqual(invoice.collection_reminder_count, 2)

    def test_rule_catalogue_is_for_collection_users(self):
        for user in (self.portal_user, self.invoicing_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["collection.engine"].with_user(user).get_catalogue()
                with self.assertRaises(AccessError):
                    self.env["collection.rule"].with_user(user).get_editor_catalogue()
        catalogue = self.env["collection.engine"].with_user(self.collector)
        self.assertIn("watched_payer", str(catalogue.get_catalogue()))
        editor = self.env["collection.rule"].with_user(self.collector)
        self.assertTrue(editor.get_editor_catalogue())

    def test_views_load_for_invoicing_and_collection_users(self):
        views = {
            "account.move": [
                (self.env.ref("account.view_move_form").id, "form"),
                (self.env.ref("account.view_out_invoice_tree").id, "list"),
                (self.env.ref("account.view_account_invoice_filter").id, "search"),
            ],
            "res.partner": [(False, "form"), (False, "list"), (False, "search")],
        }
        for user in (self.invoicing_user, self.collector):
            for model, view_list in views.items():
                with self.subTest(user=user.login, model=model):
                    result = self.env[model].with_user(user).get_views(view_list)
                    form = result["views"]["form"]["arch"]
                    if model == "account.move":
                        self.assertIn("collection_level_id", form)
                    if model == "res.partner":
                        self.assertEqual(
                            "collection_note" in form, user == self.collector
                        )
        # The invoicing user opens a customer invoice: collection fields load.
        invoice = Form(self.invoice_due.with_user(self.invoicing_user))
        self.assertEqual(invoice.collection_dispute_state, "open")
        self.assertEqual(invoice.collection_reminder_count, 2)


@tagged("post_install", "-at_install")
class TestPortalPrivacyHttp(PortalCustomerMixin, AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_portal_customer()

    def assert_nothing_internal(self, html):
        for text in (self.NOTE, self.CLAIM, "Watched payer", "Formal notice"):
            self.assertNotIn(text, html)

    def test_portal_invoice_pages_show_nothing_internal(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/invoices")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice_due.name, response.text)
        self.assert_nothing_internal(response.text)
        response = self.url_open(f"/my/invoices/{self.invoice_due.id}")
        self.assertEqual(response.status_code, 200)
        self.assert_nothing_internal(response.text)

    @mute_logger("odoo.http", "odoo.models")
    def test_portal_rpc_read_of_collection_fields_refused(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        partner = self.portal_user.partner_id
        params = {
            "model": "res.partner",
            "method": "read",
            "args": [
                [partner.id, self.customer.id],
                ["name", "collection_typology_id", "collection_note"],
            ],
            "kwargs": {},
        }
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request("/web/dataset/call_kw/res.partner/read", params)
        self.assertIn("AccessError", str(caught.exception))
        # What the customer may read is named without collection fields.
        described = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.partner/fields_get",
            {"model": "res.partner", "method": "fields_get", "args": [], "kwargs": {}},
        )
        self.assertIn("name", described)
        self.assertFalse([name for name in described if name.startswith("collection_")])
        # The rules catalogue is not for customers either.
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/collection.engine/get_catalogue",
                {
                    "model": "collection.engine",
                    "method": "get_catalogue",
                    "args": [],
                    "kwargs": {},
                },
            )

    def test_portal_user_updates_their_details(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/account")
        self.assertEqual(response.status_code, 200)
        self.assert_nothing_internal(response.text)
        response = self.url_open(
            "/my/account",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "name": "Paula Portal",
                "email": "paula@portal-customer.example",
                "phone": "+33 6 12 34 56 78",
                "street": "2 avenue de l'Opéra",
                "city": "Paris",
                "zipcode": "75001",
                "country_id": str(self.env.ref("base.fr").id),
            },
        )
        self.assertEqual(response.status_code, 200)
        partner = self.portal_user.partner_id
        self.assertEqual(partner.street, "2 avenue de l'Opéra")
        self.assertEqual(partner.collection_mobile_e164, False)
        self.assertEqual(partner.collection_phone_e164, "+33612345678")
        # The commercial fields still come from the company.
        self.assertEqual(partner.collection_typology_id, self.typology)
        self.assertEqual(self.customer.collection_note, f"<p>{self.NOTE}</p>")


# 3. The reminder record of an invoice


@tagged("post_install", "-at_install")
class TestReminderRecord(CollectionRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing_user = new_test_user(
            cls.env, login="invoicing_clerk", groups=INVOICING_USER
        )
        cls.collector = new_test_user(
            cls.env, login="collector_fr", groups=COLLECTION_USER
        )
        cls.manager = new_test_user(
            cls.env, login="collection_chief", groups=COLLECTION_MANAGER
        )

    def rewrites(self):
        return {
            "collection_level_id": self.level_1.id,
            "collection_reminder_count": 7,
            "collection_last_reminder_date": "2026-03-01",
            "collection_next_level_id": self.level_2.id,
            "collection_next_action_date": "2026-12-31",
        }

    def test_invoicing_and_collection_users_cannot_rewrite_it(self):
        invoice = self.invoice(self.alice, 300.0, "2026-03-01")
        for user in (self.invoicing_user, self.collector):
            for name, value in self.rewrites().items():
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(AccessError):
                        invoice.with_user(user).write({name: value})
        self.assertFalse(invoice.collection_level_id)
        self.assertEqual(invoice.collection_reminder_count, 0)
        self.assertFalse(invoice.collection_last_reminder_date)
        # Nor set it on a new invoice.
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.invoicing_user).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.alice.id,
                    "collection_reminder_count": 3,
                }
            )

    def test_invoicing_users_still_edit_invoices(self):
        invoice = self.invoice(self.alice, 300.0, "2026-03-01")
        invoice.with_user(self.invoicing_user).write({"ref": "PO-42"})
        self.assertEqual(invoice.ref, "PO-42")
        with Form(
            self.env["account.move"]
            .with_user(self.invoicing_user)
            .with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = self.alice
            with form.invoice_line_ids.new() as line:
                line.name = "Consulting"
                line.price_unit = 100.0
        self.assertEqual(form.record.collection_reminder_count, 0)

    def test_managers_correct_it_with_a_trace(self):
        invoice = self.invoice(self.alice, 300.0, "2026-03-01")
        invoice.with_user(self.manager).write(
            {"collection_reminder_count": 2, "collection_level_id": self.level_2.id}
        )
        self.assertEqual(invoice.collection_reminder_count, 2)
        self.assertEqual(invoice.collection_level_id, self.level_2)
        trace = invoice.message_ids.filtered(
            lambda m: "corrected by hand" in (m.body or "")
        )
        self.assertEqual(len(trace), 1)
        self.assertIn(self.manager.name, trace.body)
        self.assertIn("Reminders sent: 0 → 2", trace.body)
        self.assertIn("Second reminder", trace.body)
        self.assertEqual(trace.author_id, self.manager.partner_id)

    @freeze_time(TODAY)
    def test_a_run_started_by_a_collection_user_records_what_it_sent(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")  # 19 days: level 2
        run = (
            self.env["collection.run"]
            .with_user(self.collector)
            .create({"company_id": self.env.company.id})
        )
        with self.mockSMSGateway():
            run._process()
        self.assertEqual(invoice.collection_level_id, self.level_2)
        self.assertEqual(str(invoice.collection_last_reminder_date), TODAY)
        # One reminder step, whatever its channels (issue 7, item 9).
        self.assertEqual(invoice.collection_reminder_count, 1)
        self.assertEqual(invoice.collection_next_level_id.name, "Last reminder")
        self.assertFalse(
            invoice.message_ids.filtered(
                lambda m: "corrected by hand" in (m.body or "")
            ),
            "the run's own updates are not corrections",
        )
