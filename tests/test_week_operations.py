"""The board's task operations in okr.plans.ops: move, status, delegate, carry over (flush only,
audited, version-checked)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from okr.core import models as m
from okr.plans import ops as planning
from okr.week import ops as week_ops


@pytest.fixture
def board(make):
    team = make.team()
    me = make.user(team=team, role="member")
    mate = make.user(team=team, role="member")
    tasks = [
        make.task(team=team, assignee=me, week="2026-W53", title=f"T{i}", important=True, urgent=True, position=i)
        for i in range(3)
    ]
    return {"team": team, "me": me, "mate": mate, "tasks": tasks}


def ops(session, board):
    return {"session": session, "actor_id": board["me"].id, "org_id": board["team"].org_id}


def test_move_within_a_quadrant_renumbers_only_what_changes(board, session):
    t0, t1, t2 = board["tasks"]
    week_ops.move_task(
        **ops(session, board), task=t2, important=True, urgent=True, index=0, expected_version=t2.version
    )
    session.commit()
    assert [(t.title, t.position) for t in sorted(board["tasks"], key=lambda t: t.position)] == [
        ("T2", 0),
        ("T0", 1),
        ("T1", 2),
    ]
    events = session.exec(
        select(m.AuditEvent).where(m.AuditEvent.item_type == "task", m.AuditEvent.action == "update")
    ).all()
    assert len(events) == 3  # the moved card and the two it passed; the factory's creates aside


def test_renumbered_cards_keep_their_version_and_audit_only_their_position(board, session):
    import json

    t0, t1, t2 = board["tasks"]
    versions = {t.id: t.version for t in board["tasks"]}
    week_ops.move_task(
        **ops(session, board), task=t2, important=True, urgent=True, index=0, expected_version=t2.version
    )
    session.commit()
    session.expire_all()
    stored = {t.id: session.get(m.Task, t.id) for t in board["tasks"]}
    assert stored[t2.id].version == versions[t2.id] + 1  # the card that moved
    assert (stored[t0.id].version, stored[t1.id].version) == (versions[t0.id], versions[t1.id])
    assert (stored[t0.id].position, stored[t1.id].position) == (1, 2)
    events = session.exec(
        select(m.AuditEvent)
        .where(
            m.AuditEvent.item_type == "task", m.AuditEvent.item_id.in_([t0.id, t1.id]), m.AuditEvent.action == "update"
        )
        .order_by(m.AuditEvent.item_id)
    ).all()
    assert [(e.item_id, e.action, json.loads(e.before), json.loads(e.after)) for e in events] == [
        (t0.id, "update", {"position": 0}, {"position": 1}),
        (t1.id, "update", {"position": 1}, {"position": 2}),
    ]
    # Someone whose board still shows T0 at its old version may move it: no false conflict.
    week_ops.move_task(
        **ops(session, board),
        task=stored[t0.id],
        important=False,
        urgent=True,
        index=None,
        expected_version=versions[t0.id],
    )


def test_move_to_another_quadrant_goes_last_and_is_version_checked(board, make, session):
    t0 = board["tasks"][0]
    other = make.task(
        team=board["team"], assignee=board["me"], week="2026-W53", important=False, urgent=False, position=0
    )
    week_ops.move_task(
        **ops(session, board), task=t0, important=False, urgent=False, index=None, expected_version=t0.version
    )
    session.commit()
    assert (t0.important, t0.urgent, t0.position, other.position) == (False, False, 1, 0)
    with pytest.raises(planning.StaleEdit):
        week_ops.move_task(**ops(session, board), task=t0, important=True, urgent=True, index=0, expected_version=1)


def test_status_and_delegate(board, session):
    t = board["tasks"][0]
    week_ops.set_task_status(**ops(session, board), task=t, status="done", expected_version=t.version)
    assert t.done_at is not None
    week_ops.set_task_status(**ops(session, board), task=t, status="todo", expected_version=t.version)
    assert t.done_at is None
    with pytest.raises(planning.PlanningError):
        week_ops.set_task_status(**ops(session, board), task=t, status="later", expected_version=None)
    week_ops.delegate_task(**ops(session, board), task=t, assignee_id=board["mate"].id, expected_version=t.version)
    assert (t.assignee_id, t.delegated_by_id) == (board["mate"].id, board["me"].id)


def test_carry_over_across_the_year_boundary(board, session):
    t = board["tasks"][1]
    copy = week_ops.carry_over_task(**ops(session, board), task=t, expected_version=t.version)
    session.commit()
    assert (copy.week, copy.carried_from_id, copy.carry_count, copy.title, copy.important, copy.urgent) == (
        "2027-W01",
        t.id,
        1,
        "T1",
        True,
        True,
    )
    assert t.status == "dropped"
    with pytest.raises(week_ops.NotUnfinished):
        week_ops.carry_over_task(**ops(session, board), task=t, expected_version=None)
    again = week_ops.carry_over_task(**ops(session, board), task=copy, expected_version=copy.version)
    assert (again.week, again.carry_count) == ("2027-W02", 2)
