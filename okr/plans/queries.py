"""Reads of the plan pages: a team's year, quarter and month plans and a key result's page, each in
a few set-based statements, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlmodel import Session, select

from okr.core import models as m
from okr.core import periods
from okr.core.queries import id_list, live, param, run, team_chain, user_names
from okr.raci.queries import raci_holders, raci_letters
from okr.rollup.queries import ProjectProgress, project_progress


@dataclass(frozen=True)
class CopyLink:
    """The other end of a copy-forward link: the item's id and the period it sits in."""

    id: int
    period: str


def copy_links(
    session: Session, model, period_column: str, rows
) -> tuple[dict[int, CopyLink], dict[int, list[CopyLink]]]:
    """({row id: its original}, {row id: its live copies}) for objectives or projects shown on
    a page, in one query whatever their number."""
    import sqlalchemy as sa

    rows = list(rows)
    from_ids = {r.copied_from_id for r in rows if r.copied_from_id is not None}
    shown = [r.id for r in rows]
    if not shown:
        return {}, {}
    column = getattr(model, period_column)

    def build():
        cond = sa.or_(
            model.id.in_(id_list("from_ids")),
            sa.and_(model.copied_from_id.in_(id_list("shown")), model.is_archived == False),
        )  # noqa: E712
        return select(model.id, column, model.copied_from_id).where(cond).order_by(column, model.id)

    found = run(session, f"copy_links:{model.__name__}", build, from_ids=sorted(from_ids), shown=shown).all()
    by_id = {i: CopyLink(i, period) for i, period, _src in found}
    originals = {r.id: by_id[r.copied_from_id] for r in rows if r.copied_from_id in by_id}
    copies: dict[int, list[CopyLink]] = defaultdict(list)
    shown_ids = set(shown)
    for i, period, src in found:
        if src in shown_ids:
            copies[src].append(CopyLink(i, period))
    return originals, dict(copies)


def kr_copies(session: Session, team: m.Team, quarter) -> dict[int, int]:
    """{key result id: its live copy's id} among the team's key results of ``quarter`` (copy
    forward moves a project past the quarter's end to its key result's copy)."""
    rows = session.exec(
        select(m.KeyResult.copied_from_id, m.KeyResult.id)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .where(
            m.Objective.team_id == team.id,
            m.Objective.quarter == str(quarter),
            m.KeyResult.copied_from_id.is_not(None),
            m.Objective.is_archived == False,
            m.KeyResult.is_archived == False,
        )  # noqa: E712
        .order_by(m.KeyResult.id)
    ).all()
    found: dict[int, int] = {}
    for source, copy in rows:
        found.setdefault(source, copy)
    return found


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
    # goal id -> other teams' goals of the year that support it (their parent_goal_id)
    supporting: dict[int, list[m.AnnualGoal]] = field(default_factory=dict)


