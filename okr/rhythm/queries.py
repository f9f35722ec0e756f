"""Reads of the operating rhythm: a stand-up's tasks and notes, a month's projects and key
results for the monthly report, review answers, and a 1:1's agenda and notes, each page in a
few set-based statements.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds
from okr.core import models as m
from okr.rhythm.rules import StandupTask, previous_working_day


def standup_tasks(session: Session, user_ids: list[int], day: date, week: str) -> list[StandupTask]:
    """The people's tasks that may show on ``day``'s stand-up: finished since the previous
    working day, or unfinished from this week and the four before it."""
    if not user_ids:
        return []
    since = previous_working_day(day)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    end = datetime(day.year, day.month, day.day, tzinfo=UTC)
    earliest = (day - timedelta(weeks=4)).isocalendar()
    oldest_week = f"{earliest[0]}-W{earliest[1]:02d}"
    rows = session.exec(
        select(
            m.Task.id,
            m.Task.title,
            m.Task.assignee_id,
            m.Task.status,
            m.Task.done_at,
            m.Task.due_on,
            m.Task.week,
            m.Task.is_blocked,
            m.Task.blocked_reason,
            m.Task.important,
            m.Task.urgent,
            m.Task.version,
            m.Task.delegated_by_id,
        )  # fmt: skip
        .where(
            m.Task.assignee_id.in_(user_ids),
            m.Task.is_archived.is_(False),
            sa.or_(
                sa.and_(m.Task.status == kinds.DONE, m.Task.done_at >= start, m.Task.done_at < end),
                sa.and_(m.Task.status.in_(kinds.UNFINISHED), m.Task.week >= oldest_week, m.Task.week <= week),
            ),
        )
        .order_by(m.Task.position, m.Task.id)
    ).all()
    return [StandupTask(*r) for r in rows]


def standup_notes(session: Session, team_id: int, day: date) -> dict[int, m.StandupNote]:
    rows = session.exec(select(m.StandupNote).where(m.StandupNote.team_id == team_id, m.StandupNote.day == day)).all()
    return {n.user_id: n for n in rows}
