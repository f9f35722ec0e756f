"""Accounts under a security review: what "add person" tells an admin, passwords, sessions."""

from __future__ import annotations

import html as html_lib

import pytest
from sqlmodel import func, select

STRONG = "plum-orbit-lantern-42"


@pytest.fixture
def two_orgs(make):
    mine = make.org(slug="mine")
    team = make.team(org=mine, slug="ops")
    admin = make.user(team=team, role="admin", is_admin=True, email="admin@mine.example")
    colleague = make.user(team=team, email="colleague@mine.example")
    other = make.org(slug="other")
    stranger = make.user(team=make.team(org=other, slug="elsewhere"), email="secret@other.example")
    return admin, colleague, stranger


def _people(session):
    from okr.core import models as m

    return session.exec(select(func.count()).select_from(m.User)).one()


def test_add_person_does_not_reveal_an_account_in_another_organisation(two_orgs, as_user, session):
    admin, _colleague, stranger = two_orgs
    b = as_user(admin)
    b.refresh_token("/admin/people")
    before = _people(session)
    resp = b.post("/admin/people", data={"email": stranger.email, "name": "Someone", "password": STRONG})
    assert resp.status_code == 422
    page = html_lib.unescape(resp.get_data(as_text=True)).lower()
    assert "already has an account" not in page and "another organisation" not in page
    assert "cannot be used for a new account" in page
    assert _people(session) == before
    # An address no one has gets the same treatment only in that it is added: the refusal names
    # no organisation and no account, so the answer says nothing about who holds the address.
    fresh = b.post("/admin/people", data={"email": "new@mine.example", "name": "New", "password": STRONG})
    assert fresh.status_code == 302 and _people(session) == before + 1


def test_add_person_names_a_colleague_already_in_the_organisation(two_orgs, as_user, session):
    admin, colleague, _stranger = two_orgs
    b = as_user(admin)
    b.refresh_token("/admin/people")
    resp = b.post("/admin/people", data={"email": colleague.email.upper(), "name": "Again", "password": STRONG})
    assert resp.status_code == 422
    assert "is already in your organisation" in html_lib.unescape(resp.get_data(as_text=True))


# --- passwords: at least 12 characters and not easy to guess, on the web and in create-user ------

WEAK = [
    ("short1!", "at least 12 characters"),  # 7
    ("elevenchars", "at least 12 characters"),  # 11
    ("password1234", "too easy to guess"),
    ("123456789012", "too easy to guess"),
    ("qwertyuiop12", "too easy to guess"),
    ("iloveyou2024", "too easy to guess"),
    ("aaaaaaaaaaaa", "too easy to guess"),
]


@pytest.mark.parametrize("password,message", WEAK)
def test_password_change_refuses_short_and_common_passwords(make, as_user, session, password, message):
    from okr.core import models as m

    user = make.user(team=make.team())
    b = as_user(user)
    resp = b.post("/me/password", data={"current": "correct horse battery", "new": password, "confirm": password})
    assert resp.status_code == 422
    assert message in html_lib.unescape(resp.get_data(as_text=True))
    session.expire_all()
    assert session.get(m.User, user.id).session_version == 1  # nothing changed


def test_password_change_refuses_the_persons_own_name_and_email(make, as_user):
    user = make.user(team=make.team(), email="marguerite.okonkwo@example.com", name="Marguerite Okonkwo")
    for password in ("marguerite.okonkwo", "okonkwo-marguerite", "Marguerite2026!"):
        resp = as_user(user).post(
            "/me/password", data={"current": "correct horse battery", "new": password, "confirm": password}
        )
        assert resp.status_code == 422, password


def test_password_change_accepts_a_long_unusual_password(make, as_user):
    user = make.user(team=make.team())
    b = as_user(user)
    resp = b.post("/me/password", data={"current": "correct horse battery", "new": STRONG, "confirm": STRONG})
    assert resp.status_code == 302
    as_user(user, password=STRONG)


@pytest.mark.parametrize("password,message", WEAK)
def test_admin_add_person_uses_the_same_rule(two_orgs, as_user, session, password, message):
    admin, _colleague, _stranger = two_orgs
    b = as_user(admin)
    before = _people(session)
    resp = b.post("/admin/people", data={"email": "new@mine.example", "name": "New", "password": password})
    assert resp.status_code == 422
    assert message in html_lib.unescape(resp.get_data(as_text=True))
    assert _people(session) == before


def test_chinese_message_for_a_common_password(make, as_user):
    user = make.user(team=make.team())
    b = as_user(user)
    b.post("/language", data={"lang": "zh", "next": "/teams"})
    resp = b.post(
        "/me/password", data={"current": "correct horse battery", "new": "password1234", "confirm": "password1234"}
    )
    assert resp.status_code == 422 and "太容易被猜到" in resp.get_data(as_text=True)


@pytest.mark.parametrize("password,message", WEAK)
def test_create_user_uses_the_same_rule(app, session, password, message):
    result = app.test_cli_runner().invoke(
        args=["create-user", "new@example.com", "--name", "New", "--password", password]
    )
    assert result.exit_code != 0 and message in result.output
    assert _people(session) == 0


