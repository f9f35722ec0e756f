"""My week: the Eisenhower board of the signed-in person, its writes (add, move, finish, drop,
reopen, delegate, carry over), a team's week for managers, and the weekly report.

Every write answers htmx with the refreshed ``#board`` fragment, a form post with a redirect,
a JSON body with the task; refusals are 403, stale versions 409 with both versions shown.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, make_response, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import select

from okr.core import kinds, periods
from okr.core import models as m
from okr.core.permissions import WRITE_ROLES, can_add_task, can_edit_task, can_read_team, can_write_anything
from okr.core.queries import id_list, param, run, user_names
from okr.core.web import (
    accepts,
    actor,
    db,
    is_htmx,
    item_or_404,
    json_error,
    org_teams,
    render,
    team_or_404,
    wants_json,
)
from okr.plans import ops as planning
from okr.rollup import rules as rollup
from okr.week import ops as week_ops
from okr.week import report as weekly
from okr.week import rules as eisenhower
from okr.week.forms import AddTaskForm, DelegateForm, MoveForm, VersionForm, choices

bp = Blueprint("week", __name__)

FALSE = sa.false()


def _lang() -> str:
    return "zh" if str(get_locale() or "en").startswith("zh") else "en"


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
    """Project title, key result (id, title) and the project's progress for each id, in two
    queries: projects joined to their key results, then task counts by status."""
    ids = {i for i in project_ids if i is not None}
    if not ids:
        return {}
    session = db()
    ids = sorted(ids)
    # One row per project and task status (a project with no live task: one row, status None).
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
                T.status,
                sa.func.count(T.id),
            )
            .outerjoin(m.KeyResult, m.KeyResult.id == m.Project.key_result_id)
            .outerjoin(T, sa.and_(T.project_id == m.Project.id, T.is_archived == FALSE))
            .where(m.Project.id.in_(id_list()))
            .group_by(m.Project.id, m.Project.title, m.Project.team_id, m.KeyResult.id, m.KeyResult.title, T.status)
        ),
        ids=ids,
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = {}
    for pid, title, team_id, kr_id, kr_title, status, n in found:
        rows[pid] = (pid, title, team_id, kr_id, kr_title)
        if status is not None:
            counts[pid][status] = n
    out = {}
    for pid, title, team_id, kr_id, kr_title in rows.values():
        c = counts.get(pid, {})
        live = sum(n for s, n in c.items() if s != kinds.DROPPED)
        progress = rollup.project_progress(c.get(kinds.DONE, 0), live)
        out[pid] = {
            "id": pid,
            "title": title,
            "team_id": team_id,
            "kr_id": kr_id,
            "kr_title": kr_title or "",
            "progress": progress,
            "percent": weekly.percent(progress),
            "done": c.get(kinds.DONE, 0),
            "live": live,
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
                m.RaciAssignment.letter.in_(("R", "A")),
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
    return {"check_ins": check_ins, "overdue": overdue, "delegated": delegated}


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
        "label": lambda q: eisenhower.label(q, _lang()),
        "advice": lambda q: eisenhower.advice(q, _lang()),
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


# --- writing: shared plumbing -------------------------------------------------------------------


def _task_for_write(task_id) -> tuple[m.Task, m.Team]:
    task, team = item_or_404(m.Task, task_id)
    if task.is_archived:
        abort(404)
    if not can_edit_task(actor(), task, team):
        abort(403)
    return task, team


def _invalid(form, task: m.Task | None, week: periods.Week):
    """422: the form's messages by field, nothing saved."""
    db().rollback()
    fields = dict(form.errors.items())
    if wants_json() or request.is_json:
        return json_error(_("Some values need fixing."), 422, fields)
    ctx = _board_context(week, full=not is_htmx(), message=None)
    ctx["form_errors"] = fields
    ctx["error_task_id"] = task.id if task else None
    ctx["add_form"] = form if task is None else None
    return render("week/board.html", block="board", status=422, **ctx)


