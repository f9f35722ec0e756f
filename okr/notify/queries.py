"""Reads of notifications: a person's inbox and unread count, their preferences, what `okr
notify` finds due (check-ins, overdue tasks, digests) and the mails claimed for sending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds, periods
from okr.core import models as m


@dataclass(frozen=True)
class Item:
    id: int
    event: str
    params: dict
    link: str
    created_at: datetime
    read_at: datetime | None


def _item(row) -> Item:
    try:
        params = json.loads(row.params or "{}")
    except ValueError:
        params = {}
    return Item(row.id, row.event, params if isinstance(params, dict) else {}, row.link, row.created_at, row.read_at)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(m.Notification)
        .where(m.Notification.user_id == user_id, m.Notification.read_at.is_(None))
    )


def inbox(session: Session, user_id: int, limit: int = 100) -> list[Item]:
    """The newest notifications of one person (a statement, whatever their number)."""
    cols = (m.Notification.id, m.Notification.event, m.Notification.params, m.Notification.link,
            m.Notification.created_at, m.Notification.read_at)  # fmt: skip
    rows = session.exec(
        select(*cols).where(m.Notification.user_id == user_id).order_by(m.Notification.id.desc()).limit(limit)
    ).all()
    return [_item(r) for r in rows]


def preferences(session: Session, user_id: int) -> dict[str, str]:
    """Each event's channel for one person (the default where they chose nothing)."""
    rows = session.exec(
        select(m.NotificationPreference.event, m.NotificationPreference.channel).where(
            m.NotificationPreference.user_id == user_id
        )
    ).all()
    chosen = dict(rows)
    return {e: chosen.get(e, kinds.NOTIFY_DEFAULT_CHANNEL) for e in kinds.NOTIFY_EVENTS}


@dataclass(frozen=True)
class KrToCheck:
    id: int
    title: str
    owner_id: int
    last_check_in_on: date | None
    created_on: date
    team_slug: str
    quarter: str


def key_results_to_check(session: Session, quarters: list[str]) -> list[KrToCheck]:
    """Live key results with an owner, of objectives in the given quarters, not yet done."""
    rows = session.exec(
        select(
            m.KeyResult.id,
            m.KeyResult.title,
            m.KeyResult.owner_id,
            m.KeyResult.last_check_in_on,
            m.KeyResult.created_at,
            m.Team.slug,
            m.Objective.quarter,
        )
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .join(m.Team, m.Team.id == m.Objective.team_id)
        .where(
            m.Objective.quarter.in_(quarters),
            m.KeyResult.owner_id.is_not(None),
            m.KeyResult.is_archived.is_(False),
            m.Objective.is_archived.is_(False),
            m.KeyResult.is_done.is_(False),
        )
    ).all()
    return [KrToCheck(r[0], r[1], r[2], r[3], r[4].date(), r[5], r[6]) for r in rows]


@dataclass(frozen=True)
class OverdueTask:
    id: int
    title: str
    assignee_id: int
    due_on: date
    week: str


def overdue_tasks(session: Session, today: date) -> list[OverdueTask]:
    rows = session.exec(
        select(m.Task.id, m.Task.title, m.Task.assignee_id, m.Task.due_on, m.Task.week).where(
            m.Task.due_on < today,
            m.Task.assignee_id.is_not(None),
            m.Task.status.in_(kinds.UNFINISHED),
            m.Task.is_archived.is_(False),
        )
    ).all()
    return [OverdueTask(*r) for r in rows]


def recent_counts(session: Session, since: datetime, until: datetime) -> dict[int, dict[str, int]]:
    """Per person, how many notifications of each event arrived from ``since`` until before
    ``until`` (what a weekly digest sums up)."""
    rows = session.exec(
        select(m.Notification.user_id, m.Notification.event, sa.func.count())
        .where(
            m.Notification.created_at >= since,
            m.Notification.created_at < until,
            m.Notification.event != "weekly_digest",
        )
        .group_by(m.Notification.user_id, m.Notification.event)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for uid, event, n in rows:
        out.setdefault(uid, {})[event] = n
    return out


def digest_items(session: Session, user_ids: list[int]) -> dict[int, list[Item]]:
    """The notifications waiting for each person's digest mail."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(m.Notification)
        .where(m.Notification.user_id.in_(user_ids), m.Notification.email_state == "digest")
        .order_by(m.Notification.id)
    ).all()
    out: dict[int, list[Item]] = {}
    for r in rows:
        out.setdefault(r.user_id, []).append(_item(r))
    return out


def people(session: Session, ids) -> dict[int, m.User]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {u.id: u for u in session.exec(select(m.User).where(m.User.id.in_(ids))).all()}


def claimed(session: Session, token: str) -> list[m.Notification]:
    return list(
        session.exec(
            select(m.Notification).where(m.Notification.email_claim == token, m.Notification.email_state == "sending")
        ).all()
    )


def current_quarters(today: date, fiscal_start: int) -> list[str]:
    return [str(periods.quarter_of(today, fiscal_start))]
