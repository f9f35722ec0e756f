"""The KPI tables: a team's health metrics (the metric tree), their targets by period, their dated
values with the severity the rules gave each, and the alerts those values opened.

Rules live in okr.kpi.rules; writes in okr.kpi.ops (every one audited). No Flask here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from okr.core.models.base import NAME_MAX, Editable, qty, text_field, title_field, utcnow

KEY_MAX = 64


class Kpi(Editable, table=True):
    """A standing measure of a team's health. ``key`` is unique in the organisation; a range
    bound left empty is open on that side."""

    __tablename__ = "kpi"
    __table_args__ = (sa.UniqueConstraint("org_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    key: str = Field(sa_column=sa.Column(sa.String(KEY_MAX), nullable=False))
    name: str = title_field()
    description: str = text_field()
    unit: str = Field(default="", sa_column=sa.Column(sa.String(32), nullable=False, server_default=""))
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    level: str = Field(default="tactical", sa_column=sa.Column(sa.String(16), nullable=False))
    parent_id: int | None = Field(default=None, foreign_key="kpi.id", index=True)
    direction: str = Field(default="higher", sa_column=sa.Column(sa.String(8), nullable=False))
    frequency: str = Field(default="daily", sa_column=sa.Column(sa.String(8), nullable=False))
    normal_min: Decimal | None = qty(nullable=True)
    normal_max: Decimal | None = qty(nullable=True)
    critical_min: Decimal | None = qty(nullable=True)
    critical_max: Decimal | None = qty(nullable=True)
    position: int = Field(default=0, nullable=False)


class KpiTarget(SQLModel, table=True):
    """The target of a KPI for one period (``"2026-Q2"``, ``"2026"``, ``"2026-05"``)."""

    __tablename__ = "kpi_target"
    __table_args__ = (sa.UniqueConstraint("kpi_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id")
    period: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    value: Decimal = qty()


class KpiValue(SQLModel, table=True):
    """One dated value of a KPI (one per date: a second value for a date replaces the first).

    ``severity`` and ``rule`` are what okr.kpi.rules.severity gave it against the KPI's ranges
    and the eight values before it; okr.kpi.ops keeps them current when values or ranges change.
    """

    __tablename__ = "kpi_value"
    __table_args__ = (
        sa.UniqueConstraint("kpi_id", "measured_on"),
        # The board reads each KPI's values of a period and its latest one: the index covers both.
        sa.Index("ix_kpi_value_kpi_date_cover", "kpi_id", "measured_on", "value", "severity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id")
    measured_on: date = Field(nullable=False)
    value: Decimal = qty()
    note: str = text_field()
    severity: str = Field(default="normal", sa_column=sa.Column(sa.String(8), nullable=False))
    rule: str | None = Field(default=None, sa_column=sa.Column(sa.String(16), nullable=True))
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class KpiAlert(Editable, table=True):
    """The alert a warning or critical value opened: open → acknowledged → resolved, each step
    with who, when and a note (cause and action). One per KPI and date; never deleted."""

    __tablename__ = "kpi_alert"
    __table_args__ = (
        sa.UniqueConstraint("kpi_id", "measured_on"),
        sa.Index("ix_kpi_alert_status", "status", "kpi_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id")
    measured_on: date = Field(nullable=False)
    value: Decimal = qty()
    severity: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    rule: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    status: str = Field(default="open", sa_column=sa.Column(sa.String(16), nullable=False))
    acknowledged_at: datetime | None = None
    acknowledged_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    acknowledge_note: str = text_field()
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    resolve_note: str = text_field()


__all__ = ["KEY_MAX", "NAME_MAX", "Kpi", "KpiAlert", "KpiTarget", "KpiValue"]
