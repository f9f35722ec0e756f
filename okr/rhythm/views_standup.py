"""The daily stand-up of a team: per person, what they finished the previous working day, what
they do today, what is blocked and why, and a one-line note; a meeting mode walking person by
person (static/js/standup.js); Markdown export. Routes of the ``rhythm`` blueprint.
"""

from __future__ import annotations

import importlib
from datetime import date

from flask import abort, jsonify, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.core.kinds import WRITE_ROLES
from okr.core.permissions import can_edit_task, can_plan
from okr.core.web import accepts, actor, db, is_htmx, item_or_404, json_error, render, team_or_404, wants_json
from okr.core.web.forms import VersionForm, form_data
from okr.core.writes import StaleEdit
from okr.rhythm import ops, queries, rules
from okr.rhythm.forms_meetings import BlockForm, StandupNoteForm, optional_id
from okr.rhythm.views import bp


def optional_feature(module: str, name: str):
    """HOOK for features that may be absent from a build (KPIs, budgets): the function
    ``module.name`` when that module exists, else None, so a page shows nothing for it."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(found, name, None)


def _day_or_404(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _members(team_id: int) -> list[tuple[int, str]]:
    return [
        (uid, name)
        for uid, name in db().exec(
            select(m.User.id, m.User.name)
            .join(m.Membership, m.Membership.user_id == m.User.id)
            .where(m.Membership.team_id == team_id, m.User.is_archived.is_(False))
            .order_by(m.User.name)
        )
    ]


def _standup(team, day: date) -> dict:
    session = db()
    this_week = periods.week_of(day)
    week, last_week = str(this_week), str(this_week.prev())
    people = _members(team.id)
    tasks = queries.standup_tasks(session, [uid for uid, _n in people], day, week)
    notes = queries.standup_notes(session, team.id, day)
    rows = []
    for uid, name in people:
        buckets = {"finished": [], "doing": [], "blocked": []}
        for t in tasks:
            if t.assignee_id == uid and (b := rules.standup_bucket(t, day, week, last_week)):
                buckets[b].append(t)
        rows.append({"id": uid, "name": name, "note": notes.get(uid), **buckets})
    # HOOK (KPI feature): alerts opened since the previous working day; nothing when absent.
    alerts_since = optional_feature("okr.kpi.queries", "alerts_opened_since")
    alerts = alerts_since(session, team_ids=[team.id], since=rules.previous_working_day(day)) if alerts_since else []
    me = actor()
    return {
        "team": team,
        "day": day,
        "previous": rules.previous_working_day(day),
        "people": rows,
        "alerts": alerts,
        "me": me.user_id,
        "may_edit": {t.id for t in tasks if can_edit_task(me, t, team)},
        "prev_day": rules.previous_working_day(day),
        "next_day": day.fromordinal(day.toordinal() + (3 if day.weekday() == 4 else 1)),
    }


def standup_markdown(ctx: dict) -> str:
    md = rules.md
    lines = [f"# {_('Stand-up')}: {md(ctx['team'].name)} · {ctx['day'].isoformat()}", ""]
    for p in ctx["people"]:
        lines += [f"## {md(p['name'])}", ""]
        if p["note"] and p["note"].note:
            lines += [f"> {md(p['note'].note)}", ""]
        for key, title in (
            ("finished", _("Finished %(day)s", day=ctx["previous"].isoformat())),
            ("doing", _("Doing today")),
            ("blocked", _("Blocked")),
        ):
            lines.append(f"**{title}**")
            lines.append("")
            for t in p[key]:
                why = f" — {md(t.blocked_reason)}" if key == "blocked" and t.blocked_reason else ""
                lines.append(f"- {md(t.title)}{why}")
            if not p[key]:
                lines.append(f"- {_('nothing')}")
            lines.append("")
    return "\n".join(lines)


@bp.get("/teams/<slug>/standup", defaults={"day": None})
@bp.get("/teams/<slug>/standup/<day>")
@login_required
def standup(slug, day):
    team = team_or_404(slug)
    ctx = _standup(team, _day_or_404(day))
    if request.args.get("format") == "md":
        resp = make_response(standup_markdown(ctx))
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        resp.headers["Content-Disposition"] = f'inline; filename="standup-{team.slug}-{ctx["day"]}.md"'
        return resp
    if wants_json():
        return jsonify(
            {
                "team": team.slug,
                "day": ctx["day"].isoformat(),
                "previous_working_day": ctx["previous"].isoformat(),
                "people": [
                    {
                        "id": p["id"],
                        "name": p["name"],
                        "note": p["note"].note if p["note"] else "",
                        **{k: [{"id": t.id, "title": t.title} for t in p[k]] for k in ("finished", "doing")},
                        "blocked": [{"id": t.id, "title": t.title, "reason": t.blocked_reason} for t in p["blocked"]],
                    }
                    for p in ctx["people"]
                ],
            }
        )
    return render("rhythm/standup.html", block="standup_people", **ctx)


@bp.post("/teams/<slug>/standup/<day>/note")
@login_required
@accepts(StandupNoteForm, json_fields={"note": "text", "version": "int"})
def standup_note(slug, day):
    """A person writes their own note on the stand-up of a team they work in (a viewer does
    not), or of a team they plan (a manager of a team above it)."""
    team = team_or_404(slug)
    the_day = _day_or_404(day)
    me = actor()
    if me.roles.get(team.id) not in WRITE_ROLES and not can_plan(me, team):
        abort(403)
    form = StandupNoteForm(formdata=form_data())
    if not form.validate():
        return json_error(_("Some values need fixing."), 422, form.errors)
    existing = queries.standup_notes(db(), team.id, the_day).get(me.user_id)
    try:
        ops.set_standup_note(
            session=db(), actor_id=me.user_id, org_id=me.org_id, team_id=team.id, user_id=me.user_id, day=the_day,
            note=form.note.data or "", existing=existing,
            expected_version=optional_id(form.version.data),
        )  # fmt: skip
        db().commit()
    except StaleEdit:
        db().rollback()
        return json_error(_("Someone else changed this in the meantime."), 409)
    return _back(team, the_day)


def _back(team, day: date):
    if is_htmx():
        return render("rhythm/standup.html", block="standup_people", **_standup(team, day))
    if wants_json() or request.is_json:
        return jsonify({"ok": True})
    return redirect(url_for("rhythm.standup", slug=team.slug, day=day.isoformat()), 303)


def _task_write(task_id: int):
    task, team = item_or_404(m.Task, task_id)
    if not can_edit_task(actor(), task, team):
        abort(403)
    return task, team


def _return_to(team) -> tuple:
    """Back to the stand-up the form was on (``team`` and ``day`` fields), else the task's team's."""
    slug = request.form.get("team") or team.slug
    back_team = team_or_404(slug)
    return back_team, _day_or_404(request.form.get("day") or date.today().isoformat())


@bp.post("/tasks/<int:task_id>/block")
@login_required
@accepts(BlockForm, json_fields={"reason": "text", "version": "int"})
def task_block(task_id):
    task, team = _task_write(task_id)
    form = BlockForm(formdata=form_data())
    if not form.validate():
        return json_error(_("Some values need fixing."), 422, form.errors)
    me = actor()
    try:
        ops.flag_blocked(session=db(), actor_id=me.user_id, org_id=me.org_id, task=task,
                         reason=form.reason.data, expected_version=int(form.version.data))  # fmt: skip
        db().commit()
    except StaleEdit:
        db().rollback()
        return json_error(_("Someone else changed this task in the meantime: reload and try again."), 409)
    return _back(*_return_to(team))


@bp.post("/tasks/<int:task_id>/unblock")
@login_required
@accepts(VersionForm, json_fields={"version": "int"})
def task_unblock(task_id):
    task, team = _task_write(task_id)
    form = VersionForm(formdata=form_data())
    if not form.validate():
        return json_error(_("Some values need fixing."), 422, form.errors)
    me = actor()
    try:
        ops.unflag_blocked(session=db(), actor_id=me.user_id, org_id=me.org_id, task=task,
                           expected_version=int(form.version.data))  # fmt: skip
        db().commit()
    except StaleEdit:
        db().rollback()
        return json_error(_("Someone else changed this task in the meantime: reload and try again."), 409)
    return _back(*_return_to(team))
