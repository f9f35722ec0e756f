"""Writes of notifications: telling a person something, reading it, choosing channels,
unsubscribing, and the steps of `okr notify` (raise what is due, claim mail, record the result).

Each flushes, never commits. Preference changes are audited (okr.core.writes.record); the
notification rows are their own ledger, so reading one records no audit event (it would also
move the organisation's data version and empty the rollup pages' caches for nothing).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds, notices, periods, writes
from okr.core import models as m
from okr.core.models import utcnow
from okr.notify import queries, rules


def notify(session: Session, person_id: int, event: str, params=None, *, key: str, link: str = "") -> bool:
    """Put ``event`` in the person's inbox (and queue its mail, by their preference) once per
    ``key``; True when it was new. Features below okr.notify call okr.core.notices directly."""
    return notices.notify(session, person_id=person_id, event=event, key=key, params=params, link=link)


def mark_read(session: Session, *, user_id: int, ids: list[int] | None = None) -> int:
    """Mark the person's notifications read: the given ones, or all when ``ids`` is None."""
    stmt = (
        sa.update(m.Notification)
        .where(m.Notification.user_id == user_id, m.Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if ids is not None:
        stmt = stmt.where(m.Notification.id.in_(ids))
    return session.execute(stmt).rowcount


def set_preferences(session: Session, *, actor_id: int, org_id: int, user_id: int, chosen: dict[str, str]) -> None:
    """Store the person's channel per event (events not named keep theirs); audited."""
    before = queries.preferences(session, user_id)
    rows = {
        p.event: p
        for p in session.exec(select(m.NotificationPreference).where(m.NotificationPreference.user_id == user_id))
    }
    for event, channel in chosen.items():
        if event not in kinds.NOTIFY_EVENTS or channel not in kinds.NOTIFY_CHANNELS:
            raise writes.PlanningError(f"not a notification channel: {event}={channel}")
        row = rows.get(event)
        if row is None:
            session.add(m.NotificationPreference(user_id=user_id, event=event, channel=channel))
        elif row.channel != channel:
            row.channel, row.updated_at = channel, utcnow()
    session.flush()
    after = queries.preferences(session, user_id)
    if after != before:
        changed = [e for e in after if after[e] != before[e]]
        writes.record(
            session,
            org_id=org_id,
            actor_id=actor_id,
            item_type="notification_preference",
            item_id=user_id,
            action="update",
            before={e: before[e] for e in changed},
            after={e: after[e] for e in changed},
        )


def unsubscribe(session: Session, *, user: m.User, event: str) -> None:
    """The mail's unsubscribe link: ``event`` goes off for this person (audited as theirs)."""
    set_preferences(session, actor_id=user.id, org_id=user.org_id, user_id=user.id, chosen={event: "off"})


# --- okr notify ----------------------------------------------------------------------------------


def raise_due(session: Session, *, today: date, fiscal_start: int) -> dict[str, int]:
    """Write the time-based events due on ``today``: check-ins due and missed, overdue tasks.
    Each has a key, so running again the same day (or two runs at once) adds nothing."""
    due: dict[str, list[notices.Notice]] = {"checkin_due": [], "checkin_missed": [], "task_overdue": []}
    quarter = queries.current_quarters(today, fiscal_start)
    for kr in queries.key_results_to_check(session, quarter):
        event = rules.checkin_event(kr.last_check_in_on, kr.created_on, today)
        if event:
            days = (today - (kr.last_check_in_on or kr.created_on)).days
            due[event].append(
                notices.Notice(
                    kr.owner_id,
                    rules.checkin_key(event, kr.id, kr.last_check_in_on),
                    {"title": kr.title, "days": days},
                    f"/teams/{kr.team_slug}/plan/{kr.quarter}",
                )
            )
    for t in queries.overdue_tasks(session, today):
        due["task_overdue"].append(
            notices.Notice(
                t.assignee_id,
                f"task_overdue:{t.id}:{t.due_on.isoformat()}",
                {"title": t.title, "due_on": t.due_on},
                f"/week/{t.week}",
            )  # fmt: skip
        )
    return {event: notices.notify_many(session, event=event, notices=items) for event, items in due.items()}


def raise_digests(session: Session, *, today: date) -> int:
    """The weekly digest of last ISO week's notifications, made by the first run of the week:
    one per person who had any (key ``weekly_digest:<week>``)."""
    week = rules.digest_week(today)
    start = periods.parse(week).start
    since = datetime(start.year, start.month, start.day, tzinfo=UTC)
    counts = queries.recent_counts(session, since, since + timedelta(days=7))
    items = [
        notices.Notice(uid, f"weekly_digest:{week}", {"week": week, "counts": c, "total": sum(c.values())})
        for uid, c in sorted(counts.items())
    ]
    return notices.notify_many(session, event="weekly_digest", notices=items)


def claim_mail(session: Session, *, now: datetime, limit: int = 1000) -> str:
    """Claim the mails due for sending for this run and return the run's token. One UPDATE
    that only takes rows still pending (or claimed by a run that died), so two runs at once
    never claim the same mail. The caller commits before sending."""
    token = secrets.token_hex(8)
    due = (
        select(m.Notification.id)
        .where(
            sa.or_(
                sa.and_(
                    m.Notification.email_state == "pending",
                    sa.or_(m.Notification.email_next_at.is_(None), m.Notification.email_next_at <= now),
                ),
                sa.and_(m.Notification.email_state == "sending", m.Notification.email_next_at <= now),
            )
        )
        .order_by(m.Notification.id)
        .limit(limit)
    )
    ids = list(session.exec(due).all())
    if ids:
        session.execute(
            sa.update(m.Notification)
            .where(
                m.Notification.id.in_(ids),
                sa.or_(
                    m.Notification.email_state == "pending",
                    sa.and_(m.Notification.email_state == "sending", m.Notification.email_next_at <= now),
                ),
            )
            .values(email_state="sending", email_claim=token, email_next_at=now + rules.CLAIM_TIMEOUT)
        )
    return token


def mail_sent(session: Session, *, row: m.Notification, now: datetime, digested: list[int] = ()) -> None:
    row.email_state, row.emailed_at, row.email_error, row.email_claim = "sent", now, "", ""
    row.email_attempts += 1
    session.add(row)
    if digested:
        session.execute(
            sa.update(m.Notification)
            .where(m.Notification.id.in_(list(digested)), m.Notification.email_state == "digest")
            .values(email_state="digested", emailed_at=now)
        )
    session.flush()


def mail_failed(session: Session, *, row: m.Notification, now: datetime, error: str) -> None:
    """Record the failure and when to try again; after the last try the mail is given up (the
    inbox copy stays)."""
    row.email_attempts += 1
    row.email_error = error[:2000]
    row.email_claim = ""
    nxt = rules.retry_at(now, row.email_attempts)
    row.email_state, row.email_next_at = ("failed", None) if nxt is None else ("pending", nxt)
    session.add(row)
    session.flush()


def mail_skipped(session: Session, *, row: m.Notification, reason: str) -> None:
    """A mail that cannot go to this person (no address, archived): kept in the inbox only."""
    row.email_state, row.email_error, row.email_claim = "failed", reason, ""
    session.add(row)
    session.flush()
