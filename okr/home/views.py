"""The front door: home, the organisation's teams, and /healthz."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, url_for
from flask_login import current_user, login_required

from okr.core import migrate
from okr.core.web import actor, org_teams, render
from okr.core.web.database import app_engine

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if "week.board" in current_app.view_functions:
        return redirect(url_for("week.board"))
    return redirect(url_for("home.teams"))


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
