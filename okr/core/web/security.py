"""Default deny, security headers, request ids and cookie flags, applied to every request.

Every endpoint needs a signed-in person unless okr/core/web/public.py lists it; `admin.*` needs an
organisation admin; an id in the address that no row can have is a 404 before any view runs. Content-Security-Policy allows no inline script: htmx is configured through
a meta tag and the app's own script file, so an injected <script> never runs.
"""

from __future__ import annotations

import secrets

from flask import current_app, g, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface

from okr.core.web.public import is_public

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when OKR_SESSION_COOKIE_SECURE says so or the request came
    over HTTPS (behind a proxy that sets X-Forwarded-Proto and ProxyFix)."""

    def get_cookie_secure(self, app) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return bool(request.is_secure)
        except RuntimeError:  # outside a request
            return False


def _request_id() -> None:
    rid = request.headers.get("X-Request-Id", "")[:64].strip()
    if not rid or not all(c.isalnum() or c in "-_" for c in rid):
        rid = secrets.token_hex(8)
    g.request_id = rid


def _default_deny():
    """Anonymous → the login page (401 JSON for the API, HX-Redirect for htmx); admin pages
    → organisation admins only. Runs before CSRF, so an anonymous POST learns nothing more."""
    from flask import abort
    from flask_login import current_user

    endpoint = request.endpoint
    if endpoint is None:  # no such page: the 404 (or 405) handler answers
        return None
    if is_public(endpoint):
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if endpoint.startswith("admin."):
        from okr.core.permissions import can_admin
        from okr.core.web import actor

        if not can_admin(actor()):
            abort(403)
    return None


def _ids_in_range():
    """An id in the address that no row can have (0, negative, past the INTEGER columns' range)
    is a 404 before any view runs: PostgreSQL would refuse the query with an error, not None."""
    from flask import abort

    from okr.core.web.forms import row_id

    for name, value in (request.view_args or {}).items():
        if name != "id" and not name.endswith("_id"):
            continue
        if isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("+-").isdigit()):
            if row_id(value) is None:
                abort(404)
    return None


class StrictJSONProvider(DefaultJSONProvider):
    """JSON bodies hold what a form could: finite numbers and real text. Nesting too deep for the
    parser, NaN or Infinity (or a number that overflows to it), and lone surrogates (text no
    database stores) are a ValueError, so Flask answers 400 instead of failing deeper down."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_float", _finite_float)
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        _refuse_surrogates(value)
        return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON bodies may hold")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def _refuse_surrogates(value) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any(0xD800 <= ord(c) <= 0xDFFF for c in item):
                raise ValueError("text with a lone surrogate")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


PERIOD_ARGS = ("period", "quarter", "month", "week", "year")


def _periods_in_range():
    """A period in the address at the calendar's edges (okr.core.periods.served) is a 404 before
    any view runs; one that does not parse is left to the view, which answers 404 as well."""
    from flask import abort

    from okr.core import periods

    for name, value in (request.view_args or {}).items():
        if name not in PERIOD_ARGS or not isinstance(value, (str, int)):
            continue
        try:
            period = periods.parse(str(value), current_app.config.get("FISCAL_YEAR_START", 1))
        except (periods.PeriodError, TypeError, ValueError):
            continue
        if not periods.served(period):
            abort(404)
    return None


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    app.json = StrictJSONProvider(app)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.config.setdefault("REMEMBER_COOKIE_SECURE", True)
    # Ahead of every other before_request (CSRF included): the request id first, then the door.
    funcs = app.before_request_funcs.setdefault(None, [])
    funcs.insert(0, _periods_in_range)
    funcs.insert(0, _ids_in_range)
    funcs.insert(0, _default_deny)
    funcs.insert(0, _request_id)

    from okr.core.web import bodies, ratelimit

    ratelimit.init_app(app)
    bodies.init_app(app)

    @app.after_request
    def _headers(resp):
        h = resp.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith("/static/"):
            # Private pages must not come back from a cache or the back button after sign-out.
            h["Cache-Control"] = "no-store"
        h["X-Request-Id"] = g.get("request_id", "")
        return resp
