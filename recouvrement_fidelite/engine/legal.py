"""Legal computations of collection: late interest, the fixed recovery
indemnity, the small-claims threshold and prescription.

Pure functions: every figure (rates, margins, bands, thresholds, periods)
comes from the caller — in Odoo, from a legal profile that an administrator
edits — so that no legal constant lives in code. Amounts are
:class:`~decimal.Decimal` and rounded to the cent half up, as an invoice is.

Late interest
-------------
Interest runs from the day after the due date to the end date included
(``end - due`` days), on an actual/365 basis by default, at a reference rate
plus a margin, both in percent per year. Which reference rate applies on a
day depends on how the law fixes it (:data:`FIXINGS`): as it changes
(``"daily"``), the rate in force on 1 January for the first half-year and on
1 July for the second (``"half_year"``, French B2B penalties, Code de
commerce L441-10), or the rate in force on the day before each half-year
(``"half_year_before"``, the UK's 31 December / 30 June). A period that
crosses a change of applicable rate is split at the change; each part is
rounded to the cent and the total is the sum of the parts, so that a
statement that shows the parts adds up.

The French B2B default: ECB main refinancing rate + 10 points, fixed per
half-year. With the ECB at 3.15 % on 1 January 2025 and 2.15 % on 1 July
2025, 1,000.00 due on 20 June 2025 and paid on 10 July 2025:

>>> from datetime import date
>>> from decimal import Decimal
>>> ecb = [(date(2024, 12, 18), Decimal("3.15")),
...        (date(2025, 6, 11), Decimal("2.15"))]
>>> parts = interest_parts(Decimal("1000.00"), date(2025, 6, 20), date(2025, 7, 10),
...                        ecb, margin=Decimal("10"), fixing="half_year")
>>> [(str(p.start), p.days, str(p.rate), str(p.amount)) for p in parts]
[('2025-06-21', 10, '13.15', '3.60'), ('2025-07-01', 10, '12.15', '3.33')]
>>> late_interest(Decimal("1000.00"), date(2025, 6, 20), date(2025, 7, 10),
...               ecb, margin=Decimal("10"), fixing="half_year")
Decimal('6.93')

A contractual rate may not be below a floor (in France, three times the legal
interest rate):

>>> applicable_rate(Decimal("5"), floor_multiple=Decimal("3"),
...                 legal_rate=Decimal("2.62"))
Decimal('7.86')

The fixed recovery indemnity
----------------------------
Owed per late invoice to a business creditor by a business debtor, never by
a consumer, never during insolvency proceedings; its amount is the band of
the claim (one band of 40 in France and the EU; in the UK 40 below 1,000,
70 from 1,000, 100 from 10,000):

>>> uk = [(Decimal("0"), Decimal("40")), (Decimal("1000"), Decimal("70")),
...       (Decimal("10000"), Decimal("100"))]
>>> [str(recovery_indemnity(Decimal(amount), uk)) for amount in
...  ("999.99", "1000.00", "9999.99", "10000.00")]
['40', '70', '70', '100']
>>> recovery_indemnity(Decimal("500"), uk, consumer=True)
Decimal('0')

The simplified small-claims procedure and prescription
------------------------------------------------------
>>> within_threshold(Decimal("4800"), Decimal("200"), Decimal("5000"))
True
>>> within_threshold(Decimal("4800"), Decimal("200"), Decimal("5000"), inclusive=False)
False
>>> prescription_date(date(2024, 2, 29), years=2)
datetime.date(2026, 2, 28)
>>> days_before_prescription(date(2026, 2, 27), date(2024, 2, 29), years=2)
1
"""

import calendar
from collections import namedtuple
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

#: How the reference rate applying on a day is fixed.
FIXINGS = ("daily", "half_year", "half_year_before")
CENT = Decimal("0.01")

#: One part of an interest computation: from ``start`` to ``end`` included,
#: ``days`` days at ``rate`` percent a year, ``amount`` rounded to the cent.
InterestPart = namedtuple("InterestPart", "start end days rate amount")


def to_cents(amount):
    """``amount`` rounded to the cent, half up.

    >>> to_cents(Decimal("2.345")), to_cents(Decimal("-2.345"))
    (Decimal('2.35'), Decimal('-2.35'))
    """
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def check_rate_table(table):
    """The rate table sorted by date; ``ValueError`` on a bad table.

    A table is a list of ``(valid from, rate in percent)``; each rate holds
    until the next one starts. Two rates from the same day, or a negative
    rate, are refused:

    >>> check_rate_table([(date(2025, 6, 11), Decimal("2.15")),
    ...                   (date(2025, 6, 11), Decimal("2.40"))])
    Traceback (most recent call last):
    ...
    ValueError: two reference rates start on 2025-06-11
    """
    rows = sorted(table, key=lambda row: row[0])
    for (start, rate), following in zip(rows, rows[1:] + [None], strict=True):
        if rate is None or Decimal(rate) < 0:
            raise ValueError(f"the reference rate from {start} is missing or negative")
        if following is not None and following[0] == start:
            raise ValueError(f"two reference rates start on {start}")
    return rows


def rate_in_force(table, day):
    """The rate of ``table`` in force on ``day`` (``ValueError`` before the
    first one).

    >>> rate_in_force([(date(2025, 6, 11), Decimal("2.15"))], date(2025, 7, 1))
    Decimal('2.15')
    """
    current = None
    for start, rate in check_rate_table(table):
        if start > day:
            break
        current = Decimal(rate)
    if current is None:
        raise ValueError(f"no reference rate is known on {day}")
    return current


