"""The inbox (/inbox), the person's notification settings, and the unsubscribe link of the
mail; the unread count shown in the navigation of every page.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.core import kinds
from okr.core import models as m
from okr.core.web import accepts, actor, db, is_htmx, json_error, render, wants_json
from okr.core.web.forms import form_data
from okr.notify import ops, queries, tokens, words
from okr.notify.forms import MarkReadForm, PreferencesForm

bp = Blueprint("notify", __name__)


@bp.record_once
def _wire(state) -> None:
    app = state.app
    # The unsubscribe link is posted by mail programs (RFC 8058) without a session or a CSRF
    # token: the signed, expiring token in its address is what authorises it.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt("okr.notify.views.unsubscribe_post")

    @app.context_processor
    def _inbox_count():
        def inbox_unread() -> int | None:
            if not getattr(current_user, "is_authenticated", False):
                return None
            return queries.unread_count(db(), current_user.id)

        return {"inbox_unread": inbox_unread}


def _inbox_context() -> dict:
    items = queries.inbox(db(), current_user.id)
    return {
        "items": [(i, words.message(i.event, i.params), words.event_name(i.event)) for i in items],
        "unread": sum(1 for i in items if i.read_at is None),
    }


@bp.get("/inbox")
@login_required
def inbox():
    ctx = _inbox_context()
    if wants_json():
        return jsonify(
            {
                "unread": queries.unread_count(db(), current_user.id),
                "items": [
                    {
                        "id": i.id,
                        "event": i.event,
                        "text": text,
                        "link": i.link,
                        "created_at": i.created_at.isoformat(),
                        "read": i.read_at is not None,
                    }
                    for i, text, _name in ctx["items"]
                ],
            }
        )
    return render("notify/inbox.html", block="inbox_list", **ctx)


@bp.post("/inbox/read")
@login_required
@accepts(MarkReadForm, json_fields={"id": "int"})
def inbox_read():
    """Mark one notification read (``id``), or all of them."""
    form = MarkReadForm(formdata=form_data())
    if not form.validate():
        return json_error(_("Some values need fixing."), 422, form.errors)
    one = (form.id.data or "").strip()
    ids = [int(one)] if one else None
    n = ops.mark_read(db(), user_id=current_user.id, ids=ids)
    db().commit()
    if wants_json() or request.is_json:
        return jsonify({"marked": n, "unread": queries.unread_count(db(), current_user.id)})
    if is_htmx():
        return render("notify/inbox.html", block="inbox_list", oob=True, **_inbox_context())
    return redirect(url_for("notify.inbox"), 303)


@bp.get("/me/notifications")
@login_required
def preferences():
    form = PreferencesForm(formdata=None, data=queries.preferences(db(), current_user.id))
    if wants_json():
        return jsonify(queries.preferences(db(), current_user.id))
    return render("notify/preferences.html", form=form, events=kinds.NOTIFY_EVENTS, mail=_mail_on())


def _mail_on() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


@bp.post("/me/notifications")
@login_required
@accepts(PreferencesForm, json_fields=dict.fromkeys(kinds.NOTIFY_EVENTS, "enum"))
def preferences_post():
    form = PreferencesForm(formdata=form_data())
    if not form.validate():
        if wants_json() or request.is_json:
            return json_error(_("Some values need fixing."), 422, form.errors)
        return render("notify/preferences.html", status=422, form=form, events=kinds.NOTIFY_EVENTS, mail=_mail_on())
    chosen = {e: getattr(form, e).data for e in kinds.NOTIFY_EVENTS if getattr(form, e).data}
    a = actor()
    ops.set_preferences(db(), actor_id=a.user_id, org_id=a.org_id, user_id=current_user.id, chosen=chosen)
    db().commit()
    if wants_json() or request.is_json:
        return jsonify(queries.preferences(db(), current_user.id))
    flash(_("Notification settings saved."), "success")
    return redirect(url_for("notify.preferences"), 303)


def _token_user(token: str):
    """(person, event) of an unsubscribe token, or an error page (410 expired, 404 otherwise)."""
    try:
        user_id, event = tokens.read(current_app.config["SECRET_KEY"], token)
    except tokens.TokenError as error:
        if error.expired:
            return None, render("notify/unsubscribe.html", status=410, state="expired")
        return None, render("notify/unsubscribe.html", status=404, state="invalid")
    user = db().get(m.User, user_id)
    if user is None or user.is_archived:
        return None, render("notify/unsubscribe.html", status=404, state="invalid")
    return (user, event), None


@bp.get("/unsubscribe/<token>")
def unsubscribe(token):
    """The link in every mail: a page with one button (a link checker that fetches the page
    must not unsubscribe anyone), and the mail program's one-click POST below."""
    found, error = _token_user(token)
    if error is not None:
        return error
    user, event = found
    return render("notify/unsubscribe.html", state="ask", token=token, event_name=words.event_name(event), who=user)


@bp.post("/unsubscribe/<token>")
@accepts(json_fields={"List-Unsubscribe": "text"})  # RFC 8058's body; the token alone decides
def unsubscribe_post(token):
    found, error = _token_user(token)
    if error is not None:
        return error
    user, event = found
    ops.unsubscribe(db(), user=user, event=event)
    db().commit()
    return render("notify/unsubscribe.html", state="done", event_name=words.event_name(event), who=user)
