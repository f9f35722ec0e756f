"""Rules of the weekly board and the weekly report: which cards go where, what a person owes,
what counts as done, planned and blocked, and the report as Markdown. Plain values, no Flask.

The report's sections (what a person reads on Friday):

* **done** — the week's tasks with status ``done``, grouped by key result (tasks linked to no
  key result in a group of their own, last);
* **not finished** — every other task of the week, each with its reason (:func:`reason`):
  blocked because it is overdue (:func:`is_overdue`) or carried over before and still open,
  still open, carried into next week, or dropped. Done and not finished together hold every
  task of the week exactly once;
* **planned** — next week's live unfinished tasks (``todo`` or ``doing``);
* **check-ins due** — key results with no check-in in the :data:`CHECK_IN_DAYS` days before
  the week's end (before today while the week runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from okr.core import periods
from okr.core.kinds import DONE, DROPPED, UNFINISHED
from okr.core.markdown import md_escape as md_escape  # the report's escaping, shared with other exports
from okr.week import rules as eisenhower

#: A key result is due a check-in when its latest one is older than this many days (or absent).
CHECK_IN_DAYS = 7


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


def is_blocked(week: str, status: str, carry_count: int, due_on: date | None, this_week: str, today: date) -> bool:
    """An unfinished task is blocked (stuck) when it is overdue (:func:`is_overdue`: its week is
    over or its due date has passed) or it has been carried over at least once."""
    if status not in UNFINISHED:
        return False
    return carry_count >= 1 or is_overdue(week, status, due_on, this_week, today)


# Why a task of the week is in the report's "not finished" section, in the order it lists them.
OVERDUE = "overdue"  # blocked: its week is over, or its due date has passed
STUCK = "stuck"  # blocked: carried over at least once, and still open
OPEN = "open"  # still to do (or under way) in a week that is not over
CARRIED = "carried"  # dropped here when it was carried into the next week
REASONS = (OVERDUE, STUCK, OPEN, CARRIED, DROPPED)
BLOCKED = (OVERDUE, STUCK)


def reason(
    week: str, status: str, carry_count: int, due_on: date | None, this_week: str, today: date, *, carried: bool = False
) -> str | None:
    """Why a task of ``week`` is not finished, or None for a done task.

    Rule: a dropped task was ``carried`` into next week when its copy lives there, else it is
    ``dropped``; an unfinished one is ``overdue`` by :func:`is_overdue`, else ``stuck`` when it
    was carried over before, else ``open``. Exactly one reason per task.
    """
    if status == DONE:
        return None
    if status not in UNFINISHED:
        return CARRIED if carried else DROPPED
    if is_overdue(week, status, due_on, this_week, today):
        return OVERDUE
    return STUCK if carry_count >= 1 else OPEN


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
    """A progress fraction (0…1) as a whole percent, rounded half up (okr.rollup.formulas.percent,
    the rule of every page); None stays None."""
    from okr.rollup.formulas import percent as rounded

    value = rounded(fraction)
    return None if value is None else int(value)


# --- the report ------------------------------------------------------------------------------


@dataclass
class KRGroup:
    """Done tasks under one key result (``kr_id`` None: linked to no key result)."""

    kr_id: int | None
    kr_title: str
    tasks: list = field(default_factory=list)


@dataclass
class Unfinished:
    """A task of the week that is not done, with :func:`reason`; ``carried_to`` names the week
    its copy lives in when it was carried."""

    task: Any
    reason: str
    carried_to: str | None = None

    @property
    def blocked(self) -> bool:
        return self.reason in BLOCKED


@dataclass
class Report:
    week: str
    next_week: str
    done: list[KRGroup]
    unfinished: list[Unfinished]
    planned: list
    check_ins_due: list

    @property
    def done_count(self) -> int:
        return sum(len(g.tasks) for g in self.done)

    @property
    def blocked(self) -> list:
        """The tasks of the week that are stuck: overdue, or carried over and still open."""
        return [u.task for u in self.unfinished if u.blocked]


def build_report(
    week: str,
    next_week: str,
    this_week_tasks: Iterable[Any],
    next_week_tasks: Iterable[Any],
    kr_of: Callable[[Any], tuple[int | None, str]],
    check_ins_due: Iterable[Any],
    today: date,
    *,
    carried_to: Mapping[Any, str] | None = None,
) -> Report:
    """The weekly report from the week's tasks and next week's tasks.

    ``kr_of(task)`` gives ``(kr_id, kr_title)`` for a task, ``(None, "")`` when it is linked to
    no key result; ``carried_to`` maps the id of a task that was carried over to the week its
    copy lives in. Done groups follow the order their key results first appear in the week's
    (board-ordered) tasks; the unlinked group comes last. Every other task of the week is in
    ``unfinished`` with its reason, blocked ones first (in the order of :data:`REASONS`, board
    order within a reason), judged as of ``today`` like the board's overdue list.
    """
    this_week = str(periods.week_of(today))
    carried_to = carried_to or {}
    groups: dict[int | None, KRGroup] = {}
    unfinished = []
    for task in this_week_tasks:
        why = reason(week, task.status, task.carry_count, task.due_on, this_week, today, carried=task.id in carried_to)
        if why is None:
            kr_id, kr_title = kr_of(task)
            groups.setdefault(kr_id, KRGroup(kr_id, kr_title)).tasks.append(task)
        else:
            unfinished.append(Unfinished(task, why, carried_to.get(task.id)))
    unfinished.sort(key=lambda u: REASONS.index(u.reason))
    done = [g for k, g in groups.items() if k is not None]
    if None in groups:
        done.append(groups[None])
    planned = [t for t in next_week_tasks if t.status in UNFINISHED]
    return Report(week, next_week, done, unfinished, planned, list(check_ins_due))


def check_in_as_of(week_end: date, today: date) -> date:
    """The day a week's report judges check-ins on: the week's last day once it is over, today
    while it runs (or before it starts)."""
    return min(week_end, today)
