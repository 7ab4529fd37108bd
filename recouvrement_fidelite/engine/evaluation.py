"""Evaluation of validated rule sets against the facts of many invoices.

Semantics are business-rules' ``run_all``, applied to each rule set in turn:

- rule sets run in ascending ``priority`` (like an Odoo sequence: 1 before
  10); rule sets of equal priority keep the order they were given in;
- inside a rule set, rules run in their order; a rule triggers when its
  conditions hold; a triggered rule records its actions as
  :class:`~.actions.Decision` objects; with ``stop_on_first_trigger`` the
  rule set stops at its first triggered rule, and the next rule set runs;
- operators compare exactly as business-rules' types do (numbers as
  ``Decimal`` with its epsilon, case-insensitive choices...).

Usage (a doctest, like every example of the engine)::

    >>> from engine import Evaluator, validate_rule_set
    >>> stored = {"name": "Levels", "stop_on_first_trigger": True, "rules": [
    ...     {"name": "Level 2", "conditions": {"name": "days_overdue",
    ...      "operator": "greater_than_or_equal_to", "value": 15},
    ...      "actions": [{"name": "set_reminder_level", "params": {"level": 2}}]},
    ...     {"name": "Level 1", "conditions": {"name": "days_overdue",
    ...      "operator": "greater_than_or_equal_to", "value": 5},
    ...      "actions": [{"name": "set_reminder_level", "params": {"level": 1}}]},
    ... ]}
    >>> evaluator = Evaluator([validate_rule_set(stored)])
    >>> facts = [{"days_overdue": 20}, {"days_overdue": 7},
    ...          {"days_overdue": "twenty"}]
    >>> for result in evaluator.evaluate_many(facts):
    ...     if result.error:  # this invoice only: report, go on with the others
    ...         print("error:", result.error)
    ...     for decision in result.decisions:
    ...         print(decision.rule, dict(decision.params))
    ...         print("   ", decision.explanation.text())
    Level 2 {'level': 2}
        rule 'Level 2' triggered: days overdue 20 >= 15
    Level 1 {'level': 1}
        rule 'Level 1' triggered: days overdue 7 >= 5
    error: Fact 'days_overdue' must be a number, got 'twenty'.

``stop_on_first_trigger`` stopped the rule set at "Level 2" for the first
invoice. Without it, every rule that holds acts, in order::

    >>> stored["stop_on_first_trigger"] = False
    >>> result = Evaluator([validate_rule_set(stored)]).evaluate({"days_overdue": 20})
    >>> [(d.rule, d.params["level"]) for d in result.decisions]
    [('Level 2', 2), ('Level 1', 1)]

How it works: a batch is evaluated column by column rather than invoice by
invoice. For each variable the rules use, the evaluator takes the column of
its raw values over the batch and reads each *distinct* value once through
:class:`~.variables.InvoiceFacts` (the reader business-rules gets, so both
see identical values). Each condition is compiled once into a closure with
its expected value already cast, and tested once per distinct value; its
outcome over the batch becomes a bit set (one bit per invoice, stored one
byte apart in a Python integer), so ``all``/``any`` groups, rules and
``stop_on_first_trigger`` are a few integer operations for the whole batch.
Only then are decisions assembled per invoice. Conditions have no side
effects and cannot fail once the facts are read, so testing every condition
gives the same outcome as business-rules' short-circuits; the tests prove
that decisions are identical to ``run_all``'s on random rule sets and facts.

An :class:`Explanation` (the conditions that made a rule trigger, with the
values they were tested against) is worked out the first time it is read,
so a batch only pays for the explanations someone looks at.

Evaluation has no side effect and never raises for one invoice's facts: a
fact its variable cannot use (text for a number...) sets
:attr:`Evaluation.error` for that invoice only. Every variable the rules use
is read before any rule runs, so such an error is reported even when no
rule would have reached that variable.

Regular expressions (``matches_regex``) run with the ``regex`` package, whose
default ``V0`` mode has the syntax and results of Python's ``re`` (which
business-rules uses), and a time limit: a pattern with catastrophic
backtracking (``(a|aa)+$`` on a long text) would otherwise hold the run for
hours, and texts typed by customers will reach rules. A search that takes
longer than :data:`REGEX_TIMEOUT` seconds sets :attr:`Evaluation.error` for
that invoice only; after :data:`REGEX_TIMEOUTS_ALLOWED` such searches, the
condition fails at once for every value it has not answered yet, so that one
bad pattern costs a bounded time per evaluator, whatever the number of
invoices. Rejecting such patterns when a rule is saved was the alternative;
no static test finds every slow pattern (``.*.*.*=`` is polynomial, not
nested), and a linear-time engine (RE2) would change results and refuse
what business-rules accepts. These are technical limits, not policy.
"""

