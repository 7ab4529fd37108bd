# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The formal notice of an escalation case: the letter's content, sending by
email and registered post, the tracking number and delivery date, the
deadline followed, and the refusals."""

import re
from html import unescape

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_escalation_case import EscalationCase

TODAY = "2026-03-20"


def text_of(html):
    """The text of an HTML page, tags removed, spaces collapsed."""
    # Non-breaking spaces (in amounts) are kept as they are.
    text = re.sub(r"<[^>]+>", " ", html.decode())
    return unescape(re.sub(r"[ \t\r\n]+", " ", text))


@tagged("post_install", "-at_install")
class TestFormalNotice(EscalationCase):
    def send(self, case, **values):
        wizard = Form(
            self.env["collection.case.notice"]
            .with_user(self.collector)
            .with_context(default_case_id=case.id)
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save().action_send()

    def letter_text(self, case):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "recouvrement_fidelite.collection_case_formal_notice", case.ids
        )[0]
        return text_of(html)

    def test_a_business_gets_the_formal_notice_by_email_and_registered_post(self):
        with freeze_time("2026-02-20"):
            old = self.invoice(self.dupont, 1000.0, "2026-02-01", "2026-01-15")
            other = self.invoice(self.dupont, 250.0, "2026-02-05", "2026-01-20")
            with self.mockSMSGateway():
                self.run_collection()
        with freeze_time(TODAY):
            case = self.escalate(old | other).with_user(self.collector)
            opened = case.action_send_formal_notice()
            self.assertEqual(opened["res_model"], "collection.case.notice")
            wizard = Form(
                self.env["collection.case.notice"]
                .with_user(self.collector)
                .with_context(default_case_id=case.id)
            )
            # The legal profile's deadline (France: 8 days); both channels.
            self.assertEqual(wizard.days, 8)
            self.assertEqual(str(wizard.deadline), "2026-03-28")
            self.assertTrue(wizard.by_post)
            self.assertTrue(wizard.by_email, "the customer has an email address")
            done = wizard.save().action_send()
            self.assertEqual(done["type"], "ir.actions.act_url", "the letter to print")
            self.assertEqual(str(case.notice_date), TODAY)
            self.assertEqual(str(case.notice_deadline), "2026-03-28")
            self.assertEqual(case.date_deadline, case.notice_deadline)
            self.assertEqual(case.notice_state, "to_post")
            self.assertEqual(
                case.next_step, "Formal notice to post by registered letter"
            )
            letter = case.notice_attachment_id
            self.assertIn(letter, case.document_ids)
            self.assertIn(str(letter.id), done["url"])
            # The email leaves through the mail queue, the letter attached.
            message = case.message_ids.filtered(
                lambda m: m.message_type == "comment" and m.attachment_ids
            )
            self.assertEqual(message.attachment_ids, letter)
            self.assertIn(self.dupont, message.partner_ids)
            self.assertIn("formal notice to pay", message.subject)
            self.assertIn("03/28/2026", message.body)
            mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
            self.assertEqual(mail.state, "outgoing")
            # The letter: what a French credit manager signs.
            text = text_of(letter.raw)
            for expected in (
                "Subject: Formal notice to pay",
                "By registered letter with acknowledgement of receipt",
                "Also sent by email to compta@dupont.example",
                "Despite our reminders of 02/20/2026, the invoices below remain "
                "unpaid to this day.",
                old.name,
                other.name,
                "02/01/2026",
                "Late-payment interest to 03/20/2026",
                f"Fixed indemnity for recovery costs (2 × {case._format(40.0)})",
                "We hereby formally demand that you pay us the sum of",
                "within 8 days of the date of this letter, that is by March 28, "
                "2026 at the latest.",
                "article L441-10 of the French Commercial Code",
                "formal notice within the meaning of article 1344",
                self.dupont._collection_portal_url(case.company_id),
                "we are prepared to agree with you on a payment plan",
                "simplified small-claims procedure through a commissaire de justice",
                "injunction to pay",
                "Yours faithfully,",
                case.name,
            ):
                self.assertIn(expected, text)
            self.assertIn(case._format(case.amount_total), text, "the total claimed")
            # The deadline is followed: an activity the day after it.
            follow = case.activity_ids.filtered(
                lambda a: a.summary.startswith("Formal notice deadline")
            )
            self.assertEqual(str(follow.date_deadline), "2026-03-29")
            self.assertNotIn(
                "Send the formal notice", case.activity_ids.mapped("summary")
            )
            self.assertIn("Formal notice sent", old.message_ids[0].body)
            # Not twice.
            with self.assertRaisesRegex(UserError, "not sent twice"):
                case.action_send_formal_notice()
            # Posted: the number of the registered letter first.
            with self.assertRaisesRegex(UserError, "number of the registered letter"):
                case.action_mark_notice_posted()
            case.notice_tracking_ref = "1A 123 456 7890 1"
            case.action_mark_notice_posted()
            self.assertEqual(case.notice_state, "sent")
            self.assertEqual(str(case.notice_posted_date), TODAY)
            with self.assertRaisesRegex(UserError, "before it was sent"):
                with self.cr.savepoint():
                    case.notice_delivery_date = "2026-03-19"
            case.notice_delivery_date = "2026-03-23"
            self.assertEqual(case.notice_state, "delivered")
            self.assertIn("delivered on 03/23/2026", case.next_step)

    @freeze_time(TODAY)
    def test_a_consumer_owes_no_indemnity_and_interest_from_the_notice(self):
        invoice = self.invoice(self.martin, 1000.0, "2026-01-10", "2026-01-01")
        case = self.escalate(invoice).with_user(self.collector)
        text = self.letter_text(case)
        self.assertNotIn("indemnity", text)
        self.assertNotIn("L441-10", text)
        self.assertIn("interest at the legal rate run from its date", text)
        self.assertIn("The invoice below, whose due date has passed", text)
        self.assertIn(case._format(1000.0), text)
        self.send(case, by_email=False)
        self.assertEqual(case.notice_state, "to_post")
        self.assertFalse(case.notice_by_email)
        self.assertFalse(
            case.message_ids.filtered(lambda m: m.message_type == "comment"),
            "nothing emailed",
        )
        self.assertEqual(case.amount_interest, 0.0)
        # Ten days after the notice: the legal rate (2.62 %) from its date,
        # 1000 x 2.62 % x 10 / 365 = 0.72.
        with freeze_time("2026-03-30"):
            case.invalidate_recordset()
            self.assertAlmostEqual(case.amount_interest, 0.72)

    @freeze_time(TODAY)
    def test_above_the_threshold_the_notice_announces_an_injunction(self):
        invoice = self.invoice(self.dupont, 7000.0, "2026-02-01", "2026-01-15")
        text = self.letter_text(self.escalate(invoice))
        self.assertNotIn("small-claims", text)
        self.assertIn("in particular a request for an injunction to pay", text)

    @freeze_time(TODAY)
    def test_what_cannot_be_sent_is_refused_clearly(self):
        invoice = self.invoice(self.alice, 400.0, "2026-02-01", "2026-01-15")
        case = self.escalate(invoice).with_user(self.collector)
        with self.assertRaisesRegex(UserError, "by email, by post, or both"):
            self.send(case, by_email=False, by_post=False)
        with self.assertRaisesRegex(UserError, "at least one day"):
            self.send(case, days=0)
        self.assertFalse(case.notice_date, "nothing written")
        self.assertFalse(case.document_ids)
        nomail = self.escalate(
            self.invoice(self.bob, 300.0, "2026-02-01", "2026-01-15")
        )
        with self.assertRaisesRegex(UserError, "has no email address"):
            self.send(nomail, by_email=True)
        case.action_stage_agency()
        with self.assertRaisesRegex(UserError, "belongs to another stage"):
            case.action_send_formal_notice()

    @freeze_time(TODAY)
    def test_the_customers_language_and_the_profiles_deadline(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.dupont.lang = "fr_FR"
        invoice = self.invoice(self.dupont, 400.0, "2026-02-01", "2026-01-15")
        case = self.escalate(invoice)
        values = self.env[
            "report.recouvrement_fidelite.collection_case_formal_notice"
        ]._notice(case)
        self.assertEqual(values["lang"], "fr_FR")
        self.assertIn("20 mars 2026", values["place_date"])
        self.assertRegex(values["total"], r"^\$\xa0\d+,\d\d$", "French amounts")
        # The deadline is the legal profile's.
        case.legal_profile_id.sudo().formal_notice_days = 15
        case.invalidate_recordset()
        self.assertEqual(case._notice_days(), 15)
        self.assertEqual(
            self.env["collection.case.notice"]
            .with_user(self.collector)
            .create({"case_id": case.id})
            .deadline,
            fields.Date.to_date("2026-04-04"),
        )
