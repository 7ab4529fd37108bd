"""Validation of rule sets as administrators store them.

A rule set is business-rules JSON (a list of rules, each with
``conditions`` and ``actions``) wrapped with a name, a priority and whether
evaluation stops at the first triggered rule::

    {
      "name": "Repeat late payers",
      "priority": 20,
      "stop_on_first_trigger": true,
      "rules": [
        {
          "name": "Firm reminder after 15 days",
          "conditions": {"all": [
            {"name": "days_overdue", "operator": "greater_than_or_equal_to",
             "value": 15},
            {"name": "customer_typology", "operator": "contains",
             "value": "late_payer"}
          ]},
          "actions": [
            {"name": "set_reminder_level", "params": {"level": 2}},
            {"name": "send_reminder", "params": {"channel": "email"}}
          ]
        }
      ]
    }

Grammar (every key is checked, unknown keys are refused):

- ``conditions`` is either a leaf ``{"name": <variable>, "operator":
  <operator>, "value": <value>}`` or a group ``{"all": [...]}`` /
  ``{"any": [...]}`` holding at least one condition, nested up to
  :data:`MAX_DEPTH` levels.
- The operator must be one of the variable's type (see the catalogue's
  ``variable_type_operators``); the value must fit the operator's input:
  a number (``numeric``), text (``text``), one choice (``select``), a list of
  choices (``select_multiple``) or nothing (``none``; ``value`` may be left
  out). Choices must be among the variable's options when it declares some.
  A regular expression must compile (with Python's ``re``, which
  business-rules uses, and with ``regex``, which the evaluator uses: see
  :mod:`.evaluation`). A numeric action parameter with choices (the level
  numbers of ``set_reminder_level``, given by Odoo) takes one of them.
- ``actions`` is a list (possibly empty: a rule that only stops the
  evaluation) of ``{"name": <action>, "params": {...}}``; every required
  parameter is given, none is unknown, each has the type, choices and bounds
  the catalogue declares.

:func:`validate_rule_set` returns a :class:`RuleSet` whose rules are
normalised (``value`` always present, action parameters completed with their
defaults), which is exactly the input business-rules' ``run_all`` expects. It
raises :class:`~.errors.RuleValidationError` listing every problem, each with
the rule's name and the path to the bad element.

Technical limits
----------------
Before the grammar is checked, the whole document goes through
:func:`check_document` (and a JSON text through :func:`load_json` first), so
that nothing an administrator types can reach Python's recursion limit,
overflow a float, or be refused later by PostgreSQL. These limits protect the
machine; they are not collection policy, and no sensible rule comes near
them:

- :data:`MAX_JSON_LENGTH` characters of JSON text;
- :data:`MAX_JSON_DEPTH` levels of nested lists and objects (the conditions'
  own :data:`MAX_DEPTH` groups take two levels each, so a too deeply nested
  condition still gets its own message first);
- :data:`MAX_NODES` values in a document;
- :data:`MAX_TEXT_LENGTH` characters in one text;
- numbers finite and at most :data:`MAX_NUMBER` in absolute value (below
  2**53, so every accepted number is exact as a float too);
- texts without control characters other than tab, line feed and carriage
  return (PostgreSQL refuses NUL) and without lone UTF-16 surrogates (they
  cannot be encoded in UTF-8).
"""

import inspect
import json
import math
import re
from itertools import accumulate

import regex
from business_rules.fields import (
    FIELD_NO_INPUT,
    FIELD_NUMERIC,
    FIELD_SELECT,
    FIELD_SELECT_MULTIPLE,
    FIELD_TEXT,
)

from .catalogue import DEFAULT_CATALOGUE
from .errors import Problem, RuleValidationError, _lt

MAX_DEPTH = 20
MAX_JSON_LENGTH = 1_000_000
MAX_JSON_DEPTH = 100
MAX_NODES = 100_000
MAX_TEXT_LENGTH = 10_000
MAX_NUMBER = 10**15
DEFAULT_PRIORITY = 10
RULE_SET_KEYS = ("name", "priority", "stop_on_first_trigger", "rules")
RULE_KEYS = ("name", "conditions", "actions")
LEAF_KEYS = ("name", "operator", "value")
ACTION_KEYS = ("name", "params")

