"""The `okr` command: init, demo, run, create-user (and the commands other modules add).

Commands reuse the same operations as the pages (okr.plans.ops, okr.plandoc.importer) and commit once.
A bad setting stops any command with a one-line message naming it.
"""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import pass_script_info, with_appcontext

from okr.accounts.rules import MIN_PASSWORD

COMMANDS: list[click.Command] = []


class DatabaseUnavailable(click.ClickException):
    """The configured database cannot be reached or opened: one line naming OKR_DATABASE_URL and
    what to do, exit code 2 (as for a bad setting), never a traceback."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"okr: {self.format_message()}", err=True)


def database_unavailable(error: BaseException) -> DatabaseUnavailable:
    """The one-line message for a database that refused the first connection."""
    orig = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    # psycopg: "connection failed: connection to server at ... failed: Connection refused"
    reason = lines[0] if lines else type(orig).__name__
    if "FATAL:" in reason:
        reason = reason.split("FATAL:", 1)[1].strip()
    if len(reason) > 200:
        reason = reason[:200] + "…"
    if current_app.config["DATABASE_URL"].startswith("sqlite"):
        todo = "check that its folder exists and is writable, or set OKR_DATABASE_URL to another file"
    else:
        todo = "start the PostgreSQL server, create the database (createdb), or correct OKR_DATABASE_URL"
    return DatabaseUnavailable(f"cannot open the database OKR_DATABASE_URL={_database_label()} ({reason}): {todo}")


def require_database() -> None:
    """Open one connection, so a command that reaches the database by other means (pg_dump)
    reports an unreachable one in the same single line."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from okr.core.web.database import app_engine

    try:
        with app_engine().connect():
            pass
    except (OperationalError, InterfaceError) as error:
        raise database_unavailable(error) from None


