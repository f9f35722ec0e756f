"""Reads for the KPI pages: a board (a team's KPIs and those of the teams under it, each with its
latest value, status, target and alerts in a period) in a fixed number of set-based statements,
whatever the number of KPIs or values; the alert list; the open alerts a person owns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import periods
from okr.core.models import Kpi, KpiAlert, KpiTarget, KpiValue, Team, User
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
    teams: dict[int, str]  # team id → name, for the teams on the board
    parent_keys: dict[int, str]  # KPI id → its parent's key (parents on other boards too)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(rules.STATUS_ORDER, 0)
        for c in self.cards:
            found[c.status] += 1
        return found


_VALUE = KpiValue.__table__.c
_KPI = Kpi.__table__.c


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
    period's values for the sparkline and trend. Five statements."""
    ids = list(team_ids)
    kpis = session.exec(
        select(Kpi).where(Kpi.team_id.in_(ids), Kpi.is_archived == sa.false()).order_by(Kpi.position, Kpi.key, Kpi.id)
    ).all()
    if not kpis:
        return Board(team, period, [], {}, {})
    in_board = sa.select(_KPI.id).where(_KPI.team_id.in_(ids), _KPI.is_archived == sa.false())
    start, end = period.start, period.end
    in_period = sa.and_(_VALUE.kpi_id.in_(in_board), _VALUE.measured_on.between(start, end))

    # The latest value in the period per KPI: the newest date of each KPI, joined back.
    newest = (
        sa.select(_VALUE.kpi_id, sa.func.max(_VALUE.measured_on).label("on"))
        .where(in_period)
        .group_by(_VALUE.kpi_id)
        .subquery()
    )
    latest_rows = session.execute(
        sa.select(_VALUE.kpi_id, _VALUE.measured_on, _VALUE.value, _VALUE.severity).join(
            newest, sa.and_(newest.c.kpi_id == _VALUE.kpi_id, newest.c.on == _VALUE.measured_on)
        )
    ).all()
    latest = {r[0]: (r[1], _dec(r[2]), r[3]) for r in latest_rows}

    target_rows = session.execute(
        sa.select(KpiTarget.kpi_id, KpiTarget.value).where(
            KpiTarget.kpi_id.in_(in_board), KpiTarget.period == str(period)
        )
    ).all()
    targets = {r[0]: _dec(r[1]) for r in target_rows}

    alert_rows = session.execute(
        sa.select(_VALUE.kpi_id, _VALUE.measured_on, _VALUE.value, _VALUE.severity, _VALUE.rule)
        .where(in_period, _VALUE.severity != rules.NORMAL)
        .order_by(_VALUE.kpi_id, _VALUE.measured_on)
    ).all()
    alerts: dict[int, list[dict]] = {}
    for kpi_id, on, value, sev, rule in alert_rows:
        alerts.setdefault(kpi_id, []).append({"date": on, "value": _dec(value), "severity": sev, "rule": rule})

    series: dict[int, list] = {}
    if series_for != "none":
        wanted = in_board if series_for == "all" else sa.select(_KPI.id).where(_KPI.team_id == team.id)
        for kpi_id, on, value in session.execute(
            sa.select(_VALUE.kpi_id, _VALUE.measured_on, _VALUE.value)
            .where(_VALUE.kpi_id.in_(wanted), _VALUE.measured_on.between(start, end))
            .order_by(_VALUE.kpi_id, _VALUE.measured_on)
        ):
            series.setdefault(kpi_id, []).append((on, _dec(value)))

    parent_ids = {k.parent_id for k in kpis if k.parent_id is not None}
    by_id = {k.id: k for k in kpis}
    missing = parent_ids - set(by_id)
    parent_keys = {k.id: by_id[k.parent_id].key for k in kpis if k.parent_id in by_id}
    team_rows = session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(ids))).all()
    if missing:
        outside = dict(session.execute(sa.select(Kpi.id, Kpi.key).where(Kpi.id.in_(missing))).all())
        parent_keys.update({k.id: outside[k.parent_id] for k in kpis if k.parent_id in outside})

    cards = []
    for kpi_id, depth in rules.tree_order([(k.id, k.parent_id) for k in kpis]):
        k = by_id[kpi_id]
        found = latest.get(k.id)
        normal = rules.Range(k.normal_min, k.normal_max)
        status = rules.status(
            (found[0], found[2]) if found else None, frequency=k.frequency, today=today, period_end=end
        )
        target = targets.get(k.id)
        points = series.get(k.id, [])
        cards.append(
            Card(
                kpi=k,
                depth=depth,
                team_id=k.team_id,
                latest=(found[0], found[1]) if found else None,
                status=status,
                target=target,
                target_met=rules.target_met(k.direction, found[1] if found else None, target, normal),
                alerts=alerts.get(k.id, []),
                series=points,
                trend=rules.trend([v for _d, v in points[-2:]]),
                own=k.team_id == team.id,
            )
        )
    return Board(team, period, cards, dict(team_rows), parent_keys)


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
