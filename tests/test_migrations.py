"""Migrations: an empty database upgrades to head, and the models match the migrations."""

from okr.core import migrate
from okr.core.db import get_engine


def test_upgrade_reaches_head_and_autogenerate_finds_no_difference(app):
    engine = get_engine(app.config["DATABASE_URL"])
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.pending_diff(engine) == []


def test_upgrade_of_an_empty_sqlite_file(tmp_path):
    from okr.core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.upgrade(engine)  # a second `okr init` is a no-op
    assert migrate.pending_diff(engine) == []
    engine.dispose()


def test_sqlite_pragmas_are_on(app):
    engine = get_engine(app.config["DATABASE_URL"])
    if engine.dialect.name != "sqlite":
        import pytest

        pytest.skip("SQLite pragmas apply to SQLite only")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
