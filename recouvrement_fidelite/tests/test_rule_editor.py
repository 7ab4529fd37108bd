# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Rule sets and rules: saved only when the engine accepts them, edited with
the structured editor, previewed on open invoices without side effects, and
configured by collection managers only."""

import json
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.translate import code_translations

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..engine import DEFAULT_CATALOGUE
from ..models.engine_texts import CatalogueWords


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


@tagged("post_install", "-at_install")
class TestRuleValidation(TransactionCase):
    """A rule is saved only when the engine accepts it, with its message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["collection.typology"].create({"name": "Gold", "code": "tst_gold"})
        cls.rule_set = cls.env["collection.rule.set"].create(
            {"name": "Checks", "priority": 5}
        )
        cls.rule = cls.env["collection.rule"].create(
            {
                "rule_set_id": cls.rule_set.id,
                "name": "Firm reminder",
                "conditions": json.dumps(
                    {"all": [leaf("days_overdue", "greater_than_or_equal_to", 15)]}
                ),
                "actions": json.dumps(
                    [{"name": "send_reminder", "params": {"channel": "email"}}]
                ),
            }
        )

    def assert_refused(self, expected, conditions=None, actions=None):
        """Creating, then writing, a rule with these parts is refused."""
        values = {
            "conditions": conditions
            if isinstance(conditions, str)
            else json.dumps(conditions or leaf("days_overdue", "greater_than", 0)),
            "actions": actions
            if isinstance(actions, str)
            else json.dumps(actions or []),
        }
        with self.assertRaises(ValidationError) as created:
            self.env["collection.rule"].create(
                {"rule_set_id": self.rule_set.id, "name": "Bad rule", **values}
            )
        self.assertIn(expected, str(created.exception))
        stored = (self.rule.conditions, self.rule.actions)
        with self.assertRaises(ValidationError) as written:
            self.rule.write(values)
        self.assertIn(expected, str(written.exception))
        self.rule.invalidate_recordset()
        self.assertEqual((self.rule.conditions, self.rule.actions), stored)
        return str(created.exception)

    def test_valid_rule_is_saved_and_reaches_the_rule_set(self):
        conditions = {
            "all": [
                leaf("customer_typology", "contains", "tst_gold"),
                {
                    "any": [
                        leaf("days_overdue", "greater_than", 30),
                        leaf("has_broken_promise", "is_true"),
                        leaf("reachable_channels", "contains_all", ["email", "sms"]),
                    ]
                },
                leaf("country", "matches_regex", "^(FR|BE)$"),
            ]
        }
        actions = [
            {"name": "set_reminder_level", "params": {"level": 2}},
            {"name": "schedule_call", "params": {"within_days": 2}},
        ]
        rule = self.env["collection.rule"].create(
            {
                "rule_set_id": self.rule_set.id,
                "name": "Premium: call",
                "sequence": 20,
                "conditions": json.dumps(conditions),
                "actions": json.dumps(actions),
            }
        )
        document = json.loads(self.rule_set.rule_set_json)
        self.assertEqual(
            [r["name"] for r in document["rules"]], ["Firm reminder", "Premium: call"]
        )
        self.assertEqual(document["rules"][1]["conditions"], conditions)
        engine_rule_set = self.rule_set._to_engine()
        self.assertEqual(engine_rule_set.rules[1].actions[1]["params"]["note"], "")
        self.assertEqual(
            rule.summary,
            "Customer typology = Gold and (Days overdue > 30 or Broke a promise "
            "to pay is true or Reachable channels contains all of Email, SMS) and "
            "Country matches “^(FR|BE)$” → Set the reminder level — Level: 2; "
            "Schedule a call — Within (days): 2",
        )

    def test_invalid_json_text(self):
        self.assert_refused("not valid JSON", conditions='{"all": [')

    def test_unknown_variable(self):
        message = self.assert_refused(
            "unknown variable 'days_late'",
            conditions={"all": [leaf("days_late", "greater_than", 3)]},
        )
        # The heading names the rule; the path points inside it.
        self.assertTrue(message.startswith("The rule Bad rule cannot be saved:"))
        self.assertIn("- conditions.all[0].name: unknown variable", message)

    def test_unknown_operator(self):
        self.assert_refused(
            "operator 'bigger_than' cannot be used on the numeric variable "
            "'days_overdue'",
            conditions=leaf("days_overdue", "bigger_than", 3),
        )

    def test_select_operator_on_a_text_variable(self):
        self.assert_refused(
            "operator 'does_not_contain' cannot be used on the string variable "
            "'country' ('does_not_contain' is an operator for select variables)",
            conditions=leaf("country", "does_not_contain", "FR"),
        )

    def test_wrong_value_type(self):
        self.assert_refused(
            "expected a number, got '15'",
            conditions=leaf("days_overdue", "greater_than_or_equal_to", "15"),
        )

    def test_empty_group(self):
        self.assert_refused(
            'an empty "any" group; expected at least one condition',
            conditions={"all": [leaf("days_overdue", "greater_than", 0), {"any": []}]},
        )

    def test_invalid_regex(self):
        self.assert_refused(
            "invalid regular expression",
            conditions=leaf("country", "matches_regex", "([A-Z"),
        )

    def test_unknown_action(self):
        self.assert_refused(
            "unknown action 'send_fax'", actions=[{"name": "send_fax", "params": {}}]
        )

    def test_missing_required_parameter(self):
        self.assert_refused(
            "actions[0].params.channel: is required by action 'send_reminder'",
            actions=[{"name": "send_reminder", "params": {"template": "x"}}],
        )

    def test_unknown_typology_code(self):
        self.assert_refused(
            "'tst_vip' is not a known choice",
            conditions=leaf("customer_typology", "contains", "tst_vip"),
        )

    def test_typology_created_in_odoo_becomes_a_choice(self):
        self.env["collection.typology"].create({"name": "VIP", "code": "tst_vip"})
        rule = self.env["collection.rule"].create(
            {
                "rule_set_id": self.rule_set.id,
                "name": "VIP",
                "conditions": json.dumps(
                    leaf("customer_typology", "contains", "tst_vip")
                ),
                "actions": "[]",
            }
        )
        self.assertEqual(rule.summary, "Customer typology = VIP → no action")
        catalogue = self.env["collection.rule"].get_editor_catalogue()
        typology = next(
            v for v in catalogue["variables"] if v["name"] == "customer_typology"
        )
        self.assertIn({"name": "tst_vip", "label": "VIP"}, typology["options"])

    def test_rule_set_refuses_a_rule_its_catalogue_no_longer_accepts(self):
        typology = self.env["collection.typology"].create(
            {"name": "Temporary", "code": "tst_tmp"}
        )
        self.env["collection.rule"].create(
            {
                "rule_set_id": self.rule_set.id,
                "name": "Temporary customers",
                "conditions": json.dumps(
                    leaf("customer_typology", "contains", "tst_tmp")
                ),
                "actions": "[]",
            }
        )
        # Deleting the typology is refused (see test_rule_robustness); the
        # rule can still go wrong behind the ORM's back (SQL, an upgrade).
        typology.flush_recordset()
        self.env.cr.execute(
            "DELETE FROM collection_typology WHERE id = %s", [typology.id]
        )
        self.env.invalidate_all()
        with self.assertRaises(ValidationError) as error:
            self.rule_set.action_preview()
        message = str(error.exception)
        self.assertTrue(message.startswith("The rule set Checks is invalid:"))
        self.assertIn("'Temporary customers', rules[1].conditions.value", message)
        self.assertIn("'tst_tmp' is not a known choice", message)

    def test_editor_catalogue_is_the_engine_catalogue(self):
        typologies = self.env["collection.typology"].with_context(active_test=False)
        codes = set(typologies.search([]).mapped("code"))
        engine_catalogue = self.env["collection.engine"].get_catalogue()
        editor_catalogue = self.env["collection.rule"].get_editor_catalogue()
        for catalogue in (engine_catalogue, editor_catalogue):
            self.assertEqual(
                {v["name"] for v in catalogue["variables"]},
                set(DEFAULT_CATALOGUE.variables),
            )
            self.assertEqual(
                {a["name"] for a in catalogue["actions"]},
                set(DEFAULT_CATALOGUE.actions),
            )
            typology = next(
                v for v in catalogue["variables"] if v["name"] == "customer_typology"
            )
            self.assertEqual({o["name"] for o in typology["options"]}, codes)
        operators = editor_catalogue["variable_type_operators"]
        numeric = {o["name"]: o for o in operators["numeric"]}
        self.assertEqual(
            numeric["greater_than_or_equal_to"]["label"], "Greater than or equal to"
        )

    def test_catalogue_decisions_and_errors_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        french = {
            "Days overdue": "Jours de retard",
            "Greater Than Or Equal To": "Supérieur ou égal à",
            "Send a reminder": "Envoyer une relance",
            "Channel": "Canal",
            "Email": "E-mail",
            "%(parameter)s: %(value)s": "%(parameter)s : %(value)s",
            "The rule %(rule)s cannot be saved:": "La règle %(rule)s est refusée :",
        }
        env = self.env(context=dict(self.env.context, lang="fr_FR"))
        with patch.object(
            code_translations, "get_python_translations", return_value=french
        ):
            catalogue = env["collection.rule"].get_editor_catalogue()
            words = CatalogueWords(env, DEFAULT_CATALOGUE.export())
            decision = words.action_text("send_reminder", {"channel": "email"})
            with self.assertRaises(ValidationError) as error:
                env["collection.rule"].create(
                    {
                        "rule_set_id": self.rule_set.id,
                        "name": "Mauvaise",
                        "conditions": json.dumps(leaf("days_late", "equal_to", 1)),
                    }
                )
        days = next(v for v in catalogue["variables"] if v["name"] == "days_overdue")
        self.assertEqual(days["label"], "Jours de retard")
        numeric = {
            o["name"]: o for o in catalogue["variable_type_operators"]["numeric"]
        }
        self.assertEqual(
            numeric["greater_than_or_equal_to"]["label"], "Supérieur ou égal à"
        )
        self.assertEqual(decision, "Envoyer une relance — Canal : E-mail")
        self.assertTrue(
            str(error.exception).startswith("La règle Mauvaise est refusée :\n")
        )
        self.assertIn("unknown variable 'days_late'", str(error.exception))


