"""`okr db revision "message"`: a developer's command writing the next numbered Alembic migration.

`okr init` applies migrations; this group only writes them (into okr/migrations/versions).
"""

from __future__ import annotations

import click

from okr.cli import COMMANDS


@click.group("db")
def db_group():
    """Schema migrations (a developer's commands; `okr init` applies them)."""


@db_group.command("revision")
@click.argument("message")
@click.option(
    "--empty", is_flag=True, help="Write empty upgrade() and downgrade() to fill in, instead of comparing the models."
)
def revision_command(message, empty):
    """Write the next migration, numbered after the newest (0010 after 0009).

    By default its operations are what Alembic's autogenerate finds between the models and the
    schema at head (built in a scratch SQLite database, so your own database is not needed);
    review them before committing."""
    from okr.core import migrate

    if not message.strip():
        raise click.BadParameter("say what the migration changes", param_hint="MESSAGE")
    path = migrate.revision(message.strip(), autogenerate=not empty)
    click.echo(f"Wrote {path}")


COMMANDS.append(db_group)