#: Characters a stored text may not hold: C0 controls but tab, line feed and
#: carriage return (PostgreSQL refuses NUL), and lone UTF-16 surrogates.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(r"[^\[\]{}]+")
_RULE_INDEX = re.compile(r"^rules\[(\d+)\]")


class Rule:
    """One validated rule: a name, normalised conditions and actions."""

    __slots__ = ("name", "conditions", "actions")

    def __init__(self, name, conditions, actions):
        self.name = name
        self.conditions = conditions
        self.actions = actions

    def as_dict(self):
        return {
            "name": self.name,
            "conditions": self.conditions,
            "actions": self.actions,
        }


class RuleSet:
    """A validated rule set, ready for :class:`~.evaluation.Evaluator`."""

    __slots__ = ("name", "priority", "stop_on_first_trigger", "rules")

    def __init__(self, name, priority, stop_on_first_trigger, rules):
        self.name = name
        self.priority = priority
        self.stop_on_first_trigger = stop_on_first_trigger
        self.rules = tuple(rules)

    def as_dict(self):
        """The rule set in its stored JSON form."""
        return {
            "name": self.name,
            "priority": self.priority,
            "stop_on_first_trigger": self.stop_on_first_trigger,
            "rules": [rule.as_dict() for rule in self.rules],
        }

    def business_rules(self):
        """The rules as business-rules' ``run_all`` takes them."""
        return [
            {"conditions": rule.conditions, "actions": rule.actions}
            for rule in self.rules
        ]

    def __repr__(self):
        return (
            f"RuleSet({self.name!r}, priority={self.priority}, rules={len(self.rules)})"
        )


def validate_rule_set(data, catalogue=DEFAULT_CATALOGUE):
    """Check a rule set (a dict, or its JSON text) and return a :class:`RuleSet`.

    Raises :class:`~.errors.RuleValidationError` with every problem found,
    not only the first one, each with its rule and path:

    >>> validate_rule_set({"name": "Checks", "rules": [{
    ...     "name": "Firm",
    ...     "conditions": {"name": "days_overdue", "operator": "greater_than",
    ...                    "value": "ten"},
    ...     "actions": [{"name": "send_reminder", "params": {"channel": "fax"}}],
    ... }]})
    Traceback (most recent call last):
    ...
    engine.errors.RuleValidationError: Rule set 'Checks' is invalid:
    - rule 'Firm', rules[0].conditions.value: expected a number, got 'ten'
    - rule 'Firm', rules[0].actions[0].params.channel: 'fax' is not a known
      choice; expected one of: email, sms, letter, portal

    Rules come back normalised: ``value`` is always there, and action
    parameters are completed with their defaults.

    >>> rule_set = validate_rule_set(
    ...     '{"name": "Reachable", "rules": [{"name": "Email", '
    ...     '"conditions": {"name": "has_email", "operator": "is_true"}, '
    ...     '"actions": [{"name": "send_reminder", "params": {"channel": "email"}}]}]}'
    ... )
    >>> rule_set
    RuleSet('Reachable', priority=10, rules=1)
    >>> rule_set.rules[0].conditions
    {'name': 'has_email', 'operator': 'is_true', 'value': None}
    >>> rule_set.rules[0].actions
    [{'name': 'send_reminder', 'params': {'channel': 'email', 'template': ''}}]
    """
    return _Validator(catalogue).rule_set(data)


def validate_rules(
    rules,
    name="",
    priority=DEFAULT_PRIORITY,
    stop_on_first_trigger=False,
    catalogue=DEFAULT_CATALOGUE,
):
    """Check a list of rules given apart from the rule set's own settings."""
    return validate_rule_set(
        {
            "name": name or "(unnamed)",
            "priority": priority,
            "stop_on_first_trigger": stop_on_first_trigger,
            "rules": rules,
        },
        catalogue,
    )


