"""A project whose spend went past its planned cost is flagged in the rollup's attention list, by
team, in plain words, and opens its budget panel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from okr.budget import ops as budget_ops


def test_overspent_project_is_in_the_attention_list(make, session, as_user):
    org = make.org(slug="acme")
    co = make.team(org=org, slug="acme", name="Acme")
    mkt = make.team(org=org, slug="mkt", name="Marketing", parent=co)
    boss = make.user(team=co, role="manager", email="boss@example.com")
    goal = make.goal(team=mkt, year=2026, title="Grow brand reach")
    obj = make.objective(team=mkt, goal=goal, quarter="2026-Q2", title="Run the spring campaign")
    kr = make.kr(objective=obj, title="Reach from 0 to 100", start=0, target=100)
    project = make.project(team=mkt, kr=kr, month="2026-05", title="Trade show booth")
    budget_ops.add_cost(
        session=session, actor_id=boss.id, org_id=org.id, project_id=project.id, category="Booth",
        amount=Decimal("40000"), note="",
    )  # fmt: skip
    budget_ops.add_spend(
        session=session, actor_id=boss.id, org_id=org.id, team_id=mkt.id, project_id=project.id,
        spent_on=date(2026, 5, 10), amount=Decimal("52000"), category="Booth", note="", author_id=boss.id,
    )  # fmt: skip
    session.commit()
    html = as_user(boss).get("/rollup/2026-Q2").get_data(as_text=True)
    item = html[html.index("Trade show booth") - 400 : html.index("Trade show booth") + 400]
    assert "spent 52,000.00 of its planned 40,000.00 (30% over)" in item
    assert f"/projects/{project.id}/budget" in item
