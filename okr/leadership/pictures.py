"""The pictures at the top of a rollup page, from a rollup (okr.rollup.state.Rollup) in the
request's language: the heatmap of teams against their goals (a year) or objectives (a quarter),
each team's progress against pace, and the team's trend against pace and target. The drawing is
okr.leadership.charts (pure); this module picks the figures and the words."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from okr.core import periods
from okr.leadership import charts


def _f(value) -> float | None:
    return None if value is None else float(value)


def _status_words() -> dict[str, str]:
    return {
        "on_track": _("on track"),
        "at_risk": _("at risk"),
        "off_track": _("off track"),
        "no_data": _("no data"),
    }


def _columns(r) -> dict:
    """Each team's own goals (a year) or objectives (a quarter), wherever the tree holds them (a
    team's goal may sit under the goal of the team above that it supports), in tree order."""
    kind = "goal" if isinstance(r.period, periods.Year) else "objective"
    out: dict = {}
    seen = set()
    for n in r.root.walk():
        if n.kind != kind or n.id in seen:
            continue
        seen.add(n.id)
        team = r.meta.get((kind, n.id), {}).get("team")
        if team is not None:
            out.setdefault(team.id, []).append(n)
    return out


def rows(r, explain_base: str, team_base: str) -> list[charts.Row]:
    """One row per team of the rollup, the team itself first, then the teams under it in the
    tree's order."""
    out = []
    columns = _columns(r)
    for n in r.root.walk():
        if n.kind != "team":
            continue
        team = r.teams.get(n.id)
        cells = [
            charts.Cell(c.title, _f(c.progress), c.status, explain_base.format(c.kind, c.id))
            for c in columns.get(n.id, [])
        ]
        out.append(
            charts.Row(
                team_id=n.id,
                name=team.name if team else n.title,
                progress=_f(n.progress),
                status=n.status,
                expected=_f(n.expected),
                href=team_base.format(team.slug) if team else "",
                cells=cells,
            )
        )
    return out


def _ticks(period) -> list[tuple[float, str]]:
    span = (period.end - period.start).days or 1
    if isinstance(period, periods.Year):
        marks = [(q.start, str(q).rsplit("-", 1)[-1]) for q in period.quarters()]
    else:
        marks = [(mo.start, f"{mo.start.month:02d}-01") for mo in period.months()]
    return [((d - period.start).days / span, label) for d, label in marks]


def picture(r, explain_base: str, team_base: str) -> dict[str, Markup]:
    """The three pictures as markup, made once per rollup and language (kept with the rollup)."""
    from flask_babel import get_locale

    key = ("picture", str(get_locale()))
    found = r.derived.get(key)
    if found is not None:
        return found
    status = _status_words()
    team_rows = rows(r, explain_base, team_base)
    year = isinstance(r.period, periods.Year)
    heat_words = {
        **status,
        "title": _("Teams against their goals") if year else _("Teams against their objectives"),
        "desc": _(
            "Each row is a team, each cell one of its %(what)s, coloured by status and marked ✓ on track, "
            "! at risk, ✕ off track, – no data, with its progress."
        )
        % {"what": _("goals") if year else _("objectives")},
        "more": _("+%(n)s more"),
        "none": _("none yet"),
    }
    behind = [row for row in team_rows if row.status == "off_track"]
    pace_words = {
        **status,
        "title": _("Each team's progress against the pace of %(period)s") % {"period": str(r.period)},
        "desc": _("%(n)s teams; %(behind)s off track. The dashed line is where the period's pace stands today.")
        % {"n": len(team_rows), "behind": len(behind)},
        "pace": _("pace %(p)s"),
    }
    series = r.trends.get(("team", r.root.id)) or []
    span = (r.period.end - r.period.start).days or 1
    points = [((d - r.period.start).days / span, v) for d, v in zip(r.samples, series)]
    trend_words = {
        "title": _("%(team)s over %(period)s") % {"team": team_rows[0].name if team_rows else "", "period": r.period},
        "desc": _(
            "Progress at each point of the period (solid line) against the expected pace (dashed, from 0 at the "
            "start to the target at the end) and the target (100%%). Now: %(now)s."
        )
        % {"now": charts._pct(points[-1][1]) if points else "–"},
        "target": _("target: 100%"),
        "pace_line": _("expected pace"),
        "now": _("now: %(p)s"),
        "ticks": _ticks(r.period),
    }
    found = r.derived[key] = {
        "heatmap": Markup(charts.heatmap(team_rows, heat_words)),
        "pace": Markup(charts.pace_bars(team_rows, _f(r.expected), pace_words)),
        "trend": Markup(charts.trend(points, trend_words)),
        "rows": team_rows,
    }
    return found
