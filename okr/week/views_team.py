"""A team's week (every member's board at a glance, the effort split) and the weekly report, a
person's or a team's, as a page, Markdown or JSON. Routes of the ``week`` blueprint.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import abort, jsonify, make_response, request
from flask_login import login_required
from sqlmodel import select

from okr.core import kinds, periods
from okr.core import models as m
from okr.core.permissions import can_read_team
from okr.core.web import actor, db, org_teams, render, team_or_404, wants_json
from okr.rollup import rules as rollup
from okr.week import report as weekly
from okr.week import rules as eisenhower
from okr.week import views as board
from okr.week import words
from okr.week.views import (
    FALSE,
    _carried_to,
    _fiscal_start,
    _my_tasks,
    _names,
    _project_rows,
    _task_json,
    _week_or_404,
    bp,
)

# --- the team's week ---------------------------------------------------------------------------


def _team_week(team: m.Team, week: periods.Week) -> dict:
    session = db()
    members = session.exec(
        select(m.User.id, m.User.name, m.Membership.role)
        .join(m.Membership, m.Membership.user_id == m.User.id)
        .where(m.Membership.team_id == team.id, m.User.is_archived == FALSE)
        .order_by(m.User.name)
    ).all()
    tasks = list(
        session.exec(
            select(m.Task).where(m.Task.team_id == team.id, m.Task.week == str(week), m.Task.is_archived == FALSE)
        ).all()
    )
    projects = _project_rows(t.project_id for t in tasks)
    by_person: dict[int | None, list] = defaultdict(list)
    for t in tasks:
        by_person[t.assignee_id].append(t)
    people = [(uid, name, role) for uid, name, role in members]
    known = {uid for uid, _n, _r in people}
    extra = _names(uid for uid in by_person if uid is not None and uid not in known)
    people += [(uid, extra.get(uid, "?"), "") for uid in by_person if uid is not None and uid not in known]
    linked = lambda t: bool(projects.get(t.project_id, {}).get("kr_id"))  # noqa: E731
    share = rollup.effort_share((t.important, t.urgent, linked(t), t.status) for t in tasks)
    return {
        "team": team,
        "week": week,
        "prev_week": week.prev(),
        "next_week": week.next(),
        "people": people,
        "boards": {uid: weekly.group_by_quadrant(ts) for uid, ts in by_person.items()},
        "projects": projects,
        "share": share,
        "quadrants": eisenhower.ORDER,
        "names": _names(t.delegated_by_id for t in tasks),
        "label": words.label,
        "percent": weekly.percent,
        "unlinked_message": words.message(eisenhower.UNLINKED_SHARE, percent=weekly.percent(share.unlinked_fraction))
        if share.total
        else "",
    }


@bp.get("/teams/<slug>/week/<period>")
@login_required
def team(slug, period):
    team_row = team_or_404(slug)
    if not can_read_team(actor(), team_row):
        abort(403)
    week = _week_or_404(period)
    ctx = _team_week(team_row, week)
    if wants_json():
        s = ctx["share"]
        return jsonify(
            {
                "team": team_row.slug,
                "week": str(week),
                "total": s.total,
                "counts": {str(q): n for q, n in s.counts.items()},
                "linked": s.linked,
                "unlinked": s.unlinked,
                "linked_fraction": str(s.linked_fraction),
                "unlinked_fraction": str(s.unlinked_fraction),
            }
        )
    return render("week/team.html", block="team_week", **ctx)


# --- the weekly report ------------------------------------------------------------------------


def _report(tasks_now, tasks_next, check_ins, week: periods.Week) -> tuple[weekly.Report, dict]:
    projects = _project_rows([t.project_id for t in tasks_now] + [t.project_id for t in tasks_next])

    def kr_of(task):
        p = projects.get(task.project_id)
        if p and p["kr_id"]:
            return p["kr_id"], p["kr_title"]
        return None, ""

    ordered = [t for q in eisenhower.ORDER for t in weekly.group_by_quadrant(tasks_now)[q]]
    ordered_next = [t for q in eisenhower.ORDER for t in weekly.group_by_quadrant(tasks_next)[q]]
    report = weekly.build_report(
        str(week),
        str(week.next()),
        ordered,
        ordered_next,
        kr_of,
        check_ins,
        board._today(),
        carried_to=_carried_to(week, tasks_now),
    )
    return report, projects


def _check_ins_due(week: periods.Week, *, user_id: int | None = None, team: m.Team | None = None) -> list[dict]:
    """Key results of the week's quarter due a check-in as the week's report sees them: those
    the person is R or A for (``user_id``) or the team's (``team``), judged at the week's end
    once it is over (a check-in made later does not count for that week), today while it runs."""
    session = db()
    as_of = weekly.check_in_as_of(week.end, board._today())
    quarter = str(week.fiscal_quarter(_fiscal_start()))
    query = (
        select(m.KeyResult.id, m.KeyResult.title, m.KeyResult.last_check_in_on, m.Objective.team_id)
        .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
        .where(m.Objective.quarter == quarter, m.Objective.is_archived == FALSE, m.KeyResult.is_archived == FALSE)
        .order_by(m.KeyResult.last_check_in_on, m.KeyResult.id)
    )
    if team is not None:
        query = query.where(m.Objective.team_id == team.id)
    else:
        query = query.join(m.RaciAssignment, m.RaciAssignment.key_result_id == m.KeyResult.id).where(
            m.RaciAssignment.user_id == user_id, m.RaciAssignment.letter.in_(kinds.RACI_WORKS_ON)
        )
    rows = session.exec(query).all()
    last = {kr_id: when for kr_id, _t, when, _team in rows}
    if as_of < board._today() and rows:
        # A past week: the latest check-in on or before its last day, whatever came after.
        last = dict.fromkeys(last)
        last.update(
            session.exec(
                select(m.CheckIn.key_result_id, sa.func.max(m.CheckIn.checked_on))
                .where(
                    m.CheckIn.key_result_id.in_(list(last)),
                    m.CheckIn.checked_on <= as_of,
                    m.CheckIn.is_archived == FALSE,
                )
                .group_by(m.CheckIn.key_result_id)
            ).all()
        )
    slugs = {row.team.id: row.team.slug for row in org_teams()}
    due = [
        {"id": kr_id, "title": title, "last": last[kr_id], "slug": slugs.get(team_id), "quarter": quarter}
        for kr_id, title, _when, team_id in rows
        if weekly.check_in_due(last[kr_id], as_of)
    ]
    due.sort(key=lambda c: (c["last"] is not None, c["last"] or date.min, c["id"]))
    return due


def _report_response(ctx: dict, filename: str):
    if request.args.get("format") == "md":
        from flask import render_template

        body = render_template("week/report.md", md=weekly.md_escape, **ctx)
        resp = make_response(body, 200)
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        resp.headers["Content-Disposition"] = f'inline; filename="{filename}.md"'
        return resp
    if wants_json():
        r = ctx["report"]
        return jsonify(
            {
                "week": r.week,
                "next_week": r.next_week,
                "done": [
                    {
                        "key_result_id": g.kr_id,
                        "key_result": g.kr_title,
                        "tasks": [_task_json(t, ctx["projects"]) for t in g.tasks],
                    }
                    for g in r.done
                ],
                "planned": [_task_json(t, ctx["projects"]) for t in r.planned],
                "blocked": [_task_json(t, ctx["projects"]) for t in r.blocked],
                "not_finished": [
                    {**_task_json(u.task, ctx["projects"]), "reason": u.reason, "carried_to": u.carried_to}
                    for u in r.unfinished
                ],
                "check_ins_due": [
                    {"id": c["id"], "title": c["title"], "last": c["last"].isoformat() if c["last"] else None}
                    for c in r.check_ins_due
                ],
            }
        )
    return render("week/report.html", **ctx)


@bp.get("/week/<period>/report")
@login_required
def report(period):
    week = _week_or_404(period)
    me = actor()
    now = _my_tasks(me.user_id, str(week))
    nxt = _my_tasks(me.user_id, str(week.next()))
    rep, projects = _report(now, nxt, _check_ins_due(week, user_id=me.user_id), week)
    ctx = {
        "report": rep,
        "projects": projects,
        "week": week,
        "team": None,
        "whose": _names([me.user_id]).get(me.user_id, ""),
        "check_ins_as_of": weekly.check_in_as_of(week.end, board._today()),
        "names": _names(t.assignee_id for t in now + nxt),
        "show_assignee": False,
    }
    return _report_response(ctx, f"week-{week}")


@bp.get("/teams/<slug>/week/<period>/report")
@login_required
def team_report(slug, period):
    team_row = team_or_404(slug)
    if not can_read_team(actor(), team_row):
        abort(403)
    week = _week_or_404(period)
    session = db()

    def of(w):
        return list(
            session.exec(
                select(m.Task).where(m.Task.team_id == team_row.id, m.Task.week == w, m.Task.is_archived == FALSE)
            ).all()
        )

    now, nxt = of(str(week)), of(str(week.next()))
    rep, projects = _report(now, nxt, _check_ins_due(week, team=team_row), week)
    ctx = {
        "report": rep,
        "projects": projects,
        "week": week,
        "team": team_row,
        "whose": team_row.name,
        "check_ins_as_of": weekly.check_in_as_of(week.end, board._today()),
        "names": _names(t.assignee_id for t in now + nxt),
        "show_assignee": True,
    }
    return _report_response(ctx, f"{team_row.slug}-week-{week}")
