"""Writes of the operating rhythm: a stand-up note, flagging a task blocked (and unflagging it),
review answers, 1:1 agenda items and meeting notes. Keyword-only session, flush, never commit;
every write records its audit event.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from okr.core import models as m
from okr.core import writes
from okr.core.models import utcnow
from okr.plans.ops import update


def _audit(session, *, org_id, actor_id, item, action, before, after) -> None:
    session.flush()
    writes.record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item.__tablename__,
        item_id=item.id,
        action=action,
        before=before,
        after=after,
    )


def set_standup_note(
    *, session: Session, actor_id: int, org_id: int, team_id: int, user_id: int, day: date, note: str,
    existing: m.StandupNote | None, expected_version: int | None = None,
) -> m.StandupNote:  # fmt: skip
    """One person's one-line note on a team's stand-up (written, or rewritten, by them)."""
    if existing is None:
        row = m.StandupNote(team_id=team_id, user_id=user_id, day=day, note=note, created_by_id=actor_id,
                            updated_by_id=actor_id)  # fmt: skip
        session.add(row)
        _audit(session, org_id=org_id, actor_id=actor_id, item=row, action="create", before=None,
               after={"note": note, "day": day, "team_id": team_id})  # fmt: skip
        return row
    writes.ensure_version(existing, expected_version)
    before = {"note": existing.note}
    existing.note, existing.updated_at, existing.updated_by_id = note, utcnow(), actor_id
    writes.write_row(session, existing, expected_version)
    _audit(session, org_id=org_id, actor_id=actor_id, item=existing, action="update", before=before,
           after={"note": note})  # fmt: skip
    return existing


def flag_blocked(
    *, session: Session, actor_id: int, org_id: int, task: m.Task, reason: str, expected_version: int | None
) -> m.Task:
    """Flag a task blocked, with why; the stand-up shows it until it is unflagged or finished."""
    return update(
        session=session, actor_id=actor_id, org_id=org_id, item=task, expected_version=expected_version,
        is_blocked=True, blocked_reason=reason, blocked_at=task.blocked_at or utcnow(),
    )  # fmt: skip


def unflag_blocked(
    *, session: Session, actor_id: int, org_id: int, task: m.Task, expected_version: int | None
) -> m.Task:
    return update(
        session=session, actor_id=actor_id, org_id=org_id, item=task, expected_version=expected_version,
        is_blocked=False, blocked_reason="", blocked_at=None,
    )  # fmt: skip


def save_review_answers(
    *, session: Session, actor_id: int, org_id: int, team_id: int, period: str, subject: str,
    answers: dict[str, str], existing: m.ReviewAnswer | None, expected_version: int | None,
) -> m.ReviewAnswer:  # fmt: skip
    """The four questions' answers for one subject of one review (written or rewritten)."""
    from okr.rhythm.rules import QUESTIONS

    values = {q: answers.get(q) or "" for q in QUESTIONS}
    if existing is None:
        row = m.ReviewAnswer(team_id=team_id, period=period, subject=subject, created_by_id=actor_id,
                             updated_by_id=actor_id, **values)  # fmt: skip
        session.add(row)
        _audit(session, org_id=org_id, actor_id=actor_id, item=row, action="create", before=None,
               after={"period": period, "subject": subject, **values})  # fmt: skip
        return row
    writes.ensure_version(existing, expected_version)
    before = {q: getattr(existing, q) for q in QUESTIONS}
    for q, v in values.items():
        setattr(existing, q, v)
    existing.updated_at, existing.updated_by_id = utcnow(), actor_id
    writes.write_row(session, existing, expected_version)
    _audit(session, org_id=org_id, actor_id=actor_id, item=existing, action="update", before=before, after=values)
    return existing


# --- 1:1 notes: audited without their text, so the audit trail keeps them private too ------------


def add_agenda_item(
    *, session: Session, actor_id: int, org_id: int, manager_id: int, member_id: int, text: str,
    key_result_id: int | None = None, task_id: int | None = None, author_name: str = "",
) -> m.OneOnOneItem:  # fmt: skip
    """Add a point to the pair's running agenda; the other person is told (okr.core.notices)."""
    from okr.core import notices

    row = m.OneOnOneItem(manager_id=manager_id, member_id=member_id, text=text, key_result_id=key_result_id,
                         task_id=task_id, created_by_id=actor_id, updated_by_id=actor_id)  # fmt: skip
    session.add(row)
    _audit(session, org_id=org_id, actor_id=actor_id, item=row, action="create", before=None,
           after={"manager_id": manager_id, "member_id": member_id})  # fmt: skip
    other = member_id if actor_id == manager_id else manager_id
    notices.notify(
        session, person_id=other, event="one_on_one_item", key=f"one_on_one_item:{row.id}",
        params={"by": author_name, "text": text[:120]}, link=f"/one-on-ones/{manager_id}/{member_id}",
    )  # fmt: skip
    return row


def set_agenda_item_done(
    *, session: Session, actor_id: int, org_id: int, item: m.OneOnOneItem, done: bool, expected_version: int | None
) -> m.OneOnOneItem:
    writes.ensure_version(item, expected_version)
    before = {"is_done": item.is_done}
    item.is_done, item.updated_at, item.updated_by_id = done, utcnow(), actor_id
    writes.write_row(session, item, expected_version)
    _audit(
        session, org_id=org_id, actor_id=actor_id, item=item, action="update", before=before, after={"is_done": done}
    )
    return item


def add_meeting_notes(
    *, session: Session, actor_id: int, org_id: int, manager_id: int, member_id: int, held_on: date, notes: str
) -> m.OneOnOneMeeting:
    row = m.OneOnOneMeeting(manager_id=manager_id, member_id=member_id, held_on=held_on, notes=notes,
                            created_by_id=actor_id, updated_by_id=actor_id)  # fmt: skip
    session.add(row)
    _audit(session, org_id=org_id, actor_id=actor_id, item=row, action="create", before=None,
           after={"manager_id": manager_id, "member_id": member_id, "held_on": held_on})  # fmt: skip
    return row
