"""The RACI matrix pages: a team's matrix for a quarter or a month (edited cell by cell in place),
its CSV export, and a person's own RACI. Rules come from okr.raci.rules, writes from okr.plans.ops.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, make_response, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from okr.core import models as m
from okr.core import periods, writes
from okr.core.permissions import can_plan
from okr.core.web import (
    accepts,
    actor,
    db,
    is_htmx,
    item_or_404,
    json_error,
    org_teams,
    render,
    team_or_404,
    wants_json,
)
from okr.raci import ops as raci_ops
from okr.raci import queries as rq
from okr.raci import rules as raci
from okr.raci import words as raci_words
from okr.raci.forms import RaciCellForm

bp = Blueprint("matrix", __name__)

MODELS = {rq.KR: m.KeyResult, rq.PROJECT: m.Project}
MAX_EXTRA_COLUMNS = 30


def _locale() -> str:
    return "zh" if str(get_locale() or "en").startswith("zh") else "en"


def _fiscal_start() -> int:
    return current_app.config["FISCAL_YEAR_START"]


def _this_quarter() -> periods.Quarter:
    return periods.quarter_of(date.today(), _fiscal_start())


def _matrix_period(text: str | None) -> periods.Period:
    """A quarter or a month from its text form; anything else is a 404."""
    if not text:
        return _this_quarter()
    try:
        period = periods.parse(text, _fiscal_start())
    except periods.PeriodError:
        abort(404)
    if not isinstance(period, (periods.Quarter, periods.Month)):
        abort(404)
    return period


def _words(problems) -> list[str]:
    return [raci_words.message(p.code, **p.params) for p in problems]


def _refusal_words(refused) -> list[str]:
    """Why an edit was not saved. Said as a refusal, not as the row's state: the row keeps its
    letters, so "No one is Responsible" next to its "Complete" would contradict it."""
    said = {
        raci.NO_ACCOUNTABLE: lambda p: _(
            "Not saved: that would leave no one Accountable. Give the A to someone else first."
        ),
        raci.NO_RESPONSIBLE: lambda p: _(
            "Not saved: that would leave no one Responsible. Give someone else an R first, or make the Accountable A/R."
        ),
        raci.TWO_ACCOUNTABLE: lambda p: _(
            "Not saved: that would make %(count)s people Accountable. Take the A from its holder first.",
            count=p.params.get("count", 2),
        ),
    }
    return [
        said[p.code](p) if p.code in said else _("Not saved: %(reason)s", reason=raci_words.message(p.code, **p.params))
        for p in refused
    ]


def _extra_people(values) -> list[int]:
    ids = []
    for v in values[:MAX_EXTRA_COLUMNS]:
        try:
            n = int(v)
        except (TypeError, ValueError):
            continue
        if 0 < n < 2**63 and n not in ids:
            ids.append(n)
    return ids


def _context(team: m.Team, period: periods.Period, *, extra=(), notes: dict | None = None) -> dict:
    """Everything the matrix page and its fragment show, in a few set-based queries."""
    session = db()
    me = actor()
    locale = _locale()
    org = session.get(m.Organisation, team.org_id)
    people_of_org = rq.org_people(session, team.org_id)
    extra = [uid for uid in extra if uid in people_of_org]
    matrix = rq.team_matrix(
        session, team, period, fiscal_start=_fiscal_start(), extra_people=extra, live_people=people_of_org
    )
    load = rq.quarter_load(session, team.org_id, matrix.quarter, user_ids=[p.id for p in matrix.people])
    over = raci.overloaded(load, max_a=org.raci_max_accountable, max_r=org.raci_max_responsible)
    # An archived person's letters count for nothing here either (their rows show the gap).
    here_load = raci.load((r.key, r.live_letters) for r in matrix.rows)
    load_rows = []
    for person in matrix.people:
        counts = load.get(person.id, raci.Counts())
        reasons = []
        for code in over.get(person.id, []):
            n, limit = (
                (counts.A, org.raci_max_accountable)
                if code == raci.TOO_MANY_ACCOUNTABLE
                else (counts.R, org.raci_max_responsible)
            )
            reasons.append(raci_words.message(code, count=n, limit=limit))
        here = here_load.get(person.id, raci.Counts())
        load_rows.append({"person": person, "counts": counts, "here": here, "reasons": reasons})
    row_by_key = {r.key: r for r in matrix.rows}
    gap_rows = [
        {
            "row": row_by_key[key],
            "messages": [raci_words.message(c) for c in codes]
            + _words([p for p in row_by_key[key].problems if p.code == raci.ARCHIVED_HOLDER]),
        }
        for key, codes in raci.gaps((r.key, r.live_letters) for r in matrix.rows)
    ]
    column_ids = {p.id for p in matrix.people}
    period_text = str(period)
    quarter = matrix.quarter
    return {
        "team": team,
        "matrix": matrix,
        "people": matrix.people,
        "period": period,
        "period_text": period_text,
        "quarter": quarter,
        "months": [str(mo) for mo in quarter.months()],
        "prev_period": str(period.prev()),
        "next_period": str(period.next()),
        "can_edit": can_plan(me, team),
        "locale": locale,
        "letter_names": raci_words.letter_names(),
        "row_problems": {r.key: _words(r.problems) for r in matrix.rows},
        "notes": notes or {},
        "load_rows": load_rows,
        "gap_rows": gap_rows,
        "limits": (org.raci_max_accountable, org.raci_max_responsible),
        "addable": [p for uid, p in people_of_org.items() if uid not in column_ids],
        "extra": [uid for uid in extra if uid not in matrix.member_ids],
        "teams": org_teams(),
    }


# --- pages ------------------------------------------------------------------------------------


@bp.get("/raci")
@login_required
def overview():
    """The signed-in person's first team's matrix (the first team of the organisation otherwise)."""
    me = actor()
    rows = org_teams()
    mine = [r.team for r in rows if r.team.id in me.roles]
    team = (mine or [r.team for r in rows] or [None])[0]
    if team is None:
        return redirect(url_for("home.teams"))
    return redirect(url_for("matrix.team", slug=team.slug))


@bp.get("/teams/<slug>/raci")
@login_required
def team(slug):
    return _show(team_or_404(slug), _matrix_period(None))


@bp.get("/teams/<slug>/raci/<period>")
@login_required
def team_period(slug, period):
    return _show(team_or_404(slug), _matrix_period(period))


def _show(team: m.Team, period: periods.Period):
    ctx = _context(team, period, extra=_extra_people(request.args.getlist("with")))
    fmt = request.args.get("format")
    if fmt == "csv":
        return _csv(ctx)
    if fmt == "json" or wants_json():
        return jsonify(_as_json(ctx))
    # Only the matrix's own refresh gets the fragment; any other htmx GET gets the whole page.
    block = "matrix_body" if request.headers.get("HX-Target") == "matrix_body" else None
    return render("raci/team.html", block=block, **ctx)


def _as_json(ctx) -> dict:
    people = {p.id: p for p in ctx["people"]}
    return {
        "team": ctx["team"].slug,
        "period": ctx["period_text"],
        "people": [{"id": p.id, "name": p.name, "email": p.email} for p in ctx["people"]],
        "items": [
            {
                "type": r.type,
                "id": r.item.id,
                "title": r.item.title,
                "objective": r.objective.title if r.objective else None,
                "state": r.state,
                "raci": {
                    people[uid].email if uid in people else str(uid): letter for uid, letter in r.live_letters.items()
                },
                "archived": [{"id": uid, "name": name, "letter": r.letters[uid]} for uid, name in r.archived.items()],
                "problems": [p.code for p in r.problems],
            }
            for r in ctx["matrix"].rows
        ],
        "gaps": [{"type": g["row"].type, "id": g["row"].item.id} for g in ctx["gap_rows"]],
    }


def _csv(ctx):
    """The matrix as a spreadsheet reads it: UTF-8 with a BOM, formula-looking cells escaped."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    people = ctx["people"]
    header = [_("Objective"), _("Type"), _("Item"), _("Period")] + [p.name for p in people] + [_("Problems")]
    writer.writerow([raci.csv_safe(str(h)) for h in header])
    kinds = {rq.KR: _("Key result"), rq.PROJECT: _("Project")}
    for row in ctx["matrix"].rows:
        when = row.item.month if row.type == rq.PROJECT else (row.objective.quarter if row.objective else "")
        cells = [
            row.objective.title if row.objective else _("Not linked to an objective"),
            kinds[row.type],
            row.item.title,
            when,
        ]
        cells += [row.letters.get(p.id, "") for p in people]
        cells.append(" ".join(ctx["row_problems"][row.key]))
        writer.writerow([raci.csv_safe(str(c)) for c in cells])
    body = "\ufeff" + buf.getvalue()
    resp = make_response(body.encode("utf-8"))
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="raci-{ctx["team"].slug}-{ctx["period_text"]}.csv"'
    return resp


