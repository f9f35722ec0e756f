"""The `okr` command (and `python -m okr`): every command group on one Flask group that builds
the app once, up front, so a bad setting is one clear line rather than a traceback.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup, routes_command, shell_command

from okr.cli import run_command
from okr.core.settings import SettingsError


def _create_app():
    from okr.app import create_app

    try:
        return create_app()
    except SettingsError as e:
        click.echo(f"okr: {e}", err=True)
        sys.exit(2)


def main() -> None:
    group = FlaskGroup(
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        help="Operations planning and OKR tracker.",
    )
    # `run` belongs to the group, not the app: app commands get an app context pushed around
    # them, and a server started inside one would share `g` across all its requests.
    group.add_command(run_command)
    group.add_command(routes_command)
    group.add_command(shell_command)
    # Load the app up front so a bad setting is one clear line, not a traceback.
    _create_app()
    group.main(prog_name="okr")


if __name__ == "__main__":
    main()
