"""RACI writes: the letters of one key result or project, replaced as a whole and audited as
item type ``raci``; giving someone the A makes them the item's owner. No Flask here.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, select

from okr.core import kinds, writes
from okr.core.models import (
    KeyResult,
    Project,
    RaciAssignment,
)


def get_raci(*, session: Session, key_result=None, project=None) -> dict[int, str]:
    """An item's letters as ``{user_id: letter}``."""
    column = _raci_column(key_result, project)
    item = key_result if key_result is not None else project
    rows = session.exec(select(RaciAssignment).where(column == item.id)).all()
    return {row.user_id: row.letter for row in rows}


def _raci_column(key_result, project):
    if (key_result is None) == (project is None):
        raise writes.PlanningError("give exactly one of key_result and project")
    return RaciAssignment.key_result_id if key_result is not None else RaciAssignment.project_id


def set_raci(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    key_result: KeyResult | None = None,
    project: Project | None = None,
    assignments: Mapping[int, str],
) -> dict[int, str]:
    """Replace the RACI letters of one key result or project with ``{user_id: letter}``.

    Letters must be R, A, C or I and people must be in the organisation; whether the item is
    complete (one A, at least one R) is the caller's rule to apply (``okr.raci.rules``), since a draft
    may be saved with gaps. Audited as item type ``raci`` with the item's id; before and after
    name the item (``key_result_id`` or ``project_id``) and its ``letters``.

    A implies the owner (``raci.owner_after``): giving someone the A makes them the item's
    owner, and taking the A from the owner leaves the item with no owner; that change of
    ``owner_id`` is an ordinary audited :func:`update` of the item.
    """
    column = _raci_column(key_result, project)
    item = key_result if key_result is not None else project
    writes.lock_org(session, org_id)
    writes.check_org(session, item, org_id)
    wanted = {}
    for user_id, letter in assignments.items():
        if letter not in kinds.RACI_LETTERS:
            raise writes.PlanningError(f"not a RACI letter: {letter!r} (use R, A, C or I)")
        writes.check_user(session, user_id, org_id, "RACI")
        wanted[int(user_id)] = letter
    rows = {row.user_id: row for row in session.exec(select(RaciAssignment).where(column == item.id))}
    before = {user_id: row.letter for user_id, row in rows.items()}
    if before == wanted:
        return wanted
    for user_id, row in rows.items():
        if user_id not in wanted:
            session.delete(row)
        elif row.letter != wanted[user_id]:
            row.letter = wanted[user_id]
            session.add(row)
    key = "key_result_id" if key_result is not None else "project_id"
    for user_id, letter in wanted.items():
        if user_id not in rows:
            session.add(RaciAssignment(**{key: item.id}, user_id=user_id, letter=letter, created_by_id=actor_id))
    session.flush()
    writes.record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="raci",
        item_id=item.id,
        action="update",
        before={key: item.id, "letters": dict(sorted(before.items()))},
        after={key: item.id, "letters": dict(sorted(wanted.items()))},
    )
    session.flush()
    from okr.raci import rules as raci

    owner = raci.owner_after(before, wanted, item.owner_id)
    if owner != item.owner_id:
        writes.update(
            session=session, actor_id=actor_id, org_id=org_id, item=item, expected_version=None, owner_id=owner
        )
    return wanted
