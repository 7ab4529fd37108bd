"""The rule variables: facts about one open invoice and its customer.

Each variable is a method of :class:`InvoiceFacts` declared with
business-rules' own ``rule_variable`` decorator (through :func:`fact`, which
adds a help text and the value used when the fact is missing), so that
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

CHANNELS = [
    {"name": "email", "label": "Email"},
    {"name": "sms", "label": "SMS"},
    {"name": "letter", "label": "Letter"},
    {"name": "phone", "label": "Phone call"},
    {"name": "portal", "label": "Portal message"},
]
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
DISPUTE_STATUSES = [
    {"name": "none", "label": "No dispute"},
    {"name": "open", "label": "Open"},
    {"name": "under_review", "label": "Under review"},
    {"name": "resolved", "label": "Resolved"},
    {"name": "rejected", "label": "Rejected"},
]
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


def read_number(facts, name, default=0):
    value = facts.get(name)
    if _missing(value):
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise FactError(f"Fact {name!r} must be a number, got {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise FactError(f"Fact {name!r} must be a finite number, got {value!r}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise FactError(f"Fact {name!r} must be a finite number, got {value!r}.")
    return value


def read_text(facts, name):
    value = facts.get(name)
    if _missing(value):
        return ""
    if not isinstance(value, str):
        raise FactError(f"Fact {name!r} must be text, got {value!r}.")
    return value


def read_flag(facts, name):
    value = facts.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FactError(f"Fact {name!r} must be true or false, got {value!r}.")
    return value


def read_choices(facts, name):
    value = facts.get(name)
    if _missing(value):
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise FactError(
        f"Fact {name!r} must be a choice or a list of choices, got {value!r}."
    )


def fact(field_type, label, options=None, help=""):
    """Declare a rule variable: business-rules' decorator plus a help text."""

    def decorate(method):
        method = rule_variable(field_type, label=label, options=options)(method)
        method.help = help
        return method

    return decorate


class InvoiceFacts(BaseVariables):
    """The facts about one open invoice and its customer, as rule variables."""

    def __init__(self, facts):
        self.facts = facts

    # The invoice

    @fact(
        NumericType,
        "Days overdue",
        help="Days since the due date; negative before it (-5 = due in 5 days).",
    )
    def days_overdue(self):
        return read_number(self.facts, "days_overdue")

    @fact(
        NumericType,
        "Amount due",
        help="What is left to pay on the invoice, in company currency.",
    )
    def residual_amount(self):
        return read_number(self.facts, "residual_amount")

    @fact(
        SelectType,
        "Dispute status",
        options=DISPUTE_STATUSES,
        help="Status of a dispute on the invoice.",
    )
    def dispute_status(self):
        return read_choices(self.facts, "dispute_status")

    @fact(
        NumericType,
        "Reminder level",
        help="Number of the last reminder level reached (0: none yet).",
    )
    def reminder_level(self):
        return read_number(self.facts, "reminder_level")

    @fact(
        NumericType,
        "Reminders sent",
        help="Reminders already sent for the invoice.",
    )
    def reminders_sent(self):
        return read_number(self.facts, "reminders_sent")

    @fact(
        NumericType,
        "Days since the last reminder",
        help=f"{NEVER_REMINDED_DAYS} when no reminder was sent yet.",
    )
    def days_since_last_reminder(self):
        return read_number(
            self.facts, "days_since_last_reminder", default=NEVER_REMINDED_DAYS
        )

    # The customer

    @fact(
        NumericType,
        "Customer's overdue amount",
        help="Everything the customer owes past its due date, in company "
        "currency, net of credit notes and unreconciled payments.",
    )
    def customer_overdue_amount(self):
        return read_number(self.facts, "customer_overdue_amount")

    @fact(NumericType, "Customer's open invoices", help="Invoices not fully paid.")
    def customer_open_invoice_count(self):
        return read_number(self.facts, "customer_open_invoice_count")

    @fact(
        NumericType,
        "Customer's overdue invoices",
        help="Invoices not fully paid past their due date.",
    )
    def customer_overdue_invoice_count(self):
        return read_number(self.facts, "customer_overdue_invoice_count")

    @fact(
        SelectType,
        "Customer typology",
        options=DEFAULT_TYPOLOGIES,
        help="The typology chosen on the customer.",
    )
    def customer_typology(self):
        return read_choices(self.facts, "customer_typology")

    @fact(SelectType, "B2B or B2C", options=CUSTOMER_TYPES)
    def customer_type(self):
        return read_choices(self.facts, "customer_type")

    @fact(
        NumericType,
        "Late payment ratio (%)",
        help="Share of the invoices of the last 12 months paid after their "
        "due date, from 0 to 100.",
    )
    def late_payment_ratio(self):
        return read_number(self.facts, "late_payment_ratio")

    @fact(
        NumericType,
        "Average days late",
        help="Average delay of the invoices paid late over the last 12 months.",
    )
    def average_days_late(self):
        return read_number(self.facts, "average_days_late")

    @fact(BooleanType, "Has a valid mobile number")
    def has_valid_mobile(self):
        return read_flag(self.facts, "has_valid_mobile")

    @fact(BooleanType, "Has an email address")
    def has_email(self):
        return read_flag(self.facts, "has_email")

    @fact(SelectType, "Preferred channel", options=CHANNELS)
    def preferred_channel(self):
        return read_choices(self.facts, "preferred_channel")

    @fact(
        SelectMultipleType,
        "Reachable channels",
        options=CHANNELS,
        help="Channels for which the customer has valid contact details.",
    )
    def reachable_channels(self):
        return read_choices(self.facts, "reachable_channels")

    @fact(
        NumericType,
        "Unanswered calls",
        help="Collection calls the customer did not answer over the last 90 days.",
    )
    def unanswered_calls(self):
        return read_number(self.facts, "unanswered_calls")

    @fact(
        BooleanType,
        "Broke a promise to pay",
        help="The customer missed the date of a promise to pay that is not "
        "settled yet.",
    )
    def has_broken_promise(self):
        return read_flag(self.facts, "has_broken_promise")

    @fact(SelectType, "Payment plan status", options=PAYMENT_PLAN_STATUSES)
    def payment_plan_status(self):
        return read_choices(self.facts, "payment_plan_status")

    @fact(
        StringType,
        "Country",
        help="ISO code of the customer's country, e.g. FR (empty when unknown).",
    )
    def country(self):
        return read_text(self.facts, "country")