import gc
from decimal import Decimal
from itertools import compress
from operator import methodcaller
from types import MappingProxyType

import regex
from business_rules.fields import FIELD_NO_INPUT

from . import wording
from .actions import Decision
from .catalogue import DEFAULT_CATALOGUE
from .errors import ConditionError, EngineError
from .operators import OPERATOR_TYPES, NumericType

EPSILON = NumericType.EPSILON

#: Seconds one regular expression search may take on one value.
REGEX_TIMEOUT = 0.1
#: Searches of one condition that may time out before it fails at once.
REGEX_TIMEOUTS_ALLOWED = 3
#: Outcomes of one regular expression kept for explanations (distinct values).
_REGEX_MEMO_SIZE = 50_000


_EPSILON_FLOAT = float(EPSILON)
_EXACT_FLOAT_INT = 2**53
_NUMERIC_OUTCOMES = {
    "equal_to": (False, True, False),
    "not_equal_to": (True, False, True),
    "greater_than": (False, False, True),
    "greater_than_or_equal_to": (False, True, True),
    "less_than": (True, False, False),
    "less_than_or_equal_to": (True, True, False),
}


def _numeric_test(operator, expected):
    """Compare as business-rules does, without ``Decimal`` when it is safe.

    business-rules computes ``d = Decimal(x) - Decimal(c)`` (rounded to 28
    digits) and says greater when ``d > EPSILON``, less when
    ``-d > EPSILON``, equal otherwise. Integers compare exactly as such;
    floats compare in float arithmetic, whose error is below 1e-15 of the
    difference, unless the difference lies within a 1e-12 margin of
    ``EPSILON``, where ``Decimal`` decides.
    """
    outcomes = _NUMERIC_OUTCOMES.get(operator)
    if outcomes is None:
        return None
    c = Decimal(expected)
    c_int = expected if type(expected) is int else None
    c_float = float(expected)

    def exact(x):
        d = Decimal(x) - c
        return outcomes[2 if d > EPSILON else 0 if -d > EPSILON else 1]

    def test(x):
        kind = type(x)
        if kind is int and c_int is not None:
            return outcomes[(x > c_int) - (x < c_int) + 1]
        if kind is float or (
            kind is int and -_EXACT_FLOAT_INT <= x <= _EXACT_FLOAT_INT
        ):
            d = x - c_float
            margin = 1e-12 * (abs(d) + _EPSILON_FLOAT)
            if d > _EPSILON_FLOAT + margin:
                return outcomes[2]
            if d < -_EPSILON_FLOAT - margin:
                return outcomes[0]
            if -_EPSILON_FLOAT + margin < d < _EPSILON_FLOAT - margin:
                return outcomes[1]
        return exact(x)

    return test


