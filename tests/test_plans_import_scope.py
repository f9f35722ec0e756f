"""Uploading a plan document on a team's plan page: what the person who uploads may touch, the
preview that names what will be created, the one-time passwords shown once, and the messages
in Chinese.

A manager's upload may only add plan items of the page's team and the teams under it; teams,
people, memberships and admin flags need an organisation admin. ``okr import`` (the operator)
is not limited.
"""

from __future__ import annotations

import io
import json
import logging
import re
from html import unescape

import pytest
from sqlmodel import func, select

from okr.accounts import passwords
from okr.core import models as m


@pytest.fixture
def org(make):
    """company ⊃ content ⊃ creators, and sales beside content; Li manages content only."""
    company = make.team(slug="company", name="Company", kind="company")
    org = make.s.get(m.Organisation, company.org_id)
    content = make.team(org=org, parent=company, slug="content", name="Content")
    creators = make.team(org=org, parent=content, slug="creators", name="Creators")
    sales = make.team(org=org, parent=company, slug="sales", name="Sales")
    li = make.user(team=content, role="manager", email="li@example.com", name="李娜")
    wang = make.user(team=content, role="member", email="wang@example.com", name="王磊")
    zhao = make.user(team=sales, role="member", email="zhao@example.com", name="赵敏")
    admin = make.user(org=org, role=None, email="admin@example.com", name="Ada Admin", is_admin=True)
    return {
        "company": company,
        "content": content,
        "creators": creators,
        "sales": sales,
        "li": li,
        "wang": wang,
        "zhao": zhao,
        "admin": admin,
    }


def upload(b, doc, period="2026-Q2", slug="content", **extra):
    data = {"document": (io.BytesIO(json.dumps(doc, ensure_ascii=False).encode()), "plan.json"), **extra}
    return b.post(f"/teams/{slug}/plan/{period}/import", data=data, content_type="multipart/form-data")


def confirm(b, doc, period="2026-Q2", slug="content"):
    return b.post(
        f"/teams/{slug}/plan/{period}/import", data={"payload": json.dumps(doc, ensure_ascii=False), "confirm": "y"}
    )


def count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def memberships(session, user):
    session.expire_all()
    rows = session.exec(
        select(m.Team.slug, m.Membership.role)
        .join(m.Team, m.Team.id == m.Membership.team_id)
        .where(m.Membership.user_id == user.id)
    ).all()
    return sorted(rows)


def issue_paths(html: str) -> list[str]:
    return re.findall(r'<code class="path">([^<]*)</code>', html)


def goal(goal_team, title="Grow the creator community", **objective):
    doc = {"team": goal_team, "year": 2026, "title": title}
    if objective:
        doc["objectives"] = [{"quarter": "2026-Q2", "title": "Make creators more active", **objective}]
    return doc


# --- a manager's upload -----------------------------------------------------------------------


def test_a_manager_cannot_give_themselves_other_teams_by_upload(org, as_user, session):
    """The audit's first document: Li (manager of content) makes herself sales manager and
    company admin. Both rows are refused by path; with confirm, nothing is written."""
    doc = {
        "format": "okr-plan/1",
        "people": [
            {
                "email": "li@example.com",
                "name": "李娜",
                "team": "sales",
                "role": "manager",
                "memberships": [{"team": "company", "role": "admin"}],
            }
        ],
    }
    b = as_user(org["li"])
    before = memberships(session, org["li"])
    for resp in (upload(b, doc), confirm(b, doc)):
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, html[:800]
        assert issue_paths(html) == ["people[0].team", "people[0].memberships[0]"]
        assert "nothing was imported" in html
        assert "only an organisation admin may change who belongs to a team" in html
    assert memberships(session, org["li"]) == before == [("content", "manager")]
    # and with the escalation refused, she still cannot plan sales
    assert b.get("/teams/sales/plan/2026-Q2/import").status_code == 403


