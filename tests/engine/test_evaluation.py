"""Evaluation semantics, explanations, and facts the Odoo side can produce."""

from decimal import Decimal

import pytest

from engine import Evaluator, validate_rule_set


def leaf(name, operator, value=None):
    return {"name": name, "operator": operator, "value": value}


def rule(name, conditions, *actions):
    return {
        "name": name,
        "conditions": conditions,
        "actions": [{"name": a, "params": p} for a, p in actions],
    }


def make(rules, name="Set", priority=10, stop=False):
    return validate_rule_set(
        {
            "name": name,
            "priority": priority,
            "stop_on_first_trigger": stop,
            "rules": rules,
        }
    )


LEVEL_1 = ("set_reminder_level", {"level": 1})
LEVEL_2 = ("set_reminder_level", {"level": 2})
EMAIL = ("send_reminder", {"channel": "email"})

FIRM = rule(
    "Repeat late payer, firm",
    {
        "all": [
            leaf("days_overdue", "greater_than_or_equal_to", 15),
            leaf("customer_typology", "contains", "late_payer"),
        ]
    },
    LEVEL_2,
    EMAIL,
)
GENTLE = rule("Gentle", leaf("days_overdue", "greater_than", 0), LEVEL_1)


def actions_of(result):
    return [(d.action, dict(d.params)) for d in result.decisions]


def test_decisions_carry_rule_and_explanation():
    result = Evaluator([make([FIRM])]).evaluate(
        {"invoice_id": 1, "days_overdue": 17, "customer_typology": "late_payer"}
    )
    assert result.error is None
    assert actions_of(result) == [
        ("set_reminder_level", {"level": 2}),
        ("send_reminder", {"channel": "email", "template": ""}),
    ]
    decision = result.decisions[0]
    assert (decision.rule_set, decision.rule) == ("Set", "Repeat late payer, firm")
    assert decision.explanation.text() == (
        "rule 'Repeat late payer, firm' triggered: days overdue 17 >= 15; "
        "customer typology = Repeat late payer"
    )
    checks = decision.explanation.checks
    assert [(c.variable, c.actual, c.expected) for c in checks] == [
        ("days_overdue", 17, 15),
        ("customer_typology", ["late_payer"], "late_payer"),
    ]
    assert (
        decision.as_dict()["explanation"]["checks"][0]["text"]
        == "days overdue 17 >= 15"
    )


def test_any_group_explains_the_condition_that_held():
    rule_ = rule(
        "Disputed",
        {
            "any": [
                leaf("dispute_status", "contains", "open"),
                leaf("dispute_status", "contains", "under_review"),
            ]
        },
    )
    result = Evaluator([make([rule_])]).evaluate({"dispute_status": "under_review"})
    assert result.decisions == []
    assert [e.rule for e in result.triggered] == ["Disputed"]
    assert result.triggered[0].text() == (
        "rule 'Disputed' triggered: dispute status = Under review"
    )


def test_stop_on_first_trigger_stops_only_its_rule_set():
    guard = rule("Disputed", leaf("dispute_status", "contains", "open"))
    first = make([guard, GENTLE], name="First", priority=1, stop=True)
    second = make(
        [rule("Always", leaf("residual_amount", "greater_than_or_equal_to", 0), EMAIL)],
        name="Second",
        priority=2,
    )
    result = Evaluator([second, first]).evaluate(
        {"dispute_status": "open", "days_overdue": 3}
    )
    assert [(e.rule_set, e.rule) for e in result.triggered] == [
        ("First", "Disputed"),
        ("Second", "Always"),
    ]
    result = Evaluator([second, first]).evaluate(
        {"dispute_status": "none", "days_overdue": 3}
    )
    assert [(e.rule_set, e.rule) for e in result.triggered] == [
        ("First", "Gentle"),
        ("Second", "Always"),
    ]


def test_without_stop_every_triggered_rule_acts_in_order():
    result = Evaluator([make([GENTLE, FIRM])]).evaluate(
        {"days_overdue": 20, "customer_typology": "LATE_PAYER"}
    )
    assert [d.rule for d in result.decisions] == [
        "Gentle",
        "Repeat late payer, firm",
        "Repeat late payer, firm",
    ]
    levels = [d for d in result.decisions if d.action == "set_reminder_level"]
    assert levels[0].params["level"] == 1


def test_equal_priorities_keep_the_given_order():
    a = make([rule("A", leaf("days_overdue", "greater_than", -99), LEVEL_1)], name="A")
    b = make([rule("B", leaf("days_overdue", "greater_than", -99), LEVEL_2)], name="B")
    assert [d.rule for d in Evaluator([b, a]).evaluate({}).decisions] == ["B", "A"]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, []),  # everything missing: zeros, empty texts, no choice
        ({"days_overdue": None, "residual_amount": False, "country": False}, []),
        ({"days_overdue": 0, "residual_amount": 0.0}, []),
        ({"days_overdue": -5}, []),
        ({"days_overdue": 1}, ["Gentle"]),
        ({"days_overdue": Decimal("0.5")}, ["Gentle"]),
        ({"days_overdue": 0.0000005}, []),  # within business-rules' epsilon
        ({"days_overdue": 15, "customer_typology": ""}, ["Gentle"]),
        (
            {"days_overdue": 15, "customer_typology": "late_payer"},
            ["Gentle", "Repeat late payer, firm"],
        ),
    ],
)
def test_facts_as_odoo_hands_them_out(facts, expected):
    result = Evaluator([make([GENTLE, FIRM])]).evaluate(facts)
    assert result.error is None
    assert [e.rule for e in result.triggered] == expected


