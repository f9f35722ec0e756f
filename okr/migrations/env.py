"""Alembic environment: the URL comes from the caller (okr.core.migrate), never from an ini file."""

from alembic import context
from sqlalchemy import pool
from sqlmodel import SQLModel

import okr.core.models  # noqa: F401  (registers every table on the metadata)
from okr.core.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    engine.pool = pool.NullPool(engine.pool._creator)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - the product never runs offline migrations
    raise SystemExit("offline migrations are not supported: run `okr init`")
run_migrations_online()
