"""A member flags a task blocked on the team's stand-up in a real browser; the manager opens the
stand-up, sees it with the reason, and walks the meeting person by person with the timer."""

from datetime import date

import pytest
from browser_helpers import sign_in

from okr.core import models as m
from okr.core import periods

pytestmark = pytest.mark.browser


@pytest.fixture
def team(make):
    org = make.org()
    team = make.team(org=org, slug="content", name="Content")
    boss = make.user(team=team, role="manager", name="Mia Manager", email="mia@example.com")
    wang = make.user(team=team, role="member", name="Wang Qiang", email="wang@example.com")
    week = str(periods.week_of(date.today()))
    task = make.task(team=team, assignee=wang, week=week, title="Export the survey", status="doing")
    return {"boss": boss, "wang": wang, "task": task}


def test_a_member_flags_a_task_blocked_and_the_manager_sees_it(team, live_server, page, session):
    sign_in(page, live_server, "wang@example.com")
    page.goto(f"{live_server}/teams/content/standup")
    person = page.locator('[data-person="Wang Qiang"]')
    person.locator("summary", has_text="Flag blocked").click()
    person.locator("input[name=reason]").fill("Waiting for the survey tool's API key")
    person.locator("form[action$='/block'] button").click()
    blocked = page.locator('[data-person="Wang Qiang"] .blocked-task')
    blocked.wait_for()
    assert "Waiting for the survey tool's API key" in blocked.inner_text()
    session.expire_all()
    assert session.get(m.Task, team["task"].id).is_blocked

    sign_in(page, live_server, "mia@example.com")
    page.goto(f"{live_server}/teams/content/standup")
    assert (
        "Export the survey: Waiting for the survey tool's API key"
        in page.locator('[data-person="Wang Qiang"] .blocked-task').inner_text()
    )
    # Meeting mode: one person at a time, in name order, with a running timer.
    page.click("[data-meeting-start]")
    assert page.locator("[data-meeting-who]").inner_text() == "Mia Manager"
    assert page.locator('[data-person="Wang Qiang"]').is_hidden()
    page.click("[data-meeting-next]")
    assert page.locator("[data-meeting-who]").inner_text() == "Wang Qiang"
    assert page.locator('[data-person="Mia Manager"]').is_hidden()
    assert page.locator("[data-meeting-timer]").inner_text().startswith(("2:00", "1:5"))
    page.click("[data-meeting-stop]")
    assert page.locator('[data-person="Mia Manager"]').is_visible()
