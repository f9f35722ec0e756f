"""The history of one item: every recorded change with its values before and after, and the
restore of an archived item (managers of its team only).

Events are written by okr/plans/ops.py; this page only reads them, in two queries.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import select

from okr.core import kinds
from okr.core import models as m
from okr.core.permissions import can_plan
from okr.core.settings import DEMO_ORG_SLUG
from okr.core.web import accepts, actor, db, is_htmx, item_or_404, json_error, render, wants_json
from okr.core.web.forms import VersionForm

bp = Blueprint("history", __name__)

RACI_KEYS = {"key_result": "key_result_id", "project": "project_id"}
# Bookkeeping every row carries: the event itself says who and when.
HIDDEN_FIELDS = {
    "id",
    "org_id",
    "version",
    "updated_at",
    "updated_by_id",
    "created_at",
    "created_by_id",
    "password_hash",
}

ACTIONS = {
    "create": _l("created"),
    "update": _l("changed"),
    "archive": _l("archived"),
    "restore": _l("restored"),
}

ITEM_TYPES = {
    "team": _l("Team"),
    "goal": _l("Annual goal"),
    "objective": _l("Objective"),
    "key_result": _l("Key result"),
    "check_in": _l("Check-in"),
    "project": _l("Project"),
    "task": _l("Task"),
}

FIELDS = {
    "title": _l("Title"),
    "name": _l("Name"),
    "slug": _l("Short name in addresses"),
    "description": _l("Description"),
    "kind": _l("Kind"),
    "weight": _l("Weight"),
    "owner_id": _l("Owner"),
    "team_id": _l("Team"),
    "parent_id": _l("Parent team"),
    "year": _l("Year"),
    "quarter": _l("Quarter"),
    "month": _l("Month"),
    "week": _l("Week"),
    "goal_id": _l("Annual goal"),
    "parent_goal_id": _l("Supports goal"),
    "objective_id": _l("Objective"),
    "key_result_id": _l("Key result"),
    "project_id": _l("Project"),
    "measure_start": _l("Measure: start"),
    "measure_target": _l("Measure: target"),
    "measure_current": _l("Measure: current"),
    "start": _l("Start"),
    "target": _l("Target"),
    "current": _l("Current"),
    "unit": _l("Unit"),
    "confidence": _l("Confidence"),
    "last_check_in_on": _l("Last check-in"),
    "is_done": _l("Milestone reached"),
    "progress_from": _l("Progress from"),
    "score_override": _l("Score"),
    "reflection": _l("Reflection"),
    "carry_over": _l("Carry over"),
    "copied_from_id": _l("Copied from"),
    "position": _l("Place in the list"),
    "starts_on": _l("Starts on"),
    "due_on": _l("Due"),
    "status": _l("Status"),
    "assignee_id": _l("Assignee"),
    "delegated_by_id": _l("Delegated by"),
    "important": _l("Important"),
    "urgent": _l("Urgent"),
    "estimate": _l("Estimate"),
    "done_at": _l("Finished at"),
    "carried_from_id": _l("Carried over from"),
    "carry_count": _l("Times carried over"),
    "checked_on": _l("Date"),
    "value": _l("Value"),
    "note": _l("Note"),
    "author_id": _l("Author"),
    "is_archived": _l("Archived"),
    "archived_at": _l("Archived at"),
    "letters": _l("RACI letters"),
    "membership": _l("Membership"),
}

ENUMS = {
    "kind": {
        "committed": _l("committed"),
        "aspirational": _l("aspirational"),
        "metric": _l("metric"),
        "percent": _l("percent"),
        "milestone": _l("milestone"),
        "company": _l("company"),
        "department": _l("department"),
        "team": _l("team"),
    },
    "status": {
        "todo": _l("to do"),
        "doing": _l("doing"),
        "done": _l("done"),
        "dropped": _l("dropped"),
        "planned": _l("planned"),
        "active": _l("active"),
    },
    "progress_from": {"checkins": _l("its check-ins"), "projects": _l("its projects")},
    "role": {"admin": _l("admin"), "manager": _l("manager"), "member": _l("member"), "viewer": _l("viewer")},
}

USER_FIELDS = {"owner_id", "assignee_id", "delegated_by_id", "author_id", "user_id"}
# Links to other rows, shown by their name or title; copied_from_id links to the item's own kind.
LINKS = {
    "team_id": m.Team,
    "parent_id": m.Team,
    "goal_id": m.AnnualGoal,
    "parent_goal_id": m.AnnualGoal,
    "objective_id": m.Objective,
    "key_result_id": m.KeyResult,
    "project_id": m.Project,
    "carried_from_id": m.Task,
}
DATE_FIELDS = {"last_check_in_on", "starts_on", "due_on", "checked_on"}
DATETIME_FIELDS = {"done_at", "archived_at"}
QUANTITY_FIELDS = {
    "weight",
    "start",
    "target",
    "current",
    "measure_start",
    "measure_target",
    "measure_current",
    "estimate",
    "value",
    "score_override",
}
PERCENT_FIELDS = {"confidence"}  # stored 0..1
# A new item lists what it was made with; these say nothing when they hold their default.
QUIET_ON_CREATE = {"position": 0, "carry_count": 0}
EMPTY = "—"


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


def _shown_on_create(field: str, value) -> bool:
    if value is None or value == "" or value is False or value == {}:
        return False
    return QUIET_ON_CREATE.get(field, object()) != value


class Lookups:
    """Names of the people and titles of the rows an item's events mention, loaded once per page
    (one query per kind of row that appears), within the item's organisation only."""

    def __init__(self, org_id: int, item_type: str):
        self.org_id = org_id
        self.own_model = m.ITEM_MODELS.get(item_type)
        self.wanted: dict[type, set[int]] = {}
        self.found: dict[type, dict[int, str]] = {}

    def _model_of(self, field: str):
        if field in USER_FIELDS:
            return m.User
        if field == "copied_from_id":
            return self.own_model
        return LINKS.get(field)

    def want(self, field: str, value) -> None:
        model = self._model_of(field)
        if model is not None and isinstance(value, int) and not isinstance(value, bool):
            self.wanted.setdefault(model, set()).add(value)
        elif field == "letters" and isinstance(value, dict):
            for uid in value:
                if str(uid).isdigit():
                    self.wanted.setdefault(m.User, set()).add(int(uid))
        elif field == "membership" and isinstance(value, dict) and isinstance(value.get("user_id"), int):
            self.wanted.setdefault(m.User, set()).add(value["user_id"])

    def load(self) -> None:
        session = db()
        for model, ids in self.wanted.items():
            ids = sorted(ids)
            if model is m.User:
                q = select(m.User.id, m.User.name).where(m.User.id.in_(ids), m.User.org_id == self.org_id)
            elif model is m.Team:
                q = select(m.Team.id, m.Team.name).where(m.Team.id.in_(ids), m.Team.org_id == self.org_id)
            elif model is m.KeyResult:
                q = (
                    select(m.KeyResult.id, m.KeyResult.title)
                    .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
                    .join(m.Team, m.Team.id == m.Objective.team_id)
                    .where(m.KeyResult.id.in_(ids), m.Team.org_id == self.org_id)
                )
            elif model is m.CheckIn:
                continue
            else:
                q = (
                    select(model.id, model.title)
                    .join(m.Team, m.Team.id == model.team_id)
                    .where(model.id.in_(ids), m.Team.org_id == self.org_id)
                )
            self.found[model] = dict(session.exec(q).all())

    def name(self, field: str, value: int) -> str:
        model = self._model_of(field)
        return self.found.get(model, {}).get(value) or f"#{value}"


