"""Status does not contradict itself: in a finished period objectives and key results are judged
by their score band, and goals, objectives and key results count their pace from their own start
(``starts_on``: the day one was added in the browser after its period began)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.rollup import formulas, tree

TODAY = date.today()
YEAR = periods.year_of(TODAY)


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "at", "expected"),
    [
        (None, date(2026, 4, 1), Decimal(0)),  # the first day of 2026-Q2 (91 days): nothing has passed
        (None, date(2026, 5, 16), Decimal(45) / Decimal(91)),  # April's 30 days and May 1-15
        (None, date(2026, 7, 1), Decimal(1)),  # after the end
        (date(2026, 5, 16), date(2026, 5, 16), Decimal(0)),  # added that day: 0, not 45/91
        (date(2026, 5, 16), date(2026, 6, 1), Decimal(16) / Decimal(46)),  # May 16-31 of May 16 – June 30
        (date(2026, 3, 1), date(2026, 5, 16), Decimal(45) / Decimal(91)),  # before the period: its start
        (date(2026, 7, 9), date(2026, 7, 9), Decimal(1)),  # after its end: the last day, then over
    ],
)
def test_pace_counts_from_the_items_own_start(starts_on, at, expected):
    q = periods.parse("2026-Q2")
    assert formulas.pace(q.start, q.end, at, starts_on) == expected
    if starts_on is None:
        assert formulas.pace(q.start, q.end, at) == q.elapsed(at)


@pytest.mark.parametrize(
    ("created", "counts_from"),
    [
        (date(2026, 3, 31), None),  # before the period: from its start
        (date(2026, 4, 1), None),  # on its first day: the same
        (date(2026, 5, 16), date(2026, 5, 16)),  # after it began: the day it was added
        (date(2026, 6, 30), date(2026, 6, 30)),
        (date(2026, 7, 1), None),  # after it ended: judged as a whole
    ],
)
def test_an_item_added_after_its_period_began_counts_from_that_day(created, counts_from):
    q = periods.parse("2026-Q2")
    assert formulas.counts_from(q.start, q.end, created) == counts_from


def _objective(kind, progress):
    kr = tree.KRIn(1, "KR", "metric", 0, 1000, progress * 1000)
    return tree.ObjectiveIn(1, "O", kind=kind, key_results=(kr,))


@pytest.mark.parametrize(
    ("kind", "progress", "band", "status"),
    [
        ("aspirational", Decimal("0.725"), "green", "on_track"),  # 0.725 ≥ 0.7: green, not off track
        ("aspirational", Decimal("0.5"), "yellow", "at_risk"),
        ("aspirational", Decimal("0.3"), "red", "off_track"),
        ("committed", Decimal("0.725"), "yellow", "at_risk"),  # a promise: green only at 1.0
        ("committed", Decimal("1"), "green", "on_track"),
    ],
)
def test_in_a_finished_period_the_score_band_decides_the_status(kind, progress, band, status):
    node = tree.evaluate(_objective(kind, progress), expected=1)
    assert (node.band, node.status) == (band, status)
    assert node.children[0].status == status  # its key result, by the same band
    assert node.status_reason.startswith("period over: score")
    # While the period runs, pace still decides: 0.725 at the last day is behind.
    running = tree.evaluate(_objective(kind, progress), expected=Decimal("0.99"))
    assert running.status == ("off_track" if progress < Decimal("0.74") else "on_track")


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def team(make):
    team = make.team(slug="content")
    return {"team": team, "manager": make.user(team=team, role="manager")}


def _node(body, kind, item_id):
    stack = [body, *body.get("unaligned", []), *body.get("elsewhere", [])]
    while stack:
        node = stack.pop()
        if node.get("kind") == kind and node.get("id") == item_id:
            return node
        stack.extend(node.get("children", []))
    raise AssertionError(f"{kind} {item_id} not in the rollup")


def test_an_objective_of_a_finished_quarter_scored_green_is_not_off_track(team, make, as_user):
    last = periods.quarter_of(TODAY).prev()
    goal = make.goal(team=team["team"], year=last.fiscal_year().year)
    obj = make.objective(team=team["team"], goal=goal, quarter=str(last), kind="aspirational")
    make.kr(objective=obj, start=0, target=1000, current=725, last_check_in_on=last.end - timedelta(days=3))
    b = as_user(team["manager"])
    body = b.get(f"/api/v1/rollup/content/{last}").json
    node = _node(body, "objective", obj.id)
    assert (node["score"], node["band"], node["status"]) == (0.725, "green", "on_track")
    page = b.get(f"/teams/content/rollup/{last}").get_data(as_text=True)
    attention = page[page.index('id="attention"') :] if 'id="attention"' in page else page
    assert "off track" not in attention


def test_a_goal_added_in_the_browser_today_counts_from_today(team, as_user, session, monkeypatch):
    b = as_user(team["manager"])
    resp = b.post(
        f"/teams/content/plan/{YEAR}/items/goal",
        data={"title": "Become the creators' first choice", "weight": "1", "owner_id": str(team["manager"].id)},
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    goal = session.exec(select(m.AnnualGoal).where(m.AnnualGoal.title.startswith("Become"))).one()
    assert goal.starts_on == formulas.counts_from(YEAR.start, YEAR.end, TODAY)
    node = _node(b.get(f"/api/v1/rollup/content/{YEAR}").json, "goal", goal.id)
    if goal.starts_on is not None:  # any day but the year's first: a new goal is not behind at once
        assert node["expected"] == 0
        assert f"counts from {TODAY.isoformat()}" in b.get(f"/teams/content/plan/{YEAR}").get_data(as_text=True)
    assert node["status"] != "off_track"

    # Editable: the edit form shows the day, and clearing it counts from the year's start.
    form = b.get(f"/items/goal/{goal.id}/edit").get_data(as_text=True)
    assert 'name="starts_on"' in form
    day = YEAR.start + timedelta(days=10)
    resp = b.post(
        f"/items/goal/{goal.id}",
        data={"title": goal.title, "weight": "1", "owner_id": str(team["manager"].id), "version": str(goal.version), "description": "",
              "starts_on": day.isoformat()},
    )  # fmt: skip
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    session.expire_all()
    goal = session.get(m.AnnualGoal, goal.id)
    assert goal.starts_on == day
    outside = b.post(
        f"/items/goal/{goal.id}",
        data={
            "title": goal.title,
            "weight": "1",
            "version": str(goal.version),
            "starts_on": "1999-01-01",
            "description": "",
        },
        headers={"Accept": "application/json"},
    )
    assert outside.status_code == 422 and "starts_on" in outside.json["fields"]
    b.post(
        f"/items/goal/{goal.id}",
        data={"title": goal.title, "weight": "1", "version": str(goal.version), "description": ""},
    )
    session.expire_all()
    assert session.get(m.AnnualGoal, goal.id).starts_on is None


def test_items_added_before_their_period_and_imported_ones_count_from_its_start(team, make, as_user, session):
    b = as_user(team["manager"])
    later = YEAR.next()
    resp = b.post(f"/teams/content/plan/{later}/items/goal", data={"title": "Next year's direction", "weight": "1"})
    assert resp.status_code == 303
    goal = session.exec(select(m.AnnualGoal).where(m.AnnualGoal.year == later.year)).one()
    assert goal.starts_on is None
    imported = make.goal(team=team["team"], year=YEAR.year, title="Imported")  # written as the importer does
    assert imported.starts_on is None


def test_an_objective_and_key_result_added_mid_quarter_are_judged_from_that_day(team, make, as_user, session):
    quarter = periods.quarter_of(TODAY)
    if not quarter.start < TODAY:
        pytest.skip("today is the quarter's first day: nothing to count from")
    b = as_user(team["manager"])
    resp = b.post(f"/teams/content/plan/{quarter}/items/objective",
                  data={"title": "Ship the creator app", "kind": "committed", "weight": "1"})  # fmt: skip
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    obj = session.exec(select(m.Objective).where(m.Objective.title == "Ship the creator app")).one()
    resp = b.post(f"/teams/content/plan/{quarter}/items/kr",
                  data={"parent": str(obj.id), "title": "Weekly active creators from 200 to 500", "kind": "metric",
                        "start": "200", "target": "500", "weight": "1", "progress_from": "checkins"})  # fmt: skip
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    kr = session.exec(select(m.KeyResult).where(m.KeyResult.objective_id == obj.id)).one()
    assert obj.starts_on == kr.starts_on == TODAY
    body = b.get(f"/api/v1/rollup/content/{quarter}").json
    for kind, item in (("objective", obj), ("key_result", kr)):
        node = _node(body, kind, item.id)
        assert node["expected"] == 0 and node["status"] == "on_track", (kind, node["status_reason"])
    assert "silent" not in str(body["attention"])
