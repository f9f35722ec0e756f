"""The plan document (``okr-plan/1``): one JSON format for import, export, readable backups and
tests. Validation that reports every problem with its path, an all-or-nothing import, an export.

No Flask here. The importer writes through ``okr.plans.ops``, so every row it creates is audited
like one made on a page. The format is described in DESIGN.md ("The plan document"); what this
module adds to it is listed in :data:`FORMAT_NOTES`.
"""

from __future__ import annotations

import difflib
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.accounts import ops as accounts_ops
from okr.accounts import passwords
from okr.core import kinds, models, periods
from okr.core.models import (
    AnnualGoal,
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Project,
    RaciAssignment,
    Task,
    Team,
    User,
)
from okr.plans import ops as planning
from okr.raci import ops as raci_ops

__all__ = ["FORMAT", "FORMAT_NOTES", "ImportResult", "Issue", "export_plan", "import_plan", "validate"]

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

TITLE_MAX = models.TITLE_MAX
NAME_MAX = models.NAME_MAX
TEXT_MAX_BYTES = 64 * 1024
UNIT_MAX = 32
SLUG_MAX = 64
EMAIL_MAX = 254
REF_MAX = 64
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_PLACES = 6

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\Z")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

TOP_KEYS = ("format", "teams", "people", "goals", "objectives", "projects", "tasks")
TEAM_KEYS = ("slug", "name", "parent", "kind")
PERSON_KEYS = ("email", "name", "team", "role", "memberships", "admin")
MEMBERSHIP_KEYS = ("team", "role")
GOAL_KEYS = ("team", "year", "title", "description", "weight", "owner", "measure", "ref", "supports", "objectives")
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
)
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

_BAD = object()  # a value that failed its check (its issue is already recorded)


class Phrase(str):
    """English text marked for translation: a message template, or a phrase that goes into one.

    This module has no Flask, so it cannot translate; it keeps each message's template and
    values, and a page translates both (:meth:`Issue.translated`). The command line shows the
    English text.
    """


def _(text: str) -> Phrase:
    """Mark ``text`` for translation (Babel extracts ``_("…")``); translated by the caller."""
    return Phrase(text)


_PERIOD_EXAMPLES = {
    "year": _("a year such as 2026"),
    "quarter": _("a quarter such as 2026-Q2"),
    "month": _("a month such as 2026-04"),
    "week": _("an ISO week such as 2026-W16"),
}
_PERIOD_WORDS = {"year": _("a year"), "quarter": _("a quarter"), "month": _("a month"), "week": _("an ISO week")}


@dataclass(frozen=True)
class Issue:
    """One problem in a plan document: where (``goals[0].objectives[1].title``) and what.

    ``message`` is English; ``template`` and ``params`` (name, value pairs) let a page say the
    same in the reader's language. Issues compare by path and message.
    """

    path: str
    message: str
    template: str = field(default="", compare=False)
    params: tuple = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.path or '(document)'}: {self.message}"

    def translated(self, gettext) -> str:
        """The message in the language of ``gettext`` (a function from English text to the
        reader's): the template and every marked phrase among the values are translated."""
        if not self.template:
            return gettext(self.message)
        values = {name: gettext(value) if isinstance(value, Phrase) else value for name, value in self.params}
        return gettext(self.template) % values


@dataclass
class ImportResult:
    """What an import created (or, with ``dry_run``, would create).

    ``created`` counts rows per kind; ``passwords`` maps each new person's email to the random
    password they were given (show it once; empty on a dry run); ``issues`` lists the problems
    that stopped the import (nothing was written when there are any). ``new_teams`` (slug,
    name, parent slug), ``new_people`` (email, name, is admin) and ``new_memberships`` (email,
    team slug, role) name what was (or would be) added, for a preview a person can check.
    """

    created: dict[str, int] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    dry_run: bool = False
    new_teams: list[tuple[str, str, str | None]] = field(default_factory=list)
    new_people: list[tuple[str, str, bool]] = field(default_factory=list)
    new_memberships: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        if self.issues:
            return f"{len(self.issues)} problem(s); nothing imported"
        made = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in self.created.items() if count)
        verb = "would create" if self.dry_run else "created"
        return f"{verb} {made or 'nothing'}"


_KINDS_CREATED = (
    "teams",
    "people",
    "memberships",
    "goals",
    "objectives",
    "key_results",
    "check_ins",
    "projects",
    "tasks",
    "raci",
)


# --- paths and small helpers ------------------------------------------------------------------


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _normal(value: Decimal) -> Decimal:
    """No exponent, no trailing zeros, no negative zero."""
    if value == 0:
        return Decimal(0)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# --- the checker --------------------------------------------------------------------------------


