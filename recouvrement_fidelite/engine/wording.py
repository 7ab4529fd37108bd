"""Explanations, decisions and conditions in words, in any language.

The engine's texts are English: variable, operator and action labels, help
texts and choices are marked with :func:`~.errors._lt` where they are
declared (``variables``, ``operators``, ``actions``, ``concepts``), and so
are the few words declared here that join them ("yes", " and "...). This
module is the only place that words the engine's results. Each function
takes a ``translate`` callable, ``str -> str`` (the identity by default),
that turns one of those English texts into the reader's language: the
engine's own texts (``Explanation.text()``) use the identity, the Odoo side
passes the addon's translations (``models/engine_texts.py``). Templates are
translated first, then formatted with their parameters.

Usage: word what a rule decided and why, with a catalogue export::

    >>> from engine import DEFAULT_CATALOGUE, Evaluator, validate_rule_set
    >>> rule_set = validate_rule_set({"name": "Late payers", "rules": [
    ...     {"name": "Firm reminder",
    ...      "conditions": {"all": [
    ...          {"name": "days_overdue",
    ...           "operator": "greater_than_or_equal_to", "value": 15},
    ...          {"name": "customer_typology", "operator": "contains",
    ...           "value": "late_payer"}]},
    ...      "actions": [{"name": "send_reminder",
    ...                   "params": {"channel": "email"}}]}]})
    >>> result = Evaluator([rule_set]).evaluate(
    ...     {"days_overdue": 17, "customer_typology": "late_payer"}
    ... )
    >>> words = Wording(DEFAULT_CATALOGUE.export())
    >>> print(words.explanation_text(result.triggered[0]))
    Firm reminder:
    • Days overdue 17 >= 15
    • Customer typology = Repeat late payer
    >>> words.decision_text(result.decisions[0])
    'Send a reminder — Channel: Email'
    >>> words.condition_text(rule_set.rules[0].conditions)
    'Days overdue >= 15 and Customer typology = Repeat late payer'

The same words in another language: only ``translate`` changes (here a
dictionary stands for Odoo's translations)::

    >>> french = {
    ...     "Days overdue": "Jours de retard",
    ...     "Customer typology": "Typologie du client",
    ...     "Repeat late payer": "Mauvais payeur récurrent",
    ...     "%(rule)s:": "%(rule)s :",
    ...     "Send a reminder": "Envoyer une relance",
    ...     "Channel": "Canal",
    ...     "Email": "E-mail",
    ...     "%(parameter)s: %(value)s": "%(parameter)s : %(value)s",
    ...     " and ": " et ",
    ... }
    >>> words = Wording(DEFAULT_CATALOGUE.export(), lambda text: french.get(text, text))
    >>> print(words.explanation_text(result.triggered[0]))
    Firm reminder :
    • Jours de retard 17 >= 15
    • Typologie du client = Mauvais payeur récurrent
    >>> words.action_text("send_reminder", {"channel": "email", "template": ""})
    'Envoyer une relance — Canal : E-mail'

Values are shown as a person reads them: choices by their label (the
translated choices are in ``words.variables`` and ``words.actions``), lists
joined, booleans as yes or no, free text quoted::

    >>> words.show(["email", "sms"], words.variables["reachable_channels"]["options"])
    'E-mail, SMS'
    >>> words.show(True), words.show([]), words.show("FR"), words.show(2.0)
    ('yes', '(none)', '“FR”', '2')

The engine's one-line English texts (for logs and tests) are worded by the
same functions, with straight quotes and numbers as Python writes them
(``plain``)::

    >>> print(result.triggered[0].text())
    rule 'Firm reminder' triggered: days overdue 17 >= 15;
        customer typology = Repeat late payer
    >>> show("FR", plain=True), show(2.0, plain=True)
    ('"FR"', '2.0')
"""

import copy

from .errors import _lt

#: Words that join the catalogue's texts, marked for translation.
NONE = _lt("(none)")
YES = _lt("yes")
NO = _lt("no")
AND = _lt(" and ")
OR = _lt(" or ")
#: The first line of an explanation, above one line per condition.
RULE_HEADING = _lt("%(rule)s:")
#: One parameter of a decided action.
PARAMETER = _lt("%(parameter)s: %(value)s")

