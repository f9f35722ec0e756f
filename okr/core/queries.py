"""Read helpers: load a team × period tree in a few set-based queries, never one per row.

Each section belongs to the pages that use it; a page asks for one loader and gets plain
dataclasses of model rows, grouped by parent id, ready for a template.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

from sqlalchemy.sql import Select
from sqlmodel import Session, select

from okr.core import models as m

# ============================================================================================
# Plan pages (year, quarter, month plans of one team; the key result page)
# ============================================================================================


def live(model, include_archived: bool):
    return True if include_archived else model.is_archived == False  # noqa: E712


def param(name: str):
    """A bind parameter of a statement built once (``run``)."""
    import sqlalchemy as sa

    return sa.bindparam(name)


def run(session: Session, name: str, build, **params):
    """Run the statement ``build()`` makes, built once per process under ``name``: a page's
    dozen reads would otherwise spend more on building and keying each select than on the
    database. Values go in as bind parameters (``param``, ``id_list``)."""
    return session.exec(prepared(name, build), params=params)


@dataclass
class Member:
    id: int
    name: str
    email: str
    role: str


def team_members(session: Session, team: m.Team) -> list[Member]:
    """The people who may own the team's plan items: its members, and the managers and admins
    of the teams above it (they plan it too). One query for the memberships of the chain."""
    chain = team_chain(session, team)
    rows = run(
        session,
        "team_members",
        lambda: (
            select(m.User, m.Membership.role, m.Membership.team_id)
            .join(m.Membership, m.Membership.user_id == m.User.id)
            .where(m.Membership.team_id.in_(id_list()), m.User.is_archived == False)  # noqa: E712
            .order_by(m.User.name)
        ),
        ids=chain,
    ).all()
    found: dict[int, Member] = {}
    for user, role, team_id in rows:
        if team_id != team.id and role not in ("admin", "manager"):
            continue
        if user.id not in found or team_id == team.id:
            found[user.id] = Member(user.id, user.name, user.email, role)
    return sorted(found.values(), key=lambda p: p.name)


def team_parents(session: Session, org_id: int) -> dict[int, int | None]:
    """{team id: parent id} of the organisation, read once per transaction: a page asks for
    the tree from several places (permissions, owners, goals). Any write through the session
    forgets it (``_forget_reads``)."""
    key = ("team_parents", org_id)
    found = session.info.get(key)
    if found is None:
        found = session.info[key] = dict(
            run(
                session,
                "team_parents",
                lambda: select(m.Team.id, m.Team.parent_id).where(m.Team.org_id == param("org")),
                org=org_id,
            ).all()
        )
    return dict(found)


def remember_team_parents(session: Session, org_id: int, parents: dict) -> None:
    """Keep a tree read elsewhere (with the signed-in person's roles) for ``team_parents``."""
    session.info[("team_parents", org_id)] = dict(parents)


def known_team_org(session: Session, team_id: int) -> int | None:
    """The organisation of a team in a tree this transaction has read already (the request's
    own teams), or None when none of them holds it: a check that costs no query."""
    for key, tree in session.info.items():
        if isinstance(key, tuple) and key and key[0] == "team_parents" and team_id in tree:
            return key[1]
    return None


def _forget_reads(session, *_args) -> None:
    for key in [k for k in session.info if isinstance(k, tuple) and k and k[0] == "team_parents"]:
        del session.info[key]


def _forget_after_write(state) -> None:
    if not state.is_select:
        _forget_reads(state.session)


def _listen() -> None:
    import sqlalchemy as sa

    for name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
        sa.event.listen(Session, name, _forget_reads)
    sa.event.listen(Session, "do_orm_execute", _forget_after_write)


_listen()


def team_chain(session: Session, team: m.Team) -> list[int]:
    """The team and the teams above it, nearest first."""
    parents = team_parents(session, team.org_id)
    chain, node = [], team.id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def user_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(
        run(
            session,
            "user_names",
            lambda: select(m.User.id, m.User.name).where(m.User.id.in_(id_list())),
            ids=sorted(ids),
        ).all()
    )


# ============================================================================================
# Rollups (company and team rollup pages, their JSON twin, the explain fragments)
# ============================================================================================
# A fixed number of set-based queries whatever the size of the plan: goals, objectives, key
# results, projects, task counts per project (GROUP BY), check-ins of the period, the
# Accountable of each key result, and the effort split of the period's tasks (GROUP BY).


_RECORD_TYPES: dict = {}


def record_type(model):
    """A named tuple with the model's columns but its description: rollups read thousands of
    rows and only display them, so plain tuples (no ORM identity, no attribute tracking) do."""
    found = _RECORD_TYPES.get(model)
    if found is None:
        names = [c.key for c in model.__table__.columns if c.key != "description"]
        found = _RECORD_TYPES[model] = namedtuple(f"{model.__name__}Row", names)
    return found


def records(session, model, build, *extra, params=None):
    """Rows of ``model`` as read-only named tuples: ``build`` adds the WHERE and ORDER BY to
    the select; with ``extra`` columns, each item is (record, *extra values). ``build`` may also
    be a statement made earlier by :func:`record_select` (then ``params`` fill it in)."""
    rtype = record_type(model)
    stmt = build if isinstance(build, Select) else record_select(model, build, *extra)
    rows = session.exec(stmt, params=params).all()
    n = len(rtype._fields)
    if len(rows) and len(rows[0]) == n:
        return [rtype._make(r) for r in rows]
    return [(rtype._make(r[:n]), *r[n:]) for r in rows]


def record_select(model, build, *extra):
    rtype = record_type(model)
    return build(select(*[model.__table__.c[n] for n in rtype._fields], *extra))


_PREPARED: dict[str, object] = {}


def prepared(name: str, build):
    """A statement built once per process, with bind parameters for what changes: bringing a
    rollup forward reads a handful of rows, and building a select costs more than running it."""
    stmt = _PREPARED.get(name)
    if stmt is None:
        stmt = _PREPARED[name] = build()
    return stmt


def id_list(name: str = "ids"):
    """An expanding bind parameter: a list of values for ``IN`` in a statement built once."""
    import sqlalchemy as sa

    return sa.bindparam(name, expanding=True)


def live_row(model):
    return model.is_archived == False  # noqa: E712
