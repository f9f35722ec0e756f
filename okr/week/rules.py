"""Eisenhower rules for the weekly board: important × urgent → Do, Schedule, Delegate, Eliminate.
Pure values in, values out (no Flask, no database): quadrants, card order, effort share, carry-over.
"""

# Carry-over, the rule the week view and the CLI apply: an unfinished task (status todo or doing)
# carried into next week keeps its quadrant (important, urgent), title, project and assignee; the
# new task links back to the old one and its carry count is the old count plus one (carry_count).

from __future__ import annotations

from typing import Any

from okr.core.kinds import DROPPED, ORDER, UNFINISHED, Quadrant, flags, quadrant

__all__ = ["DROPPED", "ORDER", "UNFINISHED", "Quadrant", "flags", "quadrant"]  # the board's vocabulary


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
