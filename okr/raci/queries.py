"""Read helpers for RACI: a team's matrix for a period, the letters on a set of items, who is
Accountable, a person's letters and load. Set-based queries only (a few per page, never one per row).
"""

# Items are keyed ("key_result", id) or ("project", id) everywhere here, so one mapping holds both
# kinds. "Live" means not archived (and, for a project, not dropped); objectives must be live too.
# A letter held by an archived person stays on record but counts for nothing (okr.raci.rules.live):
# rows carry those holders in ``archived`` so the page can name whose letter to give away.

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from okr.core import models as m
from okr.core import periods
from okr.core.queries import id_list, param, run
from okr.raci import rules as raci

KR = "key_result"
PROJECT = "project"
ITEM_TYPES = (KR, PROJECT)

ItemKey = tuple[str, int]


class Person(NamedTuple):
    id: int
    name: str
    email: str


class Accountables(NamedTuple):
    """Who holds the A: ``key_results`` and ``projects`` map an item id to a :class:`Person`."""

    key_results: dict[int, Person]
    projects: dict[int, Person]


@dataclass
class Row:
    """One line of the matrix: a key result or a project, with its letters."""

    type: str  # KR or PROJECT
    item: object  # m.KeyResult | m.Project
    objective: m.Objective | None
    letters: dict[int, str] = field(default_factory=dict)  # user id -> letter, as stored
    parent_kr_id: int | None = None  # a project listed under its key result
    archived: dict[int, str] = field(default_factory=dict)  # archived holder id -> name

    @property
    def key(self) -> ItemKey:
        return (self.type, self.item.id)

    @property
    def dom_id(self) -> str:
        return f"raci-{'kr' if self.type == KR else 'p'}-{self.item.id}"

    @property
    def live_letters(self) -> dict[int, str]:
        """The letters that count: none of an archived person's."""
        return raci.live(self.letters, self.archived)

    @property
    def problems(self) -> list[raci.Problem]:
        return raci.problems(self.letters, archived=self.archived)

    @property
    def state(self) -> str:
        return row_state(self.letters)


@dataclass
class Group:
    objective: m.Objective | None
    rows: list[Row]


@dataclass
class Matrix:
    team: m.Team
    period: periods.Period
    quarter: periods.Quarter
    groups: list[Group]
    people: list[Person]  # columns: team members first, then outsiders holding a letter
    member_ids: set[int]

    @property
    def rows(self) -> list[Row]:
        return [r for g in self.groups for r in g.rows]


def row_state(letters: dict[int, str]) -> str:
    """The letters of a row as a short stable text ("3:A,7:R"): what a cell edit says it saw,
    so two people editing the same row never silently overwrite each other."""
    return ",".join(f"{uid}:{letters[uid]}" for uid in sorted(letters))


def quarter_for(period: periods.Period, fiscal_start: int) -> periods.Quarter:
    if isinstance(period, periods.Quarter):
        return period
    return period.fiscal_quarter(fiscal_start)


def _live_project():
    return sa.and_(m.Project.is_archived == False, m.Project.status != "dropped")  # noqa: E712


def letters_for(session, keys: Iterable[ItemKey]) -> dict[ItemKey, dict[int, str]]:
    """{item key: {user id: letter}} for the given items, in one query (two at most)."""
    keys = list(keys)
    kr_ids = [i for t, i in keys if t == KR]
    project_ids = [i for t, i in keys if t == PROJECT]
    out: dict[ItemKey, dict[int, str]] = {k: {} for k in keys}
    if not kr_ids and not project_ids:
        return out
    A = m.RaciAssignment
    rows = run(
        session,
        "raci_letters_for",
        lambda: (
            select(A.key_result_id, A.project_id, A.user_id, A.letter)
            .where(sa.or_(A.key_result_id.in_(id_list("krs")), A.project_id.in_(id_list("projects"))))
            .order_by(A.id)
        ),
        krs=kr_ids,
        projects=project_ids,
    ).all()
    for kr_id, project_id, user_id, letter in rows:
        key = (KR, kr_id) if kr_id is not None else (PROJECT, project_id)
        out.setdefault(key, {})[user_id] = letter
    return out


