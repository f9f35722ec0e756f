"""The cumulative burn chart's geometry: plan, actual and forecast as SVG polylines in a fixed
view box, drawn on the server (no JavaScript). Pure: values in, coordinates out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 10, 30


@dataclass(frozen=True)
class BurnChart:
    width: int
    height: int
    plan: str  # "x,y x,y …" for <polyline points>
    actual: str
    forecast: str
    ticks: list[tuple[float, str]]  # (x, label) along the bottom
    scale: list[tuple[float, Decimal]]  # (y, amount) along the left
    over: bool


def _points(values: Sequence[Decimal], n: int, top: Decimal) -> list[tuple[float, float]]:
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM
    out = []
    for i, v in enumerate(values):
        x = LEFT + (span_x * (i + 1) / n if n else 0)
        y = HEIGHT - BOTTOM - (float(Decimal(v) / top) * span_y if top else 0)
        out.append((round(x, 1), round(y, 1)))
    return out


def _text(points) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


def burn_chart(
    labels: Sequence[str],
    plan: Sequence[Decimal],
    actual: Sequence[Decimal],
    forecast_end: Decimal | None,
) -> BurnChart:
    """``plan`` has one cumulative value per label; ``actual`` one per label that has begun
    (shorter when the period is running); ``forecast_end`` the straight-line total at the end.
    All three start from (origin, 0). The y axis runs to the largest value shown."""
    n = len(labels)
    top = max([Decimal(1), *plan, *actual, *([forecast_end] if forecast_end is not None else [])])
    origin = (float(LEFT), float(HEIGHT - BOTTOM))
    plan_pts = [origin, *_points(plan, n, top)]
    actual_pts = [origin, *_points(actual, n, top)]
    forecast = ""
    if forecast_end is not None and 0 < len(actual) < n:
        end = _points([*([Decimal(0)] * (n - 1)), forecast_end], n, top)[-1]
        forecast = _text([actual_pts[-1], end])
    every = max(1, n // 12)
    ticks = [(x, labels[i]) for i, (x, _y) in enumerate(_points([Decimal(0)] * n, n, top)) if i % every == 0]
    scale = [(round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * k / 4, 1), top * k / 4) for k in range(5)]
    over = bool(plan) and (
        (forecast_end is not None and forecast_end > plan[-1]) or (bool(actual) and actual[-1] > plan[-1])
    )
    return BurnChart(WIDTH, HEIGHT, _text(plan_pts), _text(actual_pts), forecast, ticks, scale, over)
