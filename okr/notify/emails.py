"""Notification mail: a message for one notification (or one digest), in its reader's language,
as plain text and HTML, with a signed unsubscribe link and the List-Unsubscribe headers that let
a mail program unsubscribe in one click (RFC 8058).
"""

from __future__ import annotations

import json
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid

from flask import current_app, g, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from okr.core import models as m
from okr.notify import tokens, words
from okr.notify.queries import Item


def build(row: m.Notification, user: m.User, digest: list[Item] = ()) -> MIMEMultipart:
    """The mail of one notification row (its digest items listed when it is the digest). Runs
    outside any request (`okr notify`): links are made against OKR_BASE_URL."""
    if has_request_context():
        return _build(row, user, digest)
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return _build(row, user, digest)


def _build(row: m.Notification, user: m.User, digest) -> MIMEMultipart:
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
    # email.mime's compat32 messages: the modern EmailMessage parses and folds every header
    # through the header registry, several times slower for the same bytes on the wire.
    msg = MIMEMultipart("alternative")
    msg["Subject"] = Header(subject[:200], "utf-8")
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = formataddr((user.name, user.email), charset="utf-8")
    msg["Message-ID"] = make_msgid(idstring=f"n{row.id}")
    msg["Date"] = formatdate(localtime=False)
    msg["Content-Language"] = "zh-Hans" if locale == "zh" else "en"
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.attach(MIMEText(body_text, "plain", "utf-8"))
    msg.attach(MIMEText(body_html, "html", "utf-8"))
    return msg
