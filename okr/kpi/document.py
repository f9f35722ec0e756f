"""The plan document's ``kpis`` section: check it (every problem with its path, nothing written),
import it (all or nothing, through okr.kpi.ops, so every row is audited) and export it.

The plan document's checker, importer and exporter (okr.plandoc) are to call these:
:func:`check_kpis` while it checks the rest of a document, :func:`import_kpis` after teams and
people exist, and :func:`export_kpis` beside the goals. A key result's ``"kpi": key`` is linked afterwards with
:func:`link_key_results`. No Flask here.

A KPI row (DESIGN.md, "The plan document")::

    {"team": "content", "key": "daily_posts", "name": "日均发布量", "unit": "篇/日",
     "owner": "li@example.com", "level": "strategic", "parent": null, "direction": "higher",
     "frequency": "daily", "normal": {"min": 900, "max": 1400}, "critical": {"min": 600},
     "targets": {"2026-Q2": 1300}, "values": [{"date": "2026-04-01", "value": 1000, "note": ""}]}

Defaults: level ``tactical``, direction ``higher``, frequency ``daily``, no ranges, no targets;
``description`` may be given too. A range bound left out (or null) is open. ``parent`` names a
KPI of the same document or one already in the organisation. Values of one date given twice keep
the later one (a second value for a date replaces the first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import kinds, periods
from okr.core.models import KeyResult, Kpi, KpiTarget, KpiValue, Team, User
from okr.kpi import ops, rules
from okr.kpi.rows import FIRST_DATE, LAST_DATE

__all__ = ["KPI_KEYS", "KpiIssue", "check_kpis", "export_kpis", "import_kpis", "link_key_results"]

KPI_KEYS = (
    "team",
    "key",
    "name",
    "description",
    "unit",
    "owner",
    "level",
    "parent",
    "direction",
    "frequency",
    "normal",
    "critical",
    "targets",
    "values",
)
VALUE_KEYS = ("date", "value", "note")
RANGE_KEYS = ("min", "max")
NAME_MAX = 200
UNIT_MAX = 32
KEY_MAX = 64
NOTE_MAX = 2000
DESCRIPTION_MAX = 64 * 1024


def _(text: str) -> str:
    """Mark a message template for the catalogs (the caller translates ``KpiIssue.template``)."""
    return text


@dataclass(frozen=True)
class KpiIssue:
    """One problem in the ``kpis`` section: where (``kpis[2].values[5].value``) and what, in
    English; ``template`` and ``params`` let a page say it in the reader's language (the same
    role as okr.plandoc.schema.Issue)."""

    path: str
    message: str
    template: str = field(default="", compare=False)
    params: tuple = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class _Checker:
    def __init__(self, teams, people, existing, fiscal_start):
        self.teams = set(teams)
        self.people = {p.lower() for p in people}
        self.existing = dict(existing)  # key → level of the organisation's KPIs
        self.fiscal_start = fiscal_start
        self.issues: list[KpiIssue] = []

    def add(self, path: str, template: str, **params: Any) -> None:
        self.issues.append(KpiIssue(path, template % params, template, tuple(params.items())))

    def text(self, row, key, path, *, required=False, limit=NAME_MAX, default="") -> Any:
        value = row.get(key, None)
        where = f"{path}.{key}"
        if value is None:
            if required:
                self.add(where, _("is required"))
            return default
        if not isinstance(value, str):
            self.add(where, _("must be text"))
            return default
        value = value.strip()
        if required and not value:
            self.add(where, _("is required"))
        elif len(value) > limit:
            self.add(where, _("is longer than %(limit)s characters"), limit=limit)
        elif "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            self.add(where, _("contains characters that cannot be stored"))
        return value

    def number(self, value, where) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.add(where, _("must be a number"))
            return None
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, float) else Decimal(repr(value))
        except InvalidOperation:
            self.add(where, _("must be a number"))
            return None
        try:
            return ops.check_value(number, where)
        except ops.KpiError as e:
            self.add(where, _MESSAGES.get(e.code, _("must be a number")))
            return None

    def choice(self, row, key, path, choices, default) -> str:
        value = row.get(key, default)
        if value is None:
            value = default
        if value not in choices:
            self.add(f"{path}.{key}", _("must be one of %(choices)s"), choices=", ".join(choices))
            return default
        return value

    def range(self, row, key, path) -> rules.Range:
        value = row.get(key)
        if value is None:
            return rules.Range()
        where = f"{path}.{key}"
        if not isinstance(value, dict):
            self.add(where, _('must be an object such as {"min": 900, "max": 1400}'))
            return rules.Range()
        for extra in sorted(set(value) - set(RANGE_KEYS)):
            self.add(f"{where}.{extra}", _("is not a known key (min, max)"))
        low = self.number(value["min"], f"{where}.min") if value.get("min") is not None else None
        high = self.number(value["max"], f"{where}.max") if value.get("max") is not None else None
        return rules.Range(low, high)

    def day(self, value, where) -> date | None:
        if not isinstance(value, str):
            self.add(where, _("must be a date such as 2026-04-01"))
            return None
        try:
            on = date.fromisoformat(value.strip())
        except ValueError:
            self.add(where, _("must be a date such as 2026-04-01"))
            return None
        if not FIRST_DATE <= on <= LAST_DATE:
            self.add(where, _("must lie between 1970-01-01 and 9999-12-31"))
            return None
        return on

    def row(self, row, path, seen_keys) -> dict | None:
        if not isinstance(row, dict):
            self.add(path, _("must be an object"))
            return None
        for extra in sorted(k for k in row if k not in KPI_KEYS):
            self.add(f"{path}.{extra}", _("is not a known key"))
        team = row.get("team")
        if not isinstance(team, str) or not team:
            self.add(f"{path}.team", _("is required"))
        elif team not in self.teams:
            self.add(f"{path}.team", _("names no team: %(team)s"), team=team[:64])
        key = self.text(row, "key", path, required=True, limit=KEY_MAX)
        if key:
            if key in seen_keys:
                self.add(f"{path}.key", _("repeats the key of %(other)s"), other=seen_keys[key])
            elif key in self.existing:
                self.add(f"{path}.key", _("%(key)s already exists in the organisation"), key=key)
            seen_keys.setdefault(key, path)
        clean = {
            "path": path,
            "team": team,
            "key": key,
            "name": self.text(row, "name", path, required=True),
            "description": self.text(row, "description", path, limit=DESCRIPTION_MAX),
            "unit": self.text(row, "unit", path, limit=UNIT_MAX),
            "level": self.choice(row, "level", path, kinds.KPI_LEVELS, "tactical"),
            "direction": self.choice(row, "direction", path, kinds.KPI_DIRECTIONS, "higher"),
            "frequency": self.choice(row, "frequency", path, kinds.KPI_FREQUENCIES, "daily"),
            "parent": None,
            "owner": None,
        }
        owner = row.get("owner")
        if owner is not None:
            if not isinstance(owner, str) or owner.strip().lower() not in self.people:
                self.add(f"{path}.owner", _("names no person: %(who)s"), who=str(owner)[:64])
            else:
                clean["owner"] = owner.strip().lower()
        parent = row.get("parent")
        if parent is not None:
            if not isinstance(parent, str) or not parent:
                self.add(f"{path}.parent", _("must be the key of a KPI"))
            else:
                clean["parent"] = parent
        normal, critical = self.range(row, "normal", path), self.range(row, "critical", path)
        for name, code in rules.check_ranges(normal, critical):
            self.add(f"{path}.{name}", _MESSAGES[code])
        clean["normal"], clean["critical"] = normal, critical
        targets = row.get("targets") or {}
        clean["targets"] = {}
        if not isinstance(targets, dict):
            self.add(f"{path}.targets", _('must be an object such as {"2026-Q2": 1300}'))
            targets = {}
        for text, value in targets.items():
            where = f"{path}.targets.{str(text)[:20]}"
            try:
                period = periods.parse(text, self.fiscal_start)
            except (periods.PeriodError, TypeError):
                self.add(where, _("is not a period such as 2026-Q2"))
                continue
            number = self.number(value, where)
            if number is not None:
                clean["targets"][str(period)] = number
        values = row.get("values") or []
        clean["values"] = {}
        if not isinstance(values, list):
            self.add(f"{path}.values", _("must be a list"))
            values = []
        for i, item in enumerate(values):
            where = f"{path}.values[{i}]"
            if not isinstance(item, dict):
                self.add(where, _("must be an object"))
                continue
            for extra in sorted(k for k in item if k not in VALUE_KEYS):
                self.add(f"{where}.{extra}", _("is not a known key"))
            on = self.day(item.get("date"), f"{where}.date")
            value = self.number(item.get("value"), f"{where}.value") if "value" in item else None
            if "value" not in item:
                self.add(f"{where}.value", _("is required"))
            note = self.text(item, "note", where, limit=NOTE_MAX)
            if on is not None and value is not None:
                clean["values"][on] = (value, note)
        return clean

    def tree(self, rows: list[dict]) -> None:
        """Parents exist, sit no lower in the tree's levels, and make no cycle."""
        levels = {r["key"]: r["level"] for r in rows if r["key"]} | {
            k: lv for k, lv in self.existing.items() if k not in {r["key"] for r in rows}
        }
        parent_of = {r["key"]: r["parent"] for r in rows if r["key"]}
        for r in rows:
            parent = r["parent"]
            if parent is None or not r["key"]:
                continue
            if parent not in levels:
                self.add(f"{r['path']}.parent", _("names no KPI: %(key)s"), key=parent[:64])
                continue
            code = rules.check_parent(parent_of, r["key"], parent, level=r["level"], parent_level=levels[parent])
            if code:
                self.add(f"{r['path']}.parent", _MESSAGES[code], parent=parent[:64])


