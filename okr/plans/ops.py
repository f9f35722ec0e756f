"""Write operations on the plan: create, update, archive and restore goals, objectives, key
results, projects and tasks, and check in on key results. Used by the CLI, the importer and the
views; tasks' moves on the board are okr.week.ops, letters okr.raci.ops, people okr.accounts.ops.

These add to okr.core.writes what plan items need: a key result's or project's owner holds its
A, and a check-in (or archiving one) moves its key result's current value. Every operation takes
the session keyword-only, flushes and never commits, and records its AuditEvent. No Flask here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import writes
from okr.core.models import CheckIn, KeyResult, Project, utcnow
from okr.core.writes import PlanningError, StaleEdit, coerce, item_type_of, record, values_of, write_row
from okr.raci.ops import get_raci, set_raci

__all__ = [
    "PlanningError",
    "StaleEdit",
    "archive",
    "check_in",
    "create",
    "item_type_of",
    "refresh_key_result",
    "restore",
    "update",
]

_OWNED = (KeyResult, Project)  # items whose owner holds the A of their RACI


def create(*, session: Session, actor_id: int | None, org_id: int, model, **fields) -> Any:
    """Add a plan item (okr.core.writes.create); a key result's or project's owner becomes its
    Accountable (A implies the owner). Prefer :func:`check_in` for check-ins: it keeps the key
    result's current value in step."""
    item = writes.create(session=session, actor_id=actor_id, org_id=org_id, model=model, **fields)
    if model in _OWNED and item.owner_id is not None:
        _owner_takes_the_a(session, actor_id, org_id, item)
    return item


def update(*, session: Session, actor_id: int | None, org_id: int, item: Any, expected_version: int | None, **fields):
    """Change fields of a plan item (okr.core.writes.update: only what differs, refused with
    StaleEdit when someone saved since ``expected_version``). Changing the owner of a key result
    or project makes the new owner its Accountable (``raci.with_accountable``: the previous A
    loses the letter (an A/R keeps its R), a new owner who held an R becomes A/R, any other
    letter of theirs becomes A; no owner, no A), audited as a RACI update."""
    owner = getattr(item, "owner_id", None)
    writes.update(
        session=session, actor_id=actor_id, org_id=org_id, item=item, expected_version=expected_version, **fields
    )
    if isinstance(item, _OWNED) and item.owner_id != owner:
        _owner_takes_the_a(session, actor_id, org_id, item)
    return item


def archive(*, session: Session, actor_id: int | None, org_id: int, item: Any, expected_version: int | None = None):
    """Archive an item (rows are never deleted; rollups skip archived items). Archiving a
    check-in brings its key result's current value back to the latest remaining one."""
    writes.archive(session=session, actor_id=actor_id, org_id=org_id, item=item, expected_version=expected_version)
    _after_check_in_change(session, actor_id, org_id, item)
    return item


def restore(*, session: Session, actor_id: int | None, org_id: int, item: Any, expected_version: int | None = None):
    """Bring an archived item back."""
    writes.restore(session=session, actor_id=actor_id, org_id=org_id, item=item, expected_version=expected_version)
    _after_check_in_change(session, actor_id, org_id, item)
    return item


def _after_check_in_change(session: Session, actor_id, org_id, item) -> None:
    if isinstance(item, CheckIn):
        kr = session.get(KeyResult, item.key_result_id)
        refresh_key_result(session=session, actor_id=actor_id, org_id=org_id, kr=kr)


def _owner_takes_the_a(session: Session, actor_id: int | None, org_id: int, item: Any) -> None:
    # A implies the owner (okr.raci.rules.with_accountable): the new owner holds the A, the previous
    # A gives it up. One audited RACI change; set_raci then finds the owner already right.
    from okr.raci import rules as raci

    kw = {"key_result": item} if isinstance(item, KeyResult) else {"project": item}
    letters = get_raci(session=session, **kw)
    wanted = raci.with_accountable(letters, item.owner_id)
    if wanted != letters:
        set_raci(session=session, actor_id=actor_id, org_id=org_id, assignments=wanted, **kw)


