"""Every kind of malformed rule set is refused with a message that names the
rule and the path to the bad element and says what is expected."""

import json

import pytest

from engine import Catalogue, RuleValidationError, validate_rule_set, validate_rules


def leaf(name="days_overdue", operator="greater_than", value=10):
    return {"name": name, "operator": operator, "value": value}


def rule_set(conditions=None, actions=None, **extra):
    rule = {
        "name": "Firm reminder",
        "conditions": conditions if conditions is not None else leaf(),
        "actions": actions
        if actions is not None
        else [{"name": "set_reminder_level", "params": {"level": 2}}],
    }
    return dict({"name": "Late payers", "priority": 5, "rules": [rule]}, **extra)


def refusal(document):
    with pytest.raises(RuleValidationError) as caught:
        validate_rule_set(document)
    return caught.value


def test_a_valid_rule_set_is_normalised():
    result = validate_rule_set(
        rule_set(
            {"all": [leaf(), {"name": "has_email", "operator": "is_true"}]},
            [{"name": "send_reminder", "params": {"channel": "email"}}],
        )
    )
    assert result.name == "Late payers"
    assert result.priority == 5
    assert result.stop_on_first_trigger is False
    rule = result.rules[0]
    assert rule.conditions["all"][1] == {
        "name": "has_email",
        "operator": "is_true",
        "value": None,
    }
    # Parameters with a default are completed, as business-rules would call.
    assert rule.actions == [
        {"name": "send_reminder", "params": {"channel": "email", "template": ""}}
    ]
    assert validate_rule_set(json.dumps(result.as_dict())).as_dict() == result.as_dict()


@pytest.mark.parametrize(
    ("document", "path", "expected"),
    [
        (
            rule_set(leaf(name="days_late")),
            "rules[0].conditions.name",
            "unknown variable 'days_late'; expected one of: ",
        ),
        (
            rule_set(leaf(operator="bigger")),
            "rules[0].conditions.operator",
            "operator 'bigger' cannot be used on the numeric variable 'days_overdue'",
        ),
        (
            rule_set(leaf(value="10")),
            "rules[0].conditions.value",
            "expected a number, got '10'",
        ),
        (
            rule_set(leaf(value=True)),
            "rules[0].conditions.value",
            "expected a number, got true",
        ),
        (
            rule_set(leaf(value=float("nan"))),
            "rules[0].conditions.value",
            "expected a number",
        ),
        (
            rule_set({"all": []}),
            "rules[0].conditions.all",
            'an empty "all" group; expected at least one condition',
        ),
        (
            rule_set({"any": [leaf(), {"any": []}]}),
            "rules[0].conditions.any[1].any",
            'an empty "any" group',
        ),
        (
            rule_set({"all": [leaf()], "any": [leaf()]}),
            "rules[0].conditions",
            'a group holds exactly one key, "all" or "any"',
        ),
        (
            rule_set({"all": leaf()}),
            "rules[0].conditions.all",
            "expected a list of conditions",
        ),
        (
            rule_set(leaf("country", "matches_regex", "([A-Z")),
            "rules[0].conditions.value",
            "invalid regular expression",
        ),
        (
            rule_set(leaf("country", "does_not_contain", "FR")),
            "rules[0].conditions.operator",
            "'does_not_contain' is an operator for select variables",
        ),
        (
            rule_set(leaf("country", "contains_all", ["FR"])),
            "rules[0].conditions.operator",
            "cannot be used on the string variable 'country'",
        ),
        (
            rule_set(leaf("customer_typology", "equal_to", "premium")),
            "rules[0].conditions.operator",
            "expected one of: contains, does_not_contain",
        ),
        (
            rule_set(leaf("customer_typology", "contains", "vip")),
            "rules[0].conditions.value",
            "'vip' is not a known choice; expected one of: premium",
        ),
        (
            rule_set(leaf("customer_typology", "contains", ["premium"])),
            "rules[0].conditions.value",
            "expected one choice",
        ),
        (
            rule_set(leaf("reachable_channels", "contains_all", "email")),
            "rules[0].conditions.value",
            "expected a list of choices",
        ),
        (
            rule_set(leaf("has_email", "is_true", "yes")),
            "rules[0].conditions.value",
            "operator 'is_true' takes no value",
        ),
        (
            rule_set({"name": "days_overdue", "operator": "equal_to"}),
            "rules[0].conditions.value",
            "operator 'equal_to' needs a value",
        ),
        (
            rule_set(dict(leaf(), label="x")),
            "rules[0].conditions.label",
            "unknown key 'label'; expected keys: name, operator, value",
        ),
        (
            rule_set({"name": "days_overdue"}),
            "rules[0].conditions.operator",
            "is required",
        ),
        (rule_set([leaf()]), "rules[0].conditions", "expected a condition object"),
        (
            rule_set(actions=[{"name": "send_letter"}]),
            "rules[0].actions[0].name",
            "unknown action 'send_letter'; expected one of: charge_late_fees, escalate",
        ),
        (
            rule_set(
                actions=[
                    {"name": "set_reminder_level", "params": {"level": 2, "lvl": 2}}
                ]
            ),
            "rules[0].actions[0].params.lvl",
            "unknown parameter 'lvl'",
        ),
        (
            rule_set(actions=[{"name": "set_reminder_level"}]),
            "rules[0].actions[0].params.level",
            "is required by action 'set_reminder_level'",
        ),
        (
            rule_set(
                actions=[{"name": "set_reminder_level", "params": {"level": 1.5}}]
            ),
            "rules[0].actions[0].params.level",
            "expected a whole number, got 1.5",
        ),
        (
            rule_set(actions=[{"name": "set_reminder_level", "params": {"level": -1}}]),
            "rules[0].actions[0].params.level",
            "expected at least 0, got -1",
        ),
        (
            rule_set(
                actions=[
                    {"name": "pause_reminders", "params": {"days": 400, "reason": "x"}}
                ]
            ),
            "rules[0].actions[0].params.days",
            "expected at most 366, got 400",
        ),
        (
            rule_set(
                actions=[
                    {"name": "pause_reminders", "params": {"days": 3, "reason": " "}}
                ]
            ),
            "rules[0].actions[0].params.reason",
            "expected a non-empty text",
        ),
        (
            rule_set(actions=[{"name": "send_reminder", "params": {"channel": "fax"}}]),
            "rules[0].actions[0].params.channel",
            "'fax' is not a known choice",
        ),
        (
            rule_set(actions=[{"name": "escalate", "params": {"stage": 3}}]),
            "rules[0].actions[0].params.stage",
            "3 is not a known choice",
        ),
        (
            rule_set(actions={"name": "escalate"}),
            "rules[0].actions",
            "expected a list of actions",
        ),
        (
            rule_set(actions=[{"name": "escalate", "params": ["formal_notice"]}]),
            "rules[0].actions[0].params",
            "expected an object",
        ),
    ],
)
def test_malformed_rule_is_refused_with_rule_and_path(document, path, expected):
    error = refusal(document)
    assert len(error.problems) == 1, error.problems
    problem = error.problems[0]
    assert problem.rule == "Firm reminder"
    assert problem.path == path
    assert expected in problem.message
    assert str(error).startswith("Rule set 'Late payers' is invalid:")
    assert f"rule 'Firm reminder', {path}: " in str(error)