def archived_among(session, user_ids: Iterable[int], live: Iterable[int] = ()) -> dict[int, str]:
    """{user id: name} of the archived people among ``user_ids``, in one query (none: no query).
    ``live``: ids known to be live people already (no need to ask about them)."""
    ids = sorted({i for i in user_ids if i is not None} - set(live))
    if not ids:
        return {}
    return dict(
        run(
            session,
            "raci_archived_among",
            lambda: select(m.User.id, m.User.name).where(m.User.id.in_(id_list()), m.User.is_archived == True),  # noqa: E712
            ids=ids,
        ).all()
    )


def accountable_by_item(session, kr_ids: Iterable[int], project_ids: Iterable[int]) -> Accountables:
    """Who is Accountable for each given key result and project, in one query.

    Rule: the owner a rollup or plan page names is the item's A. An item with no A (or whose A
    is archived) is absent from the result; an item that (against the rule, e.g. from old data)
    has two names the one given first.
    """
    kr_ids, project_ids = list(kr_ids), list(project_ids)
    result = Accountables({}, {})
    conds = []
    if kr_ids:
        conds.append(m.RaciAssignment.key_result_id.in_(kr_ids))
    if project_ids:
        conds.append(m.RaciAssignment.project_id.in_(project_ids))
    if not conds:
        return result
    rows = session.exec(
        select(m.RaciAssignment.key_result_id, m.RaciAssignment.project_id, m.User.id, m.User.name, m.User.email)
        .join(m.User, m.User.id == m.RaciAssignment.user_id)
        .where(m.RaciAssignment.letter.in_(sorted(raci.ACCOUNTABLE)), m.User.is_archived == False, sa.or_(*conds))  # noqa: E712
        .order_by(m.RaciAssignment.id)
    ).all()
    for kr_id, project_id, uid, name, email in rows:
        target = result.key_results if kr_id is not None else result.projects
        target.setdefault(kr_id if kr_id is not None else project_id, Person(uid, name, email))
    return result


def org_people(session, org_id: int) -> dict[int, Person]:
    """Every live person of the organisation: the only people who may hold a letter."""
    rows = run(
        session,
        "org_people",
        lambda: (
            select(m.User.id, m.User.name, m.User.email)
            .where(m.User.org_id == param("org"), m.User.is_archived == False)  # noqa: E712
            .order_by(m.User.name, m.User.id)
        ),
        org=org_id,
    ).all()
    return {uid: Person(uid, name, email) for uid, name, email in rows}


