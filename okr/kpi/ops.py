"""Write operations on KPIs: create and change a KPI and its targets, record dated values (a second
value for a date replaces the first), keep each value's severity and its alert current, handle
alerts (acknowledge, resolve), and move the key results a KPI measures.

Every operation takes the session keyword-only, flushes, never commits, and records its audit
event through okr.core.writes. Refusals are :class:`KpiError` with the field and a code that
okr.kpi.words says in the reader's language. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds, periods
from okr.core.models import KeyResult, Kpi, KpiAlert, KpiTarget, KpiValue, Objective, Team, User, utcnow
from okr.core.writes import PlanningError, StaleEdit, ensure_version, lock_org, record, write_row
from okr.kpi import rules
from okr.kpi.rows import Problem, Row

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_MAGNITUDE",
    "KpiError",
    "StaleEdit",
    "acknowledge",
    "check_value",
    "create_kpi",
    "record_rows",
    "record_value",
    "record_values",
    "reevaluate",
    "resolve",
    "set_target",
    "update_kpi",
]

FIRST_DATE = date(1970, 1, 1)
LAST_DATE = date(9999, 12, 31)
MAX_MAGNITUDE = Decimal(10) ** 12  # what a quantity column keeps (okr.core.numbers)
MAX_PLACES = 6


class KpiError(PlanningError):
    """A refused KPI write: ``field`` names what to fix, ``code`` and ``params`` say why
    (okr.kpi.words turns them into a sentence)."""

    def __init__(self, field: str, code: str, **params: Any):
        self.field = field
        self.code = code
        self.params = params
        super().__init__(f"{field}: {code} {params or ''}".strip())


# --- checks shared with the forms, the importer and the command line -------------------------------


def check_value(value: Any, field: str = "value") -> Decimal:
    """A value a KPI may hold: a finite Decimal below 10^12 in size with at most 6 places."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise KpiError(field, "not_a_number")
    value = Decimal(value)
    if not value.is_finite():
        raise KpiError(field, "not_finite")
    if abs(value) >= MAX_MAGNITUDE:
        raise KpiError(field, "too_large")
    if value != value.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding="ROUND_DOWN"):
        raise KpiError(field, "too_many_places")
    return value


def check_date(on: Any, field: str = "date") -> date:
    if not isinstance(on, date):
        raise KpiError(field, "not_a_date")
    if not FIRST_DATE <= on <= LAST_DATE:
        raise KpiError(field, "date_out_of_range")
    return on


def _audit(session, org_id, actor_id, item_type, item_id, action, before, after):
    record(
        session,
        org_id=org_id,
        actor_id=actor_id,
        item_type=item_type,
        item_id=item_id,
        action=action,
        before=before,
        after=after,
    )


_KPI_FIELDS = (
    "team_id",
    "key",
    "name",
    "description",
    "unit",
    "owner_id",
    "level",
    "parent_id",
    "direction",
    "frequency",
    "normal_min",
    "normal_max",
    "critical_min",
    "critical_max",
    "position",
)
_RANGE_FIELDS = ("normal_min", "normal_max", "critical_min", "critical_max")


def normal_range(kpi: Kpi) -> rules.Range:
    return rules.Range(kpi.normal_min, kpi.normal_max)


def critical_range(kpi: Kpi) -> rules.Range:
    return rules.Range(kpi.critical_min, kpi.critical_max)


