"""Database engines, one per URL and process, and what every session records of itself.

SQLite gets its pragmas (WAL, foreign keys, busy timeout) from a listener on our own engine;
PostgreSQL gets a pool sized for a gunicorn worker. No Flask here: the one session per request
is okr.core.web.database's. Nothing here knows about tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

_engines: dict[str, sa.Engine] = {}


def _private_sqlite_file(url: str) -> None:
    """Create a SQLite database file that does not exist yet with mode 0600, as backups are: it
    holds password hashes. SQLite would create it with the umask's mode (often 0644); its -wal
    and -shm files take the main file's mode. An existing file keeps the mode it has."""
    import os

    path = sa.engine.make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or "mode=memory" in url:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError, NotADirectoryError):
        return  # there already, or no folder for it: SQLite opens it or says why
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask said


def make_engine(url: str) -> sa.Engine:
    """A new engine for ``url``, with SQLite's pragmas switched on for every connection (and its
    file, when new, created readable by its owner only)."""
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
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


def get_engine(url: str) -> sa.Engine:
    """The process-wide engine for ``url``."""
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
