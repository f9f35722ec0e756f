"""The budget's rules as pure functions: money, returns, cost, ROI, variance, the straight-line
forecast, the cumulative burn and the checks every amount passes. Values in, values out.

Money is a Decimal with two places (:func:`money`); rates (ROI, variance %) are Decimals rounded
to four places. No Flask, no database: the pages, the importer and the tests share these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
RATE = Decimal("0.0001")
ZERO = Decimal("0.00")
#: The largest amount a budget line, cost, spend or return input may hold: a trillion. Anything
#: above is a typo (or an attack), not a budget; it also keeps every sum inside NUMERIC(16, 2).
MAX_AMOUNT = Decimal("1000000000000")
#: The largest count of users or impressions (a hundred billion).
MAX_COUNT = Decimal("100000000000")
RETURN_KINDS = ("direct", "indirect", "brand", "other")


class MoneyError(ValueError):
    """An amount that is not money: ``code`` says why (a message code the web layer words)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def money(value) -> Decimal:
    """A Decimal with exactly two places, rounded half up: ``money(1) == Decimal("1.00")``."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def check_money(value, *, allow_negative: bool = False, allow_zero: bool = True) -> Decimal:
    """An amount as entered, checked: finite, at most two decimal places, not negative (unless
    ``allow_negative``: an adjustment may cut), not zero when ``allow_zero`` is false, and not
    above :data:`MAX_AMOUNT` in size. Raises :class:`MoneyError` with one of the codes
    ``not_a_number``, ``too_many_places``, ``negative``, ``zero``, ``too_large``.
    """
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise MoneyError("not_a_number") from None
    if not d.is_finite():
        raise MoneyError("not_a_number")
    if abs(d) > MAX_AMOUNT:
        raise MoneyError("too_large")
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyError("too_many_places")
    if d < 0 and not allow_negative:
        raise MoneyError("negative")
    if d == 0 and not allow_zero:
        raise MoneyError("zero")
    return money(d)


def check_margin(value) -> Decimal:
    """A margin is a fraction from 0 to 1 (20% is 0.2). Codes: ``not_a_number``, ``margin_range``."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise MoneyError("not_a_number") from None
    if not d.is_finite():
        raise MoneyError("not_a_number")
    if not Decimal(0) <= d <= Decimal(1):
        raise MoneyError("margin_range")
    return d


def check_count(value) -> Decimal:
    """A count of users or impressions: a whole number from 0 to :data:`MAX_COUNT`."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise MoneyError("not_a_number") from None
    if not d.is_finite():
        raise MoneyError("not_a_number")
    if d < 0:
        raise MoneyError("negative")
    if d > MAX_COUNT:
        raise MoneyError("too_large")
    if d != d.to_integral_value():
        raise MoneyError("whole_number")
    return d.quantize(Decimal(1))


# --- returns, cost, ROI ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnIn:
    """One return of a project as stored: its kind, its inputs and/or a plain amount."""

    kind: str
    gmv: Decimal | None = None
    margin: Decimal | None = None
    users: Decimal | None = None
    ltv: Decimal | None = None
    impressions: Decimal | None = None
    cpm: Decimal | None = None
    amount: Decimal | None = None


def return_amount(r: ReturnIn) -> Decimal:
    """The money a return stands for, to the cent.

    - a plain ``amount`` wins whatever the kind;
    - ``direct`` = GMV × margin (5,000,000 × 0.2 = 1,000,000);
    - ``indirect`` = new users × LTV (5,000 × 200 = 1,000,000);
    - ``brand`` = impressions ÷ 1000 × CPM (30,000,000 ÷ 1000 × 30 = 900,000);
    - ``other`` without an amount, or missing inputs: 0.
    """
    if r.amount is not None:
        return money(r.amount)
    if r.kind == "direct" and r.gmv is not None and r.margin is not None:
        return money(Decimal(r.gmv) * Decimal(r.margin))
    if r.kind == "indirect" and r.users is not None and r.ltv is not None:
        return money(Decimal(r.users) * Decimal(r.ltv))
    if r.kind == "brand" and r.impressions is not None and r.cpm is not None:
        return money(Decimal(r.impressions) / 1000 * Decimal(r.cpm))
    return ZERO


def total_returns(returns: Iterable[ReturnIn]) -> Decimal:
    """The sum of a project's returns (:func:`return_amount` of each)."""
    return money(sum((return_amount(r) for r in returns), ZERO))


