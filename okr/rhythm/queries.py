"""Reads of the operating rhythm: a stand-up's tasks and notes, a month's projects and key
results for the monthly report, review answers, and a 1:1's agenda and notes, each page in a
few set-based statements.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds
from okr.core import models as m
from okr.rhythm.rules import StandupTask, previous_working_day


def standup_tasks(session: Session, user_ids: list[int], day: date, week: str) -> list[StandupTask]:
    """The people's tasks of this week and the four before it that may show on ``day``'s
    stand-up: finished since the previous working day, or unfinished."""
    if not user_ids:
        return []
    since = previous_working_day(day)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    end = datetime(day.year, day.month, day.day, tzinfo=UTC)
    earliest = (day - timedelta(weeks=4)).isocalendar()
    oldest_week = f"{earliest[0]}-W{earliest[1]:02d}"
    rows = session.exec(
        select(
            m.Task.id,
            m.Task.title,
            m.Task.assignee_id,
            m.Task.status,
            m.Task.done_at,
            m.Task.due_on,
            m.Task.week,
            m.Task.is_blocked,
            m.Task.blocked_reason,
            m.Task.important,
            m.Task.urgent,
            m.Task.version,
            m.Task.delegated_by_id,
        )  # fmt: skip
        .where(
            # (assignee, week) is the index: both kinds of task are looked for in those weeks.
            m.Task.assignee_id.in_(user_ids),
            m.Task.week >= oldest_week,
            m.Task.week <= week,
            m.Task.is_archived.is_(False),
            sa.or_(
                sa.and_(m.Task.status == kinds.DONE, m.Task.done_at >= start, m.Task.done_at < end),
                m.Task.status.in_(kinds.UNFINISHED),
            ),
        )
        .order_by(m.Task.position, m.Task.id)
    ).all()
    return [StandupTask(*r) for r in rows]


def standup_notes(session: Session, team_id: int, day: date) -> dict[int, m.StandupNote]:
    rows = session.exec(select(m.StandupNote).where(m.StandupNote.team_id == team_id, m.StandupNote.day == day)).all()
    return {n.user_id: n for n in rows}


def month_projects(session: Session, team_ids: list[int], months: list[str]) -> list[m.Project]:
    """Live projects of the teams in the given months (one statement)."""
    return list(
        session.exec(
            select(m.Project)
            .where(m.Project.team_id.in_(team_ids), m.Project.month.in_(months), m.Project.is_archived.is_(False))
            .order_by(m.Project.month, m.Project.team_id, m.Project.position, m.Project.id)
        ).all()
    )


def quarter_key_results(session: Session, team_ids: list[int], quarter: str) -> list[tuple]:
    """(key result, objective title, team id) of the teams' live objectives in ``quarter``."""
    return list(
        session.exec(
            select(m.KeyResult, m.Objective.title, m.Objective.team_id)
            .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
            .where(
                m.Objective.team_id.in_(team_ids),
                m.Objective.quarter == quarter,
                m.Objective.is_archived.is_(False),
                m.KeyResult.is_archived.is_(False),
            )
            .order_by(m.Objective.team_id, m.Objective.position, m.KeyResult.position, m.KeyResult.id)
        ).all()
    )


def check_ins_until(session: Session, kr_ids: list[int], until: date) -> dict[int, list[tuple[date, object]]]:
    """Each key result's check-ins up to ``until``, oldest first (one statement)."""
    if not kr_ids:
        return {}
    rows = session.exec(
        select(m.CheckIn.key_result_id, m.CheckIn.checked_on, m.CheckIn.value)
        .where(m.CheckIn.key_result_id.in_(kr_ids), m.CheckIn.checked_on <= until, m.CheckIn.is_archived.is_(False))
        .order_by(m.CheckIn.key_result_id, m.CheckIn.checked_on, m.CheckIn.id)
    ).all()
    out: dict[int, list] = {}
    for kr_id, on, value in rows:
        out.setdefault(kr_id, []).append((on, value))
    return out


