"""Eisenhower rules for the weekly board: important × urgent → Do, Schedule, Delegate, Eliminate.
Pure values in, values out (no Flask, no database): quadrants, card order, effort share, carry-over.
"""

# Carry-over, the rule the week view and the CLI apply: an unfinished task (status todo or doing)
# carried into next week keeps its quadrant (important, urgent), title, project and assignee; the
# new task links back to the old one and its carry count is the old count plus one (carry_count).

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import Enum
from types import MappingProxyType
from typing import Any


class Quadrant(str, Enum):
    """A cell of the board; the value is what forms, URLs and JSON carry."""

    DO = "do"  # important and urgent
    SCHEDULE = "schedule"  # important, not urgent
    DELEGATE = "delegate"  # urgent, not important
    ELIMINATE = "eliminate"  # neither

    def __str__(self) -> str:
        return self.value


# Reading order of the 2 × 2 board: important on top, urgent on the left.
ORDER = (Quadrant.DO, Quadrant.SCHEDULE, Quadrant.DELEGATE, Quadrant.ELIMINATE)

_FLAGS = {
    Quadrant.DO: (True, True),
    Quadrant.SCHEDULE: (True, False),
    Quadrant.DELEGATE: (False, True),
    Quadrant.ELIMINATE: (False, False),
}
_BY_FLAGS = {flags: q for q, flags in _FLAGS.items()}

UNFINISHED = ("todo", "doing")
DROPPED = "dropped"


def quadrant(important: bool, urgent: bool) -> Quadrant:
    """The quadrant of a task: important and urgent → DO; important only → SCHEDULE;
    urgent only → DELEGATE; neither → ELIMINATE.

    Text such as ``"false"`` raises TypeError rather than count as true; parse form values first.
    """
    if isinstance(important, str) or isinstance(urgent, str):
        raise TypeError("important and urgent must be booleans, not text")
    return _BY_FLAGS[(bool(important), bool(urgent))]


def flags(q: Quadrant | str) -> tuple[bool, bool]:
    """``(important, urgent)`` for a quadrant or its value, the inverse of :func:`quadrant`:
    do → (True, True), schedule → (True, False), delegate → (False, True),
    eliminate → (False, False). An unknown value raises ValueError.
    """
    return _FLAGS[Quadrant(q)]


def positions_after_move(ordered_ids_in_target: list, moved_id, index: int) -> list:
    """The order of a quadrant's cards after ``moved_id`` is dropped at ``index``.

    Rule: the card's old place is removed first (a move within one quadrant), then it is
    inserted so that it ends at ``index`` in the new order; an index below 0 or past the end
    puts it first or last. The server then renumbers ``position`` 0..n-1 in this order.
    """
    order = [i for i in ordered_ids_in_target if i != moved_id]
    index = max(0, min(index, len(order)))
    order.insert(index, moved_id)
    return order


@dataclass(frozen=True)
class Share:
    """How a week's live tasks spread over the quadrants and over key results.

    ``counts[q]`` live tasks in quadrant q, ``linked_counts[q]`` of them linked to a key result;
    ``fractions[q]``, ``linked_fraction`` and ``unlinked_fraction`` are shares of ``total``
    (Decimal, 0 when there are no tasks).
    """

    total: int
    counts: Mapping[Quadrant, int]
    linked_counts: Mapping[Quadrant, int]
    linked: int
    unlinked: int
    fractions: Mapping[Quadrant, Decimal]
    linked_fraction: Decimal
    unlinked_fraction: Decimal


