"""Reads for the plan document: what the database already holds, as the checker needs it.

No Flask here; a few set-based statements per document, whatever its size.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core.models import Membership, Team, User
from okr.plandoc.checker import normalise_email
from okr.plandoc.schema import Known


def document_emails(doc: Any) -> set[str]:
    """The lower-case emails the document's ``people`` list (whatever else is wrong with it)."""
    people = doc.get("people") if isinstance(doc, dict) else None
    if not isinstance(people, list):
        return set()
    return {
        normalise_email(row["email"]) for row in people if isinstance(row, dict) and isinstance(row.get("email"), str)
    }


def known(session: Session, org_id: int | None, doc: Any = None) -> Known:
    """Teams, people, admins and memberships of organisation ``org_id`` (of every organisation
    when None), and which of ``doc``'s emails people of other organisations have."""
    query = select(Team.id, Team.slug, Team.parent_id)
    if org_id is not None:
        query = query.where(Team.org_id == org_id)
    rows = session.exec(query).all()
    slug_of = {row.id: row.slug for row in rows}
    users = select(User.email, User.is_admin)
    if org_id is not None:
        users = users.where(User.org_id == org_id)
    emails: set[str] = set()
    admins: set[str] = set()
    for email, is_admin in session.exec(users).all():
        emails.add(email.lower())
        if is_admin:
            admins.add(email.lower())
    first = (
        select(User.email, Team.slug)
        .join(Membership, Membership.user_id == User.id)
        .join(Team, Team.id == Membership.team_id)
        .order_by(Membership.id.desc())
    )
    if org_id is not None:
        first = first.where(User.org_id == org_id)
    first_team: dict[str, str] = {}
    memberships: set[tuple[str, str]] = set()
    # Ordered newest first, so the last write per email is its oldest membership.
    for email, slug in session.exec(first).all():
        first_team[email.lower()] = slug
        memberships.add((email.lower(), slug))
    elsewhere: set[str] = set()
    wanted = sorted(document_emails(doc) - emails) if org_id is not None else []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found = session.exec(
            select(sa.func.lower(User.email)).where(sa.func.lower(User.email).in_(chunk), User.org_id != org_id)
        ).all()
        elsewhere.update(found)
    return Known(
        teams={row.slug: slug_of.get(row.parent_id) for row in rows},
        team_ids={row.slug: row.id for row in rows},
        emails=frozenset(emails),
        admins=frozenset(admins),
        first_team=first_team,
        memberships=frozenset(memberships),
        elsewhere=frozenset(elsewhere),
    )
