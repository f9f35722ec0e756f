"""Planning periods as values: fiscal years and quarters, calendar months, ISO weeks.

Parsing and printing their text forms, date ranges, elapsed fractions and the calendar
arithmetic between them belong here; nothing here touches Flask or the database.

Text forms (also used in URLs and the plan document):

====================  ==========  =====================================================
text                  kind        meaning
====================  ==========  =====================================================
``2026``              year        fiscal year 2026 (the calendar year it ends in)
``2026-Q2``           quarter     second quarter of fiscal year 2026
``2026-H1``           half        first half of fiscal year 2026 (Q1 and Q2); reviews only:
                                  :func:`parse` reads it when asked with ``halves=True``
``2026-05``           month       calendar month May 2026
``2026-W21``          week        ISO week 21 of ISO year 2026 (Monday to Sunday)
====================  ==========  =====================================================

Rules every function here follows:

* **Fiscal years.** ``fiscal_start`` is the month (1-12) a fiscal year starts in. A fiscal
  year is named by the calendar year in which it *ends*: with ``fiscal_start=7``, ``2025``
  runs 2024-07-01 to 2025-06-30 and ``2025-Q1`` is July-September 2024. ``fiscal_start=1``
  (the default) gives calendar years. Months and ISO weeks are always calendar ones, so they
  carry no ``fiscal_start``; their fiscal quarter and year take it as an argument. The
  methods are ``fiscal_quarter()`` and ``fiscal_year()`` because ``year`` and ``quarter``
  are already the int fields (``Week(2026, 21).year == 2026``).
* **Weeks belong by their Thursday** (the ISO 8601 rule). A week that straddles two months,
  quarters or years belongs to the one holding its Thursday: 2026-W14 (Mon 2026-03-30 to Sun
  2026-04-05) belongs to April and Q2; 2026-W01 (2025-12-29 to 2026-01-04) belongs to 2026;
  2026-W53 (2026-12-28 to 2027-01-03) belongs to December 2026 and Q4.
* **Ranges are inclusive**: ``start`` and ``end`` are both days of the period.
* **Elapsed** is the fraction of the period's days that have passed at the *start* of the
  given day, as a Decimal: 0 on or before the first day, ``(days - 1) / days`` on the last
  day, 1 from the day after the end on.
* **Supported range.** Every period lies within 1900-01-01 to 9999-12-31 and is named by a
  year from 1900 to 9999. So ISO week 9999-W52 (which would end on 10000-01-02) and, for a
  fiscal start after January, fiscal year 1900 (which would begin in 1899) do not exist here;
  ``prev``, ``next`` and ``parent`` raise ``PeriodError`` where they would leave the range.
* Bad values raise :class:`PeriodError` (a ``ValueError``) with a message naming the problem;
  arguments of the wrong type raise ``TypeError``. :func:`parse` raises nothing but
  ``PeriodError`` for any ``str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import ClassVar, TypeAlias

__all__ = [
    "FIRST_DAY",
    "Half",
    "KINDS",
    "LAST_DAY",
    "MAX_YEAR",
    "MIN_YEAR",
    "served",
    "Month",
    "Period",
    "PeriodError",
    "Quarter",
    "Week",
    "Year",
    "containing",
    "half_of",
    "month_of",
    "parse",
    "quarter_of",
    "week_of",
    "weeks_in_year",
    "year_of",
]

MIN_YEAR = 1900
MAX_YEAR = 9999
FIRST_DAY = date(MIN_YEAR, 1, 1)
LAST_DAY = date(MAX_YEAR, 12, 31)
KINDS = ("year", "quarter", "month", "week")

# Elapsed fractions are computed in a context of our own, so a caller's decimal settings
# (precision, traps) cannot change the numbers a rollup shows.
_DECIMAL = Context(prec=28, rounding=ROUND_HALF_EVEN)

# Longer input is refused before any other work: no period text comes near it.
_MAX_TEXT = 64

_EXPECTED = "expected a year (2026), quarter (2026-Q2), month (2026-05) or ISO week (2026-W21)"

_PATTERN = re.compile(
    r"(?P<year>[0-9]+)(?:-(?:(?P<q>[Qq])(?P<quarter>[0-9]+)|(?P<w>[Ww])(?P<week>[0-9]+)"
    r"|(?P<h>[Hh])(?P<half>[0-9]+)|(?P<month>[0-9]+)))?",
    re.ASCII,
)


class PeriodError(ValueError):
    """A period text or value that names no period (the message says why)."""


# --- validation helpers -------------------------------------------------------------------


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _check_year(value: object, name: str = "year") -> int:
    year = _check_int(name, value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"{name} {year} is outside the supported years {MIN_YEAR} to {MAX_YEAR}")
    return year


def _check_fiscal_start(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PeriodError(f"fiscal_start must be a month number 1 to 12, not {value!r}")
    if not 1 <= value <= 12:
        raise PeriodError(f"fiscal_start must be a month number 1 to 12, not {value}")
    return value


def _as_date(value: object) -> date:
    # A datetime is a date too; compare by its calendar day, not its time.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, not {type(value).__name__}")


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _month_end(year: int, month: int) -> date:
    next_year, next_month = _add_months(year, month, 1)
    if next_year > MAX_YEAR:
        return date(MAX_YEAR, 12, 31)
    return date(next_year, next_month, 1) - timedelta(days=1)


def _fiscal_year_start(year: int, fiscal_start: int) -> tuple[int, int]:
    """(calendar year, month) on which fiscal year ``year`` begins."""
    return (year if fiscal_start == 1 else year - 1), fiscal_start


def _check_first_day(year: int, fiscal_start: int) -> None:
    # A fiscal year named 1900 that starts after January begins in 1899: out of range. Its
    # quarters go with it, even the ones inside 1900, so every quarter has a year.
    first = _month_start(*_fiscal_year_start(year, fiscal_start))
    if first < FIRST_DAY:
        raise PeriodError(
            f"fiscal year {year} (fiscal_start={fiscal_start}) would begin on "
            f"{first.isoformat()}, before {FIRST_DAY.isoformat()}, the first supported day"
        )


def _thursday(monday: date) -> date:
    return monday + timedelta(days=3)


# --- shared behaviour ---------------------------------------------------------------------


class _PeriodBase:
    """What every kind of period can do, given ``start`` and ``end``."""

    __slots__ = ()

    kind: ClassVar[str]
    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, item: date | Period) -> bool:
        """Whether a day or a period lies in this period.

        A day is inside when ``start <= day <= end``. A week is inside when its Thursday is
        (the ISO rule), so 2026-W14 is in April 2026 and not in March. Any other period is
        inside when its whole range is.
        """
        if isinstance(item, Week):
            return self.start <= item.thursday <= self.end
        if isinstance(item, _PeriodBase):
            return self.start <= item.start and item.end <= self.end
        day = _as_date(item)
        return self.start <= day <= self.end

    def elapsed(self, at: date) -> Decimal:
        """Fraction of the period's days that have passed at the start of day ``at``.

        ``clamp((at - start).days, 0, days) / days``: 0 on or before the first day,
        ``(days - 1) / days`` on the last day, 1 after the end. 2026-Q2 (91 days) at
        2026-05-16 is 45/91: April's 30 days and May 1-15 have passed.
        """
        passed = (_as_date(at) - self.start).days
        passed = min(max(passed, 0), self.days)
        return _DECIMAL.divide(Decimal(passed), Decimal(self.days))

    def weeks(self) -> tuple[Week, ...]:
        """The ISO weeks whose Thursday falls in this period, in order."""
        monday = self.start - timedelta(days=self.start.weekday())
        if _thursday(monday) < self.start:
            monday += timedelta(days=7)
        found = []
        while _thursday(monday) <= self.end:
            iso = monday.isocalendar()
            try:
                found.append(Week(iso.year, iso.week))
            except PeriodError:
                # Only 9999-W52 can fail here: it would end after the last supported day.
                break
            monday += timedelta(days=7)
        return tuple(found)


# --- the four kinds -----------------------------------------------------------------------


@dataclass(frozen=True, order=True, slots=True)
class Year(_PeriodBase):
    """A fiscal year, named by the calendar year in which it ends.

    ``Year(2025, fiscal_start=7)`` runs 2024-07-01 to 2025-06-30; ``Year(2026)`` is the
    calendar year 2026. Ordering compares years of the same ``fiscal_start``.
    """

    year: int
    fiscal_start: int = 1

    kind: ClassVar[str] = "year"

    def __post_init__(self) -> None:
        _check_year(self.year)
        _check_fiscal_start(self.fiscal_start)
        _check_first_day(self.year, self.fiscal_start)

    def __str__(self) -> str:
        return f"{self.year:04d}"

    @property
    def start(self) -> date:
        return _month_start(*_fiscal_year_start(self.year, self.fiscal_start))

    @property
    def end(self) -> date:
        year, month = _fiscal_year_start(self.year, self.fiscal_start)
        return _month_end(*_add_months(year, month, 11))

    def prev(self) -> Year:
        return Year(self.year - 1, self.fiscal_start)

    def next(self) -> Year:
        return Year(self.year + 1, self.fiscal_start)

    def parent(self) -> None:
        """A year is the top of the cascade."""
        return None

    def children(self) -> tuple[Quarter, ...]:
        """Its four fiscal quarters."""
        return self.quarters()

    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(Quarter(self.year, q, self.fiscal_start) for q in range(1, 5))

    def halves(self) -> tuple[Half, ...]:
        return (Half(self.year, 1, self.fiscal_start), Half(self.year, 2, self.fiscal_start))

    def months(self) -> tuple[Month, ...]:
        """Its twelve calendar months, from the fiscal start month on."""
        year, month = _fiscal_year_start(self.year, self.fiscal_start)
        return tuple(Month(*_add_months(year, month, i)) for i in range(12))


@dataclass(frozen=True, order=True, slots=True)
class Quarter(_PeriodBase):
    """Quarter 1-4 of a fiscal year: three calendar months from the fiscal start on.

    ``Quarter(2025, 1, fiscal_start=7)`` is July-September 2024.
    """

    year: int
    quarter: int
    fiscal_start: int = 1

    kind: ClassVar[str] = "quarter"

    def __post_init__(self) -> None:
        _check_year(self.year)
        quarter = _check_int("quarter", self.quarter)
        if not 1 <= quarter <= 4:
            raise PeriodError(f"quarter must be 1 to 4, not {quarter}")
        _check_fiscal_start(self.fiscal_start)
        _check_first_day(self.year, self.fiscal_start)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"

    def _first_month(self) -> tuple[int, int]:
        year, month = _fiscal_year_start(self.year, self.fiscal_start)
        return _add_months(year, month, 3 * (self.quarter - 1))

    @property
    def start(self) -> date:
        return _month_start(*self._first_month())

    @property
    def end(self) -> date:
        return _month_end(*_add_months(*self._first_month(), 2))

    def prev(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4, self.fiscal_start)
        return Quarter(self.year, self.quarter - 1, self.fiscal_start)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1, self.fiscal_start)
        return Quarter(self.year, self.quarter + 1, self.fiscal_start)

    def parent(self) -> Year:
        """The fiscal year it belongs to."""
        return self.fiscal_year()

    def fiscal_year(self) -> Year:
        return Year(self.year, self.fiscal_start)

    def children(self) -> tuple[Month, ...]:
        """Its three calendar months."""
        return self.months()

    def months(self) -> tuple[Month, ...]:
        first = self._first_month()
        return tuple(Month(*_add_months(*first, i)) for i in range(3))


@dataclass(frozen=True, order=True, slots=True)
class Half(_PeriodBase):
    """Half 1 or 2 of a fiscal year: its first or last two quarters (six calendar months).

    ``Half(2026, 1)`` is January-June 2026; ``Half(2025, 2, fiscal_start=7)`` is January-June
    2025. Only reviews use halves, so :func:`parse` reads them on request (``halves=True``).
    """

    year: int
    half: int
    fiscal_start: int = 1

    kind: ClassVar[str] = "half"

    def __post_init__(self) -> None:
        _check_year(self.year)
        half = _check_int("half", self.half)
        if half not in (1, 2):
            raise PeriodError(f"half must be 1 or 2, not {half}")
        _check_fiscal_start(self.fiscal_start)
        _check_first_day(self.year, self.fiscal_start)

    def __str__(self) -> str:
        return f"{self.year:04d}-H{self.half}"

    @property
    def start(self) -> date:
        return self.quarters()[0].start

    @property
    def end(self) -> date:
        return self.quarters()[1].end

    def prev(self) -> Half:
        if self.half == 1:
            return Half(self.year - 1, 2, self.fiscal_start)
        return Half(self.year, 1, self.fiscal_start)

    def next(self) -> Half:
        if self.half == 2:
            return Half(self.year + 1, 1, self.fiscal_start)
        return Half(self.year, 2, self.fiscal_start)

    def parent(self) -> Year:
        return self.fiscal_year()

    def fiscal_year(self) -> Year:
        return Year(self.year, self.fiscal_start)

    def children(self) -> tuple[Quarter, ...]:
        return self.quarters()

    def quarters(self) -> tuple[Quarter, ...]:
        """Its two fiscal quarters: Q1 and Q2, or Q3 and Q4."""
        first = 2 * self.half - 1
        return (Quarter(self.year, first, self.fiscal_start), Quarter(self.year, first + 1, self.fiscal_start))


@dataclass(frozen=True, order=True, slots=True)
class Month(_PeriodBase):
    """A calendar month. Its quarter and year depend on the fiscal start, passed in."""

    year: int
    month: int

    kind: ClassVar[str] = "month"

    def __post_init__(self) -> None:
        _check_year(self.year)
        month = _check_int("month", self.month)
        if not 1 <= month <= 12:
            raise PeriodError(f"month must be 01 to 12, not {month:02d}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return _month_end(self.year, self.month)

    def prev(self) -> Month:
        return Month(*_add_months(self.year, self.month, -1))

    def next(self) -> Month:
        return Month(*_add_months(self.year, self.month, 1))

    def parent(self, fiscal_start: int = 1) -> Quarter:
        """The fiscal quarter holding this month."""
        return self.fiscal_quarter(fiscal_start)

    def fiscal_quarter(self, fiscal_start: int = 1) -> Quarter:
        return quarter_of(self.start, fiscal_start)

    def fiscal_year(self, fiscal_start: int = 1) -> Year:
        return year_of(self.start, fiscal_start)

    def children(self) -> tuple[Week, ...]:
        """The ISO weeks whose Thursday falls in this month (four or five)."""
        return self.weeks()


@dataclass(frozen=True, order=True, slots=True)
class Week(_PeriodBase):
    """An ISO 8601 week, Monday to Sunday, named by its ISO year and number.

    The ISO year is the calendar year of the week's Thursday, so 2026-W01 starts on
    2025-12-29. A week belongs to the month, quarter and year that hold its Thursday.
    """

    year: int
    week: int

    kind: ClassVar[str] = "week"

    def __post_init__(self) -> None:
        _check_year(self.year, "ISO year")
        week = _check_int("week", self.week)
        if not 1 <= week <= 53:
            raise PeriodError(f"week must be 01 to 53, not {week:02d}")
        if week > weeks_in_year(self.year):
            raise PeriodError(f"ISO year {self.year} has no week 53 (it has 52 weeks)")
        try:
            self.start + timedelta(days=6)
        except OverflowError:
            raise PeriodError(f"{self} would end after {LAST_DAY.isoformat()}, the last supported day") from None

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def thursday(self) -> date:
        """The day that decides which month, quarter and year the week belongs to."""
        return _thursday(self.start)

    def prev(self) -> Week:
        return week_of(self.start - timedelta(days=7))

    def next(self) -> Week:
        try:
            monday = self.start + timedelta(days=7)
        except OverflowError:
            raise PeriodError(f"the week after {self} is outside the supported dates") from None
        return week_of(monday)

    def parent(self) -> Month:
        """The calendar month holding the week's Thursday."""
        return month_of(self.thursday)

    def fiscal_quarter(self, fiscal_start: int = 1) -> Quarter:
        """The fiscal quarter holding the week's Thursday."""
        return quarter_of(self.thursday, fiscal_start)

    def fiscal_year(self, fiscal_start: int = 1) -> Year:
        """The fiscal year holding the week's Thursday."""
        return year_of(self.thursday, fiscal_start)

    def children(self) -> tuple[()]:
        """A week is the bottom of the cascade."""
        return ()

    def weeks(self) -> tuple[Week, ...]:
        return (self,)


