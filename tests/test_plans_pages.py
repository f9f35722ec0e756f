"""The plan pages: year, quarter and month plans, full page or fragment, and the KR page."""

from __future__ import annotations

import pytest
from statements import count_statements


@pytest.fixture
def plan(make):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", name="Li Na")
    member = make.user(team=team, role="member", name="Wang Qiang")
    goal = make.goal(team=team, year=2026, title="Grow the creator community", owner_id=manager.id)
    obj = make.objective(
        team=team, goal=goal, quarter="2026-Q2", title="Make creators more active", owner_id=manager.id
    )
    kr = make.kr(objective=obj, title="Daily posts from 1000 to 1300", start=1000, target=1300, unit="posts")
    project = make.project(kr=kr, month="2026-04", title="Creator incentive programme", owner_id=member.id)
    make.task(project=project, assignee=member, week="2026-W16", title="Write the brief")
    make.raci(member, "R", kr=kr)
    make.raci(manager, "A", kr=kr)
    return {
        "team": team,
        "manager": manager,
        "member": member,
        "goal": goal,
        "objective": obj,
        "kr": kr,
        "project": project,
    }


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

    from okr.core import models as m

    sub = make.team(
        org=make.s.get(m.Organisation, plan["team"].org_id), parent=plan["team"], slug="sub", name="Sub team"
    )
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
    for href in (
        "/teams/content/plan/2026-Q1",
        "/teams/content/plan/2026-Q3",
        "/teams/content/plan/2026",
        "/teams/content/plan/2026-04",
        "/teams/content/plan/2026-05",
        "/teams/content/plan/2026-06",
    ):
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
    b = as_user(plan["manager"])

    def count():
        with count_statements(app) as seen:
            assert b.get("/teams/content/plan/2026-Q2").status_code == 200
        return len(seen)

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

    from okr.core import models as m
    from okr.plans import ops

    kr = session.get(m.KeyResult, plan["kr"].id)
    for d, v in ((date(2026, 4, 10), 1050), (date(2026, 4, 24), 1100)):
        ops.check_in(session=session, actor_id=None, org_id=plan["team"].org_id, kr=kr, value=Decimal(v),
                     confidence=Decimal("0.7"), note=f"note {v}", checked_on=d)  # fmt: skip
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

    from sqlmodel import select

    from okr.core import models as m
    from okr.core import periods
    from okr.seed.demo import DEMO_PASSWORD

    li = session.exec(select(m.User).where(m.User.email == "li@example.com")).one()
    b = as_user(li, password=DEMO_PASSWORD)
    today = date.today()
    for period in (periods.year_of(today), periods.quarter_of(today), periods.month_of(today)):
        resp = b.get(f"/teams/content/plan/{period}")
        assert resp.status_code == 200, (period, resp.get_data(as_text=True)[:500])
    html = b.get(f"/teams/content/plan/{periods.quarter_of(today)}").get_data(as_text=True)
    assert 'class="kr' in html and "Add a key result" in html


# --- project progress, RACI names, the check-in button, goals that support a goal -------------------


def _progress_span(html, project_id):
    """The text of a project's progress, tags stripped."""
    import re

    row = html.split(f'id="project-{project_id}"')[1].split('class="plan-badges"')[0]
    row = row.split('<span class="project-progress"')[1].split('<span class="owner"')[0].split('<span class="moves"')[0]
    return " ".join(re.sub(r"<[^>]+>", " ", row.split(">", 1)[1]).split())


def test_quarter_and_month_pages_show_each_projects_progress(plan, make, as_user):
    project = plan["project"]  # already has one todo task (W16)
    for status in ("done", "done", "dropped"):
        make.task(project=project, assignee=plan["member"], week="2026-W17", title=f"A {status} task", status=status)
    estimated = make.project(kr=plan["kr"], month="2026-05", title="Creator school")
    make.task(project=estimated, week="2026-W19", title="Lesson plan", status="done", estimate=3)
    make.task(project=estimated, week="2026-W20", title="Record lessons", status="doing", estimate=1)
    empty = make.project(kr=plan["kr"], month="2026-05", title="Not started")
    b = as_user(plan["member"])
    quarter = b.get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    # done / live tasks, dropped ones not counted: 2 of 3
    text = _progress_span(quarter, project.id)
    assert "67%" in text and "2 of 3 tasks" in text and "1 dropped, not counted" in text
    assert 'data-done="2" data-live="3"' in quarter
    # every live task estimated: by estimate, 3 of 4 → 75%
    text = _progress_span(quarter, estimated.id)
    assert "75%" in text and "by estimate" in text and "1 of 2 tasks" in text
    assert "no tasks yet" in _progress_span(quarter, empty.id)
    april = b.get("/teams/content/plan/2026-04").get_data(as_text=True)
    assert "67%" in _progress_span(april, project.id) and "2 of 3 tasks" in _progress_span(april, project.id)
    may = b.get("/teams/content/plan/2026-05").get_data(as_text=True)
    assert "75%" in _progress_span(may, estimated.id)


