"""The SMART coach on the web: the JSON check (/api/v1/smart), the live panel beside a goal,
objective or key result form, an item's verdict as a fragment, and the helpers the plan pages
use (badges for a whole plan at once, the ?fails= filter, the letters that block a save).

The rules are okr.smart.rules; which failing letters block a save is okr.smart.blocking.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask import Blueprint, current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from jinja2 import Undefined, pass_context
from markupsafe import Markup
from sqlmodel import select

from okr.core import models as m
from okr.core.kinds import KR_KINDS
from okr.core.numbers import parse_quantity
from okr.core.web import accepts, actor, db, item_or_404, json_error, render
from okr.smart import blocking as smart_rules
from okr.smart import words
from okr.smart.rules import LETTERS, SmartResult, check

bp = Blueprint("smart", __name__)

LETTER_NAMES = {
    "S": _l("Specific"),
    "M": _l("Measurable"),
    "A": _l("Achievable"),
    "R": _l("Relevant"),
    "T": _l("Time-bound"),
}
VERDICT_NAMES = {"pass": _l("passes"), "warn": _l("check"), "fail": _l("fails")}

API_FIELDS = {
    "kind": "str",
    "title": "str",
    "description": "str",
    "period": "str",
    "start": "quantity",
    "target": "quantity",
    "unit": "str",
    "kr_kind": "str",
    "parent_title": "str",
    "due_date": "date",
    "confidence": "quantity",
    "committed": "bool",
}
PANEL_FIELDS = {
    "smart_kind": "str",
    "smart_slot": "str",
    "smart_item": "int",
    "title": "str",
    "description": "str",
    "kind": "str",
    "kr_kind": "str",
    "start": "quantity",
    "target": "quantity",
    "unit": "str",
    "period": "str",
    "parent": "int",
    "goal_id": "int",
    "parent_goal_id": "int",
    "parent_title": "str",
    "due_on": "date",
    "confidence": "quantity",
}
_TEXT_MAX = 100_000  # longer than any field the product stores; the coach reads 20,000 of it
_ITEM_KINDS = ("goal", "objective", "kr")


def _locale() -> str:
    return str(get_locale() or "en")


def _today() -> date:
    return date.today()


def _id(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None  # ids are INTEGER: PostgreSQL refuses more


def _quantity(value) -> Decimal | None:
    """A number from a field (as typed, or a JSON number); None when empty. ValueError when
    it is not a finite number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        number = parse_quantity(value[:200])
    else:
        raise ValueError("not a number")
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ValueError("out of range")
    return number


def _lenient(value) -> Decimal | None:
    try:
        return _quantity(value)
    except (ValueError, ArithmeticError):
        return None


def _text(value) -> str:
    return value[:_TEXT_MAX] if isinstance(value, str) else ""


@bp.app_template_global("smart_letter_names")
def letter_names() -> dict:
    """{letter: its name in the reader's language}: S → Specific (具体)…"""
    return {key: str(value) for key, value in LETTER_NAMES.items()}


# --- looking up parents (scoped to the person's organisation) ------------------------------


def _goal(goal_id) -> m.AnnualGoal | None:
    goal_id = _id(goal_id)
    if goal_id is None:
        return None
    return (
        db()
        .exec(
            select(m.AnnualGoal)
            .join(m.Team, m.Team.id == m.AnnualGoal.team_id)
            .where(m.AnnualGoal.id == goal_id, m.Team.org_id == actor().org_id)
        )
        .first()
    )


def _objective(objective_id) -> m.Objective | None:
    objective_id = _id(objective_id)
    if objective_id is None:
        return None
    return (
        db()
        .exec(
            select(m.Objective)
            .join(m.Team, m.Team.id == m.Objective.team_id)
            .where(m.Objective.id == objective_id, m.Team.org_id == actor().org_id)
        )
        .first()
    )


