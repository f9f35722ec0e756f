"""1:1 notes between a manager and one member: a running agenda either may add to (an item may
link a key result or a blocked task) and notes per meeting, seen by the two of them only —
anyone else, an admin included, gets a 404 (docs/rhythm.md says why). Routes of ``rhythm``.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.core import models as m
from okr.core.queries import user_names
from okr.core.web import accepts, actor, db, is_htmx, json_error, render, wants_json
from okr.core.web.forms import VersionForm, form_data
from okr.core.writes import StaleEdit
from okr.rhythm import ops, queries
from okr.rhythm.forms_meetings import AgendaItemForm, MeetingNotesForm, optional_id
from okr.rhythm.views import bp


@bp.get("/one-on-ones")
@login_required
def one_on_ones():
    me = actor()
    managers, members = queries.one_on_one_pairs(db(), me.org_id, me.user_id)
    names = user_names(db(), managers | members)
    by_name = lambda ids: sorted(((uid, names.get(uid, "")) for uid in ids), key=lambda p: p[1])  # noqa: E731
    return render("rhythm/one_on_ones.html", managers=by_name(managers), members=by_name(members), me=me.user_id)


def _pair_or_404(manager_id: int, member_id: int) -> None:
    """Only the manager and the member themselves, and only a real pair; anyone else: 404."""
    me = actor()
    if me.user_id not in (manager_id, member_id):
        abort(404)
    managers, members = queries.one_on_one_pairs(db(), me.org_id, me.user_id)
    if (me.user_id == manager_id and member_id not in members) or (
        me.user_id == member_id and manager_id not in managers
    ):
        abort(404)


def _page(manager_id: int, member_id: int, status: int = 200, **forms):
    items, meetings = queries.one_on_one(db(), manager_id, member_id)
    krs, blocked = queries.member_links(db(), member_id)
    names = user_names(db(), [manager_id, member_id, *(r.created_by_id for r in [*items, *meetings])])
    item_form = forms.get("item_form") or AgendaItemForm(formdata=None)
    notes_form = forms.get("notes_form") or MeetingNotesForm(formdata=None)
    return render(
        "rhythm/one_on_one.html", block="agenda" if forms.get("block") else None, status=status,
        manager_id=manager_id, member_id=member_id, names=names, items=items, meetings=meetings,
        krs=dict(krs), blocked={t[0]: t for t in blocked}, item_form=item_form, notes_form=notes_form,
        me=current_user.id,
    )  # fmt: skip


@bp.get("/one-on-ones/<int:manager_id>/<int:member_id>")
@login_required
def one_on_one(manager_id, member_id):
    _pair_or_404(manager_id, member_id)
    return _page(manager_id, member_id)


@bp.post("/one-on-ones/<int:manager_id>/<int:member_id>/items")
@login_required
@accepts(AgendaItemForm, json_fields={"text": "text", "key_result_id": "int", "task_id": "int"})
def agenda_item_add(manager_id, member_id):
    _pair_or_404(manager_id, member_id)
    form = AgendaItemForm(formdata=form_data())
    ok = form.validate()
    krs, blocked = queries.member_links(db(), member_id)
    kr_id = optional_id(form.key_result_id.data) if ok else None
    task_id = optional_id(form.task_id.data) if ok else None
    if kr_id is not None and kr_id not in dict(krs):
        form.key_result_id.errors = [_("Choose one of the member's key results.")]
        ok = False
    if task_id is not None and task_id not in {t[0] for t in blocked}:
        form.task_id.errors = [_("Choose one of the member's blocked tasks.")]
        ok = False
    if not ok:
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _page(manager_id, member_id, 422, item_form=form, block=is_htmx())
    me = actor()
    ops.add_agenda_item(
        session=db(), actor_id=me.user_id, org_id=me.org_id, manager_id=manager_id, member_id=member_id,
        text=form.text.data, key_result_id=kr_id, task_id=task_id, author_name=current_user.name,
    )  # fmt: skip
    db().commit()
    return _after(manager_id, member_id)


def _after(manager_id, member_id):
    if is_htmx():
        return _page(manager_id, member_id, block=True)
    return redirect(url_for("rhythm.one_on_one", manager_id=manager_id, member_id=member_id), 303)


@bp.post("/one-on-ones/<int:manager_id>/<int:member_id>/items/<int:item_id>/done")
@login_required
@accepts(VersionForm, json_fields={"version": "int"})
def agenda_item_done(manager_id, member_id, item_id):
    _pair_or_404(manager_id, member_id)
    item = db().get(m.OneOnOneItem, item_id)
    if item is None or (item.manager_id, item.member_id) != (manager_id, member_id):
        abort(404)
    form = VersionForm(formdata=form_data())
    if not form.validate():
        return json_error(_("Some values need fixing."), 422, form.errors)
    me = actor()
    try:
        ops.set_agenda_item_done(session=db(), actor_id=me.user_id, org_id=me.org_id, item=item,
                                 done=not item.is_done, expected_version=int(form.version.data))  # fmt: skip
        db().commit()
    except StaleEdit:
        db().rollback()
        return json_error(_("Someone else changed this in the meantime."), 409)
    return _after(manager_id, member_id)


@bp.post("/one-on-ones/<int:manager_id>/<int:member_id>/meetings")
@login_required
@accepts(MeetingNotesForm, json_fields={"held_on": "date", "notes": "text"})
def meeting_add(manager_id, member_id):
    _pair_or_404(manager_id, member_id)
    form = MeetingNotesForm(formdata=form_data())
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        return _page(manager_id, member_id, 422, notes_form=form)
    me = actor()
    ops.add_meeting_notes(session=db(), actor_id=me.user_id, org_id=me.org_id, manager_id=manager_id,
                          member_id=member_id, held_on=form.held_on.data, notes=form.notes.data or "")  # fmt: skip
    db().commit()
    return redirect(url_for("rhythm.one_on_one", manager_id=manager_id, member_id=member_id) + "#meetings", 303)