def _check_kpi(session: Session, org_id: int, kpi_id: int | None, fields: Mapping[str, Any]) -> None:
    """Every rule a KPI's fields must keep; raises the first problem by its field."""
    key = fields["key"]
    if not isinstance(key, str) or not key.strip() or len(key) > 64:
        raise KpiError("key", "bad_key")
    taken = session.exec(select(Kpi.id).where(Kpi.org_id == org_id, Kpi.key == key)).first()
    if taken is not None and taken != kpi_id:
        raise KpiError("key", "key_taken", key=key)
    if not isinstance(fields["name"], str) or not fields["name"].strip():
        raise KpiError("name", "required")
    team = session.get(Team, fields["team_id"])
    if team is None or team.org_id != org_id:
        raise KpiError("team", "unknown_team")
    for name, allowed in (
        ("level", kinds.KPI_LEVELS),
        ("direction", kinds.KPI_DIRECTIONS),
        ("frequency", kinds.KPI_FREQUENCIES),
    ):
        if fields[name] not in allowed:
            raise KpiError(name, "not_a_choice", choices=", ".join(allowed))
    if fields.get("owner_id") is not None:
        owner = session.get(User, fields["owner_id"])
        if owner is None or owner.org_id != org_id:
            raise KpiError("owner", "unknown_person")
    for name in _RANGE_FIELDS:
        if fields.get(name) is not None:
            check_value(fields[name], name)
    normal = rules.Range(fields.get("normal_min"), fields.get("normal_max"))
    critical = rules.Range(fields.get("critical_min"), fields.get("critical_max"))
    for field, code in rules.check_ranges(normal, critical):
        raise KpiError(field, code)
    parent_id = fields.get("parent_id")
    if parent_id is not None:
        parent = session.get(Kpi, parent_id)
        if parent is None or parent.org_id != org_id:
            raise KpiError("parent", "unknown_kpi")
        parent_of = dict(session.exec(select(Kpi.id, Kpi.parent_id).where(Kpi.org_id == org_id)).all())
        code = rules.check_parent(parent_of, kpi_id, parent_id, level=fields["level"], parent_level=parent.level)
        if code:
            raise KpiError("parent", code, parent=parent.key)


def create_kpi(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    team_id: int,
    key: str,
    name: str,
    targets: Mapping[str, Decimal] | None = None,
    **fields: Any,
) -> Kpi:
    """Add a KPI to a team: its key unique in the organisation, its parent (optional) in the same
    organisation, not below it and not of a lower level; ranges checked by
    :func:`okr.kpi.rules.check_ranges`. ``targets`` maps period texts to values."""
    unknown = set(fields) - set(_KPI_FIELDS)
    if unknown:
        raise PlanningError(f"Kpi has no field(s) {', '.join(sorted(unknown))}")
    values = {
        "team_id": team_id,
        "key": key,
        "name": name,
        "description": "",
        "unit": "",
        "owner_id": None,
        "level": "tactical",
        "parent_id": None,
        "direction": "higher",
        "frequency": "daily",
        **fields,
    }
    lock_org(session, org_id)  # first, before any row is read for writing (okr.core.writes)
    _check_kpi(session, org_id, None, values)
    if values.get("position") is None:
        values["position"] = (
            session.exec(select(sa.func.count()).select_from(Kpi).where(Kpi.team_id == team_id)).one() or 0
        )
    now = utcnow()
    kpi = Kpi(org_id=org_id, created_at=now, updated_at=now, created_by_id=actor_id, updated_by_id=actor_id, **values)
    session.add(kpi)
    session.flush()
    _audit(session, org_id, actor_id, "kpi", kpi.id, "create", None, {"id": kpi.id, **values})
    for period, value in (targets or {}).items():
        set_target(session=session, actor_id=actor_id, org_id=org_id, kpi=kpi, period=period, value=value)
    session.flush()
    return kpi


def update_kpi(
    *, session: Session, actor_id: int | None, org_id: int, kpi: Kpi, expected_version: int | None, **fields: Any
) -> Kpi:
    """Change a KPI's fields if nobody saved it since ``expected_version`` (else StaleEdit).
    Changing a range re-judges every value and keeps the alerts in step."""
    if kpi.org_id != org_id:
        raise PlanningError("the KPI is not in this organisation")
    lock_org(session, org_id)
    ensure_version(kpi, expected_version)
    unknown = set(fields) - set(_KPI_FIELDS)
    if unknown:
        raise PlanningError(f"Kpi has no field(s) {', '.join(sorted(unknown))}")
    merged = {name: getattr(kpi, name) for name in _KPI_FIELDS} | dict(fields)
    _check_kpi(session, org_id, kpi.id, merged)
    changed = {name: value for name, value in fields.items() if getattr(kpi, name) != value}
    if not changed:
        return kpi
    before = {name: getattr(kpi, name) for name in changed}
    for name, value in changed.items():
        setattr(kpi, name, value)
    kpi.updated_at = utcnow()
    kpi.updated_by_id = actor_id
    write_row(session, kpi, expected_version)
    _audit(session, org_id, actor_id, "kpi", kpi.id, "update", before, changed)
    if set(changed) & set(_RANGE_FIELDS):
        reevaluate(session=session, actor_id=actor_id, org_id=org_id, kpi=kpi, since=None)
    session.flush()
    return kpi