def _connects() -> bool:
    """Whether a fresh connection to the configured database opens (a probe on the error path)."""
    from okr.core.db import make_engine

    engine = make_engine(current_app.config["DATABASE_URL"])
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _guard_database(fn):
    """A command whose first connection fails says so in one line instead of a traceback. An
    operational error after the database was reached (a lock, a full disk) is re-raised as is."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import InterfaceError, OperationalError

        try:
            return fn(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if _connects():
                raise
            raise database_unavailable(error) from None

    return wrapper


def command(*args, **kwargs):
    """Register a command on the `okr` group (used by feature modules too)."""

    def deco(fn):
        cmd = click.command(*args, **kwargs)(with_appcontext(_guard_database(fn)))
        COMMANDS.append(cmd)
        return cmd

    return deco


#: The command modules besides this one: one line per group.
GROUPS = (
    "okr.cli.plans",
    "okr.cli.admin",
    "okr.cli.bench",
    "okr.cli.db",
    "okr.cli.kpi",
    "okr.cli.notify",
    "okr.cli.token",
)


def register(app) -> None:
    # Each group module adds its commands with @command when imported.
    import importlib

    for name in GROUPS:
        importlib.import_module(name)
    for cmd in COMMANDS:
        if cmd.name not in app.cli.commands:
            app.cli.add_command(cmd)


def _session():
    from sqlmodel import Session

    from okr.core.web.database import app_engine

    return Session(app_engine(), expire_on_commit=False)


def _schema_state() -> tuple[str | None, str]:
    """(the database's schema revision, the one this version needs); the first connection of
    most commands, so an unreachable database is one line here."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from okr.core import migrate
    from okr.core.web.database import app_engine

    try:
        current = migrate.current_revision(app_engine())
    except (OperationalError, InterfaceError) as error:
        raise database_unavailable(error) from None
    return current, migrate.head_revision()


def _database_label() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


@command("init")
def init_command():
    """Create the database or upgrade it to the latest schema."""
    from okr.core import migrate
    from okr.core.web.database import app_engine

    before, head = _schema_state()
    migrate.upgrade(app_engine())
    if before == head:
        click.echo(f"Database {_database_label()} is up to date (schema {head}).")
    else:
        click.echo(f"Database {_database_label()} upgraded from {before or 'empty'} to schema {head}.")


def _require_current_schema() -> None:
    current, head = _schema_state()
    if current != head:
        raise click.ClickException(
            f"the database schema is {current or 'empty'} but this version needs {head}: run `okr init` first"
        )


@command("demo")
def demo_command():
    """Seed the demo organisation (does nothing if it exists) and print its logins."""
    from okr.seed import demo

    _require_current_schema()
    with _session() as session:
        result = demo.seed_demo(
            session=session, today=date.today(), fiscal_start=current_app.config["FISCAL_YEAR_START"]
        )
        session.commit()
    click.echo(result.summary() if hasattr(result, "summary") else "Demo organisation ready.")
    _print_logins()


def _print_logins() -> None:
    from okr.seed import demo

    click.echo(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_LOGINS:
        click.echo(f"  {email:<28} {role}")


#: The password rule's problems (okr.accounts.rules), as create-user says them.
PASSWORD_PROBLEMS = {
    "short": f"use at least {MIN_PASSWORD} characters",
    "guessable": "too easy to guess: avoid common passwords, names, dates and simple patterns "
    "(a few unrelated words make a good one)",
    "unstorable": "it holds characters that cannot be stored",
}


@command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as shown in the app.")
@click.option(
    "--password", required=True, help="At least 12 characters and hard to guess (the same rule as on the web)."
)
@click.option("--admin", is_flag=True, help="Make the person an organisation admin.")
@click.option("--team", "team_slug", default=None, help="Slug of a team to join.")
@click.option("--role", default="member", type=click.Choice(["admin", "manager", "member", "viewer"]))
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: the only one, or a new one).")
def create_user_command(email, name, password, admin, team_slug, role, org_slug):
    """Create a person who can sign in."""
    from sqlmodel import func, select

    from okr.accounts.passwords import hash_password
    from okr.accounts.rules import password_problem
    from okr.core import models as m

    _require_current_schema()
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    problem = password_problem(password, (email, name))
    if problem is not None:
        raise click.BadParameter(PASSWORD_PROBLEMS[problem], param_hint="--password")
    with _session() as session:
        if session.exec(select(m.User).where(func.lower(m.User.email) == email)).first():
            raise click.ClickException(f"{email} already exists")
        if org_slug:
            org = session.exec(select(m.Organisation).where(m.Organisation.slug == org_slug)).first()
            if org is None:
                raise click.ClickException(f"no organisation {org_slug!r}")
        else:
            orgs = session.exec(select(m.Organisation)).all()
            if len(orgs) > 1:
                raise click.ClickException("several organisations exist: name one with --org")
            org = orgs[0] if orgs else None
            if org is None:
                org = m.Organisation(slug="main", name="Organisation")
                session.add(org)
                session.flush()
        team = None
        if team_slug:
            team = session.exec(select(m.Team).where(m.Team.org_id == org.id, m.Team.slug == team_slug)).first()
            if team is None:
                raise click.ClickException(f"no team {team_slug!r} in {org.slug}")
        user = m.User(
            org_id=org.id, email=email, name=name.strip()[:120], password_hash=hash_password(password), is_admin=admin
        )
        session.add(user)
        session.flush()
        if team is not None:
            session.add(m.Membership(user_id=user.id, team_id=team.id, role=role))
        session.commit()
    click.echo(f"Created {email}{' (admin)' if admin else ''}{f' in {team_slug} as {role}' if team else ''}.")


#: Threads per gunicorn worker: a request waiting on the database or a slow client holds one
#: thread, not the worker (docs/security.md, "Serving").
THREADS = 8


def gunicorn_settings(host: str, port: int, workers: int) -> dict:
    """How `okr run` configures gunicorn (docs/security.md, "Serving"):

    * ``gthread`` workers with :data:`THREADS` threads each: a slow client holds one thread, and
      connections that have sent nothing yet wait in the worker's poller, not in a thread;
      request bodies are read whole, within a size and a time limit, before the app sees them
      (okr.core.web.bodies), so a client that stalls mid-body is dropped after seconds;
    * ``timeout`` 30 s: a worker stuck that long is restarted; ``graceful_timeout`` 30 s;
      ``keepalive`` 5 s;
    * ``forwarded_allow_ips`` empty and no ``secure_scheme_headers``: gunicorn trusts no
      X-Forwarded-* header from anyone, loopback included. Which proxy headers count is the
      app's decision alone (OKR_TRUSTED_PROXIES and werkzeug's ProxyFix);
    * no control socket (it cannot be created in sandboxes, and nothing here uses it).
    """
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": "-",
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "control_socket_disable": True,
    }


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers")
@click.option("--dev", is_flag=True, help="Use Flask's development server even if gunicorn is installed.")
@pass_script_info
def run_command(info, host, port, workers, dev):
    """Serve the app: gunicorn when installed, else Flask's development server."""
    app = info.load_app()
    # The checks run in an app context of their own; the server must run outside any, or every
    # request would share one `g` (and one signed-in user) with the others.
    with app.app_context():
        _require_current_schema()
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        click.echo(f"OKR planner on http://{shown_host}:{port}/  (database: {_database_label()})")
        try:
            from sqlmodel import select

            from okr.core import models as m

            with _session() as session:
                has_demo = session.exec(select(m.Organisation).where(m.Organisation.slug == "demo")).first() is not None
            if has_demo:
                _print_logins()
        except Exception:  # the logins are a courtesy; never stop serving for them
            pass
    sys.stdout.flush()
    from okr.core.db import dispose_all

    dispose_all()  # the checks above opened connections: the workers must not inherit them
    gunicorn = None
    if not dev:
        try:
            from gunicorn.app.base import BaseApplication as gunicorn
        except ImportError:
            gunicorn = None
    if gunicorn is None:
        app.run(host=host, port=port, debug=False, use_reloader=False)
        return

    class Server(gunicorn):
        def load_config(self):
            for name, value in gunicorn_settings(host, port, workers).items():
                if name in self.cfg.settings:  # settings of newer gunicorns only where they exist
                    self.cfg.set(name, value)
            self.cfg.set("post_fork", lambda _server, _worker: dispose_all())

        def load(self):
            return app

    Server().run()
