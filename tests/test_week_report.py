"""The weekly report (person and team, HTML and Markdown), the team's week and the pure rules
behind them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from okr.week import report as weekly

ROOT = Path(__file__).resolve().parent.parent

WEEK, NEXT = "2026-W21", "2026-W22"


@pytest.fixture
def plan(make):
    org = make.org()
    team = make.team(org=org, slug="content", name="Content")
    li = make.user(team=team, role="manager", name="Li Na")
    wang = make.user(team=team, role="member", name="Wang Qiang")
    zhang = make.user(team=team, role="member", name="Zhang Wei")
    kr = make.kr(objective=make.objective(team=team, quarter="2026-Q2"), title="Daily posts 1000 → 1300")
    project = make.project(team=team, kr=kr, month="2026-05", title="Creator incentives")
    loose = make.project(team=team, month="2026-05", title="Office move")
    t = {}
    t["done_kr"] = make.task(
        team=team, assignee=wang, project=project, week=WEEK, title="Launch the *bonus* page", status="done"
    )
    t["done_loose"] = make.task(
        team=team, assignee=wang, project=loose, week=WEEK, title="Pack the boxes", status="done", important=False
    )
    t["open"] = make.task(team=team, assignee=wang, week=WEEK, title="Still open", status="todo")
    t["stuck"] = make.task(team=team, assignee=wang, week=WEEK, title="Stuck again", status="doing", carry_count=2)
    t["dropped"] = make.task(team=team, assignee=wang, week=WEEK, title="Given up", status="dropped")
    t["next"] = make.task(team=team, assignee=wang, week=NEXT, title="Next week's plan", status="todo")
    t["next_done"] = make.task(team=team, assignee=wang, week=NEXT, title="Already done early", status="done")
    t["zhang_done"] = make.task(
        team=team, assignee=zhang, project=project, week=WEEK, title="Zhang's done", status="done"
    )
    t["later"] = make.task(team=team, assignee=wang, week="2026-W23", title="Much later", status="todo")
    return {"team": team, "li": li, "wang": wang, "zhang": zhang, "kr": kr, "tasks": t}


def _section(html, start, end=None):
    begin = html.index(f'id="{start}"')
    return html[begin : html.index(f'id="{end}"')] if end else html[begin:]


def test_my_report_lists_exactly_the_weeks_done_and_planned(plan, as_user):
    resp = as_user(plan["wang"]).get(f"/week/{WEEK}/report")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    done = _section(html, "report-done", "report-unfinished")
    unfinished = _section(html, "report-unfinished", "report-planned")
    planned = _section(html, "report-planned", "report-check-ins")
    assert done.count('class="done-task"') == 2
    assert "Launch the *bonus* page" in done and "Pack the boxes" in done and "Daily posts 1000 → 1300" in done
    assert "Not linked to any key result" in done
    assert done.index("Daily posts") < done.index("Not linked")
    assert "Zhang" not in done and "Still open" not in done and "Given up" not in done
    assert planned.count('class="planned-task"') == 1 and "Next week&#39;s plan" in planned
    # Every other task of the week is listed once, with why (W21 is over: open work is overdue).
    assert unfinished.count('class="unfinished-task') == 3
    for title in ("Still open", "Stuck again", "Given up"):
        assert unfinished.count(title) == 1 and title not in planned
    assert "Next week" not in unfinished and "Zhang" not in unfinished


def test_report_has_a_print_button(plan, as_user):
    html = as_user(plan["wang"]).get(f"/week/{WEEK}/report").get_data(as_text=True)
    start = html.index('class="toolbar no-print"')
    toolbar = html[start : html.index("</div>", start)]
    assert '<button type="button" data-print>Print</button>' in toolbar
    assert "/static/js/week.js" in html  # its click handler prints (no inline script under the CSP)
    assert "window.print()" in (ROOT / "static/js/week.js").read_text()


def _reasons(html):
    """{task title: its reason badge} in the report's "not finished" section."""
    import re

    part = _section(html, "report-unfinished", "report-planned")
    return {
        m.group(1).strip(): m.group(2)
        for m in re.finditer(r'<li class="unfinished-task[^"]*">([^<]+)<span class="badge reason">([^<]+)</span>', part)
    }


