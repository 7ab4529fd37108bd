"""Whatever an administrator types, the engine answers with its own clear
error, never a traceback; and no rule can hold an evaluation for long.

Issue 7, items 10, 11 and 12, and the translatable messages of item 13.
"""

import ast
import json
import pathlib

import pytest

from engine import (
    Catalogue,
    Evaluator,
    RuleValidationError,
    load_json,
    normalize_phone,
    validate_rule_set,
    validate_rules,
)
from engine import evaluation as evaluation_module
from engine.validation import (
    MAX_JSON_DEPTH,
    MAX_JSON_LENGTH,
    MAX_NODES,
    MAX_TEXT_LENGTH,
)

ENGINE = pathlib.Path(__file__).parents[2] / "recouvrement_fidelite" / "engine"


def leaf(name="days_overdue", operator="greater_than", value=10):
    return {"name": name, "operator": operator, "value": value}


def rule_set(conditions=None, actions=None):
    return {
        "name": "Late payers",
        "rules": [
            {
                "name": "Firm reminder",
                "conditions": conditions if conditions is not None else leaf(),
                "actions": actions if actions is not None else [],
            }
        ],
    }


def refusal(document, catalogue=None):
    with pytest.raises(RuleValidationError) as caught:
        if catalogue is None:
            validate_rule_set(document)
        else:
            validate_rule_set(document, catalogue)
    return caught.value


def nested_list(depth, inner=0):
    """``[[[...inner...]]]`` built without recursion."""
    value = inner
    for _ in range(depth):
        value = [value]
    return value


# Item 11: size, depth, numbers, characters


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_text_is_refused_cleanly(depth):
    text = '{"name": "S", "rules": ' + "[" * depth + "]" * depth + "}"
    error = refusal(text)
    assert error.problems[0].message == f"nested deeper than {MAX_JSON_DEPTH} levels"


def test_deeply_nested_value_is_refused_cleanly():
    # As a dict (the Odoo side parses each part of a rule itself).
    error = refusal(rule_set(leaf("country", "equal_to", nested_list(1_000))))
    problem = error.problems[0]
    assert problem.rule == "Firm reminder"
    assert problem.path.startswith("rules[0].conditions.value[0][0]")
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in problem.message
    # Nested groups keep their own, more telling message.
    conditions = leaf()
    for _ in range(40):
        conditions = {"all": [conditions]}
    assert "conditions are nested deeper than 20 levels" in str(
        refusal(rule_set(conditions))
    )


@pytest.mark.parametrize("as_text", [False, True])
def test_huge_integer_is_refused_cleanly(as_text):
    huge = int("9" * 400)
    document = rule_set(leaf(value=huge))
    error = refusal(json.dumps(document) if as_text else document)
    problem = error.problems[0]
    assert problem.path == "rules[0].conditions.value"
    assert "is too large: numbers are at most 1e+15 in absolute value" in (
        problem.message
    )
    # Digits beyond Python's int-to-text limit are not even converted.
    error = refusal(rule_set(leaf(value=-(10**5000))))
    assert "-a number of about 5001 digits is too large" in str(error)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(float("nan"), "NaN"), (float("inf"), "Infinity"), (1e300, "1e+300")],
)
def test_non_finite_or_huge_floats_are_refused(value, shown):
    error = refusal(rule_set(leaf(value=value)))
    assert shown in error.problems[0].message
    text = json.dumps(rule_set(leaf(value=value)))  # NaN, Infinity literals
    assert shown in refusal(text).problems[0].message


def test_action_parameters_and_priority_are_bounded_too():
    document = rule_set(
        actions=[{"name": "schedule_call", "params": {"within_days": 10**400}}]
    )
    document["priority"] = 10**20
    error = refusal(document)
    assert [p.path for p in error.problems] == [
        "rules[0].actions[0].params.within_days",
        "priority",
    ]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\ud800"])
