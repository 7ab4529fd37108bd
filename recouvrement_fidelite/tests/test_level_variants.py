# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Variants of a reminder level (issue 14): the run shares a level's
variants out between the customers who reach it, records the variant on
each reminder and sends its wording; the step effectiveness analysis
compares them."""

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_collection_run import TODAY, CollectionRunCase


@tagged("post_install", "-at_install")
class TestLevelVariants(CollectionRunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["mail.template"]
        model = cls.env.ref("account.model_account_move").id
        cls.variants = cls.env["collection.level.variant"]
        for name in ("Gentle", "Direct"):
            template = Template.create(
                {
                    "name": f"{name} reminder",
                    "model_id": model,
                    "subject": f"{name}: {{{{ object.name }}}}",
                    "email_from": "collection@company.example",
                    "body_html": f"<p>{name} wording.</p>",
                }
            )
            cls.variants |= cls.variants.create(
                {
                    "level_id": cls.level_1.id,
                    "name": name,
                    "mail_template_id": template.id,
                }
            )
        Partner = cls.env["res.partner"]
        cls.customers = Partner.browse(
            [
                Partner.create(
                    {
                        "name": f"Variant customer {index}",
                        "is_company": True,
                        "email": f"variant{index}@example.com",
                    }
                ).id
                for index in range(4)
            ]
        )

    def expected_variant(self, customer):
        return self.variants.sorted(lambda v: (v.sequence, v.id))[customer.id % 2]

    @freeze_time(TODAY)
    def test_the_run_shares_the_variants_out_and_sends_their_wording(self):
        invoices = {
            customer: self.invoice(customer, 100.0, "2026-03-12")  # 8 days: level 1
            for customer in self.customers
        }
        # A customer with two invoices at the level gets one mail, one wording.
        first = self.customers[0]
        second_invoice = self.invoice(first, 40.0, "2026-03-13")
        self.run_collection()
        used = self.env["collection.level.variant"]
        for customer, invoice in invoices.items():
            with self.subTest(customer=customer.name):
                action = self.actions(invoice_id=invoice.id, channel="email")
                variant = self.expected_variant(customer)
                self.assertEqual(action.state, "done")
                self.assertEqual(action.variant_id, variant)
                self.assertEqual(action.mail_template_id, variant.mail_template_id)
                self.assertTrue(
                    action.message_id.subject.startswith(f"{variant.name}:"),
                    action.message_id.subject,
                )
                used |= action.variant_id
        self.assertEqual(used, self.variants, "both variants are tried")
        grouped = self.actions(invoice_id=second_invoice.id, channel="email")
        self.assertEqual(grouped.variant_id, self.expected_variant(first))
        self.assertEqual(
            grouped.message_id, self.actions(invoice_id=invoices[first].id).message_id
        )
        # The analysis compares them (once refreshed, as every night): one
        # row per step, grouped by variant.
        self.env["collection.report.step"].action_refresh()
        groups = self.env["collection.report.step"].read_group(
            [("level_id", "=", self.level_1.id)], ["reacted_rate:avg"], ["variant_id"]
        )
        self.assertEqual(
            {g["variant_id"][0]: g["variant_id_count"] for g in groups},
            {
                variant.id: len(
                    [c for c in self.customers if self.expected_variant(c) == variant]
                )
                + (variant == self.expected_variant(first))
                for variant in self.variants
            },
        )

    @freeze_time(TODAY)
    def test_an_archived_variant_is_no_longer_sent_and_none_keeps_the_level(self):
        weaker = self.expected_variant(self.customers[1])
        weaker.active = False
        kept = self.variants - weaker
        invoices = [self.invoice(c, 100.0, "2026-03-12") for c in self.customers[:2]]
        self.run_collection()
        for invoice in invoices:
            self.assertEqual(
                self.actions(invoice_id=invoice.id, channel="email").variant_id, kept
            )
        # Without variants, the level's own template.
        kept.active = False
        later = self.invoice(self.customers[2], 70.0, "2026-03-12")
        self.run_collection()
        action = self.actions(invoice_id=later.id, channel="email")
        self.assertFalse(action.variant_id)
        self.assertFalse(action.mail_template_id)
        self.assertTrue(action.message_id.subject.startswith("Reminder "))

    def test_a_variant_must_change_the_wording(self):
        with self.assertRaises(ValidationError):
            self.env["collection.level.variant"].create(
                {"level_id": self.level_1.id, "name": "Empty"}
            )
