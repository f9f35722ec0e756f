"""Reads of the budget: a team's yearly lines with their months, a project's budget panel, the
budget review of a team subtree × period in a fixed number of statements, adjustments waiting
for a decision, and the overspent projects the rollups' attention list shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.budget import rules
from okr.budget.chart import BurnChart, burn_chart
from okr.core import models as m
from okr.core import periods
from okr.core.models.budget import (
    BudgetAdjustment,
    BudgetLine,
    BudgetMonth,
    ProjectCost,
    ProjectReturn,
    SpendEntry,
)
from okr.core.queries import id_list, live_row, param, run, user_names
from okr.rollup import rules as rollup

ZERO = rules.ZERO


def currency(session: Session, org_id: int) -> str:
    return run(
        session,
        "budget.currency",
        lambda: select(m.Organisation.currency).where(m.Organisation.id == param("org")),
        org=org_id,
    ).one()


def fiscal_months(year: periods.Year) -> list[str]:
    return [str(mo) for mo in year.months()]


# --- the team's yearly budget ---------------------------------------------------------------


@dataclass
class LineRow:
    line: BudgetLine
    months: dict[str, Decimal]  # "2026-04" -> planned
    actual: Decimal = ZERO  # spent in the year in this category (the team's own spend)

    @property
    def total(self) -> Decimal:
        return rules.money(sum(self.months.values(), ZERO))

    @property
    def over(self) -> bool:
        return rules.overspend(self.total, self.actual)


def year_lines(session: Session, team_id: int, year: periods.Year, *, include_archived: bool = False) -> list[LineRow]:
    """The team's own budget lines of a fiscal year (in order), with planned months and what was
    spent in each line's category in the year (team spend and its projects')."""
    stmt = select(BudgetLine).where(BudgetLine.team_id == team_id, BudgetLine.year == year.year)
    if not include_archived:
        stmt = stmt.where(live_row(BudgetLine))
    lines = session.exec(stmt.order_by(BudgetLine.position, BudgetLine.id)).all()
    months: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if lines:
        for line_id, month, amount in session.exec(
            select(BudgetMonth.line_id, BudgetMonth.month, BudgetMonth.amount).where(
                BudgetMonth.line_id.in_([ln.id for ln in lines])
            )
        ).all():
            months[line_id][month] = amount
    spent = dict(
        session.exec(
            select(SpendEntry.category, sa.func.sum(SpendEntry.amount))
            .where(
                SpendEntry.team_id == team_id,
                live_row(SpendEntry),
                SpendEntry.spent_on >= year.start,
                SpendEntry.spent_on <= year.end,
            )
            .group_by(SpendEntry.category)
        ).all()
    )
    return [LineRow(ln, months[ln.id], rules.money(spent.get(ln.category) or 0)) for ln in lines]


def team_spend(session: Session, team_id: int, year: periods.Year, limit: int = 50) -> list[SpendEntry]:
    """The team's latest spend entries of the year (project ones too), newest first."""
    return session.exec(
        select(SpendEntry)
        .where(
            SpendEntry.team_id == team_id,
            live_row(SpendEntry),
            SpendEntry.spent_on >= year.start,
            SpendEntry.spent_on <= year.end,
        )
        .order_by(SpendEntry.spent_on.desc(), SpendEntry.id.desc())
        .limit(limit)
    ).all()


def adjustments(session: Session, team_id: int, year: int) -> list[BudgetAdjustment]:
    """The team's adjustment requests of the year, newest first (the history of changes)."""
    return session.exec(
        select(BudgetAdjustment)
        .where(BudgetAdjustment.team_id == team_id, BudgetAdjustment.year == year)
        .order_by(BudgetAdjustment.requested_at.desc(), BudgetAdjustment.id.desc())
    ).all()


def waiting_for(session: Session, team_ids, *, is_admin: bool, org_team_ids) -> list[BudgetAdjustment]:
    """Pending adjustments a person may decide: of teams right under a team they manage
    (``team_ids``: the teams whose parent they manage), or any of the organisation's for an admin."""
    ids = list(org_team_ids if is_admin else team_ids)
    if not ids:
        return []
    return session.exec(
        select(BudgetAdjustment)
        .where(BudgetAdjustment.team_id.in_(ids), BudgetAdjustment.status == "pending")
        .order_by(BudgetAdjustment.requested_at, BudgetAdjustment.id)
    ).all()


