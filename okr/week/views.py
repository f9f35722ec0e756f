"""My week: the Eisenhower board of the signed-in person, what they owe, and the board's reads
(tasks, their projects' progress, teams and teammates) that its writes (okr.week.views_tasks) and
the team's week and weekly report (okr.week.views_team), routes of this same blueprint, share.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify
from flask_login import login_required
from sqlmodel import select

from okr.core import kinds, periods
from okr.core import models as m
from okr.core.permissions import WRITE_ROLES, can_add_task, can_edit_task
from okr.core.queries import id_list, param, run, user_names
from okr.core.web import (
    actor,
    db,
    is_htmx,
    org_teams,
    render,
    wants_json,
)
from okr.rollup import queries as rollup_queries
from okr.rollup import rules as rollup
from okr.week import report as weekly
from okr.week import rules as eisenhower
from okr.week import words

bp = Blueprint("week", __name__)

FALSE = sa.false()


def _today() -> date:
    return date.today()


def _fiscal_start() -> int:
    return current_app.config["FISCAL_YEAR_START"]


def _week_or_404(period: str) -> periods.Week:
    try:
        week = periods.parse(period)
    except (periods.PeriodError, TypeError):
        abort(404)
    if not isinstance(week, periods.Week):
        abort(404)
    return week


# --- reading -------------------------------------------------------------------------------


def _project_rows(project_ids) -> dict[int, dict]:
    """Project title, key result (id, title) and the project's progress for each id, in one
    query: projects joined to their key results and their tasks' counts (the sums of
    okr.rollup.queries.project_task_counts), made into progress by the rollup's one rule."""
    ids = {i for i in project_ids if i is not None}
    if not ids:
        return {}
    session = db()
    ids = sorted(ids)
    T = m.Task
    found = run(
        session,
        "week_projects",
        lambda: (
            select(
                m.Project.id,
                m.Project.title,
                m.Project.team_id,
                m.KeyResult.id,
                m.KeyResult.title,
                *rollup_queries.task_count_columns(T),
            )
            .outerjoin(m.KeyResult, m.KeyResult.id == m.Project.key_result_id)
            .outerjoin(T, sa.and_(T.project_id == m.Project.id, T.is_archived == FALSE))
            .where(m.Project.id.in_(id_list()))
            .group_by(m.Project.id, m.Project.title, m.Project.team_id, m.KeyResult.id, m.KeyResult.title)
        ),
        ids=ids,
    ).all()
    out = {}
    for pid, title, team_id, kr_id, kr_title, *sums in found:
        progress = rollup_queries.progress_of(rollup_queries.counts_from(*sums))
        out[pid] = {
            "id": pid,
            "title": title,
            "team_id": team_id,
            "kr_id": kr_id,
            "kr_title": kr_title or "",
            "progress": progress.value,
            "percent": progress.percent,
            "by_estimate": progress.by_estimate,
            "done": progress.done,
            "live": progress.live,
        }
    return out


def project_progress(project_id: int | None) -> dict | None:
    """One project's progress now (done over live tasks, dropped excluded), for a response."""
    if project_id is None:
        return None
    return _project_rows([project_id]).get(project_id)


def _names(ids) -> dict[int, str]:
    return user_names(db(), ids)


def _teams(ids) -> dict[int, m.Team]:
    """Teams by id; the organisation's live teams (read once per request for the page's menus)
    and those already in the session cost no query, the rest come in one."""
    session = db()
    found: dict[int, m.Team] = {}
    missing = set()
    live = {row.team.id: row.team for row in org_teams()}
    for i in {i for i in ids if i is not None}:
        team = live.get(i) or session.identity_map.get(sa.inspect(m.Team).identity_key_from_primary_key((i,)))
        if team is not None:
            found[i] = team
        else:
            missing.add(i)
    if missing:
        found.update(
            {
                t.id: t
                for t in run(
                    session, "week_teams", lambda: select(m.Team).where(m.Team.id.in_(id_list())), ids=sorted(missing)
                ).all()
            }
        )
    return found


def _teammates(team_ids) -> dict[int, list[tuple[int, str]]]:
    """Who a task of each team may be delegated to: the team's members, managers and admins."""
    ids = {i for i in team_ids if i is not None}
    if not ids:
        return {}
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for team_id, uid, name in run(
        db(),
        "week_teammates",
        lambda: (
            select(m.Membership.team_id, m.User.id, m.User.name)
            .join(m.User, m.User.id == m.Membership.user_id)
            .where(m.Membership.team_id.in_(id_list()), m.Membership.role.in_(WRITE_ROLES), m.User.is_archived == FALSE)
            .order_by(m.User.name)
        ),
        ids=sorted(ids),
    ).all():
        out[team_id].append((uid, name))
    return out


