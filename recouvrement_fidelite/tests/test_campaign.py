# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Ad-hoc campaigns: pick customers, preview, launch once, see the results."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.sms.tests.common import MockSMS

from .common import InvoiceMixin

TODAY = "2026-03-20"


@tagged("post_install", "-at_install")
class TestCollectionCampaign(InvoiceMixin, AccountTestInvoicingCommon, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Messages checked in English, whatever the database's language.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_user"
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Campaign reminder",
                "model_id": cls.env.ref("account.model_account_move").id,
                "subject": "Reminder {{ object.name }}",
                "email_from": "collection@company.example",
                "body_html": "<p>Please pay: <t t-out=\"', '.join(object.browse("
                "ctx.get('collection_invoice_ids') or object.ids)"
                ".mapped('name'))\"/>.</p>",
            }
        )
        Partner = cls.env["res.partner"]
        france = cls.env.ref("base.fr").id

        def customer(name, city, email=None, **values):
            return Partner.create(
                dict(
                    name=name,
                    is_company=True,
                    street="1 rue de la Gare",
                    zip="69001" if city == "Lyon" else "75001",
                    city=city,
                    country_id=france,
                    email=email,
                    lang="en_US",
                    **values,
                )
            )

        cls.alice = customer("Alice SARL", "Lyon", "alice@example.com")
        cls.bob = customer("Bob Bakery", "Lyon")  # no email address
        cls.carol = customer("Carol Paris", "Paris", "carol@example.com")
        cls.dave = customer("Dave Big", "Lyon", "dave@example.com")
        cls.erin = customer("Erin Disputes", "Lyon", "erin@example.com")
        cls.alice_old = cls.invoice(cls.alice, 300.0, "2026-02-01")
        cls.alice_new = cls.invoice(cls.alice, 200.0, "2026-03-01")
        cls.alice_not_due = cls.invoice(cls.alice, 50.0, "2026-04-15")
        cls.bob_invoice = cls.invoice(cls.bob, 150.0, "2026-03-01")
        cls.carol_invoice = cls.invoice(cls.carol, 400.0, "2026-03-01")
        cls.dave_invoice = cls.invoice(cls.dave, 9000.0, "2026-03-01")
        cls.erin_disputed = cls.invoice(cls.erin, 100.0, "2026-03-01")
        cls.erin_disputed._collection_dispute_open("price")

    def campaign(self, **values):
        return self.env["collection.campaign"].create(
            dict(
                {
                    "name": "Lyon, small amounts",
                    "partner_domain": "[('city', '=', 'Lyon')]",
                    "max_overdue_amount": 1000.0,
                    "channel": "email",
                    "mail_template_id": self.template.id,
                },
                **values,
            )
        )

    def line(self, campaign, partner):
        return campaign.line_ids.filtered(lambda line: line.partner_id == partner)

    @freeze_time(TODAY)
    def test_filters_select_the_right_customers(self):
        campaign = self.campaign()
        campaign.action_preview()
        self.assertEqual(campaign.state, "previewed")
        # Carol is in Paris, Dave owes more than the maximum.
        self.assertEqual(
            set(campaign.line_ids.partner_id.ids),
            {self.alice.id, self.bob.id, self.erin.id},
        )
        alice = self.line(campaign, self.alice)
        self.assertEqual(alice.overdue_amount, 500.0)
        self.assertEqual(alice.overdue_count, 2)
        self.assertEqual(alice.invoice_ids, self.alice_old | self.alice_new)
        # A minimum keeps only those who owe enough.
        campaign.write({"min_overdue_amount": 200.0, "max_overdue_amount": 0.0})
        campaign.action_preview()
        self.assertEqual(
            set(campaign.line_ids.partner_id.ids), {self.alice.id, self.dave.id}
        )
        # A contact matching the filter selects its company.
        contact = self.env["res.partner"].create(
            {"name": "Carol's accountant", "parent_id": self.carol.id, "city": "Nice"}
        )
        nice = self.campaign(partner_domain=f"[('id', '=', {contact.id})]")
        nice.action_preview()
        self.assertEqual(nice.line_ids.partner_id, self.carol)

    @freeze_time(TODAY)
    def test_not_only_overdue_invoices(self):
        campaign = self.campaign(
            overdue_only=False, partner_domain=f"[('id', '=', {self.alice.id})]"
        )
        campaign.action_preview()
        self.assertEqual(
            self.line(campaign, self.alice).invoice_ids,
            self.alice_old | self.alice_new | self.alice_not_due,
        )

    @freeze_time(TODAY)
    def test_preview_shows_reachability(self):
        campaign = self.campaign()
        campaign.action_preview()
        self.assertTrue(self.line(campaign, self.alice).reachable)
        self.assertFalse(self.line(campaign, self.alice).reason)
        bob = self.line(campaign, self.bob)
        self.assertFalse(bob.reachable)
        self.assertIn("no email address", bob.reason)
        erin = self.line(campaign, self.erin)
        self.assertFalse(erin.reachable)
        self.assertFalse(erin.invoice_ids, "a disputed invoice is never reminded")
        self.assertIn("Dispute open", erin.reason)
        self.assertEqual(campaign.customer_count, 3)
        self.assertEqual(campaign.reachable_count, 1)
        self.assertEqual(campaign.invoice_count, 3)
        # By letter, Bob's address is enough.
        letters = self.campaign(channel="letter")
        letters.action_preview()
        self.assertTrue(self.line(letters, self.bob).reachable)

    @freeze_time(TODAY)
    def test_launch_sends_one_email_per_customer(self):
        campaign = self.campaign()
        campaign.action_preview()
        campaign.action_launch()
        self.assertEqual(campaign.state, "done")
        alice_actions = campaign.action_ids.filtered(
            lambda a: a.partner_id == self.alice
        )
        self.assertEqual(alice_actions.invoice_id, self.alice_old | self.alice_new)
        self.assertEqual(set(alice_actions.mapped("state")), {"done"})
        self.assertEqual(set(alice_actions.mapped("kind")), {"reminder"})
        self.assertEqual(
            len(alice_actions.message_id), 1, "one email for both invoices"
        )
        message = alice_actions.message_id
        self.assertEqual(message.model, "account.move")
        self.assertEqual(message.res_id, self.alice_old.id, "led by the oldest invoice")
        self.assertIn(self.alice_old.name, message.body)
        self.assertIn(self.alice_new.name, message.body)
        self.assertIn(self.alice, message.partner_ids)
        self.assertTrue(
            self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        )
        self.assertEqual(self.alice_old.collection_reminder_count, 1)
        self.assertFalse(self.alice_old.collection_level_id, "campaigns set no level")
        # Bob has no email address: failed, with the reason.
        bob_action = campaign.action_ids.filtered(lambda a: a.partner_id == self.bob)
        self.assertEqual(bob_action.state, "failed")
        self.assertIn("no email address", bob_action.failure_reason)
        self.assertFalse(bob_action.message_id)
        # Erin's only invoice is disputed: nothing is sent to her.
        self.assertFalse(
            campaign.action_ids.filtered(lambda a: a.partner_id == self.erin)
        )
        # Results, on the campaign and per customer.
        self.assertEqual(campaign.action_count, 3)
        self.assertEqual(campaign.done_count, 2)
        self.assertEqual(campaign.failed_count, 1)
        self.assertEqual(campaign.reached_count, 1)
        self.assertEqual(self.line(campaign, self.alice).result, "done")
        self.assertEqual(self.line(campaign, self.bob).result, "failed")
        self.assertIn("no email address", self.line(campaign, self.bob).failure_reason)
        self.assertEqual(self.line(campaign, self.erin).result, "skipped")
        results = campaign.message_ids.filtered(
            lambda m: "Campaign launched" in (m.body or "")
        )
        self.assertIn("2 invoice(s) reminded to 1 customer(s), 1 failed", results.body)
        failed = campaign.action_view_failed()
        self.assertEqual(
            self.env["collection.action"].search(failed["domain"]), bob_action
        )
        # The keys hold the campaign: the scheduled run's keys never match.
        for action in campaign.action_ids:
            self.assertTrue(action.dedup_key.endswith(f"campaign-{campaign.id}"))

    @freeze_time(TODAY)
    def test_launching_twice_sends_nothing_twice(self):
        campaign = self.campaign()
        campaign.action_preview()
        campaign.action_launch()
        Action = self.env["collection.action"]
        sent = Action.search_count([("state", "=", "done")])
        emails = [("model", "=", "account.move"), ("message_type", "=", "comment")]
        messages = self.env["mail.message"].search_count(emails)
        with self.assertRaisesRegex(UserError, "already launched"):
            campaign.action_launch()
        # Even forced back to a launchable state, the keys stop duplicates:
        # only the failed reminder (Bob, no email address) is tried again.
        campaign.state = "previewed"
        campaign.action_launch()
        self.assertEqual(Action.search_count([("state", "=", "done")]), sent)
        self.assertEqual(self.env["mail.message"].search_count(emails), messages)
        self.assertEqual(
            Action.search_count(
                [("campaign_id", "=", campaign.id), ("state", "=", "failed")]
            ),
            2,
        )
        # A duplicated campaign, told not to skip customers reminded
        # recently, reminds the same customers again, once.
        again = campaign.copy({"skip_recent_reminder": False})
        self.assertEqual(again.state, "draft")
        self.assertFalse(again.line_ids)
        again.action_preview()
        again.action_launch()
        self.assertEqual(
            len(again.action_ids.filtered(lambda a: a.state == "done").message_id), 1
        )

    @freeze_time(TODAY)
    def test_bad_input_is_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.campaign(partner_domain="[('city', '=', ")
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.campaign(partner_domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "below the minimum"):
            self.campaign(min_overdue_amount=500.0, max_overdue_amount=100.0)
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.campaign(min_overdue_amount=-1.0)
        campaign = self.campaign()
        with self.assertRaisesRegex(UserError, "Preview"):
            campaign.action_launch()
        self.assertFalse(campaign.action_ids)
        nobody = self.campaign(partner_domain="[('city', '=', 'Atlantis')]")
        nobody.action_preview()
        with self.assertRaisesRegex(UserError, "nobody to remind"):
            nobody.action_launch()
        self.assertEqual(nobody.state, "previewed")

    @freeze_time(TODAY)
    def test_changing_the_filters_asks_for_a_new_preview(self):
        campaign = self.campaign()
        campaign.action_preview()
        self.assertTrue(campaign.line_ids)
        with Form(campaign) as form:
            form.partner_domain = "[('city', '=', 'Paris')]"
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.line_ids)
        campaign.action_preview()
        self.assertEqual(campaign.line_ids.partner_id, self.carol)
        # A new note does not change who gets what.
        campaign.note = "<p>Agreed with sales.</p>"
        self.assertEqual(campaign.state, "previewed")

    @freeze_time(TODAY)
    def test_cancel_and_delete(self):
        campaign = self.campaign()
        campaign.action_cancel()
        self.assertEqual(campaign.state, "cancelled")
        with self.assertRaisesRegex(UserError, "cancelled"):
            campaign.action_launch()
        campaign.action_draft()
        campaign.action_preview()
        campaign.action_launch()
        with self.assertRaises(UserError):
            campaign.action_cancel()
        with self.assertRaises(UserError):
            campaign.unlink()
        self.assertTrue(campaign.exists())

    @freeze_time(TODAY)
    def test_letter_campaign(self):
        campaign = self.campaign(
            channel="letter",
            letter_tone="firm",
            partner_domain=f"[('id', '=', {self.alice.id})]",
        )
        self.assertEqual(
            campaign.letter_report_id,
            self.env.ref("recouvrement_fidelite.collection_letter_report"),
        )
        campaign.action_preview()
        campaign.action_launch()
        actions = campaign.action_ids
        # Printed: to post (done once marked posted).
        self.assertEqual(set(actions.mapped("state")), {"pending"})
        attachment = actions.attachment_id
        self.assertEqual(len(attachment), 1, "one letter for both invoices")
        self.assertEqual(attachment.res_id, self.alice_old.id)
        # Tests render the letter as HTML: its wording follows the campaign's tone.
        content = attachment.raw.decode()
        self.assertIn("payment required without delay", content)
        self.assertIn(self.alice_new.name, content)

    @freeze_time(TODAY)
    def test_sms_and_portal_campaigns(self):
        self.alice.mobile = "+33 6 12 34 56 78"
        sms_template = self.env["sms.template"].create(
            {
                "name": "Campaign SMS",
                "model_id": self.env.ref("account.model_account_move").id,
                "body": "Invoice {{ object.name }} is overdue.",
            }
        )
        campaign = self.campaign(channel="sms", sms_template_id=sms_template.id)
        campaign.action_preview()
        self.assertTrue(self.line(campaign, self.alice).reachable)
        self.assertIn("no mobile number", self.line(campaign, self.bob).reason)
        with self.mockSMSGateway():
            campaign.action_launch()
        alice = campaign.action_ids.filtered(lambda a: a.partner_id == self.alice)
        self.assertEqual(set(alice.mapped("state")), {"done"})
        sms = self.env["sms.sms"].search([("number", "=", "+33612345678")])
        self.assertEqual(len(sms), 1, "one SMS for both invoices")
        self.assertIn(self.alice_old.name, sms.body)
        bob = campaign.action_ids.filtered(lambda a: a.partner_id == self.bob)
        self.assertEqual(bob.state, "failed")
        # On the portal, everybody is reachable; the message is on the invoice.
        portal = self.campaign(channel="portal", name="Portal")
        portal.action_preview()
        portal.action_launch()
        self.assertEqual(set(portal.action_ids.mapped("state")), {"done"})
        bob_portal = portal.action_ids.filtered(lambda a: a.partner_id == self.bob)
        self.assertEqual(bob_portal.message_id.res_id, self.bob_invoice.id)
        self.assertIn(self.bob_invoice.name, bob_portal.message_id.body)

    def test_access(self):
        invoicing = new_test_user(
            self.env, login="invoicing.clerk", groups="account.group_account_invoice"
        )
        with self.assertRaises(AccessError):
            self.env["collection.campaign"].with_user(invoicing).create(
                {"name": "Not allowed", "channel": "portal"}
            )
        collector = new_test_user(
            self.env,
            login="collector",
            groups="recouvrement_fidelite.group_collection_user",
        )
        campaign = (
            self.env["collection.campaign"]
            .with_user(collector)
            .create({"name": "Allowed", "channel": "portal"})
        )
        with freeze_time(TODAY):
            campaign.action_preview()
        self.assertTrue(campaign.line_ids)
        with self.assertRaises(AccessError):
            campaign.unlink()

    # The customer's collection state (issue 10): a campaign never
    # contradicts what the scheduled reminders said or decided.

    def action(self, partner, invoice, kind, state, **values):
        return self.env["collection.action"]._record(
            dict(
                {
                    "company_id": invoice.company_id.id,
                    "partner_id": partner.id,
                    "invoice_id": invoice.id,
                    "kind": kind,
                    "channel": "email" if kind == "reminder" else "none",
                    "state": state,
                    "date": TODAY,
                },
                **values,
            )
        )

    def level(self, number):
        scenario = self.env["collection.scenario"].create(
            {"name": "Campaign scenario", "company_id": self.env.company.id}
        )
        return self.env["collection.level"].create(
            {
                "name": f"Level {number}",
                "scenario_id": scenario.id,
                "level_number": number,
                "delay_days": 10 * number,
            }
        )

    @freeze_time(TODAY)
    def test_campaign_skips_customers_by_collection_state(self):
        frank = self.env["res.partner"].create(
            {"name": "Frank Formal", "email": "frank@example.com", "city": "Lyon"}
        )
        frank_invoice = self.invoice(frank, 100.0, "2026-01-20")
        gina = self.env["res.partner"].create(
            {"name": "Gina Escalated", "email": "gina@example.com", "city": "Lyon"}
        )
        gina_invoice = self.invoice(gina, 100.0, "2026-01-20")
        hugo = self.env["res.partner"].create(
            {"name": "Hugo Reminded", "email": "hugo@example.com", "city": "Lyon"}
        )
        hugo_invoice = self.invoice(hugo, 100.0, "2026-02-20")
        # Frank's invoice reached the third level of his scenario, Gina's
        # formal notice was decided (waiting for approval), Hugo got a
        # reminder five days ago.
        frank_invoice.collection_level_id = self.level(3)
        self.action(gina, gina_invoice, "escalation", "proposed")
        with freeze_time("2026-03-15 09:00:00"):
            self.action(hugo, hugo_invoice, "reminder", "approved")._mark_done()
        campaign = self.campaign()
        # Safe defaults: every check on, level 1, the company's quiet days.
        self.assertTrue(campaign.skip_beyond_level)
        self.assertEqual(campaign.max_level_number, 1)
        self.assertTrue(campaign.skip_recent_reminder)
        self.assertEqual(
            campaign.recent_reminder_days,
            self.env.company.collection_campaign_quiet_days,
        )
        self.assertTrue(campaign.skip_escalated)
        self.assertTrue(campaign.skip_disputed)
        campaign.action_preview()
        frank_line = self.line(campaign, frank)
        self.assertFalse(frank_line.reachable)
        self.assertFalse(frank_line.invoice_ids)
        self.assertIn(
            f"Skipped: invoice {frank_invoice.name} reached reminder level 3",
            frank_line.reason,
        )
        self.assertIn("beyond level 1", frank_line.reason)
        gina_line = self.line(campaign, gina)
        self.assertFalse(gina_line.invoice_ids)
        self.assertIn("Skipped: an escalation was decided on", gina_line.reason)
        hugo_line = self.line(campaign, hugo)
        self.assertFalse(hugo_line.invoice_ids)
        self.assertIn("Skipped: reminded on 03/15/2026", hugo_line.reason)
        self.assertIn("less than 14 days ago", hugo_line.reason)
        erin_line = self.line(campaign, self.erin)
        self.assertIn("Skipped: disputed invoice(s)", erin_line.reason)
        self.assertIn("Dispute open", erin_line.reason)
        # Alice is not skipped.
        self.assertTrue(self.line(campaign, self.alice).invoice_ids)
        # The reasons are kept as data: a French reader reads them in French
        # (dates in French format, the escalation's state and the dispute's
        # pause in French), although the preview was made in English.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        french = campaign.with_context(lang="fr_FR")
        self.assertIn("Écarté : relancé le 15/03/2026", self.line(french, hugo).reason)
        self.assertIn("Écarté : une escalade", self.line(french, gina).reason)
        self.assertIn("Litige ouvert", self.line(french, self.erin).reason)
        self.assertIn("Skipped: reminded on 03/15/2026", hugo_line.reason)
        campaign.action_launch()
        reminded = campaign.action_ids.partner_id
        self.assertIn(self.alice, reminded)
        self.assertFalse(reminded & (frank | gina | hugo | self.erin))
        for partner in (frank, gina, hugo, self.erin):
            self.assertEqual(self.line(campaign, partner).result, "skipped")
        # The chatter names whom the launch skipped.
        results = campaign.message_ids.filtered(
            lambda m: "Campaign launched" in (m.body or "")
        )
        self.assertIn("Skipped for their collection state", results.body)
        for partner in (frank, gina, hugo, self.erin):
            self.assertIn(partner.name, results.body)

    @freeze_time(TODAY)
    def test_campaign_state_checks_can_be_turned_off(self):
        frank = self.env["res.partner"].create(
            {"name": "Frank Formal", "email": "frank@example.com", "city": "Lyon"}
        )
        frank_invoice = self.invoice(frank, 100.0, "2026-01-20")
        self.action(frank, frank_invoice, "escalation", "done")
        with freeze_time("2026-03-15 09:00:00"):
            self.action(frank, frank_invoice, "reminder", "approved")._mark_done()
        frank_invoice.collection_level_id = self.level(3)
        campaign = self.campaign(
            skip_beyond_level=False,
            skip_recent_reminder=False,
            skip_escalated=False,
            skip_disputed=False,
        )
        campaign.action_preview()
        self.assertEqual(self.line(campaign, frank).invoice_ids, frank_invoice)
        self.assertFalse(self.line(campaign, frank).reason)
        # Without the dispute check, only the disputed invoice is left out.
        erin_invoice = self.invoice(self.erin, 80.0, "2026-03-01")
        campaign.action_preview()
        erin_line = self.line(campaign, self.erin)
        self.assertEqual(erin_line.invoice_ids, erin_invoice)
        self.assertIn("1 invoice(s) left out", erin_line.reason)
        # A higher level, a shorter quiet period: Frank is in again.
        other = self.campaign(max_level_number=3, recent_reminder_days=3)
        other.action_preview()
        self.assertFalse(
            "reached reminder level" in (self.line(other, frank).reason or "")
        )
        self.assertFalse("reminded on" in (self.line(other, frank).reason or ""))
        self.assertIn("escalation", self.line(other, frank).reason)

    @freeze_time(TODAY)
    def test_campaign_launch_checks_the_state_again(self):
        campaign = self.campaign()
        campaign.action_preview()
        self.assertTrue(self.line(campaign, self.alice).invoice_ids)
        # Between the preview and the launch, the scheduled run decided a
        # formal notice for Alice.
        self.action(self.alice, self.alice_old, "escalation", "approved")
        campaign.action_launch()
        self.assertFalse(
            campaign.action_ids.filtered(lambda a: a.partner_id == self.alice)
        )
        alice = self.line(campaign, self.alice)
        self.assertEqual(alice.result, "skipped")
        self.assertFalse(alice.reachable)
        self.assertIn("Skipped: an escalation was decided on", alice.reason)

    @freeze_time(TODAY)
    def test_campaign_email_posts_no_not_a_draft_note(self):
        campaign = self.campaign(partner_domain=f"[('id', '=', {self.alice.id})]")
        campaign.action_preview()
        campaign.action_launch()
        actions = campaign.action_ids
        self.assertEqual(set(actions.mapped("state")), {"done"})
        # The campaign's letter goes with the email ...
        self.assertTrue(actions.message_id.attachment_ids)
        # ... and Odoo does not take it for an invoice to import.
        for invoice in self.alice_old | self.alice_new:
            bodies = " ".join(invoice.message_ids.mapped("body"))
            self.assertNotIn("not a draft", bodies)
            self.assertNotIn("not updated from the attachment", bodies)
