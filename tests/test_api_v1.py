"""/api/v1/teams, /api/v1/people and /api/v1/key-results/<id>/check-ins, used with a personal
access token as a script would: what it may read, what it may write, and the one error shape."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from okr.core import models as m


def _token(app, user, scope="write"):
    from sqlmodel import Session

    from okr.api import ops
    from okr.core.db import get_engine

    with Session(get_engine(app.config["DATABASE_URL"]), expire_on_commit=False) as s:
        _row, text = ops.create_token(
            session=s, actor_id=user.id, user=s.get(m.User, user.id), name="t", scope=scope, days=30, now=m.utcnow()
        )
        s.commit()
    return {"Authorization": f"Bearer {text}"}


def _error(resp, status):
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert set(body) == {"error", "fields"} and body["error"]
    return body


def test_teams_and_people_list_the_callers_organisation(app, client, make):
    org = make.org()
    company = make.team(org=org, slug="acme", name="Acme", kind="company")
    growth = make.team(org=org, parent=company, slug="growth", name="Growth")
    ann = make.user(team=growth, role="manager", email="ann@example.com", name="Ann")
    make.user(team=company, role="member", email="bo@example.com", name="Bo")
    make.user(team=make.team(slug="elsewhere"), email="eve@example.com", name="Eve")  # another organisation
    headers = _token(app, ann, scope="read")

    teams = client.get("/api/v1/teams", headers=headers).get_json()["teams"]
    assert [(t["slug"], t["parent"], t["my_role"]) for t in teams] == [
        ("acme", None, None),
        ("growth", "acme", "manager"),
    ]

    people = client.get("/api/v1/people", headers=headers).get_json()["people"]
    assert [(p["email"], p["teams"]) for p in people] == [
        ("ann@example.com", [{"slug": "growth", "role": "manager"}]),
        ("bo@example.com", [{"slug": "acme", "role": "member"}]),
    ]


def test_a_check_in_through_the_api_moves_the_key_result(app, client, make, session):
    team = make.team(slug="growth")
    ann = make.user(team=team, role="member", email="ann@example.com")
    kr = make.kr(objective=make.objective(team=team), start=1000, target=1300)
    make.raci(ann, "R", kr=kr)
    resp = client.post(
        f"/api/v1/key-results/{kr.id}/check-ins",
        json={"value": "1150", "confidence": "0.8", "note": "Campaign week", "checked_on": "2026-04-20"},
        headers=_token(app, ann),
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["current"] == "1150"
    session.expire_all()
    stored = session.get(m.KeyResult, kr.id)
    assert stored.current == Decimal("1150") and stored.confidence == Decimal("0.8")
    check_in = session.exec(select(m.CheckIn).where(m.CheckIn.key_result_id == kr.id)).one()
    assert check_in.note == "Campaign week" and check_in.created_by_id == ann.id
    events = session.exec(select(m.AuditEvent).where(m.AuditEvent.item_type == "check_in")).all()
    assert [e.user_id for e in events] == [ann.id]


def test_bad_check_in_is_422_by_field_and_writes_nothing(app, client, make, session):
    team = make.team(slug="growth")
    ann = make.user(team=team, role="manager")
    kr = make.kr(objective=make.objective(team=team))
    body = _error(
        client.post(f"/api/v1/key-results/{kr.id}/check-ins", json={"value": "lots"}, headers=_token(app, ann)), 422
    )
    assert "value" in body["fields"]
    assert session.exec(select(m.CheckIn)).all() == []


def test_check_in_refusals_share_the_error_shape(app, client, make, session):
    team = make.team(slug="growth")
    viewer = make.user(team=team, role="viewer")
    manager = make.user(team=team, role="manager")
    kr = make.kr(objective=make.objective(team=team))
    url = f"/api/v1/key-results/{kr.id}/check-ins"
    _error(client.post(url, json={"value": "1100"}, headers=_token(app, viewer)), 403)
    _error(client.post(url, json={"value": "1100"}, headers=_token(app, manager, scope="read")), 403)
    _error(client.post(url, json={"value": "1100"}), 401)
    outsider = make.user(team=make.team(slug="elsewhere"), role="manager")
    _error(client.post(url, json={"value": "1100"}, headers=_token(app, outsider)), 404)
    _error(client.post("/api/v1/key-results/999999/check-ins", json={"value": "1"}, headers=_token(app, manager)), 404)
    assert session.exec(select(m.CheckIn)).all() == []