#: Operators without an expected value: their explanation shows the value.
NO_INPUT_OPERATORS = ("is_true", "is_false", "non_empty")


def identity(text):
    """The default ``translate``: the engine's English texts as they are."""
    return text


def _format(translate, template, **params):
    """``template`` translated, then formatted; the English one if the
    translation does not fit its parameters (as Odoo does)."""
    try:
        return translate(template) % params
    except (TypeError, ValueError, KeyError):
        return template % params


def catalogue_texts(data):
    """Every translatable text of a catalogue export, as (holder, key) pairs.

    >>> from engine import DEFAULT_CATALOGUE
    >>> texts = [holder[key] for holder, key in catalogue_texts(
    ...     DEFAULT_CATALOGUE.export())]
    >>> "Days overdue" in texts and "is among" in texts and "Escalate" in texts
    True
    """
    for variable in data["variables"]:
        yield variable, "label"
        yield variable, "help"
        for option in variable["options"]:
            if isinstance(option, dict):
                yield option, "label"
        for named in variable.get("value_labels") or []:
            yield named, "label"
    for operators in data["variable_type_operators"].values():
        for operator in operators:
            yield operator, "label"
            yield operator, "symbol"
    for action in data["actions"]:
        yield action, "label"
        for param in action["params"]:
            yield param, "label"
            if "help" in param:
                yield param, "help"
            for option in param.get("options") or []:
                if isinstance(option, dict):
                    yield option, "label"


def translated_catalogue(data, translate=identity):
    """A copy of a catalogue export with its texts translated.

    Operator labels are also put in sentence case, as the editor shows the
    other labels (business-rules titles them: "Greater Than Or Equal To"):

    >>> from engine import DEFAULT_CATALOGUE
    >>> data = translated_catalogue(DEFAULT_CATALOGUE.export(), str.upper)
    >>> [v["label"] for v in data["variables"] if v["name"] == "days_overdue"]
    ['DAYS OVERDUE']
    >>> sorted(o["label"] for o in data["variable_type_operators"]["boolean"])
    ['Is false', 'Is true']
    """
    data = copy.deepcopy(data)
    for holder, key in catalogue_texts(data):
        holder[key] = _translate_text(translate, holder[key])
    for operators in data["variable_type_operators"].values():
        for operator in operators:
            label = operator["label"]
            operator["label"] = label[:1].upper() + label[1:].lower()
    return data


def _translate_text(translate, text):
    # Choices may be numbers; an empty help has nothing to translate.
    return translate(text) if isinstance(text, str) and text else text


def option_label(options, value):
    """The label of the choice ``value`` among ``options``, else ``None``.

    Options are business-rules choices: dicts with ``name`` and ``label``,
    or plain values. Text choices are compared without regard to case:

    >>> option_label([{"name": "vip", "label": "VIP"}, "other"], "Vip")
    'VIP'
    >>> option_label([{"name": "vip", "label": "VIP"}], "unknown") is None
    True
    """
    # Called for every value of every explanation: kept lean.
    folded = value.lower() if isinstance(value, str) else None
    for option in options or ():
        name = option.get("name") if isinstance(option, dict) else option
        if name == value or (
            folded is not None and isinstance(name, str) and name.lower() == folded
        ):
            if isinstance(option, dict):
                return option.get("label") or name
            return name
    return None


def show(value, options=None, translate=identity, plain=False):
    """A fact or parameter value as a person reads it.

    ``options`` are the variable's or parameter's choices (already
    translated); ``plain`` words the engine's one-line texts: straight
    quotes, and numbers as Python writes them (``2.0``) instead of as
    people do (``2``).

    >>> show(["email", "sms"], [{"name": "email", "label": "Email"}])
    'Email, sms'
    >>> show(False), show(17), show("a note")
    ('no', '17', '“a note”')
    """
    if isinstance(value, (list, tuple)):
        shown = ", ".join(show(item, options, translate, plain) for item in value)
        return shown or translate(NONE)
    if isinstance(value, bool):
        return translate(YES) if value else translate(NO)
    if not plain and isinstance(value, float) and value.is_integer():
        value = int(value)
    if options:
        label = option_label(options, value)
        # Choices may be numbers (the levels of "Set the reminder level").
        return str(value if label is None else label)
    if isinstance(value, str):
        return f'"{value}"' if plain else f"“{value}”"
    return str(value)


