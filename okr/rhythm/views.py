"""The quarter review: each objective's score, band and reflection, what carries into next
quarter, exported to Markdown. Scores and reflections are written by okr.rollup.ops.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from okr.core import models as m
from okr.core import periods
from okr.core.markdown import md_escape, md_escape_lines
from okr.core.permissions import can_plan
from okr.core.web import (
    TeamRecord,
    accepts,
    actor,
    db,
    is_htmx,
    item_or_404,
    json_error,
    render,
    team_or_404,
    wants_json,
)
from okr.core.writes import StaleEdit
from okr.leadership.views import BAND_LABELS, _context, _period_or_404, _round, build_rollup, node_json, num4
from okr.rhythm.forms import KRScoreForm, ObjectiveReviewForm
from okr.rollup import ops
from okr.rollup import rules as rollup

bp = Blueprint("rhythm", __name__)


def _quarter_or_404(text: str) -> periods.Quarter:
    p = _period_or_404(text)
    if not isinstance(p, periods.Quarter):
        abort(404)
    return p


def _review_context(team: TeamRecord, quarter: periods.Quarter, **extra) -> dict:
    r = build_rollup(team, quarter)
    objectives = []
    for tree in [r.root, *r.unaligned, *r.elsewhere]:
        for n in tree.walk():
            if n.kind != "objective":
                continue
            row = r.meta[("objective", n.id)]["row"]
            if row.team_id == team.id and all(o.id != n.id for o, _ in objectives):
                objectives.append((row, n))
    may_edit = can_plan(actor(), team)
    bands = {
        name.lower(): f"{getattr(rollup, name):.1f}"
        for name in ("ASPIRATIONAL_YELLOW", "ASPIRATIONAL_GREEN", "COMMITTED_YELLOW", "COMMITTED_GREEN")
    }
    return _context(
        r,
        objectives=objectives,
        may_edit=may_edit,
        quarter=str(quarter),
        team=team,
        bands=bands,
        kr_forms=extra.pop("kr_forms", {}),
        obj_forms=extra.pop("obj_forms", {}),
        conflicts=extra.pop("conflicts", {}),
        **extra,
    )


def review_markdown(ctx: dict) -> str:
    """The review as Markdown: every title, name and reflection escaped (okr.core.markdown), so
    what a person typed is shown as typed, never read as Markdown or HTML."""
    team, quarter = ctx["team"], ctx["quarter"]
    lines = [f"# {_('Quarter review')}: {md_escape(team.name)} · {quarter}", ""]
    for row, n in ctx["objectives"]:
        score = "–" if n.score is None else num4(n.score)
        band = BAND_LABELS.get(n.band, "") if n.band else ""
        kind = _("committed") if row.kind == "committed" else _("aspirational")
        lines.append(f"## {md_escape(row.title)}")
        lines.append("")
        lines.append(f"- {_('Kind')}: {kind}")
        lines.append(f"- {_('Score')}: {score}" + (f" ({band})" if band else ""))
        lines.append(f"- {_('Carry into next quarter')}: {_('yes') if row.carry_over else _('no')}")
        lines.append("")
        lines.append(f"| {_('Key result')} | {_('Progress')} | {_('Score')} | {_('Band')} | {_('Reflection')} |")
        lines.append("|---|---|---|---|---|")
        for kr in n.children:
            kr_row = ctx["r"].meta[("key_result", kr.id)]["row"]
            lines.append(
                f"| {md_escape(kr.title)} | {num4(kr.progress) or '–'} | {num4(kr.score)} "
                f"| {BAND_LABELS.get(kr.band, '')} | {md_escape(kr_row.reflection or '')} |"
            )
        if row.reflection:
            lines += ["", f"### {_('Reflection')}", "", md_escape_lines(row.reflection)]
        lines.append("")
    return "\n".join(lines)


@bp.get("/teams/<slug>/review/<quarter>")
@login_required
def review(slug, quarter):
    team = team_or_404(slug)
    q = _quarter_or_404(quarter)
    ctx = _review_context(team, q)
    ctx.update(views_review.quarter_questions(team, q, ctx["objectives"]))
    if request.args.get("format") == "md":
        resp = make_response(review_markdown(ctx) + "\n" + views_review.questions_markdown(ctx["questions"]))
        resp.headers["Content-Type"] = "text/markdown; charset=utf-8"
        resp.headers["Content-Disposition"] = f'inline; filename="review-{team.slug}-{q}.md"'
        return resp
    if wants_json():
        return jsonify(
            {
                "team": team.slug,
                "quarter": str(q),
                "objectives": [
                    {
                        **node_json(n, ctx["r"]),
                        "reflection": row.reflection,
                        "carry_over": row.carry_over,
                        "committed": row.kind == "committed",
                    }
                    for row, n in ctx["objectives"]
                ],
            }
        )
    return render("rhythm/review.html", **ctx)


def _review_item(model, slug, quarter, item_id):
    team = team_or_404(slug)
    q = _quarter_or_404(quarter)
    item, item_team = item_or_404(model, item_id)
    obj = item if model is m.Objective else db().get(m.Objective, item.objective_id)
    if item_team.id != team.id or obj is None or obj.quarter != str(q):
        abort(404)
    if not can_plan(actor(), team):
        abort(403)
    return team, q, item


def _review_response(team, q, objective_id: int, status: int = 200, **extra):
    """The review page, or for htmx only the one objective's section (root id objective-<id>)."""
    ctx = _review_context(team, q, **extra)
    if is_htmx():
        found = [(row, n) for row, n in ctx["objectives"] if row.id == objective_id]
        if not found:
            abort(404)
        resp = make_response(
            render_template("rhythm/_review_objective.html", row=found[0][0], n=found[0][1], **ctx), status
        )
        resp.headers["Vary"] = "HX-Request"
        return resp
    return render("rhythm/review.html", status=status, **ctx)