def set_target(*, session: Session, actor_id: int | None, org_id: int, kpi: Kpi, period: str, value: Any) -> KpiTarget:
    """The KPI's target for a period (a year, quarter, month or ISO week by its text), replaced
    if one exists (audited either way)."""
    try:
        text = str(periods.parse(period))
    except (periods.PeriodError, TypeError):
        raise KpiError("targets", "bad_period", period=str(period)[:20]) from None
    value = check_value(value, "targets")
    row = session.exec(select(KpiTarget).where(KpiTarget.kpi_id == kpi.id, KpiTarget.period == text)).first()
    if row is None:
        row = KpiTarget(kpi_id=kpi.id, period=text, value=value)
        session.add(row)
        session.flush()
        _audit(session, org_id, actor_id, "kpi_target", row.id, "create", None, {"kpi": kpi.key, text: value})
    elif row.value != value:
        before = row.value
        row.value = value
        session.flush()
        _audit(session, org_id, actor_id, "kpi_target", row.id, "update", {text: before}, {text: value})
    return row


# --- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One value to record: its date, the value and a note."""

    on: date
    value: Decimal
    note: str = ""


def record_value(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    kpi: Kpi,
    on: date,
    value: Any,
    note: str = "",
    fiscal_start: int = 1,
) -> KpiValue:
    """Record one dated value (replacing the date's earlier value, audited with both), judge it
    and the values after it, open or update its alert, and move the key results measured by
    the KPI."""
    return record_values(
        session=session,
        actor_id=actor_id,
        org_id=org_id,
        kpi=kpi,
        entries=[Entry(on, value, note)],
        fiscal_start=fiscal_start,
    )[0]


def record_values(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    kpi: Kpi,
    entries: Sequence[Entry],
    fiscal_start: int = 1,
) -> list[KpiValue]:
    """Record many values of one KPI at once (a paste, a file, an import): every entry is checked
    before anything is written, so a bad one leaves the KPI as it was. A date given twice keeps
    the later entry. Returns the rows in the entries' order."""
    if kpi.org_id != org_id:
        raise PlanningError("the KPI is not in this organisation")
    clean: dict[date, Entry] = {}
    for entry in entries:
        on = check_date(entry.on)
        value = check_value(entry.value)
        note = entry.note if isinstance(entry.note, str) else ""
        clean[on] = Entry(on, value, note.strip())
    if not clean:
        return []
    lock_org(session, org_id)  # before the first write, so the organisation's writers queue in order
    existing = {
        row.measured_on: row
        for row in session.exec(
            select(KpiValue).where(KpiValue.kpi_id == kpi.id, KpiValue.measured_on.in_(list(clean)))
        ).all()
    }
    now = utcnow()
    added = []
    for on, entry in clean.items():
        row = existing.get(on)
        if row is None:
            row = KpiValue(
                kpi_id=kpi.id, measured_on=on, value=entry.value, note=entry.note, author_id=actor_id, updated_at=now
            )
            session.add(row)
            added.append(row)
            existing[on] = row
        elif row.value != entry.value or row.note != entry.note:
            before = {"date": on, "value": row.value, "note": row.note}
            row.value, row.note, row.author_id, row.updated_at = entry.value, entry.note, actor_id, now
            _audit(
                session, org_id, actor_id, "kpi_value", row.id, "update", before,
                {"date": on, "value": entry.value, "note": entry.note},
            )  # fmt: skip
    session.flush()
    for row in added:
        _audit(
            session, org_id, actor_id, "kpi_value", row.id, "create", None,
            {"kpi": kpi.key, "date": row.measured_on, "value": row.value, "note": row.note},
        )  # fmt: skip
    reevaluate(session=session, actor_id=actor_id, org_id=org_id, kpi=kpi, since=min(clean), touched=set(clean))
    move_key_results(session=session, actor_id=actor_id, org_id=org_id, kpi=kpi, fiscal_start=fiscal_start)
    session.flush()
    return [existing[e.on] for e in entries]


