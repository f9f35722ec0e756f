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
