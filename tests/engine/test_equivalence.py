"""The evaluator takes exactly the decisions business-rules' run_all takes."""

from business_rules import run_all
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_strategies import facts, rule_sets

from engine import CollectionActions, Evaluator, InvoiceFacts, validate_rule_set


def run_all_decisions(rule_set, fact):
    recorder = CollectionActions()
    triggered = run_all(
        rule_set.business_rules(),
        InvoiceFacts(fact),
        recorder,
        stop_on_first_trigger=rule_set.stop_on_first_trigger,
    )
    return triggered, [decision.key() for decision in recorder.decisions]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_rule_set=rule_sets, fact_list=st.lists(facts, min_size=1, max_size=8))
def test_same_decisions_as_run_all(raw_rule_set, fact_list):
    rule_set = validate_rule_set(raw_rule_set)
    evaluator = Evaluator([rule_set])
    for fact, result in zip(fact_list, evaluator.evaluate_many(fact_list), strict=True):
        assert result.error is None
        triggered, expected = run_all_decisions(rule_set, fact)
        assert [d.key() for d in result.decisions] == expected
        assert bool(result.triggered) == triggered


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_sets=st.lists(rule_sets, min_size=2, max_size=4), fact=facts)
def test_rule_sets_run_in_priority_order_each_like_run_all(raw_sets, fact):
    rule_sets_ = [validate_rule_set(raw) for raw in raw_sets]
    result = Evaluator(rule_sets_).evaluate(fact)
    ordered = sorted(
        enumerate(rule_sets_), key=lambda item: (item[1].priority, item[0])
    )
    expected = []
    for _, rule_set in ordered:
        expected.extend(run_all_decisions(rule_set, fact)[1])
    assert [d.key() for d in result.decisions] == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_rule_set=rule_sets, fact=facts)
def test_explanations_only_list_conditions_that_held(raw_rule_set, fact):
    evaluator = Evaluator([validate_rule_set(raw_rule_set)])
    result = evaluator.evaluate(fact)
    for triggered in result.triggered:
        assert triggered.checks, "a triggered rule explains itself"
        assert triggered.text().startswith(f"rule {triggered.rule!r}")