def load_json(text, path="(json)"):
    """Parse a JSON text within the technical limits; return its value.

    Raises :class:`~.errors.RuleValidationError` (its problems at ``path``)
    when the text is too long, nested too deeply, not JSON, or holds a value
    :func:`check_document` refuses. Never raises ``RecursionError``: the
    nesting is measured on the text before it is parsed.
    """
    problems = []

    def refuse(template, **params):
        problems.append(Problem(None, path, template, params))
        raise RuleValidationError(None, problems)

    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            refuse(_lt("not valid UTF-8: %(error)s"), error=str(error))
    if not isinstance(text, str):
        refuse(_lt("expected a JSON text, got %(value)s"), value=type(text).__name__)
    if len(text) > MAX_JSON_LENGTH:
        refuse(
            _lt("the text is too long: %(length)s characters, at most %(max)s"),
            length=len(text),
            max=MAX_JSON_LENGTH,
        )
    openings = text.count("[") + text.count("{")
    if openings > MAX_JSON_DEPTH and _text_depth(text) > MAX_JSON_DEPTH:
        refuse(_lt("nested deeper than %(max)s levels"), max=MAX_JSON_DEPTH)
    try:
        data = json.loads(text)
    except RecursionError:
        refuse(_lt("nested deeper than %(max)s levels"), max=MAX_JSON_DEPTH)
    except ValueError as error:
        refuse(_lt("not valid JSON: %(error)s"), error=str(error))
    check_document(data, "" if path == "(json)" else path)
    return data


def _text_depth(text):
    """How deeply lists and objects nest in a JSON text, without parsing it.

    Strings are removed first, so brackets inside them do not count. Broken
    JSON may be measured wrong; ``json.loads`` then refuses it anyway.
    """
    brackets = _JSON_BRACKETS.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    steps = (1 if bracket in "[{" else -1 for bracket in brackets)
    return max(accumulate(steps))


def check_document(data, path=""):
    """Check every value of a JSON-like document against the technical limits.

    Walks the document without recursion, so depth alone can never raise
    ``RecursionError``. Raises :class:`~.errors.RuleValidationError` with one
    problem per bad value (the rule is named when the path is inside
    ``rules[i]``). Lists and dicts are walked; other values are left to the
    grammar checks.
    """
    problems = []

    def problem(trail, template, **params):
        problems.append(Problem(None, _trail_path(trail, path), template, params))

    nodes = 0
    # (value, trail, depth); a trail is (parent trail, key, is a list index),
    # worded as a path only for a bad value.
    stack = [(data, None, 0)]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node, trail, depth = pop()
        nodes += 1
        if nodes > MAX_NODES:
            problem(None, _lt("too many values: more than %(max)s"), max=MAX_NODES)
            break
        kind = type(node)
        if kind is dict or kind is list:
            if depth >= MAX_JSON_DEPTH:
                problem(
                    trail,
                    _lt("nested deeper than %(max)s levels"),
                    max=MAX_JSON_DEPTH,
                )
                continue
            depth += 1
            if kind is dict:
                for key in node:
                    if type(key) is str and _bad_text(key):
                        _check_text(key, (trail, key, False), problem)
                extend(
                    (child, (trail, key, False), depth)
                    for key, child in reversed(node.items())
                )
            else:
                extend(
                    (node[index], (trail, index, True), depth)
                    for index in range(len(node) - 1, -1, -1)
                )
        elif kind is str:
            if _bad_text(node):
                _check_text(node, trail, problem)
        elif kind is int:
            if not -MAX_NUMBER <= node <= MAX_NUMBER:
                problem(
                    trail,
                    _lt(
                        "%(value)s is too large: numbers are at most %(max)s "
                        "in absolute value"
                    ),
                    value=_short_number(node),
                    max=f"{MAX_NUMBER:.0e}",
                )
        elif kind is float:
            if not math.isfinite(node):
                problem(
                    trail,
                    _lt("expected a number, got %(value)s"),
                    value=json.dumps(node),
                )
            elif not -MAX_NUMBER <= node <= MAX_NUMBER:
                problem(
                    trail,
                    _lt(
                        "%(value)s is too large: numbers are at most %(max)s "
                        "in absolute value"
                    ),
                    value=f"{node:.6g}",
                    max=f"{MAX_NUMBER:.0e}",
                )
        elif isinstance(node, (dict, list, str, int, float)) and kind is not bool:
            # Subclasses (rare, from Python callers): as their base type.
            base = next(t for t in (dict, list, str, int, float) if isinstance(node, t))
            push((base(node), trail, depth))
            nodes -= 1
    if problems:
        raise RuleValidationError(_name_rules(problems, data, path), problems)