def project_task_counts(session: Session, project_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(done, live) task counts per project: dropped and archived tasks do not count."""
    if not project_ids:
        return {}
    rows = session.exec(
        select(m.Task.project_id, m.Task.status, sa.func.count())
        .where(m.Task.project_id.in_(project_ids), m.Task.is_archived.is_(False), m.Task.status != kinds.DROPPED)
        .group_by(m.Task.project_id, m.Task.status)
    ).all()
    out: dict[int, list[int]] = {}
    for pid, status, n in rows:
        counts = out.setdefault(pid, [0, 0])
        counts[1] += n
        if status == kinds.DONE:
            counts[0] += n
    return {pid: (d, live) for pid, (d, live) in out.items()}


def review_answers(session: Session, team_id: int, period_texts: list[str]) -> dict[tuple[str, str], m.ReviewAnswer]:
    """The team's review answers of the given periods, by (period, subject)."""
    rows = session.exec(
        select(m.ReviewAnswer).where(
            m.ReviewAnswer.team_id == team_id,
            m.ReviewAnswer.period.in_(period_texts),
            m.ReviewAnswer.is_archived.is_(False),
        )
    ).all()
    return {(a.period, a.subject): a for a in rows}


# --- 1:1 notes -----------------------------------------------------------------------------------


def _memberships(session: Session, org_id: int) -> list[tuple[int, int, str]]:
    return list(
        session.exec(
            select(m.Membership.user_id, m.Membership.team_id, m.Membership.role)
            .join(m.User, m.User.id == m.Membership.user_id)
            .where(m.User.org_id == org_id, m.User.is_archived.is_(False))
        ).all()
    )


def one_on_one_pairs(session: Session, org_id: int, person_id: int) -> tuple[set[int], set[int]]:
    """(the person's managers, the people they manage): a manager (or team admin) of a team, or
    of a team above it, manages that team's members."""
    from okr.core.queries import team_parents

    parents = team_parents(session, org_id)

    def chain(team_id):
        seen = []
        while team_id is not None and team_id not in seen:
            seen.append(team_id)
            team_id = parents.get(team_id)
        return seen

    rows = _memberships(session, org_id)
    leads: dict[int, set[int]] = {}
    for uid, tid, role in rows:
        if role in ("manager", "admin"):
            leads.setdefault(tid, set()).add(uid)
    managers, members = set(), set()
    for uid, tid, _role in rows:
        above = {lead for t in chain(tid) for lead in leads.get(t, ())}
        if uid == person_id:
            managers |= above
        if person_id in above:
            members.add(uid)
    managers.discard(person_id)
    members.discard(person_id)
    return managers, members


def one_on_one(session: Session, manager_id: int, member_id: int) -> tuple[list, list]:
    """(agenda items, meetings newest first) of one pair."""
    items = session.exec(
        select(m.OneOnOneItem)
        .where(m.OneOnOneItem.manager_id == manager_id, m.OneOnOneItem.member_id == member_id,
               m.OneOnOneItem.is_archived.is_(False))
        .order_by(m.OneOnOneItem.is_done, m.OneOnOneItem.id)
    ).all()  # fmt: skip
    meetings = session.exec(
        select(m.OneOnOneMeeting)
        .where(m.OneOnOneMeeting.manager_id == manager_id, m.OneOnOneMeeting.member_id == member_id,
               m.OneOnOneMeeting.is_archived.is_(False))
        .order_by(m.OneOnOneMeeting.held_on.desc(), m.OneOnOneMeeting.id.desc())
    ).all()  # fmt: skip
    return list(items), list(meetings)


def member_links(session: Session, member_id: int) -> tuple[list, list]:
    """What an agenda item may link: the member's live key results and their blocked tasks."""
    krs = session.exec(
        select(m.KeyResult.id, m.KeyResult.title)
        .where(m.KeyResult.owner_id == member_id, m.KeyResult.is_archived.is_(False))
        .order_by(m.KeyResult.id.desc())
        .limit(50)
    ).all()
    tasks = session.exec(
        select(m.Task.id, m.Task.title, m.Task.blocked_reason)
        .where(m.Task.assignee_id == member_id, m.Task.is_blocked.is_(True), m.Task.is_archived.is_(False),
               m.Task.status.in_(kinds.UNFINISHED))
        .order_by(m.Task.id.desc())
        .limit(50)
    ).all()  # fmt: skip
    return list(krs), list(tasks)