def _string_test(operator, expected):
    if operator == "equal_to":
        return lambda x: x == expected
    if operator == "not_equal_to":
        return lambda x: x != expected
    if operator == "equal_to_case_insensitive":
        folded = expected.lower()
        return lambda x: x.lower() == folded
    if operator == "starts_with":
        return lambda x: x.startswith(expected)
    if operator == "ends_with":
        return lambda x: x.endswith(expected)
    if operator == "contains":
        return lambda x: expected in x
    if operator == "matches_regex":
        return _regex_test(expected)
    if operator == "non_empty":
        return bool
    return None


def _regex_test(pattern):
    """``re.search(pattern, x) is not None``, within a time limit.

    Raises :class:`~.errors.ConditionError` when the search takes longer
    than :data:`REGEX_TIMEOUT`, or at once after
    :data:`REGEX_TIMEOUTS_ALLOWED` timeouts. Outcomes are remembered, so an
    explanation read later tests nothing again.
    """
    search = regex.compile(pattern, flags=regex.V0).search
    outcomes = {}
    timeouts = []

    def test(x):
        outcome = outcomes.get(x)
        if outcome is not None:
            return outcome
        if len(timeouts) >= REGEX_TIMEOUTS_ALLOWED:
            raise ConditionError(timeouts[0])
        try:
            outcome = search(x, timeout=REGEX_TIMEOUT) is not None
        except TimeoutError:
            timeouts.append(
                f"The regular expression {pattern!r} took more than "
                f"{REGEX_TIMEOUT:g} s on this text: it backtracks too much; "
                "simplify it (no nested repetitions such as (a+)+)."
            )
            raise ConditionError(timeouts[-1]) from None
        if len(outcomes) >= _REGEX_MEMO_SIZE:
            outcomes.clear()
        outcomes[x] = outcome
        return outcome

    return test


def _select_test(operator, expected):
    folded = expected.lower() if isinstance(expected, str) else None

    def contains(items):
        for item in items:
            if item == expected or (
                folded is not None and isinstance(item, str) and item.lower() == folded
            ):
                return True
        return False

    if operator == "contains":
        return contains
    if operator == "does_not_contain":
        return lambda items: not contains(items)
    return None


def _boolean_test(operator, expected):
    return bool if operator == "is_true" else (lambda x: not x)


_FAST_TESTS = {
    "numeric": _numeric_test,
    "string": _string_test,
    "select": _select_test,
    "boolean": _boolean_test,
}


def _test(type_name, operator, expected):
    """A closure testing one (cast) variable value against the condition."""
    fast = _FAST_TESTS.get(type_name)
    test = fast(operator, expected) if fast else None
    if test is not None:
        return test
    # Any other operator: business-rules' own implementation.
    cls = OPERATOR_TYPES[type_name]
    method = getattr(cls, operator)
    if method.input_type == FIELD_NO_INPUT:
        return lambda x: bool(method(cls(x)))
    return lambda x: bool(method(cls(x), expected))


class ConditionCheck:
    """One condition of a triggered rule, with the value it was tested against."""

    __slots__ = ("_leaf", "actual")

    def __init__(self, leaf, actual):
        self._leaf = leaf
        self.actual = actual

    variable = property(lambda self: self._leaf.name)
    label = property(lambda self: self._leaf.label)
    operator = property(lambda self: self._leaf.operator)
    symbol = property(lambda self: self._leaf.symbol)
    expected = property(lambda self: self._leaf.expected)
    #: The variable's choices (business-rules options), to show values.
    options = property(lambda self: self._leaf.options)
    expected_label = property(
        lambda self: wording.show(self.expected, self.options, plain=True)
    )
    actual_label = property(
        lambda self: wording.show(self.actual, self.options, plain=True)
    )

    def text(self):
        """The condition in the engine's one-line English (see ``wording``)."""
        return wording.check_line(self)

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
    the first condition that held. Worked out on first reading.
    """

    __slots__ = ("rule_set", "rule", "_condition", "_reading", "_checks")

    def __init__(self, rule_set, rule, condition, reading):
        self.rule_set = rule_set
        self.rule = rule
        self._condition = condition
        self._reading = reading
        self._checks = None

    @property
    def checks(self):
        if self._checks is None:
            checks = []
            self._condition.explain(self._reading.values(), checks)
            self._checks = checks
            self._reading = None
        return self._checks

    def text(self):
        """Why, in the engine's one-line English (see ``wording``)."""
        return wording.explanation_line(self)

    def as_dict(self):
        return {
            "rule_set": self.rule_set,
            "rule": self.rule,
            "checks": [check.as_dict() for check in self.checks],
            "text": self.text(),
        }


