"""The benchmark company's budgets: three lines a month for every team over the current fiscal
year, and for each project of that year three cost lines, 20 spend entries and two returns, so
the budget review is timed on a realistic load (benchmarks/run.py, "budget review").
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from okr.core import models as m
from okr.core import periods
from okr.core.models.budget import BudgetLine, BudgetMonth, ProjectCost, ProjectReturn, SpendEntry

SPEND_PER_PROJECT = 20
CHUNK = 5000
LINES = (("people", "fixed", 100_000), ("systems", "fixed", 20_000), ("campaigns", "variable", 60_000))


def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(table), rows[i : i + CHUNK])


def seed(engine: sa.Engine, org_id: int, today: date, fiscal_start: int = 1, seed_value: int = 2026) -> dict:
    """Insert the budgets of organisation ``org_id``; returns counts."""
    rnd = random.Random(seed_value)
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now, "version": 1, "is_archived": False}
    year = periods.year_of(today, fiscal_start)
    months = [str(mo) for mo in year.months()]
    counts = {"budget lines": 0, "spend entries": 0}
    with engine.begin() as conn:
        team_ids = [r[0] for r in conn.execute(sa.select(m.Team.id).where(m.Team.org_id == org_id))]
        lines = [
            dict(team_id=t, year=year.year, category=c, kind=k, position=i, **stamp)
            for t in team_ids
            for i, (c, k, _a) in enumerate(LINES)
        ]
        _insert(conn, BudgetLine.__table__, lines)
        amounts = {c: a for c, _k, a in LINES}
        rows = conn.execute(
            sa.select(BudgetLine.id, BudgetLine.category).where(
                BudgetLine.team_id.in_(team_ids), BudgetLine.year == year.year
            )
        ).all()
        _insert(
            conn,
            BudgetMonth.__table__,
            [dict(line_id=lid, month=mo, amount=Decimal(amounts[cat])) for lid, cat in rows for mo in months],
        )
        counts["budget lines"] = len(rows)
        projects = conn.execute(
            sa.select(m.Project.id, m.Project.team_id, m.Project.month).where(
                m.Project.team_id.in_(team_ids), m.Project.month.in_(months)
            )
        ).all()
        costs, spend, returns = [], [], []
        for pid, tid, month in projects:
            mo = periods.parse(month)
            last = min(mo.end, today) if mo.start <= today else mo.start
            span = (last - mo.start).days
            for c, _k, a in LINES:
                costs.append(dict(project_id=pid, category=c, amount=Decimal(a // 10), note="", position=0, **stamp))
            for i in range(SPEND_PER_PROJECT):
                spend.append(
                    dict(
                        team_id=tid,
                        project_id=pid,
                        spent_on=mo.start + timedelta(days=rnd.randint(0, span)),
                        amount=Decimal(rnd.randint(100, 1_000_000)) / 100,
                        category=LINES[i % 3][0],
                        note="",
                        **stamp,
                    )
                )
            # One shape for every row: an executemany insert takes the keys of the first.
            blank = dict.fromkeys(("gmv", "margin", "users", "ltv", "impressions", "cpm", "amount"))
            gmv = Decimal(rnd.randint(1, 500) * 1000)
            impressions = Decimal(rnd.randint(1, 900) * 10_000)
            returns.append(
                {
                    **blank,
                    "gmv": gmv,
                    "margin": Decimal("0.2"),
                    "project_id": pid,
                    "kind": "direct",
                    "note": "",
                    **stamp,
                }
            )
            returns.append(
                {
                    **blank,
                    "impressions": impressions,
                    "cpm": Decimal(30),
                    "project_id": pid,
                    "kind": "brand",
                    "note": "",
                    **stamp,
                }
            )
        _insert(conn, ProjectCost.__table__, costs)
        _insert(conn, SpendEntry.__table__, spend)
        _insert(conn, ProjectReturn.__table__, returns)
        counts["spend entries"] = len(spend)
    return counts