@tagged("post_install", "-at_install")
class TestRuleAccess(TransactionCase):
    """Only collection managers configure rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_set = cls.env["collection.rule.set"].create({"name": "Access"})
        cls.rule = cls.env["collection.rule"].create(
            {"rule_set_id": cls.rule_set.id, "name": "Any overdue invoice"}
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            "rf_invoicing",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.collection_user = new_test_user(
            cls.env,
            "rf_collection",
            groups="base.group_user,recouvrement_fidelite.group_collection_user",
        )
        cls.manager = new_test_user(
            cls.env,
            "rf_manager",
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
        )

    def test_invoicing_and_collection_users_cannot_configure(self):
        for user in (self.invoicing_user, self.collection_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["collection.rule.set"].with_user(user).create(
                        {"name": "Mine"}
                    )
                with self.assertRaises(AccessError):
                    self.rule_set.with_user(user).write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    self.env["collection.rule"].with_user(user).create(
                        {"rule_set_id": self.rule_set.id, "name": "Mine"}
                    )
                with self.assertRaises(AccessError):
                    self.rule.with_user(user).write({"active": False})
                with self.assertRaises(AccessError):
                    self.rule_set.with_user(user).action_preview()
        self.assertEqual(self.rule_set.name, "Access")
        self.assertTrue(self.rule.active)

    def test_collection_user_reads_rules(self):
        self.assertEqual(
            self.rule.with_user(self.collection_user).summary,
            "Days overdue >= 0 → no action",
        )

    def test_manager_configures(self):
        rule_set = (
            self.env["collection.rule.set"]
            .with_user(self.manager)
            .create({"name": "Mine"})
        )
        rule = (
            self.env["collection.rule"]
            .with_user(self.manager)
            .create({"rule_set_id": rule_set.id, "name": "Mine"})
        )
        rule.write({"actions": '[{"name": "group_in_statement"}]'})
        rule_set.write({"name": "Renamed"})
        self.assertEqual(rule_set.rule_ids, rule)
        action = rule_set.action_preview()
        self.assertEqual(action["res_model"], "collection.preview")


@tagged("post_install", "-at_install")
class TestPreview(AccountTestInvoicingCommon):
    """The preview says what would happen to each open invoice, and does nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Typology = cls.env["collection.typology"]
        cls.late = Typology.create({"name": "Tardy payer", "code": "tst_tardy"})
        cls.tardy = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "email": "compta@martin.example",
                "collection_typology_id": cls.late.id,
            }
        )
        cls.standard = cls.env["res.partner"].create(
            {"name": "Garage Dupont", "is_company": True}
        )
        cls.rule_set = cls.env["collection.rule.set"].create(
            {"name": "Tardy payers", "stop_on_first_trigger": True}
        )
        cls.env["collection.rule"].create(
            [
                {
                    "rule_set_id": cls.rule_set.id,
                    "sequence": 1,
                    "name": "Disputed: no reminder",
                    "conditions": json.dumps(
                        leaf("dispute_status", "contains", "open")
                    ),
                    "actions": "[]",
                },
                {
                    "rule_set_id": cls.rule_set.id,
                    "sequence": 2,
                    "name": "Firm reminder",
                    "conditions": json.dumps(
                        {
                            "all": [
                                leaf("customer_typology", "contains", "tst_tardy"),
                                leaf("days_overdue", "greater_than_or_equal_to", 15),
                            ]
                        }
                    ),
                    "actions": json.dumps(
                        [
                            {"name": "set_reminder_level", "params": {"level": 2}},
                            {"name": "send_reminder", "params": {"channel": "sms"}},
                        ]
                    ),
                },
                {
                    "rule_set_id": cls.rule_set.id,
                    "sequence": 3,
                    "name": "Courtesy reminder",
                    "conditions": json.dumps(leaf("days_overdue", "greater_than", 0)),
                    "actions": json.dumps(
                        [{"name": "send_reminder", "params": {"channel": "email"}}]
                    ),
                },
            ]
        )

    def invoice(self, partner, amount, due):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 2, 1),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    (0, 0, {"name": "Goods", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    def make_invoices(self):
        self.tardy_30 = self.invoice(self.tardy, 1200.0, date(2026, 3, 1))
        self.tardy_10 = self.invoice(self.tardy, 300.0, date(2026, 3, 21))
        self.standard_20 = self.invoice(self.standard, 80.0, date(2026, 3, 11))
        self.not_due = self.invoice(self.standard, 50.0, date(2026, 4, 10))
        self.disputed = self.invoice(self.tardy, 700.0, date(2026, 2, 15))
        self.disputed.collection_dispute_state = "open"
        paid = self.invoice(self.tardy, 90.0, date(2026, 2, 20))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        self.open_invoices = (
            self.tardy_30
            + self.tardy_10
            + self.standard_20
            + self.not_due
            + self.disputed
        )

    def state_of(self, invoices):
        self.env.invalidate_all()
        return {
            invoice.id: (
                invoice.collection_level_id.id,
                invoice.collection_last_reminder_date,
                invoice.collection_reminder_count,
                invoice.collection_dispute_state,
                len(invoice.message_ids),
                len(invoice.activity_ids),
            )
            for invoice in invoices
        }

    @freeze_time("2026-03-31")
    def test_preview_lists_decisions_and_why_without_acting(self):
        self.make_invoices()
        before = self.state_of(self.open_invoices)
        mails = self.env["mail.mail"].search_count([])
        action = self.rule_set.action_preview()
        preview = self.env["collection.preview"].browse(action["res_id"])
        self.assertEqual(preview.display_name, "Preview: Tardy payers")
        # The disputed invoice is left alone, as the run leaves it alone.
        self.assertEqual(
            (preview.invoice_count, preview.hit_count, preview.error_count), (5, 3, 0)
        )
        self.assertEqual(preview.acted_count, 3)
        lines = {line.invoice_id: line for line in preview.line_ids}
        self.assertEqual(
            set(lines),
            set(self.open_invoices - self.not_due - self.disputed),
            "only invoices hit",
        )
        firm = lines[self.tardy_30]
        self.assertEqual(firm.rules, "Firm reminder")
        self.assertEqual(
            firm.decisions,
            "Set the reminder level — Level: 2\nSend a reminder — Channel: SMS",
        )
        self.assertEqual(
            firm.explanation,
            "Firm reminder:\n"
            "• Customer typology = Tardy payer\n"
            "• Days overdue 30 >= 15",
        )
        self.assertEqual(firm.typology_id, self.late)
        self.assertEqual(firm.amount_residual, 1200.0)
        courtesy = lines[self.tardy_10]
        self.assertEqual(courtesy.rules, "Courtesy reminder")
        self.assertEqual(courtesy.decisions, "Send a reminder — Channel: Email")
        self.assertIn("Days overdue 10 > 0", courtesy.explanation)
        self.assertIn("Days overdue 20 > 0", lines[self.standard_20].explanation)
        # No scenario in this company has a level 2: the run would record
        # the failure, and the preview says so.
        self.assertIn("Fails: Level 2 does not exist", firm.outcome)
        self.assertIn("Reminder by Email", courtesy.outcome)

        # Every open invoice, including those no rule hits and those the
        # run leaves alone, which say why.
        preview.only_hits = False
        preview.action_refresh()
        self.assertEqual(preview.line_ids.invoice_id, self.open_invoices)
        quiet = preview.line_ids.filtered(lambda line: line.invoice_id == self.not_due)
        self.assertFalse(quiet.rules or quiet.decisions or quiet.error)
        disputed = preview.line_ids.filtered(
            lambda line: line.invoice_id == self.disputed
        )
        self.assertTrue(disputed.left_alone)
        self.assertFalse(disputed.rules or disputed.decisions)
        self.assertIn("Dispute open", disputed.outcome)

        self.assertEqual(self.state_of(self.open_invoices), before)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    @freeze_time("2026-03-31")
    def test_preview_decides_as_the_run_for_a_paused_customer(self):
        self.make_invoices()
        self.tardy.write(
            {
                "collection_pause_until": date(2026, 4, 15),
                "collection_pause_reason": "Moving offices",
            }
        )
        action = self.rule_set.action_preview()
        preview = self.env["collection.preview"].browse(action["res_id"])
        self.assertEqual(preview.line_ids.invoice_id, self.standard_20)
        self.assertEqual(preview.acted_count, 1)
        preview.only_hits = False
        preview.action_refresh()
        paused = preview.line_ids.filtered(
            lambda line: line.invoice_id == self.tardy_30
        )
        self.assertTrue(paused.left_alone)
        self.assertFalse(paused.decisions)
        self.assertIn("paused until", paused.outcome)
        self.assertIn("Moving offices", paused.outcome)
        # What the dry run of the collection plans for the same day agrees.
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        self.assertNotIn(self.tardy_30, wizard.line_ids.invoice_id)

    @freeze_time("2026-03-31")
    def test_one_invoice_in_error_does_not_stop_the_others(self):
        self.make_invoices()
        engine = self.env["collection.engine"]
        facts_of = type(engine)._facts

        def facts_with_a_bad_one(model, invoices):
            facts = facts_of(model, invoices)
            for item in facts:
                if item["invoice_id"] == self.tardy_10.id:
                    item["days_overdue"] = "ten"
            return facts

        preview = self.env["collection.preview"].create(
            {"rule_set_id": self.rule_set.id}
        )
        with patch.object(type(engine), "_facts", facts_with_a_bad_one):
            preview.action_compute()
        # The disputed invoice is left alone, as the run leaves it alone.
        self.assertEqual((preview.hit_count, preview.error_count), (2, 1))
        lines = {line.invoice_id: line for line in preview.line_ids}
        self.assertIn("'days_overdue' must be a number", lines[self.tardy_10].error)
        self.assertFalse(lines[self.tardy_10].decisions)
        self.assertEqual(lines[self.tardy_30].rules, "Firm reminder")
        self.assertEqual(lines[self.standard_20].rules, "Courtesy reminder")


@tagged("post_install", "-at_install")
class TestRuleEditorTour(HttpCase):
    """The structured editor writes the JSON a person composes in it."""

    def test_structured_editor(self):
        self.env["collection.typology"].create(
            {"name": "Tour late", "code": "tour_late"}
        )
        rule_set = self.env["collection.rule.set"].create({"name": "Tour rule set"})
        rule = self.env["collection.rule"].create(
            {
                "rule_set_id": rule_set.id,
                "name": "Tour rule",
                "conditions": json.dumps(
                    {"all": [leaf("days_overdue", "greater_than_or_equal_to", 10)]}
                ),
            }
        )
        self.start_tour(
            f"/odoo/action-recouvrement_fidelite.collection_rule_set_action/{rule_set.id}",
            "recouvrement_fidelite_rule_editor",
            login="admin",
        )
        rule.invalidate_recordset()
        self.assertEqual(
            json.loads(rule.conditions),
            {
                "any": [
                    leaf("days_overdue", "greater_than_or_equal_to", 10),
                    leaf("customer_typology", "contains", "tour_late"),
                ]
            },
        )
        self.assertEqual(
            json.loads(rule.actions),
            [
                {"name": "send_reminder", "params": {"channel": "sms"}},
                {"name": "escalate", "params": {"stage": "formal_notice"}},
            ],
        )
        self.assertIn('\n  "any": [\n', rule.conditions, "pretty-printed")
