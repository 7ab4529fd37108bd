"""Phone numbers normalised to E.164, with the reason when they are not valid.

:func:`normalize_phone` reads a number as typed by a user (``06 12 34 56 78``,
``+33 6 12 34 56 78``, ``0033612345678``) with ``phonenumbers``; a number
without an international prefix is read in ``default_country`` (the
customer's country, ISO 3166 alpha-2). It returns a :class:`PhoneCheck`
and never raises for a bad number: the Odoo side keeps what was typed, stores
the E.164 form when there is one, and shows ``reason`` when there is not.

``reason_code`` is stable, for programs; ``reason`` is the English
sentence, made of ``reason_template`` (declared with
:func:`~.errors._lt`, so Odoo translates it) and ``reason_params``.
"""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from .errors import _lt, format_message

EMPTY = "empty"
VALID = "valid"
INVALID = "invalid"

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: (
        "unknown_country",
        _lt(
            "the country calling code is unknown, or the number has no "
            "international prefix and the customer has no country"
        ),
    ),
    NumberParseException.NOT_A_NUMBER: (
        "not_a_number",
        _lt("this is not a phone number"),
    ),
    NumberParseException.TOO_SHORT_AFTER_IDD: (
        "too_short",
        _lt("the number is too short after the international prefix"),
    ),
    NumberParseException.TOO_SHORT_NSN: (
        "too_short",
        _lt("the number is too short"),
    ),
    NumberParseException.TOO_LONG: ("too_long", _lt("the number is too long")),
}
_POSSIBILITY_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: (
        "unknown_country",
        _lt("the country calling code is unknown"),
    ),
    ValidationResult.TOO_SHORT: ("too_short", _lt("the number is too short")),
    ValidationResult.TOO_LONG: ("too_long", _lt("the number is too long")),
    ValidationResult.INVALID_LENGTH: (
        "invalid_length",
        _lt("the number has a wrong length for its country"),
    ),
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "local_only",
        _lt("the number can only be dialled locally; add its area code"),
    ),
}
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneCheck:
    """What :func:`normalize_phone` found about one number."""

    __slots__ = (
        "raw",
        "status",
        "e164",
        "is_mobile",
        "reason_code",
        "reason_template",
        "reason_params",
    )

    def __init__(
        self,
        raw,
        status,
        e164=None,
        is_mobile=False,
        reason_code="",
        reason_template="",
        reason_params=None,
    ):
        self.raw = raw
        self.status = status
        self.e164 = e164
        self.is_mobile = is_mobile
        self.reason_code = reason_code
        self.reason_template = reason_template
        self.reason_params = dict(reason_params or {})

    @property
    def valid(self):
        return self.status == VALID

    @property
    def reason(self):
        """Why the number is not valid, in English ("" when it is)."""
        return format_message(self.reason_template, self.reason_params)

    def __repr__(self):
        if self.valid:
            return f"PhoneCheck({self.raw!r} -> {self.e164})"
        return f"PhoneCheck({self.raw!r}, {self.status}, {self.reason!r})"


def normalize_phone(number, default_country=None):
    """Check ``number`` and give its E.164 form, read in ``default_country``.

    >>> check = normalize_phone("06 12 34 56 78", "FR")
    >>> check
    PhoneCheck('06 12 34 56 78' -> +33612345678)
    >>> check.valid, check.e164, check.is_mobile
    (True, '+33612345678', True)

    A number with its international prefix needs no country:

    >>> normalize_phone("+33 6 12 34 56 78").e164
    '+33612345678'

    A bad number is reported, never dropped nor raised:

    >>> check = normalize_phone("12", "FR")
    >>> check.valid, check.reason_code, check.reason
    (False, 'too_short', 'the number is too short')
    >>> normalize_phone("   ").status
    'empty'
    """
    raw = number if isinstance(number, str) else ""
    if not raw.strip():
        return PhoneCheck(raw, EMPTY)
    region = (default_country or "").upper() or None
    if region and region not in phonenumbers.SUPPORTED_REGIONS:
        region = None
    try:
        parsed = phonenumbers.parse(raw, region)
    except NumberParseException as error:
        code, reason = _PARSE_REASONS.get(
            error.error_type, _PARSE_REASONS[NumberParseException.NOT_A_NUMBER]
        )
        return PhoneCheck(raw, INVALID, reason_code=code, reason_template=reason)
    possibility = phonenumbers.is_possible_number_with_reason(parsed)
    if possibility in _POSSIBILITY_REASONS:
        code, reason = _POSSIBILITY_REASONS[possibility]
        return PhoneCheck(raw, INVALID, reason_code=code, reason_template=reason)
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_number(parsed) or region
        if not where:
            return PhoneCheck(
                raw,
                INVALID,
                reason_code="not_assigned",
                reason_template=_lt("no such number exists in its country"),
            )
        return PhoneCheck(
            raw,
            INVALID,
            reason_code="not_assigned",
            reason_template=_lt("no such number exists in %(country)s"),
            reason_params={"country": where},
        )
    return PhoneCheck(
        raw,
        VALID,
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        is_mobile=phonenumbers.number_type(parsed) in _MOBILE_TYPES,
    )
