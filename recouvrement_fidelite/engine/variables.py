"""The rule variables: facts about one open invoice and its customer.

Each variable is a method of :class:`InvoiceFacts` declared with
business-rules' own ``rule_variable`` decorator (through :func:`fact`, which
adds the help text and how the fact is read), so that
business-rules' ``export_rule_data`` describes it for the rule editor and
business-rules' ``run_all`` can evaluate rules against it.

An :class:`InvoiceFacts` wraps one plain ``dict`` of facts, keyed by variable
name, as the Odoo side builds them. Values are read leniently, the way Odoo
hands them out: ``None`` or ``False`` stands for a missing number, text or
choice and gives the variable's default; a select variable takes a single
value (``"premium"``) and offers it to business-rules as a one-element list.
A value of the wrong kind (text where a number is expected, ``NaN``...) raises
:class:`~.errors.FactError` naming the fact, instead of an ``AssertionError``
deep inside business-rules.

Labels, help texts and choice labels are English, marked with the engine's
:func:`~.errors._lt` where they are declared, so that Odoo's translation
export finds them; :mod:`.wording` puts them into a language.

Keys of the dict that are not variables (``invoice_id``, ``partner_id``...)
are ignored, so callers can keep their identifiers in the same dict.
"""

import math
from decimal import Decimal

from business_rules.variables import BaseVariables, rule_variable

from .actions import ESCALATION_STAGES
from .concepts import CUSTOMER_TYPES, DISPUTE_STATES, PREFERRED_CHANNELS, options
from .errors import FactError, _lt
from .operators import (
    BooleanType,
    NumericType,
    SelectMultipleType,
    SelectType,
    StringType,
)

#: ``days_since_last_reminder`` when no reminder was ever sent, so that
#: "at least N days since the last reminder" holds for a first reminder.
NEVER_REMINDED_DAYS = 9999
#: ``days_before_prescription`` when the customer's legal profile sets no
#: prescription (or there is no profile): a claim that never becomes
#: time-barred for the rules.
NO_PRESCRIPTION_DAYS = 99999

CHANNELS = options(PREFERRED_CHANNELS)
DEFAULT_TYPOLOGIES = [
    {"name": "premium", "label": _lt("Premium")},
    {"name": "key_account", "label": _lt("Key account")},
    {"name": "standard", "label": _lt("Standard")},
    {"name": "occasional", "label": _lt("Occasional")},
    {"name": "late_payer", "label": _lt("Repeat late payer")},
    {"name": "at_risk", "label": _lt("At risk")},
]
CUSTOMER_TYPE_OPTIONS = options(CUSTOMER_TYPES)
DISPUTE_STATUSES = options(DISPUTE_STATES)
#: The reasons a customer gives on the collection page, as the default data
#: declares them; the Odoo side replaces them with its own reasons (codes
#: and names of ``collection.feedback.reason``).
DEFAULT_FEEDBACK_REASONS = [
    {"name": "invoice_not_received", "label": _lt("Invoice not received")},
    {"name": "billing_error", "label": _lt("Billing error")},
    {"name": "delivery_problem", "label": _lt("Delivery problem")},
    {"name": "non_conformity", "label": _lt("Non-conformity")},
    {"name": "price_disagreement", "label": _lt("Price disagreement")},
    {"name": "financial_difficulty", "label": _lt("Temporary financial difficulty")},
    {"name": "payment_sent", "label": _lt("Payment already sent")},
    {"name": "payment_method", "label": _lt("Payment method or bank details problem")},
    {"name": "other", "label": _lt("Other")},
]
PAYMENT_PLAN_STATUSES = [
    {"name": "none", "label": _lt("No payment plan")},
    {"name": "requested", "label": _lt("Requested")},
    {"name": "active", "label": _lt("Active, on schedule")},
    {"name": "in_arrears", "label": _lt("Active, installment late")},
    {"name": "completed", "label": _lt("Completed")},
    {"name": "broken", "label": _lt("Broken")},
]
#: Statuses of an invoice covered by an active payment plan: the plan's
#: installments are reminded instead of the invoice.
ACTIVE_PLAN_STATUSES = ("active", "in_arrears")
#: ``customer_escalation_stage``: the stage of the customer's escalation case
#: (the stages the ``escalate`` action moves a case to), or none.
CASE_STAGES = [{"name": "none", "label": _lt("No escalation case")}] + [
    dict(stage) for stage in ESCALATION_STAGES
]


