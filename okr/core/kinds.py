"""Every kind and status the product knows, in one place: roles, team kinds, objective and key
result kinds, project and task statuses, RACI letters and the Eisenhower quadrants.

Models, forms, rules and the plan document all take their choices from here. Pure values.
"""

from __future__ import annotations

from enum import Enum

ROLES = ("admin", "manager", "member", "viewer")
WRITE_ROLES = ("admin", "manager", "member")
TEAM_KINDS = ("company", "department", "team")
OBJECTIVE_KINDS = ("committed", "aspirational")
KR_KINDS = ("metric", "percent", "milestone")
PROGRESS_FROM = ("checkins", "projects")
PROJECT_STATUSES = ("planned", "active", "done", "dropped")
TASK_STATUSES = ("todo", "doing", "done", "dropped")
UNFINISHED = ("todo", "doing")  # a task that carries into next week
DONE = "done"
DROPPED = "dropped"  # a dropped project or task counts nowhere
# "A/R" is one letter: the Accountable who also does the work (okr.raci.rules says what counts).
RACI_LETTERS = ("R", "A", "A/R", "C", "I")
RACI_ACCOUNTABLE = ("A", "A/R")  # the letters that hold an item's A
RACI_WORKS_ON = ("R", "A", "A/R")  # the letters whose holder checks in and sees the item as theirs
LANDING_PAGES = ("week", "rollup", "team")  # where a person lands on signing in (their choice)
#: What the audit trail and the history pages call each plan item.
ITEM_TYPES = ("team", "goal", "objective", "key_result", "check_in", "project", "task")


class Quadrant(str, Enum):
    """A cell of the weekly board; the value is what forms, URLs and JSON carry."""

    DO = "do"  # important and urgent
    SCHEDULE = "schedule"  # important, not urgent
    DELEGATE = "delegate"  # urgent, not important
    ELIMINATE = "eliminate"  # neither

    def __str__(self) -> str:
        return self.value


# Reading order of the 2 × 2 board: important on top, urgent on the left.
ORDER = (Quadrant.DO, Quadrant.SCHEDULE, Quadrant.DELEGATE, Quadrant.ELIMINATE)

_FLAGS = {
    Quadrant.DO: (True, True),
    Quadrant.SCHEDULE: (True, False),
    Quadrant.DELEGATE: (False, True),
    Quadrant.ELIMINATE: (False, False),
}
_BY_FLAGS = {flags: q for q, flags in _FLAGS.items()}


def quadrant(important: bool, urgent: bool) -> Quadrant:
    """The quadrant of a task: important and urgent → DO; important only → SCHEDULE;
    urgent only → DELEGATE; neither → ELIMINATE.

    Text such as ``"false"`` raises TypeError rather than count as true; parse form values first.
    """
    if isinstance(important, str) or isinstance(urgent, str):
        raise TypeError("important and urgent must be booleans, not text")
    return _BY_FLAGS[(bool(important), bool(urgent))]


def flags(q: Quadrant | str) -> tuple[bool, bool]:
    """``(important, urgent)`` for a quadrant or its value, the inverse of :func:`quadrant`:
    do → (True, True), schedule → (True, False), delegate → (False, True),
    eliminate → (False, False). An unknown value raises ValueError.
    """
    return _FLAGS[Quadrant(q)]


# --- KPIs (okr.kpi.rules holds what they mean) ---------------------------------------------------
KPI_LEVELS = ("strategic", "tactical", "execution")  # top to bottom of the metric tree
KPI_DIRECTIONS = ("higher", "lower", "band")
KPI_FREQUENCIES = ("daily", "weekly", "monthly")
KPI_SEVERITIES = ("normal", "warning", "critical")
KPI_RULES = ("critical_range", "normal_range", "sudden_change")
KPI_STATUSES = ("critical", "warning", "stale", "normal", "no_data")
ALERT_STATUSES = ("open", "acknowledged", "resolved")

# Budgets (okr.budget): a line's kind, a return's kind, an adjustment's status.
BUDGET_KINDS = ("fixed", "variable")  # fixed: people, systems; variable: campaigns, marketing, rewards
RETURN_KINDS = ("direct", "indirect", "brand", "other")  # GMV × margin, users × LTV, impressions ÷ 1000 × CPM
ADJUSTMENT_STATUSES = ("pending", "approved", "declined")
CURRENCIES = ("CNY", "USD", "EUR", "GBP", "JPY", "HKD", "SGD")

#: What a person can be told about (okr.notify): each has a default channel, changed per person.
NOTIFY_EVENTS = (
    "kpi_alert",  # a KPI left its normal range: its owner and the team's managers
    "checkin_due",  # a key result I own has had no check-in for 7 days
    "checkin_missed",  # … for 14 days
    "task_overdue",  # a task of mine is past its due date and not finished
    "task_delegated",  # someone handed me a task
    "approval_waiting",  # something waits for my approval
    "one_on_one_item",  # the other person added a point to our 1:1 agenda
    "weekly_digest",  # Monday's summary of the week's notifications
)
#: inbox: shown in the inbox; email: shown and mailed; digest: shown and mailed in the weekly
#: digest; off: neither.
NOTIFY_CHANNELS = ("inbox", "email", "digest", "off")
NOTIFY_DEFAULT_CHANNEL = "email"
