"""Rows of KPI values as people paste them or save them from a spreadsheet (CSV or tab-separated):
``key, date, value, note``, a header row optional. Pure: text in, rows and problems out.

Each problem names its row (as counted in the file, from 1) and its column, so a person can find
it; the caller writes nothing when there is any.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from okr.core.numbers import parse_quantity

COLUMNS = ("key", "date", "value", "note")
MAX_ROWS = 100_000
FIRST_DATE = date(1970, 1, 1)
LAST_DATE = date(9999, 12, 31)
_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", re.ASCII)


@dataclass(frozen=True)
class Row:
    row: int
    key: str | None
    on: date
    value: Decimal
    note: str = ""


@dataclass(frozen=True)
class Problem:
    """Row ``row`` (from 1), column ``column``: ``code`` (with ``params``) says what is wrong."""

    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        extra = "".join(f" {k}={v}" for k, v in self.params.items())
        return f"row {self.row}, column {self.column}: {self.code}{extra}"


def parse_date(text: str) -> date | str:
    """A date as ``2026-05-20`` (or with / or . between): the date, or a problem code."""
    found = _DATE.fullmatch(text.strip())
    if not found:
        return "not_a_date"
    try:
        on = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return "not_a_date"
    if not FIRST_DATE <= on <= LAST_DATE:
        return "date_out_of_range"
    return on


def parse_rows(text: str, *, with_key: bool = True) -> tuple[list[Row], list[Problem]]:
    """Read rows of ``key, date, value[, note]`` (``date, value[, note]`` without ``with_key``).

    The delimiter is a tab when the first line holds one, else a comma (quote a value holding a
    comma: ``"1,300"``). A first row naming the columns (``date`` and ``value`` among its cells)
    is a header and may put them in any order. Blank lines are skipped. Values are read by
    :func:`okr.core.numbers.parse_quantity` (``1,300``, ``30%``, ``1.5万``); NaN, infinities,
    magnitudes of 10^12 and more and dates outside 1970–9999 are problems.
    """
    if "\x00" in text:
        return [], [Problem(1, "", "unreadable")]
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter="\t" if "\t" in first else ",")
    wanted = COLUMNS if with_key else COLUMNS[1:]
    positions = {name: i for i, name in enumerate(wanted)}
    rows: list[Row] = []
    problems: list[Problem] = []
    try:
        records = list(reader)
    except csv.Error:
        return [], [Problem(1, "", "unreadable")]
    for n, cells in enumerate(records, start=1):
        if n > MAX_ROWS:
            problems.append(Problem(n, "", "too_many_rows", {"limit": MAX_ROWS}))
            break
        if not any(c.strip() for c in cells):
            continue
        lowered = [c.strip().lower() for c in cells]
        if not rows and not problems and "date" in lowered and "value" in lowered:
            positions = {name: lowered.index(name) for name in COLUMNS if name in lowered}
            missing = [name for name in wanted[:-1] if name not in positions]
            for name in missing:
                problems.append(Problem(n, name, "missing_column"))
            continue

        def cell(name: str, cells=cells, positions=positions) -> str:
            i = positions.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        bad = False
        key = None
        if with_key:
            key = cell("key")
            if not key:
                problems.append(Problem(n, "key", "required"))
                bad = True
        raw_date = cell("date")
        on = parse_date(raw_date) if raw_date else "required"
        if isinstance(on, str):
            problems.append(Problem(n, "date", on, {"value": raw_date[:30]}))
            bad = True
        raw_value = cell("value")
        value = None
        if not raw_value:
            problems.append(Problem(n, "value", "required"))
            bad = True
        else:
            try:
                value = parse_quantity(raw_value)
            except (ValueError, TypeError):
                problems.append(Problem(n, "value", "not_a_number", {"value": raw_value[:30]}))
                bad = True
        note = cell("note")
        if len(note) > 2000:
            problems.append(Problem(n, "note", "too_long", {"limit": 2000}))
            bad = True
        if not bad:
            rows.append(Row(n, key, on, value, note))
    return rows, problems
