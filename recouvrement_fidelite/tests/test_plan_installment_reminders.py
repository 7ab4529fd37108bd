# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Each installment of an active payment plan is reminded as an invoice is:
through the levels and channels of the customer's scenario, recorded as
collection actions by the run (never twice), traceable from the plan, the
invoice and the customer; the invoices covered get no other reminder."""

import json

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sms.tests.common import MockSMS

from ..models.res_partner import WEEKDAY_FIELDS
from .common import InvoiceMixin


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


@tagged("post_install", "-at_install")
class TestPlanInstallmentReminders(InvoiceMixin, AccountTestInvoicingCommon, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.collection_plan_break_days = 15
        cls.env["collection.rule.set"].search(
            [("company_id", "=", company.id)]
        ).active = False
        values = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.collector = new_test_user(
            cls.env,
            login="rf_installment_collector",
            name="Claire Collector",
            email="claire@company.example",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            **values,
        )
        cls.manager = new_test_user(
            cls.env,
            login="rf_installment_manager",
            name="Marc Manager",
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
            **values,
        )
        # The invoices' own templates: an installment reminder never uses them.
        invoice_template = cls.env["mail.template"].create(
            {
                "name": "Invoice reminder",
                "model_id": cls.env.ref("account.model_account_move").id,
                "subject": "Invoice reminder {{ object.name }}",
                "body_html": "<p>Invoice reminder</p>",
            }
        )
        cls.scenario = cls.env["collection.scenario"].create(
            {"name": "Installments scenario", "company_id": company.id}
        )
        Level = cls.env["collection.level"]
        common = {
            "scenario_id": cls.scenario.id,
            "mail_template_id": invoice_template.id,
        }
        cls.level_0 = Level.create(
            dict(common, name="Courtesy", level_number=0, delay_days=-3)
        )
        cls.level_1 = Level.create(
            dict(
                common,
                name="First",
                level_number=1,
                delay_days=2,
                use_sms=True,
                fallback_channel="letter",
            )
        )
        cls.level_2 = Level.create(
            dict(
                common,
                name="Second",
                level_number=2,
                delay_days=10,
                use_email=False,
                use_letter=True,
                use_call=True,
                requires_approval=True,
            )
        )
        cls.level_3 = Level.create(
            dict(common, name="Beyond the grace", level_number=3, delay_days=30)
        )
        company.collection_default_scenario_id = cls.scenario
        cls.rule_set = cls._rule_set(
            "Plans",
            [
                (
                    "Active plan: its installments",
                    {
                        "any": [
                            leaf("payment_plan_status", "contains", "active"),
                            leaf("payment_plan_status", "contains", "in_arrears"),
                        ]
                    },
                    [{"name": "remind_installments", "params": {}}],
                ),
                (
                    "Overdue: level 1",
                    {"all": [leaf("days_overdue", "greater_than_or_equal_to", 5)]},
                    [{"name": "set_reminder_level", "params": {"level": 1}}],
                ),
            ],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "email": "martin@example.com",
                "mobile": "+33 6 12 34 56 78",
                "street": "3 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.plan_invoice = cls.invoice(cls.customer, 1000.0, "2026-02-15")
        cls.other_invoice = cls.invoice(cls.customer, 300.0, "2026-02-20")

    @classmethod
    def _rule_set(cls, name, rules, priority=1):
        return cls.env["collection.rule.set"].create(
            {
                "name": name,
                "priority": priority,
                "stop_on_first_trigger": True,
                "company_id": cls.env.company.id,
                "rule_ids": [
                    Command.create(
                        {
                            "name": rule_name,
                            "sequence": index,
                            "conditions": json.dumps(conditions),
                            "actions": json.dumps(actions),
                        }
                    )
                    for index, (rule_name, conditions, actions) in enumerate(rules)
                ],
            }
        )

    def _active_plan(self, invoices=None, customer=None):
        with freeze_time("2026-03-10"):
            plan = (
                self.env["collection.payment.plan"]
                .with_user(self.collector)
                .create(
                    {
                        "partner_id": (customer or self.customer).id,
                        "invoice_ids": [
                            Command.set((invoices or self.plan_invoice).ids)
                        ],
                        "installment_count": 3,
                        "frequency": "monthly",
                        "first_date": "2026-03-20",
                    }
                )
            )
            plan.action_compute_schedule()
            plan.action_propose()
            plan.with_user(self.manager).action_activate()
        self.assertEqual(plan.state, "active")
        return plan

    def _run(self, day):
        with freeze_time(day), self.mockSMSGateway():
            run = self.env["collection.run"].create(
                {"company_id": self.env.company.id, "run_date": day}
            )
            run._process()
        return run

    def _reminders(self, plan):
        return self.env["collection.action"].search(
            [("payment_plan_id", "=", plan.id)], order="id"
        )

    def _pay(self, invoice, amount, when):
        with freeze_time(when):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": when})._create_payments()

    def test_each_installment_reminded_through_the_levels(self):
        plan = self._active_plan()
        first, second, _third = plan.installment_ids
        self._run("2026-03-16")
        self.assertFalse(self._reminders(plan), "4 days before: not yet (level 0: 3)")

        # Level 0, 3 days before the installment: a courtesy email.
        run = self._run("2026-03-17")
        courtesy = self._reminders(plan)
        self.assertEqual(len(courtesy), 1)
        self.assertEqual(
            (courtesy.kind, courtesy.channel, courtesy.level_id, courtesy.state),
            ("installment", "email", self.level_0, "done"),
        )
        self.assertEqual(courtesy.installment_id, first)
        self.assertEqual(courtesy.run_id, run)
        message = courtesy.message_id
        self.assertEqual((message.model, message.res_id), (plan._name, plan.id))
        self.assertIn("next installment", message.subject)
        self.assertIn(plan.name, message.body)
        self.assertIn("333.33", message.body)
        self.assertIn("03/20/2026", message.body)
        self.assertIn("/my/collection/", message.body, "the customer's portal link")
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn(first.display_name, courtesy.summary)

        # A second run the same day, and the next days: nothing twice.
        self._run("2026-03-17")
        self._run("2026-03-19")
        self.assertEqual(self._reminders(plan), courtesy)

        # Level 1, 2 days after: email and SMS, the reminder's wording.
        self._run("2026-03-22")
        late = self._reminders(plan) - courtesy
        self.assertEqual(
            sorted(late.mapped("channel")), ["email", "sms"], "the level's channels"
        )
        self.assertEqual(set(late.mapped("state")), {"done"})
        self.assertEqual(late.level_id, self.level_1)
        email = late.filtered(lambda a: a.channel == "email").message_id
        self.assertIn("unpaid installment", email.subject)
        self.assertIn("remain to be paid", email.body)
        sms = self.env["sms.sms"].search([("number", "=", "+33612345678")])
        self.assertEqual(len(sms), 1)
        self.assertIn(plan.name, sms.body)
        self.assertIn("333.33", sms.body)
        self.assertIn("/c/", sms.body, "the short portal link")

        # The invoices covered got no reminder of their own, and their
        # reminder record is untouched.
        own = self.env["collection.action"].search(
            [
                ("invoice_id", "=", self.plan_invoice.id),
                ("kind", "!=", "installment"),
            ]
        )
        self.assertFalse(own)
        self.assertEqual(self.plan_invoice.collection_reminder_count, 0)
        self.assertFalse(self.plan_invoice.collection_level_id)
        # The customer's invoice outside the plan follows its own scenario.
        self.assertEqual(
            set(
                self.env["collection.action"]
                .search([("invoice_id", "=", self.other_invoice.id)])
                .mapped("kind")
            ),
            {"reminder"},
        )

        # Traceable from the plan, the invoice and the customer.
        self.assertEqual(plan.reminder_ids, courtesy | late)
        self.assertEqual(plan.reminder_count, 3)
        self.assertEqual(
            plan.action_view_reminders()["domain"], [("payment_plan_id", "=", plan.id)]
        )
        Action = self.env["collection.action"]
        self.assertEqual(
            Action.search(self.plan_invoice.action_view_collection_actions()["domain"]),
            courtesy | late,
        )
        self.assertEqual(self.plan_invoice.collection_action_count, 3)
        notes = self.customer.message_ids.filtered(
            lambda m: "Installment reminder" in (m.body or "")
        )
        self.assertTrue(notes, "the customer's history lists the reminders")

        # Level 2, 10 days after: a letter and a call, which wait for
        # approval as the level asks.
        self._run("2026-03-30")
        letter, call = self._reminders(plan) - courtesy - late
        self.assertEqual(
            (letter.channel, letter.level_id, letter.state),
            ("letter", self.level_2, "proposed"),
        )
        self.assertEqual(
            (call.kind, call.channel, call.level_id, call.state, call.installment_id),
            ("installment", "phone", self.level_2, "proposed", first),
        )
        self.assertIn("is not paid yet", call.preview_body)
        self.assertIn("collection_plan_installment_letter", letter.preview_body)
        with freeze_time("2026-03-30"):
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html(
                    "recouvrement_fidelite.collection_plan_installment_letter",
                    letter.installment_id.ids,
                )[0]
                .decode()
            )
        self.assertIn("remain to be paid", html)
        self.assertIn(plan.name, html)
        self.assertIn("/my/collection/", html)
        letter.with_user(self.manager).action_approve()
        self.assertEqual(letter.state, "pending", "to print and post")
        self.assertEqual(letter.attachment_id.res_id, plan.id)
        # (Tests render reports as HTML, unless asked otherwise.)
        self.assertIn(b"remain to be paid", letter.attachment_id.raw)
        letter.with_user(self.collector).action_mark_posted()
        self.assertEqual(letter.state, "done")

        # Level 3 (30 days) is beyond the 15 days of grace: the plan breaks
        # first. The second installment is at its own level 1.
        self._run("2026-04-22")
        newest = self._reminders(plan) - courtesy - late - letter - call
        self.assertEqual(newest.installment_id, second)
        self.assertEqual(newest.level_id, self.level_1)
        self.assertNotIn(self.level_3, self._reminders(plan).level_id)

    def test_paid_installment_is_not_reminded_and_partly_paid_asks_for_the_rest(self):
        plan = self._active_plan()
        first, second, _third = plan.installment_ids
        self._pay(self.plan_invoice, 333.33, "2026-03-12")
        self.assertEqual(first.payment_state, "paid", "shown paid at once")
        self._run("2026-03-17")
        self.assertFalse(self._reminders(plan))
        self._pay(self.plan_invoice, 100.0, "2026-04-01")
        with freeze_time("2026-04-01"):
            second.invalidate_recordset(["status"])
            self.assertEqual(second.status, "partial")
        self._run("2026-04-17")
        reminder = self._reminders(plan)
        self.assertEqual(reminder.installment_id, second)
        self.assertIn("233.33", reminder.message_id.body)

    def test_unreachable_channel_falls_back_or_fails_with_the_reason(self):
        self.customer.mobile = False
        plan = self._active_plan()
        self._run("2026-03-22")
        actions = self._reminders(plan)
        # Level 1's SMS falls back to its letter.
        self.assertEqual(sorted(actions.mapped("channel")), ["email", "letter"])
        letter = actions.filtered(lambda a: a.channel == "letter")
        self.assertIn("instead of SMS", letter.note)
        self.assertEqual(letter.state, "pending")
        # Without an email address, the email fails and says why.
        other = self.env["res.partner"].create(
            {"name": "Sans Adresse", "is_company": True}
        )
        invoice = self.invoice(other, 600.0, "2026-02-15")
        other_plan = self._active_plan(invoice, other)
        self._run("2026-03-17")
        failed = self._reminders(other_plan)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no email address", failed.failure_message)

    def test_a_call_only_level_plans_a_call_about_the_installment(self):
        """A level that only calls gives a late installment a call: an
        activity on the plan for the person responsible, done once its
        outcome is recorded, and an unanswered one counts for the rules."""
        self.level_1.write({"use_email": False, "use_sms": False, "use_call": True})
        self.customer.collection_user_id = self.collector
        plan = self._active_plan()
        first = plan.installment_ids[0]
        self._run("2026-03-17")  # the courtesy email of level 0
        self._run("2026-03-22")  # 2 days late: level 1
        call = self._reminders(plan).filtered(lambda a: a.level_id == self.level_1)
        self.assertEqual(
            (call.kind, call.channel, call.state, call.installment_id),
            ("installment", "phone", "pending", first),
        )
        activity = call.activity_id
        self.assertEqual((activity.res_model, activity.res_id), (plan._name, plan.id))
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("Boulangerie Martin", activity.summary)
        self.assertIn(plan.name, activity.note)
        self.assertIn("03/20/2026", activity.note)
        self.assertIn("333.33", activity.note)
        self.assertIn("is not paid yet", activity.note)
        self.assertIn("Call between", activity.note)
        self.assertIn("Phone call", call.summary)
        # In the collector's calls of the day, until its outcome is recorded.
        # The 22nd is a Sunday: the call is for Monday.
        self.assertEqual(str(activity.date_deadline), "2026-03-23")
        WorkList = self.env["collection.work.list"]
        today = fields.Date.to_date("2026-03-23")
        calls = (
            self.env["collection.action"]
            .with_user(self.collector)
            .search(WorkList._domain_calls_today(today))
        )
        self.assertIn(call, calls)
        call.with_user(self.collector).action_call_no_answer()
        self.assertEqual((call.state, call.call_outcome), ("done", "no_answer"))
        self.assertFalse(activity.exists(), "the activity is done")
        with freeze_time("2026-03-23"):
            unanswered = self.env["collection.engine"]._unanswered_calls(
                self.customer.ids, fields.Date.to_date("2026-03-23")
            )
        self.assertEqual(unanswered, {self.customer.id: 1})
        # Nothing twice on the next run.
        self._run("2026-03-23")
        self.assertEqual(
            self._reminders(plan).filtered(lambda a: a.level_id == self.level_1),
            call,
        )

    def test_an_installment_call_falls_back_when_the_customer_may_not_be_called(self):
        self.level_1.write(
            {
                "use_email": False,
                "use_sms": False,
                "use_call": True,
                "fallback_channel": "email",
            }
        )
        no_day = dict.fromkeys(WEEKDAY_FIELDS, False)
        self.customer.write(no_day)
        plan = self._active_plan()
        self._run("2026-03-22")
        reminder = self._reminders(plan).filtered(lambda a: a.level_id == self.level_1)
        self.assertEqual(
            (reminder.kind, reminder.channel, reminder.state),
            ("installment", "email", "done"),
        )
        self.assertIn("No call planned", reminder.note)
        self.assertIn("unpaid installment", reminder.message_id.subject)
        # Without a fallback channel, the call fails and says why.
        self.level_1.fallback_channel = False
        other = self.env["res.partner"].create(
            {
                "name": "Jamais Joignable",
                "is_company": True,
                "phone": "+33 4 72 00 00 00",
                **no_day,
            }
        )
        other_plan = self._active_plan(self.invoice(other, 600.0, "2026-02-15"), other)
        self._run("2026-03-22")
        failed = self._reminders(other_plan).filtered(
            lambda a: a.level_id == self.level_1
        )
        self.assertEqual((failed.channel, failed.state), ("phone", "failed"))
        self.assertIn("No call planned", failed.failure_message)

    def test_an_installment_call_never_doubles_the_levels_own_reminder(self):
        """The call falls back to email, which the level sends already: one
        email for the installment, the call done and saying why."""
        self.level_1.write(
            {"use_sms": False, "use_call": True, "fallback_channel": "email"}
        )
        self.customer.write(dict.fromkeys(WEEKDAY_FIELDS, False))
        plan = self._active_plan()
        self._run("2026-03-22")
        reminders = self._reminders(plan).filtered(lambda a: a.level_id == self.level_1)
        self.assertEqual(len(reminders), 2)
        self.assertEqual(set(reminders.mapped("channel")), {"email"})
        self.assertEqual(set(reminders.mapped("state")), {"done"})
        self.assertEqual(len(reminders.message_id), 1, "one email")
        call = reminders.filtered(lambda a: not a.message_id)
        self.assertIn("No call planned", call.note)
        self.assertIn("Already reminded by Email at this level", call.note)

    def test_reminder_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        plan = self._active_plan()
        self._run("2026-03-17")
        body = self._reminders(plan).message_id.body
        self.assertIn("20/03/2026", body, "dates as French readers write them")
        self.assertNotIn("03/20/2026", body)

    def test_dry_run_and_other_rule_sets_plan_only_the_installments(self):
        # Another rule set would offer a plan, call, and escalate: a plan's
        # invoices get none of it while the plan is active.
        self._rule_set(
            "Firm",
            [
                (
                    "Overdue: everything",
                    {"all": [leaf("days_overdue", "greater_than_or_equal_to", 1)]},
                    [
                        {"name": "set_reminder_level", "params": {"level": 1}},
                        {
                            "name": "offer_payment_plan",
                            "params": {"max_installments": 3},
                        },
                        {"name": "escalate", "params": {"stage": "formal_notice"}},
                    ],
                )
            ],
            priority=5,
        )
        plan = self._active_plan(self.plan_invoice | self.other_invoice)
        outside = self.invoice(self.customer, 80.0, "2026-03-01")
        with freeze_time("2026-03-22"):
            wizard = self.env["collection.run.wizard"].create({"dry_run": True})
            wizard.action_run()
        by_invoice = {}
        for line in wizard.line_ids:
            by_invoice.setdefault(line.invoice_id, set()).add((line.kind, line.channel))
        self.assertEqual(
            by_invoice[self.plan_invoice],
            {("installment", "email"), ("installment", "sms")},
        )
        self.assertNotIn(self.other_invoice, by_invoice, "one invoice carries them")
        self.assertIn(("escalation", "none"), by_invoice[outside])
        self._run("2026-03-22")
        self.assertEqual(
            set(
                self.env["collection.action"]
                .search([("invoice_id", "in", plan.invoice_ids.ids)])
                .mapped("kind")
            ),
            {"installment"},
        )

    def test_broken_plan_brings_the_invoices_own_reminders_back(self):
        plan = self._active_plan()
        with freeze_time("2026-04-06"):
            plan._check_progress()
        self.assertEqual(plan.state, "broken")
        self._run("2026-04-06")
        self.assertFalse(
            self._reminders(plan).filtered(
                lambda a: a.date == fields.Date.to_date("2026-04-06")
            )
        )
        own = self.env["collection.action"].search(
            [("invoice_id", "=", self.plan_invoice.id), ("kind", "=", "reminder")]
        )
        self.assertEqual(own.level_id, self.level_1)

    def test_planning_with_plans_takes_a_constant_number_of_queries(self):
        customers = self.env["res.partner"].create(
            [
                {"name": f"Planned {i}", "is_company": True, "email": f"p{i}@x.example"}
                for i in range(8)
            ]
        )
        invoices = self.env["account.move"]
        for customer in customers:
            invoice = self.invoice(customer, 900.0, "2026-02-15")
            self._active_plan(invoice, customer)
            invoices |= invoice | self.invoice(customer, 50.0, "2026-03-01")
        planner = self.env["collection.planner"]
        with freeze_time("2026-03-22"):
            session = planner._session(
                self.env.company, fields.Date.to_date("2026-03-22")
            )

            def queries_for(batch):
                batch = self.env["account.move"].browse(batch.ids)
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                results = session.evaluator.evaluate_many(
                    self.env["collection.engine"]._facts(batch)
                )
                planned = planner._planned(session, batch, results)
                self.assertTrue(
                    [v for v in planned if v["kind"] == "installment"], "planned"
                )
                return self.env.cr.sql_log_count - before

            queries_for(invoices[:4])  # warm the caches unrelated to the batch
            self.assertEqual(queries_for(invoices[:4]), queries_for(invoices))
