"""The budget through its pages and JSON: a team's lines, a project's cost, spend and returns,
the review with its variance, forecast and flags, adjustments decided from "What do I owe",
permissions and bad input. Real database, real requests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core.models.budget import BudgetAdjustment, BudgetLine, BudgetMonth, ProjectCost, ProjectReturn, SpendEntry


@pytest.fixture
def shop(make, session):
    """A company with a marketing team under it: its manager, a member (R on the campaign), a
    viewer, the company's manager, and a campaign project moving a key result (40% of the way)."""
    org = make.org(slug="shop", name="Shop")
    company = make.team(org=org, slug="company", name="Company", kind="company")
    marketing = make.team(org=org, parent=company, slug="marketing", name="Marketing")
    boss = make.user(team=company, role="manager", email="boss@shop.test")
    manager = make.user(team=marketing, role="manager", email="manager@shop.test")
    member = make.user(team=marketing, role="member", email="member@shop.test")
    viewer = make.user(team=marketing, role="viewer", email="viewer@shop.test")
    kr = make.kr(
        objective=make.objective(team=marketing, quarter="2026-Q2"), start=0, target=100, current=40, title="GMV up"
    )
    project = make.project(team=marketing, kr=kr, month="2026-04", title="超级品牌日")
    make.raci(manager, "A", project=project)
    make.raci(member, "R", project=project)
    return dict(
        org=org, company=company, team=marketing, boss=boss, manager=manager, member=member, viewer=viewer,
        kr=kr, project=project,
    )  # fmt: skip


def test_super_brand_day_through_the_panel_shows_190_percent(shop, as_user, session):
    b = as_user(shop["manager"])
    pid = shop["project"].id
    for category, amount in (("平台流量", "600,000"), ("KOL", "200000"), ("用户奖励", "15万"), ("制作", "50000.00")):
        r = b.post(f"/projects/{pid}/budget/costs", data={"category": category, "amount": amount})
        assert r.status_code == 302, r.get_data(as_text=True)[:400]
    for body in (
        {"kind": "direct", "gmv": "5000000", "margin": "20%"},
        {"kind": "indirect", "users": "5000", "ltv": "200"},
        {"kind": "brand", "impressions": "3000万", "cpm": "30"},
    ):
        r = b.post(f"/projects/{pid}/budget/returns", data=body, htmx=True)
        assert r.status_code == 200 and f'id="project-budget-{pid}"' in r.get_data(as_text=True)
        assert "<html" not in r.get_data(as_text=True)
    page = b.get(f"/projects/{pid}/budget").get_data(as_text=True)
    assert "1,000,000.00" in page and "2,900,000.00" in page and "190%" in page
    assert "GMV 5,000,000.00 × margin 20%" in page
    assert "30,000,000 impressions ÷ 1000 × CPM 30.00" in page
    data = b.get("/api/v1/budget/marketing/2026-Q2").get_json()
    assert data["projects"] == [
        {"title": "超级品牌日", "planned": "1000000.00", "actual": "0.00", "returns": "2900000.00", "roi": 1.9}
    ]
    assert set(data) == {"team", "period", "currency", "planned", "actual", "variance", "categories", "projects"}
    assert data["currency"] == "CNY" and data["team"] == "marketing" and data["period"] == "2026-Q2"


