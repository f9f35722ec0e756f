"""The plan pages: a team's year, quarter and month plans, their items (goals, objectives, key
results, projects) added, edited, moved, archived and restored in place. The key result page is
okr.plans.views_kr, copy forward okr.plans.views_copy: routes of this same blueprint.

Every write goes through okr.plans.ops and commits once here. An htmx request gets the changed
fragment back; a plain form post is redirected to the page (PRG); bad input is the form again
with 422; a stale version is a 409 that keeps what the person typed and shows what is stored.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.core.permissions import can_check_in, can_plan
from okr.core.queries import team_members
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
from okr.core.web.forms import form_data
from okr.plans import forms, queries
from okr.plans import ops as planning
from okr.rollup import formulas as pace_rules

bp = Blueprint("plans", __name__)


KINDS = ("goal", "objective", "kr", "project")
MODELS = {"goal": m.AnnualGoal, "objective": m.Objective, "kr": m.KeyResult, "project": m.Project}
FORMS = {
    "goal": forms.GoalForm,
    "objective": forms.ObjectiveForm,
    "kr": forms.KeyResultForm,
    "project": forms.ProjectForm,
}
FIELDS = {
    "goal": ("title", "description", "weight", "owner_id", "parent_goal_id", "starts_on"),
    "objective": ("title", "description", "kind", "goal_id", "owner_id", "weight", "starts_on"),
    "kr": (
        "title",
        "description",
        "kind",
        "start",
        "target",
        "unit",
        "weight",
        "owner_id",
        "progress_from",
        "starts_on",
    ),
    "project": ("title", "description", "month", "key_result_id", "owner_id", "starts_on", "due_on", "status"),
}
JSON_FIELDS = {
    "title": "str",
    "description": "str",
    "weight": "quantity",
    "owner_id": "int",
    "parent_goal_id": "int",
    "kind": "str",
    "goal_id": "int",
    "start": "quantity",
    "target": "quantity",
    "unit": "str",
    "progress_from": "str",
    "month": "str",
    "key_result_id": "int",
    "starts_on": "date",
    "due_on": "date",
    "status": "str",
    "version": "int",
}


# --- helpers --------------------------------------------------------------------------------


@bp.app_template_filter("qty")
def qty_filter(value) -> str:
    """A stored quantity as people write it: 30, 1300, 0.45 (never 3E+1)."""
    if value is None:
        return ""
    try:
        d = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
    text = format(d.normalize(), "f")
    return text


def _fys() -> int:
    return current_app.config["FISCAL_YEAR_START"]


def _period(text: str):
    try:
        p = periods.parse(text, _fys())
    except (periods.PeriodError, TypeError):
        abort(404)
    if p.kind == "week":
        abort(404)
    return p


def _id(value) -> int | None:
    """A row id from a form field, or None: never an integer the database cannot hold."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None  # ids are INTEGER: PostgreSQL refuses more


def _require_plan(team):
    if not can_plan(actor(), team):
        abort(403)


def _show_archived() -> bool:
    return (request.values.get("archived") or "") in ("1", "true", "y")


def _view_of(kind: str, item) -> tuple[str, str]:
    """The page an item lives on: (period text, page kind) used to reload its plan."""
    if kind == "goal":
        return str(item.year), "year"
    if kind == "objective":
        return item.quarter, "quarter"
    if kind == "kr":
        return db().get(m.Objective, item.objective_id).quarter, "quarter"
    where = request.values.get("view")
    if where == "quarter":
        return str(periods.parse(item.month).fiscal_quarter(_fys())), "quarter"
    return item.month, "month"


def _load(team, period, show_archived=False):
    session = db()
    if period.kind == "year":
        return queries.load_year(session, team, period, include_archived=show_archived)
    if period.kind == "quarter":
        return queries.load_quarter(session, team, period, include_archived=show_archived)
    return queries.load_month(session, team, period, fiscal_start=_fys(), include_archived=show_archived)


