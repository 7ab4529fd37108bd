"""Legal computations against cases computed by hand."""

from datetime import date
from decimal import Decimal as D

import pytest

from engine.legal import (
    days_before_prescription,
    interest_parts,
    late_interest,
    prescription_date,
    rate_in_force,
    recovery_indemnity,
    reference_rate,
    to_cents,
    within_threshold,
)

#: ECB main refinancing rate (percent), as a legal profile would hold it.
ECB = [
    (date(2024, 12, 18), D("3.15")),
    (date(2025, 2, 5), D("2.90")),
    (date(2025, 3, 12), D("2.65")),
    (date(2025, 4, 23), D("2.40")),
    (date(2025, 6, 11), D("2.15")),
]
FR_B2B = {"margin": D("10"), "fixing": "half_year"}
UK_BANDS = [(D("0"), D("40")), (D("1000"), D("70")), (D("10000"), D("100"))]
FR_BANDS = [(D("0"), D("40"))]


def test_actual_365_over_one_rate():
    # 1000 x 12.15 % x 60 / 365 = 19.9726... -> 19.97
    assert late_interest(
        D("1000"), date(2025, 12, 15), date(2026, 2, 13), ECB, **FR_B2B
    ) == D("19.97")


def test_a_year_of_366_days_still_counts_365():
    # 2024 is a leap year: 366 days at 5 % on 730 = 730 x 5 % x 366 / 365.
    table = [(date(2020, 1, 1), D("5"))]
    assert late_interest(D("730"), date(2023, 12, 31), date(2024, 12, 31), table) == (
        D("36.60")
    )


def test_rounding_to_the_cent_half_up():
    # 100 x 7.3 % x 1 / 365 = 0.02 exactly; 100 x 9.125 % x 1 / 365 = 0.025 -> 0.03
    table = [(date(2020, 1, 1), D("9.125"))]
    assert late_interest(D("100"), date(2026, 1, 1), date(2026, 1, 2), table) == D(
        "0.03"
    )
    assert to_cents(D("0.005")) == D("0.01")
    assert to_cents(D("0.0049")) == D("0.00")


def test_a_period_crossing_the_half_year_is_split_at_the_change():
    # Due 20 June 2025, paid 10 July 2025; H1 2025 uses the rate of 1 January
    # (3.15 + 10), H2 the rate of 1 July (2.15 + 10).
    parts = interest_parts(
        D("1000"), date(2025, 6, 20), date(2025, 7, 10), ECB, **FR_B2B
    )
    assert [(p.start, p.end, p.days, p.rate, p.amount) for p in parts] == [
        (date(2025, 6, 21), date(2025, 6, 30), 10, D("13.15"), D("3.60")),
        (date(2025, 7, 1), date(2025, 7, 10), 10, D("12.15"), D("3.33")),
    ]
    assert late_interest(
        D("1000"), date(2025, 6, 20), date(2025, 7, 10), ECB, **FR_B2B
    ) == D("6.93")


def test_daily_fixing_splits_at_each_rate_change():
    # 10,000 from 1 June to 20 June 2025 at the ECB rate + 8, as it changes:
    # 1-10 June at 10.40 % (10 days) = 28.49; 11-20 June at 10.15 % = 27.81.
    parts = interest_parts(
        D("10000"), date(2025, 5, 31), date(2025, 6, 20), ECB, margin=D("8")
    )
    assert [(p.days, p.rate, p.amount) for p in parts] == [
        (10, D("10.40"), D("28.49")),
        (10, D("10.15"), D("27.81")),
    ]


def test_same_rate_on_both_sides_of_a_half_year_makes_one_part():
    parts = interest_parts(
        D("1000"), date(2025, 12, 15), date(2026, 2, 13), ECB, **FR_B2B
    )
    assert len(parts) == 1 and parts[0].days == 60