def _stale(error: planning.StaleEdit, task_id: int, wanted: str):
    """409: someone else saved first. Shows the stored task and what this person asked for."""
    session = db()
    session.rollback()
    stored = session.get(m.Task, task_id)
    now = {
        "version": stored.version if stored else None,
        "quadrant": eisenhower.label(eisenhower.quadrant(stored.important, stored.urgent), _lang()) if stored else "",
        "status": stored.status if stored else "",
        "week": stored.week if stored else "",
    }
    message = _(
        "Someone else changed this task in the meantime: nothing was saved. Reload the board to see it and try again."
    )
    if wants_json() or request.is_json:
        resp = jsonify(
            {"error": message, "fields": {}, "yours": {"version": error.expected, "change": wanted}, "theirs": now}
        )
        resp.status_code = 409
        return resp
    return render(
        "week/stale.html", block="stale", status=409, message=message, now=now, yours=wanted, expected=error.expected
    )


def _done(task: m.Task, message: str, *, project: dict | None = None, week: periods.Week | None = None):
    """The success response of a write: fragment (htmx), JSON, or a redirect (no JavaScript)."""
    db().commit()
    week = week or periods.parse(task.week)
    if wants_json() or request.is_json:
        body = {"task": _task_json(task), "message": message}
        if project is not None:
            body["project"] = {
                "id": project["id"],
                "title": project["title"],
                "progress": None if project["progress"] is None else str(project["progress"]),
                "percent": project["percent"],
            }
        return jsonify(body)
    if is_htmx():
        return render("week/board.html", block="board", **_board_context(week, full=False, message=message))
    flash(message, "success")
    return redirect(url_for("week.board_for", period=str(week)))


def _progress_message(base: str, project: dict | None) -> str:
    if project is None or project["percent"] is None:
        return base
    return (
        base
        + " "
        + _(
            "%(project)s is now %(percent)s%% done (%(done)s of %(live)s tasks).",
            project=project["title"],
            percent=project["percent"],
            done=project["done"],
            live=project["live"],
        )
    )


def _form(form_class):
    """A form read from a form post, or from a JSON body (the API twin of each write): JSON
    scalars become the text a form post would carry; anything else is ignored."""
    if not request.is_json:
        return form_class()
    from werkzeug.datastructures import MultiDict

    body = request.get_json(silent=True)
    data = MultiDict()
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, bool):
                data[key] = "true" if value else "false"
            elif isinstance(value, (str, int, float)):
                data[key] = str(value)
            elif value is None:
                data[key] = ""
    return form_class(formdata=data)


# --- writing: the views --------------------------------------------------------------------------


@bp.post("/week/<period>/tasks")
@login_required
@accepts(AddTaskForm, json_fields={"title": "str", "quadrant": "enum", "project_id": "int", "team_id": "int"})
def task_add(period):
    week = _week_or_404(period)
    me = actor()
    teams = _addable_teams(me)
    if not teams:
        abort(403)
    projects = _quick_add_projects(teams, week)
    form = _form(AddTaskForm)
    form.project_id.choices = choices([("", _("No project"))] + [(pid, title) for pid, title, _t in projects])
    form.team_id.choices = choices([("", _("My team"))] + [(t.id, t.name) for t in teams])
    if not form.validate():
        return _invalid(form, None, week)
    by_id = {t.id: t for t in teams}
    project_team = {pid: tid for pid, _title, tid in projects}
    if form.project_id.data is not None:
        team = by_id[project_team[form.project_id.data]]
    elif form.team_id.data is not None:
        team = by_id[form.team_id.data]
    else:
        team = teams[0]
    if not can_add_task(me, team, me.user_id):
        abort(403)
    important, urgent = eisenhower.flags(form.quadrant.data)
    last = (
        db()
        .exec(
            select(sa.func.max(m.Task.position)).where(
                m.Task.assignee_id == me.user_id,
                m.Task.week == str(week),
                m.Task.important == important,
                m.Task.urgent == urgent,
                m.Task.is_archived == FALSE,
            )
        )
        .first()
    )
    task = planning.create(
        session=db(),
        actor_id=me.user_id,
        org_id=team.org_id,
        model=m.Task,
        team_id=team.id,
        week=str(week),
        project_id=form.project_id.data,
        title=form.title.data,
        assignee_id=me.user_id,
        important=important,
        urgent=urgent,
        status="todo",
        position=(last + 1) if last is not None else 0,
    )
    resp = _done(
        task,
        _(
            "Added “%(title)s” to %(quadrant)s.",
            title=task.title,
            quadrant=eisenhower.label(form.quadrant.data, _lang()),
        ),
        week=week,
    )
    if resp.status_code == 200 and wants_json():
        resp.status_code = 201
    return resp