# --- a project's budget ---------------------------------------------------------------------


def return_in(r: ProjectReturn) -> rules.ReturnIn:
    return rules.ReturnIn(r.kind, r.gmv, r.margin, r.users, r.ltv, r.impressions, r.cpm, r.amount)


@dataclass
class ProjectBudget:
    project: m.Project
    costs: list[ProjectCost]
    spend: list[SpendEntry]
    returns: list[tuple[ProjectReturn, Decimal]]
    names: dict[int, str]
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    total_returns: Decimal = ZERO
    cost: Decimal = ZERO
    roi: Decimal | None = None

    @property
    def over(self) -> bool:
        """Spend past the planned cost (the project's approved budget)."""
        return self.planned > 0 and self.actual > self.planned

    @property
    def categories(self) -> list[str]:
        return sorted({c.category for c in self.costs})


def project_budget(session: Session, project: m.Project) -> ProjectBudget:
    costs = session.exec(
        select(ProjectCost)
        .where(ProjectCost.project_id == project.id, live_row(ProjectCost))
        .order_by(ProjectCost.position, ProjectCost.id)
    ).all()
    spend = session.exec(
        select(SpendEntry)
        .where(SpendEntry.project_id == project.id, live_row(SpendEntry))
        .order_by(SpendEntry.spent_on, SpendEntry.id)
    ).all()
    rets = session.exec(
        select(ProjectReturn)
        .where(ProjectReturn.project_id == project.id, live_row(ProjectReturn))
        .order_by(ProjectReturn.id)
    ).all()
    pb = ProjectBudget(project, list(costs), list(spend), [(r, rules.return_amount(return_in(r))) for r in rets], {})
    pb.names = user_names(session, [s.author_id for s in spend])
    pb.planned = rules.money(sum((c.amount for c in costs), ZERO))
    pb.actual = rules.money(sum((s.amount for s in spend), ZERO))
    pb.total_returns = rules.total_returns(return_in(r) for r in rets)
    pb.cost = rules.cost(pb.planned, pb.actual, bool(spend))
    pb.roi = rules.roi(pb.total_returns, pb.cost)
    return pb


# --- the budget review ----------------------------------------------------------------------


@dataclass
class CategoryRow:
    category: str
    kind: str
    planned: Decimal
    actual: Decimal

    @property
    def variance(self) -> rules.Variance:
        return rules.variance(self.planned, self.actual)

    @property
    def over(self) -> bool:
        return rules.overspend(self.planned, self.actual)


@dataclass
class ProjectRow:
    id: int
    title: str
    team_id: int
    month: str
    planned: Decimal
    actual: Decimal
    has_spend: bool
    returns: Decimal
    kr_title: str | None
    kr_progress: Decimal | None

    # Worked out once per row: a company's year lists a thousand projects, ranked by ROI.
    @cached_property
    def cost(self) -> Decimal:
        return rules.cost(self.planned, self.actual, self.has_spend)

    @cached_property
    def roi(self) -> Decimal | None:
        return rules.roi(self.returns, self.cost)

    @cached_property
    def variance(self) -> rules.Variance:
        return rules.variance(self.planned, self.actual)

    @property
    def over(self) -> bool:
        return self.planned > 0 and self.actual > self.planned


@dataclass
class Review:
    team: object
    period: object
    currency: str
    planned: Decimal
    actual: Decimal
    planned_to_date: Decimal
    elapsed: Decimal
    forecast: Decimal | None
    categories: list[CategoryRow]
    projects: list[ProjectRow]  # ranked by ROI
    chart: BurnChart
    team_names: dict[int, str] = field(default_factory=dict)

    @property
    def variance(self) -> rules.Variance:
        return rules.variance(self.planned, self.actual)

    @property
    def over(self) -> bool:
        return rules.overspend(self.planned, self.actual)

    @property
    def forecast_over(self) -> bool:
        return rules.overspend(self.planned, self.forecast)

    @property
    def overspent_projects(self) -> list[ProjectRow]:
        return [p for p in self.projects if p.over]


def _slots(period) -> list[tuple[str, date, date]]:
    """The chart's steps: the months of a year or quarter, the days of a month."""
    if period.kind == "month":
        return [(str(d.day), d, d) for d in (period.start + timedelta(days=i) for i in range(period.days))]
    return [(str(mo)[5:], mo.start, mo.end) for mo in period.months()]


