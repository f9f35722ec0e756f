"""Telling a person something: the one write every feature calls to put an event in someone's
inbox (and queue its mail), whatever the feature's place in the layers.

It lives in core because the features that raise events (the week board delegating a task, KPI
alerts, budget approvals, 1:1 agendas) sit below okr.notify, which shows and mails them. Each
notice has a key; a (person, key) pair is written once, so raising the same event again, or two
`okr notify` runs at once, adds nothing. The person's preference decides the channel; "off"
writes nothing. No Flask.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds
from okr.core.models import Membership, Notification, NotificationPreference, User, utcnow
from okr.core.writes import jsonable

#: Where each channel leaves the mail: nothing, sent on its own, or waiting for the digest.
EMAIL_STATE = {"inbox": "", "email": "pending", "digest": "digest"}


@dataclass(frozen=True)
class Notice:
    """One event for one person: ``key`` names the event so it is delivered once (for example
    ``task_delegated:42:7`` for task 42 handed over by person 7)."""

    user_id: int
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    link: str = ""


def channels(session: Session, user_ids: Iterable[int], event: str) -> dict[int, str]:
    """Each person's channel for ``event``: their preference, else the default."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(NotificationPreference.user_id, NotificationPreference.channel).where(
            NotificationPreference.event == event, NotificationPreference.user_id.in_(ids)
        )
    ).all()
    found = {uid: ch for uid, ch in rows if ch in kinds.NOTIFY_CHANNELS}
    return {uid: found.get(uid, kinds.NOTIFY_DEFAULT_CHANNEL) for uid in ids}


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Notification.__table__)


def notify_many(session: Session, *, event: str, notices: Iterable[Notice]) -> int:
    """Write each notice for its person unless that (person, key) exists or they turned the event
    off. Returns how many were new. Archived people are told nothing."""
    if event not in kinds.NOTIFY_EVENTS:
        raise ValueError(f"not a notification event: {event!r}")
    notices = [n for n in notices if n.user_id]
    if not notices:
        return 0
    ids = {n.user_id for n in notices}
    people = dict(
        session.exec(select(User.id, User.org_id).where(User.id.in_(sorted(ids)), User.is_archived.is_(False))).all()
    )
    chosen = channels(session, people, event)
    now = utcnow()
    rows, seen = [], set()
    for n in notices:
        channel = chosen.get(n.user_id)
        if channel is None or channel == "off" or (n.user_id, n.key) in seen:
            continue
        seen.add((n.user_id, n.key))
        rows.append(
            {
                "org_id": people[n.user_id],
                "user_id": n.user_id,
                "event": event,
                "key": n.key[:200],
                "params": json.dumps(jsonable(dict(n.params)), ensure_ascii=False, sort_keys=True),
                "link": n.link[:500],
                "channel": channel,
                "created_at": now,
                # The digest itself goes by mail whether its channel says email or digest.
                "email_state": "pending" if event == "weekly_digest" and channel == "digest" else EMAIL_STATE[channel],
                "email_attempts": 0,
                "email_claim": "",
                "email_error": "",
            }
        )
    if not rows:
        return 0
    before = _count(session, rows)
    session.execute(_insert(session).on_conflict_do_nothing(index_elements=["user_id", "key"]), rows)
    return _count(session, rows) - before


def _count(session: Session, rows: list[dict]) -> int:
    users = sorted({r["user_id"] for r in rows})
    keys = sorted({r["key"] for r in rows})
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id.in_(users), Notification.key.in_(keys))
    )


def notify(session: Session, *, person_id: int, event: str, key: str, params=None, link: str = "") -> bool:
    """Tell one person about one event (see :func:`notify_many`); True when it was new."""
    return notify_many(session, event=event, notices=[Notice(person_id, key, params or {}, link)]) == 1


def team_managers(session: Session, team_id: int) -> list[int]:
    """The managers and admins of a team: who hears of its KPI alerts and approvals."""
    return list(
        session.exec(
            select(Membership.user_id).where(Membership.team_id == team_id, Membership.role.in_(("manager", "admin")))
        ).all()
    )


def kpi_alert(
    session: Session, *, team_id: int, owner_id: int | None, alert_id: int, params=None, link: str = ""
) -> int:
    """A KPI left its normal range: tell its owner and the team's managers, once per alert.

    ``params`` should carry what the message shows: ``kpi`` (its name), ``value``, ``low`` and
    ``high`` (the normal range), ``team`` (the team's name). For the KPI feature to call.
    """
    people = {*team_managers(session, team_id), *([owner_id] if owner_id else [])}
    key = f"kpi_alert:{alert_id}"
    return notify_many(
        session, event="kpi_alert", notices=[Notice(uid, key, params or {}, link) for uid in sorted(people)]
    )


def approval_waiting(session: Session, *, approver_ids: Iterable[int], item_key: str, params=None, link="") -> int:
    """Something waits for these people's approval (``item_key`` names it, e.g.
    ``budget_adjustment:12``); ``params`` carries ``title`` and ``by`` (who asked)."""
    key = f"approval_waiting:{item_key}"
    return notify_many(
        session,
        event="approval_waiting",
        notices=[Notice(uid, key, params or {}, link) for uid in sorted(set(approver_ids))],
    )
