"""Periods: named calendar edge cases as tables, then properties over the whole calendar.

Each table row writes out the dates it expects, so a reader can check it against a calendar.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr.core.periods import (
    KINDS,
    Month,
    Period,
    PeriodError,
    Quarter,
    Week,
    Year,
    containing,
    month_of,
    parse,
    quarter_of,
    week_of,
    weeks_in_year,
    year_of,
)

# No example database: the tests leave nothing behind in the work tree.
properties = settings(database=None, max_examples=300, deadline=None)

D = date.fromisoformat


# --- text forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fiscal_start", "expected", "canonical"),
    [
        ("2026", 1, Year(2026), "2026"),
        ("2026-Q2", 1, Quarter(2026, 2), "2026-Q2"),
        ("2026-05", 1, Month(2026, 5), "2026-05"),
        ("2026-W21", 1, Week(2026, 21), "2026-W21"),
        ("  2026-q2\n", 1, Quarter(2026, 2), "2026-Q2"),
        ("\t2026-w01 ", 1, Week(2026, 1), "2026-W01"),
        ("2025", 7, Year(2025, 7), "2025"),
        ("2025-Q1", 7, Quarter(2025, 1, 7), "2025-Q1"),
        # Months and weeks ignore the fiscal start: they are calendar ones.
        ("2025-07", 7, Month(2025, 7), "2025-07"),
        ("2026-W53", 4, Week(2026, 53), "2026-W53"),
        ("1900", 1, Year(1900), "1900"),
        ("9999-W51", 1, Week(9999, 51), "9999-W51"),
        ("9999-12", 1, Month(9999, 12), "9999-12"),
    ],
)
def test_parse_reads_each_form_and_str_gives_it_back(text, fiscal_start, expected, canonical):
    period = parse(text, fiscal_start)
    assert period == expected
    assert str(period) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", "no quarter 5"),
        ("2026-Q0", "no quarter 0"),
        ("2026-W54", "no week 54"),
        ("2026-W00", "no week 0"),
        ("2021-W53", "2021 has no week 53"),
        ("2025-W53", "2025 has no week 53"),
        ("2026-13", "no month 13"),
        ("2026-00", "no month 0"),
        ("2026-5", "write the month as 01 to 12"),
        ("2026-W1", "write the week as W01 to W53"),
        ("02026", "four digits"),
        ("", "empty"),
        ("   \n", "empty"),
        ("abc", "'abc' is not a period"),
        ("2026-", "not a period"),
        ("2026-Q2-01", "not a period"),
        ("2026/05", "not a period"),
        ("2026-X1", "not a period"),
        ("-2026", "not a period"),
        ("1899", "1899 is outside 1900 to 9999"),
        ("10000", "10000 is outside 1900 to 9999"),
        ("0000-01", "0 is outside 1900 to 9999"),
        ("x" * 1_000_000, "too long"),
        ("2026-05" + " " * 1_000_000, "too long"),
        ("2026\x00", "not a period"),
        ("2026-\x00Q2", "not a period"),
        ("\ud800", "not a period"),
        ("2026\udfff", "not a period"),
        ("２０２６", "not a period"),  # full-width digits
        ("٢٠٢٦", "not a period"),  # Arabic-Indic digits
        ("2_026", "not a period"),
        ("9999-W52", "after 9999-12-31"),  # would end on 10000-01-02
    ],
)
def test_parse_refuses_bad_text_with_a_reason(text, message):
    with pytest.raises(PeriodError, match=None) as caught:
        parse(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
    # The message itself is printable: NULs and surrogates are escaped.
    str(caught.value).encode("utf-8")
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    ("text", "fiscal_start", "message"),
    [
        ("2026", 0, "fiscal_start must be a month number 1 to 12"),
        ("2026", 13, "fiscal_start must be a month number 1 to 12"),
        ("2026-05", 13, "fiscal_start must be a month number 1 to 12"),
        ("2026", "7", "fiscal_start must be a month number 1 to 12"),
        ("2026", True, "fiscal_start must be a month number 1 to 12"),
        # With a July start, fiscal year 1900 would begin on 1899-07-01.
        ("1900", 7, "would begin on 1899-07-01"),
        ("1900-Q3", 7, "would begin on 1899-07-01"),
    ],
)
def test_parse_refuses_a_bad_fiscal_start(text, fiscal_start, message):
    with pytest.raises(PeriodError, match=message):
        parse(text, fiscal_start)


def test_parse_wants_a_str():
    with pytest.raises(TypeError):
        parse(2026)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Year(1899), PeriodError, "outside the supported years"),
        (lambda: Year(2026, 13), PeriodError, "fiscal_start"),
        (lambda: Quarter(2026, 5), PeriodError, "quarter must be 1 to 4"),
        (lambda: Month(2026, 13), PeriodError, "month must be 01 to 12"),
        (lambda: Week(2021, 53), PeriodError, "2021 has no week 53"),
        (lambda: Week(2026, 0), PeriodError, "week must be 01 to 53"),
        (lambda: Year("2026"), TypeError, "year must be an int"),
        (lambda: Month(2026, 5.0), TypeError, "month must be an int"),
        (lambda: Quarter(2026, True), TypeError, "quarter must be an int"),
    ],
)
def test_constructors_check_their_values(build, error, message):
    with pytest.raises(error, match=message):
        build()


# --- date ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end", "days"),
    [
        (Year(2026), "2026-01-01", "2026-12-31", 365),
        (Year(2024), "2024-01-01", "2024-12-31", 366),
        (Year(2025, 7), "2024-07-01", "2025-06-30", 365),
        (Year(2025, 4), "2024-04-01", "2025-03-31", 365),
        (Year(2025, 12), "2024-12-01", "2025-11-30", 365),
        (Quarter(2026, 2), "2026-04-01", "2026-06-30", 91),  # 30 + 31 + 30
        (Quarter(2024, 1), "2024-01-01", "2024-03-31", 91),  # 31 + 29 + 31
        (Quarter(2025, 1, 7), "2024-07-01", "2024-09-30", 92),  # July-September 2024
        (Quarter(2025, 4, 7), "2025-04-01", "2025-06-30", 91),
        (Quarter(2025, 1, 4), "2024-04-01", "2024-06-30", 91),
        (Quarter(2025, 4, 4), "2025-01-01", "2025-03-31", 90),
        (Quarter(2025, 4, 11), "2025-08-01", "2025-10-31", 92),  # Nov 2024 start
        (Month(2026, 2), "2026-02-01", "2026-02-28", 28),
        (Month(2024, 2), "2024-02-01", "2024-02-29", 29),
        (Month(2026, 12), "2026-12-01", "2026-12-31", 31),
        (Month(9999, 12), "9999-12-01", "9999-12-31", 31),
        (Week(2026, 21), "2026-05-18", "2026-05-24", 7),
        (Week(2026, 1), "2025-12-29", "2026-01-04", 7),  # spans two years and two months
        (Week(2026, 14), "2026-03-30", "2026-04-05", 7),  # spans March and April
        (Week(2026, 53), "2026-12-28", "2027-01-03", 7),
        (Week(2020, 53), "2020-12-28", "2021-01-03", 7),
        (Week(2027, 1), "2027-01-04", "2027-01-10", 7),
        (Week(1900, 1), "1900-01-01", "1900-01-07", 7),
    ],
)
def test_start_end_and_days(period, start, end, days):
    assert (period.start, period.end, period.days) == (D(start), D(end), days)
    assert period.contains(D(start)) and period.contains(D(end))
    assert not period.contains(D(start) - timedelta(days=1))
    if D(end) < date.max:
        assert not period.contains(D(end) + timedelta(days=1))


@pytest.mark.parametrize(
    ("iso_year", "weeks"),
    [(2020, 53), (2026, 53), (2015, 53), (2021, 52), (2025, 52), (2024, 52), (2027, 52)],
)
def test_weeks_in_year(iso_year, weeks):
    # A year has week 53 when 28 December is in it: Thursday starts (2015, 2020, 2026).
    assert weeks_in_year(iso_year) == weeks
    assert len(Year(iso_year).weeks()) == weeks


# --- which period holds a day -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fiscal_start", "day", "year", "quarter"),
    [
        (1, "2026-05-16", "2026", "2026-Q2"),
        (1, "2026-12-31", "2026", "2026-Q4"),
        (1, "2027-01-01", "2027", "2027-Q1"),
        # July start: fiscal 2025 runs 2024-07-01 .. 2025-06-30.
        (7, "2024-07-15", "2025", "2025-Q1"),
        (7, "2025-06-30", "2025", "2025-Q4"),
        (7, "2025-07-01", "2026", "2026-Q1"),
        (7, "2024-12-31", "2025", "2025-Q2"),
        (7, "2025-01-01", "2025", "2025-Q3"),
        # April start: fiscal 2025 runs 2024-04-01 .. 2025-03-31.
        (4, "2024-07-15", "2025", "2025-Q2"),
        (4, "2025-06-30", "2026", "2026-Q1"),
        (4, "2025-07-01", "2026", "2026-Q2"),
        (4, "2025-03-31", "2025", "2025-Q4"),
        (4, "2025-04-01", "2026", "2026-Q1"),
        # December start: fiscal 2026 runs 2025-12-01 .. 2026-11-30.
        (12, "2025-12-01", "2026", "2026-Q1"),
        (12, "2025-11-30", "2025", "2025-Q4"),
    ],
)
def test_fiscal_year_and_quarter_of_a_day(fiscal_start, day, year, quarter):
    assert year_of(D(day), fiscal_start) == parse(year, fiscal_start)
    assert quarter_of(D(day), fiscal_start) == parse(quarter, fiscal_start)
    assert containing("quarter", D(day), fiscal_start).contains(D(day))


@pytest.mark.parametrize(
    ("day", "week", "month"),
    [
        ("2026-05-16", "2026-W20", "2026-05"),
        ("2025-12-29", "2026-W01", "2025-12"),  # ISO year ahead of the calendar year
        ("2027-01-03", "2026-W53", "2027-01"),  # ISO year behind the calendar year
        ("2027-01-04", "2027-W01", "2027-01"),
        ("2021-01-03", "2020-W53", "2021-01"),
        ("2022-01-01", "2021-W52", "2022-01"),  # 2021 has no W53
        ("2026-03-30", "2026-W14", "2026-03"),
    ],
)
def test_week_and_month_of_a_day(day, week, month):
    assert week_of(D(day)) == parse(week)
    assert month_of(D(day)) == parse(month)
    assert containing("week", D(day)) == parse(week)
    assert containing("month", D(day), 7) == parse(month)


def test_a_datetime_counts_as_its_day():
    moment = datetime(2026, 6, 30, 23, 59)
    assert Quarter(2026, 2).contains(moment)
    assert month_of(moment) == Month(2026, 6)
    assert Quarter(2026, 2).elapsed(moment) == Decimal(90) / Decimal(91)


def test_containing_refuses_an_unknown_kind():
    with pytest.raises(PeriodError, match="unknown period kind 'day'"):
        containing("day", D("2026-05-16"))
    with pytest.raises(PeriodError, match="fiscal_start"):
        containing("week", D("2026-05-16"), 0)


# --- weeks belong by their Thursday ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "thursday", "month", "quarter", "year"),
    [
        # Mon 2026-03-30 .. Sun 2026-04-05: April and Q2, though it starts in March.
        (Week(2026, 14), "2026-04-02", Month(2026, 4), Quarter(2026, 2), Year(2026)),
        # Mon 2025-12-29 .. Sun 2026-01-04: 2026, though it starts in 2025.
        (Week(2026, 1), "2026-01-01", Month(2026, 1), Quarter(2026, 1), Year(2026)),
        # Mon 2026-12-28 .. Sun 2027-01-03: December 2026 and Q4, though it ends in 2027.
        (Week(2026, 53), "2026-12-31", Month(2026, 12), Quarter(2026, 4), Year(2026)),
        # Mon 2020-12-28 .. Sun 2021-01-03.
        (Week(2020, 53), "2020-12-31", Month(2020, 12), Quarter(2020, 4), Year(2020)),
        # Mon 2025-06-30 .. Sun 2025-07-06: June, so fiscal Q4 of 2025 with a July start.
        (Week(2025, 27), "2025-07-03", Month(2025, 7), Quarter(2025, 3), Year(2025)),
        # Mon 2019-12-30 .. Sun 2020-01-05: Thursday 2020-01-02.
        (Week(2020, 1), "2020-01-02", Month(2020, 1), Quarter(2020, 1), Year(2020)),
    ],
)
def test_a_week_belongs_where_its_thursday_is(week, thursday, month, quarter, year):
    assert week.thursday == D(thursday)
    assert week.parent() == month
    assert week.fiscal_quarter() == quarter
    assert week.fiscal_year() == year
    assert month.contains(week) and quarter.contains(week) and year.contains(week)
    assert week in month.children() and week in quarter.weeks() and week in year.weeks()
    assert not month.prev().contains(week) and not month.next().contains(week)


@pytest.mark.parametrize(
    ("week", "fiscal_start", "quarter"),
    [
        (Week(2025, 27), 7, Quarter(2026, 1, 7)),  # Thursday 2025-07-03: July
        (Week(2025, 26), 7, Quarter(2025, 4, 7)),  # Thursday 2025-06-26: June
        (Week(2026, 14), 4, Quarter(2027, 1, 4)),  # Thursday 2026-04-02: April
    ],
)
def test_a_weeks_fiscal_quarter_follows_its_thursday(week, fiscal_start, quarter):
    assert week.fiscal_quarter(fiscal_start) == quarter
    assert week.fiscal_year(fiscal_start) == quarter.parent()


@pytest.mark.parametrize(
    ("month", "weeks"),
    [
        # Thursdays of April 2026: 2, 9, 16, 23, 30.
        (Month(2026, 4), ["2026-W14", "2026-W15", "2026-W16", "2026-W17", "2026-W18"]),
        # Thursdays of March 2026: 5, 12, 19, 26 (W14's Thursday is in April).
        (Month(2026, 3), ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]),
        # Thursdays of January 2026: 1, 8, 15, 22, 29 (W01 starts 2025-12-29).
        (Month(2026, 1), ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"]),
        # Thursdays of December 2026: 3, 10, 17, 24, 31.
        (Month(2026, 12), ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]),
        # Thursdays of December 2025: 4, 11, 18, 25 (2026-W01's Thursday is in January).
        (Month(2025, 12), ["2025-W49", "2025-W50", "2025-W51", "2025-W52"]),
        # The calendar ends 9999-12-31: 9999-W52 (Thursday the 30th) would run past it.
        (Month(9999, 12), ["9999-W48", "9999-W49", "9999-W50", "9999-W51"]),
    ],
)
def test_the_weeks_of_a_month(month, weeks):
    assert [str(week) for week in month.children()] == weeks
    assert month.weeks() == month.children()


@pytest.mark.parametrize(
    ("outer", "inner", "inside"),
    [
        (Quarter(2026, 2), Month(2026, 4), True),
        (Quarter(2026, 2), Month(2026, 7), False),
        (Year(2025, 7), Quarter(2025, 1, 7), True),
        (Year(2025, 7), Month(2024, 7), True),
        (Year(2025, 7), Month(2025, 7), False),
        (Year(2025, 7), Year(2025, 1), False),  # the calendar year straddles it
        (Month(2026, 3), Week(2026, 14), False),  # W14 starts 2026-03-30, Thursday in April
        (Year(2025), Week(2026, 1), False),  # W01 starts 2025-12-29, Thursday in 2026
        (Week(2026, 14), Week(2026, 14), True),
        (Week(2026, 14), Month(2026, 4), False),
        (Month(2026, 4), Month(2026, 4), True),
    ],
)
def test_contains_a_period(outer, inner, inside):
    assert outer.contains(inner) is inside


# --- elapsed --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "at", "expected"),
    [
        (Quarter(2026, 2), "2026-03-01", Decimal(0)),  # before the start
        (Quarter(2026, 2), "2026-04-01", Decimal(0)),  # first day: nothing has passed
        (Quarter(2026, 2), "2026-04-02", Decimal(1) / Decimal(91)),
        (Quarter(2026, 2), "2026-05-16", Decimal(45) / Decimal(91)),  # 30 April days + 15
        (Quarter(2026, 2), "2026-06-30", Decimal(90) / Decimal(91)),  # last day
        (Quarter(2026, 2), "2026-07-01", Decimal(1)),  # the day after the end
        (Quarter(2026, 2), "2027-01-01", Decimal(1)),
        (Year(2025, 7), "2025-01-01", Decimal(184) / Decimal(365)),  # Jul-Dec 2024
        (Month(2026, 2), "2026-02-15", Decimal(14) / Decimal(28)),
        (Week(2026, 53), "2026-12-31", Decimal(3) / Decimal(7)),  # Mon, Tue, Wed passed
        (Week(2026, 53), "2027-01-04", Decimal(1)),
    ],
)
def test_elapsed(period, at, expected):
    result = period.elapsed(D(at))
    assert isinstance(result, Decimal)
    assert result == expected


def test_elapsed_ignores_the_callers_decimal_context():
    expected = Decimal(45) / Decimal(91)  # 28 significant digits
    with localcontext() as ctx:
        ctx.prec = 3
        assert Quarter(2026, 2).elapsed(D("2026-05-16")) == expected


# --- stepping and the cascade ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "before", "after"),
    [
        (Year(2026), "2025", "2027"),
        (Year(2025, 7), "2024", "2026"),
        (Quarter(2026, 1), "2025-Q4", "2026-Q2"),
        (Quarter(2026, 4), "2026-Q3", "2027-Q1"),
        (Quarter(2025, 1, 7), "2024-Q4", "2025-Q2"),
        (Month(2026, 1), "2025-12", "2026-02"),
        (Month(2026, 12), "2026-11", "2027-01"),
        (Week(2026, 1), "2025-W52", "2026-W02"),
        (Week(2026, 53), "2026-W52", "2027-W01"),  # 2027-W01 starts 2027-01-04
        (Week(2021, 1), "2020-W53", "2021-W02"),
        (Week(2025, 52), "2025-W51", "2026-W01"),
    ],
)
def test_prev_and_next(period, before, after):
    fiscal_start = getattr(period, "fiscal_start", 1)
    assert period.prev() == parse(before, fiscal_start)
    assert period.next() == parse(after, fiscal_start)
    assert period.prev().end + timedelta(days=1) == period.start
    assert period.next().start == period.end + timedelta(days=1)


@pytest.mark.parametrize(
    "step",
    [
        lambda: Year(1900).prev(),
        lambda: Year(9999).next(),
        lambda: Quarter(1900, 1).prev(),
        lambda: Month(9999, 12).next(),
        lambda: Week(1900, 1).prev(),
        lambda: Week(9999, 51).next(),
        lambda: Month(1900, 3).parent(7),  # fiscal 1900 would begin in 1899
    ],
)
def test_stepping_out_of_the_supported_range_is_a_period_error(step):
    with pytest.raises(PeriodError):
        step()


@pytest.mark.parametrize(
    ("period", "parent", "children"),
    [
        (Year(2026), None, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
        (Year(2025, 7), None, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]),
        (Quarter(2026, 2), Year(2026), ["2026-04", "2026-05", "2026-06"]),
        (Quarter(2025, 1, 7), Year(2025, 7), ["2024-07", "2024-08", "2024-09"]),
        (Quarter(2025, 4, 4), Year(2025, 4), ["2025-01", "2025-02", "2025-03"]),
        (
            Month(2026, 4),
            Quarter(2026, 2),
            ["2026-W14", "2026-W15", "2026-W16", "2026-W17", "2026-W18"],
        ),
        (Week(2026, 14), Month(2026, 4), []),
    ],
)
def test_parent_and_children(period, parent, children):
    assert period.parent() == parent
    assert [str(child) for child in period.children()] == children
    fiscal_start = getattr(period, "fiscal_start", 1)
    for child in period.children():
        assert (child.parent(fiscal_start) if child.kind == "month" else child.parent()) == period


def test_months_of_a_fiscal_year():
    months = Year(2025, 7).months()
    assert [str(m) for m in months] == [
        "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
    ]  # fmt: skip
    assert Quarter(2025, 2, 7).months() == months[3:6]


def test_month_parent_depends_on_the_fiscal_start():
    assert Month(2024, 7).parent() == Quarter(2024, 3)
    assert Month(2024, 7).parent(7) == Quarter(2025, 1, 7)
    assert Month(2024, 7).parent(4) == Quarter(2025, 2, 4)
    assert Month(2024, 7).fiscal_year(7) == Year(2025, 7)


def test_periods_are_hashable_ordered_values():
    assert {Week(2026, 21), parse("2026-W21"), Week(2026, 22)} == {Week(2026, 21), Week(2026, 22)}
    assert sorted([Month(2026, 3), Month(2025, 12), Month(2026, 1)]) == [
        Month(2025, 12), Month(2026, 1), Month(2026, 3)
    ]  # fmt: skip
    assert Quarter(2025, 4) < Quarter(2026, 1)
    assert Year(2025, 7) != Year(2025)
    assert [p.kind for p in (Year(2026), Quarter(2026, 1), Month(2026, 1), Week(2026, 1))] == list(KINDS)
    assert isinstance(parse("2026-Q2"), Period)
    with pytest.raises(TypeError):
        Month(2026, 1) < Week(2026, 1)  # noqa: B015 - only the same kind is ordered
    with pytest.raises(AttributeError):
        Month(2026, 1).month = 2


# --- properties over the whole calendar ---------------------------------------------------------

FISCAL_STARTS = st.integers(1, 12)
# Every day in this window has a period of each kind for every fiscal start.
DAYS = st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31))
# Days whose periods of every kind also have a previous and a next one.
INNER_DAYS = st.dates(min_value=date(1902, 1, 1), max_value=date(9997, 12, 31))


def years(fiscal_start=FISCAL_STARTS):
    return st.builds(Year, st.integers(1901, 9999), fiscal_start)


def quarters(fiscal_start=FISCAL_STARTS):
    return st.builds(Quarter, st.integers(1901, 9999), st.integers(1, 4), fiscal_start)


def months():
    return st.builds(Month, st.integers(1900, 9999), st.integers(1, 12))


def weeks():
    return st.integers(1900, 9998).flatmap(lambda y: st.builds(Week, st.just(y), st.integers(1, weeks_in_year(y))))


PERIODS = st.one_of(years(), quarters(), months(), weeks())
INNER_PERIODS = st.builds(containing, st.sampled_from(KINDS), INNER_DAYS, FISCAL_STARTS)


@properties
@given(PERIODS)
def test_str_then_parse_gives_the_same_period(period):
    assert parse(str(period), getattr(period, "fiscal_start", 1)) == period
    assert parse(f" {str(period).lower()} ", getattr(period, "fiscal_start", 1)) == period


@properties
@given(INNER_DAYS, FISCAL_STARTS)
def test_every_day_is_in_exactly_one_period_of_each_kind(day, fiscal_start):
    for kind in KINDS:
        period = containing(kind, day, fiscal_start)
        assert period.kind == kind
        assert period.contains(day)
        assert not period.prev().contains(day)
        assert not period.next().contains(day)
    # The week of a day and the month of its Thursday agree with the fiscal helpers.
    week = week_of(day)
    assert week.fiscal_quarter(fiscal_start).contains(week)
    assert week.fiscal_year(fiscal_start) == year_of(week.thursday, fiscal_start)


@properties
@given(INNER_PERIODS)
def test_next_and_prev_undo_each_other_and_leave_no_gap(period):
    assert period.next().prev() == period
    assert period.prev().next() == period
    assert period.prev() < period < period.next()
    assert period.next().start == period.end + timedelta(days=1)


@properties
@given(st.one_of(years(), quarters()))
def test_children_tile_their_parent(period):
    children = period.children()
    assert children[0].start == period.start
    assert children[-1].end == period.end
    for left, right in zip(children, children[1:]):
        assert left.end + timedelta(days=1) == right.start
    assert all(period.contains(child) for child in children)
    assert sum(child.days for child in children) == period.days
    # Months of a year are the months of its quarters, in order.
    if period.kind == "year":
        assert all(quarter.parent() == period for quarter in children)
        assert period.months() == tuple(m for q in period.quarters() for m in q.months())
    else:
        assert all(m.parent(period.fiscal_start) == period for m in period.months())


@properties
@given(st.one_of(years(), quarters(), months()).filter(lambda p: 1900 < p.start.year < 9999))
def test_the_weeks_of_a_period_are_consecutive_and_held_by_their_thursday(period):
    found = period.weeks()
    assert found, "every period has at least one week"
    assert period.contains(found[0].thursday) and period.contains(found[-1].thursday)
    assert not period.contains(found[0].prev()) and not period.contains(found[-1].next())
    for left, right in zip(found, found[1:]):
        assert left.next() == right
    if period.kind == "month":
        assert len(found) in (4, 5)
        assert found == period.children()


@properties
@given(weeks())
def test_every_weeks_thursday_is_inside_its_parent_month(week):
    month = week.parent()
    assert month.contains(week.thursday)
    assert week in month.children()
    assert week.start.weekday() == 0 and week.days == 7


@properties
@given(PERIODS, DAYS, DAYS)
def test_elapsed_is_monotone_and_between_0_and_1(period, a, b):
    early, late = sorted((a, b))
    assert Decimal(0) <= period.elapsed(early) <= period.elapsed(late) <= Decimal(1)
    if late <= period.start:
        assert period.elapsed(late) == 0
    if early > period.end:
        assert period.elapsed(early) == 1


@properties
@given(
    st.one_of(
        st.text(st.characters(exclude_categories=())),  # surrogates and NULs too
        st.from_regex(r"\s*[0-9]{1,6}(-([QqWw]?[0-9]{0,3})?)?\s*", fullmatch=True),
        st.sampled_from([str(p) for p in (Year(2026), Quarter(2026, 2), Week(2026, 53))]).map(lambda s: s + "\x00"),
    ),
    FISCAL_STARTS,
)
def test_any_text_parses_or_raises_period_error(text, fiscal_start):
    try:
        period = parse(text, fiscal_start)
    except PeriodError as error:
        assert str(error)
    else:
        assert str(period) == text.strip().upper()
