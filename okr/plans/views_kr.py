"""The key result page: its numbers, check-in history and chart, and the check-in form (on the
page, or opened in the key result's row of a plan). Routes of the ``plans`` blueprint.

A check-in goes through okr.plans.ops and commits once here; bad input is the form again (422).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from okr.core import models as m
from okr.core import periods
from okr.core.permissions import can_check_in, can_plan
from okr.core.web import accepts, actor, db, is_htmx, item_or_404, json_error, render, wants_json
from okr.core.web.forms import form_data
from okr.plans import forms, queries
from okr.plans import ops as planning
from okr.plans.views import _fragment, _fys, _item_fragment, bp
from okr.raci.queries import kr_letter

_UNKNOWN = object()  # the reader's RACI letter, not looked up yet


def _kr_context(kr, team, form=None, status_note=None, letter=_UNKNOWN, block=None):
    """The key result page; with ``block="history"`` for htmx, only what that block shows."""
    session = db()
    page = queries.load_kr(session, kr, history_only=block == "history" and is_htmx())
    me = actor()
    if letter is _UNKNOWN:
        letter = kr_letter(session, kr.id, me.user_id)
    quarter = periods.parse(page.objective.quarter, _fys())
    chart = kr_chart(kr, page.check_ins, quarter)
    return dict(
        team=team,
        kr=kr,
        page=page,
        quarter=quarter,
        chart=chart,
        letter=letter,
        can_check_in=can_check_in(me, team, letter),
        can_edit=can_plan(me, team),
        form=form or _blank_check_in(kr),
        progress=_progress(kr),
        status_note=status_note,
    )


def _progress(kr):
    from okr.rollup import rules as rollup

    try:
        return rollup.kr_progress(kr.start, kr.target, kr.current, kind=kr.kind, done=kr.is_done)
    except (ValueError, TypeError):
        return None


def _blank_check_in(kr):
    form = forms.CheckInForm(formdata=None, kind=kr.kind)
    form.version.data = str(kr.version)
    form.checked_on.data = date.today()
    return form


@bp.get("/key-results/<kr_id>")
@login_required
def kr(kr_id):
    item, team = item_or_404(m.KeyResult, kr_id)
    return render("plans/kr.html", block="history", **_kr_context(item, team, block="history"))


@bp.get("/key-results/<kr_id>/check-in")
@login_required
def check_in_form(kr_id):
    item, team = item_or_404(m.KeyResult, kr_id)
    letter = kr_letter(db(), item.id, actor().user_id)
    if not can_check_in(actor(), team, letter):
        abort(403)
    ctx = dict(kr=item, team=team, form=_blank_check_in(item), return_to=request.args.get("return_to", "row"))
    if is_htmx():
        return _fragment("plans/_check_in_form.html", **ctx)
    # Without htmx (a link from "Check-ins due", or no JavaScript): the key result's page, its
    # check-in form focused, so the person lands where they type.
    return render("plans/kr.html", focus_check_in=True, **_kr_context(item, team))


@bp.post("/key-results/<kr_id>/check-ins")
@login_required
@accepts(
    forms.CheckInForm,
    json_fields={
        "value": "quantity",
        "done": "bool",
        "confidence": "str",
        "note": "str",
        "checked_on": "date",
        "version": "int",
        "return_to": "str",
    },
)
def check_in(kr_id):
    item, team = item_or_404(m.KeyResult, kr_id)
    session, me = db(), actor()
    letter = kr_letter(session, item.id, me.user_id)
    if not can_check_in(me, team, letter):
        abort(403)
    data = form_data()
    return_to = data.get("return_to") if data.get("return_to") in ("row", "history") else "history"
    form = forms.CheckInForm(formdata=data, kind=item.kind)
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        if is_htmx():
            resp = _fragment(
                "plans/_check_in_form.html", status=422, kr=item, team=team, form=form, return_to=return_to
            )
            resp.headers["HX-Retarget"] = f"#check-in-{item.id}"
            resp.headers["HX-Reswap"] = "outerHTML"
            return resp
        return render("plans/kr.html", status=422, **_kr_context(item, team, form=form))
    planning.check_in(
        session=session,
        actor_id=me.user_id,
        org_id=me.org_id,
        kr=item,
        value=form.value.data,
        confidence=form.confidence_value,
        note=form.note.data or "",
        checked_on=form.checked_on.data or date.today(),
    )
    if item.kind == "milestone" and item.is_done != bool(form.done.data):
        planning.update(
            session=session,
            actor_id=me.user_id,
            org_id=me.org_id,
            item=item,
            expected_version=None,
            is_done=bool(form.done.data),
        )
    session.commit()
    if wants_json() or request.is_json:
        return {"id": item.id, "current": format(item.current, "f"), "version": item.version}, 201
    if not is_htmx():
        return redirect(url_for("plans.kr", kr_id=item.id), 303)
    if return_to == "row":
        return _item_fragment("kr", item, team)
    return render(
        "plans/kr.html",
        block="history",
        **_kr_context(item, team, status_note=_("Check-in saved."), letter=letter, block="history"),
    )


# --- the key result's chart (inline SVG drawn on the server) -----------------------------------

CHART_W, CHART_H, CHART_PAD = 360, 140, 24


def kr_chart(kr, check_ins, quarter) -> dict:
    """Coordinates for a small SVG: the check-in values over the quarter, the target line and
    the expected-pace line (start on the first day → target on the last)."""
    start_day, end_day = quarter.start, quarter.end
    span_days = max((end_day - start_day).days, 1)
    values = [kr.start, kr.target] + [c.value for c in check_ins]
    lo, hi = min(values), max(values)
    if lo == hi:
        hi = lo + 1
    w, h, pad = CHART_W, CHART_H, CHART_PAD

    def x(day):
        d = min(max((day - start_day).days, 0), span_days)
        return round(pad + (w - 2 * pad) * d / span_days, 1)

    def y(value):
        return round(h - pad - (h - 2 * pad) * float((Decimal(value) - lo) / (hi - lo)), 1)

    points = [(x(c.checked_on), y(c.value), c) for c in check_ins]
    line = " ".join(f"{px},{py}" for px, py, _c in points)
    return {
        "w": w,
        "h": h,
        "pad": pad,
        "target_y": y(kr.target),
        "start_y": y(kr.start),
        "pace": (x(start_day), y(kr.start), x(end_day), y(kr.target)),
        "today_x": x(min(max(date.today(), start_day), end_day)),
        "line": line,
        "dots": points,
        "lo": lo,
        "hi": hi,
        "start_label": str(start_day),
        "end_label": str(end_day),
    }
