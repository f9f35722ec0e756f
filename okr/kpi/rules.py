"""The KPI rules as pure functions: a value's severity, a KPI's status and whether it met its
target in a period, the metric tree's checks, and the trend. Values in, values out.

Every comparison is exact: numbers are Decimal, and the sudden-change test compares squares of
Fractions, so a value on a boundary lands on the side the rule says, never by rounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from okr.core import kinds
from okr.plans.rules import would_cycle

LEVELS = kinds.KPI_LEVELS
DIRECTIONS = kinds.KPI_DIRECTIONS
FREQUENCIES = kinds.KPI_FREQUENCIES

NORMAL, WARNING, CRITICAL = "normal", "warning", "critical"
CRITICAL_RANGE, NORMAL_RANGE, SUDDEN_CHANGE = "critical_range", "normal_range", "sudden_change"
STALE, NO_DATA = "stale", "no_data"
#: Statuses from the worst to the best (boards sort and count them in this order).
STATUS_ORDER = kinds.KPI_STATUSES
HIGHER, LOWER, BAND = "higher", "lower", "band"

#: How many earlier values the sudden-change test looks at, and how far from their mean (in
#: population standard deviations) a value must lie to be sudden.
WINDOW = 8
SIGMAS = 3

#: A normal value older than this many days (two intervals of the KPI's frequency) is stale.
STALE_AFTER_DAYS = {"daily": 2, "weekly": 14, "monthly": 62}

# Codes of the tree and range checks (the web layer words them through the catalogs).
LEVEL_ABOVE_PARENT = "level_above_parent"
PARENT_CYCLE = "parent_cycle"
MIN_ABOVE_MAX = "min_above_max"
CRITICAL_INSIDE_NORMAL = "critical_inside_normal"


@dataclass(frozen=True)
class Range:
    """A closed range ``[low, high]``; a bound that is None leaves that side open.

    A value equal to a bound is inside: ``Range(10, 20).contains(20)`` is True.
    """

    low: Decimal | None = None
    high: Decimal | None = None

    def contains(self, value: Decimal) -> bool:
        """``(low is None or value >= low) and (high is None or value <= high)``."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class Verdict:
    """A value's severity (``normal``, ``warning``, ``critical``) and the rule that gave it
    (``critical_range``, ``normal_range``, ``sudden_change``; None when normal)."""

    severity: str
    rule: str | None = None


NORMAL_VERDICT = Verdict(NORMAL, None)


def _scaled(values: Sequence[Decimal]) -> list[int] | None:
    """The values times 10^6 as integers (exact: values keep at most 6 places), or None when one
    has more places, so the test below can run on integers."""
    out = []
    for x in values:
        n = Decimal(x).scaleb(6)
        if n != n.to_integral_value():
            return None
        out.append(int(n))
    return out


def _sudden(v: int | Fraction, window: Sequence[int | Fraction]) -> bool:
    # With S = Σx over the 8 values: mean = S/8 and 64σ² = 8Σx² − S², so
    # |v − mean| > 3σ  ⇔  (8v − S)² > 9(8Σx² − S²), all in integers (or Fractions).
    total = sum(window)
    spread = WINDOW * sum(x * x for x in window) - total * total
    if spread <= 0:
        return False
    return (WINDOW * v - total) ** 2 > SIGMAS**2 * spread


def sudden_change(value: Decimal, previous: Sequence[Decimal]) -> bool:
    """Whether ``value`` jumps away from the ``WINDOW`` values before it.

    With ``prev`` the last 8 earlier values (fewer than 8 → False), ``mean = Σprev / 8`` and the
    population deviation ``σ = sqrt(Σ(x − mean)² / 8)``: True when ``σ > 0`` and
    ``|value − mean| > 3σ``, tested exactly as ``(8·value − Σprev)² > 9·(8·Σx² − (Σprev)²)``.
    """
    if len(previous) < WINDOW:
        return False
    window = list(previous[-WINDOW:])
    scaled = _scaled([*window, value])
    if scaled is None:
        return _sudden(Fraction(value), [Fraction(x) for x in window])
    return _sudden(scaled[-1], scaled[:-1])


def severity(value: Decimal, *, normal: Range, critical: Range, previous: Sequence[Decimal] = ()) -> Verdict:
    """The severity of one value, the first rule that applies:

    1. ``critical`` (rule ``critical_range``) when outside the critical range: strictly below its
       min or strictly above its max;
    2. ``warning`` (rule ``normal_range``) when outside the normal range, likewise;
    3. ``warning`` (rule ``sudden_change``) when at least 8 earlier values exist and
       :func:`sudden_change` holds against the last 8 of them (``previous`` is in date order);
    4. otherwise ``normal``.
    """
    if not critical.contains(value):
        return Verdict(CRITICAL, CRITICAL_RANGE)
    if not normal.contains(value):
        return Verdict(WARNING, NORMAL_RANGE)
    if sudden_change(value, previous):
        return Verdict(WARNING, SUDDEN_CHANGE)
    return NORMAL_VERDICT


