"""Notifications: the ledger of what each person was told (one row per recipient and event key,
read in the inbox and mailed by `okr notify`), and each person's choice of channel per event.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from okr.core.models.base import utcnow


class Notification(SQLModel, table=True):
    """One event for one person. ``key`` makes delivery idempotent: a second run, or two runs at
    once, finds the (user_id, key) pair taken and adds nothing. ``params`` is JSON; the words are
    rendered from ``event`` and ``params`` in the reader's language when shown or mailed."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key"),
        sa.Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        sa.Index("ix_notification_email_due", "email_state", "email_next_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    event: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    key: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    params: str = Field(default="{}", sa_column=sa.Column(sa.Text(), nullable=False, server_default="{}"))
    link: str = Field(default="", sa_column=sa.Column(sa.String(500), nullable=False, server_default=""))
    channel: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))  # kinds.NOTIFY_CHANNELS
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    read_at: datetime | None = None
    # Mail: "" (none), pending, sending (claimed by a run), sent, failed (gave up), digest
    # (waits for the weekly digest), digested (went out in one).
    email_state: str = Field(default="", sa_column=sa.Column(sa.String(12), nullable=False, server_default=""))
    email_attempts: int = Field(default=0, nullable=False)
    # The run that claimed the message for sending (a random token), so two runs never both send it.
    email_claim: str = Field(default="", sa_column=sa.Column(sa.String(32), nullable=False, server_default=""))
    email_next_at: datetime | None = None
    email_error: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    emailed_at: datetime | None = None


class NotificationPreference(SQLModel, table=True):
    """Where one person wants one kind of event: inbox, email, digest or off (no row: default)."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "event"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    event: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    channel: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
