"""Reads of the rollups: a team subtree × period in a fixed number of set-based statements (goals,
objectives, key results, projects, task counts per project, check-ins of the period, the
Accountable of each key result, the effort split), and each project's progress from its tasks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from okr.core import kinds, periods
from okr.core import models as m
from okr.core.queries import id_list, live_row, prepared, record_select, record_type, records


@dataclass(frozen=True)
class ProjectProgress:
    """A project's progress as every page shows it (the rollup's figure, okr.rollup.formulas).

    ``done`` of ``live`` tasks (dropped ones are not live; ``dropped`` counts them apart);
    ``value`` 0…1, None with no live task; ``by_estimate`` when every live task has an
    estimate (and they add up to more than 0), and then ``value`` is done estimate / live
    estimate. ``percent`` is ``value`` as a whole percent rounded half up.
    """

    done: int
    live: int
    dropped: int
    value: Decimal | None
    by_estimate: bool

    @property
    def percent(self) -> int | None:
        from okr.rollup.formulas import percent

        found = percent(self.value)
        return None if found is None else int(found)


def progress_of(counts: tuple | None) -> ProjectProgress:
    """A project's :class:`ProjectProgress` from its ``project_task_counts`` entry (None: no
    task). The one place a project's progress is made for the plan pages, the week board and
    its report; the rollup's tree measures its projects from the same counts by the same rule."""
    from okr.rollup import formulas

    done, live, dropped, done_est, live_est, all_est = counts or (0, 0, 0, None, None, False)
    value = formulas.project_progress(
        done,
        live,
        done_estimate=done_est if all_est else None,
        live_estimate=live_est if all_est else None,
        by_estimate=True,
    )
    return ProjectProgress(done, live, dropped, value, bool(all_est and live_est))


def project_progress(session: Session, project_ids) -> dict[int, ProjectProgress]:
    """{project id: ProjectProgress} for the given projects, from one GROUP BY over their
    tasks (``project_task_counts``); a project with no task gets 0 of 0."""
    ids = list(project_ids)
    counts = project_task_counts(session, ids) if ids else {}
    return {pid: progress_of(counts.get(pid)) for pid in ids}


def task_count_columns(T=None) -> tuple:
    """The sums ``project_task_counts`` reads per project, for a GROUP BY over (live, not archived)
    tasks: live, done, dropped, estimated live tasks, live estimate, done estimate. A NULL task
    (an outer join that found none) adds nothing to any of them."""
    import sqlalchemy as sa

    T = T or m.Task
    is_live = sa.and_(T.status.is_not(None), T.status != "dropped")
    return (
        sa.func.sum(sa.case((is_live, 1), else_=0)),
        sa.func.sum(sa.case((T.status == "done", 1), else_=0)),
        sa.func.sum(sa.case((T.status == "dropped", 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(is_live, T.estimate.is_not(None)), 1), else_=0)),
        sa.func.sum(sa.case((is_live, T.estimate), else_=None)),
        sa.func.sum(sa.case((T.status == "done", T.estimate), else_=None)),
    )


def counts_from(live_n, done_n, dropped_n, est_n, live_est, done_est) -> tuple:
    """A ``project_task_counts`` entry from the sums of :func:`task_count_columns`."""
    live_n, done_n, dropped_n, est_n = int(live_n or 0), int(done_n or 0), int(dropped_n or 0), int(est_n or 0)
    return (done_n, live_n, dropped_n, done_est, live_est, live_n > 0 and est_n == live_n)


@dataclass
class RollupData:
    """Rows of one team subtree × period, grouped for building okr.rollup.rules inputs."""

    root: m.Team
    period: object  # periods.Year | periods.Quarter
    teams: dict[int, m.Team]
    children: dict[int | None, list[int]]  # team id -> sub-team ids, in order
    goals: dict[int, list[m.AnnualGoal]]  # team id -> goals of the year
    aligned: dict[int, list[m.Objective]]  # goal id -> aligned objectives of the period
    unaligned: list[m.Objective]  # the subtree's objectives aligned to no goal
    elsewhere: list[m.Objective]  # the subtree's objectives aligned to goals outside it
    krs: dict[int, list[m.KeyResult]]  # objective id -> key results
    projects: dict[int, list[m.Project]]  # key result id -> live projects
    counts: dict[int, tuple[int, int, int, object, object, bool]]  # project id -> counts
    points: dict[int, list[tuple[object, float]]]  # kr id -> (date, value) in the period
    before: dict[int, float]  # kr id -> value carried into the period (latest before it)
    accountable: dict[int, list[str]]  # kr id -> names of its A
    names: dict[int, str]  # owner id -> name
    effort: dict[int, list[tuple[bool, bool, bool, str, int]]]  # team id -> (important, urgent, linked, status, n)