#: ``days_since_last_feedback`` when the customer never gave feedback on the
#: invoice, so that "less than N days since the last feedback" never holds.
NO_FEEDBACK_DAYS = 9999
#: ``last_satisfaction_rating`` when the customer never rated the collection
#: (ratings go from 1 to 5).
NO_RATING = 0
#: ``days_in_escalation_stage`` when the customer has no escalation case, so
#: that "at least N days in the stage" never holds.
NO_CASE_DAYS = 9999


def _missing(value):
    return value is None or value is False or value == ""


def read_number(name, value, default=0):
    if _missing(value):
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise FactError(f"Fact {name!r} must be a number, got {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise FactError(f"Fact {name!r} must be a finite number, got {value!r}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise FactError(f"Fact {name!r} must be a finite number, got {value!r}.")
    return value


def _numbers_as_they_are(name, values):
    """``read_number`` over many values, when it would return them unchanged.

    Returns ``None`` when some value needs :func:`read_number` itself (a
    missing value, a non-finite float, anything but ``int`` and ``float``).
    """
    types = set(map(type, values))
    if not types <= {int, float}:
        return None
    if float in types and not all(
        map(math.isfinite, (value for value in values if type(value) is float))
    ):
        return None
    return values


read_number.many = _numbers_as_they_are


def read_reminder_days(name, value):
    return read_number(name, value, default=NEVER_REMINDED_DAYS)


read_reminder_days.many = _numbers_as_they_are


#: ``scenario_level_due`` when no level of the customer's scenario is due yet
#: (or the customer has no scenario): below every level number, so that
#: "at least level N due" never holds.
NO_LEVEL_DUE = -1


def read_feedback_days(name, value):
    return read_number(name, value, default=NO_FEEDBACK_DAYS)


read_feedback_days.many = _numbers_as_they_are


def read_case_days(name, value):
    """Days in the escalation stage; :data:`NO_CASE_DAYS` without a case.

    >>> read_case_days("days_in_escalation_stage", 12)
    12
    >>> read_case_days("days_in_escalation_stage", None)
    9999
    """
    return read_number(name, value, default=NO_CASE_DAYS)


read_case_days.many = _numbers_as_they_are


def read_prescription_days(name, value):
    return read_number(name, value, default=NO_PRESCRIPTION_DAYS)


def read_due_level(name, value):
    return read_number(name, value, default=NO_LEVEL_DUE)


read_due_level.many = _numbers_as_they_are


def read_text(name, value):
    if _missing(value):
        return ""
    if not isinstance(value, str):
        raise FactError(f"Fact {name!r} must be text, got {value!r}.")
    return value


def read_kept_ratio(name, value):
    """A share of promises kept: 100 when unknown (nothing was broken)."""
    return read_number(name, value, default=100)


def read_flag(name, value):
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FactError(f"Fact {name!r} must be true or false, got {value!r}.")
    return value


def read_choices(name, value):
    if _missing(value):
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise FactError(
        f"Fact {name!r} must be a choice or a list of choices, got {value!r}."
    )


def fact(field_type, label, reader, help, options=None, value_labels=None):
    """Declare a rule variable read from the fact of the same name.

    ``label`` and ``help`` are English, marked with the engine's ``_lt``
    (Odoo's translation export reads calls, not docstrings); the help
    becomes the method's docstring. The method's body is
    ``reader(name, facts.get(name))``. The reader is kept on the method as
    ``reader``, so that the evaluator can read a whole column of values
    exactly as business-rules would, one value at a time. The method is
    then declared with business-rules' ``rule_variable``.

    ``value_labels`` names the values that stand for something else than a
    number (``{9999: _lt("never")}``): explanations show the name.
    """

    def decorate(declaration):
        name = declaration.__name__

        def read(self):
            return reader(name, self.facts.get(name))

        read.__name__ = read.__qualname__ = name
        read.__doc__ = help
        read.reader = reader
        read.help = help
        read.value_labels = dict(value_labels or {})
        return rule_variable(field_type, label=label, options=options)(read)

    return decorate


class InvoiceFacts(BaseVariables):
    """The facts about one open invoice and its customer, as rule variables.

    >>> facts = InvoiceFacts(
    ...     {"invoice_id": 42, "days_overdue": 17, "customer_typology": "premium"}
    ... )
    >>> facts.days_overdue(), facts.customer_typology()
    (17, ['premium'])
    >>> facts.residual_amount()  # missing: the variable's default
    0
    >>> InvoiceFacts({"days_overdue": "seventeen"}).days_overdue()
    Traceback (most recent call last):
    ...
    engine.errors.FactError: Fact 'days_overdue' must be a number, got 'seventeen'.
    """

    def __init__(self, facts):
        self.facts = facts

    # The invoice

    @fact(
        NumericType,
        _lt("Days overdue"),
        read_number,
        help=_lt("Days since the due date; negative before it (-5 = due in 5 days)."),
    )
    def days_overdue(self): ...

    @fact(
        NumericType,
        _lt("Amount due"),
        read_number,
        help=_lt("What is left to pay on the invoice, in company currency."),
    )
    def residual_amount(self): ...

    @fact(
        SelectType,
        _lt("Dispute status"),
        read_choices,
        help=_lt("Status of a dispute on the invoice."),
        options=DISPUTE_STATUSES,
    )
    def dispute_status(self): ...

    @fact(
        NumericType,
        _lt("Reminder level"),
        read_number,
        help=_lt("Number of the last reminder level reached (0: none yet)."),
    )
    def reminder_level(self): ...

    @fact(
        NumericType,
        _lt("Level due by the customer's scenario"),
        read_due_level,
        help=_lt(
            "Number of the last level of the customer's reminder scenario whose "
            "delay the invoice has reached today (-1 when none is due yet, or "
            "the customer has no scenario). Follows the scenario: change a "
            "level's delay and the level falls due on another day."
        ),
        value_labels={NO_LEVEL_DUE: _lt("none")},
    )
    def scenario_level_due(self): ...

    @fact(
        NumericType,
        _lt("Reminders sent"),
        read_number,
        help=_lt("Reminders already sent for the invoice."),
    )
    def reminders_sent(self): ...

    @fact(
        NumericType,
        _lt("Days since the last reminder"),
        read_reminder_days,
        help=_lt("Days since a reminder was last sent (9999 when none was sent yet)."),
        value_labels={NEVER_REMINDED_DAYS: _lt("never")},
    )
    def days_since_last_reminder(self): ...

    # The customer

    @fact(
        NumericType,
        _lt("Customer's overdue amount"),
        read_number,
        help=_lt(
            "Everything the customer owes past its due date, in company "
            "currency, net of credit notes and unreconciled payments."
        ),
    )
    def customer_overdue_amount(self): ...

    @fact(
        NumericType,
        _lt("Customer's balance"),
        read_number,
        help=_lt(
            "What the customer owes in total, due or not, in company currency: "
            "open invoices minus credit notes and payments not yet matched with "
            "them (0 or less: the customer owes nothing)."
        ),
    )
    def customer_balance(self): ...

    @fact(
        NumericType,
        _lt("Customer's unapplied credit"),
        read_number,
        help=_lt(
            "Credit notes and payments of the customer not yet matched with an "
            "invoice, in company currency (0: none)."
        ),
    )
    def customer_unapplied_credit(self): ...

    @fact(
        NumericType,
        _lt("Customer's open invoices"),
        read_number,
        help=_lt("Invoices not fully paid."),
    )
    def customer_open_invoice_count(self): ...

    @fact(
        NumericType,
        _lt("Customer's overdue invoices"),
        read_number,
        help=_lt("Invoices not fully paid past their due date."),
    )
    def customer_overdue_invoice_count(self): ...

    @fact(
        SelectType,
        _lt("Customer typology"),
        read_choices,
        help=_lt("The typology chosen on the customer."),
        options=DEFAULT_TYPOLOGIES,
    )
    def customer_typology(self): ...

    @fact(
        SelectType,
        _lt("Customer type"),
        read_choices,
        help=_lt("Business customer (company) or consumer."),
        options=CUSTOMER_TYPE_OPTIONS,
    )
    def customer_type(self): ...

    @fact(
        NumericType,
        _lt("Late payment ratio (%)"),
        read_number,
        help=_lt(
            "Share of the invoices of the last 12 months paid after their due "
            "date, from 0 to 100."
        ),
    )
    def late_payment_ratio(self): ...

    @fact(
        NumericType,
        _lt("Average days late"),
        read_number,
        help=_lt("Average delay of the invoices paid late over the last 12 months."),
    )
    def average_days_late(self): ...

    @fact(
        BooleanType,
        _lt("Has a valid mobile number"),
        read_flag,
        help=_lt("A mobile number valid for SMS is known for the customer."),
    )
    def has_valid_mobile(self): ...

    @fact(
        BooleanType,
        _lt("Has an email address"),
        read_flag,
        help=_lt("An email address is known for the customer."),
    )
    def has_email(self): ...

    @fact(
        SelectType,
        _lt("Preferred channel"),
        read_choices,
        help=_lt("The channel the customer asked to be contacted on."),
        options=CHANNELS,
    )
    def preferred_channel(self): ...

    @fact(
        SelectMultipleType,
        _lt("Reachable channels"),
        read_choices,
        help=_lt("Channels for which the customer has valid contact details."),
        options=CHANNELS,
    )
    def reachable_channels(self): ...

    @fact(
        NumericType,
        _lt("Unanswered calls"),
        read_number,
        help=_lt("Collection calls the customer did not answer over the last 90 days."),
    )
    def unanswered_calls(self): ...

    @fact(
        BooleanType,
        _lt("Broke a promise to pay"),
        read_flag,
        help=_lt(
            "The customer broke a promise to pay, or kept it only in part, over "
            "the payment history period (Settings)."
        ),
    )
    def has_broken_promise(self): ...

    @fact(
        BooleanType,
        _lt("Payment promised"),
        read_flag,
        help=_lt(
            "A pending promise to pay covers the invoice: its reminders are "
            "paused until the promised date plus the grace period."
        ),
    )
    def has_pending_promise(self): ...

    @fact(
        BooleanType,
        _lt("Customer promised to pay"),
        read_flag,
        help=_lt(
            "The customer has a pending promise to pay, on this invoice or on "
            "another of its invoices."
        ),
    )
    def customer_has_pending_promise(self): ...

    @fact(
        NumericType,
        _lt("Broken promises to pay"),
        read_number,
        help=_lt(
            "Promises to pay the customer broke or kept only in part over the "
            "payment history period (Settings)."
        ),
    )
    def broken_promises(self): ...

    @fact(
        NumericType,
        _lt("Promises kept (%)"),
        read_kept_ratio,
        help=_lt(
            "Share of the customer's promises to pay decided over the payment "
            "history period that were kept in full, from 0 to 100; 100 when "
            "no promise was decided (nothing broken)."
        ),
    )
    def promise_kept_ratio(self): ...

    @fact(
        SelectType,
        _lt("Payment plan status"),
        read_choices,
        help=_lt("State of the customer's payment plan covering the invoice."),
        options=PAYMENT_PLAN_STATUSES,
    )
    def payment_plan_status(self): ...

    # What the customer said on the collection page (portal)

    @fact(
        SelectType,
        _lt("Last feedback reason"),
        read_choices,
        help=_lt(
            "The reason the customer gave, on the collection page, in their "
            "latest feedback on the invoice (empty when none)."
        ),
        options=DEFAULT_FEEDBACK_REASONS,
    )
    def last_feedback_reason(self): ...

    @fact(
        NumericType,
        _lt("Days since the last feedback"),
        read_feedback_days,
        help=_lt(
            "Days since the customer's latest feedback on the invoice (9999 when "
            "none was given)."
        ),
        value_labels={NO_FEEDBACK_DAYS: _lt("never")},
    )
    def days_since_last_feedback(self): ...

    @fact(
        BooleanType,
        _lt("Declared a financial difficulty"),
        read_flag,
        help=_lt(
            "The customer declared a temporary financial difficulty on the "
            "collection page, and that feedback is not closed yet."
        ),
    )
    def declared_difficulty(self): ...

    @fact(
        BooleanType,
        _lt("Visited the collection page since the last reminder"),
        read_flag,
        help=_lt(
            "The customer opened their collection page after the last reminder "
            "of the invoice was sent (false when no reminder was sent)."
        ),
    )
    def portal_visit_since_last_reminder(self): ...

    @fact(
        NumericType,
        _lt("Last satisfaction rating"),
        read_number,
        help=_lt(
            "The customer's latest rating of the collection experience, from 1 "
            "to 5 (0 when they never rated it)."
        ),
        value_labels={NO_RATING: _lt("none")},
    )
    def last_satisfaction_rating(self): ...

    @fact(
        StringType,
        _lt("Country"),
        read_text,
        help=_lt("ISO code of the customer's country, e.g. FR (empty when unknown)."),
    )
    def country(self): ...

    # The law (the customer's legal profile)

    @fact(
        NumericType,
        _lt("Late interest due"),
        read_number,
        help=_lt(
            "Late interest on what is left to pay, to today, by the customer's "
            "legal profile (reference rate and margin)."
        ),
    )
    def interest_due(self): ...

    @fact(
        NumericType,
        _lt("Total claim"),
        read_number,
        help=_lt(
            "What is left to pay on the invoice, plus late interest and the "
            "recovery indemnity when they apply."
        ),
    )
    def total_claim(self): ...

    @fact(
        BooleanType,
        _lt("Eligible for the simplified small-claims procedure"),
        read_flag,
        help=_lt(
            "Everything the customer owes past due, with late interest, is within "
            "the threshold of their legal profile, the claim is not time-barred "
            "and the customer is not in insolvency proceedings."
        ),
    )
    def small_claims_eligible(self): ...

    @fact(
        NumericType,
        _lt("Days before prescription"),
        read_prescription_days,
        help=_lt(
            "Days left before the claim is time-barred (0 on the last day, "
            "negative after; 99999 when the legal profile sets none)."
        ),
        value_labels={NO_PRESCRIPTION_DAYS: _lt("no prescription")},
    )
    def days_before_prescription(self): ...

    @fact(
        BooleanType,
        _lt("In insolvency proceedings"),
        read_flag,
        help=_lt(
            "The customer is in safeguard, receivership or liquidation: no "
            "recovery indemnity, no injunction to pay."
        ),
    )
    def in_insolvency(self): ...

    # Escalation (the customer's escalation case)

    @fact(
        SelectType,
        _lt("Customer's escalation stage"),
        read_choices,
        help=_lt(
            "The stage of the customer's open or suspended escalation case in "
            "the invoice's currency (none without a case). The case's own "
            "invoices are not reminded: this is what the customer's other "
            "invoices see, e.g. to add a new overdue invoice to the case."
        ),
        options=CASE_STAGES,
    )
    def customer_escalation_stage(self): ...

    @fact(
        NumericType,
        _lt("Days in the escalation stage"),
        read_case_days,
        help=_lt(
            "Days since the customer's escalation case entered its stage "
            "(9999 without a case)."
        ),
        value_labels={NO_CASE_DAYS: _lt("no case")},
    )
    def days_in_escalation_stage(self): ...
