"""The history page reads like a person would tell it: translated actions and field labels, names
for people, teams and linked items, yes/no, dates in the reader's language, before and after;
events written by a command say so; the pages where people look at an item link to it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from okr.plans import ops as planning
from okr.raci import ops as raci_ops


def _history(b, item_type, item_id):
    resp = b.get(f"/history/{item_type}/{item_id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _rows(html):
    """(label, before, after) of every change row, tags stripped."""
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', html)
    return [tuple(re.sub(r"<[^>]+>", "", cell) for cell in row) for row in rows]


def test_a_task_history_names_people_teams_and_says_yes_no_and_dates(make, as_user, session):
    org = make.org()
    team = make.team(org=org, name="Content")
    other = make.team(org=org, name="Growth")
    manager = make.user(team=team, role="manager", name="Li Na")
    wang = make.user(team=team, name="Wang Wei")
    zhao = make.user(team=team, name="Zhao Min")
    task = make.task(team=team, assignee=wang, important=False, title="Write the brief")
    planning.update(
        session=session,
        actor_id=manager.id,
        org_id=org.id,
        item=task,
        expected_version=None,
        assignee_id=zhao.id,
        important=True,
        due_on=date(2026, 4, 30),
        team_id=other.id,
    )
    planning.archive(session=session, actor_id=manager.id, org_id=org.id, item=task)
    session.commit()

    html = _history(as_user(wang), "task", task.id)
    rows = _rows(html)
    assert ("Assignee", "Wang Wei", "Zhao Min") in rows
    assert ("Important", "no", "yes") in rows
    assert ("Due", "—", "Apr 30, 2026") in rows
    assert ("Team", "Content", "Growth") in rows
    assert ("Archived", "no", "yes") in rows
    assert any(label == "Archived at" and after.endswith(("AM", "PM")) for label, _b, after in rows)
    assert 'class="history-action">changed<' in html and 'class="history-action">archived<' in html
    assert "Li Na" in html
    # No raw column names, booleans, ids or ISO timestamps reach the reader.
    for raw in ("assignee_id", "team_id", "True", "False", "2026-04-30", f">{zhao.id}<", "update", "archive<"):
        assert raw not in html, raw


def test_the_history_speaks_chinese_to_a_chinese_reader(make, as_user, session):
    from okr.core import models as m

    org = make.org()
    team = make.team(org=org, name="内容平台部")
    li = make.user(team=team, role="manager", name="李娜")
    wang = make.user(team=team, name="王伟")
    task = make.task(team=team, assignee=li, important=False)
    planning.update(
        session=session,
        actor_id=li.id,
        org_id=org.id,
        item=task,
        expected_version=None,
        assignee_id=wang.id,
        important=True,
        due_on=date(2026, 4, 30),
        status="doing",
    )
    reader = session.get(m.User, wang.id)
    reader.locale = "zh"
    session.add(reader)
    session.commit()

    html = _history(as_user(wang), "task", task.id)
    rows = _rows(html)
    assert ("执行人", "李娜", "王伟") in rows
    assert ("重要", "否", "是") in rows
    assert ("截止日期", "—", "2026年4月30日") in rows
    assert ("状态", "待办", "进行中") in rows
    assert 'class="history-action">修改<' in html and "任务" in html
    for raw in ("Assignee", "changed", "todo", "doing<", "2026-04-30"):
        assert raw not in html, raw


def test_key_result_history_shows_raci_letters_links_and_numbers_as_typed(make, as_user, session):
    org = make.org()
    team = make.team(org=org)
    li = make.user(team=team, role="manager", name="Li Na")
    wang = make.user(team=team, name="Wang Wei")
    goal = make.goal(team=team, title="Grow the creator community")
    objective = make.objective(team=team, goal=goal, title="Make creators more active")
    kr = make.kr(objective=objective, title="Daily posts 1000 → 1300", start=1000, target=1300)
    raci_ops.set_raci(
        session=session, actor_id=li.id, org_id=org.id, key_result=kr, assignments={li.id: "A", wang.id: "R"}
    )
    planning.update(session=session, actor_id=li.id, org_id=org.id, item=kr, expected_version=None, target=1350)
    planning.check_in(
        session=session,
        actor_id=wang.id,
        org_id=org.id,
        kr=kr,
        value=Decimal("1080"),
        confidence=Decimal("0.7"),
        checked_on=date(2026, 4, 15),
    )
    session.commit()

    rows = _rows(_history(as_user(wang), "key_result", kr.id))
    assert ("RACI letters", "—", "R: Wang Wei · A: Li Na") in rows
    assert ("Confidence", "—", "70%") in rows
    assert ("Owner", "—", "Li Na") in rows  # the A makes Li Na the owner
    assert ("Target", "1300", "1350") in rows
    assert ("Current", "1000", "1080") in rows
    assert ("Last check-in", "—", "Apr 15, 2026") in rows

    project = make.project(team=team, title="Creator incentive programme")
    planning.update(
        session=session, actor_id=li.id, org_id=org.id, item=project, expected_version=None, key_result_id=kr.id
    )
    session.commit()
    assert ("Key result", "—", "Daily posts 1000 → 1300") in _rows(_history(as_user(wang), "project", project.id))


def test_a_new_item_lists_what_it_was_made_with_not_its_defaults(make, as_user, session):
    org = make.org()
    team = make.team(org=org, name="Content")
    li = make.user(team=team, role="manager", name="Li Na")
    from okr.core import models as m

    objective = planning.create(
        session=session,
        actor_id=li.id,
        org_id=org.id,
        model=m.Objective,
        team_id=team.id,
        quarter="2026-Q2",
        title="Make creators more active",
        kind="aspirational",
        owner_id=li.id,
    )
    session.commit()
    html = _history(as_user(li), "objective", objective.id)
    rows = _rows(html)
    assert 'class="history-action">created<' in html
    assert ("Title", "—", "Make creators more active") in rows
    assert ("Kind", "—", "aspirational") in rows
    assert ("Owner", "—", "Li Na") in rows and ("Team", "—", "Content") in rows
    assert not any(label in ("Place in the list", "Carry over", "Description") for label, _b, _a in rows)


def test_changes_made_by_a_command_say_so(make, as_user, session, demo):
    from sqlmodel import select

    from okr.core import models as m
    from okr.core.settings import DEMO_ORG_SLUG

    org = session.exec(select(m.Organisation).where(m.Organisation.slug == DEMO_ORG_SLUG)).one()
    kr = session.exec(select(m.KeyResult).join(m.Objective).join(m.Team).where(m.Team.org_id == org.id)).first()
    reader = session.exec(select(m.User).where(m.User.org_id == org.id, m.User.is_archived == False)).first()  # noqa: E712
    b = as_user(reader, password="demo-password")
    html = _history(b, "key_result", kr.id)
    assert "the demo seed (okr demo)" in html and "someone" not in html

    # Elsewhere, a change with no person behind it came from an okr command (okr import).
    team = make.team()
    person = make.user(team=team)
    goal = planning.create(
        session=session, actor_id=None, org_id=team.org_id, model=m.AnnualGoal, team_id=team.id, year=2026, title="Grow"
    )
    session.commit()
    assert "the system (an okr command)" in _history(as_user(person), "goal", goal.id)


def test_the_history_json_carries_labels_and_readable_values(make, as_user, session):
    team = make.team(name="Content")
    li = make.user(team=team, role="manager", name="Li Na")
    task = make.task(team=team, important=False)
    planning.update(
        session=session, actor_id=li.id, org_id=team.org_id, item=task, expected_version=None, important=True
    )
    session.commit()
    data = as_user(li).get(f"/history/task/{task.id}?format=json").get_json()
    event = data["events"][0]
    assert event["action"] == "update" and event["action_label"] == "changed" and event["who"] == "Li Na"
    assert {
        "field": "important",
        "label": "Important",
        "before": False,
        "after": True,
        "before_text": "no",
        "after_text": "yes",
    } in event["changes"]


def test_pages_that_show_an_item_link_to_its_history(make, as_user, session):
    team = make.team(slug="content")
    li = make.user(team=team, role="manager")
    objective = make.objective(team=team, quarter="2026-Q2")
    kr = make.kr(objective=objective)
    task = make.task(team=team, assignee=li, week="2026-W16")
    b = as_user(li)

    links = {
        f"/key-results/{kr.id}": f"/history/key_result/{kr.id}",
        "/teams/content/plan/2026-Q2": f"/history/objective/{objective.id}",
        "/week/2026-W16": f"/history/task/{task.id}",
    }
    for page, link in links.items():
        html = b.get(page).get_data(as_text=True)
        assert f'href="{link}"' in html, page
        assert b.get(link).status_code == 200
    assert f'href="/history/key_result/{kr.id}"' in b.get("/teams/content/plan/2026-Q2").get_data(as_text=True)
    # A reader who may not edit still finds the history from the plan.
    viewer = make.user(team=team, role="viewer")
    assert f'href="/history/objective/{objective.id}"' in as_user(viewer).get("/teams/content/plan/2026-Q2").get_data(
        as_text=True
    )
