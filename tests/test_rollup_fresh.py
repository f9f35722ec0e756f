"""Kept rollups cannot go stale: a change that left no audit event shows once the kept rollup
reaches its maximum age; a write path that forgets its audit event fails under the guard; and a
kept rollup brought forward through a series of edits equals one built afresh."""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from okr.core import models as m
from okr.core import periods

TODAY = date.today()
QUARTER = periods.quarter_of(TODAY)


def _node(tree, kind, item_id):
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.get("kind") == kind and node.get("id") == item_id:
            return node
        stack.extend(node.get("children", []))
    raise AssertionError(f"{kind} {item_id} not in the rollup")


def _kr_progress(body, kr_id):
    return _node(body, "key_result", kr_id)["progress"]


@pytest.fixture
def plan(make):
    team = make.team(slug="content")
    manager = make.user(team=team, role="manager")
    goal = make.goal(team=team, year=periods.year_of(TODAY).year)
    obj = make.objective(team=team, goal=goal, quarter=str(QUARTER))
    kr = make.kr(objective=obj, start=0, target=100, current=40, last_check_in_on=TODAY)
    make.raci(manager, "A", kr=kr)
    return {"team": team, "manager": manager, "goal": goal, "objective": obj, "kr": kr}


def test_a_check_in_changed_in_the_database_shows_within_the_max_age(app, plan, as_user, session):
    """A fix made by hand in the database writes no audit event; the kept rollup is built again
    from the tables once it is ROLLUP_MAX_AGE seconds old, so the JSON shows it within that."""
    app.config["ROLLUP_MAX_AGE"] = 2
    b = as_user(plan["manager"])
    url = f"/api/v1/rollup/content/{QUARTER}"
    assert _kr_progress(b.get(url).json, plan["kr"].id) == pytest.approx(0.4)

    check_in = m.CheckIn.__table__
    session.execute(sa.update(check_in).where(check_in.c.key_result_id == plan["kr"].id).values(value=Decimal(80)))
    session.commit()
    changed_at = time.monotonic()
    assert _kr_progress(b.get(url).json, plan["kr"].id) == pytest.approx(0.4)  # kept, as it should be
    seen = None
    while time.monotonic() - changed_at < 3:
        seen = _kr_progress(b.get(url).json, plan["kr"].id)
        if seen == pytest.approx(0.8):
            break
        time.sleep(0.2)
    assert seen == pytest.approx(0.8), "the hand-made change did not show within 3 seconds"


def test_the_maximum_age_is_a_setting_with_a_default_and_a_check(app, monkeypatch, tmp_path):
    from okr.app import create_app
    from okr.core.settings import SettingsError

    assert create_app({**_config(app), "ROLLUP_MAX_AGE": 300}).config["ROLLUP_MAX_AGE"] == 300
    monkeypatch.setenv("OKR_ROLLUP_MAX_AGE", "2")
    assert create_app(_config(app)).config["ROLLUP_MAX_AGE"] == 2
    monkeypatch.setenv("OKR_ROLLUP_MAX_AGE", "soon")
    with pytest.raises(SettingsError, match="OKR_ROLLUP_MAX_AGE"):
        create_app(_config(app))
    monkeypatch.delenv("OKR_ROLLUP_MAX_AGE")
    defaults = {k: v for k, v in _config(app).items() if k != "ROLLUP_MAX_AGE"}
    assert create_app(defaults).config["ROLLUP_MAX_AGE"] == 300


def _config(app):
    keep = ("TESTING", "DATABASE_URL", "SECRET_KEY", "FISCAL_YEAR_START", "DEFAULT_LOCALE")
    return {k: app.config[k] for k in keep}


