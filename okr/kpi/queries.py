"""Reads for the KPI pages: a board (a team's KPIs and those of the teams under it, each with its
latest value, status, target and alerts in a period) in a fixed number of set-based statements,
whatever the number of KPIs or values; the alert list; the open alerts a person owns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import periods
from okr.core.models import Kpi, KpiAlert, KpiTarget, KpiValue, User
from okr.kpi import rules


@dataclass
class Card:
    """One KPI on a board with what the rules say of it in the period."""

    kpi: Kpi
    depth: int
    team_id: int
    latest: tuple[date, Decimal] | None
    status: str
    target: Decimal | None
    target_met: bool | None
    alerts: list[dict] = field(default_factory=list)
    series: list[tuple[date, Decimal]] = field(default_factory=list)
    trend: str = "flat"
    own: bool = True  # the board's own team (cards) or a team under it (rows)

    @property
    def normal(self) -> rules.Range:
        return rules.Range(self.kpi.normal_min, self.kpi.normal_max)


@dataclass
class Board:
    team: object
    period: periods.Period
    cards: list[Card]
    teams: dict[int, str]  # unused by the pages (they know the teams); kept for callers
    parent_keys: dict[int, str]  # KPI id → its parent's key (parents on other boards too)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(rules.STATUS_ORDER, 0)
        for c in self.cards:
            found[c.status] += 1
        return found


_VALUE = KpiValue.__table__.c
_KPI = Kpi.__table__.c


#: The KPI columns a board shows (rows, not model objects: a company board reads hundreds).
BOARD_COLUMNS = (
    "id", "team_id", "key", "name", "unit", "owner_id", "level", "parent_id", "direction", "frequency",
    "normal_min", "normal_max", "critical_min", "critical_max", "position",
)  # fmt: skip


class KpiRow(NamedTuple):
    """A KPI as a board reads it (the columns of :data:`BOARD_COLUMNS`)."""

    id: int
    team_id: int
    key: str
    name: str
    unit: str
    owner_id: int | None
    level: str
    parent_id: int | None
    direction: str
    frequency: str
    normal_min: Decimal | None
    normal_max: Decimal | None
    critical_min: Decimal | None
    critical_max: Decimal | None
    position: int


def _latest_on(start: date, end: date):
    """The date of the KPI's latest value in start…end, one index seek per KPI (a correlated
    max() over kpi_value(kpi_id, measured_on), backwards, on both databases)."""
    inner = KpiValue.__table__.alias("newest")
    return (
        sa.select(sa.func.max(inner.c.measured_on))
        .where(inner.c.kpi_id == _KPI.id, inner.c.measured_on.between(start, end))
        .correlate(Kpi.__table__)
        .scalar_subquery()
    )


def board(
    session: Session,
    team,
    team_ids: Sequence[int],
    period: periods.Period,
    *,
    today: date,
    series_for: str = "own",
) -> Board:
    """The board of ``team`` for ``period``: the live KPIs of ``team_ids`` (the team and those
    under it) in metric-tree order, each with its latest value dated in the period, status,
    target, target_met, the period's warning and critical values (its alerts) and, for the
    team's own KPIs (``series_for="own"``; ``"all"`` for every KPI, ``"none"`` for none), the
    period's values for the sparkline and trend. Four statements, whatever the number of KPIs
    and values: the KPIs with their latest value and target, the alerts, the parents' keys from
    other boards, the sparkline values."""
    ids = list(team_ids)
    start, end = period.start, period.end
    in_board = sa.select(_KPI.id).where(_KPI.team_id.in_(ids), _KPI.is_archived == sa.false())
    target = KpiTarget.__table__.c
    rows = session.execute(
        sa.select(*[_KPI[c] for c in BOARD_COLUMNS], _VALUE.measured_on, _VALUE.value, _VALUE.severity, target.value)
        .select_from(Kpi.__table__)
        .outerjoin(KpiValue.__table__, sa.and_(_VALUE.kpi_id == _KPI.id, _VALUE.measured_on == _latest_on(start, end)))
        .outerjoin(KpiTarget.__table__, sa.and_(target.kpi_id == _KPI.id, target.period == str(period)))
        .where(_KPI.team_id.in_(ids), _KPI.is_archived == sa.false())
        .order_by(_KPI.position, _KPI.key, _KPI.id)
    ).all()
    if not rows:
        return Board(team, period, [], {}, {})
    width = len(BOARD_COLUMNS)

    # The period's warning and critical values, found through their alerts (one per such value,
    # kept in step by okr.kpi.ops) so only they are read, not every value of the period.
    alert = KpiAlert.__table__.c
    alert_rows = session.execute(
        sa.select(_VALUE.kpi_id, _VALUE.measured_on, _VALUE.value, _VALUE.severity, _VALUE.rule)
        .select_from(KpiAlert.__table__)
        .join(KpiValue.__table__, sa.and_(_VALUE.kpi_id == alert.kpi_id, _VALUE.measured_on == alert.measured_on))
        .where(alert.kpi_id.in_(in_board), alert.measured_on.between(start, end), _VALUE.severity != rules.NORMAL)
        .order_by(_VALUE.kpi_id, _VALUE.measured_on)
    ).all()
    alerts: dict[int, list[dict]] = {}
    for kpi_id, on, value, sev, rule in alert_rows:
        alerts.setdefault(kpi_id, []).append({"date": on, "value": _dec(value), "severity": sev, "rule": rule})

    series: dict[int, list] = {}
    if series_for != "none":
        wanted = in_board if series_for == "all" else in_board.where(_KPI.team_id == team.id)
        for kpi_id, on, value in session.execute(
            sa.select(_VALUE.kpi_id, _VALUE.measured_on, _VALUE.value)
            .where(_VALUE.kpi_id.in_(wanted), _VALUE.measured_on.between(start, end))
            .order_by(_VALUE.kpi_id, _VALUE.measured_on)
        ):
            series.setdefault(kpi_id, []).append((on, _dec(value)))

    kpis = [KpiRow(*r[:width]) for r in rows]
    by_id = {k.id: k for k in kpis}
    parent_keys = {k.id: by_id[k.parent_id].key for k in kpis if k.parent_id in by_id}
    missing = {k.parent_id for k in kpis if k.parent_id is not None} - set(by_id)
    if missing:
        outside = dict(session.execute(sa.select(_KPI.id, _KPI.key).where(_KPI.id.in_(missing))).all())
        parent_keys.update({k.id: outside[k.parent_id] for k in kpis if k.parent_id in outside})
    found = {r[0]: r[width:] for r in rows}  # id → (on, value, severity, target)

    cards = []
    for kpi_id, depth in rules.tree_order([(k.id, k.parent_id) for k in kpis]):
        k = by_id[kpi_id]
        on, value, severity, target = found[kpi_id]
        value, target = _dec(value), _dec(target)
        normal = rules.Range(k.normal_min, k.normal_max)
        status = rules.status((on, severity) if on else None, frequency=k.frequency, today=today, period_end=end)
        points = series.get(k.id, [])
        cards.append(
            Card(
                kpi=k,
                depth=depth,
                team_id=k.team_id,
                latest=(on, value) if on else None,
                status=status,
                target=target,
                target_met=rules.target_met(k.direction, value if on else None, target, normal),
                alerts=alerts.get(k.id, []),
                series=points,
                trend=rules.trend([v for _d, v in points[-2:]]),
                own=k.team_id == team.id,
            )
        )
    return Board(team, period, cards, {}, parent_keys)


def _dec(value) -> Decimal:
    """A value as read by Core without the Quantity type's help (SQLite gives floats)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


