"""Rules of the weekly board and the weekly report: which cards go where, what a person owes,
what counts as done, planned and blocked, and the report as Markdown. Plain values, no Flask.

The report's sections (what a person reads on Friday):

* **done** — the week's tasks with status ``done``, grouped by key result (tasks linked to no
  key result in a group of their own, last);
* **planned** — next week's live unfinished tasks (``todo`` or ``doing``);
* **blocked** — this week's unfinished tasks that are stuck: carried over at least once
  (``carry_count`` ≥ 1) or past their due date;
* **check-ins due** — key results with no check-in in the last :data:`CHECK_IN_DAYS` days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from okr import eisenhower

#: A key result is due a check-in when its latest one is older than this many days (or absent).
CHECK_IN_DAYS = 7

UNFINISHED = eisenhower.UNFINISHED
DONE = "done"
DROPPED = "dropped"


def check_in_due(last_check_in_on: date | None, today: date, days: int = CHECK_IN_DAYS) -> bool:
    """True when there was no check-in in the last ``days`` days: none at all, or the latest
    one on or before ``today - days`` (a check-in 7 days ago is due again today)."""
    if last_check_in_on is None:
        return True
    return last_check_in_on <= today - timedelta(days=days)


def is_overdue(week: str, status: str, due_on: date | None, this_week: str, today: date) -> bool:
    """An unfinished task is overdue when its week is before this week or its due date has
    passed. Week texts (``2026-W09``) compare in calendar order as strings."""
    if status not in UNFINISHED:
        return False
    return week < this_week or (due_on is not None and due_on < today)


def is_blocked(status: str, carry_count: int, due_on: date | None, today: date) -> bool:
    """An unfinished task is blocked (stuck) when it has been carried over at least once or
    its due date has passed."""
    if status not in UNFINISHED:
        return False
    return carry_count >= 1 or (due_on is not None and due_on < today)


def sort_key(task: Any) -> tuple[int, int]:
    """Cards within a quadrant are shown by ``position``, then by id (the older first)."""
    return (task.position, task.id or 0)


def group_by_quadrant(tasks: Iterable[Any]) -> dict[eisenhower.Quadrant, list]:
    """Tasks (anything with ``important``, ``urgent``, ``position`` and ``id``) in the four
    quadrants, in board order, each quadrant ordered by :func:`sort_key`."""
    board: dict[eisenhower.Quadrant, list] = {q: [] for q in eisenhower.ORDER}
    for task in tasks:
        board[eisenhower.quadrant(task.important, task.urgent)].append(task)
    for cards in board.values():
        cards.sort(key=sort_key)
    return board


def renumber(ordered_ids: Sequence[int], current: dict[int, int]) -> dict[int, int]:
    """The new ``position`` of each card whose position changes when a quadrant is renumbered
    0..n-1 in ``ordered_ids`` order; ``current`` maps id → position now. Only changes are
    returned, so a move touches as few rows as it can."""
    return {tid: i for i, tid in enumerate(ordered_ids) if current.get(tid) != i}


def percent(fraction: Any) -> int | None:
    """A progress fraction (0…1) as a whole percent, rounded half up; None stays None."""
    if fraction is None:
        return None
    from decimal import ROUND_HALF_UP, Decimal

    return int((Decimal(fraction) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- the report ------------------------------------------------------------------------------


@dataclass
class KRGroup:
    """Done tasks under one key result (``kr_id`` None: linked to no key result)."""

    kr_id: int | None
    kr_title: str
    tasks: list = field(default_factory=list)


@dataclass
class Report:
    week: str
    next_week: str
    done: list[KRGroup]
    planned: list
    blocked: list
    check_ins_due: list

    @property
    def done_count(self) -> int:
        return sum(len(g.tasks) for g in self.done)


def build_report(
    week: str,
    next_week: str,
    this_week_tasks: Iterable[Any],
    next_week_tasks: Iterable[Any],
    kr_of: Callable[[Any], tuple[int | None, str]],
    check_ins_due: Iterable[Any],
    today: date,
) -> Report:
    """The weekly report from the week's tasks and next week's tasks.

    ``kr_of(task)`` gives ``(kr_id, kr_title)`` for a task, ``(None, "")`` when it is linked to
    no key result. Done groups follow the order their key results first appear in the week's
    (board-ordered) tasks; the unlinked group comes last.
    """
    groups: dict[int | None, KRGroup] = {}
    blocked = []
    for task in this_week_tasks:
        if task.status == DONE:
            kr_id, kr_title = kr_of(task)
            groups.setdefault(kr_id, KRGroup(kr_id, kr_title)).tasks.append(task)
        elif is_blocked(task.status, task.carry_count, task.due_on, today):
            blocked.append(task)
    done = [g for k, g in groups.items() if k is not None]
    if None in groups:
        done.append(groups[None])
    planned = [t for t in next_week_tasks if t.status in UNFINISHED]
    return Report(week, next_week, done, planned, blocked, list(check_ins_due))


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~")


def md_escape(text: str) -> str:
    """Text safe to paste into Markdown: every character Markdown could read as markup is
    escaped with a backslash, and line breaks become spaces (one item stays one line)."""
    flat = " ".join(str(text).split())
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in flat)