@bp.post("/tasks/<int:task_id>/move")
@login_required
@accepts(MoveForm, json_fields={"version": "int", "quadrant": "enum", "index": "int"})
def task_move(task_id):
    task, team = _task_for_write(task_id)
    form = _form(MoveForm)
    if not form.validate():
        return _invalid(form, task, periods.parse(task.week))
    quadrant = eisenhower.Quadrant(form.quadrant.data)
    try:
        important, urgent = eisenhower.flags(quadrant)
        week_ops.move_task(
            **_op(team, actor()),
            task=task,
            important=important,
            urgent=urgent,
            index=form.index.data,
            expected_version=form.version.data,
        )
    except planning.StaleEdit as error:
        return _stale(error, task_id, _("move to %(quadrant)s", quadrant=eisenhower.label(quadrant, _lang())))
    return _done(task, eisenhower.message(eisenhower.MOVED, _lang(), quadrant=quadrant))


def _status_view(task_id, status: str, message):
    task, team = _task_for_write(task_id)
    form = _form(VersionForm)
    if not form.validate():
        return _invalid(form, task, periods.parse(task.week))
    try:
        week_ops.set_task_status(**_op(team, actor()), task=task, status=status, expected_version=form.version.data)
    except planning.StaleEdit as error:
        return _stale(error, task_id, status)
    db().flush()
    project = project_progress(task.project_id)
    return _done(task, _progress_message(message(task), project), project=project)


@bp.post("/tasks/<int:task_id>/finish")
@login_required
@accepts(VersionForm, json_fields={"version": "int"})
def task_finish(task_id):
    return _status_view(task_id, kinds.DONE, lambda t: _("Done: “%(title)s”.", title=t.title))


@bp.post("/tasks/<int:task_id>/drop")
@login_required
@accepts(VersionForm, json_fields={"version": "int"})
def task_drop(task_id):
    return _status_view(task_id, kinds.DROPPED, lambda t: _("Dropped: “%(title)s”.", title=t.title))


@bp.post("/tasks/<int:task_id>/reopen")
@login_required
@accepts(VersionForm, json_fields={"version": "int"})
def task_reopen(task_id):
    return _status_view(task_id, "todo", lambda t: _("Reopened: “%(title)s”.", title=t.title))


@bp.post("/tasks/<int:task_id>/delegate")
@login_required
@accepts(DelegateForm, json_fields={"version": "int", "assignee_id": "int"})
def task_delegate(task_id):
    task, team = _task_for_write(task_id)
    me = actor()
    form = _form(DelegateForm)
    mates = _teammates([team.id]).get(team.id, [])
    form.assignee_id.choices = choices((uid, name) for uid, name in mates if uid != task.assignee_id)
    if not form.validate():
        return _invalid(form, task, periods.parse(task.week))
    try:
        week_ops.delegate_task(
            **_op(team, me), task=task, assignee_id=form.assignee_id.data, expected_version=form.version.data
        )
    except planning.StaleEdit as error:
        return _stale(error, task_id, _("delegate"))
    name = dict(mates).get(form.assignee_id.data, "")
    return _done(task, _("Delegated “%(title)s” to %(name)s.", title=task.title, name=name))


