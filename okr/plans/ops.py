"""Write operations on the plan: create, update, archive and restore items, check in on key
results, set RACI letters, add people and memberships. Used by the CLI, the importer and the views.

Every operation takes the session keyword-only, flushes and never commits (the caller commits
once), and records an AuditEvent with the changed column values before and after. No Flask here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from okr.accounts import passwords
from okr.core import kinds, models
from okr.core.models import (
    AnnualGoal,
    AuditEvent,
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Project,
    RaciAssignment,
    Task,
    Team,
    User,
    utcnow,
)

__all__ = [
    "PlanningError",
    "StaleEdit",
    "add_member",
    "archive",
    "check_in",
    "check_password",
    "create",
    "create_user",
    "get_raci",
    "hash_password",
    "item_type_of",
    "refresh_key_result",
    "restore",
    "set_raci",
    "update",
]

_ITEM_TYPES = {model: name for name, model in models.ITEM_MODELS.items()}

# Set by the operations themselves, never through **fields.
_MANAGED = frozenset(
    {"id", "version", "created_at", "created_by_id", "updated_at", "updated_by_id",
     "is_archived", "archived_at"}
)  # fmt: skip
# A key result's denormalised view of its latest check-in: only check-ins change it.
_FROM_CHECK_INS = frozenset({"current", "confidence", "last_check_in_on"})


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


# --- passwords ------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """A werkzeug scrypt hash (``scrypt:32768:8:1``) of ``password``."""
    return passwords.hash_password(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (false for an empty hash)."""
    return passwords.check_password(password_hash, password)


# --- audit ----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _dump(values: Mapping[str, Any] | None) -> str:
    if values is None:
        return ""
    return json.dumps(_jsonable(values), ensure_ascii=False, sort_keys=True)


def _audit(session: Session, *, org_id, actor_id, item_type, item_id, action, before, after) -> AuditEvent:
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


def _values(item: Any, names) -> dict[str, Any]:
    return {name: getattr(item, name) for name in names}


# --- organisation scope -----------------------------------------------------------------------


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


def _check_org(session: Session, item: Any, org_id: int) -> None:
    found = _org_of(session, item)
    if found != org_id:
        raise PlanningError(f"{type(item).__name__} does not belong to organisation {org_id}")


def _check_user(session: Session, user_id: int | None, org_id: int, what: str) -> None:
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
            _check_user(session, fields[name], org_id, name)
    for name, target in _LINKS.items():
        if fields.get(name) is None or (model is Team and name == "team_id"):
            continue
        linked = session.get(target or model, fields[name])
        if linked is None or _org_of(session, linked) != org_id:
            raise PlanningError(f"{name}: {fields[name]} is not in organisation {org_id}")


# --- values ---------------------------------------------------------------------------------


def _coerce(model, name: str, value: Any) -> Any:
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
        clean[name] = _coerce(model, name, value)
    return clean


# --- create, update, archive, restore ---------------------------------------------------------


def create(*, session: Session, actor_id: int | None, org_id: int, model, **fields) -> Any:
    """Add a new plan item (Team, AnnualGoal, Objective, KeyResult, CheckIn, Project, Task).

    The item's team must belong to ``org_id``; ``org_id`` is filled in for a Team. A key result
    without ``current`` starts at its ``start``. A key result's or project's owner becomes its
    Accountable (A implies the owner). Prefer :func:`check_in` for check-ins: it keeps
    the key result's current value in step.
    """
    item_type = item_type_of(model)
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
    _check_org(session, item, org_id)
    session.add(item)
    session.flush()
    names = [n for n in _columns(model) if n not in _MANAGED]
    _audit(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item_type,
        item_id=item.id,
        action="create",
        before=None,
        after={"id": item.id, **_values(item, names)},
    )
    session.flush()
    if model in (KeyResult, Project) and item.owner_id is not None:
        _owner_takes_the_a(session, actor_id, org_id, item)
    return item


def _ensure_version(item: Any, expected_version: int | None) -> None:
    if expected_version is not None and item.version != expected_version:
        raise StaleEdit(item, expected_version, item.version)


