"""The history of one item: every recorded change with its values before and after, and the
restore of an archived item (managers of its team only).

Events are written by okr/planning.py; this page only reads them, in two queries.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from okr import models as m
from okr.forms.admin import VersionForm
from okr.permissions import can_plan
from okr.web import accepts, actor, db, is_htmx, item_or_404, json_error, render, wants_json

bp = Blueprint("history", __name__)

RACI_KEYS = {"key_result": "key_result_id", "project": "project_id"}
HIDDEN_FIELDS = {"id", "key_result_id", "project_id", "version", "updated_at", "updated_by_id", "created_at", "created_by_id", "password_hash"}


def _model(item_type: str):
    model = m.ITEM_MODELS.get(item_type)
    if model is None:
        abort(404)
    return model


def _decode(text: str) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


def changes(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field whose value differs, bookkeeping fields left out."""
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN_FIELDS]
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _context(item_type: str, item, team, form=None):
    session = db()
    # RACI changes are recorded as item type "raci" naming the key result or project.
    types = [item_type, "raci"] if item_type in RACI_KEYS else [item_type]
    events = [
        e for e in session.exec(
            select(m.AuditEvent)
            .where(m.AuditEvent.item_type.in_(types), m.AuditEvent.item_id == item.id,
                   m.AuditEvent.org_id == team.org_id)
            .order_by(m.AuditEvent.at.desc(), m.AuditEvent.id.desc())
        ).all()
        if e.item_type != "raci" or RACI_KEYS[item_type] in (_decode(e.after) or _decode(e.before))
    ]
    user_ids = {e.user_id for e in events if e.user_id}
    names = dict(session.exec(select(m.User.id, m.User.name).where(m.User.id.in_(user_ids))).all()) if user_ids else {}
    rows = [
        {"event": e, "who": names.get(e.user_id, _("someone")), "changes": changes(_decode(e.before), _decode(e.after))}
        for e in events
    ]
    me = actor()
    return {
        "item_type": item_type,
        "item": item,
        "team": team,
        "rows": rows,
        "title": getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "note", None) or f"#{item.id}",
        "can_restore": bool(getattr(item, "is_archived", False)) and can_plan(me, team),
        "form": form or VersionForm(data={"version": getattr(item, "version", 1)}),
    }


@bp.get("/history/<item_type>/<int:item_id>")
def item(item_type: str, item_id: int):
    obj, team = item_or_404(_model(item_type), item_id)
    ctx = _context(item_type, obj, team)
    if wants_json():
        from flask import jsonify

        return jsonify({"item_type": item_type, "item_id": obj.id, "events": [
            {"at": r["event"].at.isoformat(), "action": r["event"].action, "who": r["who"],
             "changes": [{"field": f, "before": b, "after": a} for f, b, a in r["changes"]]} for r in ctx["rows"]]})
    return render("history/item.html", block="history", **ctx)


@bp.post("/history/<item_type>/<int:item_id>/restore")
@accepts(VersionForm, json_fields={"version": "int"})
def restore(item_type: str, item_id: int):
    """Bring an archived item back (managers of its team), through okr.planning.restore."""
    from okr import planning

    obj, team = item_or_404(_model(item_type), item_id)
    if not can_plan(actor(), team):
        abort(403)
    form = VersionForm(data=request.get_json(silent=True) if request.is_json else None) if request.is_json else VersionForm()
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return render("history/item.html", block="history", status=422, **_context(item_type, obj, team, form))
    if not getattr(obj, "is_archived", False):
        if wants_json():
            return json_error(_("This item is not archived."), 409)
        flash(_("This item is not archived."), "info")
        return redirect(url_for("history.item", item_type=item_type, item_id=obj.id))
    expected = int(form.version.data)
    try:
        me = actor()
        planning.restore(session=db(), actor_id=me.user_id, org_id=me.org_id, item=obj, expected_version=expected)
        db().commit()
    except planning.StaleEdit:
        db().rollback()
        db().refresh(obj)
        if wants_json():
            return json_error(_("Someone else changed this in the meantime."), 409)
        ctx = _context(item_type, obj, team, form)
        ctx["stale"] = True
        return render("history/item.html", block="history", status=409, **ctx)
    if wants_json():
        from flask import jsonify

        return jsonify({"item_type": item_type, "item_id": obj.id, "version": obj.version, "is_archived": obj.is_archived})
    if is_htmx():
        db().refresh(obj)
        return render("history/item.html", block="history", **_context(item_type, obj, team))
    flash(_("Restored."), "success")
    return redirect(url_for("history.item", item_type=item_type, item_id=obj.id))