@bp.post("/tasks/<int:task_id>/carry")
@login_required
@accepts(VersionForm, json_fields={"version": "int"})
def task_carry(task_id):
    task, team = _task_for_write(task_id)
    form = _form(VersionForm)
    if not form.validate():
        return _invalid(form, task, periods.parse(task.week))
    try:
        copy = week_ops.carry_over_task(**_op(team, actor()), task=task, expected_version=form.version.data)
    except planning.StaleEdit as error:
        return _stale(error, task_id, _("carry over"))
    except week_ops.NotUnfinished:
        db().rollback()
        return _conflict(_("Only unfinished tasks can be carried over."))
    resp = _done(
        task,
        _("Carried “%(title)s” into %(week)s.", title=task.title, week=copy.week)
        + " "
        + eisenhower.message(eisenhower.CARRIED, _lang(), count=copy.carry_count),
    )
    if wants_json() or request.is_json:
        data = resp.get_json()
        data["carried"] = _task_json(copy)
        resp = jsonify(data)
    return resp


def _conflict(message: str):
    if wants_json() or request.is_json:
        return json_error(message, 409)
    from flask import g, render_template

    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    return make_response(render_template(template, status=409, message=message, request_id=g.get("request_id")), 409)


@bp.post("/week/<period>/carry")
@login_required
@accepts(json_fields={})
def carry_all(period):
    """Carry every unfinished task of mine in this week into next week, in one transaction."""
    week = _week_or_404(period)
    me = actor()
    if not can_write_anything(me):
        abort(403)
    tasks = [t for t in _my_tasks(me.user_id, str(week)) if eisenhower.is_unfinished(t.status)]
    teams = _teams(t.team_id for t in tasks)
    movable = [t for t in tasks if can_edit_task(me, t, teams[t.team_id])]
    if tasks and not movable:
        abort(403)
    for task in sorted(movable, key=weekly.sort_key):
        week_ops.carry_over_task(**_op(teams[task.team_id], me), task=task, expected_version=None)
    db().commit()
    message = ngettext(
        "Carried %(num)s unfinished task into %(week)s.",
        "Carried %(num)s unfinished tasks into %(week)s.",
        len(movable),
        week=str(week.next()),
    )
    if wants_json() or request.is_json:
        return jsonify({"carried": len(movable), "week": str(week.next()), "message": message})
    if is_htmx():
        return render("week/board.html", block="board", **_board_context(week, full=False, message=message))
    flash(message, "success")
    return redirect(url_for("week.board_for", period=str(week)))


# --- the team's week ---------------------------------------------------------------------------


def _team_week(team: m.Team, week: periods.Week) -> dict:
    session = db()
    members = session.exec(
        select(m.User.id, m.User.name, m.Membership.role)
        .join(m.Membership, m.Membership.user_id == m.User.id)
        .where(m.Membership.team_id == team.id, m.User.is_archived == FALSE)
        .order_by(m.User.name)
    ).all()
    tasks = list(
        session.exec(
            select(m.Task).where(m.Task.team_id == team.id, m.Task.week == str(week), m.Task.is_archived == FALSE)
        ).all()
    )
    projects = _project_rows(t.project_id for t in tasks)
    by_person: dict[int | None, list] = defaultdict(list)
    for t in tasks:
        by_person[t.assignee_id].append(t)
    people = [(uid, name, role) for uid, name, role in members]
    known = {uid for uid, _n, _r in people}
    extra = _names(uid for uid in by_person if uid is not None and uid not in known)
    people += [(uid, extra.get(uid, "?"), "") for uid in by_person if uid is not None and uid not in known]
    linked = lambda t: bool(projects.get(t.project_id, {}).get("kr_id"))  # noqa: E731
    share = rollup.effort_share((t.important, t.urgent, linked(t), t.status) for t in tasks)
    return {
        "team": team,
        "week": week,
        "prev_week": week.prev(),
        "next_week": week.next(),
        "people": people,
        "boards": {uid: weekly.group_by_quadrant(ts) for uid, ts in by_person.items()},
        "projects": projects,
        "share": share,
        "quadrants": eisenhower.ORDER,
        "names": _names(t.delegated_by_id for t in tasks),
        "label": lambda q: eisenhower.label(q, _lang()),
        "percent": weekly.percent,
        "unlinked_message": eisenhower.message(
            eisenhower.UNLINKED_SHARE, _lang(), percent=weekly.percent(share.unlinked_fraction)
        )
        if share.total
        else "",
    }