def _objective_of_kr(kr_id) -> m.Objective | None:
    kr_id = _id(kr_id)
    if kr_id is None:
        return None
    return (
        db()
        .exec(
            select(m.Objective)
            .join(m.KeyResult, m.KeyResult.objective_id == m.Objective.id)
            .join(m.Team, m.Team.id == m.Objective.team_id)
            .where(m.KeyResult.id == kr_id, m.Team.org_id == actor().org_id)
        )
        .first()
    )


# --- JSON -----------------------------------------------------------------------------------


def _read_api(body: dict) -> tuple[dict, dict]:
    """(values, errors by field) from a JSON body; every value checked for its type."""
    errors: dict[str, str] = {}
    values: dict = {}
    kind = body.get("kind")
    if not isinstance(kind, str) or smart_rules.item_kind(kind.strip()) is None:
        errors["kind"] = _("Choose goal, objective or key_result.")
    else:
        values["kind"] = smart_rules.item_kind(kind.strip())
    for name in ("title", "description", "period", "unit", "parent_title"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[name] = _("Send this as text.")
        elif len(value) > _TEXT_MAX:
            errors[name] = _("This text is too long.")
        elif "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            errors[name] = _("This contains characters that cannot be stored.")
        else:
            values[name] = value
    for name in ("start", "target", "confidence"):
        try:
            number = _quantity(body.get(name))
        except (ValueError, ArithmeticError):
            errors[name] = _("Enter a number, such as 30, 1,000 or 30%.")
            continue
        if number is not None and name == "confidence" and not Decimal(0) <= number <= Decimal(100):
            errors[name] = _("Enter a confidence from 0 to 1 (such as 0.7 or 70%).")
            continue
        values[name] = number
    if (
        isinstance(body.get("confidence"), str)
        and body["confidence"].strip().endswith(("%", "％"))
        and values.get("confidence") is not None
    ):
        values["confidence"] = values["confidence"] / 100
    kr_kind = body.get("kr_kind")
    if kr_kind not in (None, "") and kr_kind not in KR_KINDS:
        errors["kr_kind"] = _("Choose metric, percent or milestone.")
    elif kr_kind:
        values["kr_kind"] = kr_kind
    due = body.get("due_date")
    if due not in (None, ""):
        try:
            if not isinstance(due, str) or len(due.strip()) != 10:
                raise ValueError("not YYYY-MM-DD")
            values["due_date"] = date.fromisoformat(due.strip())
        except ValueError:
            errors["due_date"] = _("Enter a date as YYYY-MM-DD.")
    committed = body.get("committed")
    if committed is not None:
        if not isinstance(committed, bool):
            errors["committed"] = _("Send true or false.")
        else:
            values["committed"] = committed
    return values, errors


@bp.post("/api/v1/smart")
@login_required
@accepts(json_fields=API_FIELDS)
def api_check():
    """The SMART verdict for an item described in JSON, in the person's language."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        return json_error(
            _("Send a JSON object with at least a kind and a title."), 400, {"body": _("Not a JSON object.")}
        )
    unknown = sorted(set(body) - set(API_FIELDS))
    values, errors = _read_api(body)
    for name in unknown[:20]:
        errors[str(name)[:64]] = _("Unknown field.")
    if errors:
        return json_error(_("Some values need fixing."), 400, errors)
    kind = values.pop("kind")
    result = check(smart_rules.make_item(kind, **values), today=_today())
    # S, M, A, R, T in that order (jsonify would sort the letters alphabetically)
    return current_app.response_class(json.dumps(words.said(result), ensure_ascii=False), mimetype="application/json")


# --- the live panel -------------------------------------------------------------------------


def _panel_item(form):
    """(coach item kind, SmartItem) from the fields of a plan form, read leniently: the panel
    judges what is typed so far, and an unreadable number simply does not count yet."""
    kind = form.get("smart_kind") or ""
    kind = {"key_result": "kr"}.get(kind, kind)
    if kind not in _ITEM_KINDS:
        kind = "kr" if form.get("kr_kind") or form.get("target") or form.get("start") else "objective"
    own_kind = _text(form.get("kind"))
    kr_kind = _text(form.get("kr_kind")) or (own_kind if own_kind in KR_KINDS else "")
    period = _text(form.get("period"))[:64]
    parent_title = _text(form.get("parent_title"))
    committed = None
    if kind == "goal":
        parent = _goal(form.get("parent_goal_id"))
        if parent is not None:
            parent_title = parent.title
        elif "parent_goal_id" in form:
            parent_title = ""
    elif kind == "objective":
        committed = own_kind == "committed" if own_kind in ("committed", "aspirational") else None
        parent = _goal(form.get("goal_id"))
        if parent is not None:
            parent_title = parent.title
        elif "goal_id" in form:
            parent_title = ""
    else:
        objective = _objective(form.get("parent")) or _objective_of_kr(form.get("smart_item"))
        if objective is not None:
            parent_title, period, committed = objective.title, objective.quarter, objective.kind == "committed"
    due = None
    try:
        raw_due = _text(form.get("due_on")).strip()
        due = date.fromisoformat(raw_due) if len(raw_due) == 10 else None
    except ValueError:
        due = None
    confidence = _lenient(form.get("confidence"))
    item = smart_rules.make_item(
        kind,
        title=_text(form.get("title")),
        description=_text(form.get("description")),
        period=period or None,
        parent_title=parent_title or None,
        kr_kind=kr_kind or None,
        start=_lenient(form.get("start")) if kind != "objective" else None,
        target=_lenient(form.get("target")) if kind != "objective" else None,
        unit=_text(form.get("unit"))[:64] or None,
        due_date=due,
        confidence=confidence if confidence is not None and 0 <= confidence <= 100 else None,
        committed=committed,
    )
    return kind, item


@bp.post("/smart/panel")
@login_required
@accepts(json_fields=PANEL_FIELDS)
def panel():
    """The five letters for the form being typed, as a fragment (htmx swaps it in)."""
    form = request.form if not request.is_json else (request.get_json(silent=True) or {})
    if not isinstance(form, dict) and not hasattr(form, "get"):
        form = {}
    if isinstance(form, dict):
        form = {k: v if isinstance(v, str) else "" for k, v in form.items()}
    kind, item = _panel_item(form)
    result = check(item, today=_today())
    slot = "".join(ch for ch in _text(form.get("smart_slot"))[:80] if ch.isalnum() or ch in "-_")
    blocked = list(smart_rules.blocking_problems(result, kind, _org_blocking()))
    return render(
        "smart/_smart_panel.html",
        result=result,
        kind=kind,
        slot=slot,
        blocked=blocked,
        names=letter_names(),
        verdict_names=VERDICT_NAMES,
    )


# --- one item's verdict ---------------------------------------------------------------------

_MODELS = {"goal": m.AnnualGoal, "objective": m.Objective, "kr": m.KeyResult}


def item_result(kind: str, item) -> SmartResult:
    """The verdict of one stored goal, objective or key result (its parent read in one query)."""
    return check(_stored_item(kind, item), today=_today())


def _stored_item(kind: str, item, *, parent_title=None, objective=None):
    if kind == "goal":
        if parent_title is None and item.parent_goal_id:
            parent = db().get(m.AnnualGoal, item.parent_goal_id)
            parent_title = parent.title if parent else None
        return smart_rules.make_item(
            "goal",
            title=item.title,
            description=item.description,
            period=str(item.year),
            parent_title=parent_title,
            start=item.measure_start,
            target=item.measure_target,
            unit=item.unit,
        )
    if kind == "objective":
        if parent_title is None and item.goal_id:
            parent = db().get(m.AnnualGoal, item.goal_id)
            parent_title = parent.title if parent else None
        return smart_rules.make_item(
            "objective",
            title=item.title,
            description=item.description,
            period=item.quarter,
            parent_title=parent_title,
            committed=item.kind == "committed",
        )
    if objective is None:
        objective = db().get(m.Objective, item.objective_id)
    return smart_rules.make_item(
        "kr",
        title=item.title,
        description=item.description,
        period=objective.quarter if objective else None,
        parent_title=objective.title if objective else None,
        kr_kind=item.kind,
        start=item.start,
        target=item.target,
        unit=item.unit,
        confidence=item.confidence,
        committed=(objective.kind == "committed") if objective else None,
    )


@bp.get("/smart/item/<any(goal,objective,kr):kind>/<item_id>")
@login_required
def item(kind, item_id):
    """One item's five letters with their messages: a fragment for htmx, else a small page."""
    row, _team = item_or_404(_MODELS[kind], item_id)
    result = item_result(kind, row)
    return render(
        "smart/item.html",
        block="smart_item",
        result=result,
        kind=kind,
        row=row,
        names=letter_names(),
        verdict_names=VERDICT_NAMES,
    )


# --- the plan pages: many items at once, the ?fails= filter, blocking on save ----------------


def plan_results(plan) -> dict:
    """{(item type, id): SmartResult} for every goal, objective and key result of a loaded plan
    (queries.YearPlan or QuarterPlan), computed once per request from what the plan already
    holds: no query per row, and none at all."""
    cache = g.setdefault("smart_plans", {})
    entry = cache.get(id(plan))
    if entry is not None and entry[0] is plan:
        return entry[1]
    items = []
    if hasattr(plan, "objectives") and hasattr(plan, "krs"):
        goal_titles = {goal.id: goal.title for goal in getattr(plan, "goals", [])}
        for obj in plan.objectives:
            items.append(
                (("objective", obj.id), _stored_item("objective", obj, parent_title=goal_titles.get(obj.goal_id, "")))
            )
            for kr in plan.krs.get(obj.id, []):
                items.append((("kr", kr.id), _stored_item("kr", kr, objective=obj)))
    elif hasattr(plan, "goals") and hasattr(plan, "aligned"):
        parents = {goal.id: goal.title for goal in getattr(plan, "parent_goals", [])}
        for goal in plan.goals:
            items.append(
                (("goal", goal.id), _stored_item("goal", goal, parent_title=parents.get(goal.parent_goal_id, "")))
            )
    results = smart_rules.check_many(items, today=_today())
    cache[id(plan)] = (plan, results)
    return results


def _fails_letter() -> str | None:
    letter = (request.args.get("fails") or "").strip().upper()
    return letter if len(letter) == 1 and letter in LETTERS else None


@bp.app_template_global("smart_of")
@pass_context
def smart_of(context, item_type, item):
    """The SMART verdict of a plan item for its badge, or None (projects have none).

    On a plan page the whole plan is judged at once (``plan`` in the template); on a key
    result's page (``page``, queries.KRPage) its objective is already loaded."""
    if item_type not in _ITEM_KINDS or item is None or isinstance(item, Undefined):
        return None
    plan, page = context.get("plan"), context.get("page")
    if plan is not None and not isinstance(plan, Undefined) and hasattr(plan, "team"):
        return plan_results(plan).get((item_type, item.id))
    if item_type == "kr" and getattr(page, "objective", None) is not None:
        return check(_stored_item("kr", item, objective=page.objective), today=_today())
    return None


#: Rendered badges by (verdict object, item, language): plan_results' verdicts are kept by
#: okr.smart.blocking while an item does not change, so its badge is rendered once, not per view.
_BADGES: dict = {}
_BADGES_MAX = 4096


@bp.app_template_global("smart_badge")
@pass_context
def smart_badge(context, item_type, item):
    """The SMART badge of a plan item (smart/_badge.html), rendered once per verdict."""
    result = smart_of(context, item_type, item)
    if result is None:
        return ""
    key = (id(result), item_type, item.id, _locale())
    hit = _BADGES.get(key)
    if hit is not None and hit[0] is result:
        return hit[1]
    macro = current_app.jinja_env.get_template("smart/_badge.html").module.badge
    html = Markup(str(macro(result, item_type, item.id)))
    if len(_BADGES) >= _BADGES_MAX:
        _BADGES.clear()
    _BADGES[key] = (result, html)
    return html


@bp.app_template_global("smart_shown")
def smart_shown(item_type, item, plan) -> bool:
    """Whether an item stays on the page under ``?fails=<letter>``: that letter is amber or red
    on its badge (warn or fail), or (an objective) it is on one of its key results."""
    letter = _fails_letter()
    if letter is None or plan is None or isinstance(plan, Undefined):
        return True
    results = plan_results(plan)
    own = results.get((item_type, item.id))
    if own is not None and own[letter].verdict != "pass":
        return True
    if item_type == "objective":
        return any(
            results.get(("kr", kr.id)) is not None and results[("kr", kr.id)][letter].verdict != "pass"
            for kr in plan.krs.get(item.id, [])
        )
    return False


@bp.app_template_filter("smart_message")
def smart_message(letter) -> str:
    """A letter's message in the reader's language (okr.smart.words)."""
    return words.message(letter)


@bp.app_template_filter("smart_tip")
def smart_tip(letter) -> str | None:
    """A letter's example of a better aim in the reader's language, or None."""
    return words.tip(letter)


@bp.app_template_global("smart_filter")
def smart_filter() -> str | None:
    """The letter the page is filtered by (?fails=M), or None."""
    return _fails_letter() if has_request_context() else None


def _org_blocking() -> str:
    org = db().get(m.Organisation, actor().org_id)
    return org.smart_blocking if org is not None else ""


def blocking_for_form(form, kind: str) -> dict[str, str]:
    """{letter: message} for the letters that stop this plan form from being saved: the
    organisation's blocking letters that fail (and M for a key result), as the panel shows them.

    ``kind`` is goal, objective or kr; the form's own context (the year, the quarter, the goals
    it may align to) gives the period and parent; a key result's objective comes from the
    request (the ``parent`` field on create, the item on update).
    """
    if not has_request_context():
        return {}
    if kind == "goal":
        parents = getattr(form, "_parents", {}) or {}
        parent = parents.get(form.parent_goal_id.data)
        year = getattr(form, "_year", None)
        item = smart_rules.make_item(
            "goal",
            title=form.title.data,
            description=form.description.data,
            period=str(year) if year is not None else None,
            parent_title=parent.title if parent else None,
        )
    elif kind == "objective":
        goals = getattr(form, "_goals", {}) or {}
        parent = goals.get(form.goal_id.data)
        quarter = getattr(form, "_quarter", None)
        item = smart_rules.make_item(
            "objective",
            title=form.title.data,
            description=form.description.data,
            period=str(quarter) if quarter is not None else None,
            parent_title=parent.title if parent else None,
            committed=form.kind.data == "committed",
        )
    elif kind == "kr":
        objective = None
        view_args = request.view_args or {}
        if view_args.get("kind") == "kr" and view_args.get("item_id"):
            objective = _objective_of_kr(view_args.get("item_id"))
        if objective is None:
            parent = request.form.get("parent")
            if parent is None and request.is_json:
                body = request.get_json(silent=True)
                parent = body.get("parent") if isinstance(body, dict) else None
            objective = _objective(parent)
        item = smart_rules.make_item(
            "kr",
            title=form.title.data,
            description=form.description.data,
            period=objective.quarter if objective else None,
            parent_title=objective.title if objective else None,
            kr_kind=form.kind.data,
            start=form.start.data,
            target=form.target.data,
            unit=form.unit.data,
            committed=(objective.kind == "committed") if objective else None,
        )
    else:
        return {}
    result = check(item, today=_today())
    problems = smart_rules.blocking_problems(result, kind, _org_blocking())
    return {
        letter: _("%(name)s: %(message)s", name=LETTER_NAMES[letter], message=words.message(verdict))
        for letter, verdict in problems.items()
    }
