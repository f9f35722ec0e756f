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


def backup(url: str, target: str | Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target`` (which must not exist)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if backend_of(url) == "sqlite":
        src = sqlite3.connect(_sqlite_path(url))
        try:
            dst = sqlite3.connect(str(target))
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return target
    env, args = _pg_env_args(url)
    result = subprocess.run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-acl", "-f", str(target), *args],  # nosec B603
                            env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError("pg_dump failed: " + (result.stderr.strip().splitlines() or ["no message"])[-1])
    return target


def is_empty(url: str) -> bool:
    """True when the database has no table of ours with a row (an empty or un-migrated one)."""
    from okr.db import make_engine

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
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",  # nosec B603
                             "--single-transaction", "--exit-on-error", *args, str(source)],
                            env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + (result.stderr.strip().splitlines() or ["no message"])[-1])
