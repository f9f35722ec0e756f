"""A manager handles a KPI alert in a real browser without a full reload: acknowledges it,
resolves it with the cause and the action, starts a recovery objective from it; then enters a
value on the board and the key result measured by the KPI moves."""

from datetime import date
from decimal import Decimal as D

import pytest
from browser_helpers import sign_in
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.kpi import ops

pytestmark = pytest.mark.browser


@pytest.fixture
def alert_world(make, session):
    team = make.team(slug="content", name="内容平台部")
    manager = make.user(team=team, role="manager", name="Li Na", email="li@example.com")
    kpi = ops.create_kpi(session=session, actor_id=None, org_id=team.org_id, team_id=team.id, key="retention",
                         name="Creator retention", unit="%", owner_id=manager.id, normal_min=D(40),
                         critical_min=D(30))  # fmt: skip
    ops.record_value(session=session, actor_id=None, org_id=team.org_id, kpi=kpi, on=date.today(), value=D(35))
    session.commit()
    return {"manager": manager, "kpi": kpi}


def test_manager_handles_an_alert_and_starts_a_recovery_objective(page, live_server, alert_world, session, app):
    sign_in(page, live_server, "li@example.com")
    page.goto(f"{live_server}/teams/content/kpi-alerts")
    page.evaluate("window.__marker = 'same page'")  # gone if the page reloads
    alert = page.locator(".kpi-alert").first
    alert.locator("input[name=note]").first.fill("Looking into the feed")
    alert.get_by_role("button", name="Acknowledge").click()
    page.locator(".kpi-alert", has_text="Acknowledged by").wait_for()
    page.locator(".kpi-alert input[name=note]").first.fill("Cause: a broken feed. Action: fixed and backfilled.")
    page.get_by_role("button", name="Resolve").click()
    page.locator(".kpi-alert", has_text="Resolved by").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    session.expire_all()
    stored = session.exec(select(m.KpiAlert)).one()
    assert stored.status == "resolved" and stored.resolve_note.startswith("Cause: a broken feed")

    # A new breach: start a recovery objective from it, in place.
    kpi = alert_world["kpi"]
    ops.record_value(session=session, actor_id=None, org_id=kpi.org_id, kpi=kpi, on=date(2026, 1, 5), value=D(33))
    session.commit()
    page.reload()
    page.evaluate("window.__marker = 'same page'")
    page.get_by_role("link", name="Start a recovery objective").first.click()
    page.locator("#recover input[name=title]").wait_for()
    assert (
        "Bring Creator retention back within its normal range"
        in page.locator("#recover input[name=title]").input_value()
    )
    page.get_by_role("button", name="Create the objective").click()
    page.locator("#recover", has_text="Created the objective").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    session.expire_all()
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.kpi_id == kpi.id)).one()

    # A value entered on the board moves the key result.
    quarter = periods.quarter_of(date.today(), app.config["FISCAL_YEAR_START"])
    page.goto(f"{live_server}/teams/content/kpis/{quarter}")
    page.fill("#kpi-value-form input[name=value]", "38")
    page.get_by_role("button", name="Record", exact=True).click()
    page.locator("#kpi_board .flash-success").wait_for()
    session.expire_all()
    assert session.get(m.KeyResult, kr.id).current == D(38)
