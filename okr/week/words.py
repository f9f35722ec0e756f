"""The board's words: each quadrant and message code of okr.week.rules as the catalogs say it
(week.po), in the reader's language. The one place the week's codes become text.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from okr.week.rules import CARRIED, MOVED, PARAMS, UNLINKED_SHARE, Quadrant

LABELS = {
    Quadrant.DO: _l("Do"),
    Quadrant.SCHEDULE: _l("Schedule"),
    Quadrant.DELEGATE: _l("Delegate"),
    Quadrant.ELIMINATE: _l("Eliminate"),
}

ADVICE = {
    Quadrant.DO: _l("Important and urgent: do it now."),
    Quadrant.SCHEDULE: _l("Important, not urgent: schedule a time and protect it."),
    Quadrant.DELEGATE: _l("Urgent, not important: delegate it to someone else."),
    Quadrant.ELIMINATE: _l("Neither important nor urgent: drop it or do less of it."),
}

MESSAGES = {
    MOVED: _l("Moved to %(quadrant)s."),
    CARRIED: _l("Carried over ×%(count)s."),
    UNLINKED_SHARE: _l("%(percent)s%% of this week's tasks are linked to no key result."),
}
assert set(MESSAGES) == set(PARAMS), "every message code of okr.week.rules has its words"


def label(q: Quadrant | str) -> str:
    """The quadrant's name on the board (Do, Schedule, Delegate, Eliminate)."""
    return str(LABELS[Quadrant(q)])


def advice(q: Quadrant | str) -> str:
    """One line on what to do with a task in this quadrant."""
    return str(ADVICE[Quadrant(q)])


def message(code: str, **params: Any) -> str:
    """A board message by its code; a Quadrant param is shown by its label. Unknown code: KeyError."""
    shown = {k: label(v) if isinstance(v, Quadrant) else v for k, v in params.items()}
    return str(MESSAGES[code]) % shown
