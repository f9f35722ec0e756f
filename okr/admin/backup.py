"""Backups and restores of the whole database: SQLite through its online backup API (safe while
the app runs), PostgreSQL through `pg_dump -Fc` / `pg_restore`. No Flask here.

A restore goes into an empty database only, so a mistyped path never overwrites live data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore are run with argument lists, no shell
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup or restore could not be done; the message says why in one line."""


def backend_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _pg_env_args(url: str) -> tuple[dict, list[str]]:
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    args = []
    if u.host:
        args += ["-h", u.host]
    if u.port:
        args += ["-p", str(u.port)]
    if u.username:
        args += ["-U", u.username]
    return env, args + ["-d", u.database or "postgres"]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return found


def _private_file(target: Path) -> None:
    """Create ``target`` empty with mode 0600 (a backup holds password hashes), refusing one that
    exists: O_EXCL makes the check and the creation one step."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{target} exists already: choose a new file name") from None
    except OSError as e:
        raise BackupError(f"cannot write {target}: {e.strerror}") from None
    os.close(fd)
    os.chmod(target, 0o600)  # whatever the umask said


def _last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    for line in lines:
        if "error:" in line or "FATAL:" in line:
            return line
    return lines[-1] if lines else "no message"


def backup(url: str, target: str | Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target`` (which must not exist),
    readable by its owner only (mode 0600)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    if backend_of(url) == "sqlite":
        source = _sqlite_path(url)
        if not Path(source).is_file():
            # sqlite3.connect would create an empty database there and back that up.
            raise BackupError(f"there is no database at {source}: check OKR_DATABASE_URL")
    else:
        pg_dump = _tool("pg_dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    _private_file(target)
    if backend_of(url) == "sqlite":
        try:
            src = sqlite3.connect(source)
            try:
                dst = sqlite3.connect(str(target))
                try:
                    src.backup(dst)
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.Error as e:
            target.unlink(missing_ok=True)
            raise BackupError(f"cannot back up {source}: {e}") from None
        return target
    env, args = _pg_env_args(url)
    # pg_dump opens the file we created for writing: it keeps its mode 0600.
    result = subprocess.run(
        [pg_dump, "-Fc", "--no-owner", "--no-acl", "-f", str(target), *args],  # nosec B603
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError("pg_dump failed: " + _last_error(result.stderr))
    return target


_PG_HOLDINGS = sa.text(
    """
    SELECT n.nspname || '.' || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    ORDER BY 1
    """
)


def _sqlite_holdings(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def holdings(url: str) -> list[str]:
    """The tables, views and sequences the database at ``url`` holds (any of ours or anyone
    else's; a row needs a table, so none means no row either). A SQLite file that does not exist
    holds nothing and is not created by asking."""
    if backend_of(url) == "sqlite":
        path = _sqlite_path(url)
        if not Path(path).exists():
            return []
        conn = sqlite3.connect(path)
        try:
            return _sqlite_holdings(conn)
        except sqlite3.DatabaseError as e:
            raise BackupError(f"{path} is not a SQLite database ({e}): restore into a new file") from None
        finally:
            conn.close()
    from okr.core.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(_PG_HOLDINGS)]
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    """True when the database holds no table, view or sequence at all (so no row either)."""
    return not holdings(url)


def _refuse_if_held(names: list[str]) -> None:
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        raise BackupError(
            f"the database is not empty (it holds {shown}): restore into a new, empty database "
            "(createdb NAME, or a new SQLite file); nothing was changed"
        )


def restore(url: str, source: str | Path) -> None:
    """Load a backup made by :func:`backup` into the database at ``url``, which must hold no table
    and no row at all (not even this app's empty tables): a mistyped URL never overwrites or
    drops anything, and a refused restore leaves the database as it was.

    SQLite: the file is created with mode 0600 when it does not exist (it will hold password
    hashes), checked and filled over one connection. PostgreSQL: `pg_restore` in one transaction
    without ``--clean``, so it drops nothing, and on any error nothing stays.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if backend_of(url) == "sqlite":
        _restore_sqlite(_sqlite_path(url), source)
        return
    _refuse_if_held(holdings(url))
    env, args = _pg_env_args(url)
    result = subprocess.run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-acl",  # nosec B603
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + _last_error(result.stderr))


def _restore_sqlite(path: str, source: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            sound = src.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError as e:
            raise BackupError(f"{source} is not a SQLite backup ({e})") from None
        if not sound:
            raise BackupError(f"{source} is not a sound SQLite backup")
        target = Path(path)
        created = False
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            _private_file(target)
            created = True
        try:
            dst = sqlite3.connect(path)
        except sqlite3.Error as e:
            raise BackupError(f"cannot open {path}: {e}") from None
        try:
            try:
                held = _sqlite_holdings(dst)
            except sqlite3.DatabaseError as e:
                raise BackupError(f"{path} is not a SQLite database ({e}): restore into a new file") from None
            _refuse_if_held(held)
            # The check and the copy share this connection; the copy is one step (all pages).
            src.backup(dst)
        except BaseException:
            dst.close()
            if created:
                target.unlink(missing_ok=True)
            raise
        dst.close()
        os.chmod(target, 0o600)  # it holds password hashes, like the backup it came from
    finally:
        src.close()
