"""Schema migrations through Alembic, driven from Python (no alembic.ini to carry around).

`okr init` upgrades to head; `okr run` and /healthz ask for the current and head revisions.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parents[1] / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def pending_diff(engine: sa.Engine) -> list:
    """Differences Alembic's autogenerate finds between the models and the database."""
    from sqlmodel import SQLModel

    import okr.core.models  # noqa: F401

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def next_revision_id() -> str:
    """The id after the highest of the numbered revisions: "0010" after "0009"."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    numbers = [int(rev.revision) for rev in script.walk_revisions() if rev.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def revision(message: str, *, autogenerate: bool = True) -> Path:
    """Write a new migration with the next numbered id and return its file (a developer's command).

    Autogenerate compares the models with a scratch SQLite database upgraded to head, so it needs
    no database of one's own and never touches one; empty writes upgrade() and downgrade() to fill.
    """
    import tempfile

    from okr.core.db import make_engine

    rev_id = next_revision_id()
    if not autogenerate:
        script = command.revision(alembic_config("sqlite://"), message=message, rev_id=rev_id)
        return Path(script.path)
    with tempfile.TemporaryDirectory(prefix="okr-revision-") as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'head.sqlite'}")
        try:
            upgrade(engine)
            cfg = alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                script = command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    return Path(script.path)
