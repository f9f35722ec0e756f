"""The front door: home (each person's landing page), their own settings, the organisation's
teams, and /healthz."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.core import migrate
from okr.core import models as m
from okr.core.permissions import can_write_anything
from okr.core.web import accepts, actor, db, json_error, org_teams, render, wants_json
from okr.core.web.database import app_engine
from okr.core.web.forms import form_data
from okr.core.web.template_helpers import nav_url
from okr.home import ops, rules
from okr.home.forms import LANDING_LABELS, LandingForm

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(_landing_url())


def _my_team():
    """The person's team: the first, in the organisation's tree order, where they hold a role
    (a manager of a department who is also in one of its teams gets the department)."""
    me = actor()
    return next((row.team for row in org_teams() if row.team.id in me.roles), None)


def _landing_url() -> str:
    team = _my_team()
    where = rules.landing(current_user.landing_page, can_write=can_write_anything(actor()), has_team=team is not None)
    if where == rules.WEEK:
        url = nav_url("week.board")
    elif where == rules.ROLLUP:
        url = nav_url("leadership.company_now")
    elif where == rules.TEAM:
        url = nav_url("plans.current", slug=team.slug)
    else:
        url = None
    return url or url_for("home.teams")


# --- the person's own settings ------------------------------------------------------------------


def _settings_page(form: LandingForm, status: int = 200):
    team = _my_team()
    return render("home/settings.html", status=status, form=form, team=team)


@bp.get("/me/settings")
@login_required
def settings():
    form = LandingForm(formdata=None)
    form.landing_page.data = rules.landing(
        current_user.landing_page, can_write=can_write_anything(actor()), has_team=True
    )
    return _settings_page(form)


@bp.post("/me/settings")
@login_required
@accepts(LandingForm, json_fields={"landing_page": "enum"})
def settings_post():
    """Anyone signed in, a viewer too, chooses their own landing page: no plan data changes."""
    form = LandingForm(formdata=form_data())
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _settings_page(form, 422)
    session = db()
    ops.set_landing_page(session=session, user=session.get(m.User, current_user.id), choice=form.landing_page.data)
    session.commit()
    if wants_json() or request.is_json:
        return {"landing_page": form.landing_page.data}
    flash(_("Saved: after signing in you land on %(page)s.", page=LANDING_LABELS[form.landing_page.data]), "success")
    return redirect(url_for("home.settings"))


@bp.get("/teams")
@login_required
def teams():
    from okr.core import periods

    me = actor()
    today = date.today()
    fys = current_app.config["FISCAL_YEAR_START"]
    return render(
        "home/teams.html",
        rows=org_teams(),
        roles=me.roles,
        quarter=str(periods.quarter_of(today, fys)),
        year=str(periods.year_of(today, fys)),
    )


@bp.get("/owe")
@login_required
def owe():
    """What do I owe: what waits on the signed-in person. Each feature gives its own list (the
    budget: adjustment requests of the teams right under those they manage, or all for an admin)."""
    from okr.budget import queries as budget

    me = actor()
    managed = {t for t, role in me.roles.items() if role in ("admin", "manager")}
    below = [
        t.team.id
        for t in org_teams()
        if t.team.parent_id is not None and set(me.ancestors_and_self(t.team.parent_id)) & managed
    ]
    waiting = [
        a
        for a in budget.waiting_for(db(), below, is_admin=me.is_admin, org_team_ids=[t.team.id for t in org_teams()])
        if me.is_admin or a.requested_by_id != me.user_id
    ]
    from okr.core.web import team_by_id

    return render(
        "home/owe.html",
        adjustments=waiting,
        names=budget.user_names(db(), [a.requested_by_id for a in waiting]),
        team_name=lambda team_id: getattr(team_by_id(team_id), "name", ""),
    )


@bp.get("/healthz")
def healthz():
    """Public: status, database reachability and schema revision; 503 when the database is down."""
    try:
        engine = app_engine()
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        revision = migrate.current_revision(engine)
    except Exception:  # the database is unreachable or broken: say so, never a stack trace
        current_app.logger.warning("healthz: database unreachable", exc_info=True)
        resp = jsonify({"status": "error", "database": "error", "schema": None})
        resp.status_code = 503
        return resp
    head = _head()
    status = "ok" if revision == head else "outdated"
    resp = jsonify({"status": status, "database": "ok", "schema": revision, "head": head})
    resp.status_code = 200 if status == "ok" else 503
    return resp


_HEAD: list[str] = []


def _head() -> str:
    if not _HEAD:
        _HEAD.append(migrate.head_revision())
    return _HEAD[0]
