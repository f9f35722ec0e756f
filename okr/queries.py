"""Read helpers: load a team × period tree in a few set-based queries, never one per row.

Each section belongs to the pages that use it; a page asks for one loader and gets plain
dataclasses of model rows, grouped by parent id, ready for a template.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from okr import models as m
from okr import periods

# ============================================================================================
# Plan pages (year, quarter, month plans of one team; the key result page)
# ============================================================================================


def _live(model, include_archived: bool):
    return True if include_archived else model.is_archived == False  # noqa: E712


@dataclass
class Member:
    id: int
    name: str
    email: str
    role: str


def team_members(session: Session, team: m.Team) -> list[Member]:
    """The people who may own the team's plan items: its members, and the managers and admins
    of the teams above it (they plan it too). One query for the memberships of the chain."""
    chain = [team.id]
    parents = dict(session.exec(select(m.Team.id, m.Team.parent_id).where(m.Team.org_id == team.org_id)).all())
    node = parents.get(team.id)
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    rows = session.exec(
        select(m.User, m.Membership.role, m.Membership.team_id)
        .join(m.Membership, m.Membership.user_id == m.User.id)
        .where(m.Membership.team_id.in_(chain), m.User.is_archived == False)  # noqa: E712
        .order_by(m.User.name)
    ).all()
    found: dict[int, Member] = {}
    for user, role, team_id in rows:
        if team_id != team.id and role not in ("admin", "manager"):
            continue
        if user.id not in found or team_id == team.id:
            found[user.id] = Member(user.id, user.name, user.email, role)
    return sorted(found.values(), key=lambda p: p.name)


def user_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.exec(select(m.User.id, m.User.name).where(m.User.id.in_(ids))).all())


def raci_letters(session: Session, *, kr_ids=(), project_ids=()) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """{("kr", id) | ("project", id): [(letter, user id), …]} for the badges slot, one query."""
    out: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    kr_ids, project_ids = list(kr_ids), list(project_ids)
    if not kr_ids and not project_ids:
        return out
    cond = []
    if kr_ids:
        cond.append(m.RaciAssignment.key_result_id.in_(kr_ids))
    if project_ids:
        cond.append(m.RaciAssignment.project_id.in_(project_ids))
    from sqlalchemy import or_

    for a in session.exec(select(m.RaciAssignment).where(or_(*cond))).all():
        key = ("kr", a.key_result_id) if a.key_result_id else ("project", a.project_id)
        out[key].append((a.letter, a.user_id))
    return out


@dataclass
class YearPlan:
    team: m.Team
    year: periods.Year
    goals: list[m.AnnualGoal]
    # goal id -> objectives aligned to it, this team's first, by quarter
    aligned: dict[int, list[m.Objective]]
    unaligned: list[m.Objective]  # this team's objectives of the year with no goal of its own
    teams: dict[int, m.Team]
    names: dict[int, str]
    parent_goals: list[m.AnnualGoal] = field(default_factory=list)  # goals a goal may support


def load_year(session: Session, team: m.Team, year: periods.Year, *, include_archived: bool = False) -> YearPlan:
    """Goals of ``team`` for ``year``, every objective aligned to them (any team), and the
    team's own objectives of the year's quarters: three queries plus names."""
    goals = session.exec(
        select(m.AnnualGoal)
        .where(m.AnnualGoal.team_id == team.id, m.AnnualGoal.year == year.year, _live(m.AnnualGoal, include_archived))
        .order_by(m.AnnualGoal.position, m.AnnualGoal.id)
    ).all()
    goal_ids = [g.id for g in goals]
    quarters = [str(q) for q in year.quarters()]
    objs = []
    if goal_ids:
        objs = session.exec(
            select(m.Objective)
            .where(m.Objective.goal_id.in_(goal_ids), m.Objective.is_archived == False)  # noqa: E712
            .order_by(m.Objective.quarter, m.Objective.position, m.Objective.id)
        ).all()
    own = session.exec(
        select(m.Objective)
        .where(
            m.Objective.team_id == team.id,
            m.Objective.quarter.in_(quarters),
            m.Objective.is_archived == False,  # noqa: E712
        )
        .order_by(m.Objective.quarter, m.Objective.position, m.Objective.id)
    ).all()
    aligned: dict[int, list[m.Objective]] = defaultdict(list)
    for o in sorted(objs, key=lambda o: (o.team_id != team.id, o.quarter, o.position, o.id)):
        aligned[o.goal_id].append(o)
    unaligned = [o for o in own if o.goal_id not in set(goal_ids)]
    team_ids = {o.team_id for o in objs}
    teams = {t.id: t for t in session.exec(select(m.Team).where(m.Team.id.in_(team_ids | {team.id}))).all()}
    parent_goals = []
    if team.parent_id is not None:
        parent_goals = session.exec(
            select(m.AnnualGoal).where(
                m.AnnualGoal.team_id == team.parent_id, m.AnnualGoal.year == year.year,
                m.AnnualGoal.is_archived == False,  # noqa: E712
            ).order_by(m.AnnualGoal.position, m.AnnualGoal.id)
        ).all()
    names = user_names(session, [g.owner_id for g in goals] + [o.owner_id for o in objs] + [o.owner_id for o in own])
    return YearPlan(team, year, list(goals), dict(aligned), list(unaligned), teams, names, list(parent_goals))


@dataclass
class QuarterPlan:
    team: m.Team
    quarter: periods.Quarter
    objectives: list[m.Objective]
    krs: dict[int, list[m.KeyResult]]  # objective id -> key results
    projects: dict[int, list[m.Project]]  # key result id -> projects of the quarter's months
    latest: dict[int, m.CheckIn]  # key result id -> latest check-in
    goals: list[m.AnnualGoal]  # goals an objective may align to (the team's and those above)
    names: dict[int, str]
    raci: dict = field(default_factory=dict)


def _goal_choices(session: Session, team: m.Team, year: int) -> list[m.AnnualGoal]:
    parents = dict(session.exec(select(m.Team.id, m.Team.parent_id).where(m.Team.org_id == team.org_id)).all())
    chain, node = [], team.id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return list(
        session.exec(
            select(m.AnnualGoal)
            .where(m.AnnualGoal.team_id.in_(chain), m.AnnualGoal.year == year, m.AnnualGoal.is_archived == False)  # noqa: E712
            .order_by(m.AnnualGoal.team_id != team.id, m.AnnualGoal.position, m.AnnualGoal.id)
        ).all()
    )


def load_quarter(session: Session, team: m.Team, quarter: periods.Quarter, *, include_archived: bool = False) -> QuarterPlan:
    """Objectives of the quarter, their key results, each KR's latest check-in and the projects
    of the quarter's months under the KR they move: five queries plus names and RACI."""
    objectives = session.exec(
        select(m.Objective)
        .where(m.Objective.team_id == team.id, m.Objective.quarter == str(quarter), _live(m.Objective, include_archived))
        .order_by(m.Objective.position, m.Objective.id)
    ).all()
    obj_ids = [o.id for o in objectives]
    krs: dict[int, list[m.KeyResult]] = defaultdict(list)
    kr_rows = []
    if obj_ids:
        kr_rows = session.exec(
            select(m.KeyResult)
            .where(m.KeyResult.objective_id.in_(obj_ids), _live(m.KeyResult, include_archived))
            .order_by(m.KeyResult.position, m.KeyResult.id)
        ).all()
    for kr in kr_rows:
        krs[kr.objective_id].append(kr)
    kr_ids = [k.id for k in kr_rows]
    latest: dict[int, m.CheckIn] = {}
    projects: dict[int, list[m.Project]] = defaultdict(list)
    project_rows = []
    if kr_ids:
        for ci in session.exec(
            select(m.CheckIn)
            .where(m.CheckIn.key_result_id.in_(kr_ids), m.CheckIn.is_archived == False)  # noqa: E712
            .order_by(m.CheckIn.checked_on, m.CheckIn.id)
        ).all():
            latest[ci.key_result_id] = ci
        months = [str(x) for x in quarter.months()]
        project_rows = session.exec(
            select(m.Project)
            .where(m.Project.key_result_id.in_(kr_ids), m.Project.month.in_(months), _live(m.Project, include_archived))
            .order_by(m.Project.month, m.Project.position, m.Project.id)
        ).all()
        for p in project_rows:
            projects[p.key_result_id].append(p)
    goals = _goal_choices(session, team, quarter.fiscal_year().year)
    names = user_names(
        session,
        [o.owner_id for o in objectives] + [k.owner_id for k in kr_rows] + [p.owner_id for p in project_rows]
        + [c.author_id for c in latest.values()],
    )
    raci = raci_letters(session, kr_ids=kr_ids, project_ids=[p.id for p in project_rows])
    return QuarterPlan(team, quarter, list(objectives), dict(krs), dict(projects), latest, goals, names, dict(raci))


