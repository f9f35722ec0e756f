"""The plan document's shape (``okr-plan/1``): its keys, limits and notes, the issue it reports,
and the checks of single values (shapes, text, numbers, dates, periods) the checker builds on.

Pure: values in, values out; no Flask, no database. The format is described in DESIGN.md ("The
plan document"); what this module adds to it is listed in :data:`FORMAT_NOTES`.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from okr.core import periods
from okr.plandoc.messages import MESSAGES, Term, say

FORMAT = "okr-plan/1"

FORMAT_NOTES = """\
Additions to the format in DESIGN.md, all optional:

- teams[].kind: company | department | team; by default from the team's depth in the tree
  (a root is a company, its children departments, the rest teams).
- people[].memberships: [{"team", "role"}] for a person in several teams (after "team"/"role",
  which give the first one); people[].admin: true makes an organisation admin. A person's first
  team is their oldest membership in the database, else the first one in the document.
- goals[].measure: {"start", "target", "current", "unit"}, the goal's own measure.
- goals[].ref and goals[].supports: a name for a goal within the document, and the ref of the
  goal it supports (a department's goal under the company's); no cycles.
- objectives, projects and tasks may carry "team" when it differs from their parent's team (an
  objective aligned to another team's goal sits under that goal with its own team).
- objectives[].reflection, objectives[].carry_over, key_results[].reflection,
  key_results[].score (0..1, the quarter-end override): the quarter review.
- check_ins[].author (an email); projects[].status (planned | active | done | dropped, default
  active), projects[].starts_on / due_on (ISO dates); tasks[].estimate, tasks[].due_on,
  tasks[].delegated_by (an email).
