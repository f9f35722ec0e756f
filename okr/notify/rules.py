"""The rules of notifications as pure functions: when a key result's check-in is due or missed,
how long a failed mail waits before the next try, which week a digest belongs to, and what the
mail server address means. Values in, values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import unquote, urlsplit

CHECKIN_DUE_DAYS = 7
CHECKIN_MISSED_DAYS = 14
#: Tries before a mail is given up (its inbox copy stays): about two days with the back-off below.
MAX_ATTEMPTS = 12
RETRY_FIRST = timedelta(minutes=2)
RETRY_MAX = timedelta(hours=6)
#: A run that claimed a mail and died lets it go after this long, so another run sends it.
CLAIM_TIMEOUT = timedelta(minutes=15)
UNSUBSCRIBE_MAX_AGE = timedelta(days=60)


def checkin_event(last_on: date | None, since: date, today: date) -> str | None:
    """``checkin_missed`` when the key result's latest check-in (or, with none, ``since``: the
    day it was created) is 14 days old or more, ``checkin_due`` at 7 to 13 days, else None.
    A check-in dated in the future counts as today."""
    days = (today - (last_on or since)).days
    if days >= CHECKIN_MISSED_DAYS:
        return "checkin_missed"
    if days >= CHECKIN_DUE_DAYS:
        return "checkin_due"
    return None


def checkin_key(event: str, kr_id: int, last_on: date | None) -> str:
    """One reminder of each kind per key result and latest check-in: a new check-in starts anew."""
    return f"{event}:{kr_id}:{last_on.isoformat() if last_on else 'none'}"


def retry_at(now: datetime, attempts: int) -> datetime | None:
    """When to try a failed mail again after ``attempts`` failures: 2, 4, 8 … minutes, at most
    6 hours apart; None once ``MAX_ATTEMPTS`` tries failed (the mail is given up)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = min(RETRY_FIRST * (2 ** max(attempts - 1, 0)), RETRY_MAX)
    return now + delay


def digest_week(today: date) -> str:
    """The ISO week a digest made on ``today`` covers: the week before (Monday's digest is of
    last week), written 2026-W21."""
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: str  # "ssl" (smtps://, TLS from the first byte) or "starttls" (smtp://)
    user: str
    password: str


class SmtpUrlError(ValueError):
    pass


def smtp_target(url: str) -> SmtpTarget:
    """``smtp://user:pass@host:587`` (STARTTLS, port 587 by default) or ``smtps://…:465`` (TLS
    from the start). Name and password are URL-encoded; both may be left out for a local relay."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise SmtpUrlError("OKR_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise SmtpUrlError("OKR_SMTP_URL names no host")
    try:
        port = parts.port
    except ValueError:
        raise SmtpUrlError("OKR_SMTP_URL has a port that is not a number") from None
    ssl = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=port or (465 if ssl else 587),
        tls="ssl" if ssl else "starttls",
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
