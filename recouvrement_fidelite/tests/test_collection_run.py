# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The collection run: rules decide, channels act, nothing is sent twice."""

import json
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sms.tests.common import MockSMS

from .common import InvoiceMixin

TODAY = "2026-03-20"


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


@tagged("post_install", "-at_install")
class CollectionRunCase(InvoiceMixin, AccountTestInvoicingCommon, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        company = cls.env.company
        cls.env["collection.rule.set"].search(
            [("company_id", "=", company.id)]
        ).active = False
        cls.mail_template = cls.env["mail.template"].create(
            {
                "name": "Test reminder",
                "model_id": cls.env.ref("account.model_account_move").id,
                "subject": "Reminder {{ object.name }}",
                "email_from": "collection@company.example",
                "body_html": "<p>Please pay <t t-out='object.name'/> "
                "and <t t-out='len(ctx.get(\"collection_invoice_ids\") or [])'/> "
                "invoices.</p>",
            }
        )
        cls.sms_template = cls.env["sms.template"].create(
            {
                "name": "Test SMS",
                "model_id": cls.env.ref("account.model_account_move").id,
                "body": "Invoice {{ object.name }} is overdue.",
            }
        )
        cls.scenario = cls.env["collection.scenario"].create(
            {"name": "Test scenario", "company_id": company.id}
        )
        Level = cls.env["collection.level"]
        cls.level_1 = Level.create(
            {
                "scenario_id": cls.scenario.id,
                "name": "First reminder",
                "level_number": 1,
                "delay_days": 5,
                "use_email": True,
                "mail_template_id": cls.mail_template.id,
                "fallback_channel": "letter",
                "letter_report_id": cls.env.ref("account.account_invoices").id,
            }
        )
        cls.level_2 = Level.create(
            {
                "scenario_id": cls.scenario.id,
                "name": "Second reminder",
                "level_number": 2,
                "delay_days": 15,
                "use_email": True,
                "use_sms": True,
                "mail_template_id": cls.mail_template.id,
                "sms_template_id": cls.sms_template.id,
            }
        )
        cls.level_3 = Level.create(
            {
                "scenario_id": cls.scenario.id,
                "name": "Last reminder",
                "level_number": 3,
                "delay_days": 30,
                "use_email": False,
                "use_letter": True,
                "use_call": True,
                "requires_approval": True,
                "letter_report_id": cls.env.ref("account.account_invoices").id,
            }
        )
        company.collection_default_scenario_id = cls.scenario
        rules = [
            ("Disputed: no reminder", leaf("dispute_status", "contains", "open"), []),
            ("Level 3", leaf("days_overdue", "greater_than_or_equal_to", 30), 3),
            ("Level 2", leaf("days_overdue", "greater_than_or_equal_to", 15), 2),
            ("Level 1", leaf("days_overdue", "greater_than_or_equal_to", 5), 1),
        ]
        cls.rule_set = cls.env["collection.rule.set"].create(
            {
                "name": "Test rules",
                "priority": 1,
                "stop_on_first_trigger": True,
                "company_id": company.id,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "sequence": index,
                            "conditions": json.dumps(conditions),
                            "actions": json.dumps(
                                [
                                    {
                                        "name": "set_reminder_level",
                                        "params": {"level": level},
                                    }
                                ]
                                if level
                                else []
                            ),
                        },
                    )
                    for index, (name, conditions, level) in enumerate(rules)
                ],
            }
        )
        Partner = cls.env["res.partner"]
        address = {
            "street": "3 rue des Lilas",
            "zip": "69001",
            "city": "Lyon",
            "country_id": cls.env.ref("base.fr").id,
        }
        cls.alice = Partner.create(
            dict(
                address,
                name="Alice SARL",
                is_company=True,
                email="alice@example.com",
                mobile="06 12 34 56 78",
            )
        )
        cls.bob = Partner.create(dict(address, name="Bob Bakery", is_company=True))
        cls.carol = Partner.create(
            {"name": "Carol without address", "is_company": True}
        )

    def run_collection(self, **kwargs):
        run = self.env["collection.run"].create({"company_id": self.env.company.id})
        run._process(**kwargs)
        return run

    def actions(self, **domain):
        return self.env["collection.action"].search(
            [(key, "=", value) for key, value in domain.items()]
        )


