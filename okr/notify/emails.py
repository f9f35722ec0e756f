"""Notification mail: a message for one notification (or one digest), in its reader's language,
as plain text and HTML, with a signed unsubscribe link and the List-Unsubscribe headers that let
a mail program unsubscribe in one click (RFC 8058).
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, g, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from okr.core import models as m
from okr.notify import tokens, words
from okr.notify.queries import Item


def build(row: m.Notification, user: m.User, digest: list[Item] = ()) -> EmailMessage:
    """The mail of one notification row (its digest items listed when it is the digest). Runs
    outside any request (`okr notify`): links are made against OKR_BASE_URL."""
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return _build(row, user, digest)


def _build(row: m.Notification, user: m.User, digest) -> EmailMessage:
    cfg = current_app.config
    base = cfg["BASE_URL"]
    locale = user.locale if user.locale in ("en", "zh") else cfg["DEFAULT_LOCALE"]
    try:
        params = json.loads(row.params or "{}")
    except ValueError:
        params = {}
    token = tokens.make(cfg["SECRET_KEY"], user.id, row.event)
    unsubscribe = url_for("notify.unsubscribe", token=token, _external=True)
    g.pop("_okr_translations", None)  # the templates' catalogue is looked up once per context
    with force_locale(locale):
        text = words.message(row.event, params)
        ctx = {
            "user": user,
            "text": text,
            "link": (base + row.link) if row.link else url_for("notify.inbox", _external=True),
            "inbox": url_for("notify.inbox", _external=True),
            "preferences": url_for("notify.preferences", _external=True),
            "unsubscribe": unsubscribe,
            "event_name": words.event_name(row.event),
            "digest": [(words.message(i.event, i.params), (base + i.link) if i.link else "") for i in digest],
            "lang": locale,
        }
        subject = f"{_('OKR planner')}: {text}"
        body_text = render_template("notify/email.txt", **ctx)
        body_html = render_template("notify/email.html", **ctx)
    g.pop("_okr_translations", None)
    msg = EmailMessage()
    msg["Subject"] = subject[:200]
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = formataddr((user.name, user.email))
    msg["Message-ID"] = make_msgid(idstring=f"n{row.id}")
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body_text)
    msg.add_alternative(body_html, subtype="html")
    msg["Content-Language"] = "zh-Hans" if locale == "zh" else "en"  # after the body: set_content clears it
    return msg
