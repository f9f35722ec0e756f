"""The budget adjustment journey on the demo in a real browser: a team's manager asks for more
budget on the team's year page, the manager of the team above approves it from "What do I owe",
and the year page shows it approved with the month's line raised."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser_helpers import sign_in

pytestmark = pytest.mark.browser


def test_a_manager_asks_for_more_budget_and_the_manager_above_approves(page, live_server, demo):
    from okr.seed import demo as demo_module

    page.set_default_timeout(30_000)
    year = date.today().year
    sign_in(page, live_server, "sun.li@example.com", demo_module.DEMO_PASSWORD)  # marketing's manager
    page.goto(f"{live_server}/teams/marketing/budget/{year}/lines")
    form = page.locator("form[action$='/adjustments']")
    category = form.locator("[name=category]")
    if category.evaluate("e => e.tagName") == "SELECT":
        category.select_option(index=1)
    else:
        category.fill("活动 Campaigns")
    months = form.locator("[name=month] option")
    form.locator("[name=month]").select_option(months.nth(months.count() - 1).get_attribute("value"))
    form.locator("[name=amount]").fill("12000")
    form.locator("[name=reason]").fill("Year-end campaign doing better than planned")
    form.get_by_role("button", name="Ask for the change").click()
    row = page.locator("tr.adjustment", has_text="Year-end campaign")
    row.wait_for()
    assert "waiting" in row.inner_text()

    sign_in(page, live_server, "liu.yang@example.com", demo_module.DEMO_PASSWORD)  # the business unit above
    page.goto(f"{live_server}/owe")
    waiting = page.locator("table.adjustments-waiting tr", has_text="Year-end campaign")
    waiting.locator("input[name=note]").fill("Go ahead")
    waiting.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: the budget is changed.").wait_for()

    page.goto(f"{live_server}/teams/marketing/budget/{year}/lines")
    row = page.locator("tr.adjustment", has_text="Year-end campaign")
    assert "approved" in row.inner_text() and "Go ahead" in row.inner_text()
