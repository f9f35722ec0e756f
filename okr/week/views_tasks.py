"""The board's writes: add, move, finish, drop, reopen, delegate and carry over a task, and carry
the whole week over. Routes of the ``week`` blueprint (okr.week.views).

Every write answers htmx with the refreshed ``#board`` fragment, a form post with a redirect,
a JSON body with the task; refusals are 403, stale versions 409 with both versions shown.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, jsonify, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from sqlmodel import select

from okr.core import kinds, periods
from okr.core import models as m
from okr.core.permissions import can_add_task, can_edit_task, can_write_anything
from okr.core.web import accepts, actor, db, is_htmx, item_or_404, json_error, render, wants_json
from okr.core.web.forms import form_data
from okr.plans import ops as planning
from okr.week import ops as week_ops
from okr.week import report as weekly
from okr.week import rules as eisenhower
from okr.week import words
from okr.week.forms import AddTaskForm, DelegateForm, MoveForm, VersionForm, choices
from okr.week.views import (
    FALSE,
    _addable_teams,
    _board_context,
    _my_tasks,
    _op,
    _quick_add_projects,
    _task_json,
    _teammates,
    _teams,
    _week_or_404,
    bp,
    project_progress,
)


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
        "quadrant": words.label(eisenhower.quadrant(stored.important, stored.urgent)) if stored else "",
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
    form = AddTaskForm(formdata=form_data())
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
            quadrant=words.label(form.quadrant.data),
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
    form = MoveForm(formdata=form_data())
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
        # Roll back before anything else reads through the session (the words below may: the
        # person's language), or a failed flush would turn this 409 into a 500.
        db().rollback()
        return _stale(error, task_id, _("move to %(quadrant)s", quadrant=words.label(quadrant)))
    return _done(task, words.message(eisenhower.MOVED, quadrant=quadrant))


def _status_view(task_id, status: str, message):
    task, team = _task_for_write(task_id)
    form = VersionForm(formdata=form_data())
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
    form = DelegateForm(formdata=form_data())
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
    form = VersionForm(formdata=form_data())
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
        + words.message(eisenhower.CARRIED, count=copy.carry_count),
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
