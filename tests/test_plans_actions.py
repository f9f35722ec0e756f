"""Edits on the plan pages: create, update, reorder, archive and restore, as htmx fragments and
as plain form posts; validation messages in both languages; stale versions; check-ins; copy."""

from __future__ import annotations

import re
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
    goal = make.goal(team=team, year=2026, title="Grow the creator community")
    obj = make.objective(team=team, goal=goal, quarter="2026-Q2", title="Make creators more active")
    kr = make.kr(objective=obj, title="Daily posts from 1000 to 1300", start=1000, target=1300)
    make.raci(member, "R", kr=kr)
    return {"team": team, "manager": manager, "member": member, "goal": goal, "objective": obj, "kr": kr}


def reread(session, model, id_):
    session.expire_all()
    return session.get(model, id_)


def objective_data(**kw):
    data = {
        "title": "Ship the creator app",
        "kind": "committed",
        "goal_id": "",
        "owner_id": "",
        "weight": "1",
        "description": "",
    }
    data.update(kw)
    return data


def kr_data(parent, **kw):
    data = {
        "parent": str(parent),
        "title": "Weekly active creators from 200 to 500",
        "kind": "metric",
        "start": "200",
        "target": "500",
        "unit": "people",
        "weight": "1",
        "owner_id": "",
        "progress_from": "checkins",
        "description": "",
    }
    data.update(kw)
    return data


# --- create ------------------------------------------------------------------------------------


def test_create_objective_with_htmx_returns_the_list_fragment(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/objective",
        data=objective_data(goal_id=str(plan["goal"].id), owner_id=str(plan["manager"].id)),
        htmx=True,
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:800]
    assert 'id="objectives"' in html and "<html" not in html
    assert "Ship the creator app" in html
    row = session.exec(select(m.Objective).where(m.Objective.title == "Ship the creator app")).one()
    assert row.quarter == "2026-Q2" and row.goal_id == plan["goal"].id and row.owner_id == plan["manager"].id


def test_create_objective_without_js_redirects(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post("/teams/content/plan/2026-Q2/items/objective", data=objective_data())
    assert resp.status_code == 303
    row = session.exec(select(m.Objective).where(m.Objective.title == "Ship the creator app")).one()
    assert resp.headers["Location"].endswith(f"/teams/content/plan/2026-Q2#objective-{row.id}")


def test_create_kr_parses_numbers_as_people_type_them(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/kr",
        data=kr_data(plan["objective"].id, start="1,000", target="１３００", weight="30%"),
        htmx=True,
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    assert f'id="krs-{plan["objective"].id}"' in resp.get_data(as_text=True)
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.title.startswith("Weekly active"))).one()
    assert (kr.start, kr.target, kr.current, kr.weight) == (Decimal(1000), Decimal(1300), Decimal(1000), Decimal(30))


def test_create_project_under_a_kr_on_the_quarter_page(plan, as_user, session):
    b = as_user(plan["manager"])
    kr = plan["kr"]
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/project",
        htmx=True,
        data={
            "parent": str(kr.id),
            "key_result_id": str(kr.id),
            "month": "2026-05",
            "title": "Creator incentive programme",
            "owner_id": str(plan["member"].id),
            "status": "active",
            "starts_on": "2026-05-04",
            "due_on": "2026-05-29",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:800]
    assert f'id="projects-kr-{kr.id}"' in html and "Creator incentive programme" in html
    p = session.exec(select(m.Project)).one()
    assert (p.month, p.key_result_id, p.team_id) == ("2026-05", kr.id, plan["team"].id)


def test_create_goal_on_the_year_page(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026/items/goal",
        htmx=True,
        data={"title": "Become the creators' first choice", "weight": "2", "owner_id": str(plan["manager"].id)},
    )
    assert resp.status_code == 200
    assert 'id="goals"' in resp.get_data(as_text=True)
    g = session.exec(select(m.AnnualGoal).where(m.AnnualGoal.title.startswith("Become"))).one()
    assert (g.year, g.weight) == (2026, Decimal(2))


# --- validation ----------------------------------------------------------------------------------