def test_the_guard_fails_a_plan_write_without_its_audit_event(app, plan, session):
    from okr.core.audit_guard import UnauditedWrite
    from okr.plans import ops

    assert app.config["AUDIT_GUARD"] is True  # on under testing, so in the whole suite
    task = m.Task(team_id=plan["team"].id, week=str(periods.week_of(TODAY)), title="unaudited")
    session.add(task)
    with pytest.raises(UnauditedWrite, match="task"):
        session.commit()
    session.rollback()
    kr = session.get(m.KeyResult, plan["kr"].id)
    kr.title = "renamed by hand"
    session.add(kr)
    with pytest.raises(UnauditedWrite, match="key_result"):
        session.commit()
    session.rollback()
    # The same writes through the operations pass: each records its event.
    kr = session.get(m.KeyResult, plan["kr"].id)
    ops.update(session=session, actor_id=None, org_id=plan["team"].org_id, item=kr, expected_version=None,
               title="renamed")  # fmt: skip
    ops.create(session=session, actor_id=None, org_id=plan["team"].org_id, model=m.Task, team_id=plan["team"].id,
               week=str(periods.week_of(TODAY)), title="audited")  # fmt: skip
    session.commit()
    assert session.get(m.KeyResult, plan["kr"].id).title == "renamed"


def test_a_kept_rollup_equals_a_fresh_one_after_a_series_of_edits(app, make, plan, as_user, session):
    """Check-ins (one back-dated before the quarter), tasks added, finished, moved and dropped,
    a project's key result changed, a plan edit and a RACI letter: after each, the rollup JSON
    served from the kept rollup equals the JSON of a rollup built afresh from the tables."""
    from okr.plans import ops
    from okr.week import ops as week_ops

    team, org_id = plan["team"], plan["team"].org_id
    sub = make.team(org=session.get(m.Organisation, org_id), parent=team, slug="creators")
    make.user(team=sub, role="member")
    goal = make.goal(team=sub, year=periods.year_of(TODAY).year, title="Sub goal")
    kr2 = make.kr(objective=make.objective(team=sub, goal=goal, quarter=str(QUARTER)), start=10, target=0)
    month = str(periods.month_of(TODAY))
    project = make.project(kr=plan["kr"], month=month)
    other = make.project(kr=kr2, month=month)
    week = str(periods.week_of(TODAY))
    tasks = [make.task(project=project, week=week, title=f"t{i}", estimate=i + 1) for i in range(3)]
    b = as_user(plan["manager"])
    urls = [f"/api/v1/rollup/content/{QUARTER}", f"/api/v1/rollup/content/{periods.year_of(TODAY)}"]
    cache = app.extensions.setdefault("okr_rollup_cache", OrderedDict())

    def kept_and_fresh(url):
        kept = b.get(url).json
        saved = dict(cache)
        cache.clear()
        try:
            fresh = b.get(url).json
        finally:
            cache.clear()
            cache.update(saved)
        return kept, fresh

    for url in urls:
        b.get(url)
    kw = {"session": session, "actor_id": plan["manager"].id, "org_id": org_id}

    def reread(row):
        session.expire_all()
        return session.get(type(row), row.id)

    edits = [
        ("check-in", lambda: ops.check_in(**kw, kr=reread(plan["kr"]), value=Decimal(70), checked_on=TODAY)),
        (
            "back-dated check-in",
            lambda: ops.check_in(**kw, kr=reread(kr2), value=Decimal(4), checked_on=QUARTER.start - timedelta(days=2)),
        ),  # fmt: skip
        ("finish", lambda: ops.update(**kw, item=reread(tasks[0]), expected_version=None, status="done")),
        ("move", lambda: ops.update(**kw, item=reread(tasks[1]), expected_version=None, urgent=True)),
        ("drop", lambda: ops.update(**kw, item=reread(tasks[2]), expected_version=None, status="dropped")),
        (
            "add",
            lambda: ops.create(
                **kw, model=m.Task, team_id=sub.id, project_id=other.id, week=week, title="new", status="done"
            ),
        ),  # fmt: skip
        ("relink", lambda: ops.update(**kw, item=reread(other), expected_version=None, key_result_id=plan["kr"].id)),
        (
            "reweigh",
            lambda: ops.update(**kw, item=reread(plan["objective"]), expected_version=None, weight=Decimal(3)),
        ),  # fmt: skip
        ("carry", lambda: week_ops.carry_over_task(**kw, task=reread(tasks[1]), expected_version=None)),
        ("archive", lambda: ops.archive(**kw, item=reread(kr2))),
    ]
    for name, edit in edits:
        edit()
        session.commit()
        for url in urls:
            kept, fresh = kept_and_fresh(url)
            assert kept == fresh, f"after {name}: the kept rollup at {url} differs from a fresh one"
    kept, _fresh = kept_and_fresh(urls[0])
    assert _kr_progress(kept, plan["kr"].id) == pytest.approx(0.7)