def _context(team, period, show_archived=False, **extra):
    me = actor()
    plan = _load(team, period, show_archived)
    ctx = dict(
        team=team,
        period=period,
        plan=plan,
        can_edit=can_plan(me, team),
        show_archived=show_archived,
        nav=_nav(team, period),
        teams=org_teams(),
    )
    ctx["check_in_ids"] = _check_in_ids(me, team, plan)
    ctx.update(extra)
    return ctx


def _check_in_ids(me, team, plan) -> set[int]:
    """The key results of a quarter plan the signed-in person may check in on (its managers on
    all; a member where they are R or A): the template shows "Check in" on these only."""
    if not isinstance(plan, queries.QuarterPlan):
        return set()
    ids = {k.id for krs in plan.krs.values() for k in krs}
    if can_plan(me, team):
        return ids
    letters = {
        kr_id: letter
        for (kind, kr_id), held in plan.raci.items()
        if kind == "kr"
        for letter, user_id in held
        if user_id == me.user_id
    }
    return {i for i in ids if can_check_in(me, team, letters.get(i))}


def _nav(team, period):
    def link(p):
        return {"text": str(p), "url": url_for("plans.plan", slug=team.slug, period=str(p))}

    nav = {"prev": None, "next": None, "up": None, "down": []}
    try:
        nav["prev"] = link(period.prev())
    except periods.PeriodError:
        pass
    try:
        nav["next"] = link(period.next())
    except periods.PeriodError:
        pass
    if period.kind == "year":
        nav["down"] = [link(q) for q in period.quarters()]
    elif period.kind == "quarter":
        nav["up"] = link(period.fiscal_year())
        nav["down"] = [link(x) for x in period.months()]
    else:
        q = period.fiscal_quarter(_fys())
        nav["up"] = link(q)
        nav["year"] = link(q.fiscal_year())
    return nav


def _goal_lookup(team):
    def lookup(goal_id):
        goal_id = _id(goal_id)
        goal = db().get(m.AnnualGoal, goal_id) if goal_id else None
        if goal is None:
            return None
        owner = db().get(m.Team, goal.team_id)
        return goal if owner is not None and owner.org_id == team.org_id else None

    return lookup


def _make_form(kind, team, period_or_item_ctx, members, *, formdata=None, obj=None, data=None, item=None):
    """A form of ``kind`` with what it checks against, for the period the item lives in; ``item``
    is the stored row when editing (its weight may stay 0, see forms.PlanItemForm)."""
    session = db()
    owner_id = getattr(item, "owner_id", None)
    owner = session.get(m.User, owner_id) if owner_id is not None else None
    kw = dict(
        members=members,
        formdata=formdata,
        obj=obj,
        data=data,
        stored_weight=getattr(item, "weight", None),
        stored_owner=(owner.id, owner.name) if owner is not None and owner.org_id == team.org_id else None,
    )
    p = period_or_item_ctx
    if kind == "goal":
        parents = []
        if team.parent_id is not None:
            parents = session.exec(
                select(m.AnnualGoal).where(
                    m.AnnualGoal.team_id == team.parent_id,
                    m.AnnualGoal.year == p.year,
                    m.AnnualGoal.is_archived == False,  # noqa: E712
                )
            ).all()
        return forms.GoalForm(parent_goals=parents, year=p.year, span=p, **kw)
    if kind == "objective":
        goals = queries._goal_choices(session, team, p.fiscal_year().year)
        return forms.ObjectiveForm(goals=goals, quarter=p, lookup_goal=_goal_lookup(team), span=p, **kw)
    if kind == "kr":
        return forms.KeyResultForm(span=p, **kw)
    quarter = p if p.kind == "quarter" else p.fiscal_quarter(_fys())
    krs = session.exec(
        select(m.KeyResult)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .where(
            m.Objective.team_id == team.id,
            m.Objective.quarter == str(quarter),
            m.Objective.is_archived == False,
            m.KeyResult.is_archived == False,
        )  # noqa: E712
        .order_by(m.Objective.position, m.KeyResult.position, m.KeyResult.id)
    ).all()
    months = list(quarter.months()) if p.kind == "quarter" else [p]
    return forms.ProjectForm(krs=krs, months=months, **kw)


