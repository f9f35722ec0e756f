"""Rules of personal access tokens: their text form, how they are stored, when one is valid and
what its scope allows. Pure: values in, values out.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

#: A read token may only read; a write token may do whatever its person may.
SCOPES = ("read", "write")
#: Methods a read token may use.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Every token starts so (a secret scanner can spot one in a leaked file).
TOKEN_MARK = "okr_"
#: Characters shown in listings: the mark and the first 8 characters of the random part.
PREFIX_LENGTH = len(TOKEN_MARK) + 8
DEFAULT_DAYS = 90
MAX_DAYS = 366
#: last_used_at is written at most this often per token (seconds).
TOUCH_EVERY = 60

ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


def token_text(random_part: str) -> str:
    """The token as the person copies it: ``okr_`` + the URL-safe text of 32 random bytes."""
    return TOKEN_MARK + random_part


def prefix_of(token: str) -> str:
    return token[:PREFIX_LENGTH]


def hash_of(token: str) -> str:
    """What is stored: the SHA-256 of the token, hex. A token holds 256 random bits, so a fast
    hash is enough (nobody can guess one to compare against); a slow one would cost every request."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None when the header is absent
    or another scheme; ``""`` when it says Bearer but carries nothing usable."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    if not value or len(value) > 200 or " " in value:
        return ""
    return value


def state(*, revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> str:
    """revoked (whatever its expiry) › expired (``now`` at or past ``expires_at``) › active."""
    if revoked_at is not None:
        return REVOKED
    if expires_at is not None and now >= expires_at:
        return EXPIRED
    return ACTIVE


def allows(scope: str, method: str) -> bool:
    """A write token may use any method; a read token only GET, HEAD and OPTIONS."""
    return scope == "write" or method.upper() in READ_METHODS


def due_touch(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether to write last_used_at on this use (never used, or not in the last TOUCH_EVERY s)."""
    return last_used_at is None or (now - last_used_at).total_seconds() >= TOUCH_EVERY