# --- alerts ---------------------------------------------------------------------------------------


@dataclass
class AlertRow:
    alert: KpiAlert
    kpi: Kpi
    acknowledged_by: str | None
    resolved_by: str | None


def team_alerts(session: Session, team_ids: Sequence[int], *, limit: int = 200) -> list[AlertRow]:
    """The alerts of the teams' KPIs: open and acknowledged ones first (newest value first), then
    the resolved history, at most ``limit`` rows. Two statements."""
    ack = sa.orm.aliased(User)
    res = sa.orm.aliased(User)
    rows = session.exec(
        select(KpiAlert, Kpi, ack.name, res.name)
        .join(Kpi, Kpi.id == KpiAlert.kpi_id)
        .outerjoin(ack, ack.id == KpiAlert.acknowledged_by_id)
        .outerjoin(res, res.id == KpiAlert.resolved_by_id)
        .where(Kpi.team_id.in_(list(team_ids)), Kpi.is_archived == sa.false())
        .order_by(sa.case((KpiAlert.status == "resolved", 1), else_=0), KpiAlert.measured_on.desc(), KpiAlert.id)
        .limit(limit)
    ).all()
    return [AlertRow(a, k, an, rn) for a, k, an, rn in rows]


def open_alerts_owned_by(session: Session, user_id: int, *, limit: int = 50) -> list[tuple[KpiAlert, Kpi]]:
    """Open alerts of the KPIs a person owns, newest first."""
    return list(
        session.exec(
            select(KpiAlert, Kpi)
            .join(Kpi, Kpi.id == KpiAlert.kpi_id)
            .where(Kpi.owner_id == user_id, KpiAlert.status == "open", Kpi.is_archived == sa.false())
            .order_by(KpiAlert.measured_on.desc())
            .limit(limit)
        ).all()
    )


