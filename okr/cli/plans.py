"""`okr import FILE.json [--dry-run]` and `okr export --team SLUG --year 2026 [-o FILE]`: plan
documents from the command line, through the same importer and exporter as the plan pages.
"""

from __future__ import annotations

import json
import sys

import click
from flask import current_app

from okr.cli import _require_current_schema, _session, command


def _org_id(session, org_slug: str | None) -> int:
    from sqlmodel import select

    from okr.core import models as m

    orgs = session.exec(select(m.Organisation).order_by(m.Organisation.id)).all()
    if org_slug:
        found = [o for o in orgs if o.slug == org_slug]
        if not found:
            raise click.ClickException(f"no organisation with slug {org_slug!r}")
        return found[0].id
    if len(orgs) == 1:
        return orgs[0].id
    if not orgs:
        org = m.Organisation(slug="main", name="Main")
        session.add(org)
        session.flush()
        return org.id
    raise click.ClickException("several organisations exist: name one with --org SLUG")


@command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check the document and list what would be created; write nothing.")
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: the only one).")
def import_command(path, dry_run, org_slug):
    """Import a plan document (okr-plan/1): all or nothing, every error with its path."""
    from okr.plandoc import importer as plandoc

    _require_current_schema()
    with click.open_file(path, encoding="utf-8-sig") as fh:
        try:
            doc = json.load(fh)
        except ValueError as e:
            raise click.ClickException(f"{path} is not JSON: {e}") from None
    with _session() as session:
        org_id = _org_id(session, org_slug)
        result = plandoc.import_plan(
            doc,
            session=session,
            org_id=org_id,
            actor_id=None,
            dry_run=dry_run,
            fiscal_start=current_app.config["FISCAL_YEAR_START"],
        )
        if result.issues:
            session.rollback()
            for issue in result.issues:
                click.echo(f"{issue.path or '(document)'}: {issue.message}", err=True)
            raise click.ClickException(f"{len(result.issues)} problem(s); nothing was imported")
        created = dict(getattr(result, "created", {}) or {})
        summary = ", ".join(f"{n} {k}" for k, n in created.items() if n) or "nothing new"
        if dry_run:
            session.rollback()
            click.echo(f"Dry run: the document is valid and would create {summary}.")
        else:
            session.commit()
            click.echo(f"Imported {summary}.")
            for email, password in (getattr(result, "passwords", {}) or {}).items():
                click.echo(f"  new login {email}: {password} (shown once)")


@command("export")
@click.option(
    "--team", "team_slug", required=True, help="Slug of the team whose plan to export (its teams below come too)."
)
@click.option("--year", type=int, required=True, help="The fiscal year, e.g. 2026.")
@click.option(
    "-o",
    "--output",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write (default: standard output).",
)
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: the only one).")
def export_command(team_slug, year, output, org_slug):
    """Export a team's plan for a year as a plan document (okr-plan/1)."""
    from okr.plandoc import exporter as plandoc

    _require_current_schema()
    with _session() as session:
        org_id = _org_id(session, org_slug)
        try:
            doc = plandoc.export_plan(
                session=session,
                org_id=org_id,
                team_slug=team_slug,
                year=year,
                fiscal_start=current_app.config["FISCAL_YEAR_START"],
            )
        except LookupError as e:  # no such team: a message, not a traceback
            raise click.ClickException(str(e.args[0] if e.args else e)) from None
        finally:
            session.rollback()
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as e:  # a missing folder, no permission, a full disk: one line, no traceback
            raise click.ClickException(f"cannot write {output}: {e.strerror or e}") from None
        click.echo(f"Wrote {output}.")