def _values_from(kind, form) -> dict:
    vals = {}
    for name in FIELDS[kind]:
        if name == "month":
            continue
        vals[name] = getattr(form, name).data
    if kind == "project":
        vals["month"] = form.month.data
    return vals


def _form_response(kind, form, *, team, period, item=None, status=422, conflict=None, parent=None):
    """The form again, with a message by each field: a fragment for htmx, else a page."""
    if wants_json() or request.is_json:
        fields = dict(form.errors.items())
        msg = _("Someone else changed this in the meantime.") if status == 409 else _("Some values need fixing.")
        resp = json_error(msg, status, fields)
        if conflict:
            resp = make_response(json.dumps({"error": msg, "fields": fields, "current": conflict}, default=str), status)
            resp.mimetype = "application/json"
        return resp
    ctx = _form_ctx(kind, form, team=team, period=period, item=item, parent=parent)
    ctx["conflict"] = conflict
    if is_htmx():
        resp = make_response(render_template("plans/_form.html", **ctx), status)
        resp.headers["HX-Retarget"] = "#" + ctx["form_id"]
        resp.headers["HX-Reswap"] = "outerHTML"
    else:
        resp = make_response(render_template("plans/form_page.html", **ctx), status)
    resp.headers["Vary"] = "HX-Request"
    return resp


def _form_ctx(kind, form, *, team, period, item=None, parent=None):
    if item is not None:
        action = url_for("plans.item_update", kind=kind, item_id=item.id)
        form_id = f"{kind}-{item.id}"
        target = f"#{form_id}"
        cancel = url_for("plans.item_show", kind=kind, item_id=item.id, view=request.values.get("view") or None)
    else:
        action = url_for("plans.item_create", slug=team.slug, period=str(period), kind=kind)
        suffix = f"-{parent}" if parent else ""
        form_id = f"new-{kind}{suffix}"
        target = "#" + _list_id(kind, period, parent)
        cancel = None
    return dict(
        kind=kind,
        form=form,
        team=team,
        period=period,
        item=item,
        action=action,
        form_id=form_id,
        hx_target=target,
        cancel_url=cancel,
        page_url=url_for("plans.plan", slug=team.slug, period=str(period)),
        parent=parent,
        view=request.values.get("view") or period.kind,
    )


def _list_id(kind, period, parent=None) -> str:
    if kind == "goal":
        return "goals"
    if kind == "objective":
        return "objectives"
    if kind == "kr":
        return f"krs-{parent}"
    if period.kind == "quarter" and parent:
        return f"projects-kr-{parent}"
    return "projects"


def _fragment(template, status=200, **ctx):
    resp = make_response(render_template(template, **ctx), status)
    resp.headers["Vary"] = "HX-Request"
    return resp


def _list_fragment(kind, team, period, parent=None, notice=None):
    """The list an item sits in, reloaded (after a create, a move, an archive or a restore)."""
    ctx = _context(team, period, _show_archived(), notice=notice)
    if kind == "goal":
        return _fragment("plans/_goals.html", **ctx)
    if kind == "objective":
        return _fragment("plans/_objectives.html", **ctx)
    if kind == "kr":
        obj = db().get(m.Objective, parent)
        return _fragment("plans/_krs.html", obj=obj, **ctx)
    if period.kind == "quarter" and parent:
        kr = db().get(m.KeyResult, parent)
        return _fragment("plans/_kr_projects.html", kr=kr, **ctx)
    return _fragment("plans/_month_projects.html", **ctx)


def _item_fragment(kind, item, team, status=200):
    period_text, _page = _view_of(kind, item)
    period = _period(period_text)
    ctx = _context(team, period, _show_archived())
    template = {
        "goal": "plans/_goal.html",
        "objective": "plans/_objective_head.html",
        "kr": "plans/_kr.html",
        "project": "plans/_project.html",
    }[kind]
    ctx["view"] = request.values.get("view") or period.kind
    return _fragment(template, status=status, item=item, **ctx)


def _parent_of(kind, item) -> int | None:
    if kind == "kr":
        return item.objective_id
    if kind == "project" and request.values.get("view") == "quarter":
        return item.key_result_id
    return None


