"""Counting the SQL statements a request makes: pages must not issue one query per row."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def count_statements(app):
    """Collect every statement sent to the app's database inside the ``with`` block."""
    from okr.core.db import get_engine

    engine = get_engine(app.config["DATABASE_URL"])
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
