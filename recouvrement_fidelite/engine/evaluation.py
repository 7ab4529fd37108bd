"""Evaluation of validated rule sets against the facts of many invoices.

Semantics are business-rules' ``run_all``, applied to each rule set in turn:

- rule sets run in ascending ``priority`` (like an Odoo sequence: 1 before
  10); rule sets of equal priority keep the order they were given in;
- inside a rule set, rules run in their order; a rule triggers when its
  conditions hold (``all`` and ``any`` short-circuit, as in business-rules);
  a triggered rule records its actions as :class:`~.actions.Decision`
  objects; with ``stop_on_first_trigger`` the rule set stops at its first
  triggered rule, and the next rule set runs;
- operators compare exactly as business-rules' types do (numbers as
  ``Decimal`` with its epsilon, case-insensitive choices...).

How it works: :class:`Evaluator` compiles each condition once into a Python
closure, with the expected value already cast, instead of looking up
variables, operators and casting values for every condition of every invoice
as ``run_all`` does. For each invoice it reads the variables the rules use
once (through :class:`~.variables.InvoiceFacts`, the same reader
business-rules gets, so both see identical values), runs the closures, and
only for a triggered rule walks its conditions again to build the
:class:`Explanation`. The tests prove that decisions are identical to
``run_all``'s on random rule sets and facts.

Usage::

    from engine import Evaluator, validate_rule_set
    evaluator = Evaluator([validate_rule_set(stored_json)])
    for result in evaluator.evaluate_many(facts_dicts):
        if result.error:
            ...  # this invoice only: report, go on with the others
        for decision in result.decisions:
            decision.action, decision.params, decision.explanation.text()

Evaluation has no side effect and never raises for one invoice's facts: a
fact the rules cannot use sets :attr:`Evaluation.error` for that invoice.
"""

import re
from decimal import Decimal

from business_rules.fields import FIELD_NO_INPUT

from .catalogue import DEFAULT_CATALOGUE
from .actions import Decision
from .errors import EngineError
from .operators import NumericType, OPERATOR_TYPES

EPSILON = NumericType.EPSILON


def _same_choice(item, other):
    if isinstance(item, str) and isinstance(other, str):
        return item.lower() == other.lower()
    return item == other


def _numeric_test(name, operator, expected):
    c = Decimal(expected)
    if operator == "equal_to":
        return lambda v: abs(v[name] - c) <= EPSILON
    if operator == "not_equal_to":
        return lambda v: abs(v[name] - c) > EPSILON
    if operator == "greater_than":
        return lambda v: (v[name] - c) > EPSILON
    if operator == "greater_than_or_equal_to":
        return lambda v: (v[name] - c) > EPSILON or abs(v[name] - c) <= EPSILON
    if operator == "less_than":
        return lambda v: (c - v[name]) > EPSILON
    if operator == "less_than_or_equal_to":
        return lambda v: (c - v[name]) > EPSILON or abs(v[name] - c) <= EPSILON
    return None


def _string_test(name, operator, expected):
    if operator == "equal_to":
        return lambda v: v[name] == expected
    if operator == "not_equal_to":
        return lambda v: v[name] != expected
    if operator == "equal_to_case_insensitive":
        folded = expected.lower()
        return lambda v: v[name].lower() == folded
    if operator == "starts_with":
        return lambda v: v[name].startswith(expected)
    if operator == "ends_with":
        return lambda v: v[name].endswith(expected)
    if operator == "contains":
        return lambda v: expected in v[name]
    if operator == "matches_regex":
        search = re.compile(expected).search
        return lambda v: search(v[name]) is not None
    if operator == "non_empty":
        return lambda v: bool(v[name])
    return None


def _select_test(name, operator, expected):
    if isinstance(expected, str):
        folded = expected.lower()

        def contains(v):
            for item in v[name]:
                if item == expected or (isinstance(item, str) and item.lower() == folded):
                    return True
            return False

    else:

        def contains(v):
            for item in v[name]:
                if item == expected:
                    return True
            return False

    if operator == "contains":
        return contains
    if operator == "does_not_contain":
        return lambda v: not contains(v)
    return None


def _generic_test(type_name, name, operator, expected):
    """Any other operator: call business-rules' own implementation."""
    cls = OPERATOR_TYPES[type_name]
    method = getattr(cls, operator)
    if method.input_type == FIELD_NO_INPUT:
        return lambda v: bool(method(cls(v[name])))
    return lambda v: bool(method(cls(v[name]), expected))