class _Reading:
    """One invoice's variables, read once for all its explanations."""

    __slots__ = ("facts", "read", "_values")

    def __init__(self, facts, read):
        self.facts = facts
        self.read = read
        self._values = None

    def values(self):
        if self._values is None:
            self._values = self.read(self.facts)
        return self._values


class Evaluation:
    """The outcome for one invoice: decisions in order, or an error.

    ``triggered`` lists the :class:`Explanation` of each triggered rule, in
    order, including rules without actions (a rule that only stops its rule
    set, such as "disputed: no reminder").
    """

    __slots__ = ("facts", "decisions", "triggered", "error")

    def __init__(self, facts, decisions=(), triggered=(), error=None):
        self.facts = facts
        self.decisions = decisions if isinstance(decisions, list) else list(decisions)
        self.triggered = triggered if isinstance(triggered, list) else list(triggered)
        self.error = error

    def __repr__(self):
        if self.error:
            return f"Evaluation(error={self.error!r})"
        return f"Evaluation({self.decisions!r})"


class _Batch:
    """One batch of facts, read column by column.

    A column whose values mostly repeat (typology, days overdue...) is read
    and tested once per distinct value; a column of mostly distinct values
    (amounts) is read in one go when its reader allows it, and tested value
    by value.
    """

    def __init__(self, evaluator, facts_list):
        self.size = size = len(facts_list)
        self.ones = int.from_bytes(b"\x01" * size, "little")
        self.errors = [None] * size
        self.rows = {}  # variable -> [value per invoice]
        self.columns = {}  # variable -> [memo key per invoice]
        self.distinct = {}  # variable -> {memo key: value}
        self.failed = {}  # variable -> {memo key: error message}
        for name in evaluator.used_variables:
            reader = evaluator.readers[name]
            column = list(map(methodcaller("get", name), facts_list))
            many = getattr(reader, "many", None)
            values = many(name, column) if many else None
            if values is not None and len(set(values)) > size // 2:
                self.rows[name] = values
                continue
            self._memoise(name, reader, column)

    def _memoise(self, name, reader, keys):
        types = set(map(type, keys))
        raw_of = None
        if types & _UNHASHABLE_TYPES:
            keys = [_hashable(value) for value in keys]
            raw_of = _unhashable
        if bool in types and types - {bool, type(None), str}:
            # True == 1 == 1.0 as dict keys, but a boolean is no number.
            keys = [(type(value), value) for value in keys]
            raw_of = _second
        distinct = list(set(keys))
        raws = list(map(raw_of, distinct)) if raw_of else distinct
        values, errors = _read_distinct(reader, name, distinct, raws)
        if errors:
            for index, key in enumerate(keys):
                if key in errors and self.errors[index] is None:
                    self.errors[index] = errors[key]
            self.failed[name] = errors
        self.columns[name] = keys
        self.distinct[name] = values

    def bits(self, leaf):
        """The leaf's outcome over the batch, one byte (0 or 1) per invoice.

        A value the condition cannot be tested on (a regular expression out
        of time) counts as not holding and puts its invoices in error.
        """
        rows = self.rows.get(leaf.name)
        if rows is not None:
            try:
                return int.from_bytes(bytes(map(leaf.test, rows)), "little")
            except ConditionError:
                outcomes, errors = _test_each(leaf.test, dict(enumerate(rows)))
                for index, error in errors.items():
                    self._fail(index, error)
                return int.from_bytes(bytes(outcomes.values()), "little")
        values = self.distinct[leaf.name]
        try:
            outcome = dict(zip(values, map(leaf.test, values.values()), strict=True))
        except ConditionError:
            outcome, errors = _test_each(leaf.test, values)
            if errors:
                for index, key in enumerate(self.columns[leaf.name]):
                    if key in errors:
                        self._fail(index, errors[key])
        outcome.update(dict.fromkeys(self.failed.get(leaf.name, ()), False))
        flags = bytes(map(outcome.__getitem__, self.columns[leaf.name]))
        return int.from_bytes(flags, "little")

    def _fail(self, index, error):
        if self.errors[index] is None:
            self.errors[index] = error