def severities(values: Sequence[Decimal], *, normal: Range, critical: Range, skip: int = 0) -> list[Verdict]:
    """The verdict of every value of a series in date order, each against the values before it
    (as :func:`severity`); the first ``skip`` values only serve as history and get no verdict."""
    scaled = _scaled(values)
    out = []
    for i in range(skip, len(values)):
        v = values[i]
        if not critical.contains(v):
            out.append(Verdict(CRITICAL, CRITICAL_RANGE))
        elif not normal.contains(v):
            out.append(Verdict(WARNING, NORMAL_RANGE))
        elif i >= WINDOW and (
            _sudden(scaled[i], scaled[i - WINDOW : i])
            if scaled is not None
            else sudden_change(v, values[i - WINDOW : i])
        ):
            out.append(Verdict(WARNING, SUDDEN_CHANGE))
        else:
            out.append(NORMAL_VERDICT)
    return out


def status(latest: tuple[date, str] | None, *, frequency: str, today: date, period_end: date) -> str:
    """A KPI's status in a period from its latest value dated in the period (date, severity).

    ``no_data`` without one; the value's severity when it is ``warning`` or ``critical``;
    ``stale`` when it is ``normal`` and older than two intervals (2 days daily, 14 weekly, 62
    monthly) at ``min(today, period_end)``, that is when ``(that day − its date).days`` exceeds
    the limit (exactly two intervals old is not stale); else ``normal``.
    """
    if latest is None:
        return NO_DATA
    on, sev = latest
    if sev != NORMAL:
        return sev
    at = min(today, period_end)
    if (at - on).days > STALE_AFTER_DAYS[frequency]:
        return STALE
    return NORMAL


def target_met(direction: str, latest: Decimal | None, target: Decimal | None, normal: Range) -> bool | None:
    """Whether the period's latest value meets the KPI's goal.

    ``higher``: latest ≥ target; ``lower``: latest ≤ target; ``band``: latest inside the normal
    range (bounds included; no target needed). None without a value, or for ``higher`` and
    ``lower`` without a target for the period.
    """
    if latest is None:
        return None
    if direction == BAND:
        return normal.contains(latest)
    if target is None:
        return None
    return latest >= target if direction == HIGHER else latest <= target


def trend(values: Sequence[Decimal]) -> str:
    """``up``, ``down`` or ``flat``: the last value against the one before it (``flat`` with
    fewer than two)."""
    if len(values) < 2 or values[-1] == values[-2]:
        return "flat"
    return "up" if values[-1] > values[-2] else "down"


def trend_is_good(direction: str, move: str) -> bool | None:
    """Whether a move is welcome: up for ``higher``, down for ``lower``; None for a band or flat."""
    if move == "flat" or direction == BAND:
        return None
    return (move == "up") == (direction == HIGHER)


# --- the metric tree and the ranges ----------------------------------------------------------------


def level_rank(level: str) -> int:
    """0 for strategic, 1 tactical, 2 execution (top to bottom)."""
    return LEVELS.index(level)


def check_parent(
    parent_of: Mapping[int, int | None],
    node: int | None,
    new_parent: int | None,
    *,
    level: str,
    parent_level: str | None,
) -> str | None:
    """Why ``node`` (None for a KPI not saved yet) cannot sit under ``new_parent``, or None.

    ``parent_cycle`` when the parent is the KPI itself or one of its descendants;
    ``level_above_parent`` when the KPI's level is above its parent's (an execution KPI cannot
    have a tactical child; equal levels are allowed).
    """
    if new_parent is None:
        return None
    if node is not None and would_cycle(parent_of, node, new_parent):
        return PARENT_CYCLE
    if parent_level is not None and level_rank(level) < level_rank(parent_level):
        return LEVEL_ABOVE_PARENT
    return None


def check_ranges(normal: Range, critical: Range) -> list[tuple[str, str]]:
    """Problems with a KPI's ranges as (field, code): a min above its max (``min_above_max``),
    or a critical bound inside the normal range (``critical_inside_normal``: the critical range
    must be as wide as the normal one or wider)."""
    problems = []
    for name, r in (("normal", normal), ("critical", critical)):
        if r.low is not None and r.high is not None and r.low > r.high:
            problems.append((name, MIN_ABOVE_MAX))
    narrower_low = critical.low is not None and (normal.low is None or critical.low > normal.low)
    narrower_high = critical.high is not None and (normal.high is None or critical.high < normal.high)
    if not problems and (narrower_low or narrower_high):
        problems.append(("critical", CRITICAL_INSIDE_NORMAL))
    return problems


def tree_order(items: Sequence[tuple[int, int | None]]) -> list[tuple[int, int]]:
    """(id, depth) with each parent before its children, siblings in the given order; an item
    whose parent is not among ``items`` is a root. Cycles in the data end the walk, never hang."""
    ids = [i for i, _p in items]
    known = set(ids)
    children: dict[int | None, list[int]] = {}
    for i, p in items:
        children.setdefault(p if p in known and p != i else None, []).append(i)
    out: list[tuple[int, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for child in children.get(parent, []):
            if child in seen:
                continue
            seen.add(child)
            out.append((child, depth))
            walk(child, depth + 1)

    walk(None, 0)
    for i in ids:  # members of a cycle in stored data: shown at the top rather than lost
        if i not in seen:
            seen.add(i)
            out.append((i, 0))
            walk(i, 1)
    return out
