"""Copy forward: a quarter's unfinished objectives (with their unfinished key results) into the
next quarter, or a month's open projects into the next month. Routes of the ``plans`` blueprint.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from okr.core import models as m
from okr.core.web import accepts, actor, db, is_htmx, json_error, render, team_or_404, wants_json
from okr.core.web.forms import form_data
from okr.plans import forms, queries
from okr.plans import ops as planning
from okr.plans.views import _fys, _load, _next_position, _period, _require_plan, bp
from okr.plans.views_kr import _progress
from okr.raci import ops as raci_ops

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