# --- the one write: a cell ---------------------------------------------------------------------


@bp.post("/teams/<slug>/raci/cell")
@login_required
@accepts(
    RaciCellForm,
    json_fields={
        "item_type": "str",
        "item_id": "int",
        "user_id": "int",
        "op": "str",
        "letter": "str",
        "state": "str",
        "period": "str",
        "draft": "bool",
    },
)
def cell_update(slug):
    """Give one person one letter (or none) on one item of the team's matrix.

    Refused with 422 and the rule's words when it would give the row a second A, or take the
    only A or R from a complete row (unless ``draft``); 409 when the row's letters are no longer
    the ones the editor saw (``state``); 403 for anyone who may not plan the team.
    """
    team = team_or_404(slug)
    if not can_plan(actor(), team):
        abort(403)
    data, unreadable = _posted()
    form = RaciCellForm(formdata=data)
    period = _form_period(form)
    extra = _extra_people(data.getlist("with"))
    if unreadable or not form.validate() or not form.state.raw_data:
        if not form.state.raw_data and "state" not in form.errors:
            form.state.errors = [*form.state.errors, _("Reload the page: this edit did not say which letters it saw.")]
        fields = dict(form.errors.items())
        for name in unreadable:
            fields[name] = [_("Some values need fixing.")]
        if not form.state.raw_data:
            fields["state"] = form.state.errors
        message = _("Some values need fixing.")
        if wants_json() or request.is_json:
            return json_error(message, 422, fields)
        if is_htmx():
            resp = make_response(render_message(message), 422)
            resp.headers["HX-Retarget"] = "#matrix-message"
            resp.headers["HX-Reswap"] = "innerHTML"
            return resp
        flash(message, "error")
        return _show_with(team, period, extra, {}, 422)

    model = MODELS[form.item_type.data]
    item, item_team = item_or_404(model, form.item_id.data)
    if item_team.id != team.id or not _is_live(item):
        abort(404)
    session = db()
    writes.lock_org(session, team.org_id)  # the organisation's write lock before the row's
    _lock(session, model, item.id)
    kw = {"key_result": item} if model is m.KeyResult else {"project": item}
    current = raci_ops.get_raci(session=session, **kw)
    key = (form.item_type.data, item.id)
    uid = form.user_id.data
    locale = _locale()

    if rq.row_state(current) != (form.state.data or ""):
        return _conflict(team, period, extra, key, form, current, locale)

    members = set(rq.org_people(session, team.org_id))
    # Letters of people archived since they were given count as absent, so a manager can hand
    # an archived person's A to someone else; saving the row drops them (the audit keeps them).
    live = raci.live(current, {u for u in current if u not in members})
    draft = bool(form.draft.data)
    if form.op.data == "cycle":
        letter, refused = raci.next_allowed(live, uid, draft=draft, members=members)
    else:
        letter = form.letter.data or None
        refused = raci.check_change(live, uid, letter, draft=draft, members=members)
    if refused:
        words = _refusal_words(refused)
        if wants_json() or request.is_json:
            return json_error(" ".join(words), 422, {"letter": words})
        return _show_with(team, period, extra, {key: {"kind": "refused", "messages": words}}, 422)

    new = raci.apply(live, uid, letter)
    if new != current:
        raci_ops.set_raci(session=session, actor_id=actor().user_id, org_id=team.org_id, assignments=new, **kw)
        session.commit()
    if wants_json() or request.is_json:
        return jsonify(
            {
                "type": key[0],
                "id": key[1],
                "letters": {str(k): v for k, v in sorted(new.items())},
                "state": rq.row_state(new),
                "problems": [p.code for p in raci.problems(new)],
            }
        )
    if is_htmx():
        return _show_with(team, period, extra, {}, 200)
    return redirect(_page_url(team, period, extra) + f"#{_dom_id(key)}")


