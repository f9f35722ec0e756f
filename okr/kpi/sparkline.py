"""A KPI's sparkline as SVG geometry, drawn on the server: the period's values as a line, the
normal range as a shaded band and the target as a line. Pure: numbers in, coordinates out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from okr.kpi.rules import Range

WIDTH, HEIGHT, PAD = 160, 40, 3


@dataclass(frozen=True)
class Spark:
    width: int
    height: int
    path: str  # "M x,y L x,y …"
    last: tuple[float, float] | None
    band: tuple[float, float] | None  # (y of the band's top, its height)
    target_y: float | None
    bad: tuple[tuple[float, float], ...] = ()  # points of warning or critical values


def sparkline(
    points: Sequence[tuple[date, Decimal]],
    *,
    start: date,
    end: date,
    normal: Range,
    target: Decimal | None,
    bad_dates: frozenset[date] = frozenset(),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Spark | None:
    """Coordinates for ``points`` (date order) across ``start``…``end``: x by date, y scaled so
    the values, the normal range's finite bounds and the target all fit (top is the largest).
    None without points."""
    if not points:
        return None
    ys = [float(v) for _d, v in points]
    extra = [float(b) for b in (normal.low, normal.high, target) if b is not None]
    low, high = min(ys + extra), max(ys + extra)
    if high == low:
        low, high = low - 1, high + 1
    days = max((end - start).days, 1)

    def x(on: date) -> float:
        return round(PAD + (width - 2 * PAD) * min(max((on - start).days, 0), days) / days, 1)

    def y(v: float) -> float:
        return round(height - PAD - (height - 2 * PAD) * (v - low) / (high - low), 1)

    coords = [(x(d), y(float(v))) for d, v in points]
    path = "M" + " L".join(f"{cx},{cy}" for cx, cy in coords)
    band = None
    if normal.low is not None or normal.high is not None:
        top = y(float(normal.high)) if normal.high is not None else PAD
        bottom = y(float(normal.low)) if normal.low is not None else height - PAD
        band = (top, round(max(bottom - top, 0.5), 1))
    bad = tuple(c for (d, _v), c in zip(points, coords, strict=True) if d in bad_dates)
    return Spark(width, height, path, coords[-1], band, y(float(target)) if target is not None else None, bad)
