"""The daily stand-up: what each person finished the previous working day, does today and is
blocked on, their note, flagging a task blocked and unflagging it, and the Markdown export."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from okr.core import models as m
from okr.plans import ops as planning
from okr.rhythm import rules

WEDNESDAY = date(2026, 5, 20)  # ISO week 2026-W21


@pytest.mark.parametrize(
    ("day", "previous"),
    [
        (date(2026, 5, 18), date(2026, 5, 15)),  # Monday → Friday
        (date(2026, 5, 19), date(2026, 5, 18)),  # Tuesday → Monday
        (date(2026, 5, 23), date(2026, 5, 22)),  # Saturday → Friday
        (date(2026, 5, 24), date(2026, 5, 22)),  # Sunday → Friday
    ],
)
def test_previous_working_day(day, previous):
    assert rules.previous_working_day(day) == previous


def test_markdown_escaping_keeps_typed_text_literal():
    assert rules.md("**bold** | <b>x</b>\nnext") == "\\*\\*bold\\*\\* \\| \\<b\\>x\\</b\\> next"


@pytest.fixture
def standup(make, session):
    team = make.team(slug="content", name="Content")
    boss = make.user(team=team, role="manager", name="Mia Manager")
    ann = make.user(team=team, role="member", name="Ann Member")
    bob = make.user(team=team, role="member", name="Bob Member")
    outsider = make.user(team=make.team(org=session.get(m.Organisation, team.org_id)), role="member", name="Olly")
    done = make.task(team=team, assignee=ann, week="2026-W21", title="Shipped the *survey*", status="done",
                     done_at=datetime(2026, 5, 19, 15, 0, tzinfo=UTC))  # fmt: skip
    old_done = make.task(team=team, assignee=ann, week="2026-W21", title="Old thing", status="done",
                         done_at=datetime(2026, 5, 12, 15, 0, tzinfo=UTC))  # fmt: skip
    doing = make.task(team=team, assignee=ann, week="2026-W21", title="Interview creators", status="doing")
    later = make.task(team=team, assignee=bob, week="2026-W22", title="Next week's plan")
    stuck = make.task(team=team, assignee=bob, week="2026-W21", title="Fix the export", status="doing")
    return {"team": team, "boss": boss, "ann": ann, "bob": bob, "outsider": outsider, "done": done,
            "old_done": old_done, "doing": doing, "later": later, "stuck": stuck}  # fmt: skip


def _person(html: str, name: str) -> str:
    start = html.index(f'data-person="{name}"')
    end = html.find('class="standup-person', start)
    return html[start : end if end > 0 else len(html)]


def test_the_stand_up_shows_each_persons_day(standup, as_user):
    page = as_user(standup["boss"]).get("/teams/content/standup/2026-05-20")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ann = _person(html, "Ann Member")
    assert "Finished 2026-05-19" in ann and "Shipped the *survey*" in ann and "Old thing" not in html
    assert "Interview creators" in ann
    bob = _person(html, "Bob Member")
    assert "Fix the export" in bob and "Next week&#39;s plan" not in html and "Next week's plan" not in html
    assert "Olly" not in html


def test_a_member_flags_a_task_blocked_and_the_manager_sees_why(standup, as_user, session):
    bob = as_user(standup["bob"])
    task = standup["stuck"]
    resp = bob.post(
        f"/tasks/{task.id}/block",
        data={"reason": "Waiting for the API key", "version": task.version, "team": "content", "day": "2026-05-20"},
        htmx=True,
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="standup_people"' in body and "<html" not in body
    session.refresh(task)
    assert task.is_blocked and task.blocked_reason == "Waiting for the API key"
    html = as_user(standup["boss"]).get("/teams/content/standup/2026-05-20").get_data(as_text=True)
    bob_part = _person(html, "Bob Member")
    blocked = bob_part[bob_part.index("<h3>Blocked</h3>") :]
    assert "Fix the export</strong>: Waiting for the API key" in blocked
    # Ann may not flag Bob's task; a stale version is refused.
    assert as_user(standup["ann"]).post(f"/tasks/{task.id}/unblock", data={"version": task.version}).status_code == 403
    assert bob.post(f"/tasks/{task.id}/unblock", data={"version": task.version - 1}).status_code == 409
    assert bob.post(f"/tasks/{task.id}/unblock", data={"version": task.version}).status_code == 303
    session.refresh(task)
    assert not task.is_blocked and task.blocked_reason == ""
    assert bob.post(f"/tasks/{task.id}/block", data={"reason": "", "version": task.version}).status_code == 422
    events = session.scalars(
        sa.select(m.AuditEvent.action).where(m.AuditEvent.item_type == "task", m.AuditEvent.item_id == task.id)
    ).all()
    assert events.count("update") == 2  # block and unblock; the first is the factory's create


def test_each_person_writes_their_own_note(standup, as_user, session):
    ann = as_user(standup["ann"])
    resp = ann.post("/teams/content/standup/2026-05-20/note", data={"note": "Out at 3pm"})
    assert resp.status_code == 303
    note = session.scalars(sa.select(m.StandupNote)).one()
    assert (note.user_id, note.day, note.note) == (standup["ann"].id, WEDNESDAY, "Out at 3pm")
    ann.post("/teams/content/standup/2026-05-20/note", data={"note": "Out at 4pm", "version": note.version})
    session.refresh(note)
    assert note.note == "Out at 4pm"
    assert ann.post("/teams/content/standup/2026-05-20/note", data={"note": "x", "version": 1}).status_code == 409
    html = as_user(standup["boss"]).get("/teams/content/standup/2026-05-20").get_data(as_text=True)
    assert "“Out at 4pm”" in _person(html, "Ann Member")
    outsider = as_user(standup["outsider"])
    assert outsider.post("/teams/content/standup/2026-05-20/note", data={"note": "hi"}).status_code == 403


def test_markdown_export_and_a_bad_date(standup, as_user):
    b = as_user(standup["boss"])
    md = b.get("/teams/content/standup/2026-05-20?format=md")
    assert md.headers["Content-Type"].startswith("text/markdown")
    text = md.get_data(as_text=True)
    assert "# Stand-up: Content · 2026-05-20" in text and "- Shipped the \\*survey\\*" in text
    assert b.get("/teams/content/standup/2026-13-40").status_code == 404
    assert b.get("/teams/content/standup").status_code == 200


def test_the_stand_up_in_chinese(standup, as_user, session):
    boss = standup["boss"]
    boss.locale = "zh"
    session.add(boss)
    session.commit()
    html = as_user(boss).get("/teams/content/standup/2026-05-20").get_data(as_text=True)
    assert "站会" in html and "今天在做" in html and "受阻" in html


# --- the monthly report ---------------------------------------------------------------------------


@pytest.fixture
def month_plan(make, session):
    from decimal import Decimal

    company = make.team(slug="co", name="Company", kind="company")
    org = session.get(m.Organisation, company.org_id)
    content = make.team(org=org, parent=company, slug="content", name="Content")
    boss = make.user(team=company, role="manager", name="Mia Manager")
    ann = make.user(team=content, role="member", name="Ann Member")
    obj = make.objective(team=content, quarter="2026-Q2", title="Make creators more active")
    kr = make.kr(objective=obj, title="Daily posts from 1000 to 1300", start=1000, target=1300, owner_id=ann.id)
    for on, value in (
        (date(2026, 4, 20), 1030),
        (date(2026, 5, 10), 1090),
        (date(2026, 5, 28), 1150),
        (date(2026, 6, 3), 1200),
    ):
        planning.check_in(session=session, actor_id=ann.id, org_id=org.id, kr=kr, value=Decimal(value), checked_on=on)
    session.commit()
    make.project(team=content, kr=kr, month="2026-05", title="Creator awards", status="done", owner_id=ann.id)
    make.project(
        team=content, kr=kr, month="2026-05", title="Referral | programme", due_on=date(2026, 5, 15), owner_id=ann.id
    )
    make.project(team=company, month="2026-06", title="Summer campaign", owner_id=boss.id)
    make.project(team=content, month="2026-04", title="April thing")
    return {"boss": boss, "ann": ann, "kr": kr}


def test_the_monthly_report_of_a_team_and_the_teams_under_it(month_plan, as_user):
    b = as_user(month_plan["boss"])
    resp = b.get("/teams/co/report/2026-05")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    done = html[html.index('id="report-done"') : html.index('id="report-slipped"')]
    slipped = html[html.index('id="report-slipped"') : html.index('id="report-open"')]
    nxt = html[html.index('id="report-next"') :]
    assert "Creator awards" in done and "Ann Member" in done
    assert "Referral | programme" in slipped
    assert "Summer campaign" in nxt and "April thing" not in html
    krs = html[html.index('id="report-krs"') : html.index('id="report-next"')]
    # 1030 at the end of April, 1150 at the end of May: 10% → 50% of the way from 1000 to 1300.
    assert "1030" in krs and "1150" in krs and "10% → 50%" in krs
    data = b.get("/teams/co/report/2026-05?format=json").get_json()
    assert [p["title"] for p in data["slipped"]] == ["Referral | programme"]
    assert data["key_results"][0]["progress_to"] == 0.5
    md = b.get("/teams/co/report/2026-05?format=md").get_data(as_text=True)
    assert "| Referral \\| programme | Content | Ann Member | 2026-05-15 | – |" in md
    assert b.get("/teams/co/report/2026-13").status_code == 404
    assert b.get("/teams/co/report/2026-Q2").status_code == 404


def test_the_monthly_report_in_chinese(month_plan, as_user, session):
    boss = month_plan["boss"]
    boss.locale = "zh"
    session.add(boss)
    session.commit()
    html = as_user(boss).get("/teams/co/report/2026-05").get_data(as_text=True)
    assert "月报" in html and "已延误" in html and "下月：2026-06" in html


@pytest.mark.parametrize(
    ("status", "week", "done_on", "blocked", "urgent", "bucket"),
    [
        ("done", "2026-W21", date(2026, 5, 19), False, False, "finished"),  # done the previous working day
        ("done", "2026-W21", date(2026, 5, 18), False, False, None),  # done before it
        ("todo", "2026-W21", None, True, False, "blocked"),
        ("todo", "2026-W18", None, True, False, "blocked"),  # blocked shows from earlier weeks too
        ("doing", "2026-W21", None, False, False, "doing"),
        ("todo", "2026-W21", None, False, True, "doing"),  # important and urgent this week
        ("todo", "2026-W21", None, False, False, None),  # planned for later in the week
        ("todo", "2026-W20", None, False, False, "doing"),  # left over from last week
        ("todo", "2026-W19", None, False, False, None),  # older: waits on the board
        ("todo", "2026-W22", None, False, True, None),  # next week's
        ("dropped", "2026-W21", None, False, True, None),
    ],
)
def test_where_a_task_shows_on_the_stand_up(status, week, done_on, blocked, urgent, bucket):
    done_at = datetime(done_on.year, done_on.month, done_on.day, 10, tzinfo=UTC) if done_on else None
    t = rules.StandupTask(1, "t", 1, status, done_at, None, week, blocked, "", True, urgent, 1)
    assert rules.standup_bucket(t, WEDNESDAY, "2026-W21", "2026-W20") == bucket