def team_matrix(
    session,
    team: m.Team,
    period: periods.Period,
    *,
    fiscal_start: int = 1,
    extra_people: Iterable[int] = (),
    live_people: Iterable[int] = (),
) -> Matrix:
    """The team's live key results and projects for a quarter or a month, grouped by objective.

    A quarter shows the quarter's objectives with their key results and the projects of its
    three months; a month shows the objectives of its fiscal quarter and that month's projects.
    A project is listed under its key result when that key result is on the page, otherwise in
    a last group of its own. Columns are the team's live members and any other live person
    holding a letter; an archived person is no column: their letters count as absent and each
    row names them in ``archived``.
    """
    quarter = quarter_for(period, fiscal_start)
    months = [str(mo) for mo in (quarter.months() if isinstance(period, periods.Quarter) else (period,))]
    # The quarter's live objectives and their live key results in one statement.
    K = m.KeyResult
    pairs = run(
        session,
        "matrix_objectives",
        lambda: (
            select(m.Objective, K)
            .outerjoin(K, sa.and_(K.objective_id == m.Objective.id, K.is_archived == False))  # noqa: E712
            .where(
                m.Objective.team_id == param("team"),
                m.Objective.quarter == param("quarter"),
                m.Objective.is_archived == False,
            )  # noqa: E712
            .order_by(m.Objective.position, m.Objective.id, K.position, K.id)
        ),
        team=team.id,
        quarter=str(quarter),
    ).all()
    objectives = list({o.id: o for o, _k in pairs}.values())
    krs = [k for _o, k in pairs if k is not None]
    projects = run(
        session,
        "matrix_projects",
        lambda: (
            select(m.Project)
            .where(m.Project.team_id == param("team"), m.Project.month.in_(id_list("months")), _live_project())
            .order_by(m.Project.month, m.Project.position, m.Project.id)
        ),
        team=team.id,
        months=months,
    ).all()
    kr_by_id = {k.id: k for k in krs}
    projects_of: dict[int | None, list[m.Project]] = {}
    for p in projects:
        projects_of.setdefault(p.key_result_id if p.key_result_id in kr_by_id else None, []).append(p)

    groups: list[Group] = []
    for o in objectives:
        rows: list[Row] = []
        for k in (k for k in krs if k.objective_id == o.id):
            rows.append(Row(KR, k, o))
            rows.extend(Row(PROJECT, p, o, parent_kr_id=k.id) for p in projects_of.get(k.id, []))
        if rows:
            groups.append(Group(o, rows))
    loose = [Row(PROJECT, p, None) for p in projects_of.get(None, [])]
    if loose:
        groups.append(Group(None, loose))

    all_rows = [r for g in groups for r in g.rows]
    letters = letters_for(session, [r.key for r in all_rows])
    archived = archived_among(session, (uid for found in letters.values() for uid in found), live=live_people)
    for r in all_rows:
        r.letters = letters.get(r.key, {})
        r.archived = {uid: archived[uid] for uid in r.letters if uid in archived}

    member_rows = run(
        session,
        "matrix_members",
        lambda: (
            select(m.User.id, m.User.name, m.User.email)
            .join(m.Membership, m.Membership.user_id == m.User.id)
            .where(m.Membership.team_id == param("team"), m.User.is_archived == False)  # noqa: E712
            .order_by(m.User.name, m.User.id)
        ),
        team=team.id,
    ).all()
    members = [Person(*row) for row in member_rows]
    member_ids = {p.id for p in members}
    wanted = {uid for r in all_rows for uid in r.letters} | set(extra_people)
    wanted -= member_ids | set(archived)
    outsiders: list[Person] = []
    if wanted:
        outsiders = [
            Person(*row)
            for row in run(
                session,
                "matrix_outsiders",
                lambda: (
                    select(m.User.id, m.User.name, m.User.email)
                    .where(m.User.id.in_(id_list()), m.User.org_id == param("org"), m.User.is_archived == False)  # noqa: E712
                    .order_by(m.User.name, m.User.id)
                ),
                ids=sorted(wanted),
                org=team.org_id,
            ).all()
        ]
    return Matrix(team, period, quarter, groups, members + outsiders, member_ids)


