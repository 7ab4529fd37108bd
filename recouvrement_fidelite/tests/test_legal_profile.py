# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Legal profiles: which law a customer gets, and what it adds to a late
invoice (late interest, indemnity, total claim, prescription), as figures
an administrator edits; the rules see it."""

import json

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_collection_run import CollectionRunCase, leaf


@tagged("post_install", "-at_install")
class TestLegalProfile(CollectionRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.fr_business = Partner.create(
            {
                "name": "Dupont SARL",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.fr_consumer = Partner.create(
            {"name": "Jeanne Martin", "country_id": cls.env.ref("base.fr").id}
        )
        cls.be_business = Partner.create(
            {
                "name": "Brussels BV",
                "is_company": True,
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.uk_business = Partner.create(
            {
                "name": "London Ltd",
                "is_company": True,
                "country_id": cls.env.ref("base.uk").id,
            }
        )
        cls.us_business = Partner.create(
            {
                "name": "Boston Inc",
                "is_company": True,
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.Profile = cls.env["collection.legal.profile"]

    def ref(self, name):
        return self.env.ref(f"recouvrement_fidelite.{name}")

    def test_each_customer_gets_the_profile_of_their_type_and_country(self):
        company = self.env.company
        cases = [
            (self.fr_business, "legal_profile_fr_b2b"),
            (self.fr_consumer, "legal_profile_fr_b2c"),
            (self.be_business, "legal_profile_eu_b2b"),  # by the EU group
            (self.uk_business, "legal_profile_uk_b2b"),
        ]
        for customer, xml_id in cases:
            with self.subTest(customer=customer.name):
                self.assertEqual(
                    self.Profile._for_partner(customer, company), self.ref(xml_id)
                )
        # No profile names the United States, nor a default: no law applied.
        self.assertFalse(self.Profile._for_partner(self.us_business, company))
        # A company's own profile comes before the shared one.
        own = self.ref("legal_profile_fr_b2b").copy(
            {"name": "Our French terms", "company_id": company.id}
        )
        self.assertEqual(self.Profile._for_partner(self.fr_business, company), own)

    @freeze_time("2025-07-10")
    def test_a_late_business_invoice_claims_interest_and_indemnity(self):
        # ECB 3.15 % on 1 January 2025 and 2.15 % on 1 July 2025 (+ 10):
        # 10 days at 13.15 % = 3.60, then 10 days at 12.15 % = 3.33.
        invoice = self.invoice(
            self.fr_business, 1000.0, "2025-06-20", invoice_date="2025-06-01"
        )
        self.assertEqual(
            invoice.collection_legal_profile_id, self.ref("legal_profile_fr_b2b")
        )
        self.assertAlmostEqual(invoice.collection_interest_due, 6.93)
        self.assertAlmostEqual(invoice.collection_indemnity_due, 40.0)
        self.assertAlmostEqual(invoice.collection_claim_total, 1046.93)
        self.assertEqual(str(invoice.collection_prescription_date), "2030-06-20")
        self.assertFalse(invoice.collection_prescription_warning)

    @freeze_time("2026-02-09")
    def test_a_consumer_owes_the_legal_rate_and_no_indemnity(self):
        # 30 days at the legal rate of 2.62 %: 1000 x 2.62 % x 30 / 365 = 2.15.
        invoice = self.invoice(
            self.fr_consumer, 1000.0, "2026-01-10", invoice_date="2026-01-01"
        )
        self.assertAlmostEqual(invoice.collection_interest_due, 2.15)
        self.assertEqual(invoice.collection_indemnity_due, 0.0)
        self.assertEqual(str(invoice.collection_prescription_date), "2028-01-10")

    @freeze_time("2025-07-10")
    def test_the_customer_follow_up_shows_the_claim(self):
        self.invoice(self.fr_business, 1000.0, "2025-06-20", invoice_date="2025-06-01")
        self.invoice(self.fr_business, 500.0, "2025-07-20", invoice_date="2025-07-01")
        customer = self.fr_business.with_user(self.env.user)
        self.assertAlmostEqual(customer.collection_claim_interest, 6.93)
        self.assertAlmostEqual(customer.collection_claim_indemnity, 40.0)
        self.assertAlmostEqual(customer.collection_claim_total, 1546.93)
        self.assertEqual(str(customer.collection_claim_prescription), "2030-06-20")
        self.assertFalse(customer.collection_claim_warning)

    def test_late_payment_charges_are_invoiced_once_to_businesses_only(self):
        accountant = new_test_user(
            self.env,
            login="charging_collector",
            groups="account.group_account_invoice,"
            "recouvrement_fidelite.group_collection_user",
        )
        with freeze_time("2025-07-10"):
            late = self.invoice(
                self.fr_business, 1000.0, "2025-06-20", invoice_date="2025-06-01"
            )
            opened = late.with_user(accountant).action_collection_charge_late_fees()
            charge = self.env["account.move"].browse(opened["res_id"])
            self.assertEqual(charge.state, "draft")
            self.assertEqual(charge.partner_id, self.fr_business)
            self.assertEqual(charge.collection_charged_move_ids, late)
            lines = charge.invoice_line_ids.sorted("price_unit")
            self.assertEqual(lines.mapped("price_unit"), [6.93, 40.0])
            self.assertFalse(lines.tax_ids, "no VAT on late-payment charges")
            self.assertIn("outside the scope of VAT", lines[1].name)
            self.assertAlmostEqual(charge.amount_total, 46.93)
            self.assertTrue(late.collection_indemnity_charged)
            late.invalidate_recordset()
            self.assertEqual(late.collection_interest_due, 0.0)
            self.assertEqual(late.collection_indemnity_due, 0.0)
            with self.assertRaisesRegex(UserError, "Nothing is left to charge"):
                late.with_user(accountant).action_collection_charge_late_fees()
        with freeze_time("2025-07-20"):
            # Ten more days: interest only, from 11 July (12.15 %: 3.33).
            late.invalidate_recordset()
            opened = late.with_user(accountant).action_collection_charge_late_fees()
            again = self.env["account.move"].browse(opened["res_id"])
            self.assertEqual(again.invoice_line_ids.mapped("price_unit"), [3.33])
            self.assertIn("07/11/2025", again.invoice_line_ids.name)
            consumer = self.invoice(self.fr_consumer, 100.0, "2025-06-20", "2025-06-01")
            with self.assertRaisesRegex(UserError, "never invoiced to consumers"):
                consumer.with_user(accountant).action_collection_charge_late_fees()
            with self.assertRaisesRegex(UserError, "one customer at a time"):
                (late | consumer).with_user(
                    accountant
                ).action_collection_charge_late_fees()
            self.uk_business.collection_insolvency_date = "2025-07-01"
            insolvent = self.invoice(
                self.uk_business, 100.0, "2025-06-20", "2025-06-01"
            )
            with self.assertRaisesRegex(UserError, "insolvency"):
                insolvent.with_user(accountant).action_collection_charge_late_fees()

    @freeze_time("2025-07-10")
    def test_a_rule_invoices_the_charges(self):
        self.rule_set.rule_ids[0].write(
            {
                "conditions": json.dumps(
                    leaf("days_overdue", "greater_than_or_equal_to", 15)
                ),
                "actions": json.dumps([{"name": "charge_late_fees", "params": {}}]),
            }
        )
        late = self.invoice(self.fr_business, 1000.0, "2025-06-20", "2025-06-01")
        # In insolvency proceedings: interest runs, nothing may be charged.
        self.uk_business.collection_insolvency_date = "2025-07-01"
        insolvent = self.invoice(self.uk_business, 100.0, "2025-06-20", "2025-06-01")
        with self.mockSMSGateway():
            self.run_collection()
        done = self.actions(invoice_id=late.id, kind="charge")
        self.assertEqual(done.state, "done")
        charge = self.env["account.move"].search(
            [("collection_charged_move_ids", "in", late.ids)]
        )
        self.assertEqual(charge.amount_total, 46.93)
        self.assertEqual(
            charge.activity_ids.summary, "Review and send the late-payment charges"
        )
        refused = self.actions(invoice_id=insolvent.id, kind="charge")
        self.assertEqual(refused.state, "failed")
        self.assertIn("insolvency proceedings", refused.failure_message)
        # A second run charges nothing more.
        with self.mockSMSGateway():
            self.run_collection()
        self.assertEqual(
            self.env["account.move"].search_count(
                [("collection_charged_move_ids", "in", late.ids)]
            ),
            1,
        )

    @freeze_time("2026-03-20")
    def test_uk_bands_and_insolvency(self):
        small = self.invoice(self.uk_business, 999.99, "2026-03-01")
        large = self.invoice(self.uk_business, 10000.0, "2026-03-01")
        self.assertAlmostEqual(small.collection_indemnity_due, 40.0)
        self.assertAlmostEqual(large.collection_indemnity_due, 100.0)
        self.uk_business.collection_insolvency_date = "2026-03-15"
        self.assertTrue(self.uk_business.collection_in_insolvency)
        large.invalidate_recordset()
        self.assertEqual(large.collection_indemnity_due, 0.0, "never in insolvency")
        self.uk_business.collection_insolvency_end = "2026-03-19"
        large.invalidate_recordset()
        self.assertAlmostEqual(large.collection_indemnity_due, 100.0)

    @freeze_time("2026-05-01")
    def test_prescription_warning_before_the_claim_is_time_barred(self):
        old = self.invoice(
            self.fr_business, 100.0, "2021-07-01", invoice_date="2021-06-01"
        )
        self.assertEqual(str(old.collection_prescription_date), "2026-07-01")
        self.assertTrue(old.collection_prescription_warning, "61 days left < 90")

    @freeze_time("2025-07-10")
    def test_the_rules_see_the_law(self):
        invoice = self.invoice(
            self.fr_business, 1000.0, "2025-06-20", invoice_date="2025-06-01"
        )
        big = self.invoice(self.be_business, 6000.0, "2025-06-20", "2025-06-01")
        facts = dict(
            zip(
                (invoice, big),
                self.env["collection.engine"]._facts(invoice | big),
                strict=True,
            )
        )
        self.assertAlmostEqual(facts[invoice]["interest_due"], 6.93)
        self.assertAlmostEqual(facts[invoice]["total_claim"], 1046.93)
        self.assertTrue(facts[invoice]["small_claims_eligible"])
        self.assertEqual(facts[invoice]["days_before_prescription"], 1806)
        self.assertFalse(facts[invoice]["in_insolvency"])
        # The EU profile has no simplified procedure; 6,000 would be above anyway.
        self.assertFalse(facts[big]["small_claims_eligible"])
        # A rule on the new facts decides.
        self.rule_set.rule_ids[0].write(
            {
                "conditions": json.dumps(leaf("small_claims_eligible", "is_true")),
                "actions": json.dumps([{"name": "notify_responsible", "params": {}}]),
            }
        )
        with self.mockSMSGateway():
            self.run_collection()
        self.assertTrue(self.actions(invoice_id=invoice.id, kind="notify"))
        self.assertFalse(self.actions(invoice_id=big.id, kind="notify"))

    @freeze_time("2025-07-10")
    def test_threshold_at_exactly_its_value(self):
        profile = self.ref("legal_profile_fr_b2b")
        self.assertTrue(profile._within_small_claims(5000.0, 0.0))
        profile.small_claims_inclusive = False
        self.assertFalse(profile._within_small_claims(5000.0, 0.0))
        self.assertTrue(profile._within_small_claims(4999.99, 0.0))

    def test_bad_figures_are_refused_clearly(self):
        ecb = self.ref("legal_reference_ecb")
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            with self.cr.savepoint():
                ecb.rate_ids[0].rate = -1
        with self.assertRaises(ValidationError), self.cr.savepoint():
            ecb.write(
                {
                    "rate_ids": [
                        (0, 0, {"date_from": "2030-01-01", "rate": 1}),
                        (0, 0, {"date_from": "2030-01-01", "rate": 2}),
                    ]
                }
            )
        self.assertFalse(
            ecb.rate_ids.filtered(lambda r: str(r.date_from) == "2030-01-01")
        )
        profile = self.ref("legal_profile_fr_b2b")
        with self.assertRaisesRegex(ValidationError, "margin"):
            with self.cr.savepoint():
                profile.interest_margin = 200
        with self.assertRaisesRegex(ValidationError, "negative"):
            with self.cr.savepoint():
                profile.indemnity_band_ids.indemnity = -40
        with self.assertRaisesRegex(ValidationError, "close before"):
            with self.cr.savepoint():
                self.fr_business.write(
                    {
                        "collection_insolvency_date": "2026-03-10",
                        "collection_insolvency_end": "2026-03-01",
                    }
                )

    def test_who_may_change_the_law(self):
        user = new_test_user(
            self.env,
            login="legal_collector",
            groups="recouvrement_fidelite.group_collection_user",
        )
        profile = self.ref("legal_profile_fr_b2b").with_user(user)
        self.assertEqual(profile.interest_margin, 10.0)
        with self.assertRaises(AccessError):
            profile.interest_margin = 12
        manager = new_test_user(
            self.env,
            login="legal_manager",
            groups="recouvrement_fidelite.group_collection_manager",
        )
        self.ref("legal_profile_fr_b2b").with_user(manager).interest_margin = 11
        # Another company's own profile is not visible.
        other = self.env["res.company"].create({"name": "Other company"})
        hidden = self.ref("legal_profile_fr_b2b").copy({"company_id": other.id})
        self.assertFalse(self.Profile.with_user(user).search([("id", "=", hidden.id)]))
