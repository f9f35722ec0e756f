"""The review questions — what went well, what did not, what we learned, what we decide next —
for the team and each objective of a quarter review, for half-year and year reviews (which
gather their quarters), and for a closed project. Routes of the ``rhythm`` blueprint.
"""

from __future__ import annotations

from flask import abort, jsonify, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from okr.core import models as m
from okr.core import periods
from okr.core.permissions import can_plan
from okr.core.web import (
    accepts,
    actor,
    db,
    fiscal_start,
    is_htmx,
    item_or_404,
    json_error,
    render,
    team_or_404,
    wants_json,
)
from okr.core.web.forms import form_data
from okr.core.writes import StaleEdit
from okr.rhythm import ops, queries, rules
from okr.rhythm.forms_meetings import ReviewAnswerForm, optional_id
from okr.rhythm.views import bp
from okr.rhythm.views_standup import optional_feature

QUESTION_LABELS = {
    "went_well": _l("What went well"),
    "went_badly": _l("What did not"),
    "learned": _l("What we learned"),
    "decide_next": _l("What we decide next"),
}


def _period_or_404(text: str):
    try:
        p = periods.parse(text, fiscal_start(), halves=True)
    except (periods.PeriodError, TypeError):
        abort(404)
    if p.kind not in ("quarter", "half", "year", "month"):  # a month: a closed project's review
        abort(404)
    return p


def questions(team, period: str, subjects: list[tuple[str, str]], forms: dict | None = None) -> list[dict]:
    """One entry per subject: its title, stored answer and form (a failed form kept as sent)."""
    found = queries.review_answers(db(), team.id, [period])
    may_edit = can_plan(actor(), team)
    out = []
    for subject, title in subjects:
        answer = found.get((period, subject))
        form = (forms or {}).get(subject)
        if form is None and may_edit:
            form = ReviewAnswerForm(formdata=None, obj=answer)
            form.version.data = answer.version if answer else ""
        out.append({"subject": subject, "dom": subject.replace(":", "-"), "title": title, "answer": answer,
                    "form": form, "period": period, "team": team, "may_edit": may_edit})  # fmt: skip
    return out


def quarter_questions(team, quarter, objectives) -> dict:
    """What the quarter review adds: the team's questions and each objective's."""
    subjects = [("team", _("The team"))] + [
        (rules.subject_key("objective", row.id), row.title) for row, _n in objectives
    ]
    return {"questions": questions(team, str(quarter), subjects), "labels": QUESTION_LABELS}


def questions_markdown(items: list[dict]) -> str:
    lines = [f"## {_('Review questions')}", ""]
    for item in items:
        lines += [f"### {rules.md(item['title'])}", ""]
        for q in rules.QUESTIONS:
            text = getattr(item["answer"], q, "") if item["answer"] else ""
            lines += [f"**{QUESTION_LABELS[q]}**", "", rules.md_block(text) or "–", ""]
    return "\n".join(lines)


def _subject_title(team, p, subject: str) -> str:
    """The title of a subject this team may answer for in this period, else 404."""
    if p.kind == "month" and not subject.startswith("project:"):
        abort(404)
    if subject == "team":
        return _("The team")
    kind, _sep, raw = subject.partition(":")
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    if kind == "objective":
        obj, obj_team = item_or_404(m.Objective, int(raw))
        if obj_team.id != team.id or (p.kind == "quarter" and obj.quarter != str(p)):
            abort(404)
        return obj.title
    if kind == "project":
        project, project_team = item_or_404(m.Project, int(raw))
        if project_team.id != team.id or (p.kind == "month" and project.month != str(p)):
            abort(404)
        return project.title
    abort(404)


@bp.post("/teams/<slug>/review/<period>/answers")
@login_required
@accepts(ReviewAnswerForm, json_fields={**dict.fromkeys(rules.QUESTIONS, "text"), "version": "int"})
def review_answers_update(slug, period):
    team = team_or_404(slug)
    p = _period_or_404(period)
    if not can_plan(actor(), team):
        abort(403)
    subject = (request.args.get("subject") or "").strip()
    title = _subject_title(team, p, subject)
    form = ReviewAnswerForm(formdata=form_data())
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _answer_response(team, p, subject, title, 422, form)
    existing = queries.review_answers(db(), team.id, [str(p)]).get((str(p), subject))
    a = actor()
    try:
        ops.save_review_answers(
            session=db(), actor_id=a.user_id, org_id=a.org_id, team_id=team.id, period=str(p), subject=subject,
            answers={q: getattr(form, q).data for q in rules.QUESTIONS}, existing=existing,
            expected_version=optional_id(form.version.data),
        )  # fmt: skip
        db().commit()
    except StaleEdit:
        db().rollback()
        if wants_json() or request.is_json:
            return json_error(_("Someone else changed this in the meantime."), 409)
        form.version.errors = [_("Someone else changed this in the meantime.")]
        return _answer_response(team, p, subject, title, 409, form)
    if wants_json() or request.is_json:
        return jsonify({"subject": subject, "period": str(p)})
    if is_htmx():
        return _answer_response(team, p, subject, title, 200)
    target = request.args.get("back")
    if target == "project" and subject.startswith("project:"):
        return redirect(url_for("rhythm.project_review", project_id=int(subject.split(":")[1])), 303)
    if p.kind == "quarter":
        return redirect(
            url_for("rhythm.review", slug=team.slug, quarter=str(p)) + f"#q-{subject.replace(':', '-')}", 303
        )
    return redirect(_period_url(team, p), 303)


