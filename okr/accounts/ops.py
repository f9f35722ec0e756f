"""People writes: add a person, archive or bring them back, put them in a team with a role.
Every write flushes, never commits, and records its audit event. No Flask here.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds, writes
from okr.core.models import (
    Membership,
    Team,
    User,
    UserSession,
)


def normalise_email(email: str) -> str:
    """Emails are stored trimmed and in lower case, so lookups need no case folding."""
    return email.strip().lower()


def create_user(
    *,
    session: Session,
    org_id: int,
    email: str,
    name: str,
    password_hash: str = "",
    is_admin: bool = False,
    locale: str | None = None,
) -> User:
    """Add a person to the organisation (no membership yet: see :func:`add_member`).

    Pass a hash from :func:`hash_password`, never a password. The email is stored in lower case
    and must not be taken (emails are unique across organisations). Users are not plan items, so
    no audit event is written here; their memberships are audited by :func:`add_member`.
    """
    email = normalise_email(email)
    if "@" not in email:
        raise writes.PlanningError(f"not an email address: {email!r}")
    taken = session.exec(select(User.id).where(sa.func.lower(User.email) == email)).first()
    if taken is not None:
        raise writes.PlanningError(f"{email} already has an account")
    user = User(
        org_id=org_id, email=email, name=name.strip(), password_hash=password_hash, is_admin=is_admin, locale=locale
    )
    session.add(user)
    session.flush()
    return user


def set_person_archived(*, session: Session, actor_id: int | None, org_id: int, user: User, archived: bool) -> User:
    """Archive a person (they cannot sign in; every session of theirs ends; their RACI letters
    count as absent) or bring them back. Audited as ``person`` archive / restore, so pages
    that keep what they computed (rollups name each key result's Accountable) see the change."""
    if user.org_id != org_id:
        raise writes.PlanningError(f"user {user.id} is not in organisation {org_id}")
    if user.is_archived == archived:
        return user
    user.is_archived = archived
    if archived:
        user.session_version = (user.session_version or 1) + 1
        session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    session.add(user)
    writes.record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="person",
        item_id=user.id,
        action="archive" if archived else "restore",
        before={"is_archived": not archived},
        after={"is_archived": archived},
    )
    session.flush()
    return user


def add_member(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    user_id: int,
    team_id: int,
    role: str = "member",
) -> Membership:
    """Put a person in a team with a role (admin, manager, member, viewer), or change their role
    there. Audited as an update of the team: ``{"membership": {"user_id", "role"}}`` with the
    previous role (None for a new member) before and the new one after."""
    if role not in kinds.ROLES:
        raise writes.PlanningError(f"not a role: {role!r} (use {', '.join(kinds.ROLES)})")
    team = session.get(Team, team_id)
    if team is None or team.org_id != org_id:
        raise writes.PlanningError(f"team {team_id} is not in organisation {org_id}")
    writes.check_user(session, user_id, org_id, "member")
    membership = session.exec(
        select(Membership).where(Membership.user_id == user_id, Membership.team_id == team_id)
    ).first()
    old_role = None if membership is None else membership.role
    if old_role == role:
        return membership
    if membership is None:
        membership = Membership(user_id=user_id, team_id=team_id, role=role)
    else:
        membership.role = role
    session.add(membership)
    session.flush()
    writes.record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="team",
        item_id=team_id,
        action="update",
        before={"membership": {"user_id": user_id, "role": old_role}},
        after={"membership": {"user_id": user_id, "role": role}},
    )
    session.flush()
    return membership