def test_every_task_of_a_running_week_is_in_one_section_with_its_reason(plan, make, as_user, monkeypatch):
    from okr.week import views as week_view

    monkeypatch.setattr(week_view, "_today", lambda: date(2026, 5, 20))  # Wednesday of W21
    team, wang = plan["team"], plan["wang"]
    due_monday = make.task(
        team=team, assignee=wang, week=WEEK, title="Due Monday", status="todo", due_on=date(2026, 5, 18)
    )
    carried = make.task(team=team, assignee=wang, week=WEEK, title="Handed to next week", status="todo")
    b = as_user(wang)
    assert b.post(f"/tasks/{carried.id}/carry", data={"version": carried.version}).status_code == 302
    html = b.get(f"/week/{WEEK}/report").get_data(as_text=True)
    assert _reasons(html) == {
        "Due Monday": "blocked: overdue",
        "Stuck again": "blocked: carried over and still open",
        "Still open": "still open",
        "Handed to next week": "carried over",
        "Given up": "dropped",
    }
    assert "carried into 2026-W22" in _section(html, "report-unfinished", "report-planned")
    # Done and not finished hold each of the week's tasks exactly once.
    data = b.get(f"/week/{WEEK}/report?format=json").get_json()
    listed = [t["id"] for g in data["done"] for t in g["tasks"]] + [t["id"] for t in data["not_finished"]]
    mine = [t.id for t in plan["tasks"].values() if t.assignee_id == wang.id and t.week == WEEK]
    assert sorted(listed) == sorted(mine + [due_monday.id, carried.id])
    assert {t["title"] for t in data["blocked"]} == {"Due Monday", "Stuck again"}
    # Its copy in W22 is planned for next week, and only there.
    assert "Handed to next week" in _section(html, "report-planned", "report-check-ins")


def test_a_past_weeks_open_tasks_are_overdue_in_its_report(plan, as_user):
    html = as_user(plan["wang"]).get(f"/week/{WEEK}/report").get_data(as_text=True)
    assert _reasons(html) == {
        "Still open": "blocked: overdue",
        "Stuck again": "blocked: overdue",
        "Given up": "dropped",
    }


def test_check_ins_due_in_a_past_weeks_report_are_judged_at_its_end(plan, make, as_user, session):

    team, wang = plan["team"], plan["wang"]
    objective = make.objective(team=team, quarter="2026-Q2", title="Retain creators")

    def kr(title, *days):
        from okr.plans import ops as planning

        row = make.kr(objective=objective, title=title)
        for day in days:
            planning.check_in(session=session, actor_id=None, org_id=team.org_id, kr=row, value=1, checked_on=day)
        session.commit()
        make.raci(wang, "R", kr=row)

    kr("Fresh that week", date(2026, 5, 20))  # 4 days before W21 ended on 2026-05-24
    kr("Stale that week", date(2026, 5, 15))  # 9 days before
    kr("Caught up only later", date(2026, 5, 10), date(2026, 5, 28))  # the later one is not W21's
    html = as_user(wang).get(f"/week/{WEEK}/report").get_data(as_text=True)
    due = _section(html, "report-check-ins")
    assert "Judged on 2026-05-24." in due
    assert "Stale that week" in due and "last check-in 2026-05-15" in due
    assert "Caught up only later" in due and "last check-in 2026-05-10" in due
    assert "Fresh that week" not in due
    team_due = _section(
        as_user(plan["li"]).get(f"/teams/content/week/{WEEK}/report").get_data(as_text=True), "report-check-ins"
    )
    assert "Stale that week" in team_due and "Fresh that week" not in team_due
    assert "Daily posts 1000 → 1300" in team_due  # the team's key result with no check-in at all


def test_my_report_as_markdown(plan, as_user):
    resp = as_user(plan["wang"]).get(f"/week/{WEEK}/report?format=md")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/markdown")
    text = resp.get_data(as_text=True)
    assert text.startswith("# Weekly report: Wang Qiang · 2026-W21")
    assert "- Launch the \\*bonus\\* page" in text
    assert "## Planned next week (2026-W22, 1)" in text and "- Next week's plan" in text
    assert "## Not finished (3)" in text and "- Still open (blocked: overdue)" in text
    assert "<" not in text
    lines = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert len(lines) == 6  # two done, three not finished, one planned


