# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TODAY = "2025-06-30"


@contextmanager
def raises_saying(case, exception, text):
    """``assertRaises`` (which rolls back the failed write) and check its message.

    ``assertRaisesRegex`` has no savepoint in Odoo tests: a failed write would
    stay in the transaction.
    """
    with case.assertRaises(exception) as caught:
        yield
    case.assertIn(text, str(caught.exception))


def typology(code):
    return f"recouvrement_fidelite.collection_typology_{code}"


@tagged("post_install", "-at_install")
class TestPartnerProfile(TransactionCase):
    """Customer type, contact preferences, pause, contact, phone numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.fr = cls.env.ref("base.fr")
        cls.company = cls.Partner.create(
            {
                "name": "Dupont Bâtiment SARL",
                "is_company": True,
                "country_id": cls.fr.id,
            }
        )

    def _search_filter_domain(self, filter_name):
        """The domain of a filter of the partner search view, as users get it."""
        arch = self.Partner.get_view(view_type="search")["arch"]
        from lxml import etree

        node = etree.fromstring(arch).find(f".//filter[@name='{filter_name}']")
        self.assertIsNotNone(node, f"filter {filter_name} in the search view")
        return safe_eval(node.get("domain"))

    # B2B / B2C

    def test_customer_type_derived_from_company_flag(self):
        person = self.Partner.create({"name": "Jeanne Martin"})
        contact = self.Partner.create(
            {"name": "Paul Dupont", "parent_id": self.company.id}
        )
        self.assertEqual(self.company.collection_customer_type, "b2b")
        self.assertEqual(person.collection_customer_type, "b2c")
        self.assertEqual(contact.collection_customer_type, "b2b")
        person.is_company = True
        self.assertEqual(person.collection_customer_type, "b2b")

    def test_customer_type_override(self):
        # A sole trader buying for private use: a company record, a consumer.
        self.company.collection_customer_type = "b2c"
        self.company.write({"comment": "Buys for his house"})
        self.assertEqual(self.company.collection_customer_type, "b2c")
        contact = self.Partner.create(
            {"name": "Paul Dupont", "parent_id": self.company.id}
        )
        self.assertEqual(contact.collection_customer_type, "b2c", "synced to contacts")
        created = self.Partner.create(
            {
                "name": "Consumer Co",
                "is_company": True,
                "collection_customer_type": "b2c",
            }
        )
        self.assertEqual(created.collection_customer_type, "b2c")

    def test_customer_type_follows_flag_in_form(self):
        with Form(self.Partner) as form:
            form.name = "Martin"
            form.company_type = "person"
            self.assertEqual(form.collection_customer_type, "b2c")
            form.company_type = "company"
            self.assertEqual(form.collection_customer_type, "b2b")
        self.assertEqual(form.record.collection_customer_type, "b2b")

    # Commercial fields

    def test_commercial_fields_synced_to_contacts(self):
        late_payer = self.env.ref(typology("late_payer"))
        user = new_test_user(
            self.env, login="rf_partner_resp", groups="base.group_user"
        )
        contact = self.Partner.create(
            {"name": "Paul Dupont", "parent_id": self.company.id}
        )
        with freeze_time(TODAY):
            self.company.write(
                {
                    "collection_typology_id": late_payer.id,
                    "collection_preferred_channel": "sms",
                    "collection_monthly_statement": True,
                    "collection_pause_until": "2025-07-15",
                    "collection_pause_reason": "Payment promised",
                    "collection_user_id": user.id,
                    "collection_call_saturday": True,
                    "collection_call_morning_from": 9.5,
                }
            )
            self.assertTrue(contact.collection_paused)
        self.assertEqual(contact.collection_typology_id, late_payer)
        self.assertEqual(contact.collection_preferred_channel, "sms")
        self.assertTrue(contact.collection_monthly_statement)
        self.assertEqual(contact.collection_pause_until, date(2025, 7, 15))
        self.assertEqual(contact.collection_pause_reason, "Payment promised")
        self.assertEqual(contact.collection_user_id, user)
        self.assertTrue(contact.collection_call_saturday)
        self.assertEqual(contact.collection_call_morning_from, 9.5)
        newcomer = self.Partner.create(
            {"name": "Lucie Dupont", "parent_id": self.company.id}
        )
        self.assertEqual(newcomer.collection_typology_id, late_payer)
        self.assertEqual(newcomer._collection_call_windows()[0], [0, 1, 2, 3, 4, 5])

    # Contact preferences

    def test_contact_hours_defaults(self):
        """Monday to Friday, 10:00-13:00 and 14:00-20:00 (LEGAL.md)."""
        days, hours = self.company._collection_call_windows()
        self.assertEqual(days, [0, 1, 2, 3, 4])
        self.assertEqual(hours, [(10.0, 13.0), (14.0, 20.0)])

    def test_contact_hours_validated(self):
        bad_values = [
            ({"collection_call_morning_from": -1}, "between 00:00 and 24:00"),
            ({"collection_call_afternoon_to": 24.5}, "between 00:00 and 24:00"),
            (
                {"collection_call_morning_from": 12, "collection_call_morning_to": 9},
                "morning range ends before it starts",
            ),
            (
                {
                    "collection_call_afternoon_from": 19,
                    "collection_call_afternoon_to": 15,
                },
                "afternoon range ends before it starts",
            ),
            ({"collection_call_morning_to": 15}, "ends after the afternoon starts"),
        ]
        for values, message in bad_values:
            with (
                self.subTest(values=values),
                raises_saying(self, ValidationError, message),
            ):
                self.company.write(values)
        self.company.invalidate_recordset()
        self.assertEqual(self.company.collection_call_morning_from, 10.0)
        self.assertEqual(self.company.collection_call_morning_to, 13.0)
        # The same hour twice: no call in the morning.
        self.company.write(
            {"collection_call_morning_from": 0, "collection_call_morning_to": 0}
        )
        self.assertEqual(self.company._collection_call_windows()[1], [(14.0, 20.0)])
        self.company.write(
            {
                "collection_call_morning_from": 8,
                "collection_call_morning_to": 14,
                "collection_call_afternoon_from": 14,
                "collection_call_afternoon_to": 24,
            }
        )
        self.assertEqual(
            self.company._collection_call_windows()[1], [(8.0, 14.0), (14.0, 24.0)]
        )

    def test_collection_contact_belongs_to_customer(self):
        contact = self.Partner.create(
            {"name": "Paul Dupont", "parent_id": self.company.id}
        )
        other = self.Partner.create({"name": "Other Co", "is_company": True})
        stranger = self.Partner.create({"name": "Stranger", "parent_id": other.id})
        with raises_saying(self, ValidationError, "own contacts"):
            self.company.collection_contact_id = stranger
        with raises_saying(self, ValidationError, "own contacts"):
            self.company.collection_contact_id = self.company
        self.company.collection_contact_id = contact
        with raises_saying(self, ValidationError, "own contacts"):
            contact.parent_id = other
        contact.invalidate_recordset()
        self.assertEqual(contact.parent_id, self.company)
        self.assertEqual(self.company.collection_contact_id, contact)

    # Pause

    @freeze_time(TODAY)
    def test_pause(self):
        contact = self.Partner.create(
            {"name": "Paul Dupont", "parent_id": self.company.id}
        )
        with raises_saying(self, ValidationError, "that date is past"):
            self.company.write(
                {"collection_pause_until": "2025-06-29", "collection_pause_reason": "x"}
            )
        self.company.invalidate_recordset()
        self.assertFalse(self.company.collection_pause_until)
        self.assertFalse(self.company.collection_paused)

        self.company.write(
            {"collection_pause_until": TODAY, "collection_pause_reason": "Dispute call"}
        )
        self.assertTrue(self.company.collection_paused, "paused up to and including")
        paused = self._search_filter_domain("collection_paused")
        self.assertEqual(
            self.Partner.search(paused) & (self.company | contact),
            self.company | contact,
        )
        with freeze_time("2025-07-01"):
            self.company.invalidate_recordset(["collection_paused"])
            self.assertFalse(self.company.collection_paused)
            self.assertFalse(self.Partner.search(paused) & self.company)
            # The ended pause is copied to a new contact without complaint.
            newcomer = self.Partner.create(
                {"name": "Lucie Dupont", "parent_id": self.company.id}
            )
            self.assertEqual(newcomer.collection_pause_until, date(2025, 6, 30))
            self.company.collection_preferred_channel = "email"

        # Clearing the date ends the pause and its reason.
        self.company.collection_pause_until = False
        self.assertFalse(self.company.collection_pause_reason)
        self.assertFalse(contact.collection_pause_reason)

    # Phone numbers

    def test_valid_french_mobile(self):
        self.company.mobile = "06 12 34 56 78"
        self.assertEqual(self.company.mobile, "06 12 34 56 78", "kept as typed")
        self.assertEqual(self.company.collection_mobile_e164, "+33612345678")
        self.assertEqual(self.company.collection_sms_number, "+33612345678")
        self.assertFalse(self.company.collection_phone_invalid)
        self.assertFalse(self.company.collection_phone_issue)

    def test_fixed_line_is_not_for_sms(self):
        self.company.phone = "01 42 68 53 00"
        self.assertEqual(self.company.collection_phone_e164, "+33142685300")
        self.assertFalse(self.company.collection_sms_number)
        # A mobile typed in the phone field still serves for SMS.
        self.company.phone = "+33 7 81 23 45 67"
        self.assertEqual(self.company.collection_sms_number, "+33781234567")

    def test_invalid_number_kept_and_flagged(self):
        self.company.write({"phone": "01 23", "mobile": "06 12 34 56 78"})
        self.assertEqual(self.company.phone, "01 23")
        self.assertFalse(self.company.collection_phone_e164)
        self.assertTrue(self.company.collection_phone_invalid)
        self.assertIn("Phone “01 23”", self.company.collection_phone_issue)
        self.assertIn("too short", self.company.collection_phone_issue)
        self.assertEqual(self.company.collection_sms_number, "+33612345678")
        domain = self._search_filter_domain("collection_phone_invalid")
        self.assertIn(self.company, self.Partner.search(domain))
        # Corrected: no longer flagged.
        self.company.phone = "01 42 68 53 00"
        self.assertFalse(self.company.collection_phone_invalid)
        self.assertNotIn(self.company, self.Partner.search(domain))

    def test_invalid_reasons(self):
        cases = [
            ("not a number", "not a phone number"),
            ("06 12 34 56 78 90 12 34", "too long"),
            ("+999 1234 5678", "country calling code is unknown"),
        ]
        for number, reason in cases:
            with self.subTest(number=number):
                self.company.mobile = number
                self.assertTrue(self.company.collection_phone_invalid)
                self.assertEqual(self.company.mobile, number)
                self.assertIn(reason, self.company.collection_phone_issue)
                self.assertIn("Mobile", self.company.collection_phone_issue)
                self.assertFalse(self.company.collection_sms_number)

    def test_country_of_the_company_for_contacts(self):
        """A contact without country reads numbers in its company's country."""
        contact = self.Partner.create(
            {
                "name": "Comptabilité",
                "parent_id": self.company.id,
                "type": "invoice",
                "mobile": "06 12 34 56 78",
            }
        )
        self.assertFalse(contact.country_id)
        self.assertEqual(contact.collection_sms_number, "+33612345678")
        self.assertFalse(contact.collection_phone_invalid)

    def test_no_country_at_all(self):
        person = self.Partner.create({"name": "Nomad", "mobile": "06 12 34 56 78"})
        self.assertTrue(person.collection_phone_invalid)
        self.assertIn("has no country", person.collection_phone_issue)
        self.assertEqual(person.mobile, "06 12 34 56 78")
        person.mobile = "+33 6 12 34 56 78"
        self.assertEqual(person.collection_sms_number, "+33612345678")
        # Setting a country fixes numbers typed without prefix.
        person.write({"mobile": "06 12 34 56 78", "country_id": self.fr.id})
        self.assertFalse(person.collection_phone_invalid)

    # Views

    def test_collection_page_for_collection_users_only(self):
        collection_user = new_test_user(
            self.env,
            login="rf_partner_collection",
            groups="base.group_user,base.group_partner_manager,"
            "recouvrement_fidelite.group_collection_user",
        )
        invoicing_user = new_test_user(
            self.env,
            login="rf_partner_invoicing",
            groups="base.group_user,base.group_partner_manager,"
            "account.group_account_invoice",
        )
        Partner = self.Partner.with_user(collection_user)
        arch = Partner.get_view(view_type="form")["arch"]
        self.assertIn('name="collection"', arch)
        self.assertIn("collection_phone_warning", arch)
        arch = self.Partner.with_user(invoicing_user).get_view(view_type="form")["arch"]
        self.assertNotIn('name="collection"', arch)
        with Form(Partner.browse(self.company.id)) as form:
            self.assertFalse(form._get_modifier("collection_typology_id", "invisible"))
            form.collection_typology_id = self.env.ref(typology("premium"))
            form.collection_pause_until = "2099-01-01"
            self.assertTrue(form._get_modifier("collection_pause_reason", "required"))
            form.collection_pause_reason = "Waiting for a credit note"
        self.assertEqual(self.company.collection_typology_id.code, "premium")
        contact = self.Partner.create(
            {"name": "Paul Dupont", "parent_id": self.company.id}
        )
        with Form(Partner.browse(contact.id)) as form:
            self.assertTrue(form._get_modifier("collection_typology_id", "invisible"))