def test_uk_fixes_the_rate_the_day_before_the_half_year():
    table = [(date(2024, 8, 1), D("5.00")), (date(2025, 1, 1), D("4.75"))]
    # On 1 January 2025 the new rate is in force, but the UK uses 31 December.
    assert reference_rate(table, date(2025, 3, 1), "half_year_before") == D("5.00")
    assert reference_rate(table, date(2025, 3, 1), "half_year") == D("4.75")


def test_nothing_is_owed_on_or_before_the_due_date():
    assert late_interest(D("1000"), date(2026, 1, 10), date(2026, 1, 10), ECB) == 0
    assert late_interest(D("1000"), date(2026, 1, 10), date(2026, 1, 9), ECB) == 0
    assert late_interest(D("-5"), date(2026, 1, 10), date(2026, 2, 9), ECB) == 0


def test_indemnity_bands_at_their_boundaries():
    assert recovery_indemnity(D("0.01"), UK_BANDS) == D("40")
    assert recovery_indemnity(D("999.99"), UK_BANDS) == D("40")
    assert recovery_indemnity(D("1000.00"), UK_BANDS) == D("70")
    assert recovery_indemnity(D("9999.99"), UK_BANDS) == D("70")
    assert recovery_indemnity(D("10000.00"), UK_BANDS) == D("100")
    assert recovery_indemnity(D("250000"), FR_BANDS) == D("40")


def test_no_indemnity_for_consumers_insolvency_or_nothing_owed():
    assert recovery_indemnity(D("500"), FR_BANDS, consumer=True) == 0
    assert recovery_indemnity(D("500"), FR_BANDS, insolvent=True) == 0
    assert recovery_indemnity(D("0"), FR_BANDS) == 0


def test_small_claims_threshold_at_exactly_its_value():
    assert within_threshold(D("4900"), D("100"), D("5000"))
    assert not within_threshold(D("4900"), D("100"), D("5000"), inclusive=False)
    assert within_threshold(D("4900"), D("99.99"), D("5000"), inclusive=False)
    assert not within_threshold(D("4900"), D("100.01"), D("5000"))


def test_prescription_dates_at_their_boundary():
    due = date(2026, 3, 10)
    assert prescription_date(due, 2) == date(2028, 3, 10)  # B2C
    assert prescription_date(due, 5) == date(2031, 3, 10)  # B2B
    assert days_before_prescription(date(2031, 3, 10), due, 5) == 0  # last day
    assert days_before_prescription(date(2031, 3, 11), due, 5) == -1  # barred
    assert days_before_prescription(date(2031, 3, 9), due, 5) == 1
    assert prescription_date(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert prescription_date(date(2024, 2, 29), 5) == date(2029, 2, 28)


@pytest.mark.parametrize(
    "table, message",
    [
        ([(date(2025, 1, 1), D("-1"))], "missing or negative"),
        ([(date(2025, 1, 1), None)], "missing or negative"),
        ([(date(2025, 1, 1), D("1")), (date(2025, 1, 1), D("2"))], "two reference"),
        ([(date(2027, 1, 1), D("1"))], "no reference rate is known"),
    ],
)
def test_bad_rate_tables_are_refused_clearly(table, message):
    with pytest.raises(ValueError, match=message):
        late_interest(D("100"), date(2026, 1, 1), date(2026, 2, 1), table)


def test_bad_options_are_refused_clearly():
    with pytest.raises(ValueError, match="unknown fixing"):
        reference_rate(ECB, date(2026, 1, 1), "monthly")
    with pytest.raises(ValueError, match="basis"):
        interest_parts(D("1"), date(2026, 1, 1), date(2026, 2, 1), ECB, basis=0)
    with pytest.raises(ValueError, match="positive"):
        prescription_date(date(2026, 1, 1), 0)
    with pytest.raises(ValueError, match="negative"):
        recovery_indemnity(D("10"), [(D("0"), D("-40"))])
    with pytest.raises(ValueError, match="no reference rate"):
        rate_in_force(ECB, date(2020, 1, 1))
