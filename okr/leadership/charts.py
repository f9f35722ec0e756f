"""The rollup pages' pictures as SVG drawn on the server: a heatmap of teams against their goals
or objectives, each team's progress against the period's pace, and a trend against pace and
target. Pure: figures and words in, markup out (no Flask, no database), so the pictures read
without JavaScript, print, and are tested as text.

Every picture is ``role="img"`` with a ``<title>`` and a ``<desc>`` that says in words what the
picture shows; every cell and bar carries its own ``<title>`` (a tooltip, and what a screen
reader announces). Colour is never the only cue: each status also has a symbol and a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from okr.rollup.formulas import percent

#: The second cue besides colour, per status (okr.rollup.formulas' status codes).
SYMBOLS = {"on_track": "✓", "at_risk": "!", "off_track": "✕", "no_data": "–"}

#: Columns a heatmap row shows; past it the row says how many more there are.
MAX_COLUMNS = 10


@dataclass
class Cell:
    title: str
    progress: float | None
    status: str | None
    href: str = ""


@dataclass
class Row:
    name: str
    progress: float | None
    status: str | None
    expected: float | None = None
    href: str = ""
    cells: list[Cell] = field(default_factory=list)
    team_id: int | None = None


def _pct(value: float | None) -> str:
    """A whole percentage rounded half up, as every page rounds (okr.rollup.formulas.percent)."""
    return "–" if value is None else f"{percent(Decimal(repr(value)))}%"


def _status(status: str | None) -> str:
    return status or "no_data"


def _open(width: int, height: int, title: str, desc: str, css: str, links: bool = False) -> list[str]:
    """The picture's opening: ``role="img"`` for a picture alone; a picture holding links is a
    ``group`` (an image is one thing to a screen reader: links inside it would be lost), named
    and described by its title and description all the same."""
    role = "group" if links else "img"
    return [
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="{role}" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]


def _link(href: str, inner: str, label: str) -> str:
    if not href:
        return f"<g>{inner}</g>"
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{inner}</a>'


def _units(ch: str) -> int:
    return 2 if ord(ch) > 0x2E80 else 1  # CJK and full-width characters take about two Latin widths


def _clip(text: str, n: int) -> str:
    """``text`` cut to about ``n`` Latin character widths, with an ellipsis when cut."""
    if sum(_units(c) for c in text) <= n:
        return text
    out, used = [], 0
    for c in text:
        if used + _units(c) > n - 1:
            break
        out.append(c)
        used += _units(c)
    return "".join(out) + "…"


def heatmap(rows: list[Row], words: dict[str, str]) -> str:
    """Teams (rows) against their goals or objectives (columns): each cell coloured by status,
    with its symbol and percentage written in it. ``words``: title, desc, status words, more."""
    name_w, cell_w, cell_h, gap = 150, 58, 30, 4
    cols = max([min(len(r.cells), MAX_COLUMNS) for r in rows] + [1])
    width = name_w + cols * (cell_w + gap) + 60
    height = len(rows) * (cell_h + gap) + 4
    out = _open(width, height, words["title"], words["desc"], "heatmap", links=True)
    for i, row in enumerate(rows):
        y = 2 + i * (cell_h + gap)
        name = escape(_clip(row.name, 22))
        head = f'<text class="hm-name" x="0" y="{y + cell_h / 2 + 4:.0f}">{name}</text>'
        out.append(_link(row.href, f"<title>{escape(row.name)}</title>{head}", row.name))
        for j, cell in enumerate(row.cells[:MAX_COLUMNS]):
            x = name_w + j * (cell_w + gap)
            st = _status(cell.status)
            label = f"{cell.title}: {_pct(cell.progress)}, {words[st]}"
            inner = (
                f"<title>{escape(label)}</title>"
                f'<rect class="hm-cell hm-{st}" x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" rx="3"/>'
                f'<text class="hm-text" x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 4:.0f}" '
                f'text-anchor="middle">{SYMBOLS[st]} {_pct(cell.progress)}</text>'
            )
            out.append(_link(cell.href, inner, label))
        extra = len(row.cells) - MAX_COLUMNS
        if extra > 0:
            x = name_w + MAX_COLUMNS * (cell_w + gap)
            more = escape(words["more"] % {"n": extra})
            out.append(f'<text class="hm-more" x="{x}" y="{y + cell_h / 2 + 4:.0f}">{more}</text>')
        if not row.cells:
            none = escape(words["none"])
            out.append(f'<text class="hm-more" x="{name_w}" y="{y + cell_h / 2 + 4:.0f}">{none}</text>')
    out.append("</svg>")
    return "".join(out)


def pace_bars(rows: list[Row], expected: float | None, words: dict[str, str]) -> str:
    """Each team's progress as a bar, the period's expected pace as a dashed line across all
    bars, the percentage and status symbol written after each bar."""
    name_w, bar_w, bar_h, gap = 150, 300, 18, 8
    width = name_w + bar_w + 90
    height = len(rows) * (bar_h + gap) + 22
    out = _open(width, height, words["title"], words["desc"], "pace-bars", links=True)
    for i, row in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        st = _status(row.status)
        fill = 0 if row.progress is None else max(0.0, min(1.0, row.progress)) * bar_w
        label = f"{row.name}: {_pct(row.progress)}, {words[st]}"
        inner = (
            f"<title>{escape(label)}</title>"
            f'<text class="hm-name" x="0" y="{y + bar_h - 4}">{escape(_clip(row.name, 22))}</text>'
            f'<rect class="pb-track" x="{name_w}" y="{y}" width="{bar_w}" height="{bar_h}" rx="3"/>'
            f'<rect class="pb-fill pb-{st}" x="{name_w}" y="{y}" width="{fill:.1f}" height="{bar_h}" rx="3"/>'
            f'<text class="pb-text" x="{name_w + bar_w + 6}" y="{y + bar_h - 4}">{SYMBOLS[st]} {_pct(row.progress)}</text>'
        )
        out.append(_link(row.href, inner, label))
    if expected is not None:
        x = name_w + max(0.0, min(1.0, expected)) * bar_w
        out.append(
            f'<line class="pace-line" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 16}"/>'
            f'<text class="pace-label" x="{x:.1f}" y="{height - 3}" text-anchor="middle">'
            f"{escape(words['pace'] % {'p': _pct(expected)})}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def trend(points: list[tuple[float, float]], words: dict[str, str], target: float = 1.0) -> str:
    """A figure over the period: ``points`` are (share of the period passed, progress), both
    0–1. The expected pace runs from 0 at the start to the target at the end; the target is a
    line across the top. Ticks name the quarters' weeks or the year's months (``words["ticks"]``,
    a list of (share, label))."""
    left, top, w, h = 36, 8, 420, 140
    width, height = left + w + 12, top + h + 26

    def px(share: float) -> float:
        return left + max(0.0, min(1.0, share)) * w

    def py(value: float) -> float:
        return top + (1 - max(0.0, min(1.2, value)) / 1.2) * h

    out = _open(width, height, words["title"], words["desc"], "trend-chart")
    for v in (0.0, 0.5, 1.0):
        out.append(
            f'<line class="grid" x1="{left}" x2="{left + w}" y1="{py(v):.1f}" y2="{py(v):.1f}"/>'
            f'<text class="axis" x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{_pct(v)}</text>'
        )
    for share, label in words.get("ticks", []):
        out.append(
            f'<text class="axis" x="{px(share):.1f}" y="{top + h + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    out.append(
        f'<line class="target-line" x1="{left}" x2="{left + w}" y1="{py(target):.1f}" y2="{py(target):.1f}">'
        f"<title>{escape(words['target'])}</title></line>"
        f'<line class="pace-line" x1="{px(0):.1f}" y1="{py(0):.1f}" x2="{px(1):.1f}" y2="{py(target):.1f}">'
        f"<title>{escape(words['pace_line'])}</title></line>"
    )
    if points:
        pts = " ".join(f"{px(s):.1f},{py(v):.1f}" for s, v in points)
        out.append(f'<polyline class="trend-line" points="{pts}"/>')
        s, v = points[-1]
        out.append(
            f'<circle class="trend-dot" cx="{px(s):.1f}" cy="{py(v):.1f}" r="3.5">'
            f"<title>{escape(words['now'] % {'p': _pct(v)})}</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)
