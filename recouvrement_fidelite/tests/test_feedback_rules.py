# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the customer said, as the rules see it: the feedback facts, the
default rules that use them and the collection run's decisions; the
satisfaction survey's cases and interval; the reasons' configuration."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sms.tests.common import MockSMS

from .common import InvoiceMixin, give_default_configuration

TODAY = date(2026, 3, 20)
COLLECTION_USER = "base.group_user,account.group_account_invoice," + (
    "recouvrement_fidelite.group_collection_user"
)
COLLECTION_MANAGER = "base.group_user,account.group_account_invoice," + (
    "recouvrement_fidelite.group_collection_manager"
)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFeedbackRules(InvoiceMixin, AccountTestInvoicingCommon, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        cls.defaults = give_default_configuration(cls.env, company)
        users = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.collector = new_test_user(
            cls.env,
            login="rf_feedback_collector",
            name="Claire Collector",
            groups=COLLECTION_USER,
            **users,
        )
        cls.manager = new_test_user(
            cls.env,
            login="rf_feedback_manager",
            name="Marie Manager",
            groups=COLLECTION_MANAGER,
            **users,
        )
        cls.customer = cls._customer("Pharmacie Leroy")
        cls.other_customer = cls._customer("Garage Dupont")
        cls.reasons = {
            reason.code: reason
            for reason in cls.env["collection.feedback.reason"]._for_company(company)
        }

    @classmethod
    def _customer(cls, name):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.split()[0].lower()}@example.com",
                "street": "3 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "collection_user_id": cls.collector.id,
            }
        )

    def overdue(self, customer=None, days=20, amount=1000.0):
        return self.invoice(
            customer or self.customer,
            amount,
            TODAY - timedelta(days=days),
            invoice_date=TODAY - timedelta(days=days + 30),
        )

    def feedback(self, invoice, code, days_ago=0, **form):
        """Feedback sent from the collection page ``days_ago`` days ago."""
        target = {
            "access": None,
            "partner": invoice.commercial_partner_id,
            "company": invoice.company_id,
        }
        form = dict({"reason_id": str(self.reasons[code].id)}, **form)
        when = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time())
        with freeze_time(when + timedelta(hours=10)):
            return self.env["collection.feedback"]._portal_submit(target, invoice, form)

    def facts(self, invoices):
        return self.env["collection.engine"]._facts(invoices)

    def remind(self, invoice, level, days_ago):
        invoice.sudo().write(
            {
                "collection_level_id": self.defaults[
                    f"collection_level_standard_{level}"
                ].id,
                "collection_reminder_count": level,
                "collection_last_reminder_date": TODAY - timedelta(days=days_ago),
            }
        )

    # Facts

    def test_facts_without_feedback(self):
        facts = self.facts(self.overdue())[0]
        self.assertEqual(facts["last_feedback_reason"], "")
        self.assertEqual(facts["days_since_last_feedback"], 9999)
        self.assertIs(facts["declared_difficulty"], False)
        self.assertIs(facts["portal_visit_since_last_reminder"], False)
        self.assertEqual(facts["last_satisfaction_rating"], 0)

    def test_last_feedback_reason_and_age_per_invoice(self):
        invoice, other = self.overdue(), self.overdue()
        self.feedback(invoice, "billing_error", days_ago=6, comment="Wrong VAT")
        self.feedback(invoice, "payment_sent", days_ago=3)
        self.feedback(other, "delivery_problem", days_ago=1)
        facts = self.facts(invoice | other)
        self.assertEqual(facts[0]["last_feedback_reason"], "payment_sent")
        self.assertEqual(facts[0]["days_since_last_feedback"], 3)
        self.assertEqual(facts[1]["last_feedback_reason"], "delivery_problem")
        self.assertEqual(facts[1]["days_since_last_feedback"], 1)
        # Another customer's invoice knows nothing of it.
        stranger = self.overdue(self.other_customer)
        self.assertEqual(self.facts(stranger)[0]["last_feedback_reason"], "")

    def test_declared_difficulty_until_the_feedback_is_done(self):
        invoice, sibling = self.overdue(), self.overdue(days=5)
        stranger = self.overdue(self.other_customer)
        feedback = self.feedback(invoice, "financial_difficulty")
        facts = self.facts(invoice | sibling | stranger)
        # The customer is in difficulty, for all of their invoices.
        self.assertEqual([f["declared_difficulty"] for f in facts], [True, True, False])
        feedback.with_user(self.collector).action_done()
        self.assertFalse(self.facts(invoice)[0]["declared_difficulty"])
        # Other reasons declare nothing.
        self.feedback(invoice, "payment_sent")
        self.assertFalse(self.facts(invoice)[0]["declared_difficulty"])

    def test_portal_visit_since_the_last_reminder(self):
        invoice = self.overdue()
        Event = self.env["collection.portal.event"]
        visit = Event._log(self.customer, self.env.company, "visit")
        # No reminder yet: nothing to react to.
        self.assertFalse(self.facts(invoice)[0]["portal_visit_since_last_reminder"])
        self.remind(invoice, 1, days_ago=4)
        self._age(visit, days=6)
        self.assertFalse(self.facts(invoice)[0]["portal_visit_since_last_reminder"])
        visit = Event._log(self.customer, self.env.company, "visit")
        self._age(visit, days=2)
        self.assertTrue(self.facts(invoice)[0]["portal_visit_since_last_reminder"])
        # Forms are not visits; another customer's visit is theirs.
        stranger = self.overdue(self.other_customer)
        self.remind(stranger, 1, days_ago=4)
        Event._log(self.other_customer, self.env.company, "feedback")
        self.assertFalse(self.facts(stranger)[0]["portal_visit_since_last_reminder"])

    def _age(self, record, days):
        self.env.flush_all()
        self.env.cr.execute(
            f"UPDATE {record._table} SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=days), record.id],
        )
        record.invalidate_recordset()

    def test_last_satisfaction_rating(self):
        invoice = self.overdue()
        Satisfaction = self.env["collection.satisfaction"]
        for key, rating, days_ago in (("a", 2, 30), ("b", 4, 3), ("c", 0, 1)):
            question = Satisfaction.create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.env.company.id,
                    "case_type": "invoice_paid",
                    "case_key": key,
                    "state": "sent",
                }
            )
            if rating:
                with freeze_time(TODAY - timedelta(days=days_ago)):
                    question._record_rating(rating, "")
        self.assertEqual(self.facts(invoice)[0]["last_satisfaction_rating"], 4)
        self.assertEqual(self.customer.collection_last_rating, 4)

    def test_feedback_facts_take_a_constant_number_of_queries(self):
        customers = [self._customer(f"Client {number} SARL") for number in range(6)]
        invoices = self.env["account.move"].concat(
            *(self.overdue(customer) for customer in customers for _i in range(2))
        )
        for invoice in invoices[::3]:
            self.feedback(invoice, "payment_sent")
        self.feedback(invoices[1], "financial_difficulty")
        Event = self.env["collection.portal.event"]
        for customer in customers[:3]:
            Event._log(customer, self.env.company, "visit")
        engine = self.env["collection.engine"]

        def queries(batch):
            batch = self.env["account.move"].browse(batch.ids)
            self.env.invalidate_all()
            batch.mapped("commercial_partner_id")
            before = self.env.cr.sql_log_count
            engine._feedback_facts(batch, TODAY)
            return self.env.cr.sql_log_count - before

        queries(invoices)  # warm the caches unrelated to the batch
        self.assertEqual(queries(invoices[:2]), queries(invoices))
        self.assertEqual(queries(invoices), 1)

    # The catalogue

    def test_reasons_are_the_choices_of_the_rule_editor(self):
        engine = self.env["collection.engine"]
        catalogue = engine._catalogue(self.env.company)
        names = [
            option["name"]
            for option in catalogue.variables["last_feedback_reason"]["options"]
        ]
        self.assertEqual(len(names), 9)
        self.assertIn("payment_sent", names)
        self.env["collection.feedback.reason"].create(
            {
                "name": "Waiting for our customer's payment",
                "code": "waiting_customer",
                "company_id": self.env.company.id,
                "follow_up": "check",
                "pause_days": 10,
            }
        )
        exported = {
            v["name"]: v
            for v in engine.with_user(self.manager).get_catalogue()["variables"]
        }
        self.assertIn(
            "waiting_customer",
            [o["name"] for o in exported["last_feedback_reason"]["options"]],
        )
        for name in (
            "days_since_last_feedback",
            "declared_difficulty",
            "portal_visit_since_last_reminder",
            "last_satisfaction_rating",
        ):
            self.assertIn(name, exported)
            self.assertTrue(exported[name]["help"])
        # A rule naming a reason that does not exist is refused.
        with self.assertRaises(ValidationError):
            self.env["collection.rule.set"].create(
                {
                    "name": "Wrong reason",
                    "company_id": self.env.company.id,
                    "rule_ids": [
                        Command.create(
                            {
                                "name": "Unknown reason",
                                "conditions": '{"all": [{"name": '
                                '"last_feedback_reason", "operator": "contains", '
                                '"value": "no_such_reason"}]}',
                                "actions": "[]",
                            }
                        )
                    ],
                }
            )

    def test_reason_configuration_refused_when_wrong(self):
        Reason = self.env["collection.feedback.reason"].with_user(self.manager)
        base = {"name": "Test", "follow_up": "check"}
        with self.assertRaisesRegex(ValidationError, "choose the dispute type"):
            Reason.create(dict(base, code="x_dispute", follow_up="dispute"))
        with self.assertRaisesRegex(ValidationError, "already has the code"):
            Reason.create(dict(base, code="payment_sent"))
        with self.assertRaisesRegex(ValidationError, "lower-case letters"):
            Reason.create(dict(base, code="Payment Sent!"))
        with self.assertRaisesRegex(ValidationError, "from 0 to 366 days"):
            Reason.create(dict(base, code="x_pause", pause_days=-1))
        # Collection users read reasons; only managers change them.
        reason = self.reasons["other"].with_user(self.collector)
        self.assertTrue(reason.name)
        with self.assertRaises(AccessError):
            reason.pause_days = 3

    # The default rules and the collection run

    def decide(self, invoices):
        rule_set = self.defaults["collection_rule_set_default"]
        engine = self.env["collection.engine"]
        evaluator = engine._evaluator(self.env.company, rule_set)
        results = evaluator.evaluate_many(self.facts(invoices))
        return [
            (
                [t.rule for t in result.triggered],
                [(d.action, d.params) for d in result.decisions],
            )
            for result in results
        ]

    def test_default_rules_payment_sent_waits(self):
        invoice = self.overdue(days=20)
        self.remind(invoice, 1, days_ago=12)
        control = self.overdue(days=20)
        self.remind(control, 1, days_ago=12)
        # Eight days ago: the reason's pause (7 days) is over, the rule waits.
        feedback = self.feedback(invoice, "payment_sent", days_ago=8)
        self.assertEqual(feedback.pause_until, TODAY - timedelta(days=1))
        self.assertFalse(invoice.collection_paused)
        rules, decisions = self.decide(invoice)[0]
        self.assertEqual(rules, ["Customer says the payment is sent: wait for it"])
        self.assertEqual(decisions, [])
        __, control_decisions = self.decide(control)[0]
        self.assertEqual(control_decisions, [("set_reminder_level", {"level": 2})])
        # The collection run sends the control its reminder, nothing to the
        # customer who said they paid.
        with self.mockSMSGateway():
            run = self.env["collection.run"].create({"company_id": self.env.company.id})
            run._process()
        actions = self.env["collection.action"].search([])
        self.assertTrue(actions.filtered(lambda a: a.invoice_id == control))
        self.assertFalse(actions.filtered(lambda a: a.invoice_id == invoice))
        # After ten days, the usual path resumes.
        with freeze_time(TODAY + timedelta(days=3)):
            __, decisions = self.decide(invoice)[0]
        self.assertEqual(decisions, [("set_reminder_level", {"level": 2})])

    def test_payment_sent_pauses_the_invoice_while_checked(self):
        invoice = self.overdue(days=20)
        feedback = self.feedback(invoice, "payment_sent")
        self.assertEqual(feedback.pause_until, TODAY + timedelta(days=7))
        invoice.invalidate_recordset()
        self.assertTrue(invoice.collection_paused)
        self.assertIn("Payment already sent", invoice.collection_pause_info)
        Move = self.env["account.move"]
        self.assertIn(invoice, Move.search([("collection_paused", "=", True)]))
        candidates = self.env["collection.planner"]._candidates(self.env.company, TODAY)
        self.assertNotIn(invoice, candidates)
        # Checked and closed: the pause ends.
        feedback.with_user(self.collector).action_done()
        invoice.invalidate_recordset()
        self.assertFalse(invoice.collection_paused)
        self.assertNotIn(invoice, Move.search([("collection_paused", "=", True)]))

    def test_default_rules_difficulty_offers_a_plan_and_no_formal_step(self):
        invoice = self.overdue(days=20)
        self.remind(invoice, 1, days_ago=12)
        self.feedback(invoice, "financial_difficulty", comment="Slow season")
        rules, decisions = self.decide(invoice)[0]
        self.assertEqual(
            rules, ["Customer in financial difficulty: offer a payment plan"]
        )
        self.assertEqual(decisions, [("offer_payment_plan", {"max_installments": 6})])
        # The run prepares the plan for the responsible.
        with self.mockSMSGateway():
            self.env["collection.run"].create(
                {"company_id": self.env.company.id}
            )._process()
        plan = self.env["collection.payment.plan"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(plan), 1)
        self.assertIn(invoice, plan.invoice_ids)
        self.assertEqual(
            self.decide(invoice)[0][0],
            ["Payment plan asked for: no reminder"],
        )
        # The plan is broken and the last reminder was sent long ago: no
        # formal notice while the difficulty is open.
        plan.sudo().write({"state": "broken"})
        self.remind(invoice, 3, days_ago=20)
        rules, decisions = self.decide(invoice)[0]
        self.assertEqual(rules, ["Customer in financial difficulty: no formal step"])
        self.assertEqual(decisions, [])
        # Once the feedback is done, the usual path: the formal notice.
        self.env["collection.feedback"].search(
            [("invoice_id", "=", invoice.id)]
        ).action_done()
        __, decisions = self.decide(invoice)[0]
        self.assertIn(("escalate", {"stage": "formal_notice"}), decisions)

    # The satisfaction survey

    def pay(self, invoice, on=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": on or TODAY})._create_payments()

    def ask(self, today=TODAY):
        with freeze_time(today):
            return (
                self.env["collection.satisfaction"]
                .sudo()
                ._ask_company(self.env.company, today)
            )

    def test_satisfaction_once_per_case_and_interval(self):
        company = self.env.company
        company.collection_satisfaction_since = TODAY - timedelta(days=30)
        company.collection_satisfaction_interval_days = 60
        reminded = self.overdue()
        self.remind(reminded, 1, days_ago=10)
        never_reminded = self.overdue()
        self.pay(never_reminded)
        self.pay(reminded)
        mails = self.env["mail.mail"].search([])
        asked = self.ask()
        self.assertEqual(len(asked), 1)
        self.assertEqual(asked.invoice_id, reminded)
        self.assertEqual((asked.state, asked.case_type), ("sent", "invoice_paid"))
        mail = self.env["mail.mail"].search([]) - mails
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/rating/{asked.id}", str(mail.body_html))
        self.assertIn(self.customer, mail.recipient_ids)
        # Asked once: the next day's survey finds nothing new.
        self.assertFalse(self.ask(TODAY + timedelta(days=1)))
        # Another case within the interval: recorded, not asked, never asked.
        second = self.overdue()
        self.remind(second, 2, days_ago=3)
        self.pay(second, on=TODAY + timedelta(days=2))
        skipped = self.ask(TODAY + timedelta(days=2))
        self.assertEqual(
            (skipped.state, skipped.skip_reason), ("skipped", "Asked recently")
        )
        self.assertFalse(self.ask(TODAY + timedelta(days=70)))
        # After the interval, a new case is asked about.
        dispute = self.overdue()
        dispute.with_user(self.collector)._collection_dispute_open("price")
        later = TODAY + timedelta(days=61)
        with freeze_time(later):
            dispute.with_user(self.collector)._collection_dispute_resolve("Credit note")
        asked = self.ask(later)
        self.assertEqual((asked.case_type, asked.state), ("dispute_resolved", "sent"))
        self.assertEqual(asked.invoice_id, dispute)

    def test_satisfaction_old_cases_and_no_email_are_not_asked(self):
        company = self.env.company
        company.collection_satisfaction_since = TODAY
        old = self.overdue()
        self.remind(old, 1, days_ago=20)
        self.pay(old, on=TODAY - timedelta(days=2))
        self.assertFalse(self.ask())
        mute = self._customer("Sans Email")
        mute.email = False
        invoice = self.overdue(mute)
        self.remind(invoice, 1, days_ago=5)
        self.pay(invoice)
        skipped = self.ask()
        self.assertEqual(
            (skipped.state, skipped.skip_reason), ("skipped", "No email address")
        )
        # Switched off: nobody is asked; switched on again: from that day.
        company.collection_satisfaction_since = TODAY - timedelta(days=100)
        company.collection_satisfaction_enabled = False
        count = self.env["collection.satisfaction"].search_count([])
        self.env["collection.satisfaction"]._cron_ask()
        self.assertEqual(self.env["collection.satisfaction"].search_count([]), count)
        company.collection_satisfaction_enabled = True
        self.assertEqual(company.collection_satisfaction_since, TODAY)

    def test_satisfaction_plan_completed(self):
        self.env.company.collection_satisfaction_since = TODAY - timedelta(days=1)
        invoice = self.overdue(amount=300.0)
        plan = self.env["collection.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set(invoice.ids)],
                "installment_count": 3,
                "frequency": "monthly",
                "first_date": TODAY,
            }
        )
        plan.action_compute_schedule()
        plan.action_propose()
        plan.with_user(self.manager).action_activate()
        self.pay(invoice)
        plan._check_progress(TODAY)
        self.assertEqual(plan.state, "completed")
        asked = self.ask()
        self.assertEqual((asked.case_type, asked.plan_id), ("plan_completed", plan))
        self.assertEqual(asked.state, "sent")

    def test_settings_refuse_scriptable_attachments(self):
        company = self.env.company
        with self.assertRaisesRegex(ValidationError, "never accepted"):
            company.collection_feedback_attachment_types = "pdf,svg"
        with self.assertRaisesRegex(ValidationError, "not a file extension"):
            company.collection_feedback_attachment_types = "pdf,<script>"
        with self.assertRaisesRegex(ValidationError, "between 1 and 50"):
            company.collection_feedback_attachment_max_mb = 0
        company.collection_feedback_attachment_types = ".PDF, png"
        self.assertEqual(
            company._collection_feedback_allowed_extensions(), {"pdf", "png"}
        )

    # Back office

    def test_back_office_handles_feedback_with_rights(self):
        invoice = self.overdue()
        feedback = self.feedback(invoice, "payment_sent", comment="Sent Monday")
        mine = feedback.with_user(self.collector)
        for view in ("kanban", "list", "pivot", "graph", "form", "search"):
            self.assertTrue(mine.get_views([(False, view)])["views"][view]["arch"])
        mine.action_start()
        self.assertEqual((mine.state, mine.user_id), ("in_progress", self.collector))
        mine.action_done()
        self.assertEqual(mine.state, "done")
        mine.action_reopen()
        self.assertEqual(mine.state, "in_progress")
        # The invoice and the customer show it.
        self.assertEqual(invoice.with_user(self.collector).collection_feedback_count, 1)
        self.assertEqual(
            self.customer.with_user(self.collector).collection_feedback_count, 1
        )
        action = invoice.with_user(self.collector).action_view_collection_feedback()
        self.assertEqual(
            self.env["collection.feedback"].search(action["domain"]), feedback
        )
        # Neither invoicing clerks nor customers read feedback or ratings.
        clerk = new_test_user(
            self.env,
            login="rf_feedback_clerk",
            groups="base.group_user,account.group_account_invoice",
        )
        portal = new_test_user(
            self.env, login="rf_feedback_portal", groups="base.group_portal"
        )
        for user in (clerk, portal):
            with self.assertRaises(AccessError):
                feedback.with_user(user).read(["comment"])
            with self.assertRaises(AccessError):
                self.env["collection.satisfaction"].with_user(user).search([])
        # Another company's collection user does not see it.
        other = self.setup_other_company(name="Autre Société")["company"]
        stranger = new_test_user(
            self.env,
            login="rf_feedback_stranger",
            groups=COLLECTION_USER,
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.env["collection.feedback"].with_user(stranger).search([]))
