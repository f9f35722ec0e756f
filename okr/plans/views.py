"""The plan pages: a team's year, quarter and month plans edited in place, the key result page
with its check-in history, copy forward, and plan documents (download, upload with a preview).

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
from okr.raci import ops as raci_ops
from okr.raci.queries import kr_letter

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
    "goal": ("title", "description", "weight", "owner_id", "parent_goal_id"),
    "objective": ("title", "description", "kind", "goal_id", "owner_id", "weight"),
    "kr": ("title", "description", "kind", "start", "target", "unit", "weight", "owner_id", "progress_from"),
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


def _kr_quarter(kr: m.KeyResult) -> tuple[m.Objective, periods.Quarter]:
    obj = db().get(m.Objective, kr.objective_id)
    return obj, periods.parse(obj.quarter, _fys())


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
        return forms.GoalForm(parent_goals=parents, year=p.year, **kw)
    if kind == "objective":
        goals = queries._goal_choices(session, team, p.fiscal_year().year)
        return forms.ObjectiveForm(goals=goals, quarter=p, lookup_goal=_goal_lookup(team), **kw)
    if kind == "kr":
        return forms.KeyResultForm(**kw)
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


# --- key results: the page, check-ins ------------------------------------------------------------


_UNKNOWN = object()  # the reader's RACI letter, not looked up yet


def _kr_context(kr, team, form=None, status_note=None, letter=_UNKNOWN, block=None):
    """The key result page; with ``block="history"`` for htmx, only what that block shows."""
    session = db()
    page = queries.load_kr(session, kr, history_only=block == "history" and is_htmx())
    me = actor()
    if letter is _UNKNOWN:
        letter = kr_letter(session, kr.id, me.user_id)
    quarter = periods.parse(page.objective.quarter, _fys())
    chart = kr_chart(kr, page.check_ins, quarter)
    return dict(
        team=team,
        kr=kr,
        page=page,
        quarter=quarter,
        chart=chart,
        letter=letter,
        can_check_in=can_check_in(me, team, letter),
        can_edit=can_plan(me, team),
        form=form or _blank_check_in(kr),
        progress=_progress(kr),
        status_note=status_note,
    )


def _progress(kr):
    from okr.rollup import rules as rollup

    try:
        return rollup.kr_progress(kr.start, kr.target, kr.current, kind=kr.kind, done=kr.is_done)
    except (ValueError, TypeError):
        return None


def _blank_check_in(kr):
    form = forms.CheckInForm(formdata=None, kind=kr.kind)
    form.version.data = str(kr.version)
    form.checked_on.data = date.today()
    return form


@bp.get("/key-results/<kr_id>")
@login_required
def kr(kr_id):
    item, team = item_or_404(m.KeyResult, kr_id)
    return render("plans/kr.html", block="history", **_kr_context(item, team, block="history"))


@bp.get("/key-results/<kr_id>/check-in")
@login_required
def check_in_form(kr_id):
    item, team = item_or_404(m.KeyResult, kr_id)
    letter = kr_letter(db(), item.id, actor().user_id)
    if not can_check_in(actor(), team, letter):
        abort(403)
    ctx = dict(kr=item, team=team, form=_blank_check_in(item), return_to=request.args.get("return_to", "row"))
    if is_htmx():
        return _fragment("plans/_check_in_form.html", **ctx)
    return render("plans/kr.html", **_kr_context(item, team))


@bp.post("/key-results/<kr_id>/check-ins")
@login_required
@accepts(
    forms.CheckInForm,
    json_fields={
        "value": "quantity",
        "done": "bool",
        "confidence": "str",
        "note": "str",
        "checked_on": "date",
        "version": "int",
        "return_to": "str",
    },
)
def check_in(kr_id):
    item, team = item_or_404(m.KeyResult, kr_id)
    session, me = db(), actor()
    letter = kr_letter(session, item.id, me.user_id)
    if not can_check_in(me, team, letter):
        abort(403)
    data = form_data()
    return_to = data.get("return_to") if data.get("return_to") in ("row", "history") else "history"
    form = forms.CheckInForm(formdata=data, kind=item.kind)
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        if is_htmx():
            resp = _fragment(
                "plans/_check_in_form.html", status=422, kr=item, team=team, form=form, return_to=return_to
            )
            resp.headers["HX-Retarget"] = f"#check-in-{item.id}"
            resp.headers["HX-Reswap"] = "outerHTML"
            return resp
        return render("plans/kr.html", status=422, **_kr_context(item, team, form=form))
    planning.check_in(
        session=session,
        actor_id=me.user_id,
        org_id=me.org_id,
        kr=item,
        value=form.value.data,
        confidence=form.confidence_value,
        note=form.note.data or "",
        checked_on=form.checked_on.data or date.today(),
    )
    if item.kind == "milestone" and item.is_done != bool(form.done.data):
        planning.update(
            session=session,
            actor_id=me.user_id,
            org_id=me.org_id,
            item=item,
            expected_version=None,
            is_done=bool(form.done.data),
        )
    session.commit()
    if wants_json() or request.is_json:
        return {"id": item.id, "current": format(item.current, "f"), "version": item.version}, 201
    if not is_htmx():
        return redirect(url_for("plans.kr", kr_id=item.id), 303)
    if return_to == "row":
        return _item_fragment("kr", item, team)
    return render(
        "plans/kr.html",
        block="history",
        **_kr_context(item, team, status_note=_("Check-in saved."), letter=letter, block="history"),
    )


# --- copy forward ---------------------------------------------------------------------------------
# What a copy carries is written down in docs/planning.md: an unfinished key result starts the
# new quarter where the old one stands (start = its current value, same target), with the
# same owner, weight and RACI letters; its check-ins stay with the original. An item with a
# live copy in the target period is shown as copied (with a link) and not offered again.


def _kr_progress(kr, plan):
    """A key result's progress as the quarter plan knows it: from its projects when it says so
    (the plain mean of its live projects' progress), else from its current value."""
    if kr.progress_from == "projects":
        from okr.rollup import rules as rollup

        shown = [
            plan.progress.get(p.id) for p in plan.projects.get(kr.id, []) if not p.is_archived and p.status != "dropped"
        ]
        return rollup.kr_progress_from_projects(pr.value for pr in shown if pr is not None)
    return _progress(kr)


def _unfinished_objectives(plan):
    out = []
    for obj in plan.objectives:
        if obj.is_archived:
            continue
        krs = [k for k in plan.krs.get(obj.id, []) if not k.is_archived]
        if not krs or any((_kr_progress(k, plan) or 0) < 1 for k in krs):
            out.append(obj)
    return out


@bp.get("/teams/<slug>/plan/<period>/copy")
@login_required
def copy_form(slug, period):
    team = team_or_404(slug)
    _require_plan(team)
    p = _period(period)
    return render("plans/copy.html", block="copy_panel", **_copy_ctx(team, p))


def _copy_ctx(team, p, formdata=None, copied=None):
    plan = _load(team, p)
    target = p.next()
    if p.kind == "quarter":
        candidates = _unfinished_objectives(plan)
    elif p.kind == "month":
        candidates = [x for x in plan.projects if x.status not in ("done", "dropped") and not x.is_archived]
    else:
        abort(404)
    # The plan already knows each item's live copies (queries.copy_links): those in the target.
    kind = "objective" if p.kind == "quarter" else "project"
    copies = {}
    for c in candidates:
        found = [link for link in plan.copied_to.get((kind, c.id), []) if link.period == str(target)]
        if found:
            copies[c.id] = found[0]
    offered = [c for c in candidates if c.id not in copies]
    already = [(c, copies[c.id]) for c in candidates if c.id in copies]
    form = forms.CopyForwardForm(
        formdata=formdata,
        allowed=[c.id for c in offered],
        already={c.id: c.title for c, _copy in already},
        target=str(target),
    )
    return dict(
        team=team,
        period=p,
        target=target,
        candidates=offered,
        already=already,
        plan=plan,
        anchor="objective" if p.kind == "quarter" else "project",
        form=form,
        copied=copied,
    )


@bp.post("/teams/<slug>/plan/<period>/copy")
@login_required
@accepts(forms.CopyForwardForm, json_fields={"ids": "list[int]"})
def copy_forward(slug, period):
    team = team_or_404(slug)
    _require_plan(team)
    p = _period(period)
    ctx = _copy_ctx(team, p, formdata=form_data())
    form = ctx["form"]
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        return render("plans/copy.html", block="copy_panel", status=422, **ctx)
    session, me = db(), actor()
    wanted = set(form.ids.data)
    chosen = [c for c in ctx["candidates"] if c.id in wanted]
    target = ctx["target"]
    copies = []
    if p.kind == "quarter":
        for obj in chosen:
            copies.append(_copy_objective(session, me, obj, ctx["plan"], target))
    else:
        kr_copies = queries.kr_copies(session, team, target.fiscal_quarter(_fys()))
        for proj in chosen:
            copies.append(_copy_project(session, me, proj, p, target, kr_copies))
    session.commit()
    if wants_json() or request.is_json:
        return {"created": [c.id for c in copies], "period": str(target)}, 201
    url = url_for("plans.plan", slug=team.slug, period=str(target))
    if not is_htmx():
        return redirect(url, 303)
    ctx = _copy_ctx(team, p, copied={"count": len(copies), "url": url, "period": str(target)})
    return render("plans/copy.html", block="copy_panel", **ctx)


def _copy_raci(session, me, *, source, copy, kind):
    """Give the copy the original's RACI letters (people and letters as they are)."""
    key = "key_result" if kind == "kr" else "project"
    letters = raci_ops.get_raci(session=session, **{key: source})
    if letters:
        raci_ops.set_raci(session=session, actor_id=me.user_id, org_id=me.org_id, **{key: copy}, assignments=letters)


def _copy_objective(session, me, obj, plan, target):
    goal_id = obj.goal_id
    if goal_id is not None:
        goal = session.get(m.AnnualGoal, goal_id)
        if goal is None or goal.year != target.fiscal_year().year:
            goal_id = None
    new = planning.create(
        session=session,
        actor_id=me.user_id,
        org_id=me.org_id,
        model=m.Objective,
        team_id=obj.team_id,
        quarter=str(target),
        title=obj.title,
        description=obj.description,
        kind=obj.kind,
        goal_id=goal_id,
        owner_id=obj.owner_id,
        weight=obj.weight,
        copied_from_id=obj.id,
        position=_next_position("objective", {"team_id": obj.team_id, "quarter": str(target)}),
    )
    for kr in plan.krs.get(obj.id, []):
        if kr.is_archived or (_kr_progress(kr, plan) or 0) >= 1:
            continue
        start = kr.start
        if kr.kind != "milestone" and kr.current is not None and kr.current != kr.target:
            start = kr.current  # the new quarter starts where the old one stands
        copy = planning.create(
            session=session,
            actor_id=me.user_id,
            org_id=me.org_id,
            model=m.KeyResult,
            objective_id=new.id,
            title=kr.title,
            description=kr.description,
            kind=kr.kind,
            start=start,
            target=kr.target,
            unit=kr.unit,
            weight=kr.weight,
            progress_from=kr.progress_from,
            owner_id=kr.owner_id,
            position=kr.position,
            copied_from_id=kr.id,
        )
        _copy_raci(session, me, source=kr, copy=copy, kind="kr")
    return new


def _copy_project(session, me, proj, month, target, kr_copies):
    """A project in the next month: it keeps moving its key result, or, past the quarter's end,
    that key result's copy in the new quarter when there is one."""
    kr_id = proj.key_result_id
    if kr_id is not None and month.fiscal_quarter(_fys()) != target.fiscal_quarter(_fys()):
        kr_id = kr_copies.get(kr_id)
    new = planning.create(
        session=session,
        actor_id=me.user_id,
        org_id=me.org_id,
        model=m.Project,
        team_id=proj.team_id,
        month=str(target),
        key_result_id=kr_id,
        title=proj.title,
        description=proj.description,
        owner_id=proj.owner_id,
        status="planned",
        copied_from_id=proj.id,
        position=_next_position("project", {"team_id": proj.team_id, "month": str(target)}),
    )
    _copy_raci(session, me, source=proj, copy=new, kind="project")
    return new


# --- the key result's chart (inline SVG drawn on the server) -----------------------------------

CHART_W, CHART_H, CHART_PAD = 360, 140, 24


def kr_chart(kr, check_ins, quarter) -> dict:
    """Coordinates for a small SVG: the check-in values over the quarter, the target line and
    the expected-pace line (start on the first day → target on the last)."""
    start_day, end_day = quarter.start, quarter.end
    span_days = max((end_day - start_day).days, 1)
    values = [kr.start, kr.target] + [c.value for c in check_ins]
    lo, hi = min(values), max(values)
    if lo == hi:
        hi = lo + 1
    w, h, pad = CHART_W, CHART_H, CHART_PAD

    def x(day):
        d = min(max((day - start_day).days, 0), span_days)
        return round(pad + (w - 2 * pad) * d / span_days, 1)

    def y(value):
        return round(h - pad - (h - 2 * pad) * float((Decimal(value) - lo) / (hi - lo)), 1)

    points = [(x(c.checked_on), y(c.value), c) for c in check_ins]
    line = " ".join(f"{px},{py}" for px, py, _c in points)
    return {
        "w": w,
        "h": h,
        "pad": pad,
        "target_y": y(kr.target),
        "start_y": y(kr.start),
        "pace": (x(start_day), y(kr.start), x(end_day), y(kr.target)),
        "today_x": x(min(max(date.today(), start_day), end_day)),
        "line": line,
        "dots": points,
        "lo": lo,
        "hi": hi,
        "start_label": str(start_day),
        "end_label": str(end_day),
    }