@dataclass
class MonthPlan:
    team: m.Team
    month: periods.Month
    projects: list[m.Project]
    tasks: dict[int, dict[str, list[m.Task]]]  # project id -> week text -> tasks
    weeks: list[str]
    krs: list[m.KeyResult]  # key results a project of the month may move
    kr_titles: dict[int, str]
    names: dict[int, str]
    raci: dict = field(default_factory=dict)


def load_month(session: Session, team: m.Team, month: periods.Month, *, fiscal_start: int = 1,
               include_archived: bool = False) -> MonthPlan:
    """Projects of the month with their tasks by ISO week, and the key results of the month's
    quarter they may move: three queries plus names and RACI."""
    projects = session.exec(
        select(m.Project)
        .where(m.Project.team_id == team.id, m.Project.month == str(month), _live(m.Project, include_archived))
        .order_by(m.Project.position, m.Project.id)
    ).all()
    pids = [p.id for p in projects]
    tasks: dict[int, dict[str, list[m.Task]]] = defaultdict(lambda: defaultdict(list))
    weeks = [str(w) for w in month.weeks()]
    task_rows = []
    if pids:
        task_rows = session.exec(
            select(m.Task)
            .where(m.Task.project_id.in_(pids), m.Task.is_archived == False)  # noqa: E712
            .order_by(m.Task.week, m.Task.position, m.Task.id)
        ).all()
        for t in task_rows:
            tasks[t.project_id][t.week].append(t)
            if t.week not in weeks:
                weeks.append(t.week)
    weeks.sort()
    quarter = month.fiscal_quarter(fiscal_start)
    krs = session.exec(
        select(m.KeyResult)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .where(
            m.Objective.team_id == team.id, m.Objective.quarter == str(quarter),
            m.Objective.is_archived == False, m.KeyResult.is_archived == False,  # noqa: E712
        )
        .order_by(m.Objective.position, m.KeyResult.position, m.KeyResult.id)
    ).all()
    kr_titles = {k.id: k.title for k in krs}
    missing = {p.key_result_id for p in projects if p.key_result_id and p.key_result_id not in kr_titles}
    if missing:
        kr_titles.update(dict(session.exec(select(m.KeyResult.id, m.KeyResult.title).where(m.KeyResult.id.in_(missing))).all()))
    names = user_names(session, [p.owner_id for p in projects] + [t.assignee_id for t in task_rows])
    raci = raci_letters(session, project_ids=pids)
    return MonthPlan(team, month, list(projects), {k: dict(v) for k, v in tasks.items()}, weeks, list(krs), kr_titles, names, dict(raci))