def _posted():
    """The posted fields as text: a form as sent, or a JSON object whose scalars become text (a
    list or an object where one value belongs is named as unreadable, never guessed at)."""
    if not request.is_json:
        return request.form, []
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return MultiDict(), ["body"]
    data, unreadable = MultiDict(), []
    for name, value in body.items():
        if name == "with" and isinstance(value, list):
            for v in value:
                data.add(name, str(v))
        elif isinstance(value, bool):
            data.add(name, "y" if value else "")
        elif isinstance(value, (str, int, float)):
            data.add(name, str(value))
        elif value is not None:
            unreadable.append(str(name)[:40])
    return data, unreadable


def _lock(session, model, item_id: int) -> None:
    """Serialise cell edits of one item, so two editors never both pass the check on the same
    letters: a second editor waits here, then reads the first one's letters (and gets a 409).

    PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite has no row locks: a no-op UPDATE
    takes the database's write lock before the letters are read.
    """
    if session.get_bind().dialect.name == "sqlite":
        table = model.__table__
        session.execute(sa.update(table).where(table.c.id == item_id).values(version=table.c.version))
    else:
        session.exec(select(model.id).where(model.id == item_id).with_for_update()).first()


def _conflict(team, period, extra, key, form, current, locale):
    """Someone saved this row since it was shown: keep their letters, say what was not saved."""
    session = db()
    people = rq.org_people(session, team.org_id)

    def describe(state: str) -> str:
        parts = []
        for pair in state.split(","):
            uid, _sep, letter = pair.partition(":")
            person = people.get(int(uid)) if uid.isdigit() else None
            if letter:
                parts.append(f"{person.name if person else uid}: {letter}")
        return ", ".join(parts) or "—"

    wanted_letter = form.letter.data if form.op.data == "set" else _("the next letter")
    person = people.get(form.user_id.data)
    message = _(
        "Someone else changed this row. You saw %(saw)s; it now holds %(now)s. Your change (%(who)s → %(letter)s) was not saved: look again and redo it.",
        saw=describe(form.state.data or ""),
        now=describe(rq.row_state(current)),
        who=person.name if person else str(form.user_id.data),
        letter=wanted_letter or "—",
    )
    if wants_json() or request.is_json:
        return json_error(message, 409, {"state": [rq.row_state(current)]})
    return _show_with(team, period, extra, {key: {"kind": "conflict", "messages": [message]}}, 409)


