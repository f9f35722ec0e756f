"""The operating rhythm's tables: a stand-up's one-line notes, the review questions' answers,
and the 1:1 agenda and meeting notes between a manager and one member.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from okr.core.models.base import Editable, text_field


class StandupNote(Editable, table=True):
    """One person's one-line note on one team's stand-up of one day."""

    __tablename__ = "standup_note"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    day: date = Field(nullable=False)
    note: str = Field(default="", sa_column=sa.Column(sa.String(300), nullable=False, server_default=""))


class ReviewAnswer(Editable, table=True):
    """The four review questions answered for one subject of one period: the team as a whole
    (``subject`` "team"), one objective ("objective:<id>") or a closed project ("project:<id>")."""

    __tablename__ = "review_answer"
    __table_args__ = (sa.UniqueConstraint("team_id", "period", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    period: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))  # 2026-Q2, 2026-H1, 2026
    subject: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    went_well: str = text_field()
    went_badly: str = text_field()
    learned: str = text_field()
    decide_next: str = text_field()


class OneOnOneItem(Editable, table=True):
    """A point on the running agenda of a manager and one member; either may add it. It may link
    a key result or a (blocked) task, and is ticked off when talked about."""

    __tablename__ = "one_on_one_item"
    __table_args__ = (sa.Index("ix_one_on_one_item_pair", "manager_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="app_user.id")
    member_id: int = Field(foreign_key="app_user.id")
    text: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    key_result_id: int | None = Field(default=None, foreign_key="key_result.id", ondelete="SET NULL")
    task_id: int | None = Field(default=None, foreign_key="task.id", ondelete="SET NULL")
    is_done: bool = Field(default=False, nullable=False)


class OneOnOneMeeting(Editable, table=True):
    """The notes of one 1:1 meeting, seen by the two people only."""

    __tablename__ = "one_on_one_meeting"
    __table_args__ = (sa.Index("ix_one_on_one_meeting_pair", "manager_id", "member_id", "held_on"),)

    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="app_user.id")
    member_id: int = Field(foreign_key="app_user.id")
    held_on: date = Field(nullable=False)
    notes: str = text_field()
