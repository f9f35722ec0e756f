"""Eisenhower rules for the weekly board: important × urgent → Do, Schedule, Delegate, Eliminate.
Pure values in, values out (no Flask, no database): quadrants, card order, carry-over, message codes.
"""

# Carry-over, the rule the week view and the CLI apply: an unfinished task (status todo or doing)
# carried into next week keeps its quadrant (important, urgent), title, project and assignee; the
# new task links back to the old one and its carry count is the old count plus one (carry_count).

from __future__ import annotations

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


# --- message codes ---------------------------------------------------------------------------
# The rules speak in codes and parameters; okr.week.words says them through the catalogs
# (week.po), in the reader's language. A quadrant's code is its value: do, schedule, ...

MOVED = "moved"  # a task was moved into a quadrant: params quadrant
CARRIED = "carried"  # a task was carried over again: params count (its carry count)
UNLINKED_SHARE = "unlinked_share"  # the share of a week's tasks linked to no key result: params percent

# The params each message shows; a caller must pass at least these.
PARAMS = {MOVED: ("quadrant",), CARRIED: ("count",), UNLINKED_SHARE: ("percent",)}