@tagged("post_install", "-at_install")
class TestCollectionRun(CollectionRunCase):
    @freeze_time(TODAY)
    def test_one_grouped_reminder_per_customer_and_channel(self):
        older = self.invoice(self.alice, 500.0, "2026-03-01")  # 19 days: level 2
        sibling = self.invoice(self.alice, 60.0, "2026-03-02")  # 18 days: level 2
        newer = self.invoice(self.alice, 120.0, "2026-03-12")  # 8 days: level 1
        with self.mockSMSGateway():
            run = self.run_collection()
        self.assertEqual(run.state, "done")
        emails = self.actions(partner_id=self.alice.id, channel="email")
        self.assertEqual(len(emails), 3)
        self.assertEqual(set(emails.mapped("state")), {"done"})
        # One email per wording (issue 10): the level-2 invoices together,
        # the level-1 invoice apart, never in a mail that is not its level's.
        self.assertEqual(len(emails.message_id), 2)
        message = emails.filtered(lambda a: a.invoice_id == older).message_id
        self.assertEqual(
            emails.filtered(lambda a: a.invoice_id == sibling).message_id, message
        )
        newer_message = emails.filtered(lambda a: a.invoice_id == newer).message_id
        self.assertNotEqual(newer_message, message)
        self.assertEqual(newer_message.res_id, newer.id)
        self.assertEqual(message.model, "account.move")
        self.assertEqual(message.res_id, older.id, "led by the highest level")
        self.assertIn("and 2 invoices", message.body)
        self.assertIn(self.alice, message.partner_ids)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertTrue(mails, "queued in Odoo's mail queue")
        # Waiting there for the queue's scheduled action, not sent (nor
        # failed) from inside the run.
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        # Level 2 also sends an SMS, one for both level-2 invoices.
        sms = self.actions(partner_id=self.alice.id, channel="sms")
        self.assertEqual(sms.invoice_id, older | sibling)
        self.assertEqual(set(sms.mapped("state")), {"done"})
        sms_records = self.env["sms.sms"].search([("number", "=", "+33612345678")])
        self.assertEqual(len(sms_records), 1)
        self.assertIn(older.name, sms_records[0].body)
        # The invoices remember where they stand.
        self.assertEqual(older.collection_level_id, self.level_2)
        self.assertEqual(newer.collection_level_id, self.level_1)
        self.assertEqual(str(older.collection_last_reminder_date), TODAY)
        # Email and SMS of one level are one reminder (issue 7, item 9).
        self.assertEqual(older.collection_reminder_count, 1)
        self.assertEqual(older.collection_next_level_id.name, "Last reminder")
        self.assertEqual(str(older.collection_next_action_date), "2026-03-31")
        # Every decision is explained in the history.
        self.assertIn(
            "Level 2:\n• Days overdue 19 >= 15",
            emails.filtered(lambda a: a.invoice_id == older).explanation,
        )
        # An invoice's history is its collection actions (issue 9: no note
        # per invoice): the newer invoice's email links to the reminder sent
        # with the older one, and each action says why.
        Action = self.env["collection.action"]
        newer_history = Action.search(newer.action_view_collection_actions()["domain"])
        self.assertEqual(
            newer_history.filtered(lambda a: a.channel == "email").message_id,
            newer_message,
        )
        for invoice in older | newer:
            self.assertFalse(
                invoice.message_ids.filtered(
                    lambda m: "Collection: " in (m.body or "")
                ),
                "no note per invoice: its actions are its history",
            )
        older_history = Action.search(older.action_view_collection_actions()["domain"])
        notes = " ".join(action._history_note() for action in older_history)
        self.assertIn("Why: Level 2:\n• Days overdue 19 >= 15", notes)
        # The customer's history: one note per channel for the run, listing
        # each invoice's action and why.
        run_notes = self.alice.message_ids.filtered(
            lambda m: "Collection: " in (m.body or "")
        )
        self.assertEqual(len(run_notes), 2, "one note per channel (email, SMS)")
        email_note = run_notes.filtered(lambda m: "(Email)" in m.body)
        self.assertIn(older.name, email_note.body)
        self.assertIn(newer.name, email_note.body)
        self.assertIn("Why: Level 2:<br>• Days overdue 19 &gt;= 15", email_note.body)
        self.assertEqual(older.collection_action_count, 2)
        self.assertEqual(self.alice.collection_action_count, 5)  # 3 emails, 2 SMS
        history = older.action_view_collection_actions()
        self.assertEqual(
            self.env["collection.action"].search(history["domain"]).invoice_id, older
        )
        customer_notes = " ".join(self.alice.message_ids.mapped("body"))
        self.assertIn("Level 1:<br>• Days overdue 8 &gt;= 5", customer_notes)
        self.assertIn("Level 2:", customer_notes)

    @freeze_time(TODAY)
    def test_running_twice_sends_nothing_twice(self):
        self.invoice(self.alice, 500.0, "2026-03-01")
        with self.mockSMSGateway():
            self.run_collection()
            first = self.env["collection.action"].search_count([])
            messages = self.env["mail.message"].search_count([])
            second_run = self.run_collection()
        self.assertEqual(self.env["collection.action"].search_count([]), first)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self.assertEqual(second_run.action_count, 0)
        with freeze_time("2026-03-21"), self.mockSMSGateway():
            self.run_collection()
        self.assertEqual(
            self.env["collection.action"].search_count([]),
            first,
            "the same level is not sent again the next day",
        )

    @freeze_time(TODAY)
    def test_fallback_and_unreachable_channel(self):
        bob_invoice = self.invoice(self.bob, 80.0, "2026-03-10")  # no email: letter
        carol_invoice = self.invoice(self.carol, 90.0, "2026-03-10")  # nothing at all
        alice_invoice = self.invoice(self.alice, 70.0, "2026-03-10")
        self.run_collection()
        bob = self.actions(invoice_id=bob_invoice.id)
        self.assertEqual(bob.state, "pending", "a letter to post")
        self.assertEqual(bob.channel, "letter")
        self.assertIn("no email address", bob.note)
        self.assertEqual(bob.attachment_id.mimetype, "application/pdf")
        carol = self.actions(invoice_id=carol_invoice.id)
        self.assertEqual(carol.state, "failed")
        self.assertIn("no email address", carol.failure_reason)
        # Traceable from the invoice (its actions) and the customer (issue 9:
        # the customer's note replaces the one per invoice).
        self.assertIn(
            "no email address",
            " ".join(
                self.env["collection.action"]
                .search(carol_invoice.action_view_collection_actions()["domain"])
                .mapped("failure_reason")
            ),
        )
        self.assertIn(
            "no email address", " ".join(self.carol.message_ids.mapped("body"))
        )
        self.assertEqual(self.actions(invoice_id=alice_invoice.id).state, "done")
        # The failure waits for a person: the next runs do not repeat it.
        with freeze_time("2026-03-21"):
            self.run_collection()
        self.assertEqual(len(self.actions(invoice_id=carol_invoice.id)), 1)
        carol.action_cancel()
        with freeze_time("2026-03-22"):
            self.run_collection()
        retried = self.actions(invoice_id=carol_invoice.id, state="failed")
        self.assertEqual(len(retried), 1, "cancelled: the next run tries again")

    @freeze_time(TODAY)
    def test_levels_requiring_approval_wait(self):
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")  # 38 days: level 3
        run = self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        self.assertEqual(set(actions.mapped("kind")), {"reminder", "call"})
        self.assertEqual(set(actions.mapped("state")), {"proposed"})
        self.assertEqual(run.waiting_count, 2)
        self.assertFalse(invoice.collection_level_id)
        actions.action_approve()
        # A letter to post and a call to make.
        self.assertEqual(set(actions.mapped("state")), {"pending"})
        letter = actions.filtered(lambda a: a.kind == "reminder")
        self.assertEqual(letter.channel, "letter")
        self.assertTrue(letter.attachment_id)
        call = actions.filtered(lambda a: a.kind == "call")
        self.assertEqual(call.activity_id.res_id, invoice.id)
        # The level is reached once the letter is posted (or the call made).
        self.assertFalse(invoice.collection_level_id)
        letter.action_mark_posted()
        self.assertEqual(invoice.collection_level_id, self.level_3)

    @freeze_time(TODAY)
    def test_cancelled_action_is_not_done_and_done_one_cannot_be_cancelled(self):
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")
        self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        actions.action_cancel()
        self.assertEqual(set(actions.mapped("state")), {"cancelled"})
        done = self.invoice(self.alice, 10.0, "2026-03-12")
        self.run_collection()
        done_action = self.actions(invoice_id=done.id)
        self.assertEqual(done_action.state, "done")
        with self.assertRaises(UserError):
            done_action.action_cancel()

    @freeze_time(TODAY)
    def test_disputed_and_paused_invoices_are_left_alone(self):
        disputed = self.invoice(self.alice, 100.0, "2026-03-01")
        disputed.collection_dispute_state = "open"
        self.bob.collection_pause_until = "2026-04-01"
        paused = self.invoice(self.bob, 100.0, "2026-03-01")
        self.run_collection()
        self.assertFalse(self.actions(invoice_id=disputed.id))
        self.assertFalse(self.actions(invoice_id=paused.id))

    @freeze_time(TODAY)
    def test_a_failing_invoice_does_not_stop_the_others(self):
        good = self.invoice(self.alice, 100.0, "2026-03-01")
        bad = self.invoice(self.bob, 100.0, "2026-03-01")
        engine_class = type(self.env["collection.engine"])
        original = engine_class._facts

        def broken_facts(model, invoices):
            facts = original(model, invoices)
            for fact in facts:
                if fact["invoice_id"] == bad.id:
                    fact["days_overdue"] = "nineteen"
            return facts

        with patch.object(engine_class, "_facts", broken_facts), self.mockSMSGateway():
            run = self.run_collection()
        failed = self.actions(invoice_id=bad.id)
        self.assertEqual(failed.state, "failed")
        self.assertIn("days_overdue", failed.failure_reason)
        self.assertEqual(
            set(self.actions(invoice_id=good.id).mapped("state")), {"done"}
        )
        managers = self.env.ref("recouvrement_fidelite.group_collection_manager").users
        notice = run.message_ids.filtered(
            lambda m: "failed in this run" in (m.body or "")
        )
        self.assertTrue(notice)
        self.assertTrue(managers.partner_id & notice.partner_ids)

    @freeze_time(TODAY)
    def test_crash_then_restart_continues_without_duplicates(self):
        self.invoice(self.alice, 100.0, "2026-03-12")
        self.invoice(self.bob, 100.0, "2026-03-12")
        run = self.env["collection.run"].create({"company_id": self.env.company.id})
        run_class = type(run)
        original = run_class._process_batch
        calls = []

        def crash_on_second(self_, customer_ids, evaluator):
            calls.append(customer_ids)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(self_, customer_ids, evaluator)

        # Not assertRaises: Odoo's rolls back everything done inside it.
        crashed = False
        with patch.object(run_class, "_process_batch", crash_on_second):
            try:
                run._process(batch_size=1)
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        self.assertEqual(run.state, "running")
        first_customer = calls[0][0]
        self.assertEqual(run.cursor_partner_id, first_customer)
        done_before = self.env["collection.action"].search([])
        self.assertEqual(done_before.partner_id.ids, [first_customer])
        run._process(batch_size=1)
        self.assertEqual(run.state, "done")
        actions = self.env["collection.action"].search([])
        self.assertEqual(set(actions.partner_id.ids), {self.alice.id, self.bob.id})
        self.assertEqual(len(actions), 2, "each customer's reminder exactly once")

    @freeze_time(TODAY)
    def test_dry_run_shows_decisions_and_writes_nothing(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")
        messages = self.env["mail.message"].search_count([])
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        self.assertEqual(wizard.state, "dry")
        self.assertEqual(wizard.invoice_count, 1)
        self.assertEqual(sorted(wizard.line_ids.mapped("channel")), ["email", "sms"])
        self.assertIn("Days overdue 19 >= 15", wizard.line_ids[0].explanation)
        self.assertFalse(self.env["collection.action"].search([]))
        self.assertFalse(self.env["collection.run"].search([]))
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self.assertFalse(invoice.collection_level_id)
        # Nobody approves a dry-run decision: it "would be carried out".
        line = wizard.line_ids[0]
        self.assertEqual(line.state, "approved")
        labels = dict(line._fields["state"]._description_selection(self.env))
        self.assertEqual(labels["approved"], "Carried out")
        with self.mockSMSGateway():
            wizard.action_run_for_real()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.done_count, 2)

    @freeze_time(TODAY)
    def test_scheduled_run_reports_progress(self):
        self.env.company.collection_run_enabled = True
        self.invoice(self.alice, 100.0, "2026-03-12")
        self.invoice(self.bob, 100.0, "2026-03-12")
        cron = self.env.ref("recouvrement_fidelite.collection_run_cron")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "remaining": 0, "done": 0}
        )
        self.env["collection.run"].with_context(
            ir_cron_progress_id=progress.id
        )._cron_run()
        self.assertEqual(progress.done, 2)
        self.assertEqual(progress.remaining, 0)
        run = self.env["collection.run"].search([])
        self.assertEqual(run.trigger, "cron")
        self.assertEqual(run.state, "done")

    @freeze_time(TODAY)
    def test_unanswered_calls_feed_the_rules(self):
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")  # level 3: call
        self.run_collection()
        call = self.actions(invoice_id=invoice.id, kind="call")
        call.action_approve()
        self.assertEqual(call.state, "pending", "planned: a call to make")
        engine = self.env["collection.engine"]
        self.assertEqual(engine._facts(invoice)[0]["unanswered_calls"], 0)
        call.action_call_no_answer()
        self.assertEqual(call.call_outcome, "no_answer")
        self.assertEqual(call.state, "done", "the call was made")
        self.assertFalse(call.activity_id.exists(), "the call activity is marked done")
        self.assertEqual(engine._facts(invoice)[0]["unanswered_calls"], 1)
        reminder = self.actions(invoice_id=invoice.id, kind="reminder")
        with self.assertRaises(UserError):
            reminder.action_call_answered()
        with freeze_time("2026-07-01"):
            self.assertEqual(engine._facts(invoice)[0]["unanswered_calls"], 0)

    @freeze_time(TODAY)
    def test_approver_is_told_what_waits(self):
        approver = self.env["res.users"].create(
            {
                "name": "Chief credit controller",
                "login": "chief_cc",
                "email": "chief@company.example",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref(
                                "recouvrement_fidelite.group_collection_user"
                            ).id
                        ],
                    )
                ],
            }
        )
        self.env.company.collection_approver_id = approver
        self.invoice(self.alice, 900.0, "2026-02-10")
        run = self.run_collection()
        notice = run.message_ids.filtered(
            lambda m: "wait for approval" in (m.body or "")
        )
        self.assertEqual(notice.partner_ids, approver.partner_id)

    @freeze_time(TODAY)
    def test_reminders_are_signed_by_the_responsible_or_the_company(self):
        self.env.company.partner_id.email = "billing@company.example"
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")
        # Neither the customer nor the invoice has a responsible (the
        # invoice's salesperson would sign, see test_reminder_contact).
        invoice.invoice_user_id = False
        self.run_collection()
        message = self.actions(invoice_id=invoice.id, channel="email").message_id
        self.assertEqual(message.author_id, self.env.company.partner_id)
        self.assertIn("billing@company.example", message.email_from)
        controller = self.env["res.users"].create(
            {
                "name": "Credit controller",
                "login": "cc_sign",
                "email": "cc@company.example",
            }
        )
        self.bob.write(
            {"email": "bob@example.com", "collection_user_id": controller.id}
        )
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        self.run_collection()
        message = self.actions(invoice_id=bob_invoice.id, channel="email").message_id
        self.assertEqual(message.author_id, controller.partner_id)