@dataclass
class KRPage:
    kr: m.KeyResult
    objective: m.Objective
    check_ins: list[m.CheckIn]
    projects: list[m.Project]
    names: dict[int, str]
    raci: list[tuple[str, int]]


def load_kr(session: Session, kr: m.KeyResult) -> KRPage:
    """A key result with its whole check-in history (oldest first) and its projects."""
    objective = session.get(m.Objective, kr.objective_id)
    check_ins = session.exec(
        select(m.CheckIn)
        .where(m.CheckIn.key_result_id == kr.id, m.CheckIn.is_archived == False)  # noqa: E712
        .order_by(m.CheckIn.checked_on, m.CheckIn.id)
    ).all()
    projects = session.exec(
        select(m.Project)
        .where(m.Project.key_result_id == kr.id, m.Project.is_archived == False)  # noqa: E712
        .order_by(m.Project.month, m.Project.position)
    ).all()
    raci = raci_letters(session, kr_ids=[kr.id]).get(("kr", kr.id), [])
    names = user_names(session, [c.author_id for c in check_ins] + [kr.owner_id, objective.owner_id]
                       + [p.owner_id for p in projects] + [u for _, u in raci])
    return KRPage(kr, objective, list(check_ins), list(projects), names, raci)


def kr_letter(session: Session, kr_id: int, user_id: int) -> str | None:
    """The person's RACI letter on a key result, or None."""
    return session.exec(
        select(m.RaciAssignment.letter).where(m.RaciAssignment.key_result_id == kr_id, m.RaciAssignment.user_id == user_id)
    ).first()