def record_rows(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    rows: Sequence[Row],
    allowed: Callable[[Kpi], bool] | None = None,
    default_kpi: Kpi | None = None,
    fiscal_start: int = 1,
) -> list[Problem]:
    """Record parsed rows (okr.kpi.rows) of any of the organisation's KPIs, all or nothing: a row
    naming an unknown KPI, one the person may not enter (``allowed``) or a value out of range is
    a problem by row and column, and with any problem nothing is written. A row without a key
    goes to ``default_kpi``."""
    keys = {r.key for r in rows if r.key}
    kpis = {}
    if keys:
        found = session.exec(
            select(Kpi).where(Kpi.org_id == org_id, Kpi.key.in_(sorted(keys)), Kpi.is_archived == sa.false())
        ).all()
        kpis = {k.key: k for k in found}
    problems: list[Problem] = []
    groups: dict[int, tuple[Kpi, list[Entry]]] = {}
    for r in rows:
        kpi = kpis.get(r.key) if r.key else default_kpi
        if kpi is None:
            problems.append(Problem(r.row, "key", "unknown_kpi", {"key": (r.key or "")[:64]}))
            continue
        if allowed is not None and not allowed(kpi):
            problems.append(Problem(r.row, "key", "not_allowed", {"key": kpi.key}))
            continue
        try:
            check_value(r.value)
            check_date(r.on)
        except KpiError as e:
            problems.append(Problem(r.row, e.field, e.code))
            continue
        groups.setdefault(kpi.id, (kpi, []))[1].append(Entry(r.on, r.value, r.note))
    if problems:
        return problems
    for kpi, entries in groups.values():
        record_values(
            session=session, actor_id=actor_id, org_id=org_id, kpi=kpi, entries=entries, fiscal_start=fiscal_start
        )
    return []


def reevaluate(
    *,
    session: Session,
    actor_id: int | None,
    org_id: int,
    kpi: Kpi,
    since: date | None,
    touched: Iterable[date] = (),
) -> None:
    """Judge again every value dated ``since`` or later (all of them for None) against the
    KPI's ranges and the 8 values before each, store the verdicts that changed, and keep one
    alert per warning or critical value: opened when a value turns bad, brought up to date when
    its verdict changes, resolved (by nobody, which pages call automatic) when its value is no
    longer bad. A value re-entered on a date whose alert was resolved opens that alert again."""
    before_rows: list = []
    if since is not None:
        before_rows = session.exec(
            select(KpiValue.value)
            .where(KpiValue.kpi_id == kpi.id, KpiValue.measured_on < since)
            .order_by(KpiValue.measured_on.desc())
            .limit(rules.WINDOW)
        ).all()
        before_rows.reverse()
    query = select(KpiValue).where(KpiValue.kpi_id == kpi.id)
    if since is not None:
        query = query.where(KpiValue.measured_on >= since)
    rows = session.exec(query.order_by(KpiValue.measured_on)).all()
    if not rows:
        return
    series = [*before_rows, *(r.value for r in rows)]
    normal, critical = normal_range(kpi), critical_range(kpi)
    offset = len(before_rows)
    alert_query = select(KpiAlert).where(KpiAlert.kpi_id == kpi.id)
    if since is not None:
        alert_query = alert_query.where(KpiAlert.measured_on >= since)
    alerts = {a.measured_on: a for a in session.exec(alert_query).all()}
    touched = set(touched)
    now = utcnow()
    verdicts = rules.severities(series, normal=normal, critical=critical, skip=offset)
    for row, verdict in zip(rows, verdicts, strict=True):
        if (row.severity, row.rule) != (verdict.severity, verdict.rule):
            row.severity, row.rule = verdict.severity, verdict.rule
        alert = alerts.get(row.measured_on)
        if verdict.severity != rules.NORMAL:
            if alert is None:
                alert = KpiAlert(
                    kpi_id=kpi.id,
                    measured_on=row.measured_on,
                    value=row.value,
                    severity=verdict.severity,
                    rule=verdict.rule,
                    status="open",
                    created_at=now,
                    updated_at=now,
                    created_by_id=actor_id,
                    updated_by_id=actor_id,
                )
                session.add(alert)
                session.flush()
                _audit(
                    session, org_id, actor_id, "kpi_alert", alert.id, "open", None,
                    {"kpi": kpi.key, "date": row.measured_on, "value": row.value,
                     "severity": verdict.severity, "rule": verdict.rule},
                )  # fmt: skip
                continue
            reopen = alert.status == "resolved" and row.measured_on in touched
            if (alert.value, alert.severity, alert.rule) != (row.value, verdict.severity, verdict.rule) or reopen:
                before = {"value": alert.value, "severity": alert.severity, "rule": alert.rule, "status": alert.status}
                alert.value, alert.severity, alert.rule = row.value, verdict.severity, verdict.rule
                if reopen:
                    alert.status = "open"
                alert.updated_at, alert.updated_by_id = now, actor_id
                _audit(
                    session, org_id, actor_id, "kpi_alert", alert.id, "update", before,
                    {"value": row.value, "severity": verdict.severity, "rule": verdict.rule, "status": alert.status},
                )  # fmt: skip
        elif alert is not None and alert.status != "resolved":
            before = {"status": alert.status}
            alert.status, alert.resolved_at, alert.resolved_by_id, alert.resolve_note = "resolved", now, None, ""
            alert.updated_at, alert.updated_by_id = now, actor_id
            _audit(session, org_id, actor_id, "kpi_alert", alert.id, "resolve", before, {"status": "resolved"})
    session.flush()


