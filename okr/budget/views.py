"""The budget pages: a team's budget for the year (lines edited in place, the monthly grid, spend
on the team, adjustment requests), a project's budget panel (cost lines, spend, returns, ROI),
the budget review of a month, quarter or year with its JSON twin, and deciding adjustments.

Writes go through okr.budget.ops and commit once here. Bad input is the form again with 422
(or a JSON error by field); a stale version is a 409; another organisation's ids are a 404.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import select

from okr.budget import forms, ops, queries, rules
from okr.core import kinds, periods
from okr.core import models as m
from okr.core.models.budget import BudgetAdjustment, BudgetLine, ProjectCost, ProjectReturn, SpendEntry
from okr.core.permissions import PLAN_ROLES, can_plan
from okr.core.web import (
    accepts,
    actor,
    db,
    fiscal_start,
    is_htmx,
    item_or_404,
    json_error,
    period_or_404,
    render,
    team_by_id,
    team_or_404,
    wants_json,
)
from okr.core.web.forms import form_data, row_id
from okr.core.writes import PlanningError, StaleEdit

bp = Blueprint("budget", __name__)

#: How many projects the review page lists before "show all".
PROJECTS_SHOWN = 50


@bp.app_template_filter("money")
def money_filter(value) -> str:
    return rules.grouped(value)


@bp.app_template_filter("pct")
def pct_filter(value) -> str:
    return rules.percent(value)


def _year(year: int) -> periods.Year:
    try:
        return periods.Year(year, fiscal_start())
    except (periods.PeriodError, TypeError):
        abort(404)


def _require(allowed: bool):
    if not allowed:
        abort(403)


def _errors(form) -> dict:
    return {name: list(errs) for name, errs in form.errors.items()}


def _invalid(form, page):
    if wants_json():
        return json_error(_("Some values need fixing."), 422, _errors(form))
    return page(status=422)


def _stale():
    msg = _("Someone else changed this in the meantime: nothing was saved. Reload the page and try again.")
    if wants_json():
        return json_error(msg, 409)
    return render("budget/message.html", status=409, message=msg)


# --- the team's budget for the year ---------------------------------------------------------


def _year_context(team, year: periods.Year, **extra):
    session = db()
    me = actor()
    months = queries.fiscal_months(year)
    lines = queries.year_lines(session, team.id, year)
    line_forms = {}
    for row in lines:
        f = extra.get("bad_line") if extra.get("bad_line_id") == row.line.id else None
        if f is None:
            f = forms.LineForm(formdata=None)
            f.line_id.data, f.category.data, f.kind.data = str(row.line.id), row.line.category, row.line.kind
            f.version.data = str(row.line.version)
            for name, field in zip(months, f.month_fields()):
                field.data = row.months.get(name)
        line_forms[row.line.id] = f
    totals = {mo: rules.money(sum((r.months.get(mo, rules.ZERO) for r in lines), rules.ZERO)) for mo in months}
    ctx = dict(
        team=team,
        year=year,
        months=months,
        lines=lines,
        line_forms=line_forms,
        totals=totals,
        total=rules.money(sum(totals.values(), rules.ZERO)),
        new_line=forms.LineForm(formdata=None),
        spend_form=forms.SpendForm(formdata=None, start=year.start, end=year.end),
        adjust_form=forms.AdjustmentForm(formdata=None, months=months),
        currency_form=forms.CurrencyForm(formdata=None),
        spend=queries.team_spend(session, team.id, year),
        adjustments=queries.adjustments(session, team.id, year.year),
        currency=queries.currency(session, team.org_id),
        can_edit=can_plan(me, team),
        is_admin=me.is_admin,
        names={},
    )
    ctx.update(extra)
    ctx["names"] = queries.user_names(
        session, [a.requested_by_id for a in ctx["adjustments"]] + [a.decided_by_id for a in ctx["adjustments"]]
        + [s.author_id for s in ctx["spend"]]
    )  # fmt: skip
    ctx["currency_form"].currency.data = ctx["currency"]
    this_month = str(periods.month_of(date.today()))
    if ctx["adjust_form"].month.data is None and this_month in months:
        ctx["adjust_form"].month.data = this_month
    return ctx


def _year_page(team, year, status=200, **extra):
    return render("budget/year.html", block="budget_lines", status=status, **_year_context(team, year, **extra))


@bp.get("/teams/<slug>/budget/<int:year>/lines")
@login_required
def year_page(slug, year):
    team = team_or_404(slug)
    return _year_page(team, _year(year))


def _done(message: str, url: str, page):
    if wants_json():
        return jsonify({"ok": True, "message": message})
    if is_htmx():
        return page()
    flash(message, "success")
    return redirect(url)


def _bad_line_page(team, fy, form, line_id, status):
    """The page again with the line's form as typed and its messages (a new line's form too)."""
    if line_id:
        return _year_page(team, fy, status, bad_line=form, bad_line_id=line_id)
    return _year_page(team, fy, status, new_line=form)


@bp.post("/teams/<slug>/budget/<int:year>/lines")
@login_required
@accepts(forms.LineForm, json_fields={"line_id": "int", "category": "str", "kind": "str", "version": "int"})
def line_save(slug, year):
    team = team_or_404(slug)
    fy = _year(year)
    _require(can_plan(actor(), team))
    data = form_data()
    line_id = row_id(data.get("line_id"))
    form = forms.LineForm(formdata=data)
    line = None
    if line_id:
        line = db().get(BudgetLine, line_id)
        if line is None or line.team_id != team.id or line.year != fy.year:
            abort(404)
    if not form.validate():
        return _invalid(form, lambda status: _bad_line_page(team, fy, form, line_id, status))
    try:
        ops.save_line(
            session=db(),
            actor_id=actor().user_id,
            org_id=team.org_id,
            team_id=team.id,
            year=fy.year,
            category=form.category.data,
            kind=form.kind.data,
            months=form.months(queries.fiscal_months(fy)),
            line=line,
            expected_version=form.version_number if line else None,
        )
    except StaleEdit:
        db().rollback()
        return _stale()
    except PlanningError as e:
        db().rollback()
        if str(e) == "category_taken":
            form.category.errors = [_("This team already has a line for this category in %(year)s.", year=fy.year)]
            return _invalid(form, lambda status: _bad_line_page(team, fy, form, line_id, status))
        raise
    db().commit()
    url = url_for("budget.year_page", slug=team.slug, year=fy.year)
    return _done(
        _("Saved the budget line “%(category)s”.", category=form.category.data), url, lambda: _year_page(team, fy)
    )


@bp.post("/teams/<slug>/budget/<int:year>/archive")
@login_required
@accepts(forms.ArchiveRowForm)
def year_archive(slug, year):
    team = team_or_404(slug)
    fy = _year(year)
    _require(can_plan(actor(), team))
    form = forms.ArchiveRowForm(formdata=form_data())
    if not form.validate() or form.what.data not in ("line", "spend"):
        return (
            json_error(_("Some values need fixing."), 422, _errors(form)) if wants_json() else _year_page(team, fy, 422)
        )
    model = BudgetLine if form.what.data == "line" else SpendEntry
    row = db().get(model, row_id(form.row_id.data))
    if row is None or row.team_id != team.id:
        abort(404)
    try:
        ops.archive(
            session=db(), actor_id=actor().user_id, org_id=team.org_id, row=row, expected_version=form.version_number
        )
    except StaleEdit:
        db().rollback()
        return _stale()
    db().commit()
    url = url_for("budget.year_page", slug=team.slug, year=fy.year)
    return _done(_("Removed."), url, lambda: _year_page(team, fy))


@bp.post("/teams/<slug>/budget/<int:year>/spend")
@login_required
@accepts(forms.SpendForm)
def team_spend(slug, year):
    team = team_or_404(slug)
    fy = _year(year)
    _require(can_plan(actor(), team))
    form = forms.SpendForm(formdata=form_data(), start=fy.start, end=fy.end)
    if not form.validate():
        return _invalid(form, lambda status: _year_page(team, fy, status, spend_form=form))
    ops.add_spend(
        session=db(),
        actor_id=actor().user_id,
        org_id=team.org_id,
        team_id=team.id,
        spent_on=form.spent_on.data,
        amount=form.amount.data,
        category=form.category.data,
        note=form.note.data or "",
    )
    db().commit()
    message = _spend_message(team, fy, form.category.data)
    return _done(message, url_for("budget.year_page", slug=team.slug, year=fy.year), lambda: _year_page(team, fy))


def _spend_message(team, fy, category) -> str:
    for row in queries.year_lines(db(), team.id, fy):
        if row.line.category == category and row.over:
            return _(
                "Saved. “%(category)s” is now past its approved budget for %(year)s (%(actual)s of %(planned)s).",
                category=category,
                year=fy.year,
                actual=rules.grouped(row.actual),
                planned=rules.grouped(row.total),
            )
    return _("Saved the spend.")


@bp.post("/teams/<slug>/budget/<int:year>/adjustments")
@login_required
@accepts(forms.AdjustmentForm)
def adjust(slug, year):
    team = team_or_404(slug)
    fy = _year(year)
    _require(can_plan(actor(), team))
    form = forms.AdjustmentForm(formdata=form_data(), months=queries.fiscal_months(fy))
    if not form.validate():
        return _invalid(form, lambda status: _year_page(team, fy, status, adjust_form=form))
    ops.request_adjustment(
        session=db(),
        actor_id=actor().user_id,
        org_id=team.org_id,
        team_id=team.id,
        year=fy.year,
        month=form.month.data,
        category=form.category.data,
        amount=form.amount.data,
        reason=form.reason.data,
    )
    db().commit()
    url = url_for("budget.year_page", slug=team.slug, year=fy.year)
    return _done(
        _("Asked for the change; it waits for a decision from the team above."), url, lambda: _year_page(team, fy)
    )


def may_decide(me, adjustment: BudgetAdjustment) -> bool:
    """An admin, or a manager of the team above the requesting team, and never on one's own
    request (an admin excepted: someone must decide the company's)."""
    team = team_by_id(adjustment.team_id)
    if team is None:
        return False
    if me.is_admin:
        return True
    if adjustment.requested_by_id == me.user_id or team.parent_id is None:
        return False
    return me.role_in(team.parent_id) in PLAN_ROLES


@bp.post("/budget/adjustments/decide")
@login_required
@accepts(forms.DecisionForm)
def decide():
    me = actor()
    form = forms.DecisionForm(formdata=form_data())
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, _errors(form))
        return render("budget/message.html", status=422, message=_("Some values need fixing."))
    adjustment = db().get(BudgetAdjustment, row_id(form.adjustment_id.data))
    if adjustment is None or team_by_id(adjustment.team_id) is None:
        abort(404)
    _require(may_decide(me, adjustment))
    try:
        ops.decide_adjustment(
            session=db(),
            actor_id=me.user_id,
            org_id=me.org_id,
            adjustment=adjustment,
            approve=form.decision.data == "approve",
            note=form.note.data or "",
            expected_version=form.version_number,
        )
    except StaleEdit:
        db().rollback()
        return _stale()
    except PlanningError as e:
        db().rollback()
        msg = (
            _("This request was already decided.")
            if str(e) == "already_decided"
            else _("Approving this would take the month's budget below 0.")
        )
        if wants_json():
            return json_error(msg, 409)
        return render("budget/message.html", status=409, message=msg)
    db().commit()
    msg = _("Approved: the budget is changed.") if adjustment.status == "approved" else _("Declined.")
    if wants_json():
        return jsonify({"ok": True, "status": adjustment.status})
    flash(msg, "success")
    return redirect(url_for("home.owe") if "home.owe" in _endpoints() else url_for("home.index"))