- Top-level "objectives" (each with "team") and "projects" (each with "team") hold items
  aligned to nothing; top-level "tasks" need "team" unless their assignee has a team (then the
  assignee's first team is used).
- "raci" may be left out of a key result or project (no letters yet); when given it must be
  complete: exactly one A (an email, or a list of one), at least one R, C and I optional.
- Defaults when a key is left out: weight 1, objective kind committed, key result kind metric,
  progress_from checkins, role member, task status todo, important/urgent false.
- Numbers are JSON numbers or numeric strings ("1300.5"), finite, below 1e12 in size, with at
  most 6 decimal places (what a quantity column keeps); booleans are never numbers.
- Order is meaningful: items are created in document order and their positions follow it.
- Existing teams, people and memberships (matched by slug and email) are reused as they are.
- Archived items are not exported; export includes every live item of the chosen team(s)/year.
"""


# The columns' lengths (okr.core.models.base, which this pure module may not import); a test
# keeps them equal.
TITLE_MAX = 200
NAME_MAX = 120
TEXT_MAX_BYTES = 64 * 1024
UNIT_MAX = 32
SLUG_MAX = 64
EMAIL_MAX = 254
REF_MAX = 64
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_PLACES = 6

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\Z")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

TOP_KEYS = ("format", "teams", "people", "goals", "objectives", "projects", "tasks", "kpis", "budgets")
TEAM_KEYS = ("slug", "name", "parent", "kind")
PERSON_KEYS = ("email", "name", "team", "role", "memberships", "admin")
MEMBERSHIP_KEYS = ("team", "role")
GOAL_KEYS = (
    "team",
    "year",
    "title",
    "description",
    "weight",
    "owner",
    "measure",
    "ref",
    "supports",
    "starts_on",
    "objectives",
)
MEASURE_KEYS = ("start", "target", "current", "unit")
OBJECTIVE_KEYS = (
    "team",
    "quarter",
    "title",
    "description",
    "kind",
    "owner",
    "weight",
    "reflection",
    "carry_over",
    "starts_on",
    "key_results",
)
KR_KEYS = (
    "title",
    "description",
    "kind",
    "start",
    "target",
    "unit",
    "weight",
    "done",
    "progress_from",
    "owner",
    "raci",
    "check_ins",
    "projects",
    "reflection",
    "score",
    "starts_on",
)
# The document names people under each letter; one named under A and R holds A/R (okr.raci.rules).
RACI_KEYS = ("A", "R", "C", "I")
AR = "A/R"
CHECK_IN_KEYS = ("date", "value", "confidence", "note", "author")
PROJECT_KEYS = ("team", "month", "title", "description", "owner", "status", "starts_on", "due_on", "raci", "tasks")
TASK_KEYS = (
    "team",
    "week",
    "title",
    "description",
    "assignee",
    "delegated_by",
    "important",
    "urgent",
    "status",
    "estimate",
    "due_on",
)


BAD = object()  # a value that failed its check (its issue is already recorded)

PERIOD_EXAMPLES = {
    "year": Term("year_example"),
    "quarter": Term("quarter_example"),
    "month": Term("month_example"),
    "week": Term("week_example"),
}


@dataclass(frozen=True)
class Issue:
    """One problem in a plan document: where (``goals[0].objectives[1].title``) and what, as a
    code of :data:`okr.plandoc.messages.MESSAGES` and its parameters (name, value pairs).

    ``message`` is the English text (the command line shows it); :meth:`translated` says it in
    the language of a ``gettext`` (a page passes the catalogs').
    """

    path: str
    code: str
    params: tuple = field(default=())

    @property
    def message(self) -> str:
        return say(self.code, self.params)

    def translated(self, gettext) -> str:
        return say(self.code, self.params, gettext)

    def __str__(self) -> str:
        return f"{self.path or '(document)'}: {self.message}"


@dataclass(frozen=True)
class Known:
    """What the database already holds, as the checker needs it (okr.plandoc.queries reads it).

    ``teams``: slug → parent slug (None for a root); ``team_ids``: slug → id; ``emails`` and
    ``admins``: lower-case emails of the organisation's people and of its admins;
    ``first_team``: email → slug of their oldest membership; ``memberships``: (email, slug);
    ``elsewhere``: the document's emails that people of other organisations have.
    """

    teams: dict[str, str | None] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)
    emails: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    first_team: dict[str, str] = field(default_factory=dict)
    memberships: frozenset[tuple[str, str]] = frozenset()
    elsewhere: frozenset[str] = frozenset()


# --- paths and small helpers ------------------------------------------------------------------


def child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def nth(path: str, i: int) -> str:
    return f"{path}[{i}]"


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def normal(value: Decimal) -> Decimal:
    """No exponent, no trailing zeros, no negative zero."""
    if value == 0:
        return Decimal(0)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def json_number(value: Decimal) -> int | float | str:
    """A JSON number that reads back as the same Decimal: an int, a float, or else a string."""
    value = normal(Decimal(value))
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


# --- checks of single values ----------------------------------------------------------------------


class Fields:
    """Checks of one value each, recording an :class:`Issue` for every problem and returning
    the clean value (or :data:`BAD`). The checker walks the document with them."""

    def __init__(self, fiscal_start: int):
        self.fiscal_start = fiscal_start
        self.issues: list[Issue] = []

    def add(self, where: str, code: str, /, **params: Any) -> None:
        """Record an issue: ``code`` names its message, ``params`` the values it shows."""
        if code not in MESSAGES:  # pragma: no cover - a typo in a code is the programmer's
            raise KeyError(code)
        self.issues.append(Issue(where, code, tuple(params.items())))

    def obj(self, value: Any, path: str, allowed: tuple[str, ...], what: Term) -> bool:
        if not isinstance(value, dict):
            self.add(path, "not_object", what=what, type=type(value).__name__)
            return False
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                if hint:
                    self.add(
                        child(path, str(key)),
                        "unknown_key_hint",
                        key=repr(str(key)),
                        hint=repr(hint[0]),
                        keys=", ".join(allowed),
                    )
                else:
                    self.add(
                        child(path, str(key)),
                        "unknown_key",
                        key=repr(str(key)),
                        keys=", ".join(allowed),
                    )
        return True

    def items(self, obj: dict, key: str, path: str) -> list[tuple[str, Any]]:
        value = obj.get(key)
        if value is None and key not in obj:
            return []
        where = child(path, key)
        if not isinstance(value, list):
            self.add(where, "not_list", type=type(value).__name__)
            return []
        return [(nth(where, i), item) for i, item in enumerate(value)]

    # --- scalars ---

    def text(
        self,
        obj: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        max_chars: int | None = None,
        max_bytes: int | None = TEXT_MAX_BYTES,
        default: str = "",
    ) -> Any:
        where = child(path, key)
        if key not in obj:
            if required:
                self.add(where, "required")
                return BAD
            return default
        value = obj[key]
        if not isinstance(value, str):
            self.add(where, "not_string", type=type(value).__name__)
            return BAD
        if required and not value.strip():
            self.add(where, "empty")
            return BAD
        if max_chars is not None and len(value.strip()) > max_chars:
            self.add(where, "too_many_chars", n=len(value.strip()), max=max_chars)
            return BAD
        if max_bytes is not None and len(value.encode("utf-8", "surrogatepass")) > max_bytes:
            self.add(where, "too_many_bytes", kb=max_bytes // 1024)
            return BAD
        return value.strip() if max_chars is not None else value

    def title(self, obj: dict, path: str) -> Any:
        return self.text(obj, "title", path, required=True, max_chars=TITLE_MAX)

    def number(
        self,
        obj: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        default: Any = None,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> Any:
        where = child(path, key)
        if key not in obj:
            if required:
                self.add(where, "required")
                return BAD
            return default
        value = obj[key]
        number: Decimal | None = None
        if isinstance(value, bool):
            self.add(where, "not_number", value=repr(value))
            return BAD
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                self.add(where, "not_finite", value=repr(value))
                return BAD
            number = Decimal(repr(value))
        elif isinstance(value, str):
            if NUMBER.fullmatch(value.strip()):
                try:
                    number = Decimal(value.strip())
                except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                    number = None
            if number is None:
                self.add(where, "not_numeric_text", value=shown(value))
                return BAD
        else:
            self.add(where, "not_number", value=type(value).__name__)
            return BAD
        if not number.is_finite() or abs(number) >= MAX_MAGNITUDE:
            self.add(where, "too_large", value=shown(value))
            return BAD
        number = normal(number)
        if -number.as_tuple().exponent > MAX_PLACES:
            self.add(where, "too_many_places", value=shown(value), places=MAX_PLACES)
            return BAD
        if minimum is not None and number < minimum:
            self.add(where, "below_minimum", minimum=str(minimum), value=str(number))
            return BAD
        if maximum is not None and number > maximum:
            self.add(where, "above_maximum", maximum=str(maximum), value=str(number))
            return BAD
        return number

    def boolean(self, obj: dict, key: str, path: str, default: bool = False) -> Any:
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, bool):
            self.add(child(path, key), "not_boolean", value=shown(value))
            return BAD
        return value

    def choice(self, obj: dict, key: str, path: str, choices: tuple[str, ...], default: str) -> Any:
        if key not in obj:
            return default
        value = obj[key]
        if value not in choices or not isinstance(value, str):
            self.add(
                child(path, key),
                "not_a_choice",
                value=shown(value),
                choices=", ".join(choices),
            )
            return BAD
        return value

    def day(self, obj: dict, key: str, path: str, *, required: bool = False) -> Any:
        where = child(path, key)
        if key not in obj:
            if required:
                self.add(where, "required")
                return BAD
            return None
        value = obj[key]
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.add(where, "not_date", value=shown(value))
            return BAD
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.add(where, "not_calendar_date", value=value)
            return BAD

    def period(self, obj: dict, key: str, path: str, kind: str) -> Any:
        what = PERIOD_EXAMPLES[kind]
        where = child(path, key)
        if key not in obj:
            self.add(where, "required")
            return BAD
        value = obj[key]
        if kind == "year" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(where, "not_period", what=what, value=shown(value))
            return BAD
        try:
            found = periods.parse(value, self.fiscal_start)
        except periods.PeriodError as error:
            self.add(where, "unreadable_period", what=what, error=str(error))
            return BAD
        if found.kind != kind:
            self.add(
                where,
                "wrong_period_kind",
                value=value,
                found=Term(found.kind),
                what=what,
            )
            return BAD
        return found


# --- size ---------------------------------------------------------------------------------------

_STRING_OR_OBJECT = re.compile(r'"(?:[^"\\]|\\.)*"|\{')


def count_items(text: str, stop_after: int | None = None) -> int:
    """How many items (JSON objects: ``{…}``) a document's text holds, read without parsing it.

    Rule: every team, person, goal, objective, key result, check-in, project and task is an
    object, and so is each ``raci``, ``measure`` and membership block and the document itself;
    braces inside strings do not count. With ``stop_after`` the count stops once it passes that
    number (a 100,000-item upload is known to be too large after its first 10,001 objects).
    """
    count = 0
    for found in _STRING_OR_OBJECT.finditer(text):
        if found.group() == "{":
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return count
