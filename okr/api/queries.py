"""Reads of personal access tokens: a person's list, and the token a request presents."""

from __future__ import annotations

from sqlmodel import Session, select

from okr.api import rules
from okr.core import models as m


def tokens_of(session: Session, user_id: int) -> list[m.ApiToken]:
    """A person's tokens, newest first (revoked and expired ones too: the list says which)."""
    stmt = select(m.ApiToken).where(m.ApiToken.user_id == user_id).order_by(m.ApiToken.id.desc())
    return list(session.exec(stmt).all())


def by_token(session: Session, token: str) -> tuple[m.ApiToken, m.User] | None:
    """The stored token whose hash matches ``token``, with its person; None when none does."""
    stmt = (
        select(m.ApiToken, m.User)
        .join(m.User, m.User.id == m.ApiToken.user_id)
        .where(m.ApiToken.secret_hash == rules.hash_of(token))
    )
    row = session.exec(stmt).first()
    return None if row is None else (row[0], row[1])


def people(session: Session, org_id: int) -> list[tuple[m.User, list[tuple[str, str]]]]:
    """The organisation's active people by name, each with (team slug, role) of their live teams;
    two statements whatever the number of people."""
    users = session.exec(
        select(m.User).where(m.User.org_id == org_id, m.User.is_archived.is_(False)).order_by(m.User.name, m.User.id)
    ).all()
    rows = session.exec(
        select(m.Membership.user_id, m.Team.slug, m.Membership.role)
        .join(m.Team, m.Team.id == m.Membership.team_id)
        .where(m.Team.org_id == org_id, m.Team.is_archived.is_(False))
        .order_by(m.Team.slug)
    ).all()
    teams: dict[int, list[tuple[str, str]]] = {}
    for user_id, slug, role in rows:
        teams.setdefault(user_id, []).append((slug, role))
    return [(u, teams.get(u.id, [])) for u in users]
