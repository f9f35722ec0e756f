"""What every write shares: the audit event it records, the organisation it must stay in, the
version it must not overwrite, and the generic create, update, archive and restore of a row.

Feature operations (okr.plans.ops, okr.week.ops, okr.raci.ops, okr.accounts.ops) build on
these; they add what a kind of item needs (an owner holds the A, a check-in moves its key
result). Every function takes the session keyword-only, flushes and never commits. No Flask.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from okr.core import models
from okr.core.models import AnnualGoal, AuditEvent, CheckIn, KeyResult, Objective, Project, Task, Team, User, utcnow

_ITEM_TYPES = {model: name for name, model in models.ITEM_MODELS.items()}


# Set by the operations themselves, never through **fields.
# A key result's denormalised view of its latest check-in: only check-ins change it.
FROM_CHECK_INS = frozenset({"current", "confidence", "last_check_in_on"})

# Set by the operations themselves, never through **fields.
_MANAGED = frozenset(
    {"id", "version", "created_at", "created_by_id", "updated_at", "updated_by_id",
     "is_archived", "archived_at"}
)  # fmt: skip


class PlanningError(ValueError):
    """An operation was asked for something the plan does not allow (the message says what)."""


class StaleEdit(Exception):
    """Someone else saved the item since the editor loaded it: the edit was not written.

    ``expected`` is the version the editor saw, ``actual`` the version now stored (None when the
    database refused the write and the stored version could not be read; the session must then
    be rolled back, as after any failed flush).
    """

    def __init__(self, item: Any, expected: int | None, actual: int | None):
        self.item = item
        self.expected = expected
        self.actual = actual
        name = type(item).__name__
        # Read the id without touching the database: after a refused flush it cannot be asked.
        identity = sa.inspect(item).identity if hasattr(item, "_sa_instance_state") else None
        super().__init__(
            f"{name} {identity[0] if identity else '?'} was changed by someone else "
            f"(you edited version {expected}, it is now at version {actual})"
        )


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _dump(values: Mapping[str, Any] | None) -> str:
    if values is None:
        return ""
    return json.dumps(jsonable(values), ensure_ascii=False, sort_keys=True)


#: The first key of the per-organisation advisory lock (the second is the organisation's id).
_LOCK_CLASS = 0x6F6B72  # "okr"
_LOCKED = "okr_org_locked"  # session.info: (transaction, {org ids}) locked in it


def lock_org(session: Session, org_id: int | None) -> None:
    """Hold the organisation's write lock until the transaction ends (PostgreSQL; SQLite's
    writer already holds the whole database).

    Every audited write takes it before it writes anything, so one organisation's writers
    commit one after the other and hand out audit event ids in commit order: a reader that sees
    event N has every earlier event of the organisation too, and the kept rollups
    (okr.rollup.state) can take the newest id as the data version with nothing to wait for.
    Taken first, before any row lock, so two writers never wait for each other in a circle."""
    if org_id is None or session.get_bind().dialect.name != "postgresql":
        return
    session.connection()  # begins the transaction if none has begun yet
    transaction = session.get_transaction()
    held = session.info.get(_LOCKED)
    if held is None or held[0] is not transaction:
        held = session.info[_LOCKED] = (transaction, set())
    if org_id in held[1]:
        return
    # A select, so the reads this transaction holds (okr.core.queries: the team tree) stay held.
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_CLASS, int(org_id))))
    held[1].add(org_id)


def record(session: Session, *, org_id, actor_id, item_type, item_id, action, before, after) -> AuditEvent:
    lock_org(session, org_id)
    event = AuditEvent(
        org_id=org_id,
        item_type=item_type,
        item_id=item_id,
        action=action,
        user_id=actor_id,
        before=_dump(before),
        after=_dump(after),
    )
    session.add(event)
    return event


def item_type_of(item_or_model: Any) -> str:
    """The audit ``item_type`` of a model or row: a key of ``models.ITEM_MODELS``."""
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    try:
        return _ITEM_TYPES[model]
    except KeyError:
        raise PlanningError(f"{model.__name__} is not a plan item") from None


def _columns(model) -> dict[str, sa.Column]:
    return {column.key: column for column in sa.inspect(model).columns}


def values_of(item: Any, names) -> dict[str, Any]:
    return {name: getattr(item, name) for name in names}


def _team_org(session: Session, team_id: int | None) -> int | None:
    if team_id is None:
        return None
    from okr.core.queries import known_team_org

    known = known_team_org(session, team_id)  # read with the signed-in person in this transaction
    if known is not None:
        return known
    team = session.get(Team, team_id)
    return None if team is None else team.org_id


def _org_of(session: Session, item: Any) -> int | None:
    """The organisation an item belongs to, found through its team (or its parents')."""
    if isinstance(item, Team):
        return item.org_id
    if isinstance(item, AnnualGoal | Objective | Project | Task):
        return _team_org(session, item.team_id)
    if isinstance(item, KeyResult):
        objective = session.get(Objective, item.objective_id)
        return None if objective is None else _team_org(session, objective.team_id)
    if isinstance(item, CheckIn):
        kr = session.get(KeyResult, item.key_result_id)
        return None if kr is None else _org_of(session, kr)
    raise PlanningError(f"{type(item).__name__} is not a plan item")


def check_org(session: Session, item: Any, org_id: int) -> None:
    found = _org_of(session, item)
    if found != org_id:
        raise PlanningError(f"{type(item).__name__} does not belong to organisation {org_id}")


def check_user(session: Session, user_id: int | None, org_id: int, what: str) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id:
        raise PlanningError(f"{what}: user {user_id} is not in organisation {org_id}")


_USER_FIELDS = ("owner_id", "assignee_id", "delegated_by_id", "author_id")


# Links between plan items: the linked row must be in the same organisation.
_LINKS = {
    "team_id": Team,
    "parent_id": Team,
    "parent_goal_id": AnnualGoal,
    "goal_id": AnnualGoal,
    "objective_id": Objective,
    "key_result_id": KeyResult,
    "project_id": Project,
    "copied_from_id": None,  # the item's own model
    "carried_from_id": Task,
}


def _check_links(session: Session, model, fields: Mapping[str, Any], org_id: int) -> None:
    for name in _USER_FIELDS:
        if fields.get(name) is not None:
            check_user(session, fields[name], org_id, name)
    for name, target in _LINKS.items():
        if fields.get(name) is None or (model is Team and name == "team_id"):
            continue
        linked = session.get(target or model, fields[name])
        if linked is None or _org_of(session, linked) != org_id:
            raise PlanningError(f"{name}: {fields[name]} is not in organisation {org_id}")


def coerce(model, name: str, value: Any) -> Any:
    """Quantities become Decimal (never float); other values are taken as given."""
    column = _columns(model).get(name)
    if column is None:
        raise PlanningError(f"{model.__name__} has no field {name!r}")
    if isinstance(column.type, models.Quantity) and value is not None:
        if isinstance(value, (bool, float)):
            raise TypeError(f"{model.__name__}.{name} takes a Decimal, not {type(value).__name__}")
        if isinstance(value, int | str):
            try:
                value = Decimal(value)
            except InvalidOperation:
                raise PlanningError(f"{model.__name__}.{name}: {value!r} is not a number") from None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise PlanningError(f"{model.__name__}.{name} must be a finite Decimal")
    return value


def _check_fields(model, fields: Mapping[str, Any]) -> dict[str, Any]:
    clean = {}
    for name, value in fields.items():
        if name in _MANAGED:
            raise PlanningError(f"{name} is set by the operations, not by the caller")
        clean[name] = coerce(model, name, value)
    return clean


def create(*, session: Session, actor_id: int | None, org_id: int, model, **fields) -> Any:
    """Add a new plan item (Team, AnnualGoal, Objective, KeyResult, CheckIn, Project, Task).

    The item's team must belong to ``org_id``; ``org_id`` is filled in for a Team. A key result
    without ``current`` starts at its ``start``. Plan items go through okr.plans.ops.create,
    which also gives an owner the A.
    """
    item_type = item_type_of(model)
    lock_org(session, org_id)
    if model is Team:
        fields.setdefault("org_id", org_id)
    clean = _check_fields(model, fields)
    if model is KeyResult and "current" not in clean:
        clean["current"] = clean.get("start", Decimal(0))
    now = utcnow()
    item = model(
        **clean,
        created_at=now,
        updated_at=now,
        created_by_id=actor_id,
        updated_by_id=actor_id,
    )
    _check_links(session, model, clean, org_id)
    check_org(session, item, org_id)
    session.add(item)
    session.flush()
    names = [n for n in _columns(model) if n not in _MANAGED]
    record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item_type,
        item_id=item.id,
        action="create",
        before=None,
        after={"id": item.id, **values_of(item, names)},
    )
    session.flush()
    return item