def _quantity(value) -> str:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(d.normalize(), "f") if d.is_finite() else str(value)


def shown(field: str, value, lookups: Lookups) -> str:
    """A stored value as a person reads it: names for people, teams and linked items, yes/no,
    translated kinds and statuses, dates in the reader's language, quantities as typed."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "letters" and isinstance(value, dict):
        by_letter: dict[str, list[str]] = {}
        for uid, letter in value.items():
            who = lookups.name("user_id", int(uid)) if str(uid).isdigit() else str(uid)
            by_letter.setdefault(str(letter), []).append(who)
        parts = [
            f"{letter}: {', '.join(sorted(by_letter[letter]))}" for letter in kinds.RACI_LETTERS if letter in by_letter
        ]
        return " · ".join(parts) or EMPTY
    if field == "membership" and isinstance(value, dict):
        who = lookups.name("user_id", value["user_id"]) if isinstance(value.get("user_id"), int) else EMPTY
        role = value.get("role")
        role_text = str(ENUMS["role"].get(role, role)) if role else _("not a member")
        return f"{who}: {role_text}"
    if isinstance(value, int) and lookups._model_of(field) is not None:
        return lookups.name(field, value)
    if field in ENUMS and isinstance(value, str):
        return str(ENUMS[field].get(value, value))
    if field in DATE_FIELDS and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value[:10]), "medium")
        except ValueError:
            return value
    if field in DATETIME_FIELDS and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), "medium")
        except ValueError:
            return value
    if field in PERCENT_FIELDS:
        try:
            return f"{_quantity(Decimal(str(value)) * 100)}%"
        except (InvalidOperation, ValueError):
            return str(value)
    if field in QUANTITY_FIELDS:
        return _quantity(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def who_did(user_id: int | None, names: dict[int, str], org_slug: str) -> str:
    """The person who made a change; events with no person were written by a command: the demo
    seed in the demo organisation, an okr command (import, create-user) elsewhere."""
    if user_id is None:
        return _("the demo seed (okr demo)") if org_slug == DEMO_ORG_SLUG else _("the system (an okr command)")
    return names.get(user_id) or _("a person no longer here")


def _context(item_type: str, item, team, form=None):
    session = db()
    # RACI changes are recorded as item type "raci" naming the key result or project.
    types = [item_type, "raci"] if item_type in RACI_KEYS else [item_type]
    events = [
        e
        for e in session.exec(
            select(m.AuditEvent)
            .where(
                m.AuditEvent.item_type.in_(types), m.AuditEvent.item_id == item.id, m.AuditEvent.org_id == team.org_id
            )
            .order_by(m.AuditEvent.at.desc(), m.AuditEvent.id.desc())
        ).all()
        if e.item_type != "raci" or RACI_KEYS[item_type] in (_decode(e.after) or _decode(e.before))
    ]
    lookups = Lookups(team.org_id, item_type)
    raw = []
    for e in events:
        diff = changes(_decode(e.before), _decode(e.after))
        if e.action == "create":
            diff = [(f, b, a) for f, b, a in diff if _shown_on_create(f, a)]
        for f, b, a in diff:
            lookups.want(f, b)
            lookups.want(f, a)
        if e.user_id:
            lookups.want("user_id", e.user_id)
        raw.append((e, diff))
    lookups.load()
    names = lookups.found.get(m.User, {})
    org = session.get(m.Organisation, team.org_id)
    org_slug = org.slug if org else ""
    rows = [
        {
            "event": e,
            "who": who_did(e.user_id, names, org_slug),
            "action": str(ACTIONS.get(e.action, e.action)),
            "when": format_datetime(e.at, "medium"),
            "changes": [
                {
                    "field": f,
                    "label": str(FIELDS.get(f, f)),
                    "before": b,
                    "after": a,
                    "before_text": shown(f, b, lookups),
                    "after_text": shown(f, a, lookups),
                }
                for f, b, a in diff
            ],
        }
        for e, diff in raw
    ]
    me = actor()
    return {
        "item_type": item_type,
        "item_label": str(ITEM_TYPES.get(item_type, item_type)),
        "item": item,
        "team": team,
        "rows": rows,
        "title": getattr(item, "title", None)
        or getattr(item, "name", None)
        or getattr(item, "note", None)
        or f"#{item.id}",
        "can_restore": bool(getattr(item, "is_archived", False)) and can_plan(me, team),
        "form": form or VersionForm(data={"version": getattr(item, "version", 1)}),
    }


@bp.get("/history/<item_type>/<int:item_id>")
def item(item_type: str, item_id: int):
    obj, team = item_or_404(_model(item_type), item_id)
    ctx = _context(item_type, obj, team)
    if wants_json():
        from flask import jsonify

        return jsonify(
            {
                "item_type": item_type,
                "item_id": obj.id,
                "events": [
                    {
                        "at": r["event"].at.isoformat(),
                        "action": r["event"].action,
                        "action_label": r["action"],
                        "who": r["who"],
                        "changes": r["changes"],
                    }
                    for r in ctx["rows"]
                ],
            }
        )
    return render("history/item.html", block="history", **ctx)


@bp.post("/history/<item_type>/<int:item_id>/restore")
@accepts(VersionForm, json_fields={"version": "int"})
def restore(item_type: str, item_id: int):
    """Bring an archived item back (managers of its team), through okr.plans.ops.restore."""
    from okr.plans import ops as planning

    obj, team = item_or_404(_model(item_type), item_id)
    if not can_plan(actor(), team):
        abort(403)
    form = (
        VersionForm(data=request.get_json(silent=True) if request.is_json else None)
        if request.is_json
        else VersionForm()
    )
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

        return jsonify(
            {"item_type": item_type, "item_id": obj.id, "version": obj.version, "is_archived": obj.is_archived}
        )
    if is_htmx():
        db().refresh(obj)
        return render("history/item.html", block="history", **_context(item_type, obj, team))
    flash(_("Restored."), "success")
    return redirect(url_for("history.item", item_type=item_type, item_id=obj.id))