def _show_with(team, period, extra, notes, status):
    ctx = _context(team, period, extra=extra, notes=notes)
    return render("raci/team.html", block="matrix_body", status=status, **ctx)


def render_message(message: str) -> str:
    from flask import render_template

    return render_template("errors/_message.html", status=422, message=message, request_id=None)


def _form_period(form) -> periods.Period:
    text = (form.period.data or "").strip()
    if not text:
        return _this_quarter()
    try:
        period = periods.parse(text, _fiscal_start())
    except periods.PeriodError:
        return _this_quarter()
    return period if isinstance(period, (periods.Quarter, periods.Month)) else _this_quarter()


def _is_live(item) -> bool:
    if item.is_archived:
        return False
    return not (isinstance(item, m.Project) and item.status == "dropped")


def _dom_id(key) -> str:
    return f"raci-{'kr' if key[0] == rq.KR else 'p'}-{key[1]}"


def _page_url(team, period, extra=()) -> str:
    return url_for("matrix.team_period", slug=team.slug, period=str(period), **({"with": list(extra)} if extra else {}))


# --- a person's RACI ---------------------------------------------------------------------------


@bp.get("/me/raci")
@login_required
def me():
    args = {"period": request.args["period"]} if request.args.get("period") else {}
    return redirect(url_for("matrix.person", user_id=actor().user_id, **args))