def create_many(*, session: Session, actor_id: int | None, org_id: int, model, rows: list[dict]) -> list[int]:
    """Add many new plan items of one kind at once, as :func:`create` adds one: the same checks
    (each distinct linked row and person is checked once), one audit event per item, in two
    statements whatever the number of rows. Returns the new ids in the order of ``rows``.

    For leaves that nothing else in the same write needs as objects (a plan document's tasks):
    the rows are inserted without loading them into the session.
    """
    if not rows:
        return []
    item_type = item_type_of(model)
    columns = _columns(model)
    template = model()  # the columns' defaults (a table model does not validate)
    defaults = {name: getattr(template, name) for name in columns if name != "id"}
    now = utcnow()
    # The field that places an item in an organisation (checked as create's check_org does).
    placed_by = "key_result_id" if model is CheckIn else "team_id"
    if model is Team:
        raise PlanningError("teams are created one by one (a team's parent may be another new team)")
    clean_rows = []
    seen: set[tuple[str, Any]] = set()
    for fields in rows:
        clean = {}
        for name, value in fields.items():
            if name in _MANAGED:
                raise PlanningError(f"{name} is set by the operations, not by the caller")
            if name not in columns:
                raise PlanningError(f"{model.__name__} has no field {name!r}")
            clean[name] = coerce(model, name, value) if isinstance(columns[name].type, models.Quantity) else value
        for name in (*_USER_FIELDS, *_LINKS):
            value = clean.get(name)
            if value is not None and (name, value) not in seen:
                seen.add((name, value))
                _check_links(session, model, {name: value}, org_id)
                if name == placed_by:
                    check_org(session, model(**{name: value}), org_id)
        if clean.get(placed_by) is None:
            raise PlanningError(f"{model.__name__} needs {placed_by}: it places the item in an organisation")
        clean_rows.append(
            {
                **defaults,
                **clean,
                "created_at": now,
                "updated_at": now,
                "created_by_id": actor_id,
                "updated_by_id": actor_id,
            }
        )
    table = model.__table__
    ids = _insert_rows(session, table, clean_rows)
    names = [n for n in columns if n not in _MANAGED]
    events = [
        {
            "org_id": org_id,
            "item_type": item_type,
            "item_id": item_id,
            "action": "create",
            "user_id": actor_id,
            "at": now,
            "before": "",
            "after": _dump({"id": item_id, **{n: row[n] for n in names}}),
        }
        for item_id, row in zip(ids, clean_rows, strict=True)
    ]
    _insert_rows(session, AuditEvent.__table__, events)
    return ids


