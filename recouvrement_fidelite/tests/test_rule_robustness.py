# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Rules stay consistent with what they name, whatever is typed into them,
and a bad rule never breaks a run (issue 7, items 8, 10, 11, 12 and 13).

Each test saves or changes records as a collection manager would, through
the ORM or the rule form, and checks the message the manager gets.
"""

import ast
import json
import pathlib
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools.translate import code_translations

from ..engine import evaluation as engine_evaluation
from .test_collection_run import TODAY, CollectionRunCase

ENGINE = pathlib.Path(__file__).parents[1] / "engine"


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


def level_action(number):
    return [{"name": "set_reminder_level", "params": {"level": number}}]


class RuleMixin:
    @classmethod
    def manager_in(cls, login, *companies):
        return new_test_user(
            cls.env,
            login,
            groups="base.group_user,recouvrement_fidelite.group_collection_manager",
            company_id=companies[0].id,
            company_ids=[(6, 0, [company.id for company in companies])],
        )

    def make_rule(self, rule_set, name, conditions=None, actions=None, user=None):
        Rule = self.env["collection.rule"]
        if user:
            Rule = Rule.with_user(user)
        return Rule.create(
            {
                "rule_set_id": rule_set.id,
                "name": name,
                "conditions": conditions
                if isinstance(conditions, str)
                else json.dumps(conditions or leaf("days_overdue", "greater_than", 0)),
                "actions": actions
                if isinstance(actions, str)
                else json.dumps(actions or []),
            }
        )

    def assert_refused(self, expected, rule_set, user, **parts):
        """Saving a rule with these parts is refused with ``expected``."""
        with self.assertRaises(ValidationError) as caught:
            self.make_rule(rule_set, "Bad rule", user=user, **parts)
        self.assertIn(expected, str(caught.exception))
        return str(caught.exception)


@tagged("post_install", "-at_install")
class TestTypologyCodesInRules(RuleMixin, TransactionCase):
    """Item 8: rules follow a renamed typology code; a typology they name
    cannot disappear."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "RF Other Co"})
        cls.manager = cls.manager_in("rf_robust_typology_manager", cls.company)
        cls.vip = cls.env["collection.typology"].create(
            {"name": "VIP", "code": "tst_vip", "company_id": cls.company.id}
        )
        cls.shared = cls.env["collection.typology"].create(
            {"name": "Shared", "code": "tst_shared"}
        )
        # Only the rule sets of the test decide.
        cls.env["collection.rule.set"].search([]).active = False
        cls.rule_set = cls.env["collection.rule.set"].create(
            {"name": "Checks", "company_id": cls.company.id}
        )
        cls.other_rule_set = cls.env["collection.rule.set"].create(
            {"name": "Other checks", "company_id": cls.other_company.id}
        )

    def test_renaming_a_code_rewrites_the_rules_and_evaluation_still_works(self):
        rule = self.make_rule(
            self.rule_set,
            "VIP reminder",
            {
                "all": [
                    leaf("customer_typology", "contains", "tst_vip"),
                    leaf("days_overdue", "greater_than_or_equal_to", 0),
                ]
            },
            [{"name": "group_in_statement", "params": {}}],
        )
        customer = self.env["res.partner"].create(
            {"name": "VIP customer", "collection_typology_id": self.vip.id}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-01-15",
                "invoice_date_due": "2026-01-31",
                "invoice_line_ids": [
                    (0, 0, {"name": "Service", "price_unit": 100.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()

        self.vip.with_user(self.manager).code = "tst_very_important"

        conditions = json.loads(rule.conditions)
        self.assertEqual(conditions["all"][0]["value"], "tst_very_important")
        engine = self.env["collection.engine"]
        [result] = engine._evaluator(invoice.company_id).evaluate_many(
            engine._facts(invoice)
        )
        self.assertIsNone(result.error)
        self.assertEqual(
            [decision.action for decision in result.decisions], ["group_in_statement"]
        )

    def test_a_shared_code_is_renamed_in_the_rules_of_every_company(self):
        mine = self.make_rule(
            self.rule_set,
            "Shared here",
            leaf("customer_typology", "does_not_contain", "TST_SHARED"),
        )
        theirs = self.make_rule(
            self.other_rule_set,
            "Shared there",
            {"any": [leaf("customer_typology", "contains", "tst_shared")]},
        )
        # The manager cannot even read the other company's rule.
        self.shared.with_user(self.manager).code = "tst_common"
        self.assertEqual(json.loads(mine.conditions)["value"], "tst_common")
        self.assertEqual(json.loads(theirs.conditions)["any"][0]["value"], "tst_common")
        self.other_rule_set._to_engine()

    def test_deleting_a_typology_named_by_rules_is_refused_with_their_names(self):
        self.make_rule(
            self.rule_set,
            "VIP reminder",
            leaf("customer_typology", "contains", "tst_vip"),
        )
        with self.assertRaises(UserError) as caught:
            self.vip.with_user(self.manager).unlink()
        message = str(caught.exception)
        self.assertIn("The typology VIP cannot be deleted", message)
        self.assertIn("“Checks / VIP reminder”", message)
        self.assertTrue(self.vip.exists())
        # Archiving is allowed: the archived code stays a valid choice.
        self.vip.with_user(self.manager).active = False
        self.rule_set._to_engine()
        # A typology no rule names can go.
        unused = self.env["collection.typology"].create(
            {"name": "Unused", "code": "tst_unused", "company_id": self.company.id}
        )
        unused.with_user(self.manager).unlink()
        self.assertFalse(unused.exists())

    def test_rules_of_other_companies_are_counted_not_named(self):
        self.make_rule(
            self.other_rule_set,
            "Secret rule",
            leaf("customer_typology", "contains", "tst_shared"),
        )
        with self.assertRaises(UserError) as caught:
            self.shared.with_user(self.manager).unlink()
        self.assertIn("1 rules of other companies", str(caught.exception))
        self.assertNotIn("Secret rule", str(caught.exception))

    def test_a_shared_typology_named_elsewhere_cannot_be_reserved(self):
        self.make_rule(
            self.other_rule_set,
            "Shared there",
            leaf("customer_typology", "contains", "tst_shared"),
        )
        with self.assertRaises(UserError) as caught:
            self.shared.company_id = self.company
        self.assertIn("cannot be reserved to", str(caught.exception))
        self.shared.company_id = self.other_company  # where the rule is


@tagged("post_install", "-at_install")
class TestLevelNumbersInRules(RuleMixin, TransactionCase):
    """Item 10: a rule sets only a level that exists in its company, and a
    level number rules set cannot disappear."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "RF Levels Co"})
        cls.manager = cls.manager_in("rf_robust_level_manager", cls.company)
        cls.scenario = cls.env["collection.scenario"].create(
            {
                "name": "Short scenario",
                "company_id": cls.company.id,
                "level_ids": [
                    (0, 0, {"name": "First", "level_number": 1, "delay_days": 5}),
                    (0, 0, {"name": "Second", "level_number": 2, "delay_days": 15}),
                    (0, 0, {"name": "Fifth", "level_number": 5, "delay_days": 40}),
                ],
            }
        )
        cls.first, cls.second, cls.fifth = cls.scenario.level_ids.sorted("level_number")
        cls.rule_set = cls.env["collection.rule.set"].create(
            {"name": "Levels", "company_id": cls.company.id}
        )

    def test_a_level_that_exists_nowhere_is_refused_on_save(self):
        message = self.assert_refused(
            "level: 99 is not among the allowed values: 1, 2, 5",
            self.rule_set,
            self.manager,
            actions=level_action(99),
        )
        self.assertTrue(message.startswith("The rule Bad rule cannot be saved:"))
        rule = self.make_rule(
            self.rule_set, "Second", actions=level_action(2), user=self.manager
        )
        with self.assertRaises(ValidationError):
            rule.with_user(self.manager).actions = json.dumps(level_action(3))
        # Conditions on the level reached stay free: they decide nothing.
        self.make_rule(
            self.rule_set,
            "Far",
            leaf("reminder_level", "greater_than_or_equal_to", 99),
            user=self.manager,
        )

    def test_the_main_company_levels_are_its_scenarios_levels(self):
        rule_set = self.env["collection.rule.set"].create({"name": "Main"})
        self.make_rule(rule_set, "Courtesy", actions=level_action(0))
        self.assert_refused(
            "99 is not among the allowed values: 0, 1, 2, 3",
            rule_set,
            None,
            actions=level_action(99),
        )

    def test_a_level_number_set_by_a_rule_cannot_disappear(self):
        self.make_rule(self.rule_set, "Fifth level", actions=level_action(5))
        manager_level = self.fifth.with_user(self.manager)
        with self.assertRaises(UserError) as caught:
            manager_level.unlink()
        message = str(caught.exception)
        self.assertIn("Level 5 cannot be deleted", message)
        self.assertIn("“Levels / Fifth level”", message)
        with self.assertRaises(UserError):
            manager_level.level_number = 4
        with self.assertRaises(UserError):
            self.scenario.with_user(self.manager).unlink()
        self.assertTrue(self.fifth.exists())
        # Another level with the number keeps it: then it may go.
        self.env["collection.scenario"].create(
            {
                "name": "Other scenario",
                "company_id": self.company.id,
                "level_ids": [
                    (0, 0, {"name": "Fifth", "level_number": 5, "delay_days": 30}),
                ],
            }
        )
        manager_level.unlink()
        # A level no rule sets can go.
        self.first.with_user(self.manager).unlink()


@tagged("post_install", "-at_install")
class TestRuleSavingIsRobust(RuleMixin, TransactionCase):
    """Item 11: what is typed into a rule gets a clear message, never a
    traceback; item 13: that message in the user's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.manager_in("rf_robust_manager", cls.env.company)
        cls.rule_set = cls.env["collection.rule.set"].create({"name": "Robust"})

    def test_deeply_nested_json_is_refused_with_a_clear_message(self):
        for depth in (1_000, 100_000):
            with self.subTest(depth=depth):
                self.assert_refused(
                    "conditions: nested deeper than 100 levels",
                    self.rule_set,
                    self.manager,
                    conditions="[" * depth + "]" * depth,
                )
        nested = "[" * 1_000 + "1" + "]" * 1_000
        self.assert_refused(
            "actions: nested deeper than 100 levels",
            self.rule_set,
            self.manager,
            actions=(
                '[{"name": "notify_responsible", "params": {"message": '
                + nested
                + "}}]"
            ),
        )

    def test_the_rule_form_refuses_deep_json_without_a_traceback(self):
        deep = "[" * 100_000 + "]" * 100_000
        form = Form(
            self.env["collection.rule"]
            .with_user(self.manager)
            .with_context(default_rule_set_id=self.rule_set.id)
        )
        form.name = "Typed in the raw editor"
        form.conditions = deep
        with self.assertRaises(ValidationError) as caught:
            form.save()
        self.assertIn("nested deeper than 100 levels", str(caught.exception))

    def test_a_huge_number_is_refused_with_a_clear_message(self):
        digits = "9" * 400
        self.assert_refused(
            "conditions.value: a number of about 401 digits is too large",
            self.rule_set,
            self.manager,
            conditions=(
                '{"name": "days_overdue", "operator": "greater_than", '
                f'"value": {digits}}}'
            ),
        )
        self.assert_refused(
            "is too large: numbers are at most 1e+15 in absolute value",
            self.rule_set,
            self.manager,
            actions=[{"name": "schedule_call", "params": {"within_days": int(digits)}}],
        )
        self.assert_refused(
            "expected a number, got NaN",
            self.rule_set,
            self.manager,
            conditions='{"name": "days_overdue", "operator": "equal_to", "value": NaN}',
        )

    def test_a_nul_character_is_refused_with_a_clear_message(self):
        # Escaped in the JSON: PostgreSQL would refuse it in a reminder's
        # message at run time.
        self.assert_refused(
            "actions[0].params.message: the text holds a character that cannot "
            "be stored (U+0000)",
            self.rule_set,
            self.manager,
            actions=[{"name": "notify_responsible", "params": {"message": "a\x00b"}}],
        )
        # As such in a text: PostgreSQL would refuse the row.
        for field_name in ("name", "conditions"):
            with self.subTest(field=field_name):
                values = {
                    "rule_set_id": self.rule_set.id,
                    "name": "Bad",
                    field_name: "nul \x00 here",
                }
                with self.assertRaises(ValidationError) as caught:
                    self.env["collection.rule"].with_user(self.manager).create(values)
                self.assertIn(
                    "the text holds a character that cannot be stored (U+0000)",
                    str(caught.exception),
                )
        with self.assertRaises(ValidationError):
            self.rule_set.with_user(self.manager).name = "Robust\x00"

    def test_validation_details_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.manager.lang = "fr_FR"
        # The web client sends the user's language in the context.
        self.env = self.env(context=dict(self.env.context, lang="fr_FR"))
        with self.assertRaises(ValidationError) as caught:
            self.make_rule(
                self.rule_set,
                "Mauvaise",
                leaf("days_late", "equal_to", 1),
                level_action(99),
                user=self.manager,
            )
        message = str(caught.exception)
        self.assertTrue(
            message.startswith("La règle Mauvaise ne peut pas être enregistrée :"),
            message,
        )
        self.assertIn(
            "- conditions.name: variable inconnue 'days_late' ; variables "
            "possibles : average_days_late,",
            message,
        )
        self.assertIn(
            "- actions[0].params.level: 99 ne fait pas partie des valeurs "
            "permises : 0, 1, 2, 3",
            message,
        )

    def test_every_engine_message_has_a_french_translation(self):
        templates = set()
        for path in ENGINE.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "_lt"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    templates.add(node.args[0].value)
        self.assertGreater(len(templates), 40)
        french = code_translations.get_python_translations(
            "recouvrement_fidelite", "fr_FR"
        )
        self.assertFalse(templates - set(french))

    def test_phone_problems_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        partner = self.env["res.partner"].create(
            {
                "name": "Numéros faux",
                "country_id": self.env.ref("base.fr").id,
                "phone": "+33 0 00 00 00 00",
                "mobile": "+999 1234 5678",
            }
        )
        issue = partner.with_context(lang="fr_FR").collection_phone_issue
        self.assertIn(
            "« +33 0 00 00 00 00 » : ce numéro n'existe pas dans le pays FR", issue
        )
        self.assertIn(
            "« +999 1234 5678 » : l'indicatif pays est inconnu, ou le numéro n'a "
            "pas d'indicatif international",
            issue,
        )
        self.assertIn(
            "“+33 0 00 00 00 00”: no such number exists in FR",
            partner.with_context(lang="en_US").collection_phone_issue,
        )


@tagged("post_install", "-at_install")
class TestBadRulesNeverBreakARun(CollectionRunCase):
    """A rule set that became invalid is left out and reported (item 8);
    a slow regular expression fails its invoice only (item 12)."""

    def break_behind_the_orm(self, rule_set):
        """An invalid rule set, as an SQL change or an upgrade could leave it."""
        rule = rule_set.rule_ids[:1]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE collection_rule SET conditions = %s WHERE id = %s",
            [json.dumps(leaf("customer_typology", "contains", "gone")), rule.id],
        )
        self.env.invalidate_all()

    @freeze_time(TODAY)
    def test_an_invalid_rule_set_is_left_out_and_reported(self):
        broken = self.env["collection.rule.set"].create(
            {
                "name": "Broken rules",
                "priority": 2,
                "company_id": self.env.company.id,
                "rule_ids": [
                    (0, 0, {"name": "Anything", "actions": json.dumps(level_action(1))})
                ],
            }
        )
        self.break_behind_the_orm(broken)
        invoice = self.invoice(self.alice, 500.0, "2026-03-12")  # level 1
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        with self.mockSMSGateway():
            wizard.action_run()
            run = self.run_collection()
        self.assertIn("The rule set Broken rules is invalid", wizard.skipped_rule_sets)
        self.assertEqual(run.state, "done")
        self.assertEqual(self.actions(invoice_id=invoice.id).level_id, self.level_1)
        notice = run.message_ids.filtered(
            lambda message: "left out of the collection" in (message.body or "")
        )
        self.assertIn("Broken rules", notice.body)
        self.assertIn("'gone' is not a known choice", notice.body)
        managers = self.env.ref("recouvrement_fidelite.group_collection_manager").users
        self.assertTrue(managers.partner_id & notice.partner_ids)

    @freeze_time(TODAY)
    def test_a_slow_regular_expression_fails_its_invoice_only(self):
        self.env["collection.rule"].create(
            {
                "rule_set_id": self.rule_set.id,
                "name": "Odd country",
                "sequence": -1,
                "conditions": json.dumps(leaf("country", "matches_regex", "(a|aa)+$")),
                "actions": json.dumps(level_action(2)),
            }
        )
        good = self.invoice(self.alice, 100.0, "2026-03-12")  # level 1
        bad = self.invoice(self.bob, 100.0, "2026-03-12")
        engine_class = type(self.env["collection.engine"])
        original = engine_class._facts

        def facts_with_typed_text(model, invoices):
            facts = original(model, invoices)
            for fact in facts:
                if fact["invoice_id"] == bad.id:
                    # What a customer may type on the portal some day.
                    fact["country"] = "a" * 60 + "!"
            return facts

        with (
            patch.object(engine_class, "_facts", facts_with_typed_text),
            patch.object(engine_evaluation, "REGEX_TIMEOUT", 0.01),
            self.mockSMSGateway(),
        ):
            self.run_collection()
        failed = self.actions(invoice_id=bad.id)
        self.assertEqual(failed.state, "failed")
        self.assertIn("took more than 0.01 s", failed.failure_reason)
        self.assertEqual(self.actions(invoice_id=good.id).level_id, self.level_1)
