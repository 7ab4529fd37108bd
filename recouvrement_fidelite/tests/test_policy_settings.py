# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Legal and policy figures are data, not constants: the company's settings
and the legal profiles; each, once changed, changes what the addon does."""

import json

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import InvoiceMixin

TODAY = "2026-03-20"
REPORT = "recouvrement_fidelite.collection_letter"


@tagged("post_install", "-at_install")
class TestPolicySettings(InvoiceMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.env.user.groups_id |= cls.env.ref(
            "recouvrement_fidelite.group_collection_manager"
        )
        cls.company = cls.env.company
        cls.company.write({"country_id": cls.env.ref("base.fr").id, "city": "Lyon"})
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin SARL",
                "is_company": True,
                "lang": "en_US",
                "street": "8 avenue Jean Jaurès",
                "zip": "69007",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.late = cls.invoice(cls.customer, 420.0, "2026-02-08")

    def html(self, invoices, data=None):
        content, _format = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, invoices.ids, data=data
        )
        return content.decode() if isinstance(content, bytes) else str(content)

    def letter(self, invoices, data=None):
        return self.env[
            "report.recouvrement_fidelite.collection_letter"
        ]._get_report_values(invoices.ids, data=data or {})["letters"][0]

    # Legal defaults

    def profile(self):
        return self.env.ref("recouvrement_fidelite.legal_profile_fr_b2b")

    @freeze_time(TODAY)
    def test_letter_shows_the_indemnity_of_the_legal_profile(self):
        self.assertEqual(self.profile().indemnity_band_ids.indemnity, 40.0)
        self.assertIn(
            "indemnity of EUR 40 ", self.letter(self.late)["late_payment_terms"]
        )
        self.profile().indemnity_band_ids.indemnity = 55.0
        html = self.html(self.late)
        self.assertIn("L441-10", html)
        self.assertIn("indemnity of EUR 55 for recovery costs", html)
        self.assertNotIn("EUR 40", html)
        # The law's currency, not the company's; cents when there are some.
        self.profile().write({"indemnity_currency_id": self.env.ref("base.GBP").id})
        self.profile().indemnity_band_ids.indemnity = 70.5
        self.assertIn("GBP 70.50", self.letter(self.late)["late_payment_terms"])

    @freeze_time(TODAY)
    def test_letter_shows_the_mention_of_the_legal_profile(self):
        self.profile().late_payment_mention = (
            "Late payment: {indemnity} per invoice, and interest."
        )
        self.profile().indemnity_band_ids.indemnity = 45.0
        html = self.html(self.late)
        self.assertIn("Late payment: EUR 45 per invoice, and interest.", html)
        self.assertNotIn("L441-10", html)
        self.profile().late_payment_mention = False
        html = self.html(self.late)
        self.assertIn("Late payment between businesses entitles us", html)
        # Consumers get no mention at all (CPCE L111-8).
        self.customer.collection_customer_type = "b2c"
        self.assertNotIn('name="late_payment_terms"', self.html(self.late))
        with self.assertRaises(ValidationError) as caught:
            self.profile().late_payment_mention = "Indemnity {amount}."
        self.assertIn("{indemnity}", str(caught.exception))

    @freeze_time(TODAY)
    def test_letter_mention_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["recouvrement_fidelite"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        self.profile().indemnity_band_ids.indemnity = 50.0
        mention = self.letter(self.late)["late_payment_terms"]
        self.assertIn("Conformément à l'article L441-10 du Code de commerce", mention)
        self.assertIn("frais de recouvrement de 50 EUR par facture", mention)
        self.assertNotIn("{indemnity}", mention)

    @freeze_time(TODAY)
    def test_law_of_a_customer_without_country(self):
        self.customer.country_id = False
        self.company.write({"country_id": False, "account_fiscal_country_id": False})
        self.assertEqual(self.company.collection_law_country_id.code, "FR")
        self.assertIn("L441-10", self.html(self.late))
        self.company.collection_law_country_id = self.env.ref("base.be")
        html = self.html(self.late)
        self.assertNotIn("L441-10", html)
        self.assertIn("Late payment between businesses entitles us", html)

    # Collection policy

    @freeze_time(TODAY)
    def test_letter_deadline_follows_the_setting(self):
        self.assertEqual(self.company.collection_letter_deadline_days, 8)
        html = self.html(self.late, data={"tone": "neutral"})
        self.assertIn("by March 28, 2026", html)
        self.company.collection_letter_deadline_days = 15
        html = self.html(self.late, data={"tone": "neutral"})
        self.assertIn("by April 4, 2026", html)
        self.assertNotIn("March 28, 2026", html)

    def test_history_months_used_by_the_payment_history(self):
        customer = self.env["res.partner"].create(
            {"name": "Retard & Fils", "is_company": True}
        )
        with freeze_time(TODAY):
            # 18 months old, still unpaid: outside 12 months, inside 24.
            self.invoice(customer, 100.0, "2024-10-30", invoice_date="2024-09-30")
            stats = self.env["res.partner"]._collection_payment_stats(
                customer.ids, self.company
            )
            self.assertEqual(stats[customer.id]["invoice_count"], 0)
            self.company.collection_history_months = 24
            stats = self.env["res.partner"]._collection_payment_stats(
                customer.ids, self.company
            )
            self.assertEqual(stats[customer.id]["invoice_count"], 1)
            self.assertEqual(stats[customer.id]["late_ratio"], 100.0)
            # The suggestion reads the same period.
            customer.action_collection_compute_suggestion()
            self.assertEqual(customer.collection_invoice_count, 1)

    def test_unanswered_calls_window(self):
        engine = self.env["collection.engine"]
        with freeze_time("2025-12-01 10:00:00"):
            call = self.env["collection.action"]._record(
                {
                    "company_id": self.company.id,
                    "invoice_id": self.late.id,
                    "partner_id": self.customer.id,
                    "kind": "call",
                    "channel": "phone",
                    "state": "done",
                    "call_outcome": "no_answer",
                    "done_at": "2025-12-01 10:00:00",
                }
            )
        self.assertEqual(call.call_outcome, "no_answer")
        with freeze_time(TODAY):  # 109 days later
            self.assertEqual(engine._facts(self.late)[0]["unanswered_calls"], 0)
            self.company.collection_unanswered_calls_days = 120
            self.assertEqual(engine._facts(self.late)[0]["unanswered_calls"], 1)

    def test_new_customers_get_the_default_call_hours(self):
        self.company.write(
            {
                "collection_call_morning_from": 9.0,
                "collection_call_morning_to": 12.5,
                "collection_call_afternoon_from": 13.5,
                "collection_call_afternoon_to": 18.0,
            }
        )
        partner = self.env["res.partner"].create({"name": "New customer"})
        self.assertEqual(
            (
                partner.collection_call_morning_from,
                partner.collection_call_morning_to,
                partner.collection_call_afternoon_from,
                partner.collection_call_afternoon_to,
            ),
            (9.0, 12.5, 13.5, 18.0),
        )
        # Existing customers keep their own hours.
        self.assertEqual(self.customer.collection_call_morning_from, 10.0)

    def test_max_installments_bound_enforced_on_rule_save(self):
        rule_set = self.env["collection.rule.set"].create({"name": "Plans"})

        def rule(installments):
            return self.env["collection.rule"].create(
                {
                    "rule_set_id": rule_set.id,
                    "name": f"Plan in {installments}",
                    "conditions": json.dumps(
                        {"name": "days_overdue", "operator": "greater_than", "value": 0}
                    ),
                    "actions": json.dumps(
                        [
                            {
                                "name": "offer_payment_plan",
                                "params": {"max_installments": installments},
                            }
                        ]
                    ),
                }
            )

        rule(24)
        with self.assertRaises(ValidationError) as caught:
            rule(25)
        self.assertIn("expected at most 24, got 25", str(caught.exception))
        self.company.collection_max_installments = 36
        rule(30)
        self.company.collection_max_installments = 6
        with self.assertRaises(ValidationError) as caught:
            rule(12)
        self.assertIn("expected at most 6, got 12", str(caught.exception))
        # The editor shows the bound.
        catalogue = self.env["collection.rule"].get_editor_catalogue()
        plan = next(
            action
            for action in catalogue["actions"]
            if action["name"] == "offer_payment_plan"
        )
        self.assertEqual(plan["params"][0]["max"], 6)

    # Settings

    def test_settings_form_writes_the_company(self):
        with Form(self.env["res.config.settings"]) as settings:
            self.assertEqual(settings.collection_max_installments, 24)
            settings.collection_letter_deadline_days = 10
            settings.collection_history_months = 18
            settings.collection_unanswered_calls_days = 60
            settings.collection_max_installments = 12
        settings.save().execute()
        self.assertRecordValues(
            self.company,
            [
                {
                    "collection_letter_deadline_days": 10,
                    "collection_history_months": 18,
                    "collection_unanswered_calls_days": 60,
                    "collection_max_installments": 12,
                }
            ],
        )

    def test_absurd_values_are_refused(self):
        for field, value in [
            ("collection_letter_deadline_days", 0),
            ("collection_letter_deadline_days", -8),
            ("collection_history_months", 0),
            ("collection_history_months", 1200),
            ("collection_unanswered_calls_days", -1),
            ("collection_max_installments", 1),
            ("collection_max_installments", 1000),
        ]:
            with self.subTest(field=field, value=value):
                with self.assertRaises(ValidationError) as caught:
                    self.company.write({field: value})
                self.assertIn("must be between", str(caught.exception))
        for hours in [(13.0, 10.0, 14.0, 20.0), (10.0, 13.0, 14.0, 25.0)]:
            with self.subTest(hours=hours), self.assertRaises(ValidationError):
                self.company.write(
                    dict(
                        zip(
                            [
                                "collection_call_morning_from",
                                "collection_call_morning_to",
                                "collection_call_afternoon_from",
                                "collection_call_afternoon_to",
                            ],
                            hours,
                            strict=True,
                        )
                    )
                )

    def test_a_new_company_gets_the_defaults(self):
        company = self.env["res.company"].create(
            {"name": "RF Policy Co", "currency_id": self.company.currency_id.id}
        )
        self.assertRecordValues(
            company,
            [
                {
                    "collection_letter_deadline_days": 8,
                    "collection_history_months": 12,
                    "collection_unanswered_calls_days": 90,
                    "collection_call_morning_from": 10.0,
                    "collection_call_afternoon_to": 20.0,
                    "collection_max_installments": 24,
                }
            ],
        )
        self.assertEqual(company.collection_law_country_id, self.env.ref("base.fr"))
