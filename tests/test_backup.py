"""`okr backup` then `okr restore` into an empty database gives back every row, equal."""

from __future__ import annotations

import os
import uuid

import sqlalchemy as sa
from test_security_world import dump

from okr.admin import backup


def _empty_database(app_config, tmp_path):
    url = app_config["DATABASE_URL"]
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite'}", None
    base = sa.engine.make_url(url)
    name = f"okr_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return base.set(database=name).render_as_string(hide_password=False), (admin, name)


def test_backup_and_restore_give_back_every_row(app, demo, tmp_path, app_config):
    from okr.core.db import dispose_engine, get_engine, make_engine

    src = app.config["DATABASE_URL"]
    before = dump(get_engine(src))
    assert sum(len(rows) for rows in before.values()) > 50
    runner = app.test_cli_runner()
    target = tmp_path / "okr.admin.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output

    url, cleanup = _empty_database(app_config, tmp_path)
    try:
        backup.restore(url, target)
        engine = make_engine(url)
        try:
            after = dump(engine)
        finally:
            engine.dispose()
        assert after == before
        # A second restore is refused: the database is no longer empty.
        try:
            backup.restore(url, target)
        except backup.BackupError as e:
            assert "not empty" in str(e)
        else:
            raise AssertionError("restore into a non-empty database was accepted")
    finally:
        dispose_engine(url)
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_restore_command_refuses_a_live_database(app, demo, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["restore", str(target)])
    assert result.exit_code != 0 and "not empty" in result.output


def test_a_backup_is_readable_by_its_owner_only(app, make, tmp_path):
    """It holds password hashes: mode 0600 whatever the umask, for SQLite and pg_dump alike."""
    make.user(team=make.team())
    runner = app.test_cli_runner()
    old = os.umask(0)
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "nested" / "okr.backup")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    target = tmp_path / "nested" / "okr.backup"
    assert target.stat().st_size > 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_backup_of_a_missing_sqlite_file_creates_nothing(app_config, tmp_path):
    missing = tmp_path / "typo.sqlite"
    try:
        backup.backup(f"sqlite:///{missing}", tmp_path / "out.backup")
    except backup.BackupError as e:
        assert "no database" in str(e)
    else:
        raise AssertionError("a backup of a missing database file was written")
    assert not missing.exists() and not (tmp_path / "out.backup").exists()