@bp.get("/teams/<slug>/week/<period>")
@login_required
def team(slug, period):
    team_row = team_or_404(slug)
    if not can_read_team(actor(), team_row):
        abort(403)
    week = _week_or_404(period)
    ctx = _team_week(team_row, week)
    if wants_json():
        s = ctx["share"]
        return jsonify(
            {
                "team": team_row.slug,
                "week": str(week),
                "total": s.total,
                "counts": {str(q): n for q, n in s.counts.items()},
                "linked": s.linked,
                "unlinked": s.unlinked,
                "linked_fraction": str(s.linked_fraction),
                "unlinked_fraction": str(s.unlinked_fraction),
            }
        )
    return render("week/team.html", block="team_week", **ctx)


# --- the weekly report ------------------------------------------------------------------------


def _report(tasks_now, tasks_next, check_ins, week: periods.Week) -> tuple[weekly.Report, dict]:
    projects = _project_rows([t.project_id for t in tasks_now] + [t.project_id for t in tasks_next])

    def kr_of(task):
        p = projects.get(task.project_id)
        if p and p["kr_id"]:
            return p["kr_id"], p["kr_title"]
        return None, ""

    ordered = [t for q in eisenhower.ORDER for t in weekly.group_by_quadrant(tasks_now)[q]]
    ordered_next = [t for q in eisenhower.ORDER for t in weekly.group_by_quadrant(tasks_next)[q]]
    report = weekly.build_report(
        str(week),
        str(week.next()),
        ordered,
        ordered_next,
        kr_of,
        check_ins,
        _today(),
        carried_to=_carried_to(week, tasks_now),
    )
    return report, projects


def _check_ins_due(week: periods.Week, *, user_id: int | None = None, team: m.Team | None = None) -> list[dict]:
    """Key results of the week's quarter due a check-in as the week's report sees them: those
    the person is R or A for (``user_id``) or the team's (``team``), judged at the week's end
    once it is over (a check-in made later does not count for that week), today while it runs."""
    session = db()
    as_of = weekly.check_in_as_of(week.end, _today())
    quarter = str(week.fiscal_quarter(_fiscal_start()))
    query = (
        select(m.KeyResult.id, m.KeyResult.title, m.KeyResult.last_check_in_on, m.Objective.team_id)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .where(m.Objective.quarter == quarter, m.Objective.is_archived == FALSE, m.KeyResult.is_archived == FALSE)
        .order_by(m.KeyResult.last_check_in_on, m.KeyResult.id)
    )
    if team is not None:
        query = query.where(m.Objective.team_id == team.id)
    else:
        query = query.join(m.RaciAssignment, m.RaciAssignment.key_result_id == m.KeyResult.id).where(
            m.RaciAssignment.user_id == user_id, m.RaciAssignment.letter.in_(("R", "A"))
        )
    rows = session.exec(query).all()
    last = {kr_id: when for kr_id, _t, when, _team in rows}
    if as_of < _today() and rows:
        # A past week: the latest check-in on or before its last day, whatever came after.
        last = dict.fromkeys(last)
        last.update(
            session.exec(
                select(m.CheckIn.key_result_id, sa.func.max(m.CheckIn.checked_on))
                .where(
                    m.CheckIn.key_result_id.in_(list(last)),
                    m.CheckIn.checked_on <= as_of,
                    m.CheckIn.is_archived == FALSE,
                )
                .group_by(m.CheckIn.key_result_id)
            ).all()
        )
    slugs = {row.team.id: row.team.slug for row in org_teams()}
    due = [
        {"id": kr_id, "title": title, "last": last[kr_id], "slug": slugs.get(team_id), "quarter": quarter}
        for kr_id, title, _when, team_id in rows
        if weekly.check_in_due(last[kr_id], as_of)
    ]
    due.sort(key=lambda c: (c["last"] is not None, c["last"] or date.min, c["id"]))
    return due


