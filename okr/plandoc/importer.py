"""The plan document's importer: a checked document written all or nothing, every row through
the features' operations (``okr.plans.ops``, ``okr.raci.ops``, ``okr.accounts.ops``), so each is
audited like one made on a page. No Flask here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlmodel import Session, select

from okr.accounts import ops as accounts_ops
from okr.accounts import passwords
from okr.core import kinds, models, writes
from okr.core.models import AnnualGoal, KeyResult, Membership, Objective, Project, Task, Team, User
from okr.plandoc import checker, queries, sections
from okr.plandoc.schema import Issue
from okr.plans import ops as planning
from okr.raci import ops as raci_ops

__all__ = ["ImportResult", "import_plan", "validate"]


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


KINDS_CREATED = (
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


class Importer:
    def __init__(
        self,
        session: Session,
        org_id: int,
        actor_id: int | None,
        dry_run: bool,
        fiscal_start: int,
        author_id: int | None = None,
    ):
        self.session = session
        self.author_id = author_id  # when set, the author of every check-in and delegation
        self.org_id = org_id
        self.actor_id = actor_id
        self.dry_run = dry_run
        self.fiscal_start = fiscal_start
        self.created = dict.fromkeys(KINDS_CREATED, 0)
        self.passwords: dict[str, str] = {}
        self.new_teams: list[tuple[str, str, str | None]] = []
        self.new_people: list[tuple[str, str, bool]] = []
        self.new_memberships: list[tuple[str, str, str]] = []
        self.team_ids: dict[str, int] = {}
        self.user_ids: dict[str, int] = {}
        self.goal_ids: dict[str, int] = {}
        self.positions: dict[tuple, int] = {}
        self.rows: list = []
        self.tasks: list[dict] = []  # written together at the end: nothing below a task needs it

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

    def delegator(self, email: str | None) -> int | None:
        """Who delegated a task: the document's person, or the uploader who may not act for others."""
        if email is None:
            return None
        return self.author_id or self.user_ids[email]

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
        # Tasks are most of a large plan: one statement for the rows and one for their audit
        # events instead of two flushes per task (10,000 items import in about a second).
        writes.create_many(**self.ops(), model=Task, rows=self.tasks)
        self.created["tasks"] += len(self.tasks)

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
            starts_on=goal.get("starts_on"),
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
            starts_on=objective.get("starts_on"),
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
            starts_on=kr.get("starts_on"),
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
                author_id=self.author_id or self.user(entry["author"]),
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
        self.tasks.append(
            dict(
                team_id=self.team_ids[task["team"]],
                week=str(week),
                project_id=project_id,
                title=task["title"],
                description=task["description"],
                assignee_id=self.user(task["assignee"]),
                delegated_by_id=self.delegator(task["delegated_by"]),
                important=task["important"],
                urgent=task["urgent"],
                status=task["status"],
                estimate=task["estimate"],
                due_on=task["due_on"],
                done_at=done_at,
                position=self._position("task", project_id, str(week) if project_id is None else None),
            )
        )


def validate(
    doc: object, *, session: Session | None = None, org_id: int | None = None, fiscal_start: int = 1, scope: Any = None
) -> list[Issue]:
    """Every problem in a plan document, in document order; an empty list means it imports.

    With a session, teams and people already in the database (of ``org_id``; of any
    organisation when it is None) count as known, and an email taken in another organisation
    is refused. ``scope`` limits what the document may touch (see :func:`import_plan`).
    Raises PeriodError only for a bad ``fiscal_start``.
    """
    known = queries.known(session, org_id, doc) if session is not None else None
    issues, _plan = checker.check(doc, known, fiscal_start=fiscal_start, scope=scope)
    if session is not None and org_id is not None:
        issues += sections.check(doc, session=session, org_id=org_id, known=known, fiscal_start=fiscal_start)[0]
    return issues


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
    admin flag; with ``author_id``, every check-in and every delegation is recorded as that
    person's, whoever the document names. Every row past the scope is an issue with its path.
    None (the ``okr import`` command, run by the operator) limits nothing and keeps the
    document's authors.
    """
    known = queries.known(session, org_id, doc)
    issues, plan = checker.check(doc, known, fiscal_start=fiscal_start, scope=scope)
    more, extra = sections.check(doc, session=session, org_id=org_id, known=known, fiscal_start=fiscal_start)
    issues += more
    if issues:
        return ImportResult(issues=issues, dry_run=dry_run)
    importer = Importer(session, org_id, actor_id, dry_run, fiscal_start, getattr(scope, "author_id", None))
    savepoint = session.begin_nested()
    try:
        importer.run(plan)
        made = sections.apply(extra, session=session, org_id=org_id, actor_id=actor_id, fiscal_start=fiscal_start)
        for name, count in made.items():
            importer.created[name] = importer.created.get(name, 0) + count
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
