# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json
from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import give_default_configuration


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestPaymentPlan(AccountTestInvoicingCommon):
    """Payment plans: schedule, checks, states, allocation of payments,
    pause of reminders, facts for the rules, rights and companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        values = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.collector = new_test_user(
            cls.env,
            login="rf_plan_collector",
            name="Claire Collector",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            **values,
        )
        cls.manager = new_test_user(
            cls.env,
            login="rf_plan_manager",
            name="Marc Manager",
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
            **values,
        )
        cls.clerk = new_test_user(
            cls.env,
            login="rf_plan_clerk",
            name="Bill Clerk",
            groups="base.group_user,account.group_account_invoice",
            **values,
        )
        cls.typology = cls.env["collection.typology"].create(
            {
                "name": "Plan test typology",
                "code": "plan_test",
                "company_id": company.id,
                "plan_max_installments": 6,
                "plan_max_months": 6,
                "plan_min_installment": 50.0,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "email": "martin@example.com",
                "collection_typology_id": cls.typology.id,
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Fromagerie Dupont", "is_company": True}
        )
        cls.invoice = cls._invoice(cls.customer, 1000.0)
        cls.other_company = cls.setup_other_company()["company"]

    @classmethod
    def _invoice(cls, partner, amount, due="2026-02-15", **kwargs):
        invoice = cls.init_invoice(
            "out_invoice",
            partner=partner,
            invoice_date=fields.Date.from_string("2026-01-15"),
            amounts=[amount],
            taxes=[],
            **kwargs,
        )
        invoice.invoice_payment_term_id = False
        invoice.invoice_date_due = due
        invoice.action_post()
        return invoice

    def _plan(self, invoices=None, user=None, **values):
        user = user or self.collector
        vals = {
            "partner_id": self.customer.id,
            "invoice_ids": [Command.set((invoices or self.invoice).ids)],
            "installment_count": 3,
            "frequency": "monthly",
            "first_date": "2026-03-20",
        }
        vals.update(values)
        return self.env["collection.payment.plan"].with_user(user).create(vals)

    def _pay(self, invoice, amount, when="2026-03-10"):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount, "payment_date": when, "group_payment": True}
        )._create_payments()

    @contextmanager
    def refused(self, exception, pattern):
        """assertRaisesRegex, in a savepoint rolled back as the request's
        transaction would be (Odoo's assertRaises does it, not the Regex one)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def _active_plan(self, **values):
        plan = self._plan(**values)
        plan.action_compute_schedule()
        plan.action_propose()
        plan.with_user(self.manager).action_activate()
        self.assertEqual(plan.state, "active")
        return plan

    # Schedule

    def test_schedule_1000_in_three(self):
        plan = self._plan()
        plan.action_compute_schedule()
        self.assertEqual(
            plan.installment_ids.mapped("amount"), [333.33, 333.33, 333.34]
        )
        self.assertEqual(
            plan.installment_ids.mapped("date_due"),
            [date(2026, 3, 20), date(2026, 4, 20), date(2026, 5, 20)],
        )

    def test_schedule_rounding_100_01_in_seven_weekly(self):
        invoice = self._invoice(self.customer, 100.01)
        plan = self._plan(invoice, installment_count=7, frequency="weekly")
        plan.action_compute_schedule()
        amounts = plan.installment_ids.mapped("amount")
        self.assertEqual(amounts[:6], [14.28] * 6)
        self.assertAlmostEqual(amounts[6], 14.33, places=2)
        self.assertAlmostEqual(sum(amounts), 100.01, places=2)
        self.assertEqual(plan.installment_ids[1].date_due, date(2026, 3, 27))

    def test_schedule_with_down_payment_and_amount(self):
        plan = self._plan(amount=600.0, down_payment=150.0, installment_count=2)
        plan.action_compute_schedule()
        down, *rest = plan.installment_ids
        self.assertTrue(down.is_down_payment)
        self.assertEqual(down.date_due, date(2026, 3, 20))
        self.assertEqual([i.amount for i in rest], [225.0, 225.0])
        self.assertEqual(rest[0].date_due, date(2026, 4, 20))

    def test_schedule_editable_in_draft_only(self):
        plan = self._plan()
        plan.action_compute_schedule()
        plan.installment_ids[0].with_user(self.collector).amount = 300.0
        with self.refused(UserError, "sum to"):
            plan.action_propose()
        self.assertEqual(plan.state, "draft")
        plan.installment_ids[-1].amount = 366.67
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        with self.refused(UserError, "only while the plan is a draft"):
            plan.installment_ids[0].with_user(self.collector).amount = 100.0
        with self.refused(UserError, "only while the plan is a draft"):
            plan.with_user(self.collector).installment_count = 5

    # Bad input

    def test_bad_input_refused(self):
        Plan = self.env["collection.payment.plan"]
        count = Plan.search_count([])
        with self.refused(ValidationError, "at least one installment"):
            self._plan(installment_count=0)
        with self.refused(ValidationError, "at least one installment"):
            self._plan(installment_count=-2)
        with self.refused(ValidationError, "in the past"):
            self._plan(first_date="2026-03-01")
        other = self._invoice(self.other_customer, 200.0)
        with self.refused(ValidationError, "Fromagerie Dupont"):
            self._plan(self.invoice | other)
        paid = self._invoice(self.customer, 80.0)
        self._pay(paid, 80.0)
        with self.refused(ValidationError, "nothing left to pay"):
            self._plan(paid)
        cancelled = self._invoice(self.customer, 90.0)
        cancelled.button_draft()
        cancelled.button_cancel()
        with self.refused(ValidationError, "not a posted customer invoice"):
            self._plan(cancelled)
        dollars = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-01-15",
                "currency_id": self.setup_other_currency("CHF").id,
                "invoice_line_ids": [
                    Command.create({"name": "x", "price_unit": 50.0, "tax_ids": []})
                ],
            }
        )
        dollars.action_post()
        self.assertNotEqual(dollars.currency_id, self.invoice.currency_id)
        with self.refused(ValidationError, "one currency"):
            self._plan(self.invoice | dollars)
        self.assertEqual(Plan.search_count([]), count, "nothing half-written")

    def test_bad_schedule_edits_refused_at_proposal(self):
        """A schedule edited by hand is checked when proposed: a date in the
        past, an installment of zero or less, a down payment of the whole
        total; the plan stays a draft, nothing else written."""
        plan = self._plan()
        plan.action_compute_schedule()
        first = plan.installment_ids[0]
        first.date_due = "2026-03-01"
        with self.refused(UserError, "falls in the past"):
            plan.action_propose()
        first.date_due = "2026-03-20"
        first.amount, plan.installment_ids[1].amount = 0.0, 666.66
        with self.refused(UserError, "positive amount"):
            plan.action_propose()
        first.amount, plan.installment_ids[1].amount = -10.0, 676.66
        with self.refused(UserError, "positive amount"):
            plan.action_propose()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(plan.date_proposed)
        self.assertFalse(plan.residual_at_start)
        plan.down_payment = 1000.0
        with self.refused(UserError, "down payment must be less"):
            plan.action_compute_schedule()
        plan.down_payment = 0.0
        plan.action_compute_schedule()
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")

    def test_plan_for_an_amount_checked_before_covering_invoices(self):
        """Without invoices, proposing covers the oldest ones; refused, it
        covers none (nothing half-written)."""
        plan = self._plan(self.env["account.move"], amount=5000.0)
        plan.invoice_ids = False
        with self.refused(UserError, "cannot ask for more than is owed"):
            plan.action_compute_schedule()
        self.assertFalse(plan.invoice_ids)
        self.assertFalse(plan.installment_ids)

    def test_amount_above_owed_refused(self):
        plan = self._plan(amount=1000.01)
        with self.refused(UserError, "cannot ask for more than is owed"):
            plan.action_compute_schedule()
        self.assertFalse(plan.installment_ids)
        with self.refused(ValidationError, "cannot be negative"):
            self._plan(amount=-5.0)

    def test_other_company_invoice_refused(self):
        other_company = self.other_company
        foreign = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=fields.Date.from_string("2026-01-15"),
            amounts=[100.0],
            taxes=[],
            post=True,
            company=other_company,
        )
        Plan = self.env["collection.payment.plan"]
        count = Plan.search_count([])
        with self.refused(UserError, "belongs to|compan"):
            self._plan(self.invoice | foreign, user=self.env.user)
        self.assertEqual(Plan.search_count([]), count, "nothing half-written")

    def test_overlapping_plans_refused(self):
        self._plan()
        with self.refused(ValidationError, "already in the payment plan"):
            self._plan()
        # A cancelled plan frees its invoices.
        self.env["collection.payment.plan"].search(
            [("invoice_ids", "in", self.invoice.ids)]
        ).with_user(self.collector).action_cancel()
        self.assertTrue(self._plan())

    # Typology limits

    def test_typology_limits(self):
        plan = self._plan(installment_count=8)
        plan.action_compute_schedule()
        with self.refused(UserError, "8 installments"):
            plan.action_propose()
        self.assertEqual(plan.state, "draft")
        plan.installment_count = 3
        self.typology.plan_down_payment_required = True
        plan.action_compute_schedule()
        with self.refused(UserError, "requires a down payment"):
            plan.action_propose()
        self.typology.plan_down_payment_required = False
        self.typology.plan_min_installment = 400.0
        with self.refused(UserError, "minimum"):
            plan.action_propose()
        # A manager may go beyond, and the history says so.
        plan.with_user(self.manager).action_propose()
        self.assertEqual(plan.state, "proposed")
        self.assertTrue(plan.limits_override)
        self.assertIn("beyond the typology", plan.message_ids[0].body)

    def test_duration_limit(self):
        plan = self._plan(installment_count=6, first_date="2026-06-01")
        plan.action_compute_schedule()
        with self.refused(UserError, "months away"):
            plan.action_propose()

    # States and rights

    def test_user_proposes_manager_activates(self):
        plan = self._plan()
        plan.action_compute_schedule()
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        with self.refused(AccessError, "collection manager"):
            plan.action_activate()
        plan.action_mark_accepted()
        self.assertEqual(plan.state, "proposed")
        self.assertTrue(plan.activity_ids, "the managers are asked to activate it")
        with self.refused(AccessError, "collection manager"):
            plan.action_cancel()
        plan.with_user(self.manager).action_activate()
        self.assertEqual(plan.state, "active")
        plan.with_user(self.manager).action_cancel()
        self.assertEqual(plan.state, "cancelled")

    def test_typology_accepted_without_manager(self):
        self.typology.plan_accept_without_manager = True
        plan = self._plan()
        plan.action_compute_schedule()
        plan.action_propose()
        plan.action_mark_accepted()
        self.assertEqual(plan.state, "active")

    def test_invoicing_user_reads_only(self):
        plan = self._plan()
        self.assertEqual(plan.with_user(self.clerk).name, plan.name)
        # The form opens for them (what it shows of the collection actions
        # is for collection users).
        Plan = self.env["collection.payment.plan"].with_user(self.clerk)
        views = Plan.get_views([(False, "form")])
        shown = views["models"]["collection.payment.plan"]["fields"]
        self.assertNotIn("reminder_count", shown)
        plan.with_user(self.clerk).read(list(shown))
        with self.assertRaises(AccessError):
            self._plan(user=self.clerk, invoices=self._invoice(self.customer, 10.0))
        with self.assertRaises(AccessError):
            plan.with_user(self.clerk).write({"note": "x"})
        with self.assertRaises(AccessError):
            plan.with_user(self.collector).unlink()
        plan.with_user(self.manager).unlink()
        self.assertFalse(plan.exists())

    def test_multi_company_separation(self):
        plan = self._plan()
        other_company = self.other_company
        outsider = new_test_user(
            self.env,
            login="rf_plan_outsider",
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        Plan = self.env["collection.payment.plan"].with_user(outsider)
        self.assertFalse(Plan.search([("id", "=", plan.id)]))
        with self.assertRaises(AccessError):
            Plan.browse(plan.id).name  # noqa: B018
        self.assertFalse(
            self.env["collection.payment.plan.installment"]
            .with_user(outsider)
            .search([("plan_id", "=", plan.id)])
        )

    # Payments

    def test_partial_early_and_excess_payments(self):
        plan = self._active_plan()
        first, second, third = plan.installment_ids
        self._pay(self.invoice, 200.0)
        self.assertEqual(plan.paid_amount, 200.0)
        self.assertEqual(first.paid_amount, 200.0)
        self.assertEqual(first.status, "partial")
        self.assertEqual(second.status, "due")
        # Early: pays the first in full and part of the second.
        self._pay(self.invoice, 300.0)
        self.assertEqual(first.status, "paid")
        self.assertAlmostEqual(second.paid_amount, 166.67, places=2)
        self.assertEqual(second.status, "partial")
        with freeze_time("2026-04-25"):
            second.invalidate_recordset(["status"])
            self.assertEqual(second.status, "late")
        self._pay(self.invoice, 500.0)
        self.assertEqual(third.status, "paid")
        self.assertEqual(plan.remaining_amount, 0.0)
        plan.action_check_now()
        self.assertEqual(plan.state, "completed")
        self.assertIn(
            "completed", self.customer.message_ids[0].body, "traced on the customer"
        )

    def test_overpayment(self):
        invoice = self._invoice(self.customer, 1000.0)
        plan = self._active_plan(invoices=invoice, amount=600.0, installment_count=2)
        self._pay(invoice, 700.0)
        self.assertEqual(plan.paid_amount, 600.0)
        self.assertEqual(plan.overpaid_amount, 100.0)
        self.assertEqual(plan.installment_ids.mapped("status"), ["paid", "paid"])

    def test_completed_when_the_payment_is_reconciled(self):
        """No need to wait for the daily check: the payment that pays the
        plan in full completes it, and each installment shows paid at once."""
        plan = self._active_plan()
        first, second, third = plan.installment_ids
        self._pay(self.invoice, 333.33)
        self.assertEqual(first.payment_state, "paid")
        self.assertEqual(first.status, "paid")
        self.assertEqual(plan.state, "active")
        # A payment recorded on its own, then added to the invoice from its
        # outstanding credits, as an accountant does.
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 666.67,
                "date": "2026-03-10",
            }
        )
        payment.action_post()
        line = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(plan.state, "active", "not matched yet")
        self.invoice.js_assign_outstanding_line(line.id)
        self.assertEqual(plan.state, "completed")
        self.assertEqual(plan.date_closed, date(2026, 3, 10))
        self.assertEqual((second | third).mapped("status"), ["paid", "paid"])
        self.assertIn("completed", self.customer.message_ids[0].body)

    def test_partial_payment_does_not_complete(self):
        plan = self._active_plan(amount=600.0, installment_count=2)
        self._pay(self.invoice, 599.99)
        self.assertEqual(plan.state, "active")
        self._pay(self.invoice, 0.01)
        self.assertEqual(plan.state, "completed", "600 paid: the plan's total")

    def test_plan_in_a_foreign_currency_with_real_payments(self):
        """A plan in the invoices' currency counts what the payments paid in
        that currency, whatever they were made in; the typology's minimum
        (company currency) is converted."""
        company_currency = self.env.company.currency_id
        currency = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])
        invoice = self._invoice(self.customer, 900.0, currency=currency)
        self.assertEqual(invoice.currency_id, currency)
        plan = self._plan(invoice)
        self.assertEqual(plan.currency_id, currency)
        self.assertEqual(plan.amount_owed, 900.0)
        plan.action_compute_schedule()
        self.assertEqual(plan.installment_ids.mapped("amount"), [300.0] * 3)
        # 50 in company currency is 100 EUR: 300 EUR installments are fine,
        # 90 EUR ones are not.
        self.assertEqual(self.typology.plan_min_installment, 50.0)
        self.typology.plan_min_installment = 160.0  # 320 EUR
        self.assertIn("320.00", " ".join(plan._limit_breaches()))
        self.typology.plan_min_installment = 50.0
        self.assertFalse(plan._limit_breaches())
        plan.action_propose()
        plan.with_user(self.manager).action_activate()
        first, second, third = plan.installment_ids
        # 200 EUR in euros, then 150 in company currency (300 EUR).
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": 200.0, "currency_id": currency.id, "payment_date": "2026-03-10"}
        )._create_payments()
        self.assertEqual(plan.paid_amount, 200.0)
        self.assertEqual(first.status, "partial")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "amount": 150.0,
                "currency_id": company_currency.id,
                "payment_date": "2026-03-10",
            }
        )._create_payments()
        self.assertAlmostEqual(plan.paid_amount, 500.0)
        self.assertEqual(first.status, "paid")
        self.assertAlmostEqual(second.paid_amount, 200.0)
        self.assertEqual(plan.state, "active")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": 400.0, "currency_id": currency.id, "payment_date": "2026-03-10"}
        )._create_payments()
        self.assertEqual(third.status, "paid")
        self.assertEqual(plan.state, "completed")

    def test_late_installment_breaks_plan(self):
        self.env.company.collection_plan_break_days = 10
        plan = self._active_plan()
        self._pay(self.invoice, 100.0)
        with freeze_time("2026-03-30"):
            plan.action_check_now()
            self.assertEqual(plan.state, "active", "10 days late: within the grace")
        with freeze_time("2026-04-01"):
            self.env["collection.payment.plan"]._cron_check_plans()
        self.assertEqual(plan.state, "broken")
        self.assertIn("broken", self.customer.message_ids[0].body)
        self.assertEqual(plan.activity_ids.user_id, self.collector)

    # Reminders and rules

    def test_reminders_paused_while_active(self):
        Move = self.env["account.move"].with_user(self.collector)
        plan = self._plan()
        self.assertFalse(Move.browse(self.invoice.id).collection_paused)
        plan.action_compute_schedule()
        plan.action_propose()
        plan.with_user(self.manager).action_activate()
        self.invoice.invalidate_recordset()
        invoice = Move.browse(self.invoice.id)
        self.assertTrue(invoice.collection_paused)
        self.assertIn(plan.name, invoice.collection_pause_info)
        self.assertIn("installments are reminded", invoice.collection_pause_info)
        self.assertIn(invoice, Move.search([("collection_paused", "=", True)]))
        self.assertTrue(invoice.collection_in_plan)
        with freeze_time("2026-03-25"):
            # The first installment is late: the plan reminds it; the
            # invoice gets no reminder of its own until the plan breaks.
            self.invoice.invalidate_recordset()
            self.assertTrue(Move.browse(self.invoice.id).collection_paused)
        with freeze_time("2026-05-01"):
            plan._check_progress()
            self.assertEqual(plan.state, "broken")
            self.invoice.invalidate_recordset()
            self.assertFalse(Move.browse(self.invoice.id).collection_paused)
            self.assertNotIn(invoice, Move.search([("collection_paused", "=", True)]))

    def test_cancelled_plan_resumes_reminders(self):
        plan = self._active_plan()
        plan.with_user(self.manager).action_cancel()
        self.invoice.invalidate_recordset()
        self.assertFalse(
            self.env["account.move"]
            .with_user(self.collector)
            .browse(self.invoice.id)
            .collection_paused
        )

    def test_plan_status_facts(self):
        Engine = self.env["collection.engine"]
        free = self._invoice(self.customer, 50.0)
        plan = self._plan()

        def status(invoice):
            return Engine._payment_plan_facts(invoice, fields.Date.today())[0][
                "payment_plan_status"
            ]

        self.assertEqual(status(free), "none")
        self.assertEqual(status(self.invoice), "requested")
        plan.action_compute_schedule()
        plan.action_propose()
        plan.with_user(self.manager).action_activate()
        self.assertEqual(status(self.invoice), "active")
        with freeze_time("2026-03-25"):
            self.assertEqual(
                Engine._payment_plan_facts(self.invoice, date(2026, 3, 25))[0][
                    "payment_plan_status"
                ],
                "in_arrears",
            )
        with freeze_time("2026-05-01"):
            plan._check_progress()
        self.assertEqual(status(self.invoice), "broken")
        facts = Engine._facts(self.invoice | free)
        self.assertEqual([f["payment_plan_status"] for f in facts], ["broken", "none"])

    def test_default_rules_on_plan_status(self):
        """Active: the installments are reminded, nothing else; requested:
        no reminder; broken: the late payers' path, formal notice 8 days
        after the last reminder instead of 15."""
        copies = give_default_configuration(self.env, self.env.company)
        engine = self.env["collection.engine"]
        evaluator = engine._evaluator(
            self.env.company, copies["collection_rule_set_default"]
        )
        [facts] = engine._facts(self.invoice)
        decided = {}
        for status in ("active", "requested", "broken", "none"):
            facts.update(
                payment_plan_status=status,
                reminder_level=3,
                days_since_last_reminder=10,
                scenario_level_due=3,
                customer_typology="standard",
            )
            [result] = evaluator.evaluate_many([dict(facts)])
            self.assertFalse(result.error, result.error)
            decided[status] = (
                [t.rule for t in result.triggered],
                [d.action for d in result.decisions],
            )
        self.assertEqual(
            decided["active"],
            (
                ["Active payment plan: remind its installments, nothing else"],
                ["remind_installments"],
            ),
        )
        self.assertEqual(
            decided["requested"], (["Payment plan asked for: no reminder"], [])
        )
        self.assertEqual(decided["broken"][1], ["escalate"])
        self.assertNotIn("escalate", decided["none"][1])

    # The collection run: the handler, and covered invoices left alone

    def _offer_rule_set(self):
        return self.env["collection.rule.set"].create(
            {
                "name": "Offer plans",
                "priority": 1,
                "stop_on_first_trigger": True,
                "company_id": self.env.company.id,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Offer a plan",
                            "conditions": json.dumps(
                                {
                                    "all": [
                                        {
                                            "name": "days_overdue",
                                            "operator": "greater_than_or_equal_to",
                                            "value": 1,
                                        }
                                    ]
                                }
                            ),
                            "actions": json.dumps(
                                [
                                    {
                                        "name": "offer_payment_plan",
                                        "params": {"max_installments": 10},
                                    }
                                ]
                            ),
                        }
                    )
                ],
            }
        )

    def _run(self):
        run = self.env["collection.run"].create({"company_id": self.env.company.id})
        run._process()
        return run

    def test_handler_creates_one_plan_within_limits(self):
        self._offer_rule_set()
        second = self._invoice(self.customer, 500.0, due="2026-03-01")
        self._run()
        plan = self.env["collection.payment.plan"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.invoice_ids, self.invoice | second)
        # The rule asked for 10, the typology allows 6.
        self.assertEqual(len(plan.installment_ids), 6)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 1500.0)
        self.assertEqual(plan.state, "proposed")
        self.assertIn("Review and send", plan.activity_ids[:1].summary)
        actions = self.env["collection.action"].search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "payment_plan")]
        )
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(set(actions.activity_id.mapped("res_id")), {plan.id})
        with freeze_time("2026-03-20"):
            self._run()
        self.assertEqual(
            self.env["collection.payment.plan"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
            "no second plan while one is open",
        )

    def test_run_leaves_covered_invoices_alone_while_active(self):
        self._offer_rule_set()
        self._active_plan()
        other = self._invoice(self.customer, 300.0)
        wizard = self.env["collection.run.wizard"].create(
            {"company_id": self.env.company.id}
        )
        wizard._dry_run()
        self.assertIn(other, wizard.line_ids.invoice_id, "the dry run works")
        self.assertNotIn(self.invoice, wizard.line_ids.invoice_id)
        self._run()
        self.assertFalse(
            self.env["collection.action"].search([("invoice_id", "=", self.invoice.id)])
        )
        with freeze_time("2026-05-01"):
            plan = self.env["collection.payment.plan"].search(
                [("invoice_ids", "in", self.invoice.ids)]
            )
            plan._check_progress()
            self.assertEqual(plan.state, "broken")
            self._run()
        self.assertTrue(
            self.env["collection.action"].search(
                [("invoice_id", "=", self.invoice.id), ("kind", "=", "payment_plan")]
            ),
            "reminders resume once the plan is broken",
        )

    # Sending

    def test_sent_is_recorded_and_may_be_sent_again(self):
        plan = self._plan()
        plan.action_compute_schedule()
        with self.refused(UserError, "this step is not possible"):
            plan.action_send()
        plan.action_propose()
        self.assertFalse(plan.date_sent)

        def send():
            action = plan.action_send()
            # (The test class turns tracking off; the chatter is the point.)
            composer = (
                self.env["mail.compose.message"]
                .with_user(self.collector)
                .with_context(action["context"], tracking_disable=False)
                .create({})
            )
            composer._action_send_mail()
            # Tracking is written when the transaction commits.
            self.env.flush_all()
            self.env.cr.precommit.run()

        with freeze_time("2026-03-10 09:00:00"):
            send()
        self.assertEqual(
            fields.Datetime.to_string(plan.date_sent), "2026-03-10 09:00:00"
        )
        self.assertEqual(plan.sent_by_id, self.collector)
        emails = plan.message_ids.filtered(
            lambda m: (
                m.message_type == "comment" and "your payment plan" in (m.subject or "")
            )
        )
        self.assertEqual(len(emails), 1)
        self.assertEqual(emails.author_id, self.collector.partner_id, "by whom")
        self.assertTrue(emails.attachment_ids, "the schedule as a PDF")
        self.assertIn(self.customer, emails.partner_ids)
        self.assertIn("no longer reminded", emails.body)
        tracked = plan.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "sent_by_id"
        )
        self.assertTrue(tracked, "the chatter says who sent it")
        # Again, a few days later (the customer lost it).
        with freeze_time("2026-03-14 10:00:00"):
            send()
        self.assertEqual(
            fields.Datetime.to_string(plan.date_sent), "2026-03-14 10:00:00"
        )
        self.assertEqual(
            len(
                plan.message_ids.filtered(
                    lambda m: "your payment plan" in (m.subject or "")
                )
            ),
            2,
        )
        # Back to draft to correct it: not sent any more.
        plan.action_draft()
        self.assertFalse(plan.date_sent)
        self.assertFalse(plan.sent_by_id)
        # An ordinary message on the plan does not count as sending it.
        plan.action_propose()
        plan.message_post(body="Called the customer.")
        self.assertFalse(plan.date_sent)

    def test_send_and_print(self):
        plan = self._plan()
        plan.action_compute_schedule()
        plan.action_propose()
        action = plan.action_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        template = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_payment_plan"
        )
        self.assertEqual(action["context"]["default_template_id"], template.id)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "recouvrement_fidelite.collection_payment_plan_report", plan.ids
            )[0]
            .decode()
        )
        self.assertIn("333.34", html)
        self.assertIn(f"/my/payment_plans/{plan.id}", html)
        self.assertIn("/my/payment_plans/", plan.access_url)
