"""JSON endpoints of the scripting API under /api/v1/ (routes of the ``api`` blueprint): the
organisation's teams and people, and a check-in on a key result. Errors are ``{"error", "fields"}``.
"""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import login_required

from okr.api import queries
from okr.api.views import bp
from okr.core import models as m
from okr.core.permissions import can_check_in
from okr.core.web import accepts, actor, db, item_or_404, json_error, org_teams
from okr.core.web.forms import form_data
from okr.plans import ops as planning
from okr.plans.forms import CheckInForm
from okr.raci.queries import kr_letter


@bp.get("/api/v1/teams")
@login_required
def api_teams():
    """The organisation's live teams in tree order, each with its parent's slug and the caller's role."""
    rows = org_teams()
    slugs = {row.team.id: row.team.slug for row in rows}
    roles = actor().roles
    return jsonify(
        {
            "teams": [
                {
                    "id": row.team.id,
                    "slug": row.team.slug,
                    "name": row.team.name,
                    "kind": row.team.kind,
                    "parent": slugs.get(row.team.parent_id),
                    "depth": row.depth,
                    "my_role": roles.get(row.team.id),
                }
                for row in rows
            ]
        }
    )


@bp.get("/api/v1/people")
@login_required
def api_people():
    """The organisation's active people, each with the teams they belong to and their role there."""
    return jsonify(
        {
            "people": [
                {
                    "id": user.id,
                    "name": user.name,
                    "email": user.email,
                    "teams": [{"slug": slug, "role": role} for slug, role in teams],
                }
                for user, teams in queries.people(db(), actor().org_id)
            ]
        }
    )


@bp.post("/api/v1/key-results/<kr_id>/check-ins")
@login_required
@accepts(
    CheckInForm,
    json_fields={"value": "quantity", "done": "bool", "confidence": "str", "note": "str", "checked_on": "date"},
)
def api_check_in(kr_id):
    """A dated value on a key result, as the check-in form records it (okr.plans.ops.check_in):
    201 with the key result's new current value, 422 naming the fields to fix, 403 for someone
    who may not check in on it (RACI: its A or an R, or a planner of its team)."""
    item, team = item_or_404(m.KeyResult, kr_id)
    session, me = db(), actor()
    if not can_check_in(me, team, kr_letter(session, item.id, me.user_id)):
        abort(403)
    form = CheckInForm(formdata=form_data(), kind=item.kind)
    if not form.validate():
        return json_error(_("Some values need fixing."), 422, form.errors)
    check_in = planning.check_in(
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
    return (
        jsonify(
            {
                "id": check_in.id,
                "key_result": item.id,
                "value": format(check_in.value, "f"),
                "checked_on": check_in.checked_on.isoformat(),
                "current": format(item.current, "f"),
                "version": item.version,
            }
        ),
        201,
    )