def _answer_response(team, p, subject, title, status, form=None):
    (item,) = questions(team, str(p), [(subject, title)], {subject: form} if form is not None else None)
    ctx = {"q": item, "labels": QUESTION_LABELS}
    if is_htmx():
        return render("rhythm/_questions.html", status=status, **ctx)
    return render("rhythm/answer_page.html", status=status, **ctx)


def _period_url(team, p) -> str:
    if p.kind == "half":
        return url_for("rhythm.half_review", slug=team.slug, year=p.year, half=p.half)
    return url_for("rhythm.year_review", slug=team.slug, year=p.year)


# --- half-year and year reviews ------------------------------------------------------------------


def _gathered(team, p) -> dict:
    from okr.rhythm.views import _review_context

    quarters = []
    answers = queries.review_answers(db(), team.id, [str(q) for q in p.quarters()])
    for q in p.quarters():
        ctx = _review_context(team, q)
        quarters.append(
            {"quarter": str(q), "objectives": ctx["objectives"], "team_answer": answers.get((str(q), "team"))}
        )
    return {
        "team": team,
        "period": str(p),
        "kind": p.kind,
        "quarters": quarters,
        "questions": questions(team, str(p), [("team", _("The team"))]),
        "labels": QUESTION_LABELS,
        "prev_url": _period_url(team, p.prev()),
        "next_url": _period_url(team, p.next()),
    }


def period_markdown(ctx: dict) -> str:
    title = _("Half-year review") if ctx["kind"] == "half" else _("Year review")
    lines = [f"# {title}: {rules.md(ctx['team'].name)} · {ctx['period']}", ""]
    for q in ctx["quarters"]:
        lines += [f"## {q['quarter']}", ""]
        for row, n in q["objectives"]:
            score = "–" if n.score is None else f"{float(n.score):.2f}"
            lines.append(f"- {rules.md(row.title)}: {score}")
        if not q["objectives"]:
            lines.append(f"- {_('none')}")
        if q["team_answer"]:
            lines.append("")
            for key in rules.QUESTIONS:
                lines += [f"**{QUESTION_LABELS[key]}**", "", rules.md_block(getattr(q["team_answer"], key)) or "–", ""]
        lines.append("")
    lines.append(questions_markdown(ctx["questions"]))
    return "\n".join(lines)


def _period_page(team, p):
    ctx = _gathered(team, p)
    if request.args.get("format") == "md":
        resp = make_response(period_markdown(ctx))
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        resp.headers["Content-Disposition"] = f'inline; filename="review-{team.slug}-{p}.md"'
        return resp
    return render("rhythm/period_review.html", **ctx)


@bp.get("/teams/<slug>/review/<int:year>-H<int:half>")
@login_required
def half_review(slug, year, half):
    team = team_or_404(slug)
    try:
        p = periods.Half(year, half, fiscal_start())
    except periods.PeriodError:
        abort(404)
    return _period_page(team, p)


@bp.get("/teams/<slug>/review/<int:year>")
@login_required
def year_review(slug, year):
    team = team_or_404(slug)
    try:
        p = periods.Year(year, fiscal_start())
    except periods.PeriodError:
        abort(404)
    return _period_page(team, p)


# --- a closed project ----------------------------------------------------------------------------


@bp.get("/projects/<int:project_id>/review")
@login_required
def project_review(project_id):
    project, team = item_or_404(m.Project, project_id)
    subject = rules.subject_key("project", project.id)
    (item,) = questions(team, project.month, [(subject, project.title)])
    # HOOK (budget feature): the project's cost, returns and ROI; nothing when it is absent.
    roi = optional_feature("okr.budget.queries", "project_roi")
    ctx = {"project": project, "team": team, "q": item, "labels": QUESTION_LABELS,
           "roi": roi(db(), project_id=project.id) if roi else None}  # fmt: skip
    if request.args.get("format") == "md":
        resp = make_response(f"# {_('Project review')}: {rules.md(project.title)}\n\n" + questions_markdown([item]))
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        return resp
    return render("rhythm/project_review.html", **ctx)
