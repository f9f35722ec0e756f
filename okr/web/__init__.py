"""The only place that touches requests: helpers shared by every blueprint.

`render` serves a whole page or one named block of it for htmx; `actor`, `team_or_404` and
`item_or_404` load what the signed-in person may see, so an id from another organisation is a
404, never a leak; `json_error` gives the API's error shape.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, g, jsonify, make_response, render_template, request
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlmodel import select

from okr import models as m
from okr.db import get_session
from okr.permissions import Actor
from okr.queries import param, remember_team_parents, run


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
    resp = jsonify({"error": str(message), "fields": {k: [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)] for k, v in (fields or {}).items()}})
    resp.status_code = status
    return resp


def db():
    return get_session()


def actor() -> Actor:
    """The signed-in person with their roles and the organisation's team tree, in one statement
    (every page asks for both; the tree is kept for the transaction, see queries.team_parents)."""
    if "actor" not in g:
        if not current_user.is_authenticated:
            abort(401)
        user = current_user._get_current_object()
        session = db()
        roles, tree = {}, {}
        for kind, team_id, role, parent_id in run(session, "actor", _actor_statement, user=user.id, org=user.org_id).all():
            if kind == "role":
                roles[team_id] = role
            else:
                tree[team_id] = parent_id
        remember_team_parents(session, user.org_id, tree)
        g.actor = Actor(user_id=user.id, org_id=user.org_id, is_admin=user.is_admin, roles=roles, parent_of=tree)
    return g.actor


def _actor_statement():
    import sqlalchemy as sa

    return sa.union_all(
        select(sa.literal("role"), m.Membership.team_id, m.Membership.role, sa.null().cast(sa.Integer))
        .where(m.Membership.user_id == param("user")),
        select(sa.literal("team"), m.Team.id, sa.null().cast(sa.String), m.Team.parent_id)
        .where(m.Team.org_id == param("org")),
    )


class TeamRow(NamedTuple):
    team: m.Team  # a read-only row with the team's columns, not a model object
    depth: int


def org_teams() -> list[TeamRow]:
    """The organisation's live teams in tree order (parents before children) with their depth,
    cached per request."""
    if "org_teams" not in g:
        # Plain rows with every column of a team (read-only: menus, switchers, permission
        # checks); building forty model objects per page cost more than the query.
        rows = run(db(), "org_teams", lambda: (
            select(*m.Team.__table__.c).where(m.Team.org_id == param("org"), m.Team.is_archived == False)  # noqa: E712
            .order_by(m.Team.position, m.Team.name)), org=actor().org_id).all()
        children: dict[int | None, list[m.Team]] = {}
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


def team_or_404(slug: str) -> m.Team:
    team = run(db(), "team_by_slug", lambda: (
        select(m.Team).where(m.Team.org_id == param("org"), m.Team.slug == param("slug"))), org=actor().org_id, slug=slug).first()
    if team is None:
        abort(404)
    return team


def _team_of(item) -> m.Team | None:
    session = db()
    if isinstance(item, m.Team):
        return item
    if isinstance(item, (m.AnnualGoal, m.Objective, m.Project, m.Task)):
        return session.get(m.Team, item.team_id)
    if isinstance(item, m.KeyResult):
        obj = session.get(m.Objective, item.objective_id)
        return session.get(m.Team, obj.team_id) if obj else None
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
    from okr.forms import MAX_ID

    if not 0 < item_id <= MAX_ID:
        abort(404)
    item = db().get(model, item_id)
    if item is None:
        abort(404)
    team = _team_of(item)
    if team is None or team.org_id != actor().org_id:
        abort(404)
    return item, team


def BLUEPRINTS():
    """Every blueprint of the web package: each module that defines ``bp`` is registered, so a
    new page family needs no edit here (and the route-coverage tests see it at once)."""
    import importlib
    import pkgutil

    import okr.web as pkg

    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"okr.web.{info.name}")
        bp = getattr(module, "bp", None)
        if bp is not None:
            found.append(bp)
    return found


def accepts(form_class=None, *, json_fields: dict | None = None):
    """Mark a write view with what it reads: a WTForms class and/or JSON fields {name: kind}.

    The hostile-input sweep (tests/test_hostile_input.py) reads ``view.accepts`` to know which
    fields to attack on every write endpoint, so a new write view is swept the day it lands.
    """

    def deco(view):
        view.accepts = {"form": form_class, "json": dict(json_fields or {})}
        return view

    return deco