BAD_KR = [
    ({"title": ""}, "title", "Enter a title."),
    ({"title": "x" * 201}, "title", "Keep the title to 200 characters or fewer."),
    ({"start": "lots"}, "start", "Enter a number"),
    ({"target": "200"}, "target", "The target must differ from the start."),
    ({"weight": "0"}, "weight", "The weight must be greater than 0."),
    ({"weight": "-1"}, "weight", "The weight must be greater than 0."),
    ({"owner_id": "999999"}, "owner_id", "The owner must be a member of the team."),
    ({"kind": "vibes"}, "kind", "Choose metric, percent or milestone."),
]


@pytest.mark.parametrize("change, field, message", BAD_KR)
def test_bad_kr_values_get_a_message_by_their_field_and_save_nothing(plan, as_user, session, change, field, message):
    b = as_user(plan["manager"])
    resp = b.post("/teams/content/plan/2026-Q2/items/kr", data=kr_data(plan["objective"].id, **change), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert resp.headers["HX-Retarget"] == f"#new-kr-{plan['objective'].id}"
    assert f'id="new-kr-{plan["objective"].id}-{field}-error"' in html
    assert message in html
    assert "<html" not in html
    assert len(session.exec(select(m.KeyResult)).all()) == 1


def test_bad_values_without_js_show_the_form_page_with_422(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post("/teams/content/plan/2026-Q2/items/kr", data=kr_data(plan["objective"].id, title="", target="200"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "<html" in html and "Enter a title." in html and "The target must differ from the start." in html
    assert 'value="people"' in html  # typed values kept


def test_messages_in_chinese(plan, make, as_user, session):
    session.add(plan["manager"])
    plan["manager"].locale = "zh"
    session.commit()
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/kr",
        data=kr_data(plan["objective"].id, title="", target="200", weight="0"),
        htmx=True,
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "请输入标题。" in html
    assert "目标值必须与起始值不同。" in html
    assert "权重必须大于 0。" in html


def test_objective_cannot_align_to_a_goal_of_another_year(plan, make, as_user, session):
    old = make.goal(team=plan["team"], year=2025, title="Last year's goal")
    b = as_user(plan["manager"])
    resp = b.post("/teams/content/plan/2026-Q2/items/objective", data=objective_data(goal_id=str(old.id)), htmx=True)
    assert resp.status_code == 422
    assert "A 2026-Q2 objective can only align to a goal of 2026." in resp.get_data(as_text=True)
    assert len(session.exec(select(m.Objective)).all()) == 1


def test_project_month_must_lie_in_the_quarter(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/project",
        htmx=True,
        data={
            "parent": str(plan["kr"].id),
            "key_result_id": str(plan["kr"].id),
            "month": "2026-07",
            "title": "Too late",
            "status": "active",
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "new-project-{}-month-error".format(plan["kr"].id) in html and "2026-04, 2026-05, 2026-06" in html, html
    assert session.exec(select(m.Project)).all() == []


def test_json_body_errors_have_the_api_shape(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.post(
        "/teams/content/plan/2026-Q2/items/kr",
        json={"parent": plan["objective"].id, "title": "", "kind": "metric", "start": 1, "target": 1},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["error"] and "title" in body["fields"] and "target" in body["fields"]


# --- permissions ----------------------------------------------------------------------------------


def test_member_cannot_plan(plan, as_user, session):
    b = as_user(plan["member"])
    resp = b.post("/teams/content/plan/2026-Q2/items/objective", data=objective_data(), htmx=True)
    assert resp.status_code == 403
    assert len(session.exec(select(m.Objective)).all()) == 1


# --- edit ------------------------------------------------------------------------------------------


def test_edit_form_fragment_and_update_swaps_only_the_item(plan, as_user, session):
    b = as_user(plan["manager"])
    obj = plan["objective"]
    old_version = obj.version
    resp = b.get(f"/items/objective/{obj.id}/edit", headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'<form id="objective-{obj.id}"' in html and "<html" not in html
    assert f'name="version" value="{obj.version}"' in html
    resp = b.post(
        f"/items/objective/{obj.id}",
        htmx=True,
        data=objective_data(title="Creators post every day", version=str(obj.version), goal_id=str(plan["goal"].id)),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:600]
    assert f'id="objective-{obj.id}"' in html and "Creators post every day" in html and "<html" not in html
    assert 'id="objectives"' not in html
    row = reread(session, m.Objective, obj.id)
    assert row.title == "Creators post every day" and row.version == old_version + 1


def test_edit_without_js(plan, as_user, session):
    b = as_user(plan["manager"])
    kr = plan["kr"]
    page = b.get(f"/items/kr/{kr.id}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    resp = b.post(
        f"/items/kr/{kr.id}",
        data=kr_data(
            kr.objective_id, title="Daily posts to 1,500", start="1000", target="1,500", version=str(kr.version)
        ),
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/teams/content/plan/2026-Q2#kr-{kr.id}")
    assert reread(session, m.KeyResult, kr.id).target == Decimal(1500)


def test_stale_version_is_409_keeping_typed_text_and_showing_theirs(plan, as_user, session):
    b = as_user(plan["manager"])
    obj = plan["objective"]
    old_version = obj.version
    # someone else saves first
    row = session.get(m.Objective, obj.id)
    planning.update(session=session, actor_id=None, org_id=plan["team"].org_id, item=row, expected_version=None,
                    title="Their title")  # fmt: skip
    session.commit()
    for htmx in (True, False):
        resp = b.post(
            f"/items/objective/{obj.id}",
            htmx=htmx,
            data=objective_data(title="My typed title", version=str(old_version)),
        )
        html = resp.get_data(as_text=True)
        assert resp.status_code == 409
        assert 'value="My typed title"' in html
        assert "Their title" in html
        assert "Someone else changed this in the meantime." in html
    assert reread(session, m.Objective, obj.id).title == "Their title"


def test_stale_version_json(plan, as_user):
    b = as_user(plan["manager"])
    resp = b.post(
        f"/items/objective/{plan['objective'].id}",
        json=objective_data(version="99"),
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 409
    assert resp.get_json()["current"]["title"] == "Make creators more active"


# --- reorder, archive, restore ----------------------------------------------------------------------


def test_move_down_and_up(plan, make, as_user, session):
    second = make.kr(objective=plan["objective"], title="Second KR", position=1)
    first = plan["kr"]
    b = as_user(plan["manager"])
    resp = b.post(f"/items/kr/{first.id}/move", data={"direction": "down", "version": str(first.version)}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="krs-{plan["objective"].id}"' in html
    assert html.index("Second KR") < html.index("Daily posts")
    assert reread(session, m.KeyResult, second.id).position < reread(session, m.KeyResult, first.id).position
    resp = b.post(
        f"/items/kr/{first.id}/move",
        data={"direction": "up", "version": str(reread(session, m.KeyResult, first.id).version)},
    )
    assert resp.status_code == 303
    assert reread(session, m.KeyResult, first.id).position < reread(session, m.KeyResult, second.id).position


def test_archive_and_restore(plan, as_user, session):
    b = as_user(plan["manager"])
    kr = plan["kr"]
    resp = b.post(f"/items/kr/{kr.id}/archive", data={"version": str(kr.version)}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="krs-{kr.objective_id}"' in html
    assert "Archived" in html and f'id="kr-{kr.id}"' not in html
    row = reread(session, m.KeyResult, kr.id)
    assert row.is_archived
    assert "Daily posts" not in b.get("/teams/content/plan/2026-Q2").get_data(as_text=True).split('id="plan_body"')[1]
    assert "Daily posts" in b.get("/teams/content/plan/2026-Q2?archived=1").get_data(as_text=True)
    resp = b.post(f"/items/kr/{kr.id}/restore", data={"version": str(row.version)})
    assert resp.status_code == 303
    assert not reread(session, m.KeyResult, kr.id).is_archived


@pytest.mark.parametrize("version", [None, "", "abc", "1.5"])
@pytest.mark.parametrize("action", ["archive", "restore", "move"])
def test_a_write_without_a_readable_version_is_409_and_changes_nothing(plan, as_user, session, action, version):
    b = as_user(plan["manager"])
    kr = plan["kr"]
    if action == "restore":
        b.post(f"/items/kr/{kr.id}/archive", data={"version": str(kr.version)})
    before = reread(session, m.KeyResult, kr.id)
    data = {"direction": "down"} if action == "move" else {}
    if version is not None:
        data["version"] = version
    resp = b.post(f"/items/kr/{kr.id}/{action}", data=data, htmx=True)
    assert resp.status_code == 409
    after = reread(session, m.KeyResult, kr.id)
    assert (after.version, after.is_archived, after.position) == (before.version, before.is_archived, before.position)


def test_archive_with_stale_version_is_409(plan, as_user, session):
    b = as_user(plan["manager"])
    resp = b.post(f"/items/kr/{plan['kr'].id}/archive", data={"version": "41"}, htmx=True)
    assert resp.status_code == 409
    assert not reread(session, m.KeyResult, plan["kr"].id).is_archived


# --- check-ins ---------------------------------------------------------------------------------------


def test_member_who_is_r_checks_in_from_the_plan_row(plan, as_user, session):
    b = as_user(plan["member"])
    kr = plan["kr"]
    form = b.get(f"/key-results/{kr.id}/check-in?return_to=row", headers={"HX-Request": "true"})
    assert form.status_code == 200 and f'id="check-in-{kr.id}"' in form.get_data(as_text=True)
    resp = b.post(
        f"/key-results/{kr.id}/check-ins",
        htmx=True,
        data={
            "value": "1,080",
            "confidence": "high",
            "note": "good week",
            "return_to": "row",
            "version": str(kr.version),
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:600]
    assert f'id="kr-{kr.id}"' in html and "1080" in html and "<html" not in html
    row = reread(session, m.KeyResult, kr.id)
    assert row.current == Decimal(1080) and row.confidence == Decimal("0.9")
    ci = session.exec(select(m.CheckIn)).one()
    assert (ci.value, ci.note, ci.author_id) == (Decimal(1080), "good week", plan["member"].id)


def test_check_in_on_the_kr_page_grows_the_history(plan, as_user, session):
    b = as_user(plan["member"])
    kr = plan["kr"]
    for value, conf in (("1050", "0.6"), ("1100", "70%")):
        resp = b.post(
            f"/key-results/{kr.id}/check-ins",
            htmx=True,
            data={"value": value, "confidence": conf, "return_to": "history"},
        )
        assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'id="history"' in html and html.count('class="check-in"') == 2 and "<html" not in html
    assert reread(session, m.KeyResult, kr.id).confidence == Decimal("0.7")
    resp = b.post(f"/key-results/{kr.id}/check-ins", data={"value": "1200"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/key-results/{kr.id}")
    assert len(session.exec(select(m.CheckIn)).all()) == 3


@pytest.mark.parametrize(
    "data, message",
    [
        ({"value": ""}, "Enter the value you measured."),
        ({"value": "abc"}, "Enter a number"),
        ({"value": "10", "confidence": "2"}, "Enter a confidence from 0 to 1"),
        ({"value": "10", "confidence": "meh"}, "Enter a confidence from 0 to 1"),
        ({"value": "10", "checked_on": "2999-01-01"}, "A check-in cannot be dated in the future."),
    ],
)
def test_bad_check_ins_are_refused(plan, as_user, session, data, message):
    b = as_user(plan["member"])
    resp = b.post(f"/key-results/{plan['kr'].id}/check-ins", htmx=True, data={"return_to": "row", **data})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert resp.headers["HX-Retarget"] == f"#check-in-{plan['kr'].id}"
    assert session.exec(select(m.CheckIn)).all() == []


def test_member_without_raci_letter_cannot_check_in(plan, make, as_user, session):
    other = make.user(team=plan["team"], role="member")
    b = as_user(other)
    resp = b.post(f"/key-results/{plan['kr'].id}/check-ins", data={"value": "1"}, htmx=True)
    assert resp.status_code == 403
    assert session.exec(select(m.CheckIn)).all() == []


def test_editing_a_kr_never_changes_current(plan, as_user, session):
    """The current value only moves through check-ins: the edit form has no such field."""
    b = as_user(plan["manager"])
    kr = plan["kr"]
    html = b.get(f"/items/kr/{kr.id}/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'name="current"' not in html


# --- copy forward ---------------------------------------------------------------------------------


def test_copy_unfinished_objectives_to_next_quarter(plan, make, as_user, session):
    done = make.objective(team=plan["team"], quarter="2026-Q2", title="Already done")
    make.kr(objective=done, start=0, target=1, current=1, title="Done KR")
    b = as_user(plan["manager"])
    panel = b.get("/teams/content/plan/2026-Q2/copy", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Make creators more active" in panel and "Already done" not in panel
    resp = b.post("/teams/content/plan/2026-Q2/copy", data={"ids": [str(plan["objective"].id)]}, htmx=True)
    assert resp.status_code == 200 and "Copied 1 item(s) to 2026-Q3." in resp.get_data(as_text=True)
    copy = session.exec(select(m.Objective).where(m.Objective.quarter == "2026-Q3")).one()
    assert copy.copied_from_id == plan["objective"].id and copy.goal_id == plan["goal"].id
    kr_copy = session.exec(select(m.KeyResult).where(m.KeyResult.objective_id == copy.id)).one()
    assert kr_copy.copied_from_id == plan["kr"].id


def test_copy_projects_to_next_month_without_js(plan, make, as_user, session):
    p1 = make.project(kr=plan["kr"], month="2026-04", title="Keep going")
    make.project(kr=plan["kr"], month="2026-04", title="Finished", status="done")
    b = as_user(plan["manager"])
    resp = b.post("/teams/content/plan/2026-04/copy", data={"ids": [str(p1.id)]})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/teams/content/plan/2026-05")
    copy = session.exec(select(m.Project).where(m.Project.month == "2026-05")).one()
    assert (copy.copied_from_id, copy.key_result_id, copy.status) == (p1.id, plan["kr"].id, "planned")


def test_copy_needs_a_choice(plan, as_user, session):
    resp = as_user(plan["manager"]).post("/teams/content/plan/2026-Q2/copy", data={}, htmx=True)
    assert resp.status_code == 422 and "Choose at least one item to copy." in resp.get_data(as_text=True)


# --- the archive notice: once, in the list that changed, valid HTML ---------------------------------


class _Nesting:
    """Records, for each element opened inside a <p>, whether a paragraph may hold it."""

    BLOCK = {"form", "div", "p", "ul", "ol", "table", "section", "article", "header", "details", "fieldset"}

    def __init__(self):
        from html.parser import HTMLParser

        self.bad = []
        stack = []
        bad = self.bad
        block = self.BLOCK

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag in block and "p" in stack:
                    bad.append(tag)
                if tag not in ("input", "br", "img", "meta", "link", "hr"):
                    stack.append(tag)

            def handle_endtag(self, tag):
                if tag in stack:
                    while stack and stack.pop() != tag:
                        pass

        self.parser = Parser()

    def feed(self, html):
        self.parser.feed(html)
        return self.bad


def test_archiving_an_objective_shows_one_notice_with_a_working_undo(plan, make, as_user, session):
    """An objective's list holds each KR's list and each KR's project list: the notice (and its
    Undo) is shown once, at the top of the list that was swapped, and never as a form inside a <p>."""
    obj = plan["objective"]
    for i in range(3):
        k = make.kr(objective=obj, title=f"KR {i}", position=i + 1)
        make.project(kr=k, month="2026-04", title=f"Project {i}")
    make.objective(team=plan["team"], quarter="2026-Q2", title="Another objective")
    b = as_user(plan["manager"])
    resp = b.post(f"/items/objective/{obj.id}/archive", data={"version": str(obj.version)}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.lstrip().startswith('<div id="objectives"')
    assert html.count('class="flash flash-success notice"') == 1
    assert html.count("Archived “Make creators more active”.") == 1 and html.count(">Undo<") == 1
    assert html.index("notice") < html.index("Another objective")  # at the top of the list
    assert _Nesting().feed(html) == []
    row = reread(session, m.Objective, obj.id)
    assert row.is_archived
    undo = re.search(r'hx-post="(/items/objective/\d+/restore)" hx-target="#objectives"', html)
    assert undo and undo.group(1) == f"/items/objective/{obj.id}/restore"
    resp = b.post(undo.group(1), data={"version": str(row.version)}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count("Restored “Make creators more active”.") == 1 and html.count(">Undo<") == 0
    assert _Nesting().feed(html) == []
    assert not reread(session, m.Objective, obj.id).is_archived


def test_archiving_a_project_on_the_quarter_page_notices_in_its_kr_list(plan, make, as_user):
    project = make.project(kr=plan["kr"], month="2026-05", title="Keep going")
    resp = as_user(plan["manager"]).post(
        f"/items/project/{project.id}/archive", htmx=True, data={"version": str(project.version), "view": "quarter"}
    )
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith(f'<div id="projects-kr-{plan["kr"].id}"')
    assert html.count('class="flash flash-success notice"') == 1
    assert f'hx-target="#projects-kr-{plan["kr"].id}"' in html


# --- weight 0: new values are greater than 0; a stored 0 (from a plan document) may be kept ------------


def test_an_imported_weight_0_item_can_be_saved_in_its_edit_form(plan, make, as_user, session):
    obj = make.objective(team=plan["team"], quarter="2026-Q2", title="Counted nowhere", weight=0)
    kr = make.kr(objective=obj, title="Weekly active creators from 200 to 500", start=200, target=500, weight=0)
    b = as_user(plan["manager"])
    form = b.get(f"/items/kr/{kr.id}/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "The weight is 0, so this item is left out of every rollup." in form
    assert f'aria-describedby="kr-{kr.id}-weight-help"' in form
    resp = b.post(
        f"/items/kr/{kr.id}",
        htmx=True,
        data=kr_data(
            obj.id, title="Weekly active creators from 200 to 600", target="600", weight="0", version=str(kr.version)
        ),
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    row = reread(session, m.KeyResult, kr.id)
    assert (row.target, row.weight) == (Decimal(600), Decimal(0))
    resp = b.post(
        f"/items/objective/{obj.id}",
        data=objective_data(title="Counted nowhere, renamed", weight="0", version=str(obj.version)),
    )
    assert resp.status_code == 303
    assert reread(session, m.Objective, obj.id).title == "Counted nowhere, renamed"
    # a weight may leave 0 for a positive one, but not go below
    resp = b.post(
        f"/items/objective/{obj.id}", htmx=True, data=objective_data(weight="-1", version=str(obj.version + 1))
    )
    assert resp.status_code == 422 and "The weight must be greater than 0." in resp.get_data(as_text=True)


def test_a_weight_cannot_be_set_to_0_anew(plan, as_user, session):
    kr = plan["kr"]
    b = as_user(plan["manager"])
    form = b.get(f"/items/kr/{kr.id}/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "How much it counts in the weighted mean above it: greater than 0." in form
    resp = b.post(
        f"/items/kr/{kr.id}",
        htmx=True,
        data=kr_data(kr.objective_id, start="1000", target="1300", weight="0", version=str(kr.version)),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and f'id="kr-{kr.id}-weight-error"' in html
    assert "The weight must be greater than 0." in html
    assert reread(session, m.KeyResult, kr.id).weight == Decimal(1)


def test_an_edit_keeps_an_owner_from_another_team(plan, make, as_user, session):
    """The Accountable is the owner and may sit in another team: the edit form offers them as
    they are, so saving another field does not drop the owner (and with it the A)."""
    other = make.team(org=session.get(m.Organisation, plan["team"].org_id), slug="design", name="Design")
    outsider = make.user(team=other, role="member", name="Zhao Lei")
    kr = plan["kr"]
    from okr.raci import ops as raci_ops

    raci_ops.set_raci(
        session=session,
        actor_id=None,
        org_id=plan["team"].org_id,
        key_result=kr,
        assignments={outsider.id: "A", plan["member"].id: "R"},
    )
    session.commit()
    b = as_user(plan["manager"])
    form = b.get(f"/items/kr/{kr.id}/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'<option selected value="{outsider.id}">Zhao Lei</option>' in form or (
        f'value="{outsider.id}" selected' in form
    )
    kr = reread(session, m.KeyResult, kr.id)
    resp = b.post(
        f"/items/kr/{kr.id}",
        data=kr_data(
            kr.objective_id,
            title="Daily posts from 1000 to 1400",
            start="1000",
            target="1400",
            owner_id=str(outsider.id),
            version=str(kr.version),
        ),
        htmx=True,
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    kr = reread(session, m.KeyResult, kr.id)
    assert kr.owner_id == outsider.id and kr.title == "Daily posts from 1000 to 1400"
    assert raci_ops.get_raci(session=session, key_result=kr)[outsider.id] == "A"
    # A new pick must still be a member of the team.
    stranger = make.user(team=other, role="member", name="Qian")
    resp = b.post(
        f"/items/kr/{kr.id}",
        data=kr_data(kr.objective_id, owner_id=str(stranger.id), version=str(kr.version)),
        htmx=True,
    )
    assert resp.status_code == 422
