"""Security controls seen through HTTP: headers, templates without inline code, error pages,
sign-in throttle, sessions (password change, sign out everywhere, archived people), history, admin."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select

from okr.core import models as m

ROOT = Path(__file__).resolve().parent.parent


def test_headers_on_pages(make, as_user):
    b = as_user(make.user(team=make.team()))
    resp = b.get("/teams")
    h = resp.headers
    assert "script-src 'self'" in h["Content-Security-Policy"] and "unsafe-inline" not in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "same-origin"
    assert h["Cache-Control"] == "no-store" and h["X-Request-Id"]


def test_templates_carry_no_inline_script_style_or_handler():
    bad = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.parent.name == "notify" and path.name.startswith("email"):
            continue  # mail, not a page: mail readers drop stylesheets, and no CSP applies to it
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle\s*=",
            r"\son[a-z]+\s*=",
            r"hx-on",
            r"javascript:",
        ):
            for found in re.finditer(pattern, text, re.I):
                bad.append(f"{path.relative_to(ROOT)}: {found.group(0)!r}")
    assert not bad, "\n".join(bad)


def test_session_cookie_secure_when_configured_or_https(app_config, tmp_path, monkeypatch):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / "i"))
    plain = create_app(app_config).test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" not in plain and "HttpOnly" in plain and "SameSite=Lax" in plain
    secure = create_app({**app_config, "SESSION_COOKIE_SECURE": True}).test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" in secure
    https = create_app(app_config).test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in https


def test_500_shows_a_request_id_and_no_trace(app, client, caplog):
    def boom():
        raise RuntimeError("SELECT secret FROM app_user")

    app.add_url_rule("/throwaway-boom", "throwaway_boom", boom)
    from okr.core.web import public

    public.PUBLIC["throwaway_boom"] = "a test"
    try:
        resp = client.get("/throwaway-boom", headers={"X-Request-Id": "req-123"})
    finally:
        del public.PUBLIC["throwaway_boom"]
    text = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "req-123" in text and "SELECT" not in text and "Traceback" not in text
    assert any("req-123" in r.getMessage() for r in caplog.records)
    j = client.get("/throwaway-boom", headers={"Accept": "application/json"})
    assert j.status_code in (401, 500) and "SELECT" not in j.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_or_gets_401(client):
    assert client.get("/teams").status_code == 302
    assert "/login" in client.get("/teams").headers["Location"]
    assert client.get("/teams", headers={"HX-Request": "true"}).headers["HX-Redirect"].startswith("/login")
    assert client.post("/me/password").status_code in (302, 401)
    assert client.get("/healthz").status_code in (200, 503)


def test_login_throttle_answers_429_with_a_message(make, browser, app):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = 3
    user = make.user(team=make.team())
    browser.refresh_token()
    for _ in range(3):
        r = browser.post(
            "/login", data={"email": user.email, "password": "wrong password", "csrf_token": browser.token}
        )
        assert r.status_code == 401 and "Email or password is not right." in r.get_data(as_text=True)
    r = browser.post(
        "/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": browser.token}
    )
    assert r.status_code == 429 and "Too many attempts" in r.get_data(as_text=True)


def test_unknown_account_gets_the_same_message(browser):
    browser.refresh_token()
    r = browser.post(
        "/login", data={"email": "nobody@example.com", "password": "whatever", "csrf_token": browser.token}
    )
    assert r.status_code == 401 and "Email or password is not right." in r.get_data(as_text=True)


def test_archived_person_cannot_sign_in(make, browser, session):
    user = make.user(team=make.team())
    user.is_archived = True
    session.add(user)
    session.commit()
    browser.refresh_token()
    r = browser.post(
        "/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": browser.token}
    )
    assert r.status_code == 401


def test_password_change_ends_other_sessions(make, as_user, session):
    user = make.user(team=make.team())
    here, elsewhere = as_user(user), as_user(user)
    bad = here.post(
        "/me/password", data={"current": "wrong", "new": "a new long password", "confirm": "a new long password"}
    )
    assert bad.status_code == 422 and "This is not your current password." in bad.get_data(as_text=True)
    short = here.post("/me/password", data={"current": "correct horse battery", "new": "short", "confirm": "short"})
    assert short.status_code == 422
    ok = here.post(
        "/me/password",
        data={"current": "correct horse battery", "new": "a new long password", "confirm": "a new long password"},
    )
    assert ok.status_code == 302
    assert here.get("/teams").status_code == 200
    assert elsewhere.get("/teams").status_code == 302
    session.expire_all()
    assert session.get(m.User, user.id).session_version == 2
    as_user(user, password="a new long password")


def test_admin_signs_a_person_out_everywhere_and_archives_them(make, as_user, session):
    team = make.team()
    admin = make.user(team=team, is_admin=True)
    person = make.user(team=team)
    kr = make.kr(objective=make.objective(team=team))
    make.raci(person, "A", kr=kr)
    theirs = as_user(person)
    a = as_user(admin)
    page = a.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert kr.title in page  # the item that would lose its Accountable person
    assert a.post(f"/admin/people/{person.id}/sign-out").status_code == 302
    assert theirs.get("/teams").status_code == 302
    assert a.post(f"/admin/people/{person.id}/archive").status_code == 302
    session.expire_all()
    assert session.get(m.User, person.id).is_archived
    assert as_user(admin).get("/admin").status_code == 200
    assert as_user(make.user(team=team, role="manager")).get("/admin").status_code == 403
    # The archive is in the audit log, and the admin can bring the person back.
    events = session.exec(
        select(m.AuditEvent).where(m.AuditEvent.item_type == "person", m.AuditEvent.item_id == person.id)
    ).all()
    assert [e.action for e in events] == ["archive"]
    page = a.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Bring back" in page
    assert a.post(f"/admin/people/{person.id}/restore").status_code == 302
    session.expire_all()
    assert not session.get(m.User, person.id).is_archived
    as_user(person)  # signs in again
    assert as_user(make.user(team=team, role="manager")).post(f"/admin/people/{person.id}/restore").status_code == 403


def test_only_admins_see_the_admin_link(make, as_user):
    team = make.team()
    nav = lambda user: as_user(user).get("/teams").get_data(as_text=True).split('class="mainnav"')[1].split("</nav>")[0]  # noqa: E731
    assert 'href="/admin"' in nav(make.user(team=team, is_admin=True))
    assert 'href="/admin"' not in nav(make.user(team=team, role="manager"))
    assert 'href="/admin"' not in nav(make.user(team=team, role="member"))


def test_rollups_of_an_organisation_with_no_team_say_so(make, as_user):
    person = make.user(org=make.org())
    b = as_user(person)
    resp = b.get("/rollup/2026-Q2")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/teams")
    assert "There is no team yet" in b.get("/teams").get_data(as_text=True)
    assert b.get("/rollup/2026-Q2?format=json").status_code == 404


def test_admin_moves_teams_but_refuses_a_cycle(make, as_user, session):
    org = make.org()
    top = make.team(org=org, slug="top")
    child = make.team(org=org, parent=top, slug="child")
    a = as_user(make.user(team=top, is_admin=True))
    cyc = a.post(
        f"/admin/teams/{top.id}",
        data={f"t{top.id}-version": top.version, f"t{top.id}-name": "Top", f"t{top.id}-parent_id": child.id},
    )
    assert cyc.status_code == 422 and "cannot sit under itself" in cyc.get_data(as_text=True)
    ok = a.post(
        f"/admin/teams/{child.id}",
        data={f"t{child.id}-version": child.version, f"t{child.id}-name": "Renamed", f"t{child.id}-parent_id": 0},
    )
    assert ok.status_code == 302
    session.expire_all()
    moved = session.get(m.Team, child.id)
    assert moved.name == "Renamed" and moved.parent_id is None
    stale = a.post(
        f"/admin/teams/{child.id}",
        data={f"t{child.id}-version": 1, f"t{child.id}-name": "Again", f"t{child.id}-parent_id": 0},
    )
    assert stale.status_code == 409


def test_history_shows_changes_and_managers_restore(make, as_user, session):
    from okr.plans import ops as planning

    team = make.team()
    manager = make.user(team=team, role="manager")
    member = make.user(team=team, role="member")
    goal = make.goal(team=team, title="Old title")
    planning.update(
        session=session, actor_id=manager.id, org_id=team.org_id, item=goal, expected_version=1, title="New title"
    )
    planning.archive(session=session, actor_id=manager.id, org_id=team.org_id, item=goal)
    session.commit()
    page = as_user(member).get(f"/history/goal/{goal.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Old title" in text and "New title" in text and manager.name in text
    frag = as_user(member).get(f"/history/goal/{goal.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="history"' in frag and "<html" not in frag
    assert as_user(member).post(f"/history/goal/{goal.id}/restore", data={"version": goal.version}).status_code == 403
    mgr = as_user(manager)
    assert mgr.post(f"/history/goal/{goal.id}/restore", data={"version": 1}).status_code == 409
    assert mgr.post(f"/history/goal/{goal.id}/restore", data={"version": goal.version}).status_code == 302
    session.expire_all()
    assert not session.get(m.AnnualGoal, goal.id).is_archived
    assert session.exec(
        select(m.AuditEvent).where(m.AuditEvent.item_id == goal.id, m.AuditEvent.action == "restore")
    ).first()
    other = as_user(make.user(team=make.team()))
    assert other.get(f"/history/goal/{goal.id}").status_code == 404
    assert other.get("/history/nonsense/1").status_code == 404


# --- behind a reverse proxy (OKR_TRUSTED_PROXIES) -------------------------------------------------


def _proxied_app(app_config, tmp_path, monkeypatch, proxies):
    from okr.app import create_app

    monkeypatch.setenv("OKR_INSTANCE_PATH", str(tmp_path / f"i{proxies}"))
    return create_app({**app_config, "TRUSTED_PROXIES": proxies, "LOGIN_LIMIT_PER_ADDRESS": 2})


def _failed_sign_in(client, address, n):
    from conftest import csrf_from

    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"email": f"guess{n}@example.com", "password": "wrong", "csrf_token": token},
        headers={"X-Forwarded-For": address},
    ).status_code


def test_behind_a_trusted_proxy_the_sign_in_limit_is_per_client_address(app_config, tmp_path, monkeypatch):
    client = _proxied_app(app_config, tmp_path, monkeypatch, 1).test_client()
    assert [_failed_sign_in(client, "203.0.113.7", n) for n in range(3)] == [401, 401, 429]
    # Someone else behind the same proxy is not locked out by the first person's guesses.
    assert _failed_sign_in(client, "198.51.100.9", 3) == 401


def test_without_trusted_proxies_forwarded_headers_are_ignored(app_config, tmp_path, monkeypatch):
    client = _proxied_app(app_config, tmp_path, monkeypatch, 0).test_client()
    assert [_failed_sign_in(client, "203.0.113.7", n) for n in range(2)] == [401, 401]
    # A made-up X-Forwarded-For does not buy a fresh count.
    assert _failed_sign_in(client, "198.51.100.9", 2) == 429


def test_behind_a_trusted_proxy_https_makes_the_session_cookie_secure(app_config, tmp_path, monkeypatch):
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    proxied = _proxied_app(app_config, tmp_path, monkeypatch, 1).test_client().get("/login", headers=https)
    assert "Secure" in proxied.headers["Set-Cookie"]
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=")
    direct = _proxied_app(app_config, tmp_path, monkeypatch, 0).test_client().get("/login", headers=https)
    assert "Secure" not in direct.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in direct.headers


# --- JSON requests get JSON errors ------------------------------------------------------------------


def test_a_json_post_without_its_csrf_token_gets_a_json_error(make, as_user, session):
    team = make.team()
    manager = make.user(team=team, role="manager")
    goal = make.goal(team=team, is_archived=True)
    b = as_user(manager)
    resp = b.client.post(f"/history/goal/{goal.id}/restore", json={"version": goal.version})
    assert resp.status_code == 400
    assert resp.is_json, resp.get_data(as_text=True)[:200]
    assert "security token" in resp.json["error"] and resp.json["fields"] == {}
    assert resp.headers["X-CSRF-Refresh"] == "/csrf-token"
    session.expire_all()
    assert session.get(m.AnnualGoal, goal.id).is_archived


def test_an_anonymous_json_post_gets_a_json_401(client):
    resp = client.post("/history/goal/1/restore", json={"version": 1})
    assert resp.status_code == 401 and resp.is_json and resp.json["error"]


# --- how to report a problem ------------------------------------------------------------------------


def test_the_security_contact_in_the_docs_is_the_one_in_the_package_metadata():
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    meta = cfg["metadata"]
    contact, home = meta.get("maintainer_email", ""), meta.get("url", "")
    assert "@" in contact and home.startswith("https://")
    docs = (ROOT / "docs" / "security.md").read_text()
    report = docs[docs.index("## Reporting a problem") :]
    assert contact in report and "maintainer_email" in report
    # The controls the docs claim are the ones the code has.
    assert "OKR_TRUSTED_PROXIES" in docs and "ProxyFix" in (ROOT / "okr" / "app.py").read_text()
