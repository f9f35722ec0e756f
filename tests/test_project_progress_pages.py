"""One computation per number: a project's progress is the same on the plan page, the week
board, the weekly report and the rollups, by task count and by estimate (docs/rollup.md)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from okr.core import periods

TODAY = date.today()
QUARTER = periods.quarter_of(TODAY)
MONTH = periods.month_of(TODAY)
WEEK = periods.week_of(TODAY)


@pytest.fixture
def plan(make):
    team = make.team(slug="content")
    manager = make.user(team=team, role="manager")
    goal = make.goal(team=team, year=periods.year_of(TODAY).year)
    obj = make.objective(team=team, goal=goal, quarter=str(QUARTER))
    kr = make.kr(objective=obj, start=0, target=1, progress_from="projects")
    counted = make.project(kr=kr, month=str(MONTH), title="Counted")
    estimated = make.project(kr=kr, month=str(MONTH), title="Estimated")
    # By count: 1 of 8 live tasks done (a dropped one does not count) = 0.125.
    for i in range(8):
        make.task(project=counted, assignee=manager, week=str(WEEK), title=f"c{i}", status="done" if i == 0 else "todo")
    make.task(project=counted, assignee=manager, week=str(WEEK), title="gone", status="dropped")
    # By estimate (every live task has one): done 4 of 4 + 1 + 1 + 1 = 4/7, by count it would be 1/4.
    for i, (est, status) in enumerate([(4, "done"), (1, "todo"), (1, "doing"), (1, "todo")]):
        make.task(project=estimated, assignee=manager, week=str(WEEK), title=f"e{i}", status=status, estimate=est)
    return {"team": team, "manager": manager, "kr": kr, "counted": counted, "estimated": estimated}


def _plan_page(html, project_id):
    block = html[html.index(f'id="project-{project_id}"') :]
    found = re.search(r'data-progress="([^"]*)">.*?<strong class="percent">(\d+)%</strong>', block, re.S)
    return Decimal(found.group(1)), found.group(2) + "%"


def _project_span(html, project_id):
    found = re.search(rf'data-project="{project_id}" data-progress="([^"]*)">(\d+)%</span>', html)
    assert found, f"project {project_id} has no progress on the page"
    return Decimal(found.group(1)), found.group(2) + "%"


def _explain(html):
    found = re.search(r'class="explain-progress" data-progress="([^"]*)">([^<]+)</strong>', html)
    return Decimal(found.group(1)), found.group(2)


@pytest.mark.parametrize(
    ("which", "value", "shown", "rollup_shown"),
    [("counted", Decimal("0.125"), "13%", "12.5%"), ("estimated", Decimal(4) / Decimal(7), "57%", "57.1%")],
)
def test_plan_page_week_board_weekly_report_and_rollups_agree(plan, as_user, which, value, shown, rollup_shown):
    b = as_user(plan["manager"])
    pid = plan[which].id

    figures = {
        "plan page": _plan_page(b.get(f"/teams/content/plan/{QUARTER}").get_data(as_text=True), pid),
        "week board": _project_span(b.get(f"/week/{WEEK}").get_data(as_text=True), pid),
        "weekly report": _project_span(b.get(f"/week/{WEEK}/report").get_data(as_text=True), pid),
        "team weekly report": _project_span(b.get(f"/teams/content/week/{WEEK}/report").get_data(as_text=True), pid),
    }
    for page, (exact, text) in figures.items():
        assert exact == pytest.approx(value, abs=Decimal("1e-20")), page
        assert text == shown, page

    explained = _explain(b.get(f"/rollup/explain/project/{pid}/{QUARTER}").get_data(as_text=True))
    assert explained == (value.quantize(Decimal("0.0001")), rollup_shown)
    assert Decimal(rollup_shown.rstrip("%")).quantize(Decimal(1), rounding="ROUND_HALF_UP") == Decimal(
        shown.rstrip("%")
    )
    tree = b.get(f"/api/v1/rollup/content/{QUARTER}").json
    projects = {n["id"]: n["progress"] for kr in tree["children"][0]["children"][0]["children"] for n in kr["children"]}
    assert projects[pid] == pytest.approx(float(value), abs=1e-4)
    # The board's JSON answers with the same figure.
    board = b.get(f"/week/{WEEK}/report", headers={"Accept": "application/json"}).json
    tasks = [t for g in board["done"] for t in g["tasks"] if t["project"] and t["project"]["id"] == pid]
    assert tasks and Decimal(tasks[0]["project"]["progress"]) == pytest.approx(value, abs=Decimal("1e-20"))