def _snapshot(kind, item) -> dict:
    """What is stored now, by field label, to show beside the person's typed values on a 409."""
    out = {}
    for name in FIELDS[kind]:
        value = getattr(item, name, None)
        out[name] = "" if value is None else (format(value, "f") if isinstance(value, Decimal) else str(value))
    out["version"] = str(item.version)
    return out


def _done(kind, item, team, *, period=None, list_parent=None, created=False, notice=None):
    """After a successful write: the fragment for htmx, JSON for the API, else a redirect."""
    db().commit()
    if wants_json() or request.is_json:
        return {"id": item.id, "version": item.version, "kind": kind}, 201 if created else 200
    if period is None:
        period_text, _page = _view_of(kind, item)
        period = _period(period_text)
    if not is_htmx():
        return redirect(url_for("plans.plan", slug=team.slug, period=str(period)) + f"#{kind}-{item.id}", 303)
    if created or notice is not None:
        if notice:
            notice = {**notice, "list_id": _list_id(kind, period, list_parent)}
        return _list_fragment(kind, team, period, list_parent, notice=notice)
    return _item_fragment(kind, item, team)


# --- pages ----------------------------------------------------------------------------------


@bp.get("/teams/<slug>/plan")
@login_required
def current(slug):
    team = team_or_404(slug)
    return redirect(url_for("plans.plan", slug=team.slug, period=str(periods.quarter_of(date.today(), _fys()))))


@bp.get("/teams/<slug>/plan/<period>")
@login_required
def plan(slug, period):
    team = team_or_404(slug)
    p = _period(period)
    ctx = _context(team, p, _show_archived())
    return render("plans/plan.html", block="plan_body", **ctx)


@bp.get("/items/<any(goal,objective,kr,project):kind>/<item_id>")
@login_required
def item_show(kind, item_id):
    item, team = item_or_404(MODELS[kind], item_id)
    if not is_htmx():
        period_text, _page = _view_of(kind, item)
        return redirect(url_for("plans.plan", slug=team.slug, period=period_text) + f"#{kind}-{item.id}")
    return _item_fragment(kind, item, team)


@bp.get("/teams/<slug>/plan/<period>/new/<any(goal,objective,kr,project):kind>")
@login_required
def item_new(slug, period, kind):
    team = team_or_404(slug)
    _require_plan(team)
    p = _period(period)
    parent = _id(request.args.get("parent"))
    data = {}
    if kind == "kr":
        data["objective_id"] = parent
    if kind == "project" and parent:
        data["key_result_id"] = parent
    form = _make_form(kind, team, p, team_members(db(), team), data=data or None)
    ctx = _form_ctx(kind, form, team=team, period=p, parent=parent)
    if kind == "project" and parent and p.kind == "quarter":
        ctx["preset_kr"] = parent  # added under its key result: the project moves that one
    if is_htmx():
        return _fragment("plans/_form.html", **ctx)
    return _fragment("plans/form_page.html", **ctx)


@bp.post("/teams/<slug>/plan/<period>/items/<any(goal,objective,kr,project):kind>")
@login_required
@accepts(forms.PlanItemForm, json_fields={**JSON_FIELDS, "parent": "int"})
def item_create(slug, period, kind):
    team = team_or_404(slug)
    _require_plan(team)
    p = _period(period)
    session, me = db(), actor()
    parent = None
    extra = {}
    if kind == "goal":
        if p.kind != "year":
            abort(404)
        extra = {"team_id": team.id, "year": p.year}
    elif kind == "objective":
        if p.kind != "quarter":
            abort(404)
        extra = {"team_id": team.id, "quarter": str(p)}
    elif kind == "kr":
        parent = _id(form_data().get("parent"))
        obj = session.get(m.Objective, parent) if parent else None
        if obj is None or obj.team_id != team.id:
            abort(404)
        p = _period(obj.quarter)
        extra = {"objective_id": obj.id}
    else:
        if p.kind == "year":
            abort(404)
        parent = _id(form_data().get("parent")) if p.kind == "quarter" else None
        extra = {"team_id": team.id}
    members = team_members(session, team)
    form = _make_form(kind, team, p, members, formdata=form_data())
    if not form.validate():
        return _form_response(kind, form, team=team, period=p, parent=parent)
    values = _values_from(kind, form)
    values.update(extra)
    if kind != "project" and values.get("starts_on") is None:
        # Added after its period began: its pace counts from today, not from a start it missed.
        values["starts_on"] = pace_rules.counts_from(p.start, p.end, date.today())
    values["position"] = _next_position(kind, values)
    try:
        item = planning.create(session=session, actor_id=me.user_id, org_id=me.org_id, model=MODELS[kind], **values)
    except planning.PlanningError as e:
        session.rollback()
        form.title.errors = list(form.title.errors) + [str(e)]
        return _form_response(kind, form, team=team, period=p, parent=parent)
    if kind == "project" and p.kind == "quarter":
        parent = item.key_result_id
    return _done(kind, item, team, period=p, list_parent=parent, created=True)


