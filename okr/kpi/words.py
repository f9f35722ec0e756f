"""The KPI feature's words: every code of okr.kpi.rules, okr.kpi.ops and okr.kpi.rows as the
catalogs (kpi.po) say it, in the reader's language. The one place these codes become text.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context

from okr.kpi.rules import trend_is_good as trend_good  # noqa: F401 (templates ask it through words)


def _l(text: str) -> str:
    """Mark ``text`` for the catalog (Babel extracts ``_l("…")``); :func:`say` translates it."""
    return text


def say(text: str, **params: Any) -> str:
    """``text`` in the reader's language (English outside a request: the command line)."""
    if has_request_context():
        from flask_babel import gettext

        text = gettext(text)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


STATUS = {
    "critical": _l("Critical"),
    "warning": _l("Warning"),
    "stale": _l("Stale"),
    "normal": _l("Normal"),
    "no_data": _l("No data"),
}
RULES = {
    "critical_range": _l("outside the critical range"),
    "normal_range": _l("outside the normal range"),
    "sudden_change": _l("sudden change"),
}
LEVELS = {"strategic": _l("Strategic"), "tactical": _l("Tactical"), "execution": _l("Execution")}
DIRECTIONS = {"higher": _l("Higher is better"), "lower": _l("Lower is better"), "band": _l("Stay in range")}
FREQUENCIES = {"daily": _l("Daily"), "weekly": _l("Weekly"), "monthly": _l("Monthly")}
ALERT_STATUS = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")}
TREND = {"up": _l("rising"), "down": _l("falling"), "flat": _l("flat")}

PROBLEMS = {
    "not_a_number": _l("Enter a number, such as 30, 1,000 or 30%."),
    "not_finite": _l("Enter a finite number."),
    "too_large": _l("This is too large: a value must be below 1,000,000,000,000."),
    "too_many_places": _l("Use at most 6 decimal places."),
    "not_a_date": _l("Enter a date as 2026-05-20."),
    "date_out_of_range": _l("Enter a date between 1970-01-01 and 9999-12-31."),
    "required": _l("This is required."),
    "bad_key": _l("A key is 1 to 64 characters."),
    "key_taken": _l("The key %(key)s is taken by another KPI."),
    "unknown_team": _l("No such team."),
    "unknown_person": _l("No such person in this organisation."),
    "unknown_kpi": _l("No KPI with the key %(key)s."),
    "not_allowed": _l("You may not enter values of %(key)s."),
    "not_a_choice": _l("Choose one of: %(choices)s."),
    "min_above_max": _l("The minimum is above the maximum."),
    "critical_inside_normal": _l("The critical range must be as wide as the normal range or wider."),
    "parent_cycle": _l("The parent cannot be the KPI itself or one below it."),
    "level_above_parent": _l("A KPI's level cannot be above its parent's (%(parent)s)."),
    "bad_period": _l("%(period)s is not a period such as 2026-Q2."),
    "not_open": _l("Only an open alert can be acknowledged."),
    "already_resolved": _l("This alert is already resolved."),
    "note_required": _l("Say what caused it and what was done."),
    "missing_column": _l("This column is missing from the header."),
    "too_many_rows": _l("At most %(limit)s rows at once."),
    "too_long": _l("At most %(limit)s characters."),
    "unreadable": _l("This value cannot be read."),
}
COLUMNS = {"key": _l("key"), "date": _l("date"), "value": _l("value"), "note": _l("note")}


def problem(code: str, **params: Any) -> str:
    """A problem code as a sentence in the reader's language."""
    text = PROBLEMS.get(code)
    return code if text is None else say(text, **params)


def row_problem(p) -> str:
    """A rows problem (okr.kpi.rows.Problem) with its row and column."""
    column = say(COLUMNS[p.column]) if p.column in COLUMNS else p.column
    message = problem(p.code, **p.params)
    return say(_l("Row %(row)s, column %(column)s: %(message)s"), row=p.row, column=column, message=message)
