"""The collection decision engine: declarative rules in, decisions out.

This package imports nothing from Odoo. It decides, for each open invoice,
which reminder level and actions apply, from rules that administrators write
as data, and says why. It never sends, writes or schedules anything: the
Odoo models turn its decisions into mails, SMS, letters and activities.

Modules
-------
``variables``   the facts a rule can test (:class:`InvoiceFacts`)
``actions``     what a rule can decide (:class:`CollectionActions`,
                :class:`Decision`)
``operators``   business-rules' operator types plus "not equal to"
``catalogue``   all of the above exported for the rule editor
                (:class:`Catalogue`)
``validation``  rule set grammar and checks (:func:`validate_rule_set`)
``evaluation``  fast evaluation with explanations (:class:`Evaluator`)
``wording``     explanations, decisions and conditions in words, in any
                language (:class:`~.wording.Wording`)
``phone``       phone numbers to E.164 (:func:`normalize_phone`)
``legal``       late interest, recovery indemnity, small-claims threshold
                and prescription, every figure given by the caller
``errors``      :class:`EngineError` and its subclasses; messages as
                templates marked for translation (``_lt``, also used on
                every label of the catalogue)

Rule grammar
------------
Rules use the JSON format of the `business-rules` package. A rule set adds a
name, a priority and ``stop_on_first_trigger``::

    {"name": "Premium customers", "priority": 10, "stop_on_first_trigger": true,
     "rules": [
       {"name": "Disputed: no reminder",
        "conditions": {"any": [
          {"name": "dispute_status", "operator": "contains", "value": "open"},
          {"name": "dispute_status", "operator": "contains",
           "value": "under_review"}]},
        "actions": []},
       {"name": "Gentle first reminder",
        "conditions": {"all": [
          {"name": "customer_typology", "operator": "contains",
           "value": "premium"},
          {"name": "days_overdue", "operator": "greater_than_or_equal_to",
           "value": 10}]},
        "actions": [{"name": "send_reminder",
                     "params": {"channel": "email"}}]}]}

A condition is a leaf ``{"name", "operator", "value"}`` or a group
``{"all": [...]}`` / ``{"any": [...]}``. Each variable has a type (numeric,
string, boolean, select, select_multiple) and each type its operators;
``validation`` gives the full grammar and :meth:`Catalogue.export` the list
of variables, operators and actions with their labels.

Usage
-----
Validate a rule set (its JSON text, or the parsed document), then evaluate
the facts of many invoices in one call; each result lists the decisions in
order, each with the rule that took it and why (these examples run as
doctests in the engine's test suite)::

    >>> import json
    >>> from engine import DEFAULT_CATALOGUE, Evaluator, validate_rule_set
    >>> json_text = json.dumps({
    ...     "name": "Repeat late payers", "stop_on_first_trigger": True,
    ...     "rules": [{
    ...         "name": "Firm reminder",
    ...         "conditions": {"all": [
    ...             {"name": "days_overdue",
    ...              "operator": "greater_than_or_equal_to", "value": 15},
    ...             {"name": "customer_typology", "operator": "contains",
    ...              "value": "late_payer"}]},
    ...         "actions": [{"name": "send_reminder",
    ...                      "params": {"channel": "email"}}]}]})
    >>> rule_set = validate_rule_set(json_text)    # RuleValidationError if bad
    >>> evaluator = Evaluator([rule_set])
    >>> results = evaluator.evaluate_many([
    ...     {"invoice_id": 7, "days_overdue": 17, "residual_amount": 1200.0,
    ...      "customer_typology": "late_payer"},
    ...     {"invoice_id": 8, "days_overdue": 3, "customer_typology": "premium"},
    ... ])
    >>> for decision in results[0].decisions:
    ...     print(decision.action, dict(decision.params))
    ...     print(decision.explanation.text())
    send_reminder {'channel': 'email', 'template': ''}
    rule 'Firm reminder' triggered: days overdue 17 >= 15;
        customer typology = Repeat late payer
    >>> results[1].decisions                       # no rule triggered
    []

The catalogue, for the rule editor, in business-rules' export format::

    >>> sorted(DEFAULT_CATALOGUE.export())
    ['actions', 'variable_type_operators', 'variables']

How it works
------------
Validation first checks technical limits (size, nesting, numbers, storable
texts) without recursion, then walks the rule set once, collects every
problem with its path, and returns normalised rules. The evaluator
compiles each condition into a closure with its expected value cast once,
reads each invoice's variables once, and explains only the rules that
trigger. Decisions are the same as business-rules' ``run_all`` would record
for the same rules and facts (the test suite checks this on random rule
sets), many times faster.
"""

from .actions import CollectionActions, Decision
from .catalogue import DEFAULT_CATALOGUE, Catalogue
from .errors import (
    ConditionError,
    EngineError,
    FactError,
    Problem,
    RuleValidationError,
)
from .evaluation import Evaluation, Evaluator, Explanation
from .phone import PhoneCheck, normalize_phone
from .validation import (
    RuleSet,
    check_document,
    load_json,
    validate_rule_set,
    validate_rules,
)
from .variables import InvoiceFacts
from .wording import Wording

__all__ = [
    "DEFAULT_CATALOGUE",
    "Catalogue",
    "CollectionActions",
    "ConditionError",
    "Decision",
    "EngineError",
    "Evaluation",
    "Evaluator",
    "Explanation",
    "FactError",
    "InvoiceFacts",
    "PhoneCheck",
    "Problem",
    "RuleSet",
    "RuleValidationError",
    "check_document",
    "load_json",
    "normalize_phone",
    "validate_rule_set",
    "validate_rules",
    "Wording",
]