def _my_tasks(user_id: int, week: str) -> list[m.Task]:
    return list(
        db()
        .exec(select(m.Task).where(m.Task.assignee_id == user_id, m.Task.week == week, m.Task.is_archived == FALSE))
        .all()
    )


def _carried_to(week: periods.Week, tasks) -> dict[int, str]:
    """For dropped tasks of ``week`` that were carried over: the week their copy lives in."""
    dropped = [t for t in tasks if t.status == kinds.DROPPED]
    if not dropped:
        return {}
    nxt = str(week.next())
    # By team and week (an index; a copy keeps its original's team, while its assignee may have
    # changed since), never by carried_from_id alone (no index: a full scan).
    return dict(
        run(
            db(),
            "week_carried_to",
            lambda: select(m.Task.carried_from_id, m.Task.week).where(
                m.Task.team_id.in_(id_list("teams")),
                m.Task.week == param("week"),
                m.Task.carried_from_id.in_(id_list()),
            ),
            teams=sorted({t.team_id for t in dropped}),
            week=nxt,
            ids=[t.id for t in dropped],
        ).all()
    )


def _addable_teams(me) -> list[m.Team]:
    return [row.team for row in org_teams() if can_add_task(me, row.team, me.user_id)]


def _quick_add_projects(teams: list[m.Team], week: periods.Week) -> list[tuple[int, str, int]]:
    if not teams:
        return []
    return list(
        run(
            db(),
            "week_quick_add_projects",
            lambda: (
                select(m.Project.id, m.Project.title, m.Project.team_id)
                .where(
                    m.Project.team_id.in_(id_list()),
                    m.Project.month == param("month"),
                    m.Project.is_archived == FALSE,
                    m.Project.status.in_(("planned", "active")),
                )
                .order_by(m.Project.position, m.Project.title)
            ),
            ids=[t.id for t in teams],
            month=str(week.parent()),
        ).all()
    )


def _owe(me, today: date) -> dict:
    """What I owe: check-ins due on key results I am R or A for (this quarter), my unfinished
    tasks of past weeks or past their due date, and tasks others delegated to me."""
    session = db()
    quarter = str(periods.quarter_of(today, _fiscal_start()))
    krs = run(
        session,
        "owe_check_ins",
        lambda: (
            select(
                m.KeyResult.id,
                m.KeyResult.title,
                m.KeyResult.last_check_in_on,
                m.RaciAssignment.letter,
                m.Objective.team_id,
            )
            .join(m.RaciAssignment, m.RaciAssignment.key_result_id == m.KeyResult.id)
            .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
            .where(
                m.RaciAssignment.user_id == param("me"),
                m.RaciAssignment.letter.in_(kinds.RACI_WORKS_ON),
                m.KeyResult.is_archived == FALSE,
                m.Objective.is_archived == FALSE,
                m.Objective.quarter == param("quarter"),
            )
            .order_by(m.KeyResult.last_check_in_on, m.KeyResult.id)
        ),
        me=me.user_id,
        quarter=quarter,
    ).all()
    slugs = {row.team.id: row.team.slug for row in org_teams()}
    check_ins = [
        {"id": kr_id, "title": title, "last": last, "letter": letter, "slug": slugs.get(team_id), "quarter": quarter}
        for kr_id, title, last, letter, team_id in krs
        if weekly.check_in_due(last, today)
    ]
    this_week = str(periods.week_of(today))
    # Plain rows of what the lists show (id, title, week, due date), up to 50 each.
    T = m.Task
    overdue = list(
        run(
            session,
            "owe_overdue",
            lambda: (
                select(T.id, T.title, T.week, T.due_on)
                .where(
                    T.assignee_id == param("me"),
                    T.status.in_(kinds.UNFINISHED),
                    T.is_archived == FALSE,
                    sa.or_(T.week < param("week"), T.due_on < param("today")),
                )
                .order_by(T.week.desc(), T.id)
                .limit(50)
            ),
            me=me.user_id,
            week=this_week,
            today=today,
        ).all()
    )
    delegated = list(
        run(
            session,
            "owe_delegated",
            lambda: (
                select(T.id, T.title, T.week, T.due_on)
                .where(
                    T.assignee_id == param("me"),
                    T.delegated_by_id.is_not(None),
                    T.delegated_by_id != param("me"),
                    T.status.in_(kinds.UNFINISHED),
                    T.week >= param("week"),
                    T.is_archived == FALSE,
                )
                .order_by(T.week, T.id)
                .limit(50)
            ),
            me=me.user_id,
            week=this_week,
        ).all()
    )
    # Open alerts of the KPIs I own (okr.kpi opens them; read here from the tables, as kpi sits
    # above week): the KPI, the value's date and severity, and the team whose alert list has it.
    A, K = m.KpiAlert, m.Kpi
    alerts = [
        {"id": alert_id, "name": name, "date": on, "severity": severity, "slug": slugs.get(team_id)}
        for alert_id, name, on, severity, team_id in run(
            session,
            "owe_kpi_alerts",
            lambda: (
                select(A.id, K.name, A.measured_on, A.severity, K.team_id)
                .join(K, K.id == A.kpi_id)
                .where(K.owner_id == param("me"), A.status == "open", K.is_archived == FALSE)
                .order_by(A.measured_on.desc(), A.id)
                .limit(50)
            ),
            me=me.user_id,
        ).all()
    ]
    return {"check_ins": check_ins, "overdue": overdue, "delegated": delegated, "kpi_alerts": alerts}