@tagged("post_install", "-at_install")
class TestPaymentHistory(AccountTestInvoicingCommon):
    """Payment history and typology suggestions from real invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.typologies = {
            code: cls.env.ref(typology(code))
            for code in (
                "at_risk",
                "late_payer",
                "premium",
                "key_account",
                "occasional",
                "standard",
            )
        }

    def _invoice(self, partner, invoice_date, due_date, amount):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due_date,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Work", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(str(invoice.invoice_date_due), due_date)
        return invoice

    def _pay(self, invoice, payment_date, amount=None):
        values = {"payment_date": payment_date}
        if amount:
            values["amount"] = amount
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(values)._create_payments()

    def _late_customer(self):
        customer = self.Partner.create({"name": "Retard & Fils", "is_company": True})
        with freeze_time(TODAY):
            # 20 days late
            self._pay(
                self._invoice(customer, "2025-01-10", "2025-02-09", 1000), "2025-03-01"
            )
            # 40 days late
            self._pay(
                self._invoice(customer, "2025-02-10", "2025-03-12", 2000), "2025-04-21"
            )
            # paid 4 days early
            self._pay(
                self._invoice(customer, "2025-03-10", "2025-04-09", 3000), "2025-04-05"
            )
            # half paid, the rest 51 days late by today
            partial = self._invoice(customer, "2025-04-10", "2025-05-10", 4000)
            self._pay(partial, "2025-05-01", amount=2000)
            # not due yet: invoiced, but not counted in the delays
            self._invoice(customer, "2025-06-20", "2025-07-20", 500)
            # more than 12 months ago: ignored
            self._pay(
                self._invoice(customer, "2024-05-01", "2024-05-31", 9000), "2024-12-31"
            )
            # cancelled by a credit note: ignored
            reversed_invoice = self._invoice(customer, "2025-01-15", "2025-01-31", 7000)
            reversed_invoice._reverse_moves(
                [{"invoice_date": "2025-06-01", "date": "2025-06-01"}], cancel=True
            )
            reversed_invoice.invalidate_recordset(["payment_state"])
            self.assertEqual(reversed_invoice.payment_state, "reversed")
        return customer

    def test_payment_stats_from_invoices_and_payments(self):
        customer = self._late_customer()
        with freeze_time(TODAY):
            stats = self.Partner._collection_payment_stats(
                customer.ids, self.env.company
            )
        figures = stats[customer.id]
        self.assertEqual(figures["invoice_count"], 5)
        self.assertAlmostEqual(figures["invoiced"], 10500.0)
        # 3 late out of 4 due: 20, 40 and 51 days
        self.assertAlmostEqual(figures["late_ratio"], 75.0)
        self.assertAlmostEqual(figures["average_days_late"], 37.0)

    def test_paid_early_counts_as_on_time(self):
        """Paid before a due date still to come: on time, not ignored."""
        customer = self.Partner.create({"name": "Early Bird", "is_company": True})
        with freeze_time(TODAY):
            self._pay(
                self._invoice(customer, "2025-06-01", "2025-07-31", 100), "2025-06-10"
            )
            self._pay(
                self._invoice(customer, "2025-03-01", "2025-03-31", 100), "2025-04-10"
            )
            figures = self.Partner._collection_payment_stats(
                customer.ids, self.env.company
            )[customer.id]
        self.assertAlmostEqual(figures["late_ratio"], 50.0)
        self.assertAlmostEqual(figures["average_days_late"], 10.0)

    def test_compute_suggestion(self):
        customer = self._late_customer()
        contact = self.Partner.create({"name": "Paul", "parent_id": customer.id})
        with freeze_time(TODAY):
            # From a contact: the commercial entity gets the figures.
            contact.action_collection_compute_suggestion()
        self.assertEqual(
            customer.collection_suggested_typology_id, self.typologies["late_payer"]
        )
        self.assertAlmostEqual(customer.collection_late_ratio, 75.0)
        self.assertAlmostEqual(customer.collection_average_days_late, 37.0)
        self.assertAlmostEqual(customer.collection_invoiced, 10500.0)
        self.assertEqual(customer.collection_invoice_count, 5)
        self.assertEqual(customer.collection_stats_date, date(2025, 6, 30))
        self.assertFalse(customer.collection_typology_id, "only suggested")
        customer.action_collection_apply_suggestion()
        self.assertEqual(customer.collection_typology_id, self.typologies["late_payer"])
        self.assertEqual(contact.collection_typology_id, self.typologies["late_payer"])

    def test_suggestion_premium_and_none(self):
        good = self.Partner.create({"name": "Bon Payeur SA", "is_company": True})
        newcomer = self.Partner.create({"name": "Nouveau SAS", "is_company": True})
        with freeze_time(TODAY):
            for month in ("01", "02", "03"):
                invoice = self._invoice(
                    good, f"2025-{month}-05", f"2025-{month}-25", 8000
                )
                self._pay(invoice, f"2025-{month}-20")
            (good | newcomer).action_collection_compute_suggestion()
        self.assertEqual(
            good.collection_suggested_typology_id, self.typologies["premium"]
        )
        self.assertEqual(good.collection_late_ratio, 0.0)
        self.assertEqual(good.collection_invoiced, 24000.0)
        self.assertFalse(newcomer.collection_suggested_typology_id)
        self.assertEqual(newcomer.collection_invoice_count, 0)

    def test_cron_applies_only_automatic_suggestions(self):
        late = self._late_customer()
        occasional = self.Partner.create({"name": "De Passage", "is_company": True})
        key_account = self.Partner.create(
            {
                "name": "Grand Compte SA",
                "is_company": True,
                "collection_typology_id": self.typologies["key_account"].id,
            }
        )
        was_premium = self.Partner.create(
            {
                "name": "Ancien Premium",
                "is_company": True,
                "collection_typology_id": self.typologies["premium"].id,
            }
        )
        with freeze_time(TODAY):
            for partner in (occasional, key_account, was_premium):
                self._pay(
                    self._invoice(partner, "2025-05-02", "2025-06-01", 300),
                    "2025-05-20",
                )
            cron = self.env.ref(
                "recouvrement_fidelite.ir_cron_collection_suggest_typologies"
            )
            cron.method_direct_trigger()
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertGreaterEqual(progress.done, 4)
        self.assertEqual(progress.remaining, 0)
        # Suggested "late payer": a person decides.
        self.assertEqual(
            late.collection_suggested_typology_id, self.typologies["late_payer"]
        )
        self.assertFalse(late.collection_typology_id)
        # Suggested "occasional", applied automatically.
        self.assertEqual(
            occasional.collection_typology_id, self.typologies["occasional"]
        )
        self.assertEqual(
            was_premium.collection_typology_id, self.typologies["occasional"]
        )
        # Chosen by a person among typologies never suggested: kept.
        self.assertEqual(
            key_account.collection_suggested_typology_id, self.typologies["occasional"]
        )
        self.assertEqual(
            key_account.collection_typology_id, self.typologies["key_account"]
        )

    def test_cron_in_batches_reports_progress(self):
        customers = self.Partner.create(
            [{"name": f"Client {n}", "is_company": True} for n in range(3)]
        )
        with freeze_time(TODAY):
            for customer in customers:
                self._pay(
                    self._invoice(customer, "2025-05-02", "2025-06-01", 300),
                    "2025-05-20",
                )
            todo = self.Partner.search_count(
                [
                    *self.Partner._collection_customer_domain(),
                    "|",
                    ("collection_stats_date", "=", False),
                    ("collection_stats_date", "<", TODAY),
                ]
            )
            self.assertGreaterEqual(todo, 3)
            cron = self.env.ref(
                "recouvrement_fidelite.ir_cron_collection_suggest_typologies"
            )
            reports = []
            Partner = self.Partner.with_context(ir_cron_progress_id=1)
            with patch.object(
                type(self.env["ir.cron"]),
                "_notify_progress",
                lambda self, done, remaining, deactivate=False: reports.append(
                    (done, remaining)
                ),
            ):
                Partner._cron_collection_suggest_typologies(batch_size=2)
                self.assertEqual(reports, [(2, todo - 2)])
                self.assertTrue(
                    self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
                    "the scheduler is asked to come back for the rest",
                )
                # Nothing applied before every customer is done.
                self.assertFalse(customers.collection_typology_id)
                for _run in range(todo):
                    if reports[-1][1] == 0:
                        break
                    Partner._cron_collection_suggest_typologies(batch_size=2)
            self.assertEqual(reports[-1][1], 0)
            self.assertEqual(sum(done for done, _remaining in reports), todo)
        self.assertEqual(
            customers.collection_typology_id, self.typologies["occasional"]
        )