def test_create_user_accepts_a_strong_password_that_then_signs_in(app, browser):
    result = app.test_cli_runner().invoke(
        args=["create-user", "new@example.com", "--name", "New", "--password", STRONG]
    )
    assert result.exit_code == 0, result.output
    browser.login("new@example.com", STRONG)


def test_the_demo_password_still_signs_in(demo, browser):
    from okr.seed.demo import DEMO_LOGINS, DEMO_PASSWORD

    browser.login(DEMO_LOGINS[0][0], DEMO_PASSWORD)


# --- sessions live on the server: sign-out, idle and absolute limits -----------------------------


def _copy_of(app, b):
    """A second client holding a copy of ``b``'s session cookie (as a thief would)."""
    from conftest import Browser

    thief = Browser(app.test_client())
    cookie = b.client.get_cookie("okr_session")
    thief.client.set_cookie("okr_session", cookie.value)
    thief.token = b.token
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, make, as_user, session):
    from okr.core import models as m

    team = make.team(slug="content")
    user = make.user(team=team, role="manager")
    b = as_user(user)
    thief = _copy_of(app, b)
    url = "/teams/content/plan/2026-Q2/items/objective"
    objective = {"title": "Ship the creator app", "kind": "committed", "weight": "1", "description": ""}
    # While the session lives, the copy reads and writes like the original.
    assert thief.get("/teams").status_code == 200
    assert thief.post(url, data=objective).status_code == 303
    assert b.post("/logout").status_code == 302
    assert b.get("/teams").status_code == 302
    # After sign-out the copy (with that session's CSRF token) neither reads nor writes.
    assert thief.get("/teams").status_code == 302
    assert thief.post(url, data={**objective, "title": "Sneaky"}).status_code in (302, 401)
    assert session.exec(select(func.count()).select_from(m.Objective)).one() == 1
    assert session.exec(select(func.count()).select_from(m.UserSession)).one() == 0


def test_sign_out_ends_only_that_session(app, make, as_user):
    user = make.user(team=make.team())
    laptop, phone = as_user(user), as_user(user)
    laptop.post("/logout")
    assert laptop.get("/teams").status_code == 302
    assert phone.get("/teams").status_code == 200


def _age_session(session, **ago):
    from datetime import timedelta

    from okr.core import models as m

    row = session.exec(select(m.UserSession)).one()
    for name, minutes in ago.items():
        setattr(row, name, m.utcnow() - timedelta(minutes=minutes))
    session.add(row)
    session.commit()


def test_a_session_left_idle_past_the_limit_ends(app, make, as_user, session):
    app.config["SESSION_IDLE_MINUTES"] = 30
    b = as_user(make.user(team=make.team()))
    _age_session(session, last_seen_at=29)
    assert b.get("/teams").status_code == 200  # still inside the limit; this request counts as use
    session.expire_all()
    _age_session(session, last_seen_at=31)
    assert b.get("/teams").status_code == 302


def test_a_busy_session_still_ends_at_the_absolute_limit(app, make, as_user, session):
    app.config["SESSION_MAX_HOURS"] = 8
    b = as_user(make.user(team=make.team()))
    _age_session(session, created_at=8 * 60 - 1, last_seen_at=0)
    assert b.get("/teams").status_code == 200
    session.expire_all()
    _age_session(session, created_at=8 * 60 + 1, last_seen_at=0)
    assert b.get("/teams").status_code == 302


def test_use_moves_last_seen_at_most_once_a_minute(app, make, as_user, session):
    from okr.core import models as m

    b = as_user(make.user(team=make.team()))
    _age_session(session, last_seen_at=5)
    b.get("/teams")
    session.expire_all()
    seen = session.exec(select(m.UserSession)).one().last_seen_at
    b.get("/teams")
    session.expire_all()
    assert session.exec(select(m.UserSession)).one().last_seen_at == seen
    assert (m.utcnow() - seen.replace(tzinfo=m.utcnow().tzinfo)).total_seconds() < 60


def test_password_change_and_admin_sign_out_end_the_server_sessions(app, make, as_user, session):
    from okr.core import models as m

    team = make.team()
    admin = make.user(team=team, role="admin", is_admin=True)
    user = make.user(team=team)
    here, there = as_user(user), as_user(user)
    stolen = _copy_of(app, there)
    assert (
        here.post(
            "/me/password", data={"current": "correct horse battery", "new": STRONG, "confirm": STRONG}
        ).status_code
        == 302
    )
    assert here.get("/teams").status_code == 200 and stolen.get("/teams").status_code == 302
    assert (
        session.exec(select(func.count()).select_from(m.UserSession).where(m.UserSession.user_id == user.id)).one() == 1
    )
    a = as_user(admin)
    assert a.post(f"/admin/people/{user.id}/sign-out").status_code == 302
    assert here.get("/teams").status_code == 302
    assert (
        session.exec(select(func.count()).select_from(m.UserSession).where(m.UserSession.user_id == user.id)).one() == 0
    )


@pytest.mark.parametrize(
    "name,value", [("SESSION_IDLE_MINUTES", 0), ("SESSION_MAX_HOURS", "many"), ("SESSION_MAX_HOURS", -1)]
)
def test_session_limits_are_checked_settings(app_config, name, value):
    from okr.app import create_app
    from okr.core.settings import SettingsError

    with pytest.raises(SettingsError, match=f"OKR_{name}"):
        create_app({**app_config, name: value})