_FAST_TESTS = {
    "numeric": _numeric_test,
    "string": _string_test,
    "select": _select_test,
}


class ConditionCheck:
    """One condition of a triggered rule, with the value it was tested against."""

    __slots__ = ("variable", "label", "operator", "symbol", "expected", "actual",
                 "expected_label", "actual_label")

    def __init__(self, variable, label, operator, symbol, expected, actual,
                 expected_label, actual_label):
        self.variable = variable
        self.label = label
        self.operator = operator
        self.symbol = symbol
        self.expected = expected
        self.actual = actual
        self.expected_label = expected_label
        self.actual_label = actual_label

    def text(self):
        label = self.label.lower() if self.label[1:2].islower() else self.label
        if self.operator in ("is_true", "is_false", "non_empty"):
            return f"{label} {self.symbol} ({self.actual_label})"
        if self.operator == "contains" and isinstance(self.actual, list):
            return f"{label} = {self.expected_label}"
        return f"{label} {self.actual_label} {self.symbol} {self.expected_label}"

    def as_dict(self):
        return {
            "variable": self.variable,
            "label": self.label,
            "operator": self.operator,
            "expected": self.expected,
            "actual": self.actual,
            "text": self.text(),
        }


class Explanation:
    """Why a rule triggered: the conditions that decided it, in order.

    For an ``all`` group every condition is listed; for an ``any`` group,
    the first condition that held.
    """

    __slots__ = ("rule_set", "rule", "checks")

    def __init__(self, rule_set, rule, checks):
        self.rule_set = rule_set
        self.rule = rule
        self.checks = checks

    def text(self):
        reasons = "; ".join(check.text() for check in self.checks)
        return f"rule {self.rule!r} triggered: {reasons}"

    def as_dict(self):
        return {
            "rule_set": self.rule_set,
            "rule": self.rule,
            "checks": [check.as_dict() for check in self.checks],
            "text": self.text(),
        }


class TriggeredRule:
    __slots__ = ("rule_set", "rule", "explanation")

    def __init__(self, rule_set, rule, explanation):
        self.rule_set = rule_set
        self.rule = rule
        self.explanation = explanation


class Evaluation:
    """The outcome for one invoice: decisions in order, or an error."""

    __slots__ = ("facts", "decisions", "triggered", "error")

    def __init__(self, facts, decisions=(), triggered=(), error=None):
        self.facts = facts
        self.decisions = list(decisions)
        self.triggered = list(triggered)
        self.error = error

    def first(self, action):
        """The first decision of an action, or ``None``."""
        for decision in self.decisions:
            if decision.action == action:
                return decision
        return None

    def __repr__(self):
        if self.error:
            return f"Evaluation(error={self.error!r})"
        return f"Evaluation({self.decisions!r})"


class _Leaf:
    __slots__ = ("name", "operator", "expected", "test")

    def __init__(self, name, operator, expected, test):
        self.name = name
        self.operator = operator
        self.expected = expected
        self.test = test

    def explain(self, values, raw, out, describe):
        result = self.test(values)
        if result:
            out.append(describe(self, raw[self.name]))
        return result


class _Group:
    __slots__ = ("kind", "children", "test")

    def __init__(self, kind, children):
        self.kind = kind
        self.children = children
        tests = tuple(child.test for child in children)
        if len(tests) == 1:
            self.test = tests[0]
        elif kind == "all":

            def test(values):
                for child_test in tests:
                    if not child_test(values):
                        return False
                return True

            self.test = test
        else:

            def test(values):
                for child_test in tests:
                    if child_test(values):
                        return True
                return False

            self.test = test

    def explain(self, values, raw, out, describe):
        if self.kind == "all":
            for child in self.children:
                if not child.explain(values, raw, out, describe):
                    return False
            return True
        for child in self.children:
            checks = []
            if child.explain(values, raw, checks, describe):
                out.extend(checks)
                return True
        return False


class _CompiledRule:
    __slots__ = ("name", "condition", "actions")

    def __init__(self, name, condition, actions):
        self.name = name
        self.condition = condition
        self.actions = actions


class _CompiledRuleSet:
    __slots__ = ("name", "stop_on_first_trigger", "rules")

    def __init__(self, name, stop_on_first_trigger, rules):
        self.name = name
        self.stop_on_first_trigger = stop_on_first_trigger
        self.rules = rules