def test_lines_review_variance_forecast_and_rollup_into_parent(shop, as_user, session):
    b = as_user(shop["manager"])
    r = b.post(
        "/teams/marketing/budget/2026/lines",
        data={"category": "campaigns", "kind": "variable", "m4": "100000", "m5": "100000", "m6": "100000"},
    )
    assert r.status_code == 302
    line = session.exec(select(BudgetLine).where(BudgetLine.category == "campaigns")).one()
    months = {bm.month: bm.amount for bm in session.exec(select(BudgetMonth).where(BudgetMonth.line_id == line.id))}
    assert months == {"2026-04": D("100000.00"), "2026-05": D("100000.00"), "2026-06": D("100000.00")}
    # edit in place: May goes to 50,000, with the version the editor saw
    r = b.post(
        "/teams/marketing/budget/2026/lines",
        data={"line_id": line.id, "version": line.version, "category": "campaigns", "kind": "variable",
              "m4": "100000", "m5": "50000", "m6": "100000"},
        htmx=True,
    )  # fmt: skip
    assert r.status_code == 200 and 'id="budget_lines"' in r.get_data(as_text=True)
    # the same stale version again: 409, nothing written
    r = b.post(
        "/teams/marketing/budget/2026/lines",
        data={"line_id": line.id, "version": line.version, "category": "campaigns", "kind": "variable", "m5": "1"},
    )
    assert r.status_code == 409
    session.expire_all()
    assert session.exec(select(BudgetMonth).where(BudgetMonth.month == "2026-05")).one().amount == D("50000.00")
    # spend: 112,500 in April on the campaign (two entries), recorded by the member (R)
    mb = as_user(shop["member"])
    pid = shop["project"].id
    for amount, day in (("100000", "2026-04-10"), ("12500", "2026-04-20")):
        r = mb.post(f"/projects/{pid}/budget/spend", data={"spent_on": day, "amount": amount, "category": "campaigns"})
        assert r.status_code == 302
    review = b.get("/api/v1/budget/marketing/2026-04").get_json()
    assert (review["planned"], review["actual"], review["variance"]) == ("100000.00", "112500.00", "12500.00")
    html = b.get("/teams/marketing/budget/2026-04").get_data(as_text=True)
    assert "+12,500.00 (+12.5%)" in html and "over budget" in html and "<svg" in html
    # the company's review rolls the marketing team in
    company = b.get("/api/v1/budget/company/2026-Q2").get_json()
    assert company["planned"] == "250000.00" and company["actual"] == "112500.00"
    assert company["categories"] == [
        {"category": "campaigns", "kind": "variable", "planned": "250000.00", "actual": "112500.00"}
    ]


def test_forecast_is_a_straight_line_to_the_period_end(shop, as_user, make, session):
    today = date.today()
    month = f"{today:%Y-%m}"
    project = make.project(team=shop["team"], month=month, title="This month")
    first = today.replace(day=1)
    session.add(
        SpendEntry(team_id=shop["team"].id, project_id=project.id, spent_on=first, amount=D("3000"), category="ads")
    )
    session.commit()
    import calendar

    days = calendar.monthrange(today.year, today.month)[1]
    passed = today.day  # at the end of today
    expected = (D(3000) * days / passed).quantize(D("0.01"))
    html = as_user(shop["manager"]).get(f"/teams/marketing/budget/{month}").get_data(as_text=True)
    assert f"{expected:,.2f}" in html


def test_adjustment_asked_then_approved_by_the_manager_above(shop, as_user, session):
    b = as_user(shop["manager"])
    b.post("/teams/marketing/budget/2026/lines", data={"category": "rewards", "kind": "variable", "m5": "10000"})
    r = b.post(
        "/teams/marketing/budget/2026/adjustments",
        data={"category": "rewards", "month": "2026-05", "amount": "5000", "reason": "The campaign sells better"},
    )
    assert r.status_code == 302
    adj = session.exec(select(BudgetAdjustment)).one()
    assert adj.status == "pending"
    # the requester cannot approve their own; the member cannot either
    assert (
        b.post("/budget/adjustments/decide", data={"adjustment_id": adj.id, "decision": "approve"}).status_code == 403
    )
    assert "The campaign sells better" not in b.get("/owe").get_data(as_text=True)
    boss = as_user(shop["boss"])
    owe = boss.get("/owe").get_data(as_text=True)
    assert "The campaign sells better" in owe
    r = boss.post("/budget/adjustments/decide", data={"adjustment_id": adj.id, "decision": "approve", "version": 1})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(BudgetAdjustment, adj.id).status == "approved"
    may = session.exec(select(BudgetMonth).where(BudgetMonth.month == "2026-05")).one()
    assert may.amount == D("15000.00")
    # deciding again is refused
    r = boss.post("/budget/adjustments/decide", data={"adjustment_id": adj.id, "decision": "decline"})
    assert r.status_code == 409
    history = b.get("/teams/marketing/budget/2026/lines").get_data(as_text=True)
    assert "approved" in history and "15,000.00" in history