_MESSAGES = {
    "not_finite": _("must be a finite number"),
    "too_large": _("must be below 1,000,000,000,000 in size"),
    "too_many_places": _("must have at most 6 decimal places"),
    "not_a_number": _("must be a number"),
    rules.MIN_ABOVE_MAX: _("has a min above its max"),
    rules.CRITICAL_INSIDE_NORMAL: _("must be as wide as the normal range or wider"),
    rules.PARENT_CYCLE: _("would make a cycle with %(parent)s"),
    rules.LEVEL_ABOVE_PARENT: _("a KPI's level cannot be above its parent's (%(parent)s)"),
}


def check_kpis(
    section: Any,
    *,
    teams: Iterable[str],
    people: Iterable[str],
    existing: Mapping[str, str] | None = None,
    fiscal_start: int = 1,
    path: str = "kpis",
) -> tuple[list[KpiIssue], list[dict]]:
    """Check a document's ``kpis`` section; return (issues, clean rows for :func:`import_kpis`).

    ``teams``: the team slugs the document may name (in the organisation or the document);
    ``people``: the emails it may name; ``existing``: the organisation's KPI keys with their
    levels (a key may not be imported twice; a parent may be an existing KPI).
    """
    checker = _Checker(teams, people, existing or {}, fiscal_start)
    if section is None:
        return [], []
    if not isinstance(section, list):
        checker.add(path, _("must be a list"))
        return checker.issues, []
    seen: dict[str, str] = {}
    rows = [r for r in (checker.row(row, f"{path}[{i}]", seen) for i, row in enumerate(section)) if r is not None]
    checker.tree(rows)
    return checker.issues, rows


