"""The SMART check as part of a plan form's validation: the letters that stop a goal, objective
or key result from being saved (okr.smart.blocking decides which), said by the title, and the
lookups of an item's parent within the person's organisation that the check and the live panel
share. okr.plans.forms calls blocking_for_form from its validate().
"""

from __future__ import annotations

from datetime import date

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlmodel import select

from okr.core import models as m
from okr.core.web import actor, db
from okr.smart import blocking as smart_rules
from okr.smart import words
from okr.smart.rules import check


def today() -> date:
    return date.today()


def item_id(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None  # ids are INTEGER: PostgreSQL refuses more


# --- looking up parents (scoped to the person's organisation) ------------------------------


def goal_of_org(goal_id) -> m.AnnualGoal | None:
    goal_id = item_id(goal_id)
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


def objective_of_org(objective_id) -> m.Objective | None:
    objective_id = item_id(objective_id)
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


def objective_of_kr(kr_id) -> m.Objective | None:
    kr_id = item_id(kr_id)
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


def org_blocking() -> str:
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
            objective = objective_of_kr(view_args.get("item_id"))
        if objective is None:
            parent = request.form.get("parent")
            if parent is None and request.is_json:
                body = request.get_json(silent=True)
                parent = body.get("parent") if isinstance(body, dict) else None
            objective = objective_of_org(parent)
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
    result = check(item, today=today())
    problems = smart_rules.blocking_problems(result, kind, org_blocking())
    return {
        letter: _("%(name)s: %(message)s", name=words.LETTER_NAMES[letter], message=words.message(verdict))
        for letter, verdict in problems.items()
    }
