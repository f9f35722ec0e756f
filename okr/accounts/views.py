"""Signing in and out, the password change and the language switch.

Failure messages are generic (the same whether the account exists or not); a password change
raises the person's session version, which ends every other session of theirs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlmodel import func, select

from okr.accounts import sessions
from okr.accounts.forms import PasswordChangeForm
from okr.accounts.passwords import check_password, hash_password
from okr.core import models as m
from okr.core.settings import LOCALES
from okr.core.web import accepts, db, render
from okr.core.web.forms import LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, never a scheme (open redirects)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        # No control characters (CR/LF would split the Location header): ignored, not an error.
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    return target


def _max_age():
    from datetime import timedelta

    from flask import current_app

    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    return render("accounts/login.html", form=LoginForm(), next=request.args.get("next", ""))


@bp.post("/login")
@accepts(LoginForm, json_fields={"next": "str"})
def login_post():
    form = LoginForm()
    nxt = request.form.get("next", "")
    if not form.validate():
        return render("accounts/login.html", form=form, next=nxt, status=422)
    email = form.email.data.strip().lower()
    from okr.core.web import ratelimit

    if not ratelimit.login_allowed(email):
        return render(
            "accounts/login.html",
            form=form,
            next=nxt,
            error=_("Too many attempts. Wait a few minutes and try again."),
            status=429,
        )
    user = db().exec(select(m.User).where(func.lower(m.User.email) == email)).first()
    # The same message and the same work whether the account exists or not.
    ok = check_password(user.password_hash if user else None, form.password.data)
    if not ok or user is None or user.is_archived:
        return render(
            "accounts/login.html", form=form, next=nxt, error=_("Email or password is not right."), status=401
        )
    ratelimit.login_succeeded(email)
    session.clear()
    session["sv"] = user.session_version
    session["sid"] = sessions.start(session=db(), user_id=user.id, max_age=_max_age())
    login_user(user)
    user.last_login_at = m.utcnow()
    db().add(user)
    db().commit()
    return redirect(_safe_next(nxt))


@bp.post("/logout")
@login_required
@accepts()
def logout():
    """Sign out: the session's row on the server goes, so a copy of the cookie no longer works."""
    sessions.end(session=db(), token=session.get("sid") if isinstance(session.get("sid"), str) else None)
    db().commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
@accepts(json_fields={"lang": "enum", "next": "str"})
def set_language():
    lang = request.form.get("lang", "")
    if lang in LOCALES and "\x00" not in lang:
        session["locale"] = lang
        if current_user.is_authenticated:
            user = db().get(m.User, current_user.id)
            user.locale = lang
            db().add(user)
            db().commit()
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.get("/csrf-token")
def csrf_token():
    """A fresh CSRF token for a page whose token went stale (htmx retries with it)."""
    from flask import jsonify
    from flask_wtf.csrf import generate_csrf

    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/logout")
def logout_confirm():
    """A bookmarked /logout asks before signing out (signing out is a POST, like every change)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render("accounts/logout.html")


@bp.get("/me/password")
def password():
    return render("accounts/password.html", form=PasswordChangeForm())


@bp.post("/me/password")
@accepts(PasswordChangeForm)
def password_post():
    """Change one's own password: every other session of this person ends, this one stays."""
    form = PasswordChangeForm()
    form.own_words = (current_user.email, current_user.name)
    if not form.validate():
        return render("accounts/password.html", form=form, status=422)
    user = db().get(m.User, current_user.id)
    if not check_password(user.password_hash, form.current.data):
        form.current.errors.append(_("This is not your current password."))
        return render("accounts/password.html", form=form, status=422)
    user.password_hash = hash_password(form.new.data)
    user.session_version = (user.session_version or 1) + 1
    db().add(user)
    sessions.end_all(session=db(), user_id=user.id, keep=session.get("sid"))
    db().commit()
    session["sv"] = user.session_version
    flash(_("Your password is changed. Other sessions are signed out."), "success")
    return redirect(url_for("auth.password"))
