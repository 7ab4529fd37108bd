# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reminder levels and scenarios, their default data, templates and rules,
and the Collection block of the settings."""

from contextlib import contextmanager
from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_amount, format_date, mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import give_default_configuration

TODAY = date(2026, 3, 16)
XMLID = "recouvrement_fidelite.%s"


def ref_xmlid(env, name):
    """A record of the module's data. The data belongs to the main company,
    while the accounting test user works in a company of its own."""
    return env.ref(XMLID % name).sudo()


class RefusalMixin:
    @contextmanager
    def assert_refused(self, exception, pattern):
        """Like ``assertRaisesRegex``, inside Odoo's savepoint: nothing is kept."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


@tagged("post_install", "-at_install")
class TestDefaultData(AccountTestInvoicingCommon):
    """What the module installs, as the collection department finds it."""

    def test_three_scenarios_with_their_typologies(self):
        standard = ref_xmlid(self.env, "collection_scenario_standard")
        premium = ref_xmlid(self.env, "collection_scenario_premium")
        late_payer = ref_xmlid(self.env, "collection_scenario_late_payer")
        main_company = self.env.ref("base.main_company").sudo()
        self.assertEqual(main_company.collection_default_scenario_id, standard)
        self.assertTrue(standard.is_company_default)
        self.assertFalse(premium.is_company_default)
        self.assertEqual(
            sorted(premium.typology_tag_ids.mapped("code")), ["key_account", "premium"]
        )
        self.assertEqual(
            sorted(late_payer.typology_tag_ids.mapped("code")),
            ["at_risk", "late_payer"],
        )
        self.assertEqual(
            sorted(standard.typology_tag_ids.mapped("code")), ["occasional", "standard"]
        )

    def test_standard_levels(self):
        standard = ref_xmlid(self.env, "collection_scenario_standard")
        levels = standard.level_ids.sorted("level_number")
        self.assertEqual(
            [(lv.level_number, lv.delay_days, lv._channels()) for lv in levels],
            [
                (0, -5, ["email"]),
                (1, 5, ["email"]),
                (2, 15, ["email", "sms"]),
                (3, 30, ["letter", "phone"]),
            ],
        )
        self.assertEqual(
            levels.mapped("requires_approval"), [False, False, False, True]
        )
        self.assertEqual(
            levels.mapped("tone"), ["courteous", "neutral", "firm", "formal"]
        )
        self.assertEqual(
            levels[0].mail_template_id,
            ref_xmlid(self.env, "mail_template_collection_courtesy"),
        )
        self.assertEqual(
            levels[2].sms_template_id,
            ref_xmlid(self.env, "sms_template_collection_firm"),
        )
        self.assertEqual(
            levels[3].activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(levels[0].delay_description, "5 days before the due date")
        self.assertEqual(levels[1].channel_summary, "Email")

    def test_premium_is_later_and_late_payer_earlier(self):
        def delays(xmlid):
            scenario = ref_xmlid(self.env, xmlid)
            return [lv.delay_days for lv in scenario.level_ids.sorted("level_number")]

        standard = delays("collection_scenario_standard")
        premium = delays("collection_scenario_premium")
        late_payer = delays("collection_scenario_late_payer")
        for level in (1, 2, 3):
            self.assertGreater(premium[level], standard[level])
            self.assertLess(late_payer[level], standard[level])
        premium_levels = ref_xmlid(self.env, "collection_scenario_premium").level_ids
        self.assertFalse(
            premium_levels.filtered("use_sms"), "no SMS for premium customers"
        )

    def test_every_email_or_sms_level_has_its_template(self):
        levels = (
            ref_xmlid(self.env, "collection_scenario_standard")
            | ref_xmlid(self.env, "collection_scenario_premium")
            | ref_xmlid(self.env, "collection_scenario_late_payer")
        ).level_ids
        self.assertEqual(len(levels), 12)
        for level in levels:
            if level.use_email:
                self.assertTrue(level.mail_template_id, level.display_name)
            if level.use_sms:
                self.assertTrue(level.sms_template_id, level.display_name)
            if level.use_call:
                self.assertTrue(level.activity_type_id, level.display_name)
            if level.use_letter:
                self.assertEqual(
                    level.letter_report_id,
                    ref_xmlid(self.env, "collection_letter_report"),
                )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestTemplates(AccountTestInvoicingCommon):
    """The reminder templates render for real posted invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "email": "compta@boulangerie-martin.example",
            }
        )
        cls.invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=TODAY - timedelta(days=40),
            amounts=[1250.0],
            taxes=[],
            post=True,
        )
        cls.other_invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=TODAY - timedelta(days=35),
            amounts=[320.0],
            taxes=[],
            post=True,
        )
        cls.controller = new_test_user(
            cls.env,
            login="claire_collection",
            name="Claire Dupont",
            email="claire@yourcompany.example",
            groups="recouvrement_fidelite.group_collection_user",
        )
        cls.customer.collection_user_id = cls.controller

    def render(self, xmlid, field, invoice=None, **context):
        invoice = invoice or self.invoice
        template = ref_xmlid(self.env, xmlid).with_context(**context)
        return template._render_field(field, invoice.ids, compute_lang=True)[invoice.id]

    def test_email_templates_render(self):
        amount = format_amount(self.env, 1250.0, self.invoice.currency_id)
        due = format_date(self.env, self.invoice.invoice_date_due)
        for tone in ("courtesy", "first", "firm", "formal"):
            with self.subTest(tone=tone):
                body = self.render(f"mail_template_collection_{tone}", "body_html")
                subject = self.render(f"mail_template_collection_{tone}", "subject")
                self.assertIn(self.invoice.name, subject)
                self.assertIn(self.invoice.name, body)
                self.assertIn(amount, body)
                self.assertIn(due, body)
                self.assertIn("Boulangerie Martin", body)
                self.assertIn(f"/my/invoices/{self.invoice.id}?access_token=", body)
                self.assertIn("Claire Dupont", body)
                self.assertIn("claire@yourcompany.example", body)
                self.assertNotIn("INV/2025/00042", body, "sample values are not output")

    def test_recipient_is_the_collection_contact(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Paul Martin",
                "parent_id": self.customer.id,
                "email": "paul@boulangerie-martin.example",
            }
        )
        self.customer.collection_contact_id = contact
        template = ref_xmlid(self.env, "mail_template_collection_first")
        partner_to = template._render_field("partner_to", self.invoice.ids)
        self.assertEqual(partner_to[self.invoice.id], str(contact.id))
        self.assertIn(
            "Dear Paul Martin",
            self.render("mail_template_collection_first", "body_html"),
        )

    def test_late_payment_charges_mentioned_to_businesses_only(self):
        body = self.render("mail_template_collection_firm", "body_html")
        self.assertIn("fixed compensation for recovery costs", body)
        self.customer.collection_customer_type = "b2c"
        body = self.render("mail_template_collection_firm", "body_html")
        self.assertNotIn("fixed compensation for recovery costs", body)
        body = self.render("mail_template_collection_formal", "body_html")
        self.assertNotIn("fixed compensation for recovery costs", body)

    def test_one_reminder_for_several_invoices(self):
        invoices = self.invoice | self.other_invoice
        # Both were reminded before: the firm wording may say so.
        invoices.sudo().collection_reminder_count = 1
        body = self.render(
            "mail_template_collection_firm",
            "body_html",
            collection_invoice_ids=invoices.ids,
        )
        self.assertIn("the following invoices are still unpaid", body)
        self.assertIn(self.other_invoice.name, body)
        self.assertIn(format_amount(self.env, 320.0, self.invoice.currency_id), body)
        self.assertIn(format_amount(self.env, 1570.0, self.invoice.currency_id), body)
        subject = self.render(
            "mail_template_collection_firm",
            "subject",
            collection_invoice_ids=invoices.ids,
        )
        self.assertIn("your overdue invoices", subject)

    def test_partial_payment_shows_what_is_left(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"amount": 250.0, "payment_date": TODAY})._create_payments()
        self.assertEqual(self.invoice.amount_residual, 1000.0)
        body = self.render("mail_template_collection_first", "body_html")
        self.assertIn(format_amount(self.env, 1000.0, self.invoice.currency_id), body)
        self.assertIn(format_amount(self.env, 1250.0, self.invoice.currency_id), body)

    def test_sms_templates_render(self):
        amount = format_amount(self.env, 1250.0, self.invoice.currency_id)
        for tone in ("courtesy", "first", "firm", "formal"):
            with self.subTest(tone=tone):
                body = self.render(f"sms_template_collection_{tone}", "body")
                self.assertIn(self.invoice.name, body)
                self.assertIn(amount, body)
                # The short link to the customer's collection page.
                self.assertIn(
                    self.customer._collection_portal_url(
                        self.invoice.company_id, short=True
                    ),
                    body,
                )
                self.assertTrue(body.startswith(self.invoice.company_id.name))

    def test_templates_follow_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        body = self.render("mail_template_collection_first", "body_html")
        # Dates and amounts follow the customer's language even when the
        # wording has no translation loaded.
        self.assertIn(
            format_date(self.env, self.invoice.invoice_date_due, lang_code="fr_FR"),
            body,
        )
        self.assertIn(
            format_amount(
                self.env, 1250.0, self.invoice.currency_id, lang_code="fr_FR"
            ),
            body,
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDefaultRules(AccountTestInvoicingCommon):
    """The default rule set takes the decisions the field advises."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_set = ref_xmlid(cls.env, "collection_rule_set_default")
        cls.engine = cls.env["collection.engine"]
        # The default rules follow the customer's scenario: the test company
        # gets the default scenarios, as the main company has them.
        give_default_configuration(cls.env, cls.env.company)
        cls.typologies = {
            code: ref_xmlid(cls.env, f"collection_typology_{code}")
            for code in ("premium", "late_payer", "standard", "at_risk", "key_account")
        }

    def customer(self, name, typology=None, is_company=True):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": is_company,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                "collection_typology_id": self.typologies[typology].id
                if typology
                else False,
            }
        )

    def invoice(self, customer, days_overdue, amount=1000.0):
        invoice = self.init_invoice(
            "out_invoice",
            partner=customer,
            invoice_date=TODAY - timedelta(days=60),
            amounts=[amount],
            taxes=[],
        )
        invoice.invoice_payment_term_id = False
        invoice.invoice_date_due = TODAY - timedelta(days=days_overdue)
        invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, TODAY - timedelta(days=days_overdue))
        return invoice

    def decide(self, invoices):
        evaluator = self.engine._evaluator(invoices.company_id, self.rule_set)
        results = evaluator.evaluate_many(self.engine._facts(invoices))
        decided = {}
        for invoice, result in zip(invoices, results, strict=True):
            self.assertFalse(result.error, result.error)
            decided[invoice] = (
                [t.rule for t in result.triggered],
                [(d.action, d.params) for d in result.decisions],
            )
        return decided

    def decide_facts(self, **facts):
        evaluator = self.engine._evaluator(self.env.company, self.rule_set)
        result = evaluator.evaluate_many([facts])[0]
        self.assertFalse(result.error, result.error)
        return [t.rule for t in result.triggered], [
            (d.action, d.params) for d in result.decisions
        ]

    def test_rule_set_is_valid(self):
        self.assertEqual(len(self.rule_set.rule_ids), 29)
        engine_rule_set = self.rule_set._to_engine()
        self.assertTrue(engine_rule_set.stop_on_first_trigger)
        self.assertEqual(len(engine_rule_set.rules), 29)
        for rule in self.rule_set.rule_ids:
            self.assertTrue(rule.note, f"rule {rule.name} explains itself")
        names = self.rule_set.rule_ids.sorted("sequence").mapped("name")
        self.assertEqual(names[0], "Disputed invoice: no reminder")

    def test_decisions_on_real_invoices(self):
        premium_10 = self.invoice(self.customer("Hotel Royal", "premium"), 10)
        premium_7 = self.invoice(self.customer("Maison Dior", "premium"), 7)
        late_payer_8 = self.invoice(self.customer("Garage Dubois", "late_payer"), 8)
        disputed = self.invoice(self.customer("Atelier Petit"), 20)
        disputed.collection_dispute_state = "open"
        small = self.invoice(self.customer("Fleuriste Rose"), 20, amount=30.0)
        not_due = self.invoice(self.customer("Cave Bernard", "standard"), -5)
        standard_16 = self.invoice(self.customer("Pharmacie Leroy"), 16)
        decided = self.decide(
            premium_10
            | premium_7
            | late_payer_8
            | disputed
            | small
            | not_due
            | standard_16
        )
        self.assertEqual(
            decided[premium_10],
            (
                ["Premium: first reminder when level 1 of the scenario is due"],
                # The reminder leaves on the level's channels (email).
                [("set_reminder_level", {"level": 1})],
            ),
        )
        # Too early for a premium customer, and never the standard reminder.
        self.assertEqual(decided[premium_7], (["Premium: nothing else to do"], []))
        self.assertEqual(
            decided[late_payer_8][1],
            [("set_reminder_level", {"level": 2})],
        )
        self.assertEqual(decided[disputed], (["Disputed invoice: no reminder"], []))
        self.assertEqual(
            decided[small],
            (
                ["Small amount: group in the statement of account"],
                [("group_in_statement", {})],
            ),
        )
        self.assertEqual(
            decided[not_due][1],
            [("set_reminder_level", {"level": 0})],
        )
        # Never reminded, 16 days late: the second reminder is the first sent.
        self.assertEqual(
            decided[standard_16][0],
            ["Second reminder when level 2 of the scenario is due"],
        )

    def test_levels_follow_each_other(self):
        customer = self.customer("Pharmacie Leroy")
        invoice = self.invoice(customer, 31)
        standard = ref_xmlid(self.env, "collection_scenario_standard")
        # An invoice takes levels of its own company's scenarios.
        scenario = standard.copy({"company_id": invoice.company_id.id})
        level_1, level_2 = (
            standard.level_ids.filtered(lambda lv, n=number: lv.level_number == n).copy(
                {"scenario_id": scenario.id}
            )
            for number in (1, 2)
        )
        # Never reminded: no last reminder before formal notice out of the blue.
        self.assertEqual(
            self.decide(invoice)[invoice][1][0], ("set_reminder_level", {"level": 2})
        )
        invoice.write(
            {
                "collection_level_id": level_1.id,
                "collection_last_reminder_date": TODAY - timedelta(days=3),
                "collection_reminder_count": 1,
            }
        )
        # Three days after a reminder, nothing more.
        self.assertEqual(self.decide(invoice)[invoice], ([], []))
        invoice.write(
            {
                "collection_level_id": level_2.id,
                "collection_last_reminder_date": TODAY - timedelta(days=8),
            }
        )
        rules, decisions = self.decide(invoice)[invoice]
        self.assertEqual(
            rules, ["Last reminder, and a call, when level 3 of the scenario is due"]
        )
        self.assertEqual(
            [action for action, _params in decisions],
            ["set_reminder_level", "schedule_call"],
        )

    def test_key_account_gets_premium_treatment(self):
        invoice = self.invoice(self.customer("Groupe Lambert", "key_account"), 6)
        self.assertEqual(
            self.decide(invoice)[invoice], (["Premium: nothing else to do"], [])
        )

    def test_customer_not_answering_calls(self):
        common = {
            "days_overdue": 30,
            "residual_amount": 900.0,
            "customer_overdue_amount": 900.0,
            "reminder_level": 2,
            "days_since_last_reminder": 15,
            "unanswered_calls": 3,
            "customer_typology": "standard",
            # 30 days overdue: the Standard scenario's level 3 is due.
            "scenario_level_due": 3,
        }
        rules, decisions = self.decide_facts(customer_type="b2b", **common)
        self.assertEqual(decisions, [("escalate", {"stage": "formal_notice"})])
        # A consumer gets the last reminder by letter, without a call.
        rules, decisions = self.decide_facts(customer_type="b2c", **common)
        self.assertEqual(
            decisions,
            [
                ("set_reminder_level", {"level": 3}),
                ("send_reminder", {"channel": "letter", "template": ""}),
            ],
        )
        # Answering customers get the call.
        rules, decisions = self.decide_facts(
            customer_type="b2c", **dict(common, unanswered_calls=0)
        )
        self.assertIn("schedule_call", [action for action, _params in decisions])

    def test_small_amount_of_a_customer_owing_much_is_chased(self):
        customer = self.customer("Fleuriste Rose")
        small = self.invoice(customer, 20, amount=30.0)
        self.invoice(customer, 40, amount=500.0)
        rules, _decisions = self.decide(small)[small]
        self.assertNotIn("Small amount: group in the statement of account", rules)

    def test_payment_plan_and_premium_formal_notice(self):
        rules, decisions = self.decide_facts(
            days_overdue=40, residual_amount=900.0, payment_plan_status="active"
        )
        self.assertEqual(decisions, [("remind_installments", {})])
        self.assertEqual(
            rules, ["Active payment plan: remind its installments, nothing else"]
        )
        rules, decisions = self.decide_facts(
            days_overdue=40, residual_amount=900.0, payment_plan_status="requested"
        )
        self.assertEqual(decisions, [])
        self.assertEqual(rules, ["Payment plan asked for: no reminder"])
        rules, decisions = self.decide_facts(
            days_overdue=70,
            residual_amount=900.0,
            customer_overdue_amount=900.0,
            reminder_level=3,
            days_since_last_reminder=16,
            customer_typology="premium",
        )
        self.assertEqual(
            [action for action, _params in decisions], ["notify_responsible"]
        )