def _fraction(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(part) / Decimal(whole)


def effort_share(tasks: Iterable[tuple[bool, bool, bool, str]]) -> Share:
    """Count a week's tasks, given as ``(important, urgent, linked, status)``, per quadrant and
    by whether they are linked to a key result.

    Rule: live tasks count (todo, doing, done); dropped tasks do not. Each fraction is a count
    over the live total, e.g. 1 of 3 → Decimal("0.3333333333333333333333333333"); with no live
    tasks every fraction is 0, never a division by zero.
    """
    counts = dict.fromkeys(ORDER, 0)
    linked_counts = dict.fromkeys(ORDER, 0)
    for important, urgent, linked, status in tasks:
        if status == DROPPED:
            continue
        q = quadrant(important, urgent)
        counts[q] += 1
        if linked:
            linked_counts[q] += 1
    total = sum(counts.values())
    linked = sum(linked_counts.values())
    return Share(
        total=total,
        counts=MappingProxyType(counts),
        linked_counts=MappingProxyType(linked_counts),
        linked=linked,
        unlinked=total - linked,
        fractions=MappingProxyType({q: _fraction(n, total) for q, n in counts.items()}),
        linked_fraction=_fraction(linked, total),
        unlinked_fraction=_fraction(total - linked, total),
    )


def is_unfinished(status: str) -> bool:
    """True for the statuses that carry into next week: todo and doing."""
    return status in UNFINISHED


def carry_count(original_count: int) -> int:
    """The carry count of a task carried into next week: the original's count plus one.

    Rule: an unfinished (todo or doing) task carried into next week keeps its quadrant,
    title, project and assignee; only the week changes, and its carry count rises by one, so
    a card carried three times shows 3. A negative or non-integer count raises ValueError.
    """
    if isinstance(original_count, bool) or not isinstance(original_count, int):
        raise ValueError(f"carry count must be an integer: {original_count!r}")
    if original_count < 0:
        raise ValueError(f"carry count cannot be negative: {original_count}")
    return original_count + 1


# --- words ----------------------------------------------------------------------------------

LABELS = {
    "en": {
        Quadrant.DO: "Do",
        Quadrant.SCHEDULE: "Schedule",
        Quadrant.DELEGATE: "Delegate",
        Quadrant.ELIMINATE: "Eliminate",
    },
    "zh": {
        Quadrant.DO: "立即做",
        Quadrant.SCHEDULE: "计划做",
        Quadrant.DELEGATE: "授权他人做",
        Quadrant.ELIMINATE: "不做/减少",
    },
}

ADVICE = {
    "en": {
        Quadrant.DO: "Important and urgent: do it now.",
        Quadrant.SCHEDULE: "Important, not urgent: schedule a time and protect it.",
        Quadrant.DELEGATE: "Urgent, not important: delegate it to someone else.",
        Quadrant.ELIMINATE: "Neither important nor urgent: drop it or do less of it.",
    },
    "zh": {
        Quadrant.DO: "重要且紧急：立即亲自去做。",
        Quadrant.SCHEDULE: "重要不紧急：计划做，定好时间并保证投入。",
        Quadrant.DELEGATE: "紧急不重要：授权他人做。",
        Quadrant.ELIMINATE: "不重要不紧急：不做或尽量减少。",
    },
}

MOVED = "moved"
CARRIED = "carried"
UNLINKED_SHARE = "unlinked_share"

MESSAGES = {
    "en": {
        MOVED: "Moved to {quadrant}.",
        CARRIED: "Carried over ×{count}.",
        UNLINKED_SHARE: "{percent}% of this week's tasks are linked to no key result.",
    },
    "zh": {
        MOVED: "已移到“{quadrant}”。",
        CARRIED: "已顺延 {count} 次。",
        UNLINKED_SHARE: "本周 {percent}% 的任务未关联任何关键结果。",
    },
}

# The params each message shows; a caller must pass at least these.
PARAMS = {MOVED: ("quadrant",), CARRIED: ("count",), UNLINKED_SHARE: ("percent",)}


def _locale(locale: str) -> str:
    tag = locale.replace("_", "-").lower()
    for known in ("en", "zh"):
        if tag == known or tag.startswith(known + "-"):
            return known
    raise ValueError(f"unsupported locale: {locale!r}")


def label(q: Quadrant | str, locale: str = "en") -> str:
    """The quadrant's name on the board: Do / 立即做, Schedule / 计划做, Delegate / 授权他人做,
    Eliminate / 不做/减少."""
    return LABELS[_locale(locale)][Quadrant(q)]


def advice(q: Quadrant | str, locale: str = "en") -> str:
    """One line on what to do with a task in this quadrant, e.g. "Important and urgent: do it
    now." / "重要且紧急：立即亲自去做。"."""
    return ADVICE[_locale(locale)][Quadrant(q)]


def message(code: str, locale: str = "en", **params: Any) -> str:
    """The text for a board message in English (``en``) or Simplified Chinese (``zh``).

    A Quadrant param is shown as its label in the same language. Extra params are ignored; an
    unknown code raises KeyError, an unknown locale ValueError.
    """
    lang = _locale(locale)
    shown = {k: label(v, lang) if isinstance(v, Quadrant) else v for k, v in params.items()}
    return MESSAGES[lang][code].format(**shown)
