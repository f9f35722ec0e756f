"""KPI alerts as a manager handles them: the team's list, acknowledge and resolve with a note
(htmx and JSON, stale versions refused), a recovery objective prefilled from an alert whose key
result then moves with the KPI, and open alerts in the owner's "What do I owe"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.kpi import ops


@pytest.fixture
def alerting(make, session):
    team = make.team(slug="content", name="内容平台部")
    manager = make.user(team=team, role="manager", email="li@example.com")
    member = make.user(team=team, role="member", email="wang@example.com")
    kpi = ops.create_kpi(session=session, actor_id=None, org_id=team.org_id, team_id=team.id, key="retention",
                         name="创作者留存率", unit="%", owner_id=member.id, normal_min=D(40), critical_min=D(30))  # fmt: skip
    today = date.today()
    ops.record_value(session=session, actor_id=None, org_id=team.org_id, kpi=kpi, on=today, value=D(35))
    session.commit()
    alert = session.exec(select(m.KpiAlert)).one()
    return team, manager, member, kpi, alert


def test_alert_list_shows_the_open_alert_with_its_rule(alerting, as_user):
    team, manager, member, kpi, alert = alerting
    html = as_user(manager).get("/teams/content/kpi-alerts").get_data(as_text=True)
    assert f'id="alert-{alert.id}"' in html and "outside the normal range" in html and "Acknowledge" in html
    body = as_user(member).get("/teams/content/kpi-alerts?format=json").get_json()
    assert body["alerts"][0] | {"id": 0} == {
        "id": 0, "kpi": "retention", "date": date.today().isoformat(), "value": 35, "severity": "warning",
        "rule": "normal_range", "status": "open", "version": 1, "acknowledge_note": "", "resolve_note": "",
    }  # fmt: skip


def test_acknowledge_then_resolve_in_place_with_notes(alerting, as_user, session):
    team, manager, member, kpi, alert = alerting
    b = as_user(manager)
    resp = b.post(
        f"/kpi-alerts/{alert.id}/acknowledge?team=content", data={"note": "looking", "version": "1"}, htmx=True
    )
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="alert_list"' in text and "<html" not in text
    assert "Acknowledged by" in text
    resp = b.post(f"/kpi-alerts/{alert.id}/resolve?team=content", data={"note": "", "version": "2"}, htmx=True)
    assert resp.status_code == 422 and "Say what caused it" in resp.get_data(as_text=True)
    resp = b.post(f"/kpi-alerts/{alert.id}/resolve?team=content", data={"note": "x", "version": "1"}, htmx=True)
    assert resp.status_code == 409  # the page showed version 1; it is 2 now
    resp = b.post(
        f"/kpi-alerts/{alert.id}/resolve", json={"note": "cause: a broken feed; action: fixed it", "version": 2}
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "resolved"
    session.expire_all()
    stored = session.get(m.KpiAlert, alert.id)
    assert (stored.status, stored.resolved_by_id, stored.resolve_note) == (
        "resolved", manager.id, "cause: a broken feed; action: fixed it",
    )  # fmt: skip
    html = b.get("/teams/content/kpi-alerts").get_data(as_text=True)
    assert "Resolved by" in html and "a broken feed" in html  # stays in the history
    events = select(m.AuditEvent).where(m.AuditEvent.item_type == "kpi_alert").order_by(m.AuditEvent.id)
    actions = [e.action for e in session.exec(events)]
    assert actions == ["open", "acknowledge", "resolve"]


def test_a_viewer_or_another_member_cannot_handle_alerts(alerting, as_user, make):
    team, manager, member, kpi, alert = alerting
    viewer = make.user(team=team, role="viewer")
    other = make.user(team=team, role="member")
    for person in (viewer, other):
        resp = as_user(person).post(f"/kpi-alerts/{alert.id}/acknowledge", json={"note": "", "version": 1})
        assert resp.status_code == 403
    # the KPI's owner may, though only a member
    assert as_user(member).post(f"/kpi-alerts/{alert.id}/acknowledge", json={"version": 1}).status_code == 200
    assert as_user(manager).post("/kpi-alerts/99999/acknowledge", json={"version": 1}).status_code == 404


def test_recovery_objective_is_prefilled_and_its_kr_moves_with_the_kpi(alerting, as_user, session, app):
    team, manager, member, kpi, alert = alerting
    b = as_user(manager)
    form = b.get(f"/kpi-alerts/{alert.id}/recover", headers={"HX-Request": "true"})
    html = form.get_data(as_text=True)
    quarter = periods.quarter_of(date.today(), app.config["FISCAL_YEAR_START"])
    assert form.status_code == 200 and 'id="recover"' in html and "<html" not in html
    assert f"Bring 创作者留存率 back within its normal range by {quarter.end.isoformat()}" in html
    assert 'value="35"' in html and 'value="40"' in html  # from the alert's value to the normal min
    resp = b.post(
        f"/kpi-alerts/{alert.id}/recover",
        data={"title": f"Bring 创作者留存率 back by {quarter.end}", "quarter": str(quarter), "kr_title": "留存率回到 40%",
              "start": "35", "target": "40"},
        htmx=True,
    )  # fmt: skip
    assert resp.status_code == 200 and "Created the objective" in resp.get_data(as_text=True)
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.kpi_id == kpi.id)).one()
    objective = session.get(m.Objective, kr.objective_id)
    assert objective.quarter == str(quarter) and objective.kind == "committed"
    assert kr.current == D(35)
    b.post(f"/teams/content/kpis/{quarter}/values", json={"kpi": "retention", "value": 38})
    session.expire_all()
    assert session.get(m.KeyResult, kr.id).current == D(38)
    assert as_user(member).get(f"/kpi-alerts/{alert.id}/recover").status_code == 403


def test_recovery_form_refuses_bad_input_by_field(alerting, as_user, session):
    team, manager, member, kpi, alert = alerting
    resp = as_user(manager).post(
        f"/kpi-alerts/{alert.id}/recover", json={"title": "", "quarter": "2026-Q9", "kr_title": "x", "start": "NaN",
                                                 "target": "5"}
    )  # fmt: skip
    assert resp.status_code == 422
    assert {"title", "quarter", "start"} <= set(resp.get_json()["fields"])
    assert session.exec(select(m.Objective)).all() == []


def test_open_alerts_reach_the_owners_what_do_i_owe(alerting, as_user):
    team, manager, member, kpi, alert = alerting
    html = as_user(member).get("/week").get_data(as_text=True)
    if "/week/" in html and 'id="owe-h"' not in html:  # /week redirects to this week's board
        html = as_user(member).get(html.split('href="')[1].split('"')[0]).get_data(as_text=True)
    assert "KPI alerts" in html and "创作者留存率" in html


def test_the_stand_up_lists_alerts_opened_since_the_previous_working_day(alerting, as_user):
    team, manager, member, kpi, alert = alerting
    html = as_user(member).get(f"/teams/content/standup/{date.today().isoformat()}").get_data(as_text=True)
    assert 'id="standup-alerts"' in html and f"创作者留存率: 35 % ({date.today().isoformat()})" in html


def test_the_monthly_report_shows_kpi_statuses_and_the_months_alerts(alerting, as_user):
    team, manager, member, kpi, alert = alerting
    month = date.today().strftime("%Y-%m")
    html = as_user(manager).get(f"/teams/content/report/{month}").get_data(as_text=True)
    assert 'id="report-kpis"' in html
    section = html.split('id="report-kpis"')[1].split("</section>")[0]
    assert 'data-key="retention" data-status="warning"' in section and "outside the normal range" in section