class _Checker:
    """Walks a document once, recording every issue and building a clean plan for the importer.

    The clean plan uses Decimal numbers, canonical period texts, lower-case emails and resolved
    teams; it is only read when there were no issues.
    """

    def __init__(self, session: Session | None, org_id: int | None, fiscal_start: int, scope: Any = None):
        self.session = session
        self.org_id = org_id
        self.fiscal_start = fiscal_start
        self.scope = scope  # an okr.core.permissions.ImportScope, or None for no limit
        self.issues: list[Issue] = []
        # Known teams: slug -> parent slug (None for a root); doc teams shadow nothing in the db.
        self.db_teams: dict[str, str | None] = {}
        self.doc_teams: dict[str, str | None] = {}
        self.db_emails: set[str] = set()
        self.doc_people: dict[str, dict] = {}
        self.db_first_team: dict[str, str] = {}
        self.db_team_ids: dict[str, int] = {}
        self.db_memberships: set[tuple[str, str]] = set()  # (email, team slug)
        self.db_admins: set[str] = set()
        self.goal_refs: dict[str, str] = {}  # ref -> path of the goal that names it
        self.supports: list[tuple[str, str, str]] = []  # (path, ref, supported ref)
        if session is not None:
            self._load_database()

    # --- recording ---

    def add(self, where: str, template: str, /, **params: Any) -> None:
        """Record an issue: ``template`` is marked English text with ``%(name)s`` for ``params``."""
        self.issues.append(Issue(where, template % params, template, tuple(params.items())))

    # --- the database ---

    def _load_database(self) -> None:
        query = select(Team.id, Team.slug, Team.parent_id)
        if self.org_id is not None:
            query = query.where(Team.org_id == self.org_id)
        rows = self.session.exec(query).all()
        slug_of = {row.id: row.slug for row in rows}
        self.db_teams = {row.slug: slug_of.get(row.parent_id) for row in rows}
        self.db_team_ids = {row.slug: row.id for row in rows}
        users = select(User.email, User.is_admin)
        if self.org_id is not None:
            users = users.where(User.org_id == self.org_id)
        for email, is_admin in self.session.exec(users).all():
            self.db_emails.add(email.lower())
            if is_admin:
                self.db_admins.add(email.lower())
        first = (
            select(User.email, Team.slug)
            .join(Membership, Membership.user_id == User.id)
            .join(Team, Team.id == Membership.team_id)
            .order_by(Membership.id.desc())
        )
        if self.org_id is not None:
            first = first.where(User.org_id == self.org_id)
        # Ordered newest first, so the last write per email is its oldest membership.
        for email, slug in self.session.exec(first).all():
            self.db_first_team[email.lower()] = slug
            self.db_memberships.add((email.lower(), slug))

    # --- the importer's scope (who uploads decides what a document may touch) ---

    @property
    def _people_locked(self) -> bool:
        return self.scope is not None and not self.scope.may_manage_people

    def in_scope(self, slug: Any, where: str) -> None:
        """Refuse a plan item of a team outside the scope (an upload by a team's manager)."""
        if self.scope is None or self.scope.team_ids is None or slug in (None, _BAD):
            return
        if self.db_team_ids.get(slug) not in self.scope.team_ids:
            self.add(
                where,
                _(
                    "team %(team)s is not this page's team or a team under it: only an organisation "
                    "admin may import plans of other teams"
                ),
                team=repr(slug),
            )

    def _taken_elsewhere(self, email: str) -> bool:
        if self.session is None or self.org_id is None:
            return False
        found = self.session.exec(
            select(User.id).where(sa.func.lower(User.email) == email, User.org_id != self.org_id)
        ).first()
        return found is not None

    # --- shapes ---

    def obj(self, value: Any, path: str, allowed: tuple[str, ...], what: str) -> bool:
        if not isinstance(value, dict):
            self.add(path, _("%(what)s must be an object, not %(type)s"), what=what, type=type(value).__name__)
            return False
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                if hint:
                    self.add(
                        _key(path, str(key)),
                        _("unknown key %(key)s: did you mean %(hint)s? expected one of %(keys)s"),
                        key=repr(str(key)),
                        hint=repr(hint[0]),
                        keys=", ".join(allowed),
                    )
                else:
                    self.add(
                        _key(path, str(key)),
                        _("unknown key %(key)s: expected one of %(keys)s"),
                        key=repr(str(key)),
                        keys=", ".join(allowed),
                    )
        return True

    def items(self, obj: dict, key: str, path: str) -> list[tuple[str, Any]]:
        value = obj.get(key)
        if value is None and key not in obj:
            return []
        where = _key(path, key)
        if not isinstance(value, list):
            self.add(where, _("must be a list, not %(type)s"), type=type(value).__name__)
            return []
        return [(_index(where, i), item) for i, item in enumerate(value)]

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
        where = _key(path, key)
        if key not in obj:
            if required:
                self.add(where, _("is required"))
                return _BAD
            return default
        value = obj[key]
        if not isinstance(value, str):
            self.add(where, _("must be a string, not %(type)s"), type=type(value).__name__)
            return _BAD
        if required and not value.strip():
            self.add(where, _("must not be empty"))
            return _BAD
        if max_chars is not None and len(value.strip()) > max_chars:
            self.add(where, _("is %(n)s characters long: at most %(max)s"), n=len(value.strip()), max=max_chars)
            return _BAD
        if max_bytes is not None and len(value.encode("utf-8", "surrogatepass")) > max_bytes:
            self.add(where, _("is longer than %(kb)s KB"), kb=max_bytes // 1024)
            return _BAD
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
        where = _key(path, key)
        if key not in obj:
            if required:
                self.add(where, _("is required"))
                return _BAD
            return default
        value = obj[key]
        number: Decimal | None = None
        if isinstance(value, bool):
            self.add(where, _("must be a number, not %(value)s"), value=repr(value))
            return _BAD
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                self.add(where, _("must be a finite number, not %(value)s"), value=repr(value))
                return _BAD
            number = Decimal(repr(value))
        elif isinstance(value, str):
            if _NUMBER.fullmatch(value.strip()):
                try:
                    number = Decimal(value.strip())
                except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                    number = None
            if number is None:
                self.add(where, _("%(value)s is not a number"), value=_shown(value))
                return _BAD
        else:
            self.add(where, _("must be a number, not %(value)s"), value=type(value).__name__)
            return _BAD
        if not number.is_finite() or abs(number) >= MAX_MAGNITUDE:
            self.add(where, _("%(value)s is too large: numbers must lie below 1e12 in size"), value=_shown(value))
            return _BAD
        number = _normal(number)
        if -number.as_tuple().exponent > MAX_PLACES:
            self.add(
                where, _("%(value)s has more than %(places)s decimal places"), value=_shown(value), places=MAX_PLACES
            )
            return _BAD
        if minimum is not None and number < minimum:
            self.add(where, _("must be at least %(minimum)s, not %(value)s"), minimum=str(minimum), value=str(number))
            return _BAD
        if maximum is not None and number > maximum:
            self.add(where, _("must be at most %(maximum)s, not %(value)s"), maximum=str(maximum), value=str(number))
            return _BAD
        return number

    def boolean(self, obj: dict, key: str, path: str, default: bool = False) -> Any:
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, bool):
            self.add(_key(path, key), _("must be true or false, not %(value)s"), value=_shown(value))
            return _BAD
        return value

    def choice(self, obj: dict, key: str, path: str, choices: tuple[str, ...], default: str) -> Any:
        if key not in obj:
            return default
        value = obj[key]
        if value not in choices or not isinstance(value, str):
            self.add(
                _key(path, key),
                _("%(value)s is not one of %(choices)s"),
                value=_shown(value),
                choices=", ".join(choices),
            )
            return _BAD
        return value

    def day(self, obj: dict, key: str, path: str, *, required: bool = False) -> Any:
        where = _key(path, key)
        if key not in obj:
            if required:
                self.add(where, _("is required"))
                return _BAD
            return None
        value = obj[key]
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.add(where, _("%(value)s is not a date: write it as YYYY-MM-DD"), value=_shown(value))
            return _BAD
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.add(where, _("%(value)s is not a date on the calendar"), value=value)
            return _BAD

    def period(self, obj: dict, key: str, path: str, kind: str) -> Any:
        what = _PERIOD_EXAMPLES[kind]
        where = _key(path, key)
        if key not in obj:
            self.add(where, _("is required"))
            return _BAD
        value = obj[key]
        if kind == "year" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(where, _("must be %(what)s, not %(value)s"), what=what, value=_shown(value))
            return _BAD
        try:
            found = periods.parse(value, self.fiscal_start)
        except periods.PeriodError as error:
            self.add(where, _("cannot be read as %(what)s: %(error)s"), what=what, error=str(error))
            return _BAD
        if found.kind != kind:
            self.add(
                where,
                _("%(value)s is %(found)s: this must be %(what)s"),
                value=value,
                found=_PERIOD_WORDS[found.kind],
                what=what,
            )
            return _BAD
        return found

    # --- references ---

    def known_team(self, slug: str) -> bool:
        return slug in self.doc_teams or slug in self.db_teams

    def team_ref(self, obj: dict, key: str, path: str, *, required: bool = False) -> Any:
        where = _key(path, key)
        if key not in obj:
            if required:
                self.add(where, _("is required"))
                return _BAD
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.add(where, _("must be a team slug, not %(type)s"), type=type(value).__name__)
            return _BAD
        if not self.known_team(value):
            self.add(where, _("unknown team %(value)s: list it in teams"), value=_shown(value))
            return _BAD
        return value

    def known_person(self, email: str) -> bool:
        return email in self.doc_people or email in self.db_emails

    def person(self, value: Any, where: str) -> Any:
        if not isinstance(value, str):
            self.add(where, _("must be an email, not %(type)s"), type=type(value).__name__)
            return _BAD
        email = accounts_ops.normalise_email(value)
        if not self.known_person(email):
            self.add(where, _("unknown person %(value)s: list them in people"), value=_shown(value))
            return _BAD
        return email

    def person_ref(self, obj: dict, key: str, path: str) -> Any:
        if key not in obj or obj[key] is None:
            return None
        return self.person(obj[key], _key(path, key))

    def first_team(self, email: str) -> str | None:
        if email in self.db_first_team:
            return self.db_first_team[email]
        person = self.doc_people.get(email)
        if person and person["memberships"]:
            return person["memberships"][0][0]
        return None

    # --- the document ---

    def document(self, doc: Any) -> dict:
        plan = {name: [] for name in ("teams", "people", "goals", "objectives", "projects", "tasks")}
        if not self.obj(doc, "", TOP_KEYS, _("the plan document")):
            return plan
        if "format" not in doc:
            self.add("format", _("is required: %(format)s"), format=repr(FORMAT))
        elif doc["format"] != FORMAT:
            self.add(
                "format",
                _("%(value)s is not a format this version reads: use %(format)s"),
                value=_shown(doc["format"]),
                format=repr(FORMAT),
            )
        team_rows = self.items(doc, "teams", "")
        people_rows = self.items(doc, "people", "")
        goal_rows = self.items(doc, "goals", "")
        # Names first, so references in any order find them.
        self._collect_teams(team_rows)
        self._collect_people(people_rows)
        self._collect_refs(goal_rows)
        plan["teams"] = [t for t in (self.team(p, row) for p, row in team_rows) if t is not None]
        self._check_team_cycles(team_rows)
        plan["people"] = [p for p in (self.person_entry(p, row) for p, row in people_rows) if p is not None]
        plan["goals"] = [self.goal(p, row) for p, row in goal_rows]
        self._check_goal_cycles()
        plan["objectives"] = [self.objective(p, row, goal=None) for p, row in self.items(doc, "objectives", "")]
        plan["projects"] = [
            self.project(p, row, parent_team=None, quarter=None) for p, row in self.items(doc, "projects", "")
        ]
        plan["tasks"] = [self.task(p, row, parent_team=None, month=None) for p, row in self.items(doc, "tasks", "")]
        return plan

    def _collect_teams(self, rows) -> None:
        seen: dict[str, str] = {}
        self.team_dupes: set[str] = set()
        for path, row in rows:
            if isinstance(row, dict) and isinstance(row.get("slug"), str):
                slug = row["slug"]
                if slug in seen:
                    self.team_dupes.add(path)
                    continue
                seen[slug] = path
                if slug not in self.db_teams:
                    parent = row.get("parent")
                    self.doc_teams[slug] = parent if isinstance(parent, str) else None

    def _collect_people(self, rows) -> None:
        for path, row in rows:
            if isinstance(row, dict) and isinstance(row.get("email"), str):
                email = accounts_ops.normalise_email(row["email"])
                if email not in self.doc_people:
                    self.doc_people[email] = {"path": path, "memberships": []}

    def _collect_refs(self, rows) -> None:
        for path, row in rows:
            if isinstance(row, dict) and isinstance(row.get("ref"), str):
                self.goal_refs.setdefault(row["ref"].strip(), path)

    # --- teams and people ---

    def team(self, path: str, row: Any) -> dict | None:
        if not self.obj(row, path, TEAM_KEYS, _("a team")):
            return None
        slug = self.text(row, "slug", path, required=True, max_chars=SLUG_MAX)
        if slug is not _BAD and not _SLUG.match(slug):
            self.add(_key(path, "slug"), _("%(value)s is not a slug: use a-z, 0-9, - and _"), value=_shown(slug))
            slug = _BAD
        if path in self.team_dupes:
            self.add(_key(path, "slug"), _("duplicate team slug %(value)s"), value=_shown(slug))
            slug = _BAD
        name = self.text(row, "name", path, required=True, max_chars=NAME_MAX)
        parent = self.team_ref(row, "parent", path)
        if parent is not None and parent is not _BAD and parent == slug:
            self.add(_key(path, "parent"), _("a team cannot be its own parent"))
            parent = _BAD
        kind = self.choice(row, "kind", path, kinds.TEAM_KINDS, None)
        if slug is _BAD or slug in self.db_teams:
            return None  # an existing team is reused as it is
        if self._people_locked:
            self.add(path, _("creates team %(team)s: only an organisation admin may add teams"), team=repr(slug))
        return {"slug": slug, "name": name, "parent": parent, "kind": kind, "path": path}

    def _check_team_cycles(self, rows) -> None:
        parent_of = {**self.db_teams, **self.doc_teams}
        for path, row in rows:
            if not isinstance(row, dict) or path in self.team_dupes:
                continue
            slug = row.get("slug")
            if not isinstance(slug, str) or slug not in self.doc_teams:
                continue
            seen = {slug}
            current = parent_of.get(slug)
            while current is not None and current not in seen:
                seen.add(current)
                current = parent_of.get(current)
            if current == slug and parent_of.get(slug) != slug:
                self.add(
                    _key(path, "parent"),
                    _("team %(slug)s would be below itself: parents form a cycle"),
                    slug=repr(slug),
                )

    def person_entry(self, path: str, row: Any) -> dict | None:
        if not self.obj(row, path, PERSON_KEYS, _("a person")):
            return None
        where = _key(path, "email")
        email = self.text(row, "email", path, required=True, max_chars=EMAIL_MAX)
        if email is not _BAD:
            email = accounts_ops.normalise_email(email)
            if not _EMAIL.match(email):
                self.add(where, _("%(value)s is not an email address"), value=_shown(email))
                email = _BAD
            elif self.doc_people[email]["path"] != path:
                self.add(
                    where,
                    _("duplicate email %(email)s (also %(path)s)"),
                    email=repr(email),
                    path=self.doc_people[email]["path"],
                )
                email = _BAD
            elif email not in self.db_emails and self._taken_elsewhere(email):
                self.add(where, _("%(email)s already has an account in another organisation"), email=email)
                email = _BAD
        name = self.text(row, "name", path, required=True, max_chars=NAME_MAX)
        admin = self.boolean(row, "admin", path)
        memberships: list[tuple[str, str]] = []
        where_of: list[str] = []  # the path naming each membership, for the scope check
        if "team" in row:
            team = self.team_ref(row, "team", path)
            role = self.choice(row, "role", path, kinds.ROLES, "member")
            if team not in (None, _BAD) and role is not _BAD:
                memberships.append((team, role))
                where_of.append(_key(path, "team"))
        elif "role" in row:
            self.add(_key(path, "role"), _("a role needs a team: add team"))
        for mpath, entry in self.items(row, "memberships", path):
            if not self.obj(entry, mpath, MEMBERSHIP_KEYS, _("a membership")):
                continue
            team = self.team_ref(entry, "team", mpath, required=True)
            role = self.choice(entry, "role", mpath, kinds.ROLES, "member")
            if team is _BAD or role is _BAD:
                continue
            if any(team == t for t, _role in memberships):
                self.add(
                    _key(mpath, "team"),
                    _("%(who)s is already in team %(team)s"),
                    who=email if email is not _BAD else _("this person"),
                    team=repr(team),
                )
                continue
            memberships.append((team, role))
            where_of.append(mpath)
        if email is _BAD:
            return None
        if self._people_locked:
            self._people_scope(path, email, admin, memberships, where_of)
        self.doc_people[email]["memberships"] = memberships
        return {
            "email": email,
            "name": name,
            "admin": admin,
            "memberships": memberships,
            "exists": email in self.db_emails,
        }

    def _people_scope(self, path: str, email: str, admin: Any, memberships, where_of) -> None:
        """Without the right to manage people: no new person, no new membership, no admin."""
        new = email not in self.db_emails
        if new:
            self.add(path, _("creates person %(email)s: only an organisation admin may add people"), email=email)
        if admin is True and email not in self.db_admins:
            self.add(
                _key(path, "admin"),
                _("would make %(email)s an organisation admin: only an organisation admin may do that"),
                email=email,
            )
        if new:
            return  # the person's row is named already
        for (team, role), where in zip(memberships, where_of):
            if (email, team) not in self.db_memberships:
                self.add(
                    where,
                    _(
                        "adds %(email)s to team %(team)s as %(role)s: only an organisation admin may "
                        "change who belongs to a team"
                    ),
                    email=email,
                    team=repr(team),
                    role=role,
                )

    # --- goals ---

    def goal(self, path: str, row: Any) -> dict:
        if not self.obj(row, path, GOAL_KEYS, _("a goal")):
            return {}
        team = self.team_ref(row, "team", path, required=True)
        self.in_scope(team, _key(path, "team"))
        year = self.period(row, "year", path, "year")
        goal = {
            "team": team,
            "year": year,
            "title": self.title(row, path),
            "description": self.text(row, "description", path),
            "weight": self.number(row, "weight", path, default=Decimal(1), minimum=Decimal(0)),
            "owner": self.person_ref(row, "owner", path),
            "measure": self.measure(row, path),
            "ref": None,
            "supports": None,
            "path": path,
        }
        if "ref" in row:
            ref = self.text(row, "ref", path, required=True, max_chars=REF_MAX)
            if ref is not _BAD and self.goal_refs.get(ref) != path:
                self.add(
                    _key(path, "ref"),
                    _("duplicate goal ref %(ref)s (also %(path)s)"),
                    ref=repr(ref),
                    path=self.goal_refs[ref],
                )
                ref = _BAD
            goal["ref"] = ref
        if "supports" in row:
            supports = row["supports"]
            where = _key(path, "supports")
            if isinstance(supports, str):
                supports = supports.strip()
            if not isinstance(supports, str):
                self.add(where, _("must be the ref of another goal, not %(type)s"), type=type(supports).__name__)
            elif supports not in self.goal_refs:
                self.add(where, _("no goal has ref %(value)s"), value=_shown(supports))
            elif self.goal_refs[supports] == path:
                self.add(where, _("a goal cannot support itself"))
            else:
                goal["supports"] = supports
                if goal["ref"] not in (None, _BAD):
                    self.supports.append((where, goal["ref"], supports))
        goal["objectives"] = [self.objective(p, entry, goal=goal) for p, entry in self.items(row, "objectives", path)]
        return goal

    def _check_goal_cycles(self) -> None:
        parent_of = {ref: supported for _where, ref, supported in self.supports}
        for where, ref, _supported in self.supports:
            seen = {ref}
            current = parent_of.get(ref)
            while current is not None and current not in seen:
                seen.add(current)
                current = parent_of.get(current)
            if current == ref:
                self.add(where, _("goal %(ref)s would support itself: supports form a cycle"), ref=repr(ref))

    def measure(self, row: dict, path: str) -> Any:
        if "measure" not in row:
            return None
        where = _key(path, "measure")
        value = row["measure"]
        if not self.obj(value, where, MEASURE_KEYS, _("a measure")):
            return _BAD
        start = self.number(value, "start", where, required=True)
        target = self.number(value, "target", where, required=True)
        if start is not _BAD and target is not _BAD and start == target:
            self.add(_key(where, "target"), _("must differ from start (%(start)s)"), start=str(start))
        return {
            "start": start,
            "target": target,
            "current": self.number(value, "current", where, default=None),
            "unit": self.text(value, "unit", where, max_chars=UNIT_MAX),
        }

    # --- objectives and key results ---

    def objective(self, path: str, row: Any, *, goal: dict | None) -> dict:
        if not self.obj(row, path, OBJECTIVE_KEYS, _("an objective")):
            return {}
        if goal is None:
            team = self.team_ref(row, "team", path, required=True)
        else:
            team = self.team_ref(row, "team", path)
            if team is None:
                team = goal.get("team", _BAD)  # the goal's team, checked with the goal
        if "team" in row:
            self.in_scope(team, _key(path, "team"))
        quarter = self.period(row, "quarter", path, "quarter")
        year = None if goal is None else goal.get("year", _BAD)
        if quarter is not _BAD and year not in (None, _BAD) and not year.contains(quarter):
            self.add(
                _key(path, "quarter"),
                _("%(quarter)s is not in the goal's year %(year)s"),
                quarter=str(quarter),
                year=str(year),
            )
        objective = {
            "team": team,
            "quarter": quarter,
            "title": self.title(row, path),
            "description": self.text(row, "description", path),
            "kind": self.choice(row, "kind", path, kinds.OBJECTIVE_KINDS, "committed"),
            "owner": self.person_ref(row, "owner", path),
            "weight": self.number(row, "weight", path, default=Decimal(1), minimum=Decimal(0)),
            "reflection": self.text(row, "reflection", path),
            "carry_over": self.boolean(row, "carry_over", path),
        }
        objective["key_results"] = [
            self.key_result(p, entry, objective) for p, entry in self.items(row, "key_results", path)
        ]
        return objective

    def key_result(self, path: str, row: Any, objective: dict) -> dict:
        if not self.obj(row, path, KR_KEYS, _("a key result")):
            return {}
        kind = self.choice(row, "kind", path, kinds.KR_KINDS, "metric")
        kr = {
            "title": self.title(row, path),
            "description": self.text(row, "description", path),
            "kind": kind,
            "unit": self.text(row, "unit", path, max_chars=UNIT_MAX),
            "weight": self.number(row, "weight", path, default=Decimal(1), minimum=Decimal(0)),
            "progress_from": self.choice(row, "progress_from", path, kinds.PROGRESS_FROM, "checkins"),
            "owner": self.person_ref(row, "owner", path),
            "reflection": self.text(row, "reflection", path),
            "score": self.number(row, "score", path, minimum=Decimal(0), maximum=Decimal(1)),
            "start": Decimal(0),
            "target": Decimal(1),
            "done": False,
        }
        if kind == "milestone":
            for key in ("start", "target"):
                if key in row:
                    self.add(_key(path, key), _('a milestone has no start or target: use "done": true or false'))
            kr["done"] = self.boolean(row, "done", path)
        else:
            start = self.number(row, "start", path, required=kind is not _BAD)
            target = self.number(row, "target", path, required=kind is not _BAD)
            if start not in (_BAD, None) and target not in (_BAD, None) and start == target:
                self.add(
                    _key(path, "target"), _("must differ from start (%(start)s): nothing to reach"), start=str(start)
                )
            if "done" in row and kind is not _BAD:
                self.add(
                    _key(path, "done"),
                    _('only a milestone takes "done"; a %(kind)s key result moves by check-ins'),
                    kind=kind,
                )
            kr["start"], kr["target"] = start, target
        kr["raci"] = self.raci(row, path, owner=kr["owner"])
        kr["check_ins"] = [self.check_in(p, entry) for p, entry in self.items(row, "check_ins", path)]
        kr["projects"] = [
            self.project(p, entry, parent_team=objective.get("team", _BAD), quarter=objective.get("quarter", _BAD))
            for p, entry in self.items(row, "projects", path)
        ]
        return kr

    def check_in(self, path: str, row: Any) -> dict:
        if not self.obj(row, path, CHECK_IN_KEYS, _("a check-in")):
            return {}
        return {
            "date": self.day(row, "date", path, required=True),
            "value": self.number(row, "value", path, required=True),
            "confidence": self.number(row, "confidence", path, minimum=Decimal(0), maximum=Decimal(1)),
            "note": self.text(row, "note", path),
            "author": self.person_ref(row, "author", path),
        }

    def raci(self, row: dict, path: str, owner: Any = None) -> Any:
        """The item's letters {email: letter}. The owner is the Accountable: a document that
        names an owner and no A makes the owner the A (unless they hold another letter)."""
        if "raci" not in row:
            return {}
        where = _key(path, "raci")
        value = row["raci"]
        if not isinstance(value, dict):
            self.add(
                where, _("must be an object with the letters A, R, C and I, not %(type)s"), type=type(value).__name__
            )
            return _BAD
        letters: dict[str, str] = {}
        for key in value:
            if key not in kinds.RACI_LETTERS:
                self.add(
                    _key(where, str(key)), _("%(value)s is not a RACI letter: use R, A, C or I"), value=repr(str(key))
                )
        for letter in ("A", "R", "C", "I"):
            if letter not in value:
                continue
            entries = value[letter]
            lpath = _key(where, letter)
            if isinstance(entries, str):
                listed = [(lpath, entries)]
            elif isinstance(entries, list):
                listed = [(_index(lpath, i), e) for i, e in enumerate(entries)]
            else:
                self.add(lpath, _("must be an email or a list of emails, not %(type)s"), type=type(entries).__name__)
                continue
            if letter == "A" and len(listed) > 1:
                self.add(lpath, _("%(n)s people are Accountable: exactly one person holds A"), n=len(listed))
            for epath, entry in listed:
                email = self.person(entry, epath)
                if email is _BAD:
                    continue
                if email in letters:
                    self.add(
                        epath,
                        _("%(email)s already holds %(letter)s on this item: one letter per person"),
                        email=email,
                        letter=letters[email],
                    )
                    continue
                letters[email] = letter
        if value.get("A") in (None, []):
            if isinstance(owner, str) and owner not in letters:
                letters[owner] = "A"
            else:
                self.add(_key(where, "A"), _("nobody is Accountable: exactly one person holds A"))
        if value.get("R") in (None, []):
            self.add(_key(where, "R"), _("nobody is Responsible: at least one person holds R"))
        return letters

    # --- projects and tasks ---

    def project(self, path: str, row: Any, *, parent_team: Any, quarter: Any) -> dict:
        if not self.obj(row, path, PROJECT_KEYS, _("a project")):
            return {}
        team = self.team_ref(row, "team", path, required=parent_team is None)
        if "team" in row:
            self.in_scope(team, _key(path, "team"))
        if team is None:
            team = parent_team  # checked with its parent
        month = self.period(row, "month", path, "month")
        if month is not _BAD and quarter not in (None, _BAD) and not quarter.contains(month):
            self.add(
                _key(path, "month"),
                _("%(month)s is not in the objective's quarter %(quarter)s"),
                month=str(month),
                quarter=str(quarter),
            )
        starts_on = self.day(row, "starts_on", path)
        due_on = self.day(row, "due_on", path)
        if starts_on not in (None, _BAD) and due_on not in (None, _BAD) and due_on < starts_on:
            self.add(
                _key(path, "due_on"), _("%(due)s is before starts_on %(start)s"), due=str(due_on), start=str(starts_on)
            )
        project = {
            "team": team,
            "month": month,
            "title": self.title(row, path),
            "description": self.text(row, "description", path),
            "owner": self.person_ref(row, "owner", path),
            "status": self.choice(row, "status", path, kinds.PROJECT_STATUSES, "active"),
            "starts_on": starts_on,
            "due_on": due_on,
        }
        project["raci"] = self.raci(row, path, owner=project["owner"])
        project["tasks"] = [
            self.task(p, entry, parent_team=team, month=month) for p, entry in self.items(row, "tasks", path)
        ]
        return project

    def task(self, path: str, row: Any, *, parent_team: Any, month: Any) -> dict:
        if not self.obj(row, path, TASK_KEYS, _("a task")):
            return {}
        team = self.team_ref(row, "team", path)
        if "team" in row:
            self.in_scope(team, _key(path, "team"))
        week = self.period(row, "week", path, "week")
        if week is not _BAD and month not in (None, _BAD) and not month.contains(week):
            self.add(
                _key(path, "week"),
                _("%(week)s is not in the project's month %(month)s (a week belongs to the month of its Thursday)"),
                week=str(week),
                month=str(month),
            )
        assignee = self.person_ref(row, "assignee", path)
        if team is None:
            if parent_team is not None:
                team = parent_team
            elif assignee is not _BAD:
                team = self.first_team(assignee) if assignee is not None else None
                if team is None:
                    self.add(path, _('a task linked to no project needs "team", or an assignee who belongs to a team'))
                    team = _BAD
                else:
                    self.in_scope(team, path)  # the assignee's first team
        return {
            "team": team,
            "week": week,
            "title": self.title(row, path),
            "description": self.text(row, "description", path),
            "assignee": assignee,
            "delegated_by": self.person_ref(row, "delegated_by", path),
            "important": self.boolean(row, "important", path),
            "urgent": self.boolean(row, "urgent", path),
            "status": self.choice(row, "status", path, kinds.TASK_STATUSES, "todo"),
            "estimate": self.number(row, "estimate", path, minimum=Decimal(0)),
            "due_on": self.day(row, "due_on", path),
        }