def cost(planned: Decimal, actual: Decimal, has_spend: bool) -> Decimal:
    """A project's cost: its actual spend when any spend was recorded, else its planned cost."""
    return money(actual if has_spend else planned)


def roi(returns: Decimal, cost_: Decimal) -> Decimal | None:
    """ROI = (returns − cost) ÷ cost, to four places; None when the cost is 0.

    (2,900,000 − 1,000,000) ÷ 1,000,000 = 1.9, shown as 190%.
    """
    c = Decimal(cost_)
    if c == 0:
        return None
    return ((Decimal(returns) - c) / c).quantize(RATE, rounding=ROUND_HALF_UP)


# --- variance, forecast, burn ---------------------------------------------------------------


@dataclass(frozen=True)
class Variance:
    """actual − planned (positive: over plan) and that as a fraction of planned (None when
    nothing was planned)."""

    amount: Decimal
    fraction: Decimal | None

    @property
    def over(self) -> bool:
        return self.amount > 0


def variance(planned: Decimal, actual: Decimal) -> Variance:
    """Variance = actual − planned; variance % = (actual − planned) ÷ planned (None for planned 0).

    Planned 100,000, actual 112,500 → +12,500 and +0.125 (12.5% over).
    """
    amount = money(Decimal(actual) - Decimal(planned))
    if Decimal(planned) == 0:
        return Variance(amount, None)
    return Variance(amount, (amount / Decimal(planned)).quantize(RATE, rounding=ROUND_HALF_UP))


def forecast(actual_to_date: Decimal, elapsed: Decimal) -> Decimal | None:
    """Straight-line forecast to the period's end: actual so far ÷ elapsed fraction.

    Spent 30,000 when 3/10 of the period has passed → 100,000 by its end. A period that has
    ended (elapsed 1) forecasts what was spent; one that has not started (elapsed 0) has no
    forecast (None).
    """
    e = Decimal(elapsed)
    if e <= 0:
        return None
    if e >= 1:
        return money(actual_to_date)
    return money(Decimal(actual_to_date) / e)


def overspend(planned: Decimal, amount: Decimal | None) -> bool:
    """Whether ``amount`` (an actual or a forecast) goes past ``planned``."""
    return amount is not None and Decimal(amount) > Decimal(planned)


def cumulative(values: Sequence[Decimal]) -> list[Decimal]:
    """Running totals: [10, 20, 5] → [10, 30, 35]."""
    out, total = [], ZERO
    for v in values:
        total = money(total + Decimal(v))
        out.append(total)
    return out


def months_total(months: Mapping[str, Decimal], wanted: Iterable[str]) -> Decimal:
    """The planned amount of the months in ``wanted`` ("2026-04", …)."""
    return money(sum((Decimal(months.get(m, 0)) for m in wanted), ZERO))


def rank_by_roi(items: Iterable, key=lambda x: x.roi) -> list:
    """Highest ROI first; items without an ROI (no cost) last, in their given order."""
    items = list(items)
    with_roi = sorted((i for i in items if key(i) is not None), key=lambda i: key(i), reverse=True)
    return with_roi + [i for i in items if key(i) is None]


def percent(fraction: Decimal | None) -> str:
    """A fraction as people read a percentage: 1.9 → "190%", 0.125 → "12.5%", None → "—"."""
    if fraction is None:
        return "—"
    p = (Decimal(fraction) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = format(p.normalize(), "f") if p != p.to_integral_value() else str(p.to_integral_value())
    return f"{text}%"


def grouped(amount: Decimal | None) -> str:
    """Money with thousands separators: 1000000 → "1,000,000.00"; None → "—"."""
    if amount is None:
        return "—"
    return f"{money(amount):,.2f}"
