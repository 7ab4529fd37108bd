"""The rule variables: facts about one open invoice and its customer.

Each variable is a method of :class:`InvoiceFacts` declared with
business-rules' own ``rule_variable`` decorator (through :func:`fact`, which
adds the help text, from the docstring, and how the fact is read), so that
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

Keys of the dict that are not variables (``invoice_id``, ``partner_id``...)
are ignored, so callers can keep their identifiers in the same dict.
"""

import math
from decimal import Decimal

from business_rules.variables import BaseVariables, rule_variable

from .concepts import DISPUTE_STATES, PREFERRED_CHANNELS, options
from .errors import FactError
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

CHANNELS = options(PREFERRED_CHANNELS)
DEFAULT_TYPOLOGIES = [
    {"name": "premium", "label": "Premium"},
    {"name": "key_account", "label": "Key account"},
    {"name": "standard", "label": "Standard"},
    {"name": "occasional", "label": "Occasional"},
    {"name": "late_payer", "label": "Repeat late payer"},
    {"name": "at_risk", "label": "At risk"},
]
CUSTOMER_TYPES = [
    {"name": "b2b", "label": "Business (B2B)"},
    {"name": "b2c", "label": "Consumer (B2C)"},
]
DISPUTE_STATUSES = options(DISPUTE_STATES)
PAYMENT_PLAN_STATUSES = [
    {"name": "none", "label": "No payment plan"},
    {"name": "requested", "label": "Requested"},
    {"name": "active", "label": "Active, on schedule"},
    {"name": "in_arrears", "label": "Active, installment late"},
    {"name": "completed", "label": "Completed"},
    {"name": "broken", "label": "Broken"},
]


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


def read_due_level(name, value):
    return read_number(name, value, default=NO_LEVEL_DUE)


read_due_level.many = _numbers_as_they_are


def read_text(name, value):
    if _missing(value):
        return ""
    if not isinstance(value, str):
        raise FactError(f"Fact {name!r} must be text, got {value!r}.")
    return value


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


def fact(field_type, label, reader, options=None):
    """Declare a rule variable read from the fact of the same name.

    The decorated method only carries the docstring (the variable's help
    text); its body is ``reader(name, facts.get(name))``. The reader is kept
    on the method as ``reader``, so that the evaluator can read a whole
    column of values exactly as business-rules would, one value at a time.
    The method is then declared with business-rules' ``rule_variable``.
    """

    def decorate(declaration):
        name = declaration.__name__

        def read(self):
            return reader(name, self.facts.get(name))

        read.__name__ = read.__qualname__ = name
        read.__doc__ = declaration.__doc__
        read.reader = reader
        read.help = " ".join((declaration.__doc__ or "").split())
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

    @fact(NumericType, "Days overdue", read_number)
    def days_overdue(self):
        """Days since the due date; negative before it (-5 = due in 5 days)."""

    @fact(NumericType, "Amount due", read_number)
    def residual_amount(self):
        """What is left to pay on the invoice, in company currency."""

    @fact(SelectType, "Dispute status", read_choices, options=DISPUTE_STATUSES)
    def dispute_status(self):
        """Status of a dispute on the invoice."""

    @fact(NumericType, "Reminder level", read_number)
    def reminder_level(self):
        """Number of the last reminder level reached (0: none yet)."""

    @fact(NumericType, "Level due by the customer's scenario", read_due_level)
    def scenario_level_due(self):
        """Number of the last level of the customer's reminder scenario whose
        delay the invoice has reached today (-1 when none is due yet, or the
        customer has no scenario). Follows the scenario: change a level's
        delay and the level falls due on another day."""

    @fact(NumericType, "Reminders sent", read_number)
    def reminders_sent(self):
        """Reminders already sent for the invoice."""

    @fact(NumericType, "Days since the last reminder", read_reminder_days)
    def days_since_last_reminder(self):
        """Days since a reminder was last sent (9999 when none was sent yet)."""

    # The customer

    @fact(NumericType, "Customer's overdue amount", read_number)
    def customer_overdue_amount(self):
        """Everything the customer owes past its due date, in company currency,
        net of credit notes and unreconciled payments."""

    @fact(NumericType, "Customer's balance", read_number)
    def customer_balance(self):
        """What the customer owes in total, due or not, in company currency:
        open invoices minus credit notes and payments not yet matched with
        them (0 or less: the customer owes nothing)."""

    @fact(NumericType, "Customer's unapplied credit", read_number)
    def customer_unapplied_credit(self):
        """Credit notes and payments of the customer not yet matched with an
        invoice, in company currency (0: none)."""

    @fact(NumericType, "Customer's open invoices", read_number)
    def customer_open_invoice_count(self):
        """Invoices not fully paid."""

    @fact(NumericType, "Customer's overdue invoices", read_number)
    def customer_overdue_invoice_count(self):
        """Invoices not fully paid past their due date."""

    @fact(SelectType, "Customer typology", read_choices, options=DEFAULT_TYPOLOGIES)
    def customer_typology(self):
        """The typology chosen on the customer."""

    @fact(SelectType, "B2B or B2C", read_choices, options=CUSTOMER_TYPES)
    def customer_type(self):
        """Business customer (company) or consumer."""

    @fact(NumericType, "Late payment ratio (%)", read_number)
    def late_payment_ratio(self):
        """Share of the invoices of the last 12 months paid after their due
        date, from 0 to 100."""

    @fact(NumericType, "Average days late", read_number)
    def average_days_late(self):
        """Average delay of the invoices paid late over the last 12 months."""

    @fact(BooleanType, "Has a valid mobile number", read_flag)
    def has_valid_mobile(self):
        """A mobile number valid for SMS is known for the customer."""

    @fact(BooleanType, "Has an email address", read_flag)
    def has_email(self):
        """An email address is known for the customer."""

    @fact(SelectType, "Preferred channel", read_choices, options=CHANNELS)
    def preferred_channel(self):
        """The channel the customer asked to be contacted on."""

    @fact(SelectMultipleType, "Reachable channels", read_choices, options=CHANNELS)
    def reachable_channels(self):
        """Channels for which the customer has valid contact details."""

    @fact(NumericType, "Unanswered calls", read_number)
    def unanswered_calls(self):
        """Collection calls the customer did not answer over the last 90 days."""

    @fact(BooleanType, "Broke a promise to pay", read_flag)
    def has_broken_promise(self):
        """The customer missed the date of a promise to pay that is not
        settled yet."""

    @fact(
        SelectType, "Payment plan status", read_choices, options=PAYMENT_PLAN_STATUSES
    )
    def payment_plan_status(self):
        """State of the customer's payment plan covering the invoice."""

    @fact(StringType, "Country", read_text)
    def country(self):
        """ISO code of the customer's country, e.g. FR (empty when unknown)."""