def _trail_path(trail, root):
    keys = []
    while trail is not None:
        trail, key, is_index = trail
        keys.append(f"[{key}]" if is_index else f".{key}")
    keys.reverse()
    text = root + "".join(keys)
    return text[1:] if text.startswith(".") else text or "(rule set)"


def _bad_text(text):
    return len(text) > MAX_TEXT_LENGTH or _BAD_CHARACTER.search(text) is not None


def _check_text(text, trail, problem):
    if len(text) > MAX_TEXT_LENGTH:
        problem(
            trail,
            _lt("the text is too long: %(length)s characters, at most %(max)s"),
            length=len(text),
            max=MAX_TEXT_LENGTH,
        )
        return
    bad = _BAD_CHARACTER.search(text)
    problem(
        trail,
        _lt("the text holds a character that cannot be stored (%(character)s)"),
        character=f"U+{ord(bad.group()):04X}",
    )


def _short_number(number):
    """A huge integer, shown without converting all its digits."""
    if number.bit_length() > 200:
        digits = int(number.bit_length() * math.log10(2)) + 1
        return f"{'-' if number < 0 else ''}a number of about {digits} digits"
    return str(number)


def _name_rules(problems, data, path):
    """Set each problem's rule from its ``rules[i]`` path, when it has a name.

    Returns the rule set's name, or ``None``.
    """
    if path or not isinstance(data, dict):
        return None
    name = data.get("name")
    name = name.strip() if isinstance(name, str) and name.strip() else None
    rules = data.get("rules")
    if not isinstance(rules, list):
        return name
    for problem in problems:
        match = _RULE_INDEX.match(problem.path)
        if not match or int(match.group(1)) >= len(rules):
            continue
        rule = rules[int(match.group(1))]
        rule_name = rule.get("name") if isinstance(rule, dict) else None
        if isinstance(rule_name, str) and rule_name.strip():
            problem.rule = rule_name.strip()
    return name


