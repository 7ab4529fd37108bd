# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The Collection dashboard (issue 14): besides the collection actions, the
day's work lists promises whose date has come, late installments, open
disputes by age, escalation cases with a deadline this week and feedback
waiting for an answer; each tile counts, splits by age, and opens the
filtered list. Read as a real collection user; data built here."""

import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_collection_run import TODAY
from .test_screens import COLLECTION_USER, ScreensCase

DAY = datetime.date.fromisoformat(TODAY)  # a Friday


def ago(days):
    return DAY - datetime.timedelta(days=days)


@tagged("post_install", "-at_install")
class TestDashboardLists(ScreensCase):
    def lists(self, user=None):
        WorkList = self.env["collection.work.list"]
        lists = WorkList.with_user(user or self.collector).search([])
        return {work_list.code: work_list for work_list in lists}

    def opened(self, work_list, **how):
        opened = work_list._open(**how)
        Target = self.env[opened["res_model"]].with_user(work_list.env.user)
        return Target.search(opened["domain"])

    def test_the_dashboard_lists_the_days_work_in_order(self):
        self.assertEqual(
            list(self.lists()),
            [
                "to_approve",
                "calls_today",
                "letters",
                "failures",
                "promises_due",
                "installments_late",
                "disputes_open",
                "cases_deadline",
                "feedback_waiting",
            ],
        )

    def test_promises_due_are_those_whose_date_has_come(self):
        # Promises are recorded before their date, ten days ago.
        with freeze_time(ago(10)):
            invoice = self.invoice(self.alice, 800.0, "2026-02-01")

            def promise(date, user):
                return self.env["collection.promise"].create(
                    {
                        "partner_id": self.alice.id,
                        "invoice_ids": [Command.set(invoice.ids)],
                        "amount": 100.0,
                        "date_promised": date,
                        "user_id": user.id,
                    }
                )

            today = promise(DAY, self.collector)
            late = promise(ago(3), self.colleague)
            promise(DAY + datetime.timedelta(days=1), self.collector)
            kept = promise(ago(2), self.collector)
        with freeze_time(TODAY):
            kept.state = "kept"
            work_list = self.lists()["promises_due"]
            self.assertEqual(self.opened(work_list), today | late)
            self.assertEqual(self.opened(work_list, mine=True), today)
            self.assertEqual((work_list.count, work_list.count_mine), (2, 1))
            self.assertEqual(work_list._open()["res_model"], "collection.promise")

    def test_late_installments_are_unpaid_after_their_date_on_active_plans(self):
        # The plans were agreed in January, before their first date.
        with freeze_time("2026-01-20"):
            invoice = self.invoice(self.alice, 900.0, "2026-01-15")
            draft_invoice = self.invoice(self.bob, 300.0, "2026-01-15")
            Plan = self.env["collection.payment.plan"]
            plan = Plan.create(
                {
                    "partner_id": self.alice.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "installment_count": 3,
                    "frequency": "monthly",
                    "first_date": "2026-02-20",
                    "user_id": self.collector.id,
                }
            )
            Plan.create(
                {
                    "partner_id": self.bob.id,
                    "invoice_ids": [Command.set(draft_invoice.ids)],
                    "installment_count": 2,
                    "frequency": "monthly",
                    "first_date": "2026-02-01",
                }
            )
            plan.action_compute_schedule()
            plan.action_propose()
            plan._activate()
        with freeze_time(TODAY):
            work_list = self.lists()["installments_late"]
            # 20 February and 20 March: the first is late (28 days), the one
            # due today is not late yet; the draft plan's are not followed.
            first, second, _third = plan.installment_ids.sorted("date_due")
            self.assertEqual(self.opened(work_list), first)
            self.assertEqual(first.status, "late")
            self.assertEqual(
                (work_list.count_age_recent, work_list.count_age_older), (1, 0)
            )
            self.assertEqual(self.opened(work_list, mine=True), first)
            self.assertNotEqual(second.status, "late")

    @freeze_time(TODAY)
    def test_open_disputes_are_split_by_age_at_the_band_edges(self):
        disputes = {}
        for days in (0, 30, 31, 60, 61):
            invoice = self.invoice(self.alice, 100.0 + days, "2026-01-15")
            invoice._collection_dispute_open("price", responsible=self.collector)
            invoice.collection_dispute_date_open = ago(days)
            disputes[days] = invoice
        closed = self.invoice(self.alice, 50.0, "2026-01-15")
        closed._collection_dispute_open("price")
        closed.collection_dispute_state = "resolved"
        work_list = self.lists()["disputes_open"]
        self.assertEqual(work_list.count, 5)
        # Bands of 30 days: 0-30, 31-60, over 60.
        self.assertEqual(
            self.opened(work_list, age="recent"), disputes[0] | disputes[30]
        )
        self.assertEqual(
            self.opened(work_list, age="older"), disputes[31] | disputes[60]
        )
        self.assertEqual(self.opened(work_list, age="oldest"), disputes[61])
        self.assertEqual(
            (
                work_list.count_age_recent,
                work_list.count_age_older,
                work_list.count_age_oldest,
            ),
            (2, 2, 1),
        )
        self.assertEqual(work_list.label_age_older, "31 to 60 days")
        self.assertEqual(work_list.count_mine, 5)
        # The band width is data: a manager makes it a week.
        work_list.sudo().age_band_days = 7
        work_list.invalidate_recordset()
        self.assertEqual(self.opened(work_list, age="recent"), disputes[0])
        self.assertEqual(work_list.label_age_oldest, "over 14 days")

    @freeze_time(TODAY)
    def test_case_deadlines_this_week_follow_the_users_week(self):
        def case(deadline, state="open"):
            # One live case per customer: a customer for each.
            customer = self.alice.copy({"name": f"Customer {deadline} {state}"})
            invoice = self.invoice(customer, 1200.0, "2026-01-15")
            return self.env["collection.case"].create(
                {
                    "partner_id": customer.id,
                    "company_id": invoice.company_id.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "stage": "formal_notice",
                    "date_deadline": deadline,
                    "state": state,
                    "user_id": self.collector.id,
                }
            )

        passed = case(ago(1))
        saturday = case(DAY + datetime.timedelta(days=1))
        sunday = case(DAY + datetime.timedelta(days=2))
        case(DAY + datetime.timedelta(days=3))  # next Monday
        case(ago(1), state="suspended")
        english = self.lists()["cases_deadline"]
        # In English (US) a week ends on Saturday; in French on Sunday.
        self.assertEqual(self.opened(english), passed | saturday)
        french_user = new_test_user(
            self.env,
            login="dashboard_french",
            groups=COLLECTION_USER,
            lang="fr_FR",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.lists(french_user)["cases_deadline"]
        self.assertEqual(self.opened(french), passed | saturday | sunday)

    @freeze_time(TODAY)
    def test_feedback_waiting_is_the_feedback_not_handled(self):
        invoice = self.invoice(self.alice, 700.0, "2026-02-01")
        reason = self.env["collection.feedback.reason"].search([], limit=1)

        def feedback(state, days_ago):
            return self.env["collection.feedback"].create(
                {
                    "partner_id": self.alice.id,
                    "invoice_id": invoice.id,
                    "company_id": invoice.company_id.id,
                    "reason_id": reason.id,
                    "state": state,
                    "date": datetime.datetime.combine(ago(days_ago), datetime.time(10)),
                    "source": "portal",
                }
            )

        new = feedback("new", 2)
        in_progress = feedback("in_progress", 45)
        feedback("done", 1)
        work_list = self.lists()["feedback_waiting"]
        self.assertEqual(self.opened(work_list), new | in_progress)
        self.assertEqual(self.opened(work_list, age="older"), in_progress)
        self.assertEqual(work_list._open()["res_model"], "collection.feedback")

    def test_a_user_who_may_not_read_a_list_does_not_see_its_tile(self):
        self.assertIn("disputes_open", self.lists())
        shown = self.env["collection.work.list"].with_user(self.collector)
        self.assertEqual(
            shown.search([("is_readable", "=", True)]),
            shown.search([]),
            "a collection user reads every list",
        )
        Move = self.env["account.move"]
        readable = Move.has_access("read")
        self.assertTrue(readable)
        # is_readable follows the model's access rights.
        with patch.object(type(Move), "has_access", lambda self, op: False):
            hidden = shown.search([("is_readable", "=", False)])
        self.assertIn("disputes_open", hidden.mapped("code"))
