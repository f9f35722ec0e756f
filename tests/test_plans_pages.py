"""The plan pages: year, quarter and month plans, full page or fragment, and the KR page."""

from __future__ import annotations

import pytest


@pytest.fixture
def plan(make):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", name="Li Na")
    member = make.user(team=team, role="member", name="Wang Qiang")
    goal = make.goal(team=team, year=2026, title="Grow the creator community", owner_id=manager.id)
    obj = make.objective(team=team, goal=goal, quarter="2026-Q2", title="Make creators more active", owner_id=manager.id)
    kr = make.kr(objective=obj, title="Daily posts from 1000 to 1300", start=1000, target=1300, unit="posts")
    project = make.project(kr=kr, month="2026-04", title="Creator incentive programme", owner_id=member.id)
    make.task(project=project, assignee=member, week="2026-W16", title="Write the brief")
    make.raci(member, "R", kr=kr)
    make.raci(manager, "A", kr=kr)
    return {"team": team, "manager": manager, "member": member, "goal": goal, "objective": obj, "kr": kr, "project": project}


def test_quarter_page_shows_objectives_krs_and_projects(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.get("/teams/content/plan/2026-Q2")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<html" in html
    assert "Make creators more active" in html
    assert "Daily posts from 1000 to 1300" in html
    assert "Creator incentive programme" in html
    assert f'id="kr-{plan["kr"].id}"' in html
    assert "Grow the creator community" in html  # the aligned goal
    assert "HX-Request" in resp.headers["Vary"]


def test_quarter_page_as_fragment_for_htmx(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.get("/teams/content/plan/2026-Q2", headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'id="plan_body"' in html and "<html" not in html
    assert "Daily posts" in html


def test_year_page_shows_goals_with_aligned_objectives_of_every_team(plan, make, as_user):
    other = make.team(org=None, slug="data") if False else None
    from okr import models as m
    sub = make.team(org=make.s.get(m.Organisation, plan["team"].org_id), parent=plan["team"], slug="sub", name="Sub team")
    make.objective(team=sub, goal=plan["goal"], quarter="2026-Q3", title="Sub team helps creators")
    b = as_user(plan["manager"])
    html = b.get("/teams/content/plan/2026").get_data(as_text=True)
    assert "Grow the creator community" in html
    assert "Make creators more active" in html
    assert "Sub team helps creators" in html and "Sub team" in html
    assert "2026-Q1" in html and "2026-Q4" in html  # down to the quarters


def test_month_page_shows_projects_with_tasks_by_week(plan, as_user):
    b = as_user(plan["member"])
    html = b.get("/teams/content/plan/2026-04").get_data(as_text=True)
    assert "Creator incentive programme" in html
    assert "2026-W16" in html and "Write the brief" in html
    assert "Daily posts from 1000 to 1300" in html  # the KR it moves
    assert "Add a project" not in html  # a member does not plan


def test_period_navigation_and_team_switcher(plan, as_user):
    html = as_user(plan["manager"]).get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    for href in ("/teams/content/plan/2026-Q1", "/teams/content/plan/2026-Q3", "/teams/content/plan/2026",
                 "/teams/content/plan/2026-04", "/teams/content/plan/2026-05", "/teams/content/plan/2026-06"):
        assert f'href="{href}"' in html
    html = as_user(plan["manager"]).get("/teams/content/plan/2026-05").get_data(as_text=True)
    assert 'href="/teams/content/plan/2026-04"' in html and 'href="/teams/content/plan/2026-Q2"' in html


@pytest.mark.parametrize("period", ["2026-W21", "nonsense", "2026-Q9", "99999"])
def test_bad_periods_are_404(plan, as_user, period):
    assert as_user(plan["manager"]).get(f"/teams/content/plan/{period}").status_code == 404


def test_other_organisations_team_is_404(plan, make, as_user):
    stranger = make.user(team=make.team(slug="elsewhere"), role="manager")
    assert as_user(stranger).get("/teams/content/plan/2026-Q2").status_code == 404


def test_page_loads_in_a_few_queries(plan, make, app, as_user):
    """More objectives, KRs and projects do not mean more queries."""
    import sqlalchemy as sa

    from okr.db import get_engine

    b = as_user(plan["manager"])

    def count():
        n = [0]

        def on(*a, **k):
            n[0] += 1

        engine = get_engine(app.config["DATABASE_URL"])
        sa.event.listen(engine, "before_cursor_execute", on)
        try:
            assert b.get("/teams/content/plan/2026-Q2").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", on)
        return n[0]

    before = count()
    for i in range(5):
        o = make.objective(team=plan["team"], goal=plan["goal"], title=f"Objective {i}")
        for j in range(3):
            k = make.kr(objective=o, title=f"KR {i}.{j}")
            make.project(kr=k, month="2026-05", title=f"Project {i}.{j}")
    after = count()
    assert after == before, (before, after)


def test_kr_page_shows_history_table_and_chart(plan, make, as_user, session):
    from datetime import date
    from decimal import Decimal

    from okr import models as m

    kr = plan["kr"]
    for d, v in ((date(2026, 4, 10), 1050), (date(2026, 4, 24), 1100)):
        session.add(m.CheckIn(key_result_id=kr.id, checked_on=d, value=Decimal(v), confidence=Decimal("0.7"), note=f"note {v}"))
    session.commit()
    html = as_user(plan["member"]).get(f"/key-results/{kr.id}").get_data(as_text=True)
    assert "<svg" in html and 'class="target-line"' in html and 'class="pace-line"' in html
    assert 'class="value-line"' in html
    assert "note 1050" in html and "note 1100" in html
    assert html.count('class="check-in"') == 2
    assert f'id="check-in-{kr.id}"' in html  # the member is R: may check in


def test_viewer_sees_no_edit_controls(plan, make, as_user):
    viewer = make.user(team=plan["team"], role="viewer")
    html = as_user(viewer).get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    assert "Add an objective" not in html and ">Edit<" not in html
    html = as_user(viewer).get(f"/key-results/{plan['kr'].id}").get_data(as_text=True)
    assert f'id="check-in-{plan["kr"].id}"' not in html


def test_demo_plans_render_for_the_demo_manager(demo, as_user, session):
    from datetime import date

    from okr import periods
    from okr.demo import DEMO_PASSWORD

    from sqlmodel import select

    from okr import models as m

    li = session.exec(select(m.User).where(m.User.email == "li@example.com")).one()
    b = as_user(li, password=DEMO_PASSWORD)
    today = date.today()
    for period in (periods.year_of(today), periods.quarter_of(today), periods.month_of(today)):
        resp = b.get(f"/teams/content/plan/{period}")
        assert resp.status_code == 200, (period, resp.get_data(as_text=True)[:500])
    html = b.get(f"/teams/content/plan/{periods.quarter_of(today)}").get_data(as_text=True)
    assert 'class="kr' in html and "Add a key result" in html
