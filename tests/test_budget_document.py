"""The plan document's budget sections: bad rows named by their path, and export → import gives
the same review (okr.budget.document with okr.budget.ops.apply_* and okr.budget.queries.export_*)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from sqlmodel import select

from okr.budget import document, ops, queries
from okr.core import models as m

BUDGETS = [
    {
        "team": "marketing",
        "year": 2026,
        "lines": [
            {"category": "活动 Campaigns", "kind": "variable", "months": {"2026-04": 1050000, "2026-05": "80000.50"}},
            {"category": "人力 People", "kind": "fixed", "months": {"2026-04": 90000, "2026-05": 90000}},
        ],
    }
]
PROJECT_BUDGET = {
    "lines": [
        {"category": "平台流量", "amount": 600000},
        {"category": "KOL", "amount": 200000},
        {"category": "用户奖励", "amount": 150000},
        {"category": "制作", "amount": 50000, "note": "视频"},
    ],
    "spend": [{"date": "2026-04-10", "amount": "1012345.67", "category": "活动 Campaigns", "author": "a@x.test"}],
    "returns": [
        {"kind": "direct", "gmv": 5000000, "margin": 0.2},
        {"kind": "indirect", "users": 5000, "ltv": 200},
        {"kind": "brand", "impressions": 30000000, "cpm": 30},
        {"kind": "other", "amount": "1234.56", "note": "PR"},
    ],
}


@pytest.mark.parametrize(
    "section, path",
    [
        (
            [{"team": "t", "year": 2026, "lines": [{"category": "c", "months": {"2026-13": 1}}]}],
            "budgets[0].lines[0].months.2026-13",
        ),
        (
            [{"team": "t", "year": 2026, "lines": [{"category": "c", "months": {"2027-01": 1}}]}],
            "budgets[0].lines[0].months.2027-01",
        ),
        (
            [{"team": "t", "year": 2026, "lines": [{"category": "c", "months": {"2026-01": -1}}]}],
            "budgets[0].lines[0].months.2026-01",
        ),
        (
            [{"team": "t", "year": 2026, "lines": [{"category": "c", "months": {"2026-01": 1.005}}]}],
            "budgets[0].lines[0].months.2026-01",
        ),
        ([{"team": "t", "year": 2026, "lines": [{"category": "c", "kind": "sometimes"}]}], "budgets[0].lines[0].kind"),
        ([{"team": "t", "year": "next", "lines": []}], "budgets[0].year"),
        ([{"team": "t", "year": 2026, "lines": [], "colour": "red"}], "budgets[0].colour"),
    ],
)
def test_bad_budget_rows_are_named_by_path(section, path):
    specs, issues = document.parse_budgets(section)
    assert path in [p for p, _msg in issues]


@pytest.mark.parametrize(
    "change, path",
    [
        ({"returns": [{"kind": "direct", "gmv": 1, "margin": 1.2}]}, "p.budget.returns[0].margin"),
        ({"returns": [{"kind": "indirect", "users": 1, "ltv": -1}]}, "p.budget.returns[0].ltv"),
        ({"returns": [{"kind": "brand", "impressions": 1, "cpm": -1}]}, "p.budget.returns[0].cpm"),
        ({"returns": [{"kind": "brand", "impressions": 1}]}, "p.budget.returns[0].cpm"),
        ({"spend": [{"date": "2027-01-01", "amount": 1, "category": "c"}]}, "p.budget.spend[0].date"),
        ({"spend": [{"date": "2026-04-01", "amount": 0, "category": "c"}]}, "p.budget.spend[0].amount"),
        ({"lines": [{"category": "c", "amount": "1e20"}]}, "p.budget.lines[0].amount"),
    ],
)
def test_bad_project_budget_rows_are_named_by_path(change, path):
    _spec, issues = document.parse_project_budget(
        change, start=date(2026, 1, 1), end=date(2026, 12, 31), path="p.budget"
    )
    assert path in [p for p, _msg in issues]


def _world(make, slug):
    org = make.org(slug=slug)
    company = make.team(org=org, slug="company", kind="company")
    team = make.team(org=org, parent=company, slug="marketing")
    user = make.user(team=team, role="manager", email=f"a@{slug}.test" if slug != "one" else "a@x.test")
    project = make.project(team=team, month="2026-04", title="超级品牌日")
    return org, company, team, user, project


def _review(session, org, company, team):
    from okr.core import periods

    period = periods.parse("2026-Q2")
    data = queries.review(session, company, {company.id, team.id}, period, today=date(2026, 6, 30), org_id=org.id)
    from okr.budget.views import review_json

    return review_json(data)


def test_export_then_import_gives_the_same_review(make, session):
    org, company, team, user, project = _world(make, "one")
    specs, issues = document.parse_budgets(BUDGETS)
    assert issues == []
    ops.apply_budgets(session=session, actor_id=user.id, org_id=org.id, specs=specs, team_ids={"marketing": team.id})
    spec, issues = document.parse_project_budget(
        PROJECT_BUDGET, start=date(2026, 1, 1), end=date(2026, 12, 31), path="p"
    )
    assert issues == []
    ops.apply_project_budget(session=session, actor_id=user.id, org_id=org.id, project=project, spec=spec,
                             user_ids={"a@x.test": user.id})  # fmt: skip
    session.commit()
    first = _review(session, org, company, team)
    assert first["projects"][0]["returns"] == "2901234.56"
    assert first["planned"] == "1310000.50"

    exported = {
        "budgets": document.budgets_section(
            queries.export_budgets(session, {company.id: "company", team.id: "marketing"})
        ),
        "budget": document.project_budget_section(*queries.export_project_budget(session, project)),
    }
    text = json.dumps(exported, ensure_ascii=False)  # it survives JSON
    again = json.loads(text)
    assert again["budgets"] == BUDGETS
    org2, company2, team2, user2, project2 = _world(make, "two")
    specs, issues = document.parse_budgets(again["budgets"])
    spec, issues2 = document.parse_project_budget(
        again["budget"], start=date(2026, 1, 1), end=date(2026, 12, 31), path="p"
    )
    assert issues == issues2 == []
    ops.apply_budgets(session=session, actor_id=None, org_id=org2.id, specs=specs, team_ids={"marketing": team2.id})
    ops.apply_project_budget(session=session, actor_id=None, org_id=org2.id, project=project2, spec=spec)
    session.commit()
    assert _review(session, org2, company2, team2) == first
    # importing the same lines again changes nothing
    ops.apply_budgets(session=session, actor_id=None, org_id=org2.id, specs=specs, team_ids={"marketing": team2.id})
    session.commit()
    assert _review(session, org2, company2, team2) == first
    assert len(session.exec(select(m.AuditEvent).where(m.AuditEvent.org_id == org2.id)).all()) > 0
    assert D(first["actual"]) == D("1012345.67")
