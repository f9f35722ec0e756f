"""Personal access tokens on the web (/me/tokens) and their use: a request to /api/v1/ carrying
``Authorization: Bearer <token>`` acts as the token's person, without a cookie and without CSRF.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import Session

from okr.api import ops, queries, rules
from okr.api.forms import TokenForm
from okr.core import models as m
from okr.core.web import accepts, db, json_error, render, wants_json
from okr.core.web.forms import form_data

bp = Blueprint("api", __name__)

API_PREFIX = "/api/v1/"


@bp.record_once
def _wire(state) -> None:
    app = state.app
    funcs = app.before_request_funcs.setdefault(None, [])
    # Right after the request id, before the door (security._default_deny) asks who is there.
    funcs.insert(1, _token_door)
    # A token request carries no cookie, so no cross-site form can send it: CSRF is for cookies.
    for i, func in enumerate(funcs):
        if func.__name__ == "csrf_protect" and func.__module__.startswith("flask_wtf"):
            funcs[i] = _csrf_unless_token(func)
            break
    else:  # pragma: no cover - Flask-WTF changed: fail at start-up, not silently
        raise RuntimeError("Flask-WTF's csrf_protect hook was not found")


def _csrf_unless_token(csrf_protect):
    def csrf_protect_cookie_requests():
        if g.get("api_token_id") is not None:
            # What Flask-WTF's forms read as "this request passed CSRF": a Bearer header is
            # something no cross-site page can make a browser send.
            g.csrf_valid = True
            return None
        return csrf_protect()

    return csrf_protect_cookie_requests


def _token_door():
    """An /api/v1/ request with a Bearer token: a valid one signs its person in for this request
    only (nothing goes into the session cookie); any other token is 401, a read token on a write
    method 403. Requests without the header are left to the cookie."""
    if not request.path.startswith(API_PREFIX):
        return None
    token = rules.bearer(request.headers.get("Authorization"))
    if token is None:
        return None
    found = queries.by_token(db(), token) if token else None
    now = m.utcnow()
    if found is None:
        return json_error(_("This API token is not valid."), 401)
    row, user = found
    status = rules.state(revoked_at=row.revoked_at, expires_at=row.expires_at, now=now)
    if status == rules.REVOKED:
        return json_error(_("This API token was revoked."), 401)
    if status == rules.EXPIRED:
        return json_error(_("This API token has expired."), 401)
    if user.is_archived:
        return json_error(_("This API token is not valid."), 401)
    g.api_token_id = row.id
    g.api_token_scope = row.scope
    # For this request only: login_user() would write the person into the session cookie.
    current_app.login_manager._update_request_context_with_user(user)
    if rules.due_touch(row.last_used_at, now):
        from okr.core.web.database import app_engine

        # Its own transaction: a GET never commits the request's session.
        with Session(app_engine()) as s:
            ops.mark_used(session=s, token_id=row.id, now=now)
            s.commit()
    if not rules.allows(row.scope, request.method):
        return json_error(_("This API token may only read."), 403)
    return None


# --- the person's tokens page -------------------------------------------------------------------


def _page(form: TokenForm, status: int = 200, created: str | None = None):
    return render(
        "api/tokens.html",
        status=status,
        form=form,
        tokens=queries.tokens_of(db(), current_user.id),
        now=m.utcnow(),
        created=created,
        states=rules,
    )


def _as_json(token: m.ApiToken, now) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "scope": token.scope,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "state": rules.state(revoked_at=token.revoked_at, expires_at=token.expires_at, now=now),
    }


@bp.get("/me/tokens")
@login_required
def tokens():
    if wants_json():
        now = m.utcnow()
        return jsonify({"tokens": [_as_json(t, now) for t in queries.tokens_of(db(), current_user.id)]})
    return _page(TokenForm(formdata=None))


@bp.post("/me/tokens")
@login_required
@accepts(TokenForm, json_fields={"name": "text", "scope": "enum", "days": "int"})
def tokens_create():
    """Anyone signed in makes tokens for themselves; a token can do no more than its person."""
    form = TokenForm(formdata=form_data())
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _page(form, 422)
    session = db()
    row, text = ops.create_token(
        session=session,
        actor_id=current_user.id,
        user=session.get(m.User, current_user.id),
        name=form.name.data,
        scope=form.scope.data,
        days=form.days.data,
        now=m.utcnow(),
    )
    session.commit()
    if wants_json():
        return jsonify({**_as_json(row, m.utcnow()), "token": text}), 201
    # Shown once, in this response only: never redirected to, never stored in the session.
    return _page(TokenForm(formdata=None), 201, created=text)


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
@accepts()
def tokens_revoke(token_id: int):
    session = db()
    row = session.get(m.ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        if wants_json():
            return json_error(_("No such token."), 404)
        abort(404)
    ops.revoke_token(session=session, actor_id=current_user.id, token=row, now=m.utcnow())
    session.commit()
    if wants_json():
        return jsonify(_as_json(row, m.utcnow()))
    flash(_("Token “%(name)s” revoked: it no longer works.", name=row.name), "success")
    return redirect(url_for("api.tokens"))


from okr.api import views_v1  # noqa: E402, F401  (registers the /api/v1/ routes on bp)
