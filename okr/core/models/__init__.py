"""Every table of the product as SQLModel classes, with explicit table names: the plan's tables
here, each feature's own tables in a module of this package (imported at the end, so that
``import okr.core.models`` registers every table on the metadata).

No Flask here. Validation happens in forms and the importer (SQLModel table models do not
validate on construction); these classes only say what is stored and how it is indexed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from okr.core.models.base import (  # noqa: F401 (the helpers are part of this module's interface)
    NAME_MAX,
    TITLE_MAX,
    Editable,
    Quantity,
    qty,
    text_field,
    title_field,
    utcnow,
)


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    # SMART letters that block a save, e.g. "M" or "SMT"; key results always need M.
    smart_blocking: str = Field(default="", sa_column=sa.Column(sa.String(5), nullable=False, server_default=""))
    raci_max_accountable: int = Field(default=5, nullable=False)
    raci_max_responsible: int = Field(default=8, nullable=False)
    # The one currency every amount of the organisation is in (ISO 4217, okr.core.kinds.CURRENCIES).
    currency: str = Field(default="CNY", sa_column=sa.Column(sa.String(3), nullable=False, server_default="CNY"))
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    password_hash: str = Field(default="", sa_column=sa.Column(sa.String(255), nullable=False, server_default=""))
    locale: str | None = Field(default=None, sa_column=sa.Column(sa.String(8), nullable=True))
    landing_page: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(16), nullable=True)
    )  # kinds.LANDING_PAGES; None: by role
    is_admin: bool = Field(default=False, nullable=False)
    is_archived: bool = Field(default=False, nullable=False)
    # Raised on a password change or "sign out everywhere": sessions carrying an older value end.
    session_version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    last_login_at: datetime | None = None

    # What Flask-Login asks of a user object (kept here so no Flask import is needed).
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def is_active(self) -> bool:
        return not self.is_archived

    def get_id(self) -> str:
        return str(self.id)


class Team(Editable, table=True):
    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("org_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    slug: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    kind: str = Field(default="team", sa_column=sa.Column(sa.String(16), nullable=False))
    position: int = Field(default=0, nullable=False)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    role: str = Field(default="member", sa_column=sa.Column(sa.String(16), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class AnnualGoal(Editable, table=True):
    __tablename__ = "annual_goal"
    __table_args__ = (sa.Index("ix_annual_goal_team_year", "team_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    year: int = Field(nullable=False)  # the fiscal year, named by the calendar year it ends in
    title: str = title_field()
    description: str = text_field()
    weight: Decimal = qty(default=Decimal(1))
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    # A team's goal may support another team's goal (a department's goal under the company's).
    parent_goal_id: int | None = Field(default=None, foreign_key="annual_goal.id", index=True)
    # Optional own measure: when set, the goal's progress comes from it instead of objectives.
    measure_start: Decimal | None = qty(nullable=True)
    measure_target: Decimal | None = qty(nullable=True)
    measure_current: Decimal | None = qty(nullable=True)
    unit: str = Field(default="", sa_column=sa.Column(sa.String(32), nullable=False, server_default=""))
    position: int = Field(default=0, nullable=False)
    # The day its pace counts from; None: its period's start (okr.rollup.formulas.pace).
    starts_on: date | None = None


class Objective(Editable, table=True):
    __tablename__ = "objective"
    __table_args__ = (sa.Index("ix_objective_team_quarter", "team_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    quarter: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))  # "2026-Q2"
    title: str = title_field()
    description: str = text_field()
    kind: str = Field(default="committed", sa_column=sa.Column(sa.String(16), nullable=False))
    goal_id: int | None = Field(default=None, foreign_key="annual_goal.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    weight: Decimal = qty(default=Decimal(1))
    position: int = Field(default=0, nullable=False)
    copied_from_id: int | None = Field(default=None, foreign_key="objective.id", ondelete="SET NULL")
    # Quarter review: the retrospective and whether the objective carries into next quarter.
    reflection: str = text_field()
    carry_over: bool = Field(default=False, nullable=False)
    starts_on: date | None = None  # the day its pace counts from; None: its quarter's start


class KeyResult(Editable, table=True):
    __tablename__ = "key_result"

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    title: str = title_field()
    description: str = text_field()
    kind: str = Field(default="metric", sa_column=sa.Column(sa.String(16), nullable=False))
    start: Decimal = qty(default=Decimal(0))
    target: Decimal = qty(default=Decimal(1))
    # The latest check-in's value by date (start when there is none), kept with the row so
    # pages never read the whole history; check-ins are the only way it changes.
    current: Decimal = qty(default=Decimal(0))
    confidence: Decimal | None = qty(nullable=True)
    last_check_in_on: date | None = None
    is_done: bool = Field(default=False, nullable=False)  # milestones
    unit: str = Field(default="", sa_column=sa.Column(sa.String(32), nullable=False, server_default=""))
    weight: Decimal = qty(default=Decimal(1))
    progress_from: str = Field(default="checkins", sa_column=sa.Column(sa.String(16), nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    position: int = Field(default=0, nullable=False)
    copied_from_id: int | None = Field(default=None, foreign_key="key_result.id", ondelete="SET NULL")
    score_override: Decimal | None = qty(nullable=True)
    reflection: str = text_field()
    # Measured by a KPI: its current value is then the KPI's latest value in the quarter.
    kpi_id: int | None = Field(default=None, foreign_key="kpi.id", index=True, ondelete="SET NULL")
    starts_on: date | None = None  # the day its pace counts from; None: its quarter's start


class CheckIn(Editable, table=True):
    __tablename__ = "check_in"
    __table_args__ = (sa.Index("ix_check_in_kr_date", "key_result_id", "checked_on"),)

    id: int | None = Field(default=None, primary_key=True)
    key_result_id: int = Field(foreign_key="key_result.id")
    checked_on: date = Field(nullable=False)
    value: Decimal = qty()
    confidence: Decimal | None = qty(nullable=True)
    note: str = text_field()
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")


class Project(Editable, table=True):
    __tablename__ = "project"
    __table_args__ = (sa.Index("ix_project_team_month", "team_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    month: str = Field(sa_column=sa.Column(sa.String(7), nullable=False))  # "2026-04"
    key_result_id: int | None = Field(default=None, foreign_key="key_result.id", index=True)
    title: str = title_field()
    description: str = text_field()
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    starts_on: date | None = None
    due_on: date | None = None
    status: str = Field(default="active", sa_column=sa.Column(sa.String(16), nullable=False))
    position: int = Field(default=0, nullable=False)
    copied_from_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")


class Task(Editable, table=True):
    __tablename__ = "task"
    __table_args__ = (
        sa.Index("ix_task_assignee_week", "assignee_id", "week"),
        sa.Index("ix_task_team_week", "team_id", "week"),
        sa.Index("ix_task_project_status", "project_id", "status"),
        # Covering indexes for the rollups' GROUP BY over tasks: per-project counts and the
        # quarter's split by quadrant and link read the index alone, never the table.
        sa.Index("ix_task_project_rollup", "project_id", "is_archived", "status", "estimate"),
        sa.Index(
            "ix_task_team_week_rollup", "team_id", "week", "is_archived", "project_id", "important", "urgent", "status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    week: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))  # "2026-W21"
    project_id: int | None = Field(default=None, foreign_key="project.id")
    title: str = title_field()
    description: str = text_field()
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    # Set when someone handed the task to the assignee; they see it as "waiting on others".
    delegated_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True)
    important: bool = Field(default=False, nullable=False)
    urgent: bool = Field(default=False, nullable=False)
    status: str = Field(default="todo", sa_column=sa.Column(sa.String(16), nullable=False))
    position: int = Field(default=0, nullable=False)
    estimate: Decimal | None = qty(nullable=True)
    due_on: date | None = None
    done_at: datetime | None = None
    carried_from_id: int | None = Field(default=None, foreign_key="task.id", ondelete="SET NULL")
    carry_count: int = Field(default=0, nullable=False)
    # Flagged blocked by its assignee (or a planner) with the reason; the stand-up shows it.
    is_blocked: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )
    blocked_reason: str = Field(default="", sa_column=sa.Column(sa.String(300), nullable=False, server_default=""))
    blocked_at: datetime | None = None


class RaciAssignment(SQLModel, table=True):
    """One letter for one person on one item (a key result or a project, never both); "A/R" is
    one letter, the Accountable who also does the work."""

    __tablename__ = "raci_assignment"
    __table_args__ = (
        sa.UniqueConstraint("key_result_id", "user_id"),
        sa.UniqueConstraint("project_id", "user_id"),
        sa.CheckConstraint("(key_result_id IS NULL) <> (project_id IS NULL)", name="one_item"),
        sa.CheckConstraint("letter IN ('R', 'A', 'A/R', 'C', 'I')", name="letter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key_result_id: int | None = Field(default=None, foreign_key="key_result.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    letter: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))  # R, A, A/R, C or I
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")


class AuditEvent(SQLModel, table=True):
    """Who changed what and when, with the values before and after (JSON text)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_item", "item_type", "item_id"),
        # The newest event of an organisation is its data version (okr.leadership.views caches on it).
        sa.Index("ix_audit_event_org_latest", "org_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    item_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    item_id: int = Field(nullable=False)
    action: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, nullable=False)
    before: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    after: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))