@pytest.mark.parametrize(
    "body, field",
    [
        ({"spent_on": "2026-04-10", "amount": "-5", "category": "ads"}, "amount"),
        ({"spent_on": "2026-04-10", "amount": "1.234", "category": "ads"}, "amount"),
        ({"spent_on": "2026-04-10", "amount": "1e15", "category": "ads"}, "amount"),
        ({"spent_on": "2027-04-10", "amount": "5", "category": "ads"}, "spent_on"),
        ({"spent_on": "2026-04-10", "amount": "5", "category": ""}, "category"),
    ],
)
def test_bad_spend_is_refused_by_its_field(shop, as_user, session, body, field):
    b = as_user(shop["manager"])
    r = b.post(f"/projects/{shop['project'].id}/budget/spend", json=body)
    assert r.status_code == 422
    assert field in r.get_json()["fields"]
    assert session.exec(select(SpendEntry)).all() == []
    page = b.post(f"/projects/{shop['project'].id}/budget/spend", data=body)
    assert page.status_code == 422 and 'aria-invalid="true"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "direct", "gmv": "100", "margin": "1.5"}, "margin"),
        ({"kind": "direct", "gmv": "100", "margin": "-0.1"}, "margin"),
        ({"kind": "indirect", "users": "10", "ltv": "-1"}, "ltv"),
        ({"kind": "brand", "impressions": "1000", "cpm": "-3"}, "cpm"),
        ({"kind": "brand", "impressions": "1000"}, "cpm"),
        ({"kind": "other"}, "amount"),
    ],
)
def test_bad_returns_are_refused_by_their_field(shop, as_user, session, body, field):
    r = as_user(shop["manager"]).post(f"/projects/{shop['project'].id}/budget/returns", json=body)
    assert r.status_code == 422 and field in r.get_json()["fields"]
    assert session.exec(select(ProjectReturn)).all() == []


def test_permissions(shop, as_user, make, session):
    pid = shop["project"].id
    viewer = as_user(shop["viewer"])
    assert viewer.get(f"/projects/{pid}/budget").status_code == 200
    assert viewer.get("/teams/marketing/budget/2026-Q2").status_code == 200
    assert (
        viewer.post(
            f"/projects/{pid}/budget/spend", data={"spent_on": "2026-04-01", "amount": "1", "category": "x"}
        ).status_code
        == 403
    )
    member = as_user(shop["member"])  # R: records spend, but plans no cost
    assert member.post(f"/projects/{pid}/budget/costs", data={"category": "x", "amount": "1"}).status_code == 403
    assert member.post("/teams/marketing/budget/2026/lines", data={"category": "x", "kind": "fixed"}).status_code == 403
    other_org = make.org(slug="rival")
    rival = make.user(
        team=make.team(org=other_org, slug="rival-team"), role="manager", email="r@rival.test", is_admin=True
    )
    rb = as_user(rival)
    assert rb.get(f"/projects/{pid}/budget").status_code == 404
    assert rb.get("/api/v1/budget/marketing/2026").status_code == 404
    assert (
        rb.post(
            f"/projects/{pid}/budget/spend", data={"spent_on": "2026-04-01", "amount": "1", "category": "x"}
        ).status_code
        == 404
    )
    assert session.exec(select(SpendEntry)).all() == [] and session.exec(select(ProjectCost)).all() == []


def test_both_languages(shop, as_user, session):
    user = shop["manager"]
    user.locale = "zh"
    session.add(user)
    session.commit()
    b = as_user(user)
    html = b.get("/teams/marketing/budget/2026-Q2").get_data(as_text=True)
    assert "预算复盘" in html and "按类别" in html
    assert "预算" in b.get(f"/projects/{shop['project'].id}/budget").get_data(as_text=True)
    r = b.post(f"/projects/{shop['project'].id}/budget/costs", json={"category": "x", "amount": "1.001"})
    assert "两位小数" in r.get_json()["fields"]["amount"][0]