def _endpoints():
    from flask import current_app

    return current_app.view_functions


@bp.post("/budget/currency")
@login_required
@accepts(forms.CurrencyForm)
def currency():
    me = actor()
    _require(me.is_admin)
    form = forms.CurrencyForm(formdata=form_data())
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, _errors(form))
        return render("budget/message.html", status=422, message=_("Choose a currency from the list."))
    ops.set_currency(session=db(), actor_id=me.user_id, org_id=me.org_id, currency=form.currency.data)
    db().commit()
    if wants_json():
        return jsonify({"ok": True, "currency": form.currency.data})
    flash(_("Amounts are now in %(currency)s.", currency=form.currency.data), "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("home.index"))


def _same_site(url) -> bool:
    from urllib.parse import urlparse

    if not url:
        return False
    parts = urlparse(url)
    return parts.netloc in ("", request.host) and parts.path.startswith("/")


# --- the review -----------------------------------------------------------------------------


def _review(slug, period_text):
    team = team_or_404(slug)
    period = period_or_404(period_text)
    me = actor()
    ids = me.descendants_and_self(team.id)
    data = queries.review(db(), team, ids, period, today=date.today(), org_id=me.org_id)
    data.team_names = {t: team_by_id(t).name for t in ids if team_by_id(t) is not None}
    return team, period, data


def review_json(data) -> dict:
    """The review in the shape of /api/v1/budget/<slug>/<period>: amounts as decimal strings."""

    def amount(d):
        return format(rules.money(d), "f")

    return {
        "team": data.team.slug,
        "period": str(data.period),
        "currency": data.currency,
        "planned": amount(data.planned),
        "actual": amount(data.actual),
        "variance": amount(data.variance.amount),
        "categories": [
            {"category": c.category, "kind": c.kind, "planned": amount(c.planned), "actual": amount(c.actual)}
            for c in data.categories
        ],
        "projects": [
            {
                "title": p.title,
                "planned": amount(p.planned),
                "actual": amount(p.actual),
                "returns": amount(p.returns),
                "roi": None if p.roi is None else float(p.roi),
            }
            for p in data.projects
        ],
    }


@bp.get("/teams/<slug>/budget/<period>")
@login_required
def review(slug, period):
    team, p, data = _review(slug, period)
    if request.args.get("format") == "json":
        return jsonify(review_json(data))
    nav = {}
    for name in ("prev", "next"):
        try:
            nav[name] = str(getattr(p, name)())
        except periods.PeriodError:
            nav[name] = None
    fy = p if p.kind == "year" else (p.fiscal_year() if p.kind == "quarter" else p.fiscal_year(fiscal_start()))
    # The page lists the best PROJECTS_SHOWN by ROI and every overspent one; ?all=1 lists all
    # (a company's year holds a thousand projects; the JSON always has every one).
    shown = data.projects
    if not request.args.get("all") and len(shown) > PROJECTS_SHOWN:
        top = shown[:PROJECTS_SHOWN]
        shown = top + [row for row in shown[PROJECTS_SHOWN:] if row.over]
    return render("budget/review.html", team=team, period=p, data=data, nav=nav, fiscal_year=fy.year, projects=shown)


@bp.get("/api/v1/budget/<slug>/<period>")
@login_required
def review_api(slug, period):
    _team, _p, data = _review(slug, period)
    return jsonify(review_json(data))


# --- a project's budget ---------------------------------------------------------------------


def _project_letters(project_id: int, user_id: int) -> set[str]:
    return set(
        db()
        .exec(
            select(m.RaciAssignment.letter).where(
                m.RaciAssignment.project_id == project_id, m.RaciAssignment.user_id == user_id
            )
        )
        .all()
    )


def _project_rights(project, team) -> tuple[bool, bool]:
    """(may plan its cost and returns, may record spend): managers both; its A both; its R spend."""
    me = actor()
    if can_plan(me, team):
        return True, True
    if me.is_viewer_only:
        return False, False
    letters = _project_letters(project.id, me.user_id)
    return bool(letters & set(kinds.RACI_ACCOUNTABLE)), bool(letters & set(kinds.RACI_WORKS_ON))


def _project_window(project) -> tuple[date, date]:
    """Spend on a project is dated in the fiscal year of its month, up to today."""
    fy = periods.parse(project.month).fiscal_year(fiscal_start())
    return fy.start, fy.end


def _project_page(project, team, status=200, **extra):
    start, end = _project_window(project)
    may_plan, may_spend = _project_rights(project, team)
    ctx = dict(
        project=project,
        team=team,
        pb=queries.project_budget(db(), project),
        currency=queries.currency(db(), team.org_id),
        cost_form=forms.CostForm(formdata=None),
        spend_form=forms.SpendForm(formdata=None, start=start, end=end),
        return_form=forms.ReturnForm(formdata=None),
        may_plan=may_plan,
        may_spend=may_spend,
        window=(start, end),
        message=None,
    )
    ctx.update(extra)
    return render("budget/project.html", block="project_budget", status=status, **ctx)


def _project(project_id):
    project, team = item_or_404(m.Project, project_id)
    return project, team


@bp.get("/projects/<int:project_id>/budget")
@login_required
def project(project_id):
    project, team = _project(project_id)
    return _project_page(project, team)


def _project_done(project, team, message):
    if wants_json():
        return jsonify({"ok": True, "message": message})
    if is_htmx():
        return _project_page(project, team, message=message)
    flash(message, "success")
    return redirect(url_for("budget.project", project_id=project.id))


@bp.post("/projects/<int:project_id>/budget/costs")
@login_required
@accepts(forms.CostForm)
def cost_add(project_id):
    project, team = _project(project_id)
    _require(_project_rights(project, team)[0])
    form = forms.CostForm(formdata=form_data())
    if not form.validate():
        return _invalid(form, lambda status: _project_page(project, team, status, cost_form=form))
    ops.add_cost(
        session=db(),
        actor_id=actor().user_id,
        org_id=team.org_id,
        project_id=project.id,
        category=form.category.data,
        amount=form.amount.data,
        note=form.note.data or "",
    )
    db().commit()
    return _project_done(project, team, _("Added the cost line."))


@bp.post("/projects/<int:project_id>/budget/spend")
@login_required
@accepts(forms.SpendForm)
def spend_add(project_id):
    project, team = _project(project_id)
    _require(_project_rights(project, team)[1])
    start, end = _project_window(project)
    form = forms.SpendForm(formdata=form_data(), start=start, end=end)
    if not form.validate():
        return _invalid(form, lambda status: _project_page(project, team, status, spend_form=form))
    ops.add_spend(
        session=db(),
        actor_id=actor().user_id,
        org_id=team.org_id,
        team_id=project.team_id,
        project_id=project.id,
        spent_on=form.spent_on.data,
        amount=form.amount.data,
        category=form.category.data,
        note=form.note.data or "",
    )
    db().commit()
    pb = queries.project_budget(db(), project)
    if pb.over:
        message = _(
            "Saved. This project has now spent %(actual)s of its planned %(planned)s: past its budget.",
            actual=rules.grouped(pb.actual),
            planned=rules.grouped(pb.planned),
        )
    else:
        message = _("Saved the spend.")
    return _project_done(project, team, message)


@bp.post("/projects/<int:project_id>/budget/returns")
@login_required
@accepts(forms.ReturnForm)
def return_add(project_id):
    project, team = _project(project_id)
    _require(_project_rights(project, team)[0])
    form = forms.ReturnForm(formdata=form_data())
    if not form.validate():
        return _invalid(form, lambda status: _project_page(project, team, status, return_form=form))
    ops.add_return(
        session=db(),
        actor_id=actor().user_id,
        org_id=team.org_id,
        project_id=project.id,
        kind=form.kind.data,
        note=form.note.data or "",
        **form.inputs(),
    )
    db().commit()
    return _project_done(project, team, _("Added the return."))


@bp.post("/projects/<int:project_id>/budget/archive")
@login_required
@accepts(forms.ArchiveRowForm)
def project_archive(project_id):
    project, team = _project(project_id)
    form = forms.ArchiveRowForm(formdata=form_data())
    may_plan, may_spend = _project_rights(project, team)
    _require(may_plan or may_spend)
    if not form.validate() or form.what.data not in ("cost", "spend", "return"):
        if wants_json():
            return json_error(_("Some values need fixing."), 422, _errors(form))
        return _project_page(project, team, 422)
    model = {"cost": ProjectCost, "spend": SpendEntry, "return": ProjectReturn}[form.what.data]
    _require(may_plan or (form.what.data == "spend"))
    row = db().get(model, row_id(form.row_id.data))
    if row is None or row.project_id != project.id:
        abort(404)
    if form.what.data == "spend" and not may_plan and row.author_id != actor().user_id:
        abort(403)
    try:
        ops.archive(
            session=db(), actor_id=actor().user_id, org_id=team.org_id, row=row, expected_version=form.version_number
        )
    except StaleEdit:
        db().rollback()
        return _stale()
    db().commit()
    return _project_done(project, team, _("Removed."))
