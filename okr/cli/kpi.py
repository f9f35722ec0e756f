"""`okr kpi values FILE.csv`: KPI values from a spreadsheet (``key,date,value,note``), through the
same operation as the board's forms: all or nothing, every bad row named by row and column.
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