@bp.get("/people/<int:user_id>/raci")
@login_required
def person(user_id):
    """What a person is Accountable and Responsible for this quarter, and what they must be
    consulted or informed about, with their load against the organisation's limits."""
    session = db()
    me_ = actor()
    user = session.get(m.User, user_id)
    if user is None or user.org_id != me_.org_id:
        abort(404)
    quarter = _matrix_period(request.args.get("period"))
    if not isinstance(quarter, periods.Quarter):
        quarter = quarter.fiscal_quarter(_fiscal_start())
    org = session.get(m.Organisation, user.org_id)
    items = rq.quarter_items(session, user.org_id, quarter, user_id=user.id)
    by_letter = {letter: [] for letter in raci.Counts._fields}
    for it in items:
        letter = it.letters.get(user.id)
        if letter in raci.LETTERS:
            problems = _words(raci.problems(it.letters, archived=it.archived))
            for section in raci.counts_as(letter):  # an A/R is listed as Accountable and as Responsible
                by_letter[section].append({"it": it, "problems": problems, "letter": letter})
    counts = raci.load((it.key, it.live_letters) for it in items).get(user.id, raci.Counts())
    reasons = []
    if counts.A > org.raci_max_accountable:
        reasons.append(raci_words.message(raci.TOO_MANY_ACCOUNTABLE, count=counts.A, limit=org.raci_max_accountable))
    if counts.R > org.raci_max_responsible:
        reasons.append(raci_words.message(raci.TOO_MANY_RESPONSIBLE, count=counts.R, limit=org.raci_max_responsible))
    losses = [
        {"type": key[0], "item": item, "message": raci_words.message(code)}
        for key, item, code in rq.losses_if_archived(session, user.id)
    ]
    months = {str(mo) for mo in quarter.months()}
    teams_by_id = {r.team.id: r.team for r in org_teams()}
    if wants_json():
        return jsonify(
            {
                "person": {"id": user.id, "name": user.name, "email": user.email},
                "quarter": str(quarter),
                "load": counts._asdict(),
                "overloaded": bool(reasons),
                "items": {
                    letter: [
                        {
                            "type": x["it"].key[0],
                            "id": x["it"].key[1],
                            "title": x["it"].item.title,
                            "team": x["it"].team.slug,
                        }
                        for x in rows
                    ]
                    for letter, rows in by_letter.items()
                },
            }
        )
    return render(
        "raci/person.html",
        person=user,
        is_me=user.id == me_.user_id,
        quarter=quarter,
        prev_period=str(quarter.prev()),
        next_period=str(quarter.next()),
        by_letter=by_letter,
        counts=counts,
        reasons=reasons,
        limits=(org.raci_max_accountable, org.raci_max_responsible),
        losses=losses,
        letter_names=raci_words.letter_names(),
        months=months,
        teams_by_id=teams_by_id,
    )
