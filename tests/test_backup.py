"""`okr backup` then `okr restore` into an empty database gives back every row, equal."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
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


# --- a restore never touches a database that holds anything -------------------------------------


def _fingerprint(url: str) -> dict:
    """Every table with its rows, of whatever owner: what "left as it was" is checked against."""
    from okr.core.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for name in sa.inspect(conn).get_table_names():
                out[name] = sorted(map(tuple, conn.execute(sa.text(f'SELECT * FROM "{name}"')).all()))
            return out
    finally:
        engine.dispose()


def _drop(cleanup, url):
    from okr.core.db import dispose_engine

    dispose_engine(url)
    if cleanup:
        admin, name = cleanup
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _make_backup(app, tmp_path):
    target = tmp_path / "okr.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    return target


@pytest.mark.parametrize("holding", ["a table of someone else's with a row", "an empty table", "our empty tables"])
def test_restore_refuses_a_database_holding_any_table_and_leaves_it_as_it_was(app, demo, tmp_path, app_config, holding):
    from okr.core import migrate
    from okr.core.db import make_engine

    target = _make_backup(app, tmp_path)
    url, cleanup = _empty_database(app_config, tmp_path)
    try:
        engine = make_engine(url)
        with engine.begin() as conn:
            if holding == "our empty tables":
                pass
            else:
                conn.execute(sa.text("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total INTEGER)"))
                if "row" in holding:
                    conn.execute(sa.text("INSERT INTO invoice VALUES (1, 4200)"))
        if holding == "our empty tables":
            migrate.upgrade(engine)
        engine.dispose()
        before = _fingerprint(url)
        if url.startswith("sqlite"):
            raw = Path(make_url(url).database).read_bytes()
        with pytest.raises(backup.BackupError, match="not empty"):
            backup.restore(url, target)
        assert _fingerprint(url) == before
        if url.startswith("sqlite"):
            assert Path(make_url(url).database).read_bytes() == raw
        # The command says the same in one line.
        app.config["DATABASE_URL"] = url
        result = app.test_cli_runner().invoke(args=["restore", str(target)])
        assert result.exit_code != 0 and "not empty" in result.output
        assert _fingerprint(url) == before
    finally:
        _drop(cleanup, url)


def test_a_restored_sqlite_file_is_readable_by_its_owner_only(app, demo, tmp_path):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("file modes are SQLite's")
    target = _make_backup(app, tmp_path)
    restored = tmp_path / "restored" / "okr.sqlite"
    old = os.umask(0o022)
    try:
        backup.restore(f"sqlite:///{restored}", target)
    finally:
        os.umask(old)
    assert oct(restored.stat().st_mode & 0o777) == "0o600"


def test_a_refused_restore_creates_no_sqlite_file(app, tmp_path):
    bogus = tmp_path / "not-a-backup"
    bogus.write_text("hello")
    missing = tmp_path / "new.sqlite"
    with pytest.raises(backup.BackupError):
        backup.restore(f"sqlite:///{missing}", bogus)
    assert not missing.exists()


def test_the_live_sqlite_database_is_created_readable_by_its_owner_only(tmp_path):
    from okr.core import migrate
    from okr.core.db import make_engine

    path = tmp_path / "instance" / "okr.sqlite"
    path.parent.mkdir()
    old = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        engine.dispose()
    finally:
        os.umask(old)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
