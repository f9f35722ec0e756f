"""The budget's tables: a team's yearly budget lines with their monthly amounts, a project's
planned cost lines, spend entries and returns, and adjustment requests (okr.budget).

Money is a Decimal with two places, stored exactly (see :class:`Money`); the organisation's one
currency is ``Organisation.currency``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from okr.core.models.base import Editable, qty, text_field, utcnow

CENT = Decimal("0.01")


class Money(sa.types.TypeDecorator):
    """An amount of money: NUMERIC(16, 2) on PostgreSQL, whole cents in an INTEGER on SQLite.

    SQLite has no decimal type and a REAL would turn 0.10 + 0.20 into 0.30000000000000004; cents
    in an integer are exact. Values come back as Decimal with two places.
    """

    impl = sa.Numeric(16, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(16, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
        if dialect.name == "sqlite":
            return int(amount * 100)
        return amount

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-2)  # exactly two places, no rounding needed
        return Decimal(value).quantize(CENT)


def money(**kw):
    nullable = kw.pop("nullable", False)
    return Field(sa_column=sa.Column(Money(), nullable=nullable, **kw))


def _category():
    return Field(sa_column=sa.Column(sa.String(64), nullable=False))


class BudgetLine(Editable, table=True):
    """One line of a team's budget for a fiscal year: a category of spend and its kind."""

    __tablename__ = "budget_line"
    __table_args__ = (sa.UniqueConstraint("team_id", "year", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    year: int = Field(nullable=False)  # fiscal year, named by the calendar year it ends in
    category: str = _category()
    kind: str = Field(default="variable", sa_column=sa.Column(sa.String(16), nullable=False))
    position: int = Field(default=0, nullable=False)


class BudgetMonth(SQLModel, table=True):
    """The planned amount of a budget line in one calendar month ("2026-04")."""

    __tablename__ = "budget_month"
    __table_args__ = (sa.UniqueConstraint("line_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="budget_line.id", index=True)
    month: str = Field(sa_column=sa.Column(sa.String(7), nullable=False))
    amount: Decimal = money()


class ProjectCost(Editable, table=True):
    """A planned cost line of a project (an activity): platform traffic 600,000."""

    __tablename__ = "project_cost"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    category: str = _category()
    amount: Decimal = money()
    note: str = text_field()
    position: int = Field(default=0, nullable=False)


class SpendEntry(Editable, table=True):
    """Money spent on a date: on a project, or on the team itself (salaries, systems)."""

    __tablename__ = "spend_entry"
    __table_args__ = (
        sa.Index("ix_spend_entry_team_date", "team_id", "spent_on"),
        sa.Index("ix_spend_entry_project_date", "project_id", "spent_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    project_id: int | None = Field(default=None, foreign_key="project.id")
    spent_on: date = Field(nullable=False)
    amount: Decimal = money()
    category: str = _category()
    note: str = text_field()
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")


class ProjectReturn(Editable, table=True):
    """What a project brings back, by kind, with the inputs it was computed from (or a plain
    ``amount``): direct = GMV × margin, indirect = users × LTV, brand = impressions ÷ 1000 × CPM."""

    __tablename__ = "project_return"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    gmv: Decimal | None = money(nullable=True)
    margin: Decimal | None = qty(nullable=True)
    users: Decimal | None = qty(nullable=True)
    ltv: Decimal | None = money(nullable=True)
    impressions: Decimal | None = qty(nullable=True)
    cpm: Decimal | None = money(nullable=True)
    amount: Decimal | None = money(nullable=True)
    note: str = text_field()


class BudgetAdjustment(SQLModel, table=True):
    """A request to change a team's budget for a category (amount may be negative: a cut),
    decided by a manager of the team above or an admin; approval adds it to the plan."""

    __tablename__ = "budget_adjustment"
    __table_args__ = (sa.Index("ix_budget_adjustment_team_status", "team_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    year: int = Field(nullable=False)
    month: str = Field(sa_column=sa.Column(sa.String(7), nullable=False))
    category: str = _category()
    amount: Decimal = money()
    reason: str = text_field()
    status: str = Field(default="pending", sa_column=sa.Column(sa.String(16), nullable=False))
    requested_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    requested_at: datetime = Field(default_factory=utcnow, nullable=False)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    decided_at: datetime | None = None
    decision_note: str = text_field()
    version: int = Field(default=1, nullable=False)