def _form_errors(form) -> dict:
    return {k: v for k, v in form.errors.items() if k != "csrf_token"}


@bp.post("/teams/<slug>/review/<quarter>/kr/<int:kr_id>")
@login_required
@accepts(KRScoreForm, json_fields={"score_override": "quantity", "reflection": "text", "version": "int"})
def kr_score_update(slug, quarter, kr_id):
    team, q, kr = _review_item(m.KeyResult, slug, quarter, kr_id)
    if request.is_json:
        form = KRScoreForm(formdata=_json_form_data(request.get_json(silent=True)), meta={"csrf": False})
    else:
        form = KRScoreForm()
    obj = db().get(m.Objective, kr.objective_id)
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, _form_errors(form))
        return _review_response(team, q, obj.id, 422, kr_forms={kr.id: form})
    a = actor()
    try:
        ops.score_key_result(
            session=db(),
            actor_id=a.user_id,
            org_id=a.org_id,
            kr=kr,
            expected_version=form.version.data,
            score_override=form.score_override.data,
            reflection=form.reflection.data or "",
        )
        db().commit()
    except StaleEdit:
        db().rollback()
        db().refresh(kr)
        if wants_json() or request.is_json:
            return json_error(_("Someone else changed this in the meantime."), 409)
        return _review_response(team, q, obj.id, 409, kr_forms={kr.id: form}, conflicts={("key_result", kr.id): kr})
    if is_htmx():
        return _review_response(team, q, obj.id)
    if request.is_json:
        return jsonify(
            {
                "id": kr.id,
                "version": kr.version,
                "score_override": _round(kr.score_override),
                "reflection": kr.reflection,
            }
        )
    return redirect(url_for("rhythm.review", slug=team.slug, quarter=str(q)) + f"#objective-{obj.id}", 303)


@bp.post("/teams/<slug>/review/<quarter>/objective/<int:objective_id>")
@login_required
@accepts(ObjectiveReviewForm, json_fields={"reflection": "text", "carry_over": "bool", "version": "int"})
def objective_review_update(slug, quarter, objective_id):
    team, q, obj = _review_item(m.Objective, slug, quarter, objective_id)
    if request.is_json:
        form = ObjectiveReviewForm(formdata=_json_form_data(request.get_json(silent=True)), meta={"csrf": False})
    else:
        form = ObjectiveReviewForm()
    if not form.validate():
        if request.is_json:
            return json_error(_("Some values need fixing."), 422, _form_errors(form))
        return _review_response(team, q, obj.id, 422, obj_forms={obj.id: form})
    a = actor()
    try:
        ops.review_objective(
            session=db(),
            actor_id=a.user_id,
            org_id=a.org_id,
            objective=obj,
            expected_version=form.version.data,
            reflection=form.reflection.data or "",
            carry_over=bool(form.carry_over.data),
        )
        db().commit()
    except StaleEdit:
        db().rollback()
        db().refresh(obj)
        if request.is_json:
            return json_error(_("Someone else changed this in the meantime."), 409)
        return _review_response(team, q, obj.id, 409, obj_forms={obj.id: form}, conflicts={("objective", obj.id): obj})
    if is_htmx():
        return _review_response(team, q, obj.id)
    if request.is_json:
        return jsonify(
            {"id": obj.id, "version": obj.version, "reflection": obj.reflection, "carry_over": obj.carry_over}
        )
    return redirect(url_for("rhythm.review", slug=team.slug, quarter=str(q)) + f"#objective-{obj.id}", 303)


def _json_form_data(body):
    """A JSON body as form data, so JSON and forms pass the same validators."""
    from werkzeug.datastructures import MultiDict

    out = MultiDict()
    if not isinstance(body, dict):
        return out
    for key in ("score_override", "reflection", "version"):
        value = body.get(key)
        if value is None or isinstance(value, (dict, list)):
            continue
        out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    if body.get("carry_over") is True:
        out["carry_over"] = "y"
    return out


# More routes of this blueprint, split by their seams (docs/architecture.md).
from okr.rhythm import views_one_on_one, views_report, views_review, views_standup  # noqa: E402, F401