def _siblings_query(kind, item_or_values):
    v = (
        item_or_values
        if isinstance(item_or_values, dict)
        else {c: getattr(item_or_values, c, None) for c in ("team_id", "year", "quarter", "objective_id", "month")}
    )
    model = MODELS[kind]
    if kind == "goal":
        cond = [model.team_id == v["team_id"], model.year == v["year"]]
    elif kind == "objective":
        cond = [model.team_id == v["team_id"], model.quarter == v["quarter"]]
    elif kind == "kr":
        cond = [model.objective_id == v["objective_id"]]
    else:
        cond = [model.team_id == v["team_id"], model.month == v["month"]]
    return select(model).where(*cond, model.is_archived == False).order_by(model.position, model.id)  # noqa: E712


def _next_position(kind, values) -> int:
    rows = db().exec(_siblings_query(kind, values)).all()
    return (max((r.position for r in rows), default=-1)) + 1


@bp.get("/items/<any(goal,objective,kr,project):kind>/<item_id>/edit")
@login_required
def item_edit(kind, item_id):
    item, team = item_or_404(MODELS[kind], item_id)
    _require_plan(team)
    period_text, _page = _view_of(kind, item)
    p = _period(period_text)
    form = _make_form(kind, team, _form_period(kind, item, p), team_members(db(), team), obj=item, item=item)
    form.version.data = str(item.version)
    if kind == "project":
        form.month.data = item.month
    ctx = _form_ctx(kind, form, team=team, period=p, item=item)
    if is_htmx():
        return _fragment("plans/_form.html", **ctx)
    return _fragment("plans/form_page.html", **ctx)


def _form_period(kind, item, p):
    if kind == "project":
        return periods.parse(item.month).fiscal_quarter(_fys()) if p.kind == "quarter" else periods.parse(item.month)
    return p


@bp.post("/items/<any(goal,objective,kr,project):kind>/<item_id>")
@login_required
@accepts(forms.PlanItemForm, json_fields=JSON_FIELDS)
def item_update(kind, item_id):
    item, team = item_or_404(MODELS[kind], item_id)
    _require_plan(team)
    session, me = db(), actor()
    period_text, _page = _view_of(kind, item)
    p = _period(period_text)
    form = _make_form(
        kind, team, _form_period(kind, item, p), team_members(session, team), formdata=form_data(), item=item
    )
    if not form.validate():
        return _form_response(kind, form, team=team, period=p, item=item)
    expected = form.version_number
    if expected is None or expected != item.version:
        return _form_response(kind, form, team=team, period=p, item=item, status=409, conflict=_snapshot(kind, item))
    values = _values_from(kind, form)
    try:
        planning.update(
            session=session, actor_id=me.user_id, org_id=me.org_id, item=item, expected_version=expected, **values
        )
    except planning.StaleEdit:
        session.rollback()
        item = session.get(MODELS[kind], item.id)
        return _form_response(kind, form, team=team, period=p, item=item, status=409, conflict=_snapshot(kind, item))
    except planning.PlanningError as e:
        session.rollback()
        form.title.errors = list(form.title.errors) + [str(e)]
        return _form_response(kind, form, team=team, period=p, item=item)
    return _done(kind, item, team)