def review(session: Session, team, team_ids, period, *, today: date, org_id: int) -> Review:
    """Planned against actual for ``team_ids`` (a team and its sub-teams) in ``period`` (a year,
    quarter or month): by category, by project (the projects of the period's months), the
    cumulative burn against plan and the straight-line forecast. Six statements whatever the size."""
    ids = sorted(team_ids)
    months = [str(mo) for mo in (period.months() if period.kind != "month" else [period])]
    # Statements are built once per process (okr.core.queries.run): building and keying a
    # select costs more than running it on a review's few hundred rows.
    planned_rows = run(session, "budget.review.planned", _planned_stmt, teams=ids, months=months).all()
    window = dict(teams=ids, start=period.start, end=period.end)
    spend_rows = run(session, "budget.review.spend", _spend_stmt, **window).all()
    day_rows = run(session, "budget.review.days", _days_stmt, **window).all()
    project_rows = run(session, "budget.review.projects", _projects_stmt, teams=ids, months=months).all()
    pids = [r[0] for r in project_rows]
    planned_by_p, actual_by_p, returns_by_p = {}, {}, defaultdict(list)
    if pids:
        # The period's projects are named by the same filter, not by a list of their ids: a
        # company's year has a thousand of them.
        where = dict(teams=ids, months=months)
        planned_by_p = dict(run(session, "budget.review.costs", _costs_stmt, **where).all())
        actual_by_p = {pid: (total, n) for pid, total, n in run(session, "budget.review.actual", _actual_stmt, **where)}
        for pid, *values in run(session, "budget.review.returns", _returns_stmt, **where):
            returns_by_p[pid].append(rules.ReturnIn(*values))

    cats: dict[str, CategoryRow] = {}
    planned_by_month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for category, kind, month, amount in planned_rows:
        row = cats.setdefault(category, CategoryRow(category, kind, ZERO, ZERO))
        row.planned = rules.money(row.planned + amount)
        planned_by_month[month] += amount
    for category, amount in spend_rows:
        row = cats.setdefault(category, CategoryRow(category, "variable", ZERO, ZERO))
        row.actual = rules.money(row.actual + amount)
    spent_by_day = dict(day_rows)

    projects = []
    for pid, title, team_id, month, kr_title, start, target, current, kind, done in project_rows:
        total, n = actual_by_p.get(pid, (ZERO, 0))
        progress = None
        if kr_title is not None:
            progress = rollup.kr_progress(start, target, current, kind=kind, done=done)
        projects.append(
            ProjectRow(
                pid,
                title,
                team_id,
                month,
                rules.money(planned_by_p.get(pid) or 0),
                rules.money(total or 0),
                bool(n),
                rules.total_returns(returns_by_p.get(pid, [])),
                kr_title,
                progress,
            )
        )
    projects = rules.rank_by_roi(projects)

    planned = rules.money(sum((c.planned for c in cats.values()), ZERO))
    actual = rules.money(sum((c.actual for c in cats.values()), ZERO))
    slots = _slots(period)
    plan_steps, actual_steps = [], []
    for _label, start, end in slots:
        if period.kind == "month":
            plan_steps.append(planned / len(slots))
        else:
            plan_steps.append(planned_by_month.get(str(start)[:7], ZERO))
        if start <= today:
            actual_steps.append(sum((v for d, v in spent_by_day.items() if start <= d <= end), ZERO))
    # Today's spend counts: the forecast reads the fraction passed at the end of today.
    elapsed = period.elapsed(today + timedelta(days=1))
    forecast = rules.forecast(actual, elapsed)
    plan_cum = rules.cumulative(plan_steps)
    actual_cum = rules.cumulative(actual_steps)
    planned_to_date = actual_cum and plan_cum[len(actual_cum) - 1] or ZERO
    chart = burn_chart([s[0] for s in slots], plan_cum, actual_cum, forecast)
    kind_order = {"fixed": 0, "variable": 1}
    categories = sorted(cats.values(), key=lambda c: (kind_order.get(c.kind, 2), c.category))
    return Review(
        team,
        period,
        currency(session, org_id),
        planned,
        actual,
        planned_to_date,
        elapsed,
        forecast,
        categories,
        projects,
        chart,
    )