def _describe(value):
    text = (
        json.dumps(value, default=repr) if not isinstance(value, str) else repr(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value):
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _is_scalar_choice(value):
    return isinstance(value, str) or _is_number(value)


def _compile_regex_problem(pattern):
    """Why a pattern does not compile with ``re`` or ``regex``, or ``None``."""
    for compile_ in (re.compile, _compile_for_evaluator):
        try:
            compile_(pattern)
        except _REGEX_ERRORS as error:
            return str(error)
    return None


_REGEX_ERRORS = (re.error, regex.error, OverflowError, RecursionError, ValueError)


def _compile_for_evaluator(pattern):
    return regex.compile(pattern, flags=regex.V0)


class _Validator:
    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.problems = []
        self.rule_name = None

    def problem(self, path, template, **params):
        self.problems.append(Problem(self.rule_name, path, template, params))

    def expect_keys(self, node, path, allowed, required):
        unknown = [key for key in node if key not in allowed]
        for key in unknown:
            self.problem(
                f"{path}.{key}" if path else str(key),
                _lt("unknown key %(key)s; expected keys: %(expected)s"),
                key=repr(key),
                expected=", ".join(allowed),
            )
        missing = [key for key in required if key not in node]
        for key in missing:
            self.problem(f"{path}.{key}" if path else key, _lt("is required"))
        return not unknown and not missing

    # Rule set and rules

    def rule_set(self, data):
        name = None
        if isinstance(data, (str, bytes, bytearray)):
            data = load_json(data)
        else:
            check_document(data)
        if not isinstance(data, dict):
            self.problem(
                "(rule set)",
                _lt(
                    "expected an object with keys name, priority, "
                    "stop_on_first_trigger and rules, got %(value)s"
                ),
                value=_describe(data),
            )
            raise RuleValidationError(None, self.problems)
        self.expect_keys(data, "", RULE_SET_KEYS, ("name", "rules"))
        name = data.get("name")
        if "name" in data and (not isinstance(name, str) or not name.strip()):
            self.problem(
                "name",
                _lt("expected a non-empty text, got %(value)s"),
                value=_describe(name),
            )
            name = None
        priority = data.get("priority", DEFAULT_PRIORITY)
        if isinstance(priority, bool) or not isinstance(priority, int):
            self.problem(
                "priority",
                _lt("expected an integer, got %(value)s"),
                value=_describe(priority),
            )
        stop = data.get("stop_on_first_trigger", False)
        if not isinstance(stop, bool):
            self.problem(
                "stop_on_first_trigger",
                _lt("expected true or false, got %(value)s"),
                value=_describe(stop),
            )
        rules = []
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list):
            self.problem(
                "rules",
                _lt("expected a list of rules, got %(value)s"),
                value=_describe(raw_rules),
            )
        else:
            for index, raw_rule in enumerate(raw_rules):
                rule = self.rule(raw_rule, f"rules[{index}]")
                if rule is not None:
                    rules.append(rule)
        self.rule_name = None
        if self.problems:
            raise RuleValidationError(name, self.problems)
        return RuleSet(name.strip(), priority, stop, rules)

    def rule(self, raw, path):
        self.rule_name = None
        if not isinstance(raw, dict):
            self.problem(
                path, _lt("expected a rule object, got %(value)s"), value=_describe(raw)
            )
            return None
        name = raw.get("name")
        if isinstance(name, str) and name.strip():
            self.rule_name = name.strip()
        count = len(self.problems)
        self.expect_keys(raw, path, RULE_KEYS, RULE_KEYS)
        if "name" in raw and self.rule_name is None:
            self.problem(
                f"{path}.name",
                _lt("expected a non-empty text, got %(value)s"),
                value=_describe(name),
            )
        conditions = None
        if "conditions" in raw:
            conditions = self.condition(raw["conditions"], f"{path}.conditions", 1)
        actions = []
        if "actions" in raw:
            actions = self.actions(raw["actions"], f"{path}.actions")
        if len(self.problems) > count:
            return None
        return Rule(self.rule_name, conditions, actions)

    # Conditions

    def condition(self, node, path, depth):
        if not isinstance(node, dict):
            self.problem(
                path,
                _lt(
                    'expected a condition object ({"all": [...]}, {"any": [...]} '
                    'or {"name", "operator", "value"}), got %(value)s'
                ),
                value=_describe(node),
            )
            return None
        if "all" in node or "any" in node:
            return self.group(node, path, depth)
        return self.leaf(node, path)

    def group(self, node, path, depth):
        if len(node) != 1:
            self.problem(
                path,
                _lt(
                    'a group holds exactly one key, "all" or "any"; '
                    "found keys: %(keys)s"
                ),
                keys=", ".join(map(str, node)),
            )
            return None
        kind, children = next(iter(node.items()))
        path = f"{path}.{kind}"
        if depth > MAX_DEPTH:
            self.problem(
                path,
                _lt("conditions are nested deeper than %(max)s levels"),
                max=MAX_DEPTH,
            )
            return None
        if not isinstance(children, list):
            self.problem(
                path,
                _lt("expected a list of conditions, got %(value)s"),
                value=_describe(children),
            )
            return None
        if not children:
            self.problem(
                path,
                _lt('an empty "%(kind)s" group; expected at least one condition'),
                kind=kind,
            )
            return None
        normalised = [
            self.condition(child, f"{path}[{index}]", depth + 1)
            for index, child in enumerate(children)
        ]
        return {kind: normalised}

    def leaf(self, node, path):
        if not self.expect_keys(node, path, LEAF_KEYS, ("name", "operator")):
            return None
        name, operator = node["name"], node["operator"]
        variable = self.catalogue.variables.get(name) if isinstance(name, str) else None
        if variable is None:
            self.problem(
                f"{path}.name",
                _lt("unknown variable %(value)s; expected one of: %(expected)s"),
                value=_describe(name),
                expected=", ".join(sorted(self.catalogue.variables)),
            )
            return None
        field_type = variable["field_type"]
        operators = self.catalogue.operators[field_type]
        spec = operators.get(operator) if isinstance(operator, str) else None
        if spec is None:
            other_types = [
                type_name
                for type_name, type_operators in self.catalogue.operators.items()
                if isinstance(operator, str) and operator in type_operators
            ]
            params = {
                "operator": _describe(operator),
                "type": field_type,
                "variable": repr(name),
                "expected": ", ".join(operators),
            }
            if other_types:
                self.problem(
                    f"{path}.operator",
                    _lt(
                        "operator %(operator)s cannot be used on the %(type)s "
                        "variable %(variable)s (%(operator)s is an operator for "
                        "%(types)s variables); expected one of: %(expected)s"
                    ),
                    types=", ".join(other_types),
                    **params,
                )
            else:
                self.problem(
                    f"{path}.operator",
                    _lt(
                        "operator %(operator)s cannot be used on the %(type)s "
                        "variable %(variable)s; expected one of: %(expected)s"
                    ),
                    **params,
                )
            return None
        value = node.get("value")
        input_type = spec["input_type"]
        if input_type == FIELD_NO_INPUT:
            if value not in (None, ""):
                self.problem(
                    f"{path}.value",
                    _lt("operator %(operator)s takes no value, got %(value)s"),
                    operator=repr(operator),
                    value=_describe(value),
                )
                return None
            return {"name": name, "operator": operator, "value": None}
        if "value" not in node:
            self.problem(
                f"{path}.value",
                _lt("operator %(operator)s needs a value"),
                operator=repr(operator),
            )
            return None
        if not self.value(value, input_type, variable["options"], f"{path}.value"):
            return None
        if operator == "matches_regex":
            error = _compile_regex_problem(value)
            if error is not None:
                self.problem(
                    f"{path}.value",
                    _lt("invalid regular expression: %(error)s"),
                    error=error,
                )
                return None
        return {"name": name, "operator": operator, "value": value}

    def value(self, value, input_type, options, path):
        """Check a value against an input type; report and return False if bad."""
        if input_type == FIELD_NUMERIC:
            if not _is_number(value):
                self.problem(
                    path,
                    _lt("expected a number, got %(value)s"),
                    value=_describe(value),
                )
                return False
        elif input_type == FIELD_TEXT:
            if not isinstance(value, str):
                self.problem(
                    path, _lt("expected a text, got %(value)s"), value=_describe(value)
                )
                return False
        elif input_type == FIELD_SELECT:
            if not _is_scalar_choice(value):
                self.problem(
                    path,
                    _lt("expected one choice, got %(value)s"),
                    value=_describe(value),
                )
                return False
            return self.choices([value], options, path)
        elif input_type == FIELD_SELECT_MULTIPLE:
            if not isinstance(value, list) or not all(map(_is_scalar_choice, value)):
                self.problem(
                    path,
                    _lt("expected a list of choices, got %(value)s"),
                    value=_describe(value),
                )
                return False
            return self.choices(value, options, path)
        return True

    def choices(self, values, options, path):
        if not options:
            return True
        names = self.catalogue.option_names(options)
        folded = {n.lower() if isinstance(n, str) else n for n in names}
        bad = [
            v for v in values if (v.lower() if isinstance(v, str) else v) not in folded
        ]
        if bad:
            self.problem(
                path,
                _lt("%(value)s is not a known choice; expected one of: %(expected)s"),
                value=_describe(bad[0]),
                expected=", ".join(map(str, names)),
            )
            return False
        return True

    # Actions

    def actions(self, raw, path):
        if not isinstance(raw, list):
            self.problem(
                path,
                _lt("expected a list of actions, got %(value)s"),
                value=_describe(raw),
            )
            return []
        return [
            action
            for action in (
                self.action(item, f"{path}[{index}]") for index, item in enumerate(raw)
            )
            if action is not None
        ]

    def action(self, raw, path):
        if not isinstance(raw, dict):
            self.problem(
                path,
                _lt("expected an action object, got %(value)s"),
                value=_describe(raw),
            )
            return None
        if not self.expect_keys(raw, path, ACTION_KEYS, ("name",)):
            return None
        name = raw["name"]
        spec = self.catalogue.actions.get(name) if isinstance(name, str) else None
        if spec is None:
            self.problem(
                f"{path}.name",
                _lt("unknown action %(value)s; expected one of: %(expected)s"),
                value=_describe(name),
                expected=", ".join(sorted(self.catalogue.actions)),
            )
            return None
        params = raw.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            self.problem(
                f"{path}.params",
                _lt("expected an object, got %(value)s"),
                value=_describe(params),
            )
            return None
        declared = {p["name"]: p for p in spec["params"]}
        count = len(self.problems)
        for key in params:
            if key in declared:
                continue
            if declared:
                self.problem(
                    f"{path}.params.{key}",
                    _lt(
                        "unknown parameter %(parameter)s for action %(action)s; "
                        "expected: %(expected)s"
                    ),
                    parameter=repr(key),
                    action=repr(name),
                    expected=", ".join(declared),
                )
            else:
                self.problem(
                    f"{path}.params.{key}",
                    _lt(
                        "unknown parameter %(parameter)s: action %(action)s takes "
                        "no parameter"
                    ),
                    parameter=repr(key),
                    action=repr(name),
                )
        for param_name, param_spec in declared.items():
            param_path = f"{path}.params.{param_name}"
            if param_name not in params:
                if param_spec["required"]:
                    self.problem(
                        param_path,
                        _lt("is required by action %(action)s"),
                        action=repr(name),
                    )
                continue
            self.param(params[param_name], param_spec, param_path)
        if len(self.problems) > count:
            return None
        return {"name": name, "params": self._with_defaults(name, params)}

    def param(self, value, spec, path):
        if not self.value(value, spec["fieldType"], spec.get("options"), path):
            return
        if spec["fieldType"] == FIELD_NUMERIC:
            allowed = self.catalogue.option_names(spec.get("options") or [])
            if spec.get("integer") and value != int(value):
                self.problem(
                    path,
                    _lt("expected a whole number, got %(value)s"),
                    value=_describe(value),
                )
            elif spec.get("min") is not None and value < spec["min"]:
                self.problem(
                    path,
                    _lt("expected at least %(min)s, got %(value)s"),
                    min=spec["min"],
                    value=_describe(value),
                )
            elif spec.get("max") is not None and value > spec["max"]:
                self.problem(
                    path,
                    _lt("expected at most %(max)s, got %(value)s"),
                    max=spec["max"],
                    value=_describe(value),
                )
            elif allowed and value not in allowed:
                self.problem(
                    path,
                    _lt("%(value)s is not among the allowed values: %(expected)s"),
                    value=_describe(value),
                    expected=", ".join(map(str, allowed)),
                )
        elif spec.get("required_text") and not value.strip():
            self.problem(path, _lt("expected a non-empty text"))

    def _with_defaults(self, action_name, params):
        method = getattr(self.catalogue.actions_class, action_name)
        completed = {}
        for name, parameter in inspect.signature(method).parameters.items():
            if name == "self":
                continue
            if name in params:
                completed[name] = params[name]
            elif parameter.default is not inspect.Parameter.empty:
                completed[name] = parameter.default
        return completed