def check_text(
    label,
    operator,
    symbol,
    actual,
    expected,
    options=None,
    translate=identity,
    plain=False,
    value_labels=None,
):
    """One condition that held, with the value it was tested against.

    ``translate`` and ``plain`` are passed on to :func:`show`;
    ``value_labels`` (the variable's, translated) name values that stand
    for something else than a number:

    >>> check_text("Days since the last reminder", "greater_than_or_equal_to",
    ...            ">=", 9999, 7, value_labels=[{"value": 9999, "label": "never"}])
    'Days since the last reminder never >= 7'

    >>> check_text("Days overdue", "greater_than_or_equal_to", ">=", 17, 15)
    'Days overdue 17 >= 15'
    >>> check_text("Has an email address", "is_true", "is true", True, None)
    'Has an email address is true (yes)'
    >>> check_text("Preferred channel", "contains", "contains", ["sms"], "sms",
    ...            [{"name": "sms", "label": "SMS"}])
    'Preferred channel = SMS'
    """
    if operator in NO_INPUT_OPERATORS:
        return f"{label} {symbol} ({show(actual, options, translate, plain)})"
    expected_text = show(expected, options, translate, plain)
    if operator == "contains" and isinstance(actual, list):
        # A choice variable holds a list of one choice: "is", not "contains".
        return f"{label} = {expected_text}"
    named = next(
        (
            item["label"]
            for item in value_labels or ()
            if isinstance(actual, (int, float))
            and not isinstance(actual, bool)
            and actual == item["value"]
        ),
        None,
    )
    actual_text = named or show(actual, options, translate, plain)
    return f"{label} {actual_text} {symbol} {expected_text}"


def check_line(check):
    """An engine ``ConditionCheck`` in the engine's one-line English.

    The label starts in lower case inside the sentence, unless it is an
    acronym ("SMS").
    """
    label = check.label
    label = label.lower() if label[1:2].islower() else label
    return check_text(
        label,
        check.operator,
        check.symbol,
        check.actual,
        check.expected,
        check.options,
        identity,
        True,
    )


def explanation_line(explanation):
    """An engine ``Explanation`` in the engine's one-line English."""
    reasons = "; ".join(check_line(check) for check in explanation.checks)
    return f"rule {explanation.rule!r} triggered: {reasons}"


class _StoredCheck:
    """A condition check read back from :func:`explanation_data`."""

    __slots__ = ("variable", "label", "operator", "symbol", "actual", "expected")

    def __init__(self, data):
        for name in self.__slots__:
            setattr(self, name, data.get(name))


class _StoredExplanation:
    __slots__ = ("rule", "checks")

    def __init__(self, data):
        self.rule = data.get("rule") or ""
        self.checks = [_StoredCheck(check) for check in data.get("checks") or []]


def explanation_data(explanation):
    """An engine ``Explanation`` as JSON-ready data, to be stored and worded
    later, in the reader's language (:meth:`Wording.stored_explanation_text`).

    >>> from engine import Evaluator, validate_rule_set
    >>> rule_set = validate_rule_set({"name": "R", "rules": [
    ...     {"name": "Late", "conditions": {"name": "days_overdue",
    ...      "operator": "greater_than", "value": 10}, "actions": []}]})
    >>> [triggered] = Evaluator([rule_set]).evaluate({"days_overdue": 12}).triggered
    >>> data = explanation_data(triggered)
    >>> data["rule"], data["checks"][0]["actual"]
    ('Late', 12)
    """
    return {
        "rule": explanation.rule,
        "checks": [
            {
                "variable": check.variable,
                "label": check.label,
                "operator": check.operator,
                "symbol": check.symbol,
                "actual": check.actual,
                "expected": check.expected,
            }
            for check in explanation.checks
        ],
    }


