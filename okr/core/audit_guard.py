"""A guard for tests and development: a transaction that changed a plan row (team, goal,
objective, key result, check-in, project, task, RACI letter) must record its audit event.

The kept rollups (okr.rollup.state) learn of every change from the audit events; a write that
skipped its event would show only when the rollup is next rebuilt. Each flush notes the plan rows
it wrote and the events it added (after_flush); the commit fails with :class:`UnauditedWrite`
when a row has no event of its own in the transaction (before_commit), so such a write path is
caught by the first test that takes it. Core statements (``session.execute(update(...))``) are
not flushes and are not seen. No Flask here; ``okr.app`` installs it when ``AUDIT_GUARD`` is on.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from okr.core import models as m

#: session.info keys: what this transaction wrote and what it audited; a session that sets
#: OFF to True is not checked (a test that writes unaudited rows on purpose says so).
WRITTEN, AUDITED, OFF = "okr_guard_written", "okr_guard_audited", "okr_guard_off"

_TYPES = {model: name for name, model in m.ITEM_MODELS.items()}


class UnauditedWrite(AssertionError):
    """Plan rows were changed in a transaction that recorded no audit event for them."""


def _item(obj) -> tuple[str, int] | None:
    """The audit (item_type, item_id) a changed row must be covered by, None for other rows."""
    name = _TYPES.get(type(obj))
    if name is not None:
        return name, obj.id
    if isinstance(obj, m.RaciAssignment):  # letters are audited per item: okr.raci.ops.set_raci
        return "raci", obj.key_result_id if obj.key_result_id is not None else obj.project_id
    return None


def _after_flush(session: Session, _context) -> None:
    if session.info.get(OFF):
        return
    written = session.info.setdefault(WRITTEN, set())
    audited = session.info.setdefault(AUDITED, set())
    for obj in session.new:
        if isinstance(obj, m.AuditEvent):
            audited.add((obj.item_type, obj.item_id))
            continue
        item = _item(obj)
        if item is not None:
            written.add(item)
    for obj in session.deleted:
        item = _item(obj)
        if item is not None:
            written.add(item)
    for obj in session.dirty:
        item = _item(obj)
        if item is not None and session.is_modified(obj, include_collections=False):
            written.add(item)


def _before_commit(session: Session) -> None:
    if session.info.get(OFF):
        return
    session.flush()  # the commit's own flush comes after this event: note what it writes first
    missing = session.info.get(WRITTEN, set()) - session.info.get(AUDITED, set())
    if missing:
        listed = ", ".join(f"{kind} {item_id}" for kind, item_id in sorted(missing, key=str)[:10])
        raise UnauditedWrite(
            f"{len(missing)} plan row(s) changed without an audit event in the same transaction: {listed}. "
            "Write through the feature's ops (okr.core.writes records the event)."
        )


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITTEN, None)
        session.info.pop(AUDITED, None)


def install() -> None:
    """Watch every session of the process (idempotent)."""
    if sa.event.contains(Session, "after_flush", _after_flush):
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "before_commit", _before_commit)
    sa.event.listen(Session, "after_transaction_end", _forget)
