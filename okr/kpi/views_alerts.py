"""The KPI alert pages of the kpi blueprint: a team's alerts (open and acknowledged first, then the
resolved history), acknowledging and resolving one with a note, and the recovery objective a
manager starts from an alert, prefilled.
"""

from __future__ import annotations

from flask import abort, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from okr.core import models as m
from okr.core import periods
from okr.core.permissions import can_plan
from okr.core.web import accepts, actor, db, is_htmx, json_error, render, team_by_id, team_or_404, wants_json
from okr.core.web.forms import form_data, row_id
from okr.kpi import ops, queries, words
from okr.kpi.forms import AlertForm, RecoverForm
from okr.kpi.views import _fiscal_start, _num, _team_ids, _today, bp, may_handle
from okr.plans import ops as plan_ops


def _alert_or_404(alert_id) -> tuple[m.KpiAlert, m.Kpi, object]:
    if row_id(alert_id) is None:
        abort(404)
    session = db()
    alert = session.get(m.KpiAlert, int(alert_id))
    kpi = session.get(m.Kpi, alert.kpi_id) if alert is not None else None
    if kpi is None or kpi.org_id != actor().org_id:
        abort(404)
    team = team_by_id(kpi.team_id)
    if team is None:
        abort(404)
    return alert, kpi, team


def _list_context(team, **extra) -> dict:
    me = actor()
    found = queries.team_alerts(db(), _team_ids(team))
    teams = {tid: team_by_id(tid) for tid in {r.kpi.team_id for r in found}}
    return {
        "team": team,
        "alerts": found,
        "handles": {r.alert.id: may_handle(me, teams.get(r.kpi.team_id), r.kpi) for r in found},
        "plans": {r.alert.id: bool(teams.get(r.kpi.team_id)) and can_plan(me, teams[r.kpi.team_id]) for r in found},
        "quarter": str(periods.quarter_of(_today(), _fiscal_start())),
        "words": words,
        "say": words.say,
        "forms": {},
        **extra,
    }


def alert_json(alert: m.KpiAlert, kpi: m.Kpi) -> dict:
    return {
        "id": alert.id,
        "kpi": kpi.key,
        "date": alert.measured_on.isoformat(),
        "value": _num(alert.value),
        "severity": alert.severity,
        "rule": alert.rule,
        "status": alert.status,
        "version": alert.version,
        "acknowledge_note": alert.acknowledge_note,
        "resolve_note": alert.resolve_note,
    }


@bp.get("/teams/<slug>/kpi-alerts")
@login_required
def alerts(slug):
    team = team_or_404(slug)
    ctx = _list_context(team)
    if wants_json():
        return jsonify({"team": team.slug, "alerts": [alert_json(r.alert, r.kpi) for r in ctx["alerts"]]})
    return render("kpi/alerts.html", block="alert_list" if is_htmx() else None, **ctx)


def _step(alert_id, step):
    alert, kpi, team = _alert_or_404(alert_id)
    me = actor()
    if not may_handle(me, team, kpi):
        abort(403)
    form = AlertForm(formdata=form_data())
    back = team_or_404(request.args.get("team") or team.slug)
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return render("kpi/alerts.html", block="alert_list" if is_htmx() else None, status=422,
                      **_list_context(back, forms={alert.id: form}))  # fmt: skip
    session = db()
    try:
        step(session=session, actor_id=me.user_id, org_id=me.org_id, alert=alert, note=form.note.data or "",
             expected_version=int(form.version.data))  # fmt: skip
    except ops.StaleEdit:
        session.rollback()
        message = _("Someone else changed this alert since you opened the page. Look at it again.")
        if wants_json():
            return json_error(message, 409)
        return render("kpi/alerts.html", block="alert_list" if is_htmx() else None, status=409,
                      **_list_context(back, message=message))  # fmt: skip
    except ops.KpiError as e:
        session.rollback()
        text = words.problem(e.code, **e.params)
        if wants_json():
            return json_error(text, 422, {e.field: [text]})
        form.note.errors = [text]
        return render("kpi/alerts.html", block="alert_list" if is_htmx() else None, status=422,
                      **_list_context(back, forms={alert.id: form}))  # fmt: skip
    session.commit()
    if wants_json():
        return jsonify(alert_json(alert, kpi))
    if is_htmx():
        return render("kpi/alerts.html", block="alert_list", **_list_context(back))
    return redirect(url_for("kpi.alerts", slug=back.slug))