@pytest.mark.parametrize(
    ("document", "path", "expected"),
    [
        ("{not json", "(json)", "not valid JSON"),
        ([], "(rule set)", "expected an object"),
        ({"rules": []}, "name", "is required"),
        ({"name": "", "rules": []}, "name", "expected a non-empty text"),
        ({"name": "S", "rules": {}}, "rules", "expected a list of rules"),
        (
            {"name": "S", "rules": [], "priority": "high"},
            "priority",
            "expected an integer",
        ),
        (
            {"name": "S", "rules": [], "stop_on_first_trigger": "yes"},
            "stop_on_first_trigger",
            "expected true or false",
        ),
        ({"name": "S", "rules": [], "owner": "me"}, "owner", "unknown key 'owner'"),
        ({"name": "S", "rules": [42]}, "rules[0]", "expected a rule object"),
        (
            {"name": "S", "rules": [{"conditions": leaf(), "actions": []}]},
            "rules[0].name",
            "is required",
        ),
    ],
)
def test_malformed_rule_set_is_refused(document, path, expected):
    error = refusal(document)
    assert [p.path for p in error.problems] == [path]
    assert expected in error.problems[0].message


def test_every_problem_is_listed_at_once():
    document = rule_set(
        {"all": [leaf(name="nope"), leaf(value="x"), {"any": []}]},
        [{"name": "send_reminder"}, {"name": "fly"}],
    )
    error = refusal(document)
    assert [p.path for p in error.problems] == [
        "rules[0].conditions.all[0].name",
        "rules[0].conditions.all[1].value",
        "rules[0].conditions.all[2].any",
        "rules[0].actions[0].params.channel",
        "rules[0].actions[1].name",
    ]


def test_nesting_is_bounded():
    conditions = leaf()
    for _ in range(40):
        conditions = {"all": [conditions]}
    error = refusal(rule_set(conditions))
    assert "nested deeper than 20 levels" in str(error)


def test_rule_without_actions_is_allowed_as_a_guard():
    result = validate_rule_set(rule_set(actions=[]))
    assert result.rules[0].actions == []


def test_choices_are_case_insensitive_like_business_rules():
    validate_rule_set(rule_set(leaf("customer_typology", "contains", "PREMIUM")))


def test_choices_given_by_odoo_replace_the_declared_ones():
    catalogue = Catalogue(
        options={
            "customer_typology": [{"name": "vip", "label": "VIP"}],
            "escalate.stage": [{"name": "bailiff", "label": "Bailiff"}],
        }
    )
    validate_rule_set(
        rule_set(
            leaf("customer_typology", "contains", "vip"),
            [{"name": "escalate", "params": {"stage": "bailiff"}}],
        ),
        catalogue,
    )
    with pytest.raises(RuleValidationError, match="'premium' is not a known choice"):
        validate_rule_set(
            rule_set(leaf("customer_typology", "contains", "premium")), catalogue
        )


def test_validate_rules_wraps_a_plain_rule_list():
    result = validate_rules(
        [{"name": "r", "conditions": leaf(), "actions": []}],
        name="From the editor",
        priority=3,
        stop_on_first_trigger=True,
    )
    assert (result.name, result.priority, result.stop_on_first_trigger) == (
        "From the editor",
        3,
        True,
    )
