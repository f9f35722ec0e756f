"""`okr token create EMAIL --name NAME [--write] [--days N]`: a personal access token for a script,
made by the same operation as the tokens page and printed once (only its hash is stored).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from okr.cli import COMMANDS, _guard_database, _require_current_schema, _session


@click.group("token")
def token_group():
    """Personal access tokens for the /api/v1 endpoints."""


COMMANDS.append(token_group)


@token_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, as listed on the person's tokens page.")
@click.option("--write", is_flag=True, help="Let the token change what its person may change (default: read only).")
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True, help="Days until it expires.")
@with_appcontext
@_guard_database
def create_command(email, name, write, days):
    """Create a token for the person with this email and print it (it is shown only this once)."""
    from sqlmodel import func, select

    from okr.api import ops
    from okr.core import models as m
    from okr.core.writes import PlanningError

    _require_current_schema()
    email = email.strip().lower()
    with _session() as session:
        user = session.exec(select(m.User).where(func.lower(m.User.email) == email)).first()
        if user is None or user.is_archived:
            raise click.BadParameter(f"no active person with the email {email}", param_hint="EMAIL")
        try:
            _row, text = ops.create_token(
                session=session,
                actor_id=None,
                user=user,
                name=name,
                scope="write" if write else "read",
                days=days,
                now=m.utcnow(),
            )
        except PlanningError as error:
            raise click.BadParameter(str(error), param_hint="--name") from None
        session.commit()
    click.echo(text)
