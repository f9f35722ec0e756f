"""Where a person lands on signing in: a viewer on the company rollup (their week is always
empty), everyone else on their week, unless they chose otherwise on their settings page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from okr.core import models as m
from okr.core import periods
from okr.home import rules


@pytest.mark.parametrize(
    "choice, can_write, has_team, expected",
    [
        pytest.param(None, True, True, "week", id="no choice, can write: my week"),
        pytest.param(None, False, True, "rollup", id="no choice, only reads (a viewer): the company rollup"),
        pytest.param("", False, False, "rollup", id="an empty choice is no choice"),
        pytest.param("bogus", True, True, "week", id="an unknown choice is no choice"),
        pytest.param("rollup", True, True, "rollup", id="a writer may choose the rollup"),
        pytest.param("week", False, True, "week", id="a viewer may choose their week"),
        pytest.param("team", True, True, "team", id="their team's plan"),
        pytest.param("team", False, False, "teams", id="their team's plan, but no team: the list of teams"),
    ],
)
def test_landing_rule(choice, can_write, has_team, expected):
    assert rules.landing(choice, can_write=can_write, has_team=has_team) == expected


@pytest.fixture
def people(make):
    company = make.team(slug="company", name="Company", kind="company")
    content = make.team(parent=company, slug="content", name="Content")
    viewer = make.user(team=company, role="viewer", name="He Min", email="he.min@example.com")
    member = make.user(team=content, role="member", name="Wang Qiang", email="wang@example.com")
    return {"company": company, "content": content, "viewer": viewer, "member": member}


def landing(b) -> str:
    resp = b.get("/")
    assert resp.status_code == 302
    return resp.headers["Location"]


def checked(html: str) -> str:
    return re.search(r'<input checked[^>]*value="([a-z]+)"', html).group(1)


def quarter() -> str:
    return str(periods.quarter_of(date.today()))


def test_signing_in_as_a_viewer_lands_on_the_company_rollup(people, browser):
    resp = browser.login("he.min@example.com")
    assert resp.headers["Location"] == "/"
    assert landing(browser) == "/rollup"
    rollup = browser.get("/rollup")
    assert rollup.status_code == 302 and rollup.headers["Location"] == f"/rollup/{quarter()}"
    assert browser.get(f"/rollup/{quarter()}").status_code == 200


def test_a_member_lands_on_their_week(people, as_user):
    assert landing(as_user(people["member"])) == "/week"


def test_each_person_chooses_their_landing_page(people, as_user, session):
    b = as_user(people["member"])
    page = b.get("/me/settings").get_data(as_text=True)
    assert checked(page) == "week"  # what they land on now is what is chosen
    assert "(Content)" in page  # their team, named
    resp = b.post("/me/settings", data={"landing_page": "team"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/me/settings"
    session.expire_all()
    assert session.get(m.User, people["member"].id).landing_page == "team"
    assert landing(b) == "/teams/content/plan"
    assert "after signing in you land on My team&#39;s plan" in b.get("/me/settings").get_data(as_text=True)

    v = as_user(people["viewer"])
    assert checked(v.get("/me/settings").get_data(as_text=True)) == "rollup"
    assert v.post("/me/settings", json={"landing_page": "week"}).get_json() == {"landing_page": "week"}
    assert landing(v) == "/week"


def test_a_choice_that_is_not_offered_is_422_and_changes_nothing(people, as_user, session):
    b = as_user(people["viewer"])
    resp = b.post("/me/settings", data={"landing_page": "admin"})
    assert resp.status_code == 422
    assert "Not a valid choice" in resp.get_data(as_text=True)
    resp = b.post("/me/settings", json={"landing_page": {"x": 1}})
    assert resp.status_code == 422 and "landing_page" in resp.get_json()["fields"]
    session.expire_all()
    assert session.get(m.User, people["viewer"].id).landing_page in (None, "week")


def test_the_settings_page_speaks_chinese_and_is_linked_from_every_page(people, as_user):
    b = as_user(people["member"])
    html = b.get("/me/settings", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "登录后打开" in html and "公司汇总" in html and "我所在团队的计划" in html
    week = b.get("/week").get_data(as_text=True)
    assert '<a class="who" href="/me/settings"' in week