# --- check-ins --------------------------------------------------------------------------------

_ACTOR = object()  # check_in's default author: whoever records it


def _latest_check_in(session: Session, kr_id: int) -> CheckIn | None:
    return session.exec(
        select(CheckIn)
        .where(CheckIn.key_result_id == kr_id, CheckIn.is_archived == sa.false())
        .order_by(CheckIn.checked_on.desc(), CheckIn.id.desc())
        .limit(1)
    ).first()


def refresh_key_result(*, session: Session, actor_id: int | None, org_id: int, kr: KeyResult) -> KeyResult:
    """Set a key result's ``current``, ``confidence`` and ``last_check_in_on`` from its latest
    live check-in by date (the later entry wins on the same day), or back to ``start`` when it
    has none. Audited as an update of the key result when anything changed.

    Two people may check in on one key result at the same moment: neither is stale (each adds
    its own row), so the key result is read again under a row lock (PostgreSQL; SQLite's
    writer holds the database) and computed from every committed check-in."""
    writes.lock_org(session, org_id)  # before the row lock (okr.core.writes.lock_org)
    session.refresh(kr, with_for_update=True)
    latest = _latest_check_in(session, kr.id)
    if latest is None:
        wanted = {"current": kr.start, "confidence": None, "last_check_in_on": None}
    else:
        wanted = {
            "current": latest.value,
            "confidence": latest.confidence,
            "last_check_in_on": latest.checked_on,
        }
    if kr.kpi_id is not None:
        # Measured by a KPI: its value comes from the KPI's values (okr.kpi.ops.move_key_results);
        # check-ins carry the confidence people give it.
        wanted = {"confidence": wanted["confidence"]}
    changed = {name: value for name, value in wanted.items() if getattr(kr, name) != value}
    if not changed:
        return kr
    before = values_of(kr, changed)
    for name, value in changed.items():
        setattr(kr, name, value)
    kr.updated_at = utcnow()
    kr.updated_by_id = actor_id
    write_row(session, kr, None)
    record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="key_result",
        item_id=kr.id,
        action="update",
        before=before,
        after=values_of(kr, changed),
    )
    session.flush()
    return kr


def check_in(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    kr: KeyResult,
    value: Decimal,
    confidence: Decimal | None = None,
    note: str = "",
    checked_on: date,
    author_id: int | None | object = _ACTOR,
) -> CheckIn:
    """Record a dated value (with a confidence 0..1 and a note) on a key result.

    The key result's ``current``, ``confidence`` and ``last_check_in_on`` follow the latest
    check-in by date, so a back-dated check-in joins the history without overwriting a newer
    value. The author is the actor unless ``author_id`` is given (None for nobody).
    """
    if isinstance(checked_on, datetime) or not isinstance(checked_on, date):
        raise TypeError("checked_on must be a date")
    value = coerce(CheckIn, "value", value)
    if value is None:
        raise PlanningError("a check-in needs a value")
    confidence = coerce(CheckIn, "confidence", confidence)
    if confidence is not None and not Decimal(0) <= confidence <= Decimal(1):
        raise PlanningError("confidence must lie between 0 and 1")
    # Lock the key result before adding the row that references it: on PostgreSQL the insert
    # takes a share lock on the key result, and two check-ins asking for the row lock only
    # afterwards would each wait for the other. The organisation's lock comes first of all.
    writes.lock_org(session, org_id)
    session.refresh(kr, with_for_update=True)
    entry = create(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        model=CheckIn,
        key_result_id=kr.id,
        checked_on=checked_on,
        value=value,
        confidence=confidence,
        note=note or "",
        author_id=actor_id if author_id is _ACTOR else author_id,
    )
    refresh_key_result(session=session, actor_id=actor_id, org_id=org_id, kr=kr)
    return entry


# --- RACI -------------------------------------------------------------------------------------


# --- people -----------------------------------------------------------------------------------


# --- tasks on the weekly board (appended by the week feature) -----------------------------------
