"""The one database session per request: opened on first use, committed or rolled back and
closed when the request ends, and the statements it ran counted for the benchmark.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlmodel import Session

from okr.core.db import get_engine


def app_engine() -> sa.Engine:
    """The engine of the app's database (``DATABASE_URL``)."""
    return get_engine(current_app.config["DATABASE_URL"])


def get_session() -> Session:
    """The request's session, opened on first use and closed when the request ends.

    It holds on to every row it loads until the request ends (``_hold``): the session's own
    identity map keeps rows only while something else refers to them, so a key result's
    objective looked up by the permission check was read again by each later step."""
    if "db_session" not in g:
        engine = app_engine()
        if engine.dialect.name == "postgresql" and request.method in READ_METHODS:
            engine = _reading(engine)
        g.db_session = Session(engine, expire_on_commit=False, info={"hold": []})
    return g.db_session


#: Requests that only read: on PostgreSQL they run without a transaction of their own. At READ
#: COMMITTED (the default) each statement sees what was committed when it began either way, so
#: nothing changes for the page; it saves the BEGIN and ROLLBACK round trips, and psycopg keeps
#: its prepared statements (it forgets them on every ROLLBACK), so a page's statements are
#: parsed and planned once per connection instead of on every request.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_readers: dict[int, tuple[sa.Engine, sa.Engine]] = {}


def _reading(engine: sa.Engine) -> sa.Engine:
    found = _readers.get(id(engine))
    if found is None or found[0] is not engine:
        found = _readers[id(engine)] = (engine, engine.execution_options(isolation_level="AUTOCOMMIT"))
    return found[1]


def close_session(exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        if exc is None and not session.info.get("wrote") and not (session.new or session.dirty or session.deleted):
            # Only reads since the last commit (a write's page is read after it commits):
            # COMMIT ends them as well as ROLLBACK and, unlike it, leaves psycopg's prepared
            # statements in place. Anything written and not committed is rolled back.
            session.commit()
        else:
            session.rollback()
        session.close()
        session.info.pop("hold", None)


def init_app(app) -> None:
    if not sa.event.contains(sa.engine.Engine, "before_cursor_execute", _count_query):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", _count_query)
    app.teardown_appcontext(close_session)
    if app.config.get("QUERY_COUNT_HEADER"):

        @app.after_request
        def _query_count(resp):
            resp.headers["X-Query-Count"] = str(g.get("query_count", 0))
            return resp


def _count_query(*_args) -> None:
    """Count statements per request: the benchmark reads them from the X-Query-Count header
    (OKR_QUERY_COUNT_HEADER=true) to show that a page's query count does not grow with data."""
    if has_request_context():
        g.query_count = g.get("query_count", 0) + 1
