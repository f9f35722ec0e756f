"""Database engines and the one session per request.

SQLite gets its pragmas (WAL, foreign keys, busy timeout) from a listener on our own engine;
PostgreSQL gets a pool sized for a gunicorn worker. Nothing here knows about tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlmodel import Session

_engines: dict[str, sa.Engine] = {}


def make_engine(url: str) -> sa.Engine:
    """A new engine for ``url``, with SQLite's pragmas switched on for every connection."""
    engine = _make_engine(url)
    sa.event.listen(engine, "before_cursor_execute", _count_query)
    return engine


def _count_query(*_args) -> None:
    """Count statements per request: the benchmark reads them from the X-Query-Count header
    (OKR_QUERY_COUNT_HEADER=true) to show that a page's query count does not grow with data."""
    if has_request_context():
        g.query_count = g.get("query_count", 0) + 1


def _make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 15},
            pool_pre_ping=False,
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Foreign keys are off by default in SQLite and must be switched on per connection.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=15000")
            if ":memory:" not in url and "mode=memory" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def get_engine(url: str | None = None) -> sa.Engine:
    """The process-wide engine for ``url`` (the app's database by default)."""
    if url is None:
        url = current_app.config["DATABASE_URL"]
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url)
    return engine


def dispose_engine(url: str) -> None:
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def dispose_all() -> None:
    """Close every pooled connection. A forking server calls this before its workers start: a
    connection opened in the parent must never be shared by two processes."""
    for url in list(_engines):
        dispose_engine(url)


def get_session() -> Session:
    """The request's session, opened on first use and closed when the request ends.

    It holds on to every row it loads until the request ends (``_hold``): the session's own
    identity map keeps rows only while something else refers to them, so a key result's
    objective looked up by the permission check was read again by each later step."""
    if "db_session" not in g:
        engine = get_engine()
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


@sa.event.listens_for(Session, "after_flush")
def _wrote(session, *_args) -> None:
    session.info["wrote"] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _wrote_statement(state) -> None:
    if not state.is_select:
        state.session.info["wrote"] = True


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _ended(session) -> None:
    session.info.pop("wrote", None)


@sa.event.listens_for(Session, "loaded_as_persistent")
def _hold(session, instance) -> None:
    held = session.info.get("hold")
    if held is not None:
        held.append(instance)


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
    app.teardown_appcontext(close_session)
    if app.config.get("QUERY_COUNT_HEADER"):

        @app.after_request
        def _query_count(resp):
            resp.headers["X-Query-Count"] = str(g.get("query_count", 0))
            return resp