def _write(session: Session, item: Any, expected_version: int | None) -> None:
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
    no check-in moves its ``current`` with it. Changing the owner of a key result or project
    makes the new owner its Accountable (``raci.with_accountable``: the previous A loses the
    letter, a letter the new owner held becomes A; no owner, no A), audited as a RACI update.
    """
    model = type(item)
    item_type = item_type_of(model)
    _check_org(session, item, org_id)
    _ensure_version(item, expected_version)
    clean = _check_fields(model, fields)
    if model is KeyResult:
        refused = _FROM_CHECK_INS & clean.keys()
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
    before = _values(item, changed)
    for name, value in changed.items():
        setattr(item, name, value)
    item.updated_at = utcnow()
    item.updated_by_id = actor_id
    _write(session, item, expected_version)
    _audit(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item_type,
        item_id=item.id,
        action="update",
        before=before,
        after=_values(item, changed),
    )
    session.flush()
    if "owner_id" in changed and model in (KeyResult, Project):
        _owner_takes_the_a(session, actor_id, org_id, item)
    return item


def _owner_takes_the_a(session: Session, actor_id: int | None, org_id: int, item: Any) -> None:
    # A implies the owner (okr.raci.rules.with_accountable): the new owner holds the A, the previous
    # A gives it up. One audited RACI change; set_raci then finds the owner already right.
    from okr.raci import rules as raci

    kw = {"key_result": item} if isinstance(item, KeyResult) else {"project": item}
    letters = get_raci(session=session, **kw)
    wanted = raci.with_accountable(letters, item.owner_id)
    if wanted != letters:
        set_raci(session=session, actor_id=actor_id, org_id=org_id, assignments=wanted, **kw)


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
    _check_org(session, item, org_id)
    _ensure_version(item, expected_version)
    if item.is_archived == archived:
        return item
    before = {"is_archived": item.is_archived, "archived_at": item.archived_at}
    now = utcnow()
    item.is_archived = archived
    item.archived_at = now if archived else None
    item.updated_at = now
    item.updated_by_id = actor_id
    _write(session, item, expected_version)
    _audit(
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
    if isinstance(item, CheckIn):
        kr = session.get(KeyResult, item.key_result_id)
        refresh_key_result(session=session, actor_id=actor_id, org_id=org_id, kr=kr)
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
    changed = {name: value for name, value in wanted.items() if getattr(kr, name) != value}
    if not changed:
        return kr
    before = _values(kr, changed)
    for name, value in changed.items():
        setattr(kr, name, value)
    kr.updated_at = utcnow()
    kr.updated_by_id = actor_id
    _write(session, kr, None)
    _audit(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="key_result",
        item_id=kr.id,
        action="update",
        before=before,
        after=_values(kr, changed),
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
    value = _coerce(CheckIn, "value", value)
    if value is None:
        raise PlanningError("a check-in needs a value")
    confidence = _coerce(CheckIn, "confidence", confidence)
    if confidence is not None and not Decimal(0) <= confidence <= Decimal(1):
        raise PlanningError("confidence must lie between 0 and 1")
    # Lock the key result before adding the row that references it: on PostgreSQL the insert
    # takes a share lock on the key result, and two check-ins asking for the row lock only
    # afterwards would each wait for the other.
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


def get_raci(*, session: Session, key_result=None, project=None) -> dict[int, str]:
    """An item's letters as ``{user_id: letter}``."""
    column = _raci_column(key_result, project)
    item = key_result if key_result is not None else project
    rows = session.exec(select(RaciAssignment).where(column == item.id)).all()
    return {row.user_id: row.letter for row in rows}


