"""`okr notify`: raise the events that are due (check-ins, overdue tasks, the weekly digest)
and mail what waits to be mailed. Run it every few minutes (docs/notify.md has a cron line and a
systemd timer); each message goes once, even when two runs overlap on two hosts.
"""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app

from okr.cli import _require_current_schema, _session, command


def _today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write the date as 2026-05-18", param_hint="--today") from None


@command("notify")
@click.option("--today", "today_text", default=None, help="Compute what is due on this day (YYYY-MM-DD).")
@click.option("--no-mail", is_flag=True, help="Only fill the inboxes; send no mail this run.")
def notify_command(today_text, no_mail):
    """Deliver notifications: fill inboxes with what is due and send the mail that waits."""
    from okr.core.models import utcnow
    from okr.notify import ops

    _require_current_schema()
    today = _today(today_text)
    now = utcnow()
    with _session() as session:
        raised = ops.raise_due(session, today=today, fiscal_start=current_app.config["FISCAL_YEAR_START"])
        raised["weekly_digest"] = ops.raise_digests(session, today=today)
        session.commit()
    new = ", ".join(f"{event} {n}" for event, n in raised.items() if n) or "nothing new"
    if no_mail or not current_app.config.get("SMTP_URL"):
        click.echo(f"Notifications: {new}; no mail sent" + ("" if no_mail else " (OKR_SMTP_URL is not set)") + ".")
        return
    sent, failed = send_mail(now)
    click.echo(f"Notifications: {new}; mail sent {sent}, failed {failed}.")
    if failed:
        raise SystemExit(1)


def send_mail(now: datetime) -> tuple[int, int]:
    """Claim the due mail for this run, send each message and record the outcome one by one
    (committed each time, so a stop halfway loses nothing and repeats nothing)."""
    from okr.notify import emails, ops, queries
    from okr.notify.mail import Mailer, MailError

    sent = failed = 0
    with _session() as session:
        token = ops.claim_mail(session, now=now)
        session.commit()
        rows = queries.claimed(session, token)
        if not rows:
            return 0, 0
        users = queries.people(session, [r.user_id for r in rows])
        digests = queries.digest_items(session, [r.user_id for r in rows if r.event == "weekly_digest"])
        base = current_app.config["BASE_URL"]
        # One request context for the whole run: the mails' links are made against OKR_BASE_URL.
        with Mailer(current_app.config["SMTP_URL"]) as mailer, current_app.test_request_context("/", base_url=base):
            for row in rows:
                user = users.get(row.user_id)
                if user is None or user.is_archived or "@" not in (user.email or ""):
                    ops.mail_skipped(session, row=row, reason="no one to mail")
                    session.commit()
                    continue
                items = digests.get(user.id, []) if row.event == "weekly_digest" else []
                try:
                    mailer.send(emails.build(row, user, items))
                except MailError as error:
                    current_app.logger.warning("mail %s to %s failed: %s", row.id, user.email, error)
                    ops.mail_failed(session, row=row, now=now, error=str(error))
                    failed += 1
                else:
                    ops.mail_sent(session, row=row, now=now, digested=[i.id for i in items])
                    sent += 1
                session.commit()
    return sent, failed
