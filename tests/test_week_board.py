"""My week: the board, its writes and their refusals, as a person would check them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.plans import ops as plan_ops

WEEK = "2026-W21"


@pytest.fixture
def setup(make):
    org = make.org()
    team = make.team(org=org, slug="content")
    manager = make.user(team=team, role="manager", name="Li Na")
    member = make.user(team=team, role="member", name="Wang Qiang")
    other = make.user(team=team, role="member", name="Zhang Wei")
    viewer = make.user(team=team, role="viewer", name="He Min")
    kr = make.kr(objective=make.objective(team=team, quarter="2026-Q2"), title="Daily posts 1000 → 1300")
    project = make.project(team=team, kr=kr, month="2026-05", title="Creator incentives")
    return {
        "org": org,
        "team": team,
        "manager": manager,
        "member": member,
        "other": other,
        "viewer": viewer,
        "kr": kr,
        "project": project,
    }


def reread(session, model, id_):
    session.expire_all()
    return session.get(model, id_)


def test_board_shows_four_quadrants_with_project_kr_and_unlinked(setup, make, as_user):
    s = setup
    make.task(
        team=s["team"],
        assignee=s["member"],
        project=s["project"],
        week=WEEK,
        title="Write the brief",
        important=True,
        urgent=True,
    )
    make.task(team=s["team"], assignee=s["member"], week=WEEK, title="Tidy the inbox", important=False, urgent=False)
    make.task(team=s["team"], assignee=s["other"], week=WEEK, title="Not mine")
    b = as_user(s["member"])
    resp = b.get(f"/week/{WEEK}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for word in ("Do", "Schedule", "Delegate", "Eliminate"):
        assert f">{word} <" in html
    assert "Write the brief" in html and "Creator incentives" in html and "Daily posts 1000 → 1300" in html
    assert "not linked to any key result" in html
    assert "Not mine" not in html
    assert 'id="board"' in html and "What do I owe" in html


def test_board_htmx_gives_fragment_and_this_week_works(setup, as_user):
    b = as_user(setup["member"])
    resp = b.get(f"/week/{WEEK}", headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="board"' in html and "<html" not in html
    assert "HX-Request" in resp.headers["Vary"]
    assert b.get("/week").status_code == 200
    data = b.get(f"/week/{WEEK}?format=json").get_json()
    assert data["week"] == WEEK and set(data["quadrants"]) == {"do", "schedule", "delegate", "eliminate"}


@pytest.mark.parametrize("period", ["2026-Q2", "2026-W54", "nonsense", "2026"])
def test_board_for_a_non_week_is_404(setup, as_user, period):
    assert as_user(setup["member"]).get(f"/week/{period}").status_code == 404


def test_move_between_quadrants_saves_and_renumbers(setup, make, as_user, session):
    s = setup
    a = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="A", important=True, urgent=True, position=0)
    b_ = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="B", important=True, urgent=True, position=1)
    c = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="C", important=True, urgent=False)
    b = as_user(s["member"])
    resp = b.post(f"/tasks/{c.id}/move", data={"version": c.version, "quadrant": "do", "index": 1}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert 'id="board"' in html and "<html" not in html and "Moved to Do." in html
    rows = {t.id: t for t in (reread(session, m.Task, i) for i in (a.id, b_.id, c.id))}
    assert (rows[c.id].important, rows[c.id].urgent) == (True, True)
    assert [rows[a.id].position, rows[c.id].position, rows[b_.id].position] == [0, 1, 2]
    audit = session.exec(
        select(m.AuditEvent)
        .where(m.AuditEvent.item_type == "task", m.AuditEvent.item_id == c.id)
        .order_by(m.AuditEvent.id)
    ).all()
    assert audit and audit[-1].user_id == s["member"].id
    # The order survives a reload.
    html = b.get(f"/week/{WEEK}").get_data(as_text=True)
    assert html.index(">A<") < html.index(">C<") < html.index(">B<")


def test_move_without_js_redirects_back_to_the_week(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, important=True, urgent=False)
    resp = as_user(s["member"]).post(f"/tasks/{t.id}/move", data={"version": t.version, "quadrant": "eliminate"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/week/{WEEK}")
    row = reread(session, m.Task, t.id)
    assert (row.important, row.urgent) == (False, False)


def test_move_with_bad_quadrant_is_422_and_saves_nothing(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, important=True, urgent=False)
    resp = as_user(s["member"]).post(f"/tasks/{t.id}/move", data={"version": t.version, "quadrant": "later"}, htmx=True)
    assert resp.status_code == 422 and 'id="board"' in resp.get_data(as_text=True)
    assert reread(session, m.Task, t.id).version == t.version


def test_move_with_stale_version_is_409_showing_both(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, important=True, urgent=False)
    seen = t.version
    b = as_user(s["member"])
    assert b.post(f"/tasks/{t.id}/finish", data={"version": seen}, htmx=True).status_code == 200
    resp = b.post(f"/tasks/{t.id}/move", data={"version": seen, "quadrant": "do"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "<html" not in html
    assert "version 2" in html and "Do" in html
    row = reread(session, m.Task, t.id)
    assert (row.important, row.urgent) == (True, False)
    resp = b.post(f"/tasks/{t.id}/move", json={"version": seen, "quadrant": "do"})
    assert resp.status_code == 409 and resp.get_json()["theirs"]["version"] == 2


def test_member_cannot_move_anothers_task_and_viewer_cannot_write(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["other"], week=WEEK, important=True, urgent=False)
    for who in ("member", "viewer"):
        b = as_user(s[who])
        for action, data in (
            ("move", {"quadrant": "do"}),
            ("finish", {}),
            ("drop", {}),
            ("carry", {}),
            ("delegate", {"assignee_id": s[who].id}),
            ("reopen", {}),
        ):
            resp = b.post(f"/tasks/{t.id}/{action}", data={"version": t.version, **data}, htmx=True)
            assert resp.status_code == 403, (who, action)
    assert reread(session, m.Task, t.id).version == t.version
    viewer = as_user(s["viewer"])
    assert viewer.post(f"/week/{WEEK}/tasks", data={"title": "x", "quadrant": "do"}).status_code == 403
    assert viewer.post(f"/week/{WEEK}/carry", data={}).status_code == 403


def test_manager_may_move_a_members_task(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, important=True, urgent=False)
    resp = as_user(s["manager"]).post(f"/tasks/{t.id}/move", data={"version": t.version, "quadrant": "do"}, htmx=True)
    assert resp.status_code == 200
    assert reread(session, m.Task, t.id).urgent is True


def test_task_from_another_organisation_is_404(setup, make, as_user):
    other_team = make.team()
    stranger = make.user(team=other_team)
    t = make.task(team=other_team, assignee=stranger, week=WEEK)
    resp = as_user(setup["member"]).post(f"/tasks/{t.id}/finish", data={"version": t.version}, htmx=True)
    assert resp.status_code == 404


def test_finish_updates_project_progress_in_the_response(setup, make, as_user, session):
    s = setup
    t1 = make.task(team=s["team"], assignee=s["member"], project=s["project"], week=WEEK, title="One")
    make.task(team=s["team"], assignee=s["member"], project=s["project"], week=WEEK, title="Two")
    make.task(team=s["team"], assignee=s["member"], project=s["project"], week=WEEK, title="Gone", status="dropped")
    b = as_user(s["member"])
    resp = b.post(f"/tasks/{t1.id}/finish", data={"version": t1.version}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Creator incentives is now 50% done (1 of 2 tasks)." in html
    row = reread(session, m.Task, t1.id)
    assert row.status == "done" and row.done_at is not None
    resp = b.post(f"/tasks/{t1.id}/reopen", json={"version": row.version})
    assert resp.status_code == 200 and resp.get_json()["project"]["percent"] == 0
    row = reread(session, m.Task, t1.id)
    resp = b.post(f"/tasks/{t1.id}/finish", json={"version": row.version})
    assert resp.get_json()["project"]["progress"] == "0.5"


def test_drop_without_js_redirects_and_excludes_from_progress(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], project=s["project"], week=WEEK)
    resp = as_user(s["member"]).post(f"/tasks/{t.id}/drop", data={"version": t.version})
    assert resp.status_code == 302
    assert reread(session, m.Task, t.id).status == "dropped"


def test_finish_without_version_is_422(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK)
    resp = as_user(s["member"]).post(f"/tasks/{t.id}/finish", json={})
    assert resp.status_code == 422 and "version" in resp.get_json()["fields"]
    assert reread(session, m.Task, t.id).status == "todo"


def test_quick_add_in_a_quadrant_with_project(setup, as_user, session):
    s = setup
    b = as_user(s["member"])
    resp = b.post(
        f"/week/{WEEK}/tasks",
        data={"title": "  Call the printer ", "quadrant": "delegate", "project_id": s["project"].id},
        htmx=True,
    )
    assert resp.status_code == 200 and "Call the printer" in resp.get_data(as_text=True)
    task = session.exec(select(m.Task).where(m.Task.title == "Call the printer")).one()
    assert (task.important, task.urgent, task.week, task.assignee_id, task.project_id) == (
        False,
        True,
        WEEK,
        s["member"].id,
        s["project"].id,
    )
    resp = b.post(f"/week/{WEEK}/tasks", data={"title": "Plain", "quadrant": "do"})
    assert resp.status_code == 302


def test_quick_add_invalid_is_422_with_message_and_typed_values(setup, as_user, session):
    s = setup
    b = as_user(s["member"])
    resp = b.post(f"/week/{WEEK}/tasks", data={"title": "x" * 201, "quadrant": "do"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "field-error" in html and "x" * 201 in html
    resp = b.post(f"/week/{WEEK}/tasks", data={"title": "ok", "quadrant": "do", "project_id": 999999}, htmx=True)
    assert resp.status_code == 422
    resp = b.post(f"/week/{WEEK}/tasks", json={"title": "", "quadrant": "do"})
    assert resp.status_code == 422 and "title" in resp.get_json()["fields"]
    assert session.exec(select(m.Task)).all() == []


def test_delegate_shows_on_their_board_and_mine_as_waiting(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="Book the venue", important=False, urgent=True)
    b = as_user(s["member"])
    resp = b.post(f"/tasks/{t.id}/delegate", data={"version": t.version, "assignee_id": s["other"].id}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Waiting on others" in html and "Book the venue" in html
    row = reread(session, m.Task, t.id)
    assert (row.assignee_id, row.delegated_by_id) == (s["other"].id, s["member"].id)
    theirs = as_user(s["other"]).get(f"/week/{WEEK}").get_data(as_text=True)
    assert "Book the venue" in theirs and "delegated by Wang Qiang" in theirs
    assert "Delegated to me" in theirs


def test_delegate_to_someone_outside_the_team_is_422(setup, make, as_user, session):
    s = setup
    outsider = make.user(team=make.team(org=s["org"]), role="member")
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK)
    resp = as_user(s["member"]).post(
        f"/tasks/{t.id}/delegate", data={"version": t.version, "assignee_id": outsider.id}, htmx=True
    )
    assert resp.status_code == 422
    assert reread(session, m.Task, t.id).assignee_id == s["member"].id


def test_carry_one_then_all(setup, make, as_user, session):
    s = setup
    a = make.task(
        team=s["team"],
        assignee=s["member"],
        project=s["project"],
        week=WEEK,
        title="Slipping",
        important=True,
        urgent=False,
    )
    make.task(team=s["team"], assignee=s["member"], week=WEEK, title="Also open", status="doing")
    make.task(team=s["team"], assignee=s["member"], week=WEEK, title="Finished", status="done")
    b = as_user(s["member"])
    resp = b.post(f"/tasks/{a.id}/carry", data={"version": a.version}, htmx=True)
    assert resp.status_code == 200 and "carried into 2026-W22" in resp.get_data(as_text=True)
    copy = session.exec(select(m.Task).where(m.Task.carried_from_id == a.id)).one()
    assert (copy.week, copy.carry_count, copy.important, copy.urgent, copy.project_id) == (
        "2026-W22",
        1,
        True,
        False,
        s["project"].id,
    )
    assert reread(session, m.Task, a.id).status == "dropped"
    # Carrying the same task again is refused: it is no longer unfinished.
    again = b.post(f"/tasks/{a.id}/carry", data={"version": reread(session, m.Task, a.id).version}, htmx=True)
    assert again.status_code == 409
    resp = b.post(f"/week/{WEEK}/carry", data={})
    assert resp.status_code == 302
    nxt = session.exec(select(m.Task).where(m.Task.week == "2026-W22")).all()
    assert sorted(t.title for t in nxt) == ["Also open", "Slipping"]
    # Carried again from W22: the count goes up.
    copy = reread(session, m.Task, copy.id)
    b.post(f"/tasks/{copy.id}/carry", data={"version": copy.version})
    third = session.exec(select(m.Task).where(m.Task.carried_from_id == copy.id)).one()
    assert (third.week, third.carry_count) == ("2026-W23", 2)
    assert "carried over ×2" in b.get("/week/2026-W23").get_data(as_text=True)


def test_carry_over_across_the_year_boundary(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week="2026-W53", title="Year-end close")
    resp = as_user(s["member"]).post(f"/tasks/{t.id}/carry", json={"version": t.version})
    assert resp.status_code == 200
    assert resp.get_json()["carried"]["week"] == "2027-W01"
    copy = session.exec(select(m.Task).where(m.Task.carried_from_id == t.id)).one()
    assert (copy.week, copy.carry_count) == ("2027-W01", 1)
    resp = as_user(s["member"]).post("/week/2026-W53/carry", json={})
    assert resp.get_json()["carried"] == 0


def test_owe_list_check_ins_overdue_and_delegated(setup, make, as_user, session):
    from okr.core import periods

    s = setup
    today = date.today()
    quarter = str(periods.quarter_of(today))
    kr_due = make.kr(objective=make.objective(team=s["team"], quarter=quarter), title="Retention 40 → 46")
    kr_fresh = make.kr(
        objective=make.objective(team=s["team"], quarter=quarter),
        title="Fresh KR",
        last_check_in_on=today - timedelta(days=2),
    )
    make.raci(s["member"], "R", kr=kr_due)
    make.raci(s["member"], "A", kr=kr_fresh)
    past = str(periods.week_of(today - timedelta(days=14)))
    make.task(team=s["team"], assignee=s["member"], week=past, title="Old and open")
    make.task(team=s["team"], assignee=s["member"], week=past, title="Old and done", status="done")
    html = as_user(s["member"]).get("/week").get_data(as_text=True)
    owe = html[html.index("What do I owe") :]
    assert "Retention 40 → 46" in owe and "Fresh KR" not in owe
    assert "Old and open" in owe and "Old and done" not in owe


def test_a_move_does_not_make_other_cards_stale_for_another_open_board(setup, make, as_user, session):
    # Two tabs show the board; in one, C goes to the top of Do, which renumbers A and B. The
    # other tab still has A and B at their old versions: finishing or moving them must work.
    s = setup
    a = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="A", important=True, urgent=True, position=0)
    b_ = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="B", important=True, urgent=True, position=1)
    c = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="C", important=True, urgent=False)
    first, second = as_user(s["member"]), as_user(s["member"])
    seen = second.get(f"/week/{WEEK}?format=json").get_json()["quadrants"]["do"]
    resp = first.post(f"/tasks/{c.id}/move", data={"version": c.version, "quadrant": "do", "index": 0}, htmx=True)
    assert resp.status_code == 200
    assert [reread(session, m.Task, t.id).position for t in (c, a, b_)] == [0, 1, 2]
    versions = {t["id"]: t["version"] for t in seen}
    versions[c.id] = 1  # what the second tab showed for C, in Schedule
    resp = second.post(f"/tasks/{a.id}/finish", data={"version": versions[a.id]}, htmx=True)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    resp = second.post(f"/tasks/{b_.id}/move", data={"version": versions[b_.id], "quadrant": "schedule"}, htmx=True)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert reread(session, m.Task, a.id).status == "done"
    assert (reread(session, m.Task, b_.id).important, reread(session, m.Task, b_.id).urgent) == (True, False)
    # The card that moved did change: a stale version of C is still a 409.
    assert second.post(f"/tasks/{c.id}/finish", data={"version": versions[c.id]}, htmx=True).status_code == 409


def test_a_carried_card_shows_as_carried_without_move_or_finish(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="Slipping", important=True, urgent=False)
    given_up = make.task(team=s["team"], assignee=s["member"], week=WEEK, title="Given up", status="dropped")
    b = as_user(s["member"])
    assert b.post(f"/tasks/{t.id}/carry", data={"version": t.version}).status_code == 302
    # The copy was handed on to a teammate since: the original still knows where it went.
    copy = session.exec(select(m.Task).where(m.Task.carried_from_id == t.id)).one()
    plan_ops.update(session=session, actor_id=None, org_id=s["team"].org_id, item=copy, expected_version=None,
                    assignee_id=s["other"].id)  # fmt: skip
    session.commit()
    html = b.get(f"/week/{WEEK}").get_data(as_text=True)

    def card_of(task):
        start = html.rindex("<li", 0, html.index(f'id="task-{task.id}"'))
        return html[start : html.index("</li>", start)]

    card = card_of(t)
    assert "carried over" in card and "carried into 2026-W22" in card and ">dropped<" not in card
    assert "status-carried" in card and "data-editable" not in card
    for action in ("move-menu", "finish", "drop", "reopen", "carry", "delegate-menu"):
        assert f'data-action="{action}"' not in card, action
    # A task dropped without carrying is still a dropped card that can be reopened or moved.
    card = card_of(given_up)
    assert ">dropped<" in card and 'data-action="reopen"' in card and 'data-action="move-menu"' in card


@pytest.mark.parametrize(
    "count, words",
    [
        (1, "Carry the 1 unfinished task into 2026-W22"),
        (2, "Carry all 2 unfinished tasks into 2026-W22"),
    ],
)
def test_carry_all_button_and_message_speak_proper_english_and_chinese(setup, make, as_user, session, count, words):
    s = setup
    for i in range(count):
        make.task(team=s["team"], assignee=s["member"], week=WEEK, title=f"Open {i}")
    b = as_user(s["member"])
    assert words in b.get(f"/week/{WEEK}").get_data(as_text=True)
    zh = b.get(f"/week/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f"将这 {count} 个未完成任务全部顺延到 2026-W22" in zh
    resp = b.post(f"/week/{WEEK}/carry", data={}, htmx=True)
    done = (
        "Carried 1 unfinished task into 2026-W22." if count == 1 else f"Carried {count} unfinished tasks into 2026-W22."
    )
    assert done in resp.get_data(as_text=True)
    resp = b.post(f"/week/{WEEK}/carry", json={}, headers={"Accept-Language": "zh-CN"})
    assert resp.get_json()["message"] == "已将 0 个未完成任务顺延到 2026-W22。"


def test_a_stale_move_without_javascript_offers_reload_and_says_the_status_in_words(setup, make, as_user, session):
    s = setup
    t = make.task(team=s["team"], assignee=s["member"], week=WEEK, important=True, urgent=False)
    seen = t.version
    b = as_user(s["member"])
    assert b.post(f"/tasks/{t.id}/finish", data={"version": seen}).status_code == 302
    for lang, reload, status in (("en", "Reload", "done"), ("zh-CN", "重新加载", "已完成")):
        resp = b.post(
            f"/tasks/{t.id}/move", data={"version": seen, "quadrant": "do"}, headers={"Accept-Language": lang}
        )
        html = resp.get_data(as_text=True)
        assert resp.status_code == 409 and "<html" in html
        assert f'<a class="button primary" href="/week/{WEEK}">{reload}</a>' in html
        stored = re.search(r"<dd>([^<]*)</dd>", html).group(1)
        assert f" · {status} · " in stored, stored


def test_scripts_take_their_words_from_the_page(setup, as_user, client):
    """One translation mechanism: no phrase in the scripts; the page gives them in its language."""
    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    for name in ("app.js", "week.js"):
        js = client.get(f"/static/js/{name}", buffered=True).get_data(as_text=True)
        assert not cjk.search(js), f"{name} holds Chinese text of its own"
    b = as_user(setup["member"])
    for lang, offline, reload in (
        ("en", "The server could not be reached. Check the connection and try again.", "Reload"),
        ("zh-CN", "无法连接服务器，请检查网络后重试。", "重新加载"),
    ):
        html = b.get(f"/week/{WEEK}", headers={"Accept-Language": lang}).get_data(as_text=True)
        box = re.search(r'<div id="request-error"[^>]*>', html).group(0)
        assert f'data-offline="{offline}"' in box and f'data-reload="{reload}"' in box and "data-retry=" in box
        board = re.search(r'<div id="board"[^>]*>', html).group(0)
        assert "data-offline=" in board
    assert "任务已放回原处" in b.get(f"/week/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
