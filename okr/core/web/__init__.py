"""The only place that touches requests: helpers shared by every blueprint.

`render` serves a whole page or one named block of it for htmx; `actor`, `team_or_404` and
`item_or_404` load what the signed-in person may see, so an id from another organisation is a
404, never a leak; `json_error` gives the API's error shape.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, current_app, g, jsonify, make_response, render_template, request
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.core.permissions import Actor
from okr.core.queries import param, remember_team_parents, run
from okr.core.web.database import get_session


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_json() -> bool:
    """Whether to answer in JSON: an /api/ address, ``?format=json``, a JSON body (a client that
    sends JSON reads JSON, even an error before any view ran, like a missing CSRF token), or an
    Accept header that prefers JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    if request.args.get("format") == "json":
        return True
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render(template: str, block: str | None = None, status: int = 200, **context):
    """The page, or only ``block`` of it when htmx asked (same context, same template).

    ``Vary: HX-Request`` keeps caches and the back button from mixing the two.
    """
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    resp = make_response(body, status)
    resp.headers["Vary"] = "HX-Request"
    return resp


def json_error(message: str, status: int = 400, fields: dict | None = None):
    resp = jsonify(
        {
            "error": str(message),
            "fields": {
                k: [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)] for k, v in (fields or {}).items()
            },
        }
    )
    resp.status_code = status
    return resp


def db():
    return get_session()


def actor() -> Actor:
    """The signed-in person with their roles and the organisation's teams, in one statement
    (every page asks for both; the tree is kept for the transaction, see queries.team_parents,
    and the teams serve :func:`org_teams` and :func:`team_or_404` without another query)."""
    if "actor" not in g:
        if not current_user.is_authenticated:
            abort(401)
        user = current_user._get_current_object()
        session = db()
        roles, tree, teams = {}, {}, []
        for row in run(session, "actor", _actor_statement, user=user.id, org=user.org_id).all():
            if row[0] == "role":
                roles[row[2]] = row[1]
            else:
                team = TeamRecord(*row[2:])
                teams.append(team)
                tree[team.id] = team.parent_id
        remember_team_parents(session, user.org_id, tree)
        g.actor = Actor(user_id=user.id, org_id=user.org_id, is_admin=user.is_admin, roles=roles, parent_of=tree)
        g.team_records = teams
    return g.actor


#: What a page reads of a team (no timestamps: nothing shows them, and parsing forty of them per
#: request on SQLite cost more than the query it saves).
TEAM_FIELDS = ("id", "org_id", "parent_id", "slug", "name", "kind", "position", "is_archived", "version")


class TeamRecord(NamedTuple):
    """A team as pages read it: a read-only row, not a model object (write through a loaded
    ``m.Team``)."""

    id: int
    org_id: int
    parent_id: int | None
    slug: str
    name: str
    kind: str
    position: int
    is_archived: bool
    version: int


def _actor_statement():
    """("team", None, *team) for each of the organisation's teams in menu order (position, then
    name), then ("role", role, team id, None…) for each membership of the person."""
    import sqlalchemy as sa

    cols = [m.Team.__table__.c[name] for name in TEAM_FIELDS]
    teams = select(
        sa.literal("team").label("row_kind"),
        sa.null().cast(sa.String).label("role"),
        *[c.label(f"t_{c.name}") for c in cols],
    ).where(m.Team.org_id == param("org"))
    roles = select(
        sa.literal("role"), m.Membership.role, m.Membership.team_id, *[sa.null().cast(c.type) for c in cols[1:]]
    ).where(m.Membership.user_id == param("user"))
    return sa.union_all(teams, roles).order_by(
        sa.literal_column("row_kind").desc(),
        sa.literal_column("t_position"),
        sa.literal_column("t_name"),
        sa.literal_column("t_id"),
    )


def team_records() -> list[TeamRecord]:
    """Every team of the organisation, archived ones too, in menu order."""
    actor()
    return g.team_records


class TeamRow(NamedTuple):
    team: TeamRecord
    depth: int


def org_teams() -> list[TeamRow]:
    """The organisation's live teams in tree order (parents before children) with their depth,
    cached per request (read with the signed-in person's roles: no query of their own)."""
    if "org_teams" not in g:
        rows = [t for t in team_records() if not t.is_archived]
        children: dict[int | None, list[TeamRecord]] = {}
        ids = {t.id for t in rows}
        for t in rows:
            children.setdefault(t.parent_id if t.parent_id in ids else None, []).append(t)
        ordered: list[TeamRow] = []

        def walk(parent, depth):
            for t in children.get(parent, []):
                ordered.append(TeamRow(t, depth))
                walk(t.id, depth + 1)

        walk(None, 0)
        g.org_teams = ordered
    return g.org_teams


def team_by_id(team_id: int) -> TeamRecord | None:
    """One of the organisation's teams by id (None for another organisation's team)."""
    if "teams_by_id" not in g:
        g.teams_by_id = {t.id: t for t in team_records()}
    return g.teams_by_id.get(team_id)


def team_or_404(slug: str) -> TeamRecord:
    """The organisation's team with this slug (archived ones too), or 404."""
    for team in team_records():
        if team.slug == slug:
            return team
    abort(404)


def top_team() -> TeamRecord | None:
    """The first live team at the top of the tree (by position, then id): the company."""
    roots = [t for t in team_records() if t.parent_id is None and not t.is_archived]
    return min(roots, key=lambda t: (t.position, t.id), default=None)


def _team_of(item) -> m.Team | TeamRecord | None:
    """The item's team: the organisation's teams come with the signed-in person's statement, so
    None means the item lies in another organisation."""
    session = db()
    if isinstance(item, m.Team):
        return item
    if isinstance(item, (m.AnnualGoal, m.Objective, m.Project, m.Task)):
        return team_by_id(item.team_id)
    if isinstance(item, m.KeyResult):
        obj = session.get(m.Objective, item.objective_id)
        return team_by_id(obj.team_id) if obj else None
    if isinstance(item, m.CheckIn):
        kr = session.get(m.KeyResult, item.key_result_id)
        return _team_of(kr) if kr else None
    return None


def item_or_404(model, item_id) -> tuple:
    """(item, team) for an id, or 404 when it does not exist or lies in another organisation."""
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        abort(404)
    from okr.core.web.forms import MAX_ID

    if not 0 < item_id <= MAX_ID:
        abort(404)
    item = db().get(model, item_id)
    if item is None:
        abort(404)
    team = _team_of(item)
    if team is None or team.org_id != actor().org_id:
        abort(404)
    return item, team


def accepts(form_class=None, *, json_fields: dict | None = None):
    """Mark a write view with what it reads: a WTForms class and/or JSON fields {name: kind}.

    The hostile-input sweep (tests/test_hostile_input.py) reads ``view.accepts`` to know which
    fields to attack on every write endpoint, so a new write view is swept the day it lands.
    """

    def deco(view):
        view.accepts = {"form": form_class, "json": dict(json_fields or {})}
        return view

    return deco


def fiscal_start() -> int:
    """The month the organisation's fiscal year starts (``FISCAL_YEAR_START``)."""
    return current_app.config["FISCAL_YEAR_START"]


def period_or_404(text: str, kinds=("year", "quarter", "month")):
    """The period a URL names, or 404 when it is not one of ``kinds`` (or not a period at all)."""
    try:
        period = periods.parse(text, fiscal_start())
    except (periods.PeriodError, TypeError):
        abort(404)
    if period.kind not in kinds:
        abort(404)
    return period
