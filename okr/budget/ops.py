"""Writes of the budget: lines and their months, a project's cost lines, spend and returns,
adjustment requests and their decisions, the organisation's currency. Keyword-only session,
flush, never commit; each write records its audit event through okr.core.writes.

Callers pass checked values (forms and the importer check them); these check that every row
stays in the organisation and that nobody else saved it since it was read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from okr.budget import rules
from okr.core import models as m
from okr.core.models.base import utcnow
from okr.core.models.budget import (
    BudgetAdjustment,
    BudgetLine,
    BudgetMonth,
    ProjectCost,
    ProjectReturn,
    SpendEntry,
)
from okr.core.writes import PlanningError, StaleEdit, ensure_version, record, values_of, write_row

LINE_FIELDS = ("team_id", "year", "category", "kind", "position")
COST_FIELDS = ("project_id", "category", "amount", "note")
SPEND_FIELDS = ("team_id", "project_id", "spent_on", "amount", "category", "note", "author_id")
RETURN_FIELDS = ("project_id", "kind", "gmv", "margin", "users", "ltv", "impressions", "cpm", "amount", "note")
ADJUSTMENT_FIELDS = ("team_id", "year", "month", "category", "amount", "reason", "status")

ITEM_TYPES = {
    BudgetLine: "budget_line",
    ProjectCost: "project_cost",
    SpendEntry: "spend_entry",
    ProjectReturn: "project_return",
    BudgetAdjustment: "budget_adjustment",
}


def _team(session: Session, team_id: int, org_id: int) -> m.Team:
    team = session.get(m.Team, team_id)
    if team is None or team.org_id != org_id:
        raise PlanningError(f"team {team_id} is not in organisation {org_id}")
    return team


def _project(session: Session, project_id: int, org_id: int) -> m.Project:
    project = session.get(m.Project, project_id)
    if project is None:
        raise PlanningError(f"project {project_id} does not exist")
    _team(session, project.team_id, org_id)
    return project


def _add(session: Session, *, actor_id, org_id, row, names) -> object:
    now = utcnow()
    if hasattr(row, "created_at"):
        row.created_at = row.updated_at = now
        row.created_by_id = row.updated_by_id = actor_id
    session.add(row)
    session.flush()
    record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=ITEM_TYPES[type(row)],
        item_id=row.id,
        action="create",
        before=None,
        after={"id": row.id, **values_of(row, names)},
    )
    session.flush()
    return row


# --- lines ----------------------------------------------------------------------------------


def _months(session: Session, line_id: int) -> dict[str, BudgetMonth]:
    return {bm.month: bm for bm in session.exec(select(BudgetMonth).where(BudgetMonth.line_id == line_id)).all()}


def _set_months(session: Session, line: BudgetLine, months: dict[str, Decimal]) -> tuple[dict, dict]:
    """Write the line's planned months (a month at 0 is removed); return (before, after) of those
    that changed."""
    stored = _months(session, line.id)
    before, after = {}, {}
    for month, amount in months.items():
        amount = rules.money(amount)
        row = stored.get(month)
        old = row.amount if row is not None else rules.ZERO
        if old == amount:
            continue
        before[month], after[month] = old, amount
        if row is None:
            session.add(BudgetMonth(line_id=line.id, month=month, amount=amount))
        elif amount == 0:
            session.delete(row)
        else:
            row.amount = amount
            session.add(row)
    return before, after


def save_line(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    team_id: int,
    year: int,
    category: str,
    kind: str,
    months: dict[str, Decimal],
    line: BudgetLine | None = None,
    expected_version: int | None = None,
) -> BudgetLine:
    """Add a budget line or change one (its category, kind and planned months). A category is
    unique per team and year; every change of a month is audited with the line."""
    _team(session, team_id, org_id)
    clash = session.exec(
        select(BudgetLine).where(
            BudgetLine.team_id == team_id, BudgetLine.year == year, BudgetLine.category == category
        )
    ).first()
    if clash is not None and (line is None or clash.id != line.id):
        raise PlanningError("category_taken")
    if line is None:
        position = len(
            session.exec(select(BudgetLine.id).where(BudgetLine.team_id == team_id, BudgetLine.year == year)).all()
        )
        line = BudgetLine(team_id=team_id, year=year, category=category, kind=kind, position=position)
        _add(session, actor_id=actor_id, org_id=org_id, row=line, names=LINE_FIELDS)
        before, after = _set_months(session, line, months)
        if after:
            record(
                session, org_id=org_id, actor_id=actor_id, item_type="budget_line", item_id=line.id,
                action="update", before={"months": before}, after={"months": after},
            )  # fmt: skip
        session.flush()
        return line
    if line.team_id != team_id or line.year != year:
        raise PlanningError("the line belongs to another team or year")
    ensure_version(line, expected_version)
    changed = {k: v for k, v in (("category", category), ("kind", kind)) if getattr(line, k) != v}
    before_m, after_m = _set_months(session, line, months)
    if not changed and not after_m:
        return line
    before = values_of(line, changed)
    for k, v in changed.items():
        setattr(line, k, v)
    line.updated_at, line.updated_by_id = utcnow(), actor_id
    # updated_at changes even when only months moved, so the mapper raises the line's version
    # and a concurrent editor of the grid gets a conflict, not a silent overwrite.
    write_row(session, line, expected_version)
    record(
        session, org_id=org_id, actor_id=actor_id, item_type="budget_line", item_id=line.id, action="update",
        before={**before, **({"months": before_m} if after_m else {})},
        after={**values_of(line, changed), **({"months": after_m} if after_m else {})},
    )  # fmt: skip
    session.flush()
    return line


def archive(*, session: Session, actor_id: int | None, org_id: int, row, expected_version: int | None = None):
    """Archive a budget line, cost line, spend entry or return (rows are never deleted)."""
    ensure_version(row, expected_version)
    if row.is_archived:
        return row
    now = utcnow()
    row.is_archived, row.archived_at, row.updated_at, row.updated_by_id = True, now, now, actor_id
    write_row(session, row, expected_version)
    record(
        session, org_id=org_id, actor_id=actor_id, item_type=ITEM_TYPES[type(row)], item_id=row.id,
        action="archive", before={"is_archived": False}, after={"is_archived": True},
    )  # fmt: skip
    session.flush()
    return row


# --- a project's cost, spend and returns ----------------------------------------------------


def add_cost(*, session: Session, actor_id, org_id, project_id: int, category: str, amount: Decimal, note: str = ""):
    _project(session, project_id, org_id)
    position = len(session.exec(select(ProjectCost.id).where(ProjectCost.project_id == project_id)).all())
    row = ProjectCost(
        project_id=project_id, category=category, amount=rules.money(amount), note=note, position=position
    )
    return _add(session, actor_id=actor_id, org_id=org_id, row=row, names=COST_FIELDS)


def add_spend(
    *,
    session: Session,
    actor_id,
    org_id,
    team_id: int,
    spent_on: date,
    amount: Decimal,
    category: str,
    note: str = "",
    project_id: int | None = None,
    author_id: int | None = None,
) -> SpendEntry:
    """Record money spent. Spend past an approved budget is saved (and flagged by the reads)."""
    _team(session, team_id, org_id)
    if project_id is not None and _project(session, project_id, org_id).team_id != team_id:
        raise PlanningError("spend on a project is recorded in the project's team")
    row = SpendEntry(
        team_id=team_id,
        project_id=project_id,
        spent_on=spent_on,
        amount=rules.money(amount),
        category=category,
        note=note,
        author_id=author_id if author_id is not None else actor_id,
    )
    return _add(session, actor_id=actor_id, org_id=org_id, row=row, names=SPEND_FIELDS)


def add_return(*, session: Session, actor_id, org_id, project_id: int, kind: str, note: str = "", **inputs):
    """A return of ``kind`` with its inputs (gmv, margin, users, ltv, impressions, cpm) or an amount."""
    if kind not in rules.RETURN_KINDS:
        raise PlanningError(f"unknown return kind {kind!r}")
    unknown = set(inputs) - {"gmv", "margin", "users", "ltv", "impressions", "cpm", "amount"}
    if unknown:
        raise PlanningError(f"unknown return inputs {sorted(unknown)}")
    _project(session, project_id, org_id)
    row = ProjectReturn(project_id=project_id, kind=kind, note=note, **inputs)
    return _add(session, actor_id=actor_id, org_id=org_id, row=row, names=RETURN_FIELDS)


# --- adjustments ----------------------------------------------------------------------------


def request_adjustment(
    *,
    session: Session,
    actor_id,
    org_id,
    team_id: int,
    year: int,
    month: str,
    category: str,
    amount: Decimal,
    reason: str,
) -> BudgetAdjustment:
    _team(session, team_id, org_id)
    row = BudgetAdjustment(
        team_id=team_id,
        year=year,
        month=month,
        category=category,
        amount=rules.money(amount),
        reason=reason,
        status="pending",
        requested_by_id=actor_id,
    )
    return _add(session, actor_id=actor_id, org_id=org_id, row=row, names=ADJUSTMENT_FIELDS)


def decide_adjustment(
    *,
    session: Session,
    actor_id,
    org_id,
    adjustment: BudgetAdjustment,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> BudgetAdjustment:
    """Approve or decline a pending request. Approval adds its amount to the category's line in
    its month (a line of kind variable is made when the team has none), audited on the line."""
    _team(session, adjustment.team_id, org_id)
    if adjustment.version != expected_version and expected_version is not None:
        raise StaleEdit(adjustment, expected_version, adjustment.version)
    if adjustment.status != "pending":
        raise PlanningError("already_decided")
    before = {"status": adjustment.status}
    adjustment.status = "approved" if approve else "declined"
    adjustment.decided_by_id, adjustment.decided_at, adjustment.decision_note = actor_id, utcnow(), note
    adjustment.version += 1
    session.add(adjustment)
    session.flush()
    record(
        session, org_id=org_id, actor_id=actor_id, item_type="budget_adjustment", item_id=adjustment.id,
        action="update", before=before, after={"status": adjustment.status, "decision_note": note},
    )  # fmt: skip
    if approve:
        line = session.exec(
            select(BudgetLine).where(
                BudgetLine.team_id == adjustment.team_id,
                BudgetLine.year == adjustment.year,
                BudgetLine.category == adjustment.category,
            )
        ).first()
        months = _months(session, line.id) if line is not None else {}
        current = months[adjustment.month].amount if adjustment.month in months else rules.ZERO
        new = rules.money(current + adjustment.amount)
        if new < 0:
            raise PlanningError("below_zero")
        save_line(
            session=session,
            actor_id=actor_id,
            org_id=org_id,
            team_id=adjustment.team_id,
            year=adjustment.year,
            category=adjustment.category,
            kind=line.kind if line is not None else "variable",
            months={adjustment.month: new},
            line=line,
        )
        if line is not None and line.is_archived:
            line.is_archived, line.archived_at = False, None
            session.add(line)
    session.flush()
    return adjustment


def set_currency(*, session: Session, actor_id, org_id: int, currency: str) -> m.Organisation:
    org = session.get(m.Organisation, org_id)
    if org.currency == currency:
        return org
    before = {"currency": org.currency}
    org.currency = currency
    session.add(org)
    session.flush()
    record(
        session, org_id=org_id, actor_id=actor_id, item_type="organisation", item_id=org_id, action="update",
        before=before, after={"currency": currency},
    )  # fmt: skip
    session.flush()
    return org


# --- plan documents -------------------------------------------------------------------------


def apply_budgets(*, session: Session, actor_id, org_id: int, specs, team_ids: dict[str, int]) -> int:
    """Write the `budgets` of a plan document (okr.budget.document.parse_budgets): each line is
    added, or the team's line of that category and year takes the document's kind and months."""
    for spec in specs:
        team_id = team_ids.get(spec.team)
        if team_id is None:
            raise PlanningError(f"budgets: no team {spec.team!r}")
        line = session.exec(
            select(BudgetLine).where(
                BudgetLine.team_id == team_id, BudgetLine.year == spec.year, BudgetLine.category == spec.category
            )
        ).first()
        months = dict(spec.months)
        if line is not None:
            months = dict.fromkeys(_months(session, line.id), rules.ZERO) | months
        save_line(
            session=session,
            actor_id=actor_id,
            org_id=org_id,
            team_id=team_id,
            year=spec.year,
            category=spec.category,
            kind=spec.kind,
            months=months,
            line=line,
        )
    return len(specs)


def apply_project_budget(*, session: Session, actor_id, org_id: int, project: m.Project, spec, user_ids=None) -> None:
    """Add a project's `budget` from a plan document (okr.budget.document.parse_project_budget):
    its cost lines, spend (the author named by email) and returns."""
    user_ids = user_ids or {}
    for category, amount, note in spec.lines:
        add_cost(session=session, actor_id=actor_id, org_id=org_id, project_id=project.id, category=category,
                 amount=amount, note=note)  # fmt: skip
    for day, amount, category, note, author in spec.spend:
        add_spend(session=session, actor_id=actor_id, org_id=org_id, team_id=project.team_id, project_id=project.id,
                  spent_on=day, amount=amount, category=category, note=note,
                  author_id=user_ids.get(author) if author else actor_id)  # fmt: skip
    for ret in spec.returns:
        inputs = {k: v for k, v in ret.items() if k not in ("kind", "note")}
        add_return(session=session, actor_id=actor_id, org_id=org_id, project_id=project.id, kind=ret["kind"],
                   note=ret.get("note", ""), **inputs)  # fmt: skip
