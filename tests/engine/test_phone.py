"""Phone numbers to E.164, with a reason when they are not valid."""

import pytest

from engine import normalize_phone


@pytest.mark.parametrize(
    ("raw", "country", "e164", "mobile"),
    [
        ("06 12 34 56 78", "FR", "+33612345678", True),
        ("+33 6 12 34 56 78", None, "+33612345678", True),
        ("0033 1 42 68 53 00", "FR", "+33142685300", False),
        ("01.42.68.53.00", "fr", "+33142685300", False),
        ("+32 470 12 34 56", "FR", "+32470123456", True),
        ("0470 12 34 56", "BE", "+32470123456", True),
        ("030 1234567", "DE", "+49301234567", False),
    ],
)
def test_valid_numbers(raw, country, e164, mobile):
    check = normalize_phone(raw, country)
    assert check.valid and check.status == "valid"
    assert check.e164 == e164
    assert check.is_mobile is mobile
    assert check.raw == raw


@pytest.mark.parametrize(
    ("raw", "country", "code"),
    [
        ("12", "FR", "too_short"),
        ("06 12 34 56 78 90 12 34", "FR", "too_long"),
        ("06 12 34 56 78", None, "unknown_country"),
        ("06 12 34 56 78", "XX", "unknown_country"),
        ("+999 1234 5678", None, "unknown_country"),
        ("call me", "FR", "not_a_number"),
        ("+33 0 00 00 00 00", "FR", "not_assigned"),
    ],
)
def test_invalid_numbers_say_why(raw, country, code):
    check = normalize_phone(raw, country)
    assert not check.valid and check.status == "invalid"
    assert check.e164 is None
    assert check.reason_code == code
    assert check.reason
    assert check.raw == raw  # kept as typed


@pytest.mark.parametrize("raw", ["", "   ", None, False])
def test_empty_is_not_invalid(raw):
    check = normalize_phone(raw, "FR")
    assert check.status == "empty" and not check.valid and not check.reason
