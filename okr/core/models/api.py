"""Personal access tokens for the /api/v1 endpoints: a person's named secrets, stored as a SHA-256
of the token with a short visible prefix for listing; the token itself is shown once and never kept.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from okr.core.models.base import utcnow


class ApiToken(SQLModel, table=True):
    """One token of one person. ``scope`` is ``read`` or ``write`` (okr.api.rules.SCOPES); a token
    stops working when revoked or past ``expires_at``; ``last_used_at`` is refreshed at most once
    a minute (okr.api.ops.mark_used)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    scope: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    prefix: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    secret_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
