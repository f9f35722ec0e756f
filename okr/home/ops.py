"""Writes of the front door: a person's own landing page.

A preference of one's own, like the language: no plan row changes, so no audit event.
"""

from __future__ import annotations

from sqlmodel import Session

from okr.core.kinds import LANDING_PAGES
from okr.core.models import User


def set_landing_page(*, session: Session, user: User, choice: str) -> User:
    """Store where ``user`` lands on signing in (one of kinds.LANDING_PAGES); flush, no commit."""
    if choice not in LANDING_PAGES:
        raise ValueError(f"not a landing page: {choice!r}")
    user.landing_page = choice
    session.add(user)
    session.flush()
    return user