def test_a_manager_cannot_add_admins_teams_or_other_teams_goals(org, as_user, session):
    """The audit's second document, and more: every offending row is named, nothing imported."""
    doc = {
        "format": "okr-plan/1",
        "teams": [{"slug": "shadow", "name": "Shadow", "parent": "company"}],
        "people": [
            {"email": "mallory@example.com", "name": "Mallory", "admin": True},
            {"email": "zhao@example.com", "name": "赵敏", "admin": True},
        ],
        "goals": [goal("sales", "Take over sales"), goal("content", kind="committed", team="company")],
        "objectives": [{"team": "shadow", "quarter": "2026-Q2", "title": "Hide here"}],
        "projects": [{"team": "sales", "month": "2026-04", "title": "Sales project"}],
        "tasks": [
            {"week": "2026-W16", "title": "A chore for sales", "assignee": "zhao@example.com"},
            {"week": "2026-W16", "title": "Named team", "team": "sales"},
        ],
    }
    b = as_user(org["li"])
    tables = {
        model: count(session, model)
        for model in (m.Team, m.User, m.Membership, m.AnnualGoal, m.Objective, m.Project, m.Task)
    }
    resp = confirm(b, doc)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[:800]
    assert issue_paths(html) == [
        "teams[0]",  # a new team
        "people[0]",  # a new person…
        "people[0].admin",  # …made an organisation admin
        "people[1].admin",  # an existing member made admin
        "goals[0].team",  # a goal of sales
        "goals[1].objectives[0].team",  # an objective of the company under a content goal
        "objectives[0].team",  # the new team's objective
        "projects[0].team",  # a project of sales
        "tasks[0]",  # a task of the assignee's team, sales
        "tasks[1].team",  # a task of sales
    ]
    assert {model: count(session, model) for model in tables} == tables
    zhao = session.get(m.User, org["zhao"].id)
    assert not zhao.is_admin


def test_json_upload_is_limited_the_same_way(org, as_user, session):
    doc = {"format": "okr-plan/1", "goals": [goal("sales")]}
    resp = as_user(org["li"]).post(
        "/teams/content/plan/2026-Q2/import",
        json={"payload": json.dumps(doc), "confirm": True},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 422
    body = resp.get_json()
    assert [i["path"] for i in body["issues"]] == ["goals[0].team"] and body["imported"] is False
    assert count(session, m.AnnualGoal) == 0


def test_a_manager_imports_plans_of_their_team_and_the_teams_under_it(org, as_user, session):
    doc = {
        "format": "okr-plan/1",
        # listing existing teams, people and memberships as they are is harmless
        "teams": [{"slug": "company", "name": "Company"}, {"slug": "content", "name": "Content", "parent": "company"}],
        "people": [
            {"email": "li@example.com", "name": "李娜", "team": "content", "role": "manager"},
            {"email": "zhao@example.com", "name": "赵敏"},
        ],
        "goals": [
            goal(
                "content",
                owner="li@example.com",
                kind="aspirational",
                key_results=[
                    {
                        "title": "Daily posts 1000 → 1300",
                        "start": 1000,
                        "target": 1300,
                        "raci": {"A": "li@example.com", "R": ["zhao@example.com"]},
                    }
                ],
            ),
            goal("creators", "Creators' own goal"),
        ],
        "tasks": [{"week": "2026-W16", "title": "Wang's chore", "assignee": "wang@example.com"}],
    }
    b = as_user(org["li"])
    preview = upload(b, doc)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:800]
    assert "The document is valid" in preview.get_data(as_text=True)
    resp = confirm(b, doc)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/teams/content/plan/2026-Q2")
    session.expire_all()
    goals = {g.title: g.team_id for g in session.exec(select(m.AnnualGoal)).all()}
    assert goals == {"Grow the creator community": org["content"].id, "Creators' own goal": org["creators"].id}
    assert session.exec(select(m.Task)).one().team_id == org["content"].id
    assert count(session, m.User) == 4 and count(session, m.Team) == 4


def test_a_manager_can_re_upload_their_own_download(org, make, as_user, session):
    """The download lists the team's ancestors and people (admins with "admin": true): uploading
    it again adds nothing forbidden."""
    g = make.goal(team=org["content"], year=2026, title="Grow the creator community", owner_id=org["admin"].id)
    make.objective(team=org["content"], goal=g, quarter="2026-Q2", title="Make creators more active")
    b = as_user(org["li"])
    exported = json.loads(b.get("/teams/content/plan/2026/export").get_data(as_text=True))
    assert any(p.get("admin") for p in exported["people"])
    resp = upload(b, exported)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1500]


def test_the_page_says_what_a_manager_may_import(org, as_user):
    html = as_user(org["li"]).get("/teams/content/plan/2026-Q2/import").get_data(as_text=True)
    assert "New teams, new people and team memberships need an organisation admin." in html


