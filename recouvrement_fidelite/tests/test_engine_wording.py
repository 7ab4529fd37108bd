# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The engine words its results once; Odoo only brings its translations.

Every text of the engine's catalogue is marked for translation where the
engine declares it (``engine/*.py``), Odoo's own translation export finds it
there, ``i18n/fr.po`` translates it, and a French user reads explanations,
decisions and conditions in French.
"""

import re
from collections import defaultdict
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader, code_translations

from ..engine import DEFAULT_CATALOGUE, Evaluator, validate_rule_set
from ..engine.wording import catalogue_texts
from ..models.engine_texts import CatalogueWords, translated_catalogue

MODULE = "recouvrement_fidelite"
PO_FILE = Path(__file__).parents[1] / "i18n" / "fr.po"
ENGINE_FILES = f"addons/{MODULE}/engine/"
ODOO_WORDS_FILE = f"addons/{MODULE}/models/engine_texts.py"


class _CodeTermsReader(TranslationModuleReader):
    """Odoo's translation export of the addon, its Python part only (the
    records' terms are not what these tests are about)."""

    def _export_translatable_records(self):
        pass


def exported_code_terms(cr):
    """{English text: files Odoo's export takes it from} for the addon."""
    terms = defaultdict(set)
    for module, kind, path, _line, source, _value, _comments in _CodeTermsReader(
        cr, modules=[MODULE]
    ):
        if module == MODULE and kind == "code":
            terms[source].add(path)
    return terms


def translatable(text):
    # Odoo's export leaves out texts of at most one letter or digit ("=").
    return len(re.sub(r"\W+", "", text)) > 1


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


@tagged("post_install", "-at_install")
class TestEngineWording(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_set = validate_rule_set(
            {
                "name": "Relances",
                "rules": [
                    {
                        "name": "Relance ferme",
                        "conditions": {
                            "all": [
                                leaf("days_overdue", "greater_than_or_equal_to", 15),
                                leaf("customer_typology", "contains", "late_payer"),
                                leaf("has_valid_mobile", "is_false"),
                                leaf("country", "not_equal_to", "FR"),
                            ]
                        },
                        "actions": [
                            {"name": "send_reminder", "params": {"channel": "email"}},
                            {"name": "set_reminder_level", "params": {"level": 2}},
                        ],
                    }
                ],
            }
        )
        cls.result = Evaluator([cls.rule_set]).evaluate(
            {
                "days_overdue": 17,
                "customer_typology": "late_payer",
                "has_valid_mobile": False,
                "country": "BE",
            }
        )

    def words(self, lang):
        env = self.env(context=dict(self.env.context, lang=lang))
        return CatalogueWords(env, DEFAULT_CATALOGUE.export())

    def test_an_explanation_and_a_decision_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        words = self.words("fr_FR")
        self.assertEqual(
            words.explanation_text(self.result.triggered[0]),
            "Relance ferme :\n"
            "• Jours de retard 17 >= 15\n"
            "• Typologie client = Retardataire récurrent\n"
            "• A un numéro de mobile valide est faux (non)\n"
            "• Pays “BE” ≠ “FR”",
        )
        self.assertEqual(
            [words.decision_text(d) for d in self.result.decisions],
            [
                "Envoyer une relance — Canal : E-mail",
                "Fixer le niveau de relance — Niveau : 2",
            ],
        )
        self.assertEqual(
            words.condition_text(self.rule_set.rules[0].conditions),
            "Jours de retard >= 15 et Typologie client = Retardataire récurrent "
            "et A un numéro de mobile valide est faux et Pays ≠ “FR”",
        )
        self.assertEqual(words.show([True, False]), "oui, non")
        self.assertEqual(words.show([]), "(aucun)")
        env = self.env(context=dict(self.env.context, lang="fr_FR"))
        editor = translated_catalogue(env, DEFAULT_CATALOGUE.export())
        numeric = {o["name"]: o for o in editor["variable_type_operators"]["numeric"]}
        self.assertEqual(
            numeric["greater_than_or_equal_to"]["label"], "Supérieur ou égal à"
        )

    def test_a_value_that_stands_for_never_is_named(self):
        """No reminder yet is 9999 days for the rules, "never" for people."""
        rule_set = validate_rule_set(
            {
                "name": "First",
                "rules": [
                    {
                        "name": "First reminder",
                        "conditions": {
                            "all": [
                                leaf(
                                    "days_since_last_reminder",
                                    "greater_than_or_equal_to",
                                    7,
                                ),
                                leaf("scenario_level_due", "less_than", 1),
                            ]
                        },
                        "actions": [],
                    }
                ],
            }
        )
        result = Evaluator([rule_set]).evaluate({"days_since_last_reminder": None})
        self.assertEqual(
            self.words("en_US").explanation_text(result.triggered[0]),
            "First reminder:\n"
            "• Days since the last reminder never >= 7\n"
            "• Level due by the customer's scenario none < 1",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.words("fr_FR").explanation_text(result.triggered[0])
        self.assertIn("Jours depuis la dernière relance jamais >= 7", french)
        self.assertNotIn("9999", french)

    def test_english_words_are_the_engines(self):
        words = self.words("en_US")
        self.assertEqual(
            words.explanation_text(self.result.triggered[0]),
            "Relance ferme:\n"
            "• Days overdue 17 >= 15\n"
            "• Customer typology = Repeat late payer\n"
            "• Has a valid mobile number is false (no)\n"
            "• Country “BE” ≠ “FR”",
        )
        self.assertEqual(
            words.decision_text(self.result.decisions[0]),
            "Send a reminder — Channel: Email",
        )

    def test_every_catalogue_text_is_exported_and_translated(self):
        """A new variable, action, choice or operator in the engine needs its
        label marked with ``_lt`` where it is declared and its French words
        in fr.po."""
        texts = {
            holder[key]
            for holder, key in catalogue_texts(DEFAULT_CATALOGUE.export())
            if translatable(holder[key])
        }
        exported = exported_code_terms(self.env.cr)
        self.assertFalse(texts - set(exported), "not marked for translation")
        not_in_engine = {
            text
            for text in texts
            if not any(path.startswith(ENGINE_FILES) for path in exported[text])
        }
        self.assertFalse(not_in_engine, "marked elsewhere than in the engine")
        self.assertIn(f"{ENGINE_FILES}variables.py", exported["Days overdue"])
        self.assertIn(f"{ENGINE_FILES}operators.py", exported["is among"])
        self.assertIn(f"{ENGINE_FILES}actions.py", exported["Maximum installments"])
        french = code_translations.get_python_translations(MODULE, "fr_FR")
        self.assertFalse(
            {text for text in texts if not french.get(text)}, "no French translation"
        )

    def test_fr_po_points_to_where_the_engine_declares_its_texts(self):
        exported = exported_code_terms(self.env.cr)
        declared = {
            (text, path)
            for text, paths in exported.items()
            for path in paths
            if path.startswith(ENGINE_FILES) or path == ODOO_WORDS_FILE
        }
        listed = {
            (entry.msgid, path.removeprefix("code:"))
            for entry in polib.pofile(str(PO_FILE))
            for path, _line in entry.occurrences
            if path.startswith(f"code:{ENGINE_FILES}")
            or path == f"code:{ODOO_WORDS_FILE}"
        }
        self.assertEqual(declared - listed, set(), "missing in fr.po")
        self.assertEqual(listed - declared, set(), "no longer there")
