"""Hypothesis strategies: valid rule sets and facts built from the catalogue."""

from business_rules.fields import (
    FIELD_NO_INPUT,
    FIELD_NUMERIC,
    FIELD_SELECT,
    FIELD_SELECT_MULTIPLE,
    FIELD_TEXT,
)
from hypothesis import strategies as st

from engine import DEFAULT_CATALOGUE
from engine.validation import MAX_NUMBER

CATALOGUE = DEFAULT_CATALOGUE
VARIABLES = CATALOGUE.variables

# Small pools so that generated conditions often hold.
numbers = st.one_of(
    st.integers(-40, 120),
    st.sampled_from(
        [
            0,
            0.0,
            0.1,
            0.3,
            15,
            15.0000001,
            15.000001,
            15.0000011,
            14.999999,
            1e-6,
            -1e-6,
            2e-6,
            99.99,
            -5,
            5000,
            5000.01,
            2**60,
            2**53 + 1,
        ]
    ),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
# Rules compare with numbers up to MAX_NUMBER; facts may be larger.
rule_numbers = st.one_of(
    numbers.filter(lambda number: abs(number) <= MAX_NUMBER),
    st.sampled_from([MAX_NUMBER, -MAX_NUMBER, float(MAX_NUMBER), 2**49 + 1]),
)
texts = st.sampled_from(["", "FR", "fr", "BE", "DE", "F", "R", "France", "ÉÀ"])
regexes = st.sampled_from(["^F", "R$", "[A-Z]{2}", "", ".*", "^$", "(?i)fr"])


def option_names(name):
    return [o["name"] for o in VARIABLES[name]["options"]]


def choice_values(name):
    names = option_names(name)
    return st.sampled_from(names + [n.upper() for n in names])


def expected_value(name, operator):
    variable = VARIABLES[name]
    input_type = CATALOGUE.operators[variable["field_type"]][operator]["input_type"]
    if input_type == FIELD_NO_INPUT:
        return st.none()
    if input_type == FIELD_NUMERIC:
        return rule_numbers
    if input_type == FIELD_TEXT:
        return regexes if operator == "matches_regex" else texts
    if input_type == FIELD_SELECT:
        return choice_values(name)
    if input_type == FIELD_SELECT_MULTIPLE:
        return st.lists(choice_values(name), max_size=3)
    raise AssertionError(input_type)


@st.composite
def leaves(draw):
    name = draw(st.sampled_from(sorted(VARIABLES)))
    operators = sorted(CATALOGUE.operators[VARIABLES[name]["field_type"]])
    operator = draw(st.sampled_from(operators))
    return {
        "name": name,
        "operator": operator,
        "value": draw(expected_value(name, operator)),
    }


conditions = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
    ),
    max_leaves=6,
)


def action_params(action):
    params = {}
    for spec in action["params"]:
        if spec["fieldType"] == FIELD_NUMERIC:
            low, high = spec.get("min", 0), spec.get("max", 30)
            params[spec["name"]] = st.integers(low, max(low, high))
        elif spec["fieldType"] == FIELD_SELECT:
            params[spec["name"]] = st.sampled_from([o["name"] for o in spec["options"]])
        else:
            params[spec["name"]] = st.sampled_from(["x", "Relance", "call back"])
    return st.fixed_dictionaries(params)


actions = st.sampled_from(sorted(CATALOGUE.actions)).flatmap(
    lambda name: action_params(CATALOGUE.actions[name]).map(
        lambda params: {"name": name, "params": params}
    )
)
rules = st.builds(
    lambda index, c, a: {"name": f"rule {index}", "conditions": c, "actions": a},
    st.integers(0, 999),
    conditions,
    st.lists(actions, max_size=3),
)
rule_sets = st.builds(
    lambda name, priority, stop, rules: {
        "name": name,
        "priority": priority,
        "stop_on_first_trigger": stop,
        "rules": rules,
    },
    st.sampled_from(["A", "B", "Premium", "Late payers"]),
    st.integers(0, 30),
    st.booleans(),
    st.lists(rules, min_size=1, max_size=6),
)


def fact_value(name):
    field_type = VARIABLES[name]["field_type"]
    if field_type == "numeric":
        return st.one_of(st.none(), numbers)
    if field_type == "string":
        return st.one_of(st.none(), st.just(False), texts)
    if field_type == "boolean":
        return st.one_of(st.none(), st.booleans())
    if field_type == "select":
        return st.one_of(st.none(), st.just(False), st.just(""), choice_values(name))
    return st.one_of(st.none(), st.lists(choice_values(name), max_size=3))


facts = st.fixed_dictionaries(
    {},
    optional={name: fact_value(name) for name in sorted(VARIABLES)},
)
