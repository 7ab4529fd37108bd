# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Promises to pay: recording, refusals, decisions from real payments, the
reminder pause, the facts and rules, the typology suggestion, rights and
companies."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

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
class TestPromise(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.collection_promise_grace_days = 3
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        cls.defaults = give_default_configuration(cls.env, company)
        users = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.collector = new_test_user(
            cls.env,
            login="rf_promise_collector",
            name="Claire Collector",
            groups=COLLECTION_USER,
            **users,
        )
        cls.other_collector = new_test_user(
            cls.env,
            login="rf_promise_collector2",
            name="Paul Collector",
            groups=COLLECTION_USER,
            **users,
        )
        cls.manager = new_test_user(
            cls.env,
            login="rf_promise_manager",
            name="Marie Manager",
            groups=COLLECTION_MANAGER,
            **users,
        )
        cls.clerk = new_test_user(
            cls.env,
            login="rf_promise_clerk",
            name="Bill Clerk",
            groups="base.group_user,account.group_account_invoice",
            **users,
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Pharmacie Leroy",
                "is_company": True,
                "email": "leroy@example.com",
                "mobile": "06 12 34 56 78",
                "street": "3 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "collection_user_id": cls.manager.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jeanne Leroy", "parent_id": cls.customer.id}
        )

    # Helpers

    def overdue(self, customer=None, amount=1000.0, days=16):
        return self.invoice(
            customer or self.customer, amount, TODAY - timedelta(days=days)
        )

    def promise(self, invoices, amount, promised, user=None, **values):
        user = user or self.collector
        return (
            self.env["collection.promise"]
            .with_user(user)
            .create(
                {
                    "partner_id": invoices.commercial_partner_id[:1].id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "amount": amount,
                    "date_promised": promised,
                    **values,
                }
            )
        )

    def pay(self, invoice, amount=None, on=None):
        values = {"payment_date": on or date.today()}
        if amount is not None:
            values["amount"] = amount
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(values)._create_payments()

    def plan(self, invoice):
        """What a dry run plans for the invoice: ``[(level, channel)]``."""
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        lines = wizard.line_ids.filtered(lambda line: line.invoice_id == invoice)
        return sorted((line.level_id.level_number, line.channel) for line in lines)

    def activities(self, customer):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]
        )

    # Decisions from real payments

    def test_kept_partially_kept_and_broken(self):
        kept_invoice = self.overdue()
        partial_customer = self.customer.copy({"name": "Fleuriste Rose"})
        partial_invoice = self.overdue(partial_customer)
        broken_customer = self.customer.copy({"name": "Cave Bernard"})
        broken_invoice = self.overdue(broken_customer)
        # A payment before the promise was recorded is not kept against it.
        with freeze_time(TODAY - timedelta(days=2)):
            self.pay(kept_invoice, 100.0)
        deadline = TODAY + timedelta(days=5)
        kept = self.promise(kept_invoice, 500.0, deadline)
        partial = self.promise(partial_invoice, 600.0, deadline, channel="email")
        broken = self.promise(broken_invoice, 400.0, deadline)
        self.assertEqual(kept.date_deadline, deadline + timedelta(days=3))
        self.assertEqual(kept.amount_received, 0.0)
        self.assertEqual(kept.amount_owed, 900.0)
        with freeze_time(TODAY + timedelta(days=3)):
            self.pay(kept_invoice, 500.0)
            self.pay(partial_invoice, 200.0)
        kept.invalidate_recordset()
        self.assertEqual(kept.amount_received, 500.0)
        # Before the deadline, nothing is decided.
        with freeze_time(deadline + timedelta(days=3)):
            self.env["collection.promise"]._cron_check_promises()
        self.assertEqual((kept | partial | broken).mapped("state"), ["pending"] * 3)
        with freeze_time(deadline + timedelta(days=4)):
            self.env["collection.promise"]._cron_check_promises()
        self.assertEqual(kept.state, "kept")
        self.assertEqual(partial.state, "partial")
        self.assertEqual(partial.amount_decided, 200.0)
        self.assertEqual(broken.state, "broken")
        self.assertEqual(broken.date_decided, deadline + timedelta(days=4))
        # A trace in the customer's history and the promise's.
        partial_log = partial_customer.message_ids.filtered(
            lambda m: "partially kept" in (m.body or "")
        )
        self.assertTrue(partial_log)
        self.assertIn("400.00", partial_log[0].body)  # what is missing
        self.assertTrue(
            partial.message_ids.filtered(lambda m: "partially kept" in (m.body or ""))
        )
        self.assertTrue(
            broken_customer.message_ids.filtered(lambda m: "broken" in (m.body or ""))
        )
        self.assertTrue(
            self.customer.message_ids.filtered(lambda m: "kept:" in (m.body or ""))
        )
        # The responsible is asked to act on broken and partial ones only.
        self.assertFalse(self.activities(self.customer))
        for customer in (partial_customer, broken_customer):
            activity = self.activities(customer)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.manager)
        self.assertIn("did not pay", self.activities(broken_customer).note)

    def test_kept_at_once_when_the_invoices_are_paid(self):
        invoice = self.overdue()
        promise = self.promise(invoice, 300.0, TODAY + timedelta(days=10))
        self.pay(invoice)
        self.assertEqual(promise.state, "pending")
        promise.with_user(self.collector).action_check()
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_decided, 1000.0)

    def test_check_button_waits_for_the_deadline(self):
        invoice = self.overdue()
        promise = self.promise(invoice, 300.0, TODAY + timedelta(days=1))
        promise.with_user(self.collector).action_check()
        self.assertEqual(promise.state, "pending")
        with freeze_time(TODAY + timedelta(days=5)):
            promise.with_user(self.collector).action_check()
        self.assertEqual(promise.state, "broken")

    # The reminder pause

    def test_pause_and_resume(self):
        invoice = self.overdue(days=16)
        self.assertTrue(self.plan(invoice), "a level is due without a promise")
        promise = self.promise(invoice, 1000.0, TODAY + timedelta(days=5))
        invoice.invalidate_recordset()
        self.assertTrue(invoice.collection_paused)
        self.assertIn("Payment promised for", invoice.collection_pause_info)
        self.assertIn("1,000.00", invoice.collection_pause_info)
        self.assertIn(
            invoice,
            self.env["account.move"].search([("collection_paused", "=", True)]),
        )
        self.assertEqual(self.plan(invoice), [])
        # The preview and the campaigns say why (the planner's reason).
        self.assertIn(
            "Payment promised for",
            self.env["collection.planner"]._left_alone_reason(
                invoice, self.env.company, TODAY
            ),
        )
        self.assertTrue(invoice.with_user(self.collector).collection_promise_pending)
        self.assertEqual(
            invoice.with_user(self.collector).collection_promise_date,
            TODAY + timedelta(days=5),
        )
        # Paused up to the promised date plus the grace period...
        with freeze_time(promise.date_deadline):
            self.assertEqual(self.plan(invoice), [])
        # ...then planned again, and the check finds the promise broken.
        with freeze_time(promise.date_deadline + timedelta(days=1)):
            invoice.invalidate_recordset()
            self.assertFalse(invoice.collection_paused)
            self.assertTrue(self.plan(invoice))
            self.env["collection.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")

    def test_grace_period_is_a_company_setting(self):
        invoice = self.overdue()
        promise = self.promise(invoice, 100.0, TODAY + timedelta(days=2))
        self.env.company.collection_promise_grace_days = 10
        self.assertEqual(promise.date_deadline, TODAY + timedelta(days=12))
        with self.assertRaises(ValidationError):
            self.env.company.collection_promise_grace_days = -1

    # Facts and rules

    def _decide_broken(self, invoices, amount, days_ago):
        """A promise recorded and broken ``days_ago`` days ago."""
        with freeze_time(TODAY - timedelta(days=days_ago + 10)):
            promise = self.promise(
                invoices, amount, TODAY - timedelta(days=days_ago + 5)
            )
        with freeze_time(TODAY - timedelta(days=days_ago)):
            self.env["collection.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        return promise

    def test_facts_and_the_rule_on_a_broken_promise(self):
        engine = self.env["collection.engine"]
        invoice = self.overdue(days=40)
        covered = self.overdue(days=20)
        facts = engine._facts(invoice)[0]
        self.assertFalse(facts["has_broken_promise"])
        self.assertEqual(facts["broken_promises"], 0)
        self.assertEqual(facts["promise_kept_ratio"], 100.0)
        self._decide_broken(invoice, 200.0, days_ago=3)
        kept = self.promise(covered, 100.0, TODAY + timedelta(days=2))
        self.pay(covered)
        kept.action_check()
        self.assertEqual(kept.state, "kept")
        pending_invoice = self.overdue(days=10)
        self.promise(pending_invoice, 50.0, TODAY + timedelta(days=3))
        facts = engine._facts(invoice | pending_invoice)
        self.assertTrue(facts[0]["has_broken_promise"])
        self.assertEqual(facts[0]["broken_promises"], 1)
        self.assertEqual(facts[0]["promise_kept_ratio"], 50.0)
        self.assertFalse(facts[0]["has_pending_promise"])
        self.assertTrue(facts[1]["has_pending_promise"])
        # The history window is the company's setting.
        self.env.company.collection_history_months = 1
        self._decide_broken(self.overdue(days=90), 100.0, days_ago=60)
        self.assertEqual(engine._facts(invoice)[0]["broken_promises"], 1)
        self.env.company.collection_history_months = 12
        self.assertEqual(engine._facts(invoice)[0]["broken_promises"], 2)
        # The default rules: formal notice 8 days after the last reminder.
        rule_set = self.defaults["collection_rule_set_default"]
        evaluator = engine._evaluator(self.env.company, rule_set)
        facts = engine._facts(invoice)[0]
        facts.update(reminder_level=3, days_since_last_reminder=9)
        result = evaluator.evaluate_many([facts])[0]
        self.assertEqual(
            [t.rule for t in result.triggered],
            ["Broken promise to pay: formal notice 8 days after the last reminder"],
        )
        self.assertEqual(
            [(d.action, d.params) for d in result.decisions],
            [("escalate", {"stage": "formal_notice"})],
        )
        # Without the broken promise, the standard path waits 15 days.
        facts.update(has_broken_promise=False)
        result = evaluator.evaluate_many([facts])[0]
        self.assertFalse(result.decisions)
        # A pending promise: no reminder, whatever is due.
        pending = engine._facts(pending_invoice)[0]
        result = evaluator.evaluate_many([pending])[0]
        self.assertEqual(
            [t.rule for t in result.triggered], ["Payment promised: no reminder"]
        )

    def test_customer_level_pending_promise_fact(self):
        """``has_pending_promise`` is the invoice's; the customer's view
        (a promise on any of its invoices) is a variable of its own, in the
        catalogue the rule editor reads."""
        engine = self.env["collection.engine"]
        promised = self.overdue(days=20)
        sibling = self.overdue(days=30)
        stranger = self.overdue(self.customer.copy({"name": "Autre client"}))
        facts = engine._facts(promised | sibling | stranger)
        self.assertEqual(
            [f["customer_has_pending_promise"] for f in facts], [False] * 3
        )
        promise = self.promise(promised, 300.0, TODAY + timedelta(days=4))
        facts = engine._facts(promised | sibling | stranger)
        self.assertEqual(
            [f["has_pending_promise"] for f in facts], [True, False, False]
        )
        self.assertEqual(
            [f["customer_has_pending_promise"] for f in facts], [True, True, False]
        )
        # Once decided (broken), nothing is pending any more.
        with freeze_time(promise.date_deadline + timedelta(days=1)):
            self.env["collection.promise"]._cron_check_promises()
            self.assertFalse(engine._facts(sibling)[0]["customer_has_pending_promise"])
        variables = {
            v["name"]: v
            for v in engine.with_user(self.collector).get_catalogue()["variables"]
        }
        self.assertEqual(
            variables["customer_has_pending_promise"]["label"],
            "Customer promised to pay",
        )
        # A rule may use it: a business customer who promised to pay one
        # invoice is not escalated on the others.
        rule_set = self.env["collection.rule.set"].create(
            {
                "name": "Promised elsewhere",
                "priority": 1,
                "stop_on_first_trigger": True,
                "company_id": self.env.company.id,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Promised: wait",
                            "conditions": '{"all": [{"name": '
                            '"customer_has_pending_promise", "operator": "is_true"}]}',
                            "actions": "[]",
                        }
                    )
                ],
            }
        )
        evaluator = engine._evaluator(self.env.company, rule_set)
        self.promise(sibling, 100.0, TODAY + timedelta(days=4))
        result = evaluator.evaluate_many(engine._facts(stranger | promised))
        self.assertEqual(
            [[t.rule for t in r.triggered] for r in result], [[], ["Promised: wait"]]
        )

    def test_promise_in_a_foreign_currency_with_real_payments(self):
        """A promise in the invoice's currency counts what the payments paid
        in that currency, whatever the currency they were made in."""
        currency = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])
        self.assertNotEqual(currency, self.env.company.currency_id)
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            amounts=[1000.0],
            taxes=[],
            currency=currency,
            invoice_date=TODAY - timedelta(days=30),
            post=True,
        )
        promise = self.promise(invoice, 600.0, TODAY + timedelta(days=5))
        self.assertEqual(promise.currency_id, currency)
        self.assertEqual(promise.amount_owed, 1000.0)
        # 200 EUR paid in euros, then 100 in company currency (200 EUR).
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": 200.0, "currency_id": currency.id, "payment_date": TODAY}
        )._create_payments()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "amount": 100.0,
                "currency_id": self.env.company.currency_id.id,
                "payment_date": TODAY,
            }
        )._create_payments()
        promise.invalidate_recordset()
        self.assertAlmostEqual(promise.amount_received, 400.0)
        self.assertAlmostEqual(promise.amount_owed, 600.0)
        with freeze_time(promise.date_deadline + timedelta(days=1)):
            self.env["collection.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "partial")
        self.assertAlmostEqual(promise.amount_decided, 400.0)
        log = self.customer.message_ids.filtered(
            lambda m: "partially kept" in (m.body or "")
        )[:1]
        self.assertIn("€", log.body, "amounts in the promise's currency")
        self.assertIn("200.00", log.body, "what is missing")
        # 200 in company currency (400 EUR) keep a promise of 400 EUR.
        kept_invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            amounts=[500.0],
            taxes=[],
            currency=currency,
            invoice_date=TODAY - timedelta(days=30),
            post=True,
        )
        kept = self.promise(kept_invoice, 400.0, TODAY + timedelta(days=2))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=kept_invoice.ids
        ).create(
            {
                "amount": 200.0,
                "currency_id": self.env.company.currency_id.id,
                "payment_date": TODAY,
            }
        )._create_payments()
        with freeze_time(kept.date_deadline + timedelta(days=1)):
            kept.with_user(self.collector).action_check()
        self.assertEqual(kept.state, "kept")
        self.assertAlmostEqual(kept.amount_decided, 400.0)

    def test_promise_facts_take_a_constant_number_of_queries(self):
        engine = self.env["collection.engine"]

        def queries(invoices):
            self.env.invalidate_all()
            invoices.mapped("commercial_partner_id")
            before = self.env.cr.sql_log_count
            engine._promise_facts(invoices, TODAY)
            return self.env.cr.sql_log_count - before

        customers = [
            self.customer.copy({"name": f"Client {number}"}) for number in range(6)
        ]
        invoices = self.env["account.move"].concat(
            *(self.overdue(customer) for customer in customers)
        )
        for invoice in invoices:
            self.promise(invoice, 100.0, TODAY + timedelta(days=4))
        self._decide_broken(self.overdue(customers[0]), 50.0, days_ago=2)
        queries(invoices)  # warm the registry's caches (rules, company)
        self.assertEqual(queries(invoices[:2]), queries(invoices))

    # The typology suggestion

    def test_broken_promises_suggest_repeat_late_payer(self):
        late_payer = self.env.ref(
            "recouvrement_fidelite.collection_typology_late_payer"
        )
        self.assertEqual(late_payer.min_broken_promises, 2)
        invoices = [
            self.invoice(
                self.customer,
                500.0,
                TODAY + timedelta(days=20),
                invoice_date=TODAY - timedelta(days=10),
            )
            for _i in range(3)
        ]
        self.customer.action_collection_compute_suggestion()
        self.assertNotEqual(self.customer.collection_suggested_typology_id, late_payer)
        self._decide_broken(invoices[0], 100.0, days_ago=1)
        self.customer.action_collection_compute_suggestion()
        self.assertNotEqual(self.customer.collection_suggested_typology_id, late_payer)
        self._decide_broken(invoices[1], 100.0, days_ago=1)
        self.customer.action_collection_compute_suggestion()
        self.assertEqual(self.customer.collection_suggested_typology_id, late_payer)
        self.assertIn("broken promises: ≥ 2", late_payer.criteria_summary)
        with self.assertRaises(ValidationError):
            late_payer.min_broken_promises = -1

    # Bad input

    def assertRefused(self, pattern, invoices, amount=100.0, promised=None, **values):
        """Refused with a message matching ``pattern``, and nothing written:
        no promise, no message in the customer's history."""
        Promise = self.env["collection.promise"]
        count = Promise.search_count([])
        messages = self.customer.message_ids
        # assertRaises rolls back to a savepoint, as a refused request would.
        with self.assertRaises(ValidationError) as caught:
            self.promise(
                invoices, amount, promised or TODAY + timedelta(days=5), **values
            )
        self.assertRegex(str(caught.exception), pattern)
        self.assertEqual(Promise.search_count([]), count)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.message_ids, messages)

    def test_bad_input_refused(self):
        invoice = self.overdue()
        self.assertRefused("must be positive", invoice, amount=0.0)
        self.assertRefused("must be positive", invoice, amount=-10.0)
        self.assertRefused(r"more than the .*1,000\.00", invoice, amount=1000.01)
        self.assertRefused(
            "is in the past", invoice, promised=TODAY - timedelta(days=1)
        )
        self.assertRefused(
            "at least one invoice",
            self.env["account.move"],
            partner_id=self.customer.id,
        )
        other = self.overdue(self.customer.copy({"name": "Autre client"}))
        self.assertRefused(
            "belong to another customer", invoice | other, partner_id=self.customer.id
        )
        self.assertRefused(
            "not by one of its contacts", invoice, partner_id=self.contact.id
        )
        paid = self.overdue()
        self.pay(paid)
        self.assertRefused("not open customer invoices", paid)
        cancelled = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[300.0], taxes=[]
        )
        cancelled.button_cancel()
        self.assertRefused("not open customer invoices", cancelled)
        currency = self.setup_other_currency("EUR")
        foreign = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            amounts=[300.0],
            taxes=[],
            currency=currency,
            post=True,
            invoice_date=TODAY,
        )
        self.assertRefused("several currencies", invoice | foreign)
        company_b = self.setup_other_company(name="Promise B")["company"]
        invoice_b = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            amounts=[300.0],
            taxes=[],
            company=company_b,
            post=True,
            invoice_date=TODAY,
        )
        # Refused by the company check of the invoices, or by the promise's.
        with self.assertRaises(UserError) as caught:
            self.env["collection.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice_b.ids)],
                    "amount": 10.0,
                    "date_promised": TODAY,
                }
            )
        self.assertRegex(str(caught.exception), "compan")
        self.assertFalse(self.env["collection.promise"].search([]))

    # Recording from the screens

    def test_record_from_a_call_prefills_the_form(self):
        invoice = self.overdue()
        form = Form(
            self.env["collection.promise"]
            .with_user(self.collector)
            .with_context(
                default_partner_id=self.contact.id,
                default_invoice_ids=[invoice.id, False],
                default_channel="phone",
            )
        )
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.amount, 1000.0)
        form.amount = 400.0
        form.date_promised = TODAY + timedelta(days=7)
        form.given_by_id = self.contact
        promise = form.save()
        self.assertEqual(promise.invoice_ids, invoice)
        self.assertEqual(promise.user_id, self.collector)
        self.assertEqual(promise.state, "pending")
        self.assertEqual(
            self.customer.with_user(self.collector).collection_promise_count, 1
        )
        self.assertEqual(invoice.with_user(self.collector).collection_promise_count, 1)
        action = self.customer.with_user(
            self.collector
        ).action_view_collection_promises()
        self.assertEqual(
            self.env["collection.promise"]
            .with_user(self.collector)
            .search(action["domain"]),
            promise,
        )

    # Rights and companies

    def test_rights(self):
        invoice = self.overdue()
        promise = self.promise(invoice, 300.0, TODAY + timedelta(days=5))
        # An invoicing user without collection rights sees no promise...
        with self.assertRaises(AccessError):
            self.env["collection.promise"].with_user(self.clerk).search([])
        with self.assertRaises(AccessError):
            self.promise(invoice, 100.0, TODAY + timedelta(days=5), user=self.clerk)
        # ...but still sees the invoice paused, and reads the invoice list.
        as_clerk = invoice.with_user(self.clerk)
        self.assertTrue(as_clerk.collection_paused)
        self.assertIn(
            invoice,
            self.env["account.move"]
            .with_user(self.clerk)
            .search([("collection_paused", "=", True)]),
        )
        # A collection user adds notes to another's promise, not the amount.
        as_other = promise.with_user(self.other_collector)
        as_other.note = "Called back, confirmed."
        with self.assertRaises(AccessError):
            as_other.amount = 10.0
        # Only managers cancel or delete.
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).action_cancel()
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).unlink()
        promise.with_user(self.manager).action_cancel()
        self.assertEqual(promise.state, "cancelled")
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).note = "too late"
        with self.assertRaises(UserError):
            promise.with_user(self.manager).action_cancel()
        invoice.invalidate_recordset()
        self.assertFalse(invoice.collection_paused)

    def test_companies_are_separate(self):
        promise = self.promise(self.overdue(), 300.0, TODAY + timedelta(days=5))
        company_b = self.setup_other_company(name="Promise B")["company"]
        collector_b = new_test_user(
            self.env,
            login="rf_promise_collector_b",
            groups=COLLECTION_USER,
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Promise = self.env["collection.promise"].with_user(collector_b)
        self.assertFalse(Promise.search([]))
        with self.assertRaises(AccessError):
            promise.with_user(collector_b).read(["amount"])
