"""The KPI pages: a team's board (看板) for a period with its JSON twin, the quick value form and
the paste of many rows, the team's alerts (acknowledge, resolve) and the recovery objective
started from an alert. Reads come from okr.kpi.queries, writes from okr.kpi.ops.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import select

from okr.core import models as m
from okr.core import periods
from okr.core.permissions import can_plan
from okr.core.web import (
    accepts,
    actor,
    db,
    is_htmx,
    json_error,
    org_teams,
    render,
    team_or_404,
    top_team,
    wants_json,
)
from okr.core.web.forms import form_data
from okr.kpi import ops, queries, rows, rules, words
from okr.kpi.forms import KpiForm, PasteForm, ValueForm
from okr.kpi.sparkline import sparkline

bp = Blueprint("kpi", __name__)

BOARD_PERIODS = ("year", "quarter", "month", "week")


def _fiscal_start() -> int:
    return current_app.config["FISCAL_YEAR_START"]


def _today() -> date:
    return date.today()


def _period_or_404(text: str) -> periods.Period:
    try:
        period = periods.parse(text, _fiscal_start())
    except (periods.PeriodError, TypeError):
        abort(404)
    if period.kind not in BOARD_PERIODS:
        abort(404)
    return period


def _team_ids(team) -> list[int]:
    """The team and the live teams under it (the company's board holds every team's KPIs)."""
    live = {row.team.id for row in org_teams()}
    return [tid for tid in sorted(actor().descendants_and_self(team.id)) if tid in live or tid == team.id]


def may_enter(me, team, kpi) -> bool:
    """Enter values: the KPI's owner, the team's managers, and the team's members."""
    if team is None or team.org_id != me.org_id:
        return False
    return can_plan(me, team) or kpi.owner_id == me.user_id or me.role_in(team.id) == "member"


def may_handle(me, team, kpi) -> bool:
    """Acknowledge and resolve alerts: the KPI's owner and the team's managers."""
    if team is None or team.org_id != me.org_id:
        return False
    return can_plan(me, team) or kpi.owner_id == me.user_id


