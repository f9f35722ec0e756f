"""The monthly report of a team and the teams under it: the month's projects (done, slipped,
with owners), each key result's movement over the month, next month's projects, and sections
for KPIs and budgets when those features are part of the build. Page, Markdown and print.
Routes of the ``rhythm`` blueprint.
"""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import login_required

from okr.core import periods
from okr.core.queries import user_names
from okr.core.web import actor, db, fiscal_start, render, team_by_id, team_or_404, wants_json
from okr.rhythm import queries, rules
from okr.rhythm.views import bp
from okr.rhythm.views_standup import optional_feature
from okr.rollup import rules as rollup


def _month_or_404(text: str) -> periods.Month:
    try:
        p = periods.parse(text, fiscal_start())
    except (periods.PeriodError, TypeError):
        abort(404)
    if not isinstance(p, periods.Month):
        abort(404)
    return p


def _pct(x) -> str:
    return "–" if x is None else f"{round(float(x) * 100)}%"


def _num(x) -> str:
    if x is None:
        return "–"
    text = format(x, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _report(team, month: periods.Month, today: date) -> dict:
    session = db()
    team_ids = sorted(actor().descendants_and_self(team.id))
    nxt = month.next()
    projects = queries.month_projects(session, team_ids, [str(month), str(nxt)])
    counts = queries.project_task_counts(session, [p.id for p in projects])
    quarter = month.fiscal_quarter(fiscal_start())
    krs = queries.quarter_key_results(session, team_ids, str(quarter))
    check_ins = queries.check_ins_until(session, [kr.id for kr, _t, _team in krs], month.end)
    names = user_names(session, [p.owner_id for p in projects] + [kr.owner_id for kr, _t, _team in krs])
    teams = {tid: team_by_id(tid) for tid in team_ids}

    def project_row(p):
        done, live = counts.get(p.id, (0, 0))
        return {
            "p": p,
            "owner": names.get(p.owner_id, ""),
            "team": teams[p.team_id].name if teams.get(p.team_id) else "",
            "progress": rollup.project_progress(done, live),
            "slipped": rules.slipped(p.status, p.due_on, month.end, today),
        }

    this_month = [project_row(p) for p in projects if p.month == str(month)]
    kr_rows = []
    before = month.start.fromordinal(month.start.toordinal() - 1)
    for kr, objective, tid in krs:
        series = check_ins.get(kr.id, [])
        at_start = rules.value_on(series, before, kr.start)
        at_end = rules.value_on(series, month.end, kr.start)
        p0 = rollup.kr_progress(kr.start, kr.target, at_start, kind=kr.kind, done=False)
        p1 = rollup.kr_progress(kr.start, kr.target, at_end, kind=kr.kind, done=kr.is_done and at_end == kr.current)
        kr_rows.append(
            {
                "kr": kr,
                "objective": objective,
                "team": teams[tid].name if teams.get(tid) else "",
                "owner": names.get(kr.owner_id, ""),
                "from": at_start,
                "to": at_end,
                "progress_from": p0,
                "progress_to": p1,
                "moved": p1 - p0,
                "check_ins": sum(1 for on, _v in series if on >= month.start),
            }
        )
    # HOOKS (KPI and budget features): each section shows nothing when its feature is absent.
    kpi_section = optional_feature("okr.kpi.queries", "month_summary")
    budget_section = optional_feature("okr.budget.queries", "month_summary")
    return {
        "team": team,
        "month": month,
        "next_month": nxt,
        "prev_month": month.prev(),
        "done": [r for r in this_month if r["p"].status == "done"],
        "slipped": [r for r in this_month if r["slipped"]],
        "open": [r for r in this_month if r["p"].status not in ("done", "dropped") and not r["slipped"]],
        "dropped": [r for r in this_month if r["p"].status == "dropped"],
        "next": [project_row(p) for p in projects if p.month == str(nxt)],
        "krs": kr_rows,
        "kpis": kpi_section(session, team_ids=team_ids, month=month) if kpi_section else None,
        "budget": budget_section(session, team_ids=team_ids, month=month) if budget_section else None,
        "pct": _pct,
        "num": _num,
        "subteams": len(team_ids) - 1,
    }


def report_markdown(ctx: dict) -> str:
    md = rules.md
    lines = [f"# {_('Monthly report')}: {md(ctx['team'].name)} · {ctx['month']}", ""]

    def projects(title, rows):
        lines.extend([f"## {title} ({len(rows)})", ""])
        if rows:
            lines.append(f"| {_('Project')} | {_('Team')} | {_('Owner')} | {_('Due')} | {_('Progress')} |")
            lines.append("|---|---|---|---|---|")
            for r in rows:
                due = r["p"].due_on.isoformat() if r["p"].due_on else "–"
                lines.append(
                    f"| {md(r['p'].title)} | {md(r['team'])} | {md(r['owner']) or '–'} | {due} | {_pct(r['progress'])} |"
                )
        else:
            lines.append(f"- {_('none')}")
        lines.append("")

    projects(_("Done"), ctx["done"])
    projects(_("Slipped"), ctx["slipped"])
    projects(_("Still open"), ctx["open"])
    lines.extend([f"## {_('Key results over the month')}", ""])
    if ctx["krs"]:
        lines.append(
            f"| {_('Key result')} | {_('Objective')} | {_('Owner')} | {_('From')} | {_('To')} | {_('Progress')} |"
        )
        lines.append("|---|---|---|---|---|---|")
        for r in ctx["krs"]:
            lines.append(
                f"| {md(r['kr'].title)} | {md(r['objective'])} | {md(r['owner']) or '–'} | {_num(r['from'])} "
                f"| {_num(r['to'])} | {_pct(r['progress_from'])} → {_pct(r['progress_to'])} |"
            )
    else:
        lines.append(f"- {_('none')}")
    lines.append("")
    projects(_("Next month: %(month)s", month=str(ctx["next_month"])), ctx["next"])
    return "\n".join(lines)


@bp.get("/teams/<slug>/report/<month>")
@login_required
def monthly_report(slug, month):
    team = team_or_404(slug)
    ctx = _report(team, _month_or_404(month), date.today())
    if request.args.get("format") == "md":
        resp = make_response(report_markdown(ctx))
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        resp.headers["Content-Disposition"] = f'inline; filename="report-{team.slug}-{ctx["month"]}.md"'
        return resp
    if wants_json():

        def rows(items):
            return [
                {"id": r["p"].id, "title": r["p"].title, "owner": r["owner"], "status": r["p"].status,
                 "slipped": r["slipped"], "progress": None if r["progress"] is None else float(r["progress"])}
                for r in items
            ]  # fmt: skip

        return jsonify(
            {
                "team": team.slug,
                "month": str(ctx["month"]),
                "done": rows(ctx["done"]),
                "slipped": rows(ctx["slipped"]),
                "open": rows(ctx["open"]),
                "next": rows(ctx["next"]),
                "key_results": [
                    {
                        "id": r["kr"].id,
                        "title": r["kr"].title,
                        "from": str(r["from"]),
                        "to": str(r["to"]),
                        "progress_from": float(r["progress_from"]),
                        "progress_to": float(r["progress_to"]),
                    }
                    for r in ctx["krs"]
                ],  # fmt: skip
            }
        )
    return render("rhythm/report.html", **ctx)
