"""Writes of the weekly board: move a card between quadrants, finish, drop, delegate and carry a
task into next week. Built on okr.plans.ops; each flushes, never commits, and is audited.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from okr.core import kinds, notices, writes
from okr.core.models import (
    Task,
    User,
    utcnow,
)
from okr.plans.ops import create, update


class NotUnfinished(writes.PlanningError):
    """Only unfinished tasks (todo or doing) can be carried over."""


def move_task(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    task: Task,
    important: bool,
    urgent: bool,
    index: int | None,
    expected_version: int | None,
) -> Task:
    """Put a task into the quadrant ``(important, urgent)`` at place ``index`` (None: last) and
    renumber that quadrant of the assignee's week 0..n-1 (``eisenhower.positions_after_move``).

    Raises :class:`StaleEdit` when the task moved on since ``expected_version``; only rows whose
    place changes are written (each audited). One indexed query finds the quadrant's cards.
    The moved task is an ordinary :func:`update` (its version goes up); the other cards only
    change place, so their positions are written without raising their version: someone whose
    board still shows them may move or finish them without a false conflict. Each of them is
    still audited as an update whose only field is ``position``, a change that moves no figure.
    """
    from okr.week import report as weekly
    from okr.week import rules as eisenhower

    writes.ensure_version(task, expected_version)
    siblings = session.exec(
        select(Task.id, Task.position)
        .where(
            Task.assignee_id == task.assignee_id,
            Task.week == task.week,
            Task.important == important,
            Task.urgent == urgent,
            Task.is_archived == sa.false(),
        )
        .order_by(Task.position, Task.id)
    ).all()
    ids = [sid for sid, _pos in siblings]
    ordered = eisenhower.positions_after_move(ids, task.id, len(ids) if index is None else index)
    current = dict(siblings)
    if (task.important, task.urgent) != (important, urgent):
        current.pop(task.id, None)
    changes = weekly.renumber(ordered, current)
    update(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        item=task,
        expected_version=expected_version,
        important=important,
        urgent=urgent,
        position=changes.get(task.id, task.position),
    )
    others = {tid: pos for tid, pos in changes.items() if tid != task.id}
    if others:
        _renumber_quietly(session, actor_id, org_id, others, current)
    return task


def _renumber_quietly(
    session: Session, actor_id, org_id, positions: Mapping[int, int], before: Mapping[int, int]
) -> None:
    # A Core UPDATE leaves the version column alone (the ORM's versioning would raise it).
    # Cards already in the session get the new place as their loaded value, not as an edit.
    # One statement for every card (executemany), and the audit rows in one batched insert.
    table = Task.__table__
    moved = sorted(positions.items())
    if not moved:
        return
    session.execute(
        sa.update(table).where(table.c.id == sa.bindparam("task_id")).values(position=sa.bindparam("new_position")),
        [{"task_id": task_id, "new_position": position} for task_id, position in moved],
        execution_options={"synchronize_session": False},
    )
    for task_id, position in moved:
        loaded = session.identity_map.get(sa.inspect(Task).identity_key_from_primary_key((task_id,)))
        if loaded is not None:
            set_committed_value(loaded, "position", position)
        writes.record(
            session,
            org_id=org_id,
            actor_id=actor_id,
            item_type="task",
            item_id=task_id,
            action="update",
            before={"position": before.get(task_id)},
            after={"position": position},
        )
    session.flush()


def set_task_status(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    task: Task,
    status: str,
    expected_version: int | None,
) -> Task:
    """Finish (done), drop (dropped) or reopen (todo, doing) a task; ``done_at`` is set when it
    is finished and cleared otherwise."""
    if status not in kinds.TASK_STATUSES:
        raise writes.PlanningError(f"not a task status: {status!r}")
    done_at = (task.done_at or utcnow()) if status == "done" else None
    return update(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        item=task,
        expected_version=expected_version,
        status=status,
        done_at=done_at,
    )


def delegate_task(
    *,
    session: Session,
    actor_id: int,
    org_id: int,
    task: Task,
    assignee_id: int,
    expected_version: int | None,
) -> Task:
    """Hand a task to ``assignee_id``: it moves to their board, marked as delegated by the
    actor, and shows on the actor's board as "waiting on others". The new assignee is told
    (okr.core.notices: once per task and person)."""
    task = update(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        item=task,
        expected_version=expected_version,
        assignee_id=assignee_id,
        delegated_by_id=actor_id,
    )
    if assignee_id != actor_id:
        by = session.get(User, actor_id)
        notices.notify(
            session,
            person_id=assignee_id,
            event="task_delegated",
            key=f"task_delegated:{task.id}:{assignee_id}",
            params={"title": task.title, "by": by.name if by else "", "week": task.week},
            link=f"/week/{task.week}",
        )
    return task


def carry_over_task(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    task: Task,
    expected_version: int | None,
) -> Task:
    """Carry an unfinished task into the next ISO week (2026-W53 → 2027-W01): a new task with
    the same quadrant, title, description, project, assignee, delegator, status, estimate and due
    date, linked back (``carried_from_id``), its ``carry_count`` one higher. The original is
    dropped, so project progress counts the work once. Raises :class:`NotUnfinished` for a task
    that is done or dropped (which also stops a second carry of the same task)."""
    from okr.core import periods
    from okr.week import rules as eisenhower

    writes.ensure_version(task, expected_version)
    if not eisenhower.is_unfinished(task.status):
        raise NotUnfinished(f"task {task.id} is {task.status}: only unfinished tasks carry over")
    week = periods.parse(task.week)
    if not isinstance(week, periods.Week):
        raise writes.PlanningError(f"task {task.id} has no ISO week: {task.week!r}")
    copy = create(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        model=Task,
        team_id=task.team_id,
        week=str(week.next()),
        project_id=task.project_id,
        title=task.title,
        description=task.description,
        assignee_id=task.assignee_id,
        delegated_by_id=task.delegated_by_id,
        important=task.important,
        urgent=task.urgent,
        status=task.status,
        position=task.position,
        estimate=task.estimate,
        due_on=task.due_on,
        carried_from_id=task.id,
        carry_count=eisenhower.carry_count(task.carry_count),
    )
    update(
        session=session, actor_id=actor_id, org_id=org_id, item=task, expected_version=task.version, status="dropped"
    )
    return copy