def _raci_column(key_result, project):
    if (key_result is None) == (project is None):
        raise PlanningError("give exactly one of key_result and project")
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
    _check_org(session, item, org_id)
    wanted = {}
    for user_id, letter in assignments.items():
        if letter not in kinds.RACI_LETTERS:
            raise PlanningError(f"not a RACI letter: {letter!r} (use R, A, C or I)")
        _check_user(session, user_id, org_id, "RACI")
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
    _audit(
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
        update(session=session, actor_id=actor_id, org_id=org_id, item=item, expected_version=None, owner_id=owner)
    return wanted


# --- people -----------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Emails are stored trimmed and in lower case, so lookups need no case folding."""
    return email.strip().lower()


def create_user(
    *,
    session: Session,
    org_id: int,
    email: str,
    name: str,
    password_hash: str = "",
    is_admin: bool = False,
    locale: str | None = None,
) -> User:
    """Add a person to the organisation (no membership yet: see :func:`add_member`).

    Pass a hash from :func:`hash_password`, never a password. The email is stored in lower case
    and must not be taken (emails are unique across organisations). Users are not plan items, so
    no audit event is written here; their memberships are audited by :func:`add_member`.
    """
    email = normalise_email(email)
    if "@" not in email:
        raise PlanningError(f"not an email address: {email!r}")
    taken = session.exec(select(User.id).where(sa.func.lower(User.email) == email)).first()
    if taken is not None:
        raise PlanningError(f"{email} already has an account")
    user = User(
        org_id=org_id, email=email, name=name.strip(), password_hash=password_hash, is_admin=is_admin, locale=locale
    )
    session.add(user)
    session.flush()
    return user


def set_person_archived(*, session: Session, actor_id: int | None, org_id: int, user: User, archived: bool) -> User:
    """Archive a person (they cannot sign in; every session of theirs ends; their RACI letters
    count as absent) or bring them back. Audited as ``person`` archive / restore, so pages
    that keep what they computed (rollups name each key result's Accountable) see the change."""
    if user.org_id != org_id:
        raise PlanningError(f"user {user.id} is not in organisation {org_id}")
    if user.is_archived == archived:
        return user
    user.is_archived = archived
    if archived:
        user.session_version = (user.session_version or 1) + 1
    session.add(user)
    _audit(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="person",
        item_id=user.id,
        action="archive" if archived else "restore",
        before={"is_archived": not archived},
        after={"is_archived": archived},
    )
    session.flush()
    return user


def add_member(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    user_id: int,
    team_id: int,
    role: str = "member",
) -> Membership:
    """Put a person in a team with a role (admin, manager, member, viewer), or change their role
    there. Audited as an update of the team: ``{"membership": {"user_id", "role"}}`` with the
    previous role (None for a new member) before and the new one after."""
    if role not in kinds.ROLES:
        raise PlanningError(f"not a role: {role!r} (use {', '.join(kinds.ROLES)})")
    team = session.get(Team, team_id)
    if team is None or team.org_id != org_id:
        raise PlanningError(f"team {team_id} is not in organisation {org_id}")
    _check_user(session, user_id, org_id, "member")
    membership = session.exec(
        select(Membership).where(Membership.user_id == user_id, Membership.team_id == team_id)
    ).first()
    old_role = None if membership is None else membership.role
    if old_role == role:
        return membership
    if membership is None:
        membership = Membership(user_id=user_id, team_id=team_id, role=role)
    else:
        membership.role = role
    session.add(membership)
    session.flush()
    _audit(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type="team",
        item_id=team_id,
        action="update",
        before={"membership": {"user_id": user_id, "role": old_role}},
        after={"membership": {"user_id": user_id, "role": role}},
    )
    session.flush()
    return membership


# --- tasks on the weekly board (appended by the week feature) -----------------------------------


class NotUnfinished(PlanningError):
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

    _ensure_version(task, expected_version)
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
        _audit(
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
        raise PlanningError(f"not a task status: {status!r}")
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
    actor, and shows on the actor's board as "waiting on others"."""
    return update(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        item=task,
        expected_version=expected_version,
        assignee_id=assignee_id,
        delegated_by_id=actor_id,
    )


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

    _ensure_version(task, expected_version)
    if not eisenhower.is_unfinished(task.status):
        raise NotUnfinished(f"task {task.id} is {task.status}: only unfinished tasks carry over")
    week = periods.parse(task.week)
    if not isinstance(week, periods.Week):
        raise PlanningError(f"task {task.id} has no ISO week: {task.week!r}")
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