def test_month_page_loads_in_a_few_queries_whatever_the_number_of_projects(plan, make, app, as_user):
    b = as_user(plan["manager"])

    def count():
        with count_statements(app) as seen:
            assert b.get("/teams/content/plan/2026-04").status_code == 200
        return len(seen)

    before = count()
    for i in range(6):
        p = make.project(kr=plan["kr"], month="2026-04", title=f"Project {i}", copied_from_id=plan["project"].id)
        make.task(project=p, week="2026-W15", status="done")
        make.task(project=p, week="2026-W16", status="dropped")
        make.raci(plan["member"], "R", project=p)
    assert count() == before


def test_raci_letters_name_their_holders(plan, make, as_user):
    consulted = make.user(team=plan["team"], role="member", name="Chen Jing")
    informed = make.user(team=plan["team"], role="viewer", name="Sun Yue")
    make.raci(consulted, "C", kr=plan["kr"])
    make.raci(informed, "I", project=plan["project"])
    b = as_user(plan["manager"])
    for period in ("2026-Q2", "2026-04"):
        html = b.get(f"/teams/content/plan/{period}").get_data(as_text=True)
        assert '<abbr class="raci raci-I" title="Sun Yue">I</abbr>' in html
    quarter = b.get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    assert '<abbr class="raci raci-C" title="Chen Jing">C</abbr>' in quarter
    assert '<abbr class="raci raci-R" title="Wang Qiang">R</abbr>' in quarter
    assert 'class="raci raci-' in quarter and 'title="">' not in quarter


def test_check_in_button_only_where_the_person_may_check_in(plan, make, as_user):
    other_kr = make.kr(
        objective=plan["objective"], title="Weekly active creators from 200 to 500", start=200, target=500
    )
    check_in = "/check-in?return_to=row"
    html = as_user(plan["member"]).get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    assert f"/key-results/{plan['kr'].id}{check_in}" in html  # the member is R on it
    assert f"/key-results/{other_kr.id}{check_in}" not in html  # no letter: no button
    assert as_user(plan["member"]).get(f"/key-results/{other_kr.id}/check-in").status_code == 403
    viewer = make.user(team=plan["team"], role="viewer")
    make.raci(viewer, "I", kr=other_kr)
    assert check_in not in as_user(viewer).get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    html = as_user(plan["manager"]).get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    assert f"/key-results/{plan['kr'].id}{check_in}" in html and f"/key-results/{other_kr.id}{check_in}" in html
    # the row a member gets back after checking in keeps the button
    resp = as_user(plan["member"]).post(
        f"/key-results/{plan['kr'].id}/check-ins", htmx=True, data={"value": "1100", "return_to": "row"}
    )
    assert resp.status_code == 200 and f"/key-results/{plan['kr'].id}{check_in}" in resp.get_data(as_text=True)


def test_year_page_shows_other_teams_goals_under_the_goal_they_support(plan, make, as_user):
    from okr.core import models as m

    org = make.s.get(m.Organisation, plan["team"].org_id)
    data = make.team(org=org, parent=plan["team"], slug="data", name="Data team")
    owner = make.user(team=data, role="manager", name="Zhou Lan")
    supporting = make.goal(
        team=data, year=2026, title="Trustworthy creator metrics", parent_goal_id=plan["goal"].id, owner_id=owner.id
    )
    make.goal(team=data, year=2026, title="An archived helper", parent_goal_id=plan["goal"].id, is_archived=True)
    html = as_user(plan["manager"]).get("/teams/content/plan/2026").get_data(as_text=True)
    goal_card = html.split(f'id="goal-{plan["goal"].id}"')[1].split("</article>")[0]
    assert "Goals of other teams that support it" in goal_card
    assert f'href="/teams/data/plan/2026#goal-{supporting.id}">Trustworthy creator metrics</a>' in goal_card
    assert "Data team" in goal_card and "Zhou Lan" in goal_card
    assert "An archived helper" not in html
    # and the data team's year page says which goal its goal supports
    html = as_user(plan["manager"]).get("/teams/data/plan/2026").get_data(as_text=True)
    assert "↗ Grow the creator community" in html