class Wording:
    """Words engine results with a catalogue export, through ``translate``.

    ``data`` is :meth:`~.catalogue.Catalogue.export`'s result (with the
    choices known at run time); its texts are translated once, here.
    ``variables``, ``operators`` and ``actions`` hold the translated
    catalogue, by name (operators by ``(type name, operator name)``).
    """

    def __init__(self, data, translate=identity):
        self.translate = translate
        data = translated_catalogue(data, translate)
        self.variables = {v["name"]: v for v in data["variables"]}
        self.operators = {
            (type_name, op["name"]): op
            for type_name, operators in data["variable_type_operators"].items()
            for op in operators
        }
        self.actions = {a["name"]: a for a in data["actions"]}

    def show(self, value, options=None):
        """A fact or parameter value as a person reads it (see :func:`show`)."""
        return show(value, options, self.translate)

    def check_text(self, check):
        """One condition of an explanation (an engine ``ConditionCheck``)."""
        variable = self.variables.get(check.variable, {})
        operator = self.operators.get((variable.get("field_type"), check.operator), {})
        return check_text(
            variable.get("label") or check.label,
            check.operator,
            operator.get("symbol") or operator.get("label") or check.symbol,
            check.actual,
            check.expected,
            variable.get("options"),
            translate=self.translate,
            value_labels=variable.get("value_labels"),
        )

    def explanation_text(self, explanation):
        """Why a rule triggered (an engine ``Explanation``): one condition a line."""
        lines = [_format(self.translate, RULE_HEADING, rule=explanation.rule)]
        lines += [f"• {self.check_text(check)}" for check in explanation.checks]
        return "\n".join(lines)

    def stored_explanation_text(self, data):
        """An explanation stored as :func:`explanation_data`, in words.

        >>> from engine import DEFAULT_CATALOGUE
        >>> words = Wording(DEFAULT_CATALOGUE.export())
        >>> print(words.stored_explanation_text({"rule": "Late", "checks": [
        ...     {"variable": "days_overdue", "label": "Days overdue",
        ...      "operator": "greater_than", "symbol": ">",
        ...      "actual": 12, "expected": 10}]}))
        Late:
        • Days overdue 12 > 10
        """
        return self.explanation_text(_StoredExplanation(data))

    def decision_text(self, decision):
        """A decision with its action and parameter labels (an engine ``Decision``)."""
        return self.action_text(decision.action, decision.params)

    def action_text(self, name, params):
        """An action with its labels: "Send a reminder — Channel: Email".

        Empty parameters are left out; an unknown action keeps its name.
        """
        action = self.actions.get(name)
        if action is None:
            return name
        specs = {p["name"]: p for p in action["params"]}
        parts = []
        for param_name, value in (params or {}).items():
            if value in ("", None):
                continue
            spec = specs.get(param_name, {})
            parts.append(
                _format(
                    self.translate,
                    PARAMETER,
                    parameter=spec.get("label") or param_name,
                    value=self.show(value, spec.get("options")),
                )
            )
        if not parts:
            return action["label"]
        return f"{action['label']} — {', '.join(parts)}"

    def condition_text(self, node, nested=False):
        """Stored conditions in words: "Days overdue >= 15 and (… or …)"."""
        if "all" in node or "any" in node:
            kind = "all" if "all" in node else "any"
            joiner = self.translate(AND if kind == "all" else OR)
            text = joiner.join(self.condition_text(c, True) for c in node[kind])
            return f"({text})" if nested and len(node[kind]) > 1 else text
        variable = self.variables.get(node.get("name"), {})
        type_name = variable.get("field_type")
        operator = node.get("operator")
        spec = self.operators.get((type_name, operator), {})
        label = variable.get("label") or node.get("name")
        if type_name == "select" and operator in ("contains", "does_not_contain"):
            # A choice variable holds one choice: it "is" or "is not" one.
            symbol = "=" if operator == "contains" else "≠"
        else:
            symbol = spec.get("symbol") or spec.get("label") or operator
        if spec.get("input_type") == "none":
            return f"{label} {symbol}"
        return (
            f"{label} {symbol} {self.show(node.get('value'), variable.get('options'))}"
        )
