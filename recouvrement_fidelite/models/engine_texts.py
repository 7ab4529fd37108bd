# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The engine's words in the user's language.

The engine imports nothing from Odoo, so its catalogue (labels, help texts,
choices, operator names and symbols), its explanations and its validation
errors are in English. This module is where Odoo puts them into the user's
language:

- ``TERMS`` lists every English text of the catalogue once, with ``_lt``, so
  that Odoo's translation export finds them (a test checks that none is
  missing when the engine gains a variable or an action);
- :func:`translated_catalogue` returns a catalogue export with those texts
  translated (typology names come from Odoo and are already translated);
- :class:`CatalogueWords` words explanations and decisions with it, and
  :func:`validation_message` puts validation problems, translated, under a
  translated heading (the engine marks its messages with its own ``_lt``:
  see ``engine/errors.py``).
"""

import copy

from odoo import _
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

_TERMS = (
    # Variables
    _lt("Days overdue"),
    _lt("Days since the due date; negative before it (-5 = due in 5 days)."),
    _lt("Amount due"),
    _lt("What is left to pay on the invoice, in company currency."),
    _lt("Dispute status"),
    _lt("Status of a dispute on the invoice."),
    _lt("Reminder level"),
    _lt("Number of the last reminder level reached (0: none yet)."),
    _lt("Level due by the customer's scenario"),
    _lt(
        "Number of the last level of the customer's reminder scenario whose "
        "delay the invoice has reached today (-1 when none is due yet, or the "
        "customer has no scenario). Follows the scenario: change a level's "
        "delay and the level falls due on another day."
    ),
    _lt("Reminders sent"),
    _lt("Reminders already sent for the invoice."),
    _lt("Days since the last reminder"),
    _lt("Days since a reminder was last sent (9999 when none was sent yet)."),
    _lt("Customer's overdue amount"),
    _lt(
        "Everything the customer owes past its due date, in company currency, "
        "net of credit notes and unreconciled payments."
    ),
    _lt("Customer's balance"),
    _lt(
        "What the customer owes in total, due or not, in company currency: "
        "open invoices minus credit notes and payments not yet matched with "
        "them (0 or less: the customer owes nothing)."
    ),
    _lt("Customer's unapplied credit"),
    _lt(
        "Credit notes and payments of the customer not yet matched with an "
        "invoice, in company currency (0: none)."
    ),
    _lt("Customer's open invoices"),
    _lt("Invoices not fully paid."),
    _lt("Customer's overdue invoices"),
    _lt("Invoices not fully paid past their due date."),
    _lt("Customer typology"),
    _lt("The typology chosen on the customer."),
    _lt("B2B or B2C"),
    _lt("Business customer (company) or consumer."),
    _lt("Late payment ratio (%)"),
    _lt(
        "Share of the invoices of the last 12 months paid after their due "
        "date, from 0 to 100."
    ),
    _lt("Average days late"),
    _lt("Average delay of the invoices paid late over the last 12 months."),
    _lt("Has a valid mobile number"),
    _lt("A mobile number valid for SMS is known for the customer."),
    _lt("Has an email address"),
    _lt("An email address is known for the customer."),
    _lt("Preferred channel"),
    _lt("The channel the customer asked to be contacted on."),
    _lt("Reachable channels"),
    _lt("Channels for which the customer has valid contact details."),
    _lt("Unanswered calls"),
    _lt("Collection calls the customer did not answer over the last 90 days."),
    _lt("Broke a promise to pay"),
    _lt("The customer missed the date of a promise to pay that is not settled yet."),
    _lt("Payment plan status"),
    _lt("State of the customer's payment plan covering the invoice."),
    _lt("Country"),
    _lt("ISO code of the customer's country, e.g. FR (empty when unknown)."),
    # Choices
    _lt("Email"),
    _lt("SMS"),
    _lt("Letter"),
    _lt("Phone call"),
    _lt("Portal message"),
    _lt("Premium"),
    _lt("Key account"),
    _lt("Standard"),
    _lt("Occasional"),
    _lt("Repeat late payer"),
    _lt("At risk"),
    _lt("Business (B2B)"),
    _lt("Consumer (B2C)"),
    _lt("No dispute"),
    _lt("Open"),
    _lt("Under review"),
    _lt("Resolved"),
    _lt("Rejected"),
    _lt("No payment plan"),
    _lt("Requested"),
    _lt("Active, on schedule"),
    _lt("Active, installment late"),
    _lt("Completed"),
    _lt("Broken"),
    _lt("Formal notice"),
    _lt("Simplified small-claims procedure"),
    _lt("Injunction to pay"),
    _lt("Collection agency"),
    _lt("Write-off"),
    # Operators: labels in the editor, symbols in explanations
    _lt("Equal To"),
    _lt("Not Equal To"),
    _lt("Greater Than"),
    _lt("Greater Than Or Equal To"),
    _lt("Less Than"),
    _lt("Less Than Or Equal To"),
    _lt("Equal To (case insensitive)"),
    _lt("Starts With"),
    _lt("Ends With"),
    _lt("Contains"),
    _lt("Does Not Contain"),
    _lt("Matches Regex"),
    _lt("Non Empty"),
    _lt("Is True"),
    _lt("Is False"),
    _lt("Contains All"),
    _lt("Is Contained By"),
    _lt("Shares At Least One Element With"),
    _lt("Shares Exactly One Element With"),
    _lt("Shares No Elements With"),
    _lt("= (any case)"),
    _lt("starts with"),
    _lt("ends with"),
    _lt("contains"),
    _lt("does not contain"),
    _lt("matches"),
    _lt("is not empty"),
    _lt("is true"),
    _lt("is false"),
    _lt("contains all of"),
    _lt("is among"),
    _lt("shares one of"),
    _lt("shares exactly one of"),
    _lt("shares none of"),
    # Actions and their parameters
    _lt("Set the reminder level"),
    _lt("Level"),
    _lt("Send a reminder"),
    _lt("Channel"),
    _lt("Template"),
    _lt("Reference of the template; empty: the level's template."),
    _lt("Schedule a call"),
    _lt("Within (days)"),
    _lt("Note for the caller"),
    _lt("Pause reminders"),
    _lt("Days"),
    _lt("Reason"),
    _lt("Offer a payment plan"),
    _lt("Maximum installments"),
    _lt("At most the maximum set in the company's settings."),
    _lt("Escalate"),
    _lt("Stage"),
    _lt("Notify the person responsible"),
    _lt("Message"),
    _lt("Group into the next statement of account"),
)

#: English text -> its lazy translation.
TERMS = {term._source: term for term in _TERMS}


def translate(env, text):
    """The translation of a catalogue text, or the text itself if unknown."""
    term = TERMS.get(text) if isinstance(text, str) else None
    return env._(term) if term is not None else text


def catalogue_texts(data):
    """Every translatable text of a catalogue export, as (holder, key) pairs."""
    for variable in data["variables"]:
        yield variable, "label"
        yield variable, "help"
        for option in variable["options"]:
            if isinstance(option, dict):
                yield option, "label"
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


def translated_catalogue(env, data):
    """A copy of a catalogue export with its texts in ``env``'s language."""
    data = copy.deepcopy(data)
    for holder, key in catalogue_texts(data):
        holder[key] = translate(env, holder[key])
    # business-rules titles its operators ("Greater Than Or Equal To"); the
    # editor shows them as the other labels, in sentence case.
    for operators in data["variable_type_operators"].values():
        for operator in operators:
            label = operator["label"]
            operator["label"] = label[:1].upper() + label[1:].lower()
    return data