class Evaluator:
    """Evaluates validated rule sets (see :func:`~.validation.validate_rule_set`)."""

    def __init__(self, rule_sets, catalogue=DEFAULT_CATALOGUE):
        self.catalogue = catalogue
        self.used_variables = {}
        ordered = sorted(enumerate(rule_sets), key=lambda item: (item[1].priority, item[0]))
        self.rule_sets = [
            _CompiledRuleSet(
                rule_set.name,
                rule_set.stop_on_first_trigger,
                [
                    _CompiledRule(
                        rule.name,
                        self._compile(rule.conditions),
                        [(a["name"], a["params"]) for a in rule.actions],
                    )
                    for rule in rule_set.rules
                ],
            )
            for _, rule_set in ordered
        ]
        variables_class = catalogue.variables_class
        self._readers = [
            (name, getattr(variables_class, name), field_type == "numeric")
            for name, field_type in self.used_variables.items()
        ]

    def _compile(self, node):
        if "all" in node or "any" in node:
            kind = "all" if "all" in node else "any"
            return _Group(kind, [self._compile(child) for child in node[kind]])
        name, operator, expected = node["name"], node["operator"], node["value"]
        type_name = self.catalogue.variables[name]["field_type"]
        self.used_variables[name] = type_name
        fast = _FAST_TESTS.get(type_name)
        test = fast(name, operator, expected) if fast else None
        if test is None and type_name == "boolean":
            test = (lambda v: v[name]) if operator == "is_true" else (lambda v: not v[name])
        if test is None:
            test = _generic_test(type_name, name, operator, expected)
        return _Leaf(name, operator, expected, test)

    def _read(self, facts):
        reader = self.catalogue.variables_class(facts)
        values = {}
        for name, method, numeric in self._readers:
            value = method(reader)
            values[name] = (
                value if not numeric or isinstance(value, Decimal) else Decimal(value)
            )
        return values

    def _describe(self, leaf, actual):
        variable = self.catalogue.variables[leaf.name]
        options = variable["options"]
        operator = self.catalogue.operators[variable["field_type"]][leaf.operator]

        def show(value):
            if isinstance(value, list):
                return ", ".join(show(item) for item in value) or "(none)"
            if isinstance(value, bool):
                return "yes" if value else "no"
            if options:
                return self.catalogue.option_label(options, value)
            if isinstance(value, str):
                return f'"{value}"'
            return str(value)

        return ConditionCheck(
            leaf.name,
            variable["label"],
            leaf.operator,
            operator["symbol"] or operator["label"],
            leaf.expected,
            actual,
            show(leaf.expected),
            show(actual),
        )

    def _explain(self, rule_set, rule, facts, values):
        reader = self.catalogue.variables_class(facts)
        raw = {name: getattr(reader, name)() for name in self.used_variables}
        checks = []
        rule.condition.explain(values, raw, checks, self._describe)
        return Explanation(rule_set.name, rule.name, checks)

    def evaluate(self, facts):
        """Evaluate every rule set against one invoice's facts (a dict)."""
        try:
            values = self._read(facts)
        except EngineError as error:
            return Evaluation(facts, error=str(error))
        except (AttributeError, TypeError):
            return Evaluation(
                facts, error=f"Facts must be a dict of values, got {type(facts).__name__}."
            )
        decisions = []
        triggered = []
        for rule_set in self.rule_sets:
            for rule in rule_set.rules:
                try:
                    hit = rule.condition.test(values)
                    explanation = (
                        self._explain(rule_set, rule, facts, values) if hit else None
                    )
                except (EngineError, ArithmeticError, ValueError, TypeError) as error:
                    return Evaluation(
                        facts,
                        error=f"Rule set {rule_set.name!r}, rule {rule.name!r}: {error}",
                    )
                if not hit:
                    continue
                triggered.append(TriggeredRule(rule_set.name, rule.name, explanation))
                for action, params in rule.actions:
                    decisions.append(
                        Decision(action, dict(params), rule_set.name, rule.name, explanation)
                    )
                if rule_set.stop_on_first_trigger:
                    break
        return Evaluation(facts, decisions, triggered)

    def evaluate_many(self, facts_list):
        """Evaluate a batch of invoices; one :class:`Evaluation` per fact dict."""
        evaluate = self.evaluate
        return [evaluate(facts) for facts in facts_list]

    def matches(self, facts):
        """Only which rules trigger, without explanations (fast path)."""
        values = self._read(facts)
        hits = []
        for rule_set in self.rule_sets:
            for rule in rule_set.rules:
                if rule.condition.test(values):
                    hits.append((rule_set.name, rule.name))
                    if rule_set.stop_on_first_trigger:
                        break
        return hits
