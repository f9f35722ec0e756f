"""Read helpers: load a team × period tree in a few set-based queries, never one per row.

Each section belongs to the pages that use it; a page asks for one loader and gets plain
dataclasses of model rows, grouped by parent id, ready for a template.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.sql import Select
from sqlmodel import Session, select

from okr.core import models as m
from okr.core import periods

# ============================================================================================
# Plan pages (year, quarter, month plans of one team; the key result page)
# ============================================================================================


def _live(model, include_archived: bool):
    return True if include_archived else model.is_archived == False  # noqa: E712


def param(name: str):
    """A bind parameter of a statement built once (``run``)."""
    import sqlalchemy as sa

    return sa.bindparam(name)


def run(session: Session, name: str, build, **params):
    """Run the statement ``build()`` makes, built once per process under ``name``: a page's
    dozen reads would otherwise spend more on building and keying each select than on the
    database. Values go in as bind parameters (``param``, ``id_list``)."""
    return session.exec(_prepared(name, build), params=params)


@dataclass
class Member:
    id: int
    name: str
    email: str
    role: str


def team_members(session: Session, team: m.Team) -> list[Member]:
    """The people who may own the team's plan items: its members, and the managers and admins
    of the teams above it (they plan it too). One query for the memberships of the chain."""
    chain = team_chain(session, team)
    rows = run(
        session,
        "team_members",
        lambda: (
            select(m.User, m.Membership.role, m.Membership.team_id)
            .join(m.Membership, m.Membership.user_id == m.User.id)
            .where(m.Membership.team_id.in_(id_list()), m.User.is_archived == False)  # noqa: E712
            .order_by(m.User.name)
        ),
        ids=chain,
    ).all()
    found: dict[int, Member] = {}
    for user, role, team_id in rows:
        if team_id != team.id and role not in ("admin", "manager"):
            continue
        if user.id not in found or team_id == team.id:
            found[user.id] = Member(user.id, user.name, user.email, role)
    return sorted(found.values(), key=lambda p: p.name)


def team_parents(session: Session, org_id: int) -> dict[int, int | None]:
    """{team id: parent id} of the organisation, read once per transaction: a page asks for
    the tree from several places (permissions, owners, goals). Any write through the session
    forgets it (``_forget_reads``)."""
    key = ("team_parents", org_id)
    found = session.info.get(key)
    if found is None:
        found = session.info[key] = dict(
            run(
                session,
                "team_parents",
                lambda: select(m.Team.id, m.Team.parent_id).where(m.Team.org_id == param("org")),
                org=org_id,
            ).all()
        )
    return dict(found)


def remember_team_parents(session: Session, org_id: int, parents: dict) -> None:
    """Keep a tree read elsewhere (with the signed-in person's roles) for ``team_parents``."""
    session.info[("team_parents", org_id)] = dict(parents)


def known_team_org(session: Session, team_id: int) -> int | None:
    """The organisation of a team in a tree this transaction has read already (the request's
    own teams), or None when none of them holds it: a check that costs no query."""
    for key, tree in session.info.items():
        if isinstance(key, tuple) and key and key[0] == "team_parents" and team_id in tree:
            return key[1]
    return None


def _forget_reads(session, *_args) -> None:
    for key in [k for k in session.info if isinstance(k, tuple) and k and k[0] == "team_parents"]:
        del session.info[key]


def _forget_after_write(state) -> None:
    if not state.is_select:
        _forget_reads(state.session)


def _listen() -> None:
    import sqlalchemy as sa

    for name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
        sa.event.listen(Session, name, _forget_reads)
    sa.event.listen(Session, "do_orm_execute", _forget_after_write)


_listen()


def team_chain(session: Session, team: m.Team) -> list[int]:
    """The team and the teams above it, nearest first."""
    parents = team_parents(session, team.org_id)
    chain, node = [], team.id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def user_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(
        run(
            session,
            "user_names",
            lambda: select(m.User.id, m.User.name).where(m.User.id.in_(id_list())),
            ids=sorted(ids),
        ).all()
    )


def raci_holders(raci: dict) -> list[int]:
    """The people holding a letter in a ``raci_letters`` result (for the names lookup)."""
    return [user_id for letters in raci.values() for _letter, user_id in letters]


@dataclass(frozen=True)
class ProjectProgress:
    """A project's progress as the plan pages show it (the rollup's figure, okr.rollup.rules).

    ``done`` of ``live`` tasks (dropped ones are not live; ``dropped`` counts them apart);
    ``value`` 0…1, None with no live task; ``by_estimate`` when every live task has an
    estimate, and then ``value`` is done estimate / live estimate.
    """

    done: int
    live: int
    dropped: int
    value: Decimal | None
    by_estimate: bool

    @property
    def percent(self) -> int | None:
        return None if self.value is None else int((self.value * 100).to_integral_value())


def project_progress(session: Session, project_ids) -> dict[int, ProjectProgress]:
    """{project id: ProjectProgress} for the given projects, from one GROUP BY over their
    tasks (``project_task_counts``); a project with no task gets 0 of 0."""
    from okr.rollup import rules as rollup

    ids = list(project_ids)
    counts = project_task_counts(session, ids) if ids else {}
    out = {}
    for pid in ids:
        done, live, dropped, done_est, live_est, all_est = counts.get(pid, (0, 0, 0, None, None, False))
        by_estimate = bool(all_est and live_est)
        value = rollup.project_progress(
            done,
            live,
            done_estimate=done_est if all_est else None,
            live_estimate=live_est if all_est else None,
            by_estimate=True,
        )
        out[pid] = ProjectProgress(done, live, dropped, value, by_estimate)
    return out


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


def raci_letters(session: Session, *, kr_ids=(), project_ids=()) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """{("kr", id) | ("project", id): [(letter, user id), …]} for the badges slot, one query."""
    out: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    kr_ids, project_ids = list(kr_ids), list(project_ids)
    if not kr_ids and not project_ids:
        return out
    from sqlalchemy import or_

    A = m.RaciAssignment
    rows = run(
        session,
        "raci_letters",
        lambda: (
            select(A.key_result_id, A.project_id, A.letter, A.user_id)
            .where(or_(A.key_result_id.in_(id_list("krs")), A.project_id.in_(id_list("projects"))))
            .order_by(A.id)
        ),
        krs=kr_ids,
        projects=project_ids,
    ).all()
    for kr_id, project_id, letter, user_id in rows:
        key = ("kr", kr_id) if kr_id else ("project", project_id)
        out[key].append((letter, user_id))
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
    # goal id -> other teams' goals of the year that support it (their parent_goal_id)
    supporting: dict[int, list[m.AnnualGoal]] = field(default_factory=dict)


def load_year(session: Session, team: m.Team, year: periods.Year, *, include_archived: bool = False) -> YearPlan:
    """Goals of ``team`` for ``year``, every objective aligned to them (any team), the goals of
    other teams that support them, and the team's own objectives of the year's quarters: four
    queries plus teams, names and the goals above."""
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
            .outerjoin(K, sa.and_(K.objective_id == m.Objective.id, _live(K, arch)))
            .where(
                m.Objective.team_id == param("team"), m.Objective.quarter == param("quarter"), _live(m.Objective, arch)
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
                    _live(m.Project, arch),
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
            .where(m.Project.team_id == param("team"), m.Project.month == param("month"), _live(m.Project, arch))
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


def kr_letter(session: Session, kr_id: int, user_id: int) -> str | None:
    """The person's RACI letter on a key result, or None."""
    return session.exec(
        select(m.RaciAssignment.letter).where(
            m.RaciAssignment.key_result_id == kr_id, m.RaciAssignment.user_id == user_id
        )
    ).first()


# ============================================================================================
# Rollups (company and team rollup pages, their JSON twin, the explain fragments)
# ============================================================================================
# A fixed number of set-based queries whatever the size of the plan: goals, objectives, key
# results, projects, task counts per project (GROUP BY), check-ins of the period, the
# Accountable of each key result, and the effort split of the period's tasks (GROUP BY).


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


_RECORD_TYPES: dict = {}


def _record_type(model):
    """A named tuple with the model's columns but its description: rollups read thousands of
    rows and only display them, so plain tuples (no ORM identity, no attribute tracking) do."""
    found = _RECORD_TYPES.get(model)
    if found is None:
        names = [c.key for c in model.__table__.columns if c.key != "description"]
        found = _RECORD_TYPES[model] = namedtuple(f"{model.__name__}Row", names)
    return found


def _records(session, model, build, *extra, params=None):
    """Rows of ``model`` as read-only named tuples: ``build`` adds the WHERE and ORDER BY to
    the select; with ``extra`` columns, each item is (record, *extra values). ``build`` may also
    be a statement made earlier by :func:`_record_select` (then ``params`` fill it in)."""
    rtype = _record_type(model)
    stmt = build if isinstance(build, Select) else _record_select(model, build, *extra)
    rows = session.exec(stmt, params=params).all()
    n = len(rtype._fields)
    if len(rows) and len(rows[0]) == n:
        return [rtype._make(r) for r in rows]
    return [(rtype._make(r[:n]), *r[n:]) for r in rows]


def _record_select(model, build, *extra):
    rtype = _record_type(model)
    return build(select(*[model.__table__.c[n] for n in rtype._fields], *extra))


_PREPARED: dict[str, object] = {}


def _prepared(name: str, build):
    """A statement built once per process, with bind parameters for what changes: bringing a
    rollup forward reads a handful of rows, and building a select costs more than running it."""
    stmt = _PREPARED.get(name)
    if stmt is None:
        stmt = _PREPARED[name] = build()
    return stmt


def id_list(name: str = "ids"):
    """An expanding bind parameter: a list of values for ``IN`` in a statement built once."""
    import sqlalchemy as sa

    return sa.bindparam(name, expanding=True)


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

    live = _live_row
    # Teams as records too: a rollup is kept between requests, past the session of its rows.
    teams = {t.id: t for t in _records(session, m.Team, lambda q: q.where(m.Team.org_id == root.org_id, live(m.Team)))}
    if root.id not in teams:  # an archived team's own rollup
        rtype, row = _record_type(m.Team), session.get(m.Team, root.id)  # root may be a page's TeamRecord
        teams[root.id] = rtype._make(getattr(row, name) for name in rtype._fields)
    subtree, children = _subtree(teams, root.id)
    if isinstance(period, periods.Year):
        year, quarters = period.year, [str(q) for q in period.quarters()]
    else:
        year, quarters = period.fiscal_year().year, [str(period)]

    goal_rows = _records(
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
    obj_rows = _records(
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
    for p in _records(
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


def _live_row(model):
    return model.is_archived == False  # noqa: E712


def rollup_key_results(session: Session, where) -> list:
    """Key results as rollup records with their owner's name: ``where`` is a tuple of
    conditions (the full load) or a list of ids (bringing a rollup forward)."""
    import sqlalchemy as sa

    def build(where):
        owner = sa.orm.aliased(m.User)
        return _record_select(
            m.KeyResult,
            lambda q: (
                q.outerjoin(owner, owner.id == m.KeyResult.owner_id)
                .where(*where)
                .order_by(m.KeyResult.position, m.KeyResult.id)
            ),
            owner.name,
        )

    if isinstance(where, tuple):
        return _records(session, m.KeyResult, build(where), params=None)
    stmt = _prepared("rollup_key_results", lambda: build((m.KeyResult.id.in_(id_list()), _live_row(m.KeyResult))))
    return _records(session, m.KeyResult, stmt, params={"ids": list(where)})


def project_task_counts(session: Session, project_ids) -> dict[int, tuple]:
    """{project id: (done, live, dropped, done estimate, live estimate, every live task
    estimated)} over live (not archived) tasks, one GROUP BY; ``project_ids`` is a list or a
    subquery. A project with no task has no entry."""
    import sqlalchemy as sa

    T = m.Task

    def build(ids):
        is_live = T.status != "dropped"
        return (
            select(
                T.project_id,
                sa.func.sum(sa.case((is_live, 1), else_=0)),
                sa.func.sum(sa.case((T.status == "done", 1), else_=0)),
                sa.func.sum(sa.case((is_live, 0), else_=1)),
                sa.func.sum(sa.case((sa.and_(is_live, T.estimate.is_not(None)), 1), else_=0)),
                sa.func.sum(sa.case((is_live, T.estimate), else_=None)),
                sa.func.sum(sa.case((T.status == "done", T.estimate), else_=None)),
            )
            .where(T.project_id.in_(ids), _live_row(T))
            .group_by(T.project_id)
        )

    if isinstance(project_ids, sa.sql.Select):
        stmt, params = build(project_ids), None
    else:
        params = {"ids": list(project_ids)}
        if not params["ids"]:
            return {}
        stmt = _prepared("project_task_counts", lambda: build(id_list()))
    counts = {}
    for pid, live_n, done_n, dropped_n, est_n, live_est, done_est in session.exec(stmt, params=params).all():
        live_n, done_n, dropped_n, est_n = int(live_n or 0), int(done_n or 0), int(dropped_n or 0), int(est_n or 0)
        counts[pid] = (done_n, live_n, dropped_n, done_est, live_est, live_n > 0 and est_n == live_n)
    return counts


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
                _live_row(C),
                C.checked_on >= sa.bindparam("start"),
                C.checked_on <= sa.bindparam("end"),
            )
            .order_by(C.key_result_id, C.checked_on, C.id)
        )
        last = (
            select(C.key_result_id, sa.func.max(C.checked_on).label("day"))
            .where(C.key_result_id.in_(ids), _live_row(C), C.checked_on < sa.bindparam("start"))
            .group_by(C.key_result_id)
            .subquery()
        )
        before = (
            select(C.key_result_id, as_float)
            .join(last, sa.and_(last.c.key_result_id == C.key_result_id, last.c.day == C.checked_on))
            .where(_live_row(C))
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
        points_stmt, before_stmt = _prepared("check_in_points", lambda: build(id_list()))
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
        .where(R.key_result_id.in_(kr_ids), R.letter == "A", m.User.is_archived == False)  # noqa: E712
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
            .where(T.team_id.in_(id_list("teams")), T.week.in_(id_list("weeks")), _live_row(T))
            .group_by(T.team_id, T.important, T.urgent, linked, T.status)
        )

    out: dict[int, list] = defaultdict(list)
    params = {"teams": team_ids, "weeks": [str(w) for w in period.weeks()]}
    for tid, imp, urg, lk, st, n in session.exec(_prepared("effort_by_team", build), params=params).all():
        out[tid].append((bool(imp), bool(urg), bool(lk), st, int(n)))
    return dict(out)