def test_days_since_last_reminder_defaults_to_never():
    rule_ = rule(
        "Weekly at most", leaf("days_since_last_reminder", "greater_than", 7), EMAIL
    )
    evaluator = Evaluator([make([rule_])])
    assert evaluator.evaluate({"days_since_last_reminder": None}).decisions
    assert not evaluator.evaluate({"days_since_last_reminder": 3}).decisions


def test_added_operators_and_other_types():
    rules = [
        rule("Not France", leaf("country", "not_equal_to", "FR"), LEVEL_1),
        rule("Not 30", leaf("days_overdue", "not_equal_to", 30), LEVEL_1),
        rule("No mobile", leaf("has_valid_mobile", "is_false"), LEVEL_1),
        rule(
            "Reachable by SMS and email",
            leaf("reachable_channels", "contains_all", ["sms", "email"]),
            LEVEL_1,
        ),
        rule("Country code", leaf("country", "matches_regex", "^[A-Z]{2}$"), LEVEL_1),
    ]
    result = Evaluator([make(rules)]).evaluate(
        {"country": "BE", "days_overdue": 30, "reachable_channels": ["email", "SMS"]}
    )
    assert [e.rule for e in result.triggered] == [
        "Not France",
        "No mobile",
        "Reachable by SMS and email",
        "Country code",
    ]
    texts = [e.text() for e in result.triggered]
    assert texts[0] == 'rule \'Not France\' triggered: country "BE" ≠ "FR"'
    assert (
        texts[1]
        == "rule 'No mobile' triggered: has a valid mobile number is false (no)"
    )


def test_a_bad_fact_fails_its_invoice_only():
    evaluator = Evaluator([make([GENTLE, FIRM])])
    results = evaluator.evaluate_many(
        [
            {"invoice_id": 1, "days_overdue": 20},
            {"invoice_id": 2, "days_overdue": "twenty"},
            {"invoice_id": 3, "days_overdue": float("nan")},
            {"invoice_id": 4, "days_overdue": True},
            "not a dict",
            {"invoice_id": 6, "days_overdue": 20, "customer_typology": {"a": 1}},
            {"invoice_id": 7, "days_overdue": 20},
        ]
    )
    assert [r.error is None for r in results] == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert results[1].error == "Fact 'days_overdue' must be a number, got 'twenty'."
    assert "finite" in results[2].error
    assert results[4].error == "Facts must be a dict, got str."
    assert "customer_typology" in results[5].error
    assert [e.rule for e in results[6].triggered] == ["Gentle"]
    assert results[1].decisions == []


def test_booleans_and_numbers_do_not_mix_in_the_memo():
    rule_ = rule("One", leaf("days_overdue", "equal_to", 1), LEVEL_1)
    flag = rule("Mobile", leaf("has_valid_mobile", "is_true"), LEVEL_2)
    results = Evaluator([make([rule_, flag])]).evaluate_many(
        [
            {"days_overdue": 1},
            {"days_overdue": True},
            {"days_overdue": 1.0},
            {"has_valid_mobile": 1},
            {"has_valid_mobile": True},
        ]
    )
    assert [r.error is None for r in results] == [True, False, True, False, True]
    assert [e.rule for e in results[2].triggered] == ["One"]
    assert [e.rule for e in results[4].triggered] == ["Mobile"]


def test_batches_give_the_same_result_as_one_by_one():
    rules = make(
        [
            GENTLE,
            FIRM,
            rule(
                "Big",
                leaf("residual_amount", "greater_than", 1000),
                ("notify_responsible", {"message": "big"}),
            ),
        ]
    )
    facts = [
        {"days_overdue": d, "residual_amount": d * 97.5, "customer_typology": t}
        for d in range(-10, 40)
        for t in ("premium", "late_payer")
    ]
    small_batches = Evaluator([rules], batch_size=7).evaluate_many(facts)
    one_by_one = [Evaluator([rules]).evaluate(f) for f in facts]
    assert [[d.key() for d in r.decisions] for r in small_batches] == [
        [d.key() for d in r.decisions] for r in one_by_one
    ]


def test_params_of_decisions_are_read_only():
    result = Evaluator([make([GENTLE])]).evaluate({"days_overdue": 3})
    with pytest.raises(TypeError):
        result.decisions[0].params["level"] = 9


def test_empty_batch():
    assert Evaluator([make([GENTLE])]).evaluate_many([]) == []
