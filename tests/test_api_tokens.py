"""Personal access tokens: the tokens page, `okr token create`, and Bearer requests to /api/v1/
(acting as the person, no CSRF, read-only scope, 401 for bad tokens, a limit per token)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from okr.core import models as m

TOKEN_RE = re.compile(r"<code>(okr_[A-Za-z0-9_-]{43})</code>")
SMART = {"kind": "objective", "title": "Grow weekly active creators in Shanghai"}


@pytest.fixture
def team(make):
    return make.team(slug="growth", name="Growth")


@pytest.fixture
def person(make, team):
    return make.user(team=team, role="manager", email="ann@example.com", name="Ann")


def _create(browser, **data):
    form = {"name": "ci", "scope": "read", "days": "30", **data}
    return browser.post("/me/tokens", data=form)


def _token(app, user, scope="read", days=30, name="script"):
    from sqlmodel import Session

    from okr.api import ops
    from okr.core.db import get_engine

    with Session(get_engine(app.config["DATABASE_URL"]), expire_on_commit=False) as s:
        row, text = ops.create_token(
            session=s, actor_id=user.id, user=s.get(m.User, user.id), name=name, scope=scope, days=days, now=m.utcnow()
        )
        s.commit()
    return row, text


def _bearer(text):
    return {"Authorization": f"Bearer {text}"}


def _assert_401(resp):
    assert resp.status_code == 401
    body = resp.get_json()
    assert body["fields"] == {} and body["error"]


# --- the page -------------------------------------------------------------------------------------


def test_settings_page_links_to_tokens(as_user, person):
    html = as_user(person).get("/me/settings").get_data(as_text=True)
    assert 'href="/me/tokens"' in html


def test_created_token_is_shown_once_stored_hashed_and_audited(as_user, person, session):
    b = as_user(person)
    resp = _create(b, name="Spreadsheet sync", scope="write", days="7")
    assert resp.status_code == 201
    html = resp.get_data(as_text=True)
    text = TOKEN_RE.search(html).group(1)
    assert "shown only this once" in html

    again = b.get("/me/tokens").get_data(as_text=True)
    assert text not in again
    assert "Spreadsheet sync" in again and text[:12] + "…" in again and "read and write" in again

    row = session.exec(select(m.ApiToken).where(m.ApiToken.user_id == person.id)).one()
    assert row.secret_hash != text and text not in row.secret_hash and len(row.secret_hash) == 64
    assert row.scope == "write" and row.prefix == text[:12]
    assert timedelta(days=6, hours=23) < row.expires_at - row.created_at <= timedelta(days=7)
    events = session.exec(select(m.AuditEvent).where(m.AuditEvent.item_type == "api_token")).all()
    assert [(e.action, e.user_id) for e in events] == [("create", person.id)]
    assert text not in events[0].after and row.secret_hash not in events[0].after


@pytest.mark.parametrize(
    "data, field",
    [({"name": ""}, "name"), ({"days": "0"}, "days"), ({"days": "367"}, "days"), ({"scope": "admin"}, "scope")],
)
def test_bad_token_form_is_422_by_its_field_and_saves_nothing(as_user, person, session, data, field):
    b = as_user(person)
    resp = _create(b, **data)
    assert resp.status_code == 422
    assert 'class="field-error"' in resp.get_data(as_text=True)
    j = b.post("/me/tokens", json={"name": "ci", "scope": "read", "days": 30, **data})
    assert j.status_code == 422 and field in j.get_json()["fields"]
    assert session.exec(select(m.ApiToken)).all() == []


def test_json_create_returns_the_token_once(as_user, person, client):
    b = as_user(person)
    resp = b.post("/me/tokens", json={"name": "ci", "scope": "read", "days": 5})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["token"].startswith("okr_") and body["state"] == "active" and body["scope"] == "read"
    listed = b.get("/me/tokens?format=json").get_json()["tokens"]
    assert [t["prefix"] for t in listed] == [body["prefix"]] and "token" not in listed[0]


def test_revoke_stops_the_token_and_is_audited(app, as_user, person, client, session):
    row, text = _token(app, person)
    assert client.get("/api/v1/rollup/growth/2026-Q2", headers=_bearer(text)).status_code == 200
    b = as_user(person)
    resp = b.post(f"/me/tokens/{row.id}/revoke")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me/tokens")
    assert "revoked" in b.get("/me/tokens").get_data(as_text=True)
    resp = client.get("/api/v1/rollup/growth/2026-Q2", headers=_bearer(text))
    _assert_401(resp)
    assert "revoked" in resp.get_json()["error"]
    actions = session.exec(select(m.AuditEvent.action).where(m.AuditEvent.item_type == "api_token")).all()
    assert sorted(actions) == ["create", "revoke"]


def test_nobody_revokes_another_persons_token(app, as_user, make, team, person, session):
    row, text = _token(app, person)
    other = make.user(team=team, role="manager", email="bob@example.com")
    assert as_user(other).post(f"/me/tokens/{row.id}/revoke").status_code == 404
    assert session.get(m.ApiToken, row.id).revoked_at is None


# --- using a token ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/rollup/growth/2026-Q2", "/api/v1/kpis/growth/2026-Q2", "/api/v1/budget/growth/2026-Q2"],
)
def test_token_reads_the_json_endpoints_as_its_person(app, client, as_user, person, path):
    _row, text = _token(app, person)
    resp = client.get(path, headers=_bearer(text))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.get_json() == as_user(person).get(path).get_json()
    assert "Set-Cookie" not in resp.headers  # nothing goes into a session


def test_token_has_its_persons_permissions(app, client, make, person):
    other_org_team = make.team(slug="elsewhere")
    _row, text = _token(app, person)
    assert client.get("/api/v1/rollup/elsewhere/2026-Q2", headers=_bearer(text)).status_code == 404
    assert other_org_team.org_id != person.org_id


def test_token_requests_need_no_csrf_but_cookie_requests_do(app, client, as_user, person):
    _row, text = _token(app, person, scope="write")
    resp = client.post("/api/v1/smart", json=SMART, headers=_bearer(text))
    assert resp.status_code == 200 and "letters" in resp.get_json()
    b = as_user(person)
    no_csrf = b.client.post("/api/v1/smart", json=SMART)
    assert no_csrf.status_code == 400
    assert b.post("/api/v1/smart", json=SMART).status_code == 200


def test_read_token_may_not_write(app, client, person):
    _row, text = _token(app, person, scope="read")
    resp = client.post("/api/v1/smart", json=SMART, headers=_bearer(text))
    assert resp.status_code == 403
    assert resp.get_json()["fields"] == {} and "only read" in resp.get_json()["error"]


def test_unknown_expired_and_archived_tokens_are_401(app, client, person, session):
    _assert_401(client.get("/api/v1/rollup/growth/2026-Q2", headers=_bearer("okr_" + "x" * 43)))
    _assert_401(client.get("/api/v1/rollup/growth/2026-Q2", headers={"Authorization": "Bearer "}))
    row, text = _token(app, person)
    stored = session.get(m.ApiToken, row.id)
    stored.expires_at = m.utcnow() - timedelta(seconds=1)
    session.commit()
    resp = client.get("/api/v1/rollup/growth/2026-Q2", headers=_bearer(text))
    _assert_401(resp)
    assert "expired" in resp.get_json()["error"]

    _row2, text2 = _token(app, person)
    user = session.get(m.User, person.id)
    user.is_archived = True
    session.commit()
    _assert_401(client.get("/api/v1/rollup/growth/2026-Q2", headers=_bearer(text2)))


def test_a_bad_token_is_401_even_beside_a_good_cookie(as_user, person):
    b = as_user(person)
    _assert_401(b.get("/api/v1/rollup/growth/2026-Q2", headers=_bearer("okr_nope")))


def test_token_opens_only_the_api(app, client, person):
    _row, text = _token(app, person, scope="write")
    resp = client.get("/me/tokens", headers=_bearer(text))
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    made = client.post("/me/tokens", data={"name": "x", "scope": "write"}, headers=_bearer(text))
    assert made.status_code == 302


def test_last_use_is_listed(app, client, as_user, person, session):
    row, text = _token(app, person)
    assert session.get(m.ApiToken, row.id).last_used_at is None
    assert client.get("/api/v1/kpis/growth/2026-Q2", headers=_bearer(text)).status_code == 200
    session.expire_all()
    used = session.get(m.ApiToken, row.id).last_used_at
    assert used is not None and m.utcnow() - used < timedelta(minutes=1)
    html = as_user(person).get("/me/tokens").get_data(as_text=True)
    assert used.strftime("%Y-%m-%d %H:%M") in html


def test_rate_limit_is_per_token(app_config, person, app):
    from okr.app import create_app

    limited = create_app({**app_config, "API_RATE_LIMIT": "3 per minute"})
    _row, one = _token(limited, person, name="one")
    _row, two = _token(limited, person, name="two")
    c = limited.test_client()
    codes = [c.get("/api/v1/kpis/growth/2026-Q2", headers=_bearer(one)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert c.get("/api/v1/kpis/growth/2026-Q2", headers=_bearer(two)).status_code == 200


# --- the command --------------------------------------------------------------------------------


def test_cli_creates_a_working_token(app, client, person):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["token", "create", "ANN@example.com", "--name", "nightly", "--write", "--days", "3"])
    assert result.exit_code == 0, result.output
    text = result.output.strip()
    assert re.fullmatch(r"okr_[A-Za-z0-9_-]{43}", text)
    assert client.post("/api/v1/smart", json=SMART, headers=_bearer(text)).status_code == 200

    result = runner.invoke(args=["token", "create", "ann@example.com", "--name", "ro"])
    assert client.post("/api/v1/smart", json=SMART, headers=_bearer(result.output.strip())).status_code == 403

    missing = runner.invoke(args=["token", "create", "nobody@example.com", "--name", "x"])
    assert missing.exit_code != 0 and "no active person" in missing.output


def test_token_errors_speak_the_callers_language(app, client, person):
    resp = client.get("/api/v1/teams", headers={**_bearer("okr_unknown"), "Accept-Language": "zh-CN"})
    assert resp.status_code == 401 and resp.get_json()["error"] == "此 API 令牌无效。"
    _row, text = _token(app, person, scope="read")
    resp = client.post("/api/v1/smart", json=SMART, headers={**_bearer(text), "Accept-Language": "zh-CN"})
    assert resp.status_code == 403 and resp.get_json()["error"] == "此 API 令牌只能读取。"