@bp.post("/kpi-alerts/<alert_id>/acknowledge")
@login_required
@accepts(AlertForm, json_fields={"note": "text", "version": "int"})
def alert_acknowledge(alert_id):
    return _step(alert_id, ops.acknowledge)


@bp.post("/kpi-alerts/<alert_id>/resolve")
@login_required
@accepts(AlertForm, json_fields={"note": "text", "version": "int"})
def alert_resolve(alert_id):
    return _step(alert_id, ops.resolve)


# --- the recovery objective -------------------------------------------------------------------------


def _quarters() -> list[str]:
    this = periods.quarter_of(_today(), _fiscal_start())
    return [str(this), str(this.next())]


def _recover_form(alert: m.KpiAlert, kpi: m.Kpi, formdata=None) -> RecoverForm:
    form = RecoverForm(formdata=formdata)
    form.quarter.choices = [(q, q) for q in _quarters()]
    if formdata is None:
        quarter = periods.quarter_of(_today(), _fiscal_start())
        bound = (
            kpi.normal_min
            if alert.value is not None and kpi.normal_min is not None and alert.value < kpi.normal_min
            else kpi.normal_max
        )  # noqa: E501
        if bound is None:
            bound = kpi.normal_min if kpi.normal_min is not None else alert.value
        form.title.data = _("Bring %(kpi)s back within its normal range by %(date)s", kpi=kpi.name,
                            date=quarter.end.isoformat())  # fmt: skip
        form.quarter.data = str(quarter)
        form.kr_title.data = _("%(kpi)s back to %(bound)s %(unit)s", kpi=kpi.name, bound=_num(bound),
                               unit=kpi.unit).strip()  # fmt: skip
        form.start.data = alert.value
        form.target.data = bound
    return form


@bp.get("/kpi-alerts/<alert_id>/recover")
@login_required
def recover_form(alert_id):
    alert, kpi, team = _alert_or_404(alert_id)
    if not can_plan(actor(), team):
        abort(403)
    return render("kpi/recover.html", block="recover" if is_htmx() else None, alert=alert, kpi=kpi, team=team,
                  form=_recover_form(alert, kpi), words=words, say=words.say)  # fmt: skip


@bp.post("/kpi-alerts/<alert_id>/recover")
@login_required
@accepts(RecoverForm, json_fields={"title": "text", "quarter": "text", "kr_title": "text", "start": "number",
                                   "target": "number"})  # fmt: skip
def recover(alert_id):
    """Create the recovery objective (committed, owned by the manager) with one key result
    measured by the KPI, in the KPI's team."""
    alert, kpi, team = _alert_or_404(alert_id)
    me = actor()
    if not can_plan(me, team):
        abort(403)
    form = _recover_form(alert, kpi, form_data())
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return render("kpi/recover.html", block="recover" if is_htmx() else None, status=422, alert=alert, kpi=kpi,
                      team=team, form=form, words=words, say=words.say)  # fmt: skip
    session = db()
    objective = plan_ops.create(
        session=session, actor_id=me.user_id, org_id=me.org_id, model=m.Objective, team_id=team.id,
        quarter=form.quarter.data, title=form.title.data, kind="committed", owner_id=me.user_id,
    )  # fmt: skip
    kr = plan_ops.create(
        session=session, actor_id=me.user_id, org_id=me.org_id, model=m.KeyResult, objective_id=objective.id,
        title=form.kr_title.data, kind="metric", start=form.start.data, target=form.target.data,
        unit=kpi.unit[:32], owner_id=kpi.owner_id or me.user_id, kpi_id=kpi.id,
    )  # fmt: skip
    ops.move_key_results(session=session, actor_id=me.user_id, org_id=me.org_id, kpi=kpi, fiscal_start=_fiscal_start())
    session.commit()
    plan_url = url_for("plans.plan", slug=team.slug, period=form.quarter.data)
    if wants_json():
        return jsonify({"objective": objective.id, "key_result": kr.id, "url": plan_url}), 201
    if is_htmx():
        return render("kpi/recover.html", block="recover", alert=alert, kpi=kpi, team=team, form=None,
                      created=objective, plan_url=plan_url, words=words, say=words.say)  # fmt: skip
    return redirect(plan_url)
