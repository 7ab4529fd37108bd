"""Any JSON document is either accepted as a rule set or refused with the
engine's own error: never a KeyError, AssertionError or TypeError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_strategies import facts, leaves, rule_sets

from engine import Evaluator, RuleValidationError, validate_rule_set

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(
        [
            "all",
            "any",
            "name",
            "operator",
            "value",
            "rules",
            "days_overdue",
            "contains",
            "equal_to",
            "send_reminder",
            "params",
            "matches_regex",
            "(",
        ]
    ),
)


def nested_list(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


# What the technical limits are for (issue 7, item 11): deep nesting, huge or
# non-finite numbers, texts the database refuses, long texts.
hostile_values = st.one_of(
    st.integers(90, 200).map(nested_list),
    st.integers(16, 400).map(lambda digits: 10**digits),
    st.sampled_from(
        [-(10**400), 1e300, float("inf"), "\x00", "a\ud800b", "\x1b[0m", "x" * 10_001]
    ),
)
json_documents = st.recursive(
    # Mostly ordinary values, so that documents are often nearly valid.
    st.one_of(json_scalars, json_scalars, json_scalars, hostile_values),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    [
                        "name",
                        "priority",
                        "stop_on_first_trigger",
                        "rules",
                        "conditions",
                        "actions",
                        "all",
                        "any",
                        "operator",
                        "value",
                        "params",
                        "level",
                        "channel",
                        "days",
                        "reason",
                    ]
                ),
                st.text(max_size=5),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=30,
)


def mutate(document, path_choice, replacement):
    """Replace one node of a valid rule set by an arbitrary JSON value."""
    nodes = []

    def walk(node, parent, key):
        nodes.append((parent, key))
        if isinstance(node, dict):
            for child_key, child in node.items():
                walk(child, node, child_key)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, node, index)

    walk(document, None, None)
    parent, key = nodes[path_choice % len(nodes)]
    if parent is None:
        return replacement
    parent[key] = replacement
    return document


def accepted_or_refused_cleanly(document):
    try:
        rule_set = validate_rule_set(document)
    except RuleValidationError as error:
        assert error.problems
        assert str(error).startswith(("Rule set", "The rule set"))
        return None
    return rule_set


@settings(
    max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(document=json_documents)
def test_arbitrary_json_is_accepted_or_refused_with_the_engine_error(document):
    accepted_or_refused_cleanly(document)
    accepted_or_refused_cleanly(json.dumps(document))


@settings(
    max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    document=rule_sets,
    path_choice=st.integers(0, 10_000),
    replacement=json_documents,
    fact=facts,
)
def test_one_broken_element_in_a_valid_rule_set(
    document, path_choice, replacement, fact
):
    rule_set = accepted_or_refused_cleanly(mutate(document, path_choice, replacement))
    if rule_set is not None:
        # Whatever was accepted evaluates without raising.
        result = Evaluator([rule_set]).evaluate(fact)
        assert result.error is None


@settings(max_examples=500, deadline=None)
@given(leaf=leaves(), extra=st.sampled_from(["all", "any"]))
def test_group_keys_mixed_into_a_leaf_are_refused(leaf, extra):
    document = {
        "name": "S",
        "rules": [
            {"name": "r", "conditions": dict(leaf, **{extra: [leaf]}), "actions": []}
        ],
    }
    try:
        validate_rule_set(document)
    except RuleValidationError as error:
        assert "exactly one key" in str(error)
    else:
        raise AssertionError("a leaf mixed with a group was accepted")
