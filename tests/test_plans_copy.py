"""Copy forward: unfinished objectives to the next quarter, projects to the next month. A copy
carries its RACI letters, an unfinished key result starts where the original stands, an item is
never copied twice into the same period, and copy and original link to each other."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.plans import ops as planning


@pytest.fixture
def plan(make):
    team = make.team(slug="content", name="Content")
    manager = make.user(team=team, role="manager", name="Li Na")
    member = make.user(team=team, role="member", name="Wang Qiang")
    helper = make.user(team=team, role="member", name="Zhao Min")
    goal = make.goal(team=team, year=2026, title="Grow the creator community")
    obj = make.objective(
        team=team, goal=goal, quarter="2026-Q2", title="Make creators more active", owner_id=manager.id
    )
    kr = make.kr(
        objective=obj,
        title="Daily posts from 1000 to 1300",
        start=1000,
        target=1300,
        current=1120,
        unit="posts",
        weight=2,
        owner_id=manager.id,
    )
    done = make.kr(objective=obj, title="Launch the creator levels", start=0, target=1, current=1)
    make.raci(manager, "A", kr=kr)
    make.raci(member, "R", kr=kr)
    make.raci(helper, "C", kr=kr)
    project = make.project(kr=kr, month="2026-06", title="Creator incentive programme", owner_id=manager.id)
    make.raci(manager, "A", project=project)
    make.raci(member, "R", project=project)
    make.raci(helper, "I", project=project)
    return {
        "team": team,
        "manager": manager,
        "member": member,
        "helper": helper,
        "objective": obj,
        "kr": kr,
        "done": done,
        "project": project,
    }


def letters(session, **item):
    ((column, value),) = item.items()
    session.expire_all()
    rows = session.exec(select(m.RaciAssignment).where(getattr(m.RaciAssignment, column) == value)).all()
    return sorted((r.letter, r.user_id) for r in rows)


def copy_quarter(b, *ids, htmx=True):
    return b.post("/teams/content/plan/2026-Q2/copy", data={"ids": [str(i) for i in ids]}, htmx=htmx)


def test_copied_key_results_carry_raci_and_start_where_the_original_stands(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = copy_quarter(b, plan["objective"].id)
    assert resp.status_code == 200 and "Copied 1 item(s) to 2026-Q3." in resp.get_data(as_text=True)
    copy = session.exec(select(m.Objective).where(m.Objective.quarter == "2026-Q3")).one()
    assert (copy.copied_from_id, copy.owner_id) == (plan["objective"].id, plan["manager"].id)
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.objective_id == copy.id)).one()  # the done KR stays
    original = plan["kr"]
    assert kr.copied_from_id == original.id
    # a key result carried into a new quarter starts where the old one stands, aiming at the same target
    assert (kr.start, kr.current, kr.target) == (Decimal(1120), Decimal(1120), Decimal(1300))
    assert (kr.unit, kr.weight, kr.owner_id) == ("posts", Decimal(2), plan["manager"].id)
    assert (
        letters(session, key_result_id=kr.id)
        == letters(session, key_result_id=original.id)
        == sorted([("A", plan["manager"].id), ("R", plan["member"].id), ("C", plan["helper"].id)])
    )
    assert session.exec(select(m.CheckIn).where(m.CheckIn.key_result_id == kr.id)).all() == []


def test_copied_projects_carry_raci(plan, as_user, session):
    p = plan["project"]
    resp = as_user(plan["manager"]).post("/teams/content/plan/2026-06/copy", data={"ids": [str(p.id)]})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/teams/content/plan/2026-07")
    copy = session.exec(select(m.Project).where(m.Project.month == "2026-07")).one()
    assert (copy.copied_from_id, copy.status, copy.owner_id) == (p.id, "planned", plan["manager"].id)
    assert (
        letters(session, project_id=copy.id)
        == letters(session, project_id=p.id)
        == sorted([("A", plan["manager"].id), ("R", plan["member"].id), ("I", plan["helper"].id)])
    )
    # July is in the next quarter and the KR was not copied there: the copy moves no KR
    assert copy.key_result_id is None


def test_a_project_copied_past_the_quarter_moves_its_krs_copy(plan, as_user, session):
    b = as_user(plan["manager"])
    copy_quarter(b, plan["objective"].id)
    kr_copy = session.exec(select(m.KeyResult).where(m.KeyResult.copied_from_id == plan["kr"].id)).one()
    b.post("/teams/content/plan/2026-06/copy", data={"ids": [str(plan["project"].id)]})
    copy = session.exec(select(m.Project).where(m.Project.month == "2026-07")).one()
    assert copy.key_result_id == kr_copy.id


def test_an_objective_is_not_copied_twice(plan, make, as_user, session):
    other = make.objective(team=plan["team"], quarter="2026-Q2", title="Ship the creator app")
    b = as_user(plan["manager"])
    assert copy_quarter(b, plan["objective"].id).status_code == 200
    copy = session.exec(select(m.Objective).where(m.Objective.quarter == "2026-Q3")).one()
    # the panel shows it as copied, with a link to the copy, and offers only the other one
    panel = b.get("/teams/content/plan/2026-Q2/copy", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'name="ids" value="{other.id}" checked' in panel
    assert f'value="{plan["objective"].id}"' not in panel
    assert "Already copied to 2026-Q3" in panel
    assert f'href="/teams/content/plan/2026-Q3#objective-{copy.id}"' in panel
    # a second post of the same id (another tab, a replay) copies nothing
    for htmx in (True, False):
        resp = copy_quarter(b, plan["objective"].id, other.id, htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422
        assert "Already copied to 2026-Q3: “Make creators more active”." in html
    assert len(session.exec(select(m.Objective).where(m.Objective.quarter == "2026-Q3")).all()) == 1
    resp = b.post(
        "/teams/content/plan/2026-Q2/copy", json={"ids": [plan["objective"].id]}, headers={"Accept": "application/json"}
    )
    assert resp.status_code == 422 and "ids" in resp.get_json()["fields"]
    # an archived copy no longer counts: the original is offered again
    planning.archive(session=session, actor_id=None, org_id=plan["team"].org_id, item=session.get(m.Objective, copy.id))
    session.commit()
    panel = b.get("/teams/content/plan/2026-Q2/copy").get_data(as_text=True)
    assert f'name="ids" value="{plan["objective"].id}" checked' in panel


def test_a_project_is_not_copied_twice(plan, as_user, session):
    b = as_user(plan["manager"])
    p = plan["project"]
    assert b.post("/teams/content/plan/2026-06/copy", data={"ids": [str(p.id)]}).status_code == 303
    copy = session.exec(select(m.Project).where(m.Project.month == "2026-07")).one()
    panel = b.get("/teams/content/plan/2026-06/copy").get_data(as_text=True)
    assert "Nothing left to copy." in panel and f'href="/teams/content/plan/2026-07#project-{copy.id}"' in panel
    resp = b.post("/teams/content/plan/2026-06/copy", data={"ids": [str(p.id)]})
    assert resp.status_code == 422 and "Already copied to 2026-07" in resp.get_data(as_text=True)
    assert len(session.exec(select(m.Project).where(m.Project.month == "2026-07")).all()) == 1


def test_plans_link_copies_and_originals(plan, as_user, session):
    b = as_user(plan["manager"])
    copy_quarter(b, plan["objective"].id)
    b.post("/teams/content/plan/2026-06/copy", data={"ids": [str(plan["project"].id)]})
    obj_copy = session.exec(select(m.Objective).where(m.Objective.quarter == "2026-Q3")).one()
    kr_copy = session.exec(select(m.KeyResult).where(m.KeyResult.objective_id == obj_copy.id)).one()
    project_copy = session.exec(select(m.Project).where(m.Project.month == "2026-07")).one()
    q3 = b.get("/teams/content/plan/2026-Q3").get_data(as_text=True)
    assert f'href="/teams/content/plan/2026-Q2#objective-{plan["objective"].id}">copied from 2026-Q2</a>' in q3
    assert f'href="/key-results/{plan["kr"].id}">copied</a>' in q3
    assert f'href="/teams/content/plan/2026-06#project-{plan["project"].id}">copied from 2026-06</a>' in q3
    q2 = b.get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    assert f'href="/teams/content/plan/2026-Q3#objective-{obj_copy.id}">copied to 2026-Q3</a>' in q2
    assert f'href="/teams/content/plan/2026-07#project-{project_copy.id}">copied to 2026-07</a>' in q2
    june = b.get("/teams/content/plan/2026-06").get_data(as_text=True)
    assert f'href="/teams/content/plan/2026-07#project-{project_copy.id}">copied to 2026-07</a>' in june
    july = b.get("/teams/content/plan/2026-07").get_data(as_text=True)
    assert f'href="/teams/content/plan/2026-06#project-{plan["project"].id}">copied from 2026-06</a>' in july
    assert kr_copy.copied_from_id == plan["kr"].id


def test_a_kr_measured_by_its_projects_is_unfinished_until_they_are_done(plan, make, as_user):
    """Whether an objective is unfinished follows each KR's own measure: a KR that takes its
    progress from projects is done when its projects' tasks are, whatever its current value."""
    obj = make.objective(team=plan["team"], quarter="2026-Q2", title="Run the creator festival")
    kr = make.kr(objective=obj, title="Festival ready", start=0, target=1, current=1, progress_from="projects")
    project = make.project(kr=kr, month="2026-05", title="Festival logistics")
    make.task(project=project, week="2026-W20", status="done")
    make.task(project=project, week="2026-W21", status="todo")
    b = as_user(plan["manager"])
    panel = b.get("/teams/content/plan/2026-Q2/copy").get_data(as_text=True)
    assert "Run the creator festival" in panel
