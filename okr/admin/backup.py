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


def is_empty(url: str) -> bool:
    """True when the database has no table of ours with a row (an empty or un-migrated one)."""
    from okr.core.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            for table in ("organisation", "app_user", "team"):
                if table in names and conn.execute(sa.text(f'SELECT 1 FROM "{table}" LIMIT 1')).first():  # nosec B608  # fixed names
                    return False
        return True
    finally:
        engine.dispose()


def restore(url: str, source: str | Path) -> None:
    """Load a backup made by :func:`backup` into the (empty) database at ``url``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if not is_empty(url):
        raise BackupError("the database is not empty: restore into a new, empty database")
    if backend_of(url) == "sqlite":
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not a sound SQLite backup")
            dst = sqlite3.connect(_sqlite_path(url))
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError as e:
            raise BackupError(f"{source} is not a SQLite backup ({e})") from None
        finally:
            src.close()
        return
    env, args = _pg_env_args(url)
    # An empty but migrated database has our tables: drop them first so the dump recreates them.
    result = subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
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