def _check(
    doc: Any, session: Session | None, org_id: int | None, fiscal_start: int, scope: Any = None
) -> tuple[list[Issue], dict]:
    periods.parse("2026", fiscal_start)  # a bad fiscal_start is the caller's error: raise it
    checker = _Checker(session, org_id, fiscal_start, scope)
    plan = checker.document(doc)
    return checker.issues, plan


def validate(
    doc: object, *, session: Session | None = None, org_id: int | None = None, fiscal_start: int = 1, scope: Any = None
) -> list[Issue]:
    """Every problem in a plan document, in document order; an empty list means it imports.

    With a session, teams and people already in the database (of ``org_id``; of any
    organisation when it is None) count as known, and an email taken in another organisation
    is refused. ``scope`` limits what the document may touch (see :func:`import_plan`).
    Raises PeriodError only for a bad ``fiscal_start``.
    """
    issues, _plan = _check(doc, session, org_id, fiscal_start, scope)
    return issues


# --- import -------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, session: Session, org_id: int, actor_id: int | None, dry_run: bool, fiscal_start: int):
        self.session = session
        self.org_id = org_id
        self.actor_id = actor_id
        self.dry_run = dry_run
        self.fiscal_start = fiscal_start
        self.created = dict.fromkeys(_KINDS_CREATED, 0)
        self.passwords: dict[str, str] = {}
        self.new_teams: list[tuple[str, str, str | None]] = []
        self.new_people: list[tuple[str, str, bool]] = []
        self.new_memberships: list[tuple[str, str, str]] = []
        self.team_ids: dict[str, int] = {}
        self.user_ids: dict[str, int] = {}
        self.goal_ids: dict[str, int] = {}
        self.positions: dict[tuple, int] = {}
        self.rows: list = []

    def ops(self) -> dict:
        return {"session": self.session, "actor_id": self.actor_id, "org_id": self.org_id}

    def _create(self, model, counted_as: str, /, **fields):
        item = planning.create(**self.ops(), model=model, **fields)
        # The session's identity map holds rows weakly: keeping them here lets the operations'
        # look-ups of parents hit the map instead of reloading each one from the database.
        self.rows.append(item)
        self.created[counted_as] += 1
        return item

    def _position(self, *key) -> int:
        position = self.positions.get(key, 0)
        self.positions[key] = position + 1
        return position

    def user(self, email: str | None) -> int | None:
        return None if email is None else self.user_ids[email]

    def run(self, plan: dict) -> None:
        self._load_existing()
        self.teams(plan["teams"])
        self.people(plan["people"])
        goals = plan["goals"]
        for goal in self._supported_first(goals):
            self.goal(goal)
        for goal in goals:
            for objective in goal["objectives"]:
                self.objective(objective, goal_id=self.goal_ids[goal["path"]])
        for objective in plan["objectives"]:
            self.objective(objective, goal_id=None)
        for project in plan["projects"]:
            self.project(project, key_result_id=None)
        for task in plan["tasks"]:
            self.task(task, project_id=None)

    def _load_existing(self) -> None:
        rows = self.session.exec(select(Team.slug, Team.id).where(Team.org_id == self.org_id)).all()
        self.team_ids = dict(rows)
        users = self.session.exec(select(User).where(User.org_id == self.org_id)).all()
        self.rows.extend(users)
        self.user_ids = {user.email.lower(): user.id for user in users}

    def teams(self, teams: list[dict]) -> None:
        depth: dict[str, int] = {}
        parent_of = {team["slug"]: team["parent"] for team in teams}
        existing = self.session.exec(select(Team.slug, Team.parent_id, Team.id).where(Team.org_id == self.org_id)).all()
        slug_by_id = {team_id: slug for slug, _parent, team_id in existing}
        for slug, parent_id, _team_id in existing:
            parent_of.setdefault(slug, slug_by_id.get(parent_id))

        def depth_of(slug: str) -> int:
            if slug not in depth:
                seen, current, count = {slug}, parent_of.get(slug), 0
                while current is not None and current not in seen:
                    seen.add(current)
                    count += 1
                    current = parent_of.get(current)
                depth[slug] = count
            return depth[slug]

        pending = list(teams)
        while pending:
            # Parents before children, whatever order the document lists them in.
            ready = [t for t in pending if t["parent"] is None or t["parent"] in self.team_ids]
            for team in ready:
                kind = team["kind"] or kinds.TEAM_KINDS[min(depth_of(team["slug"]), 2)]
                row = self._create(
                    Team,
                    "teams",
                    slug=team["slug"],
                    name=team["name"],
                    kind=kind,
                    parent_id=self.team_ids.get(team["parent"]),
                    position=self._position("team", team["parent"]),
                )
                self.team_ids[team["slug"]] = row.id
                self.new_teams.append((team["slug"], team["name"], team["parent"]))
            pending = [t for t in pending if t not in ready]
            if not ready:  # pragma: no cover - validation refuses cycles
                raise RuntimeError("team parents form a cycle")

    def people(self, people: list[dict]) -> None:
        for person in people:
            email = person["email"]
            if email not in self.user_ids:
                password = "" if self.dry_run else secrets.token_urlsafe(12)
                user = accounts_ops.create_user(
                    session=self.session,
                    org_id=self.org_id,
                    email=email,
                    name=person["name"],
                    password_hash=passwords.hash_password(password) if password else "",
                    is_admin=person["admin"],
                )
                self.user_ids[email] = user.id
                self.rows.append(user)
                self.created["people"] += 1
                self.new_people.append((email, person["name"], bool(person["admin"])))
                if password:
                    self.passwords[email] = password
            user_id = self.user_ids[email]
            for slug, role in person["memberships"]:
                team_id = self.team_ids[slug]
                exists = self.session.exec(
                    select(Membership.id).where(Membership.user_id == user_id, Membership.team_id == team_id)
                ).first()
                if exists is None:  # an existing membership is left as it is
                    accounts_ops.add_member(**self.ops(), user_id=user_id, team_id=team_id, role=role)
                    self.created["memberships"] += 1
                    self.new_memberships.append((email, slug, role))

    def _supported_first(self, goals: list[dict]) -> list[dict]:
        by_ref = {goal["ref"]: goal for goal in goals if goal.get("ref")}
        ordered: list[dict] = []
        placed: set[str] = set()

        def place(goal: dict) -> None:
            if goal["path"] in placed:
                return
            placed.add(goal["path"])
            if goal.get("supports"):
                place(by_ref[goal["supports"]])
            ordered.append(goal)

        for goal in goals:
            place(goal)
        return ordered

    def goal(self, goal: dict) -> None:
        measure = goal["measure"] or {}
        row = self._create(
            AnnualGoal,
            "goals",
            team_id=self.team_ids[goal["team"]],
            year=goal["year"].year,
            title=goal["title"],
            description=goal["description"],
            weight=goal["weight"],
            owner_id=self.user(goal["owner"]),
            parent_goal_id=self.goal_ids.get(self._ref_path(goal["supports"])),
            measure_start=measure.get("start"),
            measure_target=measure.get("target"),
            measure_current=measure.get("current"),
            unit=measure.get("unit", ""),
            position=self._position("goal", goal["team"], goal["year"].year),
        )
        self.goal_ids[goal["path"]] = row.id
        if goal.get("ref"):
            self.goal_ids["ref:" + goal["ref"]] = row.id

    def _ref_path(self, ref: str | None) -> str | None:
        return None if ref is None else "ref:" + ref

    def objective(self, objective: dict, *, goal_id: int | None) -> None:
        row = self._create(
            Objective,
            "objectives",
            team_id=self.team_ids[objective["team"]],
            quarter=str(objective["quarter"]),
            title=objective["title"],
            description=objective["description"],
            kind=objective["kind"],
            goal_id=goal_id,
            owner_id=self.user(objective["owner"]),
            weight=objective["weight"],
            reflection=objective["reflection"],
            carry_over=objective["carry_over"],
            position=self._position("objective", goal_id),
        )
        for kr in objective["key_results"]:
            self.key_result(kr, objective_id=row.id)

    def key_result(self, kr: dict, *, objective_id: int) -> None:
        row = self._create(
            KeyResult,
            "key_results",
            objective_id=objective_id,
            title=kr["title"],
            description=kr["description"],
            kind=kr["kind"],
            start=kr["start"],
            target=kr["target"],
            unit=kr["unit"],
            weight=kr["weight"],
            progress_from=kr["progress_from"],
            owner_id=self.user(kr["owner"]),
            is_done=kr["done"],
            score_override=kr["score"],
            reflection=kr["reflection"],
            position=self._position("key_result", objective_id),
        )
        self.raci(kr["raci"], key_result=row)
        # Date order (stable for one day), so the KR's current ends at the latest value.
        for entry in sorted(kr["check_ins"], key=lambda c: c["date"]):
            planning.check_in(
                **self.ops(),
                kr=row,
                value=entry["value"],
                confidence=entry["confidence"],
                note=entry["note"],
                checked_on=entry["date"],
                author_id=self.user(entry["author"]),
            )
            self.created["check_ins"] += 1
        for project in kr["projects"]:
            self.project(project, key_result_id=row.id)

    def raci(self, letters: dict[str, str], **item) -> None:
        if not letters:
            return
        assignments = {self.user_ids[email]: letter for email, letter in letters.items()}
        raci_ops.set_raci(**self.ops(), **item, assignments=assignments)
        self.created["raci"] += len(assignments)

    def project(self, project: dict, *, key_result_id: int | None) -> None:
        row = self._create(
            Project,
            "projects",
            team_id=self.team_ids[project["team"]],
            month=str(project["month"]),
            key_result_id=key_result_id,
            title=project["title"],
            description=project["description"],
            owner_id=self.user(project["owner"]),
            status=project["status"],
            starts_on=project["starts_on"],
            due_on=project["due_on"],
            position=self._position("project", key_result_id),
        )
        self.raci(project["raci"], project=row)
        for task in project["tasks"]:
            self.task(task, project_id=row.id)

    def task(self, task: dict, *, project_id: int | None) -> None:
        week = task["week"]
        done_at = None
        if task["status"] == "done":
            # When the week ended, as far as we know; never in the future.
            done_at = min(models.utcnow(), datetime.combine(week.end, time(12), tzinfo=UTC))
        self._create(
            Task,
            "tasks",
            team_id=self.team_ids[task["team"]],
            week=str(week),
            project_id=project_id,
            title=task["title"],
            description=task["description"],
            assignee_id=self.user(task["assignee"]),
            delegated_by_id=self.user(task["delegated_by"]),
            important=task["important"],
            urgent=task["urgent"],
            status=task["status"],
            estimate=task["estimate"],
            due_on=task["due_on"],
            done_at=done_at,
            position=self._position("task", project_id, str(week) if project_id is None else None),
        )


