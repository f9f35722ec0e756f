"""The weekly report (person and team, HTML and Markdown), the team's week and the pure rules
behind them."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from okr import weekly

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
    t["done_kr"] = make.task(team=team, assignee=wang, project=project, week=WEEK, title="Launch the *bonus* page", status="done")
    t["done_loose"] = make.task(team=team, assignee=wang, project=loose, week=WEEK, title="Pack the boxes", status="done", important=False)
    t["open"] = make.task(team=team, assignee=wang, week=WEEK, title="Still open", status="todo")
    t["stuck"] = make.task(team=team, assignee=wang, week=WEEK, title="Stuck again", status="doing", carry_count=2)
    t["dropped"] = make.task(team=team, assignee=wang, week=WEEK, title="Given up", status="dropped")
    t["next"] = make.task(team=team, assignee=wang, week=NEXT, title="Next week's plan", status="todo")
    t["next_done"] = make.task(team=team, assignee=wang, week=NEXT, title="Already done early", status="done")
    t["zhang_done"] = make.task(team=team, assignee=zhang, project=project, week=WEEK, title="Zhang's done", status="done")
    t["later"] = make.task(team=team, assignee=wang, week="2026-W23", title="Much later", status="todo")
    return {"team": team, "li": li, "wang": wang, "zhang": zhang, "kr": kr, "tasks": t}


def test_my_report_lists_exactly_the_weeks_done_and_planned(plan, as_user):
    resp = as_user(plan["wang"]).get(f"/week/{WEEK}/report")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    done = html[html.index('id="report-done"'):html.index('id="report-planned"')]
    planned = html[html.index('id="report-planned"'):html.index('id="report-blocked"')]
    blocked = html[html.index('id="report-blocked"'):html.index('id="report-check-ins"')]
    assert done.count('class="done-task"') == 2
    assert "Launch the *bonus* page" in done and "Pack the boxes" in done and "Daily posts 1000 → 1300" in done
    assert "Not linked to any key result" in done
    assert done.index("Daily posts") < done.index("Not linked")
    assert "Zhang" not in done and "Still open" not in done and "Given up" not in done
    assert planned.count('class="planned-task"') == 1 and "Next week&#39;s plan" in planned
    assert "Stuck again" in blocked and "Still open" not in blocked
    assert "print" in html or "week.css" in html


def test_my_report_as_markdown(plan, as_user):
    resp = as_user(plan["wang"]).get(f"/week/{WEEK}/report?format=md")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/markdown")
    text = resp.get_data(as_text=True)
    assert text.startswith("# Weekly report: Wang Qiang · 2026-W21")
    assert "- Launch the \\*bonus\\* page" in text
    assert "## Planned next week (2026-W22, 1)" in text and "- Next week's plan" in text
    assert "<" not in text
    lines = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert len(lines) == 4  # two done, one planned, one blocked


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
    done = html[html.index('id="report-done"'):html.index('id="report-planned"')]
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


@pytest.mark.parametrize("last, today, due", [
    (None, date(2026, 5, 20), True),                    # never checked in
    (date(2026, 5, 13), date(2026, 5, 20), True),       # 7 days ago: due again
    (date(2026, 5, 14), date(2026, 5, 20), False),      # 6 days ago: not yet
    (date(2026, 5, 20), date(2026, 5, 20), False),      # today
])
def test_check_in_due(last, today, due):
    assert weekly.check_in_due(last, today) is due


@pytest.mark.parametrize("week, status, due_on, overdue", [
    ("2026-W20", "todo", None, True),                   # a past week, unfinished
    ("2026-W20", "done", None, False),                  # finished is never overdue
    ("2026-W21", "doing", date(2026, 5, 19), True),     # this week, due date passed
    ("2026-W21", "todo", date(2026, 5, 20), False),     # due today
    ("2025-W52", "todo", None, True),                   # across the year: string order is calendar order
])
def test_is_overdue(week, status, due_on, overdue):
    assert weekly.is_overdue(week, status, due_on, "2026-W21", date(2026, 5, 20)) is overdue


def test_group_renumber_and_report_rules():
    T = lambda i, imp, urg, pos, status="todo", carry=0, due=None: SimpleNamespace(  # noqa: E731
        id=i, important=imp, urgent=urg, position=pos, status=status, carry_count=carry, due_on=due)
    tasks = [T(1, True, True, 1), T(2, True, True, 0), T(3, False, False, 0), T(4, True, False, 0, "done")]
    board = weekly.group_by_quadrant(tasks)
    assert [t.id for t in board["do"]] == [2, 1] and [t.id for t in board["eliminate"]] == [3]
    assert weekly.renumber([2, 1, 5], {2: 0, 1: 1, 5: 7}) == {5: 2}
    kr = {4: (9, "KR nine")}
    report = weekly.build_report("2026-W21", "2026-W22", tasks + [T(6, True, True, 3, "done")],
                                 [T(7, True, True, 0), T(8, True, True, 1, "done")],
                                 lambda t: kr.get(t.id, (None, "")), [], date(2026, 5, 20))
    assert [(g.kr_id, [t.id for t in g.tasks]) for g in report.done] == [(9, [4]), (None, [6])]
    assert [t.id for t in report.planned] == [7] and report.done_count == 2
    assert weekly.percent(None) is None and weekly.percent("0.125") == 13
    assert weekly.md_escape("a *b*\n[c](d)") == "a \\*b\\* \\[c\\]\\(d\\)"


def test_blocked_rule():
    today = date(2026, 5, 20)
    assert weekly.is_blocked("todo", 1, None, today) is True
    assert weekly.is_blocked("doing", 0, today - timedelta(days=1), today) is True
    assert weekly.is_blocked("todo", 0, today, today) is False
    assert weekly.is_blocked("done", 3, None, today) is False
