"""The plan document's checker: one walk over a document that records every problem with its
path and builds the clean plan the importer writes.

Pure: it reads what the database holds from a :class:`~okr.plandoc.schema.Known` (given by
okr.plandoc.queries), so it needs no session; issues are codes and parameters
(okr.plandoc.messages says them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from okr.core import kinds, periods
from okr.plandoc.messages import Term
from okr.plandoc.schema import (
    AR,
    BAD,
    CHECK_IN_KEYS,
    EMAIL_MAX,
    EMAIL_PATTERN,
    FORMAT,
    GOAL_KEYS,
    KR_KEYS,
    MEASURE_KEYS,
    MEMBERSHIP_KEYS,
    NAME_MAX,
    OBJECTIVE_KEYS,
    PERSON_KEYS,
    PROJECT_KEYS,
    RACI_KEYS,
    REF_MAX,
    SLUG,
    SLUG_MAX,
    TASK_KEYS,
    TEAM_KEYS,
    TOP_KEYS,
    UNIT_MAX,
    Fields,
    Issue,
    Known,
    child,
    nth,
    shown,
)


def normalise_email(email: str) -> str:
    """Emails are compared trimmed and in lower case (as okr.accounts.ops stores them)."""
    return email.strip().lower()


class Checker(Fields):
    """Walks a document once, recording every issue and building a clean plan for the importer.

    The clean plan uses Decimal numbers, canonical period texts, lower-case emails and resolved
    teams; it is only read when there were no issues.
    """

    def __init__(self, known: Known, fiscal_start: int, scope: Any = None):
        super().__init__(fiscal_start)
        self.scope = scope  # an okr.core.permissions.ImportScope, or None for no limit
        # Known teams: slug -> parent slug (None for a root); doc teams shadow nothing in the db.
        self.db_teams = known.teams
        self.db_team_ids = known.team_ids
        self.db_emails = known.emails
        self.db_admins = known.admins
        self.db_first_team = known.first_team
        self.db_memberships = known.memberships
        self.elsewhere = known.elsewhere
        self.doc_teams: dict[str, str | None] = {}
        self.doc_people: dict[str, dict] = {}
        self.goal_refs: dict[str, str] = {}  # ref -> path of the goal that names it
        self.supports: list[tuple[str, str, str]] = []  # (path, ref, supported ref)

    # --- the importer's scope (who uploads decides what a document may touch) ---

    @property
    def _people_locked(self) -> bool:
        return self.scope is not None and not self.scope.may_manage_people

    def in_scope(self, slug: Any, where: str) -> None:
        """Refuse a plan item of a team outside the scope (an upload by a team's manager)."""
        if self.scope is None or self.scope.team_ids is None or slug in (None, BAD):
            return
        if self.db_team_ids.get(slug) not in self.scope.team_ids:
            self.add(
                where,
                "team_out_of_scope",
                team=repr(slug),
            )

    # --- references ---

    def known_team(self, slug: str) -> bool:
        return slug in self.doc_teams or slug in self.db_teams

    def team_ref(self, obj: dict, key: str, path: str, *, required: bool = False) -> Any:
        where = child(path, key)
        if key not in obj:
            if required:
                self.add(where, "required")
                return BAD
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.add(where, "not_team_slug", type=type(value).__name__)
            return BAD
        if not self.known_team(value):
            self.add(where, "unknown_team", value=shown(value))
            return BAD
        return value

    def known_person(self, email: str) -> bool:
        return email in self.doc_people or email in self.db_emails

    def person(self, value: Any, where: str) -> Any:
        if not isinstance(value, str):
            self.add(where, "not_email", type=type(value).__name__)
            return BAD
        email = normalise_email(value)
        if not self.known_person(email):
            self.add(where, "unknown_person", value=shown(value))
            return BAD
        return email

    def person_ref(self, obj: dict, key: str, path: str) -> Any:
        if key not in obj or obj[key] is None:
            return None
        return self.person(obj[key], child(path, key))

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
        if not self.obj(doc, "", TOP_KEYS, Term("document")):
            return plan
        if "format" not in doc:
            self.add("format", "format_required", format=repr(FORMAT))
        elif doc["format"] != FORMAT:
            self.add(
                "format",
                "unknown_format",
                value=shown(doc["format"]),
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
                email = normalise_email(row["email"])
                if email not in self.doc_people:
                    self.doc_people[email] = {"path": path, "memberships": []}

    def _collect_refs(self, rows) -> None:
        for path, row in rows:
            if isinstance(row, dict) and isinstance(row.get("ref"), str):
                self.goal_refs.setdefault(row["ref"].strip(), path)

    # --- teams and people ---

    def team(self, path: str, row: Any) -> dict | None:
        if not self.obj(row, path, TEAM_KEYS, Term("team")):
            return None
        slug = self.text(row, "slug", path, required=True, max_chars=SLUG_MAX)
        if slug is not BAD and not SLUG.match(slug):
            self.add(child(path, "slug"), "bad_slug", value=shown(slug))
            slug = BAD
        if path in self.team_dupes:
            self.add(child(path, "slug"), "duplicate_slug", value=shown(slug))
            slug = BAD
        name = self.text(row, "name", path, required=True, max_chars=NAME_MAX)
        parent = self.team_ref(row, "parent", path)
        if parent is not None and parent is not BAD and parent == slug:
            self.add(child(path, "parent"), "own_parent")
            parent = BAD
        kind = self.choice(row, "kind", path, kinds.TEAM_KINDS, None)
        if slug is BAD or slug in self.db_teams:
            return None  # an existing team is reused as it is
        if self._people_locked:
            self.add(path, "creates_team", team=repr(slug))
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
                    child(path, "parent"),
                    "team_cycle",
                    slug=repr(slug),
                )

    def person_entry(self, path: str, row: Any) -> dict | None:
        if not self.obj(row, path, PERSON_KEYS, Term("person")):
            return None
        where = child(path, "email")
        email = self.text(row, "email", path, required=True, max_chars=EMAIL_MAX)
        if email is not BAD:
            email = normalise_email(email)
            if not EMAIL_PATTERN.match(email):
                self.add(where, "bad_email", value=shown(email))
                email = BAD
            elif self.doc_people[email]["path"] != path:
                self.add(
                    where,
                    "duplicate_email",
                    email=repr(email),
                    path=self.doc_people[email]["path"],
                )
                email = BAD
            elif email not in self.db_emails and email in self.elsewhere and not self._people_locked:
                # Said as the admin's people page says it: no account and no organisation named.
                # Someone who may not add people is refused every new person alike (below), so
                # they learn nothing about addresses outside the organisation.
                self.add(where, "email_unavailable", email=email)
                email = BAD
        name = self.text(row, "name", path, required=True, max_chars=NAME_MAX)
        admin = self.boolean(row, "admin", path)
        memberships: list[tuple[str, str]] = []
        where_of: list[str] = []  # the path naming each membership, for the scope check
        if "team" in row:
            team = self.team_ref(row, "team", path)
            role = self.choice(row, "role", path, kinds.ROLES, "member")
            if team not in (None, BAD) and role is not BAD:
                memberships.append((team, role))
                where_of.append(child(path, "team"))
        elif "role" in row:
            self.add(child(path, "role"), "role_without_team")
        for mpath, entry in self.items(row, "memberships", path):
            if not self.obj(entry, mpath, MEMBERSHIP_KEYS, Term("membership")):
                continue
            team = self.team_ref(entry, "team", mpath, required=True)
            role = self.choice(entry, "role", mpath, kinds.ROLES, "member")
            if team is BAD or role is BAD:
                continue
            if any(team == t for t, _role in memberships):
                self.add(
                    child(mpath, "team"),
                    "already_member",
                    who=email if email is not BAD else Term("this_person"),
                    team=repr(team),
                )
                continue
            memberships.append((team, role))
            where_of.append(mpath)
        if email is BAD:
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
            self.add(path, "creates_person", email=email)
        if admin is True and email not in self.db_admins:
            self.add(
                child(path, "admin"),
                "makes_admin",
                email=email,
            )
        if new:
            return  # the person's row is named already
        for (team, role), where in zip(memberships, where_of):
            if (email, team) not in self.db_memberships:
                self.add(
                    where,
                    "adds_member",
                    email=email,
                    team=repr(team),
                    role=role,
                )

    # --- goals ---

    def goal(self, path: str, row: Any) -> dict:
        if not self.obj(row, path, GOAL_KEYS, Term("goal")):
            return {}
        team = self.team_ref(row, "team", path, required=True)
        self.in_scope(team, child(path, "team"))
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
        goal["starts_on"] = self.starts_on(row, path, year)
        if "ref" in row:
            ref = self.text(row, "ref", path, required=True, max_chars=REF_MAX)
            if ref is not BAD and self.goal_refs.get(ref) != path:
                self.add(
                    child(path, "ref"),
                    "duplicate_ref",
                    ref=repr(ref),
                    path=self.goal_refs[ref],
                )
                ref = BAD
            goal["ref"] = ref
        if "supports" in row:
            supports = row["supports"]
            where = child(path, "supports")
            if isinstance(supports, str):
                supports = supports.strip()
            if not isinstance(supports, str):
                self.add(where, "not_ref", type=type(supports).__name__)
            elif supports not in self.goal_refs:
                self.add(where, "unknown_ref", value=shown(supports))
            elif self.goal_refs[supports] == path:
                self.add(where, "supports_itself")
            else:
                goal["supports"] = supports
                if goal["ref"] not in (None, BAD):
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
                self.add(where, "goal_cycle", ref=repr(ref))

    def measure(self, row: dict, path: str) -> Any:
        if "measure" not in row:
            return None
        where = child(path, "measure")
        value = row["measure"]
        if not self.obj(value, where, MEASURE_KEYS, Term("measure")):
            return BAD
        start = self.number(value, "start", where, required=True)
        target = self.number(value, "target", where, required=True)
        if start is not BAD and target is not BAD and start == target:
            self.add(child(where, "target"), "measure_flat", start=str(start))
        return {
            "start": start,
            "target": target,
            "current": self.number(value, "current", where, default=None),
            "unit": self.text(value, "unit", where, max_chars=UNIT_MAX),
        }

    def starts_on(self, row: dict, path: str, period: Any) -> Any:
        """The day an item's pace counts from (docs/rollup.md): absent means its period's first
        day; given, a day of its own period."""
        day = self.day(row, "starts_on", path)
        if day in (None, BAD) or period in (None, BAD):
            return None if day is BAD else day
        if not period.start <= day <= period.end:
            self.add(child(path, "starts_on"), "starts_on_outside", day=day.isoformat(), period=str(period))
            return None
        return day

    # --- objectives and key results ---

    def objective(self, path: str, row: Any, *, goal: dict | None) -> dict:
        if not self.obj(row, path, OBJECTIVE_KEYS, Term("objective")):
            return {}
        if goal is None:
            team = self.team_ref(row, "team", path, required=True)
        else:
            team = self.team_ref(row, "team", path)
            if team is None:
                team = goal.get("team", BAD)  # the goal's team, checked with the goal
        if "team" in row:
            self.in_scope(team, child(path, "team"))
        quarter = self.period(row, "quarter", path, "quarter")
        year = None if goal is None else goal.get("year", BAD)
        if quarter is not BAD and year not in (None, BAD) and not year.contains(quarter):
            self.add(
                child(path, "quarter"),
                "quarter_outside_year",
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
            "starts_on": self.starts_on(row, path, quarter),
        }
        objective["key_results"] = [
            self.key_result(p, entry, objective) for p, entry in self.items(row, "key_results", path)
        ]
        return objective

    def key_result(self, path: str, row: Any, objective: dict) -> dict:
        if not self.obj(row, path, KR_KEYS, Term("key_result")):
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
            "starts_on": self.starts_on(row, path, objective.get("quarter", BAD)),
        }
        if kind == "milestone":
            for key in ("start", "target"):
                if key in row:
                    self.add(child(path, key), "milestone_range")
            kr["done"] = self.boolean(row, "done", path)
        else:
            start = self.number(row, "start", path, required=kind is not BAD)
            target = self.number(row, "target", path, required=kind is not BAD)
            if start not in (BAD, None) and target not in (BAD, None) and start == target:
                self.add(child(path, "target"), "target_is_start", start=str(start))
            if "done" in row and kind is not BAD:
                self.add(
                    child(path, "done"),
                    "done_not_milestone",
                    kind=kind,
                )
            kr["start"], kr["target"] = start, target
        kr["raci"] = self.raci(row, path, owner=kr["owner"])
        kr["check_ins"] = [self.check_in(p, entry) for p, entry in self.items(row, "check_ins", path)]
        kr["projects"] = [
            self.project(p, entry, parent_team=objective.get("team", BAD), quarter=objective.get("quarter", BAD))
            for p, entry in self.items(row, "projects", path)
        ]
        return kr

    def check_in(self, path: str, row: Any) -> dict:
        if not self.obj(row, path, CHECK_IN_KEYS, Term("check_in")):
            return {}
        return {
            "date": self.day(row, "date", path, required=True),
            "value": self.number(row, "value", path, required=True),
            "confidence": self.number(row, "confidence", path, minimum=Decimal(0), maximum=Decimal(1)),
            "note": self.text(row, "note", path),
            "author": self.person_ref(row, "author", path),
        }

    def raci(self, row: dict, path: str, owner: Any = None) -> Any:
        """The item's letters {email: letter}, completed from its owner (docs/raci.md).

        Rule: the owner is the Accountable, so with no A named the owner holds it; a person
        named under both A and R holds A/R (the owner who does the work), and so does the A
        when nobody is named Responsible. An item with no ``raci`` and an owner is its owner's
        A/R; with neither, it has no letters yet.
        """
        if "raci" not in row:
            return {owner: AR} if isinstance(owner, str) else {}
        where = child(path, "raci")
        value = row["raci"]
        if not isinstance(value, dict):
            self.add(where, "raci_not_object", type=type(value).__name__)
            return BAD
        letters: dict[str, str] = {}
        for key in value:
            if key not in RACI_KEYS:
                self.add(child(where, str(key)), "raci_bad_letter", value=repr(str(key)))
        for letter in RACI_KEYS:
            if letter not in value:
                continue
            entries = value[letter]
            lpath = child(where, letter)
            if isinstance(entries, str):
                listed = [(lpath, entries)]
            elif isinstance(entries, list):
                listed = [(nth(lpath, i), e) for i, e in enumerate(entries)]
            else:
                self.add(lpath, "raci_not_emails", type=type(entries).__name__)
                continue
            if letter == "A" and len(listed) > 1:
                self.add(lpath, "raci_two_accountable", n=len(listed))
            for epath, entry in listed:
                email = self.person(entry, epath)
                if email is BAD:
                    continue
                held = letters.get(email)
                if held == "A" and letter == "R":
                    letters[email] = AR
                elif held is not None:
                    self.add(epath, "raci_two_letters", email=email, letter=held)
                else:
                    letters[email] = letter
        if not any(letter in ("A", AR) for letter in letters.values()) and value.get("A") in (None, []):
            if isinstance(owner, str) and letters.get(owner) in (None, "R"):
                letters[owner] = AR if letters.get(owner) == "R" else "A"
            else:
                self.add(child(where, "A"), "raci_no_accountable")
        if not any(letter in ("R", AR) for letter in letters.values()):
            for email, letter in letters.items():
                if letter == "A":
                    letters[email] = AR  # nobody else does the work: the Accountable does
        return letters

    # --- projects and tasks ---

    def project(self, path: str, row: Any, *, parent_team: Any, quarter: Any) -> dict:
        if not self.obj(row, path, PROJECT_KEYS, Term("project")):
            return {}
        team = self.team_ref(row, "team", path, required=parent_team is None)
        if "team" in row:
            self.in_scope(team, child(path, "team"))
        if team is None:
            team = parent_team  # checked with its parent
        month = self.period(row, "month", path, "month")
        if month is not BAD and quarter not in (None, BAD) and not quarter.contains(month):
            self.add(
                child(path, "month"),
                "month_outside_quarter",
                month=str(month),
                quarter=str(quarter),
            )
        starts_on = self.day(row, "starts_on", path)
        due_on = self.day(row, "due_on", path)
        if starts_on not in (None, BAD) and due_on not in (None, BAD) and due_on < starts_on:
            self.add(child(path, "due_on"), "due_before_start", due=str(due_on), start=str(starts_on))
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
        if not self.obj(row, path, TASK_KEYS, Term("task")):
            return {}
        team = self.team_ref(row, "team", path)
        if "team" in row:
            self.in_scope(team, child(path, "team"))
        week = self.period(row, "week", path, "week")
        if week is not BAD and month not in (None, BAD) and not month.contains(week):
            self.add(
                child(path, "week"),
                "week_outside_month",
                week=str(week),
                month=str(month),
            )
        assignee = self.person_ref(row, "assignee", path)
        if team is None:
            if parent_team is not None:
                team = parent_team
            elif assignee is not BAD:
                team = self.first_team(assignee) if assignee is not None else None
                if team is None:
                    self.add(path, "task_without_team")
                    team = BAD
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


def check(
    doc: Any, known: Known | None = None, *, fiscal_start: int = 1, scope: Any = None
) -> tuple[list[Issue], dict]:
    """Every problem in ``doc`` (in document order) and the clean plan; no problem means it
    imports. ``known`` is what the database holds (nothing when None). Raises PeriodError only
    for a bad ``fiscal_start``."""
    periods.parse("2026", fiscal_start)  # a bad fiscal_start is the caller's error: raise it
    checker = Checker(known or Known(), fiscal_start, scope)
    plan = checker.document(doc)
    return checker.issues, plan