def import_plan(
    doc: object,
    *,
    session: Session,
    org_id: int,
    actor_id: int | None = None,
    dry_run: bool = False,
    fiscal_start: int = 1,
    scope: Any = None,
) -> ImportResult:
    """Import a plan document into organisation ``org_id``: all of it or nothing.

    The document is validated first (against the database too); with any issue nothing is
    written and the issues are returned. Otherwise teams and people that do not exist yet are
    created (new people get a random password, returned once in ``passwords``), then
    memberships, goals, objectives, key results with their RACI and check-ins (in date order),
    projects and tasks, each through ``okr.plans.ops`` (audited, flushed, not committed). With
    ``dry_run`` the same rows are written inside a savepoint that is rolled back, so the counts
    are exact and nothing stays.

    ``scope`` (an :class:`okr.core.permissions.ImportScope`, from the person who uploads) limits
    what the document may touch: with ``team_ids``, goals, objectives, projects and tasks only
    of those teams; without ``may_manage_people``, no new team, person or membership and no
    admin flag. Every row past the scope is an issue with its path. None (the ``okr import``
    command, run by the operator) limits nothing.
    """
    issues, plan = _check(doc, session, org_id, fiscal_start, scope)
    if issues:
        return ImportResult(issues=issues, dry_run=dry_run)
    importer = _Importer(session, org_id, actor_id, dry_run, fiscal_start)
    savepoint = session.begin_nested()
    try:
        importer.run(plan)
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return ImportResult(
        created=importer.created,
        passwords=importer.passwords,
        dry_run=dry_run,
        new_teams=importer.new_teams,
        new_people=importer.new_people,
        new_memberships=importer.new_memberships,
    )


