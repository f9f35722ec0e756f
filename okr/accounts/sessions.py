"""Signed-in sessions held on the server: started at sign-in, checked on each request, ended at
sign-out, after an idle or an absolute limit, by a password change or by an admin. No Flask here.

The cookie (signed by Flask) carries a random token; the ``user_session`` row keeps only its
SHA-256, so neither a copied cookie after sign-out nor a read of the table opens a session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, delete, select

from okr.accounts import rules
from okr.core import models as m
from okr.core.queries import param, run

#: last_seen_at is written at most this often per session (one small write a minute, not one a request).
TOUCH_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def start(*, session: Session, user_id: int, max_age: timedelta, now: datetime | None = None) -> str:
    """A new session for the person; returns the token for the cookie. The person's sessions
    past the absolute limit are deleted on the way (the table stays as small as the live ones)."""
    now = now or m.utcnow()
    session.execute(
        delete(m.UserSession).where(m.UserSession.user_id == user_id, m.UserSession.created_at < now - max_age)
    )
    token = secrets.token_urlsafe(32)
    session.add(m.UserSession(id=digest(token), user_id=user_id, created_at=now, last_seen_at=now))
    session.flush()
    return token


def end(*, session: Session, token: str | None) -> None:
    """Sign-out: the session's row goes, so every copy of its cookie stops working."""
    if token:
        session.execute(delete(m.UserSession).where(m.UserSession.id == digest(token)))
        session.flush()


def end_all(*, session: Session, user_id: int, keep: str | None = None) -> None:
    """Every session of the person ends (a password change keeps the one that made it: ``keep``)."""
    stmt = delete(m.UserSession).where(m.UserSession.user_id == user_id)
    if keep:
        stmt = stmt.where(m.UserSession.id != digest(keep))
    session.execute(stmt)
    session.flush()


def load(
    *, session: Session, engine: sa.Engine, user_id: int, token: str | None, idle: timedelta, max_age: timedelta
) -> m.User | None:
    """The signed-in person when ``token`` names a live session of theirs, else None.

    One read (the person joined to the session). A session past its idle or absolute limit is
    deleted; a live one has its ``last_seen_at`` moved at most every :data:`TOUCH_EVERY`. Both
    writes go through a connection of their own, committed at once, so they neither wait for
    nor ride on the request's own transaction."""
    if not token:
        return None
    row = run(
        session,
        "load_user_session",
        lambda: (
            select(m.User, m.UserSession.created_at, m.UserSession.last_seen_at)
            .join(m.UserSession, m.UserSession.user_id == m.User.id)
            .where(m.User.id == param("id"), m.UserSession.id == param("sid"))
        ),
        id=user_id,
        sid=digest(token),
    ).first()
    if row is None:
        return None
    user, created_at, last_seen_at = row
    now = m.utcnow()
    state = rules.session_state(created_at, last_seen_at, now, idle=idle, max_age=max_age, touch_every=TOUCH_EVERY)
    table = m.UserSession.__table__
    if state == rules.SESSION_ENDED:
        with engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.id == digest(token)))
        return None
    if state == rules.SESSION_TOUCH:
        with engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id == digest(token)).values(last_seen_at=now))
    return user