def test_characters_the_database_refuses_are_refused(character):
    document = rule_set(
        actions=[
            {"name": "notify_responsible", "params": {"message": f"call{character}"}}
        ]
    )
    for candidate in (document, json.dumps(document)):
        error = refusal(candidate)
        problem = error.problems[0]
        assert problem.path == "rules[0].actions[0].params.message"
        assert problem.message == (
            f"the text holds a character that cannot be stored (U+{ord(character):04X})"
        )
    # Tabs and line breaks are text like any other.
    validate_rule_set(
        rule_set(
            actions=[{"name": "notify_responsible", "params": {"message": "a\tb\nc\r"}}]
        )
    )


def test_sizes_are_bounded():
    error = refusal(" " * (MAX_JSON_LENGTH + 1))
    assert "the text is too long" in str(error)
    error = refusal(rule_set(leaf("country", "equal_to", "x" * (MAX_TEXT_LENGTH + 1))))
    assert "characters, at most 10000" in str(error)
    many = rule_set({"any": [leaf() for _ in range(MAX_NODES // 3)]})
    assert f"too many values: more than {MAX_NODES}" in str(refusal(many))


def test_load_json_is_the_bounded_parser_for_parts_of_a_rule():
    assert load_json('{"all": []}') == {"all": []}
    with pytest.raises(RuleValidationError) as caught:
        load_json("[" * 5000, path="conditions")
    assert [p.path for p in caught.value.problems] == ["conditions"]
    with pytest.raises(RuleValidationError, match="not valid JSON"):
        load_json("{not json", path="actions")
    with pytest.raises(RuleValidationError) as caught:
        load_json('{"all": [{"name": "x", "value": 1e999}]}', path="conditions")
    assert caught.value.problems[0].path == "conditions.all[0].value"


# Item 10: the allowed levels come from Odoo


def test_level_numbers_given_by_odoo_bound_the_level_action():
    catalogue = Catalogue(options={"set_reminder_level.level": [0, 1, 2, 3]})

    def level(number):
        return rule_set(
            actions=[{"name": "set_reminder_level", "params": {"level": number}}]
        )

    validate_rule_set(level(2), catalogue)
    error = refusal(level(99), catalogue)
    assert [str(p) for p in error.problems] == [
        "rule 'Firm reminder', rules[0].actions[0].params.level: 99 is not among "
        "the allowed values: 0, 1, 2, 3"
    ]
    # Without choices from Odoo, any whole number from 0 is accepted.
    validate_rule_set(level(99))


# Item 12: regular expressions cannot hold an evaluation


def country_rule(pattern):
    return validate_rules(
        [
            {
                "name": "Regex",
                "conditions": leaf("country", "matches_regex", pattern),
                "actions": [{"name": "group_in_statement", "params": {}}],
            }
        ]
    )


def test_nested_quantifier_on_a_long_text_returns_promptly():
    """The issue's pattern: ``re`` would take about 2**50 steps here."""
    evaluator = Evaluator([country_rule("(a+)+$")])
    results = evaluator.evaluate_many([{"country": "a" * 50 + "!"}, {"country": "aaa"}])
    assert results[0].error is None and not results[0].decisions
    assert [d.action for d in results[1].decisions] == ["group_in_statement"]


def test_catastrophic_backtracking_is_an_error_for_that_invoice_only(monkeypatch):
    monkeypatch.setattr(evaluation_module, "REGEX_TIMEOUT", 0.01)
    evaluator = Evaluator([country_rule("(a|aa)+$")])
    evil = "a" * 60 + "!"
    results = evaluator.evaluate_many(
        [{"country": "aa"}, {"country": evil}, {"country": "b"}]
    )
    assert [d.action for d in results[0].decisions] == ["group_in_statement"]
    assert "took more than 0.01 s" in results[1].error
    assert "(a|aa)+$" in results[1].error
    assert not results[1].decisions
    assert results[2].error is None and not results[2].decisions
    # Explanations of the others are read later without testing again.
    assert "country" in results[0].triggered[0].text()


def test_a_bad_pattern_costs_a_bounded_time_whatever_the_invoices(monkeypatch):
    """After a few timeouts the condition fails at once: the cost of a bad
    pattern does not grow with the number of invoices."""
    searches = []

    class AlwaysSlow:
        def search(self, text, timeout=None):
            searches.append(text)
            raise TimeoutError("regex timed out")

    class SlowRegex:
        V0 = 0

        @staticmethod
        def compile(pattern, flags=0):
            return AlwaysSlow()

    monkeypatch.setattr(evaluation_module, "regex", SlowRegex)
    evaluator = Evaluator([country_rule("(a|aa)+$")])
    results = evaluator.evaluate_many(
        [{"country": "a" * (60 + index) + "!"} for index in range(40)]
    )
    assert all("took more than" in result.error for result in results)
    assert len(searches) == evaluation_module.REGEX_TIMEOUTS_ALLOWED


def test_patterns_must_compile_for_both_regex_engines():
    error = refusal(rule_set(leaf("country", "matches_regex", "(?<x>a)")))
    assert "invalid regular expression" in str(error)  # re refuses it


# Item 13: every message the engine shows is a template marked for translation


def marked_templates():
    """The first argument of every ``_lt("...")`` call in the engine's sources,
    as Odoo's translation export extracts them."""
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
    return templates


BAD_DOCUMENTS = [
    "{not json",
    "[" * 200,
    [],
    {"rules": []},
    {"name": "", "rules": {}, "priority": "high", "stop_on_first_trigger": 1},
    {"name": "S", "rules": [42, {"conditions": leaf(), "actions": []}], "x": 1},
    rule_set({"all": []}),
    rule_set({"all": [leaf()], "any": [leaf()]}),
    rule_set({"all": leaf()}),
    rule_set([leaf()]),
    rule_set(leaf("days_late")),
    rule_set(leaf(operator="bigger")),
    rule_set(leaf("country", "does_not_contain", "FR")),
    rule_set(leaf(value="10")),
    rule_set(leaf("country", "equal_to", 3)),
    rule_set(leaf("customer_typology", "contains", ["premium"])),
    rule_set(leaf("customer_typology", "contains", "vip")),
    rule_set(leaf("reachable_channels", "contains_all", "email")),
    rule_set(leaf("has_email", "is_true", "yes")),
    rule_set({"name": "days_overdue", "operator": "equal_to"}),
    rule_set(leaf("country", "matches_regex", "([A-Z")),
    rule_set(leaf(value=10**400)),
    rule_set(leaf(value=float("nan"))),
    rule_set(leaf("country", "equal_to", "\x00")),
    rule_set(leaf("country", "equal_to", "x" * (MAX_TEXT_LENGTH + 1))),
    rule_set(actions={"name": "escalate"}),
    rule_set(actions=[42, {"name": "fly"}, {"name": "escalate", "params": []}]),
    rule_set(actions=[{"name": "set_reminder_level", "params": {"level": 1.5}}]),
    rule_set(actions=[{"name": "set_reminder_level", "params": {"level": -1}}]),
    rule_set(actions=[{"name": "set_reminder_level"}]),
    rule_set(actions=[{"name": "pause_reminders", "params": {"days": 400}}]),
    rule_set(actions=[{"name": "pause_reminders", "params": {"days": 3, "x": 1}}]),
    rule_set(actions=[{"name": "group_in_statement", "params": {"x": 1}}]),
    rule_set(actions=[{"name": "notify_responsible", "params": {"message": " "}}]),
]


@pytest.mark.parametrize("document", BAD_DOCUMENTS)
def test_every_problem_is_a_translatable_template(document):
    catalogue = Catalogue(options={"set_reminder_level.level": [0, 1, 2]})
    templates = marked_templates()
    for problem in refusal(document, catalogue).problems:
        assert problem.template in templates, problem.template
        assert problem.message == (
            problem.template % problem.params if problem.params else problem.template
        )


def test_phone_reasons_are_translatable_templates():
    templates = marked_templates()
    checks = [
        normalize_phone(raw, country)
        for raw, country in [
            ("12", "FR"),
            ("06 12 34 56 78 90 12 34", "FR"),
            ("06 12 34 56 78", None),
            ("call me", "FR"),
            ("+33 0 00 00 00 00", "FR"),
        ]
    ]
    for check in checks:
        assert check.reason_template in templates
    assert checks[-1].reason_params == {"country": "FR"}
    assert checks[-1].reason == "no such number exists in FR"