def _board_context(week: periods.Week, *, full: bool, message: str | None = None) -> dict:
    """Everything the board shows, in a fixed number of set-based queries."""
    me = actor()
    today = _today()
    session = db()
    wk = str(week)
    # Mine and the ones I handed to others, in one query (two indexes: assignee/week, delegator).
    rows = run(
        session,
        "week_board",
        lambda: (
            select(m.Task)
            .where(
                m.Task.week == param("week"),
                m.Task.is_archived == FALSE,
                sa.or_(m.Task.assignee_id == param("me"), m.Task.delegated_by_id == param("me")),
            )
            .order_by(m.Task.position, m.Task.id)
        ),
        week=wk,
        me=me.user_id,
    ).all()
    mine = [t for t in rows if t.assignee_id == me.user_id]
    waiting = [t for t in rows if t.assignee_id != me.user_id]
    every = mine + waiting
    projects = _project_rows(t.project_id for t in every)
    teams = _teams(t.team_id for t in every)
    names = _names([t.delegated_by_id for t in every] + [t.assignee_id for t in waiting])
    editable = {t.id for t in every if t.team_id in teams and can_edit_task(me, t, teams[t.team_id])}
    teammates = _teammates({t.team_id for t in every if t.id in editable})
    addable = _addable_teams(me)
    share = rollup.effort_share(
        (t.important, t.urgent, bool(projects.get(t.project_id, {}).get("kr_id")), t.status) for t in mine
    )
    ctx = {
        "week": week,
        "prev_week": week.prev(),
        "next_week": week.next(),
        "this_week_text": str(periods.week_of(today)),
        "board": weekly.group_by_quadrant(mine),
        "quadrants": eisenhower.ORDER,
        "waiting": waiting,
        "projects": projects,
        "teams": teams,
        "names": names,
        "editable": editable,
        "teammates": teammates,
        "carried_to": _carried_to(week, mine),
        "addable_teams": addable,
        "add_projects": _quick_add_projects(addable, week),
        "can_add": bool(addable),
        "unfinished": sum(1 for t in mine if t.status in kinds.UNFINISHED and t.id in editable),
        "share": share,
        "label": words.label,
        "advice": words.advice,
        "message": message,
        "me_id": me.user_id,
        "today": today,
    }
    if full:
        ctx["owe"] = _owe(me, today)
    return ctx


@bp.get("/week")
@login_required
def board():
    return _board_page(periods.week_of(_today()))


@bp.get("/week/<period>")
@login_required
def board_for(period):
    return _board_page(_week_or_404(period))


def _board_page(week: periods.Week):
    if wants_json():
        ctx = _board_context(week, full=False)
        return jsonify(
            {
                "week": str(week),
                "quadrants": {
                    str(q): [_task_json(t, ctx["projects"]) for t in ctx["board"][q]] for q in eisenhower.ORDER
                },
                "waiting": [_task_json(t, ctx["projects"]) for t in ctx["waiting"]],
            }
        )
    return render("week/board.html", block="board", **_board_context(week, full=not is_htmx()))


def _task_json(task: m.Task, projects: dict | None = None) -> dict:
    project = (projects or {}).get(task.project_id) if task.project_id else None
    if task.project_id and project is None:
        project = project_progress(task.project_id)
    return {
        "id": task.id,
        "title": task.title,
        "week": task.week,
        "status": task.status,
        "quadrant": str(eisenhower.quadrant(task.important, task.urgent)),
        "important": task.important,
        "urgent": task.urgent,
        "position": task.position,
        "version": task.version,
        "assignee_id": task.assignee_id,
        "delegated_by_id": task.delegated_by_id,
        "carried_from_id": task.carried_from_id,
        "carry_count": task.carry_count,
        "project": None
        if project is None
        else {
            "id": project["id"],
            "title": project["title"],
            "key_result_id": project["kr_id"],
            "progress": None if project["progress"] is None else str(project["progress"]),
        },
    }


def _op(team: m.Team, me) -> dict:
    return {"session": db(), "actor_id": me.user_id, "org_id": team.org_id}


# The board's writes and the team's week with the weekly report are routes of this blueprint kept
# in modules of their own; importing them here, once everything above is defined, registers them.
from okr.week import views_tasks, views_team  # noqa: E402, F401
