# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reminders of a batch of customers sent together (issue 9, a real run
faster): the same email as one sent alone, a failure that stays with its
customer, and no note from the account module about the letter attached."""

import re
from collections import Counter
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.models.mail_thread import MailThread

from .test_collection_run import TODAY, leaf
from .test_run_fixes import RunFixesCase


@contextmanager
def spied(cls, name, record):
    """Within the block, each call of ``cls.name`` calls ``record`` with its
    arguments first, then runs as usual."""
    original = getattr(cls, name)

    def spy(records, *args, **kwargs):
        record(*args, **kwargs)
        return original(records, *args, **kwargs)

    with patch.object(cls, name, spy):
        yield


@contextmanager
def signup_writes(env):
    """Within the block, the partners written each time their signup type
    is (the list yielded)."""
    written = []
    Partner = type(env["res.partner"])
    original = Partner.write

    def write(records, vals):
        if "signup_type" in vals:
            written.append(records)
        return original(records, vals)

    with patch.object(Partner, "write", write):
        yield written


@tagged("post_install", "-at_install")
class TestBatchDispatch(RunFixesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipped templates: they list the invoices of the reminder
        # (``collection_invoice_ids``) and show the credit deducted.
        first = cls.env.ref("recouvrement_fidelite.mail_template_collection_first")
        (cls.level_1 | cls.level_2).write({"mail_template_id": first.id})
        cls.bob.email = "bob@example.com"

    def credit_note(self, partner, amount):
        return self.invoice(partner, amount, "2026-02-01", move_type="out_refund")

    @staticmethod
    def sent(actions):
        """What the customer receives from the email of these actions."""
        message = actions.message_id
        mail = (
            message.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id)])
        )
        return {
            "subject": message.subject,
            "body": str(message.body),
            "recipients": message.partner_ids,
            "author": message.author_id,
            "email_from": message.email_from,
            "message_type": message.message_type,
            "subtype": message.subtype_id,
            "attachments": [
                (attachment.name, attachment.mimetype)
                for attachment in message.attachment_ids
            ],
            "mail_recipients": mail.recipient_ids,
            "mail_state": mail.mapped("state"),
            "reply_to": message.reply_to,
            "alias_domain": message.record_alias_domain_id,
            "company": message.record_company_id,
            "record_name": message.record_name,
            "email_layout": message.email_layout_xmlid,
            "mail_subject": mail.mapped("subject"),
            "mail_body": [
                # The layout with the message, but its links (they hold the
                # message's id and access tokens, which differ).
                re.sub(r'(href|src)="[^"]*"', "", body)
                for body in mail.mapped("body_html")
            ],
            "mail_auto_delete": mail.mapped("auto_delete"),
            "mail_reply_to": mail.mapped("reply_to"),
            "notifications": sorted(
                (n.res_partner_id.id, n.notification_type, n.notification_status)
                for n in message.sudo().notification_ids
            ),
            "followers": message.env[message.model]
            .browse(message.res_id)
            .message_partner_ids,
            "in_chatter": message
            in message.env[message.model].browse(message.res_id).message_ids,
        }

    @freeze_time(TODAY)
    def test_a_batch_sent_email_is_the_one_sent_alone(self):
        older = self.invoice(self.alice, 300.0, "2026-03-12")  # level 1, letter
        newer = self.invoice(self.alice, 200.0, "2026-03-13")  # level 1
        self.credit_note(self.alice, 50.0)
        self.invoice(self.bob, 100.0, "2026-03-12")
        self.run_collection()
        emails = self.actions(partner_id=self.alice.id, channel="email")
        self.assertEqual(emails.invoice_id, older | newer)
        self.assertEqual(set(emails.mapped("state")), {"done"})
        self.assertEqual(
            self.actions(partner_id=self.bob.id, channel="email").state, "done"
        )
        batch = self.sent(emails)
        self.assertIn(older.name, batch["body"])
        self.assertIn(newer.name, batch["body"])
        self.assertIn("We have deducted", batch["body"])
        self.assertTrue(batch["attachments"])
        self.assertTrue(batch["in_chatter"])
        self.assertIn(self.alice, batch["recipients"])
        self.assertEqual(len(batch["mail_state"]), 1, "one mail.mail")
        self.assertIn(older.name, batch["mail_body"][0])
        self.assertTrue(batch["notifications"])
        self.assertTrue(batch["reply_to"])
        self.assertTrue(batch["alias_domain"] or batch["company"])
        # The same actions sent again alone, by the per-group path.
        emails.write({"state": "approved", "message_id": False})
        handler = self.env["collection.action.kind.reminder"]
        handler._execute_isolated(emails, "email")
        self.assertEqual(set(emails.mapped("state")), {"done"})
        self.assertEqual(self.sent(emails), batch)

    @freeze_time(TODAY)
    def test_an_email_from_the_templates_sender_is_batched_as_sent_alone(self):
        invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        Action = type(self.env["collection.action"])
        Thread = type(self.env["account.move"])
        original = Thread.message_post_with_source
        alone = []

        def message_post_with_source(records, *args, **kwargs):
            alone.append(records.ids)
            return original(records, *args, **kwargs)

        # Neither the customer's contact nor the company has an email
        # address: the template's sender signs.
        with (
            patch.object(Action, "_author", lambda actions: self.env["res.partner"]),
            patch.object(Thread, "message_post_with_source", message_post_with_source),
        ):
            self.run_collection()
            [email] = self.actions(invoice_id=invoice.id, channel="email")
            self.assertEqual(email.state, "done")
            self.assertEqual(alone, [], "sent with the batch")
            batch = self.sent(email)
            self.assertTrue(batch["email_from"])
            self.assertTrue(batch["reply_to"])
            email.write({"state": "approved", "message_id": False})
            handler = self.env["collection.action.kind.reminder"]
            handler._execute_isolated(email, "email")
            self.assertEqual(alone, [invoice.ids], "sent alone")
        self.assertEqual(self.sent(email), batch)

    #: What the shipped reminder templates' bodies hold, and no other template.
    reminder_marker = "collection_invoice_ids"

    @contextmanager
    def reminder_bodies_generated(self):
        """The reminder template bodies whose code Odoo generates within the
        block (a list, filled as it goes)."""
        generated = []

        def record(template):
            if not isinstance(template, (int, str)) and self.reminder_marker in (
                etree.tostring(template, encoding="unicode")
            ):
                generated.append(template)

        with spied(type(self.env["ir.qweb"]), "_generate_code", record):
            yield generated

    @freeze_time(TODAY)
    def test_a_batch_compiles_each_email_template_once(self):
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        body = self.env.ref(
            "recouvrement_fidelite.mail_template_collection_first"
        ).body_html
        self.assertIn(self.reminder_marker, body)
        with self.reminder_bodies_generated() as generated:
            self.run_collection()
        emails = {
            partner: self.actions(partner_id=partner.id, channel="email")
            for partner in (self.alice, self.bob)
        }
        self.assertEqual({a.state for a in emails.values()}, {"done"})
        # Odoo generates a body's code twice per email (once to check its
        # expressions, once to compile it): here twice for the batch.
        self.assertEqual(len(generated), 2)
        # Each email still lists its own customer's invoices.
        alice_body = str(emails[self.alice].message_id.body)
        bob_body = str(emails[self.bob].message_id.body)
        self.assertIn(alice_invoice.name, alice_body)
        self.assertNotIn(bob_invoice.name, alice_body)
        self.assertIn(bob_invoice.name, bob_body)
        self.assertNotIn(alice_invoice.name, bob_body)

    @freeze_time(TODAY)
    def test_a_run_compiles_each_email_template_once_over_its_batches(self):
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        with self.reminder_bodies_generated() as generated:
            run = self.run_collection(batch_size=1)
        self.assertEqual(len(run.batch_ids), 2, "a batch per customer")
        emails = self.actions(channel="email")
        self.assertEqual(set(emails.mapped("state")), {"done"})
        self.assertEqual(emails.invoice_id, alice_invoice | bob_invoice)
        # Twice for the run (see the test above), not twice per batch.
        self.assertEqual(len(generated), 2)

    @freeze_time(TODAY)
    def test_compiled_bodies_are_kept_per_compile_options(self):
        """The compiled body is kept per compile options: a template
        rendered for a user who may not edit templates is compiled with
        Odoo's restrictions, not taken from an unrestricted compile."""
        Qweb = self.env["ir.qweb"]

        def template():
            # Parsed again for each email, as Odoo does (compiling consumes
            # the element's directives).
            return etree.fromstring("<div><t t-out='object.name'/></div>")

        compiled = {}
        cached = Qweb.with_context(collection_compiled_templates=compiled)
        first = cached._compile(template())
        self.assertIs(cached._compile(template()), first)
        restricted = cached.with_context(
            raise_on_forbidden_code_for_model="account.move"
        )._compile(template())
        self.assertIsNot(restricted, first)
        french = cached.with_context(lang="fr_FR")._compile(template())
        self.assertIsNot(french, first)
        self.assertEqual(len(compiled), 3)
        # Outside a dispatch, Odoo compiles each time.
        self.assertIsNot(Qweb._compile(template()), Qweb._compile(template()))

    @freeze_time(TODAY)
    def test_a_batch_posts_its_emails_without_a_look_up_per_email(self):
        """What ``message_post`` and the composer look up for each email
        (the thread's first message, the alias domain, the reply-to address,
        tracking values) is looked up once for the batch."""
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        # Alice's invoice has a thread; Bob's has none yet: his reminder
        # starts it.
        first = alice_invoice.message_post(body="Before the reminder")
        self.assertFalse(bob_invoice.message_ids)
        Move = type(self.env["account.move"])
        Tracking = type(self.env["mail.tracking.value"])
        calls = Counter()

        def counted(cls, name):
            original = getattr(cls, name)

            def method(records, *args, **kwargs):
                calls[name] += 1
                return original(records, *args, **kwargs)

            return patch.object(cls, name, method)

        with (
            counted(MailThread, "_message_compute_parent_id"),
            counted(Move, "_mail_get_alias_domains"),
            counted(Move, "_notify_get_reply_to"),
            counted(Tracking, "search"),
        ):
            self.run_collection()
        emails = self.actions(channel="email")
        self.assertEqual(set(emails.mapped("state")), {"done"})
        self.assertEqual(len(emails.message_id), 2)
        self.assertEqual(
            dict(calls),
            {"_mail_get_alias_domains": 1, "_notify_get_reply_to": 1},
            "Odoo's look-ups once for the batch, none per email",
        )
        [alice_email] = self.actions(invoice_id=alice_invoice.id, channel="email")
        self.assertEqual(alice_email.message_id.parent_id, first)
        [bob_email] = self.actions(invoice_id=bob_invoice.id, channel="email")
        self.assertFalse(bob_email.message_id.parent_id)
        self.assertEqual(bob_invoice.message_ids, bob_email.message_id)

    @freeze_time(TODAY)
    def test_a_batch_posts_its_emails_from_one_environment(self):
        """Each email is rendered with its own invoices and credit in the
        context; once rendered, the batch's posts share one environment
        (one each would make every later ``with_context`` of the batch look
        through them all)."""
        self.invoice(self.alice, 300.0, "2026-03-12")
        self.invoice(self.alice, 200.0, "2026-03-13")
        self.credit_note(self.alice, 50.0)
        self.invoice(self.bob, 100.0, "2026-03-12")
        environments = []
        with spied(
            type(self.env["collection.action"]),
            "_post_collected",
            lambda posts: environments.extend(post["record"].env for post in posts),
        ):
            self.run_collection()
        emails = self.actions(channel="email")
        self.assertEqual(set(emails.mapped("state")), {"done"})
        self.assertEqual(len(emails.message_id), 2)
        self.assertEqual(len(environments), 2)
        self.assertEqual(len(set(environments)), 1, "one environment for the batch")
        context = environments[0].context
        self.assertNotIn("collection_invoice_ids", context)
        self.assertNotIn("collection_credit", context)
        # What the posting needs of the rendering's context is still there.
        self.assertIs(context.get("mail_notify_force_send"), False)
        self.assertTrue(context.get("no_new_invoice"))
        # The email of Alice's two invoices still lists both, with her credit.
        alice_email = emails.filtered(lambda a: a.partner_id == self.alice)
        body = str(alice_email.message_id[:1].body)
        for invoice in alice_email.invoice_id:
            self.assertIn(invoice.name, body)

    @freeze_time(TODAY)
    def test_a_reminder_that_starts_a_thread_is_the_parent_of_the_next(self):
        # Level 2: an email and an SMS, both posted on this invoice, whose
        # thread is empty when the batch starts.
        invoice = self.invoice(self.alice, 300.0, "2026-03-01")
        self.assertFalse(invoice.message_ids)
        self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        self.assertEqual(
            sorted(actions.filtered(lambda a: a.state == "done").mapped("channel")),
            ["email", "sms"],
        )
        first, second = actions.message_id.sorted("id")
        self.assertEqual(invoice.message_ids, first | second)
        # As Odoo threads them when each is posted alone.
        self.assertFalse(first.parent_id)
        self.assertEqual(second.parent_id, first)

    def test_two_posts_of_a_batch_on_an_empty_thread_are_threaded(self):
        invoice = self.invoice(self.alice, 300.0, "2026-03-01")
        self.assertFalse(invoice.message_ids)
        first, second = self.env["collection.message.bulk"]._post(
            [
                (invoice, {"body": "First", "message_type": "comment"}),
                (invoice, {"body": "Second", "message_type": "comment"}),
            ]
        )
        self.assertFalse(first.parent_id)
        self.assertEqual(second.parent_id, first)

    @freeze_time(TODAY)
    def test_a_reminder_does_not_write_a_customer_already_invited(self):
        """Customers may sign up from their invoices (Settings: free sign
        up): Odoo's notification email then writes the customer's signup
        type, for each email, already set or not."""
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        self.invoice(self.alice, 300.0, "2026-03-12")
        self.invoice(self.bob, 100.0, "2026-03-12")
        self.assertFalse((self.alice | self.bob).user_ids)
        self.alice.sudo().signup_type = "signup"
        with signup_writes(self.env) as written:
            self.run_collection()
        for partner in (self.alice, self.bob):
            [email] = self.actions(partner_id=partner.id, channel="email")
            self.assertEqual(email.state, "done")
            self.assertEqual(partner.sudo().signup_type, "signup")
        # Bob is invited by his first reminder; Alice was already.
        self.assertEqual(written, [self.bob])

    @freeze_time(TODAY)
    def test_a_batch_invites_its_customers_at_once(self):
        """The first reminders of customers who may sign up invite them:
        one write for the batch's customers, not one per email (each reads
        the customer's contacts again)."""
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        self.invoice(self.alice, 300.0, "2026-03-12")
        self.invoice(self.bob, 100.0, "2026-03-12")
        customers = self.alice | self.bob
        self.assertFalse(customers.user_ids)
        self.assertFalse(any(customers.sudo().mapped("signup_type")))
        with signup_writes(self.env) as written:
            self.run_collection()
        self.assertEqual(written, [customers])
        for partner in customers:
            with self.subTest(partner=partner.name):
                [email] = self.actions(partner_id=partner.id, channel="email")
                self.assertEqual(email.state, "done")
                self.assertEqual(partner.sudo().signup_type, "signup")
                mail = (
                    self.env["mail.mail"]
                    .sudo()
                    .search([("mail_message_id", "=", email.message_id.id)])
                )
                # The link of the email still carries the invitation.
                self.assertIn("auth_signup_token", mail.body_html)

    def test_new_portal_tokens_are_read_back_at_once(self):
        """The tokens given to a batch's invoices are read back together:
        each reminder reads its own invoice's token (one query each
        otherwise)."""
        invoices = self.invoice(self.alice, 300.0, "2026-03-12") | self.invoice(
            self.bob, 100.0, "2026-03-12"
        )
        invoices.sudo().access_token = False
        self.env.flush_all()
        invoices.sudo()._collection_ensure_access_tokens()
        with self.assertQueryCount(0):
            tokens = [
                self.env["account.move"].browse(invoice.id).sudo().access_token
                for invoice in invoices
            ]
        self.assertTrue(all(tokens))
        self.assertEqual(len(set(tokens)), 2)

    @freeze_time(TODAY)
    def test_a_fallback_to_a_channel_of_the_same_level_sends_nothing_twice(self):
        """Bob has no mobile: the SMS of his level falls back to email,
        which the level sends him already. One email, the SMS done and
        saying why."""
        self.level_2.fallback_channel = "email"
        invoice = self.invoice(self.bob, 100.0, "2026-03-01")  # level 2
        with self.mockSMSGateway():
            self.run_collection()
        actions = self.actions(invoice_id=invoice.id)
        self.assertEqual(len(actions), 2)
        self.assertEqual(set(actions.mapped("channel")), {"email"})
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(len(actions.message_id), 1)
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", actions.message_id.ids)])
        )
        self.assertEqual(len(mails), 1, "one email")
        fallen_back = actions.filtered(lambda a: not a.message_id)
        self.assertIn("instead of SMS", fallen_back.note)
        self.assertIn("Already reminded by Email at this level", fallen_back.note)

    @freeze_time(TODAY)
    def test_a_batch_gives_the_portal_links_without_writing_the_invoices(self):
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        invoices = alice_invoice | bob_invoice
        invoices.sudo().access_token = False
        written = []
        Move = type(self.env["account.move"])
        original = Move.write

        def write(records, vals):
            written.append(set(vals))
            return original(records, vals)

        # Writing an invoice re-checks its entry (its lines read, its
        # balance checked): a link in a reminder must not cost that.
        with patch.object(Move, "write", write):
            self.run_collection()
        self.assertFalse([keys for keys in written if "access_token" in keys])
        for invoice in invoices:
            with self.subTest(invoice=invoice.name):
                token = invoice.sudo().access_token
                self.assertRegex(token, r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
                [email] = self.actions(invoice_id=invoice.id, channel="email")
                self.assertEqual(email.state, "done")
                mail = (
                    self.env["mail.mail"]
                    .sudo()
                    .search([("mail_message_id", "=", email.message_id.id)])
                )
                self.assertIn(f"access_token={token}", mail.body_html)
        self.assertNotEqual(alice_invoice.access_token, bob_invoice.access_token)

    @freeze_time(TODAY)
    def test_a_batch_looks_the_collection_links_up_once(self):
        self.invoice(self.alice, 300.0, "2026-03-12")
        self.invoice(self.bob, 100.0, "2026-03-12")
        Access = type(self.env["collection.portal.access"])
        original = Access._get_valid_many
        look_ups = []

        def get_valid_many(records, partners, company):
            look_ups.append(partners.commercial_partner_id)
            return original(records, partners, company)

        with patch.object(Access, "_get_valid_many", get_valid_many):
            self.run_collection()
        self.assertEqual(look_ups, [self.alice | self.bob], "one look-up for the batch")
        for partner in (self.alice, self.bob):
            with self.subTest(partner=partner.name):
                [email] = self.actions(partner_id=partner.id, channel="email")
                self.assertEqual(email.state, "done")
                access = (
                    self.env["collection.portal.access"]
                    .sudo()
                    .search([("partner_id", "=", partner.id)])
                )
                self.assertEqual(len(access), 1, "one link per customer")
                mail = (
                    self.env["mail.mail"]
                    .sudo()
                    .search([("mail_message_id", "=", email.message_id.id)])
                )
                self.assertIn(f"/my/collection/{access.token}", mail.body_html)

    @freeze_time(TODAY)
    def test_one_bad_group_does_not_stop_the_others_in_the_batch(self):
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        carol_invoice = self.invoice(self.carol, 100.0, "2026-03-12")
        action_class = type(self.env["collection.action"])
        original = action_class._send_reminder

        def send_reminder(actions, channel, **kwargs):
            # Bob's reminder fails once its message is posted.
            result = original(actions, channel, **kwargs)
            if actions.partner_id == self.bob:
                raise ValueError("the mail server refused Bob")
            return result

        with patch.object(action_class, "_send_reminder", send_reminder):
            self.run_collection()
        alice = self.actions(invoice_id=alice_invoice.id, channel="email")
        self.assertEqual(alice.state, "done")
        self.assertEqual(len(alice.message_id), 1)
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "account.move"),
                    ("res_id", "=", alice_invoice.id),
                    ("message_type", "=", "comment"),
                    ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
                ]
            ),
            1,
            "the reminder sent once, the batch's attempt rolled back",
        )
        bob = self.actions(invoice_id=bob_invoice.id)
        self.assertEqual(bob.state, "failed")
        self.assertEqual(bob.failure_reason, "the mail server refused Bob")
        self.assertFalse(bob.message_id)
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "account.move"),
                    ("res_id", "=", bob_invoice.id),
                    ("message_type", "=", "comment"),
                ]
            ),
            "Bob's rolled-back reminder left no message",
        )
        # Carol cannot be reached (no email, no address for the letter):
        # she fails before anything is sent, with her reason.
        carol = self.actions(invoice_id=carol_invoice.id)
        self.assertEqual(carol.state, "failed")
        self.assertTrue(carol.failure_reason)
        self.assertNotIn("Bob", carol.failure_reason)

    @freeze_time(TODAY)
    def test_the_letter_attached_to_an_email_leaves_no_note_on_the_invoice(self):
        invoice = self.invoice(self.alice, 300.0, "2026-03-12")  # level 1, letter
        self.run_collection()
        email = self.actions(invoice_id=invoice.id, channel="email")
        self.assertEqual(email.state, "done")
        self.assertTrue(email.message_id.attachment_ids, "the letter is attached")
        notes = invoice.message_ids.filtered(
            lambda message: "not a draft" in str(message.body)
        )
        self.assertFalse(notes, "no note that the invoice was not read from the PDF")
        # The letter does not become the invoice's own document (its preview).
        self.assertNotIn(
            invoice.message_main_attachment_id, email.message_id.attachment_ids
        )

    @freeze_time(TODAY)
    def test_the_amounts_of_a_batch_are_those_of_each_customer(self):
        alice_invoices = self.invoice(self.alice, 300.0, "2026-03-12") | self.invoice(
            self.alice, 100.0, "2026-03-01"
        )
        self.credit_note(self.alice, 50.0)
        bob_invoices = self.invoice(self.bob, 100.0, "2026-03-12")
        engine = self.env["collection.engine"]
        expected = [
            engine._reminder_amounts(alice_invoices),
            engine._reminder_amounts(bob_invoices),
        ]
        self.env.invalidate_all()
        found = engine._reminder_amounts_many([alice_invoices, bob_invoices])
        self.assertEqual(found, expected)
        self.assertEqual(found[0]["deducted"], 50.0)

        # As many queries for two customers as for one: not one per customer
        # (the invoices read together, as a dispatch's actions read them).
        both = alice_invoices | bob_invoices
        alice_invoices = alice_invoices.with_prefetch(both._prefetch_ids)
        bob_invoices = bob_invoices.with_prefetch(both._prefetch_ids)

        def queries(groups):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            engine._reminder_amounts_many(groups)
            return self.env.cr.sql_log_count - before

        self.assertEqual(
            queries([alice_invoices, bob_invoices]), queries([alice_invoices])
        )

    @freeze_time(TODAY)
    def test_actions_recorded_together_are_checked_for_company_at_once(self):
        """A run's actions are checked for company once per company and
        field, not action by action; a level of another company among them
        is still refused."""
        invoices = [
            self.invoice(partner, 100.0, "2026-03-12")
            for partner in (self.alice, self.bob, self.alice)
        ]

        def values(invoice, level):
            return {
                "partner_id": invoice.partner_id.id,
                "invoice_id": invoice.id,
                "company_id": invoice.company_id.id,
                "kind": "reminder",
                "channel": "email",
                "level_id": level.id,
            }

        Action = self.env["collection.action"]
        Partner = type(self.env["res.partner"])
        original = Partner.filtered_domain
        checked = []

        def filtered_domain(records, domain):
            checked.append(records._name)
            return original(records, domain)

        with patch.object(Partner, "filtered_domain", filtered_domain):
            actions = Action._record(
                [values(invoice, self.level_1) for invoice in invoices]
            )
        self.assertEqual(len(actions), 3)
        # The customers checked once for the three actions (Odoo: three times).
        self.assertEqual(checked.count("res.partner"), 1)
        other = self.setup_other_company(name="Other collections")["company"]
        foreign = self.level_1.copy(
            {"scenario_id": self.scenario.copy({"company_id": other.id}).id}
        )
        self.assertEqual(foreign.company_id, other)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            Action._record(
                [values(invoices[0], self.level_1), values(invoices[1], foreign)]
            )

    def composer_values(
        self, actions, invoice, template, recipient, attachments, known
    ):
        """What Odoo's composer gives ``message_post`` (comment mode, one
        record): the reference for ``_composer_values``."""
        Composer = invoice.env["mail.compose.message"].with_context(
            default_composition_mode="comment",
            default_model=invoice._name,
            default_res_ids=invoice.ids,
            default_template_id=template.id,
        )
        defaults = Composer.default_get(
            [name for name, field in Composer._fields.items() if not field.groups]
        )
        composer = Composer.new(
            {
                **defaults,
                "record_alias_domain_id": known["record_alias_domain_id"],
                "record_company_id": known["record_company_id"],
                "message_type": "comment",
                "subtype_id": self.env.ref("mail.mt_comment").id,
                **actions._author_values(),
                "partner_ids": [Command.set(recipient.ids)],
                "attachment_ids": [Command.set(attachments.ids)],
            }
        )
        values = composer._prepare_mail_values(invoice.ids)[invoice.id]
        values["attachment_ids"] = [
            getattr(ident, "origin", None) or ident
            for ident in values["attachment_ids"]
        ]
        return values

    @freeze_time(TODAY)
    def test_a_reminder_is_rendered_as_the_composer_renders_it(self):
        """The batch renders each email's template in one go, without a
        composer: the values given to ``message_post`` are the composer's,
        with or without an author, in the customer's language, for each
        shipped template."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.bob.lang = "fr_FR"
        alice_invoices = self.invoice(self.alice, 300.0, "2026-03-12") | self.invoice(
            self.alice, 200.0, "2026-03-13"
        )
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        self.run_collection()
        Action = self.env["collection.action"]
        attachment = self.env["ir.attachment"].create(
            {"name": "letter.pdf", "raw": b"%PDF-1.4", "mimetype": "application/pdf"}
        )
        templates = self.env["mail.template"].union(
            *(
                self.env.ref(f"recouvrement_fidelite.mail_template_collection_{name}")
                for name in ("courtesy", "first", "firm", "formal")
            )
        )
        first = self.env.ref("recouvrement_fidelite.mail_template_collection_first")
        # A sender that renders empty (nobody's address), and no sender.
        templates |= first.copy({"email_from": "{{ '' }}"}) | first.copy(
            {"email_from": False}
        )
        compared = 0
        languages = set()
        senders = set()
        for partner, invoices in (
            (self.alice, alice_invoices),
            (self.bob, bob_invoice),
        ):
            actions = self.actions(partner_id=partner.id, channel="email")
            self.assertTrue(actions)
            main = actions._main_action()
            invoice = main.invoice_id.with_context(
                collection_invoice_ids=invoices.ids,
                collection_credit={},
                mail_notify_force_send=False,
            )
            known = Action._post_values_many([actions], "email")["email", invoice.id]
            for template in templates:
                for author in (True, False):
                    with patch.object(
                        type(Action),
                        "_author",
                        (lambda a: a.partner_id.browse())
                        if not author
                        else type(Action)._author,
                    ):
                        for attachments in (attachment, attachment.browse()):
                            expected = self.composer_values(
                                actions, invoice, template, partner, attachments, known
                            )
                            got = actions._composer_values(
                                invoice, template, partner, attachments, known
                            )
                            self.assertEqual(got, expected, template.name)
                            compared += 1
                            languages.add(got["force_email_lang"])
                            senders.add(bool(got["email_from"]))
        self.assertEqual(compared, len(templates) * 8)
        # Bob's emails are rendered in French, Alice's in English.
        self.assertEqual(languages, {"en_US", "fr_FR"})
        # Senders compared: the author's, the template's, empty, the user's.
        self.assertEqual(senders, {True, False})

    def call_rule(self):
        self.rules(
            (
                "Call",
                leaf("days_overdue", "greater_than_or_equal_to", 5),
                [("schedule_call", {"within_days": 0})],
            ),
        )

    @freeze_time(TODAY)
    def test_a_batch_of_calls_works_out_what_to_pay_at_once(self):
        """Each call's note lists its customer's invoices net of credit; the
        amounts of all the batch's calls are worked out at once."""
        self.call_rule()
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        self.credit_note(self.alice, 50.0)
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        Engine = type(self.env["collection.engine"])
        worked_out = []
        with spied(
            Engine,
            "_reminder_amounts_many",
            lambda groups: worked_out.append(len(groups)),
        ):
            self.run_collection()
        calls = self.actions(kind="call")
        self.assertEqual(calls.invoice_id, alice_invoice | bob_invoice)
        self.assertEqual(set(calls.mapped("state")), {"pending"})
        # One look-up for the batch's two calls (Odoo's way: one per call).
        self.assertIn(2, worked_out)
        self.assertEqual(worked_out.count(1), 0)
        alice_note = str(
            calls.filtered(lambda c: c.partner_id == self.alice).activity_id.note
        )
        bob_note = str(
            calls.filtered(lambda c: c.partner_id == self.bob).activity_id.note
        )
        self.assertIn(alice_invoice.name, alice_note)
        self.assertIn("Credit note", alice_note)
        self.assertNotIn(bob_invoice.name, alice_note)
        self.assertIn(bob_invoice.name, bob_note)
        self.assertNotIn("Credit note", bob_note)

    @freeze_time(TODAY)
    def test_a_batch_of_calls_creates_its_activities_at_once(self):
        """The activities of a batch's calls are created together, each as
        ``activity_schedule`` would create it on the call's invoice."""
        self.call_rule()
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        Activity = type(self.env["mail.activity"])
        created = []
        with spied(
            Activity, "create", lambda vals_list: created.append(len(vals_list))
        ):
            self.run_collection()
        calls = self.actions(kind="call")
        self.assertEqual(calls.invoice_id, alice_invoice | bob_invoice)
        self.assertEqual(set(calls.mapped("state")), {"pending"})
        self.assertEqual(created, [2], "one create for the batch's two calls")
        todo = self.env.ref("mail.mail_activity_data_todo")
        for call in calls:
            activity = call.activity_id
            self.assertEqual(
                (activity.res_model, activity.res_id),
                ("account.move", call.invoice_id.id),
            )
            self.assertEqual(activity.activity_type_id, todo)
            self.assertEqual(
                activity.summary,
                f"Collection call: {call.partner_id.name}",
            )
            self.assertTrue(activity.automated)
            self.assertEqual(activity.user_id, call._responsible())
            self.assertEqual(str(activity.date_deadline), TODAY)
            self.assertIn(call.invoice_id.name, str(activity.note))
            self.assertIn(activity, call.invoice_id.activity_ids)

    @freeze_time(TODAY)
    def test_a_call_whose_activity_fails_fails_alone(self):
        """When the batch's activities cannot be created together, each is
        created again alone: the call whose activity fails fails with the
        reason, the other is planned."""
        self.call_rule()
        alice_invoice = self.invoice(self.alice, 300.0, "2026-03-12")
        bob_invoice = self.invoice(self.bob, 100.0, "2026-03-12")
        Activity = type(self.env["mail.activity"])
        original = Activity.create

        def create(activities, vals_list):
            if any(vals.get("res_id") == bob_invoice.id for vals in vals_list):
                raise UserError("Bob's activity cannot be created")
            return original(activities, vals_list)

        with patch.object(Activity, "create", create):
            self.run_collection()
        alice_call = self.actions(kind="call", invoice_id=alice_invoice.id)
        bob_call = self.actions(kind="call", invoice_id=bob_invoice.id)
        self.assertEqual(alice_call.state, "pending")
        self.assertEqual(alice_call.activity_id.res_id, alice_invoice.id)
        self.assertEqual(bob_call.state, "failed")
        self.assertIn("Bob's activity cannot be created", bob_call.failure_reason)
        self.assertFalse(bob_call.activity_id)
        self.assertFalse(bob_invoice.activity_ids)