# --- export -------------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float | str:
    """A JSON number that reads back as the same Decimal: an int, a float, or else a string."""
    value = _normal(Decimal(value))
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


class _Exporter:
    def __init__(self, session: Session, org_id: int, team_slug: str | None, year: int | None, fiscal_start: int):
        self.session = session
        self.org_id = org_id
        self.year = year
        self.fiscal_start = fiscal_start
        teams = session.exec(select(Team).where(Team.org_id == org_id)).all()
        self.teams = {team.id: team for team in teams}
        children: dict[int | None, list[Team]] = {}
        for team in teams:
            # Archived teams stay in the walk: a live team below one still needs its parent.
            parent = team.parent_id if team.parent_id in self.teams else None
            children.setdefault(parent, []).append(team)
        order: list[int] = []

        def walk(parent: int | None) -> None:
            for team in sorted(children.get(parent, []), key=lambda t: (t.position, t.slug)):
                order.append(team.id)
                walk(team.id)

        walk(None)
        self.order = {team_id: i for i, team_id in enumerate(order)}
        if team_slug is None:
            self.scope = {team_id for team_id in order if not self.teams[team_id].is_archived}
        else:
            root = next((t for t in teams if t.slug == team_slug and not t.is_archived), None)
            if root is None:
                raise LookupError(f"no team {team_slug!r} in this organisation")
            self.scope = {root.id}
            stack = [root.id]
            while stack:
                for child in children.get(stack.pop(), []):
                    if not child.is_archived:
                        self.scope.add(child.id)
                        stack.append(child.id)
        self.team_slug = team_slug
        self.used_teams: set[int] = set(self.scope)
        self.used_people: set[int] = set()
        self.users = {u.id: u for u in session.exec(select(User).where(User.org_id == org_id)).all()}

    def team_key(self, team_id: int) -> int:
        return self.order.get(team_id, len(self.order) + team_id)

    def in_year(self, period_text: str) -> bool:
        if self.year is None:
            return True
        try:
            period = periods.parse(period_text, self.fiscal_start)
        except periods.PeriodError:
            return False
        if period.kind == "quarter":
            return period.year == self.year
        return period.fiscal_year(self.fiscal_start).year == self.year

    def email(self, user_id: int | None) -> str | None:
        if user_id is None or user_id not in self.users:
            return None
        self.used_people.add(user_id)
        return self.users[user_id].email

    def slug(self, team_id: int) -> str:
        self.used_teams.add(team_id)
        return self.teams[team_id].slug

    def live(self, model, *conditions):
        return self.session.exec(select(model).where(model.is_archived == sa.false(), *conditions)).all()

    def raci(self, column, ids) -> dict[int, dict[int, str]]:
        found: dict[int, dict[int, str]] = {}
        if not ids:
            return found
        for row in self.session.exec(select(RaciAssignment).where(column.in_(ids))).all():
            item = row.key_result_id if row.key_result_id is not None else row.project_id
            found.setdefault(item, {})[row.user_id] = row.letter
        return found

    def raci_doc(self, letters: dict[int, str]) -> dict:
        by_letter: dict[str, list[str]] = {}
        for user_id, letter in letters.items():
            email = self.email(user_id)
            if email is not None:
                by_letter.setdefault(letter, []).append(email)
        doc: dict[str, Any] = {}
        for letter in ("A", "R", "C", "I"):
            emails = sorted(by_letter.get(letter, []))
            if not emails:
                continue
            doc[letter] = emails[0] if letter == "A" and len(emails) == 1 else emails
        return doc

    def run(self) -> dict:
        goal_rows = [
            g for g in self.live(AnnualGoal) if g.team_id in self.teams and not self.teams[g.team_id].is_archived
        ]
        goals = {g.id: g for g in goal_rows if self.year is None or g.year == self.year}
        objectives = [o for o in self.live(Objective) if o.team_id in self.scope and self.in_year(o.quarter)]
        placed_goals = {o.goal_id for o in objectives if o.goal_id in goals}
        chosen_goals = [g for g in goals.values() if g.team_id in self.scope or g.id in placed_goals]
        chosen_goals.sort(key=lambda g: (self.team_key(g.team_id), g.year, g.position, g.id))
        goal_ids = {g.id for g in chosen_goals}
        # Refs only for goals that take part in an alignment, numbered in document order.
        supported = {g.parent_goal_id for g in chosen_goals if g.parent_goal_id in goal_ids}
        refs: dict[int, str] = {}
        for goal in chosen_goals:
            if goal.id in supported or goal.parent_goal_id in goal_ids:
                refs[goal.id] = f"g{len(refs) + 1}"

        krs_by_objective: dict[int, list[KeyResult]] = {}
        objective_ids = [o.id for o in objectives]
        kr_rows = self.live(KeyResult, KeyResult.objective_id.in_(objective_ids)) if objective_ids else []
        for kr in kr_rows:
            krs_by_objective.setdefault(kr.objective_id, []).append(kr)
        kr_ids = [kr.id for kr in kr_rows]
        check_ins: dict[int, list[CheckIn]] = {}
        for entry in self.live(CheckIn, CheckIn.key_result_id.in_(kr_ids)) if kr_ids else []:
            check_ins.setdefault(entry.key_result_id, []).append(entry)
        kr_raci = self.raci(RaciAssignment.key_result_id, kr_ids)

        project_rows = self.live(Project)
        placed_projects = [p for p in project_rows if p.key_result_id in set(kr_ids)]
        loose_projects = [
            p
            for p in project_rows
            if p.key_result_id not in set(kr_ids) and p.team_id in self.scope and self.in_year(p.month)
        ]
        projects_by_kr: dict[int, list[Project]] = {}
        for project in placed_projects:
            projects_by_kr.setdefault(project.key_result_id, []).append(project)
        project_ids = [p.id for p in placed_projects + loose_projects]
        project_raci = self.raci(RaciAssignment.project_id, project_ids)
        task_rows = self.live(Task)
        exported_projects = set(project_ids)
        tasks_by_project: dict[int, list[Task]] = {}
        loose_tasks = []
        for task in task_rows:
            if task.project_id in exported_projects:
                tasks_by_project.setdefault(task.project_id, []).append(task)
            elif task.team_id in self.scope and self.in_year(task.week):
                loose_tasks.append(task)

        def task_doc(task: Task, default_team: int | None) -> dict:
            doc = {"week": task.week, "title": task.title}
            if task.team_id != default_team:
                doc["team"] = self.slug(task.team_id)
            if task.description:
                doc["description"] = task.description
            if task.assignee_id is not None:
                doc["assignee"] = self.email(task.assignee_id)
            if task.delegated_by_id is not None:
                doc["delegated_by"] = self.email(task.delegated_by_id)
            doc.update(important=task.important, urgent=task.urgent, status=task.status)
            if task.estimate is not None:
                doc["estimate"] = _number(task.estimate)
            if task.due_on is not None:
                doc["due_on"] = task.due_on.isoformat()
            return doc

        def project_doc(project: Project, default_team: int | None) -> dict:
            doc: dict[str, Any] = {"month": project.month, "title": project.title}
            if project.team_id != default_team:
                doc["team"] = self.slug(project.team_id)
            if project.description:
                doc["description"] = project.description
            if project.owner_id is not None:
                doc["owner"] = self.email(project.owner_id)
            doc["status"] = project.status
            if project.starts_on is not None:
                doc["starts_on"] = project.starts_on.isoformat()
            if project.due_on is not None:
                doc["due_on"] = project.due_on.isoformat()
            if project.id in project_raci:
                doc["raci"] = self.raci_doc(project_raci[project.id])
            tasks = sorted(tasks_by_project.get(project.id, []), key=lambda t: (t.week, t.position, t.id))
            doc["tasks"] = [task_doc(t, project.team_id) for t in tasks]
            return doc

        def kr_doc(kr: KeyResult, team_id: int) -> dict:
            doc: dict[str, Any] = {"title": kr.title}
            if kr.description:
                doc["description"] = kr.description
            doc["kind"] = kr.kind
            if kr.kind == "milestone":
                doc["done"] = kr.is_done
            else:
                doc["start"] = _number(kr.start)
                doc["target"] = _number(kr.target)
            if kr.unit:
                doc["unit"] = kr.unit
            doc["weight"] = _number(kr.weight)
            if kr.progress_from != "checkins":
                doc["progress_from"] = kr.progress_from
            if kr.owner_id is not None:
                doc["owner"] = self.email(kr.owner_id)
            if kr.id in kr_raci:
                doc["raci"] = self.raci_doc(kr_raci[kr.id])
            entries = sorted(check_ins.get(kr.id, []), key=lambda c: (c.checked_on, c.id))
            doc["check_ins"] = []
            for entry in entries:
                item: dict[str, Any] = {"date": entry.checked_on.isoformat(), "value": _number(entry.value)}
                if entry.confidence is not None:
                    item["confidence"] = _number(entry.confidence)
                item["note"] = entry.note
                if entry.author_id is not None:
                    item["author"] = self.email(entry.author_id)
                doc["check_ins"].append(item)
            if kr.reflection:
                doc["reflection"] = kr.reflection
            if kr.score_override is not None:
                doc["score"] = _number(kr.score_override)
            projects = sorted(projects_by_kr.get(kr.id, []), key=lambda p: (p.month, p.position, p.id))
            doc["projects"] = [project_doc(p, team_id) for p in projects]
            return doc

        def objective_doc(objective: Objective, default_team: int | None) -> dict:
            doc: dict[str, Any] = {}
            if objective.team_id != default_team:
                doc["team"] = self.slug(objective.team_id)
            doc.update(quarter=objective.quarter, title=objective.title)
            if objective.description:
                doc["description"] = objective.description
            doc["kind"] = objective.kind
            if objective.owner_id is not None:
                doc["owner"] = self.email(objective.owner_id)
            doc["weight"] = _number(objective.weight)
            if objective.reflection:
                doc["reflection"] = objective.reflection
            if objective.carry_over:
                doc["carry_over"] = True
            krs = sorted(krs_by_objective.get(objective.id, []), key=lambda k: (k.position, k.id))
            doc["key_results"] = [kr_doc(kr, objective.team_id) for kr in krs]
            return doc

        objectives_by_goal: dict[int | None, list[Objective]] = {}
        for objective in objectives:
            key = objective.goal_id if objective.goal_id in goal_ids else None
            objectives_by_goal.setdefault(key, []).append(objective)

        goal_docs = []
        for goal in chosen_goals:
            doc: dict[str, Any] = {"team": self.slug(goal.team_id), "year": goal.year, "title": goal.title}
            if goal.id in refs:
                doc["ref"] = refs[goal.id]
            if goal.parent_goal_id in refs:
                doc["supports"] = refs[goal.parent_goal_id]
            if goal.description:
                doc["description"] = goal.description
            doc["weight"] = _number(goal.weight)
            if goal.owner_id is not None:
                doc["owner"] = self.email(goal.owner_id)
            if goal.measure_start is not None and goal.measure_target is not None:
                measure: dict[str, Any] = {"start": _number(goal.measure_start), "target": _number(goal.measure_target)}
                if goal.measure_current is not None:
                    measure["current"] = _number(goal.measure_current)
                if goal.unit:
                    measure["unit"] = goal.unit
                doc["measure"] = measure
            mine = sorted(objectives_by_goal.get(goal.id, []), key=lambda o: (o.quarter, o.position, o.id))
            doc["objectives"] = [objective_doc(o, goal.team_id) for o in mine]
            goal_docs.append(doc)

        loose_objectives = sorted(
            objectives_by_goal.get(None, []), key=lambda o: (self.team_key(o.team_id), o.quarter, o.position, o.id)
        )
        objective_docs = [objective_doc(o, None) for o in loose_objectives]
        project_docs = [
            project_doc(p, None)
            for p in sorted(loose_projects, key=lambda p: (self.team_key(p.team_id), p.month, p.position, p.id))
        ]

        # People before loose tasks' default teams can be known; tasks mark their people first.
        for task in loose_tasks:
            self.email(task.assignee_id)
        people_docs, first_team = self.people()
        task_docs = []
        for task in sorted(loose_tasks, key=lambda t: (self.team_key(t.team_id), t.week, t.position, t.id)):
            default = first_team.get(task.assignee_id)
            task_docs.append(task_doc(task, default))
        people_docs, _first = self.people()  # again: tasks may have named more people
        doc: dict[str, Any] = {"format": FORMAT, "teams": self.team_docs(), "people": people_docs, "goals": goal_docs}
        if objective_docs:
            doc["objectives"] = objective_docs
        if project_docs:
            doc["projects"] = project_docs
        doc["tasks"] = task_docs
        return doc

    def team_docs(self) -> list[dict]:
        wanted = set()
        for team_id in self.used_teams:
            current = team_id
            while current is not None and current in self.teams and current not in wanted:
                wanted.add(current)
                current = self.teams[current].parent_id
        docs = []
        for team_id in sorted(wanted, key=self.team_key):
            team = self.teams[team_id]
            doc = {"slug": team.slug, "name": team.name}
            if team.parent_id is not None and team.parent_id in self.teams:
                doc["parent"] = self.teams[team.parent_id].slug
            doc["kind"] = team.kind
            docs.append(doc)
        return docs

    def people(self) -> tuple[list[dict], dict[int, int]]:
        rows = self.session.exec(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.org_id == self.org_id)
            .order_by(Membership.id)
        ).all()
        memberships: dict[int, list[Membership]] = {}
        for row in rows:
            # Scope only, so a person's first team does not shift as items name more teams.
            if row.team_id in self.scope:
                memberships.setdefault(row.user_id, []).append(row)
        wanted = set(self.used_people) | set(memberships)
        if self.team_slug is None:
            wanted |= {u.id for u in self.users.values() if not u.is_archived}
        docs = []
        first_team: dict[int, int] = {}
        for user in sorted((self.users[i] for i in wanted), key=lambda u: u.email):
            doc: dict[str, Any] = {"email": user.email, "name": user.name}
            mine = memberships.get(user.id, [])
            for row in mine:
                self.used_teams.add(row.team_id)
            if len(mine) == 1:
                doc["team"] = self.teams[mine[0].team_id].slug
                doc["role"] = mine[0].role
            elif mine:
                doc["memberships"] = [{"team": self.teams[m.team_id].slug, "role": m.role} for m in mine]
            if mine:
                first_team[user.id] = mine[0].team_id
            if user.is_admin:
                doc["admin"] = True
            docs.append(doc)
        return docs, first_team


def export_plan(
    *, session: Session, org_id: int, team_slug: str | None = None, year: int | None = None, fiscal_start: int = 1
) -> dict:
    """The organisation's live plan as a plan document (``okr-plan/1``), ready for ``json.dumps``.

    With ``team_slug``: that team and the teams below it (plus the teams their items name and
    the ancestors needed for parents). With ``year``: goals of that fiscal year, objectives of
    its quarters, stand-alone projects of its months and stand-alone tasks of its weeks; the
    key results, check-ins, projects and tasks below an exported objective go with it. Items
    come in a stable order (team tree, period, position), so an export imported into an empty
    database exports the same document again.
    """
    periods.parse("2026", fiscal_start)
    return _Exporter(session, org_id, team_slug, year, fiscal_start).run()
