"""Error pages and JSON errors: no stack trace or SQL ever reaches a person.

A 500 is logged with the request id, and the page shows that id so a report can be matched to
the log line. A stale edit (another person saved first) is a 409 handled by the views.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from okr.core.web import is_htmx, json_error, wants_json

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Sign in first."),
    403: lambda: _("You do not have permission to do that."),
    404: lambda: _("There is nothing here."),
    405: lambda: _("That action is not allowed here."),
    409: lambda: _("Someone else changed this in the meantime."),
    413: lambda: _("What you sent is too large."),
    422: lambda: _("Some values need fixing."),
    429: lambda: _("Too many attempts. Wait a few minutes and try again."),
    500: lambda: _("Something went wrong on our side."),
}


def _rollback():
    from okr.core.web.database import get_session

    if "db_session" in g:
        get_session().rollback()


def error_response(status: int, message: str | None = None):
    message = message or MESSAGES.get(status, MESSAGES[500])()
    if wants_json():
        return json_error(message, status)
    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    return render_template(template, status=status, message=message, request_id=g.get("request_id")), status


@bp.app_errorhandler(CSRFError)
def csrf_error(e):
    """A 400 that says where a fresh token is (static/js/app.js fetches it and offers a retry
    that keeps what was typed), whatever language the message is in."""
    from flask import make_response, url_for

    _rollback()
    resp = make_response(
        error_response(
            400,
            _("Your form expired or lacked its security token. Reload the page and try again; what you typed is kept."),
        )
    )
    resp.headers["X-CSRF-Refresh"] = url_for("auth.csrf_token")
    return resp


@bp.app_errorhandler(HTTPException)
def http_error(e: HTTPException):
    _rollback()
    code = e.code or 500
    if code == 429:
        msg = MESSAGES[429]()
    else:
        msg = None
    resp = error_response(code, msg)
    if code == 405 and getattr(e, "valid_methods", None):
        body, status = resp if isinstance(resp, tuple) else (resp, code)
        from flask import make_response

        r = make_response(body, status)
        r.headers["Allow"] = ", ".join(e.valid_methods)
        return r
    return resp


@bp.app_errorhandler(Exception)
def unhandled(e: Exception):
    _rollback()
    current_app.logger.exception(
        "unhandled error, request id %s, %s %s", g.get("request_id"), request.method, request.path
    )
    return error_response(500)
