# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The seams of issue 9: action kinds handled by a registry, one plan loop,
one catalogue a run, one owner for reachable channels and for "already
recorded"."""

import json
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..engine.concepts import CHANNELS
from .test_collection_run import TODAY, CollectionRunCase, leaf


@tagged("post_install", "-at_install")
class TestActionKinds(CollectionRunCase):
    def test_every_kind_has_one_handler_that_names_it(self):
        handlers = self.env["collection.action.kind"]._handlers()
        self.assertEqual(
            list(handlers),
            [
                "reminder",
                "installment",
                "call",
                "pause",
                "payment_plan",
                "escalation",
                "charge",
                "notify",
                "statement",
            ],
        )
        choices = dict(
            self.env["collection.action"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        self.assertEqual(list(choices), list(handlers))
        self.assertEqual(choices["payment_plan"], "Offer a payment plan")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        french = dict(
            self.env["collection.action"]
            .with_context(lang="fr_FR")
            ._fields["kind"]
            ._description_selection(self.env(context={"lang": "fr_FR"}))
        )
        self.assertEqual(french["payment_plan"], "Proposer un échéancier")
        self.assertEqual(french["call"], "Appel")
        # Every engine action is taken by exactly one kind, but the level
        # step, which the planner owns.
        taken = [
            name for handler in handlers.values() for name in handler._engine_actions
        ]
        self.assertEqual(len(taken), len(set(taken)))
        self.assertEqual(
            sorted(taken + ["set_reminder_level"]),
            sorted(a["name"] for a in self.rule_set_catalogue()["actions"]),
        )

    def rule_set_catalogue(self):
        return self.env["collection.engine"]._catalogue(self.env.company).export()

    def test_dispatch_goes_through_the_kind_handler(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")  # level 1, email
        handler_class = type(self.env["collection.action.kind.reminder"])
        seen = []
        original = handler_class._execute

        def execute(handler, actions, channel):
            seen.append((handler._kind, channel, actions.invoice_id))
            return original(handler, actions, channel)

        with (
            freeze_time(TODAY),
            self.mockSMSGateway(),
            patch.object(handler_class, "_execute", execute),
        ):
            self.run_collection()
        self.assertEqual(seen, [("reminder", "email", invoice)])
        self.assertEqual(self.actions(invoice_id=invoice.id).state, "done")

    def test_the_catalogue_is_built_once_per_run(self):
        for customer, amount in ((self.alice, 100.0), (self.bob, 200.0)):
            self.invoice(customer, amount, "2026-03-12")
        engine_class = type(self.env["collection.engine"])
        original = engine_class._catalogue
        calls = []

        def catalogue(model, company=None):
            calls.append(company)
            return original(model, company)

        with (
            freeze_time(TODAY),
            self.mockSMSGateway(),
            patch.object(engine_class, "_catalogue", catalogue),
        ):
            run = self.run_collection(batch_size=1)
        self.assertEqual(run.customer_done, 2)
        self.assertEqual(run.action_count, 2)
        self.assertEqual(len(calls), 1, "one catalogue for the run, not a batch")

    @freeze_time(TODAY)
    def test_the_dry_run_plans_what_the_run_records(self):
        self.invoice(self.alice, 500.0, "2026-03-01")  # level 2: email and SMS
        self.invoice(self.bob, 300.0, "2026-02-10")  # level 3: waits
        self.invoice(self.carol, 100.0, "2026-03-12")  # level 1, no address
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        dry = sorted(
            (line.invoice_id.id, line.kind, line.channel, line.level_id.id)
            for line in wizard.line_ids
        )
        with self.mockSMSGateway():
            run = self.run_collection()
        planned = sorted(
            (action.invoice_id.id, action.kind, action.channel, action.level_id.id)
            for action in run.action_ids
        )
        # The run may switch an unreachable channel to the level's fallback
        # at dispatch; what it planned is what the dry run showed.
        self.assertEqual(len(dry), len(planned))
        self.assertEqual(
            [row for row in dry if row[0] != self.carol.id],
            [row for row in planned if row[0] != self.carol.id],
        )
        self.assertEqual(len(dry), 5)

    def test_reachable_channels_have_one_owner(self):
        """The rules' fact and the dispatch agree, channel by channel."""
        Partner = self.env["res.partner"]
        customers = (
            self.alice,
            self.bob,
            self.carol,
            Partner.create({"name": "Dan", "is_company": True, "mobile": "12"}),
            Partner.create(
                {"name": "Eve", "is_company": True, "phone": "+33 4 72 00 00 00"}
            ),
        )
        for customer in customers:
            invoice = self.invoice(customer, 100.0, "2026-03-12")
            with freeze_time(TODAY):
                [facts] = self.env["collection.engine"]._facts(invoice)
            for channel, _label in CHANNELS:
                reason = customer._collection_unreachable_reason(
                    invoice.partner_id, channel
                )
                self.assertEqual(
                    channel in facts["reachable_channels"],
                    not reason,
                    f"{customer.name}, {channel}: {reason}",
                )
        self.assertIn("no valid mobile number", reason_of(customers[3], "sms"))
        self.assertIn("postal address", reason_of(self.carol, "letter"))
        self.assertIn("phone", reason_of(self.bob, "phone"))
        self.assertEqual(reason_of(customers[4], "phone"), "")

    def test_recorded_keys_are_those_not_cancelled(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")
        Action = self.env["collection.action"]
        base = {"partner_id": self.alice.id, "invoice_id": invoice.id}
        for state in ("failed", "cancelled", "done", "proposed"):
            Action._record(dict(base, state=state, dedup_key=f"key-{state}"))
        self.assertEqual(
            Action._recorded_keys(
                ["key-failed", "key-cancelled", "key-done", "key-proposed", "new"]
            ),
            {"key-failed", "key-done", "key-proposed"},
        )
        self.assertEqual(
            Action._recorded_keys(["key-failed", "key-done"], retry_failed=True),
            {"key-done"},
        )

    @freeze_time(TODAY)
    def test_planning_takes_a_constant_number_of_queries(self):
        """Each handler is asked about every invoice: one that has nothing to
        plan must not query (a charge handler once read each invoice's claim)."""
        customers = self.env["res.partner"].create(
            [
                {"name": f"Planned {i}", "is_company": True, "email": f"p{i}@x.example"}
                for i in range(12)
            ]
        )
        invoices = self.env["account.move"]
        for index in range(24):
            invoices |= self.invoice(customers[index % 12], 100.0 + index, "2026-03-10")
        planner = self.env["collection.planner"]
        session = planner._session(self.env.company, fields.Date.to_date(TODAY))

        def queries_for(batch):
            batch = self.env["account.move"].browse(batch.ids)
            results = session.evaluator.evaluate_many(
                self.env["collection.engine"]._facts(batch)
            )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            planned = planner._planned(session, batch, results)
            self.assertTrue(planned)
            return self.env.cr.sql_log_count - before

        queries_for(invoices[:2])  # warm the caches unrelated to the batch
        self.assertEqual(queries_for(invoices[:4]), queries_for(invoices))

    @freeze_time(TODAY)
    def test_each_kind_plans_its_decisions(self):
        self.rule_set.active = False
        actions = [
            {"name": "set_reminder_level", "params": {"level": 1}},
            {"name": "pause_reminders", "params": {"days": 3, "reason": "Holiday"}},
            {"name": "escalate", "params": {"stage": "formal_notice"}},
            {"name": "notify_responsible", "params": {"message": "Look"}},
            {"name": "notify_responsible", "params": {"message": "Look again"}},
        ]
        self.env["collection.rule.set"].create(
            {
                "name": "Every kind",
                "priority": 1,
                "company_id": self.env.company.id,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Overdue",
                            "conditions": json.dumps(
                                leaf("days_overdue", "greater_than_or_equal_to", 5)
                            ),
                            "actions": json.dumps(actions),
                        },
                    )
                ],
            }
        )
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")
        planner = self.env["collection.planner"]
        session = planner._session(self.env.company, fields.Date.to_date(TODAY))
        _results, planned = session.plan_batch(invoice)
        kinds = sorted((values["kind"], values["channel"]) for values in planned)
        self.assertEqual(
            kinds,
            [
                ("escalation", "none"),
                ("notify", "none"),
                ("notify", "none"),
                ("pause", "none"),
                ("reminder", "email"),
            ],
        )
        keys = [values["dedup_key"] for values in planned]
        self.assertEqual(len(set(keys)), len(keys), "two notices, two keys")


def reason_of(customer, channel):
    return customer._collection_unreachable_reason(customer, channel)


@tagged("post_install", "-at_install")
class TestDryRunThenPart(CollectionRunCase):
    @freeze_time(TODAY)
    def test_only_the_ticked_actions_are_run_for_real(self):
        first = self.invoice(self.alice, 500.0, "2026-03-01")  # email and SMS
        second = self.invoice(self.alice, 300.0, "2026-03-02")  # email and SMS
        other = self.invoice(self.bob, 100.0, "2026-03-12")  # email -> letter
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        self.assertEqual(len(wizard.line_ids), 5)
        # Each invoice counted once, whatever its number of actions.
        self.assertEqual(wizard.planned_invoice_count, 3)
        self.assertEqual(wizard.planned_amount, 900.0)
        wizard.line_ids.filtered(
            lambda line: line.partner_id == self.bob or line.channel == "sms"
        ).selected = False
        self.assertEqual(wizard.selected_count, 2)
        with self.mockSMSGateway():
            wizard.action_run_for_real()
        run = wizard.run_id
        self.assertEqual(run.limit_partner_ids, self.alice)
        recorded = self.env["collection.action"].search([])
        self.assertEqual(
            sorted((a.invoice_id.id, a.channel) for a in recorded),
            sorted([(first.id, "email"), (second.id, "email")]),
        )
        self.assertEqual(set(recorded.mapped("state")), {"done"})
        self.assertFalse(self._new_sms)
        # The next full run does what was left out, and nothing twice.
        with self.mockSMSGateway():
            self.run_collection()
        recorded = self.env["collection.action"].search([])
        self.assertEqual(
            sorted((a.invoice_id.id, a.channel) for a in recorded),
            sorted(
                [
                    (first.id, "email"),
                    (second.id, "email"),
                    (first.id, "sms"),
                    (second.id, "sms"),
                    (other.id, "letter"),
                ]
            ),
        )

    @freeze_time(TODAY)
    def test_nothing_ticked_is_refused(self):
        self.invoice(self.alice, 500.0, "2026-03-01")
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        wizard.line_ids.selected = False
        with self.assertRaisesRegex(UserError, "Tick at least one"):
            wizard.action_run_for_real()
        self.assertFalse(self.env["collection.run"].search([]))


@tagged("post_install", "-at_install")
class TestRunNames(CollectionRunCase):
    def test_a_run_is_named_in_the_readers_language_and_numbered_in_its_day(self):
        Run = self.env["collection.run"]
        first = Run.create({"company_id": self.env.company.id, "run_date": TODAY})
        second = Run.create({"company_id": self.env.company.id, "run_date": TODAY})
        company = self.env.company.name
        self.assertEqual(
            first.display_name, f"Collection run of 03/20/2026 ({company})"
        )
        self.assertEqual(
            second.display_name, f"Collection run of 03/20/2026, no. 2 ({company})"
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        french = second.with_context(lang="fr_FR")
        french.invalidate_recordset(["name", "display_name"])
        self.assertEqual(
            french.display_name,
            f"Passage de recouvrement du 20/03/2026, n° 2 ({company})",
        )
        self.assertNotIn("2026-03-20", french.display_name)


@tagged("post_install", "-at_install")
class TestWordsOfTheReader(CollectionRunCase):
    @freeze_time(TODAY)
    def test_an_explanation_is_worded_in_the_readers_language(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        # A French team's run...
        self.env.company.partner_id.lang = "fr_FR"
        with self.mockSMSGateway():
            self.run_collection()
        action = self.actions(invoice_id=invoice.id)
        self.assertEqual(action.explanation_data["rule"], "Level 1")
        # ...read by an English user, then by a French one.
        english = action.with_context(lang="en_US")
        self.assertIn("Days overdue 8 >= 5", english.explanation)
        french = action.with_context(lang="fr_FR")
        french.invalidate_recordset(["explanation"])
        self.assertIn("Jours de retard 8 >= 5", french.explanation)

    @freeze_time(TODAY)
    def test_rule_names_and_notices_follow_the_readers_language(self):
        """Rules are named in the reader's language, not frozen in the run's;
        a notice without a message of its own is titled with its rule's name,
        in the language of the responsible who reads it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        level_1 = self.rule_set.rule_ids.filtered(lambda r: r.name == "Level 1")
        level_1.actions = json.dumps(
            [
                {"name": "set_reminder_level", "params": {"level": 1}},
                {"name": "notify_responsible", "params": {}},
            ]
        )
        level_1.with_context(lang="fr_FR").name = "Niveau 1"
        self.rule_set.with_context(lang="fr_FR").name = "Règles de test"
        responsible = new_test_user(
            self.env,
            login="french_controller",
            groups="recouvrement_fidelite.group_collection_user",
            lang="fr_FR",
        )
        self.alice.collection_user_id = responsible
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")
        with self.mockSMSGateway():
            self.run_collection()  # in English
        notice = self.actions(invoice_id=invoice.id, kind="notify")
        self.assertEqual(notice.rule_id, level_1)
        self.assertEqual(notice.activity_id.summary, "Niveau 1")
        self.assertEqual(notice.rule_label, "Level 1")
        french = notice.with_context(lang="fr_FR")
        self.assertEqual(french.rule_label, "Niveau 1")
        self.assertEqual(french.rule_set_label, "Règles de test")
        self.assertTrue(french.explanation.startswith("Niveau 1"))
        # A deleted rule is still named as it was when decided.
        notice.rule_id = False
        self.assertEqual(notice.with_context(lang="fr_FR").rule_label, "Level 1")


@tagged("post_install", "-at_install")
class TestStatesTellTheTruth(CollectionRunCase):
    @freeze_time(TODAY)
    def test_a_letter_is_done_once_posted(self):
        invoice = self.invoice(self.bob, 100.0, "2026-03-12")  # email -> letter
        emailed = self.invoice(self.alice, 80.0, "2026-03-12")
        self.run_collection()
        letter = self.actions(invoice_id=invoice.id)
        self.assertEqual((letter.channel, letter.state), ("letter", "pending"))
        self.assertTrue(letter.attachment_id)
        self.assertEqual(invoice.collection_reminder_count, 0, "not sent yet")
        printed = letter.action_print_letters()
        self.assertIn("/web/content/", printed["url"])
        with self.assertRaisesRegex(UserError, "waiting to be posted"):
            self.actions(invoice_id=emailed.id).action_mark_posted()
        letter.action_mark_posted()
        self.assertEqual(letter.state, "done")
        self.assertEqual(invoice.collection_reminder_count, 1)
        self.assertEqual(invoice.collection_level_id, self.level_1)

    @freeze_time(TODAY)
    def test_an_email_not_delivered_fails_and_can_be_retried(self):
        invoice = self.invoice(self.alice, 100.0, "2026-03-12")  # email
        self.run_collection()
        email = self.actions(invoice_id=invoice.id)
        self.assertEqual(email.state, "done")
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", email.message_id.id)]
        )
        self.assertTrue(notification)
        # The mail queue reports the failure (as the system, as it runs).
        notification.sudo().write(
            {"notification_status": "exception", "failure_type": "mail_email_invalid"}
        )
        self.assertEqual(email.state, "failed")
        self.assertIn("not delivered", email.failure_reason)
        self.assertIn("Invalid email address", email.failure_reason)
        email.action_retry()
        self.assertEqual(email.state, "done")
        self.assertEqual(invoice.collection_reminder_count, 1, "one step")

    @freeze_time(TODAY)
    def test_an_sms_rejected_by_the_sms_service_fails(self):
        invoice = self.invoice(self.alice, 500.0, "2026-03-01")  # email and SMS
        with self.mockSMSGateway():
            self.run_collection()
        sms = self.actions(invoice_id=invoice.id, channel="sms")
        self.assertEqual(sms.state, "done")
        # The SMS service's delivery report: the number was rejected.
        self.env["mail.notification"].sudo().search(
            [("mail_message_id", "=", sms.message_id.id)]
        ).write(
            {"notification_status": "exception", "failure_type": "sms_number_format"}
        )
        self.assertEqual(sms.state, "failed")
        self.assertIn("not delivered", sms.failure_reason)
        email = self.actions(invoice_id=invoice.id, channel="email")
        self.assertEqual(email.state, "done", "the other channel is not touched")

    @freeze_time(TODAY)
    def test_a_failure_is_worded_in_the_readers_language(self):
        invoice = self.invoice(self.carol, 100.0, "2026-03-12")  # no email, no address
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        self.env.company.partner_id.lang = "fr_FR"
        self.run_collection()
        action = self.actions(invoice_id=invoice.id)
        self.assertEqual(action.state, "failed")
        # Written in the run's language (the company's), for notices...
        self.assertIn("impossible", action.failure_reason)
        # ...shown in the reader's.
        self.assertEqual(
            action.with_context(lang="en_US").failure_message,
            "Email not possible: the customer has no email address.",
        )
        french = action.with_context(lang="fr_FR").failure_message
        self.assertIn("E-mail impossible", french)
        self.assertIn("le client n'a pas d'adresse e-mail", french)

    @freeze_time(TODAY)
    def test_a_call_that_cannot_be_planned_says_why_in_the_readers_language(self):
        from ..models.res_partner import WEEKDAY_FIELDS

        self.alice.write(dict.fromkeys(WEEKDAY_FIELDS, False))
        invoice = self.invoice(self.alice, 900.0, "2026-02-10")  # level 3: call
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        self.env.company.partner_id.lang = "fr_FR"
        self.run_collection()
        call = self.actions(invoice_id=invoice.id, kind="call")
        call.with_context(lang="fr_FR").action_approve()
        self.assertEqual(call.state, "failed")
        self.assertIn("Aucun appel planifié", call.failure_reason)
        self.assertEqual(
            call.with_context(lang="en_US").failure_message,
            "No call planned: the customer may be called on no day of the week. "
            "Set the days and hours when the customer may be called, then retry.",
        )
