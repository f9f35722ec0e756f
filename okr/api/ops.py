"""Writes of personal access tokens: create (the only moment the token exists in clear), revoke,
and the last-use stamp. Each takes the session keyword-only, flushes and never commits.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from okr.api import rules
from okr.core import models as m
from okr.core import writes

ITEM_TYPE = "api_token"


def _audit(token: m.ApiToken) -> dict:
    # Never the hash: the audit trail says which token, not how to recognise it.
    return {
        "name": token.name,
        "scope": token.scope,
        "prefix": token.prefix,
        "user_id": token.user_id,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


def create_token(
    *, session: Session, actor_id: int | None, user: m.User, name: str, scope: str, days: int | None, now: datetime
) -> tuple[m.ApiToken, str]:
    """A new token for ``user``: returns the row and the token's text, which is not stored."""
    if scope not in rules.SCOPES:
        raise writes.PlanningError(f"scope must be one of {', '.join(rules.SCOPES)}")
    if days is not None and not 1 <= days <= rules.MAX_DAYS:
        raise writes.PlanningError(f"a token lasts 1 to {rules.MAX_DAYS} days")
    name = name.strip()
    if not name or len(name) > 80:
        raise writes.PlanningError("a token needs a name of at most 80 characters")
    text = rules.token_text(secrets.token_urlsafe(32))
    token = m.ApiToken(
        org_id=user.org_id,
        user_id=user.id,
        name=name,
        scope=scope,
        prefix=rules.prefix_of(text),
        secret_hash=rules.hash_of(text),
        created_at=now,
        expires_at=None if days is None else now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    writes.record(
        session,
        org_id=user.org_id,
        actor_id=actor_id,
        item_type=ITEM_TYPE,
        item_id=token.id,
        action="create",
        before=None,
        after=_audit(token),
    )
    session.flush()
    return token, text


def revoke_token(*, session: Session, actor_id: int | None, token: m.ApiToken, now: datetime) -> bool:
    """Revoke ``token`` (False, and nothing written, when it was revoked already)."""
    if token.revoked_at is not None:
        return False
    before = _audit(token)
    token.revoked_at = now
    session.add(token)
    writes.record(
        session,
        org_id=token.org_id,
        actor_id=actor_id,
        item_type=ITEM_TYPE,
        item_id=token.id,
        action="revoke",
        before=before,
        after=_audit(token),
    )
    session.flush()
    return True


def mark_used(*, session: Session, token_id: int, now: datetime) -> None:
    """Stamp the token's last use (bookkeeping, not an edit: no audit event). One statement that
    only writes when the stamp is older than rules.TOUCH_EVERY, so parallel requests agree."""
    t = m.ApiToken.__table__
    stale = now - timedelta(seconds=rules.TOUCH_EVERY)
    session.execute(
        sa.update(t)
        .where(t.c.id == token_id, sa.or_(t.c.last_used_at.is_(None), t.c.last_used_at <= stale))
        .values(last_used_at=now)
    )
    session.flush()
