"""Sign-in throttling per account and per address, shared by every worker; a general API limit.

Failed attempts are rows in the database, or counters in Redis when OKR_REDIS_URL is set, so a
limit holds across gunicorn workers; past the limit the login page answers 429. Flask-Limiter
caps /api/ requests per person (Redis storage when configured, memory otherwise).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from sqlmodel import delete, func, select

from okr import models as m
from okr.db import get_session

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 10
PER_ADDRESS = 30
API_LIMIT = "600 per minute"


def _keys(email: str) -> list[tuple[str, int]]:
    return [
        (f"acct:{email[:250]}", current_app.config.get("LOGIN_LIMIT_PER_ACCOUNT", PER_ACCOUNT)),
        (f"addr:{request.remote_addr or '-'}", current_app.config.get("LOGIN_LIMIT_PER_ADDRESS", PER_ADDRESS)),
    ]


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    ext = current_app.extensions.setdefault("okr_redis", {})
    if url not in ext:
        import redis

        ext[url] = redis.Redis.from_url(url, socket_timeout=2)
    return ext[url]


def login_blocked(email: str) -> bool:
    if not current_app.config.get("LOGIN_RATE_LIMIT", True):
        return False
    r = _redis()
    if r is not None:
        counts = r.mget([f"okr:login:{k}" for k, _ in _keys(email)])
        return any(int(c or 0) >= limit for c, (_, limit) in zip(counts, _keys(email)))
    session = get_session()
    since = m.utcnow() - WINDOW
    for key, limit in _keys(email):
        n = session.exec(select(func.count()).select_from(m.LoginAttempt).where(m.LoginAttempt.key == key, m.LoginAttempt.at >= since)).one()
        if n >= limit:
            return True
    return False


def login_failed(email: str) -> None:
    r = _redis()
    if r is not None:
        pipe = r.pipeline()
        for key, _limit in _keys(email):
            pipe.incr(f"okr:login:{key}")
            pipe.expire(f"okr:login:{key}", int(WINDOW.total_seconds()))
        pipe.execute()
        return
    session = get_session()
    for key, _limit in _keys(email):
        session.add(m.LoginAttempt(key=key))
    # Old attempts are of no use: keep the table small.
    session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.at < m.utcnow() - WINDOW))
    session.commit()


def login_succeeded(email: str) -> None:
    key = f"acct:{email[:250]}"
    r = _redis()
    if r is not None:
        r.delete(f"okr:login:{key}")
        return
    get_session().execute(delete(m.LoginAttempt).where(m.LoginAttempt.key == key))


def _api_key() -> str:
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"addr:{request.remote_addr or '-'}"


def init_app(app) -> None:
    """A Flask-Limiter per app: /api/ requests are limited per person (or address)."""
    from flask_limiter import Limiter

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(
        _api_key,
        default_limits=[app.config.get("API_RATE_LIMIT") or API_LIMIT],
        default_limits_exempt_when=lambda: not request.path.startswith("/api/"),
        key_prefix="okr",
    )
    limiter.init_app(app)
    app.extensions["okr_limiter"] = limiter
