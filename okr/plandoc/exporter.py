"""The plan document's exporter: an organisation's live plan (or a team's, for a year) as an
``okr-plan/1`` document in a stable order, so an export imported into an empty database exports
the same document again. No Flask here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import periods
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
from okr.plandoc import sections
from okr.plandoc.schema import AR, FORMAT
from okr.plandoc.schema import json_number as _number

__all__ = ["export_plan"]


class Exporter:
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
            if email is None:
                continue
            # An A/R (the owner who does the work) is named under A and under R.
            for named in ("A", "R") if letter == AR else (letter,):
                by_letter.setdefault(named, []).append(email)
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
            if kr.starts_on is not None:
                doc["starts_on"] = kr.starts_on.isoformat()
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
            if objective.starts_on is not None:
                doc["starts_on"] = objective.starts_on.isoformat()
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
            if goal.starts_on is not None:
                doc["starts_on"] = goal.starts_on.isoformat()
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
    doc = Exporter(session, org_id, team_slug, year, fiscal_start).run()
    return sections.export(doc, session=session, org_id=org_id, year=year, fiscal_start=fiscal_start)
