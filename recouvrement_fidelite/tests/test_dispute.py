# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TODAY = date(2026, 3, 10)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestDispute(AccountTestInvoicingCommon):
    """Disputes on customer invoices: transitions, logging, refusals, rights,
    paused reminders and the invoice search filters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        user_values = {
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
        }
        cls.collector = new_test_user(
            cls.env,
            login="rf_dispute_collector",
            name="Claire Collector",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            **user_values,
        )
        cls.handler = new_test_user(
            cls.env,
            login="rf_dispute_handler",
            name="Hugo Handler",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
            **user_values,
        )
        cls.clerk = new_test_user(
            cls.env,
            login="rf_dispute_clerk",
            name="Bill Clerk",
            groups="base.group_user,account.group_account_invoice",
            **user_values,
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Boulangerie Martin", "is_company": True}
        )
        cls.invoice = cls._posted_invoice(cls.customer)

    @classmethod
    def _posted_invoice(cls, partner, amount=1200.0):
        return cls.init_invoice(
            "out_invoice",
            partner=partner,
            invoice_date=fields.Date.from_string("2026-02-01"),
            amounts=[amount],
            taxes=[],
            post=True,
        )

    def _wizard(self, invoice, button, user=None, **values):
        """Click a dispute button as ``user`` and fill the wizard it opens."""
        user = user or self.collector
        action = getattr(invoice.with_user(user), button)()
        self.assertEqual(action["res_model"], "collection.dispute.wizard")
        wizard_form = Form(
            self.env["collection.dispute.wizard"]
            .with_user(user)
            .with_context(**action["context"])
        )
        for name, value in values.items():
            setattr(wizard_form, name, value)
        return wizard_form.save()

    def _open(
        self, invoice, reason="billing_error", note="Unit price is wrong", **values
    ):
        wizard = self._wizard(
            invoice,
            "action_collection_dispute_open",
            reason=reason,
            note=note,
            **values,
        )
        return wizard.action_confirm()

    def _last_message(self, invoice):
        return invoice.message_ids.sorted("id")[-1]

    # Transitions

    def test_open_dispute(self):
        self.customer.collection_user_id = self.handler
        wizard = self._wizard(
            self.invoice,
            "action_collection_dispute_open",
            reason="delivery",
            note="Two pallets never arrived",
        )
        # The person in charge defaults to the customer's collection responsible.
        self.assertEqual(wizard.user_id, self.handler)
        result = wizard.action_confirm()
        self.assertEqual(result, {"type": "ir.actions.act_window_close"})

        invoice = self.invoice
        self.assertEqual(invoice.collection_dispute_state, "open")
        self.assertEqual(invoice.collection_dispute_reason, "delivery")
        self.assertEqual(invoice.collection_dispute_user_id, self.handler)
        self.assertEqual(invoice.collection_dispute_date_open, TODAY)
        self.assertFalse(invoice.collection_dispute_date_closed)
        self.assertEqual(invoice.collection_dispute_note, "Two pallets never arrived")
        self.assertTrue(invoice.collection_paused)

        message = self._last_message(invoice)
        self.assertIn("Dispute opened", message.body)
        self.assertIn("Delivery", message.body)
        self.assertIn("Hugo Handler", message.body)
        self.assertIn("Two pallets never arrived", message.body)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(message.author_id, self.collector.partner_id)
        # The handler is told, and follows the invoice from now on.
        self.assertIn(self.handler.partner_id, message.partner_ids)
        self.assertIn(self.handler.partner_id, invoice.message_partner_ids)

    def test_open_defaults_to_current_user(self):
        wizard = self._wizard(
            self.invoice, "action_collection_dispute_open", reason="price"
        )
        self.assertEqual(wizard.user_id, self.collector)
        wizard.action_confirm()
        self.assertEqual(self.invoice.collection_dispute_user_id, self.collector)
        self.assertEqual(self.invoice.collection_dispute_reason, "price")
        # Nobody else to notify when the collector handles it.
        self.assertFalse(self._last_message(self.invoice).partner_ids)

    def test_open_requires_a_reason(self):
        with self.assertRaisesRegex(UserError, "reason of the dispute"):
            self.invoice.with_user(self.collector)._collection_dispute_open(False)
        wizard = (
            self.env["collection.dispute.wizard"]
            .with_user(self.collector)
            .create({"move_id": self.invoice.id, "action": "open"})
        )
        with self.assertRaisesRegex(UserError, "reason of the dispute"):
            wizard.action_confirm()
        self.assertEqual(self.invoice.collection_dispute_state, "none")

    def test_review(self):
        self._open(self.invoice)
        self.invoice.with_user(self.handler).action_collection_dispute_review()
        self.assertEqual(self.invoice.collection_dispute_state, "under_review")
        self.assertTrue(self.invoice.collection_paused)
        message = self._last_message(self.invoice)
        self.assertIn("Dispute moved to review", message.body)
        self.assertIn("Claire Collector", message.body)
        self.assertEqual(message.author_id, self.handler.partner_id)
        self.assertFalse(self.invoice.collection_dispute_date_closed)

    def test_resolve_from_open_and_from_review(self):
        other = self._posted_invoice(self.partner_a)
        self._open(self.invoice)
        self._open(other)
        other.with_user(self.collector).action_collection_dispute_review()
        for invoice, outcome in (
            (self.invoice, "Price corrected by phone"),
            (other, "Goods replaced"),
        ):
            with freeze_time("2026-03-14"):
                self._wizard(
                    invoice, "action_collection_dispute_resolve", note=outcome
                ).action_confirm()
            self.assertEqual(invoice.collection_dispute_state, "resolved")
            self.assertEqual(invoice.collection_dispute_date_open, TODAY)
            self.assertEqual(invoice.collection_dispute_date_closed, date(2026, 3, 14))
            self.assertEqual(invoice.collection_dispute_outcome, outcome)
            self.assertFalse(invoice.collection_paused)
            message = self._last_message(invoice)
            self.assertIn("Dispute resolved", message.body)
            self.assertIn(outcome, message.body)
            # The opening note stays: it says what was contested.
            self.assertEqual(invoice.collection_dispute_note, "Unit price is wrong")

    def test_reject_needs_a_reason(self):
        self._open(self.invoice)
        with self.assertRaisesRegex(UserError, "why the dispute is rejected"):
            self.invoice.with_user(self.collector)._collection_dispute_reject("  ")
        self.assertEqual(self.invoice.collection_dispute_state, "open")

        self.invoice.with_user(self.collector).action_collection_dispute_review()
        self._wizard(
            self.invoice,
            "action_collection_dispute_reject",
            note="Delivery note signed without reserve",
        ).action_confirm()
        self.assertEqual(self.invoice.collection_dispute_state, "rejected")
        self.assertEqual(self.invoice.collection_dispute_date_closed, TODAY)
        self.assertEqual(
            self.invoice.collection_dispute_outcome,
            "Delivery note signed without reserve",
        )
        self.assertFalse(self.invoice.collection_paused)
        message = self._last_message(self.invoice)
        self.assertIn("Dispute rejected", message.body)
        self.assertIn("Delivery note signed without reserve", message.body)

    def test_reject_directly_from_open(self):
        self._open(self.invoice)
        self.invoice.with_user(self.collector)._collection_dispute_reject("Unfounded")
        self.assertEqual(self.invoice.collection_dispute_state, "rejected")

    def test_reopen_after_closing(self):
        self._open(self.invoice, reason="non_conformity")
        self.invoice.with_user(self.collector)._collection_dispute_reject(
            "No photo sent"
        )
        with freeze_time("2026-04-02"):
            wizard = self._wizard(self.invoice, "action_collection_dispute_open")
            # The previous reason is suggested again.
            self.assertEqual(wizard.reason, "non_conformity")
            wizard.note = "Photos received now"
            wizard.action_confirm()
        invoice = self.invoice
        self.assertEqual(invoice.collection_dispute_state, "open")
        self.assertEqual(invoice.collection_dispute_date_open, date(2026, 4, 2))
        self.assertFalse(invoice.collection_dispute_date_closed)
        self.assertFalse(invoice.collection_dispute_outcome)
        self.assertEqual(invoice.collection_dispute_note, "Photos received now")
        message = self._last_message(invoice)
        self.assertIn("Dispute re-opened (it was rejected)", message.body)

        # Re-opening a resolved dispute is allowed too.
        invoice.with_user(self.collector)._collection_dispute_resolve(
            "Discount granted"
        )
        invoice.with_user(self.collector)._collection_dispute_open("price")
        self.assertEqual(invoice.collection_dispute_state, "open")
        self.assertIn("it was resolved", self._last_message(invoice).body)

    def test_resolve_with_credit_note(self):
        self._open(self.invoice)
        action = self._wizard(
            self.invoice,
            "action_collection_dispute_resolve",
            note="Agreed: full credit\nfor the damaged goods",
            credit_note=True,
        ).action_confirm()
        self.assertEqual(self.invoice.collection_dispute_state, "resolved")
        # Odoo's own credit note window opens, filled in with the resolution.
        self.assertEqual(action["res_model"], "account.move.reversal")
        self.assertEqual(action["target"], "new")
        reversal = self.env["account.move.reversal"].browse(action["res_id"])
        self.assertEqual(reversal.move_ids, self.invoice)
        self.assertEqual(reversal.reason, "Agreed: full credit for the damaged goods")
        result = reversal.with_user(self.collector).refund_moves()
        credit_note = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertIn("Agreed: full credit for the damaged goods", credit_note.ref)
        self.assertEqual(credit_note.amount_total, self.invoice.amount_total)
        credit_note.action_post()
        self.assertEqual(self.invoice.payment_state, "reversed")

    def test_credit_note_reason_without_note(self):
        self._open(self.invoice, reason="price", note=False)
        action = self._wizard(
            self.invoice, "action_collection_dispute_resolve", credit_note=True
        ).action_confirm()
        reversal = self.env["account.move.reversal"].browse(action["res_id"])
        self.assertEqual(reversal.reason, "Dispute resolved (Price)")

    def test_invalid_transitions(self):
        collector_invoice = self.invoice.with_user(self.collector)
        name = self.invoice.name
        with self.assertRaisesRegex(UserError, rf"{name}.*“No dispute”"):
            collector_invoice.action_collection_dispute_resolve()
        with self.assertRaisesRegex(UserError, rf"{name}.*“No dispute”"):
            collector_invoice._collection_dispute_reject("no")
        with self.assertRaisesRegex(UserError, rf"{name}.*“No dispute”"):
            collector_invoice.action_collection_dispute_review()
        self.assertEqual(self.invoice.collection_dispute_state, "none")

        self._open(self.invoice)
        with self.assertRaisesRegex(UserError, rf"{name} already has a dispute.*Open"):
            collector_invoice.action_collection_dispute_open()
        collector_invoice._collection_dispute_review()
        with self.assertRaisesRegex(UserError, rf"{name}.*“Under review”"):
            collector_invoice._collection_dispute_review()
        with self.assertRaisesRegex(
            UserError, rf"{name} already has a dispute.*Under review"
        ):
            collector_invoice._collection_dispute_open("price")

        collector_invoice._collection_dispute_resolve()
        messages = self.invoice.message_ids
        with self.assertRaisesRegex(UserError, rf"{name}.*“Resolved”"):
            collector_invoice._collection_dispute_reject("too late")
        with self.assertRaisesRegex(UserError, rf"{name}.*“Resolved”"):
            collector_invoice.action_collection_dispute_resolve()
        self.assertEqual(self.invoice.collection_dispute_state, "resolved")
        self.assertEqual(self.invoice.message_ids, messages)

    # Refusals on invoices that cannot be disputed

    def _assert_refused(self, move, pattern):
        messages = move.message_ids
        with self.assertRaisesRegex(UserError, pattern):
            move.with_user(self.collector).action_collection_dispute_open()
        with self.assertRaisesRegex(UserError, pattern):
            move.with_user(self.collector)._collection_dispute_open("price")
        self.assertEqual(move.collection_dispute_state, "none")
        self.assertEqual(move.message_ids, messages)

    def test_paid_invoice_refused(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"payment_date": TODAY})._create_payments()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self._assert_refused(self.invoice, rf"{self.invoice.name} is already paid")

    def test_closing_refused_once_paid(self):
        self._open(self.invoice)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"payment_date": TODAY})._create_payments()
        with self.assertRaisesRegex(UserError, "already paid"):
            self.invoice.with_user(self.collector)._collection_dispute_resolve("paid")
        self.assertEqual(self.invoice.collection_dispute_state, "open")

    def test_cancelled_invoice_refused(self):
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[300.0], taxes=[]
        )
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self._assert_refused(invoice, "is cancelled")

    def test_draft_invoice_refused(self):
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[300.0], taxes=[]
        )
        self._assert_refused(invoice, "is a draft: confirm it")

    def test_vendor_bill_refused(self):
        bill = self.init_invoice(
            "in_invoice", partner=self.customer, amounts=[300.0], taxes=[], post=True
        )
        self._assert_refused(bill, "is not a customer invoice")
        refund = self.init_invoice(
            "out_refund", partner=self.customer, amounts=[300.0], taxes=[], post=True
        )
        self._assert_refused(refund, "is not a customer invoice")

    # Rights

    def test_invoicing_user_refused(self):
        clerk_invoice = self.invoice.with_user(self.clerk)
        with self.assertRaises(AccessError):
            clerk_invoice.action_collection_dispute_open()
        with self.assertRaises(AccessError):
            clerk_invoice._collection_dispute_open("price", note="clerk")
        with self.assertRaises(AccessError):
            clerk_invoice.write({"collection_dispute_state": "open"})
        with self.assertRaises(AccessError):
            self.env["collection.dispute.wizard"].with_user(self.clerk).create(
                {"move_id": self.invoice.id, "action": "open", "reason": "price"}
            )
        self.assertEqual(self.invoice.collection_dispute_state, "none")
        # The guard is about disputes only: the clerk still edits invoices.
        clerk_invoice.write({"ref": "PO-4521"})
        self.assertEqual(self.invoice.ref, "PO-4521")

        self._open(self.invoice)
        with self.assertRaises(AccessError):
            clerk_invoice.action_collection_dispute_review()
        with self.assertRaises(AccessError):
            clerk_invoice._collection_dispute_resolve("clerk")
        with self.assertRaises(AccessError):
            clerk_invoice.write({"collection_dispute_note": "overwritten"})
        self.assertEqual(self.invoice.collection_dispute_state, "open")
        self.assertEqual(self.invoice.collection_dispute_note, "Unit price is wrong")

        # A collection user succeeds.
        self.invoice.with_user(self.collector)._collection_dispute_resolve("ok")
        self.assertEqual(self.invoice.collection_dispute_state, "resolved")

    def test_buttons_shown_to_collection_users_only(self):
        def form_arch(user):
            return (
                self.env["account.move"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )

        self.assertIn("action_collection_dispute_open", form_arch(self.collector))
        clerk_arch = form_arch(self.clerk)
        self.assertNotIn("action_collection_dispute_open", clerk_arch)
        # The clerk still sees where the invoice stands.
        self.assertIn("collection_dispute_state", clerk_arch)

    def test_system_may_open_without_group(self):
        """The portal opens disputes with sudo(): no group needed, and the
        salesperson handles it when the customer has no responsible."""
        portal = self.env.ref("base.public_user")
        self.invoice.invoice_user_id = self.handler
        self.invoice.with_user(portal).sudo()._collection_dispute_open(
            "delivery", note="Declared on the portal"
        )
        self.assertEqual(self.invoice.collection_dispute_state, "open")
        self.assertEqual(self.invoice.collection_dispute_user_id, self.handler)

    def test_reviewer_takes_unhandled_dispute(self):
        """OdooBot never handles a dispute; the first reviewer then does."""
        self.invoice.invoice_user_id = False
        odoobot = self.env.ref("base.user_root")
        self.invoice.with_user(odoobot)._collection_dispute_open("other")
        self.assertFalse(self.invoice.collection_dispute_user_id)
        self.assertIn("Handled by: nobody", self._last_message(self.invoice).body)
        self.invoice.with_user(self.collector).action_collection_dispute_review()
        self.assertEqual(self.invoice.collection_dispute_user_id, self.collector)

    # Paused reminders and search filters

    def test_collection_paused(self):
        invoice = self.invoice.with_user(self.collector)
        self.assertFalse(invoice.collection_paused)
        self.assertFalse(invoice.collection_pause_info)
        invoice._collection_dispute_open("price")
        invoice.invalidate_recordset()
        self.assertTrue(invoice.collection_paused)
        self.assertEqual(invoice.collection_pause_info, "Dispute open: Price.")
        invoice._collection_dispute_review()
        self.assertTrue(invoice.collection_paused)
        invoice._collection_dispute_resolve()
        self.assertFalse(invoice.collection_paused)
        invoice._collection_dispute_open("price")
        invoice._collection_dispute_reject("unfounded")
        self.assertFalse(invoice.collection_paused)

        customer = self.customer
        customer.write(
            {
                "collection_pause_until": date(2026, 3, 31),
                "collection_pause_reason": "Payment plan being negotiated",
            }
        )
        self.assertTrue(invoice.collection_paused)
        self.assertIn("Payment plan being negotiated", invoice.collection_pause_info)
        self.assertIn("Boulangerie Martin", invoice.collection_pause_info)
        customer.collection_pause_until = TODAY
        self.assertTrue(invoice.collection_paused)
        with freeze_time("2026-03-05"):
            customer.collection_pause_until = date(2026, 3, 9)
        self.assertFalse(invoice.collection_paused)
        self.assertFalse(invoice.collection_pause_info)

    def _filter_domain(self, name):
        search_view = self.env.ref("account.view_account_invoice_filter")
        arch = self.env["account.move"].get_views([(search_view.id, "search")])[
            "views"
        ]["search"]["arch"]
        (node,) = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        return safe_eval(node.get("domain"), {"context_today": lambda: TODAY})

    def _filtered(self, name, invoices):
        return self.env["account.move"].search(
            [("id", "in", invoices.ids), *self._filter_domain(name)]
        )

    def test_search_filters(self):
        paused_customer = self.env["res.partner"].create(
            {"name": "Garage Dupont", "collection_pause_until": date(2026, 4, 30)}
        )
        with freeze_time("2026-02-20"):
            ended_pause = self.env["res.partner"].create(
                {"name": "Fleurs Leroy", "collection_pause_until": date(2026, 3, 1)}
            )
        opened = self.invoice
        reviewed = self._posted_invoice(self.partner_a)
        resolved = self._posted_invoice(self.partner_a)
        rejected = self._posted_invoice(self.partner_a)
        plain = self._posted_invoice(self.partner_a)
        later = self._posted_invoice(self.partner_a)
        customer_paused = self._posted_invoice(paused_customer)
        pause_over = self._posted_invoice(ended_pause)
        paid = self._posted_invoice(self.partner_a)
        for invoice in (opened, reviewed, resolved, rejected):
            invoice.with_user(self.collector)._collection_dispute_open("price")
        reviewed.with_user(self.collector)._collection_dispute_review()
        resolved.with_user(self.collector)._collection_dispute_resolve()
        rejected.with_user(self.collector)._collection_dispute_reject("unfounded")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": TODAY})._create_payments()
        everything = (
            opened
            + reviewed
            + resolved
            + rejected
            + plain
            + later
            + customer_paused
            + pause_over
            + paid
        )
        (everything - later).write({"collection_next_action_date": date(2026, 3, 9)})
        later.collection_next_action_date = date(2026, 3, 11)
        pause_over.collection_next_action_date = TODAY

        self.assertEqual(
            self._filtered("collection_in_dispute", everything), opened + reviewed
        )
        self.assertEqual(
            self._filtered("collection_reminders_paused", everything),
            opened + reviewed + customer_paused,
        )
        self.assertEqual(
            self._filtered("collection_next_level_due", everything),
            resolved + rejected + plain + pause_over,
        )
        # The computed flag's search agrees with its value.
        paused = self.env["account.move"].search(
            [("id", "in", everything.ids), ("collection_paused", "=", True)]
        )
        self.assertEqual(paused, everything.filtered("collection_paused"))
        self.assertEqual(
            self.env["account.move"].search(
                [("id", "in", everything.ids), ("collection_paused", "!=", True)]
            ),
            everything - paused,
        )

    def test_disputes_menu_action(self):
        action = self.env.ref("recouvrement_fidelite.account_move_dispute_action")
        other = self._posted_invoice(self.partner_a)
        self._open(self.invoice)
        domain = safe_eval(action.domain)
        found = self.env["account.move"].search(
            [("id", "in", (self.invoice + other).ids), *domain]
        )
        self.assertEqual(found, self.invoice)
        self.assertIn("search_default_collection_in_dispute", action.context)
