"""Who an imported check-in or delegation is recorded as: a web upload by someone who is not an
organisation admin records the uploader, whatever the document names; an admin's upload and
``okr import`` keep the document's authors."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from okr.core import models as m


@pytest.fixture
def org(make):
    company = make.team(slug="company", name="Company", kind="company")
    org = make.s.get(m.Organisation, company.org_id)
    content = make.team(org=org, parent=company, slug="content", name="Content")
    li = make.user(team=content, role="manager", email="li@example.com", name="Li")
    wang = make.user(team=content, role="member", email="wang@example.com", name="Wang")
    admin = make.user(org=org, role=None, email="admin@example.com", name="Ada", is_admin=True)
    return {"org": org, "li": li, "wang": wang, "admin": admin}


def doc(title="Daily posts 1000 → 1300") -> dict:
    """A key result with a check-in signed by Wang, and a task Wang says he delegated."""
    return {
        "format": "okr-plan/1",
        "goals": [
            {
                "team": "content",
                "year": 2026,
                "title": "Grow",
                "objectives": [
                    {
                        "quarter": "2026-Q2",
                        "title": "More creators",
                        "key_results": [
                            {
                                "title": title,
                                "start": 1000,
                                "target": 1300,
                                "owner": "wang@example.com",
                                "check_ins": [
                                    {"date": "2026-04-15", "value": 1080, "author": "wang@example.com"},
                                    {"date": "2026-04-22", "value": 1100},
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "tasks": [
            {
                "team": "content",
                "week": "2026-W16",
                "title": f"Chase the creators ({title})",
                "assignee": "li@example.com",
                "delegated_by": "wang@example.com",
            },
            {"team": "content", "week": "2026-W16", "title": f"Not delegated ({title})", "assignee": "li@example.com"},
        ],
    }


def authors(session, title):
    session.expire_all()
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.title == title)).one()
    check_ins = session.exec(
        select(m.CheckIn.author_id).where(m.CheckIn.key_result_id == kr.id).order_by(m.CheckIn.checked_on)
    ).all()
    tasks = session.exec(select(m.Task.delegated_by_id).where(m.Task.title.contains(title)).order_by(m.Task.id)).all()
    return list(check_ins), list(tasks)


def confirm(b, document):
    return b.post("/teams/content/plan/2026-Q2/import", data={"payload": json.dumps(document), "confirm": "y"})


def test_a_managers_upload_records_the_manager_as_author_and_delegator(org, as_user, session):
    resp = confirm(as_user(org["li"]), doc())
    assert resp.status_code == 303, resp.get_data(as_text=True)[:400]
    li = org["li"].id
    assert authors(session, "Daily posts 1000 → 1300") == ([li, li], [li, None])


def test_an_admins_upload_and_the_command_line_keep_the_documents_authors(org, as_user, session, app, tmp_path):
    resp = confirm(as_user(org["admin"]), doc("By the admin"))
    assert resp.status_code == 303
    wang = org["wang"].id
    # the document names Wang on the first check-in and nobody on the second: kept as written
    assert authors(session, "By the admin") == ([wang, None], [wang, None])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc("By the operator")), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert authors(session, "By the operator") == ([wang, None], [wang, None])