def existing_kpis(session: Session, org_id: int) -> dict[str, str]:
    """The organisation's KPI keys with their levels (for :func:`check_kpis`)."""
    return dict(session.exec(select(Kpi.key, Kpi.level).where(Kpi.org_id == org_id)).all())


def import_kpis(
    rows: list[dict],
    *,
    session: Session,
    org_id: int,
    actor_id: int | None,
    fiscal_start: int = 1,
) -> dict[str, int]:
    """Create the checked KPIs (parents first), their targets and values, through okr.kpi.ops
    (audited, flushed, not committed; each KPI's values judged in date order and its alerts
    opened). Teams and people are looked up by slug and email in the organisation. Returns the
    counts created."""
    team_ids = dict(session.exec(select(Team.slug, Team.id).where(Team.org_id == org_id)).all())
    emails = {r["owner"] for r in rows if r["owner"]}
    user_ids = {}
    if emails:
        user_ids = dict(
            session.exec(
                select(sa.func.lower(User.email), User.id).where(
                    User.org_id == org_id, sa.func.lower(User.email).in_(emails)
                )
            ).all()  # noqa: E501
        )
    by_key = {r["key"]: r for r in rows}
    ids = dict(session.exec(select(Kpi.key, Kpi.id).where(Kpi.org_id == org_id)).all())
    order = [k for k, _depth in rules.tree_order([(k, by_key[k]["parent"]) for k in by_key])]
    counts = {"kpis": 0, "kpi_values": 0}
    made: dict[str, Kpi] = {}
    for key in order:
        r = by_key[key]
        kpi = ops.create_kpi(
            session=session,
            actor_id=actor_id,
            org_id=org_id,
            team_id=team_ids[r["team"]],
            key=key,
            name=r["name"],
            description=r["description"],
            unit=r["unit"],
            owner_id=user_ids.get(r["owner"]) if r["owner"] else None,
            level=r["level"],
            parent_id=ids.get(r["parent"]) if r["parent"] else None,
            direction=r["direction"],
            frequency=r["frequency"],
            normal_min=r["normal"].low,
            normal_max=r["normal"].high,
            critical_min=r["critical"].low,
            critical_max=r["critical"].high,
            targets=r["targets"],
        )
        ids[key] = kpi.id
        made[key] = kpi
        counts["kpis"] += 1
    for key in order:
        values = by_key[key]["values"]
        if values:
            entries = [ops.Entry(on, v, note) for on, (v, note) in sorted(values.items())]
            ops.record_values(
                session=session,
                actor_id=actor_id,
                org_id=org_id,
                kpi=made[key],
                entries=entries,
                fiscal_start=fiscal_start,
            )
            counts["kpi_values"] += len(entries)
    session.flush()
    return counts


