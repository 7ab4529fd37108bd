# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a new user found wrong with the collection run (issue 7), fixed.

A reminder step counts once and records its level whatever its channels; a
rule's call parameters win; calls stay inside the contact windows; what the
customer owes in total decides whether and for how much they are reminded;
escalation activities say the stage's name.
"""

import html
import json
import re

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_amount

from .test_collection_run import TODAY, CollectionRunCase, leaf

# TODAY (2026-03-20) is a Friday.


class RunFixesCase(CollectionRunCase):
    def rules(self, *rules):
        """Replace the active rules: ``(name, conditions, actions)`` triples."""
        self.env["collection.rule.set"].search(
            [("company_id", "=", self.env.company.id)]
        ).active = False
        return self.env["collection.rule.set"].create(
            {
                "name": "Rules of the test",
                "priority": 1,
                "stop_on_first_trigger": True,
                "company_id": self.env.company.id,
                "rule_ids": [
                    Command.create(
                        {
                            "name": name,
                            "sequence": index,
                            "conditions": json.dumps(conditions),
                            "actions": json.dumps(
                                [
                                    {"name": action, "params": params}
                                    for action, params in actions
                                ]
                            ),
                        }
                    )
                    for index, (name, conditions, actions) in enumerate(rules)
                ],
            }
        )

    def call_only_scenario(self, fallback=False):
        """A premium-like scenario: level 1 is a personal call, level 2 an email."""
        scenario = self.env["collection.scenario"].create(
            {"name": "Premium-like", "company_id": self.env.company.id}
        )
        Level = self.env["collection.level"]
        call = Level.create(
            {
                "scenario_id": scenario.id,
                "name": "Personal call",
                "level_number": 1,
                "delay_days": 25,
                "use_email": False,
                "use_call": True,
                "fallback_channel": fallback,
                "mail_template_id": self.mail_template.id,
            }
        )
        email = Level.create(
            {
                "scenario_id": scenario.id,
                "name": "Email after the call",
                "level_number": 2,
                "delay_days": 35,
                "use_email": True,
                "mail_template_id": self.mail_template.id,
            }
        )
        self.env.company.collection_default_scenario_id = scenario
        return call, email


@tagged("post_install", "-at_install")
class TestReminderSteps(RunFixesCase):
    """Items 4 and 9: one step, whatever its channels, records its level and
    counts one reminder."""

    @freeze_time(TODAY)
    def test_call_only_level_records_its_level_and_the_next_rule_fires(self):
        call_level, email_level = self.call_only_scenario()
        self.rules(
            (
                "Personal call at 30 days",
                {
                    "all": [
                        leaf("days_overdue", "greater_than_or_equal_to", 30),
                        leaf("reminder_level", "less_than", 1),
                    ]
                },
                [("set_reminder_level", {"level": 1})],
            ),
            (
                "Email a week after the call",
                {
                    "all": [
                        leaf("reminder_level", "greater_than_or_equal_to", 1),
                        leaf("reminder_level", "less_than", 2),
                        leaf("days_since_last_reminder", "greater_than_or_equal_to", 7),
                    ]
                },
                [("set_reminder_level", {"level": 2})],
            ),
        )
        invoice = self.invoice(self.alice, 800.0, "2026-02-15")  # 33 days late
        self.run_collection()
        call = self.actions(invoice_id=invoice.id)
        # Planned, not done: the call is to make (issue 10).
        self.assertEqual((call.kind, call.state), ("call", "pending"))
        self.assertTrue(call.activity_id)
        self.assertFalse(invoice.collection_level_id)
        self.assertEqual(invoice.collection_reminder_count, 0)
        # Done, and a reminder step, once its outcome is recorded.
        call.action_call_answered()
        self.assertEqual(call.state, "done")
        self.assertEqual(invoice.collection_level_id, call_level)
        self.assertEqual(invoice.collection_reminder_count, 1)
        self.assertEqual(str(invoice.collection_last_reminder_date), TODAY)
        self.assertEqual(invoice.collection_next_level_id.name, "Email after the call")
        # A week later the next rule fires: the customer is reminded again.
        with freeze_time("2026-03-30"):
            self.run_collection()
        email = self.actions(invoice_id=invoice.id, channel="email")
        self.assertEqual(email.state, "done")
        self.assertEqual(invoice.collection_level_id, email_level)
        self.assertEqual(invoice.collection_reminder_count, 2)
        self.assertEqual(str(invoice.collection_last_reminder_date), "2026-03-30")

    @freeze_time(TODAY)
    def test_email_and_sms_of_one_level_count_one_reminder(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")  # level 2
        with self.mockSMSGateway():
            self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        self.assertEqual(sorted(actions.mapped("channel")), ["email", "sms"])
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(invoice.collection_level_id, self.level_2)
        self.assertEqual(invoice.collection_reminder_count, 1)

    @freeze_time(TODAY)
    def test_a_retried_channel_of_a_step_does_not_count_again(self):
        self.bob.email = "bob@example.com"
        invoice = self.invoice(self.bob, 500.0, "2026-03-01")  # level 2
        with self.mockSMSGateway():
            self.run_collection()
        sms = self.actions(invoice_id=invoice.id, channel="sms")
        self.assertEqual(sms.state, "failed", "Bob has no mobile number")
        self.assertEqual(invoice.collection_reminder_count, 1)
        self.bob.mobile = "06 12 34 56 79"
        with freeze_time("2026-03-23"), self.mockSMSGateway():
            sms.action_retry()
        self.assertEqual(sms.state, "done")
        self.assertEqual(invoice.collection_reminder_count, 1)
        self.assertEqual(str(invoice.collection_last_reminder_date), "2026-03-23")


@tagged("post_install", "-at_install")
class TestCalls(RunFixesCase):
    """Items 5 and 6: when, and whether, a call is planned."""

    @freeze_time(TODAY)
    def test_the_rule_call_parameters_win_over_the_level_call(self):
        # Level 3 has a letter and a call; the rule says when to call.
        self.rules(
            (
                "Last reminder, call within 5 days",
                leaf("days_overdue", "greater_than_or_equal_to", 30),
                [
                    ("set_reminder_level", {"level": 3}),
                    (
                        "schedule_call",
                        {"within_days": 5, "note": "Ask about the delivery"},
                    ),
                ],
            ),
        )
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")
        self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        self.assertEqual(sorted(actions.mapped("kind")), ["call", "reminder"])
        call = actions.filtered(lambda a: a.kind == "call")
        self.assertEqual(call._params()["within_days"], 5)
        actions.action_approve()
        self.assertEqual(call.state, "pending")
        # Friday + 5 days: Wednesday, a day Alice may be called.
        self.assertEqual(str(call.activity_id.date_deadline), "2026-03-25")
        self.assertIn("Ask about the delivery", str(call.activity_id.note))

    @freeze_time(TODAY)
    def test_the_call_note_keeps_its_lines_and_escapes_data(self):
        self.rules(
            (
                "Last reminder, call",
                {
                    "all": [
                        leaf("days_overdue", "greater_than_or_equal_to", 30),
                        leaf("residual_amount", "greater_than", 100),
                    ]
                },
                [
                    ("set_reminder_level", {"level": 3}),
                    ("schedule_call", {"within_days": 0, "note": "Ask <b>why</b>"}),
                ],
            ),
        )
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")
        self.run_collection()
        call = self.actions(invoice_id=invoice.id, kind="call")
        call.action_approve()
        note = str(call.activity_id.note)
        self.assertIn("Ask &lt;b&gt;why&lt;/b&gt;", note)
        self.assertNotIn("<b>why</b>", note)
        # One condition a line, not run together.
        self.assertRegex(note, r"Days overdue 38 &gt;= 30<br/?>\s*• Amount due")

    @freeze_time(TODAY)
    def test_within_days_lands_on_an_allowed_day(self):
        self.alice.write(
            {
                "collection_call_monday": False,
                "collection_call_tuesday": True,
                "collection_call_wednesday": False,
            }
        )
        self.rules(
            (
                "Call within 3 days",
                leaf("days_overdue", "greater_than_or_equal_to", 5),
                [("schedule_call", {"within_days": 3})],
            ),
        )
        invoice = self.invoice(self.alice, 100.0, "2026-03-10")
        self.run_collection()
        call = self.actions(invoice_id=invoice.id, kind="call")
        # Friday + 3 = Monday, not allowed: Tuesday.
        self.assertEqual(str(call.activity_id.date_deadline), "2026-03-24")

    def no_call_days(self, partner):
        partner.write(
            {
                f"collection_call_{day}": False
                for day in (
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                )
            }
        )

    def call_rules(self):
        self.rules(
            (
                "Personal call",
                leaf("days_overdue", "greater_than_or_equal_to", 30),
                [("set_reminder_level", {"level": 1})],
            ),
        )

    @freeze_time(TODAY)
    def test_no_allowed_day_no_call_and_no_fallback_fails_with_the_reason(self):
        self.call_only_scenario()
        self.call_rules()
        self.no_call_days(self.alice)
        invoice = self.invoice(self.alice, 800.0, "2026-02-15")
        activities = self.env["mail.activity"].search_count([])
        self.run_collection()
        call = self.actions(invoice_id=invoice.id)
        self.assertEqual(call.state, "failed")
        self.assertIn("No call planned", call.failure_reason)
        self.assertIn("no day of the week", call.failure_reason)
        self.assertFalse(call.activity_id)
        self.assertEqual(self.env["mail.activity"].search_count([]), activities)
        self.assertFalse(invoice.collection_level_id)
        self.assertEqual(invoice.collection_reminder_count, 0)
        # Once the customer says when to call, a retry plans the call.
        self.alice.collection_call_thursday = True
        call.action_retry()
        self.assertEqual(call.state, "pending")
        self.assertEqual(str(call.activity_id.date_deadline), "2026-03-26")

    @freeze_time(TODAY)
    def test_no_call_hours_no_call(self):
        self.call_only_scenario()
        self.call_rules()
        self.alice.write(
            {
                "collection_call_morning_from": 10.0,
                "collection_call_morning_to": 10.0,
                "collection_call_afternoon_from": 14.0,
                "collection_call_afternoon_to": 14.0,
            }
        )
        invoice = self.invoice(self.alice, 800.0, "2026-02-15")
        self.run_collection()
        call = self.actions(invoice_id=invoice.id)
        self.assertEqual(call.state, "failed")
        self.assertIn("no hours when they may be called", call.failure_reason)
        self.assertFalse(call.activity_id)

    @freeze_time(TODAY)
    def test_no_allowed_day_falls_back_to_the_level_fallback_channel(self):
        call_level, _email_level = self.call_only_scenario(fallback="email")
        self.call_rules()
        self.no_call_days(self.alice)
        invoice = self.invoice(self.alice, 800.0, "2026-02-15")
        self.run_collection()
        action = self.actions(invoice_id=invoice.id)
        self.assertEqual(len(action), 1)
        self.assertEqual(action.state, "done")
        self.assertEqual((action.kind, action.channel), ("reminder", "email"))
        self.assertIn("No call planned", action.note)
        self.assertIn("no day of the week", action.note)
        self.assertFalse(action.activity_id)
        self.assertTrue(action.message_id)
        self.assertEqual(invoice.collection_level_id, call_level)
        self.assertEqual(invoice.collection_reminder_count, 1)
        # The next runs do not plan the call again.
        with freeze_time("2026-03-23"):
            run = self.run_collection()
        self.assertEqual(run.action_count, 0)

    @freeze_time(TODAY)
    def test_the_fallback_does_not_send_the_same_letter_twice(self):
        self.level_3.fallback_channel = "letter"
        self.no_call_days(self.alice)
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")  # level 3
        self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        self.assertEqual(sorted(actions.mapped("kind")), ["call", "reminder"])
        actions.sorted(lambda a: a.kind != "call").action_approve()
        # The letter is to post; the call it replaces has nothing left to do.
        self.assertEqual(set(actions.mapped("state")), {"pending", "done"})
        self.assertEqual(set(actions.mapped("channel")), {"letter"})
        self.assertEqual(len(actions.attachment_id), 1, "one letter")
        call = actions.filtered(lambda a: "No call planned" in (a.note or ""))
        self.assertIn("Already reminded by Letter", call.note)
        self.assertEqual(invoice.collection_reminder_count, 1)


@tagged("post_install", "-at_install")
class TestCustomerCredit(RunFixesCase):
    """Item 7: what the customer owes in total decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipped templates, which show the credit deducted.
        first = cls.env.ref("recouvrement_fidelite.mail_template_collection_first")
        first_sms = cls.env.ref("recouvrement_fidelite.sms_template_collection_first")
        (cls.level_1 | cls.level_2).write(
            {"mail_template_id": first.id, "sms_template_id": first_sms.id}
        )

    def amount(self, value):
        return format_amount(self.env, value, self.env.company.currency_id)

    @staticmethod
    def text(body):
        """A message body as the customer reads it: entities decoded, line
        breaks and indentation as single spaces."""
        return re.sub(r"[ \n]+", " ", html.unescape(str(body)))

    def credit_note(self, partner, amount):
        return self.invoice(partner, amount, "2026-02-01", move_type="out_refund")

    def payment(self, partner, amount):
        """A customer payment posted but matched with no invoice."""
        journal = self.company_data["default_journal_bank"]
        method = journal.inbound_payment_method_line_ids[:1]
        if not method.payment_account_id:
            method.payment_account_id = self.env["account.account"].create(
                {
                    "name": "Outstanding receipts",
                    "code": "OUTREC1",
                    "account_type": "asset_current",
                    "reconcile": True,
                }
            )
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "journal_id": journal.id,
                "payment_method_line_id": method.id,
                "date": "2026-03-05",
            }
        )
        payment.action_post()
        self.assertTrue(payment.move_id, "the payment is in the ledger")
        return payment

    @freeze_time(TODAY)
    def test_a_customer_in_credit_is_not_reminded(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-01")  # level 2
        self.credit_note(self.alice, 300.0)
        with self.mockSMSGateway():
            run = self.run_collection()
            self.assertEqual(run.action_count, 0)
            self.assertFalse(self.actions(partner_id=self.alice.id))
            # Nothing piles up day after day.
            with freeze_time("2026-03-21"):
                self.run_collection()
        self.assertFalse(self.actions(partner_id=self.alice.id))
        self.assertEqual(invoice.collection_reminder_count, 0)
        # Rules see why.
        facts = self.env["collection.engine"]._facts(invoice)[0]
        self.assertEqual(facts["customer_balance"], -200.0)
        self.assertEqual(facts["customer_unapplied_credit"], 300.0)
        # The dry run shows nothing to do for them either.
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        self.assertFalse(wizard.line_ids)

    @freeze_time(TODAY)
    def test_the_reminder_deducts_the_credit(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-01")  # level 2
        refund = self.credit_note(self.alice, 50.0)
        facts = self.env["collection.engine"]._facts(invoice)[0]
        self.assertEqual(facts["customer_balance"], 50.0)
        self.assertEqual(facts["customer_unapplied_credit"], 50.0)
        with self.mockSMSGateway():
            self.run_collection()
        email = self.actions(invoice_id=invoice.id, channel="email")
        self.assertEqual(email.state, "done")
        body = self.text(email.message_id.body)
        self.assertIn(f"We have deducted <strong>{self.amount(50.0)}</strong>", body)
        self.assertIn(refund.name, body)
        self.assertIn(self.amount(-50.0), body)
        self.assertIn("Net amount to pay", body)
        sms = self.env["sms.sms"].search([("number", "=", "+33612345678")])
        self.assertIn(
            f"Less your credit of {self.amount(50.0)}: {self.amount(50.0)} to pay.",
            sms.body,
        )
        self.assertEqual(invoice.collection_reminder_count, 1)

    @freeze_time(TODAY)
    def test_the_french_reminder_deducts_the_credit(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        self.alice.lang = "fr_FR"
        invoice = self.invoice(self.alice, 100.0, "2026-03-01")  # level 2
        refund = self.credit_note(self.alice, 50.0)
        with self.mockSMSGateway():
            self.run_collection()
        email = self.actions(invoice_id=invoice.id, channel="email")
        body = self.text(email.message_id.body)
        amount = format_amount(
            self.env, 50.0, self.env.company.currency_id, lang_code="fr_FR"
        )
        self.assertIn(f"Nous avons déduit <strong>{amount}</strong>", body)
        self.assertIn(f"Avoir {refund.name}", body)
        self.assertIn("Net à payer", body)
        sms = self.env["sms.sms"].search([("number", "=", "+33612345678")])
        self.assertIn(
            f"Après déduction de votre crédit de {amount} : {amount} à régler.",
            sms.body,
        )

    @freeze_time(TODAY)
    def test_the_letter_and_the_portal_message_deduct_the_credit(self):
        invoice = self.invoice(self.bob, 100.0, "2026-03-01")
        refund = self.credit_note(self.bob, 50.0)
        report = self.env["report.recouvrement_fidelite.collection_letter"]
        letter = report._get_report_values(invoice.ids)["letters"][0]
        self.assertEqual(letter["credit"]["to_pay"], self.amount(50.0))
        self.assertEqual(letter["credit"]["rows"][0]["document"], refund.name)
        self.assertIn(f"We have deducted {self.amount(50.0)}", letter["paragraphs"][1])
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "recouvrement_fidelite.collection_letter", invoice.ids
        )
        html = html.decode()
        self.assertIn("Net amount to pay", html)
        self.assertIn(refund.name, html)
        self.level_1.write({"use_email": False, "use_portal": True})
        self.rules(
            (
                "Portal",
                leaf("days_overdue", "greater_than_or_equal_to", 5),
                [("set_reminder_level", {"level": 1})],
            ),
        )
        self.run_collection()
        portal = self.actions(invoice_id=invoice.id, channel="portal")
        self.assertEqual(portal.state, "done")
        body = self.text(portal.message_id.body)
        self.assertIn(f"{refund.name} of 01/15/2026: {self.amount(-50.0)}", body)
        self.assertIn(f"Net amount to pay: {self.amount(50.0)}", body)

    @freeze_time(TODAY)
    def test_an_unreconciled_payment_counts_like_a_credit_note(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-01")
        self.payment(self.alice, 40.0)
        facts = self.env["collection.engine"]._facts(invoice)[0]
        self.assertEqual(facts["customer_balance"], 60.0)
        self.assertEqual(facts["customer_unapplied_credit"], 40.0)
        with self.mockSMSGateway():
            self.run_collection()
        email = self.actions(invoice_id=invoice.id, channel="email")
        body = self.text(email.message_id.body)
        self.assertIn("Payment", body)
        self.assertIn(self.amount(-40.0), body)
        self.assertIn(self.amount(60.0), body)
        # Paid more than owed in total: no more reminders.
        other = self.invoice(self.bob, 100.0, "2026-03-01")
        self.payment(self.bob, 150.0)
        with self.mockSMSGateway():
            self.run_collection()
        self.assertFalse(self.actions(invoice_id=other.id))

    @freeze_time(TODAY)
    def test_a_campaign_leaves_out_a_customer_in_credit(self):
        self.invoice(self.alice, 100.0, "2026-03-01")
        self.credit_note(self.alice, 300.0)
        self.invoice(self.bob, 100.0, "2026-03-01")
        self.bob.email = "bob@example.com"
        campaign = self.env["collection.campaign"].create(
            {
                "name": "Everyone",
                "partner_domain": f"[('id', 'in', {[self.alice.id, self.bob.id]})]",
                "channel": "email",
                "mail_template_id": self.mail_template.id,
            }
        )
        campaign.action_preview()
        alice = campaign.line_ids.filtered(lambda line: line.partner_id == self.alice)
        self.assertFalse(alice.reachable)
        self.assertFalse(alice.invoice_ids)
        self.assertIn("owes nothing in total", alice.reason)
        campaign.action_launch()
        self.assertFalse(self.actions(partner_id=self.alice.id))
        self.assertEqual(self.actions(partner_id=self.bob.id).state, "done")

    @freeze_time(TODAY)
    def test_a_credit_arriving_before_approval_cancels_the_waiting_actions(self):
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")  # level 3
        self.run_collection()
        waiting = self.actions(invoice_id=invoice.id)
        self.assertEqual(set(waiting.mapped("state")), {"proposed"})
        self.credit_note(self.alice, 900.0)
        waiting.action_approve()
        self.assertEqual(set(waiting.mapped("state")), {"cancelled"})
        self.assertFalse(waiting.attachment_id)
        self.assertFalse(waiting.activity_id)
        self.assertIn("owes nothing in total", waiting[0].note)


@tagged("post_install", "-at_install")
class TestEscalationTitle(RunFixesCase):
    """Item 13 (part): escalation activities say the stage, translated."""

    @freeze_time(TODAY)
    def test_escalation_activity_shows_the_stage_label_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.company.partner_id.lang = "fr_FR"
        self.rules(
            (
                "Formal notice",
                leaf("days_overdue", "greater_than_or_equal_to", 30),
                [("escalate", {"stage": "formal_notice"})],
            ),
        )
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")
        self.run_collection()
        escalation = self.actions(invoice_id=invoice.id, kind="escalation")
        self.assertEqual(escalation.state, "done")
        # The escalation opened a case; its note names the stage in the
        # reader's language.
        self.assertTrue(escalation.collection_case_id)
        self.assertIn("Mise en demeure", escalation.with_context(lang="fr_FR").note)

    @freeze_time(TODAY)
    def test_escalation_activity_shows_the_stage_label_in_english(self):
        self.rules(
            (
                "Agency",
                leaf("days_overdue", "greater_than_or_equal_to", 30),
                [("escalate", {"stage": "agency"})],
            ),
        )
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")
        self.run_collection()
        escalation = self.actions(invoice_id=invoice.id, kind="escalation")
        self.assertIn("stage Collection agency", escalation.note)
        self.assertEqual(
            escalation.activity_id.summary,
            "Hand the file over to the collection agency",
        )
