"""The administrator's commands: `okr backup PATH` and `okr restore PATH`.

Registered on the `okr` group through okr.cli.command; imported by the admin blueprint.
"""

from __future__ import annotations

import click
from flask import current_app

from okr.cli import command


@command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Write a consistent backup of the database to PATH (SQLite copy or pg_dump -Fc)."""
    from okr.admin import backup
    from okr.cli import require_database

    url = current_app.config["DATABASE_URL"]
    if backup.backend_of(url) == "postgresql":
        require_database()  # before pg_dump, so an unreachable server is the usual one line
    try:
        written = backup.backup(url, path)
    except backup.BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Backup written to {written}.")


@command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path):
    """Load a backup from PATH into the configured database, which must be empty."""
    from okr.admin import backup
    from okr.core.db import dispose_engine

    url = current_app.config["DATABASE_URL"]
    dispose_engine(url)
    try:
        backup.restore(url, path)
    except backup.BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Restored {path}.")