def link_key_results(
    links: Iterable[tuple[int, str]], *, session: Session, org_id: int, actor_id: int | None, fiscal_start: int = 1
) -> None:
    """Measure key results by KPIs: ``(key result id, KPI key)`` pairs (a KR's ``"kpi": key``).
    Each key result's current value becomes the KPI's latest value in its quarter."""
    keys = {}
    for kr_id, key in links:
        kpi = keys.get(key) or session.exec(select(Kpi).where(Kpi.org_id == org_id, Kpi.key == key)).first()
        if kpi is None:
            raise ops.KpiError("kpi", "unknown_kpi", key=key)
        keys[key] = kpi
        kr = session.get(KeyResult, kr_id)
        kr.kpi_id = kpi.id
        session.flush()
    for kpi in keys.values():
        ops.move_key_results(session=session, actor_id=actor_id, org_id=org_id, kpi=kpi, fiscal_start=fiscal_start)


def _number(value: Decimal) -> int | float | str:
    """A JSON number that reads back as the same Decimal: an int, a float, or else a string."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def export_kpis(
    session: Session,
    *,
    org_id: int,
    team_ids: Iterable[int] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[dict]:
    """The ``kpis`` section for the live KPIs of ``team_ids`` (every team when None), parents
    before children, with their values between ``start`` and ``end`` (all when None): what
    :func:`check_kpis` reads back into the same KPIs."""
    query = select(Kpi).where(Kpi.org_id == org_id, Kpi.is_archived == sa.false())
    if team_ids is not None:
        query = query.where(Kpi.team_id.in_(list(team_ids)))
    kpis = session.exec(query.order_by(Kpi.position, Kpi.key, Kpi.id)).all()
    if not kpis:
        return []
    ids = [k.id for k in kpis]
    slugs = dict(session.exec(select(Team.id, Team.slug).where(Team.org_id == org_id)).all())
    emails = dict(session.exec(select(User.id, User.email).where(User.org_id == org_id)).all())
    all_keys = dict(session.exec(select(Kpi.id, Kpi.key).where(Kpi.org_id == org_id)).all())
    targets: dict[int, dict] = {}
    for kpi_id, period, value in session.exec(
        select(KpiTarget.kpi_id, KpiTarget.period, KpiTarget.value)
        .where(KpiTarget.kpi_id.in_(ids))
        .order_by(KpiTarget.period)
    ).all():
        targets.setdefault(kpi_id, {})[period] = _number(value)
    values_query = select(KpiValue.kpi_id, KpiValue.measured_on, KpiValue.value, KpiValue.note).where(
        KpiValue.kpi_id.in_(ids)
    )
    if start is not None:
        values_query = values_query.where(KpiValue.measured_on >= start)
    if end is not None:
        values_query = values_query.where(KpiValue.measured_on <= end)
    values: dict[int, list] = {}
    for kpi_id, on, value, note in session.exec(values_query.order_by(KpiValue.kpi_id, KpiValue.measured_on)).all():
        values.setdefault(kpi_id, []).append({"date": on.isoformat(), "value": _number(value), "note": note})
    by_id = {k.id: k for k in kpis}

    def bounds(low, high) -> dict | None:
        found = {name: _number(v) for name, v in (("min", low), ("max", high)) if v is not None}
        return found or None

    out = []
    for kpi_id, _depth in rules.tree_order([(k.id, k.parent_id) for k in kpis]):
        k = by_id[kpi_id]
        row = {
            "team": slugs.get(k.team_id),
            "key": k.key,
            "name": k.name,
            "unit": k.unit,
            "owner": emails.get(k.owner_id),
            "level": k.level,
            "parent": all_keys.get(k.parent_id),
            "direction": k.direction,
            "frequency": k.frequency,
            "normal": bounds(k.normal_min, k.normal_max),
            "critical": bounds(k.critical_min, k.critical_max),
            "targets": targets.get(k.id, {}),
            "values": values.get(k.id, []),
        }
        if k.description:
            row["description"] = k.description
        out.append(row)
    return out