Period: TypeAlias = Year | Quarter | Month | Week
"""Any period value; ``isinstance(x, Period)`` works too."""


# --- from dates -----------------------------------------------------------------------------


def year_of(d: date, fiscal_start: int = 1) -> Year:
    """The fiscal year holding day ``d``: the calendar year it ends in."""
    d = _as_date(d)
    fiscal_start = _check_fiscal_start(fiscal_start)
    ends_next_year = fiscal_start != 1 and d.month >= fiscal_start
    return Year(d.year + ends_next_year, fiscal_start)


def quarter_of(d: date, fiscal_start: int = 1) -> Quarter:
    """The fiscal quarter holding day ``d``: months counted from the fiscal start, in threes."""
    fiscal_year = year_of(d, fiscal_start)
    offset = (_as_date(d).month - fiscal_start) % 12
    return Quarter(fiscal_year.year, offset // 3 + 1, fiscal_start)


def half_of(d: date, fiscal_start: int = 1) -> Half:
    """The fiscal half-year holding day ``d``: quarters 1-2 are half 1, quarters 3-4 half 2."""
    q = quarter_of(d, fiscal_start)
    return Half(q.year, 1 if q.quarter <= 2 else 2, fiscal_start)


def month_of(d: date) -> Month:
    """The calendar month holding day ``d``."""
    d = _as_date(d)
    return Month(d.year, d.month)


def week_of(d: date) -> Week:
    """The ISO week holding day ``d`` (its ISO year may differ from ``d.year``)."""
    iso = _as_date(d).isocalendar()
    return Week(iso.year, iso.week)


def containing(kind: str, d: date, fiscal_start: int = 1) -> Period:
    """The period of ``kind`` ('year', 'quarter', 'month' or 'week') holding day ``d``."""
    if kind == "year":
        return year_of(d, fiscal_start)
    if kind == "quarter":
        return quarter_of(d, fiscal_start)
    _check_fiscal_start(fiscal_start)
    if kind == "month":
        return month_of(d)
    if kind == "week":
        return week_of(d)
    raise PeriodError(f"unknown period kind {kind!r}: expected one of {', '.join(KINDS)}")


def weeks_in_year(iso_year: int) -> int:
    """52 or 53: an ISO year has week 53 when 28 December falls in it (e.g. 2020, 2026)."""
    _check_year(iso_year, "ISO year")
    return date(iso_year, 12, 28).isocalendar().week


# --- text -------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    # repr escapes NULs and lone surrogates, so the message is always printable.
    if len(text) > 20:
        return repr(text[:20]) + "..."
    return repr(text)


def served(period: Period) -> bool:
    """Whether pages show ``period``: it lies within the years MIN_YEAR + 1 to MAX_YEAR - 1, so
    every period a page links to or compares with (the one before and after, last year's) exists
    too. A period of the first or last supported year is a 404 on every page, not an error
    halfway through drawing one; plan documents and the CLI still accept the whole range."""
    return period.start.year > MIN_YEAR and period.end.year < MAX_YEAR


def parse(text: str, fiscal_start: int = 1, *, halves: bool = False) -> Period | Half:
    """Read a period's text form: ``2026``, ``2026-Q2``, ``2026-05`` or ``2026-W21``, and
    ``2026-H1`` or ``2026-H2`` when ``halves`` is asked for (the reviews; no plan item lives in
    a half-year, so every other reader refuses one as it refuses any unknown text).

    Surrounding whitespace and a lower-case ``q`` or ``w`` are accepted; otherwise the text
    must be the canonical form that ``str(period)`` gives (four-digit year, two-digit month
    and week). ``fiscal_start`` names the fiscal year for years and quarters. Raises
    ``PeriodError`` with the reason for any other string.
    """
    if not isinstance(text, str):
        raise TypeError(f"period text must be a str, not {type(text).__name__}")
    fiscal_start = _check_fiscal_start(fiscal_start)
    if len(text) > _MAX_TEXT:
        raise PeriodError(f"period text is too long ({len(text)} characters): {_EXPECTED}")
    stripped = text.strip()
    if not stripped:
        raise PeriodError(f"period is empty: {_EXPECTED}")
    match = _PATTERN.fullmatch(stripped)
    if match is None:
        raise PeriodError(f"{_quote(text)} is not a period: {_EXPECTED}")

    quoted = _quote(stripped)
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"{quoted}: year {year} is outside {MIN_YEAR} to {MAX_YEAR}")
    if len(match["year"]) != 4:
        raise PeriodError(f"{quoted}: write the year with four digits, as in 2026")

    try:
        if match["quarter"] is not None:
            _check_part("quarter", match["quarter"], 1, 4, "Q1 to Q4")
            return Quarter(year, int(match["quarter"]), fiscal_start)
        if match["half"] is not None:
            if not halves:
                raise PeriodError(f"a half-year is not a planning period: {_EXPECTED}")
            _check_part("half-year", match["half"], 1, 2, "H1 to H2")
            return Half(year, int(match["half"]), fiscal_start)
        if match["week"] is not None:
            _check_part("week", match["week"], 2, 53, "W01 to W53")
            return Week(year, int(match["week"]))
        if match["month"] is not None:
            _check_part("month", match["month"], 2, 12, "01 to 12")
            return Month(year, int(match["month"]))
        return Year(year, fiscal_start)
    except PeriodError as error:
        raise PeriodError(f"{quoted}: {error}") from None


def _check_part(name: str, digits: str, width: int, highest: int, span: str) -> None:
    number = int(digits)
    if not 1 <= number <= highest:
        raise PeriodError(f"there is no {name} {number}: {name}s run {span}")
    if len(digits) != width:
        raise PeriodError(f"write the {name} as {span}")
