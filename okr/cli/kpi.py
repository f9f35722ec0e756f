"""`okr kpi values FILE.csv`: KPI values from a spreadsheet (``key,date,value,note``), through the same
operation as the board's forms; `okr kpi import FILE.json`: the KPIs of a plan document's ``kpis``
section. Both all or nothing, every problem named by its row and column or its path.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from okr.cli import COMMANDS, _guard_database, _require_current_schema, _session
from okr.cli.plans import _org_id


@click.group("kpi")
def kpi_group():
    """KPIs: enter values from a file."""


COMMANDS.append(kpi_group)


@kpi_group.command("values")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: the only one).")
@with_appcontext
@_guard_database
def values_command(path, org_slug):
    """Record KPI values from a CSV file with the columns key, date, value and note (a header row
    naming them is optional; a second value for a date replaces the first)."""
    from okr.kpi import ops, rows
    from okr.kpi.words import row_problem

    _require_current_schema()
    with click.open_file(path, encoding="utf-8-sig") as fh:
        try:
            text = fh.read()
        except UnicodeDecodeError:
            raise click.ClickException(f"{path} is not UTF-8 text") from None
    parsed, problems = rows.parse_rows(text)
    with _session() as session:
        org_id = _org_id(session, org_slug)
        # Rows that read well are checked against the KPIs too, so one run names every problem.
        problems += ops.record_rows(
            session=session,
            actor_id=None,
            org_id=org_id,
            rows=parsed,
            fiscal_start=current_app.config["FISCAL_YEAR_START"],
        )
        problems.sort(key=lambda p: p.row)
        if problems:
            session.rollback()
            for p in problems:
                click.echo(row_problem(p), err=True)
            raise click.ClickException(f"{len(problems)} problem(s); nothing was recorded")
        session.commit()
    kpis = len({r.key for r in parsed})
    click.echo(f"Recorded {len(parsed)} value(s) of {kpis} KPI(s).")


@kpi_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check the KPIs and say what would be created; write nothing.")
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: the only one).")
@with_appcontext
@_guard_database
def import_command(path, dry_run, org_slug):
    """Import the KPIs of a plan document's "kpis" section (a whole document, or the list alone)
    into existing teams: all or nothing, every problem with its path."""
    import json

    from sqlmodel import select

    from okr.core import models as m
    from okr.kpi import document

    _require_current_schema()
    with click.open_file(path, encoding="utf-8-sig") as fh:
        try:
            doc = json.load(fh)
        except ValueError as e:
            raise click.ClickException(f"{path} is not JSON: {e}") from None
    section = doc.get("kpis") if isinstance(doc, dict) else doc
    fiscal_start = current_app.config["FISCAL_YEAR_START"]
    with _session() as session:
        org_id = _org_id(session, org_slug)
        teams = session.exec(select(m.Team.slug).where(m.Team.org_id == org_id)).all()
        people = session.exec(select(m.User.email).where(m.User.org_id == org_id)).all()
        issues, rows = document.check_kpis(
            section,
            teams=teams,
            people=people,
            existing=document.existing_kpis(session, org_id),
            fiscal_start=fiscal_start,
        )
        if issues:
            for issue in issues:
                click.echo(str(issue), err=True)
            raise click.ClickException(f"{len(issues)} problem(s); nothing was imported")
        counts = document.import_kpis(rows, session=session, org_id=org_id, actor_id=None, fiscal_start=fiscal_start)
        if dry_run:
            session.rollback()
            click.echo(
                f"Dry run: the KPIs are valid and would create {counts['kpis']} KPIs with {counts['kpi_values']} values."
            )
            return
        session.commit()
    click.echo(f"Imported {counts['kpis']} KPIs with {counts['kpi_values']} values.")
