"""Who may read and change what: the one place every view asks.

Rules: anyone signed in reads their own organisation; managers (and team admins) edit the plans
of their team and every team under it; members edit their own tasks and check in on key results
where they are R or A; viewers only read; organisation admins manage people and teams and may
edit everything. No Flask here: views pass an Actor and the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from okr.core import kinds

WRITE_ROLES = ("admin", "manager", "member")
PLAN_ROLES = ("admin", "manager")


@dataclass(frozen=True)
class Actor:
    """A signed-in person as the rules see them: their roles per team and the org's team tree."""

    user_id: int
    org_id: int
    is_admin: bool
    roles: dict[int, str]  # team id -> role held directly in that team
    parent_of: dict[int, int | None] = field(default_factory=dict)  # the org's team tree

    def ancestors_and_self(self, team_id: int) -> list[int]:
        chain, seen = [], set()
        node = team_id
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(node)
            node = self.parent_of.get(node)
        return chain

    def descendants_and_self(self, team_id: int) -> set[int]:
        """The team and every team under it, by the organisation's tree."""
        children: dict[int | None, list[int]] = {}
        for child, parent in self.parent_of.items():
            children.setdefault(parent, []).append(child)
        found, stack = {team_id}, [team_id]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def role_in(self, team_id: int) -> str | None:
        """The strongest role held in this team or inherited from a team above it.

        A manager of a department manages its teams; a member of a department is not thereby a
        member of its teams, but still reads them (everyone reads the organisation).
        """
        best = None
        order = {"admin": 0, "manager": 1, "member": 2, "viewer": 3}
        for i, tid in enumerate(self.ancestors_and_self(team_id)):
            role = self.roles.get(tid)
            if role is None:
                continue
            if i > 0 and role not in PLAN_ROLES:
                continue
            if best is None or order[role] < order[best]:
                best = role
        return best

    @property
    def is_viewer_only(self) -> bool:
        return not self.is_admin and all(r == "viewer" for r in self.roles.values())


def same_org(actor: Actor, org_id: int | None) -> bool:
    return org_id is not None and actor.org_id == org_id


def can_read_team(actor: Actor, team) -> bool:
    return same_org(actor, team.org_id)


def can_plan(actor: Actor, team) -> bool:
    """Edit goals, objectives, key results, projects and RACI of ``team``."""
    if not same_org(actor, team.org_id):
        return False
    return actor.is_admin or actor.role_in(team.id) in PLAN_ROLES


def can_admin(actor: Actor) -> bool:
    """Manage people, teams, roles and backups of the organisation."""
    return actor.is_admin


def can_write_anything(actor: Actor) -> bool:
    return actor.is_admin or any(r in WRITE_ROLES for r in actor.roles.values())


def can_edit_task(actor: Actor, task, team) -> bool:
    """A task may be changed by its assignee, by whoever delegated it, and by the team's managers."""
    if not same_org(actor, team.org_id):
        return False
    if can_plan(actor, team):
        return True
    if actor.is_viewer_only:
        return False
    return actor.user_id in (task.assignee_id, task.delegated_by_id)


def can_add_task(actor: Actor, team, assignee_id: int | None) -> bool:
    """Members add tasks for themselves in a team they belong to; managers for anyone."""
    if not same_org(actor, team.org_id):
        return False
    if can_plan(actor, team):
        return True
    return actor.role_in(team.id) == "member" and assignee_id in (None, actor.user_id)


def can_check_in(actor: Actor, team, letter: str | None) -> bool:
    """Check in on a key result: its Responsible or Accountable person, or a manager of the team."""
    if not same_org(actor, team.org_id):
        return False
    if can_plan(actor, team):
        return True
    if actor.is_viewer_only:
        return False
    return letter in kinds.RACI_WORKS_ON


@dataclass(frozen=True)
class ImportScope:
    """What a plan document may touch (okr.plandoc.importer.import_plan reads it).

    ``team_ids``: the teams whose goals, objectives, key results, projects and tasks it may add
    (None: every team). ``may_manage_people``: whether it may add teams and people, put people
    in teams and make organisation admins.
    """

    team_ids: frozenset[int] | None
    may_manage_people: bool
    #: Who the imported check-ins and delegations are recorded as (None keeps the document's
    #: authors): someone who may not act for others records them under their own name.
    author_id: int | None = None


def import_scope(actor: Actor, team) -> ImportScope:
    """A plan document uploaded on ``team``'s plan page (the caller has checked ``can_plan``).

    An organisation admin may import anything, as the ``okr import`` command does. Anyone else
    adds plan items of that team and the teams under it only (the teams they plan from there),
    and never teams, people, memberships or admin flags: those are admin work, and an upload
    must not become a way round the admin pages. Their upload's check-ins and delegations are
    recorded as theirs, whoever the document names: no one signs in someone else's name.
    """
    if actor.is_admin:
        return ImportScope(team_ids=None, may_manage_people=True)
    return ImportScope(
        team_ids=frozenset(actor.descendants_and_self(team.id)), may_manage_people=False, author_id=actor.user_id
    )
