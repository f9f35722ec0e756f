"""The demo organisation's KPIs: a bilingual metric tree per team, so the KPI board tells a story on
first run. The content platform (内容平台部) has a year of daily values with one breach of the
critical range, one sudden change and one stale series; the other teams have weekly values over
the last thirteen weeks, one of them drifting out of its normal range.

Dated relative to ``today`` and drawn from a fixed seed, so a day always gives the same values.
Imported as a plan document's ``kpis`` section through okr.kpi.document (audited, alerts opened).
No Flask here.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from okr.core import periods
from okr.kpi import document, rules

SEED = 20260521

# (team, key, name, unit, level, parent, direction, frequency, normal, critical, base, step, noise)
# ``base`` is the value a year (daily) or 13 weeks (weekly) ago; ``step`` what it gains per value.
KPIS = [
    ("company", "mau", "月活跃用户 Monthly active users", "万", "strategic", None, "higher", "monthly",
     (800, None), (600, None), 820, 12, 6),
    ("content", "daily_posts", "日均发布量 Daily posts", "篇/日", "tactical", "mau", "higher", "daily",
     (900, 1500), (600, 2000), 980, 0.7, 25),
    ("content", "creator_retention", "创作者留存率 Creator retention", "%", "tactical", "mau", "higher", "daily",
     (60, None), (50, None), 70, 0.005, 0.4),
    ("content", "retention_7d", "7日留存率 7-day retention", "%", "tactical", "mau", "higher", "daily",
     (35, None), (25, None), 38, 0.004, 0.5),
    ("content", "feed_ctr", "推荐点击率 Feed click-through", "%", "execution", "daily_posts", "band", "daily",
     (3, 6), (2, 8), 4.2, 0.001, 0.15),
    ("product", "release_on_time", "按期发布率 Releases on time", "%", "tactical", "mau", "higher", "weekly",
     (80, None), (60, None), 84, 0.3, 2),
    ("data", "pipeline_delay", "数据延迟 Pipeline delay", "小时 h", "execution", "release_on_time", "lower", "weekly",
     (None, 6), (None, 12), 4.5, -0.05, 0.3),
    ("business", "gmv", "周成交额 Weekly GMV", "万元", "strategic", None, "higher", "weekly",
     (300, None), (200, None), 320, 4, 10),
    ("marketing", "cac", "获客成本 Customer acquisition cost", "元", "tactical", "gmv", "lower", "weekly",
     (None, 60), (None, 90), 52, 0.2, 1.5),
    ("sales", "win_rate", "赢单率 Win rate", "%", "tactical", "gmv", "higher", "weekly",
     (25, None), (15, None), 28, 0.1, 1),
    ("service", "nps", "净推荐值 NPS", "", "strategic", None, "higher", "weekly",
     (30, None), (10, None), 36, 0.2, 1.5),
    ("ops", "dau", "日活跃用户 Daily active users", "万", "tactical", "nps", "higher", "weekly",
     (200, None), (150, None), 210, 1.5, 4),
    ("support", "first_response", "首次响应时长 First response time", "分钟 min", "execution", "nps", "lower", "weekly",
     (None, 30), (None, 60), 22, 0.9, 1),  # drifts past 30 in the last weeks: a warning
]  # fmt: skip

#: The content KPIs' story, in days before today: a breach of the critical range, a sudden change
#: inside the normal range, and the day the 7-day retention series stops (stale).
BREACH_DAYS_AGO = 5
SUDDEN_DAYS_AGO = 12
STALE_SINCE_DAYS_AGO = 9


def _round(value: float, noise: float) -> Decimal:
    places = 0 if noise >= 5 else (1 if noise >= 0.5 else 2)
    return Decimal(round(value)) if places == 0 else Decimal(str(round(value, places)))


def _series(rng: random.Random, days: list[date], base: float, step: float, noise: float) -> list[Decimal]:
    """A trend with bounded noise, smoothed so that no value is a sudden change by accident."""
    out: list[Decimal] = []
    for i, _day in enumerate(days):
        value = _round(base + step * i + rng.uniform(-noise, noise), noise)
        if rules.sudden_change(value, out[-rules.WINDOW :]):
            window = out[-rules.WINDOW :]
            value = _round(float(sum(window) / len(window)), noise)
        out.append(value)
    return out


def build_kpis(today: date, managers: dict[str, str], fiscal_start: int = 1) -> list[dict]:
    """The demo's ``kpis`` section; ``managers`` maps a team slug to its manager's email (the
    owner of the team's KPIs)."""
    rng = random.Random(SEED)
    quarter = periods.quarter_of(today, fiscal_start)
    section = []
    for (team, key, name, unit, level, parent, direction, frequency, normal, critical, base, step,
         noise) in KPIS:  # fmt: skip
        if frequency == "daily":
            days = [today - timedelta(days=n) for n in range(364, -1, -1)]
        elif frequency == "weekly":
            days = [today - timedelta(weeks=n) for n in range(12, -1, -1)]
        else:
            days = [today - timedelta(days=30 * n) for n in range(11, -1, -1)]
        values = _series(rng, days, base, step, noise)
        if key == "daily_posts":
            at = days.index(today - timedelta(days=BREACH_DAYS_AGO))
            values[at] = Decimal(560)  # below the critical min 600: critical
        elif key == "creator_retention":
            at = days.index(today - timedelta(days=SUDDEN_DAYS_AGO))
            window = values[at - rules.WINDOW : at]
            values[at] = _round(float(sum(window) / len(window)) - 3.5, noise)  # still ≥ 60, far below the mean
            # the days after it stay where they were, so it is the only sudden change
        elif key == "first_response":
            values[-2:] = [Decimal(33), Decimal(36)]
        pairs = list(zip(days, values, strict=True))
        if key == "retention_7d":
            pairs = [(d, v) for d, v in pairs if d <= today - timedelta(days=STALE_SINCE_DAYS_AGO)]
        last = values[-1]
        targets = {}
        if direction == "higher":
            targets[str(quarter)] = int(float(last) * 1.05) if float(last) > 20 else round(float(last) * 1.05, 1)
        elif direction == "lower":
            targets[str(quarter)] = round(float(last) * 0.9, 1)
        section.append(
            {
                "team": team,
                "key": key,
                "name": name,
                "unit": unit,
                "owner": managers.get(team),
                "level": level,
                "parent": parent,
                "direction": direction,
                "frequency": frequency,
                "normal": {k: v for k, v in zip(("min", "max"), normal, strict=True) if v is not None},
                "critical": {k: v for k, v in zip(("min", "max"), critical, strict=True) if v is not None},
                "targets": targets,
                "values": [{"date": d.isoformat(), "value": str(v)} for d, v in pairs],
            }
        )
    return section


def seed_demo_kpis(*, session, org_id: int, today: date, fiscal_start: int = 1) -> dict[str, int]:
    """Add the demo KPIs to the demo organisation (its teams and people exist). Flushes; returns
    the counts created."""
    from sqlmodel import select

    from okr.core import models

    rows = session.exec(
        select(models.Team.slug, models.User.email)
        .join(models.Membership, models.Membership.team_id == models.Team.id)
        .join(models.User, models.User.id == models.Membership.user_id)
        .where(models.Team.org_id == org_id, models.Membership.role == "manager")
        .order_by(models.Membership.id)
    ).all()
    managers: dict[str, str] = {}
    for slug, email in rows:
        managers.setdefault(slug, email)
    section = build_kpis(today, managers, fiscal_start)
    issues, clean = document.check_kpis(
        section,
        teams={slug for slug, *_ in KPIS},
        people=set(managers.values()),
        existing=document.existing_kpis(session, org_id),
        fiscal_start=fiscal_start,
    )
    if issues:
        raise ValueError("the demo KPIs did not check: " + "; ".join(str(i) for i in issues[:5]))
    return document.import_kpis(clean, session=session, org_id=org_id, actor_id=None, fiscal_start=fiscal_start)
