"""A plan document's dry run (or import) never says that an email has an account in another
organisation: an admin is told only that the address cannot be used for a new account, as on
the admin's people page, and someone who may not add people learns nothing at all."""

from __future__ import annotations

import json

import pytest

from okr.core import models as m


@pytest.fixture
def orgs(make):
    company = make.team(slug="company", name="Company", kind="company")
    org = make.s.get(m.Organisation, company.org_id)
    content = make.team(org=org, parent=company, slug="content", name="Content")
    li = make.user(team=content, role="manager", email="li@example.com", name="Li")
    admin = make.user(org=org, role=None, email="admin@example.com", name="Ada", is_admin=True)
    other = make.team(slug="rival", name="Rival")  # another organisation
    make.user(team=other, role="member", email="taken@rival.example", name="Someone Else")
    return {"li": li, "admin": admin}


def people(*emails):
    return {
        "format": "okr-plan/1",
        "people": [{"email": e, "name": "New Person", "team": "content"} for e in emails],
    }


def dry_run(b, document):
    return b.post("/teams/content/plan/2026-Q2/import", json={"payload": json.dumps(document)})


def test_an_admins_dry_run_names_no_other_organisation(orgs, as_user):
    resp = dry_run(as_user(orgs["admin"]), people("taken@rival.example"))
    assert resp.status_code == 422
    (issue,) = resp.get_json()["issues"]
    assert issue["path"] == "people[0].email"
    assert "another organisation" not in issue["message"] and "account in" not in issue["message"]
    assert (
        issue["message"] == "taken@rival.example cannot be used for a new account: ask the person for another address"
    )


def test_a_managers_dry_run_answers_the_same_for_a_taken_and_a_free_address(orgs, as_user):
    b = as_user(orgs["li"])
    taken = dry_run(b, people("taken@rival.example")).get_json()["issues"]
    free = dry_run(b, people("free@elsewhere.example")).get_json()["issues"]
    assert [i["path"] for i in taken] == [i["path"] for i in free] == ["people[0]"]
    assert taken[0]["message"].replace("taken@rival.example", "X") == free[0]["message"].replace(
        "free@elsewhere.example", "X"
    )