def _simple_write(kind, item_id, op):
    """Archive, restore: carry the row's version; a stale or missing one is a 409."""
    item, team = item_or_404(MODELS[kind], item_id)
    _require_plan(team)
    session, me = db(), actor()
    form = forms.ArchiveForm(formdata=form_data())
    if not form.validate():
        abort(400)
    expected = _int(form.version.data)
    if expected is None or expected != item.version:  # no version: nobody can tell it is current
        return _stale(kind, item, team)
    try:
        op(session=session, actor_id=me.user_id, org_id=me.org_id, item=item, expected_version=expected)
    except planning.StaleEdit:
        session.rollback()
        return _stale(kind, session.get(MODELS[kind], item.id), team)
    label = (
        _("Archived “%(title)s”.", title=item.title)
        if item.is_archived
        else _("Restored “%(title)s”.", title=item.title)
    )
    return _done(
        kind, item, team, list_parent=_parent_of(kind, item), notice={"text": label, "kind": kind, "item": item}
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _stale(kind, item, team):
    msg = _("Someone else changed this in the meantime.")
    if wants_json() or request.is_json:
        return json_error(msg, 409, {"version": [str(item.version)]})
    period_text, _page = _view_of(kind, item)
    body = render_template(
        "plans/_stale.html",
        message=msg,
        item=item,
        kind=kind,
        page_url=url_for("plans.plan", slug=team.slug, period=period_text),
    )
    if not is_htmx():
        body = render_template(
            "plans/stale_page.html",
            message=msg,
            item=item,
            kind=kind,
            page_url=url_for("plans.plan", slug=team.slug, period=period_text),
        )
    resp = make_response(body, 409)
    resp.headers["Vary"] = "HX-Request"
    return resp


@bp.post("/items/<any(goal,objective,kr,project):kind>/<item_id>/archive")
@login_required
@accepts(forms.ArchiveForm, json_fields={"version": "int"})
def item_archive(kind, item_id):
    return _simple_write(kind, item_id, planning.archive)


@bp.post("/items/<any(goal,objective,kr,project):kind>/<item_id>/restore")
@login_required
@accepts(forms.ArchiveForm, json_fields={"version": "int"})
def item_restore(kind, item_id):
    return _simple_write(kind, item_id, planning.restore)


@bp.post("/items/<any(goal,objective,kr,project):kind>/<item_id>/move")
@login_required
@accepts(forms.MoveForm, json_fields={"direction": "str", "version": "int"})
def item_move(kind, item_id):
    """Move an item one place up or down among its siblings (keyboard-reachable buttons)."""
    item, team = item_or_404(MODELS[kind], item_id)
    _require_plan(team)
    session, me = db(), actor()
    form = forms.MoveForm(formdata=form_data())
    if not form.validate():
        return json_error(_("Choose up or down."), 422, form.errors) if wants_json() else abort(422)
    expected = _int(form.version.data)
    if expected is None or expected != item.version:  # no version: nobody can tell it is current
        return _stale(kind, item, team)
    siblings = list(session.exec(_siblings_query(kind, item)).all())
    ids = [s.id for s in siblings]
    if item.id in ids:
        i = ids.index(item.id)
        j = i - 1 if form.direction.data == "up" else i + 1
        if 0 <= j < len(siblings):
            siblings[i], siblings[j] = siblings[j], siblings[i]
        try:
            for pos, row in enumerate(siblings):
                if row.position != pos:
                    planning.update(
                        session=session,
                        actor_id=me.user_id,
                        org_id=me.org_id,
                        item=row,
                        expected_version=expected if row.id == item.id else None,
                        position=pos,
                    )
        except planning.StaleEdit:
            session.rollback()
            return _stale(kind, session.get(MODELS[kind], item.id), team)
    return _done(kind, item, team, list_parent=_parent_of(kind, item), notice={})


# The key result page (check-ins, chart) and copy forward are routes of this blueprint kept in
# modules of their own; importing them here, once everything above is defined, registers them.
from okr.plans import views_copy, views_kr  # noqa: E402, F401