def move_key_results(*, session: Session, actor_id: int | None, org_id: int, kpi: Kpi, fiscal_start: int = 1) -> None:
    """Key results measured by the KPI take its latest value dated in their quarter as their
    current value (and that date as their last check-in), audited like any change of a KR."""
    krs = session.exec(
        select(KeyResult, Objective.quarter)
        .join(Objective, Objective.id == KeyResult.objective_id)
        .where(KeyResult.kpi_id == kpi.id, KeyResult.is_archived == sa.false())
    ).all()
    for kr, quarter_text in krs:
        try:
            quarter = periods.parse(quarter_text, fiscal_start)
        except periods.PeriodError:
            continue
        latest = session.exec(
            select(KpiValue.measured_on, KpiValue.value)
            .where(KpiValue.kpi_id == kpi.id, KpiValue.measured_on.between(quarter.start, quarter.end))
            .order_by(KpiValue.measured_on.desc())
            .limit(1)
        ).first()
        current, on = (latest[1], latest[0]) if latest else (kr.start, None)
        if kr.current == current and kr.last_check_in_on == on:
            continue
        before = {"current": kr.current, "last_check_in_on": kr.last_check_in_on}
        kr.current, kr.last_check_in_on = current, on
        kr.updated_at, kr.updated_by_id = utcnow(), actor_id
        write_row(session, kr, None)
        _audit(
            session, org_id, actor_id, "key_result", kr.id, "update", before,
            {"current": current, "last_check_in_on": on, "kpi": kpi.key},
        )  # fmt: skip


# --- alerts ---------------------------------------------------------------------------------------


def _alert_step(session, actor_id, org_id, alert: KpiAlert, expected_version, to: str, note: str) -> KpiAlert:
    kpi = session.get(Kpi, alert.kpi_id)
    if kpi is None or kpi.org_id != org_id:
        raise PlanningError("the alert is not in this organisation")
    lock_org(session, org_id)
    session.refresh(alert)  # the version as stored once the lock is held
    ensure_version(alert, expected_version)
    note = (note or "").strip()
    if to == "acknowledged" and alert.status != "open":
        raise KpiError("status", "not_open")
    if to == "resolved":
        if alert.status == "resolved":
            raise KpiError("status", "already_resolved")
        if not note:
            raise KpiError("note", "note_required")
    before = {"status": alert.status}
    now = utcnow()
    alert.status = to
    if to == "acknowledged":
        alert.acknowledged_at, alert.acknowledged_by_id, alert.acknowledge_note = now, actor_id, note
    else:
        alert.resolved_at, alert.resolved_by_id, alert.resolve_note = now, actor_id, note
    alert.updated_at, alert.updated_by_id = now, actor_id
    write_row(session, alert, expected_version)
    _audit(
        session, org_id, actor_id, "kpi_alert", alert.id, "acknowledge" if to == "acknowledged" else "resolve",
        before, {"status": to, "note": note},
    )  # fmt: skip
    session.flush()
    return alert


def acknowledge(
    *, session: Session, actor_id: int | None, org_id: int, alert: KpiAlert, note: str = "", expected_version=None
) -> KpiAlert:
    """An open alert becomes acknowledged: someone looks into it (who, when and a note kept)."""
    return _alert_step(session, actor_id, org_id, alert, expected_version, "acknowledged", note)


def resolve(
    *, session: Session, actor_id: int | None, org_id: int, alert: KpiAlert, note: str, expected_version=None
) -> KpiAlert:
    """An open or acknowledged alert becomes resolved, with a note saying cause and action
    (required). A resolved alert stays in the history."""
    return _alert_step(session, actor_id, org_id, alert, expected_version, "resolved", note)
