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
