"""Plan documents on the web: download a team's plan as JSON, upload one with a dry run first.

The document format, its checker, importer and exporter are okr.plandoc's own modules; this
module only reads the request, calls them and renders what they said.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from okr.core.permissions import can_plan, import_scope
from okr.core.web import (
    accepts,
    actor,
    db,
    fiscal_start,
    is_htmx,
    period_or_404,
    render,
    team_or_404,
    wants_json,
)
from okr.core.web.errors import error_response
from okr.core.web.forms import form_data
from okr.plandoc import exporter, importer
from okr.plandoc.forms import ImportForm
from okr.plandoc.schema import count_items

bp = Blueprint("plandoc", __name__)

# What an upload's form adds to its document (the CSRF token, the other fields, multipart
# boundaries): the request may be this much larger than the document limit.
FORM_SLACK = 64 * 1024


def _limits() -> tuple[int, int]:
    return current_app.config["PLAN_UPLOAD_MAX_BYTES"], current_app.config["PLAN_UPLOAD_MAX_ITEMS"]


def _too_large_message() -> str:
    max_bytes, max_items = _limits()
    size = f"{max_bytes / (1024 * 1024):g} MB" if max_bytes >= 1024 * 1024 else f"{max(1, max_bytes // 1024)} KB"
    return _(
        "This plan document is too large to upload here: the limit is %(size)s and %(items)s items "
        "(teams, people, goals, objectives, key results, check-ins, projects and tasks). Split it into "
        "smaller documents, or ask the operator to import it with the okr import command, which has no limit.",
        size=size,
        items=f"{max_items:,}",
    )


@bp.url_value_preprocessor
def _refuse_large_uploads(endpoint, _values):
    """Before anything reads the body (the CSRF check parses the form): an upload whose declared
    length passes the limit is refused at once, and a body sent without a length (chunked) is
    cut off with a 413 once it passes it."""
    if endpoint != "plandoc.import_post":
        return
    limit = _limits()[0] + FORM_SLACK
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    if wants_json() or request.is_json:
        message = _too_large_message()
        resp = make_response({"error": message, "fields": {"document": [message]}}, 413)
        resp.headers["Connection"] = "close"  # the rest of the body is not read
        return resp
    body, status = error_response(413, _too_large_message())
    resp = make_response(body, status)
    resp.headers["Connection"] = "close"
    return resp


def _require_plan(team):
    if not can_plan(actor(), team):
        abort(403)


@bp.get("/teams/<slug>/plan/<period>/export")
@login_required
def export(slug, period):
    team = team_or_404(slug)
    p = period_or_404(period)
    year = (
        p.year
        if p.kind == "year"
        else (p.fiscal_year().year if p.kind == "quarter" else p.fiscal_year(fiscal_start()).year)
    )
    doc = exporter.export_plan(
        session=db(), org_id=actor().org_id, team_slug=team.slug, year=year, fiscal_start=fiscal_start()
    )
    body = json.dumps(doc, ensure_ascii=False, indent=2, default=str)
    resp = make_response(body, 200)
    resp.mimetype = "application/json"
    resp.headers["Content-Disposition"] = f'attachment; filename="plan-{team.slug}-{year}.json"'
    return resp


def _import_ctx(team, p, form, result=None):
    scope = import_scope(actor(), team)
    return dict(team=team, period=p, form=form, result=result, may_manage_people=scope.may_manage_people)


@bp.get("/teams/<slug>/plan/<period>/import")
@login_required
def import_form(slug, period):
    team = team_or_404(slug)
    _require_plan(team)
    p = period_or_404(period)
    return render("plandoc/import.html", block="import_panel", **_import_ctx(team, p, ImportForm()))


@bp.post("/teams/<slug>/plan/<period>/import")
@login_required
@accepts(ImportForm, json_fields={"payload": "str", "confirm": "bool"})
def import_post(slug, period):
    """Upload a plan document: without ``confirm`` a dry run lists what would be created and
    every error with its path; with it, all or nothing. What a document may touch depends on
    who uploads it (permissions.import_scope). New people's one-time passwords are shown in
    this response only: never stored, flashed or logged."""
    team = team_or_404(slug)
    _require_plan(team)
    p = period_or_404(period)
    form = ImportForm(formdata=form_data()) if request.is_json else ImportForm()
    if not form.validate():
        return render("plandoc/import.html", block="import_panel", status=422, **_import_ctx(team, p, form))
    text = form.payload.data if isinstance(form.payload.data, str) else ""
    max_bytes, max_items = _limits()
    upload = request.files.get("document")
    if upload is not None and upload.filename:
        try:
            raw = upload.read(max_bytes + 1)
        finally:
            upload.close()  # a large upload is spooled to a temporary file: let it go now
        if len(raw) > max_bytes:
            raise RequestEntityTooLarge()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
    # Counted on the text before it is parsed: a document of 100,000 tasks is refused after
    # its first 10,001 objects, without building 100,000 dictionaries.
    if text and (len(text) > max_bytes or count_items(text, stop_after=max_items) > max_items):
        raise RequestEntityTooLarge()
    result = _import(text, confirm=bool(form.confirm.data), scope=import_scope(actor(), team))
    form.payload.data = text or ""
    status = 422 if result["issues"] else 200
    if result["imported"]:
        db().commit()
        if not result["passwords"] and not is_htmx() and not wants_json():
            return redirect(url_for("plans.plan", slug=team.slug, period=str(p)), 303)
    if wants_json():
        body = {k: result[k] for k in ("issues", "created", "imported", "new_teams", "new_people", "new_memberships")}
        if result["imported"]:
            body["passwords"] = result["passwords"]
        resp = make_response(body, status)
    else:
        if result["imported"]:
            form.payload.data = ""  # the page shows what was imported; nothing to confirm again
        resp = render("plandoc/import.html", block="import_panel", status=status, **_import_ctx(team, p, form, result))
    if result["passwords"]:
        resp.headers["Cache-Control"] = "no-store"  # the passwords live in this response only
    return resp


def _import(text, *, confirm, scope):
    empty = {
        "created": {},
        "imported": False,
        "passwords": {},
        "new_teams": [],
        "new_people": [],
        "new_memberships": [],
    }
    if not text:
        return {"issues": [{"path": "", "message": _("Choose a plan document (a JSON file).")}], **empty}
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as e:
        return {"issues": [{"path": "", "message": _("This is not JSON: %(error)s", error=str(e))}], **empty}
    session, me = db(), actor()
    result = importer.import_plan(
        doc,
        session=session,
        org_id=me.org_id,
        actor_id=me.user_id,
        dry_run=not confirm,
        fiscal_start=fiscal_start(),
        scope=scope,
    )
    issues = [{"path": i.path, "code": i.code, "message": i.translated(_)} for i in result.issues]
    if issues or not confirm:
        session.rollback()
    if issues:
        return {"issues": issues, **empty}
    return {
        "issues": [],
        "created": dict(result.created),
        "imported": bool(confirm),
        "passwords": dict(result.passwords) if confirm else {},
        "new_teams": [{"slug": s, "name": n, "parent": parent} for s, n, parent in result.new_teams],
        "new_people": [{"email": e, "name": n, "admin": a} for e, n, a in result.new_people],
        "new_memberships": [{"email": e, "team": t, "role": r} for e, t, r in result.new_memberships],
    }