def test_the_command_line_is_not_limited(org, app, session, tmp_path):
    doc = {
        "format": "okr-plan/1",
        "teams": [{"slug": "ops", "name": "Ops", "parent": "company"}],
        "people": [{"email": "new@example.com", "name": "New Person", "team": "ops", "admin": True}],
        "goals": [goal("sales", "Sales goal from the operator")],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.exec(select(m.User).where(m.User.email == "new@example.com")).one().is_admin


# --- an organisation admin's upload: a preview naming what is new, passwords shown once --------------


def admin_doc():
    return {
        "format": "okr-plan/1",
        "teams": [{"slug": "ops", "name": "运营部", "parent": "company"}],
        "people": [
            {"email": "sun@example.com", "name": "孙悦", "team": "ops", "role": "manager"},
            {"email": "qian@example.com", "name": "钱多", "team": "ops"},
            {"email": "wang@example.com", "name": "王磊", "memberships": [{"team": "ops", "role": "viewer"}]},
        ],
        "goals": [
            goal("ops", "运营年度目标", key_results=[{"title": "工单响应 8 → 4 小时", "start": 8, "target": 4}]),
            goal("sales", "Sales goal"),
        ],
    }


def test_admin_preview_names_the_new_teams_people_and_memberships(org, as_user, session):
    resp = upload(as_user(org["admin"]), admin_doc())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:800]
    assert "New teams" in html and "运营部" in html and "<code>ops</code>" in html and "under company" in html
    assert "New people" in html and "孙悦 &lt;sun@example.com&gt;" in html and "钱多 &lt;qian@example.com&gt;" in html
    assert "wang@example.com joins ops as viewer" in html
    assert re.search(r"<th scope=\"row\">Key results</th><td class=\"num\">1</td>", html)
    assert "× key_results" not in html
    assert count(session, m.Team) == 4 and count(session, m.User) == 4  # a dry run


def test_new_peoples_passwords_are_shown_once_and_stored_nowhere(org, as_user, session, caplog):
    b = as_user(org["admin"])
    caplog.set_level(logging.DEBUG)
    resp = confirm(b, admin_doc())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:800]
    assert "no-store" in resp.headers["Cache-Control"]
    shown = dict(re.findall(r"<tr><td>([^<]+)</td><td><code class=\"password\">([^<]+)</code></td></tr>", html))
    assert sorted(shown) == ["qian@example.com", "sun@example.com"]  # wang exists: no new password
    session.expire_all()
    for email, password in shown.items():
        user = session.exec(select(m.User).where(m.User.email == email)).one()
        assert passwords.check_password(user.password_hash, password)
    assert count(session, m.Team) == 5
    # never in the session, a cookie, the logs, or any later page
    with b.client.session_transaction() as saved:
        kept = json.dumps(dict(saved), default=str)
    for password in shown.values():
        assert password not in kept
        assert password not in " ".join(resp.headers.getlist("Set-Cookie"))
        assert password not in caplog.text
        for path in ("/teams/content/plan/2026-Q2", "/teams/content/plan/2026-Q2/import"):
            assert password not in b.get(path).get_data(as_text=True)


def test_new_passwords_in_the_json_answer_of_the_import(org, as_user, session):
    resp = as_user(org["admin"]).post(
        "/teams/content/plan/2026-Q2/import",
        json={"payload": json.dumps(admin_doc()), "confirm": True},
        headers={"Accept": "application/json"},
    )
    body = resp.get_json()
    assert resp.status_code == 200 and body["imported"] is True
    assert sorted(body["passwords"]) == ["qian@example.com", "sun@example.com"]
    assert [t["slug"] for t in body["new_teams"]] == ["ops"]
    assert resp.headers["Cache-Control"] == "no-store"


# --- in Chinese -----------------------------------------------------------------------------------------


def test_import_messages_and_preview_in_chinese(org, as_user, session):
    for user in (org["li"], org["admin"]):
        session.add(user)
        user.locale = "zh"
    session.commit()
    bad = {
        "format": "okr-plan/1",
        "goals": [
            goal("content", kind="committed", quarter_="x", key_results=[{"title": "KR", "start": 5, "target": 5}]),
            goal("sales", "Sales"),
        ],
    }
    html = unescape(confirm(as_user(org["li"]), bad).get_data(as_text=True))
    assert "未知的键 'quarter_'：是否想写 'quarter'？" in html
    assert "必须与起始值（5）不同" in html
    assert "团队 'sales' 不是本页的团队或其下属团队" in html
    assert "must differ from start" not in html and "unknown key" not in html
    missing = {
        "format": "okr-plan/1",
        "goals": [
            {"team": "content", "year": 2026, "title": "T", "objectives": [{"title": "O", "quarter": "2026-04"}]}
        ],
    }
    html = confirm(as_user(org["li"]), missing).get_data(as_text=True)
    assert "2026-04 是月份：这里必须是季度（如 2026-Q2）" in html
    html = upload(as_user(org["admin"]), admin_doc()).get_data(as_text=True)
    assert "新团队" in html and "新人员" in html and "运营部" in html
    assert '<th scope="row">关键结果</th>' in html