def kpi_by_key(session: Session, org_id: int, key: str) -> Kpi | None:
    return session.exec(select(Kpi).where(Kpi.org_id == org_id, Kpi.key == key)).first()


def values_of(session: Session, kpi_id: int, start: date, end: date) -> list[tuple[date, Decimal, str]]:
    """A KPI's values between two dates (inclusive), oldest first."""
    return [
        (on, _dec(v), note)
        for on, v, note in session.execute(
            sa.select(_VALUE.measured_on, _VALUE.value, _VALUE.note)
            .where(_VALUE.kpi_id == kpi_id, _VALUE.measured_on.between(start, end))
            .order_by(_VALUE.measured_on)
        )
    ]


class OpenedAlert(NamedTuple):
    """An alert as the daily stand-up lists it (okr.rhythm): ``title`` needs no words."""

    id: int
    kpi: str
    title: str
    severity: str
    rule: str
    measured_on: date


def alerts_opened_since(session: Session, *, team_ids: Sequence[int], since: date) -> list[OpenedAlert]:
    """Alerts of the teams' KPIs opened on ``since`` or later (UTC), newest first, at most 50:
    the stand-up's "alerts opened since yesterday". One statement."""
    from datetime import UTC, datetime, time

    start = datetime.combine(since, time.min, UTC)
    rows = session.exec(
        select(
            KpiAlert.id,
            Kpi.key,
            Kpi.name,
            Kpi.unit,
            KpiAlert.value,
            KpiAlert.measured_on,
            KpiAlert.severity,
            KpiAlert.rule,
        )  # fmt: skip
        .join(Kpi, Kpi.id == KpiAlert.kpi_id)
        .where(Kpi.team_id.in_(list(team_ids)), Kpi.is_archived == sa.false(), KpiAlert.created_at >= start)
        .order_by(KpiAlert.created_at.desc(), KpiAlert.id.desc())
        .limit(50)
    ).all()
    return [
        OpenedAlert(aid, key, f"{name}: {_dec(value)}{(' ' + unit) if unit else ''} ({on.isoformat()})", sev, rule, on)
        for aid, key, name, unit, value, on, sev, rule in rows
    ]


# --- the monthly report's KPI section (okr.rhythm asks for month_summary) ---------------------------

#: How a month summary becomes HTML in the reader's language: set by okr.kpi.views when the app
#: loads its blueprints (words live on the web side; this module imports no Flask).
month_renderer = None


class _Team(NamedTuple):
    id: int


@dataclass
class MonthSummary:
    """The KPIs of the report's teams in a month: each with its status and the month's alerts."""

    month: periods.Period
    cards: list[Card]

    @property
    def alerts(self) -> int:
        return sum(len(c.alerts) for c in self.cards)

    def __html__(self) -> str:
        return month_renderer(self) if month_renderer is not None else ""


def month_summary(session: Session, *, team_ids: Sequence[int], month: periods.Period) -> MonthSummary | None:
    """The monthly report's KPI section: the board of the report's teams for the month, without
    sparklines (None when they have no KPIs). As many statements as a board."""
    ids = list(team_ids)
    if not ids:
        return None
    found = board(session, _Team(ids[0]), ids, month, today=date.today(), series_for="none")
    return MonthSummary(month, found.cards) if found.cards else None