def _planned_stmt():
    return (
        select(BudgetLine.category, BudgetLine.kind, BudgetMonth.month, sa.func.sum(BudgetMonth.amount))
        .join(BudgetMonth, BudgetMonth.line_id == BudgetLine.id)
        .where(BudgetLine.team_id.in_(id_list("teams")), live_row(BudgetLine), BudgetMonth.month.in_(id_list("months")))
        .group_by(BudgetLine.category, BudgetLine.kind, BudgetMonth.month)
    )


def _spent_in_window(*columns):
    return select(*columns, sa.func.sum(SpendEntry.amount)).where(
        SpendEntry.team_id.in_(id_list("teams")),
        live_row(SpendEntry),
        SpendEntry.spent_on >= param("start"),
        SpendEntry.spent_on <= param("end"),
    )


def _spend_stmt():
    """Spend of the window by category (the review's table)."""
    return _spent_in_window(SpendEntry.category).group_by(SpendEntry.category)


def _days_stmt():
    """Spend of the window by day (the burn chart)."""
    return _spent_in_window(SpendEntry.spent_on).group_by(SpendEntry.spent_on)


def _projects_stmt():
    return (
        select(
            m.Project.id,
            m.Project.title,
            m.Project.team_id,
            m.Project.month,
            m.KeyResult.title,
            m.KeyResult.start,
            m.KeyResult.target,
            m.KeyResult.current,
            m.KeyResult.kind,
            m.KeyResult.is_done,
        )
        .outerjoin(m.KeyResult, m.KeyResult.id == m.Project.key_result_id)
        .where(m.Project.team_id.in_(id_list("teams")), live_row(m.Project), m.Project.month.in_(id_list("months")))
        .where(m.Project.status != "dropped")
        .order_by(m.Project.month, m.Project.position, m.Project.id)
    )


def _of_period_projects(stmt, project_id):
    return stmt.join(m.Project, m.Project.id == project_id).where(
        m.Project.team_id.in_(id_list("teams")),
        live_row(m.Project),
        m.Project.month.in_(id_list("months")),
        m.Project.status != "dropped",
    )


def _costs_stmt():
    stmt = select(ProjectCost.project_id, sa.func.sum(ProjectCost.amount)).where(live_row(ProjectCost))
    return _of_period_projects(stmt, ProjectCost.project_id).group_by(ProjectCost.project_id)


def _actual_stmt():
    stmt = select(SpendEntry.project_id, sa.func.sum(SpendEntry.amount), sa.func.count(SpendEntry.id)).where(
        live_row(SpendEntry)
    )
    return _of_period_projects(stmt, SpendEntry.project_id).group_by(SpendEntry.project_id)


def _returns_stmt():
    r = ProjectReturn
    stmt = select(r.project_id, r.kind, r.gmv, r.margin, r.users, r.ltv, r.impressions, r.cpm, r.amount)
    return _of_period_projects(stmt.where(live_row(r)), r.project_id)


def overspent_projects(session: Session, team_ids, period) -> list[tuple[int, str, int, Decimal, Decimal]]:
    """(project id, title, team id, planned, actual) of the period's projects whose spend went past
    their planned cost: what the rollups' attention list flags. Two statements."""
    months = [str(mo) for mo in (period.months() if period.kind != "month" else [period])]
    spent = (
        select(SpendEntry.project_id.label("pid"), sa.func.sum(SpendEntry.amount).label("actual"))
        .where(live_row(SpendEntry), SpendEntry.project_id.is_not(None))
        .group_by(SpendEntry.project_id)
        .subquery()
    )
    planned = (
        select(ProjectCost.project_id.label("pid"), sa.func.sum(ProjectCost.amount).label("planned"))
        .where(live_row(ProjectCost))
        .group_by(ProjectCost.project_id)
        .subquery()
    )
    rows = session.exec(
        select(m.Project.id, m.Project.title, m.Project.team_id, planned.c.planned, spent.c.actual)
        .join(spent, spent.c.pid == m.Project.id)
        .join(planned, planned.c.pid == m.Project.id)
        .where(m.Project.team_id.in_(sorted(team_ids)), live_row(m.Project), m.Project.month.in_(months))
        .where(spent.c.actual > planned.c.planned)
        .order_by(m.Project.team_id, m.Project.id)
    ).all()
    return [(pid, title, tid, rules.money(p), rules.money(a)) for pid, title, tid, p, a in rows]