def quarter_items(session, org_id: int, quarter: periods.Quarter, *, user_id: int | None = None):
    """Every live key result and project of the organisation in ``quarter`` with its letters:
    a list of :class:`QuarterItem`. With ``user_id``, only the items on which that person holds
    a letter (still with every letter of the item). Each item names its archived holders,
    whose letters count as absent (``raci.problems(it.letters, archived=it.archived)``)."""
    q = str(quarter)
    months = [str(mo) for mo in quarter.months()]
    kr_q = (
        select(m.KeyResult, m.Objective, m.Team)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .join(m.Team, m.Team.id == m.Objective.team_id)
        .where(
            m.Team.org_id == org_id,
            m.Objective.quarter == q,
            m.KeyResult.is_archived == False,
            m.Objective.is_archived == False,
        )  # noqa: E712
    )
    p_q = (
        select(m.Project, m.Team)
        .join(m.Team, m.Team.id == m.Project.team_id)
        .where(m.Team.org_id == org_id, m.Project.month.in_(months), _live_project())
    )
    if user_id is not None:
        kr_q = kr_q.where(
            m.KeyResult.id.in_(select(m.RaciAssignment.key_result_id).where(m.RaciAssignment.user_id == user_id))
        )
        p_q = p_q.where(
            m.Project.id.in_(select(m.RaciAssignment.project_id).where(m.RaciAssignment.user_id == user_id))
        )
    kr_rows = session.exec(kr_q.order_by(m.Team.name, m.Objective.position, m.KeyResult.position, m.KeyResult.id)).all()
    p_rows = session.exec(p_q.order_by(m.Team.name, m.Project.month, m.Project.position, m.Project.id)).all()
    keys = [(KR, k.id) for k, _o, _t in kr_rows] + [(PROJECT, p.id) for p, _t in p_rows]
    letters = letters_for(session, keys)
    archived = archived_among(session, (uid for found in letters.values() for uid in found))

    def item(key, row, team, objective):
        found = letters[key]
        return QuarterItem(key, row, team, objective, found, {uid: archived[uid] for uid in found if uid in archived})

    items = [item((KR, k.id), k, t, o) for k, o, t in kr_rows]
    items += [item((PROJECT, p.id), p, t, None) for p, t in p_rows]
    return items


class QuarterItem(NamedTuple):
    key: ItemKey
    item: object
    team: m.Team
    objective: m.Objective | None
    letters: dict[int, str]  # as stored, archived holders included
    archived: dict[int, str] = {}  # archived holder id -> name: their letters count as absent

    @property
    def live_letters(self) -> dict[int, str]:
        return raci.live(self.letters, self.archived)


def quarter_load(session, org_id: int, quarter: periods.Quarter, user_ids=None) -> dict[int, raci.Counts]:
    """Per person, on how many live items of the organisation's quarter they hold each letter.

    Counted in SQL (a GROUP BY for key results and one for projects, in one statement): the same numbers as
    ``raci.load`` over ``quarter_items`` (archived people carry no load), without loading every
    item of the organisation. ``user_ids`` counts only those people (a matrix's columns).
    """
    some = user_ids is not None

    def live_person():
        cond = sa.and_(m.User.id == m.RaciAssignment.user_id, m.User.is_archived == False)  # noqa: E712
        return sa.and_(cond, m.RaciAssignment.user_id.in_(id_list("people"))) if some else cond

    params = {"org": org_id, **({"people": list(user_ids)} if some else {})}

    def build():
        krs = (
            select(m.RaciAssignment.user_id, m.RaciAssignment.letter, sa.func.count())
            .join(m.User, live_person())
            .join(m.KeyResult, m.KeyResult.id == m.RaciAssignment.key_result_id)
            .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
            .join(m.Team, m.Team.id == m.Objective.team_id)
            .where(
                m.Team.org_id == param("org"),
                m.Objective.quarter == param("quarter"),
                m.KeyResult.is_archived == False,
                m.Objective.is_archived == False,
            )  # noqa: E712
            .group_by(m.RaciAssignment.user_id, m.RaciAssignment.letter)
        )
        projects = (
            select(m.RaciAssignment.user_id, m.RaciAssignment.letter, sa.func.count())
            .join(m.User, live_person())
            .join(m.Project, m.Project.id == m.RaciAssignment.project_id)
            .join(m.Team, m.Team.id == m.Project.team_id)
            .where(m.Team.org_id == param("org"), m.Project.month.in_(id_list("months")), _live_project())
            .group_by(m.RaciAssignment.user_id, m.RaciAssignment.letter)
        )
        return sa.union_all(krs, projects)

    counts = run(
        session,
        f"quarter_load:{some}",
        build,
        quarter=str(quarter),
        months=[str(mo) for mo in quarter.months()],
        **params,
    ).all()
    tally: dict[int, dict[str, int]] = {}
    for user_id, letter, n in counts:
        person = tally.setdefault(user_id, dict.fromkeys(raci.Counts._fields, 0))
        if letter in raci.LETTERS:
            for counted in raci.counts_as(letter):  # an A/R is an A and an R
                person[counted] += n
    return {uid: raci.Counts(**c) for uid, c in tally.items()}