def load_year(session: Session, team: m.Team, year: periods.Year, *, include_archived: bool = False) -> YearPlan:
    """Goals of ``team`` for ``year``, every objective aligned to them (any team), the goals of
    other teams that support them, and the team's own objectives of the year's quarters: four
    queries plus teams, names and the goals above."""
    goals = session.exec(
        select(m.AnnualGoal)
        .where(m.AnnualGoal.team_id == team.id, m.AnnualGoal.year == year.year, live(m.AnnualGoal, include_archived))
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
    supporting: dict[int, list[m.AnnualGoal]] = defaultdict(list)
    if goal_ids:
        for g in session.exec(
            select(m.AnnualGoal)
            .where(
                m.AnnualGoal.parent_goal_id.in_(goal_ids),
                m.AnnualGoal.team_id != team.id,
                m.AnnualGoal.is_archived == False,
            )  # noqa: E712
            .order_by(m.AnnualGoal.team_id, m.AnnualGoal.position, m.AnnualGoal.id)
        ).all():
            supporting[g.parent_goal_id].append(g)
    aligned: dict[int, list[m.Objective]] = defaultdict(list)
    for o in sorted(objs, key=lambda o: (o.team_id != team.id, o.quarter, o.position, o.id)):
        aligned[o.goal_id].append(o)
    unaligned = [o for o in own if o.goal_id not in set(goal_ids)]
    team_ids = {o.team_id for o in objs} | {g.team_id for gs in supporting.values() for g in gs}
    teams = {t.id: t for t in session.exec(select(m.Team).where(m.Team.id.in_(team_ids | {team.id}))).all()}
    parent_goals = []
    if team.parent_id is not None:
        parent_goals = session.exec(
            select(m.AnnualGoal)
            .where(
                m.AnnualGoal.team_id == team.parent_id,
                m.AnnualGoal.year == year.year,
                m.AnnualGoal.is_archived == False,  # noqa: E712
            )
            .order_by(m.AnnualGoal.position, m.AnnualGoal.id)
        ).all()
    names = user_names(
        session,
        [g.owner_id for g in goals]
        + [o.owner_id for o in objs]
        + [o.owner_id for o in own]
        + [g.owner_id for gs in supporting.values() for g in gs],
    )
    return YearPlan(
        team, year, list(goals), dict(aligned), list(unaligned), teams, names, list(parent_goals), dict(supporting)
    )


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
    progress: dict[int, ProjectProgress] = field(default_factory=dict)  # project id -> its progress
    copied_from: dict = field(default_factory=dict)  # ("objective" | "project", id) -> CopyLink
    copied_to: dict = field(default_factory=dict)  # ("objective" | "project", id) -> [CopyLink]


def _goal_choices(session: Session, team: m.Team, year: int) -> list[m.AnnualGoal]:
    G = m.AnnualGoal
    return list(
        run(
            session,
            "goal_choices",
            lambda: (
                select(G)
                .where(G.team_id.in_(id_list()), G.year == param("year"), G.is_archived == False)  # noqa: E712
                .order_by(G.team_id != param("team"), G.position, G.id)
            ),
            ids=team_chain(session, team),
            year=year,
            team=team.id,
        ).all()
    )


def latest_check_ins(session: Session, kr_ids: list[int]) -> dict[int, m.CheckIn]:
    """{kr id: its latest live check-in (by date, the later entry on the same day)}, one query
    that reads one row per key result (not the whole history)."""
    import sqlalchemy as sa

    C = m.CheckIn

    def build():
        ranked = (
            select(
                C.id,
                sa.func.row_number()
                .over(partition_by=C.key_result_id, order_by=(C.checked_on.desc(), C.id.desc()))
                .label("n"),
            )
            .where(C.key_result_id.in_(id_list()), C.is_archived == False)  # noqa: E712
            .subquery()
        )
        return select(C).join(ranked, ranked.c.id == C.id).where(ranked.c.n == 1)

    rows = run(session, "latest_check_ins", build, ids=list(kr_ids)).all()
    return {ci.key_result_id: ci for ci in rows}


def load_quarter(
    session: Session, team: m.Team, quarter: periods.Quarter, *, include_archived: bool = False
) -> QuarterPlan:
    """Objectives of the quarter, their key results, each KR's latest check-in and the projects
    of the quarter's months under the KR they move, with each project's progress and the
    copy-forward links: a fixed number of queries whatever the size of the plan."""
    import sqlalchemy as sa

    arch = include_archived
    # Objectives and their key results in one statement (an objective with none comes once,
    # with None beside it).
    K = m.KeyResult
    pairs = run(
        session,
        f"quarter_objectives:{arch}",
        lambda: (
            select(m.Objective, K)
            .outerjoin(K, sa.and_(K.objective_id == m.Objective.id, live(K, arch)))
            .where(
                m.Objective.team_id == param("team"), m.Objective.quarter == param("quarter"), live(m.Objective, arch)
            )
            .order_by(m.Objective.position, m.Objective.id, K.position, K.id)
        ),
        team=team.id,
        quarter=str(quarter),
    ).all()
    objectives = list({o.id: o for o, _kr in pairs}.values())
    krs: dict[int, list[m.KeyResult]] = defaultdict(list)
    kr_rows = [kr for _o, kr in pairs if kr is not None]
    for kr in kr_rows:
        krs[kr.objective_id].append(kr)
    kr_ids = [k.id for k in kr_rows]
    latest: dict[int, m.CheckIn] = {}
    projects: dict[int, list[m.Project]] = defaultdict(list)
    project_rows = []
    if kr_ids:
        latest = latest_check_ins(session, kr_ids)
        months = [str(x) for x in quarter.months()]
        project_rows = run(
            session,
            f"quarter_projects:{arch}",
            lambda: (
                select(m.Project)
                .where(
                    m.Project.key_result_id.in_(id_list()),
                    m.Project.month.in_(id_list("months")),
                    live(m.Project, arch),
                )
                .order_by(m.Project.month, m.Project.position, m.Project.id)
            ),
            ids=kr_ids,
            months=months,
        ).all()
        for p in project_rows:
            projects[p.key_result_id].append(p)
    goals = _goal_choices(session, team, quarter.fiscal_year().year)
    raci = raci_letters(session, kr_ids=kr_ids, project_ids=[p.id for p in project_rows])
    names = user_names(
        session,
        [o.owner_id for o in objectives]
        + [k.owner_id for k in kr_rows]
        + [p.owner_id for p in project_rows]
        + [c.author_id for c in latest.values()]
        + raci_holders(raci),
    )
    progress = project_progress(session, [p.id for p in project_rows])
    copied_from, copied_to = {}, {}
    for kind, model, column, rows in (
        ("objective", m.Objective, "quarter", objectives),
        ("project", m.Project, "month", project_rows),
    ):
        originals, copies = copy_links(session, model, column, rows)
        copied_from.update({(kind, i): link for i, link in originals.items()})
        copied_to.update({(kind, i): links for i, links in copies.items()})
    return QuarterPlan(
        team,
        quarter,
        list(objectives),
        dict(krs),
        dict(projects),
        latest,
        goals,
        names,
        dict(raci),
        progress,
        copied_from,
        copied_to,
    )


class TaskLine(NamedTuple):
    """A task as the month plan lists it."""

    id: int
    project_id: int
    week: str
    title: str
    assignee_id: int | None
    status: str


@dataclass
class MonthPlan:
    team: m.Team
    month: periods.Month
    projects: list[m.Project]
    tasks: dict[int, dict[str, list[TaskLine]]]  # project id -> week text -> tasks
    weeks: list[str]
    krs: list[m.KeyResult]  # key results a project of the month may move
    kr_titles: dict[int, str]
    names: dict[int, str]
    raci: dict = field(default_factory=dict)
    progress: dict[int, ProjectProgress] = field(default_factory=dict)  # project id -> its progress
    copied_from: dict = field(default_factory=dict)  # ("project", id) -> CopyLink
    copied_to: dict = field(default_factory=dict)  # ("project", id) -> [CopyLink]


def load_month(
    session: Session, team: m.Team, month: periods.Month, *, fiscal_start: int = 1, include_archived: bool = False
) -> MonthPlan:
    """Projects of the month with their tasks by ISO week and their progress, and the key
    results of the month's quarter they may move: a fixed number of queries."""
    arch = include_archived
    projects = run(
        session,
        f"month_projects:{arch}",
        lambda: (
            select(m.Project)
            .where(m.Project.team_id == param("team"), m.Project.month == param("month"), live(m.Project, arch))
            .order_by(m.Project.position, m.Project.id)
        ),
        team=team.id,
        month=str(month),
    ).all()
    pids = [p.id for p in projects]
    tasks: dict[int, dict[str, list[m.Task]]] = defaultdict(lambda: defaultdict(list))
    weeks = [str(w) for w in month.weeks()]
    task_rows = []
    if pids:
        # Plain rows of what the page lists: a busy team's month holds hundreds of tasks.
        T = m.Task
        task_rows = [
            TaskLine(*row)
            for row in run(
                session,
                "month_tasks",
                lambda: (
                    select(T.id, T.project_id, T.week, T.title, T.assignee_id, T.status)
                    .where(T.project_id.in_(id_list()), T.is_archived == False)  # noqa: E712
                    .order_by(T.week, T.position, T.id)
                ),
                ids=pids,
            ).all()
        ]
        for t in task_rows:
            tasks[t.project_id][t.week].append(t)
            if t.week not in weeks:
                weeks.append(t.week)
    weeks.sort()
    quarter = month.fiscal_quarter(fiscal_start)
    krs = run(
        session,
        "month_krs",
        lambda: (
            select(m.KeyResult)
            .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
            .where(
                m.Objective.team_id == param("team"),
                m.Objective.quarter == param("quarter"),
                m.Objective.is_archived == False,
                m.KeyResult.is_archived == False,  # noqa: E712
            )
            .order_by(m.Objective.position, m.KeyResult.position, m.KeyResult.id)
        ),
        team=team.id,
        quarter=str(quarter),
    ).all()
    kr_titles = {k.id: k.title for k in krs}
    missing = {p.key_result_id for p in projects if p.key_result_id and p.key_result_id not in kr_titles}
    if missing:
        kr_titles.update(
            dict(session.exec(select(m.KeyResult.id, m.KeyResult.title).where(m.KeyResult.id.in_(missing))).all())
        )
    raci = raci_letters(session, project_ids=pids)
    names = user_names(
        session, [p.owner_id for p in projects] + [t.assignee_id for t in task_rows] + raci_holders(raci)
    )
    progress = project_progress(session, pids)
    originals, copies = copy_links(session, m.Project, "month", projects)
    return MonthPlan(
        team,
        month,
        list(projects),
        {k: dict(v) for k, v in tasks.items()},
        weeks,
        list(krs),
        kr_titles,
        names,
        dict(raci),
        progress,
        {("project", i): link for i, link in originals.items()},
        {("project", i): links for i, links in copies.items()},
    )


@dataclass
class KRPage:
    kr: m.KeyResult
    objective: m.Objective
    check_ins: list[m.CheckIn]
    projects: list[m.Project]
    names: dict[int, str]
    raci: list[tuple[str, int]]


def load_kr(session: Session, kr: m.KeyResult, *, history_only: bool = False) -> KRPage:
    """A key result with its whole check-in history (oldest first) and its projects;
    ``history_only``: the check-ins and their authors, no projects and no letters (the page's
    history block, answered after a check-in)."""
    objective = session.get(m.Objective, kr.objective_id)
    check_ins = session.exec(
        select(m.CheckIn)
        .where(m.CheckIn.key_result_id == kr.id, m.CheckIn.is_archived == False)  # noqa: E712
        .order_by(m.CheckIn.checked_on, m.CheckIn.id)
    ).all()
    projects, raci = [], []
    if not history_only:
        projects = session.exec(
            select(m.Project)
            .where(m.Project.key_result_id == kr.id, m.Project.is_archived == False)  # noqa: E712
            .order_by(m.Project.month, m.Project.position)
        ).all()
        raci = raci_letters(session, kr_ids=[kr.id]).get(("kr", kr.id), [])
    names = user_names(
        session,
        [c.author_id for c in check_ins]
        + [kr.owner_id, objective.owner_id]
        + [p.owner_id for p in projects]
        + [u for _, u in raci],
    )
    return KRPage(kr, objective, list(check_ins), list(projects), names, raci)