class CatalogueWords:
    """Words engine results in ``env``'s language with a catalogue export."""

    def __init__(self, env, data):
        self.env = env  # the language of ``_()`` below
        data = translated_catalogue(env, data)
        self.variables = {v["name"]: v for v in data["variables"]}
        self.operators = {
            (type_name, op["name"]): op
            for type_name, operators in data["variable_type_operators"].items()
            for op in operators
        }
        self.actions = {a["name"]: a for a in data["actions"]}

    @staticmethod
    def _option_label(options, value):
        for option in options or []:
            name = option.get("name") if isinstance(option, dict) else option
            same = (
                name.lower() == value.lower()
                if isinstance(name, str) and isinstance(value, str)
                else name == value
            )
            if same:
                return option.get("label") or name if isinstance(option, dict) else name
        return None

    def show(self, value, options=None):
        """A fact or parameter value as a person reads it."""
        if isinstance(value, (list, tuple)):
            return ", ".join(self.show(item, options) for item in value) or _("(none)")
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        label = self._option_label(options, value)
        if label is not None:
            # Choices may be numbers (the levels of "Set the reminder level").
            return str(label)
        if isinstance(value, str):
            return f"“{value}”" if not options else value
        return str(value)

    def check_text(self, check):
        """One condition of an explanation (an engine ``ConditionCheck``)."""
        variable = self.variables.get(check.variable, {})
        options = variable.get("options")
        operator = self.operators.get((variable.get("field_type"), check.operator), {})
        label = variable.get("label") or check.label
        symbol = operator.get("symbol") or operator.get("label") or check.symbol
        actual = self.show(check.actual, options)
        if check.operator in ("is_true", "is_false", "non_empty"):
            return f"{label} {symbol} ({actual})"
        expected = self.show(check.expected, options)
        if check.operator == "contains" and isinstance(check.actual, list):
            return f"{label} = {expected}"
        return f"{label} {actual} {symbol} {expected}"

    def explanation_text(self, explanation):
        """Why a rule triggered (an engine ``Explanation``): one condition a line."""
        lines = [_("%(rule)s:", rule=explanation.rule)]
        lines += [f"• {self.check_text(check)}" for check in explanation.checks]
        return "\n".join(lines)

    def decision_text(self, decision):
        """A decision with its action and parameter labels (an engine ``Decision``)."""
        return self.action_text(decision.action, decision.params)

    def action_text(self, name, params):
        """An action with its labels: "Send a reminder — Channel: Email"."""
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
                _(
                    "%(parameter)s: %(value)s",
                    parameter=spec.get("label") or param_name,
                    value=self.show(value, spec.get("options")),
                )
            )
        if not parts:
            return action["label"]
        return f"{action['label']} — {', '.join(parts)}"

    def condition_text(self, node, nested=False):
        """Stored conditions in words: "Days overdue >= 15 and (…or…)"."""
        if "all" in node or "any" in node:
            kind = "all" if "all" in node else "any"
            joiner = _(" and ") if kind == "all" else _(" or ")
            text = joiner.join(self.condition_text(c, True) for c in node[kind])
            return f"({text})" if nested and len(node[kind]) > 1 else text
        variable = self.variables.get(node.get("name"), {})
        type_name = variable.get("field_type")
        operator = node.get("operator")
        spec = self.operators.get((type_name, operator), {})
        label = variable.get("label") or node.get("name")
        if type_name == "select" and operator in ("contains", "does_not_contain"):
            symbol = "=" if operator == "contains" else "≠"
        else:
            symbol = spec.get("symbol") or spec.get("label") or operator
        if spec.get("input_type") == "none":
            return f"{label} {symbol}"
        return (
            f"{label} {symbol} {self.show(node.get('value'), variable.get('options'))}"
        )