def _test_each(test, values):
    """Test values one by one: ``({key: outcome}, {key: error message})``."""
    outcomes, errors = {}, {}
    for key, value in values.items():
        try:
            outcomes[key] = test(value)
        except ConditionError as error:
            outcomes[key] = False
            errors[key] = str(error)
    return outcomes, errors


def _read_distinct(reader, name, keys, raws):
    """Read each distinct raw value once: ``({key: value}, {key: error})``."""
    try:
        return dict(zip(keys, map(reader, [name] * len(raws), raws), strict=True)), {}
    except EngineError:
        pass
    values, errors = {}, {}
    for key, raw in zip(keys, raws, strict=True):
        try:
            values[key] = reader(name, raw)
        except EngineError as error:
            errors[key] = str(error)
    return values, errors


_UNHASHABLE_TYPES = {list, set, dict}


def _hashable(value):
    if isinstance(value, (list, set, dict)):
        return _Unhashable(value)
    return value


class _Unhashable:
    """A list (or other unhashable) fact as a memo key."""

    __slots__ = ("value", "_hash")

    def __init__(self, value):
        self.value = value
        try:
            items = frozenset(value) if isinstance(value, set) else tuple(value)
            self._hash = hash((type(value), items))
        except TypeError:
            self._hash = 0

    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return (
            isinstance(other, _Unhashable)
            and type(other.value) is type(self.value)
            and other.value == self.value
        )


def _unhashable(key):
    return key.value if isinstance(key, _Unhashable) else key


def _second(key):
    return _unhashable(key[1])


class _Leaf:
    __slots__ = ("name", "operator", "expected", "test", "label", "symbol", "options")

    def __init__(self, name, operator, expected, test, label, symbol, options):
        self.name = name
        self.operator = operator
        self.expected = expected
        self.test = test
        self.label = label
        self.symbol = symbol
        self.options = options

    def bits(self, batch):
        return batch.bits(self)

    def explain(self, values, out):
        actual = values[self.name]
        try:
            result = self.test(actual)
        except ConditionError:
            # Only explained when the batch could test it; never fail later.
            result = False
        if result:
            out.append(ConditionCheck(self, actual))
        return result


class _Group:
    __slots__ = ("kind", "children")

    def __init__(self, kind, children):
        self.kind = kind
        self.children = children

    def bits(self, batch):
        outcomes = [child.bits(batch) for child in self.children]
        result = outcomes[0]
        for outcome in outcomes[1:]:
            result = (result & outcome) if self.kind == "all" else (result | outcome)
        return result

    def explain(self, values, out):
        if self.kind == "all":
            for child in self.children:
                if not child.explain(values, out):
                    return False
            return True
        for child in self.children:
            checks = []
            if child.explain(values, checks):
                out.extend(checks)
                return True
        return False


