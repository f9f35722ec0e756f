"""A rollup brought forward by the changes since it was built equals one rebuilt from the tables.

Random everyday changes (check-ins, back-dated check-ins, finishing, dropping, moving, adding,
archiving, carrying over and delegating tasks) and the odd plan edit are made through
okr.plans.ops on the demo organisation; after each, the kept rollup is brought forward and
compared, figure by figure, with a fresh build: the tree, the trends, the effort split and
what each item shows (task counts, key result rows).
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.plans import ops as planning
from okr.rollup import state as rollup_state
from okr.week import ops as week_ops


def _figures(r: rollup_state.Rollup) -> dict:
    projects = {k: (v["done"], v["live"], v["dropped"]) for k, v in r.meta.items() if k[0] == "project"}
    krs = {
        k: (v["row"].current, v["row"].confidence, v["row"].last_check_in_on, v["silent"], tuple(v["accountable"]))
        for k, v in r.meta.items()
        if k[0] == "key_result"
    }
    return {
        "root": r.root.as_dict(),
        "unaligned": [n.as_dict() for n in r.unaligned],
        "elsewhere": [n.as_dict() for n in r.elsewhere],
        "trends": r.trends,
        "effort": (r.effort.total, dict(r.effort.counts), dict(r.effort.linked_counts)),
        "projects": projects,
        "krs": krs,
        "index": sorted(r.index),
    }


class World:
    """The demo organisation and random everyday changes to it through okr.plans.ops."""

    def __init__(self, session, org_id: int, rnd: random.Random, today: date):
        self.s, self.org_id, self.rnd, self.today = session, org_id, rnd, today
        self.quarter = periods.quarter_of(today)
        self.admin = session.exec(select(m.User).where(m.User.org_id == org_id, m.User.is_admin == True)).first()  # noqa: E712
        self.teams = session.exec(select(m.Team).where(m.Team.org_id == org_id)).all()
        team_ids = [t.id for t in self.teams]
        self.weeks = [str(w) for w in self.quarter.weeks()]
        self.krs = session.exec(
            select(m.KeyResult)
            .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
            .where(
                m.Objective.team_id.in_(team_ids),
                m.Objective.quarter == str(self.quarter),
                m.KeyResult.kind != "milestone",
            )
        ).all()
        self.projects = session.exec(select(m.Project).where(m.Project.team_id.in_(team_ids))).all()
        self.people = session.exec(select(m.User).where(m.User.org_id == org_id)).all()

    def tasks(self):
        return self.s.exec(
            select(m.Task).where(m.Task.team_id.in_([t.id for t in self.teams]), m.Task.week.in_(self.weeks))
        ).all()

    def change(self) -> str:
        rnd, s, kw = self.rnd, self.s, {"session": self.s, "actor_id": self.admin.id, "org_id": self.org_id}
        ops = (
            ["check_in"] * 4
            + ["back_dated", "before_period"]
            + ["status"] * 4
            + ["move"] * 3
            + ["add"] * 2
            + ["archive_task", "restore_task", "carry", "delegate", "archive_check_in", "plan_edit", "reassign"]
        )
        op = rnd.choice(ops)
        tasks = self.tasks()
        live = [t for t in tasks if not t.is_archived]
        if op in ("check_in", "back_dated", "before_period") and self.krs:
            kr = rnd.choice(self.krs)
            day = {
                "check_in": self.today,
                "back_dated": max(self.quarter.start, self.today - timedelta(days=rnd.randint(1, 40))),
                # dated before the quarter: the value the quarter's trend starts from
                "before_period": self.quarter.start - timedelta(days=rnd.randint(1, 20)),
            }[op]
            planning.check_in(
                **kw,
                kr=kr,
                value=Decimal(rnd.randint(0, 2000)),
                confidence=Decimal(rnd.choice(["0.1", "0.5", "0.9"])),
                checked_on=day,
            )
        elif op == "status" and live:
            t = rnd.choice(live)
            week_ops.set_task_status(
                **kw, task=t, status=rnd.choice(["todo", "doing", "done", "dropped"]), expected_version=t.version
            )
        elif op == "move" and live:
            t = rnd.choice([t for t in live if t.assignee_id] or live)
            week_ops.move_task(
                **kw,
                task=t,
                important=rnd.random() < 0.5,
                urgent=rnd.random() < 0.5,
                index=0,
                expected_version=t.version,
            )
        elif op == "add":
            team = rnd.choice(self.teams)
            project = rnd.choice(self.projects + [None])
            planning.create(
                **kw,
                model=m.Task,
                team_id=project.team_id if project else team.id,
                week=rnd.choice(self.weeks),
                project_id=project.id if project else None,
                title="random work",
                important=rnd.random() < 0.5,
                urgent=rnd.random() < 0.5,
                status=rnd.choice(["todo", "done"]),
                assignee_id=rnd.choice(self.people).id,
                estimate=rnd.choice([None, Decimal(2)]),
            )
        elif op == "archive_task" and live:
            planning.archive(**kw, item=rnd.choice(live))
        elif op == "restore_task" and any(t.is_archived for t in tasks):
            planning.restore(**kw, item=rnd.choice([t for t in tasks if t.is_archived]))
        elif op == "carry":
            open_ = [t for t in live if t.status in ("todo", "doing")]
            if open_:
                t = rnd.choice(open_)
                week_ops.carry_over_task(**kw, task=t, expected_version=t.version)
        elif op == "delegate" and live:
            t = rnd.choice(live)
            week_ops.delegate_task(**kw, task=t, assignee_id=rnd.choice(self.people).id, expected_version=t.version)
        elif op == "archive_check_in":
            found = s.exec(
                select(m.CheckIn).where(
                    m.CheckIn.key_result_id.in_([k.id for k in self.krs]), m.CheckIn.is_archived == False
                )
            ).all()  # noqa: E712
            if found:
                planning.archive(**kw, item=rnd.choice(found))
        elif op == "plan_edit" and self.krs:
            kr = rnd.choice(self.krs)
            planning.update(**kw, item=kr, expected_version=kr.version, weight=Decimal(rnd.choice([0, 1, 2])))
        elif op == "reassign" and live:
            t = rnd.choice(live)
            project = rnd.choice(self.projects + [None])
            planning.update(
                **kw,
                item=t,
                expected_version=t.version,
                project_id=project.id if project else None,
                week=rnd.choice(self.weeks),
            )
        s.commit()
        return op


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_brought_forward_equals_rebuilt(demo, session, seed):
    today = date.today()
    rnd = random.Random(seed)
    world = World(session, demo.org_id, rnd, today)
    root = session.exec(select(m.Team).where(m.Team.org_id == demo.org_id, m.Team.parent_id == None)).first()  # noqa: E711
    department = session.exec(select(m.Team).where(m.Team.org_id == demo.org_id, m.Team.parent_id == root.id)).first()
    views = [(root, world.quarter), (root, periods.year_of(today)), (department, world.quarter)]
    kept = [rollup_state.build_at(session, team, p, today, time.monotonic()) for team, p in views]
    forwarded = 0
    for step in range(40):
        op = world.change()
        for i, (team, p) in enumerate(views):
            version = rollup_state.latest_version(session, demo.org_id)
            before = kept[i]
            if i == 1:  # as the pages do: the version read with the events, in one statement
                kept[i] = rollup_state.bring_forward_to_latest(session, before, time.monotonic())
                assert kept[i].version == version
            else:
                kept[i] = rollup_state.bring_forward(session, before, version, time.monotonic())
            forwarded += kept[i].data is not None and kept[i].eval_memo is before.eval_memo
            fresh = rollup_state.build(session, team, p, today, version=version)
            assert _figures(kept[i]) == _figures(fresh), f"step {step} ({op}), {team.slug} {p}"
    # Most changes are brought forward, not rebuilt (plan edits rebuild).
    assert forwarded > 60


def test_bringing_forward_leaves_the_old_rollup_as_it_was(demo, session):
    today = date.today()
    world = World(session, demo.org_id, random.Random(7), today)
    root = session.exec(select(m.Team).where(m.Team.org_id == demo.org_id, m.Team.parent_id == None)).first()  # noqa: E711
    old = rollup_state.build_at(session, root, world.quarter, today, time.monotonic())
    figures = _figures(old)
    kr = world.krs[0]
    planning.check_in(
        session=session, actor_id=world.admin.id, org_id=demo.org_id, kr=kr, value=kr.target, checked_on=today
    )
    session.commit()
    new = rollup_state.bring_forward(session, old, rollup_state.latest_version(session, demo.org_id), time.monotonic())
    assert new is not old
    assert new.node("key_result", kr.id).progress == 1
    assert _figures(old) == figures


def test_writers_of_one_organisation_hand_out_event_ids_in_commit_order(make, session, app):
    """A second writer of the organisation waits until the first one commits (PostgreSQL: the
    organisation's advisory lock; SQLite: the database's writer), so an event id below the
    newest one seen can never appear later and the newest id is an exact data version."""
    import threading

    from sqlmodel import Session

    from okr.core.db import get_engine

    team = make.team()
    week = str(periods.week_of(date.today()))
    first = planning.create(session=session, actor_id=None, org_id=team.org_id, model=m.Task, team_id=team.id,
                            week=week, title="first")  # fmt: skip
    done = threading.Event()
    second_id = []

    def second_writer():
        with Session(get_engine(app.config["DATABASE_URL"])) as other:
            task = planning.create(session=other, actor_id=None, org_id=team.org_id, model=m.Task,
                                   team_id=team.id, week=week, title="second")  # fmt: skip
            other.commit()
            second_id.append(task.id)
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        assert not done.wait(1.0), "the second writer did not wait for the first to commit"
        session.commit()
        assert done.wait(20)
    finally:
        thread.join(20)
    events = session.exec(
        select(m.AuditEvent.item_id).where(m.AuditEvent.org_id == team.org_id, m.AuditEvent.item_type == "task")
        .order_by(m.AuditEvent.id)
    ).all()  # fmt: skip
    assert events == [first.id, second_id[0]]


def test_a_check_in_dated_before_the_period_moves_the_value_carried_into_it(make, session):
    """A check-in dated before the quarter is the value the quarter's trend starts from: a kept
    rollup brought forward by it reads that value again and equals a fresh build."""
    today = date.today()
    quarter = periods.quarter_of(today)
    team = make.team()
    manager = make.user(team=team, role="manager")
    goal = make.goal(team=team, year=periods.year_of(today).year)
    kr = make.kr(objective=make.objective(team=team, goal=goal, quarter=str(quarter)), start=0, target=100)
    kw = {"session": session, "actor_id": manager.id, "org_id": team.org_id, "kr": kr}
    planning.check_in(**kw, value=Decimal(50), checked_on=today)
    session.commit()
    kept = rollup_state.build_at(session, team, quarter, today, time.monotonic())
    planning.check_in(**kw, value=Decimal(30), checked_on=quarter.start - timedelta(days=3))
    session.commit()
    version = rollup_state.latest_version(session, team.org_id)
    forwarded = rollup_state.bring_forward(session, kept, version, time.monotonic())
    fresh = rollup_state.build(session, team, quarter, today, version=version)
    assert forwarded.data is not None and forwarded.eval_memo is kept.eval_memo  # brought forward, not rebuilt
    assert _figures(forwarded) == _figures(fresh)
    if len(rollup_state.samples(quarter, today)) > 2:  # a trend to start from the carried value
        assert forwarded.trends != kept.trends