def _report_response(ctx: dict, filename: str):
    if request.args.get("format") == "md":
        from flask import render_template

        body = render_template("week/report.md", md=weekly.md_escape, **ctx)
        resp = make_response(body, 200)
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        resp.headers["Content-Disposition"] = f'inline; filename="{filename}.md"'
        return resp
    if wants_json():
        r = ctx["report"]
        return jsonify(
            {
                "week": r.week,
                "next_week": r.next_week,
                "done": [
                    {
                        "key_result_id": g.kr_id,
                        "key_result": g.kr_title,
                        "tasks": [_task_json(t, ctx["projects"]) for t in g.tasks],
                    }
                    for g in r.done
                ],
                "planned": [_task_json(t, ctx["projects"]) for t in r.planned],
                "blocked": [_task_json(t, ctx["projects"]) for t in r.blocked],
                "not_finished": [
                    {**_task_json(u.task, ctx["projects"]), "reason": u.reason, "carried_to": u.carried_to}
                    for u in r.unfinished
                ],
                "check_ins_due": [
                    {"id": c["id"], "title": c["title"], "last": c["last"].isoformat() if c["last"] else None}
                    for c in r.check_ins_due
                ],
            }
        )
    return render("week/report.html", **ctx)


@bp.get("/week/<period>/report")
@login_required
def report(period):
    week = _week_or_404(period)
    me = actor()
    now = _my_tasks(me.user_id, str(week))
    nxt = _my_tasks(me.user_id, str(week.next()))
    rep, projects = _report(now, nxt, _check_ins_due(week, user_id=me.user_id), week)
    ctx = {
        "report": rep,
        "projects": projects,
        "week": week,
        "team": None,
        "whose": _names([me.user_id]).get(me.user_id, ""),
        "check_ins_as_of": weekly.check_in_as_of(week.end, _today()),
        "names": _names(t.assignee_id for t in now + nxt),
        "show_assignee": False,
    }
    return _report_response(ctx, f"week-{week}")


@bp.get("/teams/<slug>/week/<period>/report")
@login_required
def team_report(slug, period):
    team_row = team_or_404(slug)
    if not can_read_team(actor(), team_row):
        abort(403)
    week = _week_or_404(period)
    session = db()

    def of(w):
        return list(
            session.exec(
                select(m.Task).where(m.Task.team_id == team_row.id, m.Task.week == w, m.Task.is_archived == FALSE)
            ).all()
        )

    now, nxt = of(str(week)), of(str(week.next()))
    rep, projects = _report(now, nxt, _check_ins_due(week, team=team_row), week)
    ctx = {
        "report": rep,
        "projects": projects,
        "week": week,
        "team": team_row,
        "whose": team_row.name,
        "check_ins_as_of": weekly.check_in_as_of(week.end, _today()),
        "names": _names(t.assignee_id for t in now + nxt),
        "show_assignee": True,
    }
    return _report_response(ctx, f"{team_row.slug}-week-{week}")