def _subtree(teams: dict[int, m.Team], root_id: int) -> tuple[list[int], dict[int | None, list[int]]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for t in sorted(teams.values(), key=lambda t: (t.position, t.name, t.id)):
        children[t.parent_id].append(t.id)
    order, stack = [], [root_id]
    while stack:
        tid = stack.pop()
        if tid in order:
            continue
        order.append(tid)
        stack.extend(reversed(children.get(tid, [])))
    return order, children


def load_rollup(session: Session, root: m.Team, period, *, today, effort_period=None) -> RollupData:
    """Everything a rollup of ``root`` and the teams under it needs for a year or a quarter.

    Ten queries, none per row: teams; goals of the year; objectives of the period (those of
    the subtree's teams and those of any team aligned to the subtree's goals); key results;
    live projects of those key results; task counts per project (GROUP BY project); check-ins
    of the period up to today; the latest check-in before the period per key result (GROUP
    BY); the Accountable of each key result; the tasks of ``effort_period`` (default: the
    period) of the subtree split by team, quadrant, link and status (GROUP BY).
    """
    import sqlalchemy as sa

    live = live_row
    # Teams as records too: a rollup is kept between requests, past the session of its rows.
    teams = {t.id: t for t in records(session, m.Team, lambda q: q.where(m.Team.org_id == root.org_id, live(m.Team)))}
    if root.id not in teams:  # an archived team's own rollup
        rtype, row = record_type(m.Team), session.get(m.Team, root.id)  # root may be a page's TeamRecord
        teams[root.id] = rtype._make(getattr(row, name) for name in rtype._fields)
    subtree, children = _subtree(teams, root.id)
    if isinstance(period, periods.Year):
        year, quarters = period.year, [str(q) for q in period.quarters()]
    else:
        year, quarters = period.fiscal_year().year, [str(period)]

    goal_rows = records(
        session,
        m.AnnualGoal,
        lambda q: q.where(m.AnnualGoal.team_id.in_(subtree), m.AnnualGoal.year == year, live(m.AnnualGoal)).order_by(
            m.AnnualGoal.position, m.AnnualGoal.id
        ),
    )
    goals: dict[int, list[m.AnnualGoal]] = defaultdict(list)
    for g in goal_rows:
        goals[g.team_id].append(g)
    goal_ids = select(m.AnnualGoal.id).where(
        m.AnnualGoal.team_id.in_(subtree), m.AnnualGoal.year == year, live(m.AnnualGoal)
    )
    obj_where = (
        m.Objective.quarter.in_(quarters),
        live(m.Objective),
        sa.or_(m.Objective.goal_id.in_(goal_ids), m.Objective.team_id.in_(subtree)),
    )
    obj_ids = select(m.Objective.id).where(*obj_where)
    owner = sa.orm.aliased(m.User)
    obj_rows = records(
        session,
        m.Objective,
        lambda q: (
            q.outerjoin(owner, owner.id == m.Objective.owner_id)
            .where(*obj_where)
            .order_by(m.Objective.quarter, m.Objective.position, m.Objective.id)
        ),
        owner.name,
    )
    names: dict[int, str] = {}
    known_goals = {g.id for g in goal_rows}
    aligned: dict[int, list[m.Objective]] = defaultdict(list)
    unaligned, elsewhere = [], []
    for o, name in obj_rows:
        if o.owner_id is not None and name is not None:
            names[o.owner_id] = name
        if o.goal_id in known_goals:
            aligned[o.goal_id].append(o)
        elif o.goal_id is None:
            unaligned.append(o)
        else:
            elsewhere.append(o)

    kr_where = (m.KeyResult.objective_id.in_(obj_ids), live(m.KeyResult))
    kr_ids = select(m.KeyResult.id).where(*kr_where)
    krs: dict[int, list[m.KeyResult]] = defaultdict(list)
    for kr, name in rollup_key_results(session, kr_where):
        krs[kr.objective_id].append(kr)
        if kr.owner_id is not None and name is not None:
            names[kr.owner_id] = name

    pr_where = (
        m.Project.key_result_id.in_(kr_ids),
        live(m.Project),
        m.Project.status != "dropped",
    )
    projects: dict[int, list[m.Project]] = defaultdict(list)
    for p in records(
        session, m.Project, lambda q: q.where(*pr_where).order_by(m.Project.month, m.Project.position, m.Project.id)
    ):
        projects[p.key_result_id].append(p)
    counts = project_task_counts(session, select(m.Project.id).where(*pr_where))
    points, before = check_in_points(session, kr_ids, period, today)
    accountable = accountable_names(session, kr_ids)
    effort = effort_by_team(session, subtree, effort_period or period)
    return RollupData(
        root=root,
        period=period,
        teams=teams,
        children=dict(children),
        goals=dict(goals),
        aligned=dict(aligned),
        unaligned=unaligned,
        elsewhere=elsewhere,
        krs=dict(krs),
        projects=dict(projects),
        counts=counts,
        points=points,
        before=before,
        accountable=accountable,
        names=names,
        effort=effort,
    )


def rollup_key_results(session: Session, where) -> list:
    """Key results as rollup records with their owner's name: ``where`` is a tuple of
    conditions (the full load) or a list of ids (bringing a rollup forward).

    ``current``, ``confidence`` and ``last_check_in_on`` are read from the key result's latest
    live check-in by date (the later entry on the same day), ``start`` with none, as the
    formulas define them, and not from the copy kept on the key result's row: a check-in
    changed by hand in the database shows in the next rollup built from the tables."""
    import sqlalchemy as sa

    C = m.CheckIn

    def build(where):
        owner = sa.orm.aliased(m.User)
        latest = sa.orm.aliased(m.CheckIn)
        latest_id = (
            select(C.id)
            .where(C.key_result_id == m.KeyResult.id, live_row(C))
            .order_by(C.checked_on.desc(), C.id.desc())
            .limit(1)
            .correlate(m.KeyResult)
            .scalar_subquery()
        )
        return record_select(
            m.KeyResult,
            lambda q: (
                q.outerjoin(owner, owner.id == m.KeyResult.owner_id)
                .outerjoin(latest, latest.id == latest_id)
                .where(*where)
                .order_by(m.KeyResult.position, m.KeyResult.id)
            ),
            owner.name,
            latest.id,
            latest.value,
            latest.confidence,
            latest.checked_on,
        )

    if isinstance(where, tuple):
        rows = records(session, m.KeyResult, build(where), params=None)
    else:
        stmt = prepared("rollup_key_results", lambda: build((m.KeyResult.id.in_(id_list()), live_row(m.KeyResult))))
        rows = records(session, m.KeyResult, stmt, params={"ids": list(where)})
    out = []
    for kr, name, check_in, value, confidence, day in rows:
        if check_in is None:
            kr = kr._replace(current=kr.start, confidence=None, last_check_in_on=None)
        else:
            kr = kr._replace(current=value, confidence=confidence, last_check_in_on=day)
        out.append((kr, name))
    return out


def project_task_counts(session: Session, project_ids) -> dict[int, tuple]:
    """{project id: (done, live, dropped, done estimate, live estimate, every live task
    estimated)} over live (not archived) tasks, one GROUP BY; ``project_ids`` is a list or a
    subquery. A project with no task has no entry."""
    import sqlalchemy as sa

    T = m.Task

    def build(ids):
        return (
            select(T.project_id, *task_count_columns(T))
            .where(T.project_id.in_(ids), live_row(T))
            .group_by(T.project_id)
        )

    if isinstance(project_ids, sa.sql.Select):
        stmt, params = build(project_ids), None
    else:
        params = {"ids": list(project_ids)}
        if not params["ids"]:
            return {}
        stmt = prepared("project_task_counts", lambda: build(id_list()))
    return {pid: counts_from(*sums) for pid, *sums in session.exec(stmt, params=params).all()}


def check_in_points(session: Session, kr_ids, period, today, *, carried: bool = True) -> tuple[dict, dict]:
    """({kr id: [(date, value), …] of the period up to today}, {kr id: the value carried into
    the period, i.e. its latest check-in before it}); ``kr_ids`` is a list or a subquery;
    ``carried=False`` leaves the second out (empty), one statement less.
    Values are floats: they only draw trend lines (the figures use key_result.current), and
    skipping the Decimal conversion of tens of thousands of check-ins halves a year's load."""
    import sqlalchemy as sa

    C = m.CheckIn

    def build(ids):
        as_float = sa.cast(C.value, sa.Float)
        points = (
            select(C.key_result_id, C.checked_on, as_float)
            .where(
                C.key_result_id.in_(ids),
                live_row(C),
                C.checked_on >= sa.bindparam("start"),
                C.checked_on <= sa.bindparam("end"),
            )
            .order_by(C.key_result_id, C.checked_on, C.id)
        )
        last = (
            select(C.key_result_id, sa.func.max(C.checked_on).label("day"))
            .where(C.key_result_id.in_(ids), live_row(C), C.checked_on < sa.bindparam("start"))
            .group_by(C.key_result_id)
            .subquery()
        )
        before = (
            select(C.key_result_id, as_float)
            .join(last, sa.and_(last.c.key_result_id == C.key_result_id, last.c.day == C.checked_on))
            .where(live_row(C))
            .order_by(C.id)
        )
        return points, before

    params = {"start": period.start, "end": min(period.end, today)}
    if isinstance(kr_ids, sa.sql.Select):
        points_stmt, before_stmt = build(kr_ids)
    else:
        params["ids"] = list(kr_ids)
        if not params["ids"]:
            return {}, {}
        points_stmt, before_stmt = prepared("check_in_points", lambda: build(id_list()))
    points: dict[int, list] = defaultdict(list)
    for kr_id, day, value in session.exec(points_stmt, params=params).all():
        points[kr_id].append((day, value))
    before = {}
    if carried:
        for kr_id, value in session.exec(before_stmt, params=params).all():
            before[kr_id] = value
    return dict(points), before


def accountable_names(session: Session, kr_ids) -> dict[int, list[str]]:
    """{kr id: names of its Accountable (A)}, one query; an archived person's A counts as absent."""
    accountable: dict[int, list[str]] = defaultdict(list)
    R = m.RaciAssignment
    for kr_id, name in session.exec(
        select(R.key_result_id, m.User.name)
        .join(m.User, m.User.id == R.user_id)
        .where(R.key_result_id.in_(kr_ids), R.letter.in_(kinds.RACI_ACCOUNTABLE), m.User.is_archived == False)  # noqa: E712
        .order_by(m.User.name)
    ).all():
        accountable[kr_id].append(name)
    return dict(accountable)


def effort_by_team(session: Session, team_ids, period) -> dict[int, list[tuple[bool, bool, bool, str, int]]]:
    """{team id: [(important, urgent, linked to a key result, status, tasks), …]} over the
    live tasks of ``period``'s ISO weeks (a week belongs where its Thursday falls), one GROUP BY."""
    import sqlalchemy as sa

    team_ids = list(team_ids)
    if not team_ids:
        return {}
    T = m.Task

    def build():
        linked = sa.case((m.Project.key_result_id.is_not(None), True), else_=False)
        return (
            select(T.team_id, T.important, T.urgent, linked, T.status, sa.func.count())
            .select_from(T)
            .outerjoin(m.Project, m.Project.id == T.project_id)
            .where(T.team_id.in_(id_list("teams")), T.week.in_(id_list("weeks")), live_row(T))
            .group_by(T.team_id, T.important, T.urgent, linked, T.status)
        )

    out: dict[int, list] = defaultdict(list)
    params = {"teams": team_ids, "weeks": [str(w) for w in period.weeks()]}
    for tid, imp, urg, lk, st, n in session.exec(prepared("effort_by_team", build), params=params).all():
        out[tid].append((bool(imp), bool(urg), bool(lk), st, int(n)))
    return dict(out)