def _insert_rows(session: Session, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) and return their new ids in order.

    PostgreSQL gets one statement that unnests a column array per column (the driver would
    otherwise parse a multi-row INSERT of thousands of parameters, or send a statement per
    row); the ids come from the table's sequence in the order of the rows. SQLite gets
    SQLAlchemy's multi-row INSERT … RETURNING, in the order of the rows.
    """
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return list(
            session.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars()
        )
    names = list(rows[0])
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names)
    sql = (
        f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM unnest({arrays}) "
        f"WITH ORDINALITY AS given({columns}, n) ORDER BY n RETURNING id"
    )
    values = {name: [row[name] for row in rows] for name in names}
    return sorted(session.execute(sa.text(sql), values).scalars())


def ensure_version(item: Any, expected_version: int | None) -> None:
    if expected_version is not None and item.version != expected_version:
        raise StaleEdit(item, expected_version, item.version)


def write_row(session: Session, item: Any, expected_version: int | None) -> None:
    session.add(item)
    try:
        session.flush()
    except StaleDataError as error:
        # The row's version moved under us between loading and writing: another writer won.
        raise StaleEdit(item, expected_version, None) from error


def update(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    item: Any,
    expected_version: int | None,
    **fields,
) -> Any:
    """Change fields of a plan item, if nobody else saved it since ``expected_version``.

    Raises :class:`StaleEdit` (and writes nothing) when the stored version differs; pass None
    to skip the check. Only values that differ are written and audited; an update that changes
    nothing writes nothing. A key result's ``current``, ``confidence`` and ``last_check_in_on``
    come from its check-ins and cannot be set here; changing the ``start`` of a key result with
    no check-in moves its ``current`` with it. Plan items go through okr.plans.ops.update,
    which also moves the A with the owner.
    """
    model = type(item)
    item_type = item_type_of(model)
    lock_org(session, org_id)
    check_org(session, item, org_id)
    ensure_version(item, expected_version)
    clean = _check_fields(model, fields)
    if model is KeyResult:
        refused = FROM_CHECK_INS & clean.keys()
        if refused:
            raise PlanningError(f"{', '.join(sorted(refused))} of a key result change through check-ins only")
        if "start" in clean and item.last_check_in_on is None:
            clean["current"] = clean["start"]
    if model is Team and clean.get("org_id", org_id) != org_id:
        raise PlanningError("a team cannot move to another organisation")
    changed = {name: value for name, value in clean.items() if getattr(item, name) != value}
    if not changed:
        return item
    _check_links(session, model, changed, org_id)
    if model is Team and changed.get("parent_id") is not None:
        _check_team_parent(session, item, changed["parent_id"])
    before = values_of(item, changed)
    for name, value in changed.items():
        setattr(item, name, value)
    item.updated_at = utcnow()
    item.updated_by_id = actor_id
    write_row(session, item, expected_version)
    record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item_type,
        item_id=item.id,
        action="update",
        before=before,
        after=values_of(item, changed),
    )
    session.flush()
    return item


def _check_team_parent(session: Session, team: Team, parent_id: int) -> None:
    # Walk up from the new parent: meeting the team itself means the tree would loop.
    seen = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == team.id:
            raise PlanningError("a team cannot be placed under itself or one of its own teams")
        seen.add(current)
        parent = session.get(Team, current)
        current = None if parent is None else parent.parent_id


def _set_archived(session, actor_id, org_id, item, expected_version, archived: bool):
    item_type = item_type_of(item)
    lock_org(session, org_id)
    check_org(session, item, org_id)
    ensure_version(item, expected_version)
    if item.is_archived == archived:
        return item
    before = {"is_archived": item.is_archived, "archived_at": item.archived_at}
    now = utcnow()
    item.is_archived = archived
    item.archived_at = now if archived else None
    item.updated_at = now
    item.updated_by_id = actor_id
    write_row(session, item, expected_version)
    record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item_type,
        item_id=item.id,
        action="archive" if archived else "restore",
        before=before,
        after={"is_archived": item.is_archived, "archived_at": item.archived_at},
    )
    session.flush()
    return item


def archive(
    *, session: Session, actor_id: int | None, org_id: int, item: Any, expected_version: int | None = None
) -> Any:
    """Archive an item (rows are never deleted; rollups skip archived items). Archiving a
    check-in brings its key result's current value back to the latest remaining one."""
    return _set_archived(session, actor_id, org_id, item, expected_version, True)


def restore(
    *, session: Session, actor_id: int | None, org_id: int, item: Any, expected_version: int | None = None
) -> Any:
    """Bring an archived item back."""
    return _set_archived(session, actor_id, org_id, item, expected_version, False)