def test_report_json_and_chinese(plan, as_user):
    b = as_user(plan["wang"])
    data = b.get(f"/week/{WEEK}/report?format=json").get_json()
    assert [[t["title"] for t in g["tasks"]] for g in data["done"]] == [["Launch the *bonus* page"], ["Pack the boxes"]]
    assert [t["title"] for t in data["planned"]] == ["Next week's plan"]
    zh = b.get(f"/week/{WEEK}/report", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "本周完成" in zh or "Done this week" in zh


def test_team_report_and_team_week(plan, as_user):
    b = as_user(plan["li"])
    html = b.get(f"/teams/content/week/{WEEK}/report").get_data(as_text=True)
    done = html[html.index('id="report-done"') : html.index('id="report-planned"')]
    assert done.count('class="done-task"') == 3 and "Zhang Wei" in done
    md = b.get(f"/teams/content/week/{WEEK}/report?format=md").get_data(as_text=True)
    assert md.startswith("# Weekly report: Content · 2026-W21")
    resp = b.get(f"/teams/content/week/{WEEK}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Share of effort" in html and "Wang Qiang" in html and "Zhang Wei" in html
    frag = b.get(f"/teams/content/week/{WEEK}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="team_week"' in frag and "<html" not in frag
    data = b.get(f"/teams/content/week/{WEEK}?format=json").get_json()
    # live tasks: 2 done + open + stuck by Wang, Zhang's done = 5 (the dropped one does not count)
    assert data["total"] == 5 and data["linked"] == 2 and data["unlinked"] == 3
    assert data["counts"] == {"do": 0, "schedule": 4, "delegate": 0, "eliminate": 1}


def test_team_pages_are_404_for_other_organisations_and_bad_weeks(plan, make, as_user):
    stranger = make.user(team=make.team(slug="elsewhere"))
    assert as_user(stranger).get(f"/teams/content/week/{WEEK}").status_code == 404
    b = as_user(plan["wang"])
    assert b.get("/teams/content/week/2026-Q2").status_code == 404
    assert b.get("/teams/content/week/2026-W21/report?format=md").status_code == 200


# --- the pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "last, today, due",
    [
        (None, date(2026, 5, 20), True),  # never checked in
        (date(2026, 5, 13), date(2026, 5, 20), True),  # 7 days ago: due again
        (date(2026, 5, 14), date(2026, 5, 20), False),  # 6 days ago: not yet
        (date(2026, 5, 20), date(2026, 5, 20), False),  # today
    ],
)
def test_check_in_due(last, today, due):
    assert weekly.check_in_due(last, today) is due


@pytest.mark.parametrize(
    "week, status, due_on, overdue",
    [
        ("2026-W20", "todo", None, True),  # a past week, unfinished
        ("2026-W20", "done", None, False),  # finished is never overdue
        ("2026-W21", "doing", date(2026, 5, 19), True),  # this week, due date passed
        ("2026-W21", "todo", date(2026, 5, 20), False),  # due today
        ("2025-W52", "todo", None, True),  # across the year: string order is calendar order
    ],
)
def test_is_overdue(week, status, due_on, overdue):
    assert weekly.is_overdue(week, status, due_on, "2026-W21", date(2026, 5, 20)) is overdue


def test_group_renumber_and_report_rules():
    T = lambda i, imp, urg, pos, status="todo", carry=0, due=None: SimpleNamespace(  # noqa: E731
        id=i, important=imp, urgent=urg, position=pos, status=status, carry_count=carry, due_on=due
    )
    tasks = [T(1, True, True, 1), T(2, True, True, 0), T(3, False, False, 0), T(4, True, False, 0, "done")]
    board = weekly.group_by_quadrant(tasks)
    assert [t.id for t in board["do"]] == [2, 1] and [t.id for t in board["eliminate"]] == [3]
    assert weekly.renumber([2, 1, 5], {2: 0, 1: 1, 5: 7}) == {5: 2}
    kr = {4: (9, "KR nine")}
    report = weekly.build_report(
        "2026-W21",
        "2026-W22",
        tasks + [T(6, True, True, 3, "done")],
        [T(7, True, True, 0), T(8, True, True, 1, "done")],
        lambda t: kr.get(t.id, (None, "")),
        [],
        date(2026, 5, 20),
    )
    assert [(g.kr_id, [t.id for t in g.tasks]) for g in report.done] == [(9, [4]), (None, [6])]
    assert [t.id for t in report.planned] == [7] and report.done_count == 2
    assert [(u.task.id, u.reason) for u in report.unfinished] == [(1, "open"), (2, "open"), (3, "open")]
    assert weekly.percent(None) is None and weekly.percent("0.125") == 13
    assert weekly.md_escape("a *b*\n[c](d)") == "a \\*b\\* \\[c\\]\\(d\\)"


TODAY = date(2026, 5, 20)  # Wednesday of 2026-W21


@pytest.mark.parametrize(
    "week, status, carry, due_on, carried, expected",
    [
        ("2026-W21", "done", 0, None, False, None),  # done: in Done, no reason
        ("2026-W21", "todo", 0, None, False, "open"),  # this week, nothing wrong yet
        ("2026-W21", "doing", 0, TODAY, False, "open"),  # due today is not overdue
        ("2026-W21", "todo", 0, TODAY - timedelta(days=1), False, "overdue"),  # due yesterday
        ("2026-W21", "todo", 2, None, False, "stuck"),  # carried twice, still open
        ("2026-W20", "todo", 0, None, False, "overdue"),  # last week's, never finished
        ("2026-W20", "doing", 1, None, False, "overdue"),  # overdue wins over stuck
        ("2026-W21", "dropped", 0, None, True, "carried"),  # dropped because it was carried
        ("2026-W21", "dropped", 0, None, False, "dropped"),  # given up
        ("2025-W52", "todo", 0, None, False, "overdue"),  # across the year
    ],
)
def test_reason(week, status, carry, due_on, carried, expected):
    assert weekly.reason(week, status, carry, due_on, "2026-W21", TODAY, carried=carried) == expected
    blocked = expected in weekly.BLOCKED
    assert weekly.is_blocked(week, status, carry, due_on, "2026-W21", TODAY) is blocked


def test_report_puts_each_task_of_the_week_in_exactly_one_section():
    T = lambda i, status, carry=0, due=None: SimpleNamespace(  # noqa: E731
        id=i, important=True, urgent=False, position=i, status=status, carry_count=carry, due_on=due
    )
    week = [
        T(1, "done"),
        T(2, "todo"),
        T(3, "doing", 1),
        T(4, "todo", 0, TODAY - timedelta(days=2)),
        T(5, "dropped"),
        T(6, "dropped"),
    ]
    report = weekly.build_report(
        "2026-W21", "2026-W22", week, [T(7, "todo")], lambda t: (None, ""), [], TODAY, carried_to={6: "2026-W22"}
    )
    sections = [t.id for g in report.done for t in g.tasks] + [u.task.id for u in report.unfinished]
    assert sorted(sections) == [1, 2, 3, 4, 5, 6]
    assert [(u.task.id, u.reason, u.carried_to) for u in report.unfinished] == [
        (4, "overdue", None),
        (3, "stuck", None),
        (2, "open", None),
        (6, "carried", "2026-W22"),
        (5, "dropped", None),
    ]
    assert [t.id for t in report.blocked] == [4, 3]
    # The same week seen after it ended: whatever is open is overdue.
    later = weekly.build_report("2026-W21", "2026-W22", week, [], lambda t: (None, ""), [], date(2026, 6, 1))
    assert {u.task.id: u.reason for u in later.unfinished} == {
        2: "overdue",
        3: "overdue",
        4: "overdue",
        5: "dropped",
        6: "dropped",
    }


@pytest.mark.parametrize(
    "week_end, today, expected",
    [
        (date(2026, 5, 24), date(2026, 11, 27), date(2026, 5, 24)),  # a past week: its last day
        (date(2026, 5, 24), date(2026, 5, 20), date(2026, 5, 20)),  # the running week: today
    ],
)
def test_check_ins_of_a_week_are_judged_at_its_end(week_end, today, expected):
    assert weekly.check_in_as_of(week_end, today) == expected