# --- plan documents -------------------------------------------------------------------------


def export_budgets(session: Session, team_slugs: dict[int, str], years=None) -> list[tuple]:
    """(team slug, year, category, kind, {month: amount}) of the teams' live lines (of ``years``
    when given), for okr.budget.document.budgets_section."""
    stmt = select(BudgetLine).where(BudgetLine.team_id.in_(list(team_slugs)), live_row(BudgetLine))
    if years is not None:
        stmt = stmt.where(BudgetLine.year.in_(list(years)))
    lines = session.exec(stmt.order_by(BudgetLine.team_id, BudgetLine.year, BudgetLine.position, BudgetLine.id)).all()
    months: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if lines:
        for line_id, month, amount in session.exec(
            select(BudgetMonth.line_id, BudgetMonth.month, BudgetMonth.amount).where(
                BudgetMonth.line_id.in_([ln.id for ln in lines])
            )
        ).all():
            months[line_id][month] = amount
    return [(team_slugs[ln.team_id], ln.year, ln.category, ln.kind, months[ln.id]) for ln in lines]


def export_project_budget(session: Session, project: m.Project) -> tuple[list, list, list]:
    """(costs, spend, returns) of a project for okr.budget.document.project_budget_section."""
    pb = project_budget(session, project)
    emails = dict(
        session.exec(
            select(m.User.id, m.User.email).where(m.User.id.in_([s.author_id for s in pb.spend if s.author_id]))
        ).all()
    )
    costs = [(c.category, c.amount, c.note) for c in pb.costs]
    spend = [(s.spent_on, s.amount, s.category, s.note, emails.get(s.author_id)) for s in pb.spend]
    returns = [
        {
            "kind": r.kind,
            "note": r.note,
            **{
                k: getattr(r, k)
                for k in ("gmv", "margin", "users", "ltv", "impressions", "cpm", "amount")
                if getattr(r, k) is not None
            },
        }
        for r, _amount in pb.returns
    ]
    return costs, spend, returns


# --- other features' pages (the monthly report, a closed project's review) -----------------


def _org_currency_of_team(session: Session, team_id: int) -> str:
    return session.exec(
        select(m.Organisation.currency).join(m.Team, m.Team.org_id == m.Organisation.id).where(m.Team.id == team_id)
    ).one()


def month_summary(session: Session, *, team_ids, month) -> str | None:
    """The monthly report's "budget against spend": planned → actual in the organisation's
    currency and the variance in percent, in figures only (the report words the heading):
    "165,000.00 → 82,825.80 CNY (-49.8%)". None when the teams planned and spent nothing."""
    ids = sorted(team_ids)
    if not ids:
        return None
    months = [str(month)]
    planned = sum(
        (a for *_k, a in run(session, "budget.review.planned", _planned_stmt, teams=ids, months=months)), ZERO
    )
    window = dict(teams=ids, start=month.start, end=month.end)
    actual = sum((a for _c, a in run(session, "budget.review.spend", _spend_stmt, **window)), ZERO)
    if planned == 0 and actual == 0:
        return None
    v = rules.variance(planned, actual)
    sign = "+" if v.fraction and v.fraction > 0 else ""
    currency_ = _org_currency_of_team(session, ids[0])
    return f"{rules.grouped(planned)} → {rules.grouped(actual)} {currency_} ({sign}{rules.percent(v.fraction)})"


def project_roi(session: Session, *, project_id: int) -> str | None:
    """A closed project's return on investment in figures: "(2,900,000.00 − 1,000,000.00) ÷
    1,000,000.00 = 190% (CNY)". None when it has neither cost nor returns."""
    project = session.get(m.Project, project_id)
    if project is None:
        return None
    pb = project_budget(session, project)
    if pb.cost == 0 and pb.total_returns == 0:
        return None
    currency_ = _org_currency_of_team(session, project.team_id)
    if pb.roi is None:
        return f"{rules.grouped(pb.total_returns)} {currency_}"
    returns, cost = rules.grouped(pb.total_returns), rules.grouped(pb.cost)
    return f"({returns} − {cost}) ÷ {cost} = {rules.percent(pb.roi)} ({currency_})"
