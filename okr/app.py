"""The application factory: the one place that wires settings, extensions, blueprints, error
handlers and the CLI together, in named steps.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from okr.core import settings
from okr.core.web import database, i18n

PACKAGE_DIR = Path(__file__).parent
csrf = CSRFProtect()
login_manager = LoginManager()
htmx = Htmx()


def _resource_dir(name: str) -> str:
    """templates/ and static/ sit at the repository's top in a checkout and inside the package
    (okr/templates, okr/static) in a wheel; use whichever exists."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return str(inside)
    return str(PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    import os

    app = Flask(
        "okr",
        instance_path=os.environ.get("OKR_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=_resource_dir("templates"),
        static_folder=_resource_dir("static"),
    )
    settings.load(app, test_config)
    if app.config["AUDIT_GUARD"]:
        from okr.core import audit_guard

        audit_guard.install()  # under testing and debug: an unaudited plan write fails its commit
    _trust_proxies(app)
    _configure_logging(app)
    database.init_app(app)
    i18n.init_app(app)
    _init_security(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    from okr import cli

    cli.register(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind OKR_TRUSTED_PROXIES reverse proxies, take the client's address and scheme from the
    X-Forwarded-For and X-Forwarded-Proto headers they set (werkzeug's ProxyFix, trusting that
    many hops and no more), so the sign-in throttle counts per person's address and the session
    cookie is Secure over HTTPS. The Host header is expected to be passed through unchanged."""
    count = app.config["TRUSTED_PROXIES"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)


def _init_security(app: Flask) -> None:
    from okr.accounts import passwords

    passwords.use(app.config["PASSWORD_HASH"])
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        from datetime import timedelta

        from flask import session

        from okr.accounts import sessions
        from okr.core.web.database import app_engine, get_session

        try:
            uid = int(user_id)
        except (TypeError, ValueError):
            return None
        # The session must be live on the server (okr.accounts.sessions): signing out, the idle
        # and absolute limits, a password change or an admin end it for every copy of the cookie.
        user = sessions.load(
            session=get_session(),
            engine=app_engine(),
            user_id=uid,
            token=session.get("sid") if isinstance(session.get("sid"), str) else None,
            idle=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
            max_age=timedelta(hours=app.config["SESSION_MAX_HOURS"]),
        )
        if user is None or user.is_archived:
            return None
        # A password change or "sign out everywhere" raises session_version: older sessions end.
        if session.get("sv") != user.session_version:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, request, url_for

        from okr.core.web import json_error, wants_json

        if wants_json() or request.path.startswith("/api/"):
            return json_error(str(lazy_gettext("Sign in first.")), 401)
        if request.headers.get("HX-Request") == "true":
            resp = app.response_class("", 401)
            resp.headers["HX-Redirect"] = url_for("auth.login", next=request.full_path.rstrip("?"))
            return resp
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    from okr.core.web import security

    security.init_app(app)


#: Every blueprint, in the order its routes are matched: one line per feature's views.
BLUEPRINTS = (
    "okr.core.web.errors",
    "okr.home.views",
    "okr.accounts.views",
    "okr.admin.views",
    "okr.smart.views",
    "okr.plans.views",
    "okr.plandoc.views",
    "okr.history.views",
    "okr.raci.views",
    "okr.week.views",
    "okr.kpi.views",
    "okr.leadership.views",
    "okr.rhythm.views",
    "okr.budget.views",
    "okr.notify.views",
    "okr.api.views",
)


def _register_blueprints(app: Flask) -> None:
    import importlib

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)


def _register_template_helpers(app: Flask) -> None:
    from okr.core.web import fragments, template_helpers

    template_helpers.init_app(app)
    fragments.init_app(app)