@tagged("post_install", "-at_install")
class TestScenarioConstraints(RefusalMixin, AccountTestInvoicingCommon):
    """Scenarios refuse levels that would make no sense, with clear errors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = cls.env["collection.scenario"].create(
            {
                "name": "Wholesale",
                "level_ids": [
                    (0, 0, {"name": "Courtesy", "level_number": 0, "delay_days": -3}),
                    (0, 0, {"name": "First", "level_number": 1, "delay_days": 5}),
                    (0, 0, {"name": "Second", "level_number": 2, "delay_days": 15}),
                ],
            }
        )
        cls.levels = {lv.level_number: lv for lv in cls.scenario.level_ids}

    def assert_unchanged(self):
        self.env.invalidate_all()
        self.assertEqual(
            [
                (lv.level_number, lv.delay_days)
                for lv in self.scenario.level_ids.sorted("level_number")
            ],
            [(0, -3), (1, 5), (2, 15)],
        )

    def test_only_one_courtesy_level(self):
        with self.assert_refused(ValidationError, "only one courtesy reminder"):
            self.env["collection.level"].create(
                {
                    "scenario_id": self.scenario.id,
                    "name": "Another courtesy",
                    "level_number": 3,
                    "delay_days": -1,
                }
            )
        self.assert_unchanged()

    def test_only_level_zero_before_due_date(self):
        with self.assert_refused(
            ValidationError, "only the courtesy reminder, level 0"
        ):
            self.levels[0].delay_days = 0
            self.levels[1].delay_days = -2
        self.assert_unchanged()

    def test_delays_grow_with_level_numbers(self):
        with self.assert_refused(
            ValidationError, r"level 2 \(Second, 4 days\) must come later than level 1"
        ):
            self.levels[2].delay_days = 4
        self.assert_unchanged()

    def test_levels_written_together_are_checked_once(self):
        # Each line alone would break the order; together they keep it.
        self.scenario.write(
            {
                "level_ids": [
                    (1, self.levels[1].id, {"delay_days": 20}),
                    (1, self.levels[2].id, {"delay_days": 30}),
                ]
            }
        )
        self.assertEqual(self.levels[2].delay_days, 30)
        with self.assert_refused(ValidationError, "must come later"):
            self.scenario.write(
                {
                    "level_ids": [
                        (1, self.levels[1].id, {"delay_days": 40}),
                        (1, self.levels[2].id, {"delay_days": 35}),
                    ]
                }
            )

    def test_level_needs_a_channel(self):
        with self.assert_refused(ValidationError, "uses no channel"):
            self.levels[1].use_email = False

    def test_level_number_not_negative(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation):
            self.levels[1].level_number = -1
            self.env.flush_all()

    def test_scenario_form_adds_a_level(self):
        with Form(self.scenario) as form:
            with form.level_ids.new() as line:
                line.name = "Last"
                line.level_number = 3
                line.delay_days = 30
                line.use_email = False
                line.use_letter = True
                line.use_call = True
        last = self.scenario._level_for_number(3)
        self.assertEqual(last.name, "Last")
        self.assertEqual(last._channels(), ["letter", "phone"])
        self.assertEqual(
            last.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )

    def test_typology_tags_assign_the_scenario(self):
        premium = ref_xmlid(self.env, "collection_typology_premium")
        with Form(self.scenario) as form:
            form.typology_tag_ids.add(premium)
        self.assertEqual(premium.scenario_id, self.scenario)
        with Form(self.scenario) as form:
            form.typology_tag_ids.remove(premium.id)
        self.assertFalse(premium.scenario_id)


@tagged("post_install", "-at_install")
class TestScenarioForPartner(RefusalMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Scenario = cls.env["collection.scenario"]
        cls.default = Scenario.create({"name": "House default"})
        cls.special = Scenario.create({"name": "Special"})
        cls.typology = cls.env["collection.typology"].create(
            {"name": "Wholesaler", "code": "wholesaler", "scenario_id": cls.special.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Grossiste Moreau", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Luc Moreau", "parent_id": cls.customer.id}
        )

    def test_fallback_to_company_default(self):
        Scenario = self.env["collection.scenario"]
        self.assertFalse(Scenario._scenario_for_partner(self.customer))
        self.env.company.collection_default_scenario_id = self.default
        self.assertEqual(Scenario._scenario_for_partner(self.customer), self.default)

    def test_typology_scenario_first(self):
        Scenario = self.env["collection.scenario"]
        self.env.company.collection_default_scenario_id = self.default
        self.customer.collection_typology_id = self.typology
        self.assertEqual(Scenario._scenario_for_partner(self.contact), self.special)
        # Archived, or of another company: the default applies.
        self.special.active = False
        self.assertEqual(Scenario._scenario_for_partner(self.customer), self.default)
        self.special.active = True
        main_company = self.env.ref("base.main_company").sudo()
        self.assertEqual(
            Scenario.sudo()._scenario_for_partner(self.customer, main_company),
            main_company.collection_default_scenario_id,
        )

    def test_company_default_is_protected(self):
        self.default.action_set_company_default()
        self.assertEqual(self.env.company.collection_default_scenario_id, self.default)
        with self.assert_refused(UserError, "default reminder scenario"):
            self.default.active = False
        with self.assert_refused(UserError, "default reminder scenario"):
            self.default.unlink()
        self.assertTrue(self.default.exists())
        self.special.unlink()
        self.assertFalse(self.special.exists())

    def test_default_of_another_company_refused(self):
        main_scenario = ref_xmlid(self.env, "collection_scenario_standard")
        with self.assert_refused(ValidationError, "must belong to that company"):
            self.env.company.sudo().collection_default_scenario_id = main_scenario


@tagged("post_install", "-at_install")
class TestSettings(AccountTestInvoicingCommon):
    def test_settings_save_and_reload(self):
        scenario = self.env["collection.scenario"].create({"name": "Settings test"})
        approver = new_test_user(
            self.env,
            login="approver_rf",
            groups="recouvrement_fidelite.group_collection_manager",
            company_id=self.env.company.id,
        )
        with Form(self.env["res.config.settings"]) as form:
            form.collection_default_scenario_id = scenario
            form.collection_run_enabled = True
            form.collection_approver_id = approver
        company = self.env.company
        self.assertEqual(company.collection_default_scenario_id, scenario)
        self.assertTrue(company.collection_run_enabled)
        self.assertEqual(company.collection_approver_id, approver)
        reloaded = Form(self.env["res.config.settings"])
        self.assertEqual(reloaded.collection_default_scenario_id, scenario)
        self.assertTrue(reloaded.collection_run_enabled)

    def test_settings_buttons_open_the_screens(self):
        settings = self.env["res.config.settings"].create({})
        for method, model in (
            ("action_collection_typologies", "collection.typology"),
            ("action_collection_scenarios", "collection.scenario"),
            ("action_collection_rule_sets", "collection.rule.set"),
        ):
            action = getattr(settings, method)()
            self.assertEqual(action["type"], "ir.actions.act_window")
            self.assertEqual(action["res_model"], model)
        action = settings.action_collection_scenarios()
        self.assertEqual(
            action["id"], ref_xmlid(self.env, "collection_scenario_action").id
        )


@tagged("post_install", "-at_install")
class TestAccess(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = cls.env["collection.scenario"].create(
            {
                "name": "Access test",
                "level_ids": [
                    (0, 0, {"name": "First", "level_number": 1, "delay_days": 5})
                ],
            }
        )
        company = cls.env.company
        cls.collection_user = new_test_user(
            cls.env,
            login="rf_config_user",
            groups="recouvrement_fidelite.group_collection_user",
            company_id=company.id,
        )
        cls.collection_manager = new_test_user(
            cls.env,
            login="rf_config_manager",
            groups="recouvrement_fidelite.group_collection_manager",
            company_id=company.id,
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="rf_config_billing",
            groups="account.group_account_invoice",
            company_id=company.id,
        )

    def test_collection_user_reads_but_cannot_change(self):
        scenario = self.scenario.with_user(self.collection_user)
        self.assertEqual(scenario.level_ids.name, "First")
        with self.assertRaises(AccessError):
            scenario.name = "Renamed"
        with self.assertRaises(AccessError):
            scenario.level_ids.delay_days = 7
        with self.assertRaises(AccessError):
            self.env["collection.level"].with_user(self.collection_user).create(
                {
                    "scenario_id": self.scenario.id,
                    "name": "Second",
                    "level_number": 2,
                    "delay_days": 9,
                }
            )

    def test_invoicing_user_cannot_change(self):
        with self.assertRaises(AccessError):
            self.scenario.with_user(self.invoicing_user).name = "Renamed"
        with self.assertRaises(AccessError):
            self.scenario.level_ids.with_user(self.invoicing_user).delay_days = 7

    def test_manager_chooses_the_company_default(self):
        with self.assertRaises(AccessError):
            self.scenario.with_user(self.collection_user).action_set_company_default()
        self.scenario.with_user(self.collection_manager).action_set_company_default()
        self.assertEqual(self.env.company.collection_default_scenario_id, self.scenario)

    def test_manager_configures(self):
        scenario = self.scenario.with_user(self.collection_manager)
        scenario.name = "Renamed"
        scenario.level_ids.delay_days = 7
        level = (
            self.env["collection.level"]
            .with_user(self.collection_manager)
            .create(
                {
                    "scenario_id": self.scenario.id,
                    "name": "Second",
                    "level_number": 2,
                    "delay_days": 20,
                }
            )
        )
        self.assertEqual(scenario.level_count, 2)
        level.unlink()
        self.assertEqual(self.scenario.name, "Renamed")
        self.assertEqual(fields.first(self.scenario.level_ids).delay_days, 7)