def test_demo_super_brand_day_and_one_overspend(demo, app, as_user, session):
    from okr.core import periods
    from okr.seed.demo_budget import SUPER_BRAND_DAY

    project = session.exec(select(m.Project).where(m.Project.title == SUPER_BRAND_DAY)).one()
    manager = session.exec(select(m.User).where(m.User.email == "sun.li@example.com")).one()
    b = as_user(manager, "demo-password")
    panel = b.get(f"/projects/{project.id}/budget").get_data(as_text=True)
    assert "190%" in panel and "2,900,000.00" in panel and "1,000,000.00" in panel
    quarter = periods.quarter_of(date.today(), app.config["FISCAL_YEAR_START"])
    data = b.get(f"/api/v1/budget/marketing/{quarter}").get_json()
    (row,) = [p for p in data["projects"] if p["title"] == SUPER_BRAND_DAY]
    assert row == {
        "title": SUPER_BRAND_DAY,
        "planned": "1000000.00",
        "actual": "0.00",
        "returns": "2900000.00",
        "roi": 1.9,
    }
    assert data["projects"][0]["title"] == SUPER_BRAND_DAY  # the best ROI comes first
    month = periods.month_of(date.today())
    company = b.get(f"/api/v1/budget/company/{month}").get_json()
    over = [c["category"] for c in company["categories"] if D(c["actual"]) > D(c["planned"])]
    assert over == ["展会 Trade shows"]
    html = b.get(f"/teams/sales/budget/{month}").get_data(as_text=True)
    assert "over budget" in html
    # the one overspend is the trade show: marketing's quarter runs under plan, forecast included
    assert "overspend expected" not in b.get(f"/teams/marketing/budget/{quarter}").get_data(as_text=True)


def test_review_reads_a_constant_number_of_statements(shop, as_user, make, session, app):
    from statements import count_statements

    b = as_user(shop["manager"])

    def add(n):
        for i in range(n):
            p = make.project(team=shop["team"], month="2026-05", title=f"P{i}")
            session.add(ProjectCost(project_id=p.id, category="ads", amount=D(100)))
            for d in range(3):
                session.add(
                    SpendEntry(
                        team_id=shop["team"].id,
                        project_id=p.id,
                        spent_on=date(2026, 5, d + 1),
                        amount=D(50),
                        category="ads",
                    )
                )
            session.add(ProjectReturn(project_id=p.id, kind="other", amount=D(200)))
        session.commit()

    add(2)
    b.get("/teams/company/budget/2026-Q2")
    with count_statements(app) as few:
        assert b.get("/teams/company/budget/2026-Q2").status_code == 200
    add(10)
    with count_statements(app) as many:
        html = b.get("/teams/company/budget/2026-Q2").get_data(as_text=True)
    assert len(many) == len(few), many
    assert html.count('id="review-project-') == 13


def test_overspent_projects_for_the_attention_list(shop, session):
    from okr.budget import queries
    from okr.core import periods

    p = shop["project"]
    session.add(ProjectCost(project_id=p.id, category="ads", amount=D(100)))
    session.add(
        SpendEntry(
            team_id=shop["team"].id, project_id=p.id, spent_on=date(2026, 4, 2), amount=D("100.01"), category="ads"
        )
    )
    session.commit()
    found = queries.overspent_projects(session, {shop["company"].id, shop["team"].id}, periods.parse("2026-Q2"))
    assert found == [(p.id, "超级品牌日", shop["team"].id, D("100.00"), D("100.01"))]
    assert queries.overspent_projects(session, {shop["team"].id}, periods.parse("2026-Q3")) == []


def test_figures_for_the_monthly_report_and_the_project_review(shop, session):
    from okr.budget import queries
    from okr.core import periods

    p = shop["project"]
    for amount in (600000, 200000, 150000, 50000):
        session.add(ProjectCost(project_id=p.id, category="c", amount=D(amount)))
    session.add(ProjectReturn(project_id=p.id, kind="direct", gmv=D(5000000), margin=D("0.2")))
    session.add(ProjectReturn(project_id=p.id, kind="indirect", users=D(5000), ltv=D(200)))
    session.add(ProjectReturn(project_id=p.id, kind="brand", impressions=D(30000000), cpm=D(30)))
    line = BudgetLine(team_id=shop["team"].id, year=2026, category="ads", kind="variable")
    session.add(line)
    session.commit()
    session.add(BudgetMonth(line_id=line.id, month="2026-04", amount=D(1000)))
    session.add(SpendEntry(team_id=shop["team"].id, spent_on=date(2026, 4, 3), amount=D(1250), category="ads"))
    session.commit()
    assert queries.project_roi(session, project_id=p.id) == "(2,900,000.00 − 1,000,000.00) ÷ 1,000,000.00 = 190% (CNY)"
    ids = {shop["company"].id, shop["team"].id}
    assert (
        queries.month_summary(session, team_ids=ids, month=periods.parse("2026-04")) == "1,000.00 → 1,250.00 CNY (+25%)"
    )
    assert queries.month_summary(session, team_ids=ids, month=periods.parse("2026-07")) is None