_HOLDS_A_OR_R = sorted(raci.ACCOUNTABLE | raci.RESPONSIBLE)


def live_items_of(session, user_id: int):
    """Every live item (any period) on which the person holds A or R, with all its letters:
    [(key, item, letters)] in a few queries, for "what would archiving this person leave open"."""
    krs = session.exec(
        select(m.KeyResult)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .join(m.RaciAssignment, m.RaciAssignment.key_result_id == m.KeyResult.id)
        .where(
            m.RaciAssignment.user_id == user_id,
            m.RaciAssignment.letter.in_(_HOLDS_A_OR_R),
            m.KeyResult.is_archived == False,
            m.Objective.is_archived == False,
        )  # noqa: E712
        .order_by(m.KeyResult.id)
    ).all()
    projects = session.exec(
        select(m.Project)
        .join(m.RaciAssignment, m.RaciAssignment.project_id == m.Project.id)
        .where(m.RaciAssignment.user_id == user_id, m.RaciAssignment.letter.in_(_HOLDS_A_OR_R), _live_project())
        .order_by(m.Project.id)
    ).all()
    keyed = [((KR, k.id), k) for k in krs] + [((PROJECT, p.id), p) for p in projects]
    letters = letters_for(session, [k for k, _ in keyed])
    return [(key, item, letters[key]) for key, item in keyed]


def losses_if_archived(session, user_id: int) -> list[tuple[ItemKey, object, str]]:
    """Live items that would lose their A or their only R if this person were archived:
    [(key, item, "no_accountable" | "no_responsible")], for the admin's archive confirmation
    and a person's RACI page. Other archived people's letters count as absent, as on the matrix."""
    rows = live_items_of(session, user_id)
    by_key = {key: item for key, item, _ in rows}
    archived = archived_among(session, (uid for _k, _i, found in rows for uid in found if uid != user_id))
    return [
        (key, by_key[key], code)
        for key, code in raci.losses_if_archived(
            user_id, [(key, letters) for key, _i, letters in rows], archived=archived
        )
    ]


def raci_holders(raci: dict) -> list[int]:
    """The people holding a letter in a ``raci_letters`` result (for the names lookup)."""
    return [user_id for letters in raci.values() for _letter, user_id in letters]


def raci_letters(session: Session, *, kr_ids=(), project_ids=()) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """{("kr", id) | ("project", id): [(letter, user id), …]} for the badges slot, one query."""
    out: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    kr_ids, project_ids = list(kr_ids), list(project_ids)
    if not kr_ids and not project_ids:
        return out
    from sqlalchemy import or_

    A = m.RaciAssignment
    rows = run(
        session,
        "raci_letters",
        lambda: (
            select(A.key_result_id, A.project_id, A.letter, A.user_id)
            .where(or_(A.key_result_id.in_(id_list("krs")), A.project_id.in_(id_list("projects"))))
            .order_by(A.id)
        ),
        krs=kr_ids,
        projects=project_ids,
    ).all()
    for kr_id, project_id, letter, user_id in rows:
        key = ("kr", kr_id) if kr_id else ("project", project_id)
        out[key].append((letter, user_id))
    return out


def kr_letter(session: Session, kr_id: int, user_id: int) -> str | None:
    """The person's RACI letter on a key result, or None."""
    return session.exec(
        select(m.RaciAssignment.letter).where(
            m.RaciAssignment.key_result_id == kr_id, m.RaciAssignment.user_id == user_id
        )
    ).first()