def _half_year_start(day):
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def reference_rate(table, day, fixing="daily"):
    """The reference rate that applies on ``day`` under ``fixing``.

    >>> ecb = [(date(2024, 12, 18), Decimal("3.15")),
    ...        (date(2025, 6, 11), Decimal("2.15"))]
    >>> [str(reference_rate(ecb, date(2025, 6, 20), f)) for f in FIXINGS]
    ['2.15', '3.15', '3.15']
    """
    if fixing not in FIXINGS:
        raise ValueError(f"unknown fixing {fixing!r}; expected one of {FIXINGS}")
    if fixing == "daily":
        return rate_in_force(table, day)
    start = _half_year_start(day)
    if fixing == "half_year_before":
        start -= timedelta(days=1)
    return rate_in_force(table, start)


def _change_days(table, start, end, fixing):
    """Days in ``[start, end]`` on which the applicable rate may change."""
    if fixing == "daily":
        return [row[0] for row in check_rate_table(table) if start < row[0] <= end]
    days = []
    year = start.year
    while date(year, 1, 1) <= end:
        for month in (1, 7):
            day = date(year, month, 1)
            if start < day <= end:
                days.append(day)
        year += 1
    return days


def applicable_rate(contractual_rate, floor_multiple=None, legal_rate=None):
    """A contractual rate raised to its floor (``floor_multiple`` times the
    legal interest rate) when it is below it; the rate itself without floor."""
    rate = Decimal(contractual_rate)
    if floor_multiple is not None and legal_rate is not None:
        rate = max(rate, Decimal(floor_multiple) * Decimal(legal_rate))
    return rate


def interest_parts(
    principal, due, end, table, margin=Decimal("0"), fixing="daily", basis=365
):
    """The late interest on ``principal`` from the day after ``due`` to
    ``end`` included, split where the applicable rate changes.

    ``table`` lists the reference rates (:func:`check_rate_table`); the rate
    of a part is its reference rate plus ``margin`` (both in percent a year).
    Nothing is owed when ``end`` is not after ``due`` or the principal is
    not positive.

    >>> interest_parts(Decimal("100"), date(2026, 1, 10), date(2026, 1, 10),
    ...                [(date(2025, 1, 1), Decimal("2"))])
    []
    """
    if basis <= 0:
        raise ValueError("the day-count basis must be positive")
    principal = Decimal(principal)
    margin = Decimal(margin)
    if end <= due or principal <= 0:
        return []
    first = due + timedelta(days=1)
    bounds = [first] + _change_days(table, first, end, fixing) + [end + timedelta(1)]
    parts = []
    for start, following in zip(bounds, bounds[1:], strict=False):
        rate = reference_rate(table, start, fixing) + margin
        if parts and parts[-1].rate == rate:
            # The same rate on both sides of a half-year: one part.
            previous = parts.pop()
            start = previous.start
        days = (following - start).days
        amount = to_cents(principal * rate / 100 * days / basis)
        parts.append(
            InterestPart(start, following - timedelta(days=1), days, rate, amount)
        )
    return parts


def late_interest(principal, due, end, table, **options):
    """The late interest to the cent: the sum of :func:`interest_parts`
    (same arguments).

    60 days of 1,000.00 at 12.15 %: 1000 x 12.15 % x 60 / 365 = 19.97.

    >>> late_interest(Decimal("1000"), date(2025, 12, 15), date(2026, 2, 13),
    ...               [(date(2025, 6, 11), Decimal("2.15"))],
    ...               margin=Decimal("10"), fixing="half_year")
    Decimal('19.97')
    """
    return sum(
        (part.amount for part in interest_parts(principal, due, end, table, **options)),
        Decimal("0.00"),
    )


def recovery_indemnity(claim, bands, consumer=False, insolvent=False):
    """The fixed recovery indemnity owed for one late invoice of ``claim``.

    ``bands`` lists ``(from amount, indemnity)``: the last band whose lower
    bound the claim reaches applies. Nothing is owed by a consumer, during
    insolvency proceedings, or on a claim that is not positive.
    """
    claim = Decimal(claim)
    if consumer or insolvent or claim <= 0:
        return Decimal("0")
    owed = Decimal("0")
    for lower, indemnity in sorted(bands, key=lambda band: Decimal(band[0])):
        if Decimal(indemnity) < 0:
            raise ValueError("an indemnity cannot be negative")
        if claim >= Decimal(lower):
            owed = Decimal(indemnity)
    return owed


def within_threshold(principal, interest, threshold, inclusive=True):
    """Whether principal and interest together stay within ``threshold``
    (up to and including it when ``inclusive``)."""
    total = Decimal(principal) + Decimal(interest)
    return total <= Decimal(threshold) if inclusive else total < Decimal(threshold)


def add_years(day, years):
    """The same day ``years`` later; the last day of February for 29 February
    in a year that has none.

    >>> add_years(date(2024, 2, 29), 1), add_years(date(2025, 3, 31), 5)
    (datetime.date(2025, 2, 28), datetime.date(2030, 3, 31))
    """
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return date(year, day.month, min(day.day, last))


def prescription_date(start, years):
    """The last day on which a claim that became due on ``start`` can still
    be acted on: a period in years ends on the day of the last year that
    bears the same number (French rule, Code de procédure civile 641), a
    claim due on 10 March 2026 with 5 years being time-barred after
    10 March 2031.

    >>> prescription_date(date(2026, 3, 10), years=5)
    datetime.date(2031, 3, 10)
    """
    if years <= 0:
        raise ValueError("a prescription period must be positive")
    return add_years(start, years)


def days_before_prescription(today, start, years):
    """Days left before the claim is time-barred: 0 on its last day,
    negative once it is.

    >>> days_before_prescription(date(2031, 3, 11), date(2026, 3, 10), 5)
    -1
    """
    return (prescription_date(start, years) - today).days
