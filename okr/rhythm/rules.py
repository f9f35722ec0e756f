"""The operating rhythm's rules as pure functions: the previous working day of a stand-up, how
a task counts in one (finished, doing, blocked), whether a project slipped, the review
questions, and Markdown's escaping of text a person typed. Values in, values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

#: The four questions of every review, in order (field names of okr.core.models.ReviewAnswer).
QUESTIONS = ("went_well", "went_badly", "learned", "decide_next")


def previous_working_day(day: date) -> date:
    """The working day before ``day``: Monday's (and the weekend's) is the Friday before,
    otherwise the day before. Holidays are not known to the product."""
    back = {0: 3, 6: 2}.get(day.weekday(), 1)
    return day - timedelta(days=back)


@dataclass(frozen=True)
class StandupTask:
    id: int
    title: str
    assignee_id: int
    status: str
    done_at: datetime | None
    due_on: date | None
    week: str
    is_blocked: bool
    blocked_reason: str
    important: bool
    urgent: bool
    version: int
    delegated_by_id: int | None = None


def standup_bucket(t: StandupTask, day: date, week: str, last_week: str = "") -> str | None:
    """Where a task shows on ``day``'s stand-up: ``finished`` when it was done on the previous
    working day (or later, before ``day``); ``blocked`` when flagged and not finished;
    ``doing`` when unfinished and in progress, due by ``day``, important and urgent this week,
    or left over from last week (``last_week``; older ones wait on the board to be carried
    over); else None (planned for later)."""
    if t.status == "done":
        if t.done_at is not None and previous_working_day(day) <= t.done_at.date() < day:
            return "finished"
        return None
    if t.status == "dropped":
        return None
    if t.is_blocked:
        return "blocked"
    if t.week > week:
        return None
    if t.week < week and t.week != last_week:
        return None
    if t.status == "doing" or (t.due_on is not None and t.due_on <= day) or t.week < week:
        return "doing"
    if t.important and t.urgent:
        return "doing"
    return None


def slipped(status: str, due_on: date | None, month_end: date, today: date) -> bool:
    """A project slipped when it is not done (nor dropped) and its due date — or, with none, the
    end of its month — has passed."""
    if status in ("done", "dropped"):
        return False
    return (due_on or month_end) < today


def md(text: str | None) -> str:
    """Text a person typed, safe inside a Markdown line or table cell: Markdown's punctuation
    and HTML's angle brackets are escaped and line breaks become spaces."""
    out = []
    for ch in (text or "").replace("\r", " ").replace("\n", " "):
        if ch in "\\`*_{}[]()#+-.!|<>~":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out).strip()


def value_on(check_ins: list[tuple[date, object]], day: date, start):
    """A key result's value on ``day``: its latest check-in on or before that day (by date,
    ``check_ins`` sorted oldest first), else its start value."""
    value = start
    for on, v in check_ins:
        if on > day:
            break
        value = v
    return value


def md_block(text: str | None) -> str:
    """A typed answer of several lines for Markdown: each line escaped as by :func:`md`,
    the line breaks kept."""
    return "\n".join(md(line) for line in (text or "").splitlines())


def subject_key(kind: str, item_id: int | None = None) -> str:
    """What a review answer is about: ``team``, ``objective:<id>`` or ``project:<id>``."""
    return "team" if kind == "team" else f"{kind}:{int(item_id)}"
