"""The engine words its results once, in any language (``engine/wording.py``)."""

import ast
from pathlib import Path

from engine import DEFAULT_CATALOGUE, Evaluator, evaluation, validate_rule_set, wording
from engine.operators import OPERATOR_LABELS, OPERATOR_SYMBOLS, OPERATOR_TYPES

ENGINE = Path(evaluation.__file__).parent


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


RULE_SET = validate_rule_set(
    {
        "name": "Set",
        "rules": [
            {
                "name": "Firm",
                "conditions": {
                    "all": [
                        leaf("days_overdue", "greater_than_or_equal_to", 15),
                        leaf("customer_typology", "contains", "late_payer"),
                        leaf("has_valid_mobile", "is_false"),
                        leaf("country", "not_equal_to", "FR"),
                        leaf("residual_amount", "greater_than", 100),
                    ]
                },
                "actions": [
                    {"name": "send_reminder", "params": {"channel": "sms"}},
                    {"name": "pause_reminders", "params": {"days": 3, "reason": "x"}},
                ],
            }
        ],
    }
)
FACTS = {
    "days_overdue": 17,
    "customer_typology": "late_payer",
    "has_valid_mobile": False,
    "country": "BE",
    "residual_amount": 1200.0,
}


def marked_texts():
    """The first argument of every ``_lt`` call of the engine, by file."""
    texts = {}
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_lt"
                and isinstance(node.args[0], ast.Constant)
            ):
                texts.setdefault(node.args[0].value, set()).add(path.name)
    return texts


def test_every_catalogue_text_is_marked_where_it_is_declared():
    marked = marked_texts()
    unmarked = {
        holder[key]
        for holder, key in wording.catalogue_texts(DEFAULT_CATALOGUE.export())
        if holder[key] not in marked and any(c.isalpha() for c in holder[key])
    }
    assert not unmarked
    assert marked["Days overdue"] == {"variables.py"}
    assert marked["Send a reminder"] == {"actions.py"}
    assert marked["is among"] == {"operators.py"}
    for word in (wording.YES, wording.AND, wording.RULE_HEADING, wording.PARAMETER):
        assert marked[word] == {"wording.py"}


def test_every_operator_has_a_label_and_a_symbol():
    for cls in OPERATOR_TYPES.values():
        for operator in cls.get_all_operators():
            assert operator["name"] in OPERATOR_LABELS
            assert operator["name"] in OPERATOR_SYMBOLS
            assert operator["label"] == OPERATOR_LABELS[operator["name"]]


def test_the_engine_english_text_is_the_wording_of_each_check():
    result = Evaluator([RULE_SET]).evaluate(FACTS)
    explanation = result.triggered[0]
    assert explanation.text() == wording.explanation_line(explanation)
    assert [check.text() for check in explanation.checks] == [
        "days overdue 17 >= 15",
        "customer typology = Repeat late payer",
        "has a valid mobile number is false (no)",
        'country "BE" ≠ "FR"',
        "amount due 1200.0 > 100",
    ]


def test_people_read_the_same_checks_with_labels_and_whole_numbers():
    result = Evaluator([RULE_SET]).evaluate(FACTS)
    words = wording.Wording(DEFAULT_CATALOGUE.export())
    assert words.explanation_text(result.triggered[0]) == (
        "Firm:\n"
        "• Days overdue 17 >= 15\n"
        "• Customer typology = Repeat late payer\n"
        "• Has a valid mobile number is false (no)\n"
        "• Country “BE” ≠ “FR”\n"
        "• Amount due 1200 > 100"
    )
    assert [words.decision_text(d) for d in result.decisions] == [
        "Send a reminder — Channel: SMS",
        "Pause reminders — Days: 3, Reason: “x”",
    ]
    assert words.condition_text(
        {"any": [RULE_SET.rules[0].conditions, leaf("has_email", "is_true")]}
    ) == (
        "(Days overdue >= 15 and Customer typology = Repeat late payer and "
        "Has a valid mobile number is false and Country ≠ “FR” and "
        "Amount due > 100) or Has an email address is true"
    )


def test_translate_reaches_every_word():
    result = Evaluator([RULE_SET]).evaluate(FACTS)
    words = wording.Wording(DEFAULT_CATALOGUE.export(), translate=str.upper)
    assert words.explanation_text(result.triggered[0]).splitlines()[:4] == [
        "Firm:",  # "%(RULE)S:" does not fit: English
        "• DAYS OVERDUE 17 >= 15",
        "• CUSTOMER TYPOLOGY = REPEAT LATE PAYER",
        "• HAS A VALID MOBILE NUMBER IS FALSE (NO)",
    ]
    assert words.action_text("send_reminder", {"channel": "sms"}) == (
        "SEND A REMINDER — CHANNEL: SMS"
    )
    assert words.show([]) == "(NONE)"


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_english():
    words = wording.Wording(
        DEFAULT_CATALOGUE.export(),
        translate=lambda text: "%(oops)s" if "%(" in text else text,
    )
    assert words.action_text("set_reminder_level", {"level": 2}) == (
        "Set the reminder level — Level: 2"
    )