class Evaluator:
    """Evaluates validated rule sets (see :func:`~.validation.validate_rule_set`).

    ``batch_size`` bounds the invoices evaluated together by
    :meth:`evaluate_many`, hence its memory.
    """

    def __init__(self, rule_sets, catalogue=DEFAULT_CATALOGUE, batch_size=20_000):
        self.catalogue = catalogue
        self.batch_size = batch_size
        self.used_variables = {}
        ordered = sorted(
            enumerate(rule_sets), key=lambda item: (item[1].priority, item[0])
        )
        self.rule_sets = [
            (
                rule_set.stop_on_first_trigger,
                [
                    (
                        rule_set.name,
                        rule.name,
                        self._compile(rule.conditions),
                        [
                            (action["name"], MappingProxyType(dict(action["params"])))
                            for action in rule.actions
                        ],
                    )
                    for rule in rule_set.rules
                ],
            )
            for _, rule_set in ordered
        ]
        variables_class = catalogue.variables_class
        self.readers = {
            name: getattr(variables_class, name).reader for name in self.used_variables
        }

    def _compile(self, node):
        if "all" in node or "any" in node:
            kind = "all" if "all" in node else "any"
            return _Group(kind, [self._compile(child) for child in node[kind]])
        name, operator, expected = node["name"], node["operator"], node["value"]
        variable = self.catalogue.variables[name]
        type_name = variable["field_type"]
        self.used_variables[name] = type_name
        spec = self.catalogue.operators[type_name][operator]
        return _Leaf(
            name,
            operator,
            expected,
            _test(type_name, operator, expected),
            variable["label"],
            spec["symbol"] or spec["label"],
            variable["options"],
        )

    def _read(self, facts):
        """One invoice's variables, as the rules see them."""
        reader = self.catalogue.variables_class(facts)
        return {name: getattr(reader, name)() for name in self.used_variables}

    def evaluate(self, facts):
        """Evaluate every rule set against one invoice's facts (a dict)."""
        return self.evaluate_many([facts])[0]

    def evaluate_many(self, facts_list):
        """Evaluate many invoices; one :class:`Evaluation` per fact dict, in order."""
        facts_list = list(facts_list)
        results = []
        gc_was_enabled = gc.isenabled()
        # Millions of small, acyclic objects: the cycle collector would walk
        # them again and again for nothing.
        gc.disable()
        try:
            for start in range(0, len(facts_list), self.batch_size):
                results += self._evaluate_batch(
                    facts_list[start : start + self.batch_size]
                )
        finally:
            if gc_was_enabled:
                gc.enable()
        return results

    def _evaluate_batch(self, facts_list):
        results = [None] * len(facts_list)
        valid = []
        for index, facts in enumerate(facts_list):
            if isinstance(facts, dict):
                valid.append(index)
            else:
                results[index] = Evaluation(
                    facts, error=f"Facts must be a dict, got {type(facts).__name__}."
                )
        batch = _Batch(self, [facts_list[index] for index in valid])
        failed = bytes(error is not None for error in batch.errors)
        active_at_start = batch.ones & ~int.from_bytes(failed, "little")
        hits = [[] for _ in valid]
        for stop, rules in self.rule_sets:
            active = active_at_start
            for rule in rules:
                triggered = rule[2].bits(batch) & active
                if not triggered:
                    continue
                if stop:
                    active &= ~triggered
                flags = triggered.to_bytes(batch.size, "little")
                for position in compress(range(batch.size), flags):
                    hits[position].append(rule)
        read = self._read
        for position, index in enumerate(valid):
            facts = facts_list[index]
            error = batch.errors[position]
            if error is not None:
                results[index] = Evaluation(facts, error=error)
                continue
            rules = hits[position]
            if not rules:
                results[index] = Evaluation(facts, [], [])
                continue
            reading = _Reading(facts, read)
            decisions = []
            explanations = []
            for rule_set_name, rule_name, condition, actions in rules:
                explanation = Explanation(rule_set_name, rule_name, condition, reading)
                explanations.append(explanation)
                decisions += [
                    Decision(action, params, rule_set_name, rule_name, explanation)
                    for action, params in actions
                ]
            results[index] = Evaluation(facts, decisions, explanations)
        return results