class UserSession(SQLModel, table=True):
    """A signed-in session, held on the server so signing out ends it for every copy of the
    cookie. The cookie carries a random token; this row keeps its SHA-256 (``id``), so the table
    alone opens no session. Ends at sign-out, after the idle or the absolute limit
    (okr.accounts.sessions), and with the person (cascade)."""

    __tablename__ = "user_session"

    id: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    user_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, nullable=False)


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins, counted per account and per address for rate limiting without Redis."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    at: datetime = Field(default_factory=utcnow, nullable=False)


class RateLimitCounter(SQLModel, table=True):
    """Requests counted per rate-limit key for the /api/ limit when there is no Redis: one row per
    key, counted up in place and started again once its window has passed, so every worker
    shares the count (okr.core.web.ratelimit.DatabaseStorage). Expired rows are pruned."""

    __tablename__ = "rate_limit_counter"
    __table_args__ = (sa.Index("ix_rate_limit_counter_expires_at", "expires_at"),)

    key: str = Field(sa_column=sa.Column(sa.String(300), primary_key=True))
    count: int = Field(default=0, nullable=False)
    expires_at: float = Field(nullable=False)  # seconds since the epoch, when the window ends


ITEM_MODELS = {
    "team": Team,
    "goal": AnnualGoal,
    "objective": Objective,
    "key_result": KeyResult,
    "check_in": CheckIn,
    "project": Project,
    "task": Task,
}


# Each feature's tables (one line per module of this package).
from okr.core.models import budget  # noqa: E402, F401
from okr.core.models.api import ApiToken  # noqa: E402, F401
from okr.core.models.kpi import Kpi, KpiAlert, KpiTarget, KpiValue  # noqa: E402, F401
from okr.core.models.notify import Notification, NotificationPreference  # noqa: E402, F401
from okr.core.models.rhythm import OneOnOneItem, OneOnOneMeeting, ReviewAnswer, StandupNote  # noqa: E402, F401