def _num(value: Decimal | None):
    """A JSON number that reads back as the same Decimal (int when whole)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --- the board --------------------------------------------------------------------------------------


def _filters() -> tuple[str | None, str | None]:
    level = request.args.get("level") or None
    status = request.args.get("status") or None
    return (level if level in rules.LEVELS else None, status if status in rules.STATUS_ORDER else None)


def _board(team, period, *, series_for: str = "own") -> queries.Board:
    return queries.board(db(), team, _team_ids(team), period, today=_today(), series_for=series_for)


def _shown(board: queries.Board, level: str | None, status: str | None) -> list[queries.Card]:
    return [
        c for c in board.cards if (level is None or c.kpi.level == level) and (status is None or c.status == status)
    ]


def board_json(board: queries.Board, cards) -> dict:
    """The board as JSON, in the shape the API documents."""
    return {
        "team": board.team.slug,
        "period": str(board.period),
        "kpis": [
            {
                "key": c.kpi.key,
                "name": c.kpi.name,
                "level": c.kpi.level,
                "parent": board.parent_keys.get(c.kpi.id),
                "unit": c.kpi.unit,
                "direction": c.kpi.direction,
                "latest": {"date": c.latest[0].isoformat(), "value": _num(c.latest[1])} if c.latest else None,
                "status": c.status,
                "target": _num(c.target),
                "target_met": c.target_met,
                "alerts": [
                    {
                        "date": a["date"].isoformat(),
                        "value": _num(a["value"]),
                        "severity": a["severity"],
                        "rule": a["rule"],
                    }
                    for a in c.alerts
                ],
            }
            for c in cards
        ],
    }


def _kpi_form(board: queries.Board, formdata=None) -> KpiForm:
    form = KpiForm(formdata=formdata)
    form.level.choices = [(c, words.say(w)) for c, w in words.LEVELS.items()]
    form.direction.choices = [(c, words.say(w)) for c, w in words.DIRECTIONS.items()]
    form.frequency.choices = [(c, words.say(w)) for c, w in words.FREQUENCIES.items()]
    form.parent.choices = [("", "—")] + [(c.kpi.key, f"{c.kpi.name} ({c.kpi.key})") for c in board.cards]
    return form


def _context(
    team, period, *, form: ValueForm | None = None, paste: PasteForm | None = None, new: KpiForm | None = None, **extra
) -> dict:
    board = _board(team, period)
    level, status = _filters()
    me = actor()
    cards = _shown(board, level, status)
    teams = {row.team.id: row.team for row in org_teams()}
    # The quick form offers the team's own KPIs (those of teams below go by their own boards or
    # by a paste): a company board would otherwise list hundreds.
    enterable = [c.kpi for c in board.cards if c.own and may_enter(me, teams.get(c.team_id), c.kpi)]
    if form is None:
        form = ValueForm(formdata=None, keys=[k.key for k in enterable])
        form.on.data = _today().isoformat()
    form.kpi.choices = [(k.key, f"{k.name} ({k.key})") for k in enterable]
    sparks = {}
    for c in cards:
        if c.own:
            sparks[c.kpi.id] = sparkline(
                c.series,
                start=period.start,
                end=period.end,
                normal=c.normal,
                target=c.target,
                bad_dates=frozenset(a["date"] for a in c.alerts),
            )
    return {
        "team": team,
        "period": period,
        "period_text": str(period),
        "prev_period": str(period.prev()),
        "next_period": str(period.next()),
        "board": board,
        "cards": [c for c in cards if c.own],
        "rows": [c for c in cards if not c.own],
        "sparks": sparks,
        "counts": board.counts(),
        "level_filter": level,
        "status_filter": status,
        "form": form,
        "paste": paste or PasteForm(formdata=None),
        "new": new or (_kpi_form(board) if can_plan(me, team) else None),
        "can_enter": bool(enterable) or any(may_enter(me, teams.get(c.team_id), c.kpi) for c in board.cards),
        "can_plan": can_plan(me, team),
        "words": words,
        "say": words.say,
        # Said once per page, not once per row (a company board has hundreds of rows).
        "status_words": {code: words.say(w) for code, w in words.STATUS.items()},
        "level_words": {code: words.say(w) for code, w in words.LEVELS.items()},
        "teams": org_teams(),
        "team_names": {row.team.id: row.team.name for row in org_teams()},
        **extra,
    }


@bp.get("/kpis")
@login_required
def overview():
    """The board of ``?team=`` (else the person's first team, else the company's) for ``?period=``
    (else this quarter)."""
    me = actor()
    chosen = [row.team for row in org_teams() if row.team.slug == request.args.get("team")]
    mine = [row.team for row in org_teams() if row.team.id in me.roles]
    team = (chosen or mine or [top_team()])[0]
    if team is None:
        return redirect(url_for("home.teams"))
    period = str(periods.quarter_of(_today(), _fiscal_start()))
    try:
        asked = periods.parse(request.args.get("period") or "", _fiscal_start())
        if asked.kind in BOARD_PERIODS:
            period = str(asked)
    except (periods.PeriodError, TypeError):
        pass
    return redirect(url_for("kpi.board", slug=team.slug, period=period))


@bp.get("/teams/<slug>/kpis/<period>")
@login_required
def board(slug, period):
    team = team_or_404(slug)
    p = _period_or_404(period)
    if wants_json():
        return _api(team, p)
    return render("kpi/board.html", block="kpi_board" if is_htmx() else None, **_context(team, p))


@bp.get("/api/v1/kpis/<slug>/<period>")
@login_required
def api_board(slug, period):
    return _api(team_or_404(slug), _period_or_404(period))


def _api(team, period):
    board = _board(team, period, series_for="none")
    level, status = _filters()
    return jsonify(board_json(board, _shown(board, level, status)))


def _board_response(team, period, message: str | None = None, status: int = 200, **ctx):
    """After a write: the board's fragment for htmx (with the message), else back to the page."""
    if is_htmx() or status != 200:
        return render(
            "kpi/board.html", block="kpi_board" if is_htmx() else None, status=status, message=message,
            **_context(team, period, **ctx),
        )  # fmt: skip
    if message:
        flash(message, "success")
    return redirect(url_for("kpi.board", slug=team.slug, period=str(period)))


@bp.post("/teams/<slug>/kpis/<period>/values")
@login_required
@accepts(ValueForm, json_fields={"kpi": "text", "value": "number", "on": "date", "note": "text"})
def value_add(slug, period):
    """The quick form: one value of one of the board's KPIs (a second value for a date replaces
    the first)."""
    team = team_or_404(slug)
    p = _period_or_404(period)
    me = actor()
    session = db()
    teams = {row.team.id: row.team for row in org_teams()}
    kpis = session.exec(select(m.Kpi).where(m.Kpi.team_id == team.id, m.Kpi.is_archived == sa.false())).all()
    keys = {k.key: k for k in kpis if may_enter(me, teams.get(k.team_id), k)}
    form = ValueForm(formdata=form_data(), keys=list(keys))
    if not keys:
        abort(403)
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _board_response(team, p, status=422, form=form)
    kpi = keys[form.kpi.data]
    try:
        row = ops.record_value(
            session=session,
            actor_id=me.user_id,
            org_id=me.org_id,
            kpi=kpi,
            on=form.parsed_on,
            value=form.value.data,
            note=form.note.data or "",
            fiscal_start=_fiscal_start(),
        )
    except ops.KpiError as e:
        session.rollback()
        field = {"date": "on"}.get(e.field, e.field)
        if wants_json():
            return json_error(words.problem(e.code, **e.params), 422, {field: [words.problem(e.code, **e.params)]})
        getattr(form, field, form.value).errors = [words.problem(e.code, **e.params)]
        return _board_response(team, p, status=422, form=form)
    session.commit()
    if wants_json():
        return jsonify(
            {"key": kpi.key, "date": row.measured_on.isoformat(), "value": _num(row.value), "severity": row.severity,
             "rule": row.rule}
        )  # fmt: skip
    message = _("Recorded %(value)s for %(name)s on %(date)s.", value=_num(row.value), name=kpi.name,
                date=row.measured_on.isoformat())  # fmt: skip
    return _board_response(team, p, message)