def problem_text(env, problem):
    """An engine ``Problem`` in ``env``'s language.

    The engine declares its messages as templates marked with its own
    ``_lt`` (so the translation export finds them in ``engine/``); they are
    translated here and formatted with the problem's parameters.
    """
    return _translate_template(env, problem.template, problem.params)


def phone_reason_text(env, check):
    """Why a phone number is not valid (an engine ``PhoneCheck``), translated."""
    return _translate_template(env, check.reason_template, check.reason_params)


def _translate_template(env, template, params):
    if not template:
        return ""
    # ``env._`` finds the module's translations from its caller: this module.
    return env._(template, **params) if params else env._(template)


def validation_message(env, heading, error, strip_path=""):
    """A ``RuleValidationError`` under a translated heading, one problem a line.

    Each problem says where (the rule and the path to the bad element, as
    the engine gives them) and what is wrong, in ``env``'s language;
    ``strip_path`` removes a prefix that the heading already says
    (``rules[0].`` when a single rule is checked).
    """
    lines = [heading]
    for problem in error.problems:
        path = problem.path
        if strip_path and path.startswith(strip_path):
            path = path[len(strip_path) :]
        where = f"{problem.rule!r}, {path}" if problem.rule and not strip_path else path
        lines.append(f"- {where}: {problem_text(env, problem)}")
    return "\n".join(lines)
