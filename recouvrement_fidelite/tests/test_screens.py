# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Screens that say what to do (issue 10): the day's work lists, the
approval list's preview and confirmation, the customer follow-up, the stored
amount on actions.

Everything is read and done as a real collection user (``with_user``), never
with ``sudo()``; the test data is built here.
"""

import datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .test_collection_run import TODAY, CollectionRunCase
from .test_security import invoice_in

COLLECTION_USER = "base.group_user,recouvrement_fidelite.group_collection_user"
ACTION_LISTS = ["to_approve", "calls_today", "letters", "failures"]


class ScreensCase(CollectionRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.collector = new_test_user(
            cls.env,
            login="screens_collector",
            groups=COLLECTION_USER,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        cls.colleague = new_test_user(
            cls.env,
            login="screens_colleague",
            groups=COLLECTION_USER,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def action(self, invoice, **values):
        return self.env["collection.action"]._record(
            dict(
                {
                    "partner_id": invoice.commercial_partner_id.id,
                    "invoice_id": invoice.id,
                    "company_id": invoice.company_id.id,
                    "date": TODAY,
                },
                **values,
            )
        )

    def call(self, invoice, user, deadline, **values):
        activity = invoice.activity_schedule(
            activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
            summary="Collection call",
            user_id=user.id,
            date_deadline=deadline,
        )
        values.setdefault("state", "pending")
        return self.action(
            invoice,
            kind="call",
            channel="phone",
            activity_id=activity.id,
            **values,
        )


@tagged("post_install", "-at_install")
class TestWorkLists(ScreensCase):
    @freeze_time(TODAY)
    def test_each_work_list_shows_its_actions_and_hides_the_others(self):
        invoice = self.invoice(self.alice, 500.0, "2026-02-01")
        today = datetime.date.fromisoformat(TODAY)
        to_approve = self.action(invoice, state="proposed", channel="email")
        sent = self.action(invoice, state="done", channel="email")
        my_call = self.call(invoice, self.collector, today)
        my_late_call = self.call(invoice, self.collector, today - datetime.timedelta(2))
        colleague_call = self.call(invoice, self.colleague, today)
        tomorrow_call = self.call(
            invoice, self.collector, today + datetime.timedelta(1)
        )
        answered_call = self.call(
            invoice, self.collector, today, call_outcome="answered", state="done"
        )
        # A letter is to post until marked posted, however old.
        recent_letter = self.action(
            invoice,
            channel="letter",
            state="pending",
            date=today - datetime.timedelta(40),
        )
        old_letter = self.action(
            invoice,
            channel="letter",
            state="done",
            date=today - datetime.timedelta(5),
        )
        failed = self.action(invoice, state="failed", channel="sms")
        cancelled = self.action(invoice, state="cancelled", channel="sms")
        everything = (
            to_approve
            | sent
            | my_call
            | my_late_call
            | colleague_call
            | tomorrow_call
            | answered_call
            | recent_letter
            | old_letter
            | failed
            | cancelled
        )

        lists = (
            self.env["collection.work.list"]
            .with_user(self.collector)
            .search([("code", "in", ACTION_LISTS)])
        )
        self.assertEqual(
            lists.mapped("code"),
            ACTION_LISTS,
            "the day's work, in the order of the day",
        )
        expected = {
            "to_approve": (to_approve, to_approve.browse()),
            "calls_today": (
                my_call | my_late_call | colleague_call,
                my_call | my_late_call,
            ),
            "letters": (recent_letter, recent_letter.browse()),
            "failures": (failed, failed.browse()),
        }
        Action = self.env["collection.action"].with_user(self.collector)
        expected_buttons = {
            "to_approve": {"action_approve_and_notify", "action_cancel"},
            "calls_today": {"action_cancel"},
            "letters": {"action_cancel", "action_print_letters", "action_mark_posted"},
            "failures": {"action_cancel", "action_retry"},
        }
        for work_list in lists:
            shown, mine = expected[work_list.code]
            with self.subTest(work_list=work_list.code):
                found = Action.search(work_list._record_domain()) & everything
                self.assertEqual(found, shown)
                self.assertEqual(
                    Action.search(work_list._record_domain(mine=True)) & everything,
                    mine,
                )
                self.assertEqual(work_list.count, len(shown))
                self.assertEqual(work_list.count_mine, len(mine))
                opened = work_list.action_open()
                self.assertEqual(opened["res_model"], "collection.action")
                self.assertEqual(Action.search(opened["domain"]) & everything, shown)
                # The list shows the buttons of this work only (the client
                # evaluates each header button's "invisible" on the context).
                self.assertEqual(
                    {
                        button
                        for button, invisible in self.header_buttons().items()
                        if not safe_eval(invisible, {"context": opened["context"]})
                    },
                    expected_buttons[work_list.code],
                )
        with self.assertRaises(UserError):
            recent_letter.with_user(self.collector).action_open_letter()
        recent_letter.attachment_id = self.env["ir.attachment"].create(
            {
                "name": "letter.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "account.move",
                "res_id": invoice.id,
            }
        )
        opened = recent_letter.with_user(self.collector).action_open_letter()
        self.assertEqual(
            opened["url"],
            f"/web/content/{recent_letter.attachment_id.id}?download=true",
        )
        calls = lists.filtered(lambda w: w.code == "calls_today")
        self.assertEqual(
            Action.search(calls.action_open_mine()["domain"]) & everything,
            my_call | my_late_call,
            "mine first: the tile opens my calls",
        )

    def header_buttons(self):
        """The action list's header buttons: ``{method: invisible expression}``."""
        arch = etree.fromstring(
            self.env.ref("recouvrement_fidelite.collection_action_view_list").arch
        )
        return {
            button.get("name"): button.get("invisible") or "False"
            for button in arch.xpath("//header/button")
        }

    def test_portal_users_never_see_the_work_lists(self):
        portal = new_test_user(
            self.env, login="screens_portal", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self.env["collection.work.list"].with_user(portal).search([])

    def test_the_collection_menu_opens_on_the_days_work(self):
        menus = (
            self.env["ir.ui.menu"]
            .with_user(self.collector)
            .search(
                [
                    (
                        "parent_id",
                        "=",
                        self.env.ref("recouvrement_fidelite.collection_menu").id,
                    )
                ]
            )
        )
        first = menus.sorted("sequence")[0]
        self.assertEqual(
            first, self.env.ref("recouvrement_fidelite.collection_work_list_menu")
        )
        self.assertIn(
            self.env.ref("recouvrement_fidelite.collection_run_wizard_menu"),
            menus,
            "the run wizard stays reachable",
        )


@tagged("post_install", "-at_install")
class TestApproval(ScreensCase):
    @freeze_time(TODAY)
    def test_amount_due_is_stored_as_it_was_when_decided(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")
        other = self.invoice(self.bob, 80.0, "2026-03-01")
        with self.mockSMSGateway():
            self.run_collection()
        action = self.actions(invoice_id=invoice.id, channel="email")
        self.assertEqual(action.amount_due, 500.0)
        self.assertTrue(self.env["collection.action"]._fields["amount_due"].store)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 200.0, "payment_date": TODAY})._create_payments()
        self.assertEqual(action.with_user(self.collector).amount_residual, 300.0)
        self.assertEqual(
            action.with_user(self.collector).amount_due,
            500.0,
            "what was due when the action was decided",
        )
        Action = self.env["collection.action"].with_user(self.collector)
        ranked = Action.search(
            [("invoice_id", "in", (invoice | other).ids), ("channel", "=", "email")],
            order="amount_due desc",
        )
        self.assertEqual(ranked.mapped("amount_due"), [500.0, 80.0])
        groups = Action._read_group(
            [("invoice_id", "in", (invoice | other).ids), ("channel", "=", "email")],
            [],
            ["amount_due:sum"],
        )
        self.assertEqual(groups[0][0], 580.0)

    @freeze_time(TODAY)
    def test_preview_shows_the_email_and_sms_that_will_be_sent(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")
        second = self.invoice(self.alice, 120.0, "2026-03-02")
        email = self.action(
            invoice, state="proposed", channel="email", level_id=self.level_2.id
        )
        self.action(second, state="proposed", channel="email", level_id=self.level_2.id)
        sms = self.action(
            invoice, state="proposed", channel="sms", level_id=self.level_2.id
        )
        email = email.with_user(self.collector)
        self.assertEqual(email.preview_subject, f"Reminder {invoice.name}")
        self.assertIn(f"Please pay {invoice.name}", email.preview_body)
        self.assertIn("and 2 invoices", email.preview_body, "sent with the other one")
        self.assertIn(
            f"Invoice {invoice.name} is overdue.",
            sms.with_user(self.collector).preview_body,
        )

    @freeze_time(TODAY)
    def test_escalations_and_calls_are_named_as_what_they_are(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")
        escalation = self.action(
            invoice,
            state="proposed",
            kind="escalation",
            params='{"stage": "formal_notice"}',
        ).with_user(self.collector)
        call = self.action(
            invoice, state="proposed", kind="call", channel="phone"
        ).with_user(self.collector)
        self.assertEqual(escalation.detail, "Formal notice")
        self.assertIn("Formal notice", escalation.preview_body)
        self.assertTrue(escalation.summary.startswith("Escalation"))
        self.assertFalse(call.detail)
        self.assertTrue(call.summary.startswith("Call"))
        self.assertIn(invoice.name, call.preview_body)

    @freeze_time(TODAY)
    def test_preview_shows_the_letter(self):
        invoice = self.invoice(self.alice, 500.0, "2026-02-01")
        letter = self.action(
            invoice, state="proposed", channel="letter", level_id=self.level_3.id
        ).with_user(self.collector)
        report = self.env.ref("account.account_invoices")
        self.assertIn(
            f'src="/report/html/{report.report_name}/{invoice.id}"',
            letter.preview_body,
        )
        opened = letter.action_preview_letter()
        self.assertEqual(opened["type"], "ir.actions.report")
        self.assertEqual(opened["report_name"], report.report_name)
        self.assertEqual(opened["context"]["active_ids"], invoice.ids)

    @freeze_time(TODAY)
    def test_approval_says_what_was_sent_and_reloads_the_list(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")
        first = self.action(
            invoice, state="proposed", channel="email", level_id=self.level_2.id
        )
        second = self.action(
            invoice, state="proposed", channel="sms", level_id=self.level_2.id
        )
        actions = (first | second).with_user(self.collector)
        with self.mockSMSGateway():
            result = actions.action_approve_and_notify()
        self.assertEqual(set((first | second).mapped("state")), {"done"})
        self.assertEqual(result["tag"], "display_notification")
        message = result["params"]["message"]
        self.assertIn("Done: 1 × Reminder (Email).", message)
        self.assertIn("Done: 1 × Reminder (SMS).", message)
        self.assertNotIn("Failures to fix", message)
        self.assertEqual(result["params"]["type"], "success")
        # A soft reload redraws the grouped list: no group emptied by the
        # approval stays behind.
        self.assertEqual(result["params"]["next"]["tag"], "soft_reload")

    @freeze_time(TODAY)
    def test_approval_says_what_failed(self):
        invoice = self.invoice(self.carol, 500.0, "2026-03-01")
        action = self.action(
            invoice, state="proposed", channel="email", level_id=self.level_2.id
        ).with_user(self.collector)
        result = action.action_approve_and_notify()
        self.assertEqual(action.state, "failed", "Carol has no email address")
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("Failed: 1 × Reminder (Email).", result["params"]["message"])
        self.assertIn("Failures to fix", result["params"]["message"])

    @freeze_time(TODAY)
    def test_approval_names_calls_as_calls(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")
        call = self.action(
            invoice, kind="call", state="proposed", channel="phone"
        ).with_user(self.collector)
        email = self.action(
            invoice, state="proposed", channel="email", level_id=self.level_2.id
        ).with_user(self.collector)
        self.assertEqual(call.summary, f"Call — {invoice.name}")
        self.assertEqual(email.summary, f"Reminder (Email) — {invoice.name}")
        # A call sends nothing: its form says what will be done, not sent.
        form = self.env.ref("recouvrement_fidelite.collection_action_view_form")
        self.assertIn('string="What will be done"', form.arch)
        self.assertIn(invoice.name, call.preview_body)

    def test_approval_list_is_not_grouped_into_empty_groups(self):
        approvals = self.env.ref(
            "recouvrement_fidelite.collection_action_action_to_approve"
        )
        self.assertEqual(approvals.name, "Actions to approve")
        self.assertNotIn("group", approvals.context, "no default grouping")
        view = self.env.ref("recouvrement_fidelite.collection_action_view_list")
        self.assertIn('name="action_approve_and_notify"', view.arch)


@tagged("post_install", "-at_install")
class TestCustomerFollowup(ScreensCase):
    @freeze_time(TODAY)
    def test_followup_figures(self):
        older = self.invoice(self.alice, 500.0, "2026-03-01")  # level 2
        newer = self.invoice(self.alice, 120.0, "2026-03-12")  # level 1
        self.invoice(self.alice, 300.0, "2026-04-10")  # not due yet
        self.invoice(
            self.alice, 50.0, "2026-02-01", move_type="out_refund"
        )  # credit note not matched
        self.invoice(self.bob, 70.0, "2026-04-10")
        typology = self.env["collection.typology"].create(
            {"name": "Key account", "code": "key_account_screens"}
        )
        self.alice.write(
            {
                "collection_typology_id": typology.id,
                "collection_user_id": self.collector.id,
            }
        )
        with self.mockSMSGateway():
            self.run_collection()

        Partner = self.env["res.partner"].with_user(self.collector)
        alice = Partner.browse(self.alice.id)
        self.assertEqual(alice.collection_followup_owed, 870.0)
        self.assertEqual(alice.collection_followup_overdue, 570.0)
        self.assertEqual(str(alice.collection_followup_overdue_since), "2026-03-01")
        self.assertEqual(alice.collection_followup_level_id, self.level_2)
        self.assertEqual(str(alice.collection_followup_last_reminder), TODAY)
        self.assertEqual(alice.collection_followup_next_action.name, "Second reminder")
        self.assertEqual(str(alice.collection_followup_next_action_date), "2026-03-27")
        self.assertEqual(len(alice.collection_followup_invoice_ids), 3)
        self.assertIn(older, alice.collection_followup_invoice_ids)
        self.assertEqual(
            set(alice.collection_followup_action_ids.mapped("invoice_id").ids),
            {older.id, newer.id},
        )
        bob = Partner.browse(self.bob.id)
        self.assertEqual(bob.collection_followup_owed, 70.0)
        self.assertFalse(bob.collection_followup_overdue_since)

        followup = self.env.ref(
            "recouvrement_fidelite.res_partner_collection_followup_action"
        )
        listed = Partner.search(eval(followup.domain))  # noqa: S307 - our own data
        self.assertIn(alice, listed)
        self.assertIn(bob, listed)
        self.assertNotIn(Partner.browse(self.carol.id), listed, "owes nothing")

        # Invoices grouped by typology and by collection responsible.
        Move = self.env["account.move"].with_user(self.collector)
        domain = [("partner_id", "in", (self.alice | self.bob).ids)]
        by_typology = dict(
            Move._read_group(domain, ["collection_typology_id"], ["__count"])
        )
        self.assertEqual(by_typology[typology], 4)
        by_user = dict(Move._read_group(domain, ["collection_user_id"], ["__count"]))
        self.assertEqual(by_user[self.collector], 4)
        search = self.env.ref(
            "recouvrement_fidelite.account_move_view_search_collection_groups"
        )
        self.assertIn("group_by_collection_typology", search.arch)
        self.assertIn("group_by_collection_user", search.arch)

    @freeze_time(TODAY)
    def test_followup_lists_what_is_owed_to_the_current_company_only(self):
        company_a = self.env.company
        company_b = self.setup_other_company(name="Follow-up B")["company"]
        self.env.user.company_ids |= company_b
        invoice_in(self.env, company_b, self.carol, 90.0, "2026-03-01")
        self.invoice(self.bob, 70.0, "2026-03-01")
        both = new_test_user(
            self.env,
            login="screens_both",
            groups=COLLECTION_USER,
            company_id=company_a.id,
            company_ids=[Command.set((company_a | company_b).ids)],
        )
        followup = self.env.ref(
            "recouvrement_fidelite.res_partner_collection_followup_action"
        )
        domain = eval(followup.domain)  # noqa: S307 - our own data
        Partner = self.env["res.partner"].with_user(both)
        in_a = Partner.with_company(company_a).search(domain)
        self.assertIn(self.bob, in_a)
        self.assertNotIn(self.carol, in_a, "Carol owes company B only")
        in_b = Partner.with_company(company_b).search(domain)
        self.assertIn(self.carol, in_b)
        self.assertNotIn(self.bob, in_b)
        carol = Partner.with_company(company_b).browse(self.carol.id)
        self.assertEqual(carol.collection_followup_owed, 90.0)
        self.assertEqual(
            Partner.with_company(company_a)
            .browse(self.carol.id)
            .collection_followup_owed,
            0.0,
        )
