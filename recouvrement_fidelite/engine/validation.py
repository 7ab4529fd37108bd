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
  A regular expression must compile.
- ``actions`` is a list (possibly empty: a rule that only stops the
  evaluation) of ``{"name": <action>, "params": {...}}``; every required
  parameter is given, none is unknown, each has the type, choices and bounds
  the catalogue declares.

:func:`validate_rule_set` returns a :class:`RuleSet` whose rules are
normalised (``value`` always present, action parameters completed with their
defaults), which is exactly the input business-rules' ``run_all`` expects. It
raises :class:`~.errors.RuleValidationError` listing every problem, each with
the rule's name and the path to the bad element.
"""

import inspect
import json
import math
import re

from business_rules.fields import (
    FIELD_NO_INPUT,
    FIELD_NUMERIC,
    FIELD_SELECT,
    FIELD_SELECT_MULTIPLE,
    FIELD_TEXT,
)

from .catalogue import DEFAULT_CATALOGUE
from .errors import Problem, RuleValidationError

MAX_DEPTH = 20
DEFAULT_PRIORITY = 10
RULE_SET_KEYS = ("name", "priority", "stop_on_first_trigger", "rules")
RULE_KEYS = ("name", "conditions", "actions")
LEAF_KEYS = ("name", "operator", "value")
ACTION_KEYS = ("name", "params")


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

    Raises :class:`~.errors.RuleValidationError` with every problem found.
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


class _Validator:
    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.problems = []
        self.rule_name = None

    def problem(self, path, message):
        self.problems.append(Problem(self.rule_name, path, message))

    def expect_keys(self, node, path, allowed, required):
        unknown = [key for key in node if key not in allowed]
        for key in unknown:
            self.problem(
                f"{path}.{key}" if path else str(key),
                f"unknown key {key!r}; expected keys: {', '.join(allowed)}",
            )
        missing = [key for key in required if key not in node]
        for key in missing:
            self.problem(f"{path}.{key}" if path else key, "is required")
        return not unknown and not missing

    # Rule set and rules

    def rule_set(self, data):
        name = None
        if isinstance(data, (str, bytes)):
            try:
                data = json.loads(data)
            except ValueError as error:
                self.problem("(json)", f"not valid JSON: {error}")
                raise RuleValidationError(None, self.problems) from None
        if not isinstance(data, dict):
            self.problem(
                "(rule set)",
                "expected an object with keys name, priority, "
                f"stop_on_first_trigger and rules, got {_describe(data)}",
            )
            raise RuleValidationError(None, self.problems)
        self.expect_keys(data, "", RULE_SET_KEYS, ("name", "rules"))
        name = data.get("name")
        if "name" in data and (not isinstance(name, str) or not name.strip()):
            self.problem("name", f"expected a non-empty text, got {_describe(name)}")
            name = None
        priority = data.get("priority", DEFAULT_PRIORITY)
        if isinstance(priority, bool) or not isinstance(priority, int):
            self.problem("priority", f"expected an integer, got {_describe(priority)}")
        stop = data.get("stop_on_first_trigger", False)
        if not isinstance(stop, bool):
            self.problem(
                "stop_on_first_trigger",
                f"expected true or false, got {_describe(stop)}",
            )
        rules = []
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list):
            self.problem(
                "rules", f"expected a list of rules, got {_describe(raw_rules)}"
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
            self.problem(path, f"expected a rule object, got {_describe(raw)}")
            return None
        name = raw.get("name")
        if isinstance(name, str) and name.strip():
            self.rule_name = name.strip()
        count = len(self.problems)
        self.expect_keys(raw, path, RULE_KEYS, RULE_KEYS)
        if "name" in raw and self.rule_name is None:
            self.problem(
                f"{path}.name", f"expected a non-empty text, got {_describe(name)}"
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
                'expected a condition object ({"all": [...]}, {"any": [...]} or '
                f'{{"name", "operator", "value"}}), got {_describe(node)}',
            )
            return None
        if "all" in node or "any" in node:
            return self.group(node, path, depth)
        return self.leaf(node, path)

    def group(self, node, path, depth):
        if len(node) != 1:
            self.problem(
                path,
                'a group holds exactly one key, "all" or "any"; '
                f"found keys: {', '.join(map(str, node))}",
            )
            return None
        kind, children = next(iter(node.items()))
        path = f"{path}.{kind}"
        if depth > MAX_DEPTH:
            self.problem(path, f"conditions are nested deeper than {MAX_DEPTH} levels")
            return None
        if not isinstance(children, list):
            self.problem(
                path, f"expected a list of conditions, got {_describe(children)}"
            )
            return None
        if not children:
            self.problem(
                path, f'an empty "{kind}" group; expected at least one condition'
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
                f"unknown variable {_describe(name)}; expected one of: "
                + ", ".join(sorted(self.catalogue.variables)),
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
            hint = (
                f" ({operator!r} is an operator for {', '.join(other_types)} variables)"
                if other_types
                else ""
            )
            self.problem(
                f"{path}.operator",
                f"operator {_describe(operator)} cannot be used on the {field_type} "
                f"variable {name!r}{hint}; expected one of: {', '.join(operators)}",
            )
            return None
        value = node.get("value")
        input_type = spec["input_type"]
        if input_type == FIELD_NO_INPUT:
            if value not in (None, ""):
                self.problem(
                    f"{path}.value",
                    f"operator {operator!r} takes no value, got {_describe(value)}",
                )
                return None
            return {"name": name, "operator": operator, "value": None}
        if "value" not in node:
            self.problem(f"{path}.value", f"operator {operator!r} needs a value")
            return None
        if not self.value(value, input_type, variable["options"], f"{path}.value"):
            return None
        if operator == "matches_regex":
            try:
                re.compile(value)
            except (re.error, OverflowError, RecursionError) as error:
                self.problem(f"{path}.value", f"invalid regular expression: {error}")
                return None
        return {"name": name, "operator": operator, "value": value}

    def value(self, value, input_type, options, path):
        """Check a value against an input type; report and return False if bad."""
        if input_type == FIELD_NUMERIC:
            if not _is_number(value):
                self.problem(path, f"expected a number, got {_describe(value)}")
                return False
        elif input_type == FIELD_TEXT:
            if not isinstance(value, str):
                self.problem(path, f"expected a text, got {_describe(value)}")
                return False
        elif input_type == FIELD_SELECT:
            if not _is_scalar_choice(value):
                self.problem(path, f"expected one choice, got {_describe(value)}")
                return False
            return self.choices([value], options, path)
        elif input_type == FIELD_SELECT_MULTIPLE:
            if not isinstance(value, list) or not all(map(_is_scalar_choice, value)):
                self.problem(
                    path, f"expected a list of choices, got {_describe(value)}"
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
                f"{_describe(bad[0])} is not a known choice; expected one of: "
                + ", ".join(map(str, names)),
            )
            return False
        return True

    # Actions

    def actions(self, raw, path):
        if not isinstance(raw, list):
            self.problem(path, f"expected a list of actions, got {_describe(raw)}")
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
            self.problem(path, f"expected an action object, got {_describe(raw)}")
            return None
        if not self.expect_keys(raw, path, ACTION_KEYS, ("name",)):
            return None
        name = raw["name"]
        spec = self.catalogue.actions.get(name) if isinstance(name, str) else None
        if spec is None:
            self.problem(
                f"{path}.name",
                f"unknown action {_describe(name)}; expected one of: "
                + ", ".join(sorted(self.catalogue.actions)),
            )
            return None
        params = raw.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            self.problem(
                f"{path}.params", f"expected an object, got {_describe(params)}"
            )
            return None
        declared = {p["name"]: p for p in spec["params"]}
        count = len(self.problems)
        for key in params:
            if key not in declared:
                self.problem(
                    f"{path}.params.{key}",
                    f"unknown parameter {key!r} for action {name!r}; expected: "
                    + (", ".join(declared) or "no parameter"),
                )
        for param_name, param_spec in declared.items():
            param_path = f"{path}.params.{param_name}"
            if param_name not in params:
                if param_spec["required"]:
                    self.problem(param_path, f"is required by action {name!r}")
                continue
            self.param(params[param_name], param_spec, param_path)
        if len(self.problems) > count:
            return None
        return {"name": name, "params": self._with_defaults(name, params)}

    def param(self, value, spec, path):
        if not self.value(value, spec["fieldType"], spec.get("options"), path):
            return
        if spec["fieldType"] == FIELD_NUMERIC:
            if spec.get("integer") and value != int(value):
                self.problem(path, f"expected a whole number, got {_describe(value)}")
            elif spec.get("min") is not None and value < spec["min"]:
                self.problem(path, f"expected at least {spec['min']}, got {value}")
            elif spec.get("max") is not None and value > spec["max"]:
                self.problem(path, f"expected at most {spec['max']}, got {value}")
        elif spec.get("required_text") and not value.strip():
            self.problem(path, "expected a non-empty text")

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
