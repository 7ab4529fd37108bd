# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from contextlib import contextmanager

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.recouvrement_fidelite.engine.variables import DEFAULT_TYPOLOGIES


def stats(late_ratio=0.0, average_days_late=0.0, invoiced=0.0, invoice_count=0):
    return {
        "late_ratio": late_ratio,
        "average_days_late": average_days_late,
        "invoiced": invoiced,
        "invoice_count": invoice_count,
    }


@contextmanager
def raises_saying(case, exception, text):
    """``assertRaises`` (which rolls back the failed write) and check its message.

    ``assertRaisesRegex`` has no savepoint in Odoo tests: a failed write would
    stay in the transaction.
    """
    with case.assertRaises(exception) as caught:
        yield
    case.assertIn(text, str(caught.exception))


@tagged("post_install", "-at_install")
class TestTypology(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Typology = cls.env["collection.typology"]
        cls.default_codes = [typology["name"] for typology in DEFAULT_TYPOLOGIES]
        cls.defaults = {
            code: cls.env.ref(f"recouvrement_fidelite.collection_typology_{code}")
            for code in cls.default_codes
        }
        cls.invoicing_user = new_test_user(
            cls.env,
            login="rf_typology_invoicing",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.collection_user = new_test_user(
            cls.env,
            login="rf_typology_user",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
        )
        cls.collection_manager = new_test_user(
            cls.env,
            login="rf_typology_manager",
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
        )

    # Default data

    def test_defaults_installed_with_engine_codes(self):
        """The six default typologies exist, with the engine's codes."""
        for code, typology in self.defaults.items():
            self.assertEqual(typology.code, code)
            self.assertTrue(typology.active)
        self.assertEqual(
            set(self.Typology.search([]).mapped("code")) & set(self.default_codes),
            set(self.default_codes),
        )

    def test_defaults_suggestion_order_and_auto_apply(self):
        """Riskiest tried first; only neutral typologies applied automatically."""
        ordered = self.Typology.search(
            [("id", "in", [t.id for t in self.defaults.values()])]
        )
        self.assertEqual(
            ordered.mapped("code")[:3], ["at_risk", "late_payer", "premium"]
        )
        self.assertEqual(
            ordered.filtered("auto_apply").mapped("code"), ["occasional", "standard"]
        )
        self.assertFalse(self.defaults["key_account"].suggest)
        self.assertTrue(all(self.defaults[c].suggest for c in ("premium", "at_risk")))

    def test_default_ranges(self):
        """The documented thresholds pick the expected default typology."""
        candidates = self.Typology._suggestion_candidates(self.env.company).filtered(
            lambda t: t.code in self.default_codes
        )
        cases = [
            # 45 % late, short delays, 10 invoices: a habit of paying late
            (stats(45, 5, 50_000, 10), "late_payer"),
            # few late invoices but three weeks late on average
            (stats(10, 25, 50_000, 10), "late_payer"),
            # most invoices two months late
            (stats(80, 75, 5_000, 4), "at_risk"),
            # punctual and large
            (stats(5, 3, 20_000, 12), "premium"),
            # punctual but small
            (stats(0, 0, 19_999, 12), "standard"),
            # late by 39 % and 19 days: not yet a late payer
            (stats(39, 19, 5_000, 6), "standard"),
            # a single invoice, paid on time
            (stats(0, 0, 800, 1), "occasional"),
            # late occasional customer: two invoices are not a habit
            (stats(50, 30, 800, 2), "occasional"),
        ]
        for figures, code in cases:
            with self.subTest(figures=figures):
                self.assertEqual(candidates._pick(figures).code, code)
        self.assertFalse(
            candidates._pick(stats(0, 0, 0, 0)),
            "without any invoice in the period, no typology is suggested",
        )

    # Criteria

    def test_fits_both_or_either_range(self):
        typology = self.Typology.create(
            {
                "name": "Slow",
                "code": "slow",
                "suggest": True,
                "min_late_ratio": 30,
                "min_average_days_late": 15,
                "max_average_days_late": 45,
                "min_invoice_count": 0,
            }
        )
        self.assertTrue(typology._fits(stats(30, 15)))
        self.assertTrue(typology._fits(stats(100, 45)))
        self.assertFalse(typology._fits(stats(29.9, 20)))
        self.assertFalse(typology._fits(stats(50, 46)), "above the maximum delay")
        typology.payment_match = "any"
        self.assertTrue(typology._fits(stats(29.9, 20)))
        self.assertTrue(typology._fits(stats(50, 60)))
        self.assertFalse(typology._fits(stats(10, 60)))

    def test_open_ranges_are_no_criterion(self):
        """With "either", a range left open must not match everybody."""
        typology = self.Typology.create(
            {
                "name": "Big",
                "code": "big",
                "suggest": True,
                "payment_match": "any",
                "min_average_days_late": 30,
                "min_invoiced": 1000,
                "min_invoice_count": 2,
                "max_invoice_count": 5,
            }
        )
        self.assertFalse(typology._fits(stats(80, 10, 5000, 3)))
        self.assertTrue(typology._fits(stats(0, 30, 1000, 2)))
        self.assertFalse(typology._fits(stats(0, 30, 999, 2)), "invoiced too little")
        self.assertFalse(typology._fits(stats(0, 30, 5000, 1)), "too few invoices")
        self.assertFalse(typology._fits(stats(0, 30, 5000, 6)), "too many invoices")
        no_criteria = self.Typology.create(
            {"name": "Any", "code": "any_customer", "min_invoice_count": 0}
        )
        self.assertTrue(no_criteria._fits(stats()))

    def test_suggestion_candidates_by_company(self):
        other_company = self.env["res.company"].create({"name": "Other company"})
        own = self.Typology.create(
            {"name": "Mine", "code": "mine", "suggest": True, "sequence": 1}
        )
        foreign = self.Typology.create(
            {
                "name": "Theirs",
                "code": "theirs",
                "suggest": True,
                "sequence": 1,
                "company_id": other_company.id,
            }
        )
        candidates = self.Typology._suggestion_candidates(self.env.company)
        self.assertIn(own, candidates)
        self.assertNotIn(foreign, candidates)
        self.assertNotIn(self.defaults["key_account"], candidates)
        self.assertEqual(candidates._pick(stats(0, 0, 100, 1)), own)

    def test_criteria_summary(self):
        self.assertEqual(
            self.defaults["late_payer"].criteria_summary,
            "paid late: ≥ 40 % or average delay: ≥ 20 days or broken promises: "
            "≥ 2; invoices: ≥ 3",
        )
        self.assertEqual(
            self.defaults["occasional"].criteria_summary, "invoices: 1 to 2"
        )
        self.assertIn("invoiced: ≥ ", self.defaults["premium"].criteria_summary)
        self.assertIn("paid late: ≤ 5 %", self.defaults["premium"].criteria_summary)
        self.assertFalse(self.defaults["key_account"].criteria_summary)

    # Validation

    def test_code_must_be_an_identifier(self):
        for code in ("Late payer", "late-payer", "9lives", "é"):
            with self.subTest(code=code), self.assertRaises(ValidationError):
                self.Typology.create({"name": "Bad", "code": code})
        self.assertFalse(self.Typology.search([("name", "=", "Bad")]))

    def test_code_unique_among_shared_and_company_typologies(self):
        with raises_saying(self, ValidationError, "already used"):
            self.Typology.create({"name": "Premium again", "code": "premium"})
        with raises_saying(self, ValidationError, "already used"):
            self.Typology.create(
                {
                    "name": "Premium here",
                    "code": "premium",
                    "company_id": self.env.company.id,
                }
            )
        company_b = self.env["res.company"].create({"name": "Company B"})
        company_c = self.env["res.company"].create({"name": "Company C"})
        vip_b = self.Typology.create(
            {"name": "VIP", "code": "vip", "company_id": company_b.id}
        )
        vip_c = self.Typology.create(
            {"name": "VIP", "code": "vip", "company_id": company_c.id}
        )
        self.assertNotEqual(vip_b, vip_c)
        with raises_saying(self, ValidationError, "already used"):
            self.Typology.create({"name": "VIP shared", "code": "vip"})

    def test_ranges_validated(self):
        typology = self.Typology.create({"name": "Ranges", "code": "ranges"})
        bad_values = [
            {"min_late_ratio": 60, "max_late_ratio": 40},
            {"max_late_ratio": 120},
            {"min_late_ratio": -1},
            {"min_average_days_late": 30, "max_average_days_late": 10},
            {"max_average_days_late": -5},
            {"min_invoice_count": 5, "max_invoice_count": 2},
            {"min_invoice_count": -1},
            {"min_invoiced": -100},
        ]
        for values in bad_values:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                typology.write(values)
        typology.invalidate_recordset()
        self.assertEqual(
            (typology.min_late_ratio, typology.max_late_ratio), (0.0, 100.0)
        )
        # A maximum of 0 means no maximum.
        typology.write({"min_average_days_late": 30, "max_average_days_late": 0})
        typology.write({"min_invoice_count": 5, "max_invoice_count": 0})

    def test_form_hides_criteria_until_suggested(self):
        with Form(self.Typology) as form:
            form.name = "Loyal"
            form.code = "loyal"
            self.assertTrue(form._get_modifier("auto_apply", "invisible"))
            form.suggest = True
            self.assertFalse(form._get_modifier("auto_apply", "invisible"))
            form.auto_apply = True
            form.max_late_ratio = 10
        typology = form.record
        self.assertTrue(typology.auto_apply)
        self.assertEqual(typology.max_late_ratio, 10)

    def test_partner_count_and_action(self):
        typology = self.defaults["standard"]
        partners = self.env["res.partner"].create(
            [
                {"name": "Customer 1", "collection_typology_id": typology.id},
                {"name": "Customer 2", "collection_typology_id": typology.id},
            ]
        )
        self.assertGreaterEqual(typology.partner_count, 2)
        action = typology.action_view_partners()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]) & partners, partners
        )

    # Access

    def test_invoicing_user_cannot_change_typologies(self):
        Typology = self.Typology.with_user(self.invoicing_user)
        self.assertTrue(Typology.search([("code", "=", "premium")]))
        with self.assertRaises(AccessError):
            Typology.create({"name": "Mine", "code": "mine"})
        with self.assertRaises(AccessError):
            self.defaults["premium"].with_user(self.invoicing_user).write(
                {"min_invoiced": 1}
            )
        self.assertEqual(self.defaults["premium"].min_invoiced, 20000)

    def test_collection_user_reads_only(self):
        premium = self.defaults["premium"].with_user(self.collection_user)
        self.assertEqual(premium.name, "Premium")
        with self.assertRaises(AccessError):
            premium.write({"auto_apply": True})
        with self.assertRaises(AccessError):
            self.Typology.with_user(self.collection_user).create(
                {"name": "Mine", "code": "mine"}
            )
        with self.assertRaises(AccessError):
            premium.unlink()

    def test_collection_manager_configures(self):
        Typology = self.Typology.with_user(self.collection_manager)
        typology = Typology.create({"name": "Public sector", "code": "public"})
        typology.write({"suggest": True, "min_average_days_late": 30})
        self.defaults["premium"].with_user(self.collection_manager).write(
            {"min_invoiced": 50000}
        )
        self.assertEqual(self.defaults["premium"].min_invoiced, 50000)
        typology.unlink()
        self.assertFalse(typology.exists())

    def test_menu_for_managers_only(self):
        menu = self.env.ref("recouvrement_fidelite.collection_typology_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("recouvrement_fidelite.collection_config_menu")
        )
        visible = (
            self.env["ir.ui.menu"]
            .with_user(self.collection_manager)
            ._visible_menu_ids()
        )
        self.assertIn(menu.id, visible)
        visible = (
            self.env["ir.ui.menu"].with_user(self.invoicing_user)._visible_menu_ids()
        )
        self.assertNotIn(menu.id, visible)
