# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Messages posted in bulk (issue 9, a real run faster): the same message,
recipients, emails, notifications and SMS as ``message_post`` gives, with
the batch's messages, emails and notifications each created at once."""

import re
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.models.mail_followers import Followers as MailFollowers
from odoo.addons.sms.tests.common import MockSMS

from ..models import collection_message_bulk
from .common import InvoiceMixin


@tagged("post_install", "-at_install")
class TestMessageBulk(InvoiceMixin, AccountTestInvoicingCommon, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer", "email": "customer@example.com", "lang": "en_US"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Accounts payable", "email": "ap@example.com", "lang": "en_US"}
        )
        # An accountant who follows the invoices in Odoo's inbox.
        cls.accountant = new_test_user(
            cls.env,
            login="bulk_accountant",
            groups="account.group_account_invoice",
            notification_type="inbox",
        )
        # Follows the invoices for notes only: never told of a reminder.
        cls.notes_only = cls.env["res.partner"].create(
            {"name": "Notes only", "email": "notes@example.com"}
        )
        cls.comment = cls.env.ref("mail.mt_comment")
        cls.note = cls.env.ref("mail.mt_note")
        cls.bulk = cls.env["collection.message.bulk"]
        # Who a reminder of ``values`` tells: the customer (following the
        # invoice) and the contact get one email each (the customer's with
        # the invoice's portal link), the accountant a notification.
        cls.told = {cls.customer.id, cls.contact.id, cls.accountant.partner_id.id}

    def new_invoice(self):
        invoice = self.invoice(self.customer, 100.0, "2026-03-01")
        invoice.message_subscribe(
            partner_ids=self.accountant.partner_id.ids, subtype_ids=self.comment.ids
        )
        invoice.message_subscribe(
            partner_ids=self.notes_only.ids, subtype_ids=self.note.ids
        )
        # The thread has begun: both ways of posting thread the same.
        invoice._message_log(body="Sent by post.")
        return invoice

    def values(self, **extra):
        return {
            "body": "<p>Please pay.</p>",
            "subject": "Your invoice",
            "message_type": "comment",
            "subtype_id": self.comment.id,
            "partner_ids": self.contact.ids,
            **extra,
        }

    @staticmethod
    def outcome(message):
        """What a message made: its own values, its notifications and its
        emails (their links aside: they name the message)."""
        message = message.sudo()
        mails = message.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        return {
            "message": {
                name: message[name]
                for name in (
                    "body",
                    "subject",
                    "message_type",
                    "subtype_id",
                    "author_id",
                    "email_from",
                    "reply_to",
                    "partner_ids",
                    "parent_id",
                    "record_name",
                    "record_alias_domain_id",
                    "record_company_id",
                    "email_add_signature",
                    "model",
                    "res_id",
                )
            },
            "notifications": sorted(
                (
                    n.res_partner_id.id,
                    n.notification_type,
                    n.notification_status,
                    n.is_read,
                    bool(n.mail_mail_id),
                )
                for n in message.notification_ids
            ),
            "mails": sorted(
                (
                    tuple(mail.recipient_ids.ids),
                    mail.subject,
                    mail.auto_delete,
                    mail.state,
                    bool(mail.references),
                    re.sub(r'(href|src)="[^"]*"', "", mail.body_html),
                )
                for mail in mails
            ),
            "sms": sorted(
                (sms.number, sms.body, sms.state)
                for sms in message.env["sms.sms"].search(
                    [("mail_message_id", "=", message.id)]
                )
            ),
        }

    def test_a_message_posted_in_bulk_is_the_one_message_post_gives(self):
        invoice = self.new_invoice()
        post = invoice.with_context(mail_notify_force_send=False)
        alone = post.message_post(**self.values())
        [bulk] = self.bulk._post([(post, self.values())])
        self.assertNotEqual(alone, bulk)
        expected = self.outcome(alone)
        self.assertEqual(self.outcome(bulk), expected)
        # What is compared is there: the contact and the customer (who
        # follows the invoice) are emailed, the accountant told in Odoo, the
        # notes-only follower not at all.
        notified = {partner for partner, *_rest in expected["notifications"]}
        self.assertEqual(notified, self.told)
        self.assertEqual(len(expected["mails"]), 2)

    def test_the_author_follows_the_records_as_with_message_post(self):
        """The user posting follows the records, to see the answers (the
        tests' context turns it off: turned on again here)."""
        alone, first, second = (
            invoice.with_context(
                mail_create_nosubscribe=False, mail_notify_force_send=False
            )
            for invoice in (self.new_invoice(), self.new_invoice(), self.new_invoice())
        )
        author = self.env.user.partner_id
        self.assertNotIn(author, (alone | first | second).message_partner_ids)
        alone.message_post(**self.values())
        self.bulk._post([(first, self.values()), (second, self.values())])
        followed = self.env["mail.followers"].search(
            [("res_model", "=", "account.move"), ("partner_id", "=", author.id)]
        )
        self.assertEqual(
            set(followed.mapped("res_id")), {alone.id, first.id, second.id}
        )

    def test_an_sms_posted_in_bulk_is_the_one_message_sms_gives(self):
        invoice = self.new_invoice()
        numbers = {self.contact.id: "+33612345678"}
        with self.mockSMSGateway():
            alone = invoice._message_sms(
                "Invoice due: https://example.com/pay",
                partner_ids=self.contact.ids,
                sms_pid_to_number=numbers,
            )
            [bulk] = self.bulk._post(
                [
                    (
                        invoice,
                        {
                            "body": "Invoice due: https://example.com/pay",
                            "message_type": "sms",
                            "subtype_id": self.note.id,
                            "partner_ids": self.contact.ids,
                            "sms_pid_to_number": numbers,
                            "sms_numbers": None,
                        },
                    )
                ]
            )
        expected = self.outcome(alone)
        self.assertEqual(self.outcome(bulk), expected)
        self.assertEqual(
            [(number, body) for number, body, _state in expected["sms"]],
            [("+33612345678", "Invoice due: https://example.com/pay")],
        )

    def test_a_batch_creates_its_messages_emails_and_notifications_at_once(self):
        invoices = self.new_invoice() | self.new_invoice() | self.new_invoice()
        calls = {"recipients": 0, "mail": 0, "message": 0, "notification": 0}
        recipient_data = MailFollowers._get_recipient_data

        def counted_recipient_data(*args, **kwargs):
            calls["recipients"] += 1
            return recipient_data(*args, **kwargs)

        counted = {}
        for key, model in (
            ("mail", "mail.mail"),
            ("message", "mail.message"),
            ("notification", "mail.notification"),
        ):
            cls = type(self.env[model])
            counted[key] = patch.object(
                cls, "create", self.counting(cls.create, calls, key)
            )

        posts = [
            (invoice.with_context(mail_notify_force_send=False), self.values())
            for invoice in invoices
        ]
        with (
            patch.object(MailFollowers, "_get_recipient_data", counted_recipient_data),
            counted["mail"],
            counted["message"],
            counted["notification"],
        ):
            messages = self.bulk._post(posts)
        self.assertEqual([m.res_id for m in messages], invoices.ids)
        # One look-up of the followers, one of the partners named.
        self.assertEqual(calls["recipients"], 2)
        self.assertEqual(calls["message"], 1)
        self.assertEqual(calls["mail"], 1)
        # The inbox notifications (one per message, by Odoo's step) and
        # the emails' (all at once).
        self.assertEqual(calls["notification"], len(invoices) + 1)
        for message in messages:
            outcome = self.outcome(message)
            self.assertEqual(len(outcome["mails"]), 2)
            self.assertEqual(
                {partner for partner, *_rest in outcome["notifications"]},
                self.told,
            )

    @staticmethod
    def counting(create, calls, key):
        def counted(records, *args, **kwargs):
            calls[key] += 1
            return create(records, *args, **kwargs)

        return counted

    def test_a_partner_named_on_one_record_is_not_told_of_another(self):
        """The batch's partners are looked up together: a partner a message
        names, following another record of the batch for notes only, is
        not told of that record's message."""
        first = self.new_invoice()
        second = self.new_invoice()
        messages = self.bulk._post(
            [
                (
                    first.with_context(mail_notify_force_send=False),
                    self.values(partner_ids=self.notes_only.ids),
                ),
                (second.with_context(mail_notify_force_send=False), self.values()),
            ]
        )
        told = [
            set(message.sudo().notification_ids.res_partner_id.ids)
            for message in messages
        ]
        self.assertIn(self.notes_only.id, told[0])
        self.assertNotIn(self.notes_only.id, told[1])
        self.assertEqual(told[1], self.told)

    def test_a_record_posted_on_twice_gets_both_messages_in_order(self):
        invoice = self.new_invoice().with_context(mail_notify_force_send=False)
        first, second = self.bulk._post(
            [
                (invoice, self.values(subject="First")),
                (invoice, self.values(subject="Second")),
            ]
        )
        self.assertEqual((first.subject, second.subject), ("First", "Second"))
        self.assertLess(first.id, second.id)
        self.assertEqual(len(self.outcome(second)["mails"]), 2)

    def test_an_override_not_reviewed_posts_each_message_alone(self):
        invoice = self.new_invoice().with_context(mail_notify_force_send=False)
        self.assertTrue(self.bulk._bulk_supported("account.move"))
        Move = type(self.env["account.move"])
        original = Move.message_post
        alone = []

        def message_post(records, **kwargs):
            alone.append(records.id)
            return original(records, **kwargs)

        # As if the sms module's overrides had not been read.
        reviewed = collection_message_bulk.BULK_REVIEWED_MODULES - {"sms"}
        with (
            patch.object(collection_message_bulk, "BULK_REVIEWED_MODULES", reviewed),
            patch.object(Move, "message_post", message_post),
        ):
            self.assertFalse(self.bulk._bulk_supported("account.move"))
            [message] = self.bulk._post([(invoice, self.values())])
        self.assertEqual(alone, invoice.ids)
        self.assertEqual(message.subject, "Your invoice")

    def test_emails_sent_at_once_are_left_to_odoo(self):
        """Without ``mail_notify_force_send=False`` Odoo sends the emails at
        once: the message is notified by Odoo's own step."""
        invoice = self.new_invoice()
        Move = type(self.env["account.move"])
        original = Move._notify_thread
        notified = []

        def notify_thread(records, message, msg_vals=False, **kwargs):
            notified.append(message.id)
            return original(records, message, msg_vals=msg_vals, **kwargs)

        with patch.object(Move, "_notify_thread", notify_thread):
            [message] = self.bulk._post([(invoice, self.values())])
        self.assertEqual(notified, message.ids)
        self.assertEqual(len(self.outcome(message)["mails"]), 2)

    def test_a_batch_creates_and_sends_its_sms_at_once(self):
        first, second = self.new_invoice(), self.new_invoice()
        numbers = {self.contact.id: "+33612345678"}
        SMS = type(self.env["sms.sms"])
        calls = {"sms": 0}
        sent = []
        original_send = SMS.send

        def send(records, *args, **kwargs):
            sent.append(len(records))
            return original_send(records, *args, **kwargs)

        with (
            self.mockSMSGateway(),
            patch.object(SMS, "create", self.counting(SMS.create, calls, "sms")),
            patch.object(SMS, "send", send),
        ):
            messages = self.bulk._post(
                [
                    (
                        invoice,
                        {
                            "body": f"Invoice {invoice.name} is due.",
                            "message_type": "sms",
                            "subtype_id": self.note.id,
                            "partner_ids": self.contact.ids,
                            "sms_pid_to_number": numbers,
                        },
                    )
                    for invoice in (first, second)
                ]
            )
        self.assertEqual(calls["sms"], 1)
        self.assertEqual(sent, [2], "sent together")
        for message, invoice in zip(messages, (first, second), strict=True):
            self.assertEqual(
                [
                    (number, body)
                    for number, body, _state in self.outcome(message)["sms"]
                ],
                [("+33612345678", f"Invoice {invoice.name} is due.")],
            )
            self.assertEqual(
                [
                    (n.notification_type, n.res_partner_id)
                    for n in message.sudo().notification_ids
                ],
                [("sms", self.contact)],
            )

    def test_an_email_refers_to_the_thread_as_odoos_does(self):
        """The thread's earlier messages an email refers to (References),
        found for the batch at once, are those Odoo finds for each email."""
        invoice = self.new_invoice().with_context(mail_notify_force_send=False)
        for number in range(4):
            invoice.message_post(
                body=f"Earlier {number}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        invoice.message_post(
            body="Internal", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        other = self.new_invoice().with_context(mail_notify_force_send=False)
        messages = self.bulk._post([(invoice, self.values()), (other, self.values())])
        for record, message in zip((invoice, other), messages, strict=True):
            expected = record._notify_by_email_get_base_mail_values(
                message, additional_values={"auto_delete": True}
            )
            mails = (
                self.env["mail.mail"]
                .sudo()
                .search([("mail_message_id", "=", message.id)])
            )
            self.assertEqual(len(mails), 2)
            for mail in mails:
                self.assertEqual(mail.references, expected["references"])
                self.assertEqual(mail.headers, expected.get("headers", False))
                self.assertEqual(mail.subject, expected.get("subject", message.subject))
        # Three earlier messages and the email's own.
        self.assertEqual(
            len(
                self.env["mail.mail"]
                .sudo()
                .search([("mail_message_id", "=", messages[0].id)], limit=1)
                .references.split()
            ),
            4,
        )
