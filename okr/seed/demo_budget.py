"""The demo's budgets: a year of budget lines for every demo team with spend up to today, the
marketing team's 超级品牌日 / "Super brand day" campaign planned this month at an ROI of 190%, and one
overspend (the sales team's trade show) for the review and the attention list to flag.

Called once from okr.seed.demo.seed_demo; amounts are fixed (no randomness), dated from ``today``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select

from okr.budget import ops as budget
from okr.core import models, periods
from okr.plans import ops as plans
from okr.raci import ops as raci

SUPER_BRAND_DAY = "超级品牌日 Super brand day"
SUPER_BRAND_DAY_COSTS = [
    ("平台流量 Platform traffic", 600_000),
    ("KOL", 200_000),
    ("用户奖励 User rewards", 150_000),
    ("制作 Production", 50_000),
]
SUPER_BRAND_DAY_RETURNS = [
    {"kind": "direct", "gmv": Decimal(5_000_000), "margin": Decimal("0.2")},
    {"kind": "indirect", "users": Decimal(5_000), "ltv": Decimal(200)},
    {"kind": "brand", "impressions": Decimal(30_000_000), "cpm": Decimal(30)},
]

# team slug -> [(category, kind, monthly amount)]: what each demo team plans every month.
LINES = {
    "content": [("人力 People", "fixed", 180_000), ("系统 Systems", "fixed", 20_000), ("创作者激励 Creator rewards", "variable", 50_000)],
    "data": [("人力 People", "fixed", 120_000), ("云计算 Cloud", "fixed", 35_000)],
    "marketing": [("人力 People", "fixed", 90_000), ("活动 Campaigns", "variable", 400_000), ("营销 Marketing", "variable", 60_000)],
    "sales": [("人力 People", "fixed", 110_000), ("差旅 Travel", "variable", 15_000)],
    "ops": [("人力 People", "fixed", 80_000), ("用户奖励 User rewards", "variable", 30_000)],
    "support": [("人力 People", "fixed", 70_000), ("系统 Systems", "fixed", 8_000)],
}  # fmt: skip
CAMPAIGNS = "活动 Campaigns"
CAMPAIGN_MONTH = 1_050_000  # the campaigns line in the brand day's month: its 1,000,000 and a margin
TRADE_SHOW_PROJECT = "春季展会 Spring trade show"
#: The projects this module adds to the demo's plan.
PROJECTS = (SUPER_BRAND_DAY, TRADE_SHOW_PROJECT)
TRADE_SHOW = ("展会 Trade shows", 40_000, 52_000)  # category, planned this month, spent: 30% over


def _spend_day(month: periods.Month, today: date) -> date:
    """The 1st of a month: always on or before today for the months that have begun."""
    return month.start if month.start <= today else today


def seed_demo_budget(*, session, org_id: int, today: date, fiscal_start: int = 1) -> dict:
    """Budgets, spend, the campaign and the overspend for the demo organisation. Flushes."""
    org = session.get(models.Organisation, org_id)
    org.currency = "CNY"
    session.add(org)
    teams = {t.slug: t for t in session.exec(select(models.Team).where(models.Team.org_id == org_id)).all()}
    year = periods.year_of(today, fiscal_start)
    months = list(year.months())
    this_month = periods.month_of(today)
    counts = {"budget lines": 0, "spend entries": 0}
    for slug, lines in LINES.items():
        team = teams[slug]
        for category, kind, amount in lines:
            campaigns = slug == "marketing" and category == CAMPAIGNS
            planned = {str(mo): Decimal(amount) for mo in months}
            if campaigns:
                planned[str(this_month)] = Decimal(CAMPAIGN_MONTH)  # the brand day's month
            budget.save_line(
                session=session,
                actor_id=None,
                org_id=org_id,
                team_id=team.id,
                year=year.year,
                category=category,
                kind=kind,
                months=planned,
            )
            counts["budget lines"] += 1
            share = Decimal("0.97") if kind == "fixed" else Decimal("0.85")
            for mo in months:
                if mo.start > today or (campaigns and mo == this_month):
                    continue  # this month's campaigns money is the brand day's, not yet paid
                # This month's spend so far in step with the days passed, so the straight-line
                # forecast lands near the plan: the one overspend stays the trade show.
                part = mo.elapsed(today + timedelta(days=1)) if mo == this_month else Decimal(1)
                value = (Decimal(amount) * share * part).quantize(Decimal("0.01"))
                if value <= 0:
                    continue
                budget.add_spend(
                    session=session,
                    actor_id=None,
                    org_id=org_id,
                    team_id=team.id,
                    spent_on=today if mo == this_month else mo.start,
                    amount=value,
                    category=category,
                    note="",
                )
                counts["spend entries"] += 1

    marketing, sales = teams["marketing"], teams["sales"]
    manager = _first(session, marketing.id, "manager")
    kr = _kr_of(session, marketing.id, str(periods.quarter_of(today, fiscal_start)))
    campaign = plans.create(
        session=session,
        actor_id=None,
        org_id=org_id,
        model=models.Project,
        team_id=marketing.id,
        month=str(this_month),
        title=SUPER_BRAND_DAY,
        description="双十一前的品牌日活动：平台流量、KOL、用户奖励和制作。A brand day before Singles' Day.",
        key_result_id=kr,
        owner_id=manager,
        status="active",
    )
    _staff(session, org_id, campaign, manager, _first(session, marketing.id, "member"))
    # Planned, not yet paid: its cost is the plan (1,000,000) and its ROI 190%. Paying a million on
    # one day of a running month would make the straight-line forecast cry overspend.
    for category, amount in SUPER_BRAND_DAY_COSTS:
        budget.add_cost(
            session=session,
            actor_id=None,
            org_id=org_id,
            project_id=campaign.id,
            category=category,
            amount=Decimal(amount),
        )
    for ret in SUPER_BRAND_DAY_RETURNS:
        budget.add_return(session=session, actor_id=None, org_id=org_id, project_id=campaign.id, **ret)

    category, planned, spent = TRADE_SHOW
    budget.save_line(
        session=session,
        actor_id=None,
        org_id=org_id,
        team_id=sales.id,
        year=year.year,
        category=category,
        kind="variable",
        months={str(this_month): Decimal(planned)},
    )
    show = plans.create(
        session=session,
        actor_id=None,
        org_id=org_id,
        model=models.Project,
        team_id=sales.id,
        month=str(this_month),
        title=TRADE_SHOW_PROJECT,
        owner_id=_first(session, sales.id, "manager"),
        key_result_id=_kr_of(session, sales.id, str(periods.quarter_of(today, fiscal_start))),
        status="active",
    )
    _staff(session, org_id, show, show.owner_id, _first(session, sales.id, "member"))
    budget.add_cost(
        session=session, actor_id=None, org_id=org_id, project_id=show.id, category=category, amount=Decimal(planned)
    )
    budget.add_spend(
        session=session,
        actor_id=None,
        org_id=org_id,
        team_id=sales.id,
        project_id=show.id,
        spent_on=_spend_day(this_month, today),
        amount=Decimal(spent),
        category=category,
        note="展位和搭建超出预算 Stand and build-out ran over",
    )
    counts["spend entries"] += 1
    session.flush()
    return counts


def _staff(session, org_id: int, project, accountable: int | None, responsible: int | None) -> None:
    """The manager holds the A; a member of the team does the work (R)."""
    letters = {uid: letter for uid, letter in ((accountable, "A"), (responsible, "R")) if uid is not None}
    raci.set_raci(session=session, actor_id=None, org_id=org_id, project=project, assignments=letters)


def _first(session, team_id: int, role: str) -> int | None:
    return session.exec(
        select(models.Membership.user_id)
        .where(models.Membership.team_id == team_id, models.Membership.role == role)
        .order_by(models.Membership.id)
    ).first()


def _kr_of(session, team_id: int, quarter: str) -> int | None:
    return session.exec(
        select(models.KeyResult.id)
        .join(models.Objective, models.Objective.id == models.KeyResult.objective_id)
        .where(models.Objective.team_id == team_id, models.Objective.quarter == quarter)
        .where(models.KeyResult.is_archived == False)  # noqa: E712
        .order_by(models.Objective.position, models.KeyResult.position, models.KeyResult.id)
    ).first()