@bp.post("/teams/<slug>/kpis/<period>/paste")
@login_required
@accepts(PasteForm, json_fields={"rows": "text"})
def values_paste(slug, period):
    """Many rows at once (``key, date, value, note``): all of them, or none with every bad row
    named by row and column."""
    team = team_or_404(slug)
    p = _period_or_404(period)
    me = actor()
    session = db()
    form = PasteForm(formdata=form_data())
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _board_response(team, p, status=422, paste=form)
    parsed, problems = rows.parse_rows(form.rows.data)
    teams = {row.team.id: row.team for row in org_teams()}
    in_board = set(_team_ids(team))
    problems += ops.record_rows(
        session=session,
        actor_id=me.user_id,
        org_id=me.org_id,
        rows=parsed,
        allowed=lambda k: k.team_id in in_board and may_enter(me, teams.get(k.team_id), k),
        fiscal_start=_fiscal_start(),
    )
    if problems:
        session.rollback()
        problems.sort(key=lambda pr: pr.row)
        messages = [words.row_problem(pr) for pr in problems[:50]]
        if wants_json():
            return json_error(_("Nothing was recorded."), 422, {"rows": messages})
        form.rows.errors = [*messages, _("Nothing was recorded.")]
        return _board_response(team, p, status=422, paste=form)
    session.commit()
    if wants_json():
        return jsonify({"recorded": len(parsed)})
    return _board_response(team, p, _("Recorded %(count)s values.", count=len(parsed)))


@bp.post("/teams/<slug>/kpis/<period>/new")
@login_required
@accepts(KpiForm)
def kpi_add(slug, period):
    """A manager adds a KPI to the team: its place in the tree, ranges and this period's target."""
    team = team_or_404(slug)
    p = _period_or_404(period)
    me = actor()
    if not can_plan(me, team):
        abort(403)
    session = db()
    form = _kpi_form(_board(team, p, series_for="none"), form_data())
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _board_response(team, p, status=422, new=form)
    parent = queries.kpi_by_key(session, me.org_id, form.parent.data) if form.parent.data else None
    target = form.target.data
    try:
        kpi = ops.create_kpi(
            session=session, actor_id=me.user_id, org_id=me.org_id, team_id=team.id, key=form.key.data,
            name=form.name.data, unit=form.unit.data or "", owner_id=me.user_id, level=form.level.data,
            parent_id=parent.id if parent else None, direction=form.direction.data, frequency=form.frequency.data,
            normal_min=form.normal_min.data, normal_max=form.normal_max.data, critical_min=form.critical_min.data,
            critical_max=form.critical_max.data, targets={str(p): target} if target is not None else None,
        )  # fmt: skip
    except ops.KpiError as e:
        session.rollback()
        text = words.problem(e.code, **e.params)
        field = {"normal": "normal_min", "critical": "critical_min", "targets": "target"}.get(e.field, e.field)
        if wants_json():
            return json_error(text, 422, {field: [text]})
        getattr(form, field, form.key).errors = [text]
        return _board_response(team, p, status=422, new=form)
    session.commit()
    if wants_json():
        return jsonify({"key": kpi.key, "id": kpi.id}), 201
    return _board_response(team, p, _("Added the KPI %(name)s.", name=kpi.name))


def _render_month(summary: queries.MonthSummary) -> str:
    """The monthly report's KPI section in the reader's language (see queries.month_renderer)."""
    from flask import render_template

    return render_template(
        "kpi/_month.html",
        summary=summary,
        status_words={code: words.say(w) for code, w in words.STATUS.items()},
        rule_words={code: words.say(w) for code, w in words.RULES.items()},
    )


queries.month_renderer = _render_month

# the alert pages live beside this module (Flask's "larger applications" pattern)
from okr.kpi import views_alerts  # noqa: E402, F401
